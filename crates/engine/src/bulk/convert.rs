//! A row's cells (JSON pointer → text) turned into the form's answers, each
//! value typed by the schema at its pointer. A cell that does not convert is
//! kept as text, so the one form validator reports it at its pointer with the
//! same code a citizen typing it would see.

use serde_json::{Map, Value};

/// The schema that governs the answer at `pointer`: `properties` followed
/// token by token, local `$ref`s (`#/$defs/…`) resolved on the way.
fn schema_at<'a>(root: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut schema = resolve(root, root)?;
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        schema = resolve(root, schema.get("properties")?.get(&token)?)?;
    }
    Some(schema)
}

fn resolve<'a>(root: &'a Value, schema: &'a Value) -> Option<&'a Value> {
    match schema.get("$ref").and_then(Value::as_str) {
        // One level is enough for our forms, and cannot loop on a cycle.
        Some(reference) => root.pointer(reference.strip_prefix('#')?),
        None => Some(schema),
    }
}

/// The JSON types the schema allows at a node (`type` as a string or a list;
/// an `enum` of strings counts as `string`).
fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn as_type(kind: &str, text: &str) -> Option<Value> {
    match kind {
        // Spreadsheets write amounts with thousands separators: "5.000.000".
        "integer" => text.replace([' ', '.', ','], "").parse::<i64>().ok().map(Value::from),
        "number" => text.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(Value::Number),
        "boolean" => match hoso_domain::text::fold(text).as_str() {
            "true" | "co" | "yes" | "1" => Some(Value::Bool(true)),
            "false" | "khong" | "no" | "0" => Some(Value::Bool(false)),
            _ => None,
        },
        "array" | "object" => serde_json::from_str::<Value>(text).ok().filter(|v| v.is_array() || v.is_object()),
        "string" => Some(Value::String(text.to_owned())),
        _ => None,
    }
}

/// One cell's value as the schema's type; `None` for an empty cell (an
/// unanswered question, as in a draft).
pub(crate) fn convert(schema: &Value, pointer: &str, text: &str) -> Option<Value> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let wanted = schema_at(schema, pointer).map(types).unwrap_or_default();
    // No type, or none converted: text, for the validator to judge.
    let converted = wanted.iter().find_map(|kind| as_type(kind, text));
    Some(converted.unwrap_or_else(|| Value::String(text.to_owned())))
}

/// The answers of one row: every non-empty cell at its pointer.
pub(crate) fn answers(schema: &Value, cells: &[(String, String)]) -> Result<Value, crate::EngineError> {
    let mut data = Value::Object(Map::new());
    for (pointer, text) in cells {
        if let Some(value) = convert(schema, pointer, text) {
            crate::drafts::set_pointer(&mut data, pointer, value)?;
        }
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schema() -> Value {
        json!({
            "type": "object",
            "$defs": { "attachment": { "type": "object", "properties": { "bytes": { "type": "integer" } } } },
            "properties": {
                "child": { "type": "object", "properties": {
                    "full_name": { "type": "string" },
                    "twins": { "type": "boolean" },
                } },
                "capital": { "type": "integer" },
                "kind": { "enum": ["a", "b"] },
                "file": { "$ref": "#/$defs/attachment" },
                "lines": { "type": "array" },
            }
        })
    }

    fn cells(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(p, v)| ((*p).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn cells_become_nested_answers_typed_by_the_schema() {
        let row = cells(&[
            ("/child/full_name", " Nguyễn Văn An "),
            ("/child/twins", "Có"),
            ("/capital", "5.000.000.000"),
            ("/kind", "a"),
            ("/file/bytes", "120"),
            ("/lines", "[\"x\"]"),
        ]);
        assert_eq!(
            answers(&schema(), &row).unwrap(),
            json!({
                "child": { "full_name": "Nguyễn Văn An", "twins": true },
                "capital": 5_000_000_000_i64,
                "kind": "a",
                "file": { "bytes": 120 },
                "lines": ["x"],
            })
        );
    }

    #[test]
    fn an_empty_cell_leaves_the_question_unanswered() {
        assert_eq!(answers(&schema(), &cells(&[("/capital", "  ")])).unwrap(), json!({}));
    }

    #[test]
    fn a_cell_that_does_not_convert_stays_text_for_the_validator_to_report() {
        assert_eq!(convert(&schema(), "/capital", "năm tỷ"), Some(json!("năm tỷ")));
        assert_eq!(convert(&schema(), "/child/twins", "maybe"), Some(json!("maybe")));
    }

    #[test]
    fn a_pointer_the_schema_does_not_know_is_kept_as_text() {
        assert_eq!(convert(&schema(), "/unknown/field", "7"), Some(json!("7")));
    }
}
