//! Paying what a dossier owes and fetching its result: the payment is started
//! at the portal and its gateway page opened in the person's browser (the
//! gateway tells the portal the outcome, so the receipt shows in the next
//! read of the dossier), and the result document is downloaded with a bound
//! on its size and checked against the SHA-256 the portal states.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hoso_protocol::api::payment::PaymentStarted;
use hoso_protocol::api::{ACTING_AS_HEADER, path};
use hoso_protocol::command::{PaymentOpened, ResultFile};
use reqwest::Url;

use crate::auth::Browser;
use crate::portal_client::PortalClient;
use crate::{Engine, EngineError, crypto};

/// The largest result document the engine takes (the portal issues at most 20 MiB).
pub const MAX_RESULT_BYTES: u64 = 32 * 1024 * 1024;

/// Refuses bytes whose SHA-256 is not the one the portal stated.
fn check_hash(bytes: &[u8], stated: &str) -> Result<(), EngineError> {
    if crypto::sha256_hex(bytes).eq_ignore_ascii_case(stated) {
        Ok(())
    } else {
        Err(EngineError::PortalContract("the result's bytes do not have the SHA-256 the portal states".to_owned()))
    }
}

impl Engine {
    /// Starts paying what dossier `code` owes: the portal opens (or reuses)
    /// a payment, whose gateway page `browser` shows. Answers the page's
    /// address and the amount, so a front without a system browser can open
    /// it itself. Online only.
    pub async fn start_payment(&self, code: &str, browser: &dyn Browser) -> Result<PaymentOpened, EngineError> {
        let due = self
            .fetch_detail(code)
            .await?
            .payment
            .ok_or_else(|| EngineError::Conflict(format!("nothing is due for dossier {code}")))?;
        let (url, acting) = self.dossier_route(path::DOSSIER_PAYMENT, code).await?;
        let request = self.portal.http().post(url).header(ACTING_AS_HEADER, &acting);
        let started: PaymentStarted = PortalClient::read_json(self.send_authorized(request).await?).await?;
        let page = Url::parse(&started.payment_url)
            .ok()
            .filter(|page| matches!(page.scheme(), "https" | "http"))
            .ok_or_else(|| EngineError::PortalContract("a payment page that is not a web address".to_owned()))?;
        // The address is answered either way: a browser that could not be
        // opened leaves the person to open it from the app.
        if let Err(error) = browser.open(&page) {
            tracing::warn!(%error, "the payment page was not opened");
        }
        Ok(PaymentOpened { url: started.payment_url, amount_vnd: due.amount_vnd })
    }

    /// The result document of dossier `code`, as the portal issued it: at
    /// most [`MAX_RESULT_BYTES`], and refused unless its bytes have the
    /// SHA-256 the portal states for it. Online only.
    pub async fn download_result(&self, code: &str) -> Result<ResultFile, EngineError> {
        let stated = self
            .fetch_detail(code)
            .await?
            .result
            .ok_or_else(|| EngineError::NotFound { what: "result", id: code.to_owned() })?;
        if stated.bytes > MAX_RESULT_BYTES {
            return Err(EngineError::TooLarge(format!("a result of {} bytes", stated.bytes)));
        }
        let (url, acting) = self.dossier_route(path::DOSSIER_RESULT, code).await?;
        let mut response = self.send_authorized(self.portal.http().get(url).header(ACTING_AS_HEADER, &acting)).await?;
        if !response.status().is_success() {
            return Err(PortalClient::read_json::<()>(response)
                .await
                .err()
                .unwrap_or_else(|| EngineError::PortalContract("a refused download without an error".to_owned())));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(EngineError::Network)? {
            if (bytes.len() + chunk.len()) as u64 > stated.bytes.min(MAX_RESULT_BYTES) {
                return Err(EngineError::PortalContract("the result is longer than the portal stated".to_owned()));
            }
            bytes.extend_from_slice(&chunk);
        }
        check_hash(&bytes, &stated.sha256)?;
        Ok(ResultFile { name: stated.name, media_type: stated.media_type, content_base64: STANDARD.encode(&bytes) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_whose_bytes_differ_from_the_stated_hash_is_refused() {
        let stated = crypto::sha256_hex(b"%PDF giay khai sinh");
        assert!(check_hash(b"%PDF giay khai sinh", &stated).is_ok());
        assert!(check_hash(b"%PDF giay khai sinh", &stated.to_uppercase()).is_ok());
        let error = check_hash(b"%PDF giay khai tu", &stated).unwrap_err();
        assert_eq!(error.kind(), hoso_protocol::error::ErrorKind::Portal);
    }
}
