//! An officer's browser session on the back-office pages: a random token in
//! an `HttpOnly; SameSite=Strict` cookie scoped to `/office`, kept in the
//! database only as its SHA-256 with the officer's subject and an absolute
//! expiry, and the session's CSRF token every form posts back.
//!
//! The CSRF token is derived from the session token (SHA-256 under its own
//! prefix) rather than stored: it is unguessable without the cookie, differs
//! from the stored hash, and a copy of the database reveals neither.

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, LOCATION};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{SIGN_IN, render};
use crate::http::AppState;
use crate::oidc::grant::{hash_secret, new_secret};
use crate::{PortalError, accounts, unix_seconds};

/// The session cookie's name. Not `__Host-`: that prefix demands `Path=/`
/// and `Secure`, and the cookie is scoped to `/office` and must work over
/// plain http on loopback.
pub const COOKIE_NAME: &str = "hoso_office";
/// How long a session lives from sign-in, whatever is done with it: a
/// working day.
pub const SESSION_SECONDS: i64 = 8 * 60 * 60;

/// A signed-in officer on the back-office pages.
#[derive(Debug, Clone)]
pub struct OfficerSession {
    token: String,
}

impl OfficerSession {
    /// The token this session's forms carry in their `csrf` field.
    pub fn csrf(&self) -> String {
        csrf_of(&self.token)
    }

    /// Whether `presented` is this session's CSRF token, compared in constant time.
    pub fn csrf_matches(&self, presented: &str) -> bool {
        bool::from(self.csrf().as_bytes().ct_eq(presented.as_bytes()))
    }

    /// Ends the session: the row goes, so the cookie opens nothing any more.
    pub async fn end(&self, state: &AppState) -> Result<(), PortalError> {
        sqlx::query("DELETE FROM office_session WHERE token_hash = $1")
            .bind(hash_secret(&self.token))
            .execute(&state.pool)
            .await?;
        Ok(())
    }
}

fn csrf_of(token: &str) -> String {
    let digest = Sha256::new().chain_update(b"hoso-office-csrf\0").chain_update(token.as_bytes()).finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Opens a session for officer `subject`; answers the `Set-Cookie` value.
/// Expired sessions of anyone are cleared on the way, so the table stays small.
pub async fn open(state: &AppState, subject: &str) -> Result<HeaderValue, PortalError> {
    let now = unix_seconds();
    sqlx::query("DELETE FROM office_session WHERE expires_at <= $1").bind(now).execute(&state.pool).await?;
    let token = new_secret();
    sqlx::query("INSERT INTO office_session (token_hash, subject, expires_at) VALUES ($1, $2, $3)")
        .bind(hash_secret(&token))
        .bind(subject)
        .bind(now + SESSION_SECONDS)
        .execute(&state.pool)
        .await?;
    cookie(state, &token, SESSION_SECONDS)
}

/// The `Set-Cookie` value that makes the browser forget the session.
pub fn cleared(state: &AppState) -> Result<HeaderValue, PortalError> {
    cookie(state, "", 0)
}

fn cookie(state: &AppState, token: &str, max_age: i64) -> Result<HeaderValue, PortalError> {
    HeaderValue::from_str(&cookie_text(&state.issuer, token, max_age))
        .map_err(|_| PortalError::CorruptRecord("session cookie".to_owned()))
}

/// The `Set-Cookie` text for a portal whose issuer is `issuer`: `Secure`
/// whenever it is reached over https; a loopback portal on plain http could
/// not set the cookie at all with it.
fn cookie_text(issuer: &str, token: &str, max_age: i64) -> String {
    let secure = if issuer.starts_with("https://") { "; Secure" } else { "" };
    format!("{COOKIE_NAME}={token}; HttpOnly; SameSite=Strict; Path=/office; Max-Age={max_age}{secure}")
}

/// The session token a request's cookies carry, if any.
fn token_of(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == COOKIE_NAME && !value.is_empty())
        .map(|(_, value)| value)
}

/// The live session a request carries, whose subject still holds the
/// officer role.
async fn find(state: &AppState, headers: &HeaderMap) -> Result<Option<OfficerSession>, PortalError> {
    let Some(token) = token_of(headers) else {
        return Ok(None);
    };
    let subject: Option<String> =
        sqlx::query_scalar("SELECT subject FROM office_session WHERE token_hash = $1 AND expires_at > $2")
            .bind(hash_secret(token))
            .bind(unix_seconds())
            .fetch_optional(&state.pool)
            .await?;
    let Some(subject) = subject else {
        return Ok(None);
    };
    // A role withdrawn after sign-in takes effect at the next request.
    if !accounts::is_officer(&state.pool, &subject).await? {
        return Ok(None);
    }
    Ok(Some(OfficerSession { token: token.to_owned() }))
}

/// Without a live session, a browser is sent to the sign-in form.
impl FromRequestParts<AppState> for OfficerSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match find(state, &parts.headers).await {
            Ok(Some(session)) => Ok(session),
            Ok(None) => Err((StatusCode::SEE_OTHER, [(LOCATION, HeaderValue::from_static(SIGN_IN))]).into_response()),
            Err(error) => Err(render::failure(&error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_token_is_read_from_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("theme=dark; hoso_office=abc123; lang=vi"));
        assert_eq!(token_of(&headers), Some("abc123"));
        headers.insert(COOKIE, HeaderValue::from_static("hoso_office=; other=1"));
        assert_eq!(token_of(&headers), None);
        headers.insert(COOKIE, HeaderValue::from_static("not_hoso_office=abc"));
        assert_eq!(token_of(&headers), None);
    }

    #[test]
    fn the_cookie_is_secure_exactly_when_the_portal_is_reached_over_https() {
        assert_eq!(
            cookie_text("https://dichvucong.example", "t", SESSION_SECONDS),
            "hoso_office=t; HttpOnly; SameSite=Strict; Path=/office; Max-Age=28800; Secure"
        );
        assert_eq!(
            cookie_text("http://127.0.0.1:8700", "t", 0),
            "hoso_office=t; HttpOnly; SameSite=Strict; Path=/office; Max-Age=0"
        );
    }

    #[test]
    fn the_csrf_token_is_neither_the_session_token_nor_its_stored_hash() {
        let session = OfficerSession { token: new_secret() };
        let csrf = session.csrf();
        assert_ne!(csrf, session.token);
        assert_ne!(csrf, hash_secret(&session.token));
        assert!(session.csrf_matches(&csrf));
        assert!(!session.csrf_matches(""));
        assert!(!session.csrf_matches(&csrf[..csrf.len() - 1]));
        let other = OfficerSession { token: new_secret() };
        assert!(!other.csrf_matches(&csrf));
    }
}
