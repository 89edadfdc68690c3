//! One person's session with the portal: the access token in memory only,
//! the refresh token in the vault, and the rules for using them — a request
//! refused with 401 is refreshed and sent again once, never in a loop; a
//! refresh the portal refuses signs the person out.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::{RequestBuilder, Response, StatusCode};

use super::AuthError;
use super::app_link::{APP_LINK_REDIRECT_URI, AppLinks};
use super::browser::Browser;
use super::http::OidcHttp;
use super::loopback::{Callback, Loopback};
use super::provider::{Pending, Provider};
use super::token::{RefreshTokenStore, Token};

/// How long a sign-in waits for the browser to come back by default: enough
/// to type a password and a one-time code, not forever.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);

/// What signing out did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignOut {
    /// The portal revoked the session, and this device forgot it.
    Revoked,
    /// There was no session to end.
    NotSignedIn,
}

/// A sign-in the portal completed: its tokens, not yet kept, and whose they are.
pub struct Arrived {
    provider: Provider,
    issued: super::provider::Issued,
    subject: String,
}

impl Arrived {
    /// The ID token's `sub`: the person who signed in.
    pub fn subject(&self) -> &str {
        &self.subject
    }
}

impl std::fmt::Debug for Arrived {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Arrived").field("subject", &self.subject).finish_non_exhaustive()
    }
}

pub struct Session {
    issuer: String,
    /// For the portal's API: redirects are not followed, so a bearer token is
    /// never carried to another host.
    http: reqwest::Client,
    vault: Arc<dyn RefreshTokenStore>,
    access: Mutex<Option<Token>>,
    /// Held while refreshing, so two requests refused together refresh once
    /// (a rotated-out refresh token presented again revokes the session).
    refreshing: tokio::sync::Mutex<()>,
    /// The sign-in through the app link waiting for its callback, if any.
    app_links: AppLinks,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("issuer", &self.issuer).finish_non_exhaustive()
    }
}

impl Session {
    pub fn new(issuer: String, http: reqwest::Client, vault: Arc<dyn RefreshTokenStore>) -> Self {
        Self {
            issuer,
            http,
            vault,
            access: Mutex::new(None),
            refreshing: tokio::sync::Mutex::new(()),
            app_links: AppLinks::default(),
        }
    }

    async fn provider(&self) -> Result<Provider, AuthError> {
        // Discovered on each use: sign-in and refresh are rare, and fresh
        // keys follow a key rotation without a cache to expire.
        Provider::discover(&self.issuer, OidcHttp::new(self.http.clone())).await
    }

    /// Signs in through `browser`: the portal's page in the browser, the
    /// answer at a loopback listener, the code redeemed here. The tokens are
    /// kept only by [`Session::adopt`], once the caller recorded whose they are.
    pub async fn sign_in(&self, browser: &dyn Browser, timeout: Duration) -> Result<Arrived, AuthError> {
        let provider = self.provider().await?;
        let loopback = Loopback::bind().await?;
        let pending = provider.authorize(loopback.redirect_uri())?;
        browser.open(&pending.url)?;
        let callback = loopback.wait(pending.state.secret(), timeout).await?;
        Self::finish_sign_in(provider, pending, callback).await
    }

    /// Signs in through `browser` with the app's own scheme as the redirect
    /// (phones): the answer comes back through [`Session::hand_over_app_link`],
    /// which the shell calls when the system opens the app with the link.
    pub async fn sign_in_through_app_link(
        &self,
        browser: &dyn Browser,
        timeout: Duration,
    ) -> Result<Arrived, AuthError> {
        let provider = self.provider().await?;
        let pending = provider.authorize(APP_LINK_REDIRECT_URI)?;
        let state = pending.state.secret().clone();
        let arrival = self.app_links.expect(&state);
        let callback = match browser.open(&pending.url) {
            Ok(()) => match tokio::time::timeout(timeout, arrival).await {
                Ok(Ok(callback)) => Ok(callback),
                // Another sign-in took over the wait.
                Ok(Err(_)) => Err(AuthError::Refused("a newer sign-in replaced this one".to_owned())),
                Err(_) => Err(AuthError::TimedOut),
            },
            Err(error) => Err(error.into()),
        };
        self.app_links.forget(&state);
        Self::finish_sign_in(provider, pending, callback?).await
    }

    /// The link the system opened the app with, if it is the callback a
    /// sign-in through the app link waits for; anything else is refused and
    /// leaves that sign-in waiting.
    pub fn hand_over_app_link(&self, url: &str) -> Result<(), AuthError> {
        self.app_links.hand_over(url)
    }

    /// The callback's checks (issuer, error, code), then the code redeemed
    /// with the verifier and the ID token checked: the same for every redirect.
    async fn finish_sign_in(provider: Provider, pending: Pending, callback: Callback) -> Result<Arrived, AuthError> {
        provider.check_callback_issuer(callback.iss.as_deref())?;
        if let Some(error) = callback.error {
            return Err(AuthError::Refused(error));
        }
        let code = callback.code.ok_or(AuthError::Mismatch("the callback has no code"))?;
        let issued = provider.redeem(pending, code).await?;
        let subject = issued.subject.clone().ok_or(AuthError::Mismatch("the ID token names no subject"))?;
        Ok(Arrived { provider, issued, subject })
    }

