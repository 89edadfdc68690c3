//! Who is calling the public-service API, and for whom: every API v1 route
//! takes a [`Caller`], which exists only for a valid access token and, when
//! the `X-Acting-As` header names an enterprise, only while the person holds
//! an active mandate for it. Authorisation on each object builds on this.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use hoso_domain::identity::TaxCode;
use hoso_domain::profile::ActingAs;
use hoso_protocol::api::ACTING_AS_HEADER;
use hoso_protocol::api::account::Profile;
use sqlx::AnyPool;
use time::Date;

use crate::http::AppState;
use crate::oidc::grant::hash_secret;
use crate::{PortalError, accounts, unix_seconds};

/// A signed-in person acting for themself or for an enterprise.
#[derive(Debug, Clone)]
pub struct Caller {
    pub profile: Profile,
    pub acting_as: ActingAs,
}

impl Caller {
    pub fn subject(&self) -> &str {
        &self.profile.person.subject
    }

    /// The acting profile as the `X-Acting-As` header writes it.
    pub fn acting_as_header(&self) -> String {
        match &self.acting_as {
            ActingAs::Myself => "myself".to_owned(),
            ActingAs::Enterprise(tax_code) => tax_code.as_str().to_owned(),
        }
    }
}

/// The `X-Acting-As` header as the OpenAPI document describes it, cited as
/// `params(ActingAsHeader)` by every route that takes a [`Caller`].
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
// Never built: the extractor reads the header; this only describes it.
#[allow(dead_code)]
pub struct ActingAsHeader {
    /// The profile the call acts for: `myself` (the default when absent) or the
    /// tax code of an enterprise the caller holds an active mandate for.
    #[param(rename = "X-Acting-As", value_type = String, required = false, example = "0100233488")]
    acting_as: Option<String>,
}

/// The subject and scope of a live access token, or `None`.
pub async fn access_token_owner(pool: &AnyPool, token: &str) -> Result<Option<(String, String)>, PortalError> {
    Ok(sqlx::query_as(
        "SELECT a.subject, a.scope FROM access_token a JOIN oidc_grant g ON g.id = a.grant_id
         WHERE a.token_hash = $1 AND a.expires_at > $2 AND g.revoked = 0",
    )
    .bind(hash_secret(token))
    .bind(unix_seconds())
    .fetch_optional(pool)
    .await?)
}

/// The bearer token of a request, if it carries one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ")
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = PortalError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Self::identify(&state.pool, state.clock.today(), &parts.headers).await
    }
}

impl Caller {
    /// The caller a request's `Authorization` and `X-Acting-As` headers prove
    /// now, judging mandates on `today`. Long-lived responses (live events) ask again from time to time.
    pub async fn identify(pool: &AnyPool, today: Date, headers: &HeaderMap) -> Result<Self, PortalError> {
        let token = bearer(headers).ok_or(PortalError::Unauthenticated)?;
        let profile = accounts::profile_for_token(pool, &hash_secret(token), unix_seconds())
            .await?
            .ok_or(PortalError::Unauthenticated)?;
        let acting_as = match headers.get(ACTING_AS_HEADER).map(|v| v.to_str()) {
            None | Some(Ok("myself")) => ActingAs::Myself,
            Some(Ok(text)) => ActingAs::Enterprise(TaxCode::parse(text).map_err(|_| PortalError::Forbidden)?),
            Some(Err(_)) => return Err(PortalError::Forbidden),
        };
        if let ActingAs::Enterprise(tax_code) = &acting_as {
            let allowed = profile.access_for(tax_code).is_some_and(|access| access.mandate.is_active(today));
            if !allowed {
                return Err(PortalError::Forbidden);
            }
        }
        Ok(Self { profile, acting_as })
    }
}
