//! Wire contracts of Hồ sơ: what crosses a process boundary, as serde types.
//!
//! [`api`] is the reference portal's HTTP API v1, spoken by the portal and the
//! engine; [`command`] is what the UI and the shell (or `hoso serve`) exchange.
//! Like `hoso-domain`, this crate does no IO and builds for wasm32.
#![forbid(unsafe_code)]

pub mod api;
pub mod command;
pub mod error;
