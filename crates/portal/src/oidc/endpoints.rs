//! The provider's HTTP endpoints: discovery, authorize (with the sign-in
//! page), the password sign-in and the code issuing every sign-in method
//! ends with, token (authorization code and refresh token grants), userinfo
//! and revocation. Each handler loads
//! what the rules in this module's siblings need, lets them decide, and
//! stores the outcome; no rule is decided here.

use axum::Json;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::header::{CACHE_CONTROL, LOCATION, PRAGMA, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hoso_protocol::error::ErrorEnvelope;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::{Connection, FromRow, Row};
use std::sync::LazyLock;

use super::authorize::{Client, RawRequest, Refusal, SCOPES, judge};
use super::grant::{
    self, ACCESS_LIFETIME_SECONDS, CODE_LIFETIME_SECONDS, CodeRedemption, GrantError, Presented, StoredCode,
    StoredFamily, hash_secret, new_secret,
};
use super::pages;
use super::pkce::Challenge;
use crate::accounts::{self, SignInError};
use crate::http::AppState;
use crate::{PortalError, rate_limit, unix_seconds};

pub const DISCOVERY: &str = "/.well-known/openid-configuration";
pub const AUTHORIZE: &str = "/authorize";
pub const LOGIN: &str = "/login";
pub const TOKEN: &str = "/token";
pub const USERINFO: &str = "/userinfo";
pub const REVOKE: &str = "/revoke";

/// How long a person has to sign in once the app sent them here.
const REQUEST_LIFETIME_SECONDS: i64 = 600;

pub(crate) fn clients() -> [Client; 1] {
    [Client::hoso_app()]
}

/// The provider's metadata (OpenID Connect Discovery 1.0).
#[utoipa::path(
    get,
    path = DISCOVERY,
    tag = "identity",
    responses((status = 200, description = "The provider metadata: issuer, endpoints, and what it supports (code flow, PKCE S256, ES256).", body = Object))
)]
pub async fn discovery(State(state): State<AppState>) -> Json<Value> {
    let issuer = &state.issuer;
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}{AUTHORIZE}"),
        "token_endpoint": format!("{issuer}{TOKEN}"),
        "userinfo_endpoint": format!("{issuer}{USERINFO}"),
        "revocation_endpoint": format!("{issuer}{REVOKE}"),
        "end_session_endpoint": format!("{issuer}{}", super::end_session::END_SESSION),
        "jwks_uri": format!("{issuer}{}", hoso_protocol::api::path::JWKS),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "scopes_supported": SCOPES,
        "claims_supported": ["sub", "name", "birthdate", "citizen_id", "phone_number", "address", "acr", "amr", "sid", "enterprises"],
        "authorization_response_iss_parameter_supported": true,
    }))
}

