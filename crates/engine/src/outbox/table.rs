//! The outbox's SQL (tables of `migrations/0003_outbox.sql`): queueing in one
//! transaction with the dossier row, the sender's due items, state changes,
//! and the list the citizen sees.

use hoso_domain::catalogue::Localized;
use hoso_domain::dossier::DossierStatus;
use hoso_domain::profile::ActingAs;
use hoso_protocol::api::dossier::{SubmitDossier, Submitted};
use hoso_protocol::command::{OutboxItem, OutboxState};
use sqlx::SqlitePool;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::EngineError;

/// The sender's question, for one person; served by the `outbox_due` index.
pub(crate) const DUE_ITEMS: &str = "SELECT client_id, request, attempts FROM outbox
     WHERE subject = ?1 AND phase = 'pending' AND next_attempt_at <= ?2 ORDER BY next_attempt_at";
/// A person's outbox list, oldest first; served by `outbox_by_queued_at`.
pub(crate) const LIST: &str = "SELECT request, procedure_name, queued_at, state FROM outbox
     WHERE subject = ?1 ORDER BY queued_at, client_id";
/// How many of a person's items are not sent; served by `outbox_due` and
/// `supplement_outbox_due`.
pub(crate) const UNSENT_COUNT: &str = "SELECT
     (SELECT count(*) FROM outbox WHERE subject = ?1 AND phase IN ('pending', 'needs_action'))
     + (SELECT count(*) FROM supplement_outbox WHERE subject = ?1 AND phase IN ('pending', 'needs_action'))";
/// A person's pending items due sooner than the backoff said, each table in
/// turn; served by `outbox_due` and `supplement_outbox_due`.
pub(crate) const DUE_NOW: &str = "UPDATE outbox SET next_attempt_at = ?2
     WHERE subject = ?1 AND phase = 'pending' AND next_attempt_at > ?2 AND retry_after = 0";

/// `X-Acting-As` and the stored key of a profile: `myself` or the tax code.
pub(crate) fn acting_key(acting: &ActingAs) -> String {
    match acting {
        ActingAs::Myself => "myself".to_owned(),
        ActingAs::Enterprise(tax_code) => tax_code.as_str().to_owned(),
    }
}

/// The profile a stored key names: `myself` or an enterprise's tax code.
pub(crate) fn parse_acting(key: &str) -> Result<ActingAs, EngineError> {
    if key == "myself" {
        return Ok(ActingAs::Myself);
    }
    hoso_domain::identity::TaxCode::parse(key)
        .map(ActingAs::Enterprise)
        .map_err(|e| EngineError::StoredValue(format!("acting_as {key}: {e:?}")))
}

pub(crate) fn status_name(status: DossierStatus) -> String {
    serde_json::to_value(status).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

pub(crate) fn parse_status(name: &str) -> Result<DossierStatus, EngineError> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).map_err(EngineError::Corrupt)
}

