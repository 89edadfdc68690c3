//! Signing in for a `hoso` test: the engine library, opened on the same data
//! directory and secret store as the binary, signs in through an automated
//! browser (the portal's page, the demo password, a current one-time code).
//! The refresh token then sits in the data directory's secret store, where
//! `hoso` finds it; the binary itself has no way to skip the browser.

use std::path::Path;
use std::time::Duration;

use hoso_engine::Engine;
use hoso_engine::auth::{Browser, BrowserError, Url};

pub const BUSINESS: (&str, &str) = ("business", "KRSXG5DJNZTSA3LFONZWCZ3FEBQW4ZDB");
pub const CITIZEN: (&str, &str) = ("citizen", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");

struct AutomatedBrowser {
    user: (&'static str, &'static str),
}

impl Browser for AutomatedBrowser {
    fn open(&self, url: &Url) -> Result<(), BrowserError> {
        let (url, user) = (url.clone(), self.user);
        tokio::spawn(async move { drive(url, user).await });
        Ok(())
    }
}

async fn drive(url: Url, user: (&str, &str)) {
    sign_in_on_the_page(url.as_str(), user).await;
}

/// Plays the person in the browser: the portal's page at `url`, the demo
/// password, a current one-time code; then follows the redirect to the app's
/// loopback listener, which the engine or `hoso serve` is waiting on.
pub async fn sign_in_on_the_page(url: &str, user: (&str, &str)) {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let url = reqwest::Url::parse(url).unwrap();
    let page = client.get(url.clone()).send().await.unwrap().text().await.unwrap();
    let marker = "name=\"request_id\" value=\"";
    let start = page.find(marker).expect("a request id in the form") + marker.len();
    let request_id = page[start..].split('"').next().unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let code = hoso_portal::oidc::credentials::OneTimeCodes::from_base32(user.1).unwrap().code_at(now);
    let answer = client
        .post(url.join("/login").unwrap())
        .form(&[("request_id", request_id), ("username", user.0), ("password", "hoso-demo-2026"), ("code", &code)])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303, "the portal took the sign-in");
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("http://127.0.0.1:"), "back to the app's loopback listener: {location}");
    let back = client.get(location).send().await.unwrap();
    assert!(back.status().is_success(), "{}", back.status());
}

/// Signs `user` in on `data_dir` as `hoso` opens it (same database path and
/// secret store), then closes the engine so the binary can open the store.
pub async fn sign_in(portal: &str, data_dir: &Path, user: (&'static str, &'static str)) {
    std::fs::create_dir_all(data_dir).unwrap();
    let database = data_dir.join("engine.db");
    let secrets = hoso_engine::secrets::for_real_account(&database).unwrap();
    let engine = Engine::open_with(&database, portal, secrets, hoso_engine::Account::Real).await.unwrap();
    // Only a bound on a broken test, not a timed assertion.
    engine.sign_in_within(&AutomatedBrowser { user }, Duration::from_secs(60)).await.unwrap();
    engine.close().await;
}
