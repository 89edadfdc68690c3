//! Receiving dossiers exactly once, and the changes feed the app syncs from.
//!
//! A submission carries a client-generated id, also sent as `Idempotency-Key`:
//! a replay of the same body answers with the same dossier code, the same key
//! with another body is refused (422), so a flaky network can never file a
//! dossier twice. On receipt the portal judges the answers with the same
//! validator the app used, checks the caller may act for the profile and
//! procedure, and accepts only attachments that are complete uploads of the
//! submitter.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use hoso_domain::catalogue::{Applicant, ChannelKind, FormRef, ProcedureCode};
use hoso_domain::dossier::{Actor, DossierStatus};
use hoso_domain::form::FieldError;
use hoso_domain::profile::ActingAs;
use hoso_protocol::api::dossier::{
    CHANGES_MAX_LIMIT, Changes, DossierChange, DossierDetail, DossierSummary, SubmitDossier, Submitted, Withdraw,
};
use hoso_protocol::api::upload::AttachmentRef;
use hoso_protocol::api::{IDEMPOTENCY_KEY_HEADER, path};
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::caller::{ActingAsHeader, Caller};
use crate::http::AppState;
use crate::json_body::JsonBody;
use crate::wire_name::from_name;
use crate::{PortalError, catalogue, deadline, details, lifecycle, rate_limit};

/// The most dossiers a list answers (a profile's list, the back office's
/// queue). The changes feed has its own limit, [`CHANGES_MAX_LIMIT`].
pub const MAX_PAGE: i64 = 500;

/// The profile a dossier belongs to, as stored.
pub fn owner_key(caller: &Caller) -> String {
    match &caller.acting_as {
        ActingAs::Myself => format!("person:{}", caller.subject()),
        ActingAs::Enterprise(tax_code) => format!("enterprise:{}", tax_code.as_str()),
    }
}

pub fn refuse(status: StatusCode, kind: ErrorKind, message: &'static str) -> PortalError {
    PortalError::Refused { status, kind, message }
}

pub fn invalid_fields(fields: Vec<FieldError>) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, Json(ErrorEnvelope::invalid_fields(fields))).into_response()
}

