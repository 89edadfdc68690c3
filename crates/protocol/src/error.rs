//! The one error shape that crosses every boundary: `{kind, message, fields}`.
//!
//! `kind` is stable and machine-readable; the UI turns it into translated text.
//! `message` is detail for logs and developers, never shown as the only text.
//! `fields` carries validation errors as data, one per answer, so a refused
//! submission can be shown beside the questions it is about.
//!
//! This is a contract with other processes: kinds are only ever added.

use std::fmt;

pub use hoso_domain::form::FieldError;
use serde::{Deserialize, Serialize};

/// Stable error categories. New kinds are added at the end; none is renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The portal could not be reached.
    Network,
    /// The portal answered, but not as the contract says.
    Portal,
    /// The local store failed.
    Store,
    /// The thing asked for does not exist.
    NotFound,
    /// The input was refused; details are in the message.
    InvalidInput,
    /// A bug or an unexpected state.
    Internal,
    /// The caller is not signed in, or the session has ended.
    Unauthenticated,
    /// Signed in, but not allowed to act for this profile or on this object.
    Forbidden,
    /// The request contradicts the current state (a replayed key with another body, a stale status).
    Conflict,
    /// The request or upload is larger than allowed.
    TooLarge,
    /// Too many requests; the `Retry-After` header says when to try again.
    RateLimited,
    /// The data kept on this device cannot be decrypted (its key is missing
    /// or wrong): the only way on is to reset the local data.
    CannotDecrypt,
    /// A file's type is not one the document accepts.
    UnsupportedMediaType,
    /// Signing out was refused: the person has items on this device not yet
    /// sent. `fields` holds one entry coded `unsent_items` whose `limit` is
    /// how many; signing out with `force` goes ahead and keeps them.
    UnsentItems,
    /// The draft was submitted (its submission is on its way or filed), so
    /// its answers and files can no longer be changed.
    AlreadySubmitted,
}

impl ErrorKind {
    /// Every kind, for exhaustive checks such as "each has a translation".
    pub const ALL: [Self; 15] = [
        Self::Network,
        Self::Portal,
        Self::Store,
        Self::NotFound,
        Self::InvalidInput,
        Self::Internal,
        Self::Unauthenticated,
        Self::Forbidden,
        Self::Conflict,
        Self::TooLarge,
        Self::RateLimited,
        Self::CannotDecrypt,
        Self::UnsupportedMediaType,
        Self::UnsentItems,
        Self::AlreadySubmitted,
    ];

    /// The wire name, as used for translation keys (`error.<kind>`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Network => "network",
            Self::Portal => "portal",
            Self::Store => "store",
            Self::NotFound => "not_found",
            Self::InvalidInput => "invalid_input",
            Self::Internal => "internal",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::Conflict => "conflict",
            Self::TooLarge => "too_large",
            Self::RateLimited => "rate_limited",
            Self::CannotDecrypt => "cannot_decrypt",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::UnsentItems => "unsent_items",
            Self::AlreadySubmitted => "already_submitted",
        }
    }
}

/// `{kind, message, fields}`: the body of every failed API call and command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorEnvelope {
    pub kind: ErrorKind,
    pub message: String,
    /// Validation errors, one per answer; empty unless `kind` is `invalid_input`
    /// (or `unsent_items`, whose one entry counts the items).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

impl ErrorEnvelope {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), fields: Vec::new() }
    }

    /// An `invalid_input` envelope carrying the validator's findings.
    pub fn invalid_fields(fields: Vec<FieldError>) -> Self {
        Self { kind: ErrorKind::InvalidInput, message: format!("{} answers are not valid", fields.len()), fields }
    }
}

impl ErrorEnvelope {
    /// How many items an `unsent_items` refusal counted.
    pub fn unsent_count(&self) -> Option<u64> {
        if self.kind != ErrorKind::UnsentItems {
            return None;
        }
        let entry = self.fields.iter().find(|f| f.code == UNSENT_ITEMS_CODE)?;
        entry.limit.and_then(|n| u64::try_from(n).ok())
    }
}

/// The code of the field entry an `unsent_items` refusal counts its items in.
pub const UNSENT_ITEMS_CODE: &str = "unsent_items";

impl fmt::Display for ErrorEnvelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.as_str(), self.message)
    }
}

impl std::error::Error for ErrorEnvelope {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_envelope_serialises_as_kind_and_message() {
        let json = serde_json::to_value(ErrorEnvelope::new(ErrorKind::NotFound, "no such procedure")).unwrap();
        assert_eq!(json, serde_json::json!({"kind": "not_found", "message": "no such procedure"}));
    }

    #[test]
    fn field_errors_travel_as_data_beside_the_kind() {
        let envelope = ErrorEnvelope::invalid_fields(vec![FieldError {
            pointer: "/child/full_name".into(),
            code: "too_short".into(),
            limit: Some(2),
        }]);
        let json = serde_json::to_value(&envelope).unwrap();
        assert_eq!(json["kind"], "invalid_input");
        assert_eq!(
            json["fields"][0],
            serde_json::json!({"pointer": "/child/full_name", "code": "too_short", "limit": 2})
        );
        assert_eq!(serde_json::from_value::<ErrorEnvelope>(json).unwrap(), envelope);
    }

    #[test]
    fn an_envelope_without_fields_reads_as_one_with_none() {
        let envelope: ErrorEnvelope = serde_json::from_str(r#"{"kind":"network","message":"down"}"#).unwrap();
        assert!(envelope.fields.is_empty());
    }

    #[test]
    fn every_kind_serialises_as_its_wire_name() {
        for kind in ErrorKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), serde_json::json!(kind.as_str()));
        }
    }
}
