//! The mobile redirect of RFC 8252 §7.1: a private-use URI scheme, the
//! app's identifier (`vn.hoso.app`, a domain name reversed), with one slash
//! after the colon as §7.1 asks. The phone's browser hands
//! `vn.hoso.app:/callback?code=…&state=…&iss=…` to the app that claimed the
//! scheme; the shell's deep-link handler passes it to
//! [`crate::Engine::hand_over_app_link`], which delivers it to the sign-in
//! waiting for that `state`.
//!
//! As with the loopback listener, a link that is not this sign-in's (another
//! path, a wrong or missing `state`: a page may open any `vn.hoso.app:` link)
//! is refused and does not end the wait; the code it carries is never
//! redeemed. Only one sign-in waits at a time: a new one replaces it.

use std::sync::Mutex;

use reqwest::Url;
use tokio::sync::oneshot;

use super::AuthError;
use super::loopback::Callback;

/// The redirect URI of the app on phones, registered for `hoso-app` at the
/// portal. The scheme is the app's identifier in `tauri.conf.json`.
pub const APP_LINK_REDIRECT_URI: &str = "vn.hoso.app:/callback";
const SCHEME: &str = "vn.hoso.app";
const PATH: &str = "/callback";

/// The sign-in waiting for its callback, if any.
#[derive(Debug, Default)]
pub struct AppLinks {
    waiting: Mutex<Option<Waiting>>,
}

#[derive(Debug)]
struct Waiting {
    state: String,
    deliver: oneshot::Sender<Callback>,
}

impl AppLinks {
    /// Registers a sign-in waiting for the callback with `state`; a sign-in
    /// that was waiting is replaced (its wait ends as superseded).
    pub fn expect(&self, state: &str) -> oneshot::Receiver<Callback> {
        let (deliver, arrival) = oneshot::channel();
        *self.lock() = Some(Waiting { state: state.to_owned(), deliver });
        arrival
    }

    /// Delivers `url` to the sign-in waiting for its `state`. Anything else
    /// is refused and leaves the waiting sign-in waiting.
    pub fn hand_over(&self, url: &str) -> Result<(), AuthError> {
        let url = Url::parse(url).map_err(|_| AuthError::Mismatch("the app link is not a URL"))?;
        if url.scheme() != SCHEME || url.path() != PATH || url.has_host() {
            return Err(AuthError::Mismatch("the app link is not a sign-in callback"));
        }
        let param = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
        let mut waiting = self.lock();
        let Some(expected) = waiting.as_ref() else {
            return Err(AuthError::Mismatch("no sign-in is waiting for an app link"));
        };
        if param("state").as_deref() != Some(expected.state.as_str()) {
            return Err(AuthError::Mismatch("the app link is not this sign-in's"));
        }
        let Some(Waiting { deliver, .. }) = waiting.take() else { unreachable!("checked above") };
        let callback = Callback { code: param("code"), error: param("error"), iss: param("iss") };
        // The sign-in may have timed out meanwhile; then there is no one to tell.
        deliver.send(callback).map_err(|_| AuthError::TimedOut)
    }

    /// Forgets the waiting sign-in with `state` (it timed out or failed), so
    /// a late link finds no one rather than a dead channel.
    pub fn forget(&self, state: &str) {
        let mut waiting = self.lock();
        if waiting.as_ref().is_some_and(|w| w.state == state) {
            *waiting = None;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Waiting>> {
        self.waiting.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_callback_with_the_waiting_state_is_delivered_with_its_code_and_issuer() {
        let links = AppLinks::default();
        let mut arrival = links.expect("mine");
        links.hand_over("vn.hoso.app:/callback?code=c-1&state=mine&iss=http%3A%2F%2Fportal").unwrap();
        let callback = arrival.try_recv().unwrap();
        assert_eq!(callback.code.as_deref(), Some("c-1"));
        assert_eq!(callback.iss.as_deref(), Some("http://portal"));
    }

    #[test]
    fn a_link_that_is_not_this_sign_ins_is_refused_and_the_wait_goes_on() {
        let links = AppLinks::default();
        let mut arrival = links.expect("mine");
        for url in [
            "vn.hoso.app:/callback?code=c&state=other",
            "vn.hoso.app:/callback?code=c",
            "vn.hoso.app:/elsewhere?code=c&state=mine",
            "vn.hoso.app://callback?code=c&state=mine",
            "vn.hoso.evil:/callback?code=c&state=mine",
            "http://127.0.0.1:5000/callback?code=c&state=mine",
            "not a url",
        ] {
            assert!(links.hand_over(url).is_err(), "{url}");
        }
        assert!(arrival.try_recv().is_err(), "nothing was delivered");
        links.hand_over("vn.hoso.app:/callback?code=c&state=mine").unwrap();
        assert_eq!(arrival.try_recv().unwrap().code.as_deref(), Some("c"));
    }

    #[test]
    fn a_link_when_no_sign_in_waits_is_refused() {
        let links = AppLinks::default();
        assert!(links.hand_over("vn.hoso.app:/callback?code=c&state=s").is_err());
        let _arrival = links.expect("s");
        links.forget("s");
        assert!(links.hand_over("vn.hoso.app:/callback?code=c&state=s").is_err());
    }

    #[test]
    fn the_scheme_is_the_apps_identifier() {
        // The scheme the phone hands to the app is the one the bundle claims.
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tauri.conf.json");
        let config: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(config["identifier"], SCHEME);
        assert_eq!(APP_LINK_REDIRECT_URI, format!("{SCHEME}:{PATH}"));
    }

    #[test]
    fn a_new_sign_in_replaces_the_waiting_one() {
        let links = AppLinks::default();
        let mut first = links.expect("first");
        let mut second = links.expect("second");
        assert!(links.hand_over("vn.hoso.app:/callback?code=c&state=first").is_err());
        assert!(first.try_recv().is_err());
        links.hand_over("vn.hoso.app:/callback?code=c&state=second").unwrap();
        assert!(second.try_recv().is_ok());
    }
}