pub fn to_offset(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Submits a dossier exactly once: a replay answers with the same code.
#[utoipa::path(
    post,
    path = path::DOSSIERS,
    tag = "dossiers",
    params(
        ActingAsHeader,
        ("Idempotency-Key" = String, Header, description = "The dossier's `client_id` (at most 128 characters): a replay returns the same dossier; the same key with another body is refused."),
    ),
    request_body = SubmitDossier,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Received: the national dossier code.", body = Submitted),
        (status = 200, description = "A replay of a dossier already received: the same code.", body = Submitted),
        (status = 400, description = "`Idempotency-Key` is not the body's `client_id`, or the body is not JSON.", body = ErrorEnvelope),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "`X-Acting-As` names an enterprise without an active mandate.", body = ErrorEnvelope),
        (status = 404, description = "The procedure's form is not served.", body = ErrorEnvelope),
        (status = 413, description = "The body is larger than 1 MiB.", body = ErrorEnvelope),
        (status = 415, description = "The body is not sent as `application/json`.", body = ErrorEnvelope),
        (status = 422, description = "Refused as sent: answers or attachments that are not valid (`invalid_input` with `fields`), \
                                      a body of the wrong shape, a procedure unknown or not open to this profile or not filed online, \
                                      a form version that is not current (`conflict`), or the key reused with another body (`conflict`).",
         body = ErrorEnvelope),
        (status = 429, description = "Too many submissions by this person in a minute.", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "Seconds until the next attempt may succeed."))),
    )
)]
pub async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    JsonBody(body): JsonBody<SubmitDossier>,
) -> Result<Response, PortalError> {
    rate_limit::hit(&state.pool, state.rate_limits.submit_per_person, caller.subject()).await?;
    let key = headers.get(IDEMPOTENCY_KEY_HEADER).and_then(|v| v.to_str().ok());
    if key != Some(body.client_id.as_str()) || body.client_id.is_empty() || body.client_id.len() > 128 {
        return Err(refuse(StatusCode::BAD_REQUEST, ErrorKind::InvalidInput, "Idempotency-Key must equal client_id"));
    }
    if body.acting_as != caller.acting_as {
        return Err(PortalError::Forbidden);
    }
    let request_hash: String = Sha256::digest(serde_json::to_vec(&body).map_err(PortalError::Corrupt)?)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if let Some(answer) = replay(&state, &caller, &body.client_id, &request_hash).await? {
        return Ok(answer);
    }

    let today = state.clock.today();
    let procedure = catalogue::procedure(&state.pool, &body.procedure).await?.ok_or(refuse(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::InvalidInput,
        "unknown procedure",
    ))?;
    let applicant = match body.acting_as {
        ActingAs::Myself => Applicant::Citizen,
        ActingAs::Enterprise(_) => Applicant::Enterprise,
    };
    if !procedure.is_in_force(today) || !procedure.applicants.contains(&applicant) {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::InvalidInput,
            "procedure not open to this profile",
        ));
    }
    if !caller.profile.person.may_act(&body.acting_as, body.procedure.as_str(), today) {
        return Err(PortalError::Forbidden);
    }
    if body.channel != ChannelKind::Online || procedure.online_channel().is_none() {
        return Err(refuse(StatusCode::UNPROCESSABLE_ENTITY, ErrorKind::InvalidInput, "not filed online"));
    }
    if procedure.form.as_ref() != Some(&body.form) {
        return Err(refuse(StatusCode::UNPROCESSABLE_ENTITY, ErrorKind::Conflict, "the form version is not current"));
    }
    let errors = judge_answers(&state, &caller, &body.procedure, &body.form, &body.data, &body.attachments).await?;
    if !errors.is_empty() {
        return Ok(invalid_fields(errors));
    }

    let now = state.clock.unix_seconds();
    let owner = owner_key(&caller);
    let mut tx = state.pool.begin().await?;
    let prefix = format!("{}-{}", procedure.agency.code, yymmdd(today));
    let serial: i64 = sqlx::query_scalar(
        "INSERT INTO dossier_serial (prefix, next_serial) VALUES ($1, 1)
         ON CONFLICT (prefix) DO UPDATE SET next_serial = dossier_serial.next_serial + 1 RETURNING next_serial",
    )
    .bind(&prefix)
    .fetch_one(&mut *tx)
    .await?;
    let code = format!("{prefix}-{serial:08}");
    let inserted = sqlx::query(
        "INSERT INTO dossier (code, submitter, client_id, request_hash, owner, acting_as, procedure_code, form_id,
                              form_version, channel, data, attachments, status, submitted_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
         ON CONFLICT (submitter, client_id) DO NOTHING",
    )
    .bind(&code)
    .bind(caller.subject())
    .bind(&body.client_id)
    .bind(&request_hash)
    .bind(&owner)
    .bind(serde_json::to_string(&body.acting_as).map_err(PortalError::Corrupt)?)
    .bind(body.procedure.as_str())
    .bind(&body.form.id)
    .bind(i64::from(body.form.version))
    .bind("online")
    .bind(body.data.to_string())
    .bind(serde_json::to_string(&body.attachments).map_err(PortalError::Corrupt)?)
    .bind(DossierStatus::Submitted.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() != 1 {
        // A concurrent replay won the race: answer as a replay.
        tx.rollback().await?;
        return replay(&state, &caller, &body.client_id, &request_hash).await?.ok_or(PortalError::NotFound);
    }
    lifecycle::record_event(&mut tx, &code, 0, now, None, DossierStatus::Submitted, Actor::System, None).await?;
    sqlx::query("INSERT INTO dossier_change (owner, code) VALUES ($1, $2)")
        .bind(&owner)
        .bind(&code)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let submitted =
        Submitted { code, client_id: body.client_id, status: DossierStatus::Submitted, received_at: to_offset(now) };
    Ok((StatusCode::CREATED, Json(submitted)).into_response())
}

