//! The HTML pages (and the one script they load) that people's browsers
//! open: the simulated payment gateway's hosted page, the page the gateway
//! sends the browser back to, the sign-in page's passkey script, and the
//! officers' back-office pages. They are not API: no client program calls
//! them, they answer HTML rather than JSON, and their shape is free to
//! change, so they are not in the OpenAPI document and are registered here
//! with plain `.route(...)` instead of in `http::api()`.
//!
//! The rule that keeps the document whole: a route whose answer a program
//! reads (JSON, a file, an event stream) belongs in `http::api()` with an
//! annotation, never here; nothing here lives under `/api/`. A test checks
//! the second half.

use axum::Router;
use axum::routing::{MethodRouter, get};

use crate::http::AppState;
use crate::oidc::pages::PASSKEY_SCRIPT;
use crate::{gateway, passkeys, payments};

/// Each page's path and its handlers.
fn pages() -> [(&'static str, MethodRouter<AppState>); 3] {
    [
        (payments::GATEWAY_PAGE, get(gateway::page).post(gateway::choose)),
        (payments::RETURN_PAGE, get(payments::return_page)),
        (PASSKEY_SCRIPT, get(passkeys::script::serve)),
    ]
}

/// Every browser page, for `http::router` to merge beside the API (inside
/// its body limit and request timeout).
pub fn browser_pages() -> Router<AppState> {
    pages()
        .into_iter()
        .fold(Router::new(), |router, (path, handlers)| router.route(path, handlers))
        .merge(crate::office_pages::routes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http;

    #[test]
    fn no_browser_page_is_under_the_api_or_in_the_document() {
        let document = http::document();
        for (path, _) in pages() {
            assert!(!path.starts_with("/api/"), "{path} is a browser page under /api/");
            assert!(!document.paths.paths.contains_key(path), "{path} is both a browser page and in the document");
        }
    }
}
