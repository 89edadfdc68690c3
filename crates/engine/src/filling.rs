//! Filling in a form, as the UI asks for it: drafts of the acting profile
//! prefilled from the signed-in person's identity, attachments sent as
//! base64, submission with the validator's findings as field errors, the
//! outbox, and judging answers as the citizen types.

use base64::Engine as _;
use hoso_domain::catalogue::FormRef;
use hoso_domain::form::{Claims, FormValidator, prefill};
use hoso_protocol::command::{
    AddAttachment, AttachmentInfo, Draft, DraftSummary, OutboxItem, RemoveAttachment, ValidateForm, Validation,
};

use crate::store::Holder;
use crate::{Attachment, Engine, EngineError};

/// The longest base64 text that can encode `bytes` bytes (standard, padded).
fn base64_len(bytes: u64) -> u64 {
    bytes.div_ceil(3).saturating_mul(4)
}

fn info(attachment: Attachment) -> AttachmentInfo {
    AttachmentInfo {
        document: attachment.document_id,
        sha256: attachment.sha256,
        name: attachment.original_name,
        media_type: attachment.media_type,
        size: attachment.size,
    }
}

impl Engine {
    /// Starts a draft of `procedure` for the acting profile, its answers
    /// prefilled from the identity the portal vouched for. A procedure not
    /// in the local catalogue is looked for after refreshing it once.
    pub async fn draft_create(&self, procedure: &str) -> Result<Draft, EngineError> {
        let acting = self.acting_as().await?;
        if self.store.procedure(procedure).await?.is_none()
            && let Err(error) = self.sync_catalogue().await
        {
            tracing::info!(%error, "catalogue not refreshed before starting a draft");
        }
        let summary = self.create_draft(acting, procedure).await?;
        let data = match (self.cached_profile().await?, self.form_definition(&summary.form).await) {
            (Some(profile), Ok(form)) => {
                let claims = Claims { address: profile.address.clone(), ..Claims::from(&profile.person) };
                prefill(&form, &serde_json::Value::Null, &claims)
            }
            // Without a profile there is nothing to prefill from; without the
            // form (offline, never fetched) the citizen starts from blank.
            (_, Err(error)) => {
                tracing::info!(%error, "form not at hand; the draft starts blank");
                serde_json::Value::Object(Default::default())
            }
            (None, Ok(_)) => serde_json::Value::Object(Default::default()),
        };
        let saved = self.save_draft(hoso_protocol::command::SaveDraft { id: summary.id.clone(), data }).await?;
        self.draft(&saved.id).await
    }

    /// A draft with its attachments, to reopen it, and its submission when
    /// it was submitted (then the UI shows it read-only).
    pub async fn draft_open(&self, id: &str) -> Result<Draft, EngineError> {
        let mut draft = self.draft(id).await?;
        draft.attachments = self.attachments(id).await?.into_iter().map(info).collect();
        draft.submitted = self.submission_of(&self.drafter().await?, id).await?;
        Ok(draft)
    }

    /// The acting profile's drafts, the most recently saved first.
    pub async fn draft_list(&self) -> Result<Vec<DraftSummary>, EngineError> {
        self.drafts(&self.acting_as().await?).await
    }

    /// Attaches a file sent as base64. Text longer than the largest file any
    /// document of the catalogue accepts is refused before it is decoded;
    /// the document's own type and size are checked by [`Engine::attach`].
    pub async fn attachment_add(&self, add: AddAttachment) -> Result<AttachmentInfo, EngineError> {
        let largest =
            self.procedures().await?.iter().flat_map(|p| &p.documents).map(|d| d.max_bytes).max().unwrap_or(0);
        let length = u64::try_from(add.content_base64.len()).unwrap_or(u64::MAX);
        if length > base64_len(largest) {
            return Err(EngineError::AttachmentTooLarge {
                document: add.document,
                max_bytes: largest,
                size: length / 4 * 3,
            });
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(add.content_base64.as_bytes())
            .map_err(|e| EngineError::InvalidInput(format!("the file is not standard base64: {e}")))?;
        let attached = self.attach(&add.draft_id, &add.document, &add.name, &add.media_type, &bytes).await?;
        Ok(info(attached))
    }

    /// Removes a file from a draft; its encrypted copy goes when no other
    /// draft uses the same content. From a supplement answer, a file this
    /// device does not hold (a scan of the first submission, which the
    /// portal holds) is nothing to remove: the answer just stops naming it.
    /// A submitted draft's files stay (`AlreadySubmitted`).
    pub async fn attachment_remove(&self, remove: RemoveAttachment) -> Result<(), EngineError> {
        let subject = self.drafter().await?;
        self.refuse_if_submitted(&subject, &remove.draft_id).await?;
        let held = self.store.delete_attachment(&subject, &remove.draft_id, &remove.sha256).await?;
        let orphans = match (held, Holder::parse(&remove.draft_id)) {
            (Some(orphans), _) => orphans,
            (None, Holder::Supplement(_)) => return Ok(()),
            (None, Holder::Draft(_)) => {
                return Err(EngineError::NotFound { what: "attachment", id: remove.sha256.clone() });
            }
        };
        // After the commit: a crash in between leaves an unreferenced file,
        // never a row pointing at a missing one.
        self.attachments.remove(&orphans)
    }

    /// Queues a draft for the portal; answers the validator finds wrong are
    /// an `invalid_input` error whose fields name them.
    pub async fn draft_submit(&self, id: &str) -> Result<OutboxItem, EngineError> {
        match self.submit_draft(id).await? {
            Ok(item) => Ok(item),
            Err(validation) => Err(EngineError::InvalidAnswers(validation.errors)),
        }
    }

    /// Judges answers with the one validator, as the citizen types; the form
    /// comes from the local cache (fetched once when missing).
    pub async fn form_validate(&self, validate: ValidateForm) -> Result<Validation, EngineError> {
        let form: FormRef = validate.form;
        let definition = self.form_definition(&form).await?;
        let validator =
            FormValidator::new(&definition).map_err(|e| EngineError::StoredValue(format!("form {}: {e}", form.id)))?;
        Ok(Validation { errors: validator.validate(&validate.data) })
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;

    use super::base64_len;

    #[test]
    fn the_base64_bound_is_the_exact_padded_length() {
        for size in [0usize, 1, 2, 3, 4, 5, 1000, 1001] {
            let text = base64::engine::general_purpose::STANDARD.encode(vec![0u8; size]);
            assert_eq!(base64_len(size as u64), text.len() as u64, "{size} bytes");
        }
    }
}
