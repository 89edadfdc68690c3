//! Online forms: a definition pairs a JSON Schema (2020-12) that says what
//! data is valid with a layout that says how people fill it in.
//!
//! The schema is the single truth about validity: the same schema judges
//! input as the citizen types, in the engine before queueing, and in the
//! portal on receipt. The layout only presents it (pages, labels, widgets,
//! conditional visibility, repeatable groups, attachment slots, prefill).
//! [`prefill()`] fills the answers a layout marks from the person's identity
//! claims, without ever overwriting what they typed.

pub mod formats;
pub mod layout;
pub mod migrate;
pub mod prefill;
#[cfg(feature = "validation")]
pub mod validate;

use serde::{Deserialize, Serialize};

use crate::catalogue::ProcedureCode;
pub use layout::{Choice, Condition, FieldLayout, Layout, Page, PrefillClaim, Repeat, Section, Widget};
pub use migrate::{Migration, OrphanedAnswer, migrate};
pub use prefill::{Claims, prefill};
#[cfg(feature = "validation")]
pub use validate::{
    ATTACHMENT_ERROR_CODES, FIELD_ERROR_CODES, FILE_BESIDE_INPUT, FormDefinitionError, FormValidator, LIMIT_CODES,
    UPLOAD_INCOMPLETE,
};

/// One version of a procedure's online form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormDefinition {
    /// Stable across versions, e.g. `ho-tich.khai-sinh`.
    pub id: String,
    /// Grows with every change; drafts record the version they were made on.
    pub version: u32,
    pub procedure: ProcedureCode,
    /// JSON Schema 2020-12 for the data. Custom formats: `cccd`, `mst`,
    /// `vn-phone`, `date-vn` (dd/mm/yyyy).
    pub schema: serde_json::Value,
    pub layout: Layout,
}

impl FormDefinition {
    /// Every field of the layout, in page order, with repeatable groups' fields
    /// included once (their pointers are relative to an item).
    pub fn fields(&self) -> impl Iterator<Item = &FieldLayout> {
        self.layout.pages.iter().flat_map(|p| &p.sections).flat_map(|s| &s.fields)
    }
}

/// What is wrong with one answer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// JSON pointer to the answer, e.g. `/child/full_name`; empty for the whole form.
    pub pointer: String,
    /// Machine code, translated by the UI as `field_error.<code>`.
    pub code: String,
    /// The bound that was not met (a length, a minimum), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}
