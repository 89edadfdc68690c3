//! Bulk filing: a JSON, CSV or XLSX file judged row by row with the one form
//! validator (`validate_file`), and its valid rows filed through the outbox
//! (`bulk_submit`). Each row's client id — the portal's idempotency key — is
//! derived from the file's hash and the row's number, and kept in the outbox,
//! so filing the same file again files nothing twice.

mod convert;
mod files;
mod read;
mod report;

use std::path::Path;

use hoso_domain::catalogue::{FormRef, Procedure};
use hoso_domain::form::{FieldError, FormValidator};
use hoso_domain::profile::ActingAs;
use hoso_protocol::api::upload::AttachmentRef;
use hoso_protocol::command::OutboxState;
use hoso_protocol::error::ErrorEnvelope;
use serde_json::Value;

pub use report::report_csv;

use crate::outbox::{MemoryAttachments, NewSubmission, QueueOutcome};
use crate::{Engine, EngineError, crypto};

/// One row judged: its answers as the schema typed them, and every error.
#[derive(Debug, Clone, PartialEq)]
pub struct RowCheck {
    /// 1 for the first row under the header (or the one object of a JSON file).
    pub row: usize,
    pub answers: Value,
    pub errors: Vec<FieldError>,
}

/// A judged row with the files its attachment cells named, for the sender.
struct Checked {
    check: RowCheck,
    uploads: Vec<(AttachmentRef, Vec<u8>)>,
}

/// Where a row of a bulk filing stands.
#[derive(Debug, Clone, PartialEq)]
pub enum RowStatus {
    /// Not filed: the form validator's errors.
    Invalid(Vec<FieldError>),
    /// Acknowledged by the portal under this dossier code.
    Filed(String),
    /// Queued; the outbox sends it when it can (offline, portal busy).
    Waiting,
    /// The portal refused it.
    Refused(ErrorEnvelope),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RowResult {
    pub row: usize,
    pub status: RowStatus,
}

/// What a bulk filing did.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkReport {
    pub rows: Vec<RowResult>,
    /// Rows queued by this run; rows of an earlier run of the same file are
    /// not queued again.
    pub queued: usize,
}

/// The client id of `row` of a file: the same file, procedure and profile
/// give the same id, so the outbox (and the portal) recognise a re-run.
fn row_client_id(file_sha256: &str, procedure: &str, acting_as: &ActingAs, row: usize) -> String {
    let acting = match acting_as {
        ActingAs::Myself => "myself",
        ActingAs::Enterprise(tax_code) => tax_code.as_str(),
    };
    crypto::sha256_hex(format!("{file_sha256}/{procedure}/{acting}/{row}").as_bytes())[..32].to_owned()
}

