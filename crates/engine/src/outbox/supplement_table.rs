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
     FROM supplement_outbox s JOIN dossier d ON d.subject = s.subject AND d.code = s.code
     WHERE s.subject = ?1 AND s.phase = 'pending' AND s.next_attempt_at <= ?2 ORDER BY s.next_attempt_at";
/// The answer to a person's dossier's supplement request not yet
/// acknowledged, if any; served by `supplement_outbox_by_code`.
pub(crate) const UNSENT_FOR: &str = "SELECT client_id FROM supplement_outbox
     WHERE subject = ?1 AND code = ?2 AND phase IN ('pending', 'needs_action')";
/// A person's supplement answers for the outbox list; served by
/// `supplement_outbox_by_queued_at`, each dossier found by its key.
pub(crate) const LIST: &str = "SELECT s.client_id, s.state, s.queued_at, d.procedure_code, d.acting_as
     FROM supplement_outbox s JOIN dossier d ON d.subject = s.subject AND d.code = s.code
     WHERE s.subject = ?1 ORDER BY s.queued_at, s.client_id";

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

pub(crate) async fn draft(pool: &SqlitePool, subject: &str, code: &str) -> Result<Option<StoredDraft>, EngineError> {
    type Row = (String, Option<String>, Option<String>, Option<String>, bool, String);
    let row: Option<Row> = sqlx::query_as(
        "SELECT data, original, request, form, conflict, saved_at FROM supplement_draft
         WHERE subject = ?1 AND code = ?2",
    )
    .bind(subject)
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
    subject: &str,
    code: &str,
    answers: Answers<'_>,
) -> Result<bool, EngineError> {
    let Answers { original, request, form } = answers;
    let seen: Option<Option<i64>> =
        sqlx::query_scalar("SELECT seen_cursor FROM dossier WHERE subject = ?1 AND code = ?2")
            .bind(subject)
            .bind(code)
            .fetch_optional(pool)
            .await?;
    let Some(seen) = seen else { return Ok(false) };
    sqlx::query(
        "INSERT INTO supplement_draft (code, data, based_on, saved_at, original, request, form, subject)
         VALUES (?1, ?2, ?3, ?4, ?2, ?5, ?6, ?7)
         ON CONFLICT (subject, code) DO UPDATE SET original = excluded.original, request = excluded.request,
             form = excluded.form",
    )
    .bind(code)
    .bind(original)
    .bind(seen.unwrap_or(0))
    .bind(rfc3339(OffsetDateTime::now_utc()))
    .bind(request)
    .bind(form)
    .bind(subject)
    .execute(pool)
    .await?;
    Ok(true)
}

/// What a supplement draft answers, as JSON text: the portal's answers, the
/// request and the form.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Answers<'a> {
    pub original: &'a str,
    pub request: &'a str,
    pub form: &'a str,
}

