//! The Hồ sơ app without a window: everything a citizen or a business can do,
//! as a library. The Tauri shell and the `hoso` CLI are thin fronts on it; it
//! knows nothing of either.
#![forbid(unsafe_code)]

mod attachments;
mod crypto;
mod drafts;
mod error;
mod local_data;
mod portal_client;
pub mod secrets;
mod store;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use hoso_domain::catalogue::Procedure;
use hoso_protocol::command::CatalogueListing;

pub use attachments::Attachment;
pub use error::EngineError;
pub use local_data::{backup_path, reset_local_data};
use portal_client::PortalClient;
pub use secrets::{Account, FileSecrets, KeyringSecrets, MemorySecrets, SecretStore};
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
    attachments: attachments::Files,
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
    /// `database` with keys from `secrets`, and prepares a client for the
    /// portal at `portal_url`. No request is made yet, so this works offline.
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
        secrets::SecretPolicy::of_this_build().check(secrets.as_ref(), account)?;
        let portal = PortalClient::new(portal_url)?;
        let key = local_data::store_key(secrets.as_ref(), database)?;
        let store = Store::open(database, &key).await?;
        let attachments = attachments::Files::open(secrets.as_ref(), local_data::attachments_dir(database))?;
        Ok(Self { store, portal, attachments })
    }

    /// Closes the store's connections; reopening then reads the same file.
    pub async fn close(self) {
        self.store.close().await;
    }

    /// `PRAGMA integrity_check` of the store: `ok` when sound.
    pub async fn integrity_check(&self) -> Result<String, EngineError> {
        self.store.integrity_check().await
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
