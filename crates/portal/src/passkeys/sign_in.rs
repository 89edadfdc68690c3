//! Signing in with a passkey on the provider's sign-in page: `start` hands
//! the page's script the request options of a discoverable (usernameless)
//! WebAuthn ceremony; `finish` verifies the authenticator's answer, finds
//! the passkey by its credential id and the person by its user handle,
//! records the signature counter, and then ends the authorization request
//! exactly as the password path does, with a code for the client's redirect
//! URI. The answer is JSON naming that address, which the script follows.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use webauthn_rs::prelude::{DiscoverableAuthentication, DiscoverableKey, PublicKeyCredential, WebauthnError};

use super::ceremony::{self, Purpose};
use super::{relying_party, store};
use crate::http::AppState;
use crate::json_body::JsonBody;
use crate::oidc::endpoints::{REQUEST_EXPIRED, REQUEST_USED, issue_code, pending_request};
use crate::{PortalError, rate_limit, unix_seconds};

pub const START: &str = "/login/passkey/start";
pub const FINISH: &str = "/login/passkey/finish";

/// How a passkey sign-in authenticated (RFC 8176): proof of possession of
/// a key (hardware or synced, the portal cannot tell), which the
/// authenticator unlocked only after verifying the person (required), so
/// two factors.
const AMR_PASSKEY: &str = "pop mfa";

/// Starting a passkey sign-in for a pending authorization request.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct StartSignIn {
    /// The pending authorization request, from the sign-in page.
    request_id: String,
}

/// The ceremony to finish and what the browser asks the authenticator.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SignInStarted {
    /// Single use, and good for a couple of minutes.
    ceremony: String,
    /// `{"publicKey": {...}}` for `navigator.credentials.get`.
    options: Value,
}

/// Finishing a passkey sign-in with the authenticator's answer.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct FinishSignIn {
    request_id: String,
    ceremony: String,
    /// The browser's `PublicKeyCredential`, byte fields base64url-encoded.
    #[schema(value_type = Object)]
    credential: PublicKeyCredential,
}

/// Signed in: where the page's script sends the browser.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SignedIn {
    /// The client's redirect URI with the code and state.
    redirect_to: String,
}

fn refused(status: StatusCode, kind: ErrorKind, message: &'static str) -> PortalError {
    PortalError::Refused { status, kind, message }
}

/// One answer for every failed passkey, so a caller learns nothing about
/// which credentials or people exist.
fn passkey_refused() -> PortalError {
    refused(StatusCode::UNAUTHORIZED, ErrorKind::Unauthenticated, "the passkey sign-in failed")
}

fn request_gone(message: &'static str) -> PortalError {
    refused(StatusCode::BAD_REQUEST, ErrorKind::InvalidInput, message)
}

/// Starts a usernameless passkey sign-in for a pending authorization
/// request (called by the sign-in page's script).
#[utoipa::path(
    post,
    path = START,
    operation_id = "passkey_sign_in_start",
    tag = "passkeys",
    request_body = StartSignIn,
    responses(
        (status = 200, description = "The ceremony and the options for `navigator.credentials.get`.", body = SignInStarted),
        (status = 400, description = "The sign-in request expired, or the body is not JSON.", body = ErrorEnvelope),
        (status = 413, description = "The body is larger than 16 KiB.", body = ErrorEnvelope),
        (status = 415, description = "The body is not sent as `application/json`.", body = ErrorEnvelope),
        (status = 422, description = "The body does not have the expected shape.", body = ErrorEnvelope),
        (status = 429, description = "Too many passkey sign-ins started from this address in a minute.", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "Seconds until the next attempt may succeed."))),
    )
)]
pub async fn start(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    JsonBody(body): JsonBody<StartSignIn>,
) -> Result<Json<SignInStarted>, PortalError> {
    rate_limit::hit(&state.pool, state.rate_limits.passkey_start_per_address, &rate_limit::address_key(peer)).await?;
    let now = unix_seconds();
    if pending_request(&state.pool, &body.request_id, now).await?.is_none() {
        return Err(request_gone(REQUEST_EXPIRED));
    }
    let webauthn = relying_party::for_issuer(&state.issuer)?;
    let (options, ceremony_state) = webauthn.start_discoverable_authentication().map_err(PortalError::WebAuthn)?;
    let purpose = Purpose::SignIn { request_id: body.request_id };
    let ceremony = ceremony::begin(&state.pool, &purpose, &ceremony_state, now).await?;
    let options = serde_json::to_value(options).map_err(PortalError::Corrupt)?;
    Ok(Json(SignInStarted { ceremony, options }))
}