/// Adds `pairs` to the query of `uri`, the issuer included (RFC 9207), so the
/// client can tell which provider answered.
fn redirect_with(uri: &str, pairs: &[(&str, Option<&str>)]) -> Response {
    match redirect_location(uri, pairs) {
        Some(location) => (StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response(),
        None => pages::refused(StatusCode::BAD_REQUEST, "redirect_uri"),
    }
}

/// `uri` with `pairs` added to its query; `None` if it is not a URL.
pub(crate) fn redirect_location(uri: &str, pairs: &[(&str, Option<&str>)]) -> Option<String> {
    let mut url = url::Url::parse(uri).ok()?;
    {
        let mut query = url.query_pairs_mut();
        for (name, value) in pairs {
            if let Some(value) = value {
                query.append_pair(name, value);
            }
        }
    }
    Some(url.into())
}

/// Starts a sign-in: judges the authorization request and shows the sign-in
/// page. No script, no framing.
#[utoipa::path(
    get,
    path = AUTHORIZE,
    tag = "identity",
    params(RawRequest),
    responses(
        (status = 200, description = "The sign-in page.", content_type = "text/html", body = String),
        (status = 303, description = "A request from a known client with a registered redirect URI, refused: \
            back to the client with `error`, `error_description`, `state` and `iss` in the query.",
         headers(("Location" = String, description = "The client's redirect URI."))),
        (status = 400, description = "An unknown client or redirect URI: an error page, never a redirect.", content_type = "text/html", body = String),
    )
)]
pub async fn authorize(State(state): State<AppState>, Query(raw): Query<RawRequest>) -> Result<Response, PortalError> {
    let request = match judge(&raw, &clients()) {
        Ok(request) => request,
        Err(Refusal::Untrusted(reason)) => return Ok(pages::refused(StatusCode::BAD_REQUEST, &reason.to_string())),
        Err(Refusal::Redirected(e)) => {
            return Ok(redirect_with(
                &e.redirect_uri,
                &[
                    ("error", Some(e.error)),
                    ("error_description", Some(e.description)),
                    ("state", e.state.as_deref()),
                    ("iss", Some(&state.issuer)),
                ],
            ));
        }
    };
    let id = new_secret();
    sqlx::query(
        "INSERT INTO auth_request (id, client_id, redirect_uri, scope, state, nonce, code_challenge, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(&request.client_id)
    .bind(&request.redirect_uri)
    .bind(request.scope.join(" "))
    .bind(request.state.as_deref())
    .bind(&request.nonce)
    .bind(request.challenge.as_str())
    .bind(unix_seconds() + REQUEST_LIFETIME_SECONDS)
    .execute(&state.pool)
    .await?;
    Ok(pages::login(&id, &request.redirect_uri, "", None))
}

/// The sign-in page's form (the fallback method: password and one-time code).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginForm {
    /// The pending authorization request, from the page.
    request_id: String,
    username: String,
    password: String,
    /// The six-digit one-time code (TOTP); each works once.
    code: String,
}

#[derive(sqlx::FromRow)]
pub(crate) struct PendingRequest {
    client_id: String,
    redirect_uri: String,
    scope: String,
    state: Option<String>,
    nonce: String,
    code_challenge: String,
}

