//! OpenID Connect RP-Initiated Logout 1.0: `GET` or `POST /end-session`
//! with `id_token_hint`, `post_logout_redirect_uri`, `state` and optionally
//! `client_id`.
//!
//! The hint must be an ID token this provider signed (expired ones too, as
//! the specification allows); it names the person, the client (its `aud`)
//! and the sign-in session (`sid`). A session here is one sign-in: one
//! authorization code, redeemed into one grant (the refresh token family),
//! whose `sid` the ID token carries. So end-session revokes exactly that
//! grant and every token it issued; other devices of the same person stay
//! signed in. A hint without `sid` (issued before sessions were named)
//! cannot be narrowed further, so it revokes every grant of that person for
//! that client.
//!
//! `post_logout_redirect_uri` must be registered for the client and is
//! matched like redirect URIs (exactly, except a loopback IP literal's
//! port). A request that cannot be trusted (no valid hint, another client,
//! an unregistered address) is shown an error page, never redirected, and
//! revokes nothing.

use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::authorize::Client;
use super::endpoints::{clients, redirect_location, revoke_grant};
use super::{pages, redirect};
use crate::PortalError;
use crate::http::AppState;

pub const END_SESSION: &str = "/end-session";

/// The longest `state` sent back; longer ones are refused unread.
const MAX_STATE: usize = 512;

/// The parameters of an end-session request, from the query or the form.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
pub struct EndSessionRequest {
    /// An ID token this provider issued to the client (expired ones too).
    #[param(nullable = false)]
    pub id_token_hint: Option<String>,
    /// Where to send the browser afterwards; registered for the client.
    #[param(nullable = false)]
    pub post_logout_redirect_uri: Option<String>,
    /// Sent back with the redirect; at most 512 characters.
    #[param(nullable = false)]
    pub state: Option<String>,
    /// The client; if given, it must be the ID token's audience.
    #[param(nullable = false)]
    pub client_id: Option<String>,
}

/// What a verified ID token hint says.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Hint {
    pub sub: String,
    pub aud: String,
    #[serde(default)]
    pub sid: Option<String>,
}

/// A sign-out the provider will carry out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOut {
    pub subject: String,
    pub client_id: String,
    /// The session to end; `None` ends every grant of the subject for the client.
    pub sid: Option<String>,
    /// Where to send the browser afterwards, with `state`.
    pub redirect_uri: Option<String>,
}

/// Why a request is refused; shown on the provider's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignOutError {
    #[error("end_session.hint")]
    Hint,
    #[error("end_session.client")]
    Client,
    #[error("end_session.post_logout_redirect_uri")]
    PostLogoutRedirect,
    #[error("end_session.state")]
    State,
}

impl SignOutError {
    fn text(self) -> &'static str {
        match self {
            Self::Hint => {
                "Thiếu hoặc sai id_token_hint. / The id_token_hint is missing or is not an ID token of this portal."
            }
            Self::Client => "Ứng dụng không khớp. / The client does not match the ID token.",
            Self::PostLogoutRedirect => {
                "Địa chỉ quay lại không được đăng ký. / The post_logout_redirect_uri is not registered for this client."
            }
            Self::State => "Tham số state quá dài. / The state parameter is too long.",
        }
    }
}

/// Decides an end-session request, given its hint already verified (or `None`).
pub fn judge(request: &EndSessionRequest, hint: Option<Hint>, clients: &[Client]) -> Result<SignOut, SignOutError> {
    let hint = hint.ok_or(SignOutError::Hint)?;
    if request.client_id.as_ref().is_some_and(|id| *id != hint.aud) {
        return Err(SignOutError::Client);
    }
    let client = clients.iter().find(|c| c.id == hint.aud).ok_or(SignOutError::Client)?;
    if request.state.as_ref().is_some_and(|s| s.len() > MAX_STATE) {
        return Err(SignOutError::State);
    }
    let redirect_uri = match request.post_logout_redirect_uri.as_deref() {
        Some(uri) => {
            redirect::matching(&client.post_logout_redirect_uris, uri).map_err(|_| SignOutError::PostLogoutRedirect)?;
            Some(uri.to_owned())
        }
        None => None,
    };
    Ok(SignOut { subject: hint.sub, client_id: client.id.clone(), sid: hint.sid, redirect_uri })
}

/// Signs the person out of the sign-in the ID token names (OpenID Connect
/// RP-Initiated Logout 1.0), from the query.
#[utoipa::path(
    get,
    path = END_SESSION,
    operation_id = "end_session",
    tag = "identity",
    params(EndSessionRequest),
    responses(
        (status = 200, description = "Signed out; no address to return to: the provider's page says so.", content_type = "text/html", body = String),
        (status = 303, description = "Signed out: back to the registered `post_logout_redirect_uri`, with `state`.",
         headers(("Location" = String, description = "The client's post-logout redirect URI."))),
        (status = 400, description = "No ID token of this provider, another client, an unregistered address or a `state` over \
            512 characters: an error page, never a redirect, and nothing is revoked.", content_type = "text/html", body = String),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Query(request): Query<EndSessionRequest>,
) -> Result<Response, PortalError> {
    end_session(&state, request).await
}

