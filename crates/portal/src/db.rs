//! Opening the portal's database, SQLite or PostgreSQL as the URL's scheme
//! says, through sqlx's `Any` driver so the rest of the portal holds one pool
//! type and writes one dialect: `$1, $2…` placeholders, `ON CONFLICT … DO
//! UPDATE`, `RETURNING`, and only integer and text columns.
//!
//! SQLite runs in WAL mode with foreign keys and a busy timeout on every pooled
//! connection; each backend is migrated from its own `migrations/<backend>`
//! directory before first use.

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::{MigrateDatabase, Migrator};
use sqlx::{Any, AnyPool};

use crate::PortalError;

/// The database engines the portal stores its data in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded file: one portal process on one machine.
    Sqlite,
    /// A server: many stateless portal processes can share it.
    Postgres,
}

impl Backend {
    /// The backend a database URL names, from its scheme alone.
    pub fn of(url: &str) -> Result<Self, PortalError> {
        // Only the scheme goes into the error: the rest of a URL may carry a
        // password, and errors end up in logs.
        let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Ok(Self::Sqlite),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            _ => Err(PortalError::UnsupportedDatabase { scheme: scheme.to_owned() }),
        }
    }

    fn migrator(self) -> &'static Migrator {
        static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
        static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");
        match self {
            Self::Sqlite => &SQLITE,
            Self::Postgres => &POSTGRES,
        }
    }
}

/// Run on every new SQLite connection, because a pool opens connections
/// whenever it needs them and these settings are per connection. None of
/// them takes a lock, so they cannot fail on a busy database.
const SQLITE_PRAGMAS: &[&str] =
    &["PRAGMA busy_timeout = 5000", "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON"];

/// How many connections one portal process holds at most. PostgreSQL's own
/// limit (100 by default) is shared by every process behind a load balancer.
const MAX_CONNECTIONS: u32 = 8;

/// Opens the database `url` names, creating an SQLite file if it is missing,
/// and brings its schema up to date.
pub async fn open(url: &str) -> Result<AnyPool, PortalError> {
    let backend = Backend::of(url)?;
    install_default_drivers();
    // A PostgreSQL database is provisioned by whoever runs the server; an
    // SQLite file is the portal's own to create.
    if backend == Backend::Sqlite {
        prepare_sqlite_file(url).await?;
    }
    let pool = AnyPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        // sqlx pings an idle connection before lending it, to find one a
        // server dropped. An SQLite connection is a file handle in this
        // process that nothing can drop, and the ping is a round trip to its
        // worker thread on every acquire (one in eight of a code redemption's,
        // goal G13 of `cargo xtask bench`); PostgreSQL keeps the check.
        .test_before_acquire(backend == Backend::Postgres)
        .after_connect(move |connection, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    for pragma in SQLITE_PRAGMAS {
                        sqlx::query(pragma).execute(&mut *connection).await?;
                    }
                }
                Ok(())
            })
        })
        .connect(url)
        .await?;
    migrate(backend, &pool).await?;
    Ok(pool)
}

/// Creates the SQLite file if it is missing and switches it to WAL once.
/// The journal mode belongs to the file, not the connection, and changing it
/// needs the database to itself: SQLite answers "database is locked" at once,
/// without waiting, when another process is using it, so this step waits and
/// tries again for up to five seconds.
async fn prepare_sqlite_file(url: &str) -> Result<(), PortalError> {
    use sqlx::Connection;
    if !Any::database_exists(url).await? {
        Any::create_database(url).await?;
    }
    let mut connection = sqlx::AnyConnection::connect(url).await?;
    sqlx::query("PRAGMA busy_timeout = 5000").execute(&mut connection).await?;
    let mut waited = 0;
    loop {
        match sqlx::query("PRAGMA journal_mode = WAL").execute(&mut connection).await {
            Ok(_) => break,
            Err(sqlx::Error::Database(error)) if is_busy(error.code().as_deref()) && waited < 5_000 => {
                tokio::time::sleep(std::time::Duration::from_millis(25)).await;
                waited += 25;
            }
            Err(error) => return Err(error.into()),
        }
    }
    connection.close().await?;
    Ok(())
}

