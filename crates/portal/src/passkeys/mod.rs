//! Passkeys (WebAuthn, through webauthn-rs) for the identity provider:
//! sign-in on the provider's page (`sign_in.rs`, with the page's script in
//! `passkey.js` served by `script.rs`) and enrolment from a signed-in
//! session on API v1 (`enrol.rs`). The relying party comes from the issuer
//! (`relying_party.rs`); ceremony state lives in the database, single use
//! and short-lived (`ceremony.rs`); credentials are stored per person
//! (`store.rs`).
//!
//! Ceremony state is serialized into the database, which webauthn-rs only
//! allows with its `danger-allow-state-serialisation` feature: the state
//! holds the challenge, and kept in one process's memory it would tie a
//! ceremony to that process, while any portal process on one PostgreSQL
//! must be able to finish it. The danger the feature warns of, a client
//! holding or replaying state, does not arise: the state never leaves the
//! server, and taking it deletes it.

mod ceremony;
pub mod enrol;
pub mod relying_party;
pub mod script;
pub mod sign_in;
mod store;

/// The largest body a passkey route reads: a WebAuthn answer is a few
/// kilobytes, far under the API's 1 MiB.
pub const BODY_LIMIT: usize = 16 * 1024;
