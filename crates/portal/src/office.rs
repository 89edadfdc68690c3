//! The officer API: the queue of dossiers awaiting action, any dossier in
//! full, and the officer's moves, each judged by the lifecycle and written in
//! one transaction with what it carries. Only holders of the officer role get
//! past [`Officer`]; a citizen is answered 403, and a dossier that does not
//! exist 404. The decisions themselves ([`decide`], [`awaiting`]) know no
//! HTTP: the back-office pages make them through the same functions.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use hoso_domain::dossier::{Actor, DossierStatus};
use hoso_protocol::api::dossier::{DossierDetail, DossierSummary};
use hoso_protocol::api::office::OfficeMove;
use hoso_protocol::api::path;
use hoso_protocol::api::payment::PaymentStatus;
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use serde::Deserialize;

use crate::caller::{access_token_owner, bearer};
use crate::dossiers::{self, DossierRow, MAX_PAGE, refuse};
use crate::http::AppState;
use crate::json_body::JsonBody;
use crate::lifecycle::{self, Target};
use crate::wire_name::to_name;
use crate::{PortalError, accounts, details};

/// The longest reason or note an officer may write.
pub const MAX_NOTE: usize = 2000;

/// A signed-in holder of the officer role.
#[derive(Debug, Clone, Copy)]
pub struct Officer;

impl FromRequestParts<AppState> for Officer {
    type Rejection = PortalError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers).ok_or(PortalError::Unauthenticated)?;
        let (subject, _scope) = access_token_owner(&state.pool, token).await?.ok_or(PortalError::Unauthenticated)?;
        if !accounts::is_officer(&state.pool, &subject).await? {
            return Err(PortalError::Forbidden);
        }
        Ok(Self)
    }
}

/// The statuses in which a dossier waits for an officer.
const AWAITING_OFFICER: [DossierStatus; 5] = [
    DossierStatus::Submitted,
    DossierStatus::Accepted,
    DossierStatus::Processing,
    DossierStatus::WithdrawalRequested,
    DossierStatus::ResultReady,
];

/// The query of the officer's queue.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Only dossiers in this status; without it, every status that awaits an
    /// officer (submitted, accepted, processing, withdrawal requested, result ready).
    #[param(nullable = false)]
    status: Option<DossierStatus>,
}

/// `GET /api/v1/office/dossiers?status=NAME`: dossiers awaiting action (or in
/// `status`), the longest waiting first.
#[utoipa::path(
    get,
    path = path::OFFICE_DOSSIERS,
    operation_id = "office_queue",
    tag = "office",
    params(QueueQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "At most 500 dossiers, the longest unchanged first.", body = Vec<DossierSummary>),
        (status = 400, description = "`status` names no dossier status.", body = ErrorEnvelope),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "The caller does not hold the officer role.", body = ErrorEnvelope),
    )
)]
pub async fn queue(
    State(state): State<AppState>,
    _officer: Officer,
    query: Result<Query<QueueQuery>, QueryRejection>,
) -> Result<Json<Vec<DossierSummary>>, PortalError> {
    let Query(query) =
        query.map_err(|_| refuse(StatusCode::BAD_REQUEST, ErrorKind::InvalidInput, "status must name a status"))?;
    Ok(Json(awaiting(&state, query.status).await?))
}

/// The dossiers in `status`, or awaiting an officer when `None`, the longest
/// waiting first: the queue of the API and of the back-office pages.
pub async fn awaiting(state: &AppState, status: Option<DossierStatus>) -> Result<Vec<DossierSummary>, PortalError> {
    let statuses: Vec<DossierStatus> = status.map_or_else(|| AWAITING_OFFICER.to_vec(), |s| vec![s]);
    let mut summaries = Vec::new();
    for status in statuses {
        let rows: Vec<DossierRow> = sqlx::query_as(
            "SELECT code, client_id, owner, acting_as, procedure_code, form_id, form_version, data, attachments,
                    status, submitted_at, updated_at
             FROM dossier WHERE status = $1 ORDER BY updated_at, code LIMIT $2",
        )
        .bind(status.as_str())
        .bind(MAX_PAGE)
        .fetch_all(&state.pool)
        .await?;
        for row in &rows {
            summaries.push(dossiers::summary_with_clock(state, row).await?);
        }
    }
    summaries.sort_by(|a, b| (a.updated_at, &a.code).cmp(&(b.updated_at, &b.code)));
    summaries.truncate(usize::try_from(MAX_PAGE).unwrap_or(usize::MAX));
    Ok(summaries)
}

/// `GET /api/v1/office/dossiers/{code}`: any dossier in full.
#[utoipa::path(
    get,
    path = path::OFFICE_DOSSIER,
    operation_id = "office_dossier",
    tag = "office",
    params(("code" = String, Path, description = "The national dossier code.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The dossier with its answers, attachments, timeline, legal clock and what it carries.", body = DossierDetail),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "The caller does not hold the officer role.", body = ErrorEnvelope),
        (status = 404, description = "No such dossier.", body = ErrorEnvelope),
    )
)]
pub async fn detail(
    State(state): State<AppState>,
    _officer: Officer,
    Path(code): Path<String>,
) -> Result<Json<DossierDetail>, PortalError> {
    let row = dossiers::find(&state, &code).await?.ok_or(PortalError::NotFound)?;
    Ok(Json(details::detail_of(&state, &row).await?))
}

fn text(value: &str) -> Result<&str, PortalError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > MAX_NOTE {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::InvalidInput,
            "a text of 1 to 2000 characters",
        ));
    }
    Ok(value)
}

