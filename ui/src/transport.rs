//! How the UI reaches the app: Tauri's `invoke` inside the webview, or
//! `hoso serve` over `fetch` in a plain browser (`http.rs`), whichever the page
//! finds. Every call answers `Result<T, ErrorEnvelope>`, so screens handle one
//! error shape.

mod http;

use hoso_protocol::command::{AppInfo, CatalogueListing, name};
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

pub async fn app_info() -> Result<AppInfo, ErrorEnvelope> {
    invoke(name::APP_INFO).await
}

pub async fn catalogue_list() -> Result<CatalogueListing, ErrorEnvelope> {
    invoke(name::CATALOGUE_LIST).await
}

async fn invoke<T: DeserializeOwned>(command: &str) -> Result<T, ErrorEnvelope> {
    // Without Tauri's global the page was opened from `hoso serve` in a browser.
    let Some(invoke) = tauri_invoke() else { return http::post(command).await };
    let promise =
        invoke.call2(&JsValue::NULL, &JsValue::from_str(command), &js_sys::Object::new()).map_err(|e| internal(&e))?;
    let promise: js_sys::Promise = promise.dyn_into().map_err(|e| internal(&e))?;
    match JsFuture::from(promise).await {
        Ok(value) => serde_wasm_bindgen::from_value(value)
            .map_err(|e| ErrorEnvelope::new(ErrorKind::Internal, format!("{command}: unexpected answer: {e}"))),
        // A command's error is an envelope; anything else is the transport failing.
        Err(error) => Err(serde_wasm_bindgen::from_value(error.clone()).unwrap_or_else(|_| internal(&error))),
    }
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

pub(crate) fn internal(error: &JsValue) -> ErrorEnvelope {
    ErrorEnvelope::new(ErrorKind::Internal, format!("{error:?}"))
}
