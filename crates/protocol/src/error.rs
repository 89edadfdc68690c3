//! The one error shape that crosses every boundary: `{kind, message}`.
//!
//! `kind` is stable and machine-readable; the UI turns it into translated text.
//! `message` is detail for logs and developers, never shown as the only text.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Stable error categories. New kinds are added at the end; none is renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
}

impl ErrorKind {
    /// Every kind, for exhaustive checks such as "each has a translation".
    pub const ALL: [Self; 6] =
        [Self::Network, Self::Portal, Self::Store, Self::NotFound, Self::InvalidInput, Self::Internal];

    /// The wire name, as used for translation keys (`error.<kind>`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Network => "network",
            Self::Portal => "portal",
            Self::Store => "store",
            Self::NotFound => "not_found",
            Self::InvalidInput => "invalid_input",
            Self::Internal => "internal",
        }
    }
}

/// `{kind, message}`: the body of every failed API call and command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    pub kind: ErrorKind,
    pub message: String,
}

impl ErrorEnvelope {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }
}

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
    fn every_kind_serialises_as_its_wire_name() {
        for kind in ErrorKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), serde_json::json!(kind.as_str()));
        }
    }
}
