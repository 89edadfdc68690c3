//! Serves the sign-in page's passkey script (`passkey.js`, beside this
//! file, embedded at compile time) from the portal's own origin, so the
//! page's CSP can allow `script-src 'self'` and nothing inline.

use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::response::IntoResponse;

const SCRIPT: &str = include_str!("passkey.js");

pub async fn serve() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8")),
            (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            (CACHE_CONTROL, HeaderValue::from_static("public, max-age=300")),
        ],
        SCRIPT,
    )
}
