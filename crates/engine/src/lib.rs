//! The Hồ sơ app without a window: everything a citizen or a business can do,
//! as a library. The Tauri shell and the `hoso` CLI are thin fronts on it; it
//! knows nothing of either.
#![forbid(unsafe_code)]

mod attachments;
pub mod auth;
pub mod background;
pub mod bulk;
mod business;
mod crypto;
mod demo;
mod dossiers;
mod drafts;
mod error;
mod filling;
mod home;
mod local_data;
mod outbox;
pub mod payment;
mod portal_client;
pub mod secrets;
mod session_state;
mod slot;
mod store;
mod submit;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use hoso_domain::catalogue::Procedure;
use hoso_protocol::api::account::Profile;
use hoso_protocol::command::CatalogueListing;

pub use attachments::Attachment;
use auth::{Browser, RefreshTokenStore, SIGN_IN_TIMEOUT, Session, SignOut};
pub use error::EngineError;
pub use local_data::{backup_path, reset_local_data};
pub use outbox::{
    AccessToken, AttachmentSource, DossierEvent, KnownDossier, MemoryAttachments, NewSubmission, QueueOutcome,
    SendReport, StaticToken, SupplementDraft, SyncReport, backoff, changed_pointers,
};
use portal_client::PortalClient;
pub use secrets::{Account, FileSecrets, KeyringSecrets, MemorySecrets, SecretStore};
pub use slot::EngineSlot;
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
    attachments: attachments::Files,
    /// Whether this engine runs on demo data (demo controls, demo sign-in).
    account: Account,
    /// How this engine was opened, to open it again after its local data is deleted.
    origin: Origin,
    /// Why the last `sync_now` failed, for the home screen; `None` after a good one.
    last_sync_error: std::sync::Mutex<Option<hoso_protocol::error::ErrorEnvelope>>,
    /// The `limit` a dossier sync asks the changes feed for: the feed's
    /// largest page, unless a test asks for smaller pages.
    feed_page: std::sync::atomic::AtomicU64,
}

/// What opening an engine took, kept to reopen it on an empty store.
struct Origin {
    database: PathBuf,
    portal_url: String,
    secrets: Arc<dyn SecretStore>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The session prints no token: see `auth::Token`.
        f.debug_struct("Engine").field("portal", &self.portal.origin()).field("session", &self.session).finish()
    }
}

impl Engine {
    /// Opens the store at `database` for development, tests and the demo: its
    /// keys are kept by [`FileSecrets::beside`] it, in `<database>.secrets/`,
    /// which protects nothing from whoever copies the directory (reset it with
    /// `reset_local_data(database, &FileSecrets::beside(database))`). A real
    /// account opens with [`Engine::open_with`] and [`KeyringSecrets`].
    pub async fn open(database: &Path, portal_url: &str) -> Result<Self, EngineError> {
        let secrets = Arc::new(FileSecrets::beside(database));
        Self::open_with(database, portal_url, secrets, Account::Demo).await
    }

    /// Opens (creating and migrating if needed) the encrypted store at
    /// `database` with keys from `secrets`, which also keeps the refresh
    /// token, and prepares a client for the portal at `portal_url`. No
    /// request is made yet, so this works offline.
    ///
    /// A release build refuses a real `account` on secrets that are not the
    /// OS keychain. A store whose key is missing or wrong is
    /// [`EngineError::CannotDecrypt`]: offer [`reset_local_data`].
    pub async fn open_with(
        database: &Path,
        portal_url: &str,
        secrets: Arc<dyn SecretStore>,
        account: Account,
    ) -> Result<Self, EngineError> {
        let vault = Arc::new(secrets::SecretVault::new(Arc::clone(&secrets)));
        Self::assemble(database, portal_url, secrets, account, vault).await
    }

    /// Like [`Engine::open`], keeping the refresh token in `vault` instead.
    pub async fn open_with_vault(
        database: &Path,
        portal_url: &str,
        vault: Box<dyn RefreshTokenStore>,
    ) -> Result<Self, EngineError> {
        let secrets = Arc::new(FileSecrets::beside(database));
        Self::assemble(database, portal_url, secrets, Account::Demo, Arc::from(vault)).await
    }

