//! Commands of following a dossier after submission: lists, the detail with
//! its timeline and legal clock, supplements, withdrawal, payment, the result
//! and the rating.

use hoso_domain::catalogue::{FormRef, Localized, ProcedureCode};
use hoso_domain::dossier::DossierStatus;
use hoso_domain::profile::ActingAs;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::api::dossier::{DossierDetail, SupplementRequest};
use crate::error::ErrorEnvelope;

/// Names a dossier by its national code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierCode {
    pub code: String,
}

/// What a dossier waits on the citizen for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedsAction {
    Supplement,
    Payment,
    Result,
}

/// A dossier as lists show it, from the device's store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierCard {
    pub client_id: String,
    /// Known once the portal acknowledged the dossier.
    #[serde(default)]
    pub code: Option<String>,
    pub procedure: ProcedureCode,
    pub procedure_name: Localized,
    pub acting_as: ActingAs,
    pub status: DossierStatus,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub updated_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub due_on: Option<Date>,
    #[serde(default)]
    pub needs: Option<NeedsAction>,
}

/// A dossier in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DossierView {
    pub detail: DossierDetail,
    pub procedure_name: Localized,
    /// Set when the portal could not be reached and this is the last copy
    /// the device kept; says why.
    #[serde(default)]
    pub offline: Option<ErrorEnvelope>,
    /// Whether an answer to a supplement request is being drafted.
    #[serde(default)]
    pub supplement_draft: bool,
}

/// The answer to a supplement request, being drafted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupplementDraftView {
    pub code: String,
    pub form: FormRef,
    pub request: SupplementRequest,
    /// The answers as the portal holds them, to show what changed.
    pub original: serde_json::Value,
    /// The answers being drafted (prefilled from `original`).
    pub data: serde_json::Value,
    /// JSON pointers whose answer differs from `original`.
    pub changed: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub saved_at: OffsetDateTime,
    /// The portal moved the dossier on while this was edited: the edits are
    /// kept, but can no longer be sent as they are.
    #[serde(default)]
    pub conflict: bool,
    /// The id under which the files of this answer are kept, i.e. the
    /// `draft_id` of `attachment_add` and `attachment_remove` for documents
    /// the agency asked for again; `None` while the app keeps no files for it.
    #[serde(default)]
    pub draft_id: Option<String>,
}

/// Arguments of saving a supplement answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaveSupplement {
    pub code: String,
    pub data: serde_json::Value,
}

/// Arguments of withdrawing a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawArgs {
    pub code: String,
    pub reason: String,
}

/// Answer of starting a payment: the gateway's page was opened in the
/// system browser (in a plain browser, the UI opens `url` itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentOpened {
    pub url: String,
    pub amount_vnd: u64,
}

/// The result document, to save on the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultFile {
    pub name: String,
    pub media_type: String,
    /// Standard base64.
    pub content_base64: String,
}

/// Arguments of rating a completed dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateArgs {
    pub code: String,
    /// 1 (very dissatisfied) to 5 (very satisfied).
    pub score: u8,
    #[serde(default)]
    pub comment: Option<String>,
}