    /// Keeps the tokens of a sign-in that came back, replacing the session
    /// held. `record` (the caller writing down whose session it is) runs
    /// while no token is held at all: the one replaced is forgotten first and
    /// the new one kept after, so at every point a token held is the
    /// recorded person's, even if the process dies in between. A `record`
    /// that fails leaves the device signed out.
    pub async fn adopt<E: From<AuthError>>(
        &self,
        arrived: Arrived,
        record: impl std::future::Future<Output = Result<(), E>>,
    ) -> Result<(), E> {
        let Arrived { provider, issued, .. } = arrived;
        let _refreshing = self.refreshing.lock().await;
        let previous = self.vault.load().map_err(AuthError::from)?;
        if previous.is_some() {
            self.forget()?;
        }
        record.await?;
        match &issued.refresh {
            Some(refresh) => self.vault.save(refresh).map_err(AuthError::from)?,
            None => self.vault.clear().map_err(AuthError::from)?,
        }
        self.set_access(Some(issued.access));
        // Signing in again replaces the session; the one it replaces is
        // ended at the portal rather than left alive and unreachable.
        if let Some(previous) = previous
            && let Err(error) = provider.revoke(&previous, &self.http).await
        {
            tracing::info!(%error, "the replaced session could not be revoked");
        }
        Ok(())
    }

    /// Whether this device holds a session (it may still have ended at the portal).
    pub fn is_signed_in(&self) -> Result<bool, AuthError> {
        Ok(self.current_access().is_some() || self.vault.load()?.is_some())
    }

    /// Revokes the session at the portal, then forgets it here. If the
    /// portal cannot be reached, nothing is forgotten, so signing out can be
    /// tried again rather than leaving a live session behind.
    pub async fn sign_out(&self) -> Result<SignOut, AuthError> {
        let _refreshing = self.refreshing.lock().await;
        let Some(refresh) = self.vault.load()? else {
            self.set_access(None);
            return Ok(SignOut::NotSignedIn);
        };
        self.provider().await?.revoke(&refresh, &self.http).await?;
        self.forget()?;
        Ok(SignOut::Revoked)
    }

    /// Sends `request` with the access token; on a 401, refreshes once and
    /// sends it again. A second 401 is returned as it is.
    pub async fn send_authorized(&self, request: RequestBuilder) -> Result<Response, AuthError> {
        let again = request.try_clone();
        let token = match self.current_access() {
            Some(token) => token,
            None => self.refresh(None).await?,
        };
        let response = request.bearer_auth(token.expose()).send().await?;
        let (StatusCode::UNAUTHORIZED, Some(again)) = (response.status(), again) else { return Ok(response) };
        let fresh = self.refresh(Some(&token)).await?;
        Ok(again.bearer_auth(fresh.expose()).send().await?)
    }

    /// A usable access token: from memory, else from the refresh token.
    pub async fn bearer(&self) -> Result<Token, AuthError> {
        match self.current_access() {
            Some(token) => Ok(token),
            None => self.refresh(None).await,
        }
    }

    /// Renews the access token after the portal refused it (it expired, say),
    /// for a caller that sent its request by hand; a caller that renewed it
    /// meanwhile makes this a no-op, so two refusals refresh once.
    pub async fn renew(&self) -> Result<(), AuthError> {
        let stale = self.current_access();
        self.refresh(stale.as_ref()).await.map(drop)
    }

    /// Trades the refresh token for new tokens, unless another caller already
    /// replaced `stale` while this one waited.
    async fn refresh(&self, stale: Option<&Token>) -> Result<Token, AuthError> {
        let _refreshing = self.refreshing.lock().await;
        if let Some(current) = self.current_access()
            && stale.is_none_or(|stale| stale.expose() != current.expose())
        {
            return Ok(current);
        }
        let Some(refresh) = self.vault.load()? else {
            self.set_access(None);
            return Err(AuthError::NotSignedIn);
        };
        match self.provider().await?.refresh(&refresh).await {
            Ok(issued) => {
                if let Some(rotated) = &issued.refresh {
                    self.vault.save(rotated)?;
                }
                self.set_access(Some(issued.access.clone()));
                Ok(issued.access)
            }
            Err(AuthError::GrantRefused) => {
                tracing::info!("the portal refused the refresh token; signing out");
                self.forget()?;
                Err(AuthError::SessionEnded)
            }
            Err(other) => Err(other),
        }
    }

    /// The vault, for an engine reopened on the same device after its local
    /// data was deleted.
    pub(crate) fn vault(&self) -> Arc<dyn RefreshTokenStore> {
        Arc::clone(&self.vault)
    }

    /// Forgets the session on this device without asking the portal: for
    /// deleting local data while offline, where keeping a token is worse
    /// than leaving a grant to expire at the portal.
    pub(crate) async fn forget_here(&self) -> Result<(), AuthError> {
        let _refreshing = self.refreshing.lock().await;
        self.forget()
    }

    fn forget(&self) -> Result<(), AuthError> {
        self.set_access(None);
        Ok(self.vault.clear()?)
    }

    fn current_access(&self) -> Option<Token> {
        self.access.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    fn set_access(&self, token: Option<Token>) {
        *self.access.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = token;
    }
}