    async fn assemble(
        database: &Path,
        portal_url: &str,
        secrets: Arc<dyn SecretStore>,
        account: Account,
        vault: Arc<dyn RefreshTokenStore>,
    ) -> Result<Self, EngineError> {
        secrets::SecretPolicy::of_this_build().check(secrets.as_ref(), account)?;
        let portal = PortalClient::new(portal_url)?;
        let key = local_data::store_key(secrets.as_ref(), database)?;
        let store = Store::open(database, &key).await?;
        let attachments = attachments::Files::open(secrets.as_ref(), local_data::attachments_dir(database))?;
        let session = Session::new(portal.origin().to_owned(), portal.http().clone(), vault);
        let origin = Origin { database: database.to_owned(), portal_url: portal_url.to_owned(), secrets };
        Ok(Self {
            store,
            portal,
            link: outbox::Link::new(),
            session,
            attachments,
            account,
            origin,
            last_sync_error: std::sync::Mutex::new(None),
            feed_page: std::sync::atomic::AtomicU64::new(hoso_protocol::api::dossier::CHANGES_MAX_LIMIT),
        })
    }

    /// Closes the store's connections; reopening then reads the same file.
    pub async fn close(self) {
        self.store.close().await;
    }

    /// `PRAGMA integrity_check` of the store: `ok` when sound.
    pub async fn integrity_check(&self) -> Result<String, EngineError> {
        self.store.integrity_check().await
    }

    /// Signs in through the portal's page, shown by `browser`; waits at most
    /// five minutes for the person to finish.
    pub async fn sign_in(&self, browser: &dyn Browser) -> Result<(), EngineError> {
        self.sign_in_within(browser, SIGN_IN_TIMEOUT).await
    }

    /// [`Engine::sign_in`], waiting at most `timeout` for the browser to come back.
    pub async fn sign_in_within(&self, browser: &dyn Browser, timeout: std::time::Duration) -> Result<(), EngineError> {
        let arrived = self.session.sign_in(browser, timeout).await?;
        self.keep_sign_in(arrived).await
    }

    /// Keeps a sign-in's session, recording whose it is first: the store
    /// names the person (and gives them the rows no one owns yet) while no
    /// token is held, so a token is never taken for another person's.
    pub(crate) async fn keep_sign_in(&self, arrived: auth::Arrived) -> Result<(), EngineError> {
        let subject = arrived.subject().to_owned();
        self.session.adopt(arrived, self.store.adopt_subject(&subject)).await
    }

    /// Signs in on a phone: the portal's page in `browser`, coming back to
    /// the app through its own scheme ([`auth::APP_LINK_REDIRECT_URI`]), which
    /// the shell hands over with [`Engine::hand_over_app_link`]; waits at most
    /// `timeout`. State, PKCE, issuer and ID token are checked as on desktop.
    pub async fn sign_in_through_app_link(
        &self,
        browser: &dyn Browser,
        timeout: std::time::Duration,
    ) -> Result<(), EngineError> {
        let arrived = self.session.sign_in_through_app_link(browser, timeout).await?;
        self.keep_sign_in(arrived).await
    }

    /// The link the system opened the app with (the shell's deep-link
    /// handler calls this): delivered to the waiting sign-in if it is its
    /// callback, refused otherwise, and the sign-in keeps waiting.
    pub fn hand_over_app_link(&self, url: &str) -> Result<(), EngineError> {
        Ok(self.session.hand_over_app_link(url)?)
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

    /// The signed-in person and the enterprises they may act for, from the
    /// portal; kept in the store so the session shows offline.
    pub async fn profile(&self) -> Result<Profile, EngineError> {
        let url = self.portal.url(hoso_protocol::api::path::PROFILE)?;
        let response = self.send_authorized(self.portal.http().get(url)).await?;
        let profile: Profile = PortalClient::read_json(response).await?;
        self.remember_profile(&profile).await?;
        self.keep_profile_names(&profile).await?;
        Ok(profile)
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

    /// The procedures held locally whose code or name (Vietnamese or
    /// English) contains `query`, ignoring case and diacritics; works offline.
    pub async fn search_procedures(&self, query: &str) -> Result<Vec<std::sync::Arc<Procedure>>, EngineError> {
        Ok(self.store.search_index().await?.search(query))
    }

    /// A procedure held locally, or `NotFound`.
    async fn procedure(&self, code: &str) -> Result<Procedure, EngineError> {
        self.store
            .procedure(code)
            .await?
            .ok_or_else(|| EngineError::NotFound { what: "procedure", id: code.to_owned() })
    }
}

/// Where an engine keeps the files beside its database.
fn sibling(database: &Path, suffix: &str) -> PathBuf {
    let mut name = database.file_name().unwrap_or_default().to_owned();
    name.push(suffix);
    database.with_file_name(name)
}
