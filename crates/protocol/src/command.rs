//! What the UI asks of the app (through Tauri's invoke or `hoso serve`) and
//! what it gets back. Every command answers `Result<T, ErrorEnvelope>`.
//!
//! These types are the contract between the UI and the shell: the UI never
//! sees a token or a database row, only these views. Command names live in
//! [`name`] as they are implemented by the shell.

use hoso_domain::catalogue::{FormRef, Localized, Procedure, ProcedureCode};
use hoso_domain::form::{FieldError, OrphanedAnswer};
use hoso_domain::profile::ActingAs;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::ErrorEnvelope;

/// Command names, shared by the shell's handlers, `hoso serve` and the UI's
/// transport so a rename cannot leave one side behind.
pub mod name {
    pub const APP_INFO: &str = "app_info";
    pub const CATALOGUE_LIST: &str = "catalogue_list";

    /// Every command the app answers. Both fronts (the Tauri shell and
    /// `hoso serve`) handle exactly this set; the tidy test and serve's tests
    /// check it, so a command added to one front cannot be missing from the other.
    pub const ALL: &[&str] = &[APP_INFO, CATALOGUE_LIST];
}

/// The header `hoso serve` requires on every command, carrying the random token
/// it printed in the page's address; the UI's browser transport sends it.
pub const SERVE_TOKEN_HEADER: &str = "x-hoso-token";

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

/// Arguments of validating answers as the citizen types: the engine runs the
/// one validator (the UI does not link it, see ARCHITECTURE.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidateForm {
    pub form: FormRef,
    pub data: serde_json::Value,
}

/// The answer of validating: every error, each with its pointer and code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validation {
    pub errors: Vec<FieldError>,
}

/// A draft as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftSummary {
    pub id: String,
    pub procedure: ProcedureCode,
    pub procedure_name: Localized,
    pub acting_as: ActingAs,
    pub form: FormRef,
    /// When the engine last made the draft durable, for "last saved".
    #[serde(with = "time::serde::rfc3339")]
    pub saved_at: OffsetDateTime,
    /// Set when the portal moved the dossier on while this draft (a
    /// supplement) was edited: the edits are kept here, flagged.
    #[serde(default)]
    pub conflict: bool,
}

/// A whole draft, to reopen it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub summary: DraftSummary,
    pub data: serde_json::Value,
    /// Answers a newer form version had no place for, shown to the citizen.
    #[serde(default)]
    pub orphaned: Vec<OrphanedAnswer>,
}

/// Arguments of saving a draft: the whole answers, saved durably before the
/// command returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaveDraft {
    pub id: String,
    pub data: serde_json::Value,
}

/// The answer of saving: when it became durable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftSaved {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub saved_at: OffsetDateTime,
}

/// Where an outbox item stands, as the citizen sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum OutboxState {
    Queued,
    Uploading {
        percent: u8,
    },
    WaitingForNetwork,
    /// The portal refused it; the error says what to fix.
    NeedsAction {
        error: ErrorEnvelope,
    },
    /// The portal acknowledged it under this dossier code.
    Sent {
        code: String,
    },
}

/// One submission on its way to the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxItem {
    pub client_id: String,
    pub procedure: ProcedureCode,
    pub procedure_name: Localized,
    pub acting_as: ActingAs,
    #[serde(with = "time::serde::rfc3339")]
    pub queued_at: OffsetDateTime,
    #[serde(flatten)]
    pub state: OutboxState,
}
