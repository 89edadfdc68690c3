//! Moving a dossier from one status to the next, the one way every actor
//! does it: the API's officer routes, the citizen's answers, the payment
//! callback, and later the back-office pages and the demo simulator.
//!
//! A move runs inside the caller's transaction, so whatever the move carries
//! (a supplement request, a result file, a payment) commits with it or not at
//! all. It replays the stored timeline through the domain's
//! [`Timeline`], which judges the move (the transition table and the one rule
//! that needs history, the return from a refused withdrawal), then writes the
//! new status, the timeline event and a row of the owner's changes feed.
//! Nothing here knows HTTP.

use hoso_domain::dossier::{Actor, DossierStatus, Timeline, TimelineEvent};
use sqlx::{Any, AnyConnection, Transaction};
use time::OffsetDateTime;

use crate::PortalError;
use crate::wire_name::{from_name, to_name};

/// Where a move goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A named status.
    Status(DossierStatus),
    /// Back to the status a withdrawal request interrupted (the request was refused).
    BeforeWithdrawalRequest,
}

/// Why a move did not happen.
#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    #[error("no such dossier")]
    NotFound,
    /// The lifecycle does not allow this actor this move from the current status.
    #[error("the move is not allowed from the dossier's status `{from}`")]
    NotAllowed { from: DossierStatus },
    #[error(transparent)]
    Portal(#[from] PortalError),
}

impl From<sqlx::Error> for MoveError {
    fn from(error: sqlx::Error) -> Self {
        Self::Portal(PortalError::Database(error))
    }
}

impl From<MoveError> for PortalError {
    fn from(error: MoveError) -> Self {
        match error {
            MoveError::NotFound => PortalError::NotFound,
            MoveError::NotAllowed { .. } => PortalError::Refused {
                status: axum::http::StatusCode::CONFLICT,
                kind: hoso_protocol::error::ErrorKind::Conflict,
                message: "this move is not allowed from the dossier's current status",
            },
            MoveError::Portal(error) => error,
        }
    }
}

/// A move that was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// The profile the dossier belongs to, whose changes feed now shows it.
    pub owner: String,
    pub from: DossierStatus,
    pub to: DossierStatus,
}

/// Moves dossier `code` to `target` as `actor` at `at`, with the actor's
/// `note`, inside `tx`. The caller commits.
pub async fn move_dossier(
    tx: &mut Transaction<'_, Any>,
    code: &str,
    target: Target,
    actor: Actor,
    note: Option<&str>,
    at: OffsetDateTime,
) -> Result<Moved, MoveError> {
    // A write first: SQLite takes the write lock now instead of failing to
    // upgrade later, and PostgreSQL locks the row against a concurrent move.
    let locked =
        sqlx::query("UPDATE dossier SET updated_at = updated_at WHERE code = $1").bind(code).execute(&mut **tx).await?;
    if locked.rows_affected() != 1 {
        return Err(MoveError::NotFound);
    }
    let (owner, stored): (String, String) =
        sqlx::query_as("SELECT owner, status FROM dossier WHERE code = $1").bind(code).fetch_one(&mut **tx).await?;
    let mut timeline = load_timeline(&mut **tx, code).await?;
    let from = timeline.status();
    if from.as_str() != stored {
        return Err(PortalError::CorruptRecord(format!("dossier {code}: status and timeline disagree")).into());
    }
    let to = match target {
        Target::Status(to) => to,
        Target::BeforeWithdrawalRequest if from == DossierStatus::WithdrawalRequested => {
            timeline.last().from.ok_or(MoveError::NotAllowed { from })?
        }
        Target::BeforeWithdrawalRequest => return Err(MoveError::NotAllowed { from }),
    };
    // Processes' clocks may disagree by a little; a move is never dated before
    // the one it follows, which the timeline would refuse as out of order.
    let at = at.max(timeline.last().at);
    let position = i64::try_from(timeline.events().len()).unwrap_or(i64::MAX);
    timeline.record(at, to, actor, note.map(str::to_owned)).map_err(|_| MoveError::NotAllowed { from })?;
    sqlx::query("UPDATE dossier SET status = $1, updated_at = $2 WHERE code = $3")
        .bind(to.as_str())
        .bind(at.unix_timestamp())
        .bind(code)
        .execute(&mut **tx)
        .await?;
    record_event(tx, code, position, at.unix_timestamp(), Some(from), to, actor, note).await?;
    sqlx::query("INSERT INTO dossier_change (owner, code) VALUES ($1, $2)")
        .bind(&owner)
        .bind(code)
        .execute(&mut **tx)
        .await?;
    Ok(Moved { owner, from, to })
}

/// Puts dossier `code` in its owner's changes feed when something the detail
/// shows changed without a move (a payment started or cancelled), so the app
/// syncs it too.
pub async fn announce(conn: &mut AnyConnection, code: &str) -> Result<(), PortalError> {
    sqlx::query("INSERT INTO dossier_change (owner, code) SELECT owner, code FROM dossier WHERE code = $1")
        .bind(code)
        .execute(conn)
        .await?;
    Ok(())
}

/// Writes one timeline event as stored; the caller has judged it.
#[allow(clippy::too_many_arguments)]
pub async fn record_event(
    conn: &mut AnyConnection,
    code: &str,
    position: i64,
    at: i64,
    from: Option<DossierStatus>,
    to: DossierStatus,
    actor: Actor,
    note: Option<&str>,
) -> Result<(), PortalError> {
    sqlx::query(
        "INSERT INTO dossier_event (code, position, at, from_status, to_status, actor, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(code)
    .bind(position)
    .bind(at)
    .bind(from.map(DossierStatus::as_str))
    .bind(to.as_str())
    .bind(to_name(&actor)?)
    .bind(note)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct EventRow {
    at: i64,
    from_status: Option<String>,
    to_status: String,
    actor: String,
    note: Option<String>,
}

/// The stored events of dossier `code`, oldest first.
pub async fn load_events<'c, E>(conn: E, code: &str) -> Result<Vec<TimelineEvent>, PortalError>
where
    E: sqlx::Executor<'c, Database = Any>,
{
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT at, from_status, to_status, actor, note FROM dossier_event WHERE code = $1 ORDER BY position",
    )
    .bind(code)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|EventRow { at, from_status, to_status, actor, note }| {
            Ok(TimelineEvent {
                at: OffsetDateTime::from_unix_timestamp(at)
                    .map_err(|_| PortalError::CorruptRecord(format!("dossier {code}: event time")))?,
                from: from_status.as_deref().map(from_name::<DossierStatus>).transpose()?,
                to: from_name::<DossierStatus>(&to_status)?,
                actor: from_name(&actor)?,
                note,
            })
        })
        .collect()
}

/// The stored timeline of dossier `code`, replayed through the domain's rules.
pub async fn load_timeline<'c, E>(conn: E, code: &str) -> Result<Timeline, PortalError>
where
    E: sqlx::Executor<'c, Database = Any>,
{
    Timeline::try_from(load_events(conn, code).await?)
        .map_err(|error| PortalError::CorruptRecord(format!("dossier {code}: timeline {error}")))
}
