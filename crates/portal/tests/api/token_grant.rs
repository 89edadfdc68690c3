//! The token endpoint's code grant as one transaction: a code refused for a
//! wrong verifier is left exactly as it was (still redeemable once, by the
//! right verifier), and every token request counts against the address's
//! limit, the refused ones included, until it is answered 429; a code
//! presented past the limit is left exactly as it was too.

use super::*;

async fn a_code_refused_for_a_wrong_verifier_is_still_redeemed_once_by_the_right_one(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let (code, verifier) = sign_in_for_code(&base, &client).await;
    let (other_verifier, _) = pkce_pair();
    let wrong = redeem(&base, &client, &code, &other_verifier).await;
    assert_eq!(wrong.status(), 400);
    assert_eq!(wrong.json::<serde_json::Value>().await.unwrap()["error"], "invalid_grant");

    let tokens: serde_json::Value = redeem(&base, &client, &code, &verifier).await.json().await.unwrap();
    let access = tokens["access_token"].as_str().expect("the right verifier still redeems the code").to_owned();
    assert!(tokens["id_token"].is_string());
    assert_eq!(client.get(format!("{base}/userinfo")).bearer_auth(&access).send().await.unwrap().status(), 200);

    // Once redeemed, it is spent: a replay is refused and revokes what it issued.
    assert_eq!(redeem(&base, &client, &code, &verifier).await.status(), 400);
    assert_eq!(client.get(format!("{base}/userinfo")).bearer_auth(&access).send().await.unwrap().status(), 401);
}

async fn token_requests_past_the_addresss_limit_are_answered_429_refused_ones_included(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let (_, verifier) = pkce_pair();
    let per_window = hoso_portal::rate_limit::TOKEN_PER_ADDRESS.per_window;
    early_in_a_window().await;
    for attempt in 0..per_window {
        let unknown = redeem(&base, &client, &format!("no-such-code-{attempt}"), &verifier).await;
        assert_eq!(unknown.status(), 400, "attempt {attempt}");
    }
    assert_rate_limited(redeem(&base, &client, "no-such-code", &verifier).await).await;
    // The refresh grant counts in the same window.
    let refresh = client
        .post(format!("{base}/token"))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", "no-such-token"), ("client_id", "hoso-app")])
        .send()
        .await
        .unwrap();
    assert_rate_limited(refresh).await;
}

/// The limit counts in fixed one-minute windows: a test that fills one
/// starts early in it, so that a new window cannot reset the count half-way.
async fn early_in_a_window() {
    let into_window = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() % 60;
    if into_window > 40 {
        tokio::time::sleep(std::time::Duration::from_secs(61 - into_window)).await;
    }
}

async fn a_code_presented_past_the_addresss_limit_is_left_unclaimed(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let (code, verifier) = sign_in_for_code(&base, &client).await;
    early_in_a_window().await;
    let (other_verifier, _) = pkce_pair();
    for attempt in 0..hoso_portal::rate_limit::TOKEN_PER_ADDRESS.per_window {
        let unknown = redeem(&base, &client, &format!("no-such-code-{attempt}"), &other_verifier).await;
        assert_eq!(unknown.status(), 400, "attempt {attempt}");
    }
    assert_rate_limited(redeem(&base, &client, &code, &verifier).await).await;

    // The refused request claimed nothing and opened no grant.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&test._database.url).await.unwrap();
    let claimed_by: Option<String> = sqlx::query_scalar("SELECT grant_id FROM auth_code WHERE code_hash = $1")
        .bind(hoso_portal::oidc::grant::hash_secret(&code))
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(claimed_by, None);
    let grants: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM oidc_grant").fetch_one(&pool).await.unwrap();
    assert_eq!(grants, 0);
    pool.close().await;
}

contract![
    a_code_presented_past_the_addresss_limit_is_left_unclaimed,
    a_code_refused_for_a_wrong_verifier_is_still_redeemed_once_by_the_right_one,
    token_requests_past_the_addresss_limit_are_answered_429_refused_ones_included,
];
