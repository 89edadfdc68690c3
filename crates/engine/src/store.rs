//! The engine's local SQLite store, encrypted at rest with SQLCipher: opened
//! with its key as the first statement of every connection, in WAL mode with
//! `synchronous = FULL`, foreign keys and a busy timeout; backed up, then
//! migrated from `migrations/` on open. All of the engine's SQL lives here and
//! in the submodules (`drafts`, `attachments`, `settings`) and the modules that own a migration's tables (`outbox/table.rs`).

mod attachments;
mod drafts;
mod settings;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hoso_domain::catalogue::Procedure;
use hoso_protocol::api::Catalogue;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, SqlitePool};

pub use attachments::{AttachmentRow, Holder};
#[cfg(test)]
pub(crate) use drafts::DRAFTS;

use crate::EngineError;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// SQLite's `SQLITE_NOTADB`: what SQLCipher answers when the key does not
/// decrypt the file (or the file is not a database at all).
const NOT_A_DATABASE: &str = "26";

pub struct Store {
    pool: SqlitePool,
    /// The catalogue folded for search, built on the first search and kept
    /// while the stored catalogue's version holds.
    search_index: std::sync::Mutex<Option<std::sync::Arc<SearchIndex>>>,
}

/// Each procedure held locally beside its code and names folded once
/// (`hoso_domain::text::fold`), so a search folds only its query: reading and
/// parsing 3,096 procedures from the encrypted store and folding their names
/// on every keystroke took 200 ms (`cargo xtask bench`, goal G8). Procedures
/// are shared, not copied, into each answer: deep copies of the hundreds a
/// short query matches cost more than the scan itself.
pub struct SearchIndex {
    version: u64,
    entries: Vec<(Arc<Procedure>, String)>,
}

impl SearchIndex {
    fn new(version: u64, procedures: Vec<Procedure>) -> Self {
        use hoso_domain::text::fold;
        let entries = procedures
            .into_iter()
            .map(|p| {
                // One text per procedure: code and names folded, joined by a
                // line break, which a folded query never holds (folding turns
                // whitespace into single spaces), so no match spans two of them.
                let folded = [fold(p.code.as_str()), fold(&p.name.vi), fold(&p.name.en)].join("\n");
                (Arc::new(p), folded)
            })
            .collect();
        Self { version, entries }
    }

    /// The procedures whose code or name (Vietnamese or English) contains
    /// `query`, ignoring case and diacritics, in code order.
    pub fn search(&self, query: &str) -> Vec<Arc<Procedure>> {
        let query = hoso_domain::text::fold(query);
        self.entries.iter().filter(|(_, folded)| folded.contains(&query)).map(|(p, _)| Arc::clone(p)).collect()
    }
}

impl Store {
    /// Opens the store at `path` with `key`, creating it if missing. A key
    /// that does not decrypt the file is [`EngineError::CannotDecrypt`]; there
    /// is no way to open it without one.
    pub async fn open(path: &Path, key: &[u8; 32]) -> Result<Self, EngineError> {
        Self::open_migrating(path, key, &MIGRATOR).await
    }

    async fn open_migrating(path: &Path, key: &[u8; 32], migrator: &Migrator) -> Result<Self, EngineError> {
        let pool = connect(path, key).await?;
        let Some(from_version) = backup_needed(&pool, migrator).await? else {
            migrator.run(&pool).await?;
            return Ok(Self { pool, search_index: Default::default() });
        };
        // Copy the file while no connection holds it, so the copy is a whole
        // database (the WAL folded in) and encrypted exactly like the original.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&pool).await?;
        pool.close().await;
        std::fs::copy(path, backup_path(path, from_version)).map_err(EngineError::Files)?;
        let pool = connect(path, key).await?;
        migrator.run(&pool).await?;
        Ok(Self { pool, search_index: Default::default() })
    }

    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn close(self) {
        self.pool.close().await;
    }

    pub async fn catalogue_version(&self) -> Result<u64, EngineError> {
        let version: i64 =
            sqlx::query_scalar("SELECT version FROM catalogue_meta WHERE id = 1").fetch_one(&self.pool).await?;
        Ok(u64::try_from(version).unwrap_or_default())
    }

