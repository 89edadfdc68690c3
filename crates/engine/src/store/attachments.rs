//! The SQL of attachments: which draft's document each encrypted file is
//! (`attachment`), or which supplement answer's (`supplement_attachment`).

use sqlx::Row;

use super::Store;
use crate::EngineError;

/// How the UI names the files of the answer to dossier `CODE`'s supplement
/// request where it names a draft's: `supplement:CODE`. Draft ids are hex,
/// so the two never meet.
const SUPPLEMENT_PREFIX: &str = "supplement:";

/// Whose files an attachment row lists: a draft's, or the answer to a
/// dossier's supplement request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder<'a> {
    Draft(&'a str),
    Supplement(&'a str),
}

impl<'a> Holder<'a> {
    /// The holder the UI's `draft_id` names.
    pub fn parse(id: &'a str) -> Self {
        match id.strip_prefix(SUPPLEMENT_PREFIX) {
            Some(code) => Self::Supplement(code),
            None => Self::Draft(id),
        }
    }

    /// The `draft_id` under which the UI attaches files to dossier `code`'s supplement answer.
    pub fn supplement_id(code: &str) -> String {
        format!("{SUPPLEMENT_PREFIX}{code}")
    }

    /// The table, its key column and the key.
    fn table(self) -> (&'static str, &'static str, &'a str) {
        match self {
            Self::Draft(id) => ("attachment", "draft_id", id),
            Self::Supplement(code) => ("supplement_attachment", "code", code),
        }
    }
}

/// Whether any row, of a draft or a supplement answer, still names a file.
pub(crate) const FILE_STILL_USED: &str = "SELECT EXISTS (SELECT 1 FROM attachment WHERE file_name = ?1)
     OR EXISTS (SELECT 1 FROM supplement_attachment WHERE file_name = ?1)";

/// One attachment of a draft, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRow {
    /// The holder as the UI names it: a draft's id, or
    /// [`Holder::supplement_id`] for a supplement answer.
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
        let (table, key, id) = Holder::parse(&row.draft_id).table();
        sqlx::query(&format!(
            "INSERT INTO {table} ({key}, document_id, sha256, file_name, media_type, size, original_name, subject)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING"
        ))
        .bind(id)
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

    /// The attachments of `subject`'s draft or supplement answer `draft_id`.
    pub async fn attachments(&self, subject: &str, draft_id: &str) -> Result<Vec<AttachmentRow>, EngineError> {
        let (table, key, id) = Holder::parse(draft_id).table();
        let rows = sqlx::query(&format!(
            "SELECT document_id, sha256, file_name, media_type, size, original_name
             FROM {table} WHERE {key} = ?1 AND subject = ?2 ORDER BY document_id, sha256"
        ))
        .bind(id)
        .bind(subject)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(AttachmentRow {
                    draft_id: draft_id.to_owned(),
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
        let (table, key, id) = Holder::parse(draft_id).table();
        let mut tx = self.pool.begin().await?;
        let files: Vec<String> = sqlx::query_scalar(&format!(
            "DELETE FROM {table} WHERE {key} = ?1 AND sha256 = ?2 AND subject = ?3 RETURNING file_name"
        ))
        .bind(id)
        .bind(sha256)
        .bind(subject)
        .fetch_all(&mut *tx)
        .await?;
        if files.is_empty() {
            return Ok(None);
        }
        let mut orphans = Vec::new();
        for file in files {
            let still_used: bool = sqlx::query_scalar(FILE_STILL_USED).bind(&file).fetch_one(&mut *tx).await?;
            if !still_used && !orphans.contains(&file) {
                orphans.push(file);
            }
        }
        tx.commit().await?;
        Ok(Some(orphans))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_supplement_answer_is_named_apart_from_every_draft() {
        let id = Holder::supplement_id("H01.2026.000001");
        assert_eq!(Holder::parse(&id), Holder::Supplement("H01.2026.000001"));
        assert_eq!(Holder::parse("0f3a9c"), Holder::Draft("0f3a9c"));
    }
}
