//! Attachment uploads with tus 1.0 core semantics plus its creation and
//! checksum extensions: `POST` creates an upload for a declared SHA-256 and
//! length, `HEAD` says how far it got, `PATCH` appends from exactly that
//! offset. A connection that drops loses nothing already acknowledged; the
//! client asks for the offset and carries on. The declared hash is checked
//! when the last byte arrives, and only then is the upload complete — the only
//! state a dossier may reference.
//!
//! Limits come from the procedure's required document: accepted media types
//! and the largest size, checked before a single byte is stored; a `PATCH`
//! body is read only up to what the upload still lacks.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hoso_domain::catalogue::ProcedureCode;
use hoso_protocol::api::path;
use hoso_protocol::api::upload::{TUS_VERSION, header};
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use sha2::{Digest, Sha256};

use crate::caller::{ActingAsHeader, Caller};
use crate::http::AppState;
use crate::{PortalError, catalogue, unix_seconds};

/// The most one `PATCH` may carry; clients send large files in several.
pub const MAX_CHUNK: u64 = 4 * 1024 * 1024;

fn refuse(status: StatusCode, kind: ErrorKind, message: &'static str) -> PortalError {
    PortalError::Refused { status, kind, message }
}

/// The `Tus-Resumable` header every tus request but `OPTIONS` must carry.
fn require_tus(headers: &HeaderMap) -> Result<(), PortalError> {
    if headers.get(header::TUS_RESUMABLE).and_then(|v| v.to_str().ok()) != Some(TUS_VERSION) {
        return Err(refuse(StatusCode::PRECONDITION_FAILED, ErrorKind::InvalidInput, "Tus-Resumable: 1.0.0 required"));
    }
    Ok(())
}