pub(crate) fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, EngineError> {
    serde_json::to_string(value).map_err(EngineError::Corrupt)
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, EngineError> {
    serde_json::from_str(text).map_err(EngineError::Corrupt)
}

/// Writes the dossier (status `queued`) and its outbox entry in one
/// transaction: either both exist or neither does.
pub(crate) async fn queue(
    pool: &SqlitePool,
    subject: &str,
    request: &SubmitDossier,
    procedure_name: &Localized,
    queued_at: OffsetDateTime,
) -> Result<(), EngineError> {
    let mut tx = pool.begin().await?;
    // Its change time is the queueing until the portal says otherwise, so a
    // list newest first shows it at the top, not after every synced dossier.
    sqlx::query(
        "INSERT INTO dossier (subject, client_id, acting_as, procedure_code, status, updated_at)
         VALUES (?6, ?1, ?2, ?3, ?4, ?5)",
    )
    .bind(&request.client_id)
    .bind(acting_key(&request.acting_as))
    .bind(request.procedure.as_str())
    .bind(status_name(DossierStatus::Queued))
    .bind(rfc3339(queued_at))
    .bind(subject)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO outbox (subject, client_id, phase, state, request, procedure_name, queued_at)
         VALUES (?6, ?1, 'pending', ?2, ?3, ?4, ?5)",
    )
    .bind(&request.client_id)
    .bind(to_json(&OutboxState::Queued)?)
    .bind(to_json(request)?)
    .bind(to_json(procedure_name)?)
    .bind(rfc3339(queued_at))
    .bind(subject)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The request one of `subject`'s entries holds, by client id.
pub(crate) async fn stored_request(
    pool: &SqlitePool,
    subject: &str,
    client_id: &str,
) -> Result<Option<SubmitDossier>, EngineError> {
    let text: Option<String> = sqlx::query_scalar("SELECT request FROM outbox WHERE subject = ?2 AND client_id = ?1")
        .bind(client_id)
        .bind(subject)
        .fetch_optional(pool)
        .await?;
    text.map(|t| from_json(&t)).transpose()
}

/// Replaces the request of one of `subject`'s entries the portal refused
/// and puts it back in line, due now, queued anew, its backoff started over;
/// its dossier row moves to the top of the list with it. Only an entry still
/// `needs_action` is touched: `false` when there was none (a pending or sent
/// entry, or another person's, is never replaced).
pub(crate) async fn replace_refused(
    pool: &SqlitePool,
    subject: &str,
    request: &SubmitDossier,
    procedure_name: &Localized,
    queued_at: OffsetDateTime,
) -> Result<bool, EngineError> {
    let mut tx = pool.begin().await?;
    let replaced = sqlx::query(
        "UPDATE outbox SET phase = 'pending', state = ?2, request = ?3, procedure_name = ?4, queued_at = ?5,
                           attempts = 0, next_attempt_at = 0, retry_after = 0
         WHERE subject = ?6 AND client_id = ?1 AND phase = 'needs_action'",
    )
    .bind(&request.client_id)
    .bind(to_json(&OutboxState::Queued)?)
    .bind(to_json(request)?)
    .bind(to_json(procedure_name)?)
    .bind(rfc3339(queued_at))
    .bind(subject)
    .execute(&mut *tx)
    .await?;
    if replaced.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE dossier SET status = ?2, updated_at = ?3 WHERE subject = ?4 AND client_id = ?1 AND code IS NULL",
    )
    .bind(&request.client_id)
    .bind(status_name(DossierStatus::Queued))
    .bind(rfc3339(queued_at))
    .bind(subject)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// An item the sender should try now.
pub(crate) struct Due {
    pub request: SubmitDossier,
    pub attempts: u32,
}

pub(crate) async fn due(pool: &SqlitePool, subject: &str, now: OffsetDateTime) -> Result<Vec<Due>, EngineError> {
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as(DUE_ITEMS).bind(subject).bind(now.unix_timestamp()).fetch_all(pool).await?;
    rows.into_iter()
        .map(|(_, request, attempts)| {
            Ok(Due { request: from_json(&request)?, attempts: u32::try_from(attempts).unwrap_or(u32::MAX) })
        })
        .collect()
}

/// The earliest time one of `subject`'s pending items (a submission or a
/// supplement answer) becomes due, for the shell's timer.
pub(crate) async fn next_due(pool: &SqlitePool, subject: &str) -> Result<Option<i64>, EngineError> {
    Ok(sqlx::query_scalar(
        "SELECT MIN(at) FROM (
             SELECT MIN(next_attempt_at) AS at FROM outbox WHERE subject = ?1 AND phase = 'pending'
             UNION ALL SELECT MIN(next_attempt_at) FROM supplement_outbox WHERE subject = ?1 AND phase = 'pending')",
    )
    .bind(subject)
    .fetch_one(pool)
    .await?)
}

/// How many of `subject`'s items are not sent yet (pending or needing
/// action, submissions and supplement answers).
pub(crate) async fn unsent_count(pool: &SqlitePool, subject: &str) -> Result<u64, EngineError> {
    let count: i64 = sqlx::query_scalar(UNSENT_COUNT).bind(subject).fetch_one(pool).await?;
    Ok(u64::try_from(count).unwrap_or_default())
}

/// Makes `subject`'s pending items waiting on a backoff of ours due at
/// `now` (the portal is reachable again); a wait the portal asked for
/// (`Retry-After`) stands. Answers how many were moved.
pub(crate) async fn due_now(pool: &SqlitePool, subject: &str, now: i64) -> Result<u64, EngineError> {
    let mut moved = 0;
    for sql in [DUE_NOW.to_owned(), DUE_NOW.replace("UPDATE outbox", "UPDATE supplement_outbox")] {
        moved += sqlx::query(&sql).bind(subject).bind(now).execute(pool).await?.rows_affected();
    }
    Ok(moved)
}

/// The two tables of things on their way to the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entries {
    Submissions,
    Supplements,
}

impl Entries {
    fn table(self) -> &'static str {
        match self {
            Self::Submissions => "outbox",
            Self::Supplements => "supplement_outbox",
        }
    }
}

/// One of `subject`'s entries' phase and state, by client id.
pub(crate) async fn state_of(
    pool: &SqlitePool,
    entries: Entries,
    subject: &str,
    client_id: &str,
) -> Result<Option<(String, OutboxState)>, EngineError> {
    let sql = format!("SELECT phase, state FROM {} WHERE client_id = ?1 AND subject = ?2", entries.table());
    let row: Option<(String, String)> = sqlx::query_as(&sql).bind(client_id).bind(subject).fetch_optional(pool).await?;
    row.map(|(phase, state)| Ok((phase, from_json(&state)?))).transpose()
}

