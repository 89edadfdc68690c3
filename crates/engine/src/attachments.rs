//! Attachments: checked against the procedure's required document (media
//! type, size) before anything is stored, then kept content-addressed and
//! encrypted in `<database>.attachments/`, one file per distinct content.
//! A draft holds them, or the answer to a supplement request being drafted
//! (the documents the agency asked for again).

use std::io::Write;
use std::path::PathBuf;

use crate::crypto::{self, AttachmentKeys};
use crate::local_data;
use crate::secrets::SecretStore;
use crate::store::{AttachmentRow, Holder};
use crate::{Engine, EngineError};

/// An attachment of a draft, as the UI lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub document_id: String,
    /// SHA-256 of the content, lowercase hex: what the portal is told on upload.
    pub sha256: String,
    pub media_type: String,
    pub size: u64,
    pub original_name: String,
}

/// The encrypted files and their keys.
pub(crate) struct Files {
    dir: PathBuf,
    keys: AttachmentKeys,
}

impl Files {
    pub(crate) fn open(secrets: &dyn SecretStore, dir: PathBuf) -> Result<Self, EngineError> {
        Ok(Self { dir, keys: AttachmentKeys::new(&local_data::attachment_key(secrets)?)? })
    }

    /// Writes the sealed file whole or not at all: a temporary file, synced,
    /// renamed over the final name, the directory synced.
    fn write(&self, file_name: &str, plaintext: &[u8]) -> Result<(), EngineError> {
        let sealed = self.keys.seal(file_name, plaintext)?;
        std::fs::create_dir_all(&self.dir).map_err(EngineError::Files)?;
        let temporary = self.dir.join(format!("{file_name}.partial"));
        let mut file = std::fs::File::create(&temporary).map_err(EngineError::Files)?;
        file.write_all(&sealed).and_then(|()| file.sync_all()).map_err(EngineError::Files)?;
        std::fs::rename(&temporary, self.dir.join(file_name)).map_err(EngineError::Files)?;
        sync_dir(&self.dir)
    }

    fn read(&self, file_name: &str) -> Result<Vec<u8>, EngineError> {
        let sealed = std::fs::read(self.dir.join(file_name)).map_err(EngineError::Files)?;
        self.keys.open(file_name, sealed)
    }

    pub(crate) fn remove(&self, file_names: &[String]) -> Result<(), EngineError> {
        for name in file_names {
            match std::fs::remove_file(self.dir.join(name)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(EngineError::Files(e)),
            }
        }
        Ok(())
    }
}

/// The outbox reads what it uploads straight from the encrypted files: the
/// file name follows from the content hash, so no row is needed.
impl crate::outbox::AttachmentSource for Files {
    fn bytes(&self, sha256: &str) -> std::io::Result<Option<Vec<u8>>> {
        let file_name = self.keys.file_name(sha256);
        if !self.dir.join(&file_name).exists() {
            return Ok(None);
        }
        self.read(&file_name).map(Some).map_err(|error| std::io::Error::other(error.to_string()))
    }
}

#[cfg(unix)]
fn sync_dir(dir: &std::path::Path) -> Result<(), EngineError> {
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(EngineError::Files)
}

#[cfg(not(unix))]
fn sync_dir(_dir: &std::path::Path) -> Result<(), EngineError> {
    Ok(())
}

impl Engine {
    /// The attachments this device holds, for [`Engine::send_outbox`].
    pub fn stored_attachments(&self) -> &dyn crate::outbox::AttachmentSource {
        &self.attachments
    }

    /// Attaches `bytes` to the draft's document `document_id`, after checking
    /// them against what the procedure accepts for that document. Returns
    /// the attachment with its content hash. `draft_id` may also name the
    /// answer to a supplement request ([`SupplementDraftView::draft_id`]),
    /// while it is being drafted.
    ///
    /// [`SupplementDraftView::draft_id`]: hoso_protocol::command::SupplementDraftView::draft_id
    pub async fn attach(
        &self,
        draft_id: &str,
        document_id: &str,
        original_name: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<Attachment, EngineError> {
        let subject = self.drafter().await?;
        let procedure = match Holder::parse(draft_id) {
            Holder::Draft(id) => {
                self.refuse_if_submitted(&subject, id).await?;
                self.draft(id).await?.summary.procedure.as_str().to_owned()
            }
            // Refused signed out: a supplement answer is always someone's.
            Holder::Supplement(code) => self.supplement_procedure(code).await?,
        };
        let procedure = self.procedure(&procedure).await?;
        let document = procedure.document(document_id).ok_or_else(|| {
            EngineError::InvalidInput(format!("procedure {} asks for no document {document_id}", procedure.code))
        })?;
        if !document.accepts_media_type(media_type) {
            return Err(EngineError::MediaTypeRefused {
                document: document_id.to_owned(),
                media_type: media_type.to_owned(),
            });
        }
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if size > document.max_bytes {
            return Err(EngineError::AttachmentTooLarge {
                document: document_id.to_owned(),
                max_bytes: document.max_bytes,
                size,
            });
        }
        let sha256 = crypto::sha256_hex(bytes);
        let file_name = self.attachments.keys.file_name(&sha256);
        // The file before the row: a crash in between leaves an unreferenced
        // file, never a row without its file.
        self.attachments.write(&file_name, bytes)?;
        let row = AttachmentRow {
            draft_id: draft_id.to_owned(),
            document_id: document_id.to_owned(),
            sha256,
            file_name,
            media_type: media_type.to_owned(),
            size,
            original_name: original_name.to_owned(),
        };
        self.store.insert_attachment(&subject, &row).await?;
        Ok(attachment(row))
    }

    /// The draft's attachments, by document.
    pub async fn attachments(&self, draft_id: &str) -> Result<Vec<Attachment>, EngineError> {
        Ok(self.store.attachments(&self.drafter().await?, draft_id).await?.into_iter().map(attachment).collect())
    }

    /// An attachment's content, decrypted and checked against its hash.
    pub async fn attachment_bytes(&self, draft_id: &str, sha256: &str) -> Result<Vec<u8>, EngineError> {
        let rows = self.store.attachments(&self.drafter().await?, draft_id).await?;
        let row = rows
            .iter()
            .find(|r| r.sha256 == sha256)
            .ok_or_else(|| EngineError::NotFound { what: "attachment", id: sha256.to_owned() })?;
        let bytes = self.attachments.read(&row.file_name)?;
        if crypto::sha256_hex(&bytes) != row.sha256 {
            return Err(EngineError::CannotDecrypt);
        }
        Ok(bytes)
    }
}

fn attachment(row: AttachmentRow) -> Attachment {
    Attachment {
        document_id: row.document_id,
        sha256: row.sha256,
        media_type: row.media_type,
        size: row.size,
        original_name: row.original_name,
    }
}
