//! The SQL of settings (`migrations/0005_settings.sql`): named JSON values
//! the app remembers across restarts, the person signed in on this device
//! (`migrations/0006_owner_subject.sql`), and forgetting a demo's local
//! dossiers.

use super::Store;
use crate::EngineError;

/// The setting naming the person signed in on this device.
const SUBJECT: &str = "subject";

/// Every table with an owner, parents before the rows that name them
/// (`supplement_attachment` from `migrations/0007_journey.sql`).
const UNOWNED_TABLES: [&str; 10] = [
    "draft",
    "attachment",
    "dossier",
    "outbox",
    "supplement_draft",
    "supplement_outbox",
    "supplement_attachment",
    "sync_cursor",
    "dossier_detail",
    "profile_name",
];

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

    /// The subject of the person signed in on this device, as recorded at
    /// sign-in; meaningful only while a session is held.
    pub async fn signed_in_subject(&self) -> Result<Option<String>, EngineError> {
        let Some(text) = self.setting(SUBJECT).await? else { return Ok(None) };
        serde_json::from_str(&text).map(Some).map_err(EngineError::Corrupt)
    }

    /// Records `subject` as the person signed in on this device and gives
    /// them the rows no one owns (written before owners were recorded, on a
    /// device where nobody was signed in at the upgrade), in one transaction.
    pub async fn adopt_subject(&self, subject: &str) -> Result<(), EngineError> {
        let value = serde_json::to_string(subject).map_err(EngineError::Corrupt)?;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO setting (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )
        .bind(SUBJECT)
        .bind(&value)
        .execute(&mut *tx)
        .await?;
        // A dossier and the rows naming it change owner together; the keys
        // are checked once all of them have.
        sqlx::query("PRAGMA defer_foreign_keys = ON").execute(&mut *tx).await?;
        for table in UNOWNED_TABLES {
            sqlx::query(&format!("UPDATE OR IGNORE {table} SET subject = ?1 WHERE subject = ''"))
                .bind(subject)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Forgets every person's dossiers (with their kept details, supplement
    /// drafts, answers and their files), outbox items, sync cursors, drafts
    /// and attachment rows in one transaction, for a demo portal that was
    /// reset (its dossiers no longer exist, so nothing is left to send).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_demo_reset_forgets_the_files_of_supplement_answers_with_every_dossier() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("engine.db"), &[7u8; 32]).await.unwrap();
        sqlx::query(
            "INSERT INTO dossier (subject, client_id, acting_as, procedure_code, status, code)
             VALUES ('demo-citizen-0001', 'c1', '\"myself\"', '1.001193', 'supplement_requested', 'H01.1')",
        )
        .execute(store.pool())
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO supplement_attachment
                 (subject, code, document_id, sha256, file_name, media_type, size, original_name)
             VALUES ('demo-citizen-0001', 'H01.1', 'giay-chung-sinh', 'ab', 'sealed-ab', 'application/pdf', 3, 'a.pdf')",
        )
        .execute(store.pool())
        .await
        .unwrap();

        let files = store.forget_dossiers_and_drafts().await.unwrap();

        assert_eq!(files, ["sealed-ab"], "the answer's file is named for removal");
        for table in ["supplement_attachment", "dossier"] {
            let left: i64 =
                sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(store.pool()).await.unwrap();
            assert_eq!(left, 0, "{table} keeps rows");
        }
    }
}
