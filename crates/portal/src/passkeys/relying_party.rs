//! The portal as a WebAuthn relying party: its RP id and origin, derived
//! from the issuer URL. A passkey is bound to the RP id for ever, so the RP
//! id of a deployment never changes; changing it orphans every passkey.
//!
//! Browsers refuse IP literals as RP ids, so an issuer on an IP address (the
//! portal listening on `127.0.0.1:PORT`, as in tests and demo mode) gets the
//! RP id `localhost` and the origin `http://localhost:PORT`: passkeys then
//! work for a page reached as `localhost`, and the password path for every
//! other. An issuer on a domain name uses that domain.

use std::time::Duration;

use url::{Host, Url};
use webauthn_rs::prelude::{Webauthn, WebauthnBuilder};

/// How long the browser gives the person to touch their authenticator; the
/// server-side ceremony lives as long.
pub const CEREMONY_TIMEOUT: Duration = Duration::from_secs(120);

/// The name authenticators show beside the account.
const RP_NAME: &str = "Hồ sơ — Cổng Dịch vụ công";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RelyingPartyError {
    /// The issuer is not an http(s) URL with a host.
    #[error("passkey.issuer_unusable")]
    Issuer,
    /// webauthn-rs refused the RP id and origin pair.
    #[error("passkey.relying_party")]
    Configuration,
}

/// The RP id and the one origin passkey ceremonies may come from.
pub fn id_and_origin(issuer: &str) -> Result<(String, Url), RelyingPartyError> {
    let mut url = Url::parse(issuer).map_err(|_| RelyingPartyError::Issuer)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(RelyingPartyError::Issuer);
    }
    let id = match url.host() {
        Some(Host::Domain(domain)) => domain.to_ascii_lowercase(),
        Some(Host::Ipv4(_) | Host::Ipv6(_)) => {
            url.set_host(Some("localhost")).map_err(|_| RelyingPartyError::Issuer)?;
            "localhost".to_owned()
        }
        None => return Err(RelyingPartyError::Issuer),
    };
    let origin = Url::parse(&url.origin().ascii_serialization()).map_err(|_| RelyingPartyError::Issuer)?;
    Ok((id, origin))
}

/// The WebAuthn verifier for the portal reached at `issuer`. Cheap to
/// build: no IO, so each ceremony builds it from the issuer.
pub fn for_issuer(issuer: &str) -> Result<Webauthn, RelyingPartyError> {
    let (id, origin) = id_and_origin(issuer)?;
    WebauthnBuilder::new(&id, &origin)
        .and_then(|builder| builder.rp_name(RP_NAME).timeout(CEREMONY_TIMEOUT).build())
        .map_err(|_| RelyingPartyError::Configuration)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(issuer: &str) -> (String, String) {
        let (id, origin) = id_and_origin(issuer).unwrap();
        (id, origin.origin().ascii_serialization())
    }

    #[test]
    fn an_issuer_on_a_loopback_ip_becomes_localhost_on_the_same_port() {
        assert_eq!(pair("http://127.0.0.1:8700"), ("localhost".into(), "http://localhost:8700".into()));
        assert_eq!(pair("http://[::1]:8700"), ("localhost".into(), "http://localhost:8700".into()));
    }

    #[test]
    fn an_issuer_on_a_domain_is_its_own_relying_party() {
        assert_eq!(
            pair("https://DichVuCong.example/oidc"),
            ("dichvucong.example".into(), "https://dichvucong.example".into())
        );
    }

    #[test]
    fn an_issuer_without_a_web_host_is_refused() {
        assert_eq!(id_and_origin("vn.hoso.app:/callback"), Err(RelyingPartyError::Issuer));
        assert_eq!(id_and_origin("not a url"), Err(RelyingPartyError::Issuer));
    }

    #[test]
    fn the_portals_own_issuers_build_a_verifier() {
        assert!(for_issuer("http://127.0.0.1:49152").is_ok());
        assert!(for_issuer("https://dichvucong.example").is_ok());
    }
}
