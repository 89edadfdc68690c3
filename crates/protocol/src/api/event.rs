//! Live events the portal pushes to a signed-in app (server-sent events):
//! hints that something changed, after which the app pulls the changes feed.
//! A contract with the portal.

use serde::{Deserialize, Serialize};

/// One live event. Events are hints, not data: a client that missed some
/// loses nothing, because it reads the changes feed from its own cursor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    /// A dossier of the acting profile changed; its change has this cursor.
    DossierChanged { code: String, cursor: u64 },
    /// The catalogue moved to a new version.
    CatalogueChanged { version: u64 },
}