/// The answer to a replayed submission, if this key was used before.
async fn replay(
    state: &AppState,
    caller: &Caller,
    client_id: &str,
    hash: &str,
) -> Result<Option<Response>, PortalError> {
    let found: Option<(String, String, String, i64)> = sqlx::query_as(
        "SELECT code, request_hash, status, submitted_at FROM dossier WHERE submitter = $1 AND client_id = $2",
    )
    .bind(caller.subject())
    .bind(client_id)
    .fetch_optional(&state.pool)
    .await?;
    let Some((code, stored_hash, status, submitted_at)) = found else { return Ok(None) };
    if stored_hash != hash {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::Conflict,
            "this Idempotency-Key was used with another body",
        ));
    }
    let status = from_name::<DossierStatus>(&status)?;
    let submitted = Submitted { code, client_id: client_id.to_owned(), status, received_at: to_offset(submitted_at) };
    Ok(Some((StatusCode::OK, Json(submitted)).into_response()))
}

/// Judges the answers of a submission or a supplement: the form's validator
/// on the data, and every attachment the answers name must be a complete
/// upload of the caller. The errors come sorted; none means accepted.
pub async fn judge_answers(
    state: &AppState,
    caller: &Caller,
    procedure: &ProcedureCode,
    form: &FormRef,
    data: &serde_json::Value,
    attachments: &[AttachmentRef],
) -> Result<Vec<FieldError>, PortalError> {
    let form = state.forms.get(&form.id, form.version).ok_or(PortalError::NotFound)?;
    let mut errors = form.validator.validate(data);
    errors.extend(unbacked_attachments(state, caller, procedure, data, attachments).await?);
    errors.sort();
    Ok(errors)
}

/// Attachments the answers name that are not complete uploads of the
/// caller for that document, as field errors.
async fn unbacked_attachments(
    state: &AppState,
    caller: &Caller,
    procedure: &ProcedureCode,
    data: &serde_json::Value,
    attachments: &[AttachmentRef],
) -> Result<Vec<FieldError>, PortalError> {
    let mut errors = Vec::new();
    let Some(answers) = data.get("attachments").and_then(|a| a.as_object()) else { return Ok(errors) };
    for (document, answer) in answers {
        let pointer = format!("/attachments/{document}");
        let sha256 = answer.get("sha256").and_then(|s| s.as_str()).unwrap_or_default();
        let listed = attachments.iter().any(|a| &a.document == document && a.sha256 == sha256);
        let complete: Option<i64> = sqlx::query_scalar(
            "SELECT complete FROM upload WHERE owner = $1 AND sha256 = $2 AND document = $3 AND procedure_code = $4",
        )
        .bind(caller.subject())
        .bind(sha256)
        .bind(document)
        .bind(procedure.as_str())
        .fetch_optional(&state.pool)
        .await?;
        if !listed || complete != Some(1) {
            errors.push(FieldError { pointer, code: hoso_domain::form::UPLOAD_INCOMPLETE.into(), limit: None });
        }
    }
    Ok(errors)
}

fn yymmdd(date: time::Date) -> String {
    format!("{:02}{:02}{:02}", date.year().rem_euclid(100), u8::from(date.month()), date.day())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// The cursor the client holds (`next` of its last page); 0 or absent reads from the beginning.
    #[serde(default)]
    since: i64,
    /// The most changes to return, 1 to 10000 (any other value is refused with 400 `invalid_input`); 10000 when
    /// absent, so a device catching up reads its backlog in one request.
    limit: Option<i64>,
}

/// How many feed entries the portal reads from the database, and holds, at a
/// time while it streams a page: a page of [`CHANGES_MAX_LIMIT`] entries costs
/// the memory of this many, and no database connection is held while the
/// client reads.
pub const FEED_CHUNK: i64 = 500;

#[derive(sqlx::FromRow)]
struct ChangeRow {
    seq: i64,
    #[sqlx(flatten)]
    dossier: DossierRow,
}