/// Whether an SQLite result code is SQLITE_BUSY or SQLITE_LOCKED, extended
/// codes included (their low byte is the primary code).
fn is_busy(code: Option<&str>) -> bool {
    code.and_then(|c| c.parse::<i32>().ok()).is_some_and(|c| matches!(c & 0xff, 5 | 6))
}

/// Brings the schema up to date. PostgreSQL's migrator holds an advisory
/// lock, so concurrent starts take turns. SQLite's does not: two processes
/// starting together on a new file both try the first migration and one
/// fails. Each migration is one transaction there, so a failed attempt leaves
/// nothing behind, and trying again finds the other's work done.
async fn migrate(backend: Backend, pool: &AnyPool) -> Result<(), PortalError> {
    const ATTEMPTS: u32 = 5;
    let mut attempt = 1;
    loop {
        match backend.migrator().run(pool).await {
            Ok(()) => return Ok(()),
            Err(error) if backend == Backend::Sqlite && attempt < ATTEMPTS => {
                tracing::info!(%error, attempt, "migration raced another process; trying again");
                tokio::time::sleep(std::time::Duration::from_millis(20 * u64::from(attempt))).await;
                attempt += 1;
            }
            Err(error) => return Err(error.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_and_locked_results_are_recognised_with_their_extended_codes() {
        for code in ["5", "6", "261", "517", "262"] {
            assert!(is_busy(Some(code)), "{code}");
        }
        for code in ["1", "19", "2067", "", "x"] {
            assert!(!is_busy(Some(code)), "{code}");
        }
        assert!(!is_busy(None));
    }

    async fn open_sqlite(dir: &tempfile::TempDir) -> AnyPool {
        open(&format!("sqlite:{}", dir.path().join("portal.db").display())).await.unwrap()
    }

    #[tokio::test]
    async fn sqlite_binds_numbered_placeholders_by_their_number() {
        let dir = tempfile::tempdir().unwrap();
        let pool = open_sqlite(&dir).await;
        let in_order: (i64, String, i64) =
            sqlx::query_as("SELECT $1, $2, $3").bind(1_i64).bind("two").bind(3_i64).fetch_one(&pool).await.unwrap();
        assert_eq!(in_order, (1, "two".to_owned(), 3));
        // SQLite numbers `$N` parameters by first appearance; sqlx reads the
        // number from the name instead, so reuse and disorder bind correctly too.
        let reused: (String, String, String) =
            sqlx::query_as("SELECT $2, $1, $2").bind("first").bind("second").fetch_one(&pool).await.unwrap();
        assert_eq!(reused, ("second".to_owned(), "first".to_owned(), "second".to_owned()));
    }

    #[tokio::test]
    async fn sqlite_upserts_and_returns_rows_in_the_shared_dialect() {
        let dir = tempfile::tempdir().unwrap();
        let pool = open_sqlite(&dir).await;
        for name in ["An", "Bình"] {
            sqlx::query(
                "INSERT INTO demo_identity (username, full_name, role) VALUES ($1, $2, $3)
                 ON CONFLICT (username) DO UPDATE SET full_name = excluded.full_name",
            )
            .bind("citizen")
            .bind(name)
            .bind("citizen")
            .execute(&pool)
            .await
            .unwrap();
        }
        let stored: String = sqlx::query_scalar("SELECT full_name FROM demo_identity WHERE username = $1")
            .bind("citizen")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(stored, "Bình");
        let returned: i64 = sqlx::query_scalar("UPDATE catalogue_meta SET version = $1 WHERE id = 1 RETURNING version")
            .bind(7_i64)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(returned, 7);
    }

    #[tokio::test]
    async fn every_pooled_sqlite_connection_has_wal_foreign_keys_and_a_busy_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let pool = open_sqlite(&dir).await;
        // Held at once, so the pool must open distinct connections.
        let mut held = Vec::new();
        for _ in 0..MAX_CONNECTIONS {
            held.push(pool.acquire().await.unwrap());
        }
        for connection in &mut held {
            let journal: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut **connection).await.unwrap();
            let foreign_keys: i64 =
                sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(&mut **connection).await.unwrap();
            let busy_timeout: i64 =
                sqlx::query_scalar("PRAGMA busy_timeout").fetch_one(&mut **connection).await.unwrap();
            assert_eq!((journal.as_str(), foreign_keys, busy_timeout), ("wal", 1, 5000));
        }
    }

    #[test]
    fn the_url_scheme_picks_the_backend_and_an_unknown_one_is_refused() {
        assert_eq!(Backend::of("sqlite:portal.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::of("sqlite::memory:").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::of("postgres://hoso@db.example/portal").unwrap(), Backend::Postgres);
        assert_eq!(Backend::of("postgresql://hoso@db.example/portal").unwrap(), Backend::Postgres);
        let refused = Backend::of("mysql://root:secret@db.example/portal").unwrap_err().to_string();
        assert!(refused.contains("`mysql`") && refused.contains("postgres://"), "{refused}");
        assert!(!refused.contains("secret"), "the password leaked: {refused}");
        assert!(Backend::of("portal.db").is_err());
    }
}

/// Turns at SQLite's one write lock, taken inside this process before a
/// write transaction. SQLite lets one connection write at a time, and a
/// connection that finds the lock taken sleeps in SQLite's busy handler
/// (1, 2, 5, 10 ms and more) before it tries again, so with several writers
/// the lock sits idle while they sleep. A writer that waits for its turn here
/// instead is woken the moment the one before it commits. Other processes on
/// the same file still meet the busy timeout, as before: the turns are an
/// optimisation, never what makes a write safe. PostgreSQL locks rows, not the
/// database, so it takes no turns.
///
/// The turn is a connection of its own, held out of the pool, on which every
/// turn's transaction runs. A pooled connection would be a different one each
/// time (the pool lends its idle connections in turn), and an SQLite
/// connection that finds the file changed since its last transaction drops
/// its whole page cache: every write would start by reading each B-tree it
/// touches from the file again. The one writer connection finds the file as
/// it left it, its cache warm.
#[derive(Clone, Default)]
pub struct WriteTurns(Option<std::sync::Arc<tokio::sync::Mutex<sqlx::AnyConnection>>>);

impl std::fmt::Debug for WriteTurns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("WriteTurns").field(&self.serialised()).finish()
    }
}

impl WriteTurns {
    /// On SQLite, takes one connection out of `pool` (with its pragmas) for
    /// the turns; the pool may open another in its place.
    pub async fn for_backend(backend: Backend, pool: &AnyPool) -> Result<Self, PortalError> {
        match backend {
            Backend::Sqlite => {
                let connection = pool.acquire().await?.detach();
                Ok(Self(Some(std::sync::Arc::new(tokio::sync::Mutex::new(connection)))))
            }
            Backend::Postgres => Ok(Self(None)),
        }
    }

    /// Whether writers take turns (SQLite).
    pub fn serialised(&self) -> bool {
        self.0.is_some()
    }

    /// Waits for this writer's turn; it ends when the guard is dropped. The
    /// guard is the connection to write on. `None` (at once) on PostgreSQL,
    /// where writers use the pool.
    pub async fn take(&self) -> Option<tokio::sync::OwnedMutexGuard<sqlx::AnyConnection>> {
        match &self.0 {
            Some(turns) => Some(turns.clone().lock_owned().await),
            None => None,
        }
    }
}
