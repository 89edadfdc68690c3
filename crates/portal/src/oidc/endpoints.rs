//! The provider's HTTP endpoints: discovery, authorize (with the sign-in
//! page), token (authorization code grant) and userinfo. Each handler loads
//! what the rules in this module's siblings need, lets them decide, and
//! stores the outcome; no rule is decided here.

use axum::Json;
use axum::extract::{Form, Query, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, LOCATION, PRAGMA, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::authorize::{Client, RawRequest, Refusal, SCOPES, judge};
use super::grant::{
    ACCESS_LIFETIME_SECONDS, CODE_LIFETIME_SECONDS, CodeRedemption, StoredCode, hash_secret, new_secret,
};
use super::pages;
use super::pkce::Challenge;
use crate::accounts::{self, SignInError};
use crate::http::AppState;
use crate::{PortalError, unix_seconds};

pub const DISCOVERY: &str = "/.well-known/openid-configuration";
pub const AUTHORIZE: &str = "/authorize";
pub const LOGIN: &str = "/login";
pub const TOKEN: &str = "/token";
pub const USERINFO: &str = "/userinfo";

/// How long a person has to sign in once the app sent them here.
const REQUEST_LIFETIME_SECONDS: i64 = 600;

fn clients() -> [Client; 1] {
    [Client::hoso_app()]
}

pub async fn discovery(State(state): State<AppState>) -> Json<Value> {
    let issuer = &state.issuer;
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}{AUTHORIZE}"),
        "token_endpoint": format!("{issuer}{TOKEN}"),
        "userinfo_endpoint": format!("{issuer}{USERINFO}"),
        "jwks_uri": format!("{issuer}{}", hoso_protocol::api::path::JWKS),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "scopes_supported": SCOPES,
        "claims_supported": ["sub", "name", "birthdate", "citizen_id", "phone_number", "address", "acr", "enterprises"],
        "authorization_response_iss_parameter_supported": true,
    }))
}

/// Adds `pairs` to the query of `uri`, the issuer included (RFC 9207), so the
/// client can tell which provider answered.
fn redirect_with(uri: &str, pairs: &[(&str, Option<&str>)]) -> Response {
    let Ok(mut url) = url::Url::parse(uri) else {
        return pages::refused(StatusCode::BAD_REQUEST, "redirect_uri");
    };
    {
        let mut query = url.query_pairs_mut();
        for (name, value) in pairs {
            if let Some(value) = value {
                query.append_pair(name, value);
            }
        }
    }
    (StatusCode::SEE_OTHER, [(LOCATION, url.as_str().to_owned())]).into_response()
}

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
    Ok(pages::login(&id, "", None))
}

#[derive(Deserialize)]
pub struct LoginForm {
    request_id: String,
    username: String,
    password: String,
    code: String,
}

#[derive(sqlx::FromRow)]
struct PendingRequest {
    client_id: String,
    redirect_uri: String,
    scope: String,
    state: Option<String>,
    nonce: String,
    code_challenge: String,
}

pub async fn login(State(state): State<AppState>, Form(form): Form<LoginForm>) -> Result<Response, PortalError> {
    let now = unix_seconds();
    let pending: Option<PendingRequest> = sqlx::query_as(
        "SELECT client_id, redirect_uri, scope, state, nonce, code_challenge FROM auth_request
         WHERE id = $1 AND expires_at > $2",
    )
    .bind(&form.request_id)
    .bind(now)
    .fetch_optional(&state.pool)
    .await?;
    let Some(pending) = pending else {
        return Ok(pages::refused(
            StatusCode::BAD_REQUEST,
            "Yêu cầu đăng nhập đã hết hạn. / The sign-in request expired.",
        ));
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
            return Ok(pages::login(&form.request_id, &form.username, Some(message)));
        }
    };
    let code = new_secret();
    let mut tx = state.pool.begin().await?;
    // Deleting the request and checking it was still there is one statement,
    // so a double-submitted form issues one code.
    let taken = sqlx::query("DELETE FROM auth_request WHERE id = $1").bind(&form.request_id).execute(&mut *tx).await?;
    if taken.rows_affected() != 1 {
        return Ok(pages::refused(
            StatusCode::BAD_REQUEST,
            "Yêu cầu đăng nhập đã được dùng. / The sign-in request was already used.",
        ));
    }
    sqlx::query(
        "INSERT INTO auth_code (code_hash, subject, client_id, redirect_uri, scope, nonce, code_challenge, auth_time, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(hash_secret(&code))
    .bind(&subject)
    .bind(&pending.client_id)
    .bind(&pending.redirect_uri)
    .bind(&pending.scope)
    .bind(&pending.nonce)
    .bind(&pending.code_challenge)
    .bind(now)
    .bind(now + CODE_LIFETIME_SECONDS)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(redirect_with(
        &pending.redirect_uri,
        &[("code", Some(&code)), ("state", pending.state.as_deref()), ("iss", Some(&state.issuer))],
    ))
}

#[derive(Deserialize)]
pub struct TokenForm {
    grant_type: String,
    code: Option<String>,
    redirect_uri: Option<String>,
    client_id: Option<String>,
    code_verifier: Option<String>,
}

