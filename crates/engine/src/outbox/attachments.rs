//! Where the sender reads attachment bytes from, by content hash. The engine's
//! attachment store implements it; a map in memory serves tests and scripts.

use std::collections::HashMap;

/// Attachment bytes by lowercase hex SHA-256; `Ok(None)` when not held.
pub trait AttachmentSource: Send + Sync {
    fn bytes(&self, sha256: &str) -> std::io::Result<Option<Vec<u8>>>;
}

/// Attachments held in memory.
#[derive(Debug, Default)]
pub struct MemoryAttachments(HashMap<String, Vec<u8>>);

impl MemoryAttachments {
    /// Adds `bytes` and returns their SHA-256 (lowercase hex).
    pub fn insert(&mut self, bytes: Vec<u8>) -> String {
        let sha256 = sha256_hex(&bytes);
        self.0.insert(sha256.clone(), bytes);
        sha256
    }
}

impl AttachmentSource for MemoryAttachments {
    fn bytes(&self, sha256: &str) -> std::io::Result<Option<Vec<u8>>> {
        Ok(self.0.get(sha256).cloned())
    }
}

/// Bytes from `first`, else from `then`: what a caller hands the sender
/// (a bulk file's scans, say), backed by what the device keeps encrypted, so
/// an item queued earlier never fails for want of its bytes.
pub(crate) struct Either<'a> {
    pub first: &'a dyn AttachmentSource,
    pub then: &'a dyn AttachmentSource,
}

impl AttachmentSource for Either<'_> {
    fn bytes(&self, sha256: &str) -> std::io::Result<Option<Vec<u8>>> {
        match self.first.bytes(sha256)? {
            Some(bytes) => Ok(Some(bytes)),
            None => self.then.bytes(sha256),
        }
    }
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
