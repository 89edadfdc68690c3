//! The portal's OpenID Connect provider: single sign-on for every service.
//!
//! Only the authorization code flow with PKCE S256 is offered (RFC 9700).
//! This module holds the rules every endpoint relies on; each rule lives in
//! its own file and is tested there.

pub mod authorize;
pub mod credentials;
pub mod endpoints;
pub mod grant;
pub mod keys;
pub mod keystore;
pub(crate) mod pages;
pub mod pkce;
pub mod redirect;
