//! How the outbox and sync get an access token: from whatever holds the
//! sign-in session, through a small trait, so the engine never stores one.

/// A source of the current access token; `None` when nobody is signed in.
/// The token is only ever put in an `Authorization` header: never logged,
/// stored or returned.
pub trait AccessToken: Send + Sync {
    fn bearer(&self) -> Option<String>;
    /// Whose token it is: the OpenID Connect subject (`sub`) of the person
    /// it was issued to, the owner of everything the engine does with it.
    fn subject(&self) -> Option<String>;
}

/// A fixed token of a known person, for tests and scripts that obtained one
/// elsewhere.
pub struct StaticToken {
    subject: String,
    token: String,
}

impl StaticToken {
    /// `token`, issued to the person whose subject is `subject`.
    pub fn new(subject: impl Into<String>, token: impl Into<String>) -> Self {
        Self { subject: subject.into(), token: token.into() }
    }
}

impl std::fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaticToken(..)")
    }
}

impl AccessToken for StaticToken {
    fn bearer(&self) -> Option<String> {
        Some(self.token.clone())
    }

    fn subject(&self) -> Option<String> {
        Some(self.subject.clone())
    }
}
