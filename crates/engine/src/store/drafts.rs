//! The SQL of drafts: each save is one transaction that starts with its write,
//! so it takes SQLite's write lock first and is durable (WAL, `synchronous =
//! FULL`) once it commits.

use hoso_domain::catalogue::{FormRef, ProcedureCode};
use hoso_domain::profile::ActingAs;
use hoso_protocol::command::{Draft, DraftSummary};
use serde_json::Value;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use time::OffsetDateTime;

use super::Store;
use crate::EngineError;

const SUMMARY_COLUMNS: &str =
    "id, acting_as, procedure_code, procedure_name, form_id, form_version, saved_at, conflict";
/// A person's profile's drafts still to submit; served by `draft_by_profile`.
/// A draft's id is its submission's client id, so one whose entry is
/// waiting or sent is left out, and one the portal refused (`needs_action`)
/// stays, to fix and submit again. Each is looked up by the outbox's key,
/// the person and the client id (see `outbox/plans.rs`).
pub(crate) const DRAFTS: &str =
    "SELECT id, acting_as, procedure_code, procedure_name, form_id, form_version, saved_at, conflict
     FROM draft WHERE subject = ?1 AND acting_as = ?2
     AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.subject = ?1 AND o.client_id = draft.id
                     AND o.phase <> 'needs_action')";

