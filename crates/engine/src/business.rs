//! Bulk filing from a file the UI sends as bytes (base64) with its name: the
//! `bulk` module's judging and filing, bounded in size, answered as the
//! protocol's row checks and results with the CSV report to download. Every
//! filing across the person's profiles is `Engine::filings` (`dossiers.rs`).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hoso_protocol::command::{BulkCheck, BulkFile, BulkResult, BulkRowCheck, BulkRowResult};

use crate::bulk::{RowStatus, report_csv};
use crate::{Engine, EngineError};

/// The largest bulk file taken as bytes: thousands of rows of answers, no scans.
pub const MAX_BULK_BYTES: usize = 8 * 1024 * 1024;

/// The file's bytes, refused before decoding when the text is already too long.
fn decode(file: &BulkFile) -> Result<Vec<u8>, EngineError> {
    let too_large =
        || EngineError::TooLarge(format!("{}: a bulk file is at most {MAX_BULK_BYTES} bytes", file.file_name));
    if file.content_base64.len() / 4 * 3 > MAX_BULK_BYTES + 3 {
        return Err(too_large());
    }
    let bytes = STANDARD
        .decode(file.content_base64.trim())
        .map_err(|e| EngineError::InvalidInput(format!("{}: not base64: {e}", file.file_name)))?;
    if bytes.len() > MAX_BULK_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

impl Engine {
    /// Judges every row of a file sent as bytes. Attachment cells cannot
    /// name files here (nothing is beside the file), so such a row carries the
    /// field error [`crate::bulk::FILE_BESIDE_INPUT`] at that cell.
    pub async fn bulk_validate_bytes(&self, file: BulkFile) -> Result<BulkCheck, EngineError> {
        let bytes = decode(&file)?;
        let checks = self.validate_bytes(file.procedure.as_str(), &file.file_name, None, &bytes).await?;
        Ok(BulkCheck { rows: checks.into_iter().map(|c| BulkRowCheck { row: c.row, errors: c.errors }).collect() })
    }

    /// Files a file sent as bytes for `acting_as`: every row becomes a draft
    /// and every valid one is filed, once per row (a re-run of the same bytes
    /// makes no second draft and queues nothing twice); answers each row's
    /// outcome, an invalid or refused row with its draft to fix, and the
    /// report as CSV.
    pub async fn bulk_submit_bytes(&self, file: BulkFile) -> Result<BulkResult, EngineError> {
        let bytes = decode(&file)?;
        let report = self
            .bulk_submit_bytes_from(
                file.procedure.as_str(),
                file.acting_as.clone(),
                &file.file_name,
                None,
                &bytes,
                &mut |_, _| {},
            )
            .await?;
        let report_csv = report_csv(&report.rows)?;
        let rows = report
            .rows
            .into_iter()
            .map(|r| match r.status {
                RowStatus::Invalid { errors, draft } => {
                    BulkRowResult::Invalid { row: r.row, errors, draft: Some(draft) }
                }
                RowStatus::Filed(code) => BulkRowResult::Filed { row: r.row, code },
                RowStatus::Waiting => BulkRowResult::Waiting { row: r.row },
                RowStatus::Refused { error, draft } => BulkRowResult::Refused { row: r.row, error, draft: Some(draft) },
            })
            .collect();
        Ok(BulkResult { rows, queued: report.queued, report_csv })
    }
}

#[cfg(test)]
mod tests {
    use hoso_domain::catalogue::ProcedureCode;
    use hoso_domain::profile::ActingAs;

    use super::*;

    fn file(content_base64: String) -> BulkFile {
        BulkFile {
            procedure: ProcedureCode::parse("2.002050").unwrap(),
            acting_as: ActingAs::Myself,
            file_name: "a.csv".into(),
            content_base64,
        }
    }

    #[test]
    fn a_file_is_decoded_from_standard_base64() {
        assert_eq!(decode(&file(STANDARD.encode(b"/a\n1\n"))).unwrap(), b"/a\n1\n");
    }

    #[test]
    fn a_file_over_the_bound_is_refused_before_decoding() {
        let error = decode(&file("A".repeat(MAX_BULK_BYTES / 3 * 4 + 8))).unwrap_err();
        assert_eq!(error.kind(), hoso_protocol::error::ErrorKind::TooLarge);
    }

    #[test]
    fn text_that_is_not_base64_is_invalid_input() {
        assert_eq!(decode(&file("%%%".into())).unwrap_err().kind(), hoso_protocol::error::ErrorKind::InvalidInput);
    }
}
