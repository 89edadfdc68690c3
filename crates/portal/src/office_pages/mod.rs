//! The back office's HTML pages for officers: sign in with a password and a
//! one-time code, the queue of dossiers awaiting action, and a dossier page
//! with a form for each move the lifecycle allows from its status and for
//! issuing the result. Server-rendered, no JavaScript, Vietnamese first.
//!
//! The pages decide nothing themselves: every move goes through the same
//! functions as the officer API ([`crate::office::decide`],
//! [`crate::results::issue_result`]), and so through the lifecycle. They are
//! browser pages, not API, so they are outside the OpenAPI document. A
//! browser session ([`session`]) stands in for the bearer token, and every
//! POST carries the session's CSRF token.

mod actions;
mod dossier;
mod flash;
mod forms;
mod queue;
mod render;
mod session;
mod sign_in;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::http::AppState;
use crate::results::MAX_RESULT_BYTES;

/// The queue.
pub const QUEUE: &str = "/office";
pub const SIGN_IN: &str = "/office/sign-in";
pub const SIGN_OUT: &str = "/office/sign-out";
/// The dossier page; its forms post to `…/moves` and `…/result`.
pub const DOSSIER: &str = "/office/dossiers/{code}";
const MOVES: &str = "/office/dossiers/{code}/moves";
const RESULT: &str = "/office/dossiers/{code}/result";

/// What a result upload form may send beyond the file: the CSRF token, the
/// part headers and the multipart boundaries.
const FORM_OVERHEAD: usize = 64 * 1024;

/// The back-office pages, to merge into the portal's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(QUEUE, get(queue::page))
        .route(SIGN_IN, get(sign_in::form).post(sign_in::submit))
        .route(SIGN_OUT, post(sign_in::sign_out))
        .route(DOSSIER, get(dossier::page))
        .route(MOVES, post(actions::make_move))
        .route(RESULT, post(actions::issue_result).layer(DefaultBodyLimit::max(MAX_RESULT_BYTES + FORM_OVERHEAD)))
}