/// An OAuth error answer (RFC 6749 §5.2), never cached.
fn oauth_error(status: StatusCode, error: &str) -> Response {
    (status, [(CACHE_CONTROL, HeaderValue::from_static("no-store"))], Json(json!({ "error": error }))).into_response()
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
}

pub async fn token(State(state): State<AppState>, Form(form): Form<TokenForm>) -> Result<Response, PortalError> {
    if form.grant_type != "authorization_code" {
        return Ok(oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type"));
    }
    let (Some(code), Some(redirect_uri), Some(client_id), Some(verifier)) =
        (form.code, form.redirect_uri, form.client_id, form.code_verifier)
    else {
        return Ok(oauth_error(StatusCode::BAD_REQUEST, "invalid_request"));
    };
    let code_hash = hash_secret(&code);
    let row: Option<CodeRow> = sqlx::query_as(
        "SELECT subject, client_id, redirect_uri, scope, nonce, code_challenge, auth_time, expires_at, grant_id
         FROM auth_code WHERE code_hash = $1",
    )
    .bind(&code_hash)
    .fetch_optional(&state.pool)
    .await?;
    let Some(row) = row else { return Ok(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant")) };
    let Ok(challenge) = Challenge::parse(&row.code_challenge, "S256") else {
        return Err(PortalError::CorruptRecord("stored code challenge".into()));
    };
    let stored = StoredCode {
        client_id: row.client_id.clone(),
        redirect_uri: row.redirect_uri.clone(),
        challenge,
        expires_at: row.expires_at,
        redeemed_into: row.grant_id.clone(),
    };
    let request = CodeRedemption { client_id: &client_id, redirect_uri: &redirect_uri, verifier: &verifier };
    let now = unix_seconds();
    if let Err(refused) = super::grant::redeem_code(&stored, &request, now) {
        if let super::grant::GrantError::CodeReplayed { family } = &refused {
            revoke_grant(&state, family).await?;
            tracing::warn!(grant = %family, "authorization code replayed; its grant is revoked");
        }
        return Ok(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant"));
    }

    let grant_id = new_secret();
    let access_token = new_secret();
    let mut tx = state.pool.begin().await?;
    sqlx::query("INSERT INTO oidc_grant (id, subject, client_id, scope, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&grant_id)
        .bind(&row.subject)
        .bind(&row.client_id)
        .bind(&row.scope)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    // Claiming the code and checking it was unclaimed is one statement: of two
    // racing redemptions, exactly one finds the row.
    let claimed = sqlx::query("UPDATE auth_code SET grant_id = $1 WHERE code_hash = $2 AND grant_id IS NULL")
        .bind(&grant_id)
        .bind(&code_hash)
        .execute(&mut *tx)
        .await?;
    if claimed.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant"));
    }
    sqlx::query(
        "INSERT INTO access_token (token_hash, grant_id, subject, scope, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(hash_secret(&access_token))
    .bind(&grant_id)
    .bind(&row.subject)
    .bind(&row.scope)
    .bind(now + ACCESS_LIFETIME_SECONDS)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;

    let id_token = state.keys.current().sign(&IdTokenClaims {
        iss: &state.issuer,
        sub: &row.subject,
        aud: &row.client_id,
        exp: now + ACCESS_LIFETIME_SECONDS,
        iat: now,
        auth_time: row.auth_time,
        nonce: &row.nonce,
    })?;
    let body = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": ACCESS_LIFETIME_SECONDS,
        "id_token": id_token,
        "scope": row.scope,
    });
    let headers =
        [(CACHE_CONTROL, HeaderValue::from_static("no-store")), (PRAGMA, HeaderValue::from_static("no-cache"))];
    Ok((headers, Json(body)).into_response())
}

/// Revokes a grant and every token it issued.
async fn revoke_grant(state: &AppState, grant_id: &str) -> Result<(), PortalError> {
    let mut tx = state.pool.begin().await?;
    sqlx::query("UPDATE oidc_grant SET revoked = 1 WHERE id = $1").bind(grant_id).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM access_token WHERE grant_id = $1").bind(grant_id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

fn unauthorized() -> Response {
    let challenge = HeaderValue::from_static("Bearer error=\"invalid_token\"");
    (StatusCode::UNAUTHORIZED, [(WWW_AUTHENTICATE, challenge)], Json(json!({ "error": "invalid_token" })))
        .into_response()
}

pub async fn userinfo(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, PortalError> {
    let Some(token) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
    else {
        return Ok(unauthorized());
    };
    let found: Option<(String, String)> = sqlx::query_as(
        "SELECT a.subject, a.scope FROM access_token a JOIN oidc_grant g ON g.id = a.grant_id
         WHERE a.token_hash = $1 AND a.expires_at > $2 AND g.revoked = 0",
    )
    .bind(hash_secret(token))
    .bind(unix_seconds())
    .fetch_optional(&state.pool)
    .await?;
    let Some((subject, scope)) = found else { return Ok(unauthorized()) };
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