/// Puts an entry the portal refused back in line, due now, its backoff
/// started over; only one still `needs_action` is touched.
pub(crate) async fn requeue(
    pool: &SqlitePool,
    entries: Entries,
    subject: &str,
    client_id: &str,
) -> Result<bool, EngineError> {
    let sql = format!(
        "UPDATE {} SET phase = 'pending', state = ?2, attempts = 0, next_attempt_at = 0, retry_after = 0
         WHERE client_id = ?1 AND subject = ?3 AND phase = 'needs_action'",
        entries.table()
    );
    let done =
        sqlx::query(&sql).bind(client_id).bind(to_json(&OutboxState::Queued)?).bind(subject).execute(pool).await?;
    Ok(done.rows_affected() == 1)
}

/// Which entry of whose, for recording its state.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EntryKey<'a> {
    pub entries: Entries,
    pub subject: &'a str,
    pub client_id: &'a str,
}

/// When an entry is tried again: at `at` (Unix seconds), which is the
/// portal's `Retry-After` when `portal_asked`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NextAttempt {
    pub at: i64,
    pub portal_asked: bool,
}

impl NextAttempt {
    pub(crate) const NOW: Self = Self { at: 0, portal_asked: false };
}

/// Records what the citizen should see, and when to try again.
pub(crate) async fn set_state(
    pool: &SqlitePool,
    key: EntryKey<'_>,
    state: &OutboxState,
    attempts: u32,
    next: NextAttempt,
) -> Result<(), EngineError> {
    let EntryKey { entries, subject, client_id } = key;
    let phase = match state {
        OutboxState::NeedsAction { .. } => "needs_action",
        OutboxState::Sent { .. } => "sent",
        _ => "pending",
    };
    let sql = format!(
        "UPDATE {} SET phase = ?2, state = ?3, attempts = ?4, next_attempt_at = ?5, retry_after = ?6
         WHERE client_id = ?1 AND subject = ?7",
        entries.table()
    );
    sqlx::query(&sql)
        .bind(client_id)
        .bind(phase)
        .bind(to_json(state)?)
        .bind(i64::from(attempts))
        .bind(next.at)
        .bind(next.portal_asked)
        .bind(subject)
        .execute(pool)
        .await?;
    Ok(())
}

/// The portal acknowledged the submission: the dossier takes its code and
/// status and the entry becomes `sent`, together.
pub(crate) async fn mark_sent(pool: &SqlitePool, subject: &str, submitted: &Submitted) -> Result<(), EngineError> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "UPDATE dossier SET code = ?2, status = ?3, updated_at = COALESCE(updated_at, ?4)
         WHERE subject = ?5 AND client_id = ?1",
    )
    .bind(&submitted.client_id)
    .bind(&submitted.code)
    .bind(status_name(submitted.status))
    .bind(rfc3339(submitted.received_at))
    .bind(subject)
    .execute(&mut *tx)
    .await?;
    let state = OutboxState::Sent { code: submitted.code.clone() };
    sqlx::query("UPDATE outbox SET phase = 'sent', state = ?2 WHERE subject = ?3 AND client_id = ?1")
        .bind(&submitted.client_id)
        .bind(to_json(&state)?)
        .bind(subject)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Every outbox item of `subject`, oldest first, sent ones included.
pub(crate) async fn list(pool: &SqlitePool, subject: &str) -> Result<Vec<OutboxItem>, EngineError> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(LIST).bind(subject).fetch_all(pool).await?;
    rows.into_iter()
        .map(|(request, name, queued_at, state)| {
            let request: SubmitDossier = from_json(&request)?;
            Ok(OutboxItem {
                client_id: request.client_id,
                procedure: request.procedure,
                procedure_name: from_json(&name)?,
                acting_as: request.acting_as,
                queued_at: OffsetDateTime::parse(&queued_at, &Rfc3339)
                    .map_err(|e| EngineError::StoredValue(format!("queued_at: {e}")))?,
                state: from_json(&state)?,
            })
        })
        .collect()
}

/// The procedure's names from the local catalogue.
pub(crate) async fn procedure_name(pool: &SqlitePool, code: &str) -> Result<Option<Localized>, EngineError> {
    let body: Option<String> =
        sqlx::query_scalar("SELECT body FROM procedure WHERE code = ?1").bind(code).fetch_optional(pool).await?;
    let Some(body) = body else { return Ok(None) };
    let procedure: hoso_domain::catalogue::Procedure = from_json(&body)?;
    Ok(Some(procedure.name))
}

pub(crate) async fn cached_form(pool: &SqlitePool, id: &str, version: u32) -> Result<Option<String>, EngineError> {
    Ok(sqlx::query_scalar("SELECT body FROM form_definition WHERE id = ?1 AND version = ?2")
        .bind(id)
        .bind(i64::from(version))
        .fetch_optional(pool)
        .await?)
}

pub(crate) async fn cache_form(pool: &SqlitePool, id: &str, version: u32, body: &str) -> Result<(), EngineError> {
    sqlx::query("INSERT OR REPLACE INTO form_definition (id, version, body) VALUES (?1, ?2, ?3)")
        .bind(id)
        .bind(i64::from(version))
        .bind(body)
        .execute(pool)
        .await?;
    Ok(())
}
