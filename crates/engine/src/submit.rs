//! Submitting a saved draft: its answers go through the outbox like any
//! submission (judged by the one validator, queued durably, then sent), and
//! the draft, marked submitted in the same transaction, leaves the drafts.

use hoso_protocol::command::OutboxItem;

use hoso_protocol::api::upload::AttachmentRef;

use crate::outbox::{NewSubmission, QueueOutcome};
use crate::{Engine, EngineError};

impl Engine {
    /// Queues draft `id` with the attachments kept for it on this device and
    /// tries one sender pass; the queued item, as the outbox holds it after
    /// that pass, or the validator's refusal.
    pub async fn submit_draft(
        &self,
        id: &str,
    ) -> Result<Result<OutboxItem, hoso_protocol::command::Validation>, EngineError> {
        // Submitted before (a second press of "submit", a reopened page):
        // the entry it was queued as, never a second dossier.
        if let Some(client_id) = self.store.draft_queued_as(id).await? {
            let earlier = self.outbox().await?.into_iter().find(|item| item.client_id == client_id);
            return earlier.map(Ok).ok_or_else(|| EngineError::NotFound { what: "outbox item", id: client_id });
        }
        let draft = self.draft(id).await?;
        let attachments = self
            .attachments(id)
            .await?
            .into_iter()
            .map(|a| AttachmentRef {
                document: a.document_id,
                sha256: a.sha256,
                bytes: a.size,
                media_type: a.media_type,
                name: a.original_name,
            })
            .collect();
        let submission = NewSubmission {
            procedure: draft.summary.procedure,
            form: draft.summary.form,
            acting_as: draft.summary.acting_as,
            data: draft.data,
            attachments,
        };
        let queued = match self.queue_from(submission, crate::outbox::new_client_id()?, Some(id)).await? {
            QueueOutcome::Queued(item) => item,
            QueueOutcome::Refused(validation) => return Ok(Err(validation)),
        };
        // The item is queued durably: a pass that cannot run now (nobody
        // signed in, say) leaves it for the next one rather than failing.
        if let Err(error) = self.send_outbox(self.stored_attachments()).await {
            tracing::info!(%error, "queued; the outbox will be sent later");
        }
        let now = self.outbox().await?.into_iter().find(|item| item.client_id == queued.client_id);
        Ok(Ok(now.unwrap_or(queued)))
    }
}
