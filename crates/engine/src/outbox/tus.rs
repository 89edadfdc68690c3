//! One attachment's resumable upload (tus 1.0 with creation and checksum):
//! `HEAD` asks the portal how far it got, `POST` creates the upload when it
//! has none, and each `PATCH` sends the next chunk from the portal's offset
//! with its `Upload-Checksum`. The portal's offset, not a local note, decides
//! where to carry on, so nothing is sent twice and nothing is skipped.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hoso_protocol::api::path;
use hoso_protocol::api::upload::{AttachmentRef, TUS_VERSION, header};
use reqwest::{Response, StatusCode};
use sha2::Digest;

use super::sender::{Failure, Request};

/// The most one `PATCH` carries; the portal takes up to 4 MiB.
pub(crate) const CHUNK: usize = 1024 * 1024;

fn offset_of(response: &Response) -> Result<u64, Failure> {
    response
        .headers()
        .get(header::UPLOAD_OFFSET)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| Failure::contract("a tus answer without Upload-Offset"))
}

/// How many bytes of `attachment` the portal holds, creating the upload if it
/// has none yet.
pub(crate) async fn offset(request: &Request<'_>, attachment: &AttachmentRef, procedure: &str) -> Result<u64, Failure> {
    let at = format!("{}/{}", path::UPLOADS, attachment.sha256);
    let head =
        request.send(request.client().head(request.url(&at)?).header(header::TUS_RESUMABLE, TUS_VERSION)).await?;
    if head.status() == StatusCode::OK {
        return offset_of(&head);
    }
    if head.status() != StatusCode::NOT_FOUND {
        return Err(Failure::from_response(head).await);
    }
    let b64 = |text: &str| STANDARD.encode(text.as_bytes());
    let metadata = format!(
        "sha256 {},media_type {},name {},procedure {},document {}",
        b64(&attachment.sha256),
        b64(&attachment.media_type),
        b64(&attachment.name),
        b64(procedure),
        b64(&attachment.document)
    );
    let create = request.client().post(request.url(path::UPLOADS)?);
    let created = request
        .send(
            create
                .header(header::TUS_RESUMABLE, TUS_VERSION)
                .header(header::UPLOAD_LENGTH, attachment.bytes.to_string())
                .header(header::UPLOAD_METADATA, metadata),
        )
        .await?;
    if created.status() != StatusCode::CREATED {
        return Err(Failure::from_response(created).await);
    }
    offset_of(&created)
}

/// Sends the chunk of `bytes` that starts at `offset`; answers the portal's
/// new offset.
pub(crate) async fn patch(request: &Request<'_>, sha256: &str, bytes: &[u8], offset: u64) -> Result<u64, Failure> {
    let start = usize::try_from(offset).unwrap_or(usize::MAX).min(bytes.len());
    let chunk = &bytes[start..bytes.len().min(start.saturating_add(CHUNK))];
    let checksum = STANDARD.encode(sha2::Sha256::digest(chunk));
    let url = request.url(&format!("{}/{sha256}", path::UPLOADS))?;
    let answer = request
        .send(
            request
                .client()
                .patch(url)
                .header(header::TUS_RESUMABLE, TUS_VERSION)
                .header("content-type", "application/offset+octet-stream")
                .header(header::UPLOAD_OFFSET, offset.to_string())
                .header(header::UPLOAD_CHECKSUM, format!("sha256 {checksum}"))
                .body(chunk.to_vec()),
        )
        .await?;
    if answer.status() != StatusCode::NO_CONTENT {
        return Err(Failure::from_response(answer).await);
    }
    offset_of(&answer)
}
