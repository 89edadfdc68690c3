//! The rules of the token endpoint, as pure decisions over stored records:
//! authorization codes are short-lived and single-use, and a replayed code
//! revokes what its first use issued (RFC 6749 §4.1.2, RFC 9700 §4.2.1);
//! refresh tokens rotate on every use, and presenting a rotated-out one
//! revokes the whole family (RFC 9700 §4.14.2).
//!
//! Secrets (codes, refresh and access tokens) are random 256-bit values,
//! handed out once and stored only as SHA-256 hashes, so a database dump
//! cannot be replayed.

use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use super::pkce::{Challenge, PkceError};

/// How long an authorization code may wait to be redeemed.
pub const CODE_LIFETIME_SECONDS: i64 = 60;
/// How long an access token is good for; the app refreshes on a 401.
pub const ACCESS_LIFETIME_SECONDS: i64 = 300;
/// How long a refresh token family lives without being used.
pub const REFRESH_IDLE_SECONDS: i64 = 30 * 24 * 3600;

/// A fresh secret, as the client sees it.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    SystemRandom::new().fill(&mut bytes).expect("the system random source works");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a secret.
pub fn hash_secret(secret: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(64);
    for byte in Sha256::digest(secret.as_bytes()) {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    hex
}

/// Why a grant is refused. All of them are `invalid_grant` on the wire
/// (RFC 6749 §5.2); the variant is for logs and tests.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("grant.unknown")]
    Unknown,
    #[error("grant.expired")]
    Expired,
    #[error("grant.client_mismatch")]
    ClientMismatch,
    #[error("grant.redirect_mismatch")]
    RedirectMismatch,
    #[error("grant.pkce: {0}")]
    Pkce(#[from] PkceError),
    /// The code was already used: what it issued must be revoked.
    #[error("grant.code_replayed")]
    CodeReplayed { family: String },
    /// A rotated-out refresh token came back: the family must be revoked.
    #[error("grant.refresh_replayed")]
    RefreshReplayed { family: String },
    #[error("grant.revoked")]
    Revoked,
}

/// An authorization code as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub challenge: Challenge,
    pub expires_at: i64,
    /// Set once redeemed: the grant (token family) it issued. Every
    /// redemption opens one, so a replay can always revoke what it issued.
    pub redeemed_into: Option<String>,
}

/// What the client presents at `/token` with `grant_type=authorization_code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRedemption<'a> {
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub verifier: &'a str,
}

/// Decides whether `code` can be redeemed now. A replay is reported even if
/// the rest of the request is wrong, so its first use is always revoked.
pub fn redeem_code(code: &StoredCode, request: &CodeRedemption<'_>, now: i64) -> Result<(), GrantError> {
    if let Some(family) = &code.redeemed_into {
        return Err(GrantError::CodeReplayed { family: family.clone() });
    }
    if now >= code.expires_at {
        return Err(GrantError::Expired);
    }
    if request.client_id != code.client_id {
        return Err(GrantError::ClientMismatch);
    }
    if request.redirect_uri != code.redirect_uri {
        return Err(GrantError::RedirectMismatch);
    }
    code.challenge.verify(request.verifier)?;
    Ok(())
}

/// A refresh token family (a grant) as stored: only its current refresh
/// token is valid; tokens rotated out of it stay on record to detect reuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFamily {
    pub id: String,
    pub client_id: String,
    pub last_used_at: i64,
    pub revoked: bool,
}

/// Whether the presented refresh token is its family's current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presented {
    Current,
    RotatedOut,
}

