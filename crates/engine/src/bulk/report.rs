//! The per-row result report of a bulk filing, as CSV: `row, status, result,
//! draft`, where the result is the dossier code or the row's errors, and the
//! draft is the one to fix in the form when the row is invalid or the
//! portal refused it.

use super::{RowResult, RowStatus};
use crate::EngineError;

/// The report as CSV text, one line per row of the input, in its order.
/// Errors are `pointer code` pairs joined by `; ` (codes translate in the UI
/// as `field_error.<code>`).
pub fn report_csv(rows: &[RowResult]) -> Result<String, EngineError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| EngineError::Files(std::io::Error::other(e));
    writer.write_record(["row", "status", "dossier_code_or_errors", "draft_id"]).map_err(failed)?;
    for result in rows {
        let (status, detail, draft) = match &result.status {
            RowStatus::Filed(code) => ("filed", code.clone(), ""),
            RowStatus::Waiting => ("queued", String::new(), ""),
            RowStatus::Invalid { errors, draft } => (
                "invalid",
                errors.iter().map(|e| format!("{} {}", e.pointer, e.code)).collect::<Vec<_>>().join("; "),
                draft.as_str(),
            ),
            RowStatus::Refused { error, draft } => {
                ("refused", format!("{:?}: {}", error.kind, error.message), draft.as_str())
            }
        };
        writer.write_record([result.row.to_string().as_str(), status, &detail, draft]).map_err(failed)?;
    }
    let bytes = writer.into_inner().map_err(|e| EngineError::Files(std::io::Error::other(e.to_string())))?;
    String::from_utf8(bytes).map_err(|e| EngineError::StoredValue(e.to_string()))
}

#[cfg(test)]
mod tests {
    use hoso_domain::form::FieldError;

    use super::*;

    #[test]
    fn the_report_names_each_rows_code_or_its_errors_and_the_draft_to_fix() {
        let rows = [
            RowResult { row: 1, status: RowStatus::Filed("H01.2026.000001".into()) },
            RowResult {
                row: 2,
                status: RowStatus::Invalid {
                    errors: vec![
                        FieldError { pointer: "/filer/phone".into(), code: "format".into(), limit: None },
                        FieldError { pointer: "".into(), code: "required".into(), limit: None },
                    ],
                    draft: "d2".into(),
                },
            },
            RowResult { row: 3, status: RowStatus::Waiting },
            RowResult {
                row: 4,
                status: RowStatus::Refused {
                    error: hoso_protocol::error::ErrorEnvelope::new(
                        hoso_protocol::error::ErrorKind::InvalidInput,
                        "not uploaded",
                    ),
                    draft: "d4".into(),
                },
            },
        ];
        assert_eq!(
            report_csv(&rows).unwrap(),
            "row,status,dossier_code_or_errors,draft_id\n1,filed,H01.2026.000001,\n2,invalid,/filer/phone format;  required,d2\n3,queued,,\n4,refused,InvalidInput: not uploaded,d4\n"
        );
    }
}
