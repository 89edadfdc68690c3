//! Supplement answers: a citizen's answer to a supplement request, opened from
//! the answers the portal holds, kept on the device while edited, then queued
//! in the outbox under its own client id (the portal's idempotency key) and
//! sent by the sender like a submission; files attached to it (documents asked
//! for again) are kept like a draft's, under [`Holder::supplement_id`], and
//! uploaded by the sender. When the portal moves the dossier on
//! meanwhile, the sync keeps the draft and flags it `conflict` instead of
//! dropping it, and a flagged draft cannot be sent.

use hoso_domain::catalogue::FormRef;
use hoso_domain::form::FormValidator;
use hoso_protocol::api::dossier::{SubmitSupplement, SupplementRequest};
use hoso_protocol::api::upload::AttachmentRef;
use hoso_protocol::command::{DraftSaved, OutboxItem, SaveSupplement, SupplementDraftView};
use serde_json::Value;
use time::OffsetDateTime;

use super::supplement_table as rows;
use super::table::from_json;
use crate::store::Holder;
use crate::{Engine, EngineError};

/// A supplement draft as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplementDraft {
    pub data: serde_json::Value,
    /// The portal moved the dossier on while this was edited.
    pub conflict: bool,
}

/// The JSON pointers whose answer differs between `original` and `data`,
/// sorted. Objects are compared member by member, except an attachment's
/// answer (an object with a `sha256`), which is one answer; an answer present
/// on one side only is named at its own pointer, and arrays are compared whole.
pub fn changed_pointers(original: &Value, data: &Value) -> Vec<String> {
    let mut changed = Vec::new();
    walk(original, data, "", &mut changed);
    changed.sort();
    changed
}

fn is_one_answer(value: &Value) -> bool {
    value.as_object().is_none_or(|members| members.contains_key("sha256"))
}

fn walk(before: &Value, after: &Value, at: &str, changed: &mut Vec<String>) {
    if before == after {
        return;
    }
    match (before.as_object(), after.as_object()) {
        (Some(b), Some(a)) if !is_one_answer(before) && !is_one_answer(after) => {
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            let null = Value::Null;
            for key in keys {
                let pointer = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                match (b.get(key), a.get(key)) {
                    (Some(x), Some(y)) => walk(x, y, &pointer, changed),
                    (x, y) if x.unwrap_or(&null) != y.unwrap_or(&null) => changed.push(pointer),
                    _ => {}
                }
            }
        }
        _ => changed.push(at.to_owned()),
    }
}

/// The attachment references the answers name: each `/attachments/<document>`
/// answer with its hash, type, size and name.
pub(crate) fn attachment_refs(data: &Value) -> Vec<AttachmentRef> {
    let Some(answers) = data.get("attachments").and_then(Value::as_object) else { return Vec::new() };
    answers
        .iter()
        .filter_map(|(document, answer)| {
            Some(AttachmentRef {
                document: document.clone(),
                sha256: answer.get("sha256")?.as_str()?.to_owned(),
                bytes: answer.get("bytes")?.as_u64()?,
                media_type: answer.get("media_type")?.as_str()?.to_owned(),
                name: answer.get("name")?.as_str()?.to_owned(),
            })
        })
        .collect()
}

fn view(code: &str, draft: rows::StoredDraft) -> Result<Option<SupplementDraftView>, EngineError> {
    let (Some(original), Some(request), Some(form)) = (draft.original, draft.request, draft.form) else {
        return Ok(None);
    };
    let original: Value = from_json(&original)?;
    let data: Value = from_json(&draft.data)?;
    let request: SupplementRequest = from_json(&request)?;
    let form: FormRef = from_json(&form)?;
    Ok(Some(SupplementDraftView {
        code: code.to_owned(),
        form,
        request,
        changed: changed_pointers(&original, &data),
        original,
        data,
        saved_at: draft.saved_at,
        conflict: draft.conflict,
        // The documents asked for again are attached under this id, and
        // the answer names them like a draft's.
        draft_id: Some(Holder::supplement_id(code)),
    }))
}

/// The request the portal waits on an answer to, if it waits for one.
fn waiting_request(detail: &hoso_protocol::api::dossier::DossierDetail) -> Option<&SupplementRequest> {
    match (&detail.supplement_request, detail.summary.status) {
        (Some(request), hoso_domain::dossier::DossierStatus::SupplementRequested) => Some(request),
        _ => None,
    }
}

fn to_text(value: &impl serde::Serialize) -> Result<String, EngineError> {
    serde_json::to_string(value).map_err(EngineError::Corrupt)
}

impl Engine {
    /// Saves the citizen's supplement answers for dossier `code` durably.
    pub async fn save_supplement_draft(&self, code: &str, data: &serde_json::Value) -> Result<(), EngineError> {
        let subject = self.owner().await?;
        let text = serde_json::to_string(data).map_err(EngineError::Corrupt)?;
        if !super::dossier_table::save_supplement(self.store.pool(), &subject, code, &text).await? {
            return Err(EngineError::NotFound { what: "dossier", id: code.to_owned() });
        }
        Ok(())
    }

