//! Passkeys and end-session, over loopback against the real portal on both
//! backends. The authenticator is webauthn-rs's software passkey, playing
//! the part of the person's device and browser: it registers through the
//! enrolment API and signs in through `/authorize`, the passkey endpoints
//! and `/token`.
//!
//! The software passkey keeps no discoverable credentials, so for the
//! usernameless sign-in the test does what a device with a discoverable
//! credential does on its own: it picks its credential for the relying
//! party and returns the user handle it stored at registration. The portal
//! checks everything that is signed against what it stored.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hoso_protocol::api::passkey::{PasskeyRegistrationStarted, PasskeySummary};
use serde_json::{Value, json};
use sqlx::{AnyConnection, Connection};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse, Url};
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

use super::*;

const BUSINESS_TOTP: &str = "KRSXG5DJNZTSA3LFONZWCZ3FEBQW4ZDB";

/// A person's device: a software passkey and the origin its browser is on.
struct Device {
    authenticator: WebauthnAuthenticator<SoftPasskey>,
    origin: Url,
}

impl Device {
    /// The portal's relying party for a loopback issuer is `localhost` on
    /// the same port, so that is where the browser must be.
    fn for_portal(base: &str) -> Self {
        let port = url::Url::parse(base).unwrap().port().unwrap();
        // `true`: the soft passkey claims user verification, as a phone
        // unlocked with a fingerprint does; the portal requires it.
        let authenticator = WebauthnAuthenticator::new(SoftPasskey::new(true));
        Self { authenticator, origin: Url::parse(&format!("http://localhost:{port}")).unwrap() }
    }
}

/// What enrolment leaves on the device: the credential and the person's
/// user handle, both base64url.
struct Enrolled {
    summary: PasskeySummary,
    user_handle: String,
}

async fn start_registration(base: &str, client: &reqwest::Client, access: &str) -> PasskeyRegistrationStarted {
    let started =
        client.post(format!("{base}{}", path::PASSKEY_REGISTRATION_START)).bearer_auth(access).send().await.unwrap();
    assert_eq!(started.status(), 200);
    started.json().await.unwrap()
}

