//! How the outbox and sync get an access token: from whatever holds the
//! sign-in session, through a small trait, so the engine never stores one.

/// A source of the current access token; `None` when nobody is signed in.
/// The token is only ever put in an `Authorization` header: never logged,
/// stored or returned.
pub trait AccessToken: Send + Sync {
    fn bearer(&self) -> Option<String>;
}

/// A fixed token, for tests and scripts that obtained one elsewhere.
pub struct StaticToken(String);

impl StaticToken {
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }
}

impl std::fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaticToken(..)")
    }
}

impl AccessToken for StaticToken {
    fn bearer(&self) -> Option<String> {
        Some(self.0.clone())
    }
}
