//! The SQL of supplement answers (`supplement_draft` and `supplement_outbox`
//! of `migrations/0003_outbox.sql` and `0004_dossier_follow.sql`): drafts
//! opened from the portal's answers, saved, then queued under a client id and
//! marked sent once the portal acknowledged them.

use hoso_protocol::api::dossier::DossierSummary;
use hoso_protocol::command::OutboxState;
use sqlx::SqlitePool;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::table::{rfc3339, status_name};
use crate::EngineError;

/// The sender's question for supplements; served by `supplement_outbox_due`
/// (and the dossier's unique code for its profile).
pub(crate) const DUE_SUPPLEMENTS: &str =
    "SELECT s.client_id, s.code, s.request, s.attempts, d.acting_as, d.procedure_code
     FROM supplement_outbox s JOIN dossier d ON d.code = s.code
     WHERE s.phase = 'pending' AND s.next_attempt_at <= ?1 ORDER BY s.next_attempt_at";
/// The answer to a dossier's supplement request not yet acknowledged, if any;
/// served by `supplement_outbox_by_code`.
pub(crate) const UNSENT_FOR: &str =
    "SELECT client_id FROM supplement_outbox WHERE code = ?1 AND phase IN ('pending', 'needs_action')";

/// A supplement draft as stored; the JSON columns as text.
pub(crate) struct StoredDraft {
    pub data: String,
    pub original: Option<String>,
    pub request: Option<String>,
    pub form: Option<String>,
    pub conflict: bool,
    pub saved_at: OffsetDateTime,
}

pub(crate) fn parse_time(what: &str, text: &str) -> Result<OffsetDateTime, EngineError> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|e| EngineError::StoredValue(format!("{what}: {e}")))
}

pub(crate) async fn draft(pool: &SqlitePool, code: &str) -> Result<Option<StoredDraft>, EngineError> {
    type Row = (String, Option<String>, Option<String>, Option<String>, bool, String);
    let row: Option<Row> = sqlx::query_as(
        "SELECT data, original, request, form, conflict, saved_at FROM supplement_draft WHERE code = ?1",
    )
    .bind(code)
    .fetch_optional(pool)
    .await?;
    row.map(|(data, original, request, form, conflict, saved_at)| {
        Ok(StoredDraft { data, original, request, form, conflict, saved_at: parse_time("saved_at", &saved_at)? })
    })
    .transpose()
}

/// Starts the draft of dossier `code` from the portal's answers (`original`),
/// based on the feed state held now; a draft saved earlier keeps its answers
/// and gains what it answers. False when the dossier is not held.
pub(crate) async fn open_draft(
    pool: &SqlitePool,
    code: &str,
    original: &str,
    request: &str,
    form: &str,
) -> Result<bool, EngineError> {
    let seen: Option<Option<i64>> =
        sqlx::query_scalar("SELECT seen_cursor FROM dossier WHERE code = ?1").bind(code).fetch_optional(pool).await?;
    let Some(seen) = seen else { return Ok(false) };
    sqlx::query(
        "INSERT INTO supplement_draft (code, data, based_on, saved_at, original, request, form)
         VALUES (?1, ?2, ?3, ?4, ?2, ?5, ?6)
         ON CONFLICT (code) DO UPDATE SET original = excluded.original, request = excluded.request,
             form = excluded.form",
    )
    .bind(code)
    .bind(original)
    .bind(seen.unwrap_or(0))
    .bind(rfc3339(OffsetDateTime::now_utc()))
    .bind(request)
    .bind(form)
    .execute(pool)
    .await?;
    Ok(true)
}

