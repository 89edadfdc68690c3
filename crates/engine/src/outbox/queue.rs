//! Queueing a submission: the answers are judged by the one form validator
//! first (errors come back as data, nothing is queued), then the dossier and
//! its outbox entry are written together under a fresh client id. A
//! submission the portal refused may take new answers under its client id.

use hoso_domain::catalogue::{ChannelKind, FormRef, Localized, ProcedureCode};
use hoso_domain::form::{FormDefinition, FormValidator};
use hoso_domain::profile::ActingAs;
use hoso_protocol::api::dossier::SubmitDossier;
use hoso_protocol::api::path;
use hoso_protocol::api::upload::AttachmentRef;
use hoso_protocol::command::{OutboxItem, OutboxState, Validation};
use time::OffsetDateTime;

use super::table;
use crate::{Engine, EngineError};

/// What the citizen submits.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSubmission {
    pub procedure: ProcedureCode,
    pub form: FormRef,
    pub acting_as: ActingAs,
    pub data: serde_json::Value,
    pub attachments: Vec<AttachmentRef>,
}

/// The outcome of submitting: queued, or refused with every field error.
#[derive(Debug, Clone, PartialEq)]
pub enum QueueOutcome {
    Queued(OutboxItem),
    Refused(Validation),
}

/// What putting new answers in place of a refused submission did.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Requeue {
    /// Queued again with the new request.
    Queued(OutboxItem),
    /// The request is the one the portal refused, and sending it again
    /// cannot change the answer: the entry stays as it is.
    Unchanged,
    /// The entry is no longer waiting for action (queued again meanwhile):
    /// nothing was replaced.
    NotRefused,
    /// The validator's findings; nothing was replaced.
    Refused(Validation),
}

/// The outbox item of a request just queued.
fn queued_item(request: SubmitDossier, procedure_name: Localized, queued_at: OffsetDateTime) -> OutboxItem {
    OutboxItem {
        client_id: request.client_id,
        procedure: request.procedure,
        procedure_name,
        acting_as: request.acting_as,
        queued_at,
        state: OutboxState::Queued,
    }
}

