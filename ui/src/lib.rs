//! The Hồ sơ UI: a Leptos app rendered client-side from wasm. It talks to the
//! app only through typed commands ([`transport`]) and never sees a token.
//! Logic that needs no DOM (routes, formatting, view models) lives in plain
//! modules with native unit tests.

mod app;
mod format;
mod i18n;
mod model;
mod pages;
mod route;
mod state;
mod transport;

use wasm_bindgen::prelude::wasm_bindgen;

/// Entry point called by wasm-bindgen once the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    leptos::mount::mount_to_body(app::App);
}