/// A flagged draft answers the portal's request again (the portal came back
/// to waiting for a supplement): the flag is lifted and what it answers is
/// replaced, its answers kept. Only a flagged draft is touched.
pub(crate) async fn rebase(
    pool: &SqlitePool,
    subject: &str,
    code: &str,
    answers: Answers<'_>,
) -> Result<bool, EngineError> {
    let Answers { original, request, form } = answers;
    let done = sqlx::query(
        "UPDATE supplement_draft SET conflict = 0, original = ?2, request = ?3, form = ?4,
             based_on = COALESCE((SELECT seen_cursor FROM dossier WHERE subject = ?5 AND code = ?1), based_on)
         WHERE subject = ?5 AND code = ?1 AND conflict = 1",
    )
    .bind(code)
    .bind(original)
    .bind(request)
    .bind(form)
    .bind(subject)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces a draft's answers; answers when that became durable, or `None`
/// when there is no draft.
pub(crate) async fn save(
    pool: &SqlitePool,
    subject: &str,
    code: &str,
    data: &str,
) -> Result<Option<OffsetDateTime>, EngineError> {
    let now = OffsetDateTime::now_utc();
    let saved = sqlx::query("UPDATE supplement_draft SET data = ?2, saved_at = ?3 WHERE subject = ?4 AND code = ?1")
        .bind(code)
        .bind(data)
        .bind(rfc3339(now))
        .bind(subject)
        .execute(pool)
        .await?;
    Ok((saved.rows_affected() == 1).then_some(now))
}

/// The procedure of `subject`'s dossier `code`, if the device holds it.
pub(crate) async fn procedure_of(pool: &SqlitePool, subject: &str, code: &str) -> Result<Option<String>, EngineError> {
    Ok(sqlx::query_scalar("SELECT procedure_code FROM dossier WHERE subject = ?1 AND code = ?2")
        .bind(subject)
        .bind(code)
        .fetch_optional(pool)
        .await?)
}

pub(crate) async fn unsent(pool: &SqlitePool, subject: &str, code: &str) -> Result<Option<String>, EngineError> {
    Ok(sqlx::query_scalar(UNSENT_FOR).bind(subject).bind(code).fetch_optional(pool).await?)
}

/// Queues a supplement answer; at most one waits per dossier, so a second
/// press of "send" answers the first one's id.
pub(crate) async fn queue(
    pool: &SqlitePool,
    subject: &str,
    client_id: &str,
    code: &str,
    request: &str,
    queued_at: OffsetDateTime,
) -> Result<String, EngineError> {
    let mut tx = pool.begin().await?;
    // A write first, so this transaction holds the write lock before it reads.
    sqlx::query("UPDATE supplement_draft SET saved_at = saved_at WHERE subject = ?1 AND code = ?2")
        .bind(subject)
        .bind(code)
        .execute(&mut *tx)
        .await?;
    let waiting: Option<String> =
        sqlx::query_scalar(UNSENT_FOR).bind(subject).bind(code).fetch_optional(&mut *tx).await?;
    if let Some(waiting) = waiting {
        return Ok(waiting);
    }
    sqlx::query(
        "INSERT INTO supplement_outbox (client_id, code, phase, state, request, queued_at, subject)
         VALUES (?1, ?2, 'pending', ?3, ?4, ?5, ?6)",
    )
    .bind(client_id)
    .bind(code)
    .bind(serde_json::to_string(&OutboxState::Queued).map_err(EngineError::Corrupt)?)
    .bind(request)
    .bind(rfc3339(queued_at))
    .bind(subject)
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

pub(crate) async fn due(
    pool: &SqlitePool,
    subject: &str,
    now: OffsetDateTime,
) -> Result<Vec<DueSupplement>, EngineError> {
    let rows: Vec<(String, String, String, i64, String, String)> =
        sqlx::query_as(DUE_SUPPLEMENTS).bind(subject).bind(now.unix_timestamp()).fetch_all(pool).await?;
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
pub(crate) async fn mark_sent(
    pool: &SqlitePool,
    subject: &str,
    client_id: &str,
    summary: &DossierSummary,
) -> Result<(), EngineError> {
    let mut tx = pool.begin().await?;
    let state = OutboxState::Sent { code: summary.code.clone() };
    sqlx::query("UPDATE supplement_outbox SET phase = 'sent', state = ?2 WHERE subject = ?3 AND client_id = ?1")
        .bind(client_id)
        .bind(serde_json::to_string(&state).map_err(EngineError::Corrupt)?)
        .bind(subject)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM supplement_draft WHERE subject = ?1 AND code = ?2")
        .bind(subject)
        .bind(&summary.code)
        .execute(&mut *tx)
        .await?;
    set_status(&mut tx, subject, summary).await?;
    tx.commit().await?;
    Ok(())
}

/// Takes the portal's answer to the citizen's own move (a supplement, a
/// withdrawal) into the dossier row. The feed cursor is left alone, so the
/// next sync still stores the change it reports.
pub(crate) async fn set_status(
    conn: &mut sqlx::SqliteConnection,
    subject: &str,
    summary: &DossierSummary,
) -> Result<(), EngineError> {
    sqlx::query("UPDATE dossier SET status = ?2, due_on = ?3, updated_at = ?4 WHERE subject = ?5 AND code = ?1")
        .bind(&summary.code)
        .bind(status_name(summary.status))
        .bind(summary.due_on.map(|d| d.to_string()))
        .bind(rfc3339(summary.updated_at))
        .bind(subject)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Every supplement entry of `subject`, for the outbox list: client id,
/// state, queued at, procedure and profile.
pub(crate) async fn list(
    pool: &SqlitePool,
    subject: &str,
) -> Result<Vec<(String, String, String, String, String)>, EngineError> {
    Ok(sqlx::query_as(LIST).bind(subject).fetch_all(pool).await?)
}