    /// Replaces the whole local catalogue in one transaction, so a reader never
    /// sees half of two versions.
    pub async fn replace_catalogue(&self, catalogue: &Catalogue) -> Result<(), EngineError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM procedure").execute(&mut *tx).await?;
        for procedure in &catalogue.procedures {
            let body = serde_json::to_string(procedure).map_err(EngineError::Corrupt)?;
            sqlx::query("INSERT INTO procedure (code, body) VALUES (?1, ?2)")
                .bind(procedure.code.as_str())
                .bind(body)
                .execute(&mut *tx)
                .await?;
        }
        let version = i64::try_from(catalogue.version).unwrap_or(i64::MAX);
        sqlx::query("UPDATE catalogue_meta SET version = ?1 WHERE id = 1").bind(version).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn procedures(&self) -> Result<Vec<Procedure>, EngineError> {
        let bodies: Vec<String> =
            sqlx::query_scalar("SELECT body FROM procedure ORDER BY code").fetch_all(&self.pool).await?;
        bodies.iter().map(|b| serde_json::from_str(b).map_err(EngineError::Corrupt)).collect()
    }

    /// The search index of the catalogue held now. The version is read
    /// before the procedures, so an index built across a concurrent sync is
    /// tagged with the older version and built again at the next search.
    pub async fn search_index(&self) -> Result<std::sync::Arc<SearchIndex>, EngineError> {
        let version = self.catalogue_version().await?;
        let cached = self.search_index.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        if let Some(index) = cached.filter(|index| index.version == version) {
            return Ok(index);
        }
        let index = std::sync::Arc::new(SearchIndex::new(version, self.procedures().await?));
        *self.search_index.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(index.clone());
        Ok(index)
    }

    pub async fn procedure(&self, code: &str) -> Result<Option<Procedure>, EngineError> {
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM procedure WHERE code = ?1")
            .bind(code)
            .fetch_optional(&self.pool)
            .await?;
        body.map(|b| serde_json::from_str(&b).map_err(EngineError::Corrupt)).transpose()
    }

    /// `PRAGMA integrity_check`'s answer: `ok` for a sound file.
    pub async fn integrity_check(&self) -> Result<String, EngineError> {
        Ok(sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&self.pool).await?)
    }
}

/// `<name>.bak-<version>` beside the store: the store as it was at schema
/// `version`, before a newer app migrated it.
pub fn backup_path(path: &Path, version: i64) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(format!(".bak-{version}"));
    path.with_file_name(name)
}

async fn connect(path: &Path, key: &[u8; 32]) -> Result<SqlitePool, EngineError> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        // sqlx runs `key` before every other PRAGMA of a new connection, as
        // SQLCipher requires; the raw-key form skips SQLCipher's key derivation,
        // since the key is already 32 random bytes.
        .pragma("key", format!("\"x'{}'\"", hex(key)))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a save the engine has reported must survive power loss.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        // sqlx logs the statements it runs, and the PRAGMAs above run as one
        // statement that carries the key: no statement of this store is
        // logged, slow or not.
        .log_statements(log::LevelFilter::Off)
        .log_slow_statements(log::LevelFilter::Off, Duration::from_secs(1));
    let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await.map_err(decrypt_error)?;
    // Reading the schema is the first thing that touches an encrypted page:
    // a wrong key fails here if the PRAGMAs above did not already.
    sqlx::query("SELECT count(*) FROM sqlite_schema").execute(&pool).await.map_err(decrypt_error)?;
    Ok(pool)
}

fn decrypt_error(error: sqlx::Error) -> EngineError {
    match &error {
        sqlx::Error::Database(db) if db.code().as_deref() == Some(NOT_A_DATABASE) => EngineError::CannotDecrypt,
        _ => EngineError::Store(error),
    }
}