/// `POST /api/v1/office/dossiers/{code}/moves`: one officer decision.
#[utoipa::path(
    post,
    path = path::OFFICE_MOVE,
    operation_id = "office_move",
    tag = "office",
    params(("code" = String, Path, description = "The national dossier code.")),
    request_body = OfficeMove,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Moved: the dossier as it now is.", body = DossierSummary),
        (status = 400, description = "The body is not JSON.", body = ErrorEnvelope),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "The caller does not hold the officer role.", body = ErrorEnvelope),
        (status = 404, description = "No such dossier.", body = ErrorEnvelope),
        (status = 409, description = "The lifecycle does not allow this move from the dossier's current status.", body = ErrorEnvelope),
        (status = 413, description = "The body is larger than 1 MiB.", body = ErrorEnvelope),
        (status = 415, description = "The body is not sent as `application/json`.", body = ErrorEnvelope),
        (status = 422, description = "A reason or note that is empty or over 2000 characters, an amount that is not positive, \
            more than 100 field pointers and document ids or one of them empty or over 200 characters, or a body of the \
            wrong shape.", body = ErrorEnvelope),
    )
)]
pub async fn make_move(
    State(state): State<AppState>,
    _officer: Officer,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<OfficeMove>,
) -> Result<Json<DossierSummary>, PortalError> {
    Ok(Json(decide(&state, &code, &body).await?))
}

/// One officer decision on dossier `code`, whoever asks for it (the API or
/// the back-office pages): the texts and amount are checked, then the move
/// and what it carries (a supplement request, a payment due) are written in
/// one transaction. Answers the dossier's new summary.
pub async fn decide(state: &AppState, code: &str, body: &OfficeMove) -> Result<DossierSummary, PortalError> {
    let (target, note): (Target, Option<&str>) = match body {
        OfficeMove::Accept => (Target::Status(DossierStatus::Accepted), None),
        OfficeMove::Refuse { reason } => (Target::Status(DossierStatus::RefusedAtIntake), Some(text(reason)?)),
        OfficeMove::StartProcessing => (Target::Status(DossierStatus::Processing), None),
        OfficeMove::RequestSupplement { reason, fields, documents } => {
            let listed = fields.iter().chain(documents);
            if fields.len() + documents.len() > 100 || listed.clone().any(|item| item.is_empty() || item.len() > 200) {
                return Err(refuse(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorKind::InvalidInput,
                    "at most 100 field pointers and document ids of 1 to 200 characters",
                ));
            }
            (Target::Status(DossierStatus::SupplementRequested), Some(text(reason)?))
        }
        OfficeMove::RequestPayment { amount_vnd, description } => {
            if *amount_vnd == 0 || i64::try_from(*amount_vnd).is_err() {
                return Err(refuse(StatusCode::UNPROCESSABLE_ENTITY, ErrorKind::InvalidInput, "a positive amount"));
            }
            (Target::Status(DossierStatus::PaymentRequested), Some(text(description)?))
        }
        OfficeMove::Stop { reason } => (Target::Status(DossierStatus::Stopped), Some(text(reason)?)),
        OfficeMove::ReturnResult => (Target::Status(DossierStatus::ResultDelivered), None),
        OfficeMove::DecideWithdrawal { grant, note } => {
            let note = note.as_deref().map(text).transpose()?;
            let target = if *grant { Target::Status(DossierStatus::Stopped) } else { Target::BeforeWithdrawalRequest };
            (target, note)
        }
    };
    let now = state.clock.now();
    let mut tx = state.pool.begin().await?;
    lifecycle::move_dossier(&mut tx, code, target, Actor::Officer, note, now).await?;
    match body {
        OfficeMove::RequestSupplement { reason, fields, documents } => {
            sqlx::query(
                "INSERT INTO supplement_request (code, requested_at, reason, fields, documents, answered_at)
                 VALUES ($1, $2, $3, $4, $5, NULL)
                 ON CONFLICT (code) DO UPDATE SET requested_at = excluded.requested_at, reason = excluded.reason,
                     fields = excluded.fields, documents = excluded.documents, answered_at = NULL",
            )
            .bind(code)
            .bind(now.unix_timestamp())
            .bind(reason.trim())
            .bind(serde_json::to_string(fields).map_err(PortalError::Corrupt)?)
            .bind(serde_json::to_string(documents).map_err(PortalError::Corrupt)?)
            .execute(&mut *tx)
            .await?;
        }
        OfficeMove::RequestPayment { amount_vnd, description } => {
            sqlx::query(
                "INSERT INTO payment_due (code, amount_vnd, description, status, requested_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (code) DO UPDATE SET amount_vnd = excluded.amount_vnd,
                     description = excluded.description, status = excluded.status,
                     requested_at = excluded.requested_at",
            )
            .bind(code)
            .bind(i64::try_from(*amount_vnd).unwrap_or(i64::MAX))
            .bind(description.trim())
            .bind(to_name(&PaymentStatus::Unpaid)?)
            .bind(now.unix_timestamp())
            .execute(&mut *tx)
            .await?;
            // A payment page still open from an earlier request must not settle this one.
            sqlx::query("UPDATE payment SET status = $1 WHERE code = $2 AND status = $3")
                .bind(to_name(&PaymentStatus::Cancelled)?)
                .bind(code)
                .bind(to_name(&PaymentStatus::AwaitingPayment)?)
                .execute(&mut *tx)
                .await?;
        }
        _ => {}
    }
    tx.commit().await?;
    tracing::info!(%code, ?target, "officer move");
    let row = dossiers::find(state, code).await?.ok_or(PortalError::NotFound)?;
    dossiers::summary_with_clock(state, &row).await
}
