//! The HTTP surface: routes of API v1 mapped onto the catalogue and demo rooms.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use hoso_protocol::api::{Catalogue, DemoIdentity, path};
use sqlx::SqlitePool;
use tower_http::trace::TraceLayer;

use crate::{PortalError, catalogue, demo};

#[derive(Clone)]
pub struct AppState {
    pub pool: SqlitePool,
    pub demo: bool,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route(path::HEALTH, get(|| async { "ok" }))
        .route(path::CATALOGUE, get(get_catalogue))
        .route(path::DEMO_IDENTITIES, get(get_demo_identities))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn get_catalogue(State(state): State<AppState>) -> Result<Json<Catalogue>, PortalError> {
    Ok(Json(catalogue::load(&state.pool).await?))
}

async fn get_demo_identities(State(state): State<AppState>) -> Result<Json<Vec<DemoIdentity>>, PortalError> {
    // A production portal must not even admit that demo accounts exist.
    if !state.demo {
        return Err(PortalError::NotFound);
    }
    Ok(Json(demo::identities(&state.pool).await?))
}
