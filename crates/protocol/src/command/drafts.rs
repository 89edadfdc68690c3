//! Commands of filling a form: drafts, their attachments, the home screen
//! and the outbox that carries submissions to the portal.

use hoso_domain::catalogue::ProcedureCode;
use serde::{Deserialize, Serialize};

use super::{DossierCard, DraftSummary, OutboxItem};
use crate::error::ErrorEnvelope;

/// Arguments of starting a draft, for the acting profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftCreateArgs {
    pub procedure: ProcedureCode,
}

/// Names a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftId {
    pub id: String,
}

/// Arguments of attaching a file to a draft, for the required document
/// `document`. The engine checks its type and size before keeping it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddAttachment {
    pub draft_id: String,
    pub document: String,
    pub name: String,
    pub media_type: String,
    /// The file, standard base64.
    pub content_base64: String,
}

/// A file attached to a draft, as the UI lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentInfo {
    pub document: String,
    /// SHA-256 of the content, lowercase hex; names the file in the draft.
    pub sha256: String,
    pub name: String,
    pub media_type: String,
    pub size: u64,
}

/// Arguments of removing a file from a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoveAttachment {
    pub draft_id: String,
    pub sha256: String,
}

/// Names an outbox item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxRetryArgs {
    pub client_id: String,
}

/// The home screen, for the acting profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Home {
    /// Dossiers waiting on the citizen: a supplement, a fee, a result to fetch.
    pub needs_action: Vec<DossierCard>,
    pub drafts: Vec<DraftSummary>,
    /// Items not yet acknowledged, and the recently sent ones.
    pub outbox: Vec<OutboxItem>,
    /// The most recently changed dossiers.
    pub recent: Vec<DossierCard>,
    /// Why the last sync with the portal failed, if it did: the rest is what
    /// the device holds.
    #[serde(default)]
    pub sync_error: Option<ErrorEnvelope>,
}

/// What one "sync now" did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncOutcome {
    /// Outbox items the portal acknowledged in this pass.
    pub sent: u32,
    /// Dossiers whose status changed.
    pub changed: u32,
    #[serde(default)]
    pub error: Option<ErrorEnvelope>,
}
