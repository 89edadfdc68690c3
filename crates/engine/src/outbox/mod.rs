//! The outbox and dossier sync: submissions queued in one transaction with
//! their client id (the portal's idempotency key), sent when online with
//! resumable attachment uploads, and the acting profile's dossiers pulled from
//! the portal's changes feed. Nothing local is deleted before the portal has
//! acknowledged it.

mod access;
mod attachments;
mod backoff;
pub(crate) mod dossier_table;
mod feed_reader;
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

    fn source(&self) -> Option<Arc<dyn AccessToken>> {
        self.token.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }
}

/// Whose requests these are and the token to make them with, read together.
pub(crate) struct Credentials {
    pub subject: String,
    pub bearer: String,
}

impl crate::Engine {
    /// Sets where the engine takes access tokens from (the sign-in session).
    pub fn set_access_token(&self, source: Arc<dyn AccessToken>) {
        *self.link.token.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(source);
    }

    /// The person the engine acts for: the subject of the source set with
    /// [`Engine::set_access_token`] if any, else the signed-in session's, as
    /// recorded at sign-in. `None` when nobody is signed in: then nothing
    /// personal is read, written or sent.
    pub(crate) async fn subject(&self) -> Result<Option<String>, EngineError> {
        if let Some(source) = self.link.source() {
            return Ok(source.bearer().and(source.subject()));
        }
        if !self.is_signed_in()? {
            return Ok(None);
        }
        self.store.signed_in_subject().await
    }

    /// The subject of the token source set with [`Engine::set_access_token`].
    pub(crate) fn link_source_subject(&self) -> Option<String> {
        self.link.source().and_then(|source| source.subject())
    }

    /// [`Engine::subject`], or `NotSignedIn`.
    pub(crate) async fn owner(&self) -> Result<String, EngineError> {
        self.subject().await?.ok_or(EngineError::NotSignedIn)
    }

    /// The person and the bearer token for the outbox and the sync: the
    /// source set with [`Engine::set_access_token`] if any, else the signed-in
    /// session's (refreshed first when it has expired). The person is read
    /// again after the token: a sign-in that replaced the session in between
    /// is refused here rather than sending one person's items with another's
    /// token.
    pub(crate) async fn credentials(&self) -> Result<Credentials, EngineError> {
        if let Some(source) = self.link.source() {
            let (Some(subject), Some(bearer)) = (source.subject(), source.bearer()) else {
                return Err(EngineError::NotSignedIn);
            };
            return Ok(Credentials { subject, bearer });
        }
        let subject = self.owner().await?;
        let bearer = self.bearer().await?.expose().to_owned();
        if self.subject().await?.as_deref() != Some(subject.as_str()) {
            return Err(EngineError::NotSignedIn);
        }
        Ok(Credentials { subject, bearer })
    }

    /// The bearer token alone, for a request about no one's stored data.
    pub(crate) async fn outbox_bearer(&self) -> Result<String, EngineError> {
        Ok(self.credentials().await?.bearer)
    }

    /// Dossier status changes, as the sync finds them; the shell turns them
    /// into notifications.
    pub fn subscribe(&self) -> broadcast::Receiver<DossierEvent> {
        self.link.events.subscribe()
    }
}
