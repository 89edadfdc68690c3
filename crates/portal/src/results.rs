//! The result document: an officer issues it (the file's bytes, its name and
//! media type, bounded in size and stored with its SHA-256) in the same
//! transaction as the move to "result ready", and the owning profile
//! downloads it. Another profile's request answers like a missing dossier.
//! Issuing is [`issue_result`], free of HTTP, shared by the officer API and
//! the back-office pages.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, ETAG, IF_NONE_MATCH, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hoso_domain::dossier::{Actor, DossierStatus};
use hoso_protocol::api::dossier::DossierSummary;
use hoso_protocol::api::path;
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::PortalError;
use crate::caller::{ActingAsHeader, Caller};
use crate::dossiers::{self, owned, refuse};
use crate::http::AppState;
use crate::lifecycle::{self, Target};
use crate::office::Officer;

/// The largest result document.
pub const MAX_RESULT_BYTES: usize = 20 * 1024 * 1024;
/// The media types a result may have: what agencies issue.
pub const RESULT_MEDIA_TYPES: [&str; 4] = ["application/pdf", "image/png", "image/jpeg", "application/xml"];

/// The query of issuing a result.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultQuery {
    /// The file name the citizen's download offers: 1 to 200 characters, no
    /// path separators or control characters, no surrounding spaces.
    name: String,
}

/// Whether `name` is fit to offer as a file name: 1–200 characters, no
/// control characters or path separators.
fn acceptable_name(name: &str) -> bool {
    let length = name.chars().count();
    (1..=200).contains(&length) && !name.chars().any(|c| c.is_control() || c == '/' || c == '\\') && name.trim() == name
}

/// `POST /api/v1/office/dossiers/{code}/result?name=FILE`: issue the result.
#[utoipa::path(
    post,
    path = path::OFFICE_RESULT,
    operation_id = "issue_result",
    tag = "office",
    params(("code" = String, Path, description = "The national dossier code."), ResultQuery),
    request_body(
        content(("application/pdf"), ("image/png"), ("image/jpeg"), ("application/xml")),
        description = "The result document's bytes, at most 20 MiB; `Content-Type` is its media type.",
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Issued: the dossier, now \"result ready\".", body = DossierSummary),
        (status = 400, description = "No `name` in the query, or the bytes could not be read.", body = ErrorEnvelope),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "The caller does not hold the officer role.", body = ErrorEnvelope),
        (status = 404, description = "No such dossier.", body = ErrorEnvelope),
        (status = 409, description = "The lifecycle does not allow a result from the dossier's current status.", body = ErrorEnvelope),
        (status = 413, description = "The document is larger than 20 MiB.", body = ErrorEnvelope),
        (status = 415, description = "Not a result media type (PDF, PNG, JPEG or XML).", body = ErrorEnvelope),
        (status = 422, description = "A file name that is not acceptable, or no bytes.", body = ErrorEnvelope),
    )
)]
pub async fn issue(
    State(state): State<AppState>,
    _officer: Officer,
    Path(code): Path<String>,
    query: Result<Query<ResultQuery>, QueryRejection>,
    headers: HeaderMap,
    content: Result<Bytes, BytesRejection>,
) -> Result<Json<DossierSummary>, PortalError> {
    // Refused as the envelope, like every other API v1 failure, not axum's text.
    let Query(ResultQuery { name }) =
        query.map_err(|_| refuse(StatusCode::BAD_REQUEST, ErrorKind::InvalidInput, "name the result's file"))?;
    let content = content.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            refuse(StatusCode::PAYLOAD_TOO_LARGE, ErrorKind::TooLarge, "a result is at most 20 MiB")
        }
        _ => refuse(StatusCode::BAD_REQUEST, ErrorKind::InvalidInput, "the result's bytes could not be read"),
    })?;
    let media_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    Ok(Json(issue_result(&state, &code, &name, media_type, &content).await?))
}

/// Issues `content` as dossier `code`'s result, named `name`, of
/// `media_type`, whoever asks for it (the API or the back-office pages): the
/// type, name and size are checked, then the move to "result ready" and the
/// stored file commit together. Answers the dossier's new summary.
pub async fn issue_result(
    state: &AppState,
    code: &str,
    name: &str,
    media_type: &str,
    content: &[u8],
) -> Result<DossierSummary, PortalError> {
    if !RESULT_MEDIA_TYPES.contains(&media_type) {
        return Err(refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorKind::InvalidInput, "not a result media type"));
    }
    if content.len() > MAX_RESULT_BYTES {
        return Err(refuse(StatusCode::PAYLOAD_TOO_LARGE, ErrorKind::TooLarge, "a result is at most 20 MiB"));
    }
    if !acceptable_name(name) || content.is_empty() {
        return Err(refuse(StatusCode::UNPROCESSABLE_ENTITY, ErrorKind::InvalidInput, "a file name and some bytes"));
    }
    let sha256: String = Sha256::digest(content).iter().map(|b| format!("{b:02x}")).collect();
    let now = state.clock.now();
    let mut tx = state.pool.begin().await?;
    lifecycle::move_dossier(&mut tx, code, Target::Status(DossierStatus::ResultReady), Actor::Officer, None, now)
        .await?;
    sqlx::query(
        "INSERT INTO dossier_result (code, name, media_type, content, sha256, issued_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(code)
    .bind(name)
    .bind(media_type)
    .bind(content.to_vec())
    .bind(&sha256)
    .bind(now.unix_timestamp())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let row = dossiers::find(state, code).await?.ok_or(PortalError::NotFound)?;
    dossiers::summary_with_clock(state, &row).await
}

