//! What can go wrong in the portal, and how each failure looks on the wire.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};

#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    #[error("cannot bind the listening address: {0}")]
    Bind(#[source] std::io::Error),
    #[error("the server stopped: {0}")]
    Serve(#[from] std::io::Error),
    #[error(
        "the database URL's scheme `{scheme}` is not supported: use `sqlite:PATH` or `postgres://USER@HOST/DATABASE`"
    )]
    UnsupportedDatabase { scheme: String },
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("seed data in assets/ is malformed: {0}")]
    Seed(#[source] serde_json::Error),
    #[error("stored record is malformed: {0}")]
    Corrupt(#[source] serde_json::Error),
    #[error("a shipped form is broken: {0}")]
    Form(String),
    #[error("signing key: {0}")]
    Key(#[from] crate::oidc::keys::KeyError),
    #[error("a stored record is inconsistent: {0}")]
    CorruptRecord(String),
    #[error("no current signing key is stored")]
    NoSigningKey,
    #[error("a stored signing key is malformed")]
    CorruptKey,
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("sign-in required")]
    Unauthenticated,
    #[error("not allowed for this profile")]
    Forbidden,
    #[error("{message}")]
    Refused { status: StatusCode, kind: ErrorKind, message: &'static str },
    #[error("too many requests; try again in {retry_after} s")]
    RateLimited { retry_after: u64 },
    #[error("the request took too long")]
    Timeout,
    #[error("passkey relying party: {0}")]
    RelyingParty(#[from] crate::passkeys::relying_party::RelyingPartyError),
    #[error("webauthn: {0}")]
    WebAuthn(#[source] webauthn_rs::prelude::WebauthnError),
}

impl IntoResponse for PortalError {
    fn into_response(self) -> Response {
        let (status, kind) = match &self {
            Self::NotFound => (StatusCode::NOT_FOUND, ErrorKind::NotFound),
            Self::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, ErrorKind::NotFound),
            Self::Unauthenticated => (StatusCode::UNAUTHORIZED, ErrorKind::Unauthenticated),
            Self::Forbidden => (StatusCode::FORBIDDEN, ErrorKind::Forbidden),
            Self::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorKind::RateLimited),
            Self::Refused { status, kind, .. } => (*status, *kind),
            Self::Timeout => (StatusCode::REQUEST_TIMEOUT, ErrorKind::Network),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, ErrorKind::Internal),
        };
        // Internals are logged, never sent: the client gets the kind and a
        // generic message.
        let message = if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
            "internal error".to_owned()
        } else {
            self.to_string()
        };
        let mut response = (status, Json(ErrorEnvelope::new(kind, message))).into_response();
        if let Self::RateLimited { retry_after } = self {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, retry_after.into());
        }
        response
    }
}