/// Decides a refresh: the current token rotates; a rotated-out one means
/// the family leaked and must be revoked.
pub fn refresh(family: &StoredFamily, presented: Presented, client_id: &str, now: i64) -> Result<(), GrantError> {
    if family.revoked {
        return Err(GrantError::Revoked);
    }
    if presented == Presented::RotatedOut {
        return Err(GrantError::RefreshReplayed { family: family.id.clone() });
    }
    if family.client_id != client_id {
        return Err(GrantError::ClientMismatch);
    }
    if now - family.last_used_at >= REFRESH_IDLE_SECONDS {
        return Err(GrantError::Expired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    fn code() -> StoredCode {
        StoredCode {
            client_id: "hoso-app".into(),
            redirect_uri: "http://127.0.0.1:5000/callback".into(),
            challenge: Challenge::parse(CHALLENGE, "S256").unwrap(),
            expires_at: 1_000 + CODE_LIFETIME_SECONDS,
            redeemed_into: None,
        }
    }

    fn request() -> CodeRedemption<'static> {
        CodeRedemption { client_id: "hoso-app", redirect_uri: "http://127.0.0.1:5000/callback", verifier: VERIFIER }
    }

    #[test]
    fn a_fresh_code_with_the_right_verifier_is_redeemed() {
        assert_eq!(redeem_code(&code(), &request(), 1_010), Ok(()));
    }

    #[test]
    fn a_replayed_code_names_the_family_its_first_use_issued() {
        let used = StoredCode { redeemed_into: Some("fam-1".into()), ..code() };
        assert_eq!(redeem_code(&used, &request(), 1_010), Err(GrantError::CodeReplayed { family: "fam-1".into() }));
        // Even a replay with a wrong verifier must be recognised as a replay.
        let wrong_verifier = "x".repeat(43);
        let wrong = CodeRedemption { verifier: &wrong_verifier, ..request() };
        assert!(matches!(redeem_code(&used, &wrong, 1_010), Err(GrantError::CodeReplayed { .. })));
    }

    #[test]
    fn an_expired_code_is_refused() {
        assert_eq!(redeem_code(&code(), &request(), 1_000 + CODE_LIFETIME_SECONDS), Err(GrantError::Expired));
    }

    #[test]
    fn a_code_is_bound_to_its_client_redirect_and_verifier() {
        let other_client = CodeRedemption { client_id: "other", ..request() };
        assert_eq!(redeem_code(&code(), &other_client, 1_010), Err(GrantError::ClientMismatch));
        let other_port = CodeRedemption { redirect_uri: "http://127.0.0.1:5001/callback", ..request() };
        assert_eq!(redeem_code(&code(), &other_port, 1_010), Err(GrantError::RedirectMismatch));
        let other_verifier = CodeRedemption { verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl", ..request() };
        assert_eq!(redeem_code(&code(), &other_verifier, 1_010), Err(GrantError::Pkce(PkceError::Mismatch)));
    }

    fn family() -> StoredFamily {
        StoredFamily { id: "fam-1".into(), client_id: "hoso-app".into(), last_used_at: 1_000, revoked: false }
    }

    #[test]
    fn the_current_refresh_token_rotates() {
        assert_eq!(refresh(&family(), Presented::Current, "hoso-app", 2_000), Ok(()));
    }

    #[test]
    fn a_rotated_out_refresh_token_revokes_the_family() {
        assert_eq!(
            refresh(&family(), Presented::RotatedOut, "hoso-app", 2_000),
            Err(GrantError::RefreshReplayed { family: "fam-1".into() })
        );
    }

    #[test]
    fn a_revoked_or_idle_family_refreshes_nothing() {
        let revoked = StoredFamily { revoked: true, ..family() };
        assert_eq!(refresh(&revoked, Presented::Current, "hoso-app", 2_000), Err(GrantError::Revoked));
        assert_eq!(
            refresh(&family(), Presented::Current, "hoso-app", 1_000 + REFRESH_IDLE_SECONDS),
            Err(GrantError::Expired)
        );
        assert_eq!(refresh(&family(), Presented::Current, "other", 2_000), Err(GrantError::ClientMismatch));
    }

    #[test]
    fn secrets_are_random_and_stored_only_hashed() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash_secret(&a).len(), 64);
        // SHA-256 of "abc" (FIPS 180-2), in lowercase hex as stored.
        assert_eq!(hash_secret("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(!hash_secret(&a).contains(&a));
    }
}
