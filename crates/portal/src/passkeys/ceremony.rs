//! WebAuthn ceremony state, kept in the database rather than in a process:
//! two portal processes on one PostgreSQL may start and finish the same
//! ceremony. A ceremony is keyed by a random id (stored only hashed), is
//! single use (taking it deletes it, whatever comes next) and lives
//! [`LIFETIME_SECONDS`]; [`judge`] decides whether a taken ceremony may be
//! finished.

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::AnyPool;

use crate::PortalError;
use crate::oidc::grant::{hash_secret, new_secret};

/// How long a started ceremony can be finished: the authenticator's own
/// timeout, so a ceremony the browser still shows is one the server keeps.
pub const LIFETIME_SECONDS: i64 = super::relying_party::CEREMONY_TIMEOUT.as_secs() as i64;

/// What a ceremony is for, and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// Enrolling a passkey for this subject.
    Register { subject: String },
    /// Signing in for this pending authorization request.
    SignIn { request_id: String },
}

impl Purpose {
    fn columns(&self) -> (&'static str, Option<&str>, Option<&str>) {
        match self {
            Self::Register { subject } => ("register", Some(subject), None),
            Self::SignIn { request_id } => ("sign_in", None, Some(request_id)),
        }
    }
}

/// A ceremony as stored, taken out of the database.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Taken {
    purpose: String,
    subject: Option<String>,
    request_id: Option<String>,
    state: String,
    expires_at: i64,
}

/// Why a ceremony cannot be finished. On the wire all of these read "start
/// again"; the variant is for tests and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CeremonyError {
    /// Never started, or already finished (a replay).
    #[error("passkey.ceremony_unknown")]
    Unknown,
    #[error("passkey.ceremony_expired")]
    Expired,
    /// Started for another person, request or purpose.
    #[error("passkey.ceremony_mismatch")]
    Mismatch,
    /// The stored state does not read back.
    #[error("passkey.ceremony_corrupt")]
    Corrupt,
}

/// Whether `taken` may finish as `expected` at `now`; returns its state.
pub fn judge<S: DeserializeOwned>(taken: Option<Taken>, expected: &Purpose, now: i64) -> Result<S, CeremonyError> {
    let taken = taken.ok_or(CeremonyError::Unknown)?;
    if now >= taken.expires_at {
        return Err(CeremonyError::Expired);
    }
    let (purpose, subject, request_id) = expected.columns();
    if taken.purpose != purpose || taken.subject.as_deref() != subject || taken.request_id.as_deref() != request_id {
        return Err(CeremonyError::Mismatch);
    }
    serde_json::from_str(&taken.state).map_err(|_| CeremonyError::Corrupt)
}

/// Stores a new ceremony's state and returns its id. Expired ceremonies are
/// swept first, so abandoned ones cannot pile up.
pub async fn begin(pool: &AnyPool, purpose: &Purpose, state: &impl Serialize, now: i64) -> Result<String, PortalError> {
    let state = serde_json::to_string(state).map_err(PortalError::Corrupt)?;
    let id = new_secret();
    let (name, subject, request_id) = purpose.columns();
    sqlx::query("DELETE FROM passkey_ceremony WHERE expires_at <= $1").bind(now).execute(pool).await?;
    sqlx::query(
        "INSERT INTO passkey_ceremony (id_hash, purpose, subject, request_id, state, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(hash_secret(&id))
    .bind(name)
    .bind(subject)
    .bind(request_id)
    .bind(state)
    .bind(now + LIFETIME_SECONDS)
    .execute(pool)
    .await?;
    Ok(id)
}

/// Takes a ceremony out of the database. Deleting and reading are one
/// statement, so of two racing finishes only one gets the state.
pub async fn take(pool: &AnyPool, id: &str) -> Result<Option<Taken>, PortalError> {
    Ok(sqlx::query_as(
        "DELETE FROM passkey_ceremony WHERE id_hash = $1
         RETURNING purpose, subject, request_id, state, expires_at",
    )
    .bind(hash_secret(id))
    .fetch_optional(pool)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000;

    fn sign_in(request_id: &str) -> Purpose {
        Purpose::SignIn { request_id: request_id.into() }
    }

    fn taken(purpose: &Purpose, expires_at: i64) -> Option<Taken> {
        let (name, subject, request_id) = purpose.columns();
        Some(Taken {
            purpose: name.into(),
            subject: subject.map(String::from),
            request_id: request_id.map(String::from),
            state: "\"state\"".into(),
            expires_at,
        })
    }

    #[test]
    fn a_live_ceremony_for_the_same_purpose_gives_back_its_state() {
        let state: String = judge(taken(&sign_in("r1"), NOW + 1), &sign_in("r1"), NOW).unwrap();
        assert_eq!(state, "state");
    }

    #[test]
    fn a_ceremony_past_its_expiry_is_refused() {
        let at_expiry = judge::<String>(taken(&sign_in("r1"), NOW), &sign_in("r1"), NOW);
        assert_eq!(at_expiry, Err(CeremonyError::Expired));
    }

    #[test]
    fn an_unknown_or_already_taken_ceremony_is_refused() {
        assert_eq!(judge::<String>(None, &sign_in("r1"), NOW), Err(CeremonyError::Unknown));
    }

    #[test]
    fn a_ceremony_of_another_person_request_or_purpose_is_refused() {
        let alice = Purpose::Register { subject: "alice".into() };
        let bob = Purpose::Register { subject: "bob".into() };
        assert_eq!(judge::<String>(taken(&alice, NOW + 60), &bob, NOW), Err(CeremonyError::Mismatch));
        assert_eq!(judge::<String>(taken(&sign_in("r1"), NOW + 60), &sign_in("r2"), NOW), Err(CeremonyError::Mismatch));
        assert_eq!(judge::<String>(taken(&alice, NOW + 60), &sign_in("r1"), NOW), Err(CeremonyError::Mismatch));
    }
}
