//! Bulk filing: a JSON, CSV or XLSX file judged row by row with the one form
//! validator (`validate_file`), and filed (`bulk_submit`): every row becomes
//! a draft of the signed-in person for the acting profile, and the valid
//! ones are submitted from their drafts through the outbox. A row's id — its
//! draft's id and so its submission's client id, the portal's idempotency
//! key — is derived from the person, the file's hash, the procedure, the
//! profile and the row's number, so the same person filing the same file
//! again makes no second draft and files nothing twice, and another person
//! on the device filing it makes drafts of their own; an invalid row waits
//! as a draft for the person to fix in the form.

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

use crate::submit::DraftQueueing;
use crate::{Engine, EngineError, crypto};

/// One row judged: its answers as the schema typed them, and every error.
#[derive(Debug, Clone, PartialEq)]
pub struct RowCheck {
    /// 1 for the first row under the header (or the one object of a JSON file).
    pub row: usize,
    pub answers: Value,
    pub errors: Vec<FieldError>,
}

/// A judged row with the files its attachment cells named, to attach to its draft.
struct Checked {
    check: RowCheck,
    uploads: Vec<(AttachmentRef, Vec<u8>)>,
}

/// Where a row of a bulk filing stands.
#[derive(Debug, Clone, PartialEq)]
pub enum RowStatus {
    /// Not filed: the form validator's errors, kept as the draft `draft`
    /// to fix in the form.
    Invalid { errors: Vec<FieldError>, draft: String },
    /// Acknowledged by the portal under this dossier code.
    Filed(String),
    /// Queued; the outbox sends it when it can (offline, portal busy).
    Waiting,
    /// The portal refused it; the row is kept as the draft `draft`, to fix
    /// in the form and submit again from there.
    Refused { error: ErrorEnvelope, draft: String },
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

/// The id of `row` of a file: its draft's id and its submission's client id.
/// The same person, file, procedure and profile give the same id, so the
/// drafts, the outbox (and the portal) recognise a re-run. The person is
/// part of it because a draft's id is unique on the device: two people
/// filing one file (two representatives of one enterprise) each get drafts
/// of their own, as the portal keeps each submitter's keys apart anyway.
fn row_id(subject: &str, file_sha256: &str, procedure: &str, acting_as: &ActingAs, row: usize) -> String {
    let acting = match acting_as {
        ActingAs::Myself => "myself",
        ActingAs::Enterprise(tax_code) => tax_code.as_str(),
    };
    crypto::sha256_hex(format!("{subject}/{file_sha256}/{procedure}/{acting}/{row}").as_bytes())[..32].to_owned()
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
                            Ok(upload) if !accepted(&procedure, &upload.0) => {
                                tracing::info!(
                                    document,
                                    "a bulk row's file is not of a type or size the procedure takes"
                                );
                                unreadable.push(FieldError {
                                    pointer,
                                    code: hoso_domain::form::UPLOAD_INCOMPLETE.into(),
                                    limit: None,
                                });
                            }
                            Ok(upload) => {
                                crate::drafts::set_pointer(&mut answers, &pointer, files::answer(&upload.0))?;
                                uploads.push(upload);
                            }
                            Err(error) => {
                                tracing::info!(%error, "a bulk row's attachment cannot be read");
                                unreadable.push(FieldError {
                                    pointer,
                                    code: hoso_domain::form::UPLOAD_INCOMPLETE.into(),
                                    limit: None,
                                });
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

    /// Files every row of `path` as `acting_as`: each row becomes a draft of
    /// the signed-in person (`NotSignedIn` when nobody is: bulk drafts are
    /// always someone's, and only they can file them) under its derived id
    /// (unless an earlier run made it), and each valid
    /// one is queued in the outbox from its draft under the same id (unless
    /// it is queued already); then one sender pass sends the batch.
    /// `progress(done, total)` is called as rows are handled. An invalid row
    /// is reported with its draft, to fix in the form; a draft the person
    /// changed since is judged as it stands now, and a row the portal
    /// refused is queued again from its draft once the person changed it.
    pub async fn bulk_submit(
        &self,
        procedure: &str,
        acting_as: ActingAs,
        path: &Path,
        progress: &mut (dyn FnMut(usize, usize) + Send),
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
        progress: &mut (dyn FnMut(usize, usize) + Send),
    ) -> Result<BulkReport, EngineError> {
        let subject = self.owner().await?;
        let file_sha256 = crypto::sha256_hex(bytes);
        let (procedure, _, checks) = self.check_rows(procedure, name, folder, bytes).await?;
        // The person's rows queued or filed by an earlier run, or from their
        // drafts since; a row the portal refused is offered again from its
        // draft, which queues it anew only once the person changed it.
        let pool = self.store.pool();
        let already: std::collections::HashSet<String> = crate::outbox::table::list(pool, &subject)
            .await?
            .into_iter()
            .filter(|item| !matches!(item.state, OutboxState::NeedsAction { .. }))
            .map(|item| item.client_id)
            .collect();
        let total = checks.len();
        let mut queued = 0;
        let mut pending = Vec::new();
        for (done, Checked { check, uploads }) in checks.into_iter().enumerate() {
            let id = row_id(&subject, &file_sha256, procedure.code.as_str(), &acting_as, check.row);
            let outcome = if already.contains(&id) {
                Ok(id)
            } else {
                match self.row_draft(&subject, &procedure, &acting_as, &id, &check, &uploads).await? {
                    RowDraft::Invalid(errors) => Err((errors, id)),
                    RowDraft::Ready => match self.queue_draft(&id).await? {
                        DraftQueueing::Queued(_) => {
                            queued += 1;
                            Ok(id)
                        }
                        DraftQueueing::Already => Ok(id),
                        DraftQueueing::Refused(validation) => Err((validation.errors, id)),
                    },
                }
            };
            pending.push((check.row, outcome));
            progress(done + 1, total);
        }
        // Queued durably: a pass that cannot run now (a sign-in replaced
        // meanwhile, say) leaves the rows waiting for the next one rather
        // than failing.
        if let Err(error) = self.send_outbox(self.stored_attachments()).await {
            tracing::info!(%error, "bulk rows queued; the outbox will be sent later");
        }
        let states: std::collections::HashMap<String, OutboxState> = crate::outbox::table::list(pool, &subject)
            .await?
            .into_iter()
            .map(|item| (item.client_id, item.state))
            .collect();
        let rows = pending
            .into_iter()
            .map(|(row, outcome)| RowResult {
                row,
                status: match outcome {
                    Err((errors, draft)) => RowStatus::Invalid { errors, draft },
                    Ok(client_id) => match states.get(&client_id) {
                        Some(OutboxState::Sent { code }) => RowStatus::Filed(code.clone()),
                        // The row's draft has the row's id, its client id.
                        Some(OutboxState::NeedsAction { error }) => {
                            RowStatus::Refused { error: error.clone(), draft: client_id }
                        }
                        _ => RowStatus::Waiting,
                    },
                },
            })
            .collect();
        Ok(BulkReport { rows, queued })
    }

    /// The draft of one row, made from the row when there is none yet (with
    /// the files its cells named, kept encrypted like any attachment), and
    /// whether it is ready to queue. A draft kept from an earlier run is the
    /// row's truth: the person may have fixed it in the form meanwhile, so
    /// only an untouched one keeps the row's own findings (such as a file
    /// that could not be read), and a changed one is judged when queued.
    async fn row_draft(
        &self,
        subject: &str,
        procedure: &Procedure,
        acting_as: &ActingAs,
        id: &str,
        check: &RowCheck,
        uploads: &[(AttachmentRef, Vec<u8>)],
    ) -> Result<RowDraft, EngineError> {
        let untouched = match self.draft(id).await {
            Ok(draft) => draft.data == check.answers,
            Err(EngineError::NotFound { .. }) => {
                self.create_draft_with(
                    subject,
                    acting_as.clone(),
                    procedure.code.as_str(),
                    id.to_owned(),
                    &check.answers,
                )
                .await?;
                true
            }
            Err(error) => return Err(error),
        };
        if untouched {
            // Also after a run that stopped between the draft and its files.
            let held = self.attachments(id).await?;
            for (reference, bytes) in uploads {
                if !held.iter().any(|a| a.document_id == reference.document && a.sha256 == reference.sha256) {
                    self.attach(id, &reference.document, &reference.name, &reference.media_type, bytes).await?;
                }
            }
            if !check.errors.is_empty() {
                return Ok(RowDraft::Invalid(check.errors.clone()));
            }
        }
        Ok(RowDraft::Ready)
    }
}

/// Where a row's draft stands before queueing.
enum RowDraft {
    /// The row's own findings, the draft untouched since the row made it.
    Invalid(Vec<FieldError>),
    /// To be judged and queued from the draft.
    Ready,
}

/// Whether the procedure takes `reference` for its document (type and size),
/// as attaching it to a draft requires; checked while judging a row, so
/// `validate` and `bulk submit` agree.
fn accepted(procedure: &Procedure, reference: &AttachmentRef) -> bool {
    procedure
        .document(&reference.document)
        .is_some_and(|d| d.accepts_media_type(&reference.media_type) && reference.bytes <= d.max_bytes)
}

#[cfg(test)]
mod tests {
    use hoso_domain::identity::TaxCode;

    use super::*;

    #[test]
    fn a_rows_client_id_is_the_same_for_the_same_person_file_and_row_only() {
        let enterprise = ActingAs::Enterprise(TaxCode::parse("0314409058-002").unwrap());
        let id = row_id("demo-business-0002", "abc", "2.002050", &enterprise, 1);
        assert_eq!(id, row_id("demo-business-0002", "abc", "2.002050", &enterprise, 1));
        assert_eq!(id.len(), 32);
        assert_ne!(id, row_id("demo-business-0002", "abc", "2.002050", &enterprise, 2));
        assert_ne!(id, row_id("demo-business-0002", "abd", "2.002050", &enterprise, 1));
        assert_ne!(id, row_id("demo-business-0002", "abc", "2.002050", &ActingAs::Myself, 1));
        assert_ne!(id, row_id("demo-business-0003", "abc", "2.002050", &enterprise, 1), "another person's row");
    }
}