/// Signs a person in for a pending authorization request and sends them
/// back to the client with a code.
#[utoipa::path(
    post,
    path = LOGIN,
    tag = "identity",
    request_body(content = LoginForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 303, description = "Signed in: back to the client with `code`, `state` and `iss` in the query.",
         headers(("Location" = String, description = "The client's redirect URI."))),
        (status = 400, description = "The sign-in request expired or was already used: an error page.", content_type = "text/html", body = String),
        (status = 401, description = "Wrong user name, password or code, or a code used before: the page again, with the error.", content_type = "text/html", body = String),
        (status = 422, description = "A form field is missing.", body = ErrorEnvelope),
        (status = 429, description = "Too many attempts from this address or at this user name in a minute.", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "Seconds until the next attempt may succeed."))),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<LoginForm>,
) -> Result<Response, PortalError> {
    rate_limit::hit(&state.pool, state.rate_limits.login_per_address, &rate_limit::address_key(peer)).await?;
    rate_limit::hit(&state.pool, state.rate_limits.login_per_username, &form.username.to_lowercase()).await?;
    let now = unix_seconds();
    let Some(pending) = pending_request(&state.pool, &form.request_id, now).await? else {
        return Ok(pages::refused(StatusCode::BAD_REQUEST, REQUEST_EXPIRED));
    };
    let signed_in =
        accounts::sign_in(&state.pool, &form.username, &form.password, &form.code, u64::try_from(now).unwrap_or(0))
            .await?;
    let subject = match signed_in {
        Ok(subject) => subject,
        Err(error) => {
            let message = match error {
                SignInError::WrongCredentials => {
                    "Tên đăng nhập, mật khẩu hoặc mã xác thực không đúng. / The user name, password or code is wrong."
                }
                SignInError::CodeReused => {
                    "Mã xác thực này đã được dùng; hãy đợi mã mới. / This code was already used; wait for the next one."
                }
            };
            return Ok(pages::login(&form.request_id, &pending.redirect_uri, &form.username, Some(message)));
        }
    };
    match issue_code(&state, &form.request_id, &pending, &subject, AMR_PASSWORD, now).await? {
        Some(location) => Ok((StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response()),
        None => Ok(pages::refused(StatusCode::BAD_REQUEST, REQUEST_USED)),
    }
}

pub(crate) const REQUEST_EXPIRED: &str = "Yêu cầu đăng nhập đã hết hạn. / The sign-in request expired.";
pub(crate) const REQUEST_USED: &str = "Yêu cầu đăng nhập đã được dùng. / The sign-in request was already used.";
/// How a password sign-in authenticated (RFC 8176): a password and a
/// one-time code, two factors.
pub(crate) const AMR_PASSWORD: &str = "pwd otp mfa";

/// The authorization request waiting for a sign-in, if it has not expired.
pub(crate) async fn pending_request(
    pool: &sqlx::AnyPool,
    request_id: &str,
    now: i64,
) -> Result<Option<PendingRequest>, PortalError> {
    Ok(sqlx::query_as(
        "SELECT client_id, redirect_uri, scope, state, nonce, code_challenge FROM auth_request
         WHERE id = $1 AND expires_at > $2",
    )
    .bind(request_id)
    .bind(now)
    .fetch_optional(pool)
    .await?)
}

/// Ends a pending authorization request with a code for `subject`, who
/// signed in by `amr`; returns where to send the browser: the client's
/// redirect URI with the code and state. `None` when the request was
/// already used. Every sign-in method ends here, so they all answer alike.
pub(crate) async fn issue_code(
    state: &AppState,
    request_id: &str,
    pending: &PendingRequest,
    subject: &str,
    amr: &str,
    now: i64,
) -> Result<Option<String>, PortalError> {
    let code = new_secret();
    let mut tx = state.pool.begin().await?;
    // Deleting the request and checking it was still there is one statement,
    // so a double-submitted form issues one code.
    let taken = sqlx::query("DELETE FROM auth_request WHERE id = $1").bind(request_id).execute(&mut *tx).await?;
    if taken.rows_affected() != 1 {
        return Ok(None);
    }
    sqlx::query(
        "INSERT INTO auth_code (code_hash, subject, client_id, redirect_uri, scope, nonce, code_challenge, auth_time,
                                expires_at, amr)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(hash_secret(&code))
    .bind(subject)
    .bind(&pending.client_id)
    .bind(&pending.redirect_uri)
    .bind(&pending.scope)
    .bind(&pending.nonce)
    .bind(&pending.code_challenge)
    .bind(now)
    .bind(now + CODE_LIFETIME_SECONDS)
    .bind(amr)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(redirect_location(
        &pending.redirect_uri,
        &[("code", Some(&code)), ("state", pending.state.as_deref()), ("iss", Some(&state.issuer))],
    ))
}

/// A token request: the authorization code grant (with `code`,
/// `redirect_uri`, `client_id`, `code_verifier`) or the refresh token grant
/// (with `refresh_token`, `client_id`).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct TokenForm {
    /// `authorization_code` or `refresh_token`.
    grant_type: String,
    code: Option<String>,
    redirect_uri: Option<String>,
    client_id: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
}

/// An OAuth error (RFC 6749 §5.2, RFC 6750 §3.1).
#[derive(Serialize, utoipa::ToSchema)]
pub struct OAuthError {
    /// `invalid_request`, `invalid_grant`, `unsupported_grant_type` or `invalid_token`.
    error: &'static str,
}

/// An OAuth error answer (RFC 6749 §5.2), never cached.
fn oauth_error(status: StatusCode, error: &'static str) -> Response {
    (status, [(CACHE_CONTROL, HeaderValue::from_static("no-store"))], Json(OAuthError { error })).into_response()
}

#[derive(sqlx::FromRow)]
struct CodeRow {
    subject: String,
    client_id: String,
    redirect_uri: String,
    scope: String,
    nonce: String,
    code_challenge: String,
    auth_time: i64,
    expires_at: i64,
    grant_id: Option<String>,
    amr: String,
}

#[derive(Serialize)]
struct IdTokenClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    exp: i64,
    iat: i64,
    auth_time: i64,
    nonce: &'a str,
    /// How the person signed in (RFC 8176).
    amr: Vec<&'a str>,
    /// The sign-in session (this grant), which end-session names.
    sid: &'a str,
}

