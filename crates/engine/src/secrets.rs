//! Where the engine keeps its secrets: the keys of the encrypted store and of
//! the attachment files, and (for the sign-in session) the refresh token.
//!
//! [`SecretStore`] is the one door; [`KeyringSecrets`] is the OS keychain
//! (Secret Service on Linux, Keychain on Apple, Credential Manager on
//! Windows), and a mobile store can be added behind the same trait.
//! [`MemorySecrets`] and [`FileSecrets`] are for tests, development and demo
//! mode only: [`SecretPolicy::check`] refuses them for a real account in a
//! release build.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// A failure of the secret store itself (not "no such secret", which is `None`).
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the keychain failed: {0}")]
    Keychain(String),
    #[error("the secret file could not be used: {0}")]
    File(#[from] std::io::Error),
    #[error("release builds keep a real account's secrets only in the OS keychain, not in {0}")]
    NotForRealAccounts(&'static str),
}

/// Named secrets as bytes. Names are short ASCII words such as `store-key`;
/// implementations scope them (a keychain service, a directory) so two data
/// directories never share a secret.
pub trait SecretStore: Send + Sync {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecretError>;
    fn set(&self, name: &str, secret: &[u8]) -> Result<(), SecretError>;
    /// Deleting a secret that does not exist is not an error.
    fn delete(&self, name: &str) -> Result<(), SecretError>;
    /// Whether this store protects secrets from someone who copies the data
    /// directory: only the OS keychain does.
    fn is_keychain(&self) -> bool;
    /// For messages: which store this is.
    fn describe(&self) -> &'static str;
}

/// Whose data the engine is opened on: a demo account may run on any store,
/// a real one only on the keychain in release builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Account {
    Demo,
    Real,
}

/// The rule "release builds refuse to run a real account on a store that is
/// not the keychain", as a value so it can be tested in both build kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretPolicy {
    pub release: bool,
}

impl SecretPolicy {
    /// The policy of this build: release when debug assertions are off.
    pub const fn of_this_build() -> Self {
        Self { release: !cfg!(debug_assertions) }
    }

    pub fn check(self, secrets: &dyn SecretStore, account: Account) -> Result<(), SecretError> {
        if self.release && account == Account::Real && !secrets.is_keychain() {
            return Err(SecretError::NotForRealAccounts(secrets.describe()));
        }
        Ok(())
    }
}

/// The OS keychain. Every secret is an entry of `service` (e.g.
/// `vn.hoso.app/live`) named by the secret's name, stored as bytes.
pub struct KeyringSecrets {
    service: String,
}

impl KeyringSecrets {
    pub fn new(service: impl Into<String>) -> Self {
        Self { service: service.into() }
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(&self.service, name).map_err(keychain)
    }
}

/// The keychain's error says which entry failed, never the secret's value.
fn keychain(error: keyring::Error) -> SecretError {
    SecretError::Keychain(error.to_string())
}

impl SecretStore for KeyringSecrets {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecretError> {
        match self.entry(name)?.get_secret() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keychain(e)),
        }
    }

    fn set(&self, name: &str, secret: &[u8]) -> Result<(), SecretError> {
        self.entry(name)?.set_secret(secret).map_err(keychain)
    }

    fn delete(&self, name: &str) -> Result<(), SecretError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keychain(e)),
        }
    }

    fn is_keychain(&self) -> bool {
        true
    }

    fn describe(&self) -> &'static str {
        "the OS keychain"
    }
}

/// Secrets in this process's memory: gone when it exits. For tests and demo
/// mode.
#[derive(Default)]
pub struct MemorySecrets {
    secrets: Mutex<HashMap<String, Vec<u8>>>,
}