/// 128 random bits as lowercase hex: the client id and idempotency key.
pub(crate) fn new_client_id() -> Result<String, EngineError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| EngineError::StoredValue(format!("no randomness for a client id: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl Engine {
    /// A form definition: from the local cache, else from the portal (and
    /// then cached, so the same form validates offline later). A form
    /// version never changes (a change is a new version), so a cached copy
    /// cannot go stale.
    pub async fn form_definition(&self, form: &FormRef) -> Result<FormDefinition, EngineError> {
        let pool = self.store.pool();
        if let Some(body) = table::cached_form(pool, &form.id, form.version).await? {
            return serde_json::from_str(&body).map_err(EngineError::Corrupt);
        }
        let route = path::FORM.replace("{id}", &form.id).replace("{version}", &form.version.to_string());
        let response = self.portal.http().get(self.portal.url(&route)?).send().await.map_err(EngineError::Network)?;
        let definition: FormDefinition = crate::portal_client::PortalClient::read_json(response).await?;
        let body = serde_json::to_string(&definition).map_err(EngineError::Corrupt)?;
        table::cache_form(pool, &form.id, form.version, &body).await?;
        Ok(definition)
    }

    /// Submits a dossier: validated, then queued durably before this returns.
    /// Works offline once the form and catalogue are held locally.
    pub async fn queue_submission(&self, submission: NewSubmission) -> Result<QueueOutcome, EngineError> {
        self.queue_submission_as(submission, new_client_id()?).await
    }

    /// Queues under a client id the caller derived (bulk filing derives it
    /// from the file and row, so filing the same file again is recognised).
    pub(crate) async fn queue_submission_as(
        &self,
        submission: NewSubmission,
        client_id: String,
    ) -> Result<QueueOutcome, EngineError> {
        // Whose submission it is, before anything else: signed out, nothing
        // is queued for anyone.
        let subject = self.owner().await?;
        let (request, procedure_name) = match self.judged_request(submission, client_id).await? {
            Ok(judged) => judged,
            Err(validation) => return Ok(QueueOutcome::Refused(validation)),
        };
        let queued_at = OffsetDateTime::now_utc();
        table::queue(self.store.pool(), &subject, &request, &procedure_name, queued_at).await?;
        Ok(QueueOutcome::Queued(queued_item(request, procedure_name, queued_at)))
    }

    /// Puts new answers in place of a submission the portal refused (its
    /// entry `needs_action`), and queues it again under the same client id.
    /// The portal binds an idempotency key only to a dossier it filed, never
    /// to a refused request, so the key is free for the new body; and should
    /// the refused entry have been filed after all (an answer lost before a
    /// later refusal), the portal refuses the new body under the old key
    /// rather than filing twice, and the changes feed acknowledges the entry.
    /// `resend_same` says whether an unchanged request is worth sending
    /// again (a refusal that can change without new answers). Only the
    /// signed-in person's entry is replaced.
    pub(crate) async fn requeue_refused_as(
        &self,
        submission: NewSubmission,
        client_id: String,
        resend_same: bool,
    ) -> Result<Requeue, EngineError> {
        let subject = self.owner().await?;
        let (request, procedure_name) = match self.judged_request(submission, client_id).await? {
            Ok(judged) => judged,
            Err(validation) => return Ok(Requeue::Refused(validation)),
        };
        let pool = self.store.pool();
        let stored = table::stored_request(pool, &subject, &request.client_id).await?;
        if !resend_same && stored.as_ref() == Some(&request) {
            return Ok(Requeue::Unchanged);
        }
        let queued_at = OffsetDateTime::now_utc();
        if !table::replace_refused(pool, &subject, &request, &procedure_name, queued_at).await? {
            return Ok(Requeue::NotRefused);
        }
        Ok(Requeue::Queued(queued_item(request, procedure_name, queued_at)))
    }

    /// The request for `submission` under `client_id`, after the one form
    /// validator found nothing wrong, with the procedure's names; or the
    /// validator's findings.
    async fn judged_request(
        &self,
        submission: NewSubmission,
        client_id: String,
    ) -> Result<Result<(SubmitDossier, Localized), Validation>, EngineError> {
        let definition = self.form_definition(&submission.form).await?;
        let validator = FormValidator::new(&definition)
            .map_err(|e| EngineError::StoredValue(format!("form {}: {e}", submission.form.id)))?;
        let errors = validator.validate(&submission.data);
        if !errors.is_empty() {
            return Ok(Err(Validation { errors }));
        }
        let procedure_name = table::procedure_name(self.store.pool(), submission.procedure.as_str())
            .await?
            .ok_or_else(|| EngineError::NotFound { what: "procedure", id: submission.procedure.as_str().to_owned() })?;
        let request = SubmitDossier {
            client_id,
            procedure: submission.procedure,
            form: submission.form,
            acting_as: submission.acting_as,
            channel: ChannelKind::Online,
            data: submission.data,
            attachments: submission.attachments,
        };
        Ok(Ok((request, procedure_name)))
    }

    /// Every submission the signed-in person made on this device and where
    /// it stands, oldest first; works offline. None signed out.
    pub async fn outbox(&self) -> Result<Vec<OutboxItem>, EngineError> {
        let Some(subject) = self.subject().await? else { return Ok(Vec::new()) };
        let pool = self.store.pool();
        let mut items = table::list(pool, &subject).await?;
        for (client_id, state, queued_at, procedure, acting) in super::supplement_table::list(pool, &subject).await? {
            items.push(OutboxItem {
                client_id,
                procedure_name: table::procedure_name(pool, &procedure).await?.unwrap_or_else(|| unnamed(&procedure)),
                procedure: ProcedureCode::parse(&procedure)
                    .map_err(|e| EngineError::StoredValue(format!("procedure {procedure}: {e:?}")))?,
                acting_as: table::parse_acting(&acting)?,
                queued_at: super::supplement_table::parse_time("queued_at", &queued_at)?,
                state: table::from_json(&state)?,
            });
        }
        // Submissions and supplement answers in one line, oldest first.
        items.sort_by(|a, b| a.queued_at.cmp(&b.queued_at).then_with(|| a.client_id.cmp(&b.client_id)));
        Ok(items)
    }
}

/// A procedure the local catalogue no longer names goes by its code.
pub(crate) fn unnamed(code: &str) -> hoso_domain::catalogue::Localized {
    hoso_domain::catalogue::Localized { vi: code.to_owned(), en: code.to_owned() }
}
