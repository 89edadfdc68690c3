//! The outbox and dossier sync: submissions queued in one transaction with
//! their client id (the portal's idempotency key), sent when online with
//! resumable attachment uploads, and the acting profile's dossiers pulled from
//! the portal's changes feed. Nothing local is deleted before the portal has
//! acknowledged it.

mod access;
mod attachments;
mod backoff;
pub(crate) mod dossier_table;
#[cfg(test)]
mod plans;
mod queue;
mod sender;
mod supplement;
pub(crate) mod supplement_table;
mod sync;
pub(crate) mod table;
mod tus;

use std::sync::{Arc, RwLock};

pub use access::{AccessToken, StaticToken};
pub use attachments::{AttachmentSource, MemoryAttachments};
pub use backoff::backoff;
pub use queue::{NewSubmission, QueueOutcome};
pub(crate) use queue::{Requeue, unnamed};
pub use sender::SendReport;
pub(crate) use supplement::attachment_refs;
pub use supplement::{SupplementDraft, changed_pointers};
pub use sync::{DossierEvent, KnownDossier, SyncReport};
pub(crate) use table::acting_key;
use tokio::sync::broadcast;

use crate::EngineError;

/// What the engine holds for talking to the portal on a person's behalf: the
/// token source (set by sign-in) and the channel status changes go out on.
pub(crate) struct Link {
    token: RwLock<Option<Arc<dyn AccessToken>>>,
    events: broadcast::Sender<DossierEvent>,
    /// Held for a sender pass.
    sending: tokio::sync::Mutex<()>,
}

impl Link {
    pub(crate) fn new() -> Self {
        // Enough for a burst of changes from one sync; a slow listener misses
        // the oldest, and the store still holds every status.
        let (events, _) = broadcast::channel(256);
        Self { token: RwLock::new(None), events, sending: tokio::sync::Mutex::new(()) }
    }

    fn bearer(&self) -> Option<String> {
        let source = self.token.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        source.and_then(|s| s.bearer())
    }
}

impl crate::Engine {
    /// Sets where the engine takes access tokens from (the sign-in session).
    pub fn set_access_token(&self, source: Arc<dyn AccessToken>) {
        *self.link.token.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(source);
    }

    /// The bearer token for the outbox and the sync: the source set with
    /// [`Engine::set_access_token`] if any, else the signed-in session's
    /// (refreshed first when it has expired).
    pub(crate) async fn outbox_bearer(&self) -> Result<String, EngineError> {
        if let Some(bearer) = self.link.bearer() {
            return Ok(bearer);
        }
        if !self.is_signed_in()? {
            return Err(EngineError::NotSignedIn);
        }
        Ok(self.bearer().await?.expose().to_owned())
    }

    /// Dossier status changes, as the sync finds them; the shell turns them
    /// into notifications.
    pub fn subscribe(&self) -> broadcast::Receiver<DossierEvent> {
        self.link.events.subscribe()
    }
}
