//! Opening the system browser at the portal's sign-in page (RFC 8252: the
//! app never shows the password form itself). A trait, so tests can drive
//! the sign-in page with an automated browser instead.

use reqwest::Url;

/// Something that shows a URL to the person: the system browser, or a test's
/// automated one. It returns once the page is handed over; the sign-in itself
/// ends at the loopback listener.
pub trait Browser: Send + Sync {
    fn open(&self, url: &Url) -> Result<(), BrowserError>;
}

#[derive(Debug, thiserror::Error)]
#[error("cannot open a browser: {0}")]
pub struct BrowserError(pub String);

/// The person's default browser.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemBrowser;

impl Browser for SystemBrowser {
    fn open(&self, url: &Url) -> Result<(), BrowserError> {
        webbrowser::open(url.as_str()).map_err(|e| BrowserError(e.to_string()))
    }
}
