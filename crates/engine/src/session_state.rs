//! The session as the UI sees it: demo or live, signed in or not, the
//! person's profile as the portal last described it (kept in the encrypted
//! store, so it shows offline) and the profile the app acts for (remembered
//! across restarts, and only ever the person or an enterprise they hold an
//! active mandate for).

use hoso_domain::profile::ActingAs;
use hoso_protocol::api::account::Profile;
use hoso_protocol::command::{AppMode, SessionState};
use time::OffsetDateTime;

use crate::auth::Browser;
use crate::{Account, Engine, EngineError};

/// Setting names in the store.
const PROFILE: &str = "profile";
const ACTING_AS: &str = "acting_as";

/// Whether `profile` lets its person act as `acting` today.
fn may_act_as(profile: &Profile, acting: &ActingAs) -> bool {
    match acting {
        ActingAs::Myself => true,
        ActingAs::Enterprise(tax_code) => {
            let today = OffsetDateTime::now_utc().date();
            profile.access_for(tax_code).is_some_and(|access| access.mandate.is_active(today))
        }
    }
}

impl Engine {
    /// Demo for an engine on demo data, live otherwise.
    pub fn mode(&self) -> AppMode {
        match self.account {
            Account::Demo => AppMode::Demo,
            Account::Real => AppMode::Live,
        }
    }

    /// Refuses what only a demo engine may do.
    pub(crate) fn require_demo(&self) -> Result<(), EngineError> {
        match self.account {
            Account::Demo => Ok(()),
            Account::Real => Err(EngineError::NotDemo),
        }
    }

    /// The profile as the portal last described it; works offline.
    pub async fn cached_profile(&self) -> Result<Option<Profile>, EngineError> {
        let Some(text) = self.store.setting(PROFILE).await? else { return Ok(None) };
        serde_json::from_str(&text).map(Some).map_err(EngineError::Corrupt)
    }

    /// Keeps `profile` for offline use. An acting profile it no longer allows
    /// (another person signed in, a mandate ended) falls back to the person.
    pub(crate) async fn remember_profile(&self, profile: &Profile) -> Result<(), EngineError> {
        let text = serde_json::to_string(profile).map_err(EngineError::Corrupt)?;
        self.store.set_setting(PROFILE, &text).await?;
        if !may_act_as(profile, &self.stored_acting_as().await?) {
            self.store.delete_setting(ACTING_AS).await?;
        }
        Ok(())
    }

    async fn stored_acting_as(&self) -> Result<ActingAs, EngineError> {
        match self.store.setting(ACTING_AS).await? {
            Some(text) => serde_json::from_str(&text).map_err(EngineError::Corrupt),
            None => Ok(ActingAs::Myself),
        }
    }

    /// The profile the app acts for: the one chosen last if the cached
    /// profile still allows it, else the person themselves.
    pub async fn acting_as(&self) -> Result<ActingAs, EngineError> {
        let stored = self.stored_acting_as().await?;
        let allowed = match self.cached_profile().await? {
            Some(profile) => may_act_as(&profile, &stored),
            None => stored == ActingAs::Myself,
        };
        Ok(if allowed { stored } else { ActingAs::Myself })
    }

    /// Who is signed in and for whom the app acts; no request is made.
    pub async fn session_state(&self) -> Result<SessionState, EngineError> {
        let signed_in = self.is_signed_in()?;
        // A profile is shown only with a session: signed out, the device
        // keeps no one's name on screen.
        let profile = if signed_in { self.cached_profile().await? } else { None };
        Ok(SessionState { mode: self.mode(), signed_in, profile, acting_as: self.acting_as().await? })
    }

    /// Switches the profile the app acts for, remembered across restarts.
    /// An enterprise needs an active mandate in the cached profile.
    pub async fn set_acting_as(&self, acting: ActingAs) -> Result<SessionState, EngineError> {
        if let ActingAs::Enterprise(tax_code) = &acting {
            let allowed = self.cached_profile().await?.is_some_and(|profile| may_act_as(&profile, &acting));
            if !allowed {
                return Err(EngineError::NoMandate(tax_code.as_str().to_owned()));
            }
        }
        let text = serde_json::to_string(&acting).map_err(EngineError::Corrupt)?;
        self.store.set_setting(ACTING_AS, &text).await?;
        self.session_state().await
    }

    /// Signs in through `browser` (the system browser in the app), then reads
    /// and keeps the profile. A profile that cannot be read now is read on
    /// the next sync; the sign-in itself stands.
    pub async fn sign_in_session(&self, browser: &dyn Browser) -> Result<SessionState, EngineError> {
        self.sign_in(browser).await?;
        self.after_sign_in().await
    }

    pub(crate) async fn after_sign_in(&self) -> Result<SessionState, EngineError> {
        if let Err(error) = self.profile().await {
            tracing::info!(%error, "signed in, but the profile could not be read yet");
        }
        self.session_state().await
    }

    /// Signs out at the portal, then forgets the profile and the acting
    /// profile on this device. Offline, nothing is forgotten (see
    /// [`Engine::sign_out`]) and the error says why.
    pub async fn end_session(&self) -> Result<SessionState, EngineError> {
        self.sign_out().await?;
        self.store.delete_setting(PROFILE).await?;
        self.store.delete_setting(ACTING_AS).await?;
        self.session_state().await
    }
}
