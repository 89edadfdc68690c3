//! Signing in as a demo identity: the engine's own code flow (PKCE, state,
//! nonce, loopback listener) against a demo portal, with the engine itself
//! playing the browser on the portal's sign-in page — the demo password and a
//! current one-time code from the demo seed `assets/demo/identities.json`.
//! Nothing is skipped: the portal sees the same requests a person's browser
//! would send, and the engine checks the answer as for any sign-in.

use std::sync::Mutex;

use reqwest::{StatusCode, Url};
use serde::Deserialize;
use tokio::sync::oneshot;

use super::browser::{Browser, BrowserError};
use super::error::AuthError;

/// The demo seed, the same file the demo portal seeds its accounts from.
const IDENTITIES: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/demo/identities.json"));

/// How a demo identity signs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DemoCredentials {
    pub username: String,
    pub password: String,
    totp_secret: String,
}

#[derive(Deserialize)]
struct Entry {
    username: String,
    account: EntryAccount,
}

#[derive(Deserialize)]
struct EntryAccount {
    password: String,
    totp_secret: String,
}

/// The credentials of the demo identity `username`, if the seed has one.
pub(crate) fn demo_credentials(username: &str) -> Result<Option<DemoCredentials>, AuthError> {
    let entries: Vec<Entry> =
        serde_json::from_str(IDENTITIES).map_err(|e| AuthError::Provider(format!("the demo seed: {e}")))?;
    Ok(entries.into_iter().find(|e| e.username == username).map(|e| DemoCredentials {
        username: e.username,
        password: e.account.password,
        totp_secret: e.account.totp_secret,
    }))
}

impl DemoCredentials {
    /// The code an authenticator app shows at unix time `now` (RFC 6238:
    /// SHA-1, six digits, 30-second steps, as the portal checks it).
    fn code_at(&self, now: u64) -> Result<String, AuthError> {
        let secret = totp_rs::Secret::try_from_base32(&self.totp_secret)
            .map_err(|_| AuthError::Provider("a demo one-time code secret is not base32".to_owned()))?;
        let totp = totp_rs::Builder::new()
            .with_secret(secret)
            .build()
            .map_err(|_| AuthError::Provider("a demo one-time code secret is too short".to_owned()))?;
        Ok(totp.generate(now).to_string())
    }
}

/// The "browser" of a demo sign-in: it hands the authorization URL to
/// [`play_sign_in`] through a channel, so a failure on the page ends the
/// sign-in at once instead of leaving the listener waiting.
pub(crate) struct HandOver(Mutex<Option<oneshot::Sender<Url>>>);

impl HandOver {
    pub(crate) fn new() -> (Self, oneshot::Receiver<Url>) {
        let (sender, receiver) = oneshot::channel();
        (Self(Mutex::new(Some(sender))), receiver)
    }
}

impl Browser for HandOver {
    fn open(&self, url: &Url) -> Result<(), BrowserError> {
        let sender = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        sender
            .ok_or_else(|| BrowserError("the demo sign-in page was already opened".to_owned()))?
            .send(url.clone())
            .map_err(|_| BrowserError("the demo sign-in was abandoned".to_owned()))
    }
}

/// Plays the person on the portal's sign-in page at `url`: reads the form's
/// request id, posts the credentials with the current one-time code (or the
/// next step's, when the current one was already used by an earlier demo
/// sign-in), and follows the redirect to the engine's loopback listener.
pub(crate) async fn play_sign_in(url: Url, credentials: &DemoCredentials) -> Result<(), AuthError> {
    // Redirects are followed by hand: the portal's answer is checked, and the
    // last hop goes to the loopback listener only.
    let client = crate::portal_client::http_client().redirect(reqwest::redirect::Policy::none()).build()?;
    let page = client.get(url.clone()).send().await?.error_for_status()?.text().await?;
    let request_id = request_id(&page).ok_or(AuthError::Mismatch("the sign-in page has no request id"))?;
    let login = url.join("/login").map_err(|e| AuthError::Provider(e.to_string()))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| AuthError::Provider("the clock is before 1970".to_owned()))?
        .as_secs();
    for at in [now, now + 30] {
        let answer = client
            .post(login.clone())
            .form(&[
                ("request_id", request_id.as_str()),
                ("username", credentials.username.as_str()),
                ("password", credentials.password.as_str()),
                ("code", credentials.code_at(at)?.as_str()),
            ])
            .send()
            .await?;
        match answer.status() {
            StatusCode::SEE_OTHER => {
                let location = answer
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or(AuthError::Mismatch("the sign-in redirect has no location"))?;
                let callback = Url::parse(location).map_err(|e| AuthError::Provider(e.to_string()))?;
                if !callback.host_str().is_some_and(|host| host == "127.0.0.1" || host == "[::1]") {
                    return Err(AuthError::Mismatch("the sign-in redirect does not lead to this device"));
                }
                client.get(callback).send().await?;
                return Ok(());
            }
            // Wrong or reused code: the page again. A code an earlier demo
            // sign-in used is refused, so the next step's code is tried once.
            StatusCode::UNAUTHORIZED => continue,
            other => return Err(AuthError::Refused(format!("the portal's sign-in page answered {other}"))),
        }
    }
    Err(AuthError::Refused("the portal refused the demo credentials".to_owned()))
}

/// The value of the sign-in form's hidden request id.
fn request_id(page: &str) -> Option<String> {
    let marker = "name=\"request_id\" value=\"";
    let start = page.find(marker)? + marker.len();
    page[start..].split('"').next().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_identity_of_the_seed_has_credentials_and_others_have_none() {
        let citizen = demo_credentials("citizen").unwrap().expect("the citizen");
        assert_eq!(citizen.password, "hoso-demo-2026");
        assert_eq!(citizen.code_at(1_795_000_000).unwrap().len(), 6);
        assert_eq!(demo_credentials("nobody").unwrap(), None);
    }

    #[test]
    fn codes_follow_rfc_6238_steps() {
        let citizen = demo_credentials("citizen").unwrap().unwrap();
        assert_eq!(citizen.code_at(1_795_000_000).unwrap(), citizen.code_at(1_795_000_000 + 9).unwrap());
        assert_ne!(citizen.code_at(1_795_000_000).unwrap(), citizen.code_at(1_795_000_000 + 30).unwrap());
    }

    #[test]
    fn the_request_id_is_read_from_the_form() {
        let page = "<form><input type=\"hidden\" name=\"request_id\" value=\"abc123\"></form>";
        assert_eq!(request_id(page).as_deref(), Some("abc123"));
        assert_eq!(request_id("<p>no form</p>"), None);
    }
}
