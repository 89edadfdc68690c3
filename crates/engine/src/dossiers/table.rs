//! The SQL of following dossiers (tables of `migrations/0004_dossier_follow.sql`
//! and the `dossier` table of `0003_outbox.sql`): cards of one profile and
//! filings of every profile, each one query served by an index, the last
//! detail read from the portal, and the names of the person's profiles.

use hoso_domain::catalogue::{Localized, ProcedureCode};
use hoso_protocol::api::dossier::DossierSummary;
use hoso_protocol::command::{DossierCard, NeedsAction};
use sqlx::SqlitePool;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use crate::EngineError;
use crate::outbox::supplement_table::parse_time;
use crate::outbox::table::{parse_acting, parse_status, rfc3339, status_name};

/// The columns of a card, with the procedure's names read from the local
/// catalogue's JSON in the same statement.
const CARD_COLUMNS: &str = "d.client_id, d.code, d.procedure_code, d.status, d.due_on, d.updated_at, d.acting_as,
            json_extract(p.body, '$.name.vi'), json_extract(p.body, '$.name.en')";

/// A person's profile's dossier cards, newest change first; served by
/// `dossier_by_profile`.
pub(crate) fn cards_query() -> String {
    format!(
        "SELECT {CARD_COLUMNS}, NULL FROM dossier d LEFT JOIN procedure p ON p.code = d.procedure_code
         WHERE d.subject = ?1 AND d.acting_as = ?2 ORDER BY d.updated_at DESC"
    )
}

/// Every dossier of a person's profiles with the profile's name, newest
/// change first. `CROSS JOIN` keeps `dossier` the outer loop, read in the
/// order of `dossier_by_updated` from the person's first row, so no sort of
/// ten thousand rows is needed.
pub(crate) fn filings_query() -> String {
    format!(
        "SELECT {CARD_COLUMNS}, n.name FROM dossier d CROSS JOIN profile_name n
         LEFT JOIN procedure p ON p.code = d.procedure_code
         WHERE d.subject = ?1 AND n.subject = d.subject AND n.acting_as = d.acting_as ORDER BY d.updated_at DESC"
    )
}

/// A person's dossier's profile, by its code; served by the unique key.
pub(crate) const ACTING_OF: &str = "SELECT acting_as FROM dossier WHERE subject = ?1 AND code = ?2";
/// The detail of a person's dossier last read; served by its key.
pub(crate) const KEPT_DETAIL: &str = "SELECT body FROM dossier_detail WHERE subject = ?1 AND code = ?2";

