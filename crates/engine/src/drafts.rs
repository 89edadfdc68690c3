//! Drafts with autosave, kept per person and profile: once a save returns
//! `Ok`, the change is on disk and survives the process being killed. Every
//! read and write names the signed-in person (or, signed out, no one), so
//! another person's draft is `NotFound`. A draft whose submission is on its
//! way or filed is no longer changed (`AlreadySubmitted`).

use hoso_domain::profile::ActingAs;
use hoso_protocol::command::{Draft, DraftSaved, DraftSummary, OutboxItem, SaveDraft};
use serde_json::Value;
use time::OffsetDateTime;

use crate::outbox::table::{self, Entries};
use crate::{Engine, EngineError, crypto};

impl Engine {
    /// Whose drafts are read and written: the signed-in person's, or, signed
    /// out, no one's (`''`). A draft typed before signing in (the CLI allows
    /// it) is no person's until the next sign-in claims it, like the rows
    /// from before owners were recorded; no person's draft is ever reached
    /// signed out.
    pub(crate) async fn drafter(&self) -> Result<String, EngineError> {
        Ok(self.subject().await?.unwrap_or_default())
    }

    /// The submission of `subject`'s draft `id` while it stands, on its way
    /// or filed (a draft's id is its submission's client id); `None` while
    /// the draft can still be changed, after a refusal included, and for
    /// no one's drafts, which are never submitted.
    pub(crate) async fn submission_of(&self, subject: &str, id: &str) -> Result<Option<OutboxItem>, EngineError> {
        if !self.is_submitted(subject, id).await? {
            return Ok(None);
        }
        Ok(table::list(self.store.pool(), subject).await?.into_iter().find(|item| item.client_id == id))
    }

    /// Whether `subject`'s draft `id` has a submission pending or sent.
    async fn is_submitted(&self, subject: &str, id: &str) -> Result<bool, EngineError> {
        if subject.is_empty() {
            return Ok(false);
        }
        let state = table::state_of(self.store.pool(), Entries::Submissions, subject, id).await?;
        Ok(state.is_some_and(|(phase, _)| phase != "needs_action"))
    }

    /// Refuses a change to `subject`'s draft `id` once it was submitted:
    /// what was sent is what the portal has, and the files it names are still
    /// to upload or filed. Checked before each change; a submission queued
    /// between the check and the change has stored its own copy of the
    /// answers already, so what it sends is unaffected.
    pub(crate) async fn refuse_if_submitted(&self, subject: &str, id: &str) -> Result<(), EngineError> {
        if self.is_submitted(subject, id).await? {
            return Err(EngineError::AlreadySubmitted { id: id.to_owned() });
        }
        Ok(())
    }

    /// Starts an empty draft of `procedure`'s online form for the profile
    /// `acting_as`. The procedure must be in the local catalogue and offer an
    /// online form.
    pub async fn create_draft(&self, acting_as: ActingAs, procedure: &str) -> Result<DraftSummary, EngineError> {
        let id = crypto::sha256_hex(&crypto::random_key()?)[..32].to_owned();
        let subject = self.drafter().await?;
        self.create_draft_with(&subject, acting_as, procedure, id, &Value::Object(Default::default())).await
    }

    /// Starts `subject`'s draft under an id the caller chose, with answers
    /// already given: bulk filing derives the id from the person, the file
    /// and the row, so a re-run finds the row's draft instead of making
    /// another. Every draft is made here, so what a draft row holds is
    /// decided in one place.
    pub(crate) async fn create_draft_with(
        &self,
        subject: &str,
        acting_as: ActingAs,
        procedure: &str,
        id: String,
        data: &Value,
    ) -> Result<DraftSummary, EngineError> {
        let procedure = self.procedure(procedure).await?;
        let form = procedure
            .form
            .clone()
            .ok_or_else(|| EngineError::InvalidInput(format!("procedure {} has no online form", procedure.code)))?;
        let summary = DraftSummary {
            id,
            procedure: procedure.code,
            procedure_name: procedure.name,
            acting_as,
            form,
            saved_at: OffsetDateTime::now_utc(),
            conflict: false,
        };
        self.store.insert_draft(subject, &summary, data).await?;
        Ok(summary)
    }

    /// Saves a draft's whole answers, durably, before returning.
    pub async fn save_draft(&self, save: SaveDraft) -> Result<DraftSaved, EngineError> {
        let subject = self.drafter().await?;
        self.refuse_if_submitted(&subject, &save.id).await?;
        let saved_at = OffsetDateTime::now_utc();
        if !self.store.save_draft_data(&subject, &save.id, &save.data, saved_at).await? {
            return Err(not_found(&save.id));
        }
        Ok(DraftSaved { id: save.id, saved_at })
    }

