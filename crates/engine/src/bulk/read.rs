//! Reading a bulk file into rows: a JSON file is one answers object; a CSV or
//! XLSX file has a header of JSON pointers (`/child/full_name`) and one
//! dossier per row below it. Which one is decided by the file's extension.
//! It reads bytes, so a file from disk (`hoso`) and one sent by the UI read alike.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use serde_json::Value;

use crate::EngineError;

/// What a row holds before the schema types it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RowData {
    /// Cells as text, keyed by the header's pointers (CSV, XLSX).
    Cells(Vec<(String, String)>),
    /// Answers already typed (JSON).
    Answers(Value),
}

/// The rows of the file named `name` (its extension says how to read it),
/// numbered from 1 (the first row under the header).
pub(crate) fn rows(name: &str, bytes: &[u8]) -> Result<Vec<RowData>, EngineError> {
    let extension = name.rsplit_once('.').map(|(_, e)| e).unwrap_or_default().to_ascii_lowercase();
    match extension.as_str() {
        "json" => {
            let answers: Value = serde_json::from_slice(bytes).map_err(|e| invalid(name, &e.to_string()))?;
            if !answers.is_object() {
                return Err(invalid(name, "a JSON file holds one answers object"));
            }
            Ok(vec![RowData::Answers(answers)])
        }
        "csv" => csv_rows(bytes).map_err(|e| invalid(name, &e.to_string())),
        "xlsx" => xlsx_rows(bytes).map_err(|e| invalid(name, &e.to_string())),
        _ => Err(invalid(name, "not a .json, .csv or .xlsx file")),
    }
}

fn invalid(name: &str, why: &str) -> EngineError {
    EngineError::InvalidInput(format!("{name}: {why}"))
}

/// Pairs each header pointer with its cell; a header that is not a pointer
/// is refused, since its column could not be placed in the answers.
fn pair(header: &[String], cells: Vec<String>) -> RowData {
    RowData::Cells(header.iter().cloned().zip(cells).collect())
}

/// Why a table could not be read; shown to the person with the file's name.
#[derive(Debug, thiserror::Error)]
enum TableError {
    #[error(transparent)]
    Csv(#[from] csv::Error),
    #[error(transparent)]
    Xlsx(#[from] calamine::XlsxError),
    #[error("the workbook has no sheet")]
    NoSheet,
    #[error("column {0:?} is not a JSON pointer such as /child/full_name")]
    NotAPointer(String),
}

fn check_header(header: &[String]) -> Result<(), TableError> {
    match header.iter().find(|h| !h.starts_with('/')) {
        Some(bad) => Err(TableError::NotAPointer(bad.clone())),
        None => Ok(()),
    }
}

fn csv_rows(bytes: &[u8]) -> Result<Vec<RowData>, TableError> {
    // Excel saves UTF-8 CSV with a byte-order mark.
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header: Vec<String> = reader.headers()?.iter().map(str::to_owned).collect();
    check_header(&header)?;
    reader.records().map(|record| Ok(pair(&header, record?.iter().map(str::to_owned).collect()))).collect()
}

fn xlsx_rows(bytes: &[u8]) -> Result<Vec<RowData>, TableError> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes))?;
    let range = workbook.worksheet_range_at(0).ok_or(TableError::NoSheet)??;
    let mut lines = range.rows().map(|row| row.iter().map(ToString::to_string).collect::<Vec<_>>());
    let header = lines.next().unwrap_or_default();
    check_header(&header)?;
    Ok(lines.map(|cells| pair(&header, cells)).collect())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_csv_row_pairs_each_cell_with_its_header_pointer() {
        let csv = "\u{feff}/child/full_name,/capital\n\"Nguyễn, An\",5000\nBình,\n";
        let rows = rows("x.CSV", csv.as_bytes()).unwrap();
        assert_eq!(
            rows,
            vec![
                RowData::Cells(vec![
                    ("/child/full_name".into(), "Nguyễn, An".into()),
                    ("/capital".into(), "5000".into())
                ]),
                RowData::Cells(vec![("/child/full_name".into(), "Bình".into()), ("/capital".into(), String::new())]),
            ]
        );
    }

    #[test]
    fn a_header_that_is_not_a_pointer_is_refused_with_its_name() {
        let error = rows("x.csv", b"full_name\nAn\n").unwrap_err();
        assert!(error.to_string().contains("\"full_name\""), "{error}");
    }

    #[test]
    fn a_json_file_is_one_row_of_answers() {
        let rows = rows("a.json", br#"{"a": 1}"#).unwrap();
        assert_eq!(rows, vec![RowData::Answers(json!({"a": 1}))]);
    }

    #[test]
    fn a_name_without_an_extension_is_refused() {
        assert!(matches!(rows("csv", b"/a\n1\n"), Err(EngineError::InvalidInput(_))));
    }

    #[test]
    fn another_extension_is_refused() {
        assert!(matches!(rows("a.txt", b""), Err(EngineError::InvalidInput(_))));
    }
}
