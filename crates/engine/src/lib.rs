//! The Hồ sơ app without a window: everything a citizen or a business can do,
//! as a library. The Tauri shell and the `hoso` CLI are thin fronts on it; it
//! knows nothing of either.
#![forbid(unsafe_code)]

mod error;
mod outbox;
mod portal_client;
mod store;

use std::path::Path;

use hoso_domain::catalogue::Procedure;
use hoso_protocol::command::CatalogueListing;

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
}

impl Engine {
    /// Opens (creating and migrating if needed) the store at `database`, and
    /// prepares a client for the portal at `portal_url`. No request is made yet,
    /// so this works offline.
    pub async fn open(database: &Path, portal_url: &str) -> Result<Self, EngineError> {
        let store = Store::open(database).await?;
        let portal = PortalClient::new(portal_url)?;
        Ok(Self { store, portal, link: outbox::Link::new() })
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