impl Store {
    pub async fn insert_draft(&self, subject: &str, summary: &DraftSummary, data: &Value) -> Result<(), EngineError> {
        sqlx::query(
            "INSERT INTO draft (id, acting_as, procedure_code, procedure_name, form_id, form_version, data, saved_at,
                 subject)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .bind(&summary.id)
        .bind(json(&summary.acting_as)?)
        .bind(summary.procedure.as_str())
        .bind(json(&summary.procedure_name)?)
        .bind(&summary.form.id)
        .bind(i64::from(summary.form.version))
        .bind(json(data)?)
        .bind(millis(summary.saved_at))
        .bind(subject)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Replaces `subject`'s draft's answers; `false` when they have no such draft.
    pub async fn save_draft_data(
        &self,
        subject: &str,
        id: &str,
        data: &Value,
        at: OffsetDateTime,
    ) -> Result<bool, EngineError> {
        let done = sqlx::query("UPDATE draft SET data = ?2, saved_at = ?3 WHERE id = ?1 AND subject = ?4")
            .bind(id)
            .bind(json(data)?)
            .bind(millis(at))
            .bind(subject)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Sets the answer at `pointer` to `value` in one statement, SQLite's
    /// `json_set` editing the stored text, when the pointer names object
    /// members only (plain ASCII names) and every object on the way is an
    /// object or missing (then created), as [`crate::drafts::set_pointer`]
    /// would; `false` when it did not apply (no such draft, another kind of
    /// pointer, or a scalar or array on the way), for the caller to fall back
    /// on [`Self::edit_draft_data`], which decides those cases. One statement
    /// is one transaction with one flush, and one hop to sqlx's SQLite worker
    /// thread instead of five (goal G6 of `cargo xtask bench`).
    pub async fn set_draft_field(
        &self,
        subject: &str,
        id: &str,
        pointer: &str,
        value: &Value,
        at: OffsetDateTime,
    ) -> Result<bool, EngineError> {
        let Some(paths) = member_paths(pointer) else { return Ok(false) };
        let Some((path, on_the_way)) = paths.split_last() else { return Ok(false) };
        let mut sql = String::from(
            "UPDATE draft SET data = json_set(data, ?2, json(?3)), saved_at = ?4
             WHERE id = ?1 AND subject = ?5 AND json_type(data) = 'object'",
        );
        for n in 0..on_the_way.len() {
            sql.push_str(&format!(" AND coalesce(json_type(data, ?{}), 'object') = 'object'", n + 6));
        }
        let mut query = sqlx::query(&sql).bind(id).bind(path).bind(json(value)?).bind(millis(at)).bind(subject);
        for prefix in on_the_way {
            query = query.bind(prefix);
        }
        Ok(query.execute(&self.pool).await?.rows_affected() == 1)
    }

    /// Changes a draft's answers with `edit`, reading and writing them in one
    /// transaction; `false` when there is no such draft.
    pub async fn edit_draft_data(
        &self,
        subject: &str,
        id: &str,
        at: OffsetDateTime,
        edit: impl FnOnce(&mut Value) -> Result<(), EngineError>,
    ) -> Result<bool, EngineError> {
        let mut tx = self.pool.begin().await?;
        // The write first: the transaction holds the write lock before it
        // reads, so no other writer can slip in between read and write.
        let touched = sqlx::query("UPDATE draft SET saved_at = ?2 WHERE id = ?1 AND subject = ?3")
            .bind(id)
            .bind(millis(at))
            .bind(subject)
            .execute(&mut *tx)
            .await?;
        if touched.rows_affected() == 0 {
            return Ok(false);
        }
        let text: String =
            sqlx::query_scalar("SELECT data FROM draft WHERE id = ?1").bind(id).fetch_one(&mut *tx).await?;
        let mut data: Value = serde_json::from_str(&text).map_err(EngineError::Corrupt)?;
        edit(&mut data)?;
        sqlx::query("UPDATE draft SET data = ?2 WHERE id = ?1").bind(id).bind(json(&data)?).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A person's profile's drafts still to submit, the most recently saved first.
    pub async fn drafts(&self, subject: &str, acting_as: &ActingAs) -> Result<Vec<DraftSummary>, EngineError> {
        let rows = sqlx::query(&format!("{DRAFTS} ORDER BY saved_at DESC, id"))
            .bind(subject)
            .bind(json(acting_as)?)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(summary).collect()
    }

    /// `subject`'s draft `id`, if they have one.
    pub async fn draft(&self, subject: &str, id: &str) -> Result<Option<Draft>, EngineError> {
        let row = sqlx::query(&format!("SELECT {SUMMARY_COLUMNS}, data FROM draft WHERE id = ?1 AND subject = ?2"))
            .bind(id)
            .bind(subject)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let data: String = row.try_get("data")?;
        Ok(Some(Draft {
            summary: summary(&row)?,
            data: serde_json::from_str(&data).map_err(EngineError::Corrupt)?,
            orphaned: Vec::new(),
            attachments: Vec::new(),
            submitted: None,
        }))
    }

    /// Deletes a draft with its attachment rows; the names of the files
    /// nothing refers to any more are returned for the caller to remove.
    pub async fn delete_draft(&self, subject: &str, id: &str) -> Result<Option<Vec<String>>, EngineError> {
        let mut tx = self.pool.begin().await?;
        // The attachment rows first: deleting the draft would cascade to
        // them and leave no names of the files to remove. They carry their
        // draft's owner, so another person's draft loses nothing here.
        let files: Vec<String> =
            sqlx::query_scalar("DELETE FROM attachment WHERE draft_id = ?1 AND subject = ?2 RETURNING file_name")
                .bind(id)
                .bind(subject)
                .fetch_all(&mut *tx)
                .await?;
        let deleted = sqlx::query("DELETE FROM draft WHERE id = ?1 AND subject = ?2")
            .bind(id)
            .bind(subject)
            .execute(&mut *tx)
            .await?;
        if deleted.rows_affected() == 0 {
            return Ok(None);
        }
        let mut orphans = Vec::new();
        for file in files {
            let still_used: bool =
                sqlx::query_scalar(super::attachments::FILE_STILL_USED).bind(&file).fetch_one(&mut *tx).await?;
            if !still_used && !orphans.contains(&file) {
                orphans.push(file);
            }
        }
        tx.commit().await?;
        Ok(Some(orphans))
    }
}

fn summary(row: &SqliteRow) -> Result<DraftSummary, EngineError> {
    let acting_as: String = row.try_get("acting_as")?;
    let procedure: String = row.try_get("procedure_code")?;
    let name: String = row.try_get("procedure_name")?;
    let form_version: i64 = row.try_get("form_version")?;
    let saved_at: i64 = row.try_get("saved_at")?;
    Ok(DraftSummary {
        id: row.try_get("id")?,
        procedure: serde_json::from_value::<ProcedureCode>(Value::String(procedure)).map_err(EngineError::Corrupt)?,
        procedure_name: serde_json::from_str(&name).map_err(EngineError::Corrupt)?,
        acting_as: serde_json::from_str(&acting_as).map_err(EngineError::Corrupt)?,
        form: FormRef { id: row.try_get("form_id")?, version: u32::try_from(form_version).unwrap_or_default() },
        saved_at: OffsetDateTime::from_unix_timestamp_nanos(i128::from(saved_at) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH),
        conflict: row.try_get::<i64, _>("conflict")? != 0,
    })
}

fn json(value: &impl serde::Serialize) -> Result<String, EngineError> {
    serde_json::to_string(value).map_err(EngineError::Corrupt)
}

fn millis(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// The SQLite JSON paths of `pointer` and of each object on its way
/// (`/a/b` → `$."a"`, `$."a"."b"`), when every name is plain ASCII (letters,
/// digits, `_`, `-`): quoted, such names mean object members in SQLite's
/// paths exactly as in a JSON pointer. `None` for any other pointer.
fn member_paths(pointer: &str) -> Option<Vec<String>> {
    let names = pointer.strip_prefix('/')?.split('/');
    let mut path = String::from("$");
    let mut paths = Vec::new();
    for name in names {
        let plain = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !plain {
            return None;
        }
        path.push_str(&format!(".\"{name}\""));
        paths.push(path.clone());
    }
    Some(paths)
}
