//! The HTTP client for the portal's API v1: one place that knows paths,
//! timeouts and how the portal reports errors, and where every HTTP client
//! of the engine gets its TLS (`http_client`).

use std::time::Duration;

use hoso_protocol::api::{Catalogue, path};
use hoso_protocol::error::ErrorEnvelope;
use reqwest::Url;
use serde_json::from_slice;

use crate::EngineError;

/// A builder for every HTTP client the engine makes: reqwest over rustls
/// (TLS 1.3 and 1.2, the server checked by the platform's verifier against
/// the system's roots) with ring's cryptography. The engine's reqwest has no
/// provider of its own (`rustls-no-provider`, which keeps aws-lc out of the
/// app's binary), so ring's is installed as the process's provider first; if
/// the process installed one already, reqwest uses that one.
pub(crate) fn http_client() -> reqwest::ClientBuilder {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

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
        let http = http_client()
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

#[cfg(test)]
mod tests {
    use rustls::crypto::CryptoProvider;

    use super::*;

    #[test]
    fn the_engine_speaks_tls_1_3_and_1_2_on_ring() {
        PortalClient::new("https://portal.example").unwrap();
        let installed: &CryptoProvider = CryptoProvider::get_default().expect("the engine installed a provider");
        let ring = rustls::crypto::ring::default_provider();
        let groups = |p: &CryptoProvider| p.kx_groups.iter().map(|g| g.name()).collect::<Vec<_>>();
        // aws-lc's provider would also offer X25519MLKEM768.
        assert_eq!(groups(installed), groups(&ring));
        let suites = |p: &CryptoProvider| p.cipher_suites.iter().map(|s| s.suite()).collect::<Vec<_>>();
        assert_eq!(suites(installed), suites(&ring));
        for version in [rustls::ProtocolVersion::TLSv1_3, rustls::ProtocolVersion::TLSv1_2] {
            assert!(installed.cipher_suites.iter().any(|s| s.version().version == version), "{version:?}");
        }
    }
}
