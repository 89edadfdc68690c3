//! The refusals every `hoso serve` owes a browser, demo or real account
//! alike: a command without the printed token, or with a wrong one, is
//! refused as unauthenticated; a command from another Origin is refused even
//! with the token, and without a CORS header that would let that page read
//! the answer; the page's own Origin is let through.

use hoso_protocol::error::{ErrorEnvelope, ErrorKind};

/// A command posted to `base` with `null` arguments, as the UI posts one
/// that takes none.
fn command(base: &str, name: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new().post(format!("{base}/commands/{name}")).body("null")
}

/// Checks that command `name` is refused without the token and with a wrong one.
pub async fn refuses_a_missing_or_wrong_token(base: &str, name: &str) {
    let without = command(base, name).send().await.unwrap();
    assert_eq!(without.status(), 401, "{name} without a token");
    assert_eq!(without.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::Unauthenticated);

    let wrong = command(base, name).header("x-hoso-token", "0".repeat(64)).send().await.unwrap();
    assert_eq!(wrong.status(), 401, "{name} with a wrong token");
    assert_eq!(wrong.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::Unauthenticated);
}

/// Checks that command `name` is refused from another Origin even with the
/// right `token`, and answered from the page's own Origin (`base`).
pub async fn refuses_a_foreign_origin_even_with_the_token(base: &str, token: &str, name: &str) {
    let foreign =
        command(base, name).header("x-hoso-token", token).header("origin", "http://evil.example").send().await.unwrap();
    assert_eq!(foreign.status(), 403, "{name} from another Origin");
    assert!(foreign.headers().get("access-control-allow-origin").is_none());
    assert_eq!(foreign.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::Forbidden);

    let own = command(base, name).header("x-hoso-token", token).header("origin", base).send().await.unwrap();
    assert_eq!(own.status(), 200, "{name} from the page's own Origin");
}