    pub async fn supplement_draft(&self, code: &str) -> Result<Option<SupplementDraft>, EngineError> {
        let Some(subject) = self.subject().await? else { return Ok(None) };
        let Some((data, conflict)) = super::dossier_table::supplement(self.store.pool(), &subject, code).await? else {
            return Ok(None);
        };
        Ok(Some(SupplementDraft { data: serde_json::from_str(&data).map_err(EngineError::Corrupt)?, conflict }))
    }

    /// Opens the answer to dossier `code`'s supplement request: the saved
    /// draft if there is one, else a new one prefilled with the answers the
    /// portal holds (read through [`Engine::dossier_view`], so the last copy
    /// serves offline). `Conflict` when no supplement is requested.
    pub async fn open_supplement(&self, code: &str) -> Result<SupplementDraftView, EngineError> {
        let subject = self.owner().await?;
        let pool = self.store.pool();
        if let Some(draft) = rows::draft(pool, &subject, code).await? {
            let flagged = draft.conflict;
            if let Some(view) = view(code, draft)? {
                if !flagged {
                    return Ok(view);
                }
                return self.rebase_supplement(view).await;
            }
        }
        let dossier = self.dossier_view(code).await?;
        let detail = &dossier.detail;
        let Some(request) = waiting_request(detail) else {
            return Err(EngineError::Conflict(format!("no supplement is requested for dossier {code}")));
        };
        let (original, request, form) = (to_text(&detail.data)?, to_text(request)?, to_text(&detail.form)?);
        let answers = rows::Answers { original: &original, request: &request, form: &form };
        if !rows::open_draft(pool, &subject, code, answers).await? {
            return Err(EngineError::NotFound { what: "dossier", id: code.to_owned() });
        }
        let draft = rows::draft(pool, &subject, code)
            .await?
            .ok_or_else(|| EngineError::NotFound { what: "supplement", id: code.to_owned() })?;
        view(code, draft)?.ok_or_else(|| EngineError::StoredValue(format!("supplement draft {code} is incomplete")))
    }

    /// A draft the portal overtook, read again: when the portal (reached now)
    /// waits for a supplement once more, the kept answers become the answer
    /// to that request, unflagged, and `changed` shows them against the
    /// portal's answers of today; otherwise the flagged draft as it is.
    async fn rebase_supplement(&self, flagged: SupplementDraftView) -> Result<SupplementDraftView, EngineError> {
        let detail = match self.fetch_detail(&flagged.code).await {
            Ok(detail) => detail,
            Err(error) => {
                tracing::info!(%error, "a flagged supplement draft shown as it is");
                return Ok(flagged);
            }
        };
        let Some(request) = waiting_request(&detail) else { return Ok(flagged) };
        let subject = self.owner().await?;
        let pool = self.store.pool();
        let code = &flagged.code;
        let (original, request, form) = (to_text(&detail.data)?, to_text(request)?, to_text(&detail.form)?);
        let answers = rows::Answers { original: &original, request: &request, form: &form };
        rows::rebase(pool, &subject, code, answers).await?;
        let draft = rows::draft(pool, &subject, code)
            .await?
            .ok_or_else(|| EngineError::NotFound { what: "supplement", id: code.clone() })?;
        view(code, draft)?.ok_or_else(|| EngineError::StoredValue(format!("supplement draft {code} is incomplete")))
    }

    /// The procedure of dossier `code`, whose supplement answer is being
    /// drafted, to check a file attached to it: `NotFound` when no answer
    /// was opened, `Conflict` once one is on its way.
    /// Only the signed-in person's answer takes files.
    pub(crate) async fn supplement_procedure(&self, code: &str) -> Result<String, EngineError> {
        let subject = self.owner().await?;
        let pool = self.store.pool();
        if rows::draft(pool, &subject, code).await?.is_none_or(|d| d.original.is_none()) {
            return Err(EngineError::NotFound { what: "supplement", id: code.to_owned() });
        }
        if rows::unsent(pool, &subject, code).await?.is_some() {
            return Err(EngineError::Conflict(format!("the answer to dossier {code} is already being sent")));
        }
        rows::procedure_of(pool, &subject, code)
            .await?
            .ok_or_else(|| EngineError::NotFound { what: "dossier", id: code.to_owned() })
    }

    /// Saves a supplement answer durably (opening the draft first if it was
    /// never opened). Refused with `Conflict` once an answer is on its way.
    pub async fn save_supplement(&self, args: SaveSupplement) -> Result<DraftSaved, EngineError> {
        let subject = self.owner().await?;
        let pool = self.store.pool();
        if rows::unsent(pool, &subject, &args.code).await?.is_some() {
            return Err(EngineError::Conflict(format!("the answer to dossier {} is already being sent", args.code)));
        }
        if rows::draft(pool, &subject, &args.code).await?.is_none_or(|d| d.original.is_none()) {
            self.open_supplement(&args.code).await?;
        }
        let saved_at = rows::save(pool, &subject, &args.code, &to_text(&args.data)?)
            .await?
            .ok_or_else(|| EngineError::NotFound { what: "supplement", id: args.code.clone() })?;
        Ok(DraftSaved { id: args.code, saved_at })
    }

