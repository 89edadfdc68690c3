//! The SQL of settings (`migrations/0005_settings.sql`): named JSON values
//! the app remembers across restarts, and forgetting a demo's local dossiers.

use super::Store;
use crate::EngineError;

impl Store {
    /// The JSON stored under `name`, if any.
    pub async fn setting(&self, name: &str) -> Result<Option<String>, EngineError> {
        Ok(sqlx::query_scalar("SELECT value FROM setting WHERE name = ?1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Stores `value` under `name`, durably, replacing what was there.
    pub async fn set_setting(&self, name: &str, value: &str) -> Result<(), EngineError> {
        sqlx::query(
            "INSERT INTO setting (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )
        .bind(name)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn delete_setting(&self, name: &str) -> Result<(), EngineError> {
        sqlx::query("DELETE FROM setting WHERE name = ?1").bind(name).execute(&self.pool).await?;
        Ok(())
    }

    /// Forgets every dossier (with its kept detail, supplement draft, answer
    /// and their files), outbox item, sync cursor, draft and attachment row
    /// in one transaction, for a demo portal that was reset (its dossiers no
    /// longer exist, so nothing is left to send).
    /// Answers the attachment files no row refers to any more.
    pub async fn forget_dossiers_and_drafts(&self) -> Result<Vec<String>, EngineError> {
        let mut tx = self.pool.begin().await?;
        let files: Vec<String> =
            sqlx::query_scalar("SELECT file_name FROM attachment UNION SELECT file_name FROM supplement_attachment")
                .fetch_all(&mut *tx)
                .await?;
        for statement in [
            "DELETE FROM supplement_attachment",
            "DELETE FROM supplement_draft",
            // Before the dossiers its rows refer to.
            "DELETE FROM supplement_outbox",
            "DELETE FROM dossier_detail",
            "DELETE FROM outbox",
            "DELETE FROM dossier",
            "DELETE FROM sync_cursor",
            "DELETE FROM attachment",
            "DELETE FROM draft",
        ] {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(files)
    }
}
