//! Every shipped form judged by the one validator: its valid example passes
//! with no error, its invalid example is refused at exactly the answers the
//! example names, and every code it can give has a place in the translations.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use hoso_domain::form::{FIELD_ERROR_CODES, FormDefinition, FormValidator};
use serde_json::Value;

fn forms_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/forms")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn shipped_forms() -> Vec<FormDefinition> {
    let mut forms: Vec<FormDefinition> = std::fs::read_dir(forms_dir())
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| serde_json::from_value(read_json(&path)).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .collect();
    forms.sort_by(|a, b| a.id.cmp(&b.id));
    forms
}

fn example(form: &FormDefinition, kind: &str) -> Value {
    read_json(&forms_dir().join(format!("examples/{}.v{}.{kind}.json", form.id, form.version)))
}

#[test]
fn at_least_fifteen_forms_ship() {
    assert!(shipped_forms().len() >= 15, "only {} forms", shipped_forms().len());
}

#[test]
fn every_valid_example_passes_the_validator() {
    for form in shipped_forms() {
        let validator = FormValidator::new(&form).unwrap_or_else(|e| panic!("{}: {e:?}", form.id));
        assert_eq!(validator.validate(&example(&form, "valid")), vec![], "{} v{}", form.id, form.version);
    }
}

#[test]
fn every_invalid_example_is_refused_at_the_answers_it_names() {
    for form in shipped_forms() {
        let validator = FormValidator::new(&form).unwrap();
        let invalid = example(&form, "invalid");
        let expected: BTreeSet<String> =
            serde_json::from_value(invalid["errors"].clone()).expect("an `errors` list of pointers");
        let found: BTreeSet<String> = validator.validate(&invalid["data"]).into_iter().map(|e| e.pointer).collect();
        assert!(!expected.is_empty(), "{}: the invalid example names no errors", form.id);
        assert_eq!(found, expected, "{} v{}", form.id, form.version);
    }
}

#[test]
fn an_attachment_answer_must_reference_an_upload_not_a_path() {
    // An attachment answer is `{sha256, media_type, bytes, name}`; a bare
    // string (a local file path, say) must never validate.
    for form in shipped_forms() {
        let validator = FormValidator::new(&form).unwrap();
        let mut data = example(&form, "valid");
        let Some(attachments) = data.get_mut("attachments").and_then(Value::as_object_mut) else { continue };
        let Some(slot) = attachments.keys().next().cloned() else { continue };
        attachments.insert(slot.clone(), Value::String("/sdcard/scan.jpg".into()));
        let pointers: Vec<String> = validator.validate(&data).into_iter().map(|e| e.pointer).collect();
        assert!(pointers.contains(&format!("/attachments/{slot}")), "{}: {pointers:?}", form.id);
    }
}

fn arbitrary_json() -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[0-9/a-zđĐ ]{0,14}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            // Keys the shipped forms use, so the validator walks deep into them.
            prop::collection::btree_map(
                prop::sample::select(vec!["child", "mother", "declarant", "full_name", "attachments", "members", "x"]),
                inner,
                0..5,
            )
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

/// Each shipped form's validator, compiled once for all proptest cases.
fn validators() -> &'static [(String, FormValidator)] {
    static VALIDATORS: std::sync::OnceLock<Vec<(String, FormValidator)>> = std::sync::OnceLock::new();
    VALIDATORS.get_or_init(|| shipped_forms().iter().map(|f| (f.id.clone(), FormValidator::new(f).unwrap())).collect())
}

proptest::proptest! {
    #[test]
    fn no_shipped_form_panics_on_arbitrary_answers(data in arbitrary_json()) {
        for (id, validator) in validators() {
            let errors = validator.validate(&data);
            proptest::prop_assert_eq!(errors.is_empty(), validator.is_valid(&data), "{}", id);
        }
    }
}

/// Every string-valued `"format"` anywhere in a schema.
fn formats_in(schema: &Value, found: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(name)) = map.get("format") {
                found.insert(name.clone());
            }
            map.values().for_each(|v| formats_in(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| formats_in(v, found)),
        _ => {}
    }
}

#[test]
fn every_format_a_shipped_form_uses_has_a_listed_code() {
    // A format without a reason of its own (`email`) is reported as
    // `format.<name>`, which needs a translation like every other code.
    for form in shipped_forms() {
        let mut used = BTreeSet::new();
        formats_in(&form.schema, &mut used);
        for name in used {
            let code = format!("format.{name}");
            assert!(FIELD_ERROR_CODES.contains(&code.as_str()), "{}: {code} is not in FIELD_ERROR_CODES", form.id);
        }
    }
}

#[test]
fn every_code_the_invalid_examples_give_is_listed() {
    for form in shipped_forms() {
        let validator = FormValidator::new(&form).unwrap();
        for error in validator.validate(&example(&form, "invalid")["data"]) {
            assert!(FIELD_ERROR_CODES.contains(&error.code.as_str()), "{}: {error:?}", form.id);
        }
    }
}
