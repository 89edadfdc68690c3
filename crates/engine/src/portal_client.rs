//! The HTTP client for the portal's API v1: one place that knows paths,
//! timeouts and how the portal reports errors.

use std::time::Duration;

use hoso_protocol::api::{Catalogue, path};
use hoso_protocol::error::ErrorEnvelope;
use reqwest::Url;
use serde_json::from_slice;

use crate::EngineError;

pub struct PortalClient {
    base: Url,
    http: reqwest::Client,
}

impl PortalClient {
    pub fn new(base: &str) -> Result<Self, EngineError> {
        let base = Url::parse(base).map_err(|e| EngineError::PortalUrl(format!("{base}: {e}")))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(EngineError::PortalUrl(format!("{base}: not http(s)")));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            // Requests may carry a bearer token: never let a redirect carry
            // it (or an authorization code) anywhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(EngineError::Network)?;
        Ok(Self { base, http })
    }

    /// The shared HTTP client (no redirects), for the session's requests.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The portal's base URL as given, without a trailing slash: the issuer
    /// its identity provider names.
    pub fn origin(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// The portal's base joined with an API path.
    pub fn url(&self, path: &str) -> Result<Url, EngineError> {
        self.base.join(path).map_err(|e| EngineError::PortalUrl(e.to_string()))
    }

    /// The catalogue, unless the portal says the version we hold is current
    /// (`None`, answered with a 304 and no body).
    pub async fn catalogue_if_changed(&self, held_version: u64) -> Result<Option<Catalogue>, EngineError> {
        let url = self.url(path::CATALOGUE)?;
        let mut request = self.http.get(url);
        if held_version > 0 {
            request = request.header(reqwest::header::IF_NONE_MATCH, format!("\"catalogue-v{held_version}\""));
        }
        let response = request.send().await.map_err(EngineError::Network)?;
        if response.status() == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        Self::read_json(response).await.map(Some)
    }

    pub async fn read_json<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> Result<T, EngineError> {
        let status = response.status();
        let body = response.bytes().await.map_err(EngineError::Network)?;
        if !status.is_success() {
            let envelope = from_slice::<ErrorEnvelope>(&body)
                .map_err(|_| EngineError::PortalContract(format!("{status} without an error envelope")))?;
            return Err(EngineError::PortalRefused { status: status.as_u16(), envelope });
        }
        from_slice(&body).map_err(|e| EngineError::PortalContract(e.to_string()))
    }
}