/// The changes feed's page: an owner's changes after a cursor (`$1` owner,
/// `$2` cursor, `$3` limit). The feed sends neither form data nor
/// attachments, so they are not read (a page would otherwise cost the size
/// of every form it lists). Public, hidden, so the API tests can show with
/// `EXPLAIN` that the `(owner, seq)` index serves it on both backends.
#[doc(hidden)]
pub const CHANGES_QUERY: &str =
    "SELECT c.seq, d.code, d.client_id, d.owner, d.acting_as, d.procedure_code, d.form_id, d.form_version,
            CAST('' AS TEXT) AS data, CAST('' AS TEXT) AS attachments, d.status, d.submitted_at, d.updated_at
     FROM dossier_change c JOIN dossier d ON d.code = c.code
     WHERE c.owner = $1 AND c.seq > $2 ORDER BY c.seq LIMIT $3";

/// `GET /api/v1/dossiers/changes?since=CURSOR&limit=N` for the acting profile.
///
/// The answer is one JSON document, streamed as it is read: the portal reads
/// 500 changes at a time (each a query on the `(owner, seq)` index from the
/// last cursor written, as a client reading pages of 500 would see them) and
/// sends them before reading more, so a page of 10000 changes holds the
/// memory of 500 and the database for one query at a time.
#[utoipa::path(
    get,
    path = path::DOSSIER_CHANGES,
    tag = "dossiers",
    params(ActingAsHeader, ChangesQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The acting profile's dossiers changed after `since`, oldest change first: at \
            most `limit` changes, streamed as they are read.", body = Changes),
        (status = 400, description = "`since` or `limit` is not a number, or `limit` is not 1 to 10000.", body = ErrorEnvelope),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "`X-Acting-As` names an enterprise without an active mandate.", body = ErrorEnvelope),
    )
)]
pub async fn changes(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ChangesQuery>,
) -> Result<Response, PortalError> {
    let most = i64::try_from(CHANGES_MAX_LIMIT).unwrap_or(i64::MAX);
    let limit = query.limit.unwrap_or(most);
    if !(1..=most).contains(&limit) {
        return Err(refuse(StatusCode::BAD_REQUEST, ErrorKind::InvalidInput, "`limit` must be 1 to 10000"));
    }
    let mut page = FeedPage {
        state,
        owner: owner_key(&caller),
        cursor: query.since.max(0),
        left: limit,
        opened: false,
        wrote_any: false,
        finished: false,
    };
    // The first chunk is read before the answer starts, so that a failing
    // database answers an error envelope rather than a cut-off 200.
    let first = page.chunk().await?.unwrap_or_default();
    let rest = futures_util::stream::unfold(page, |mut page| async move {
        match page.chunk().await {
            Ok(Some(bytes)) => Some((Ok::<Bytes, std::io::Error>(Bytes::from(bytes)), page)),
            Ok(None) => None,
            Err(error) => {
                // The status is sent: cutting the body off is how the client
                // learns the page failed (its JSON does not parse, so it keeps
                // its cursor and asks again).
                tracing::error!(%error, "the changes feed failed mid-page");
                page.finished = true;
                Some((Err(std::io::Error::other("the changes feed failed mid-page")), page))
            }
        }
    });
    let body = futures_util::stream::once(std::future::ready(Ok::<_, std::io::Error>(Bytes::from(first))))
        .chain(rest)
        // The gzip layer may poll once more after the end; `unfold` would panic.
        .fuse();
    Ok(([(CONTENT_TYPE, HeaderValue::from_static("application/json"))], Body::from_stream(body)).into_response())
}

/// A page of the changes feed being written: where it stands.
struct FeedPage {
    state: AppState,
    owner: String,
    /// The cursor of the last change written, or `since` before the first.
    cursor: i64,
    /// How many more changes the page may carry.
    left: i64,
    /// Whether the document's opening was written.
    opened: bool,
    /// Whether a change was written (the next one needs a comma).
    wrote_any: bool,
    /// Whether the document's closing was written.
    finished: bool,
}

