//! The back office over the wire: the moves an officer makes on a dossier.
//! A contract between the portal and any officer client (its own HTML pages,
//! the demo simulator, a one-stop desk system).

use serde::{Deserialize, Serialize};

/// Body of `POST /api/v1/office/dossiers/{code}/moves`: one officer decision.
/// Each is judged by the dossier lifecycle against the current status; a move
/// the lifecycle does not allow from there is answered `conflict` (409).
/// Issuing the result is not a move here: it carries a file, see
/// [`super::path::OFFICE_RESULT`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "move", rename_all = "snake_case")]
pub enum OfficeMove {
    /// Valid intake at the one-stop desk; the legal clock counts from this day.
    Accept,
    /// Refused at intake, with the reason the citizen reads.
    Refuse { reason: String },
    /// Processing begins (from accepted), or resumes after a refused withdrawal.
    StartProcessing,
    /// More documents or corrected answers are needed; the legal clock pauses.
    RequestSupplement {
        reason: String,
        /// JSON pointers of the answers to correct.
        #[serde(default)]
        fields: Vec<String>,
        /// Ids of the required documents to provide again.
        #[serde(default)]
        documents: Vec<String>,
    },
    /// A fee or tax must be paid before processing goes on.
    RequestPayment { amount_vnd: u64, description: String },
    /// Processing stopped without a result.
    Stop { reason: String },
    /// The result was handed over; the dossier is complete.
    ReturnResult,
    /// The answer to a citizen's withdrawal request: granted stops the
    /// dossier; refused takes it back to where it was.
    DecideWithdrawal {
        grant: bool,
        #[serde(default)]
        note: Option<String>,
    },
}
