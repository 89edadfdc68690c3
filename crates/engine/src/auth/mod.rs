//! Signing in to the portal's OpenID Connect provider and staying signed in:
//! the code flow with PKCE through the system browser and a loopback
//! redirect on desktop or the app's own scheme on phones (RFC 8252), the ID
//! token checked, the access token kept in memory and the refresh token in a
//! vault the front chooses.

mod app_link;
mod browser;
pub(crate) mod demo_browser;
mod error;
mod http;
mod loopback;
mod provider;
mod session;
mod token;

pub use app_link::APP_LINK_REDIRECT_URI;
pub use browser::{Browser, BrowserError, SystemBrowser};
pub use error::AuthError;
/// The URL type `Browser::open` takes.
pub use reqwest::Url;
pub(crate) use session::{Arrived, Session};
pub use session::{SIGN_IN_TIMEOUT, SignOut};
pub use token::{MemoryRefreshTokenStore, RefreshTokenStore, Token, VaultError};
