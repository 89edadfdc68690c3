//! Demo mode, on an engine opened on demo data only: the demo identities and
//! signing in as one of them through the portal's real sign-in, and the
//! simulator's controls (`/api/v1/demo/*`) called as the signed-in person for
//! the acting profile. Resetting the demo also forgets this device's
//! dossiers, outbox and drafts, since the portal's no longer exist.

use std::time::Duration;

use hoso_protocol::api::demo::{AdvanceClock, Advanced, DemoClock, Run, ScenarioInfo};
use hoso_protocol::api::{ACTING_AS_HEADER, DemoIdentity, path};
use hoso_protocol::command::SessionState;
use reqwest::RequestBuilder;

use crate::auth::AuthError;
use crate::auth::demo_browser::{HandOver, demo_credentials, play_sign_in};
use crate::outbox::acting_key;
use crate::portal_client::PortalClient;
use crate::{Engine, EngineError};

/// How long a demo sign-in may take: no person types anything, so a sign-in
/// that has not come back by then will not.
const DEMO_SIGN_IN_TIMEOUT: Duration = Duration::from_secs(30);

impl Engine {
    /// The demo portal's identities, to sign in as.
    pub async fn demo_identities(&self) -> Result<Vec<DemoIdentity>, EngineError> {
        self.require_demo()?;
        let response = self.portal.http().get(self.portal.url(path::DEMO_IDENTITIES)?).send().await;
        PortalClient::read_json(response.map_err(EngineError::Network)?).await
    }

    /// Signs in as the demo identity `username` through the portal's real
    /// sign-in: this engine's code flow with PKCE and its loopback listener,
    /// the page filled in by the engine with the seed's password and a
    /// current one-time code.
    pub async fn sign_in_demo(&self, username: &str) -> Result<SessionState, EngineError> {
        self.require_demo()?;
        let credentials = demo_credentials(username)?
            .ok_or_else(|| EngineError::NotFound { what: "demo identity", id: username.to_owned() })?;
        let (browser, opened) = HandOver::new();
        let play = async {
            let url = opened.await.map_err(|_| AuthError::Refused("the sign-in page was never opened".to_owned()))?;
            play_sign_in(url, &credentials).await
        };
        let (arrived, ()) = tokio::try_join!(self.session.sign_in(&browser, DEMO_SIGN_IN_TIMEOUT), play)?;
        self.keep_sign_in(arrived).await?;
        self.after_sign_in().await
    }

    /// The simulator's scenarios.
    pub async fn demo_scenarios(&self) -> Result<Vec<ScenarioInfo>, EngineError> {
        self.require_demo()?;
        let response = self.portal.http().get(self.portal.url(path::DEMO_SCENARIOS)?).send().await;
        PortalClient::read_json(response.map_err(EngineError::Network)?).await
    }

    /// Files the scenario's dossier for the acting profile and starts playing
    /// it; the dossier is pulled into the store at once when the portal can
    /// be reached.
    pub async fn demo_play(&self, scenario: &str) -> Result<Run, EngineError> {
        let route = path::DEMO_SCENARIO_PLAY.replace("{id}", scenario);
        let request = self.portal.http().post(self.portal.url(&route)?);
        let run: Run = self.demo_call(request).await?;
        self.sync_quietly().await;
        Ok(run)
    }

    /// The scenarios played on the acting profile's dossiers, newest first.
    pub async fn demo_runs(&self) -> Result<Vec<Run>, EngineError> {
        self.demo_call(self.portal.http().get(self.portal.url(path::DEMO_RUNS)?)).await
    }

    /// The simulator's virtual clock.
    pub async fn demo_clock(&self) -> Result<DemoClock, EngineError> {
        self.require_demo()?;
        let response = self.portal.http().get(self.portal.url(path::DEMO_CLOCK)?).send().await;
        PortalClient::read_json(response.map_err(EngineError::Network)?).await
    }

    /// Moves the virtual clock on; the steps that came due are played, and
    /// their changes pulled into the store.
    pub async fn demo_advance(&self, advance: AdvanceClock) -> Result<Advanced, EngineError> {
        let request = self.portal.http().post(self.portal.url(path::DEMO_CLOCK)?).json(&advance);
        let advanced: Advanced = self.demo_call(request).await?;
        self.sync_quietly().await;
        Ok(advanced)
    }

    /// Resets the demo portal (every dossier, run and the clock), then
    /// forgets this device's dossiers, outbox, drafts and attachments, every
    /// person's: the portal's reset dropped every identity's dossiers, so
    /// they belonged to dossiers that no longer exist.
    pub async fn demo_reset(&self) -> Result<(), EngineError> {
        self.require_demo()?;
        let key = acting_key(&self.acting_as().await?);
        let request = self.portal.http().post(self.portal.url(path::DEMO_RESET)?).header(ACTING_AS_HEADER, key);
        let response = self.send_authorized(request).await?;
        if !response.status().is_success() {
            return PortalClient::read_json::<()>(response).await;
        }
        let orphans = self.store.forget_dossiers_and_drafts().await?;
        *self.last_sync_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        self.attachments.remove(&orphans)
    }

    /// Sends a simulator request as the signed-in person for the acting profile.
    async fn demo_call<T: serde::de::DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, EngineError> {
        self.require_demo()?;
        let key = acting_key(&self.acting_as().await?);
        let response = self.send_authorized(request.header(ACTING_AS_HEADER, key)).await?;
        PortalClient::read_json(response).await
    }

    /// Pulls the acting profile's changes, for a demo step just played; a
    /// failure only delays them until the next sync.
    async fn sync_quietly(&self) {
        let result = async { self.sync_dossiers(&self.acting_as().await?).await }.await;
        if let Err(error) = result {
            tracing::info!(%error, "the demo's changes were not pulled yet");
        }
    }
}
