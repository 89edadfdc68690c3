//! The SQL of attachments: which draft's document each encrypted file is.

use sqlx::Row;

use super::Store;
use crate::EngineError;

/// One attachment of a draft, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRow {
    pub draft_id: String,
    pub document_id: String,
    /// SHA-256 of the plaintext, lowercase hex.
    pub sha256: String,
    /// The encrypted file's name under the attachments directory.
    pub file_name: String,
    pub media_type: String,
    pub size: u64,
    pub original_name: String,
}

impl Store {
    /// Records an attachment; attaching the same content to the same document
    /// twice changes nothing.
    pub async fn insert_attachment(&self, subject: &str, row: &AttachmentRow) -> Result<(), EngineError> {
        sqlx::query(
            "INSERT INTO attachment (draft_id, document_id, sha256, file_name, media_type, size, original_name, subject)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
        )
        .bind(&row.draft_id)
        .bind(&row.document_id)
        .bind(&row.sha256)
        .bind(&row.file_name)
        .bind(&row.media_type)
        .bind(i64::try_from(row.size).unwrap_or(i64::MAX))
        .bind(&row.original_name)
        .bind(subject)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The attachments of `subject`'s draft `draft_id`.
    pub async fn attachments(&self, subject: &str, draft_id: &str) -> Result<Vec<AttachmentRow>, EngineError> {
        let rows = sqlx::query(
            "SELECT draft_id, document_id, sha256, file_name, media_type, size, original_name
             FROM attachment WHERE draft_id = ?1 AND subject = ?2 ORDER BY document_id, sha256",
        )
        .bind(draft_id)
        .bind(subject)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(AttachmentRow {
                    draft_id: row.try_get("draft_id")?,
                    document_id: row.try_get("document_id")?,
                    sha256: row.try_get("sha256")?,
                    file_name: row.try_get("file_name")?,
                    media_type: row.try_get("media_type")?,
                    size: u64::try_from(row.try_get::<i64, _>("size")?).unwrap_or_default(),
                    original_name: row.try_get("original_name")?,
                })
            })
            .collect()
    }

    /// Removes the attachment `sha256` from draft `draft_id`; answers `None`
    /// when there was none, else the file name if no other row still uses it.
    pub async fn delete_attachment(
        &self,
        subject: &str,
        draft_id: &str,
        sha256: &str,
    ) -> Result<Option<Vec<String>>, EngineError> {
        let mut tx = self.pool.begin().await?;
        let files: Vec<String> = sqlx::query_scalar(
            "DELETE FROM attachment WHERE draft_id = ?1 AND sha256 = ?2 AND subject = ?3 RETURNING file_name",
        )
        .bind(draft_id)
        .bind(sha256)
        .bind(subject)
        .fetch_all(&mut *tx)
        .await?;
        if files.is_empty() {
            return Ok(None);
        }
        let mut orphans = Vec::new();
        for file in files {
            let still_used: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM attachment WHERE file_name = ?1)")
                .bind(&file)
                .fetch_one(&mut *tx)
                .await?;
            if !still_used && !orphans.contains(&file) {
                orphans.push(file);
            }
        }
        tx.commit().await?;
        Ok(Some(orphans))
    }
}
