//! The passkeys people enrolled: one row per credential, owned by one
//! person, holding webauthn-rs's serialized `Passkey` with its signature
//! counter, a name the person chose, and when it was made and last used.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sqlx::AnyPool;
use webauthn_rs::prelude::{Passkey, Uuid};

use crate::PortalError;

/// A stored passkey with what the person sees of it.
pub struct StoredPasskey {
    pub credential_id: String,
    pub subject: String,
    pub user_handle: Uuid,
    pub name: String,
    pub passkey: Passkey,
    pub counter: i64,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct Row {
    credential_id: String,
    subject: String,
    user_handle: String,
    name: String,
    passkey: String,
    counter: i64,
    created_at: i64,
    last_used_at: Option<i64>,
}

impl TryFrom<Row> for StoredPasskey {
    type Error = PortalError;

    fn try_from(row: Row) -> Result<Self, PortalError> {
        let corrupt = || PortalError::CorruptRecord(format!("passkey of {}", row.subject));
        let user_handle = Uuid::parse_str(&row.user_handle).map_err(|_| corrupt())?;
        let passkey = serde_json::from_str(&row.passkey).map_err(|_| corrupt())?;
        Ok(Self {
            credential_id: row.credential_id,
            subject: row.subject,
            user_handle,
            name: row.name,
            passkey,
            counter: row.counter,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
        })
    }
}

const COLUMNS: &str = "credential_id, subject, user_handle, name, passkey, counter, created_at, last_used_at";

/// A credential id as stored and shown: base64url without padding.
pub fn credential_key(id: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(id)
}

/// The person's WebAuthn user handle, made on first use. Racing first uses
/// both end with the one the database kept.
pub async fn user_handle(pool: &AnyPool, subject: &str) -> Result<Uuid, PortalError> {
    sqlx::query("INSERT INTO passkey_user (subject, user_handle) VALUES ($1, $2) ON CONFLICT (subject) DO NOTHING")
        .bind(subject)
        .bind(Uuid::new_v4().to_string())
        .execute(pool)
        .await?;
    let stored: String = sqlx::query_scalar("SELECT user_handle FROM passkey_user WHERE subject = $1")
        .bind(subject)
        .fetch_one(pool)
        .await?;
    Uuid::parse_str(&stored).map_err(|_| PortalError::CorruptRecord(format!("user handle of {subject}")))
}

/// The person's passkeys, oldest first.
pub async fn of_person(pool: &AnyPool, subject: &str) -> Result<Vec<StoredPasskey>, PortalError> {
    let rows: Vec<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM passkey WHERE subject = $1 ORDER BY created_at, credential_id"))
            .bind(subject)
            .fetch_all(pool)
            .await?;
    rows.into_iter().map(StoredPasskey::try_from).collect()
}

/// The passkey with this credential id, whoever owns it.
pub async fn find(pool: &AnyPool, credential_id: &str) -> Result<Option<StoredPasskey>, PortalError> {
    let row: Option<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM passkey WHERE credential_id = $1"))
        .bind(credential_id)
        .fetch_optional(pool)
        .await?;
    row.map(StoredPasskey::try_from).transpose()
}

/// Stores a newly registered passkey; `false` when its credential id is
/// already registered (to this person or anyone else), which WebAuthn
/// requires the relying party to refuse.
pub async fn insert(
    pool: &AnyPool,
    subject: &str,
    user_handle: Uuid,
    name: &str,
    passkey: &Passkey,
    now: i64,
) -> Result<Option<String>, PortalError> {
    let credential_id = credential_key(passkey.cred_id().as_ref());
    let inserted = sqlx::query(
        "INSERT INTO passkey (credential_id, subject, user_handle, name, passkey, counter, created_at)
         VALUES ($1, $2, $3, $4, $5, 0, $6) ON CONFLICT (credential_id) DO NOTHING",
    )
    .bind(&credential_id)
    .bind(subject)
    .bind(user_handle.to_string())
    .bind(name)
    .bind(serde_json::to_string(passkey).map_err(PortalError::Corrupt)?)
    .bind(now)
    .execute(pool)
    .await?;
    Ok((inserted.rows_affected() == 1).then_some(credential_id))
}

/// Records a sign-in with the passkey: its updated state and counter.
/// Compared against the counter read before verifying, so of two sign-ins
/// racing with one signature count only one is recorded; `false` for the
/// other.
pub async fn record_use(
    pool: &AnyPool,
    stored: &StoredPasskey,
    updated: &Passkey,
    counter: i64,
    now: i64,
) -> Result<bool, PortalError> {
    let recorded = sqlx::query(
        "UPDATE passkey SET passkey = $1, counter = $2, last_used_at = $3 WHERE credential_id = $4 AND counter = $5",
    )
    .bind(serde_json::to_string(updated).map_err(PortalError::Corrupt)?)
    .bind(counter)
    .bind(now)
    .bind(&stored.credential_id)
    .bind(stored.counter)
    .execute(pool)
    .await?;
    Ok(recorded.rows_affected() == 1)
}

/// Deletes one of the person's passkeys; `false` if they have none by that
/// id, which includes another person's.
pub async fn delete(pool: &AnyPool, subject: &str, credential_id: &str) -> Result<bool, PortalError> {
    let deleted = sqlx::query("DELETE FROM passkey WHERE credential_id = $1 AND subject = $2")
        .bind(credential_id)
        .bind(subject)
        .execute(pool)
        .await?;
    Ok(deleted.rows_affected() == 1)
}

/// The person's sign-in name, which authenticators show beside the passkey.
pub async fn username(pool: &AnyPool, subject: &str) -> Result<String, PortalError> {
    Ok(sqlx::query_scalar("SELECT username FROM person WHERE subject = $1").bind(subject).fetch_one(pool).await?)
}