impl FeedPage {
    /// The next piece of the document: the opening with the first chunk of
    /// changes, then one chunk per call, the last one with `next` and `more`;
    /// `None` once it is complete. One row beyond the chunk is read to tell
    /// whether the feed goes on.
    async fn chunk(&mut self) -> Result<Option<Vec<u8>>, PortalError> {
        if self.finished {
            return Ok(None);
        }
        let want = self.left.min(FEED_CHUNK);
        let rows: Vec<ChangeRow> = sqlx::query_as(CHANGES_QUERY)
            .bind(&self.owner)
            .bind(self.cursor)
            .bind(want + 1)
            .fetch_all(&self.state.pool)
            .await?;
        let beyond = i64::try_from(rows.len()).unwrap_or(i64::MAX) > want;
        let mut out = Vec::with_capacity(rows.len() * 320 + 64);
        if !self.opened {
            out.extend_from_slice(b"{\"changes\":[");
            self.opened = true;
        }
        for row in rows.iter().take(usize::try_from(want).unwrap_or(usize::MAX)) {
            if self.wrote_any {
                out.push(b',');
            }
            let dossier = summary_with_clock(&self.state, &row.dossier).await?;
            let change = DossierChange { cursor: u64::try_from(row.seq).unwrap_or_default(), dossier };
            serde_json::to_writer(&mut out, &change).map_err(PortalError::Corrupt)?;
            self.wrote_any = true;
            self.cursor = row.seq;
            self.left -= 1;
        }
        // The feed ended, or the page is full: `more` says whether a row
        // waits beyond what was written.
        if !beyond || self.left == 0 {
            out.extend_from_slice(format!("],\"next\":{},\"more\":{beyond}}}", self.cursor).as_bytes());
            self.finished = true;
        }
        Ok(Some(out))
    }
}

#[derive(sqlx::FromRow)]
pub struct DossierRow {
    pub code: String,
    pub client_id: String,
    pub acting_as: String,
    pub procedure_code: String,
    pub form_id: String,
    pub form_version: i64,
    pub data: String,
    pub attachments: String,
    pub status: String,
    pub submitted_at: i64,
    pub updated_at: i64,
}

/// The dossier `code` if it belongs to the caller's acting profile. Another
/// profile's dossier answers exactly like a missing one, so codes cannot be probed.
pub async fn owned(state: &AppState, caller: &Caller, code: &str) -> Result<DossierRow, PortalError> {
    let row: Option<DossierRow> = sqlx::query_as(
        "SELECT code, client_id, owner, acting_as, procedure_code, form_id, form_version, data, attachments, status,
                submitted_at, updated_at
         FROM dossier WHERE code = $1 AND owner = $2",
    )
    .bind(code)
    .bind(owner_key(caller))
    .fetch_optional(&state.pool)
    .await?;
    row.ok_or(PortalError::NotFound)
}

/// The dossier `code`, whoever it belongs to: for officers and the system.
pub async fn find(state: &AppState, code: &str) -> Result<Option<DossierRow>, PortalError> {
    Ok(sqlx::query_as(
        "SELECT code, client_id, owner, acting_as, procedure_code, form_id, form_version, data, attachments, status,
                submitted_at, updated_at
         FROM dossier WHERE code = $1",
    )
    .bind(code)
    .fetch_optional(&state.pool)
    .await?)
}

/// The summary of a stored dossier, with the due date of its legal clock.
pub async fn summary_with_clock(state: &AppState, row: &DossierRow) -> Result<DossierSummary, PortalError> {
    let mut summary = summary_of(row)?;
    let clock = deadline::clock_for(&state.pool, &row.code, &summary.procedure, summary.status, state.clock.today());
    summary.due_on = clock.await?.map(|clock| clock.due_on);
    Ok(summary)
}

pub fn summary_of(row: &DossierRow) -> Result<DossierSummary, PortalError> {
    let corrupt = |what: &str| PortalError::CorruptRecord(format!("dossier {}: {what}", row.code));
    Ok(DossierSummary {
        code: row.code.clone(),
        client_id: row.client_id.clone(),
        procedure: hoso_domain::catalogue::ProcedureCode::parse(&row.procedure_code)
            .map_err(|_| corrupt("procedure"))?,
        acting_as: serde_json::from_str(&row.acting_as).map_err(|_| corrupt("acting_as"))?,
        status: from_name::<DossierStatus>(&row.status)?,
        submitted_at: to_offset(row.submitted_at),
        updated_at: to_offset(row.updated_at),
        due_on: None,
    })
}

