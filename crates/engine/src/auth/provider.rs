//! The portal's OpenID Connect provider, as `openidconnect` sees it:
//! discovery, the authorization request (code flow, PKCE S256, state,
//! nonce), redeeming the code with the ID token checked against the
//! published keys (ES256 only), refreshing, and revoking.

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthenticationFlow, CoreClaimName, CoreClaimType, CoreClient, CoreClientAuthMethod,
    CoreErrorResponseType, CoreGrantType, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm, CoreJwsSigningAlgorithm, CoreResponseMode, CoreResponseType,
    CoreSubjectIdentifierType,
};
use openidconnect::{
    AdditionalProviderMetadata, AuthorizationCode, ClientId, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, ProviderMetadata, RedirectUrl,
    RefreshToken, RequestTokenError, Scope, TokenResponse,
};
use reqwest::Url;
use serde::{Deserialize, Serialize};

use super::AuthError;
use super::http::OidcHttp;
use super::token::Token;

/// The app's client id at the portal (a public client: no secret).
pub const CLIENT_ID: &str = "hoso-app";
/// `openid` is always sent; `enterprises` lets the representative of a
/// business act for it; `offline_access` brings the refresh token.
const SCOPES: [&str; 3] = ["profile", "enterprises", "offline_access"];

/// Discovery fields beyond OpenID Connect Core that the app uses.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Extra {
    revocation_endpoint: Option<String>,
    /// RFC 9207: the provider names itself in the redirect's `iss`.
    #[serde(default)]
    authorization_response_iss_parameter_supported: bool,
}
impl AdditionalProviderMetadata for Extra {}

type Metadata = ProviderMetadata<
    Extra,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;
type Client =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

/// The tokens one answer of the token endpoint hands out.
pub struct Issued {
    pub access: Token,
    pub refresh: Option<Token>,
    /// The ID token's `sub`: whose session this is (only a sign-in has one).
    pub subject: Option<String>,
}

/// What a sign-in in progress must remember until the callback.
pub struct Pending {
    pub url: Url,
    pub state: CsrfToken,
    nonce: Nonce,
    verifier: PkceCodeVerifier,
    redirect: RedirectUrl,
}

pub struct Provider {
    client: Client,
    issuer: String,
    revocation: Option<Url>,
    iss_in_callback: bool,
    http: OidcHttp,
}

impl Provider {
    /// Reads the provider's metadata and keys from `issuer`'s discovery
    /// document; the document must name `issuer` itself.
    pub async fn discover(issuer: &str, http: OidcHttp) -> Result<Self, AuthError> {
        let issuer_url = IssuerUrl::new(issuer.to_owned()).map_err(|e| AuthError::Provider(e.to_string()))?;
        let metadata = Metadata::discover_async(issuer_url, &http).await.map_err(|e| match e {
            openidconnect::DiscoveryError::Request(e) => AuthError::from(e),
            other => AuthError::Provider(format!("discovery: {other}")),
        })?;
        let extra = metadata.additional_metadata().clone();
        let revocation = match extra.revocation_endpoint {
            Some(url) => Some(Url::parse(&url).map_err(|e| AuthError::Provider(format!("revocation_endpoint: {e}")))?),
            None => None,
        };
        let client = CoreClient::from_provider_metadata(metadata, ClientId::new(CLIENT_ID.to_owned()), None);
        Ok(Self {
            client,
            issuer: issuer.to_owned(),
            revocation,
            iss_in_callback: extra.authorization_response_iss_parameter_supported,
            http,
        })
    }

    /// A fresh authorization request for `redirect_uri`: new state, nonce and
    /// PKCE verifier each time.
    pub fn authorize(&self, redirect_uri: &str) -> Result<Pending, AuthError> {
        let redirect = RedirectUrl::new(redirect_uri.to_owned()).map_err(|e| AuthError::Provider(e.to_string()))?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = self
            .client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .set_redirect_uri(std::borrow::Cow::Owned(redirect.clone()))
            .set_pkce_challenge(challenge);
        for scope in SCOPES {
            request = request.add_scope(Scope::new(scope.to_owned()));
        }
        let (url, state, nonce) = request.url();
        Ok(Pending { url, state, nonce, verifier, redirect })
    }

    /// RFC 9207: the callback must name this provider when it says it will,
    /// so a code from another provider is never redeemed here.
    pub fn check_callback_issuer(&self, iss: Option<&str>) -> Result<(), AuthError> {
        callback_issuer_matches(&self.issuer, self.iss_in_callback, iss)
    }

