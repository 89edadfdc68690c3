//! Secrets of a session, and where the refresh token is kept between runs.
//!
//! Tokens are wrapped so that no `Debug`, log line or error message can print
//! them; the only way to read one is [`Token::expose`], called where it goes
//! on the wire or into the vault.

use std::fmt;
use std::sync::Mutex;

/// An access or refresh token. Its `Debug` prints `[redacted]`.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself, for the `Authorization` header, a token request or
    /// the vault; never for a log or a message.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token([redacted])")
    }
}

/// The vault could not be read or written. Says where, never what.
#[derive(Debug, thiserror::Error)]
#[error("token vault: {0}")]
pub struct VaultError(pub String);

/// Where the refresh token lives between runs: the system keychain in the app
/// (implemented on its secret store), memory in tests. Kept to three calls so
/// any secret store can carry it.
pub trait RefreshTokenStore: Send + Sync {
    fn load(&self) -> Result<Option<Token>, VaultError>;
    /// Replaces the stored token (the portal rotates it on every refresh).
    fn save(&self, token: &Token) -> Result<(), VaultError>;
    /// Forgets the token; clearing an empty store is not an error.
    fn clear(&self) -> Result<(), VaultError>;
}

/// A vault in memory: forgets everything when the process ends. For tests,
/// and for fronts that have no keychain yet.
#[derive(Debug, Default)]
pub struct MemoryRefreshTokenStore {
    state: Mutex<MemoryState>,
}

#[derive(Debug, Default)]
struct MemoryState {
    token: Option<Token>,
    saves: usize,
}

impl MemoryRefreshTokenStore {
    /// How many times a token was saved: one per sign-in and one per refresh,
    /// which lets a test count refreshes.
    pub fn saves(&self) -> usize {
        self.lock().saves
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemoryState> {
        // A panic while holding this lock cannot leave the state half-written.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl RefreshTokenStore for MemoryRefreshTokenStore {
    fn load(&self) -> Result<Option<Token>, VaultError> {
        Ok(self.lock().token.clone())
    }

    fn save(&self, token: &Token) -> Result<(), VaultError> {
        let mut state = self.lock();
        state.token = Some(token.clone());
        state.saves += 1;
        Ok(())
    }

    fn clear(&self) -> Result<(), VaultError> {
        self.lock().token = None;
        Ok(())
    }
}

impl<T: RefreshTokenStore + ?Sized> RefreshTokenStore for std::sync::Arc<T> {
    fn load(&self) -> Result<Option<Token>, VaultError> {
        (**self).load()
    }

    fn save(&self, token: &Token) -> Result<(), VaultError> {
        (**self).save(token)
    }

    fn clear(&self) -> Result<(), VaultError> {
        (**self).clear()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_never_shows_in_debug_output() {
        let token = Token::new("very-secret-value");
        assert!(!format!("{token:?}").contains("very-secret-value"));
        assert_eq!(token.expose(), "very-secret-value");
    }

    #[test]
    fn the_memory_store_keeps_the_last_saved_token_until_cleared() {
        let store = MemoryRefreshTokenStore::default();
        assert!(store.load().unwrap().is_none());
        store.save(&Token::new("one")).unwrap();
        store.save(&Token::new("two")).unwrap();
        assert_eq!(store.load().unwrap().unwrap().expose(), "two");
        assert_eq!(store.saves(), 2);
        store.clear().unwrap();
        assert!(store.load().unwrap().is_none());
    }
}