async fn finish_registration(base: &str, client: &reqwest::Client, access: &str, body: &Value) -> reqwest::Response {
    client
        .post(format!("{base}{}", path::PASSKEY_REGISTRATION_FINISH))
        .bearer_auth(access)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// Registers a passkey on `device` through the enrolment API.
async fn enrol(base: &str, client: &reqwest::Client, access: &str, device: &mut Device, name: &str) -> Enrolled {
    let started = start_registration(base, client, access).await;
    let user_handle = started.options["publicKey"]["user"]["id"].as_str().expect("a user handle").to_owned();
    let options: CreationChallengeResponse = serde_json::from_value(started.options).unwrap();
    let credential = device.authenticator.do_registration(device.origin.clone(), options).unwrap();
    let body = json!({ "ceremony": started.ceremony, "name": name, "credential": credential });
    let finished = finish_registration(base, client, access, &body).await;
    assert_eq!(finished.status(), 201);
    Enrolled { summary: finished.json().await.unwrap(), user_handle }
}

async fn list_passkeys(base: &str, client: &reqwest::Client, access: &str) -> Vec<PasskeySummary> {
    let listed = client.get(format!("{base}{}", path::PASSKEYS)).bearer_auth(access).send().await.unwrap();
    assert_eq!(listed.status(), 200);
    listed.json().await.unwrap()
}

/// Opens the sign-in page for a new authorization request: (request id, verifier).
async fn open_sign_in_page(base: &str, client: &reqwest::Client, scope: &str) -> (String, String) {
    let (verifier, challenge) = pkce_pair();
    let page = client
        .get(format!("{base}/authorize"))
        .query(&[
            ("client_id", "hoso-app"),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("scope", scope),
            ("state", "state-pk"),
            ("nonce", "nonce-pk"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    (request_id(&page.text().await.unwrap()), verifier)
}

/// Starts a passkey sign-in for `request` and has the device answer it as
/// the passkey `credential_id` of the person with `user_handle`: the body
/// the page's script would send to finish.
async fn passkey_answer(
    base: &str,
    client: &reqwest::Client,
    device: &mut Device,
    request: &str,
    credential_id: &str,
    user_handle: &str,
) -> Value {
    let started = client
        .post(format!("{base}/login/passkey/start"))
        .json(&json!({ "request_id": request }))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 200);
    let started: Value = started.json().await.unwrap();
    let mut options = started["options"].clone();
    assert_eq!(options["publicKey"]["allowCredentials"], json!([]), "a usernameless request names no credential");
    // The device's own choice of its credential for this relying party.
    options["publicKey"]["allowCredentials"] = json!([{ "type": "public-key", "id": credential_id }]);
    let options: RequestChallengeResponse = serde_json::from_value(options).unwrap();
    let answer = device.authenticator.do_authentication(device.origin.clone(), options).unwrap();
    let mut credential = serde_json::to_value(answer).unwrap();
    credential["response"]["userHandle"] = json!(user_handle);
    json!({ "request_id": request, "ceremony": started["ceremony"], "credential": credential })
}

async fn finish_sign_in(base: &str, client: &reqwest::Client, body: &Value) -> reqwest::Response {
    client.post(format!("{base}/login/passkey/finish")).json(body).send().await.unwrap()
}

/// The claims of an ID token, read without checking it (the code-flow test
/// checks signatures).
fn id_token_claims(id_token: &str) -> Value {
    let payload = id_token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// Signs `enrolled` in with its passkey and redeems the code: the token response.
async fn passkey_tokens(
    base: &str,
    client: &reqwest::Client,
    device: &mut Device,
    enrolled: &Enrolled,
    scope: &str,
) -> Value {
    let (request, verifier) = open_sign_in_page(base, client, scope).await;
    let body = passkey_answer(base, client, device, &request, &enrolled.summary.id, &enrolled.user_handle).await;
    let finished = finish_sign_in(base, client, &body).await;
    assert_eq!(finished.status(), 200);
    let location = finished.json::<Value>().await.unwrap()["redirect_to"].as_str().unwrap().to_owned();
    assert!(location.starts_with(REDIRECT), "{location}");
    assert_eq!(query_param(&location, "state").as_deref(), Some("state-pk"));
    assert_eq!(query_param(&location, "iss").as_deref(), Some(base));
    let code = query_param(&location, "code").expect("a code");
    let tokens = redeem(base, client, &code, &verifier).await;
    assert_eq!(tokens.status(), 200);
    tokens.json().await.unwrap()
}

async fn a_passkey_enrolled_in_settings_signs_in_through_the_authorize_page(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let access = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let mut device = Device::for_portal(&base);
    let enrolled = enrol(&base, &client, &access, &mut device, "  Điện thoại của tôi ").await;
    assert_eq!(enrolled.summary.name, "Điện thoại của tôi");
    assert_eq!(enrolled.summary.last_used_at, None);
    assert_eq!(list_passkeys(&base, &client, &access).await, std::slice::from_ref(&enrolled.summary));

    let tokens = passkey_tokens(&base, &client, &mut device, &enrolled, "openid profile").await;
    let claims = id_token_claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(claims["sub"], "demo-citizen-0001");
    assert_eq!(claims["amr"], json!(["pop", "mfa"]));
    let userinfo: Value = client
        .get(format!("{base}/userinfo"))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(userinfo["sub"], "demo-citizen-0001");
    assert_eq!(userinfo["name"], "Nguyễn Văn An");

    let listed = list_passkeys(&base, &client, &access).await;
    assert!(listed[0].last_used_at.is_some(), "the sign-in is recorded on the passkey");
    // The same passkey signs in again: its counter moved forward.
    passkey_tokens(&base, &client, &mut device, &enrolled, "openid").await;
}

async fn a_finished_ceremony_cannot_be_replayed(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let access = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let mut device = Device::for_portal(&base);

    let started = start_registration(&base, &client, &access).await;
    let user_handle = started.options["publicKey"]["user"]["id"].as_str().unwrap().to_owned();
    let options: CreationChallengeResponse = serde_json::from_value(started.options).unwrap();
    let credential = device.authenticator.do_registration(device.origin.clone(), options).unwrap();
    let body = json!({ "ceremony": started.ceremony, "name": "Laptop", "credential": credential });
    assert_eq!(finish_registration(&base, &client, &access, &body).await.status(), 201);
    let replayed = finish_registration(&base, &client, &access, &body).await;
    assert_eq!(replayed.status(), 400);
    assert_eq!(replayed.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::InvalidInput);
    let enrolled = list_passkeys(&base, &client, &access).await;
    assert_eq!(enrolled.len(), 1);

    let (request, _) = open_sign_in_page(&base, &client, "openid").await;
    let body = passkey_answer(&base, &client, &mut device, &request, &enrolled[0].id, &user_handle).await;
    assert_eq!(finish_sign_in(&base, &client, &body).await.status(), 200);
    // The same answer again: the ceremony is gone (and so is the request).
    let replayed = finish_sign_in(&base, &client, &body).await;
    assert_eq!(replayed.status(), 400);
    assert_eq!(replayed.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::InvalidInput);
}

async fn a_passkey_of_one_person_neither_signs_in_as_nor_is_deleted_by_another(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let citizen = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let business = access_token_for(&base, &client, ("business", BUSINESS_TOTP)).await;
    let mut citizens_phone = Device::for_portal(&base);
    let mut business_phone = Device::for_portal(&base);
    let citizens = enrol(&base, &client, &citizen, &mut citizens_phone, "An's phone").await;
    let businesss = enrol(&base, &client, &business, &mut business_phone, "Bình's phone").await;
    assert_ne!(citizens.user_handle, businesss.user_handle);

    // The citizen's passkey presented under the business person's user handle.
    let (request, _) = open_sign_in_page(&base, &client, "openid").await;
    let body =
        passkey_answer(&base, &client, &mut citizens_phone, &request, &citizens.summary.id, &businesss.user_handle)
            .await;
    let refused = finish_sign_in(&base, &client, &body).await;
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::Unauthenticated);

    // Each sees only their own, and cannot delete the other's.
    assert_eq!(list_passkeys(&base, &client, &business).await, std::slice::from_ref(&businesss.summary));
    let passkey_path = |id: &str| format!("{base}{}", path::PASSKEY.replace("{id}", id));
    let foreign = client.delete(passkey_path(&citizens.summary.id)).bearer_auth(&business).send().await.unwrap();
    assert_eq!(foreign.status(), 404);
    assert_eq!(list_passkeys(&base, &client, &citizen).await, std::slice::from_ref(&citizens.summary));

    // The owner deletes it, and it signs in no more.
    let own = client.delete(passkey_path(&citizens.summary.id)).bearer_auth(&citizen).send().await.unwrap();
    assert_eq!(own.status(), 204);
    assert!(list_passkeys(&base, &client, &citizen).await.is_empty());
    let (request, _) = open_sign_in_page(&base, &client, "openid").await;
    let body =
        passkey_answer(&base, &client, &mut citizens_phone, &request, &citizens.summary.id, &citizens.user_handle)
            .await;
    assert_eq!(finish_sign_in(&base, &client, &body).await.status(), 401);
}

/// The test's own connection to the portal's database, for changing what
/// only time or another device would change.
async fn database_of(test: &TestPortal) -> AnyConnection {
    sqlx::any::install_default_drivers();
    AnyConnection::connect(&test._database.url).await.unwrap()
}

/// Moves every stored ceremony's expiry into the past.
async fn expire_ceremonies(test: &TestPortal) {
    let mut database = database_of(test).await;
    let expired = sqlx::query("UPDATE passkey_ceremony SET expires_at = 0").execute(&mut database).await.unwrap();
    assert_eq!(expired.rows_affected(), 1);
}

/// Records that the genuine authenticator of `credential_id` has already
/// signed `counter` times, as if another copy of it had been used.
async fn advance_stored_counter(test: &TestPortal, credential_id: &str, counter: u32) {
    let mut database = database_of(test).await;
    let stored: String = sqlx::query_scalar("SELECT passkey FROM passkey WHERE credential_id = $1")
        .bind(credential_id)
        .fetch_one(&mut database)
        .await
        .unwrap();
    let mut passkey: Value = serde_json::from_str(&stored).unwrap();
    assert!(passkey["cred"]["counter"].is_u64(), "{passkey}");
    passkey["cred"]["counter"] = json!(counter);
    sqlx::query("UPDATE passkey SET passkey = $1, counter = $2 WHERE credential_id = $3")
        .bind(passkey.to_string())
        .bind(i64::from(counter))
        .bind(credential_id)
        .execute(&mut database)
        .await
        .unwrap();
}

async fn a_cloned_authenticator_whose_counter_goes_backwards_is_refused(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let access = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let mut device = Device::for_portal(&base);
    let enrolled = enrol(&base, &client, &access, &mut device, "Phone").await;
    passkey_tokens(&base, &client, &mut device, &enrolled, "openid").await;

    // Another copy of the key has signed 100 times; this one is at 2.
    advance_stored_counter(&test, &enrolled.summary.id, 100).await;
    let (request, _) = open_sign_in_page(&base, &client, "openid").await;
    let body = passkey_answer(&base, &client, &mut device, &request, &enrolled.summary.id, &enrolled.user_handle).await;
    let refused = finish_sign_in(&base, &client, &body).await;
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::Unauthenticated);
}

async fn an_expired_ceremony_is_refused(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let access = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let mut device = Device::for_portal(&base);
    let enrolled = enrol(&base, &client, &access, &mut device, "Phone").await;

    let (request, _) = open_sign_in_page(&base, &client, "openid").await;
    let body = passkey_answer(&base, &client, &mut device, &request, &enrolled.summary.id, &enrolled.user_handle).await;
    expire_ceremonies(&test).await;
    let refused = finish_sign_in(&base, &client, &body).await;
    assert_eq!(refused.status(), 400);
    assert_eq!(refused.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::InvalidInput);
}

async fn the_sign_in_page_offers_a_passkey_through_its_own_script_and_works_without_it(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let (verifier, challenge) = pkce_pair();
    let page = client
        .get(format!("{base}/authorize"))
        .query(&[
            ("client_id", "hoso-app"),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("scope", "openid"),
            ("nonce", "n"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    let html = page.text().await.unwrap();
    assert!(html.contains("<script src=\"/passkey.js\" defer></script>"), "{html}");
    assert_eq!(html.matches("<script").count(), 1, "no inline script");
    // Without the script the passkey choice stays hidden and the form is whole.
    assert!(html.contains("<section id=\"passkey-area\" hidden>"), "{html}");
    assert!(html.contains("name=\"password\"") && html.contains("name=\"code\""));

    let script = client.get(format!("{base}/passkey.js")).send().await.unwrap();
    assert_eq!(script.status(), 200);
    assert_eq!(script.headers()["content-type"], "text/javascript; charset=utf-8");
    let script = script.text().await.unwrap();
    assert!(script.contains("/login/passkey/start") && script.contains("/login/passkey/finish"));

    // The password and one-time code still sign in on this very page.
    let answer = client
        .post(format!("{base}/login"))
        .form(&[
            ("request_id", request_id(&html).as_str()),
            ("username", "citizen"),
            ("password", "hoso-demo-2026"),
            ("code", &current_code(CITIZEN_TOTP)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303);
    let code = query_param(answer.headers()["location"].to_str().unwrap(), "code").unwrap();
    let tokens: Value = redeem(&base, &client, &code, &verifier).await.json().await.unwrap();
    assert_eq!(id_token_claims(tokens["id_token"].as_str().unwrap())["amr"], json!(["pwd", "otp", "mfa"]));
}

async fn passkey_bodies_are_bounded_and_attempts_count_against_the_sign_in_limit(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let oversized = json!({ "request_id": "r", "ceremony": "c", "credential": "x".repeat(20 * 1024) });
    let refused = finish_sign_in(&base, &client, &oversized).await;
    assert_eq!(refused.status(), 413);
    assert_eq!(refused.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::TooLarge);

    let (request, _) = open_sign_in_page(&base, &client, "openid").await;
    let mut device = Device::for_portal(&base);
    let access = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let enrolled = enrol(&base, &client, &access, &mut device, "Phone").await;
    let mut body =
        passkey_answer(&base, &client, &mut device, &request, &enrolled.summary.id, &enrolled.user_handle).await;
    body["ceremony"] = json!("guessed");
    // The password sign-in above spent one attempt of this address's ten.
    for _ in 0..9 {
        assert_eq!(finish_sign_in(&base, &client, &body).await.status(), 400);
    }
    let limited = finish_sign_in(&base, &client, &body).await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
}

async fn end_session_ends_that_sign_in_and_returns_to_a_registered_address_with_state(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let discovery: Value =
        client.get(format!("{base}/.well-known/openid-configuration")).send().await.unwrap().json().await.unwrap();
    assert_eq!(discovery["end_session_endpoint"], format!("{base}/end-session"));

    // Two sign-ins of one person: with the password, then with a passkey.
    let (code, verifier) = sign_in_for_code_with_scope(&base, &client, "openid offline_access").await;
    let first: Value = redeem(&base, &client, &code, &verifier).await.json().await.unwrap();
    let mut device = Device::for_portal(&base);
    let enrolled = enrol(&base, &client, first["access_token"].as_str().unwrap(), &mut device, "Phone").await;
    let second = passkey_tokens(&base, &client, &mut device, &enrolled, "openid offline_access").await;

    let leaving = client
        .get(format!("{base}/end-session"))
        .query(&[
            ("id_token_hint", first["id_token"].as_str().unwrap()),
            ("post_logout_redirect_uri", "http://127.0.0.1:50123/signed-out"),
            ("state", "bye-1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(leaving.status(), 303);
    let location = leaving.headers()["location"].to_str().unwrap();
    assert!(location.starts_with("http://127.0.0.1:50123/signed-out?"), "{location}");
    assert_eq!(query_param(location, "state").as_deref(), Some("bye-1"));

    // That sign-in is over; the other one goes on.
    assert_eq!(refresh(&base, &client, first["refresh_token"].as_str().unwrap()).await.status(), 400);
    assert_eq!(userinfo_status(&base, &client, first["access_token"].as_str().unwrap()).await, 401);
    assert_eq!(refresh(&base, &client, second["refresh_token"].as_str().unwrap()).await.status(), 200);

    // POST works the same, and without an address it ends on the portal's page.
    let page = client
        .post(format!("{base}/end-session"))
        .form(&[("id_token_hint", second["id_token"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers().get("location").is_none());
    assert_eq!(userinfo_status(&base, &client, second["access_token"].as_str().unwrap()).await, 401);
}

async fn end_session_refuses_an_unregistered_address_without_redirecting(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let (code, verifier) = sign_in_for_code_with_scope(&base, &client, "openid offline_access").await;
    let tokens: Value = redeem(&base, &client, &code, &verifier).await.json().await.unwrap();
    let hint = tokens["id_token"].as_str().unwrap();
    for (hint, uri) in [
        (hint, "https://evil.example/signed-out"),
        (hint, "http://127.0.0.1:50123/callback"),
        ("not-an-id-token", "http://127.0.0.1:50123/signed-out"),
    ] {
        let refused = client
            .get(format!("{base}/end-session"))
            .query(&[("id_token_hint", hint), ("post_logout_redirect_uri", uri), ("state", "s")])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 400, "{uri}");
        assert!(refused.headers().get("location").is_none(), "{uri}");
        assert_eq!(refused.headers()["x-frame-options"], "DENY");
    }
    // Nothing was revoked by the refused requests.
    let refreshed = refresh(&base, &client, tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(refreshed.status(), 200);
}

contract![
    a_passkey_enrolled_in_settings_signs_in_through_the_authorize_page,
    a_finished_ceremony_cannot_be_replayed,
    a_passkey_of_one_person_neither_signs_in_as_nor_is_deleted_by_another,
    an_expired_ceremony_is_refused,
    a_cloned_authenticator_whose_counter_goes_backwards_is_refused,
    the_sign_in_page_offers_a_passkey_through_its_own_script_and_works_without_it,
    passkey_bodies_are_bounded_and_attempts_count_against_the_sign_in_limit,
    end_session_ends_that_sign_in_and_returns_to_a_registered_address_with_state,
    end_session_refuses_an_unregistered_address_without_redirecting,
];
