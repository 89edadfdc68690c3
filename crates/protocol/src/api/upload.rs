//! Resumable attachment uploads, with tus 1.0 core semantics: a client
//! creates an upload for a content hash and size, asks (`HEAD`) how far it
//! got, and appends (`PATCH`) from that offset. Uploads are addressed by their
//! SHA-256, so the same scan is stored once and an interrupted upload resumes.
//! A contract with the portal.

use serde::{Deserialize, Serialize};

/// The tus protocol version spoken (`Tus-Resumable` header).
pub const TUS_VERSION: &str = "1.0.0";
/// Headers of tus 1.0 core and its creation and checksum extensions.
pub mod header {
    pub const TUS_RESUMABLE: &str = "Tus-Resumable";
    pub const UPLOAD_OFFSET: &str = "Upload-Offset";
    pub const UPLOAD_LENGTH: &str = "Upload-Length";
    pub const UPLOAD_METADATA: &str = "Upload-Metadata";
    pub const UPLOAD_CHECKSUM: &str = "Upload-Checksum";
}

/// Body of the creation request, mirrored in `Upload-Metadata` for tus clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUpload {
    /// Lowercase hex SHA-256 of the whole file.
    pub sha256: String,
    pub bytes: u64,
    pub media_type: String,
    /// The file name the citizen picked, for display only.
    pub name: String,
}

/// Where an upload stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadStatus {
    pub sha256: String,
    pub bytes: u64,
    /// How many bytes the portal holds; the next `PATCH` starts here.
    pub offset: u64,
    /// True once every byte arrived and the hash matched; only then can a
    /// dossier reference it.
    pub complete: bool,
}

/// An attachment as a dossier references it: a complete upload bound to one
/// of the procedure's required documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentRef {
    /// The required document's id within the procedure.
    pub document: String,
    pub sha256: String,
    pub bytes: u64,
    pub media_type: String,
    pub name: String,
}
