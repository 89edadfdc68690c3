//! Submitting a saved draft: its answers go through the outbox like any
//! submission (judged by the one validator, queued durably, then sent). A
//! draft is filed once: its id is the submission's client id (the portal's
//! idempotency key), so submitting it again, or filing again the bulk file
//! row it came from, finds the entry already queued instead of a second one.
//! Only a submission the portal refused (nothing filed) takes the draft's
//! answers anew when it is submitted again: the citizen fixes what the
//! portal refused and sends it under the same key.

use hoso_protocol::api::upload::AttachmentRef;
use hoso_protocol::command::{OutboxItem, OutboxState, Validation};

use crate::outbox::table::Entries;
use crate::outbox::{NewSubmission, QueueOutcome, Requeue};
use crate::{Engine, EngineError};

/// What queueing a draft did.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum DraftQueueing {
    /// Queued by this call under the draft's id, first or again after the
    /// portal refused it.
    Queued(OutboxItem),
    /// Queued before under the draft's id (waiting, sent, or refused for
    /// answers that have not changed since); nothing was queued again.
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
        // The item is queued durably: a pass that cannot run now (a sign-in
        // replaced meanwhile, say) leaves it for the next one rather than
        // failing.
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
    /// entry exists already. An entry the portal refused takes the draft's
    /// answers as they are now and is queued again; unchanged answers are
    /// sent again only when the refusal can change without new ones (a
    /// mandate restored, say), so a judged refusal is not asked twice. A
    /// pending or sent entry is never replaced. The submission lists the
    /// files attached to the draft and every other attachment its answers
    /// name by hash (a scan held for another draft or already at the
    /// portal), so the portal finds each answer listed.
    pub(crate) async fn queue_draft(&self, id: &str) -> Result<DraftQueueing, EngineError> {
        // Only the signed-in person's draft is queued, and only their entry
        // under its id counts: signed out, nothing is queued for anyone.
        let subject = self.owner().await?;
        let pool = self.store.pool();
        let refused = match crate::outbox::table::state_of(pool, Entries::Submissions, &subject, id).await? {
            None => None,
            Some((phase, OutboxState::NeedsAction { error })) if phase == "needs_action" => Some(error),
            Some(_) => return Ok(DraftQueueing::Already),
        };
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
        if let Some(error) = refused {
            let resend_same = crate::dossiers::may_retry(error.kind);
            return Ok(match self.requeue_refused_as(submission, id.to_owned(), resend_same).await? {
                Requeue::Queued(item) => DraftQueueing::Queued(item),
                Requeue::Unchanged | Requeue::NotRefused => DraftQueueing::Already,
                Requeue::Refused(validation) => DraftQueueing::Refused(validation),
            });
        }
        Ok(match self.queue_submission_as(submission, id.to_owned()).await? {
            QueueOutcome::Queued(item) => DraftQueueing::Queued(item),
            QueueOutcome::Refused(validation) => DraftQueueing::Refused(validation),
        })
    }
}
