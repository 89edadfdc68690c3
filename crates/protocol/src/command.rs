//! What the UI asks of the app (through Tauri's invoke or `hoso serve`) and
//! what it gets back. Every command answers `Result<T, CommandError>`.

use hoso_domain::catalogue::Procedure;
use serde::{Deserialize, Serialize};

/// Command names, shared by the shell's handlers and the UI's transport so a
/// rename cannot leave one side behind.
pub mod name {
    pub const APP_INFO: &str = "app_info";
    pub const CATALOGUE_LIST: &str = "catalogue_list";
}

/// Whether the app talks to a real portal or to the in-process demo portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppMode {
    Demo,
    Live,
}

/// Facts the UI needs before it draws anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfo {
    pub mode: AppMode,
    pub version: String,
}

/// Answer of `catalogue_list`: the procedures in the local store, after a
/// sync attempt whose outcome is reported rather than thrown, so the UI can
/// show what it has offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueListing {
    pub procedures: Vec<Procedure>,
    /// `None` when the catalogue was refreshed from the portal; otherwise why not.
    pub sync_error: Option<crate::error::ErrorEnvelope>,
}
