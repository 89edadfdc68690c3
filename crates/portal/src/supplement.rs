//! The citizen's answer to a supplement request: the complete corrected
//! answers and attachments, judged exactly like a submission, received once
//! per client id (a replay answers the same; the id with another body is
//! refused with 422), and only while a supplement is requested (else 409).
//! Receiving it moves the dossier back to processing, which resumes the
//! legal clock.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hoso_domain::catalogue::{FormRef, ProcedureCode};
use hoso_domain::dossier::{Actor, DossierStatus};
use hoso_protocol::api::dossier::{DossierSummary, SubmitSupplement};
use hoso_protocol::api::{IDEMPOTENCY_KEY_HEADER, path};
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use sha2::{Digest, Sha256};

use crate::PortalError;
use crate::caller::{ActingAsHeader, Caller};
use crate::dossiers::{self, DossierRow, invalid_fields, judge_answers, owned, refuse};
use crate::http::AppState;
use crate::json_body::JsonBody;
use crate::lifecycle::{self, MoveError, Target};
use crate::wire_name::from_name;

/// `POST /api/v1/dossiers/{code}/supplement`.
#[utoipa::path(
    post,
    path = path::DOSSIER_SUPPLEMENT,
    operation_id = "answer_supplement",
    tag = "dossiers",
    params(
        ActingAsHeader,
        ("code" = String, Path, description = "The national dossier code."),
        ("Idempotency-Key" = Option<String>, Header, nullable = false, description = "If sent, the body's `client_id`."),
    ),
    request_body = SubmitSupplement,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Received: the dossier, back in processing (its legal clock runs again).", body = DossierSummary),
        (status = 200, description = "A replay of an answer already received: the dossier as it stands.", body = DossierSummary),
        (status = 400, description = "A `client_id` that is empty, over 128 characters or not the `Idempotency-Key`, or a body \
            that is not JSON.", body = ErrorEnvelope),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "`X-Acting-As` names an enterprise without an active mandate.", body = ErrorEnvelope),
        (status = 404, description = "No dossier with this code belongs to the acting profile, or its form is no longer served.", body = ErrorEnvelope),
        (status = 409, description = "No supplement is requested for this dossier (any more).", body = ErrorEnvelope),
        (status = 413, description = "The body is larger than 1 MiB.", body = ErrorEnvelope),
        (status = 415, description = "The body is not sent as `application/json`.", body = ErrorEnvelope),
        (status = 422, description = "Answers or attachments that are not valid (`invalid_input` with `fields`), a note over 2000 \
            characters, a body of the wrong shape, or the `client_id` reused with another body (`conflict`).", body = ErrorEnvelope),
    )
)]
pub async fn answer(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<SubmitSupplement>,
) -> Result<Response, PortalError> {
    let key = headers.get(IDEMPOTENCY_KEY_HEADER).map(|v| v.to_str().unwrap_or_default());
    if body.client_id.is_empty() || body.client_id.len() > 128 || key.is_some_and(|key| key != body.client_id) {
        return Err(refuse(StatusCode::BAD_REQUEST, ErrorKind::InvalidInput, "a client_id of 1 to 128 characters"));
    }
    if body.note.as_ref().is_some_and(|note| note.chars().count() > 2000) {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::InvalidInput,
            "a note of at most 2000 characters",
        ));
    }
    let row = owned(&state, &caller, &code).await?;
    let request_hash: String = Sha256::digest(serde_json::to_vec(&body).map_err(PortalError::Corrupt)?)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if let Some(answer) = replay(&state, &row, &body.client_id, &request_hash).await? {
        return Ok(answer);
    }
    if from_name::<DossierStatus>(&row.status)? != DossierStatus::SupplementRequested {
        return Err(refuse(StatusCode::CONFLICT, ErrorKind::Conflict, "no supplement is requested for this dossier"));
    }
    let procedure = ProcedureCode::parse(&row.procedure_code)
        .map_err(|_| PortalError::CorruptRecord(format!("dossier {code}: procedure")))?;
    let form = FormRef {
        id: row.form_id.clone(),
        version: u32::try_from(row.form_version)
            .map_err(|_| PortalError::CorruptRecord(format!("dossier {code}: form version")))?,
    };
    let errors = judge_answers(&state, &caller, &procedure, &form, &body.data, &body.attachments).await?;
    if !errors.is_empty() {
        return Ok(invalid_fields(errors));
    }

    let now = state.clock.now();
    let mut tx = state.pool.begin().await?;
    let note = body.note.as_deref().map(str::trim).filter(|note| !note.is_empty());
    match lifecycle::move_dossier(&mut tx, &code, Target::Status(DossierStatus::Processing), Actor::System, note, now)
        .await
    {
        Ok(_) => {}
        Err(MoveError::NotAllowed { .. }) => {
            // Another answer arrived meanwhile; if it was this one, say so.
            tx.rollback().await?;
            return match replay(&state, &row, &body.client_id, &request_hash).await? {
                Some(answer) => Ok(answer),
                None => Err(refuse(StatusCode::CONFLICT, ErrorKind::Conflict, "no supplement is requested any more")),
            };
        }
        Err(error) => return Err(error.into()),
    }
    sqlx::query("INSERT INTO supplement_answer (code, client_id, request_hash, answered_at) VALUES ($1, $2, $3, $4)")
        .bind(&code)
        .bind(&body.client_id)
        .bind(&request_hash)
        .bind(now.unix_timestamp())
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE dossier SET data = $1, attachments = $2 WHERE code = $3")
        .bind(body.data.to_string())
        .bind(serde_json::to_string(&body.attachments).map_err(PortalError::Corrupt)?)
        .bind(&code)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE supplement_request SET answered_at = $1 WHERE code = $2 AND answered_at IS NULL")
        .bind(now.unix_timestamp())
        .bind(&code)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let row = owned(&state, &caller, &code).await?;
    Ok((StatusCode::CREATED, Json(dossiers::summary_with_clock(&state, &row).await?)).into_response())
}

/// The answer to a replayed supplement, if this client id was received for
/// the dossier before: the dossier as it stands.
async fn replay(
    state: &AppState,
    row: &DossierRow,
    client_id: &str,
    hash: &str,
) -> Result<Option<Response>, PortalError> {
    let stored: Option<String> =
        sqlx::query_scalar("SELECT request_hash FROM supplement_answer WHERE code = $1 AND client_id = $2")
            .bind(&row.code)
            .bind(client_id)
            .fetch_optional(&state.pool)
            .await?;
    let Some(stored) = stored else { return Ok(None) };
    if stored != hash {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::Conflict,
            "this client_id was used with another body",
        ));
    }
    let summary = dossiers::summary_with_clock(state, row).await?;
    Ok(Some((StatusCode::OK, Json(summary)).into_response()))
}