fn tus_headers(offset: i64, length: i64) -> [(&'static str, HeaderValue); 4] {
    [
        (header::TUS_RESUMABLE, HeaderValue::from_static(TUS_VERSION)),
        (header::UPLOAD_OFFSET, offset.into()),
        (header::UPLOAD_LENGTH, length.into()),
        ("cache-control", HeaderValue::from_static("no-store")),
    ]
}

/// `Upload-Metadata`: comma-separated `key base64(value)` pairs.
fn metadata(headers: &HeaderMap, key: &str) -> Option<String> {
    let text = headers.get(header::UPLOAD_METADATA)?.to_str().ok()?;
    text.split(',').find_map(|pair| {
        let (name, value) = pair.trim().split_once(' ')?;
        (name == key).then(|| STANDARD.decode(value).ok().and_then(|v| String::from_utf8(v).ok()))?
    })
}

fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Creates an upload (tus creation), or answers where an existing upload of
/// the same content by the same person stands.
#[utoipa::path(
    post,
    path = path::UPLOADS,
    tag = "uploads",
    params(
        ActingAsHeader,
        ("Tus-Resumable" = String, Header, description = "Must be `1.0.0`.", example = "1.0.0"),
        ("Upload-Length" = u64, Header, description = "The whole file's length in bytes; at most the document's `max_bytes`."),
        ("Upload-Metadata" = String, Header, description = "Comma-separated `key base64(value)` pairs: `sha256` (lowercase hex of the whole file), \
            `media_type`, `name` (1 to 255 bytes), `procedure` (its code) and `document` (the required document's id)."),
    ),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created, or already there: the headers say where it stands.",
         headers(
            ("Location" = String, description = "`/api/v1/uploads/{sha256}`, where `HEAD` and `PATCH` go."),
            ("Tus-Resumable" = String, description = "`1.0.0`"),
            ("Upload-Offset" = u64, description = "How many bytes the portal holds; the next `PATCH` starts here."),
            ("Upload-Length" = u64, description = "The declared length."),
            ("Cache-Control" = String, description = "`no-store`"),
         )),
        (status = 400, description = "A missing or malformed `Upload-Length` or metadata, or an unknown procedure or document.", body = ErrorEnvelope),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "`X-Acting-As` names an enterprise without an active mandate.", body = ErrorEnvelope),
        (status = 409, description = "This content was declared before with another length.", body = ErrorEnvelope),
        (status = 412, description = "`Tus-Resumable: 1.0.0` is missing.", body = ErrorEnvelope),
        (status = 413, description = "Larger than the required document allows.", body = ErrorEnvelope),
        (status = 415, description = "A media type the required document does not accept.", body = ErrorEnvelope),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Response, PortalError> {
    require_tus(&headers)?;
    let invalid = |message| refuse(StatusCode::BAD_REQUEST, ErrorKind::InvalidInput, message);
    let length: i64 = headers
        .get(header::UPLOAD_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .ok_or(invalid("Upload-Length must be a positive number"))?;
    let sha256 = metadata(&headers, "sha256").filter(|h| is_sha256_hex(h)).ok_or(invalid("metadata sha256"))?;
    let media_type = metadata(&headers, "media_type").ok_or(invalid("metadata media_type"))?;
    let name =
        metadata(&headers, "name").filter(|n| !n.is_empty() && n.len() <= 255).ok_or(invalid("metadata name"))?;
    let procedure = metadata(&headers, "procedure")
        .and_then(|p| ProcedureCode::parse(&p).ok())
        .ok_or(invalid("metadata procedure"))?;
    let document_id = metadata(&headers, "document").ok_or(invalid("metadata document"))?;

    let procedure = catalogue::procedure(&state.pool, &procedure).await?.ok_or(invalid("unknown procedure"))?;
    let document = procedure.document(&document_id).ok_or(invalid("unknown document for this procedure"))?;
    if !document.accepts_media_type(&media_type) {
        return Err(refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorKind::InvalidInput, "media type not accepted"));
    }
    if u64::try_from(length).unwrap_or(u64::MAX) > document.max_bytes {
        return Err(refuse(StatusCode::PAYLOAD_TOO_LARGE, ErrorKind::TooLarge, "larger than this document allows"));
    }
    // Creating the same content again is not an error: it answers with where
    // the existing upload stands, which is how an app resumes after a restart.
    sqlx::query(
        "INSERT INTO upload (owner, sha256, length, upload_offset, complete, media_type, name, procedure_code, document,
                             created_at)
         VALUES ($1, $2, $3, 0, 0, $4, $5, $6, $7, $8)
         ON CONFLICT (owner, sha256) DO NOTHING",
    )
    .bind(caller.subject())
    .bind(&sha256)
    .bind(length)
    .bind(&media_type)
    .bind(&name)
    .bind(procedure.code.as_str())
    .bind(&document_id)
    .bind(unix_seconds())
    .execute(&state.pool)
    .await?;
    let (offset, stored_length) = position(&state, &caller, &sha256).await?.ok_or(PortalError::NotFound)?;
    if stored_length != length {
        return Err(refuse(StatusCode::CONFLICT, ErrorKind::Conflict, "this content was declared with another length"));
    }
    let location = format!("{}/{sha256}", hoso_protocol::api::path::UPLOADS);
    let mut response = (StatusCode::CREATED, tus_headers(offset, length)).into_response();
    response.headers_mut().insert("location", HeaderValue::from_str(&location).expect("ASCII path"));
    Ok(response)
}

async fn position(state: &AppState, caller: &Caller, sha256: &str) -> Result<Option<(i64, i64)>, PortalError> {
    Ok(sqlx::query_as("SELECT upload_offset, length FROM upload WHERE owner = $1 AND sha256 = $2")
        .bind(caller.subject())
        .bind(sha256)
        .fetch_optional(&state.pool)
        .await?)
}

