//! Judging an authorization request before anyone is asked to sign in.
//!
//! The order matters (RFC 6749 §4.1.2.1): while the client or its redirect
//! URI is in doubt, errors are shown on the portal's own page and never sent
//! to the requested URI, so the provider cannot be used as an open
//! redirector. Once the redirect URI is trusted, every other error goes back
//! to the client as `error=…` with the `state` it sent.

use super::pkce::Challenge;
use super::redirect::{self, RedirectError};

/// A client that may ask for sign-in. The app is a public client (RFC 8252):
/// it has no secret, so PKCE is what binds the code to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: String,
    pub redirect_uris: Vec<String>,
    /// Where end-session may send the browser afterwards; matched like
    /// redirect URIs, loopback port rule included.
    pub post_logout_redirect_uris: Vec<String>,
}

impl Client {
    /// The Hồ sơ app: loopback redirects on desktop, its claimed scheme on phones.
    pub fn hoso_app() -> Self {
        Self {
            id: "hoso-app".into(),
            redirect_uris: ["http://127.0.0.1/callback", "http://[::1]/callback", "vn.hoso.app:/callback"]
                .map(String::from)
                .to_vec(),
            post_logout_redirect_uris: [
                "http://127.0.0.1/signed-out",
                "http://[::1]/signed-out",
                "vn.hoso.app:/signed-out",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

/// The query of `GET /authorize`, as received. Every parameter is optional
/// here because [`judge`] decides what a missing one means.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RawRequest {
    /// A registered client, e.g. `hoso-app`.
    pub client_id: Option<String>,
    /// Registered exactly, except the port of a loopback IP literal (RFC 8252 §7.3).
    pub redirect_uri: Option<String>,
    /// Must be `code`.
    pub response_type: Option<String>,
    /// Space-separated; must include `openid`.
    pub scope: Option<String>,
    /// Returned unchanged in the redirect.
    pub state: Option<String>,
    /// Bound into the ID token.
    pub nonce: Option<String>,
    /// The PKCE challenge: base64url of the verifier's SHA-256.
    pub code_challenge: Option<String>,
    /// Must be `S256`.
    pub code_challenge_method: Option<String>,
}

/// A request the provider will act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: Vec<String>,
    pub state: Option<String>,
    pub nonce: String,
    pub challenge: Challenge,
}

/// Shown on the provider's page; never redirected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UntrustedError {
    #[error("authorize.unknown_client")]
    UnknownClient,
    #[error("authorize.redirect_uri")]
    RedirectUri,
}

/// Sent back to the client's redirect URI as `error` (RFC 6749 codes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectedError {
    pub redirect_uri: String,
    pub state: Option<String>,
    /// `invalid_request`, `unsupported_response_type` or `invalid_scope`.
    pub error: &'static str,
    pub description: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Untrusted(UntrustedError),
    Redirected(RedirectedError),
}

/// The longest `state` or `nonce` accepted; longer ones are refused unread.
const MAX_PARAM: usize = 512;

pub fn judge(raw: &RawRequest, clients: &[Client]) -> Result<ValidRequest, Refusal> {
    let untrusted = |e| Refusal::Untrusted(e);
    let client_id = raw.client_id.as_deref().ok_or(untrusted(UntrustedError::UnknownClient))?;
    let client = clients.iter().find(|c| c.id == client_id).ok_or(untrusted(UntrustedError::UnknownClient))?;
    // Every redirect URI is registered with a path, so one is required here:
    // with no redirect_uri the provider could not be sure where to answer.
    let requested = raw.redirect_uri.as_deref().ok_or(untrusted(UntrustedError::RedirectUri))?;
    redirect::matching(&client.redirect_uris, requested)
        .map_err(|_: RedirectError| untrusted(UntrustedError::RedirectUri))?;

    let state = raw.state.clone();
    let refuse = |error: &'static str, description: &'static str| {
        Refusal::Redirected(RedirectedError {
            redirect_uri: requested.to_owned(),
            state: state.clone(),
            error,
            description,
        })
    };
    if state.as_ref().is_some_and(|s| s.len() > MAX_PARAM) {
        return Err(Refusal::Redirected(RedirectedError {
            redirect_uri: requested.to_owned(),
            state: None,
            error: "invalid_request",
            description: "state too long",
        }));
    }
    if raw.response_type.as_deref() != Some("code") {
        return Err(refuse("unsupported_response_type", "only the authorization code flow is offered"));
    }
    let scope: Vec<String> =
        raw.scope.as_deref().unwrap_or_default().split(' ').filter(|s| !s.is_empty()).map(String::from).collect();
    if !scope.iter().any(|s| s == "openid") {
        return Err(refuse("invalid_scope", "the openid scope is required"));
    }
    if scope.iter().any(|s| !SCOPES.contains(&s.as_str())) {
        return Err(refuse("invalid_scope", "unknown scope"));
    }
    let nonce = match raw.nonce.as_deref() {
        Some(nonce) if !nonce.is_empty() && nonce.len() <= MAX_PARAM => nonce.to_owned(),
        _ => return Err(refuse("invalid_request", "a nonce of at most 512 characters is required")),
    };
    let challenge = match (raw.code_challenge.as_deref(), raw.code_challenge_method.as_deref()) {
        (Some(challenge), Some(method)) => {
            Challenge::parse(challenge, method).map_err(|_| refuse("invalid_request", "PKCE with S256 is required"))?
        }
        _ => return Err(refuse("invalid_request", "PKCE with S256 is required")),
    };
    Ok(ValidRequest {
        client_id: client.id.clone(),
        redirect_uri: requested.to_owned(),
        scope,
        state,
        nonce,
        challenge,
    })
}

