//! Commands for businesses: every filing across the enterprises a person
//! acts for, and bulk filing from a spreadsheet.

use hoso_domain::catalogue::ProcedureCode;
use hoso_domain::form::FieldError;
use hoso_domain::profile::ActingAs;
use serde::{Deserialize, Serialize};

use super::DossierCard;
use crate::error::ErrorEnvelope;

/// One row of the business table: a dossier and whom it was filed for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filing {
    /// The person's name, or the enterprise's.
    pub profile_name: String,
    pub dossier: DossierCard,
}

/// A CSV, XLSX or JSON file of answers, one row per filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkFile {
    pub procedure: ProcedureCode,
    pub acting_as: ActingAs,
    /// The file's name; its extension says how to read it.
    pub file_name: String,
    /// Standard base64.
    pub content_base64: String,
}

/// Every row of a file, judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkCheck {
    pub rows: Vec<BulkRowCheck>,
}

/// One row's errors (none when valid).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRowCheck {
    /// 1 for the first row under the header.
    pub row: usize,
    pub errors: Vec<FieldError>,
}

/// What filing a file did, row by row, with the report to download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkResult {
    pub rows: Vec<BulkRowResult>,
    /// Rows queued by this run (a re-run queues nothing twice).
    pub queued: usize,
    /// The per-row report as CSV: row, status, dossier code or errors.
    pub report_csv: String,
}

/// One row's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum BulkRowResult {
    /// Not filed; the row is kept as the draft `draft` (its id), to fix in
    /// the form and submit from there.
    Invalid {
        row: usize,
        errors: Vec<FieldError>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        draft: Option<String>,
    },
    Filed {
        row: usize,
        code: String,
    },
    Waiting {
        row: usize,
    },
    /// The portal refused it; the row is kept as the draft `draft` (its id;
    /// absent from engines before it was named), to fix in the form and
    /// submit from there.
    Refused {
        row: usize,
        error: ErrorEnvelope,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        draft: Option<String>,
    },
}
