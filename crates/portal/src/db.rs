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
/// whenever it needs them and all but the journal mode are per connection.
/// The busy timeout comes first so that switching to WAL waits for a lock
/// another connection holds instead of failing.
const SQLITE_PRAGMAS: &[&str] = &[
    "PRAGMA busy_timeout = 5000",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
];

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
    if backend == Backend::Sqlite && !Any::database_exists(url).await? {
        Any::create_database(url).await?;
    }
    let pool = AnyPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
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
    backend.migrator().run(&pool).await?;
    Ok(pool)
}

#[cfg(test)]
mod tests {
    use super::*;

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
