//! The home screen and "sync now", for the signed-in person's acting
//! profile: dossier cards (`Engine::dossier_cards`, one indexed query),
//! drafts, the outbox, and why the last sync failed — everything from the
//! store, so home shows offline, and nothing of anyone signed out.

use hoso_domain::profile::ActingAs;
use hoso_protocol::command::{Home, OutboxItem, OutboxState, SyncOutcome};
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};

use crate::{Engine, EngineError};

/// How many dossiers "recent" shows.
const RECENT: usize = 10;
/// How many acknowledged submissions the home outbox keeps showing.
const RECENTLY_SENT: usize = 5;

impl Engine {
    /// The acting profile's outbox items, oldest first; works offline.
    pub async fn outbox_of(&self, acting: &ActingAs) -> Result<Vec<OutboxItem>, EngineError> {
        let mut items = self.outbox().await?;
        items.retain(|item| &item.acting_as == acting);
        Ok(items)
    }

    /// What the home screen shows for the acting profile; works offline.
    pub async fn home(&self) -> Result<Home, EngineError> {
        let acting = self.acting_as().await?;
        let cards = self.dossier_cards(&acting).await?;
        let needs_action = cards.iter().filter(|c| c.needs.is_some()).cloned().collect();
        let recent = cards.into_iter().take(RECENT).collect();
        let items = self.outbox_of(&acting).await?;
        let sent = items.iter().filter(|i| matches!(i.state, OutboxState::Sent { .. })).count();
        let mut skipped_sent = sent.saturating_sub(RECENTLY_SENT);
        let outbox = items
            .into_iter()
            .filter(|item| {
                // Oldest first: the first sent ones past the limit are left out.
                if matches!(item.state, OutboxState::Sent { .. }) && skipped_sent > 0 {
                    skipped_sent -= 1;
                    return false;
                }
                true
            })
            .collect();
        Ok(Home {
            needs_action,
            drafts: self.drafts(&acting).await?,
            outbox,
            recent,
            sync_error: self.last_sync_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone(),
        })
    }

    /// Sends the outbox, then pulls the acting profile's dossiers and the
    /// profile. A failure to reach or satisfy the portal is reported in the
    /// answer (and on home) rather than thrown; only a failure of this
    /// device's store is an error.
    pub async fn sync_now(&self) -> Result<SyncOutcome, EngineError> {
        let acting = self.acting_as().await?;
        let mut outcome = SyncOutcome { sent: 0, changed: 0, error: None };
        let result = async {
            // A session signed in before owners were recorded learns whose
            // it is from the portal's profile first.
            if self.is_signed_in()? && self.subject().await?.is_none() {
                self.profile().await?;
            }
            let sent = self.send_outbox(self.stored_attachments()).await?;
            outcome.sent = u32::try_from(sent.sent).unwrap_or(u32::MAX);
            let synced = self.sync_dossiers(&acting).await?;
            outcome.changed = u32::try_from(synced.status_changes).unwrap_or(u32::MAX);
            self.profile().await?;
            Ok::<(), EngineError>(())
        }
        .await;
        if let Err(error) = result {
            let envelope = error.to_envelope();
            if matches!(envelope.kind, ErrorKind::Store | ErrorKind::CannotDecrypt) {
                return Err(error);
            }
            tracing::info!(%error, "sync did not finish; home shows what the device holds");
            outcome.error = Some(envelope);
        }
        self.set_sync_error(outcome.error.clone());
        Ok(outcome)
    }

    fn set_sync_error(&self, error: Option<ErrorEnvelope>) {
        *self.last_sync_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = error;
    }
}
