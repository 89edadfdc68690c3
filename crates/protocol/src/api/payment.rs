//! Paying what a dossier owes: the portal names the amount, the citizen pays
//! on a hosted payment page in the system browser, and a receipt follows.
//! A contract with the portal.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The header of a gateway notification carrying `sha256=<hex>`, the
/// HMAC-SHA256 of the request body under the key the portal shares with the gateway.
pub const GATEWAY_SIGNATURE_HEADER: &str = "X-Gateway-Signature";

/// Where a payment stands (the national portal's payment statuses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Unpaid,
    AwaitingPayment,
    Paid,
    Cancelled,
    Refunded,
}

/// What a dossier owes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentDue {
    pub amount_vnd: u64,
    pub description: String,
    pub status: PaymentStatus,
}

/// Answer of starting a payment: the hosted page to open in the system browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentStarted {
    pub payment_id: String,
    pub payment_url: String,
}

/// Proof of a completed payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    pub payment_id: String,
    pub amount_vnd: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub paid_at: OffsetDateTime,
    /// The bank's or gateway's transaction reference.
    pub reference: String,
}