/// The same as `GET`, with the parameters in a form body.
#[utoipa::path(
    post,
    path = END_SESSION,
    operation_id = "end_session_form",
    tag = "identity",
    request_body(content = EndSessionRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Signed out; no address to return to: the provider's page says so.", content_type = "text/html", body = String),
        (status = 303, description = "Signed out: back to the registered `post_logout_redirect_uri`, with `state`.",
         headers(("Location" = String, description = "The client's post-logout redirect URI."))),
        (status = 400, description = "No ID token of this provider, another client, an unregistered address or a `state` over \
            512 characters: an error page, never a redirect, and nothing is revoked.", content_type = "text/html", body = String),
        (status = 413, description = "The form is larger than 1 MiB.", body = hoso_protocol::error::ErrorEnvelope),
        (status = 415, description = "The body is not a form.", body = hoso_protocol::error::ErrorEnvelope),
    )
)]
pub async fn post(
    State(state): State<AppState>,
    Form(request): Form<EndSessionRequest>,
) -> Result<Response, PortalError> {
    end_session(&state, request).await
}

async fn end_session(state: &AppState, request: EndSessionRequest) -> Result<Response, PortalError> {
    let hint = request.id_token_hint.as_deref().and_then(|token| state.keys.verify_hint::<Hint>(token, &state.issuer));
    let sign_out = match judge(&request, hint, &clients()) {
        Ok(sign_out) => sign_out,
        Err(refusal) => return Ok(pages::sign_out_refused(refusal.text())),
    };
    let grants: Vec<String> = match &sign_out.sid {
        Some(sid) => {
            sqlx::query_scalar("SELECT id FROM oidc_grant WHERE subject = $1 AND client_id = $2 AND sid = $3")
                .bind(&sign_out.subject)
                .bind(&sign_out.client_id)
                .bind(sid)
                .fetch_all(&state.pool)
                .await?
        }
        None => {
            sqlx::query_scalar("SELECT id FROM oidc_grant WHERE subject = $1 AND client_id = $2")
                .bind(&sign_out.subject)
                .bind(&sign_out.client_id)
                .fetch_all(&state.pool)
                .await?
        }
    };
    for grant in &grants {
        revoke_grant(state, grant).await?;
    }
    match sign_out.redirect_uri {
        Some(uri) => match redirect_location(&uri, &[("state", request.state.as_deref())]) {
            Some(location) => Ok((StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response()),
            None => Ok(pages::sign_out_refused(SignOutError::PostLogoutRedirect.text())),
        },
        None => Ok(pages::signed_out()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint() -> Option<Hint> {
        Some(Hint { sub: "demo-citizen-0001".into(), aud: "hoso-app".into(), sid: Some("s-1".into()) })
    }

    fn request(uri: &str) -> EndSessionRequest {
        EndSessionRequest {
            id_token_hint: Some("verified elsewhere".into()),
            post_logout_redirect_uri: Some(uri.into()),
            state: Some("st".into()),
            client_id: None,
        }
    }

    fn judge_one(request: &EndSessionRequest, hint: Option<Hint>) -> Result<SignOut, SignOutError> {
        judge(request, hint, &[Client::hoso_app()])
    }

    #[test]
    fn a_registered_loopback_address_on_any_port_is_returned_to() {
        let sign_out = judge_one(&request("http://127.0.0.1:50123/signed-out"), hint()).unwrap();
        assert_eq!(sign_out.redirect_uri.as_deref(), Some("http://127.0.0.1:50123/signed-out"));
        assert_eq!(sign_out.sid.as_deref(), Some("s-1"));
        assert_eq!(sign_out.client_id, "hoso-app");
    }

    #[test]
    fn an_unregistered_address_or_a_sign_in_redirect_uri_is_refused() {
        for uri in ["https://evil.example/signed-out", "http://127.0.0.1:50123/callback", "vn.hoso.app:/signed-out#x"] {
            assert_eq!(judge_one(&request(uri), hint()), Err(SignOutError::PostLogoutRedirect), "{uri}");
        }
    }

    #[test]
    fn without_a_verified_hint_nothing_is_done() {
        assert_eq!(judge_one(&request("vn.hoso.app:/signed-out"), None), Err(SignOutError::Hint));
    }

    #[test]
    fn a_client_id_other_than_the_hints_audience_is_refused() {
        let other = EndSessionRequest { client_id: Some("other".into()), ..request("vn.hoso.app:/signed-out") };
        assert_eq!(judge_one(&other, hint()), Err(SignOutError::Client));
        let unknown = Hint { aud: "other".into(), ..hint().unwrap() };
        assert_eq!(judge_one(&request("vn.hoso.app:/signed-out"), Some(unknown)), Err(SignOutError::Client));
    }

    #[test]
    fn without_an_address_the_sign_out_ends_on_the_providers_page() {
        let bare = EndSessionRequest { post_logout_redirect_uri: None, ..request("") };
        assert_eq!(judge_one(&bare, hint()).unwrap().redirect_uri, None);
    }
}
