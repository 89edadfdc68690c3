//! The catalogue as the portal keeps it: seeded from `assets/catalogue`, with
//! a version that grows only when a procedure actually changes.

use hoso_domain::catalogue::{Procedure, ProcedureCode};
use hoso_protocol::api::Catalogue;
use sqlx::AnyPool;

use crate::PortalError;

/// The catalogue shipped with this build.
const SEED: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/catalogue/procedures.json"));

/// Brings the stored catalogue up to the shipped one, in one transaction.
/// Unchanged procedures keep their version, so restarting a portal does not
/// make every client download the catalogue again.
pub async fn seed(pool: &AnyPool) -> Result<(), PortalError> {
    let procedures: Vec<Procedure> = serde_json::from_str(SEED).map_err(PortalError::Seed)?;
    let mut tx = pool.begin().await?;
    // Writing the one meta row first takes its lock (a row lock on
    // PostgreSQL, the write lock on SQLite) until commit, so portals starting
    // together on one database seed one after the other instead of both
    // claiming the same next version.
    let current: i64 = sqlx::query_scalar("UPDATE catalogue_meta SET version = version WHERE id = 1 RETURNING version")
        .fetch_one(&mut *tx)
        .await?;
    let next = current + 1;
    let mut changed = false;
    for procedure in &procedures {
        let body = serde_json::to_string(procedure).map_err(PortalError::Seed)?;
        let result = sqlx::query(
            "INSERT INTO procedure (code, body, changed_at_version) VALUES ($1, $2, $3)
             ON CONFLICT (code) DO UPDATE SET body = excluded.body, changed_at_version = excluded.changed_at_version
             WHERE procedure.body <> excluded.body",
        )
        .bind(procedure.code.as_str())
        .bind(&body)
        .bind(next)
        .execute(&mut *tx)
        .await?;
        changed |= result.rows_affected() > 0;
    }
    if changed {
        sqlx::query("UPDATE catalogue_meta SET version = $1 WHERE id = 1").bind(next).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The catalogue version alone: cheap, so an unchanged catalogue costs a
/// client one tiny query and a 304.
pub async fn version(pool: &AnyPool) -> Result<u64, PortalError> {
    let version: i64 = sqlx::query_scalar("SELECT version FROM catalogue_meta WHERE id = 1").fetch_one(pool).await?;
    Ok(u64::try_from(version).unwrap_or_default())
}

pub async fn load(pool: &AnyPool) -> Result<Catalogue, PortalError> {
    // One transaction, so the version read matches the procedures read.
    let mut tx = pool.begin().await?;
    let version: i64 =
        sqlx::query_scalar("SELECT version FROM catalogue_meta WHERE id = 1").fetch_one(&mut *tx).await?;
    let bodies: Vec<String> =
        sqlx::query_scalar("SELECT body FROM procedure ORDER BY code").fetch_all(&mut *tx).await?;
    tx.commit().await?;
    let procedures =
        bodies.iter().map(|body| serde_json::from_str(body).map_err(PortalError::Corrupt)).collect::<Result<_, _>>()?;
    Ok(Catalogue { version: u64::try_from(version).unwrap_or_default(), procedures })
}

/// One procedure by its national code, without loading the catalogue.
pub async fn procedure(pool: &AnyPool, code: &ProcedureCode) -> Result<Option<Procedure>, PortalError> {
    let body: Option<String> = sqlx::query_scalar("SELECT body FROM procedure WHERE code = $1")
        .bind(code.as_str())
        .fetch_optional(pool)
        .await?;
    body.map(|b| serde_json::from_str(&b).map_err(PortalError::Corrupt)).transpose()
}
