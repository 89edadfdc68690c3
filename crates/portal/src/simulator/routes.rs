//! The simulator's routes under `/api/v1/demo/`: list and play scenarios,
//! follow the runs, read and move the virtual clock, reset everything. They
//! answer 404 on a portal started without `--demo`, as if they did not exist.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hoso_protocol::api::demo::{AdvanceClock, Advanced, DemoClock, Run, ScenarioInfo};
use hoso_protocol::api::path;
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use time::Duration;

use super::Simulator;
use super::play::{self, RunRow};
use crate::PortalError;
use crate::caller::{ActingAsHeader, Caller};
use crate::clock::Clock;
use crate::dossiers::owner_key;
use crate::http::AppState;
use crate::json_body::JsonBody;

/// The longest jump of the clock at once: a year.
const MAX_ADVANCE_MINUTES: u32 = 366 * 24 * 60;

fn simulator(state: &AppState) -> Result<&Arc<Simulator>, PortalError> {
    state.simulator.as_ref().ok_or(PortalError::NotFound)
}

fn clock_of(simulator: &Simulator) -> DemoClock {
    DemoClock { now: simulator.clock.now(), ahead_seconds: simulator.clock.ahead_seconds() }
}

/// The scenarios a support officer can play.
#[utoipa::path(
    get,
    path = path::DEMO_SCENARIOS,
    tag = "demo",
    responses(
        (status = 200, description = "The scenarios, in the order support staff see them.", body = Vec<ScenarioInfo>),
        (status = 404, description = "This portal was not started with `--demo`.", body = ErrorEnvelope),
    )
)]
pub async fn scenarios(State(state): State<AppState>) -> Result<Json<Vec<ScenarioInfo>>, PortalError> {
    Ok(Json(simulator(&state)?.scenarios.iter().map(|s| s.info()).collect()))
}

/// Files the scenario's dossier for the acting profile and starts playing it.
#[utoipa::path(
    post,
    path = path::DEMO_SCENARIO_PLAY,
    tag = "demo",
    params(("id" = String, Path, description = "The scenario's id."), ActingAsHeader),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The dossier was filed; its steps play on the virtual clock.", body = Run),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "No active mandate for the profile in `X-Acting-As`.", body = ErrorEnvelope),
        (status = 404, description = "No such scenario, or not a demo portal.", body = ErrorEnvelope),
        (status = 422, description = "The scenario's procedure is not for the acting profile.", body = ErrorEnvelope),
    )
)]
pub async fn play_scenario(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PortalError> {
    let simulator = simulator(&state)?;
    let scenario = simulator.scenario(&id).ok_or(PortalError::NotFound)?;
    let run = play::start(&state, simulator, &caller, scenario).await.map_err(|error| match error {
        // A refusal met on the way (a procedure not for enterprises, say) is
        // the caller's to read, not a server fault.
        PortalError::CorruptRecord(_) => PortalError::Refused {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            kind: ErrorKind::InvalidInput,
            message: "this scenario cannot be filed for the acting profile",
        },
        other => other,
    })?;
    Ok((StatusCode::CREATED, Json(run)).into_response())
}

/// The scenarios played on the acting profile's dossiers, newest first.
#[utoipa::path(
    get,
    path = path::DEMO_RUNS,
    tag = "demo",
    params(ActingAsHeader),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The runs, newest first.", body = Vec<Run>),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "No active mandate for the profile in `X-Acting-As`.", body = ErrorEnvelope),
        (status = 404, description = "This portal was not started with `--demo`.", body = ErrorEnvelope),
    )
)]
pub async fn runs(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<Run>>, PortalError> {
    let simulator = simulator(&state)?;
    let rows: Vec<RunRow> = sqlx::query_as(
        "SELECT id, scenario, code, subject, acting_as, next_step, next_at, state, note FROM demo_run
         WHERE owner = $1 ORDER BY started_at DESC, id LIMIT 200",
    )
    .bind(owner_key(&caller))
    .fetch_all(&state.pool)
    .await?;
    Ok(Json(rows.iter().map(|row| row.to_wire(simulator)).collect()))
}

/// The virtual clock.
#[utoipa::path(
    get,
    path = path::DEMO_CLOCK,
    tag = "demo",
    responses(
        (status = 200, description = "The virtual time and its lead over real time.", body = DemoClock),
        (status = 404, description = "This portal was not started with `--demo`.", body = ErrorEnvelope),
    )
)]
pub async fn clock(State(state): State<AppState>) -> Result<Json<DemoClock>, PortalError> {
    Ok(Json(clock_of(simulator(&state)?)))
}

/// Moves the virtual clock on, playing every step that comes due on the way
/// at its own time.
#[utoipa::path(
    post,
    path = path::DEMO_CLOCK,
    tag = "demo",
    request_body = AdvanceClock,
    params(ActingAsHeader),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The clock moved on; the steps due were played.", body = Advanced),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "No active mandate for the profile in `X-Acting-As`.", body = ErrorEnvelope),
        (status = 404, description = "This portal was not started with `--demo`.", body = ErrorEnvelope),
        (status = 422, description = "Zero minutes, or more than a year.", body = ErrorEnvelope),
    )
)]
pub async fn advance(
    State(state): State<AppState>,
    _caller: Caller,
    JsonBody(body): JsonBody<AdvanceClock>,
) -> Result<Json<Advanced>, PortalError> {
    let simulator = simulator(&state)?;
    if body.minutes == 0 || body.minutes > MAX_ADVANCE_MINUTES {
        return Err(PortalError::Refused {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            kind: ErrorKind::InvalidInput,
            message: "move the clock on by 1 minute to 1 year",
        });
    }
    let target = simulator.clock.now() + Duration::minutes(i64::from(body.minutes));
    let played = play::play_due(&state, simulator, target).await?;
    simulator.clock.move_to(target);
    simulator.save_clock(&state.pool).await?;
    Ok(Json(Advanced { clock: clock_of(simulator), played }))
}

/// Forgets every dossier, upload and run of the demo portal and puts the
/// clock back to real time; accounts and passkeys stay.
#[utoipa::path(
    post,
    path = path::DEMO_RESET,
    tag = "demo",
    params(ActingAsHeader),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The demo portal is as it was at its first start."),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "No active mandate for the profile in `X-Acting-As`.", body = ErrorEnvelope),
        (status = 404, description = "This portal was not started with `--demo`.", body = ErrorEnvelope),
    )
)]
pub async fn reset(State(state): State<AppState>, _caller: Caller) -> Result<StatusCode, PortalError> {
    let simulator = simulator(&state)?;
    let _one_at_a_time = simulator.playing.lock().await;
    let mut tx = state.pool.begin().await?;
    // Children of a dossier go with it (ON DELETE CASCADE); uploads and the
    // serial numbers are kept apart.
    for statement in [
        "DELETE FROM demo_run",
        "DELETE FROM dossier",
        "DELETE FROM upload_chunk",
        "DELETE FROM upload",
        "DELETE FROM dossier_serial",
        "DELETE FROM demo_clock",
    ] {
        sqlx::query(statement).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    simulator.clock.reset();
    tracing::info!("demo portal reset");
    Ok(StatusCode::NO_CONTENT)
}
