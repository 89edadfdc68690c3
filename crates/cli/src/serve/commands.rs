//! `POST /commands/{name}`: the same engine calls the Tauri shell's commands
//! make, answered as JSON, or as the `{kind, message}` envelope on error.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hoso_protocol::command::{AppInfo, AppInfoGet, CatalogueList, Command};
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use serde::Serialize;

use super::App;

pub async fn handle(State(app): State<Arc<App>>, Path(command): Path<String>, body: Bytes) -> Response {
    // Arguments are a JSON object; no command takes one yet, but a body that
    // is not JSON is refused now so clients cannot come to rely on it.
    if !body.is_empty() && serde_json::from_slice::<serde_json::Value>(&body).is_err() {
        return error(ErrorEnvelope::new(ErrorKind::InvalidInput, "the body is not JSON"));
    }
    match command.as_str() {
        <AppInfoGet as Command>::NAME => {
            answer(Ok::<_, ErrorEnvelope>(AppInfo { mode: app.mode, version: env!("CARGO_PKG_VERSION").to_owned() }))
        }
        <CatalogueList as Command>::NAME => answer(app.engine.catalogue_listing().await.map_err(ErrorEnvelope::from)),
        _ => error(ErrorEnvelope::new(ErrorKind::NotFound, format!("no command {command:?}"))),
    }
}

fn answer<T: Serialize>(result: Result<T, ErrorEnvelope>) -> Response {
    match result {
        Ok(value) => Json(value).into_response(),
        Err(envelope) => error(envelope),
    }
}

fn error(envelope: ErrorEnvelope) -> Response {
    let status = match envelope.kind {
        ErrorKind::InvalidInput => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorKind::Network => StatusCode::BAD_GATEWAY,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    (status, Json(envelope)).into_response()
}
