//! The local data as files: where the store's key comes from, where
//! attachments and backups lie beside the database, and how all of it is
//! reset when it can no longer be decrypted.

use std::path::{Path, PathBuf};

use crate::secrets::SecretStore;
use crate::{EngineError, crypto, sibling};

/// The secret that decrypts the store (SQLCipher's raw key).
pub(crate) const STORE_KEY: &str = "store-key";
/// The secret the attachment files' keys are derived from.
pub(crate) const ATTACHMENT_KEY: &str = "attachment-key";

/// The store's key: the one held, or a new one for a store not yet created.
/// A store that exists without its key can never be read, so that is
/// `CannotDecrypt` rather than a new key over old data.
pub(crate) fn store_key(secrets: &dyn SecretStore, database: &Path) -> Result<[u8; 32], EngineError> {
    match secrets.get(STORE_KEY)? {
        Some(key) => key.try_into().map_err(|_| EngineError::CannotDecrypt),
        None if database.exists() => Err(EngineError::CannotDecrypt),
        None => {
            let key = crypto::random_key()?;
            secrets.set(STORE_KEY, &key)?;
            Ok(key)
        }
    }
}

/// The key attachment files are sealed under, made on first use.
pub(crate) fn attachment_key(secrets: &dyn SecretStore) -> Result<[u8; 32], EngineError> {
    match secrets.get(ATTACHMENT_KEY)? {
        Some(key) => key.try_into().map_err(|_| EngineError::CannotDecrypt),
        None => {
            let key = crypto::random_key()?;
            secrets.set(ATTACHMENT_KEY, &key)?;
            Ok(key)
        }
    }
}

/// `<database>.attachments/`: the encrypted attachment files.
pub(crate) fn attachments_dir(database: &Path) -> PathBuf {
    sibling(database, ".attachments")
}

/// `<database>.secrets/`: where [`crate::Engine::open`] keeps its keys.
pub(crate) fn file_secrets_dir(database: &Path) -> PathBuf {
    sibling(database, ".secrets")
}

/// `<database>.bak-<version>`: the store as it was at schema `version`,
/// copied before a newer build migrated it.
pub fn backup_path(database: &Path, version: i64) -> PathBuf {
    crate::store::backup_path(database, version)
}

/// Deletes the local data — the store (with its WAL), its backups, the
/// attachment files — and forgets their keys, so the next open starts an empty
/// store under new keys. What was not yet sent to the portal is lost: this is
/// the answer to `CannotDecrypt`, offered to the citizen, never done silently.
/// The engine on `database` must be closed.
pub fn reset_local_data(database: &Path, secrets: &dyn SecretStore) -> Result<(), EngineError> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        remove_file(&sibling(database, suffix))?;
    }
    if let (Some(dir), Some(name)) = (database.parent(), database.file_name()) {
        let backup_prefix = format!("{}.bak-", name.to_string_lossy());
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        for entry in std::fs::read_dir(dir).map_err(EngineError::Files)? {
            let entry = entry.map_err(EngineError::Files)?;
            if entry.file_name().to_string_lossy().starts_with(&backup_prefix) {
                remove_file(&entry.path())?;
            }
        }
    }
    match std::fs::remove_dir_all(attachments_dir(database)) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(EngineError::Files(e)),
    }
    secrets.delete(STORE_KEY)?;
    secrets.delete(ATTACHMENT_KEY)?;
    Ok(())
}

fn remove_file(path: &Path) -> Result<(), EngineError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(EngineError::Files(e)),
    }
}
