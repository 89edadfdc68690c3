//! Where the signing keys live: in the portal's database, so a restarted
//! portal keeps signing with the same key and every process behind a load
//! balancer publishes the same JWKS. Creating and rotating keys happen under
//! a row lock, so concurrent processes never make two current keys.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sqlx::AnyPool;

use super::keys::{KeyRing, RETIRED_KEPT, SigningKey};
use crate::PortalError;

/// The key ring as stored, creating the first key if there is none.
pub async fn load_or_create(pool: &AnyPool, now_ms: i64) -> Result<KeyRing, PortalError> {
    let mut tx = pool.begin().await?;
    lock(&mut tx, now_ms).await?;
    let current: Option<String> =
        sqlx::query_scalar("SELECT pkcs8 FROM signing_key WHERE retired_at IS NULL").fetch_optional(&mut *tx).await?;
    if current.is_none() {
        insert(&mut tx, &SigningKey::generate()?, now_ms).await?;
    }
    tx.commit().await?;
    load(pool).await
}

/// Retires the current key and makes a new one current; returns the new ring.
pub async fn rotate(pool: &AnyPool, now_ms: i64) -> Result<KeyRing, PortalError> {
    let mut tx = pool.begin().await?;
    lock(&mut tx, now_ms).await?;
    sqlx::query("UPDATE signing_key SET retired_at = $1 WHERE retired_at IS NULL")
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    insert(&mut tx, &SigningKey::generate()?, now_ms).await?;
    tx.commit().await?;
    load(pool).await
}

/// Reads the current key and the most recently retired ones.
pub async fn load(pool: &AnyPool) -> Result<KeyRing, PortalError> {
    let current: String = sqlx::query_scalar("SELECT pkcs8 FROM signing_key WHERE retired_at IS NULL")
        .fetch_optional(pool)
        .await?
        .ok_or(PortalError::NoSigningKey)?;
    let retired: Vec<String> = sqlx::query_scalar(
        "SELECT pkcs8 FROM signing_key WHERE retired_at IS NOT NULL ORDER BY retired_at DESC, created_at DESC LIMIT $1",
    )
    .bind(i64::try_from(RETIRED_KEPT).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await?;
    let retired = retired.iter().map(|stored| decode(stored)).collect::<Result<_, _>>()?;
    Ok(KeyRing::from_parts(decode(&current)?, retired))
}

async fn lock(tx: &mut sqlx::Transaction<'_, sqlx::Any>, now_ms: i64) -> Result<(), PortalError> {
    // Writing the row takes its lock (PostgreSQL) or the write lock (SQLite)
    // until the transaction ends.
    sqlx::query("UPDATE signing_key_lock SET touched_at = $1 WHERE id = 1").bind(now_ms).execute(&mut **tx).await?;
    Ok(())
}

async fn insert(tx: &mut sqlx::Transaction<'_, sqlx::Any>, key: &SigningKey, now_ms: i64) -> Result<(), PortalError> {
    sqlx::query("INSERT INTO signing_key (kid, pkcs8, created_at) VALUES ($1, $2, $3)")
        .bind(key.kid())
        .bind(STANDARD.encode(key.pkcs8()))
        .bind(now_ms)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn decode(stored: &str) -> Result<SigningKey, PortalError> {
    let der = STANDARD.decode(stored).map_err(|_| PortalError::CorruptKey)?;
    SigningKey::from_pkcs8(&der).map_err(|_| PortalError::CorruptKey)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn pool(dir: &tempfile::TempDir) -> AnyPool {
        crate::db::open(&format!("sqlite:{}", dir.path().join("portal.db").display())).await.unwrap()
    }

    fn kids(ring: &KeyRing) -> Vec<String> {
        ring.jwks().keys.iter().filter_map(|k| k.common.key_id.clone()).collect()
    }

    #[tokio::test]
    async fn the_first_key_is_made_once() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        let first = load_or_create(&pool, 1).await.unwrap();
        let again = load_or_create(&pool, 2).await.unwrap();
        assert_eq!(kids(&first), kids(&again));
        assert_eq!(kids(&first).len(), 1);
    }

    #[tokio::test]
    async fn a_rotation_signs_with_a_new_key_and_keeps_the_recent_old_ones_published() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        let original = load_or_create(&pool, 1).await.unwrap().current().kid().to_owned();
        let rotated = rotate(&pool, 2).await.unwrap();
        assert_ne!(rotated.current().kid(), original);
        assert_eq!(kids(&rotated), vec![rotated.current().kid().to_owned(), original.clone()]);
        let mut ring = rotated;
        for at in 3..3 + i64::try_from(RETIRED_KEPT).unwrap() {
            ring = rotate(&pool, at).await.unwrap();
        }
        assert_eq!(kids(&ring).len(), 1 + RETIRED_KEPT);
        assert!(!kids(&ring).contains(&original), "the oldest key should have aged out");
        assert_eq!(kids(&load(&pool).await.unwrap()), kids(&ring));
    }
}