type CardRow = (
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// What a dossier in `status` waits on the citizen for.
pub(crate) fn needs(status: hoso_domain::dossier::DossierStatus) -> Option<NeedsAction> {
    use hoso_domain::dossier::DossierStatus as S;
    match status {
        S::SupplementRequested => Some(NeedsAction::Supplement),
        S::PaymentRequested => Some(NeedsAction::Payment),
        S::ResultReady => Some(NeedsAction::Result),
        _ => None,
    }
}

fn card(row: CardRow) -> Result<(DossierCard, Option<String>), EngineError> {
    let (client_id, code, procedure, status, due_on, updated_at, acting, vi, en, profile) = row;
    let status = parse_status(&status)?;
    let procedure_name = match (vi, en) {
        (Some(vi), Some(en)) => Localized { vi, en },
        _ => crate::outbox::unnamed(&procedure),
    };
    let date = format_description!("[year]-[month]-[day]");
    let card = DossierCard {
        client_id,
        code,
        procedure: ProcedureCode::parse(&procedure)
            .map_err(|e| EngineError::StoredValue(format!("procedure {procedure}: {e:?}")))?,
        procedure_name,
        acting_as: parse_acting(&acting)?,
        status,
        updated_at: updated_at.map(|t| parse_time("updated_at", &t)).transpose()?,
        due_on: due_on
            .map(|d| Date::parse(&d, date).map_err(|e| EngineError::StoredValue(format!("due_on: {e}"))))
            .transpose()?,
        needs: needs(status),
    };
    Ok((card, profile))
}

pub(crate) async fn cards(pool: &SqlitePool, subject: &str, acting: &str) -> Result<Vec<DossierCard>, EngineError> {
    let rows: Vec<CardRow> = sqlx::query_as(&cards_query()).bind(subject).bind(acting).fetch_all(pool).await?;
    rows.into_iter().map(|r| card(r).map(|(card, _)| card)).collect()
}

pub(crate) async fn filings(pool: &SqlitePool, subject: &str) -> Result<Vec<(DossierCard, String)>, EngineError> {
    let rows: Vec<CardRow> = sqlx::query_as(&filings_query()).bind(subject).fetch_all(pool).await?;
    rows.into_iter().map(|r| card(r).map(|(card, profile)| (card, profile.unwrap_or_default()))).collect()
}

/// The profile a person's dossier was filed for, by its code.
pub(crate) async fn acting_of(pool: &SqlitePool, subject: &str, code: &str) -> Result<Option<String>, EngineError> {
    Ok(sqlx::query_scalar(ACTING_OF).bind(subject).bind(code).fetch_optional(pool).await?)
}

/// Adds a dossier the portal showed the person but the device did not hold
/// for them (its feed cursor unknown, so the next sync stores the feed's
/// state over it).
pub(crate) async fn hold(
    pool: &SqlitePool,
    subject: &str,
    acting: &str,
    summary: &DossierSummary,
) -> Result<(), EngineError> {
    sqlx::query(
        "INSERT INTO dossier (client_id, acting_as, procedure_code, status, code, due_on, updated_at, subject)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
    )
    .bind(&summary.client_id)
    .bind(acting)
    .bind(summary.procedure.as_str())
    .bind(status_name(summary.status))
    .bind(&summary.code)
    .bind(summary.due_on.map(|d| d.to_string()))
    .bind(rfc3339(summary.updated_at))
    .bind(subject)
    .execute(pool)
    .await?;
    Ok(())
}

pub(crate) async fn keep_detail(pool: &SqlitePool, subject: &str, code: &str, body: &str) -> Result<(), EngineError> {
    sqlx::query(
        "INSERT INTO dossier_detail (subject, code, body, fetched_at) VALUES (?4, ?1, ?2, ?3)
         ON CONFLICT (subject, code) DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at",
    )
    .bind(code)
    .bind(body)
    .bind(rfc3339(OffsetDateTime::now_utc()))
    .bind(subject)
    .execute(pool)
    .await?;
    Ok(())
}

pub(crate) async fn kept_detail(pool: &SqlitePool, subject: &str, code: &str) -> Result<Option<String>, EngineError> {
    Ok(sqlx::query_scalar(KEPT_DETAIL).bind(subject).bind(code).fetch_optional(pool).await?)
}

pub(crate) async fn has_supplement_draft(pool: &SqlitePool, subject: &str, code: &str) -> Result<bool, EngineError> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM supplement_draft WHERE subject = ?1 AND code = ?2")
        .bind(subject)
        .bind(code)
        .fetch_optional(pool)
        .await?;
    Ok(found.is_some())
}

/// Replaces the names of a person's profiles, in one transaction.
pub(crate) async fn set_profile_names(
    pool: &SqlitePool,
    subject: &str,
    names: &[(String, String)],
) -> Result<(), EngineError> {
    let mut tx = pool.begin().await?;
    sqlx::query("DELETE FROM profile_name WHERE subject = ?1").bind(subject).execute(&mut *tx).await?;
    for (acting, name) in names {
        sqlx::query("INSERT OR REPLACE INTO profile_name (subject, acting_as, name) VALUES (?3, ?1, ?2)")
            .bind(acting)
            .bind(name)
            .bind(subject)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The profiles (`myself` or a tax code) whose names a person's last
/// profile read kept, in key order.
pub(crate) async fn profile_keys(pool: &SqlitePool, subject: &str) -> Result<Vec<String>, EngineError> {
    Ok(sqlx::query_scalar("SELECT acting_as FROM profile_name WHERE subject = ?1 ORDER BY acting_as")
        .bind(subject)
        .fetch_all(pool)
        .await?)
}