/// `GET /api/v1/dossiers/{code}/result`: the result's bytes, for the owner.
#[utoipa::path(
    get,
    path = path::DOSSIER_RESULT,
    operation_id = "download_result",
    tag = "dossiers",
    params(
        ActingAsHeader,
        ("code" = String, Path, description = "The national dossier code."),
        ("If-None-Match" = Option<String>, Header, nullable = false, description = "The entity tag of the result the client holds."),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The result document's bytes, in its media type.",
         content(("application/pdf"), ("image/png"), ("image/jpeg"), ("application/xml")),
         headers(
            ("Content-Disposition" = String, description = "`attachment` with the file name, in ASCII and in UTF-8 (`filename*`)."),
            ("ETag" = String, description = "The document's SHA-256 in lowercase hex, quoted."),
            ("Cache-Control" = String, description = "`private, no-cache`"),
         )),
        (status = 304, description = "The client's copy is current.",
         headers(("ETag" = String, description = "The document's SHA-256 in lowercase hex, quoted."))),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "`X-Acting-As` names an enterprise without an active mandate.", body = ErrorEnvelope),
        (status = 404, description = "No dossier with this code belongs to the acting profile, or it has no result yet.", body = ErrorEnvelope),
    )
)]
pub async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PortalError> {
    owned(&state, &caller, &code).await?;
    let tag: Option<String> = sqlx::query_scalar("SELECT sha256 FROM dossier_result WHERE code = $1")
        .bind(&code)
        .fetch_optional(&state.pool)
        .await?;
    let etag = format!("\"{}\"", tag.ok_or(PortalError::NotFound)?);
    let etag_header =
        HeaderValue::from_str(&etag).map_err(|_| PortalError::CorruptRecord(format!("{code}: sha256")))?;
    if headers.get_all(IF_NONE_MATCH).iter().any(|tag| tag == etag_header || tag == "*") {
        return Ok((StatusCode::NOT_MODIFIED, [(ETAG, etag_header)]).into_response());
    }
    let (name, media_type, content): (String, String, Vec<u8>) =
        sqlx::query_as("SELECT name, media_type, content FROM dossier_result WHERE code = $1")
            .bind(&code)
            .fetch_one(&state.pool)
            .await?;
    let disposition = HeaderValue::from_str(&content_disposition(&name))
        .map_err(|_| PortalError::CorruptRecord(format!("{code}: result name")))?;
    let media_type =
        HeaderValue::from_str(&media_type).map_err(|_| PortalError::CorruptRecord(format!("{code}: media type")))?;
    let headers = [
        (CONTENT_TYPE, media_type),
        (CONTENT_DISPOSITION, disposition),
        (ETAG, etag_header),
        (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (CACHE_CONTROL, HeaderValue::from_static("private, no-cache")),
    ];
    Ok((headers, content).into_response())
}

/// `attachment` with an ASCII fallback name and the exact name in UTF-8
/// (RFC 6266 with RFC 8187's `filename*`), since result names are Vietnamese.
fn content_disposition(name: &str) -> String {
    let fallback: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let mut encoded = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vietnamese_name_is_offered_in_utf8_with_an_ascii_fallback() {
        assert_eq!(
            content_disposition("Giấy khai sinh.pdf"),
            "attachment; filename=\"Gi_y khai sinh.pdf\"; filename*=UTF-8''Gi%E1%BA%A5y%20khai%20sinh.pdf"
        );
        assert_eq!(content_disposition("a\"b.pdf"), "attachment; filename=\"a_b.pdf\"; filename*=UTF-8''a%22b.pdf");
    }

    #[test]
    fn names_with_paths_or_control_characters_are_refused() {
        assert!(acceptable_name("giay-khai-sinh.pdf"));
        for name in ["", "../etc/passwd", "a\\b.pdf", "line\nbreak.pdf", " padded.pdf"] {
            assert!(!acceptable_name(name), "{name:?}");
        }
    }
}
