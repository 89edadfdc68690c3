//! The session as the UI sees it: demo or live, signed in or not, the
//! person's profile as the portal last described it (kept in the encrypted
//! store, so it shows offline) and the profile the app acts for (remembered
//! across restarts, and only ever the person or an enterprise they hold an
//! active mandate for). Both are kept per person (settings named after the
//! subject), so on a shared device each person finds their own. Signing out
//! is refused while the person has items not yet sent, unless confirmed.

use hoso_domain::profile::ActingAs;
use hoso_protocol::api::account::Profile;
use hoso_protocol::command::{AppMode, SessionState};
use time::OffsetDateTime;

use crate::auth::Browser;
use crate::{Account, Engine, EngineError};

/// The setting holding `subject`'s profile.
fn profile_setting(subject: &str) -> String {
    format!("profile:{subject}")
}

/// The setting holding the profile `subject` acts for.
fn acting_setting(subject: &str) -> String {
    format!("acting_as:{subject}")
}

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

    /// The signed-in person's profile as the portal last described it;
    /// works offline. Nobody's while signed out.
    pub async fn cached_profile(&self) -> Result<Option<Profile>, EngineError> {
        let Some(subject) = self.subject().await? else { return Ok(None) };
        self.cached_profile_of(&subject).await
    }

    async fn cached_profile_of(&self, subject: &str) -> Result<Option<Profile>, EngineError> {
        let Some(text) = self.store.setting(&profile_setting(subject)).await? else { return Ok(None) };
        serde_json::from_str(&text).map(Some).map_err(EngineError::Corrupt)
    }

    /// Keeps `profile` (the portal's answer for the token held, so its
    /// person is the session's) for offline use. An acting profile it no
    /// longer allows (a mandate ended) falls back to the person. A session
    /// whose person was not recorded (signed in before owners were) is
    /// recorded now.
    pub(crate) async fn remember_profile(&self, profile: &Profile) -> Result<(), EngineError> {
        let subject = profile.person.subject.as_str();
        if self.link_source_subject().is_none() && self.subject().await?.as_deref() != Some(subject) {
            tracing::info!("recording the session's person from the portal's profile");
            self.store.adopt_subject(subject).await?;
        }
        let text = serde_json::to_string(profile).map_err(EngineError::Corrupt)?;
        self.store.set_setting(&profile_setting(subject), &text).await?;
        if !may_act_as(profile, &self.stored_acting_as(subject).await?) {
            self.store.delete_setting(&acting_setting(subject)).await?;
        }
        Ok(())
    }

    async fn stored_acting_as(&self, subject: &str) -> Result<ActingAs, EngineError> {
        match self.store.setting(&acting_setting(subject)).await? {
            Some(text) => serde_json::from_str(&text).map_err(EngineError::Corrupt),
            None => Ok(ActingAs::Myself),
        }
    }

    /// The profile the signed-in person acts for: the one they chose last if
    /// their cached profile still allows it, else themselves.
    pub async fn acting_as(&self) -> Result<ActingAs, EngineError> {
        let Some(subject) = self.subject().await? else { return Ok(ActingAs::Myself) };
        let stored = self.stored_acting_as(&subject).await?;
        let allowed = match self.cached_profile_of(&subject).await? {
            Some(profile) => may_act_as(&profile, &stored),
            None => stored == ActingAs::Myself,
        };
        Ok(if allowed { stored } else { ActingAs::Myself })
    }

    /// Who is signed in and for whom the app acts; no request is made.
    pub async fn session_state(&self) -> Result<SessionState, EngineError> {
        let signed_in = self.is_signed_in()?;
        // A profile is shown only with a session: signed out, the device
        // keeps no one's name on screen (`cached_profile` names nobody).
        let profile = self.cached_profile().await?;
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
        // Signed out, acting for oneself is all there is, and no one's
        // choice to remember.
        let Some(subject) = self.subject().await? else { return self.session_state().await };
        let text = serde_json::to_string(&acting).map_err(EngineError::Corrupt)?;
        self.store.set_setting(&acting_setting(&subject), &text).await?;
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

    /// Signs out at the portal, then forgets the person's profile and
    /// acting profile on this device. Offline, nothing is forgotten (see
    /// [`Engine::sign_out`]) and the error says why.
    ///
    /// While the person has items not yet sent (pending or needing action)
    /// it is refused with [`EngineError::UnsentItems`] unless `force`: they
    /// stay on the device, theirs, and go out when they sign in again.
    pub async fn end_session(&self, force: bool) -> Result<SessionState, EngineError> {
        let subject = self.subject().await?;
        if let Some(subject) = &subject
            && !force
        {
            let count = crate::outbox::table::unsent_count(self.store.pool(), subject).await?;
            if count > 0 {
                return Err(EngineError::UnsentItems { count });
            }
        }
        self.sign_out().await?;
        if let Some(subject) = subject {
            self.store.delete_setting(&profile_setting(&subject)).await?;
            self.store.delete_setting(&acting_setting(&subject)).await?;
        }
        self.session_state().await
    }

    /// How many items the signed-in person has not sent yet (pending or
    /// needing action, submissions and supplement answers); 0 signed out.
    pub async fn unsent_count(&self) -> Result<u64, EngineError> {
        match self.subject().await? {
            Some(subject) => crate::outbox::table::unsent_count(self.store.pool(), &subject).await,
            None => Ok(0),
        }
    }
}
