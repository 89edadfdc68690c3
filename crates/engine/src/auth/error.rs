//! What can go wrong signing in and staying signed in. No variant carries a
//! token or a provider's raw answer, so messages are safe to log and show.

use hoso_protocol::error::ErrorKind;

use super::browser::BrowserError;
use super::http::OidcHttpError;
use super::token::VaultError;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("not signed in")]
    NotSignedIn,
    #[error("the portal ended the session; sign in again")]
    SessionEnded,
    #[error("the portal refused the grant")]
    GrantRefused,
    #[error("the sign-in was not completed: {0}")]
    Refused(String),
    #[error("no sign-in came back in time")]
    TimedOut,
    #[error("the sign-in listener failed: {0}")]
    Loopback(#[source] std::io::Error),
    #[error(transparent)]
    Browser(#[from] BrowserError),
    #[error("cannot reach the identity provider: {0}")]
    Network(#[source] reqwest::Error),
    #[error("the identity provider does not follow OpenID Connect: {0}")]
    Provider(String),
    #[error("the identity provider's answer does not match the request: {0}")]
    Mismatch(&'static str),
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl AuthError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::NotSignedIn | Self::SessionEnded | Self::GrantRefused | Self::Refused(_) | Self::TimedOut => {
                ErrorKind::Unauthenticated
            }
            Self::Loopback(_) | Self::Browser(_) => ErrorKind::Internal,
            Self::Network(_) => ErrorKind::Network,
            Self::Provider(_) | Self::Mismatch(_) => ErrorKind::Portal,
            Self::Vault(_) => ErrorKind::Store,
        }
    }
}

impl From<reqwest::Error> for AuthError {
    fn from(error: reqwest::Error) -> Self {
        // Without the URL: a request's URL may carry an authorization code.
        Self::Network(error.without_url())
    }
}

impl From<OidcHttpError> for AuthError {
    fn from(error: OidcHttpError) -> Self {
        match error {
            OidcHttpError::Network(e) => e.into(),
            OidcHttpError::Http(e) => Self::Provider(e.to_string()),
        }
    }
}
