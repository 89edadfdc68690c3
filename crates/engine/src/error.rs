//! The engine's typed errors, and the `{kind, message}` each becomes at a
//! boundary.

use hoso_protocol::error::{ErrorEnvelope, ErrorKind, FieldError};

use crate::auth::AuthError;
use crate::secrets::SecretError;

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
    #[error("attachment {sha256} cannot be read: {reason}")]
    Attachment { sha256: String, reason: String },
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The store's key is missing or does not decrypt it. Never answered by
    /// opening anything in plain text: the way on is `reset_local_data`.
    #[error("cannot decrypt the local data with the key held; reset local data?")]
    CannotDecrypt,
    #[error("secrets: {0}")]
    Secrets(#[from] SecretError),
    #[error("local files: {0}")]
    Files(#[source] std::io::Error),
    #[error("cryptography failed: {0}")]
    Crypto(&'static str),
    #[error("no {what} {id}")]
    NotFound { what: &'static str, id: String },
    #[error("{0}")]
    InvalidInput(String),
    #[error("document {document} does not accept files of type {media_type}")]
    MediaTypeRefused { document: String, media_type: String },
    #[error("document {document} accepts at most {max_bytes} bytes; this file has {size}")]
    AttachmentTooLarge { document: String, max_bytes: u64, size: u64 },
    /// The request contradicts what the device or the portal holds now (a
    /// supplement draft the portal overtook, a refusal retrying cannot change).
    #[error("{0}")]
    Conflict(String),
    /// A file is larger than the engine accepts (a bulk file, a result).
    #[error("{0}")]
    TooLarge(String),
    /// Answers the one form validator refused; each error names its answer.
    #[error("{} answers are not valid", .0.len())]
    InvalidAnswers(Vec<FieldError>),
    /// A demo-only operation asked of an engine on a real portal.
    #[error("this is only possible in demo mode")]
    NotDemo,
    /// The signed-in person holds no active mandate for this enterprise.
    #[error("no active mandate to act for enterprise {0}")]
    NoMandate(String),
    /// Signing out was refused: the person has `count` items on this device
    /// not yet sent (pending or needing action). Forcing it keeps them here.
    #[error("{count} items are not sent yet; sign out anyway to keep them on this device until the next sign-in")]
    UnsentItems { count: u64 },
    /// The draft's submission is on its way or filed (its outbox entry is
    /// pending or sent): its answers and files are what was sent, so they
    /// are no longer changed.
    #[error("draft {id} was submitted; it can no longer be changed")]
    AlreadySubmitted { id: String },
}

impl EngineError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::PortalUrl(_) | Self::InvalidInput(_) | Self::InvalidAnswers(_) => ErrorKind::InvalidInput,
            Self::NotDemo | Self::NoMandate(_) => ErrorKind::Forbidden,
            Self::Network(_) => ErrorKind::Network,
            Self::PortalRefused { envelope, .. } => envelope.kind,
            Self::PortalContract(_) => ErrorKind::Portal,
            Self::Store(_)
            | Self::Migrate(_)
            | Self::Corrupt(_)
            | Self::StoredValue(_)
            | Self::Attachment { .. }
            | Self::Files(_) => ErrorKind::Store,
            Self::NotSignedIn => ErrorKind::Unauthenticated,
            Self::Auth(e) => e.kind(),
            Self::CannotDecrypt => ErrorKind::CannotDecrypt,
            // A release build handed a store that is not the keychain for a
            // real account: a bug of the caller, not of the citizen.
            Self::Secrets(SecretError::NotForRealAccounts(_)) | Self::Crypto(_) => ErrorKind::Internal,
            Self::Secrets(_) => ErrorKind::Store,
            Self::NotFound { .. } => ErrorKind::NotFound,
            Self::MediaTypeRefused { .. } => ErrorKind::UnsupportedMediaType,
            Self::AttachmentTooLarge { .. } | Self::TooLarge(_) => ErrorKind::TooLarge,
            Self::Conflict(_) => ErrorKind::Conflict,
            Self::UnsentItems { .. } => ErrorKind::UnsentItems,
            Self::AlreadySubmitted { .. } => ErrorKind::AlreadySubmitted,
        }
    }

    /// The envelope for a front: validation errors travel as `fields`,
    /// whether this engine's validator or the portal's found them.
    pub fn to_envelope(&self) -> ErrorEnvelope {
        let fields = match self {
            Self::InvalidAnswers(fields) => fields.clone(),
            Self::PortalRefused { envelope, .. } => envelope.fields.clone(),
            Self::UnsentItems { count } => vec![FieldError {
                pointer: String::new(),
                code: hoso_protocol::error::UNSENT_ITEMS_CODE.to_owned(),
                limit: Some(i64::try_from(*count).unwrap_or(i64::MAX)),
            }],
            _ => Vec::new(),
        };
        ErrorEnvelope { kind: self.kind(), message: self.to_string(), fields }
    }
}

impl From<EngineError> for ErrorEnvelope {
    fn from(error: EngineError) -> Self {
        error.to_envelope()
    }
}
