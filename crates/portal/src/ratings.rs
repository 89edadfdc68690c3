//! The citizen's rating of a completed dossier: a score from 1 to 5 and an
//! optional comment of at most 1000 characters, given once.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hoso_domain::dossier::DossierStatus;
use hoso_protocol::api::dossier::Rating;
use hoso_protocol::error::ErrorKind;

use crate::PortalError;
use crate::caller::Caller;
use crate::dossiers::{owned, refuse};
use crate::http::AppState;
use crate::json_body::JsonBody;
use crate::wire_name::from_name;

/// The longest comment a rating may carry.
pub const MAX_COMMENT: usize = 1000;

/// `POST /api/v1/dossiers/{code}/rating`.
pub async fn rate(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<Rating>,
) -> Result<(StatusCode, Json<Rating>), PortalError> {
    let comment = body.comment.as_deref().map(str::trim).filter(|c| !c.is_empty());
    if !(1..=5).contains(&body.score) || comment.is_some_and(|c| c.chars().count() > MAX_COMMENT) {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::InvalidInput,
            "a score from 1 to 5 and a comment of at most 1000 characters",
        ));
    }
    let row = owned(&state, &caller, &code).await?;
    if from_name::<DossierStatus>(&row.status)? != DossierStatus::ResultDelivered {
        return Err(refuse(StatusCode::CONFLICT, ErrorKind::Conflict, "only a completed dossier can be rated"));
    }
    let rated = sqlx::query(
        "INSERT INTO dossier_rating (code, score, comment, rated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (code) DO NOTHING",
    )
    .bind(&code)
    .bind(i64::from(body.score))
    .bind(comment)
    .bind(state.clock.unix_seconds())
    .execute(&state.pool)
    .await?;
    if rated.rows_affected() != 1 {
        return Err(refuse(StatusCode::CONFLICT, ErrorKind::Conflict, "this dossier was already rated"));
    }
    Ok((StatusCode::CREATED, Json(Rating { score: body.score, comment: comment.map(str::to_owned) })))
}
