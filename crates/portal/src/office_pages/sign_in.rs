//! Signing in to the back office from a browser: a plain form (user name,
//! password, one-time code) checked by [`accounts::sign_in`] exactly like the
//! identity provider's sign-in, rate-limited the same way, and open only to
//! holders of the officer role: anyone else gets the same "wrong
//! credentials" answer, so the form does not tell who is an officer.
//! A sign-in posted from another site is refused (login CSRF), and signing
//! out deletes the session.

use std::net::SocketAddr;

use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::flash::Flash;
use super::render::{failure, flash_html, forbidden, see_other};
use super::session::{self, OfficerSession};
use super::{QUEUE, SIGN_IN};
use crate::accounts::{self, SignInError};
use crate::http::AppState;
use crate::oidc::pages::{escape, page};
use crate::{PortalError, rate_limit, unix_seconds};

const WRONG_CREDENTIALS: &str =
    "Tên đăng nhập, mật khẩu hoặc mã xác thực không đúng. / The user name, password or code is wrong.";
const CODE_REUSED: &str =
    "Mã xác thực này đã được dùng; hãy đợi mã mới. / This code was already used; wait for the next one.";

fn sign_in_page(status: StatusCode, username: &str, message: &str) -> Response {
    let body = format!(
        "<h1>Đăng nhập bộ phận một cửa / Back-office sign-in</h1>{message}\
         <form method=\"post\" action=\"{SIGN_IN}\">\
         <p><label for=\"username\">Tên đăng nhập / User name</label><br>\
         <input id=\"username\" name=\"username\" autocomplete=\"username\" required value=\"{username}\"></p>\
         <p><label for=\"password\">Mật khẩu / Password</label><br>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></p>\
         <p><label for=\"code\">Mã xác thực một lần / One-time code</label><br>\
         <input id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9]{{6}}\" required></p>\
         <p><button type=\"submit\">Đăng nhập / Sign in</button></p></form>",
        username = escape(username),
    );
    page(status, "Đăng nhập bộ phận một cửa — Hồ sơ", &body)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignInQuery {
    msg: String,
}

/// `GET /office/sign-in`.
pub async fn form(Query(query): Query<SignInQuery>) -> Response {
    sign_in_page(StatusCode::OK, "", &flash_html(Flash::named(&query.msg)))
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    username: String,
    password: String,
    code: String,
}

/// `POST /office/sign-in`: a session for an officer, then the queue.
pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Response {
    // There is no session yet, so no CSRF token: a page on another site
    // could sign a browser in to an account of its choosing. Browsers say
    // where a request comes from in `Sec-Fetch-Site`; one that says another
    // site is refused (clients that send no such header are not browsers).
    if headers.get("sec-fetch-site").is_some_and(|site| site == "cross-site") {
        return forbidden();
    }
    let Ok(Form(form)) = form else {
        return sign_in_page(StatusCode::BAD_REQUEST, "", &alert(WRONG_CREDENTIALS));
    };
    match signed_in(&state, peer, &form).await {
        Ok(Ok(cookie)) => {
            let location = axum::http::HeaderValue::from_static(QUEUE);
            (StatusCode::SEE_OTHER, [(LOCATION, location), (SET_COOKIE, cookie)]).into_response()
        }
        Ok(Err(error)) => {
            let message = match error {
                SignInError::WrongCredentials => WRONG_CREDENTIALS,
                SignInError::CodeReused => CODE_REUSED,
            };
            sign_in_page(StatusCode::UNAUTHORIZED, &form.username, &alert(message))
        }
        Err(error) => failure(&error),
    }
}

fn alert(message: &str) -> String {
    format!("<p role=\"alert\" id=\"error\">{}</p>", escape(message))
}

/// Checks the form like the identity provider's sign-in, and opens a session
/// for an officer; answers the session cookie.
async fn signed_in(
    state: &AppState,
    peer: SocketAddr,
    form: &SignInForm,
) -> Result<Result<axum::http::HeaderValue, SignInError>, PortalError> {
    rate_limit::hit(&state.pool, state.rate_limits.login_per_address, &rate_limit::address_key(peer)).await?;
    rate_limit::hit(&state.pool, state.rate_limits.login_per_username, &form.username.to_lowercase()).await?;
    let now = u64::try_from(unix_seconds()).unwrap_or(0);
    let subject = match accounts::sign_in(&state.pool, &form.username, &form.password, &form.code, now).await? {
        Ok(subject) => subject,
        Err(error) => return Ok(Err(error)),
    };
    // Someone without the role is told exactly what a wrong password tells.
    if !accounts::is_officer(&state.pool, &subject).await? {
        return Ok(Err(SignInError::WrongCredentials));
    }
    Ok(Ok(session::open(state, &subject).await?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignOutForm {
    csrf: String,
}

/// `POST /office/sign-out`: the session ends, in the database and in the browser.
pub async fn sign_out(
    State(state): State<AppState>,
    session: OfficerSession,
    form: Result<Form<SignOutForm>, FormRejection>,
) -> Response {
    let Form(form) = form.unwrap_or_default();
    if !session.csrf_matches(&form.csrf) {
        return forbidden();
    }
    let ended = async {
        session.end(&state).await?;
        session::cleared(&state)
    };
    match ended.await {
        Ok(cookie) => {
            let mut response = see_other(&format!("{SIGN_IN}?msg={}", Flash::SignedOut.name()));
            response.headers_mut().insert(SET_COOKIE, cookie);
            response
        }
        Err(error) => failure(&error),
    }
}