    /// Redeems `code` with the verifier, and checks the ID token: signature
    /// (ES256, the published keys), issuer, audience, expiry and nonce.
    pub async fn redeem(&self, pending: Pending, code: String) -> Result<Issued, AuthError> {
        let answer = self
            .client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| AuthError::Provider(e.to_string()))?
            .set_pkce_verifier(pending.verifier)
            .set_redirect_uri(std::borrow::Cow::Owned(pending.redirect))
            .request_async(&self.http)
            .await
            .map_err(token_error)?;
        let id_token = answer.id_token().ok_or(AuthError::Mismatch("an ID token is missing"))?;
        let verifier = self.client.id_token_verifier().set_allowed_algs([CoreJwsSigningAlgorithm::EcdsaP256Sha256]);
        let claims = id_token.claims(&verifier, &pending.nonce).map_err(|e| {
            tracing::warn!(error = %e, "the ID token was refused");
            AuthError::Mismatch("the ID token")
        })?;
        Ok(Issued {
            access: Token::new(answer.access_token().secret().clone()),
            refresh: answer.refresh_token().map(|t| Token::new(t.secret().clone())),
            subject: Some(claims.subject().as_str().to_owned()),
        })
    }

    /// New tokens for `refresh`; the portal rotates the refresh token.
    pub async fn refresh(&self, refresh: &Token) -> Result<Issued, AuthError> {
        let presented = RefreshToken::new(refresh.expose().to_owned());
        let answer = self
            .client
            .exchange_refresh_token(&presented)
            .map_err(|e| AuthError::Provider(e.to_string()))?
            .request_async(&self.http)
            .await
            .map_err(token_error)?;
        Ok(Issued {
            access: Token::new(answer.access_token().secret().clone()),
            refresh: answer.refresh_token().map(|t| Token::new(t.secret().clone())),
            subject: None,
        })
    }

    /// RFC 7009: revoking the refresh token ends its whole grant at the
    /// portal (every access token it issued too).
    pub async fn revoke(&self, refresh: &Token, http: &reqwest::Client) -> Result<(), AuthError> {
        let Some(endpoint) = &self.revocation else { return Err(AuthError::Provider("no revocation endpoint".into())) };
        let form = [("token", refresh.expose()), ("token_type_hint", "refresh_token"), ("client_id", CLIENT_ID)];
        let answer = http.post(endpoint.clone()).form(&form).send().await?;
        if !answer.status().is_success() {
            return Err(AuthError::Provider(format!("revocation answered {}", answer.status())));
        }
        Ok(())
    }
}

fn callback_issuer_matches(issuer: &str, promised: bool, iss: Option<&str>) -> Result<(), AuthError> {
    match iss {
        Some(iss) if iss == issuer => Ok(()),
        None if !promised => Ok(()),
        _ => Err(AuthError::Mismatch("the callback's issuer")),
    }
}

/// A token endpoint failure, without the answer's body (it could hold a token).
fn token_error<E: std::error::Error + 'static>(
    error: RequestTokenError<E, openidconnect::StandardErrorResponse<CoreErrorResponseType>>,
) -> AuthError
where
    AuthError: From<E>,
{
    match error {
        RequestTokenError::ServerResponse(answer) if *answer.error() == CoreErrorResponseType::InvalidGrant => {
            AuthError::GrantRefused
        }
        RequestTokenError::ServerResponse(answer) => AuthError::Provider(format!("token endpoint: {}", answer.error())),
        RequestTokenError::Request(e) => AuthError::from(e),
        RequestTokenError::Parse(..) => AuthError::Provider("the token answer does not follow OAuth 2.0".into()),
        RequestTokenError::Other(what) => AuthError::Provider(format!("token endpoint: {what}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_callback_naming_another_issuer_is_refused() {
        assert!(callback_issuer_matches("http://portal", true, Some("http://portal")).is_ok());
        assert!(callback_issuer_matches("http://portal", true, Some("http://evil")).is_err());
        assert!(callback_issuer_matches("http://portal", false, Some("http://evil")).is_err());
    }

    #[test]
    fn a_callback_without_issuer_is_refused_when_the_provider_promised_one() {
        assert!(callback_issuer_matches("http://portal", true, None).is_err());
        assert!(callback_issuer_matches("http://portal", false, None).is_ok());
    }
}
