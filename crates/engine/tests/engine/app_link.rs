//! Signing in on a phone against the real portal: the redirect is the app's
//! own scheme (`vn.hoso.app:/callback`), so no listener is involved. A test
//! browser plays the phone: it signs in on the portal's page, reads where the
//! portal sends it (a `vn.hoso.app:` URL no browser can follow) and hands
//! that URL to the engine, as the shell's deep-link handler does.

use std::sync::Arc;
use std::time::Duration;

use hoso_engine::auth::{APP_LINK_REDIRECT_URI, Browser, BrowserError, MemoryRefreshTokenStore, Url};
use hoso_protocol::error::ErrorKind;

use super::signin::{current_code, query_param, request_id};
use super::*;

const CITIZEN: (&str, &str) = ("citizen", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
/// Only a bound on a broken test.
const PATIENCE: Duration = Duration::from_secs(60);

/// What the phone does with the link the portal sends it to.
#[derive(Clone, Copy)]
enum Phone {
    /// Hands it over as it is, after a link with a forged state.
    HandsOver,
    /// Hands it over with the issuer changed, as a link from another
    /// provider would name itself.
    NamesAnotherIssuer,
}

/// The phone's browser and its deep-link handler, around one engine.
struct PhoneBrowser {
    engine: Arc<Engine>,
    phone: Phone,
    /// The redirect URI the sign-in asked for, and the engine's answers to
    /// the links handed over.
    seen: Arc<std::sync::Mutex<Vec<String>>>,
}

impl Browser for PhoneBrowser {
    fn open(&self, url: &Url) -> Result<(), BrowserError> {
        let (url, engine, phone, seen) = (url.clone(), Arc::clone(&self.engine), self.phone, Arc::clone(&self.seen));
        seen.lock().unwrap().push(query_param(&url, "redirect_uri").unwrap_or_default());
        tokio::spawn(async move {
            let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
            let page = client.get(url.clone()).send().await.unwrap().text().await.unwrap();
            let answer = client
                .post(url.join("/login").unwrap())
                .form(&[
                    ("request_id", request_id(&page).as_str()),
                    ("username", CITIZEN.0),
                    ("password", "hoso-demo-2026"),
                    ("code", &current_code(CITIZEN.1)),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), 303);
            let location = answer.headers()["location"].to_str().unwrap().to_owned();
            let mut link = Url::parse(&location).unwrap();
            match phone {
                Phone::HandsOver => {
                    let mut forged = link.clone();
                    forged.set_query(Some("code=forged&state=forged"));
                    let refused = engine.hand_over_app_link(forged.as_str()).map(|()| "accepted").unwrap_or("refused");
                    seen.lock().unwrap().push(format!("forged link {refused}"));
                }
                Phone::NamesAnotherIssuer => {
                    let pairs: Vec<(String, String)> = link.query_pairs().into_owned().collect();
                    let mut query = link.query_pairs_mut();
                    query.clear();
                    for (name, value) in pairs {
                        query.append_pair(&name, if name == "iss" { "http://evil.example" } else { &value });
                    }
                }
            }
            let handed = engine.hand_over_app_link(link.as_str()).map(|()| "accepted").unwrap_or("refused");
            seen.lock().unwrap().push(format!("{} {handed}", &location[..location.find('?').unwrap()]));
        });
        Ok(())
    }
}

async fn phone_engine(dir: &tempfile::TempDir, portal: &hoso_portal::RunningPortal) -> Arc<Engine> {
    let vault = Box::new(Arc::new(MemoryRefreshTokenStore::default()));
    Arc::new(Engine::open_with_vault(&dir.path().join("engine.db"), &portal.url(), vault).await.unwrap())
}

#[tokio::test]
async fn a_phone_signs_in_through_the_apps_own_scheme_handed_over_by_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let engine = phone_engine(&dir, &portal).await;
    let seen = Arc::default();
    let browser = PhoneBrowser { engine: Arc::clone(&engine), phone: Phone::HandsOver, seen: Arc::clone(&seen) };

    engine.sign_in_through_app_link(&browser, PATIENCE).await.unwrap();

    let profile = engine.profile().await.unwrap();
    assert!(!profile.person.full_name.is_empty());
    assert_eq!(
        *seen.lock().unwrap(),
        [
            APP_LINK_REDIRECT_URI.to_owned(),
            "forged link refused".to_owned(),
            "vn.hoso.app:/callback accepted".to_owned()
        ]
    );
    // The sign-in is over: a replayed link finds no one waiting.
    assert!(engine.hand_over_app_link("vn.hoso.app:/callback?code=c&state=s").is_err());
}

#[tokio::test]
async fn an_app_link_naming_another_issuer_is_refused_and_nobody_is_signed_in() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let engine = phone_engine(&dir, &portal).await;
    let seen = Arc::default();
    let browser = PhoneBrowser { engine: Arc::clone(&engine), phone: Phone::NamesAnotherIssuer, seen };

    let refused = engine.sign_in_through_app_link(&browser, PATIENCE).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Portal, "{refused}");
    assert!(!engine.is_signed_in().unwrap());
    assert_eq!(engine.profile().await.unwrap_err().kind(), ErrorKind::Unauthenticated);
}

#[tokio::test]
async fn a_phone_sign_in_nobody_finishes_ends_unauthenticated() {
    struct Idle;
    impl Browser for Idle {
        fn open(&self, _: &Url) -> Result<(), BrowserError> {
            Ok(())
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let engine = phone_engine(&dir, &portal).await;
    let timed_out = engine.sign_in_through_app_link(&Idle, Duration::from_millis(200)).await.unwrap_err();
    assert_eq!(timed_out.kind(), ErrorKind::Unauthenticated);
    assert!(engine.hand_over_app_link("vn.hoso.app:/callback?code=c&state=s").is_err(), "the wait was forgotten");
}