/// Finishes a passkey sign-in: verifies the authenticator's answer and
/// issues the code, exactly as a password sign-in does.
#[utoipa::path(
    post,
    path = FINISH,
    operation_id = "passkey_sign_in_finish",
    tag = "passkeys",
    request_body = FinishSignIn,
    responses(
        (status = 200, description = "Signed in: the client's redirect URI with `code`, `state` and `iss`, for the script to follow.", body = SignedIn),
        (status = 400, description = "The ceremony is unknown, used or expired, the sign-in request expired or was already used, \
            or the body is not JSON.", body = ErrorEnvelope),
        (status = 401, description = "The passkey sign-in failed (one answer for every reason: an unknown credential, another \
            person's, a bad signature, a counter going backwards).", body = ErrorEnvelope),
        (status = 413, description = "The body is larger than 16 KiB.", body = ErrorEnvelope),
        (status = 415, description = "The body is not sent as `application/json`.", body = ErrorEnvelope),
        (status = 422, description = "The body does not have the expected shape.", body = ErrorEnvelope),
        (status = 429, description = "Too many sign-in attempts (passkey or password) from this address in a minute.", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "Seconds until the next attempt may succeed."))),
    )
)]
pub async fn finish(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    JsonBody(body): JsonBody<FinishSignIn>,
) -> Result<Json<SignedIn>, PortalError> {
    // Counted with password attempts: guessing is guessing, whatever the method.
    rate_limit::hit(&state.pool, state.rate_limits.login_per_address, &rate_limit::address_key(peer)).await?;
    let now = unix_seconds();
    let purpose = Purpose::SignIn { request_id: body.request_id.clone() };
    let taken = ceremony::take(&state.pool, &body.ceremony).await?;
    let ceremony_state: DiscoverableAuthentication = ceremony::judge(taken, &purpose, now).map_err(|error| {
        tracing::info!(%error, "passkey sign-in ceremony refused");
        refused(StatusCode::BAD_REQUEST, ErrorKind::InvalidInput, "the passkey ceremony is unknown, used or expired")
    })?;
    let Some(pending) = pending_request(&state.pool, &body.request_id, now).await? else {
        return Err(request_gone(REQUEST_EXPIRED));
    };
    let webauthn = relying_party::for_issuer(&state.issuer)?;
    let (user_handle, credential_id) =
        webauthn.identify_discoverable_authentication(&body.credential).map_err(|_| passkey_refused())?;
    let stored = store::find(&state.pool, &store::credential_key(credential_id)).await?;
    // The user handle is not signed; the signature is checked against the
    // stored key below. Requiring the two to agree refuses an answer that
    // names one person with another person's passkey.
    let Some(stored) = stored.filter(|stored| stored.user_handle == user_handle) else {
        return Err(passkey_refused());
    };
    let keys = [DiscoverableKey::from(&stored.passkey)];
    let result =
        webauthn.finish_discoverable_authentication(&body.credential, ceremony_state, &keys).map_err(|error| {
            if matches!(error, WebauthnError::CredentialPossibleCompromise) {
                tracing::warn!("a passkey's signature counter went backwards: a cloned authenticator is refused");
            }
            passkey_refused()
        })?;
    let mut updated = stored.passkey.clone();
    updated.update_credential(&result);
    let counter = i64::from(result.counter());
    if !store::record_use(&state.pool, &stored, &updated, counter, now).await? {
        return Err(passkey_refused());
    }
    match issue_code(&state, &body.request_id, &pending, &stored.subject, AMR_PASSKEY, now).await? {
        Some(redirect_to) => Ok(Json(SignedIn { redirect_to })),
        None => Err(request_gone(REQUEST_USED)),
    }
}
