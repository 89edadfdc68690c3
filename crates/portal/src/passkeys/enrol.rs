//! Passkey enrolment for a signed-in person, on API v1 behind a bearer
//! token: start a registration, finish it, list the person's passkeys and
//! delete one. Passkeys belong to the person whatever profile they act for;
//! another person's passkey answers exactly like a missing one.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hoso_protocol::api::passkey::{FinishPasskeyRegistration, PasskeyRegistrationStarted, PasskeySummary};
use hoso_protocol::api::path;
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use time::OffsetDateTime;
use webauthn_rs::prelude::{PasskeyRegistration, RegisterPublicKeyCredential};

use super::ceremony::{self, Purpose};
use super::{relying_party, store};
use crate::caller::{ActingAsHeader, Caller};
use crate::http::AppState;
use crate::json_body::JsonBody;
use crate::{PortalError, unix_seconds};

/// The longest passkey name, in characters.
pub const NAME_MAX_CHARS: usize = 64;

fn refused(status: StatusCode, kind: ErrorKind, message: &'static str) -> PortalError {
    PortalError::Refused { status, kind, message }
}

/// A passkey's name as stored: trimmed, not empty, at most
/// [`NAME_MAX_CHARS`] characters, no control characters.
pub fn passkey_name(raw: &str) -> Option<&str> {
    let name = raw.trim();
    let fits = !name.is_empty() && name.chars().count() <= NAME_MAX_CHARS;
    (fits && !name.chars().any(char::is_control)).then_some(name)
}

fn summary(stored: &store::StoredPasskey) -> Result<PasskeySummary, PortalError> {
    let at = |seconds: i64| {
        OffsetDateTime::from_unix_timestamp(seconds)
            .map_err(|_| PortalError::CorruptRecord(format!("passkey timestamp of {}", stored.subject)))
    };
    Ok(PasskeySummary {
        id: stored.credential_id.clone(),
        name: stored.name.clone(),
        created_at: at(stored.created_at)?,
        last_used_at: stored.last_used_at.map(at).transpose()?,
    })
}