/// `GET /api/v1/dossiers`: the acting profile's dossiers, newest first.
#[utoipa::path(
    get,
    path = path::DOSSIERS,
    tag = "dossiers",
    params(ActingAsHeader),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The acting profile's latest dossiers (at most 500), newest first.", body = Vec<DossierSummary>),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "`X-Acting-As` names an enterprise without an active mandate.", body = ErrorEnvelope),
    )
)]
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<DossierSummary>>, PortalError> {
    let rows: Vec<DossierRow> = sqlx::query_as(
        "SELECT code, client_id, owner, acting_as, procedure_code, form_id, form_version, data, attachments, status,
                submitted_at, updated_at
         FROM dossier WHERE owner = $1 ORDER BY submitted_at DESC, code DESC LIMIT $2",
    )
    .bind(owner_key(&caller))
    .bind(MAX_PAGE)
    .fetch_all(&state.pool)
    .await?;
    let mut summaries = Vec::with_capacity(rows.len());
    for row in &rows {
        summaries.push(summary_with_clock(&state, row).await?);
    }
    Ok(Json(summaries))
}

/// `GET /api/v1/dossiers/{code}`: the dossier with its timeline.
#[utoipa::path(
    get,
    path = path::DOSSIER,
    tag = "dossiers",
    params(ActingAsHeader, ("code" = String, Path, description = "The national dossier code.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The dossier with its answers, attachments and timeline.", body = DossierDetail),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "`X-Acting-As` names an enterprise without an active mandate.", body = ErrorEnvelope),
        (status = 404, description = "No dossier with this code belongs to the acting profile (another profile's answers alike).", body = ErrorEnvelope),
    )
)]
pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
) -> Result<Json<DossierDetail>, PortalError> {
    let row = owned(&state, &caller, &code).await?;
    Ok(Json(details::detail_of(&state, &row).await?))
}

/// `POST /api/v1/dossiers/{code}/withdraw`: before intake the citizen
/// withdraws at once; after intake, withdrawal is a request the agency decides.
#[utoipa::path(
    post,
    path = path::DOSSIER_WITHDRAW,
    tag = "dossiers",
    params(ActingAsHeader, ("code" = String, Path, description = "The national dossier code.")),
    request_body = Withdraw,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Withdrawn (before intake) or withdrawal requested (after): the dossier as it now is.", body = DossierSummary),
        (status = 400, description = "The body is not JSON.", body = ErrorEnvelope),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "`X-Acting-As` names an enterprise without an active mandate.", body = ErrorEnvelope),
        (status = 404, description = "No dossier with this code belongs to the acting profile.", body = ErrorEnvelope),
        (status = 409, description = "The dossier can no longer be withdrawn, or changed meanwhile.", body = ErrorEnvelope),
        (status = 413, description = "The body is larger than 1 MiB.", body = ErrorEnvelope),
        (status = 415, description = "The body is not sent as `application/json`.", body = ErrorEnvelope),
        (status = 422, description = "No reason, a reason longer than 2000 characters, or a body of the wrong shape.", body = ErrorEnvelope),
    )
)]
pub async fn withdraw(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<Withdraw>,
) -> Result<Json<DossierSummary>, PortalError> {
    if body.reason.trim().is_empty() || body.reason.len() > 2000 {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::InvalidInput,
            "a reason of at most 2000 characters",
        ));
    }
    let row = owned(&state, &caller, &code).await?;
    let from = from_name::<DossierStatus>(&row.status)?;
    let to =
        if from == DossierStatus::Submitted { DossierStatus::Withdrawn } else { DossierStatus::WithdrawalRequested };
    let mut tx = state.pool.begin().await?;
    let moved = lifecycle::move_dossier(
        &mut tx,
        &code,
        lifecycle::Target::Status(to),
        Actor::Citizen,
        Some(body.reason.trim()),
        state.clock.now(),
    )
    .await;
    if let Err(lifecycle::MoveError::NotAllowed { .. }) = moved {
        return Err(refuse(StatusCode::CONFLICT, ErrorKind::Conflict, "the dossier can no longer be withdrawn"));
    }
    moved?;
    tx.commit().await?;
    let updated = owned(&state, &caller, &code).await?;
    Ok(Json(summary_with_clock(&state, &updated).await?))
}
