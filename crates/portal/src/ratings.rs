//! The citizen's rating of a completed dossier: a score from 1 to 5 and an
//! optional comment of at most 1000 characters, given once.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hoso_domain::dossier::DossierStatus;
use hoso_protocol::api::dossier::Rating;
use hoso_protocol::api::path;
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};

use crate::PortalError;
use crate::caller::{ActingAsHeader, Caller};
use crate::dossiers::{owned, refuse};
use crate::http::AppState;
use crate::json_body::JsonBody;
use crate::wire_name::from_name;

/// The longest comment a rating may carry.
pub const MAX_COMMENT: usize = 1000;

/// `POST /api/v1/dossiers/{code}/rating`.
#[utoipa::path(
    post,
    path = path::DOSSIER_RATING,
    operation_id = "rate_dossier",
    tag = "dossiers",
    params(ActingAsHeader, ("code" = String, Path, description = "The national dossier code.")),
    request_body = Rating,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Rated: the rating as stored (the comment trimmed, an empty one dropped).", body = Rating),
        (status = 400, description = "The body is not JSON.", body = ErrorEnvelope),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "`X-Acting-As` names an enterprise without an active mandate.", body = ErrorEnvelope),
        (status = 404, description = "No dossier with this code belongs to the acting profile.", body = ErrorEnvelope),
        (status = 409, description = "The dossier is not completed, or was already rated.", body = ErrorEnvelope),
        (status = 413, description = "The body is larger than 1 MiB.", body = ErrorEnvelope),
        (status = 415, description = "The body is not sent as `application/json`.", body = ErrorEnvelope),
        (status = 422, description = "A score outside 1 to 5, a comment over 1000 characters, or a body of the wrong shape.", body = ErrorEnvelope),
    )
)]
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