/// Starts enrolling a passkey for the signed-in person.
#[utoipa::path(
    post,
    path = path::PASSKEY_REGISTRATION_START,
    operation_id = "passkey_registration_start",
    tag = "passkeys",
    params(ActingAsHeader),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The ceremony and the options for `navigator.credentials.create`; the person's \
            passkeys are excluded.", body = PasskeyRegistrationStarted),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "`X-Acting-As` names an enterprise without an active mandate.", body = ErrorEnvelope),
    )
)]
pub async fn start(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<PasskeyRegistrationStarted>, PortalError> {
    let subject = caller.subject();
    let user_handle = store::user_handle(&state.pool, subject).await?;
    let username = store::username(&state.pool, subject).await?;
    let existing = store::of_person(&state.pool, subject).await?;
    let exclude = existing.iter().map(|p| p.passkey.cred_id().clone()).collect::<Vec<_>>();
    let webauthn = relying_party::for_issuer(&state.issuer)?;
    let (options, registration) = webauthn
        .start_passkey_registration(user_handle, &username, &caller.profile.person.full_name, Some(exclude))
        .map_err(PortalError::WebAuthn)?;
    let mut options = serde_json::to_value(options).map_err(PortalError::Corrupt)?;
    // Ask for a discoverable credential, which the usernameless sign-in
    // needs. "preferred", not "required": an authenticator that cannot keep
    // one still registers, and webauthn-rs verifies either kind alike.
    if let Some(selection) = options.pointer_mut("/publicKey/authenticatorSelection").and_then(|s| s.as_object_mut()) {
        selection.insert("residentKey".into(), "preferred".into());
    }
    let purpose = Purpose::Register { subject: subject.to_owned() };
    let ceremony = ceremony::begin(&state.pool, &purpose, &registration, unix_seconds()).await?;
    Ok(Json(PasskeyRegistrationStarted { ceremony, options }))
}

/// Finishes enrolling: verifies the authenticator's answer and stores the passkey.
#[utoipa::path(
    post,
    path = path::PASSKEY_REGISTRATION_FINISH,
    operation_id = "passkey_registration_finish",
    tag = "passkeys",
    params(ActingAsHeader),
    request_body = FinishPasskeyRegistration,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Enrolled: the new passkey.", body = PasskeySummary),
        (status = 400, description = "The ceremony is unknown, used, expired or another person's, the passkey could not be \
            verified, or the body is not JSON.", body = ErrorEnvelope),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "`X-Acting-As` names an enterprise without an active mandate.", body = ErrorEnvelope),
        (status = 409, description = "This passkey is already registered.", body = ErrorEnvelope),
        (status = 413, description = "The body is larger than 16 KiB.", body = ErrorEnvelope),
        (status = 415, description = "The body is not sent as `application/json`.", body = ErrorEnvelope),
        (status = 422, description = "No name or one over 64 characters, a credential or a body of the wrong shape.", body = ErrorEnvelope),
    )
)]
pub async fn finish(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<FinishPasskeyRegistration>,
) -> Result<Response, PortalError> {
    let now = unix_seconds();
    let subject = caller.subject();
    let Some(name) = passkey_name(&body.name) else {
        return Err(refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::InvalidInput,
            "name the passkey (1-64 characters)",
        ));
    };
    let purpose = Purpose::Register { subject: subject.to_owned() };
    let taken = ceremony::take(&state.pool, &body.ceremony).await?;
    let registration: PasskeyRegistration = ceremony::judge(taken, &purpose, now).map_err(|error| {
        tracing::info!(%error, "passkey registration ceremony refused");
        refused(StatusCode::BAD_REQUEST, ErrorKind::InvalidInput, "the passkey ceremony is unknown, used or expired")
    })?;
    let credential: RegisterPublicKeyCredential = serde_json::from_value(body.credential).map_err(|_| {
        refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::InvalidInput,
            "the credential does not have the expected shape",
        )
    })?;
    let webauthn = relying_party::for_issuer(&state.issuer)?;
    let passkey = webauthn
        .finish_passkey_registration(&credential, &registration)
        .map_err(|_| refused(StatusCode::BAD_REQUEST, ErrorKind::InvalidInput, "the passkey could not be verified"))?;
    let user_handle = store::user_handle(&state.pool, subject).await?;
    let Some(credential_id) = store::insert(&state.pool, subject, user_handle, name, &passkey, now).await? else {
        return Err(refused(StatusCode::CONFLICT, ErrorKind::Conflict, "this passkey is already registered"));
    };
    let stored = store::find(&state.pool, &credential_id).await?.ok_or(PortalError::NotFound)?;
    Ok((StatusCode::CREATED, Json(summary(&stored)?)).into_response())
}

/// The signed-in person's passkeys, whatever profile they act for.
#[utoipa::path(
    get,
    path = path::PASSKEYS,
    operation_id = "list_passkeys",
    tag = "passkeys",
    params(ActingAsHeader),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The person's passkeys.", body = Vec<PasskeySummary>),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "`X-Acting-As` names an enterprise without an active mandate.", body = ErrorEnvelope),
    )
)]
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<PasskeySummary>>, PortalError> {
    let stored = store::of_person(&state.pool, caller.subject()).await?;
    Ok(Json(stored.iter().map(summary).collect::<Result<_, _>>()?))
}

/// Removes one of the signed-in person's passkeys.
#[utoipa::path(
    delete,
    path = path::PASSKEY,
    operation_id = "delete_passkey",
    tag = "passkeys",
    params(ActingAsHeader, ("id" = String, Path, description = "The passkey's credential id, base64url.")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed; it signs in no more."),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "`X-Acting-As` names an enterprise without an active mandate.", body = ErrorEnvelope),
        (status = 404, description = "The person has no such passkey (another person's answers alike).", body = ErrorEnvelope),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, PortalError> {
    if store::delete(&state.pool, caller.subject(), &id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(PortalError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_trimmed_and_must_hold_something_printable() {
        assert_eq!(passkey_name("  Điện thoại của tôi "), Some("Điện thoại của tôi"));
        assert_eq!(passkey_name("   "), None);
        assert_eq!(passkey_name("line\nbreak"), None);
    }

    #[test]
    fn a_name_is_counted_in_characters_not_bytes() {
        assert!(passkey_name(&"ệ".repeat(NAME_MAX_CHARS)).is_some());
        assert!(passkey_name(&"a".repeat(NAME_MAX_CHARS + 1)).is_none());
    }
}
