//! Moving a draft from one version of a form to the next without losing what
//! the citizen typed: answers are carried over by pointer, answers the new
//! version has no place for are handed back (never silently dropped), and
//! questions the new version newly requires are listed.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::FormDefinition;

/// An answer the new form version has no question for, kept so the draft can
/// still show it to the citizen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrphanedAnswer {
    pub pointer: String,
    pub value: Value,
}

/// The outcome of migrating a draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Migration {
    /// The answers that fit the new version, at the same pointers.
    pub data: Value,
    /// Answers that did not fit, with their old pointers.
    pub orphaned: Vec<OrphanedAnswer>,
    /// Pointers the new version requires that the old one did not leave unanswered.
    pub newly_required: Vec<String>,
}

/// Carries `data`, made on `from`, over to `to`.
pub fn migrate(data: &Value, from: &FormDefinition, to: &FormDefinition) -> Migration {
    let patterns = answer_patterns(to);
    let mut orphaned = Vec::new();
    let data = carry(data, "", "", &patterns, &mut orphaned).unwrap_or_else(|| Value::Object(Map::new()));
    let newly_required = newly_required(&data, from, to);
    Migration { data, orphaned, newly_required }
}

/// The pointers the form has questions for, with `*` for an item of a
/// repeatable group: `/child/full_name`, `/members/*/full_name`.
fn answer_patterns(form: &FormDefinition) -> Vec<String> {
    let mut patterns = Vec::new();
    for section in form.layout.pages.iter().flat_map(|p| &p.sections) {
        for field in &section.fields {
            match &section.repeat {
                Some(repeat) => patterns.push(format!("{}/*{}", repeat.pointer, field.pointer)),
                None => patterns.push(field.pointer.clone()),
            }
        }
    }
    patterns
}

/// Keeps `node` (at `pointer`, whose shape with array indices as `*` is
/// `shape`) where it fits `patterns`; moves the rest to `orphaned`.
fn carry(
    node: &Value,
    pointer: &str,
    shape: &str,
    patterns: &[String],
    orphaned: &mut Vec<OrphanedAnswer>,
) -> Option<Value> {
    if !shape.is_empty() && patterns.iter().any(|p| p == shape) {
        return Some(node.clone());
    }
    let leads_somewhere = shape.is_empty() || patterns.iter().any(|p| p.starts_with(&format!("{shape}/")));
    let kept = match node {
        Value::Object(map) if leads_somewhere => {
            let mut kept = Map::new();
            for (key, child) in map {
                let token = key.replace('~', "~0").replace('/', "~1");
                let child_pointer = format!("{pointer}/{token}");
                let child_shape = format!("{shape}/{token}");
                if let Some(value) = carry(child, &child_pointer, &child_shape, patterns, orphaned) {
                    kept.insert(key.clone(), value);
                }
            }
            Some(Value::Object(kept))
        }
        Value::Array(items) if leads_somewhere => {
            let kept = items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    carry(item, &format!("{pointer}/{i}"), &format!("{shape}/*"), patterns, orphaned)
                        .unwrap_or(Value::Object(Map::new()))
                })
                .collect();
            Some(Value::Array(kept))
        }
        _ => None,
    };
    if kept.is_none() {
        orphaned.push(OrphanedAnswer { pointer: pointer.to_owned(), value: node.clone() });
    }
    kept
}

#[cfg(feature = "validation")]
fn newly_required(data: &Value, from: &FormDefinition, to: &FormDefinition) -> Vec<String> {
    use super::FormValidator;
    let missing = |form: &FormDefinition, data: &Value| -> Vec<String> {
        FormValidator::new(form)
            .map(|v| v.validate(data).into_iter().filter(|e| e.code == "required").map(|e| e.pointer).collect())
            .unwrap_or_default()
    };
    let before = missing(from, data);
    missing(to, data).into_iter().filter(|p| !before.contains(p)).collect()
}

/// Without the validator, required-ness cannot be judged here; callers that
/// build without `validation` (the UI) ask the engine to migrate.
#[cfg(not(feature = "validation"))]
fn newly_required(_: &Value, _: &FormDefinition, _: &FormDefinition) -> Vec<String> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn form(version: u32, schema: Value, pages: Value) -> FormDefinition {
        serde_json::from_value(json!({
            "id": "test", "version": version, "procedure": "1.001193", "schema": schema, "layout": {"pages": pages}
        }))
        .unwrap()
    }

    fn field(pointer: &str) -> Value {
        json!({"pointer": pointer, "label": {"vi": "x", "en": "x"}, "widget": {"type": "text"}})
    }

    fn v1() -> FormDefinition {
        form(
            1,
            json!({"type": "object", "required": ["name"]}),
            json!([{"id": "p", "title": {"vi": "p", "en": "p"}, "sections": [
                {"id": "s", "fields": [field("/name"), field("/fax")]},
                {"id": "m", "repeat": {"pointer": "/members", "min_items": 0, "max_items": 9,
                    "item_label": {"vi": "m", "en": "m"}}, "fields": [field("/full_name"), field("/nickname")]}
            ]}]),
        )
    }

    fn v2() -> FormDefinition {
        form(
            2,
            json!({"type": "object", "required": ["name", "email"]}),
            json!([{"id": "p", "title": {"vi": "p", "en": "p"}, "sections": [
                {"id": "s", "fields": [field("/name"), field("/email")]},
                {"id": "m", "repeat": {"pointer": "/members", "min_items": 0, "max_items": 9,
                    "item_label": {"vi": "m", "en": "m"}}, "fields": [field("/full_name")]}
            ]}]),
        )
    }

    #[test]
    fn answers_with_a_place_in_the_new_version_are_carried_over() {
        let data = json!({"name": "An", "members": [{"full_name": "Bình"}, {"full_name": "Châu"}]});
        let migration = migrate(&data, &v1(), &v2());
        assert_eq!(migration.data, data);
        assert!(migration.orphaned.is_empty());
    }

    #[test]
    fn answers_without_a_place_are_handed_back_not_dropped() {
        let data = json!({"name": "An", "fax": "024 1234", "members": [{"full_name": "Bình", "nickname": "Bi"}]});
        let migration = migrate(&data, &v1(), &v2());
        assert_eq!(migration.data, json!({"name": "An", "members": [{"full_name": "Bình"}]}));
        assert_eq!(
            migration.orphaned,
            vec![
                OrphanedAnswer { pointer: "/fax".into(), value: json!("024 1234") },
                OrphanedAnswer { pointer: "/members/0/nickname".into(), value: json!("Bi") },
            ]
        );
    }

    #[cfg(feature = "validation")]
    #[test]
    fn questions_the_new_version_newly_requires_are_listed() {
        let migration = migrate(&json!({"name": "An"}), &v1(), &v2());
        assert_eq!(migration.newly_required, vec!["/email".to_owned()]);
    }

    #[cfg(feature = "validation")]
    #[test]
    fn a_question_already_missing_before_is_not_reported_as_new() {
        let migration = migrate(&json!({}), &v1(), &v2());
        assert_eq!(migration.newly_required, vec!["/email".to_owned()]);
    }
}