/// Redeems an authorization code or rotates a refresh token.
#[utoipa::path(
    post,
    path = TOKEN,
    tag = "identity",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Tokens; never cached.", body = TokenResponse,
         headers(("Cache-Control" = String, description = "`no-store`"))),
        (status = 400, description = "A missing parameter, an unsupported grant type, or a code or refresh token that is \
            unknown, expired, replayed (which revokes its grant) or presented with the wrong client, redirect URI or verifier.",
         body = OAuthError),
        (status = 422, description = "`grant_type` is missing.", body = ErrorEnvelope),
        (status = 429, description = "Too many token requests from this address in a minute.", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "Seconds until the next attempt may succeed."))),
    )
)]
pub async fn token(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<TokenForm>,
) -> Result<Response, PortalError> {
    let limit = state.rate_limits.token_per_address;
    let key = rate_limit::address_key(peer);
    match form.grant_type.as_str() {
        "authorization_code" => code_grant(&state, limit, &key, form).await,
        "refresh_token" => {
            rate_limit::hit(&state.pool, limit, &key).await?;
            refresh_grant(&state, form).await
        }
        _ => {
            rate_limit::hit(&state.pool, limit, &key).await?;
            Ok(oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type"))
        }
    }
}

/// Claims an authorization code for a new grant and answers the code's
/// record, in one statement: of two racing redemptions exactly one gets the
/// row (`grant_id` is still NULL for one of them only).
const CLAIM_CODE: &str = "UPDATE auth_code SET grant_id = $1 WHERE code_hash = $2 AND grant_id IS NULL
     RETURNING subject, client_id, redirect_uri, scope, nonce, code_challenge, auth_time, expires_at, grant_id, amr";

/// On SQLite, the rate-limit count and the claim as one query, one hop to
/// sqlx's worker thread: the count of [`rate_limit::COUNT_SQLITE`] (`$1` the
/// bucket, `$2` the window), then the claim of [`CLAIM_CODE`] for grant `$3`
/// of the code hashed `$4`, made only if the count just written is within
/// the limit `$5`, so that a request refused for the limit leaves the code as
/// it was. The first row answered is the count, the second (if any) the code.
static COUNT_AND_CLAIM_SQLITE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{};
         UPDATE auth_code SET grant_id = $3 WHERE code_hash = $4 AND grant_id IS NULL
             AND (SELECT hits FROM rate_limit WHERE bucket = $1) <= $5
         RETURNING subject, client_id, redirect_uri, scope, nonce, code_challenge, auth_time, expires_at, grant_id, amr",
        rate_limit::COUNT_SQLITE
    )
});

/// Redeems an authorization code: the whole of it, the rate-limit count
/// included on SQLite, is one write transaction taken in its turn (see
/// [`crate::db::WriteTurns`]); the ID token is signed after the commit,
/// outside the turn. On PostgreSQL the count stays its own unflushed
/// statement (see [`rate_limit::hit`]).
///
/// On SQLite every statement is a hop to sqlx's worker thread and back, so
/// the redemption is four: BEGIN, the count and claim together, the grant and
/// both tokens inserted together, COMMIT.
async fn code_grant(
    state: &AppState,
    limit: rate_limit::Limit,
    key: &str,
    form: TokenForm,
) -> Result<Response, PortalError> {
    let on_sqlite = state.write_turns.serialised();
    if !on_sqlite {
        rate_limit::hit(&state.pool, limit, key).await?;
    }
    let mut turn = state.write_turns.take().await;
    // On SQLite the turn is the writer's own connection.
    let mut tx = match turn.as_deref_mut() {
        Some(connection) => connection.begin().await?,
        None => state.pool.begin().await?,
    };
    let count_in = on_sqlite.then(|| rate_limit::Hit::new(limit, key));
    let redeemed = redeem(&mut tx, count_in.as_ref(), form).await?;
    // A refusal commits as well: the count (the refused hits' too), and a
    // replay's revocation.
    tx.commit().await?;
    drop(turn);
    let (issued, row, sid, now) = match redeemed {
        Ok(redeemed) => redeemed,
        Err(refusal) => return Ok(refusal),
    };
    let id_token = state.keys.current().sign(&IdTokenClaims {
        iss: &state.issuer,
        sub: &row.subject,
        aud: &row.client_id,
        exp: now + ACCESS_LIFETIME_SECONDS,
        iat: now,
        auth_time: row.auth_time,
        nonce: &row.nonce,
        amr: row.amr.split(' ').collect(),
        sid: &sid,
    })?;
    Ok(token_response(issued, Some(id_token), &row.scope))
}