/// How far an upload got (tus `HEAD`): the offset to resume from.
#[utoipa::path(
    head,
    path = path::UPLOAD,
    tag = "uploads",
    params(ActingAsHeader, ("sha256" = String, Path, description = "The lowercase hex SHA-256 the upload was created with."), ("Tus-Resumable" = String, Header, description = "Must be `1.0.0`.", example = "1.0.0")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Where the upload stands; no body.", headers(
            ("Tus-Resumable" = String, description = "`1.0.0`"),
            ("Upload-Offset" = u64, description = "How many bytes the portal holds; the next `PATCH` starts here."),
            ("Upload-Length" = u64, description = "The declared length."),
            ("Cache-Control" = String, description = "`no-store`"),
        )),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "`X-Acting-As` names an enterprise without an active mandate.", body = ErrorEnvelope),
        (status = 404, description = "The caller has no upload of this content.", body = ErrorEnvelope),
        (status = 412, description = "`Tus-Resumable: 1.0.0` is missing.", body = ErrorEnvelope),
    )
)]
pub async fn head(
    State(state): State<AppState>,
    caller: Caller,
    Path(sha256): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PortalError> {
    require_tus(&headers)?;
    let (offset, length) = position(&state, &caller, &sha256).await?.ok_or(PortalError::NotFound)?;
    Ok((StatusCode::OK, tus_headers(offset, length)).into_response())
}

/// Appends a chunk at exactly the offset the portal holds (tus `PATCH`); the
/// last chunk completes the upload if the bytes hash to the declared SHA-256.
#[utoipa::path(
    patch,
    path = path::UPLOAD,
    tag = "uploads",
    params(
        ActingAsHeader,
        ("sha256" = String, Path, description = "The lowercase hex SHA-256 the upload was created with."),
        ("Tus-Resumable" = String, Header, description = "Must be `1.0.0`.", example = "1.0.0"),
        ("Upload-Offset" = u64, Header, description = "Where this chunk starts: the offset the portal holds."),
        ("Upload-Checksum" = Option<String>, Header, nullable = false, description = "`sha256 <base64 of the chunk's SHA-256>`; a mismatch stores nothing."),
    ),
    request_body(
        content(("application/offset+octet-stream")),
        description = "The next bytes, at most 4 MiB and no more than the upload still lacks.",
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Stored; complete once `Upload-Offset` equals `Upload-Length`.", headers(
            ("Tus-Resumable" = String, description = "`1.0.0`"),
            ("Upload-Offset" = u64, description = "How many bytes the portal holds; the next `PATCH` starts here."),
            ("Upload-Length" = u64, description = "The declared length."),
            ("Cache-Control" = String, description = "`no-store`"),
        )),
        (status = 400, description = "`Upload-Offset` is missing, or the checksum is not `sha256`.", body = ErrorEnvelope),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "`X-Acting-As` names an enterprise without an active mandate.", body = ErrorEnvelope),
        (status = 404, description = "The caller has no upload of this content.", body = ErrorEnvelope),
        (status = 409, description = "`Upload-Offset` is not where the upload stands, or the complete bytes do not hash to the declared SHA-256 (the upload starts over).", body = ErrorEnvelope),
        (status = 412, description = "`Tus-Resumable: 1.0.0` is missing.", body = ErrorEnvelope),
        (status = 413, description = "More bytes than the upload lacks, or than one chunk may carry.", body = ErrorEnvelope),
        (status = 415, description = "The body is not sent as `application/offset+octet-stream`.", body = ErrorEnvelope),
        (status = 460, description = "The chunk does not match its `Upload-Checksum` (tus checksum extension).", body = ErrorEnvelope),
    )
)]
pub async fn patch(
    State(state): State<AppState>,
    caller: Caller,
    Path(sha256): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, PortalError> {
    require_tus(&headers)?;
    if headers.get("content-type").and_then(|v| v.to_str().ok()) != Some("application/offset+octet-stream") {
        return Err(refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorKind::InvalidInput,
            "application/offset+octet-stream",
        ));
    }
    let claimed: i64 = headers
        .get(header::UPLOAD_OFFSET)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or(refuse(StatusCode::BAD_REQUEST, ErrorKind::InvalidInput, "Upload-Offset required"))?;
    let (offset, length) = position(&state, &caller, &sha256).await?.ok_or(PortalError::NotFound)?;
    if claimed != offset {
        return Err(refuse(StatusCode::CONFLICT, ErrorKind::Conflict, "Upload-Offset is not where the upload stands"));
    }
    // Read no more than the upload still lacks (and one chunk at most):
    // anything longer is refused without being read to its end.
    let remaining = u64::try_from(length - offset).unwrap_or(0).min(MAX_CHUNK);
    let limit = usize::try_from(remaining).unwrap_or(usize::MAX);
    let chunk = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| refuse(StatusCode::PAYLOAD_TOO_LARGE, ErrorKind::TooLarge, "more bytes than the upload lacks"))?;
    if let Some(expected) = headers.get(header::UPLOAD_CHECKSUM).and_then(|v| v.to_str().ok()) {
        let Some(("sha256", expected)) = expected.split_once(' ') else {
            return Err(refuse(
                StatusCode::BAD_REQUEST,
                ErrorKind::InvalidInput,
                "only sha256 checksums are supported",
            ));
        };
        if STANDARD.encode(Sha256::digest(&chunk)) != expected {
            let mismatch = StatusCode::from_u16(460).expect("a valid status code");
            return Err(refuse(mismatch, ErrorKind::InvalidInput, "chunk checksum mismatch"));
        }
    }
    let added = i64::try_from(chunk.len()).unwrap_or(i64::MAX);
    let mut tx = state.pool.begin().await?;
    // Moving the offset only from where it was is one statement, so two
    // racing PATCHes at one offset cannot both append.
    let moved: Option<i64> = sqlx::query_scalar(
        "UPDATE upload SET upload_offset = upload_offset + $1
         WHERE owner = $2 AND sha256 = $3 AND upload_offset = $4 AND complete = 0 RETURNING upload_offset",
    )
    .bind(added)
    .bind(caller.subject())
    .bind(&sha256)
    .bind(offset)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(new_offset) = moved else {
        return Err(refuse(StatusCode::CONFLICT, ErrorKind::Conflict, "Upload-Offset is not where the upload stands"));
    };
    sqlx::query("INSERT INTO upload_chunk (owner, sha256, chunk_offset, data) VALUES ($1, $2, $3, $4)")
        .bind(caller.subject())
        .bind(&sha256)
        .bind(offset)
        .bind(chunk.to_vec())
        .execute(&mut *tx)
        .await?;
    if new_offset == length {
        let chunks: Vec<Vec<u8>> =
            sqlx::query_scalar("SELECT data FROM upload_chunk WHERE owner = $1 AND sha256 = $2 ORDER BY chunk_offset")
                .bind(caller.subject())
                .bind(&sha256)
                .fetch_all(&mut *tx)
                .await?;
        let mut hasher = Sha256::new();
        chunks.iter().for_each(|c| hasher.update(c));
        let actual: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
        if actual != sha256 {
            // The bytes are not the declared content: start over rather than
            // keep something a dossier could wrongly reference.
            sqlx::query("DELETE FROM upload_chunk WHERE owner = $1 AND sha256 = $2")
                .bind(caller.subject())
                .bind(&sha256)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE upload SET upload_offset = 0 WHERE owner = $1 AND sha256 = $2")
                .bind(caller.subject())
                .bind(&sha256)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            return Err(refuse(StatusCode::CONFLICT, ErrorKind::Conflict, "content does not match its SHA-256"));
        }
        sqlx::query("UPDATE upload SET complete = 1 WHERE owner = $1 AND sha256 = $2")
            .bind(caller.subject())
            .bind(&sha256)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    for (name, value) in tus_headers(new_offset, length) {
        response.headers_mut().insert(name, value);
    }
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
