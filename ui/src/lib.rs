//! The Hồ sơ UI: a Leptos app rendered client-side from wasm. It talks to the
//! app only through typed commands ([`transport`]) and never sees a token.
//! Logic that needs no DOM (routes, formatting, view models in [`vm`]) lives
//! in plain modules with native unit tests; [`components`] are the pieces
//! every screen shares.

mod app;
pub mod components;
mod format;
mod i18n;
mod model;
mod pages;
pub mod route;
mod screens;
mod state;
mod transport;
mod vm;

use wasm_bindgen::prelude::wasm_bindgen;

/// Entry point called by wasm-bindgen once the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    leptos::mount::mount_to_body(app::App);
}
