//! Submitting a saved draft: its answers go through the outbox like any
//! submission (judged by the one validator, queued durably, then sent).

use hoso_protocol::command::OutboxItem;

use crate::outbox::{AttachmentSource, NewSubmission, QueueOutcome};
use crate::{Engine, EngineError};

impl Engine {
    /// Queues draft `id` and runs one sender pass; the queued item, as the
    /// outbox holds it after that pass, or the validator's refusal.
    pub async fn submit_draft(
        &self,
        id: &str,
        attachments: &dyn AttachmentSource,
    ) -> Result<Result<OutboxItem, hoso_protocol::command::Validation>, EngineError> {
        let draft = self.draft(id).await?;
        let submission = NewSubmission {
            procedure: draft.summary.procedure,
            form: draft.summary.form,
            acting_as: draft.summary.acting_as,
            data: draft.data,
            attachments: Vec::new(),
        };
        let queued = match self.queue_submission(submission).await? {
            QueueOutcome::Queued(item) => item,
            QueueOutcome::Refused(validation) => return Ok(Err(validation)),
        };
        self.send_outbox(attachments).await?;
        let now = self.outbox().await?.into_iter().find(|item| item.client_id == queued.client_id);
        Ok(Ok(now.unwrap_or(queued)))
    }
}