    /// Sends the answer to dossier `code`'s supplement request through the
    /// outbox: judged by the one validator (errors as fields), queued durably
    /// under a fresh client id, then one sender pass is tried; offline it
    /// waits in the outbox. A draft flagged `conflict` is refused with
    /// `Conflict`. Sending twice answers the entry already queued.
    pub async fn submit_supplement(&self, code: &str) -> Result<OutboxItem, EngineError> {
        let subject = self.owner().await?;
        let pool = self.store.pool();
        let draft = rows::draft(pool, &subject, code).await?;
        let Some(view) = draft.map(|d| view(code, d)).transpose()?.flatten() else {
            return Err(EngineError::NotFound { what: "supplement", id: code.to_owned() });
        };
        if view.conflict {
            return Err(EngineError::Conflict(format!(
                "the portal moved dossier {code} on while its supplement was edited"
            )));
        }
        let client_id = match rows::unsent(pool, &subject, code).await? {
            Some(waiting) => waiting,
            None => {
                let definition = self.form_definition(&view.form).await?;
                let validator = FormValidator::new(&definition)
                    .map_err(|e| EngineError::StoredValue(format!("form {}: {e}", view.form.id)))?;
                let errors = validator.validate(&view.data);
                if !errors.is_empty() {
                    return Err(EngineError::InvalidAnswers(errors));
                }
                let request = SubmitSupplement {
                    client_id: super::queue::new_client_id()?,
                    attachments: attachment_refs(&view.data),
                    data: view.data,
                    note: None,
                };
                let body = to_text(&request)?;
                rows::queue(pool, &subject, &request.client_id, code, &body, OffsetDateTime::now_utc()).await?
            }
        };
        // Queued durably: a pass that cannot run now (offline, signed out)
        // leaves the answer waiting, which is what the citizen is shown.
        if let Err(error) = self.send_outbox(self.stored_attachments()).await {
            tracing::info!(%error, "the supplement answer waits in the outbox");
        }
        self.outbox()
            .await?
            .into_iter()
            .find(|item| item.client_id == client_id)
            .ok_or_else(|| EngineError::NotFound { what: "outbox item", id: client_id })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_same_answers_changed_nothing() {
        let answers = json!({"child": {"full_name": "An"}, "attachments": {"a": {"sha256": "x"}}});
        assert!(changed_pointers(&answers, &answers).is_empty());
    }

    #[test]
    fn a_changed_answer_is_named_by_its_pointer() {
        let original = json!({"child": {"full_name": "An", "sex": "male"}, "father_known": true});
        let data = json!({"child": {"full_name": "Bình", "sex": "male"}, "father_known": false});
        assert_eq!(changed_pointers(&original, &data), ["/child/full_name", "/father_known"]);
    }

    #[test]
    fn an_added_or_removed_answer_is_named_once_at_its_own_pointer() {
        let original = json!({"a": {"b": 1}, "gone": {"x": 1, "y": 2}});
        let data = json!({"a": {"b": 1, "c": {"d": 2}}});
        assert_eq!(changed_pointers(&original, &data), ["/a/c", "/gone"]);
    }

    #[test]
    fn a_replaced_scan_is_one_change_at_its_document() {
        let original = json!({"attachments": {"scan": {"sha256": "aa", "bytes": 1, "name": "a.pdf"}}});
        let data = json!({"attachments": {"scan": {"sha256": "bb", "bytes": 2, "name": "a.pdf"}}});
        assert_eq!(changed_pointers(&original, &data), ["/attachments/scan"]);
    }

    #[test]
    fn arrays_compare_whole_and_keys_are_escaped() {
        let original = json!({"list": [1, 2], "a/b": {"c~d": 1}});
        let data = json!({"list": [2, 1], "a/b": {"c~d": 2}});
        assert_eq!(changed_pointers(&original, &data), ["/a~1b/c~0d", "/list"]);
    }

    #[test]
    fn a_null_answer_equals_no_answer() {
        assert!(changed_pointers(&json!({"a": null}), &json!({})).is_empty());
    }

    #[test]
    fn a_whole_new_answers_object_is_the_root() {
        assert_eq!(changed_pointers(&json!(1), &json!({"a": 1})), [""]);
    }

    #[test]
    fn the_answers_name_their_attachments() {
        let data = json!({"attachments": {
            "scan": {"sha256": "ab", "bytes": 3, "media_type": "application/pdf", "name": "s.pdf"},
            "broken": {"sha256": "cd"}
        }});
        let refs = attachment_refs(&data);
        assert_eq!(refs.len(), 1);
        assert_eq!((refs[0].document.as_str(), refs[0].bytes), ("scan", 3));
    }
}
