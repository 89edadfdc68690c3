//! View models: what the screens show, decided without a DOM. Every module
//! here is plain Rust (no `web-sys`), so `cargo test -p hoso-ui` tests it
//! natively; the components only turn its answers into elements.

pub mod catalogue;
pub mod home;
pub mod outbox;
pub mod procedure;
pub mod session;
pub mod status;
pub mod text_size;
pub mod time;
