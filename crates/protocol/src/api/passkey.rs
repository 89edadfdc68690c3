//! Passkey enrolment for a signed-in person: start a registration, finish it
//! with what the authenticator made, list the person's passkeys and delete
//! one. The WebAuthn options and credential are the browser's JSON
//! (`PublicKeyCredentialCreationOptions`, `RegisterPublicKeyCredential`),
//! carried as-is: the app hands them to the webview and back, and only the
//! portal reads them.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

/// The answer to starting a registration: the ceremony to finish and the
/// options for `navigator.credentials.create`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyRegistrationStarted {
    /// Single use, and good for a couple of minutes.
    pub ceremony: String,
    /// `{"publicKey": {...}}`, byte fields base64url-encoded.
    pub options: Value,
}

/// Finishing a registration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FinishPasskeyRegistration {
    pub ceremony: String,
    /// What the person calls this passkey, e.g. "Điện thoại của tôi".
    pub name: String,
    /// The authenticator's answer, byte fields base64url-encoded.
    pub credential: Value,
}

/// One of the signed-in person's passkeys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeySummary {
    /// The credential id, base64url; the path segment that deletes it.
    pub id: String,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
}
