//! The SQL of synced dossiers (tables of `migrations/0003_outbox.sql`): local
//! state for the sync planner, one upsert per feed slice, the cursor per
//! profile, and supplement drafts.

use hoso_domain::dossier::DossierStatus;
use hoso_domain::sync::{LocalDossier, Pending};
use hoso_protocol::api::dossier::DossierSummary;
use hoso_protocol::command::OutboxState;
use sqlx::{Sqlite, SqliteConnection, SqlitePool};
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use super::table::{parse_status, rfc3339, status_name};
use crate::EngineError;

/// The local state and what waits to go out of the person's dossiers a
/// feed page names (`?2`: a JSON array of client ids), each found by primary
/// key: one statement per page rather than one per change. `CROSS JOIN`
/// keeps the page's ids the outer loop: with a plain join SQLite would walk
/// all the person's dossiers by `dossier_by_updated` and look each id up.
pub(crate) const LOCAL_STATE: &str = "SELECT d.client_id, d.code, d.status, d.seen_cursor,
            (SELECT o.phase FROM outbox o WHERE o.subject = d.subject AND o.client_id = d.client_id),
            (SELECT s.based_on FROM supplement_draft s
             WHERE s.subject = d.subject AND s.code = d.code AND s.conflict = 0)
     FROM json_each(?2) AS ids CROSS JOIN dossier d ON d.subject = ?1 AND d.client_id = ids.value";
/// A person's profile's dossiers, newest change first; served by
/// `dossier_by_profile`.
pub(crate) const OF_PROFILE: &str = "SELECT client_id, code, procedure_code, status, due_on, updated_at
     FROM dossier WHERE subject = ?1 AND acting_as = ?2 ORDER BY updated_at DESC";

/// client id, code, status, seen cursor, outbox phase, supplement draft's `based_on`.
type LocalRow = (String, Option<String>, String, Option<i64>, Option<String>, Option<i64>);
type Row = (String, Option<String>, String, String, Option<String>, Option<String>);

/// A dossier row as the engine holds it.
pub(crate) struct DossierRow {
    pub client_id: String,
    pub code: Option<String>,
    pub procedure: String,
    pub status: DossierStatus,
    pub due_on: Option<Date>,
    pub updated_at: Option<OffsetDateTime>,
}

fn stored<T, E: std::fmt::Display>(what: &str, result: Result<T, E>) -> Result<T, EngineError> {
    result.map_err(|e| EngineError::StoredValue(format!("{what}: {e}")))
}

fn row(r: Row) -> Result<DossierRow, EngineError> {
    let date = format_description!("[year]-[month]-[day]");
    Ok(DossierRow {
        client_id: r.0,
        code: r.1,
        procedure: r.2,
        status: parse_status(&r.3)?,
        due_on: r.4.map(|d| stored("due_on", Date::parse(&d, date))).transpose()?,
        updated_at: r
            .5
            .map(|t| stored("updated_at", OffsetDateTime::parse(&t, &time::format_description::well_known::Rfc3339)))
            .transpose()?,
    })
}

pub(crate) async fn of_profile(pool: &SqlitePool, subject: &str, acting: &str) -> Result<Vec<DossierRow>, EngineError> {
    let rows: Vec<Row> = sqlx::query_as(OF_PROFILE).bind(subject).bind(acting).fetch_all(pool).await?;
    rows.into_iter().map(row).collect()
}

pub(crate) async fn by_client_id(
    pool: &SqlitePool,
    subject: &str,
    client_id: &str,
) -> Result<Option<DossierRow>, EngineError> {
    let found: Option<Row> = sqlx::query_as(
        "SELECT client_id, code, procedure_code, status, due_on, updated_at FROM dossier
         WHERE subject = ?1 AND client_id = ?2",
    )
    .bind(subject)
    .bind(client_id)
    .fetch_optional(pool)
    .await?;
    found.map(row).transpose()
}

/// The planner's view of those of `client_ids` the person holds here.
pub(crate) async fn local(
    conn: &mut SqliteConnection,
    subject: &str,
    client_ids: &[&str],
) -> Result<Vec<LocalDossier>, EngineError> {
    let ids = serde_json::to_string(client_ids).map_err(EngineError::Corrupt)?;
    let found: Vec<LocalRow> = sqlx::query_as(LOCAL_STATE).bind(subject).bind(ids).fetch_all(&mut *conn).await?;
    found
        .into_iter()
        .map(|(client_id, code, status, seen, outbox_phase, based_on)| {
            let pending = match (outbox_phase.as_deref(), based_on) {
                (Some("pending" | "needs_action"), _) => Some(Pending::Submission),
                (_, Some(based_on)) => {
                    Some(Pending::Supplement { based_on: u64::try_from(based_on).unwrap_or_default() })
                }
                _ => None,
            };
            Ok(LocalDossier {
                client_id,
                code,
                status: parse_status(&status)?,
                seen: seen.and_then(|s| u64::try_from(s).ok()),
                pending,
            })
        })
        .collect()
}