impl MemorySecrets {
    pub fn new() -> Self {
        Self::default()
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<u8>>> {
        // A panic while holding the lock cannot leave a half-written map entry.
        self.secrets.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl SecretStore for MemorySecrets {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecretError> {
        Ok(self.map().get(name).cloned())
    }

    fn set(&self, name: &str, secret: &[u8]) -> Result<(), SecretError> {
        self.map().insert(name.to_owned(), secret.to_vec());
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), SecretError> {
        self.map().remove(name);
        Ok(())
    }

    fn is_keychain(&self) -> bool {
        false
    }

    fn describe(&self) -> &'static str {
        "memory"
    }
}

/// Secrets as files in a directory beside the data, readable by the owner
/// only. It protects nothing from someone who copies the directory; it lets
/// development builds, the demo and the CLI's tests keep a store readable
/// across processes without a keychain.
pub struct FileSecrets {
    dir: PathBuf,
}

impl FileSecrets {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The secrets of the store at `database`: `<database>.secrets/`, the
    /// ones `Engine::open` uses.
    pub fn beside(database: &std::path::Path) -> Self {
        Self::new(crate::local_data::file_secrets_dir(database))
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl SecretStore for FileSecrets {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecretError> {
        match std::fs::read(self.path(name)) {
            Ok(secret) => Ok(Some(secret)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn set(&self, name: &str, secret: &[u8]) -> Result<(), SecretError> {
        std::fs::create_dir_all(&self.dir)?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(self.path(name))?;
        std::io::Write::write_all(&mut file, secret)?;
        file.sync_all()?;
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), SecretError> {
        match std::fs::remove_file(self.path(name)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    fn is_keychain(&self) -> bool {
        false
    }

    fn describe(&self) -> &'static str {
        "files beside the data"
    }
}

/// The refresh token kept in a [`SecretStore`] (the keychain in the app), as
/// the sign-in session's vault.
pub struct SecretVault {
    secrets: Arc<dyn SecretStore>,
}

impl SecretVault {
    /// The secret's name in the store.
    const NAME: &'static str = "refresh-token";

    pub fn new(secrets: Arc<dyn SecretStore>) -> Self {
        Self { secrets }
    }
}

impl crate::auth::RefreshTokenStore for SecretVault {
    fn load(&self) -> Result<Option<crate::auth::Token>, crate::auth::VaultError> {
        let stored = self.secrets.get(Self::NAME).map_err(|e| crate::auth::VaultError(e.to_string()))?;
        stored
            .map(|bytes| {
                String::from_utf8(bytes)
                    .map(crate::auth::Token::new)
                    .map_err(|_| crate::auth::VaultError("the stored refresh token is not text".to_owned()))
            })
            .transpose()
    }

    fn save(&self, token: &crate::auth::Token) -> Result<(), crate::auth::VaultError> {
        self.secrets.set(Self::NAME, token.expose().as_bytes()).map_err(|e| crate::auth::VaultError(e.to_string()))
    }

    fn clear(&self) -> Result<(), crate::auth::VaultError> {
        self.secrets.delete(Self::NAME).map_err(|e| crate::auth::VaultError(e.to_string()))
    }
}

/// The secrets of a real account's data at `database`: the OS keychain,
/// under a service name tied to that data. A development build on a machine
/// whose keychain cannot be reached (a headless test machine) falls back to
/// [`FileSecrets`] beside the data, saying so in the log; a release build
/// answers the keychain's error instead, so a citizen's data never ends up
/// protected by a file next to it.
pub fn for_real_account(database: &std::path::Path) -> Result<Arc<dyn SecretStore>, SecretError> {
    let service = format!("vn.hoso.app:{}", database.display());
    let keychain = KeyringSecrets::new(service);
    match keychain.get("store-key") {
        Ok(_) => Ok(Arc::new(keychain)),
        Err(error) if cfg!(debug_assertions) => {
            tracing::warn!(%error, "no keychain reachable; a development build keeps its keys in files beside the data");
            Ok(Arc::new(FileSecrets::beside(database)))
        }
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_release_build_refuses_a_real_account_on_memory_secrets() {
        let release = SecretPolicy { release: true };
        assert!(matches!(
            release.check(&MemorySecrets::new(), Account::Real),
            Err(SecretError::NotForRealAccounts("memory"))
        ));
        assert!(release.check(&FileSecrets::new("unused"), Account::Real).is_err());
    }

    #[test]
    fn a_release_build_lets_the_demo_run_on_memory_and_a_real_account_on_the_keychain() {
        let release = SecretPolicy { release: true };
        assert!(release.check(&MemorySecrets::new(), Account::Demo).is_ok());
        assert!(release.check(&KeyringSecrets::new("vn.hoso.test"), Account::Real).is_ok());
    }

    #[test]
    fn a_debug_build_lets_a_real_account_use_memory_secrets_for_development() {
        let debug = SecretPolicy { release: false };
        assert!(debug.check(&MemorySecrets::new(), Account::Real).is_ok());
    }

    /// Needs an unlocked Secret Service (or Keychain, Credential Manager):
    /// on Linux, `dbus-run-session -- sh -c 'printf PASSWORD |
    /// gnome-keyring-daemon --unlock --components=secrets --daemonize; cargo
    /// test -p hoso-engine --lib keychain -- --ignored'`.
    #[test]
    #[ignore = "needs an unlocked OS keychain"]
    fn keyring_secrets_keep_bytes_in_the_os_keychain_until_deleted() {
        let secrets = KeyringSecrets::new("vn.hoso.engine-test");
        let bytes = [0u8, 1, 2, 254, 255];
        secrets.set("store-key", &bytes).unwrap();
        assert_eq!(KeyringSecrets::new("vn.hoso.engine-test").get("store-key").unwrap().as_deref(), Some(&bytes[..]));
        assert_eq!(KeyringSecrets::new("vn.hoso.other-test").get("store-key").unwrap(), None);
        secrets.delete("store-key").unwrap();
        secrets.delete("store-key").unwrap();
        assert_eq!(secrets.get("store-key").unwrap(), None);
    }

    #[test]
    fn memory_secrets_keep_set_values_until_deleted() {
        let secrets = MemorySecrets::new();
        assert_eq!(secrets.get("k").unwrap(), None);
        secrets.set("k", b"v").unwrap();
        assert_eq!(secrets.get("k").unwrap().as_deref(), Some(&b"v"[..]));
        secrets.delete("k").unwrap();
        secrets.delete("k").unwrap();
        assert_eq!(secrets.get("k").unwrap(), None);
    }

    #[test]
    fn file_secrets_survive_a_new_instance_and_are_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        FileSecrets::new(dir.path()).set("k", b"v").unwrap();
        assert_eq!(FileSecrets::new(dir.path()).get("k").unwrap().as_deref(), Some(&b"v"[..]));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("k")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        FileSecrets::new(dir.path()).delete("k").unwrap();
        assert_eq!(FileSecrets::new(dir.path()).get("k").unwrap(), None);
    }
}
