//! Demo data: identities that exist only on a portal started with `--demo`,
//! so support staff can show every service without a real account.

use hoso_protocol::api::DemoIdentity;
use sqlx::AnyPool;

use crate::PortalError;

const IDENTITIES: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/demo/identities.json"));

pub async fn seed(pool: &AnyPool) -> Result<(), PortalError> {
    let identities: Vec<DemoIdentity> = serde_json::from_str(IDENTITIES).map_err(PortalError::Seed)?;
    let mut tx = pool.begin().await?;
    for identity in &identities {
        let role = serde_json::to_value(identity.role).map_err(PortalError::Seed)?;
        sqlx::query(
            "INSERT INTO demo_identity (username, full_name, role) VALUES ($1, $2, $3)
             ON CONFLICT (username) DO UPDATE SET full_name = excluded.full_name, role = excluded.role",
        )
        .bind(&identity.username)
        .bind(&identity.full_name)
        .bind(role.as_str())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn identities(pool: &AnyPool) -> Result<Vec<DemoIdentity>, PortalError> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT username, full_name, role FROM demo_identity ORDER BY username").fetch_all(pool).await?;
    rows.into_iter()
        .map(|(username, full_name, role)| {
            let role = serde_json::from_value(serde_json::Value::String(role)).map_err(PortalError::Corrupt)?;
            Ok(DemoIdentity { username, full_name, role })
        })
        .collect()
}
