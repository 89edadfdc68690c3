//! Attachments of a bulk row: a cell under `/attachments/<document>` names a
//! file (relative to the input file's folder), since a cell cannot hold one.
//! The file becomes the attachment answer (hash, type, size, name) and an
//! upload the sender sends before the dossier.

use std::path::Path;

use hoso_protocol::api::upload::AttachmentRef;

use crate::{EngineError, crypto};

/// The media type the portal will be told, from the file's extension.
fn media_type(path: &Path) -> Option<&'static str> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "pdf" => Some("application/pdf"),
        "jpg" | "jpeg" => Some("image/jpeg"),
        "png" => Some("image/png"),
        _ => None,
    }
}

/// The document id when `pointer` is one attachment answer's cell.
pub(crate) fn document_of(pointer: &str) -> Option<&str> {
    pointer.strip_prefix("/attachments/").filter(|doc| !doc.is_empty() && !doc.contains('/'))
}

/// Reads the file a cell names: its attachment reference and bytes.
pub(crate) fn attachment(folder: &Path, document: &str, cell: &str) -> Result<(AttachmentRef, Vec<u8>), EngineError> {
    let path = folder.join(cell.trim());
    let bytes = std::fs::read(&path).map_err(|e| EngineError::InvalidInput(format!("{}: {e}", path.display())))?;
    let media_type = media_type(&path)
        .ok_or_else(|| EngineError::InvalidInput(format!("{}: not a PDF, JPEG or PNG file", path.display())))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or(document).to_owned();
    let reference = AttachmentRef {
        document: document.to_owned(),
        sha256: crypto::sha256_hex(&bytes),
        bytes: bytes.len() as u64,
        media_type: media_type.to_owned(),
        name,
    };
    Ok((reference, bytes))
}

/// The answer the form expects for an attachment.
pub(crate) fn answer(reference: &AttachmentRef) -> serde_json::Value {
    serde_json::json!({
        "sha256": reference.sha256,
        "media_type": reference.media_type,
        "bytes": reference.bytes,
        "name": reference.name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_cell_directly_under_attachments_names_a_file() {
        assert_eq!(document_of("/attachments/quyet-dinh"), Some("quyet-dinh"));
        assert_eq!(document_of("/attachments/quyet-dinh/sha256"), None);
        assert_eq!(document_of("/filer/full_name"), None);
    }

    #[test]
    fn a_named_file_becomes_its_hash_type_size_and_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("qd.PDF"), b"%PDF-1.4").unwrap();
        let (reference, bytes) = attachment(dir.path(), "quyet-dinh", " qd.PDF ").unwrap();
        assert_eq!(bytes, b"%PDF-1.4");
        assert_eq!(reference.sha256, crypto::sha256_hex(b"%PDF-1.4"));
        assert_eq!(
            (reference.bytes, reference.media_type.as_str(), reference.name.as_str()),
            (8, "application/pdf", "qd.PDF")
        );
    }

    #[test]
    fn a_file_of_another_type_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.exe"), b"MZ").unwrap();
        assert!(matches!(attachment(dir.path(), "x", "a.exe"), Err(EngineError::InvalidInput(_))));
    }
}
