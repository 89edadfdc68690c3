//! The engine's typed errors, and the `{kind, message}` each becomes at a
//! boundary.

use hoso_protocol::error::{ErrorEnvelope, ErrorKind};

use crate::auth::AuthError;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("the portal address is not a valid URL: {0}")]
    PortalUrl(String),
    #[error("cannot reach the portal: {0}")]
    Network(#[source] reqwest::Error),
    #[error("the portal answered {status}: {envelope}")]
    PortalRefused { status: u16, envelope: ErrorEnvelope },
    #[error("the portal's answer does not follow the API: {0}")]
    PortalContract(String),
    #[error("local store: {0}")]
    Store(#[from] sqlx::Error),
    #[error("local store migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("a stored record is malformed: {0}")]
    Corrupt(#[source] serde_json::Error),
    #[error("a stored value is malformed: {0}")]
    StoredValue(String),
    #[error("nobody is signed in")]
    NotSignedIn,
    #[error("not in the local store: {0}")]
    NotFound(String),
    #[error("attachment {sha256} cannot be read: {reason}")]
    Attachment { sha256: String, reason: String },
    #[error(transparent)]
    Auth(#[from] AuthError),
}

impl EngineError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::PortalUrl(_) => ErrorKind::InvalidInput,
            Self::Network(_) => ErrorKind::Network,
            Self::PortalRefused { envelope, .. } => envelope.kind,
            Self::PortalContract(_) => ErrorKind::Portal,
            Self::Store(_) | Self::Migrate(_) | Self::Corrupt(_) | Self::StoredValue(_) | Self::Attachment { .. } => {
                ErrorKind::Store
            }
            Self::NotSignedIn => ErrorKind::Unauthenticated,
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::Auth(e) => e.kind(),
        }
    }

    pub fn to_envelope(&self) -> ErrorEnvelope {
        ErrorEnvelope::new(self.kind(), self.to_string())
    }
}

impl From<EngineError> for ErrorEnvelope {
    fn from(error: EngineError) -> Self {
        error.to_envelope()
    }
}
