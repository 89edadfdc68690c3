//! Submitting a saved draft: its answers go through the outbox like any
//! submission (judged by the one validator, queued durably, then sent). A
//! draft is filed once: its id is the submission's client id (the portal's
//! idempotency key), so submitting it again, or filing again the bulk file
//! row it came from, finds the entry already queued instead of a second one.

use hoso_protocol::api::upload::AttachmentRef;
use hoso_protocol::command::{OutboxItem, Validation};

use crate::outbox::{NewSubmission, QueueOutcome};
use crate::{Engine, EngineError};

/// What queueing a draft did.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum DraftQueueing {
    /// Queued by this call, under the draft's id.
    Queued(OutboxItem),
    /// Queued before under the draft's id; nothing was queued again.
    Already,
    /// The validator's findings; nothing was queued.
    Refused(Validation),
}

impl Engine {
    /// Queues draft `id` with the attachments kept for it on this device and
    /// tries one sender pass; the queued item, as the outbox holds it after
    /// that pass, or the validator's refusal. A draft already queued answers
    /// its entry as it stands.
    pub async fn submit_draft(&self, id: &str) -> Result<Result<OutboxItem, Validation>, EngineError> {
        let queued = match self.queue_draft(id).await? {
            DraftQueueing::Queued(item) => Some(item),
            DraftQueueing::Already => None,
            DraftQueueing::Refused(validation) => return Ok(Err(validation)),
        };
        // The item is queued durably: a pass that cannot run now (nobody
        // signed in, say) leaves it for the next one rather than failing.
        if let Err(error) = self.send_outbox(self.stored_attachments()).await {
            tracing::info!(%error, "queued; the outbox will be sent later");
        }
        let now = self.outbox().await?.into_iter().find(|item| item.client_id == id);
        match (now, queued) {
            (Some(item), _) | (None, Some(item)) => Ok(Ok(item)),
            (None, None) => Err(EngineError::NotFound { what: "outbox item", id: id.to_owned() }),
        }
    }

    /// Queues draft `id` under its own id as the client id, unless that
    /// entry exists already. The submission lists the files attached to the
    /// draft and every other attachment its answers name by hash (a scan
    /// held for another draft or already at the portal), so the portal finds
    /// each answer listed.
    pub(crate) async fn queue_draft(&self, id: &str) -> Result<DraftQueueing, EngineError> {
        if self.is_queued(id).await? {
            return Ok(DraftQueueing::Already);
        }
        let draft = self.draft(id).await?;
        let mut attachments: Vec<AttachmentRef> = self
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
        for reference in crate::outbox::attachment_refs(&draft.data) {
            if !attachments.iter().any(|listed| listed.document == reference.document) {
                attachments.push(reference);
            }
        }
        let submission = NewSubmission {
            procedure: draft.summary.procedure,
            form: draft.summary.form,
            acting_as: draft.summary.acting_as,
            data: draft.data,
            attachments,
        };
        Ok(match self.queue_submission_as(submission, id.to_owned()).await? {
            QueueOutcome::Queued(item) => DraftQueueing::Queued(item),
            QueueOutcome::Refused(validation) => DraftQueueing::Refused(validation),
        })
    }

    /// Whether the outbox holds a submission under `client_id`.
    pub(crate) async fn is_queued(&self, client_id: &str) -> Result<bool, EngineError> {
        let pool = self.store.pool();
        let entries = crate::outbox::table::Entries::Submissions;
        Ok(crate::outbox::table::state_of(pool, entries, client_id).await?.is_some())
    }
}
