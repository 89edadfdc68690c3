//! The demo simulator over the wire: scripted scenarios a support officer
//! plays on a portal started with `--demo`, and the virtual clock they run on.
//! A contract with the portal; none of it exists on a real deployment.

use hoso_domain::catalogue::{Localized, ProcedureCode};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// One scripted scenario, as `GET /api/v1/demo/scenarios` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScenarioInfo {
    pub id: String,
    pub title: Localized,
    pub summary: Localized,
    pub procedure: ProcedureCode,
    /// What happens, in order, and how long after the step before it.
    pub steps: Vec<StepInfo>,
}

/// One step of a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepInfo {
    /// Virtual minutes after the step before it (after the submission, for the first).
    pub after_minutes: u32,
    pub label: Localized,
}

/// Where a played scenario stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    /// Steps remain; the next one plays when the virtual clock reaches it.
    Playing,
    /// Every step was played.
    Finished,
    /// A step could not be played (the dossier was withdrawn, or moved on by
    /// hand); the rest are skipped.
    Stopped,
}

/// A scenario being played on one dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Run {
    pub id: String,
    pub scenario: String,
    /// The dossier the scenario plays on, filed for the profile that started it.
    pub code: String,
    pub state: RunState,
    /// Steps played so far.
    pub played: u32,
    pub steps: u32,
    /// When, on the virtual clock, the next step plays.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub next_at: Option<OffsetDateTime>,
    /// Why the run stopped, in the portal's words.
    #[serde(default)]
    pub note: Option<String>,
}

/// The virtual clock every demo dossier runs on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DemoClock {
    #[serde(with = "time::serde::rfc3339")]
    pub now: OffsetDateTime,
    /// How far the virtual clock is ahead of the real one.
    pub ahead_seconds: i64,
}

/// Body of `POST /api/v1/demo/clock`: move the virtual clock forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdvanceClock {
    /// At most a year at once.
    pub minutes: u32,
}

/// Answer of advancing the clock: the new time and what it set off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Advanced {
    pub clock: DemoClock,
    /// Steps played because their time came.
    pub played: u32,
}