    /// Saves one answer, at the JSON pointer `pointer` (RFC 6901; missing
    /// objects on the way are created), durably, before returning.
    pub async fn save_field(&self, id: &str, pointer: &str, value: Value) -> Result<DraftSaved, EngineError> {
        let subject = self.drafter().await?;
        self.refuse_if_submitted(&subject, id).await?;
        let saved_at = OffsetDateTime::now_utc();
        // Most answers are object members, set in one statement; the rest
        // (array items, unusual names) and every refusal take the general path.
        let found = self.store.set_draft_field(&subject, id, pointer, &value, saved_at).await?
            || self.store.edit_draft_data(&subject, id, saved_at, |data| set_pointer(data, pointer, value)).await?;
        if !found {
            return Err(not_found(id));
        }
        Ok(DraftSaved { id: id.to_owned(), saved_at })
    }

    /// The signed-in person's drafts for the profile (signed out, the
    /// drafts no one owns), the most recently saved first.
    pub async fn drafts(&self, acting_as: &ActingAs) -> Result<Vec<DraftSummary>, EngineError> {
        self.store.drafts(&self.drafter().await?, acting_as).await
    }

    /// One of the signed-in person's drafts; another person's is `NotFound`.
    pub async fn draft(&self, id: &str) -> Result<Draft, EngineError> {
        let subject = self.drafter().await?;
        self.store.draft(&subject, id).await?.ok_or_else(|| not_found(id))
    }

    /// Deletes a draft and the attachment files no other draft uses.
    pub async fn delete_draft(&self, id: &str) -> Result<(), EngineError> {
        let subject = self.drafter().await?;
        // A submission on its way still uploads the draft's files, so they
        // must stay until it is filed; a filed one is what the portal holds.
        self.refuse_if_submitted(&subject, id).await?;
        let orphans = self.store.delete_draft(&subject, id).await?.ok_or_else(|| not_found(id))?;
        // After the commit: a crash in between leaves an unreferenced file,
        // never a row pointing at a missing one.
        self.attachments.remove(&orphans)
    }
}

fn not_found(id: &str) -> EngineError {
    EngineError::NotFound { what: "draft", id: id.to_owned() }
}

/// Puts `value` at `pointer` in `data`, creating objects on the way; `-` as
/// the last token of an array appends.
pub(crate) fn set_pointer(data: &mut Value, pointer: &str, value: Value) -> Result<(), EngineError> {
    if pointer.is_empty() {
        *data = value;
        return Ok(());
    }
    let invalid = || EngineError::InvalidInput(format!("{pointer:?} is not a JSON pointer into the draft"));
    let tokens: Vec<String> = pointer
        .strip_prefix('/')
        .ok_or_else(invalid)?
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let (last, path) = tokens.split_last().ok_or_else(invalid)?;
    let mut here = data;
    for token in path {
        here = match here {
            Value::Object(map) => map.entry(token.clone()).or_insert_with(|| Value::Object(Default::default())),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get_mut(i)).ok_or_else(invalid)?,
            _ => return Err(invalid()),
        };
    }
    match here {
        Value::Object(map) => {
            map.insert(last.clone(), value);
        }
        Value::Array(items) if last == "-" => items.push(value),
        Value::Array(items) => *last.parse::<usize>().ok().and_then(|i| items.get_mut(i)).ok_or_else(invalid)? = value,
        _ => return Err(invalid()),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_pointer_sets_a_nested_answer_creating_the_objects_on_the_way() {
        let mut data = json!({"a": 1});
        set_pointer(&mut data, "/child/name", json!("Lan")).unwrap();
        set_pointer(&mut data, "/a~1b", json!(2)).unwrap();
        assert_eq!(data, json!({"a": 1, "a/b": 2, "child": {"name": "Lan"}}));
    }

    #[test]
    fn a_pointer_appends_to_and_replaces_in_arrays() {
        let mut data = json!({"list": [1]});
        set_pointer(&mut data, "/list/-", json!(2)).unwrap();
        set_pointer(&mut data, "/list/0", json!(0)).unwrap();
        assert_eq!(data, json!({"list": [0, 2]}));
        assert!(matches!(set_pointer(&mut data, "/list/9", json!(3)), Err(EngineError::InvalidInput(_))));
    }

    #[test]
    fn a_pointer_without_a_leading_slash_or_through_a_scalar_is_refused() {
        let mut data = json!({"a": 1});
        assert!(matches!(set_pointer(&mut data, "a", json!(2)), Err(EngineError::InvalidInput(_))));
        assert!(matches!(set_pointer(&mut data, "/a/b", json!(2)), Err(EngineError::InvalidInput(_))));
        assert_eq!(data, json!({"a": 1}));
    }
}
