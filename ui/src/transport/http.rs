//! The browser transport for `hoso serve`: `POST /commands/{name}` with the
//! token the page's address carries (`?token=…`) in `X-Hoso-Token`. The server
//! answers the command's value, or an `ErrorEnvelope` with an error status.

use hoso_protocol::command::SERVE_TOKEN_HEADER;
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response, UrlSearchParams, Window};

use super::internal;

pub async fn post<T: DeserializeOwned>(command: &str, args: &str) -> Result<T, ErrorEnvelope> {
    let window = web_sys::window().ok_or_else(|| no_transport("no window"))?;
    let headers = Headers::new().map_err(|e| internal(&e))?;
    headers.set("Content-Type", "application/json").map_err(|e| internal(&e))?;
    headers.set(SERVE_TOKEN_HEADER, &token(&window)?).map_err(|e| internal(&e))?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(args));
    let request = Request::new_with_str_and_init(&format!("/commands/{command}"), &init).map_err(|e| internal(&e))?;
    let response = JsFuture::from(window.fetch_with_request(&request)).await.map_err(|e| network(&e))?;
    let response: Response = response.dyn_into().map_err(|e| internal(&e))?;
    let body = JsFuture::from(response.json().map_err(|e| internal(&e))?).await.map_err(|e| internal(&e))?;
    if response.ok() {
        super::from_js(command, &body)
    } else {
        Err(serde_wasm_bindgen::from_value(body).unwrap_or_else(|e| internal(&JsValue::from_str(&e.to_string()))))
    }
}

/// The token `hoso serve` printed in the address it asked the person to open.
fn token(window: &Window) -> Result<String, ErrorEnvelope> {
    let search = window.location().search().map_err(|e| internal(&e))?;
    UrlSearchParams::new_with_str(&search)
        .map_err(|e| internal(&e))?
        .get("token")
        .ok_or_else(|| no_transport("no Tauri and no ?token= in the address: open the address `hoso serve` printed"))
}

fn no_transport(why: &str) -> ErrorEnvelope {
    ErrorEnvelope::new(ErrorKind::Internal, format!("no app transport: {why}"))
}

/// `fetch` itself failed: the server is gone or unreachable.
fn network(error: &JsValue) -> ErrorEnvelope {
    ErrorEnvelope::new(ErrorKind::Network, format!("{error:?}"))
}
