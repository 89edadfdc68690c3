//! How the UI reaches the app: Tauri's `invoke` inside the webview, or
//! `hoso serve` over `fetch` in a plain browser (`http.rs`), whichever the page
//! finds. Every call is typed by its [`Command`] and answers
//! `Result<C::Answer, ErrorEnvelope>`, so screens handle one error shape.

mod http;

use hoso_protocol::command::Command;
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Runs command `C` with `args` and waits for its answer.
pub async fn call<C: Command>(args: &C::Args) -> Result<C::Answer, ErrorEnvelope> {
    let args = serde_json::to_string(args).map_err(|e| ErrorEnvelope::new(ErrorKind::Internal, e.to_string()))?;
    // Without Tauri's global the page was opened from `hoso serve` in a browser.
    let Some(invoke) = tauri_invoke() else { return http::post(C::NAME, &args).await };
    // Tauri passes named parameters; every command has one, `args`.
    let payload = js_sys::Object::new();
    let value = js_sys::JSON::parse(&args).map_err(|e| internal(&e))?;
    js_sys::Reflect::set(&payload, &JsValue::from_str("args"), &value).map_err(|e| internal(&e))?;
    let promise = invoke.call2(&JsValue::NULL, &JsValue::from_str(C::NAME), &payload).map_err(|e| internal(&e))?;
    let promise: js_sys::Promise = promise.dyn_into().map_err(|e| internal(&e))?;
    match JsFuture::from(promise).await {
        Ok(value) => from_js(C::NAME, &value),
        // A command's error is an envelope; anything else is the transport failing.
        Err(error) => Err(serde_wasm_bindgen::from_value(error.clone()).unwrap_or_else(|_| internal(&error))),
    }
}

/// Reads an answer through JSON text rather than `serde_wasm_bindgen`, so
/// `()` (sent as `null`), maps and big integers read exactly as serde wrote them.
pub(crate) fn from_js<T: serde::de::DeserializeOwned>(command: &str, value: &JsValue) -> Result<T, ErrorEnvelope> {
    let text = js_sys::JSON::stringify(value).map(String::from).unwrap_or_else(|_| "null".to_owned());
    serde_json::from_str(&text)
        .map_err(|e| ErrorEnvelope::new(ErrorKind::Internal, format!("{command}: unexpected answer: {e}")))
}

/// `window.__TAURI__.core.invoke`, present when the app sets `withGlobalTauri`.
fn tauri_invoke() -> Option<js_sys::Function> {
    let mut value: JsValue = web_sys::window()?.into();
    for key in ["__TAURI__", "core", "invoke"] {
        value = js_sys::Reflect::get(&value, &JsValue::from_str(key)).ok()?;
        if value.is_undefined() || value.is_null() {
            return None;
        }
    }
    value.dyn_into().ok()
}

/// Whether the page runs inside the Tauri shell (not `hoso serve`).
#[allow(dead_code)]
pub fn in_shell() -> bool {
    tauri_invoke().is_some()
}

pub(crate) fn internal(error: &JsValue) -> ErrorEnvelope {
    ErrorEnvelope::new(ErrorKind::Internal, format!("{error:?}"))
}
