//! Pure rules of Hồ sơ, shared by the app, the engine and the reference portal.
//!
//! This crate does no IO, reads no clock and draws no randomness: callers pass
//! `now` and fresh ids in. It builds for `wasm32-unknown-unknown` so the UI can
//! link the very same rules the portal applies.
#![forbid(unsafe_code)]

pub mod catalogue;
pub mod clock;
pub mod dossier;
pub mod form;
pub mod identity;
pub mod profile;
pub mod sync;
pub mod synthetic;
pub mod text;