/// The schema version to name a backup after, when the store holds data
/// (at least one migration applied) and this build has migrations it lacks.
async fn backup_needed(pool: &SqlitePool, migrator: &Migrator) -> Result<Option<i64>, EngineError> {
    let has_table: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = '_sqlx_migrations')",
    )
    .fetch_one(pool)
    .await?;
    if !has_table {
        return Ok(None);
    }
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = 1").fetch_all(pool).await?;
    let Some(&current) = applied.iter().max() else { return Ok(None) };
    let pending = migrator.iter().any(|m| !m.migration_type.is_down_migration() && !applied.contains(&m.version));
    Ok(pending.then_some(current))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    const KEY: [u8; 32] = [7; 32];

    #[test]
    fn the_search_index_finds_what_folding_each_name_finds() {
        let catalogue = hoso_domain::synthetic::catalogue(7, 300);
        let index = SearchIndex::new(1, catalogue.clone());
        for query in ["dang ky", "Cấp lại", "REGISTRATION", "giay phep", "1.0", "khong co gi nhu the nay"] {
            let expected: Vec<&str> = catalogue
                .iter()
                .filter(|p| {
                    [p.code.as_str(), &p.name.vi, &p.name.en].iter().any(|t| hoso_domain::text::matches(t, query))
                })
                .map(|p| p.code.as_str())
                .collect();
            let found = index.search(query);
            assert_eq!(found.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(), expected, "{query}");
        }
        assert!(!index.search("dang ky").is_empty());
    }

    #[tokio::test]
    async fn the_stores_sqlite_is_sqlcipher_without_the_extensions_it_never_uses() {
        // `.cargo/config.toml` builds SQLite without full-text search, r-trees,
        // dbstat and soundex: code no statement of ours reaches, which SQLite
        // registers at every open. What the engine uses stays: JSON, STAT4.
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("engine.db"), &KEY).await.unwrap();
        let options: Vec<String> = sqlx::query_scalar("SELECT compile_options FROM pragma_compile_options")
            .fetch_all(&store.pool)
            .await
            .unwrap();
        let cipher: String = sqlx::query_scalar("PRAGMA cipher_version").fetch_one(&store.pool).await.unwrap();
        assert!(!cipher.is_empty(), "not SQLCipher");
        assert!(options.iter().any(|o| o == "ENABLE_STAT4"), "{options:?}");
        for dropped in ["ENABLE_FTS3", "ENABLE_FTS5", "ENABLE_RTREE", "ENABLE_DBSTAT_VTAB", "SOUNDEX"] {
            assert!(!options.iter().any(|o| o == dropped), "{dropped} is compiled in: {options:?}");
        }
        let json: String = sqlx::query_scalar("SELECT json_set('{}', '$.a', 1)").fetch_one(&store.pool).await.unwrap();
        assert_eq!(json, r#"{"a":1}"#);
        store.close().await;
    }

    fn first_migration_only() -> Migrator {
        Migrator { migrations: Cow::Owned(MIGRATOR.migrations[..1].to_vec()), ..Migrator::DEFAULT }
    }

    #[tokio::test]
    async fn a_store_with_data_is_copied_before_a_newer_schema_migrates_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("engine.db");
        let old = Store::open_migrating(&path, &KEY, &first_migration_only()).await.unwrap();
        sqlx::query("UPDATE catalogue_meta SET version = 42").execute(&old.pool).await.unwrap();
        old.close().await;

        let upgraded = Store::open(&path, &KEY).await.unwrap();
        upgraded.close().await;

        let backup = backup_path(&path, 1);
        assert!(backup.exists(), "no backup at {}", backup.display());
        let kept = connect(&backup, &KEY).await.unwrap();
        let version: i64 = sqlx::query_scalar("SELECT version FROM catalogue_meta").fetch_one(&kept).await.unwrap();
        assert_eq!(version, 42);
        let drafts_table: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'draft')")
            .fetch_one(&kept)
            .await
            .unwrap();
        assert!(!drafts_table, "the backup is the store before migrating");
        assert!(matches!(connect(&backup, &[8; 32]).await, Err(EngineError::CannotDecrypt)), "still encrypted");
    }

    /// Collects what a tracing subscriber writes.
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn the_store_key_appears_in_no_log_line_even_at_trace_level() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        // Global, not a scoped default: sqlx runs SQLite on a worker thread.
        // No other test of this binary installs a subscriber.
        tracing::subscriber::set_global_default(subscriber).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("engine.db"), &[0xab; 32]).await.unwrap();
        store.catalogue_version().await.unwrap();
        store.close().await;
        tracing::info!("probe");

        let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(logs.contains("probe"), "the capture works: {logs}");
        assert!(!logs.to_lowercase().contains("abababab"), "the key was logged: {logs}");
        assert!(!logs.contains("PRAGMA key"), "the key statement was logged: {logs}");
    }

    fn migrations_before_owners() -> Migrator {
        Migrator { migrations: Cow::Owned(MIGRATOR.migrations[..5].to_vec()), ..Migrator::DEFAULT }
    }

    /// A store of the app before owners were recorded, with one draft and
    /// one queued submission, and `profile` cached if given.
    async fn store_before_owners(path: &Path, profile: Option<&str>) {
        let old = Store::open_migrating(path, &KEY, &migrations_before_owners()).await.unwrap();
        for statement in [
            "INSERT INTO draft (id, acting_as, procedure_code, procedure_name, form_id, form_version, data, saved_at)
             VALUES ('d1', '\"myself\"', '1.001193', '{}', 'f', 1, '{}', 0)",
            "INSERT INTO dossier (client_id, acting_as, procedure_code, status) VALUES ('c1', 'myself', '1.001193', 'queued')",
            "INSERT INTO outbox (client_id, phase, state, request, procedure_name, queued_at)
             VALUES ('c1', 'pending', '{}', '{}', '{}', '2026-01-01T00:00:00Z')",
            "INSERT INTO sync_cursor (acting_as, cursor) VALUES ('myself', 7)",
            "INSERT INTO setting (name, value) VALUES ('acting_as', '\"myself\"')",
        ] {
            sqlx::query(statement).execute(&old.pool).await.unwrap();
        }
        if let Some(profile) = profile {
            sqlx::query("INSERT INTO setting (name, value) VALUES ('profile', ?1)")
                .bind(profile)
                .execute(&old.pool)
                .await
                .unwrap();
        }
        old.close().await;
    }

    async fn owners(store: &Store) -> Vec<String> {
        let mut owners = Vec::new();
        for table in ["draft", "dossier", "outbox", "sync_cursor"] {
            let owner: String =
                sqlx::query_scalar(&format!("SELECT subject FROM {table}")).fetch_one(&store.pool).await.unwrap();
            owners.push(owner);
        }
        owners
    }

    #[tokio::test]
    async fn rows_from_before_owners_are_claimed_by_the_person_whose_profile_was_cached() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("engine.db");
        store_before_owners(&path, Some(r#"{"person":{"subject":"demo-citizen-0001"}}"#)).await;

        let store = Store::open(&path, &KEY).await.unwrap();

        assert_eq!(owners(&store).await, ["demo-citizen-0001"; 4]);
        assert_eq!(store.signed_in_subject().await.unwrap().as_deref(), Some("demo-citizen-0001"));
        assert!(store.setting("profile:demo-citizen-0001").await.unwrap().is_some());
        assert!(store.setting("acting_as:demo-citizen-0001").await.unwrap().is_some());
        assert_eq!(store.setting("profile").await.unwrap(), None);
        assert_eq!(store.integrity_check().await.unwrap(), "ok");
        let broken: Vec<(String, i64, String, i64)> =
            sqlx::query_as("PRAGMA foreign_key_check").fetch_all(&store.pool).await.unwrap();
        assert!(broken.is_empty(), "{broken:?}");
    }

    #[tokio::test]
    async fn rows_from_before_owners_without_a_cached_profile_go_to_the_next_person_who_signs_in() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("engine.db");
        store_before_owners(&path, None).await;

        let store = Store::open(&path, &KEY).await.unwrap();
        assert_eq!(owners(&store).await, [""; 4], "nobody's until someone signs in");
        assert_eq!(store.signed_in_subject().await.unwrap(), None);
        assert_eq!(store.setting("acting_as").await.unwrap(), None);

        store.adopt_subject("demo-business-0002").await.unwrap();
        assert_eq!(owners(&store).await, ["demo-business-0002"; 4]);
        store.adopt_subject("demo-citizen-0001").await.unwrap();
        assert_eq!(owners(&store).await, ["demo-business-0002"; 4], "claimed once, by the first");
        assert_eq!(store.signed_in_subject().await.unwrap().as_deref(), Some("demo-citizen-0001"));
    }

    #[tokio::test]
    async fn a_new_store_and_an_up_to_date_store_are_not_backed_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("engine.db");
        Store::open(&path, &KEY).await.unwrap().close().await;
        Store::open(&path, &KEY).await.unwrap().close().await;
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert!(names.iter().all(|n| !n.to_string_lossy().contains(".bak-")), "{names:?}");
    }
}