/// Scopes the provider knows: identity, the profile claims, and acting for
/// enterprises; `offline_access` asks for a refresh token.
pub const SCOPES: &[&str] = &["openid", "profile", "address", "phone", "enterprises", "offline_access"];

#[cfg(test)]
mod tests {
    use super::*;

    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    fn good() -> RawRequest {
        RawRequest {
            client_id: Some("hoso-app".into()),
            redirect_uri: Some("http://127.0.0.1:51234/callback".into()),
            response_type: Some("code".into()),
            scope: Some("openid profile offline_access".into()),
            state: Some("st-1".into()),
            nonce: Some("n-1".into()),
            code_challenge: Some(CHALLENGE.into()),
            code_challenge_method: Some("S256".into()),
        }
    }

    fn judge_one(raw: RawRequest) -> Result<ValidRequest, Refusal> {
        judge(&raw, &[Client::hoso_app()])
    }

    fn redirected_error(raw: RawRequest) -> &'static str {
        match judge_one(raw) {
            Err(Refusal::Redirected(e)) => {
                assert_eq!(e.redirect_uri, "http://127.0.0.1:51234/callback");
                e.error
            }
            other => panic!("expected a redirected error, got {other:?}"),
        }
    }

    #[test]
    fn a_complete_request_is_accepted() {
        let valid = judge_one(good()).unwrap();
        assert_eq!(valid.redirect_uri, "http://127.0.0.1:51234/callback");
        assert_eq!(valid.scope, ["openid", "profile", "offline_access"]);
        assert_eq!(valid.nonce, "n-1");
    }

    #[test]
    fn an_unknown_client_or_redirect_is_never_redirected_to() {
        let unknown = RawRequest { client_id: Some("evil".into()), ..good() };
        assert_eq!(judge_one(unknown), Err(Refusal::Untrusted(UntrustedError::UnknownClient)));
        let elsewhere = RawRequest { redirect_uri: Some("https://evil.example/callback".into()), ..good() };
        assert_eq!(judge_one(elsewhere), Err(Refusal::Untrusted(UntrustedError::RedirectUri)));
        let missing = RawRequest { redirect_uri: None, ..good() };
        assert_eq!(judge_one(missing), Err(Refusal::Untrusted(UntrustedError::RedirectUri)));
    }

    #[test]
    fn the_implicit_and_hybrid_flows_are_refused() {
        for response_type in ["token", "id_token", "code id_token", "code token", ""] {
            let raw = RawRequest { response_type: Some(response_type.into()), ..good() };
            assert_eq!(redirected_error(raw), "unsupported_response_type", "{response_type}");
        }
    }

    #[test]
    fn a_request_without_pkce_s256_is_refused() {
        assert_eq!(redirected_error(RawRequest { code_challenge: None, ..good() }), "invalid_request");
        let plain = RawRequest { code_challenge_method: Some("plain".into()), ..good() };
        assert_eq!(redirected_error(plain), "invalid_request");
    }

    #[test]
    fn openid_must_be_asked_for_and_unknown_scopes_are_refused() {
        assert_eq!(redirected_error(RawRequest { scope: Some("profile".into()), ..good() }), "invalid_scope");
        assert_eq!(redirected_error(RawRequest { scope: Some("openid admin".into()), ..good() }), "invalid_scope");
    }

    #[test]
    fn a_nonce_is_required_and_bounded() {
        assert_eq!(redirected_error(RawRequest { nonce: None, ..good() }), "invalid_request");
        assert_eq!(redirected_error(RawRequest { nonce: Some("n".repeat(513)), ..good() }), "invalid_request");
    }

    #[test]
    fn the_state_goes_back_with_an_error_so_the_client_can_match_it() {
        let raw = RawRequest { response_type: Some("token".into()), ..good() };
        let Err(Refusal::Redirected(error)) = judge_one(raw) else { panic!("expected a redirected error") };
        assert_eq!(error.state.as_deref(), Some("st-1"));
    }
}