/// The field error of an attachment cell that names a file, in a file sent
/// as bytes: there is no folder to read it from.
pub use hoso_domain::form::FILE_BESIDE_INPUT;

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn folder(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// The attachments a row's submission lists: the files its cells named, and
/// every other attachment answer (a scan already on the device or at the
/// portal, named by its hash), so the portal finds each answer listed.
fn references(answers: &Value, uploads: &[(AttachmentRef, Vec<u8>)]) -> Vec<AttachmentRef> {
    let mut listed: Vec<AttachmentRef> = uploads.iter().map(|(reference, _)| reference.clone()).collect();
    for reference in crate::outbox::attachment_refs(answers) {
        if !listed.iter().any(|l| l.document == reference.document) {
            listed.push(reference);
        }
    }
    listed
}

impl Engine {
    /// The procedure from the local catalogue, refreshing it once when the
    /// code is not there yet (a first run of `hoso validate`).
    async fn procedure_for_bulk(&self, code: &str) -> Result<Procedure, EngineError> {
        if let Ok(procedure) = self.procedure(code).await {
            return Ok(procedure);
        }
        if let Err(error) = self.sync_catalogue().await {
            tracing::info!(error = %error, "catalogue not refreshed");
        }
        self.procedure(code).await
    }

    /// Judges every row of `path` (JSON, CSV or XLSX) against `procedure`'s
    /// online form with the one form validator; works offline once the form
    /// is cached.
    pub async fn validate_file(&self, procedure: &str, path: &Path) -> Result<Vec<RowCheck>, EngineError> {
        let bytes = std::fs::read(path).map_err(EngineError::Files)?;
        self.validate_bytes(procedure, &file_name(path), Some(folder(path)), &bytes).await
    }

    /// Judges every row of the file named `name` with `bytes`; its
    /// attachment cells name files in `folder`, or, with no folder (a file
    /// sent by the UI), are refused at their pointer.
    pub(crate) async fn validate_bytes(
        &self,
        procedure: &str,
        name: &str,
        folder: Option<&Path>,
        bytes: &[u8],
    ) -> Result<Vec<RowCheck>, EngineError> {
        let (_, _, checked) = self.check_rows(procedure, name, folder, bytes).await?;
        Ok(checked.into_iter().map(|c| c.check).collect())
    }

    async fn check_rows(
        &self,
        procedure: &str,
        name: &str,
        folder: Option<&Path>,
        bytes: &[u8],
    ) -> Result<(Procedure, FormRef, Vec<Checked>), EngineError> {
        let procedure = self.procedure_for_bulk(procedure).await?;
        let form = procedure
            .form
            .clone()
            .ok_or_else(|| EngineError::InvalidInput(format!("procedure {} has no online form", procedure.code)))?;
        let definition = self.form_definition(&form).await?;
        let validator =
            FormValidator::new(&definition).map_err(|e| EngineError::StoredValue(format!("form {}: {e}", form.id)))?;
        let mut checks = Vec::new();
        for (index, data) in read::rows(name, bytes)?.into_iter().enumerate() {
            let (mut uploads, mut unreadable) = (Vec::new(), Vec::new());
            let answers = match data {
                read::RowData::Answers(json) => json,
                read::RowData::Cells(cells) => {
                    let (named, plain): (Vec<_>, Vec<_>) = cells
                        .into_iter()
                        .partition(|(pointer, text)| files::document_of(pointer).is_some() && !text.trim().is_empty());
                    let mut answers = convert::answers(&definition.schema, &plain)?;
                    for (pointer, text) in named {
                        let document = files::document_of(&pointer).unwrap_or_default();
                        let Some(folder) = folder else {
                            // A file sent as bytes comes alone: the files its
                            // cells name are not there to read.
                            unreadable.push(FieldError { pointer, code: FILE_BESIDE_INPUT.into(), limit: None });
                            continue;
                        };
                        match files::attachment(folder, document, &text) {
                            Ok(upload) => {
                                crate::drafts::set_pointer(&mut answers, &pointer, files::answer(&upload.0))?;
                                uploads.push(upload);
                            }
                            Err(error) => {
                                tracing::info!(%error, "a bulk row's attachment cannot be read");
                                unreadable.push(FieldError { pointer, code: hoso_domain::form::UPLOAD_INCOMPLETE.into(), limit: None });
                            }
                        }
                    }
                    answers
                }
            };
            let mut errors = validator.validate(&answers);
            errors.extend(unreadable);
            checks.push(Checked { check: RowCheck { row: index + 1, answers, errors }, uploads });
        }
        Ok((procedure, form, checks))
    }

    /// Files every valid row of `path` as `acting_as`: each is queued in the
    /// outbox under its derived client id (unless an earlier run queued it),
    /// then one sender pass sends the batch. `progress(done, total)` is
    /// called as rows are queued. Invalid rows are reported, not filed.
    pub async fn bulk_submit(
        &self,
        procedure: &str,
        acting_as: ActingAs,
        path: &Path,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<BulkReport, EngineError> {
        let bytes = std::fs::read(path).map_err(EngineError::Files)?;
        self.bulk_submit_bytes_from(procedure, acting_as, &file_name(path), Some(folder(path)), &bytes, progress).await
    }

    /// [`Engine::bulk_submit`] of the file named `name` with `bytes`, its
    /// attachment cells naming files in `folder` (see [`Engine::validate_bytes`]).
    pub(crate) async fn bulk_submit_bytes_from(
        &self,
        procedure: &str,
        acting_as: ActingAs,
        name: &str,
        folder: Option<&Path>,
        bytes: &[u8],
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<BulkReport, EngineError> {
        let file_sha256 = crypto::sha256_hex(bytes);
        let (procedure, form, checks) = self.check_rows(procedure, name, folder, bytes).await?;
        let already: std::collections::HashSet<String> =
            self.outbox().await?.into_iter().map(|item| item.client_id).collect();
        let total = checks.len();
        let mut queued = 0;
        let mut pending = Vec::new();
        let mut files = MemoryAttachments::default();
        for (done, Checked { check, uploads }) in checks.into_iter().enumerate() {
            if !check.errors.is_empty() {
                pending.push((check.row, Err(check.errors)));
            } else {
                let client_id = row_client_id(&file_sha256, procedure.code.as_str(), &acting_as, check.row);
                if !already.contains(&client_id) {
                    let attachments = references(&check.answers, &uploads);
                    let submission = NewSubmission {
                        procedure: procedure.code.clone(),
                        form: form.clone(),
                        acting_as: acting_as.clone(),
                        data: check.answers,
                        attachments,
                    };
                    match self.queue_submission_as(submission, client_id.clone()).await? {
                        QueueOutcome::Queued(_) => queued += 1,
                        QueueOutcome::Refused(validation) => {
                            pending.push((check.row, Err(validation.errors)));
                            progress(done + 1, total);
                            continue;
                        }
                    }
                }
                // Held for this run's sender pass (a re-run reads them again).
                for (_, bytes) in uploads {
                    files.insert(bytes);
                }
                pending.push((check.row, Ok(client_id)));
            }
            progress(done + 1, total);
        }
        self.send_outbox(&files).await?;
        let states: std::collections::HashMap<String, OutboxState> =
            self.outbox().await?.into_iter().map(|item| (item.client_id, item.state)).collect();
        let rows = pending
            .into_iter()
            .map(|(row, outcome)| RowResult {
                row,
                status: match outcome {
                    Err(errors) => RowStatus::Invalid(errors),
                    Ok(client_id) => match states.get(&client_id) {
                        Some(OutboxState::Sent { code }) => RowStatus::Filed(code.clone()),
                        Some(OutboxState::NeedsAction { error }) => RowStatus::Refused(error.clone()),
                        _ => RowStatus::Waiting,
                    },
                },
            })
            .collect();
        Ok(BulkReport { rows, queued })
    }
}

#[cfg(test)]
mod tests {
    use hoso_domain::identity::TaxCode;

    use super::*;

    #[test]
    fn a_rows_client_id_is_the_same_for_the_same_file_and_row_only() {
        let enterprise = ActingAs::Enterprise(TaxCode::parse("0314409058-002").unwrap());
        let id = row_client_id("abc", "2.002050", &enterprise, 1);
        assert_eq!(id, row_client_id("abc", "2.002050", &enterprise, 1));
        assert_eq!(id.len(), 32);
        assert_ne!(id, row_client_id("abc", "2.002050", &enterprise, 2));
        assert_ne!(id, row_client_id("abd", "2.002050", &enterprise, 1));
        assert_ne!(id, row_client_id("abc", "2.002050", &ActingAs::Myself, 1));
    }
}
