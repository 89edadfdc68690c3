//! The engine's local SQLite store: opened in WAL mode with foreign keys and a
//! busy timeout, migrated from `migrations/` on open. The engine's SQL lives
//! here and in the modules that own a migration's tables (`outbox/table.rs`).

use std::path::Path;
use std::time::Duration;

use hoso_domain::catalogue::Procedure;
use hoso_protocol::api::Catalogue;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::EngineError;

pub struct Store {
    pool: SqlitePool,
}

impl Store {
    pub async fn open(path: &Path) -> Result<Self, EngineError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a save the engine has reported must survive power loss.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self { pool })
    }

    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
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
}
