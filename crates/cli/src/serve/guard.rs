//! Who may talk to `hoso serve`: the Host and Origin checks on every request
//! (DNS rebinding and cross-site requests), and the random token every command
//! must carry in `X-Hoso-Token`. No CORS header is ever sent.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hoso_protocol::command::SERVE_TOKEN_HEADER;
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use subtle::ConstantTimeEq;

use super::App;

pub struct Guard {
    token: String,
    /// `127.0.0.1:PORT` (or `[::1]:PORT`): the only Host accepted.
    host: String,
    /// `http://` + host: the only Origin accepted when one is sent.
    origin: String,
}

impl Guard {
    pub fn new(addr: SocketAddr) -> anyhow::Result<Self> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness for the serve token: {e}"))?;
        let token = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let host = addr.to_string();
        Ok(Self { token, origin: format!("http://{host}"), host })
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    fn allows_host(&self, headers: &HeaderMap) -> bool {
        headers.get(header::HOST).is_some_and(|h| h.as_bytes() == self.host.as_bytes())
    }

    fn allows_origin(&self, headers: &HeaderMap) -> bool {
        match headers.get(header::ORIGIN) {
            None => true,
            Some(origin) => origin.as_bytes() == self.origin.as_bytes(),
        }
    }

    fn allows_token(&self, headers: &HeaderMap) -> bool {
        // Constant time, so the token cannot be guessed byte by byte from timings.
        headers.get(SERVE_TOKEN_HEADER).is_some_and(|t| bool::from(t.as_bytes().ct_eq(self.token.as_bytes())))
    }
}

/// Middleware in front of every route.
pub async fn check(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    if !app.guard.allows_host(headers) {
        // A page on another name resolving to 127.0.0.1 (DNS rebinding) sends its own Host.
        return refuse(StatusCode::FORBIDDEN, ErrorKind::Forbidden, "Host is not this server's loopback address");
    }
    if !app.guard.allows_origin(headers) {
        return refuse(StatusCode::FORBIDDEN, ErrorKind::Forbidden, "Origin is not this server");
    }
    // The static files hold no data; only the commands reach the engine.
    if request.uri().path().starts_with("/commands/") && !app.guard.allows_token(headers) {
        return refuse(StatusCode::UNAUTHORIZED, ErrorKind::Unauthenticated, "missing or wrong X-Hoso-Token");
    }
    next.run(request).await
}

fn refuse(status: StatusCode, kind: ErrorKind, message: &str) -> Response {
    (status, axum::Json(ErrorEnvelope::new(kind, message))).into_response()
}