/// Stores the portal's state of the dossiers a slice of the feed changed
/// (the statuses held before are the caller's, from [`local`]), in one
/// statement: the rows go as one JSON array of `[client id, procedure,
/// status, code, due on, updated at, cursor]`, because a statement per
/// dossier is a round trip to the store's worker thread each, which for a
/// catch-up of 10,000 changes was most of the sync's time. A dossier named
/// twice keeps its last row, as statement after statement would.
pub(crate) async fn upsert_all(
    conn: &mut SqliteConnection,
    subject: &str,
    acting: &str,
    changed: &[(&DossierSummary, u64)],
) -> Result<(), EngineError> {
    if changed.is_empty() {
        return Ok(());
    }
    let rows: Vec<serde_json::Value> = changed
        .iter()
        .map(|(summary, cursor)| {
            serde_json::json!([
                summary.client_id,
                summary.procedure.as_str(),
                status_name(summary.status),
                summary.code,
                summary.due_on.map(|d| d.to_string()),
                rfc3339(summary.updated_at),
                i64::try_from(*cursor).unwrap_or(i64::MAX),
            ])
        })
        .collect();
    let rows = serde_json::to_string(&rows).map_err(EngineError::Corrupt)?;
    // `WHERE true` tells SQLite's parser that `ON CONFLICT` is the upsert's,
    // not a join constraint of the `SELECT`.
    sqlx::query::<Sqlite>(
        "INSERT INTO dossier (client_id, acting_as, procedure_code, status, code, due_on, updated_at, seen_cursor,
             subject)
         SELECT json_extract(r.value, '$[0]'), ?2, json_extract(r.value, '$[1]'), json_extract(r.value, '$[2]'),
             json_extract(r.value, '$[3]'), json_extract(r.value, '$[4]'), json_extract(r.value, '$[5]'),
             json_extract(r.value, '$[6]'), ?1
         FROM json_each(?3) AS r WHERE true
         ON CONFLICT (subject, client_id) DO UPDATE SET status = excluded.status, code = excluded.code,
             due_on = excluded.due_on, updated_at = excluded.updated_at, seen_cursor = excluded.seen_cursor",
    )
    .bind(subject)
    .bind(acting)
    .bind(rows)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The feed shows the portal has a queued submission: the answer was lost,
/// the dossier exists. Mark it sent; the row stays.
pub(crate) async fn acknowledge(
    conn: &mut SqliteConnection,
    subject: &str,
    client_id: &str,
    code: &str,
) -> Result<(), EngineError> {
    let state = serde_json::to_string(&OutboxState::Sent { code: code.to_owned() }).map_err(EngineError::Corrupt)?;
    sqlx::query("UPDATE outbox SET phase = 'sent', state = ?2 WHERE subject = ?3 AND client_id = ?1")
        .bind(client_id)
        .bind(state)
        .bind(subject)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn flag_conflict(conn: &mut SqliteConnection, subject: &str, code: &str) -> Result<(), EngineError> {
    sqlx::query("UPDATE supplement_draft SET conflict = 1 WHERE subject = ?1 AND code = ?2")
        .bind(subject)
        .bind(code)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn cursor(pool: &SqlitePool, subject: &str, acting: &str) -> Result<u64, EngineError> {
    let cursor: Option<i64> =
        sqlx::query_scalar("SELECT cursor FROM sync_cursor WHERE subject = ?1 AND acting_as = ?2")
            .bind(subject)
            .bind(acting)
            .fetch_optional(pool)
            .await?;
    Ok(cursor.and_then(|c| u64::try_from(c).ok()).unwrap_or(0))
}

pub(crate) async fn set_cursor(
    conn: &mut SqliteConnection,
    subject: &str,
    acting: &str,
    cursor: u64,
) -> Result<(), EngineError> {
    sqlx::query(
        "INSERT INTO sync_cursor (subject, acting_as, cursor) VALUES (?3, ?1, ?2)
         ON CONFLICT (subject, acting_as) DO UPDATE SET cursor = excluded.cursor",
    )
    .bind(acting)
    .bind(i64::try_from(cursor).unwrap_or(i64::MAX))
    .bind(subject)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Takes the store's write lock first thing in a transaction that reads
/// before it writes. A transaction that reads first and upgrades later is
/// refused at once ("database is locked") when another connection wrote in
/// between, which the busy timeout does not wait out; one that starts with a
/// write waits its turn instead. An update of no row takes the lock too.
/// The row is found by its key, the person and the profile.
pub(crate) async fn write_first(conn: &mut SqliteConnection, subject: &str, acting: &str) -> Result<(), EngineError> {
    sqlx::query("UPDATE sync_cursor SET cursor = cursor WHERE subject = ?1 AND acting_as = ?2")
        .bind(subject)
        .bind(acting)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Saves a supplement draft for the dossier `code`, based on the feed state
/// held now. A draft already flagged stays flagged.
pub(crate) async fn save_supplement(
    pool: &SqlitePool,
    subject: &str,
    code: &str,
    data: &str,
) -> Result<bool, EngineError> {
    let seen: Option<Option<i64>> =
        sqlx::query_scalar("SELECT seen_cursor FROM dossier WHERE subject = ?1 AND code = ?2")
            .bind(subject)
            .bind(code)
            .fetch_optional(pool)
            .await?;
    let Some(seen) = seen else { return Ok(false) };
    sqlx::query(
        "INSERT INTO supplement_draft (code, data, based_on, saved_at, subject) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (subject, code) DO UPDATE SET data = excluded.data, saved_at = excluded.saved_at",
    )
    .bind(code)
    .bind(data)
    .bind(seen.unwrap_or(0))
    .bind(rfc3339(OffsetDateTime::now_utc()))
    .bind(subject)
    .execute(pool)
    .await?;
    Ok(true)
}

pub(crate) async fn supplement(
    pool: &SqlitePool,
    subject: &str,
    code: &str,
) -> Result<Option<(String, bool)>, EngineError> {
    Ok(sqlx::query_as("SELECT data, conflict FROM supplement_draft WHERE subject = ?1 AND code = ?2")
        .bind(subject)
        .bind(code)
        .fetch_optional(pool)
        .await?)
}
