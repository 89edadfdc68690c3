//! Signing in against the real portal: an automated browser plays the
//! person (the portal's sign-in page, the demo password and a current
//! one-time code), the engine does the rest through its loopback listener.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hoso_engine::auth::{Browser, BrowserError, MemoryRefreshTokenStore, RefreshTokenStore, SignOut};
use reqwest::Url;

use super::*;

pub(super) const CITIZEN: (&str, &str) = ("citizen", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
pub(super) const BUSINESS: (&str, &str) = ("business", "KRSXG5DJNZTSA3LFONZWCZ3FEBQW4ZDB");
/// Only a bound on a broken test: a sign-in the browser task failed to
/// finish ends here instead of hanging.
const PATIENCE: Duration = Duration::from_secs(60);

/// What the automated browser saw.
#[derive(Debug, Default)]
struct Seen {
    /// The loopback listener's port, from the redirect URI.
    port: Option<u16>,
    /// The listener's answer to a callback with a forged state.
    forged_state_status: Option<u16>,
    /// The listener's answer to the portal's real redirect.
    callback_status: Option<u16>,
}

/// A browser that signs in as `user`, optionally first sending the listener
/// a callback with a forged state; or, when `user` is `None`, opens the page
/// and never signs in.
pub(super) struct AutomatedBrowser {
    user: Option<(&'static str, &'static str)>,
    forge_first: bool,
    seen: Arc<Mutex<Seen>>,
}

impl AutomatedBrowser {
    pub(super) fn signing_in_as(user: (&'static str, &'static str)) -> Self {
        Self { user: Some(user), forge_first: false, seen: Arc::default() }
    }

    fn seen(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap()
    }
}

impl Browser for AutomatedBrowser {
    fn open(&self, url: &Url) -> Result<(), BrowserError> {
        let redirect = query_param(url, "redirect_uri").expect("a redirect URI");
        self.seen().port = Url::parse(&redirect).unwrap().port();
        let Some(user) = self.user else { return Ok(()) };
        let (url, forge_first, seen) = (url.clone(), self.forge_first, Arc::clone(&self.seen));
        tokio::spawn(async move { drive(url, redirect, user, forge_first, seen).await });
        Ok(())
    }
}

async fn drive(url: Url, redirect: String, user: (&str, &str), forge_first: bool, seen: Arc<Mutex<Seen>>) {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    if forge_first {
        let forged = client.get(format!("{redirect}?code=forged&state=forged")).send().await.unwrap();
        seen.lock().unwrap().forged_state_status = Some(forged.status().as_u16());
    }
    let page = client.get(url.clone()).send().await.unwrap().text().await.unwrap();
    let login = url.join("/login").unwrap();
    let answer = client
        .post(login)
        .form(&[
            ("request_id", request_id(&page).as_str()),
            ("username", user.0),
            ("password", "hoso-demo-2026"),
            ("code", &current_code(user.1)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    let callback = client.get(location).send().await.unwrap();
    seen.lock().unwrap().callback_status = Some(callback.status().as_u16());
}

pub(super) fn query_param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// The value of the sign-in form's hidden request id.
pub(super) fn request_id(page: &str) -> String {
    let marker = "name=\"request_id\" value=\"";
    let start = page.find(marker).expect("a request id in the form") + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

pub(super) fn current_code(secret: &str) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    hoso_portal::oidc::credentials::OneTimeCodes::from_base32(secret).unwrap().code_at(now)
}

pub(super) struct SignedIn {
    pub(super) dir: tempfile::TempDir,
    pub(super) portal: hoso_portal::RunningPortal,
    pub(super) engine: Engine,
    vault: Arc<MemoryRefreshTokenStore>,
}

async fn open_engine() -> SignedIn {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let vault = Arc::new(MemoryRefreshTokenStore::default());
    let engine = Engine::open_with_vault(&dir.path().join("engine.db"), &portal.url(), Box::new(Arc::clone(&vault)))
        .await
        .unwrap();
    SignedIn { dir, portal, engine, vault }
}

pub(super) async fn signed_in_as(user: (&'static str, &'static str)) -> SignedIn {
    let test = open_engine().await;
    test.engine.sign_in_within(&AutomatedBrowser::signing_in_as(user), PATIENCE).await.unwrap();
    test
}

pub(super) fn refresh_token(test: &SignedIn) -> String {
    test.vault.load().unwrap().expect("a refresh token").expose().to_owned()
}

/// The portal's answer to a refresh with `token`, as the engine would send it.
async fn refresh_at_portal(test: &SignedIn, token: &str) -> reqwest::StatusCode {
    reqwest::Client::new()
        .post(format!("{}/token", test.portal.url()))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", token), ("client_id", "hoso-app")])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_representative_signs_in_through_the_browser_and_reads_their_profile_with_enterprises() {
    let test = open_engine().await;
    assert!(!test.engine.is_signed_in().unwrap());
    let browser = AutomatedBrowser::signing_in_as(BUSINESS);
    test.engine.sign_in_within(&browser, PATIENCE).await.unwrap();

    assert!(test.engine.is_signed_in().unwrap());
    assert_eq!(browser.seen().callback_status, Some(200));
    let profile = test.engine.profile().await.unwrap();
    assert_eq!(profile.person.full_name, "Trần Thị Bình");
    let mut tax_codes: Vec<_> = profile.enterprises.iter().map(|e| e.enterprise.tax_code.as_str().to_owned()).collect();
    tax_codes.sort();
    assert_eq!(tax_codes, ["0100233488", "0314409058-002"]);
}

#[tokio::test]
async fn the_profile_without_a_sign_in_is_refused_as_unauthenticated() {
    let test = open_engine().await;
    assert_eq!(test.engine.profile().await.unwrap_err().kind(), ErrorKind::Unauthenticated);
}

#[tokio::test]
async fn a_callback_with_a_forged_state_is_refused_and_the_real_one_still_signs_in() {
    let test = open_engine().await;
    let browser = AutomatedBrowser { forge_first: true, ..AutomatedBrowser::signing_in_as(CITIZEN) };
    test.engine.sign_in_within(&browser, PATIENCE).await.unwrap();

    assert_eq!(browser.seen().forged_state_status, Some(400));
    assert_eq!(browser.seen().callback_status, Some(200));
    assert_eq!(test.engine.profile().await.unwrap().person.full_name, "Nguyễn Văn An");
}

#[tokio::test]
async fn the_loopback_listener_is_closed_once_the_sign_in_is_done() {
    let test = open_engine().await;
    let browser = AutomatedBrowser::signing_in_as(CITIZEN);
    test.engine.sign_in_within(&browser, PATIENCE).await.unwrap();

    let port = browser.seen().port.expect("a loopback port");
    assert!(tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err());
}

#[tokio::test]
async fn a_sign_in_nobody_finishes_ends_unauthenticated_and_closes_the_listener() {
    let test = open_engine().await;
    let browser = AutomatedBrowser { user: None, forge_first: false, seen: Arc::default() };
    let error = test.engine.sign_in_within(&browser, Duration::from_millis(200)).await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Unauthenticated);
    assert!(!test.engine.is_signed_in().unwrap());
    let port = browser.seen().port.expect("a loopback port");
    assert!(tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err());
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_once_and_the_request_goes_through() {
    let test = signed_in_as(CITIZEN).await;
    test.engine.profile().await.unwrap();
    let first = refresh_token(&test);
    assert_eq!(test.vault.saves(), 1);

    expire_access_tokens(&test).await;

    assert_eq!(test.engine.profile().await.unwrap().person.full_name, "Nguyễn Văn An");
    assert_eq!(test.vault.saves(), 2, "one refresh, whose rotated token was saved");
    assert_ne!(refresh_token(&test), first);
    // The next request uses the new access token: no further refresh.
    test.engine.profile().await.unwrap();
    assert_eq!(test.vault.saves(), 2);
}

/// Expires every access token the portal issued: the access token never
/// leaves the engine, so the test ages it where the portal keeps it.
pub(super) async fn expire_access_tokens(test: &SignedIn) {
    let portal_db =
        sqlx::SqlitePool::connect(&format!("sqlite:{}", test.dir.path().join("portal.db").display())).await.unwrap();
    sqlx::query("UPDATE access_token SET expires_at = 0").execute(&portal_db).await.unwrap();
}

#[tokio::test]
async fn two_requests_refused_together_refresh_once_and_both_go_through() {
    let test = signed_in_as(BUSINESS).await;
    test.engine.profile().await.unwrap();
    expire_access_tokens(&test).await;

    let (one, two) = tokio::join!(test.engine.profile(), test.engine.profile());
    one.unwrap();
    two.unwrap();
    // A second refresh would present the rotated-out token, which makes the
    // portal revoke the whole session; one refresh keeps it alive.
    assert_eq!(test.vault.saves(), 2);
    assert!(test.engine.is_signed_in().unwrap());
    test.engine.profile().await.unwrap();
}

#[tokio::test]
async fn a_refresh_the_portal_refuses_signs_the_person_out_without_retrying() {
    let test = signed_in_as(CITIZEN).await;
    let token = refresh_token(&test);
    // Another device signs this session out: the whole grant is revoked.
    let revoked = reqwest::Client::new()
        .post(format!("{}/revoke", test.portal.url()))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);

    let error = test.engine.profile().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unauthenticated);
    assert!(!test.engine.is_signed_in().unwrap());
    assert!(test.vault.load().unwrap().is_none());
    assert_eq!(test.vault.saves(), 1, "no refresh succeeded, none was retried");
    assert!(!error.to_string().contains(&token));
}

#[tokio::test]
async fn signing_out_revokes_the_refresh_token_at_the_portal() {
    let test = signed_in_as(CITIZEN).await;
    let token = refresh_token(&test);

    assert_eq!(test.engine.sign_out().await.unwrap(), SignOut::Revoked);
    assert!(!test.engine.is_signed_in().unwrap());
    assert_eq!(refresh_at_portal(&test, &token).await, 400);
    assert_eq!(test.engine.profile().await.unwrap_err().kind(), ErrorKind::Unauthenticated);
    assert_eq!(test.engine.sign_out().await.unwrap(), SignOut::NotSignedIn);
}

#[tokio::test]
async fn a_refresh_token_the_engine_holds_works_at_the_portal_until_sign_out() {
    // The counterpart of the test above: without it, a 400 after sign-out
    // could come from a token that never worked.
    let test = signed_in_as(CITIZEN).await;
    let token = refresh_token(&test);
    assert_eq!(refresh_at_portal(&test, &token).await, 200);
}

#[tokio::test]
async fn signing_in_again_ends_the_session_it_replaces() {
    let test = signed_in_as(CITIZEN).await;
    let replaced = refresh_token(&test);
    // Another person on the same device: their own one-time code, so the
    // citizen's code is not reused.
    test.engine.sign_in_within(&AutomatedBrowser::signing_in_as(BUSINESS), PATIENCE).await.unwrap();

    assert_eq!(test.engine.profile().await.unwrap().person.full_name, "Trần Thị Bình");
    assert_eq!(refresh_at_portal(&test, &replaced).await, 400);
}

#[tokio::test]
async fn no_token_shows_in_the_engines_debug_output() {
    let test = signed_in_as(CITIZEN).await;
    test.engine.profile().await.unwrap();
    let token = refresh_token(&test);

    let debug = format!("{:?}", test.engine);
    assert!(debug.contains("Engine"), "{debug}");
    assert!(!debug.contains(&token));
    assert!(!format!("{:?}", test.vault).contains(&token));
}
