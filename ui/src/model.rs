//! View models of the journeys (the form wizard, a dossier, the business
//! table, bulk filing): plain Rust without `web-sys`, so `cargo test -p
//! hoso-ui` tests them natively; the pages only turn their answers into elements.

pub mod attachment;
pub mod base64;
pub mod bulk;
pub mod dossier;
pub mod filings;
pub mod form;