/// What a redeemed code gave: the tokens, the code's record, the session id
/// and the time of issue.
type Redeemed = (Issued, CodeRow, String, i64);

/// The code grant's writes inside `tx`: the code claimed, its grant opened
/// and the tokens issued; or the error to answer (the rate limit's 429 or an
/// OAuth error), with a replayed code's grant revoked. `count_in` is the
/// rate-limit hit to count in `tx`, on SQLite only (on PostgreSQL the caller
/// counted it already); it also picks SQLite's multi-statement queries.
async fn redeem(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    count_in: Option<&rate_limit::Hit>,
    form: TokenForm,
) -> Result<Result<Redeemed, Response>, PortalError> {
    let invalid_grant = || Ok(Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant")));
    let (Some(code), Some(redirect_uri), Some(client_id), Some(verifier)) =
        (form.code, form.redirect_uri, form.client_id, form.code_verifier)
    else {
        if let Some(hit) = count_in
            && let Err(limited) = rate_limit::hit_in(tx, hit).await
        {
            return Ok(Err(limited.into_response()));
        }
        return Ok(Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_request")));
    };
    let code_hash = hash_secret(&code);
    let grant_id = new_secret();
    // The common case, a fresh code, is one statement: claim and read. A code
    // that was not there to claim is read again to tell unknown from replayed.
    let claimed: Option<CodeRow> = match count_in {
        Some(hit) => {
            let rows = sqlx::query(COUNT_AND_CLAIM_SQLITE.as_str())
                .bind(&hit.bucket)
                .bind(hit.window_start)
                .bind(&grant_id)
                .bind(&code_hash)
                .bind(hit.limit.per_window)
                .fetch_all(&mut **tx)
                .await?;
            let hits: i64 = rows.first().ok_or(sqlx::Error::RowNotFound)?.try_get(0)?;
            if let Err(limited) = hit.verdict(hits) {
                return Ok(Err(limited.into_response()));
            }
            rows.get(1).map(CodeRow::from_row).transpose()?
        }
        None => sqlx::query_as(CLAIM_CODE).bind(&grant_id).bind(&code_hash).fetch_optional(&mut **tx).await?,
    };
    let (row, fresh) = match claimed {
        Some(row) => (row, true),
        None => {
            let row: Option<CodeRow> = sqlx::query_as(
                "SELECT subject, client_id, redirect_uri, scope, nonce, code_challenge, auth_time, expires_at, grant_id, amr
                 FROM auth_code WHERE code_hash = $1",
            )
            .bind(&code_hash)
            .fetch_optional(&mut **tx)
            .await?;
            let Some(row) = row else { return invalid_grant() };
            (row, false)
        }
    };
    let Ok(challenge) = Challenge::parse(&row.code_challenge, "S256") else {
        return Err(PortalError::CorruptRecord("stored code challenge".into()));
    };
    let stored = StoredCode {
        client_id: row.client_id.clone(),
        redirect_uri: row.redirect_uri.clone(),
        challenge,
        // The claim answers the new grant; what the rules judge is the code
        // as it was before this request.
        expires_at: row.expires_at,
        redeemed_into: if fresh { None } else { row.grant_id.clone() },
    };
    let request = CodeRedemption { client_id: &client_id, redirect_uri: &redirect_uri, verifier: &verifier };
    let now = unix_seconds();
    if let Err(refused) = grant::redeem_code(&stored, &request, now) {
        if let GrantError::CodeReplayed { family } = &refused {
            revoke_grant_in(tx, family).await?;
            tracing::warn!("authorization code replayed; its grant is revoked");
        }
        if fresh {
            // Refused: the code is unclaimed again, exactly as it was.
            sqlx::query("UPDATE auth_code SET grant_id = NULL WHERE code_hash = $1 AND grant_id = $2")
                .bind(&code_hash)
                .bind(&grant_id)
                .execute(&mut **tx)
                .await?;
        }
        return invalid_grant();
    }
    if !fresh {
        // Unclaimed, yet the claim found nothing: another request claimed it
        // between the two statements (another process, on PostgreSQL).
        return invalid_grant();
    }
    // The session id is not the grant id: the grant id keys tokens in the
    // database and never leaves it.
    let sid = new_secret();
    let issued = if count_in.is_some() {
        open_grant_sqlite(tx, &grant_id, &row, &sid, now).await?
    } else {
        sqlx::query(
            "INSERT INTO oidc_grant (id, subject, client_id, scope, created_at, last_used_at, sid)
             VALUES ($1, $2, $3, $4, $5, $5, $6)",
        )
        .bind(&grant_id)
        .bind(&row.subject)
        .bind(&row.client_id)
        .bind(&row.scope)
        .bind(now)
        .bind(&sid)
        .execute(&mut **tx)
        .await?;
        issue(tx, &grant_id, &row.subject, &row.scope, now).await?
    };
    Ok(Ok((issued, row, sid, now)))
}

/// A redeemed code's grant and its tokens, inserted on SQLite as one
/// multi-statement query: one hop to sqlx's worker thread instead of three.
/// The rows are those [`issue`] and the PostgreSQL path insert one statement
/// at a time (PostgreSQL's extended protocol takes one statement per query).
async fn open_grant_sqlite(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    grant_id: &str,
    row: &CodeRow,
    sid: &str,
    now: i64,
) -> Result<Issued, PortalError> {
    const GRANT_AND_ACCESS: &str =
        "INSERT INTO oidc_grant (id, subject, client_id, scope, created_at, last_used_at, sid)
             VALUES ($1, $2, $3, $4, $5, $5, $6);
         INSERT INTO access_token (token_hash, grant_id, subject, scope, expires_at) VALUES ($7, $1, $2, $4, $8)";
    const GRANT_ACCESS_AND_REFRESH: &str =
        "INSERT INTO oidc_grant (id, subject, client_id, scope, created_at, last_used_at, sid)
             VALUES ($1, $2, $3, $4, $5, $5, $6);
         INSERT INTO access_token (token_hash, grant_id, subject, scope, expires_at) VALUES ($7, $1, $2, $4, $8);
         INSERT INTO refresh_token (token_hash, grant_id, is_current, created_at) VALUES ($9, $1, 1, $5)";
    let access_token = new_secret();
    let refresh_token = grants_offline_access(&row.scope).then(new_secret);
    let sql = if refresh_token.is_some() { GRANT_ACCESS_AND_REFRESH } else { GRANT_AND_ACCESS };
    let mut query = sqlx::query(sql)
        .bind(grant_id)
        .bind(&row.subject)
        .bind(&row.client_id)
        .bind(&row.scope)
        .bind(now)
        .bind(sid)
        .bind(hash_secret(&access_token))
        .bind(now + ACCESS_LIFETIME_SECONDS);
    if let Some(token) = &refresh_token {
        query = query.bind(hash_secret(token));
    }
    query.execute(&mut **tx).await?;
    Ok(Issued { access_token, refresh_token })
}

/// Whether `scope` asks for a refresh token.
fn grants_offline_access(scope: &str) -> bool {
    scope.split(' ').any(|s| s == "offline_access")
}

#[derive(sqlx::FromRow)]
struct RefreshRow {
    grant_id: String,
    is_current: i64,
    client_id: String,
    subject: String,
    scope: String,
    last_used_at: i64,
    revoked: i64,
}

async fn refresh_grant(state: &AppState, form: TokenForm) -> Result<Response, PortalError> {
    let (Some(presented), Some(client_id)) = (form.refresh_token, form.client_id) else {
        return Ok(oauth_error(StatusCode::BAD_REQUEST, "invalid_request"));
    };
    let presented_hash = hash_secret(&presented);
    let row: Option<RefreshRow> = sqlx::query_as(
        "SELECT r.grant_id, r.is_current, g.client_id, g.subject, g.scope, g.last_used_at, g.revoked
         FROM refresh_token r JOIN oidc_grant g ON g.id = r.grant_id WHERE r.token_hash = $1",
    )
    .bind(&presented_hash)
    .fetch_optional(&state.pool)
    .await?;
    let Some(row) = row else { return Ok(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant")) };
    let family = StoredFamily {
        id: row.grant_id.clone(),
        client_id: row.client_id.clone(),
        last_used_at: row.last_used_at,
        revoked: row.revoked != 0,
    };
    let presented_as = if row.is_current != 0 { Presented::Current } else { Presented::RotatedOut };
    let now = unix_seconds();
    if let Err(refused) = grant::refresh(&family, presented_as, &client_id, now) {
        if let GrantError::RefreshReplayed { family } = &refused {
            revoke_grant(state, family).await?;
            tracing::warn!("a rotated-out refresh token came back; its grant is revoked");
        }
        return Ok(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant"));
    }
    let mut tx = state.pool.begin().await?;
    // Rotating out and checking it was current is one statement, so two
    // racing refreshes with one token cannot both succeed.
    let rotated = sqlx::query("UPDATE refresh_token SET is_current = 0 WHERE token_hash = $1 AND is_current = 1")
        .bind(&presented_hash)
        .execute(&mut *tx)
        .await?;
    if rotated.rows_affected() != 1 {
        tx.rollback().await?;
        revoke_grant(state, &row.grant_id).await?;
        return Ok(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant"));
    }
    sqlx::query("UPDATE oidc_grant SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(&row.grant_id)
        .execute(&mut *tx)
        .await?;
    let issued = issue(&mut tx, &row.grant_id, &row.subject, &row.scope, now).await?;
    tx.commit().await?;
    Ok(token_response(issued, None, &row.scope))
}

/// The secrets one token response hands out.
struct Issued {
    access_token: String,
    refresh_token: Option<String>,
}

/// Issues an access token, and a refresh token when `offline_access` was granted.
async fn issue(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    grant_id: &str,
    subject: &str,
    scope: &str,
    now: i64,
) -> Result<Issued, PortalError> {
    let access_token = new_secret();
    sqlx::query(
        "INSERT INTO access_token (token_hash, grant_id, subject, scope, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(hash_secret(&access_token))
    .bind(grant_id)
    .bind(subject)
    .bind(scope)
    .bind(now + ACCESS_LIFETIME_SECONDS)
    .execute(&mut **tx)
    .await?;
    let refresh_token = if grants_offline_access(scope) {
        let token = new_secret();
        sqlx::query("INSERT INTO refresh_token (token_hash, grant_id, is_current, created_at) VALUES ($1, $2, 1, $3)")
            .bind(hash_secret(&token))
            .bind(grant_id)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        Some(token)
    } else {
        None
    };
    Ok(Issued { access_token, refresh_token })
}

/// A successful token answer (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3).
#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    /// Opaque; sent as `Authorization: Bearer …` to API v1.
    access_token: String,
    /// Always `Bearer`.
    token_type: &'static str,
    /// Seconds the access token lives.
    expires_in: i64,
    /// The scopes granted, space-separated.
    scope: String,
    /// Only when `offline_access` was granted; rotates on every use.
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    /// Only from the authorization code grant: the ID token, signed ES256.
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
}

fn token_response(issued: Issued, id_token: Option<String>, scope: &str) -> Response {
    let body = TokenResponse {
        access_token: issued.access_token,
        token_type: "Bearer",
        expires_in: ACCESS_LIFETIME_SECONDS,
        scope: scope.to_owned(),
        refresh_token: issued.refresh_token,
        id_token,
    };
    let headers =
        [(CACHE_CONTROL, HeaderValue::from_static("no-store")), (PRAGMA, HeaderValue::from_static("no-cache"))];
    (headers, Json(body)).into_response()
}

/// A revocation request (RFC 7009).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct RevokeForm {
    /// A refresh token (ends its whole grant) or an access token.
    token: String,
}

/// RFC 7009: revoking a refresh token ends its whole grant (sign-out);
/// revoking an access token ends that token. The answer is 200 either way,
/// so the endpoint does not tell which tokens exist.
#[utoipa::path(
    post,
    path = REVOKE,
    tag = "identity",
    request_body(content = RevokeForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Revoked, or never known: the answer does not tell which."),
        (status = 422, description = "`token` is missing.", body = ErrorEnvelope),
    )
)]
pub async fn revoke(State(state): State<AppState>, Form(form): Form<RevokeForm>) -> Result<Response, PortalError> {
    let hash = hash_secret(&form.token);
    let grant: Option<String> = sqlx::query_scalar("SELECT grant_id FROM refresh_token WHERE token_hash = $1")
        .bind(&hash)
        .fetch_optional(&state.pool)
        .await?;
    match grant {
        Some(grant_id) => revoke_grant(&state, &grant_id).await?,
        None => {
            sqlx::query("DELETE FROM access_token WHERE token_hash = $1").bind(&hash).execute(&state.pool).await?;
        }
    }
    Ok(StatusCode::OK.into_response())
}

/// Revokes a grant and every token it issued.
pub(crate) async fn revoke_grant(state: &AppState, grant_id: &str) -> Result<(), PortalError> {
    let mut tx = state.pool.begin().await?;
    revoke_grant_in(&mut tx, grant_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Revokes a grant inside the caller's transaction.
async fn revoke_grant_in(tx: &mut sqlx::Transaction<'_, sqlx::Any>, grant_id: &str) -> Result<(), PortalError> {
    sqlx::query("UPDATE oidc_grant SET revoked = 1 WHERE id = $1").bind(grant_id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM access_token WHERE grant_id = $1").bind(grant_id).execute(&mut **tx).await?;
    sqlx::query("UPDATE refresh_token SET is_current = 0 WHERE grant_id = $1")
        .bind(grant_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn unauthorized() -> Response {
    let challenge = HeaderValue::from_static("Bearer error=\"invalid_token\"");
    (StatusCode::UNAUTHORIZED, [(WWW_AUTHENTICATE, challenge)], Json(OAuthError { error: "invalid_token" }))
        .into_response()
}

/// The signed-in person's claims, as far as the token's scopes allow.
#[utoipa::path(
    get,
    path = USERINFO,
    tag = "identity",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "`sub` always; `name`, `birthdate`, `citizen_id`, `acr` with `profile`; `phone_number` with `phone`; \
            `address` with `address`; `enterprises` with `enterprises`.", body = Object),
        (status = 401, description = "No live access token.", body = OAuthError,
         headers(("WWW-Authenticate" = String, description = "`Bearer error=\"invalid_token\"`"))),
    )
)]
pub async fn userinfo(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, PortalError> {
    let Some(token) = crate::caller::bearer(&headers) else { return Ok(unauthorized()) };
    let Some((subject, scope)) = crate::caller::access_token_owner(&state.pool, token).await? else {
        return Ok(unauthorized());
    };
    let Some(profile) = accounts::profile(&state.pool, &subject).await? else { return Ok(unauthorized()) };
    let scopes: Vec<&str> = scope.split(' ').collect();
    let mut claims = json!({ "sub": subject });
    if scopes.contains(&"profile") {
        claims["name"] = json!(profile.person.full_name);
        claims["birthdate"] = json!(profile.person.date_of_birth.to_string());
        claims["citizen_id"] = json!(profile.person.citizen_id.as_str());
        claims["acr"] = serde_json::to_value(profile.assurance).map_err(PortalError::Corrupt)?;
    }
    if scopes.contains(&"phone") {
        claims["phone_number"] = json!(profile.person.phone.as_ref().map(|p| p.e164().to_owned()));
    }
    if scopes.contains(&"address") {
        claims["address"] = json!({ "formatted": profile.address });
    }
    if scopes.contains(&"enterprises") {
        claims["enterprises"] = serde_json::to_value(&profile.enterprises).map_err(PortalError::Corrupt)?;
    }
    Ok(Json(claims).into_response())
}
