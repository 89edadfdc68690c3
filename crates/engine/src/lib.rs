//! The Hồ sơ app without a window: everything a citizen or a business can do,
//! as a library. The Tauri shell and the `hoso` CLI are thin fronts on it; it
//! knows nothing of either.
#![forbid(unsafe_code)]

pub mod auth;
mod error;
mod outbox;
mod portal_client;
mod store;

use std::path::Path;

use hoso_domain::catalogue::Procedure;
use hoso_protocol::api::account::Profile;
use hoso_protocol::command::CatalogueListing;

use auth::{Browser, MemoryRefreshTokenStore, RefreshTokenStore, SIGN_IN_TIMEOUT, Session, SignOut};
pub use error::EngineError;
pub use outbox::{
    AccessToken, AttachmentSource, DossierEvent, KnownDossier, MemoryAttachments, NewSubmission, QueueOutcome,
    SendReport, StaticToken, SupplementDraft, SyncReport, backoff,
};
use portal_client::PortalClient;
use store::Store;

/// What a catalogue sync did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogueSync {
    /// The local catalogue was already at the portal's version.
    UpToDate { version: u64 },
    /// The local catalogue was replaced by the portal's.
    Updated { version: u64, procedures: usize },
}

/// One user's engine: a local store and the portal it syncs with.
pub struct Engine {
    store: Store,
    portal: PortalClient,
    link: outbox::Link,
    session: Session,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The session prints no token: see `auth::Token`.
        f.debug_struct("Engine").field("portal", &self.portal.origin()).field("session", &self.session).finish()
    }
}

impl Engine {
    /// Opens (creating and migrating if needed) the store at `database`, and
    /// prepares a client for the portal at `portal_url`. No request is made yet,
    /// so this works offline.
    /// The refresh token is kept in memory only, so a sign-in lasts as long
    /// as the process; see [`Engine::open_with_vault`].
    pub async fn open(database: &Path, portal_url: &str) -> Result<Self, EngineError> {
        Self::open_with_vault(database, portal_url, Box::new(MemoryRefreshTokenStore::default())).await
    }

    /// Like [`Engine::open`], keeping the refresh token in `vault` (the
    /// system keychain in the app), so a sign-in survives a restart.
    pub async fn open_with_vault(
        database: &Path,
        portal_url: &str,
        vault: Box<dyn RefreshTokenStore>,
    ) -> Result<Self, EngineError> {
        let store = Store::open(database).await?;
        let portal = PortalClient::new(portal_url)?;
        let session = Session::new(portal.origin().to_owned(), portal.http().clone(), vault);
        Ok(Self { store, portal, link: outbox::Link::new(), session })
    }

    /// Signs in through the portal's page, shown by `browser`; waits at most
    /// five minutes for the person to finish.
    pub async fn sign_in(&self, browser: &dyn Browser) -> Result<(), EngineError> {
        self.sign_in_within(browser, SIGN_IN_TIMEOUT).await
    }

    /// [`Engine::sign_in`], waiting at most `timeout` for the browser to come back.
    pub async fn sign_in_within(&self, browser: &dyn Browser, timeout: std::time::Duration) -> Result<(), EngineError> {
        Ok(self.session.sign_in(browser, timeout).await?)
    }

    /// Ends the session at the portal (its refresh token is revoked) and
    /// forgets it on this device.
    pub async fn sign_out(&self) -> Result<SignOut, EngineError> {
        Ok(self.session.sign_out().await?)
    }

    /// Whether this device holds a session; no request is made, so the
    /// portal may have ended it meanwhile.
    pub fn is_signed_in(&self) -> Result<bool, EngineError> {
        Ok(self.session.is_signed_in()?)
    }

    /// The signed-in person and the enterprises they may act for.
    pub async fn profile(&self) -> Result<Profile, EngineError> {
        let url = self.portal.url(hoso_protocol::api::path::PROFILE)?;
        let response = self.send_authorized(self.portal.http().get(url)).await?;
        PortalClient::read_json(response).await
    }

    /// Sends a request to the portal's API as the signed-in person: the
    /// access token is added here, and a 401 is refreshed and retried once.
    pub(crate) async fn send_authorized(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, EngineError> {
        Ok(self.session.send_authorized(request).await?)
    }

    /// A live access token for a request built by hand (a stream, say),
    /// refreshed first if needed; the caller must not keep or log it.
    pub(crate) async fn bearer(&self) -> Result<auth::Token, EngineError> {
        Ok(self.session.bearer().await?)
    }

    /// Downloads the catalogue if the portal's version differs from ours; an
    /// unchanged catalogue costs one request and no body.
    pub async fn sync_catalogue(&self) -> Result<CatalogueSync, EngineError> {
        let held = self.store.catalogue_version().await?;
        let Some(catalogue) = self.portal.catalogue_if_changed(held).await? else {
            return Ok(CatalogueSync::UpToDate { version: held });
        };
        if catalogue.version == held {
            return Ok(CatalogueSync::UpToDate { version: held });
        }
        self.store.replace_catalogue(&catalogue).await?;
        Ok(CatalogueSync::Updated { version: catalogue.version, procedures: catalogue.procedures.len() })
    }

    /// What the catalogue screen shows: a refresh is attempted, and when the
    /// portal cannot be reached the local copy is listed with the reason, so
    /// the citizen keeps working offline.
    pub async fn catalogue_listing(&self) -> Result<CatalogueListing, EngineError> {
        let sync_error = self.sync_catalogue().await.err().map(|e| {
            tracing::info!(error = %e, "catalogue not refreshed; listing the local copy");
            e.to_envelope()
        });
        Ok(CatalogueListing { procedures: self.procedures().await?, sync_error })
    }

    /// The procedures held locally, in code order; works offline.
    pub async fn procedures(&self) -> Result<Vec<Procedure>, EngineError> {
        self.store.procedures().await
    }
}
