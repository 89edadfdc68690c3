//! Bulk filing, decided without a DOM: which files the wizard takes, what a
//! check or a run of a file amounts to (counts for the summary line), what
//! a checked file offers to do, and where a row's draft is fixed.

use hoso_protocol::command::{BulkCheck, BulkResult, BulkRowResult};

use crate::route::{DraftStep, Route};

/// The file input's `accept`: CSV, XLSX and JSON, by extension and type.
pub const ACCEPT: &str =
    ".csv,.xlsx,.json,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/json";

/// The largest file the wizard reads: a spreadsheet of thousands of rows
/// is well under it, and the whole file travels in one command.
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;

/// Whether the engine can read a file of this name (it goes by the extension).
pub fn readable(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".csv", ".xlsx", ".json"].iter().any(|ext| lower.ends_with(ext))
}

/// How a checked file stands: rows, and how many of them are valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckCounts {
    pub rows: usize,
    pub valid: usize,
}

pub fn check_counts(check: &BulkCheck) -> CheckCounts {
    CheckCounts { rows: check.rows.len(), valid: check.rows.iter().filter(|r| r.errors.is_empty()).count() }
}

/// What the page offers once a file is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitOffer {
    /// File the `valid` rows; the others are kept as drafts to fix.
    File { valid: usize },
    /// No row can be filed yet: keep all `rows` as drafts, each to fix in the
    /// form and submit from there, rather than leave the person with nothing.
    DraftsOnly { rows: usize },
}

/// What a checked file offers: nothing for a file without rows.
pub fn submit_offer(counts: CheckCounts) -> Option<SubmitOffer> {
    if counts.valid > 0 {
        Some(SubmitOffer::File { valid: counts.valid })
    } else if counts.rows > 0 {
        Some(SubmitOffer::DraftsOnly { rows: counts.rows })
    } else {
        None
    }
}

/// What a run did, by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    pub filed: usize,
    pub waiting: usize,
    pub refused: usize,
    pub invalid: usize,
}

pub fn run_counts(result: &BulkResult) -> RunCounts {
    let mut counts = RunCounts::default();
    for row in &result.rows {
        match row {
            BulkRowResult::Filed { .. } => counts.filed += 1,
            BulkRowResult::Waiting { .. } => counts.waiting += 1,
            BulkRowResult::Refused { .. } => counts.refused += 1,
            BulkRowResult::Invalid { .. } => counts.invalid += 1,
        }
    }
    counts
}

/// The row number of an outcome (1 for the first row under the header).
pub fn row_of(result: &BulkRowResult) -> usize {
    match result {
        BulkRowResult::Invalid { row, .. }
        | BulkRowResult::Filed { row, .. }
        | BulkRowResult::Waiting { row }
        | BulkRowResult::Refused { row, .. } => *row,
    }
}

/// Where an invalid row, or one the portal refused, is fixed: its draft in
/// the form wizard, from the first page, submitted again from there (a
/// refusal such as a document not uploaded is fixed in the answers). A row
/// filed or waiting has nothing to fix, and an engine from before refused
/// rows named their draft gives no link.
pub fn fix_link(result: &BulkRowResult) -> Option<String> {
    match result {
        BulkRowResult::Invalid { draft: Some(id), .. } | BulkRowResult::Refused { draft: Some(id), .. } => {
            Some(Route::Draft { id: id.clone(), step: DraftStep::Page(0) }.fragment())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_files_the_engine_reads_are_taken() {
        assert!(readable("to-khai.CSV"));
        assert!(readable("ho-so.xlsx"));
        assert!(readable("mot-ho-so.json"));
        assert!(!readable("bang.xls"));
        assert!(!readable("csv"));
    }

    #[test]
    fn checks_and_runs_are_counted_by_outcome() {
        let check: BulkCheck = serde_json::from_value(json!({"rows": [
            {"row": 1, "errors": []},
            {"row": 2, "errors": [{"pointer": "/a", "code": "required"}]},
            {"row": 3, "errors": []},
        ]}))
        .unwrap();
        assert_eq!(check_counts(&check), CheckCounts { rows: 3, valid: 2 });
        let result: BulkResult = serde_json::from_value(json!({
            "rows": [
                {"outcome": "filed", "row": 1, "code": "H01"},
                {"outcome": "invalid", "row": 2, "errors": []},
                {"outcome": "waiting", "row": 3},
                {"outcome": "refused", "row": 4, "error": {"kind": "forbidden", "message": "no"}},
                {"outcome": "filed", "row": 5, "code": "H02"},
            ],
            "queued": 3,
            "report_csv": "row,status\n",
        }))
        .unwrap();
        assert_eq!(run_counts(&result), RunCounts { filed: 2, waiting: 1, refused: 1, invalid: 1 });
        assert_eq!(row_of(&result.rows[3]), 4);
    }

    #[test]
    fn a_file_whose_rows_are_all_invalid_offers_to_keep_them_as_drafts() {
        assert_eq!(submit_offer(CheckCounts { rows: 3, valid: 2 }), Some(SubmitOffer::File { valid: 2 }));
        assert_eq!(submit_offer(CheckCounts { rows: 3, valid: 0 }), Some(SubmitOffer::DraftsOnly { rows: 3 }));
        assert_eq!(submit_offer(CheckCounts { rows: 0, valid: 0 }), None);
    }

    #[test]
    fn an_invalid_or_refused_row_links_to_its_draft_in_the_form_and_no_other_row_does() {
        let result: BulkResult = serde_json::from_value(json!({
            "rows": [
                {"outcome": "invalid", "row": 1, "errors": [{"pointer": "/filer/phone", "code": "format"}],
                 "draft": "4f2a9c0d1e3b5a7c9e1f3a5b7c9d1e2f"},
                {"outcome": "filed", "row": 2, "code": "H01"},
                {"outcome": "waiting", "row": 3},
                {"outcome": "refused", "row": 4, "error": {"kind": "forbidden", "message": "no"}},
                {"outcome": "invalid", "row": 5, "errors": []},
                {"outcome": "refused", "row": 6, "error": {"kind": "invalid_input", "message": "not uploaded"},
                 "draft": "9b1d"},
            ],
            "queued": 2,
            "report_csv": "",
        }))
        .unwrap();
        let links: Vec<Option<String>> = result.rows.iter().map(fix_link).collect();
        assert_eq!(links[0].as_deref(), Some("#/draft/4f2a9c0d1e3b5a7c9e1f3a5b7c9d1e2f"));
        assert_eq!(
            Route::parse(links[0].as_deref().unwrap()),
            Route::Draft { id: "4f2a9c0d1e3b5a7c9e1f3a5b7c9d1e2f".into(), step: DraftStep::Page(0) }
        );
        assert_eq!(links[1..5], [None, None, None, None], "a row filed, waiting, or without a draft has none");
        assert_eq!(links[5].as_deref(), Some("#/draft/9b1d"), "a refused row with its draft has one");
    }
}