/// A flagged draft answers the portal's request again (the portal came back
/// to waiting for a supplement): the flag is lifted and what it answers is
/// replaced, its answers kept. Only a flagged draft is touched.
pub(crate) async fn rebase(
    pool: &SqlitePool,
    code: &str,
    original: &str,
    request: &str,
    form: &str,
) -> Result<bool, EngineError> {
    let done = sqlx::query(
        "UPDATE supplement_draft SET conflict = 0, original = ?2, request = ?3, form = ?4,
             based_on = COALESCE((SELECT seen_cursor FROM dossier WHERE code = ?1), based_on)
         WHERE code = ?1 AND conflict = 1",
    )
    .bind(code)
    .bind(original)
    .bind(request)
    .bind(form)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces a draft's answers; answers when that became durable, or `None`
/// when there is no draft.
pub(crate) async fn save(pool: &SqlitePool, code: &str, data: &str) -> Result<Option<OffsetDateTime>, EngineError> {
    let now = OffsetDateTime::now_utc();
    let saved = sqlx::query("UPDATE supplement_draft SET data = ?2, saved_at = ?3 WHERE code = ?1")
        .bind(code)
        .bind(data)
        .bind(rfc3339(now))
        .execute(pool)
        .await?;
    Ok((saved.rows_affected() == 1).then_some(now))
}

/// The procedure of dossier `code`, if the device holds the dossier.
pub(crate) async fn procedure_of(pool: &SqlitePool, code: &str) -> Result<Option<String>, EngineError> {
    Ok(sqlx::query_scalar("SELECT procedure_code FROM dossier WHERE code = ?1").bind(code).fetch_optional(pool).await?)
}

pub(crate) async fn unsent(pool: &SqlitePool, code: &str) -> Result<Option<String>, EngineError> {
    Ok(sqlx::query_scalar(UNSENT_FOR).bind(code).fetch_optional(pool).await?)
}

/// Queues a supplement answer; at most one waits per dossier, so a second
/// press of "send" answers the first one's id.
pub(crate) async fn queue(
    pool: &SqlitePool,
    client_id: &str,
    code: &str,
    request: &str,
    queued_at: OffsetDateTime,
) -> Result<String, EngineError> {
    let mut tx = pool.begin().await?;
    // A write first, so this transaction holds the write lock before it reads.
    sqlx::query("UPDATE supplement_draft SET saved_at = saved_at WHERE code = ?1").bind(code).execute(&mut *tx).await?;
    let waiting: Option<String> = sqlx::query_scalar(UNSENT_FOR).bind(code).fetch_optional(&mut *tx).await?;
    if let Some(waiting) = waiting {
        return Ok(waiting);
    }
    sqlx::query(
        "INSERT INTO supplement_outbox (client_id, code, phase, state, request, queued_at)
         VALUES (?1, ?2, 'pending', ?3, ?4, ?5)",
    )
    .bind(client_id)
    .bind(code)
    .bind(serde_json::to_string(&OutboxState::Queued).map_err(EngineError::Corrupt)?)
    .bind(request)
    .bind(rfc3339(queued_at))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(client_id.to_owned())
}

/// A supplement the sender should try now.
pub(crate) struct DueSupplement {
    pub client_id: String,
    pub code: String,
    /// The exact body first queued.
    pub request: String,
    pub attempts: u32,
    pub acting: String,
    pub procedure: String,
}

pub(crate) async fn due(pool: &SqlitePool, now: OffsetDateTime) -> Result<Vec<DueSupplement>, EngineError> {
    let rows: Vec<(String, String, String, i64, String, String)> =
        sqlx::query_as(DUE_SUPPLEMENTS).bind(now.unix_timestamp()).fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|(client_id, code, request, attempts, acting, procedure)| DueSupplement {
            client_id,
            code,
            request,
            attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
            acting,
            procedure,
        })
        .collect())
}

/// The portal received the answer: the entry becomes `sent`, the dossier
/// takes the status the portal answered, and the draft, now acknowledged, is
/// dropped (its answers stay in the entry's request), together.
pub(crate) async fn mark_sent(pool: &SqlitePool, client_id: &str, summary: &DossierSummary) -> Result<(), EngineError> {
    let mut tx = pool.begin().await?;
    let state = OutboxState::Sent { code: summary.code.clone() };
    sqlx::query("UPDATE supplement_outbox SET phase = 'sent', state = ?2 WHERE client_id = ?1")
        .bind(client_id)
        .bind(serde_json::to_string(&state).map_err(EngineError::Corrupt)?)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM supplement_draft WHERE code = ?1").bind(&summary.code).execute(&mut *tx).await?;
    set_status(&mut tx, summary).await?;
    tx.commit().await?;
    Ok(())
}

/// Takes the portal's answer to the citizen's own move (a supplement, a
/// withdrawal) into the dossier row. The feed cursor is left alone, so the
/// next sync still stores the change it reports.
pub(crate) async fn set_status(conn: &mut sqlx::SqliteConnection, summary: &DossierSummary) -> Result<(), EngineError> {
    sqlx::query("UPDATE dossier SET status = ?2, due_on = ?3, updated_at = ?4 WHERE code = ?1")
        .bind(&summary.code)
        .bind(status_name(summary.status))
        .bind(summary.due_on.map(|d| d.to_string()))
        .bind(rfc3339(summary.updated_at))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Every supplement entry, for the outbox list: client id, code, state,
/// queued at, procedure and profile.
pub(crate) async fn list(pool: &SqlitePool) -> Result<Vec<(String, String, String, String, String)>, EngineError> {
    Ok(sqlx::query_as(
        "SELECT s.client_id, s.state, s.queued_at, d.procedure_code, d.acting_as
         FROM supplement_outbox s JOIN dossier d ON d.code = s.code ORDER BY s.queued_at, s.client_id",
    )
    .fetch_all(pool)
    .await?)
}
