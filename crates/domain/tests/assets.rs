//! The shipped assets hold together: the catalogue and every form parse into
//! the domain model, each procedure's form exists and belongs to it, attachment
//! slots bind to the procedure's documents and every document to scan has a
//! slot, agencies resolve against `agencies.json`, codes are unique, layouts
//! point into their schemas, and the example payloads are well-formed JSON of
//! the promised shape.
//!
//! Whether the examples are valid against their schemas is the validator's own
//! test; this one only reads files.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use hoso_domain::catalogue::{AgencyLevel, Localized, Procedure};
use hoso_domain::form::{Condition, FormDefinition, Widget};
use serde::Deserialize;
use serde_json::Value;

fn assets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn procedures() -> Vec<Procedure> {
    let path = assets().join("catalogue/procedures.json");
    serde_json::from_str(&read(&path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every form definition, by file.
fn forms() -> Vec<(PathBuf, FormDefinition)> {
    json_files(&assets().join("forms"))
        .into_iter()
        .map(|path| {
            let form = serde_json::from_str(&read(&path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path, form)
        })
        .collect()
}

fn form_for<'a>(forms: &'a [(PathBuf, FormDefinition)], procedure: &Procedure) -> &'a FormDefinition {
    let reference = procedure.form.as_ref().unwrap_or_else(|| panic!("{} has no form", procedure.code));
    forms
        .iter()
        .map(|(_, f)| f)
        .find(|f| f.id == reference.id && f.version == reference.version)
        .unwrap_or_else(|| panic!("{}: no form {} v{}", procedure.code, reference.id, reference.version))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgencyEntry {
    code: String,
    name: Localized,
    level: AgencyLevel,
}

fn agencies() -> Vec<AgencyEntry> {
    let path = assets().join("catalogue/agencies.json");
    serde_json::from_str(&read(&path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Whether a JSON pointer into the data names a place the schema describes,
/// following `$ref`s into `$defs` and array indexes into `items`.
fn schema_has(root: &Value, pointer: &str) -> bool {
    let mut node = root;
    for segment in pointer.split('/').skip(1) {
        node = deref(root, node);
        let next = match segment.parse::<usize>() {
            Ok(_) => node.get("items"),
            Err(_) => node.get("properties").and_then(|p| p.get(segment)),
        };
        match next {
            Some(n) => node = n,
            None => return false,
        }
    }
    true
}

fn deref<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
        Some(name) => root.pointer(&format!("/$defs/{name}")).unwrap_or_else(|| panic!("dangling $ref {name}")),
        None => node,
    }
}

fn condition_pointers(condition: &Condition, out: &mut Vec<String>) {
    match condition {
        Condition::Equals { pointer, .. } | Condition::NotEquals { pointer, .. } | Condition::OneOf { pointer, .. } => {
            out.push(pointer.clone());
        }
        Condition::All(all) | Condition::Any(all) => all.iter().for_each(|c| condition_pointers(c, out)),
    }
}

#[test]
fn every_procedure_parses_into_the_catalogue_model() {
    let procedures = procedures();
    assert!(procedures.len() >= 15, "only {} procedures", procedures.len());
}

#[test]
fn every_form_file_parses_into_a_form_definition_named_after_its_id_and_version() {
    let forms = forms();
    assert!(forms.len() >= 15, "only {} forms", forms.len());
    for (path, form) in &forms {
        let expected = format!("{}.v{}.json", form.id, form.version);
        assert_eq!(path.file_name().and_then(|n| n.to_str()), Some(expected.as_str()), "{}", path.display());
    }
}

#[test]
fn each_procedures_form_resolves_to_a_file_with_that_id_version_and_procedure() {
    let forms = forms();
    for procedure in procedures() {
        let form = form_for(&forms, &procedure);
        assert_eq!(form.procedure, procedure.code, "form {} belongs elsewhere", form.id);
    }
}

#[test]
fn every_form_belongs_to_a_procedure_of_the_catalogue() {
    let procedures = procedures();
    for (path, form) in forms() {
        let owner = procedures.iter().find(|p| p.code == form.procedure);
        let owner = owner.unwrap_or_else(|| panic!("{}: no procedure {}", path.display(), form.procedure));
        let reference = owner.form.as_ref().expect("the owner refers to a form");
        assert_eq!((reference.id.as_str(), reference.version), (form.id.as_str(), form.version), "{}", path.display());
    }
}

#[test]
fn each_attachment_widget_is_bound_to_one_of_the_procedures_documents() {
    let forms = forms();
    for procedure in procedures() {
        let form = form_for(&forms, &procedure);
        for field in form.fields() {
            if let Widget::Attachment { document } = &field.widget {
                assert!(procedure.document(document).is_some(), "{}: no document {document}", form.id);
                assert_eq!(field.pointer, format!("/attachments/{document}"), "{}", form.id);
            }
        }
    }
}

#[test]
fn every_document_to_scan_has_an_attachment_question_required_exactly_when_the_document_is() {
    // A document that names a template is the declaration the online form
    // itself produces, so it is answered by the form, not scanned.
    let forms = forms();
    for procedure in procedures() {
        let form = form_for(&forms, &procedure);
        let asked: Vec<&str> = form
            .fields()
            .filter_map(|field| match &field.widget {
                Widget::Attachment { document } => Some(document.as_str()),
                _ => None,
            })
            .collect();
        let required: Vec<&str> = form
            .schema
            .pointer("/properties/attachments/required")
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for document in procedure.documents.iter().filter(|d| d.template.is_none()) {
            let id = document.id.as_str();
            assert!(asked.contains(&id), "{} ({}): no question asks for the document {id}", procedure.code, form.id);
            assert!(schema_has(&form.schema, &format!("/attachments/{id}")), "{}: {id} is not in the schema", form.id);
            assert_eq!(required.contains(&id), document.required, "{}: whether {id} is required", form.id);
        }
    }
}

#[test]
fn each_procedures_agency_is_listed_in_agencies_json_as_it_is_named_there() {
    let agencies = agencies();
    for procedure in procedures() {
        let listed = agencies.iter().find(|a| a.code == procedure.agency.code);
        let listed =
            listed.unwrap_or_else(|| panic!("{}: agency {} not listed", procedure.code, procedure.agency.code));
        assert_eq!(listed.name, procedure.agency.name, "{}", procedure.code);
        assert_eq!(listed.level, procedure.agency.level, "{}", procedure.code);
    }
}

#[test]
fn agencies_json_lists_the_34_provinces_after_the_2025_merger() {
    let provinces: Vec<_> = agencies()
        .into_iter()
        .filter(|a| a.level == AgencyLevel::Province && a.code.starts_with("000.00.00.H"))
        .collect();
    assert_eq!(provinces.len(), 34);
    assert!(provinces.iter().all(|p| !p.name.vi.is_empty() && !p.name.en.is_empty()));
}

#[test]
fn procedure_agency_and_form_codes_are_unique() {
    let procedures = procedures();
    let codes: HashSet<_> = procedures.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes.len(), procedures.len(), "procedure codes repeat");
    let full_codes: HashSet<_> = procedures.iter().map(|p| p.full_code.as_str()).collect();
    assert_eq!(full_codes.len(), procedures.len(), "full codes repeat");
    let agencies = agencies();
    let agency_codes: HashSet<_> = agencies.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(agency_codes.len(), agencies.len(), "agency codes repeat");
    let forms = forms();
    let form_ids: HashSet<_> = forms.iter().map(|(_, f)| (f.id.as_str(), f.version)).collect();
    assert_eq!(form_ids.len(), forms.len(), "form ids repeat");
}

#[test]
fn each_procedures_document_ids_are_unique_and_its_full_code_extends_its_code() {
    for procedure in procedures() {
        let ids: HashSet<_> = procedure.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids.len(), procedure.documents.len(), "{}", procedure.code);
        assert!(procedure.full_code.starts_with(&format!("{}.", procedure.code)), "{}", procedure.full_code);
        assert!(!procedure.channels.is_empty(), "{}", procedure.code);
    }
}

#[test]
fn every_layout_field_and_condition_points_into_the_schema() {
    for (_, form) in forms() {
        let mut seen = HashSet::new();
        for page in &form.layout.pages {
            let mut conditions: Vec<&Condition> = page.visible_if.iter().collect();
            for section in &page.sections {
                conditions.extend(&section.visible_if);
                let prefix = match &section.repeat {
                    Some(repeat) => {
                        let array = repeat.pointer.split('/').skip(1).try_fold(&form.schema, |node, key| {
                            deref(&form.schema, node).get("properties").and_then(|p| p.get(key))
                        });
                        let array =
                            deref(&form.schema, array.unwrap_or_else(|| panic!("{}: {}", form.id, repeat.pointer)));
                        assert_eq!(array["type"], "array", "{}: {}", form.id, repeat.pointer);
                        assert_eq!(array["minItems"], u64::from(repeat.min_items), "{}: {}", form.id, repeat.pointer);
                        assert_eq!(array["maxItems"], u64::from(repeat.max_items), "{}: {}", form.id, repeat.pointer);
                        format!("{}/0", repeat.pointer)
                    }
                    None => String::new(),
                };
                for field in &section.fields {
                    let pointer = format!("{prefix}{}", field.pointer);
                    assert!(schema_has(&form.schema, &pointer), "{}: {pointer} is not in the schema", form.id);
                    assert!(seen.insert(pointer.clone()), "{}: {pointer} asked twice", form.id);
                    conditions.extend(&field.visible_if);
                }
            }
            let mut pointers = Vec::new();
            conditions.into_iter().for_each(|c| condition_pointers(c, &mut pointers));
            for pointer in pointers {
                assert!(schema_has(&form.schema, &pointer), "{}: condition on {pointer}", form.id);
            }
        }
    }
}

#[test]
fn forms_are_real_but_not_bloated_and_some_repeat_a_group() {
    let forms = forms();
    for (_, form) in &forms {
        let count = form.fields().count();
        assert!((8..=25).contains(&count), "{} has {count} fields", form.id);
    }
    let repeating =
        forms.iter().filter(|(_, f)| f.layout.pages.iter().flat_map(|p| &p.sections).any(|s| s.repeat.is_some()));
    assert!(repeating.count() >= 1);
}

#[test]
fn every_example_file_is_valid_json_of_the_promised_shape() {
    let dir = assets().join("forms/examples");
    let examples: BTreeMap<String, Value> = json_files(&dir)
        .into_iter()
        .map(|path| {
            let value = serde_json::from_str(&read(&path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path.file_name().and_then(|n| n.to_str()).expect("a file name").to_owned(), value)
        })
        .collect();
    for (_, form) in forms() {
        let stem = format!("{}.v{}", form.id, form.version);
        let valid = examples.get(&format!("{stem}.valid.json")).unwrap_or_else(|| panic!("{stem}: no valid example"));
        assert!(valid.is_object(), "{stem}: the valid example is an object");
        let invalid =
            examples.get(&format!("{stem}.invalid.json")).unwrap_or_else(|| panic!("{stem}: no invalid example"));
        assert!(invalid["data"].is_object(), "{stem}: the invalid example has data");
        let errors = invalid["errors"].as_array().unwrap_or_else(|| panic!("{stem}: the invalid example lists errors"));
        assert!(errors.len() >= 3, "{stem}: a missing field, a bad format and a conditional requirement");
        for error in errors {
            let pointer = error.as_str().unwrap_or_else(|| panic!("{stem}: {error} is not a pointer"));
            assert!(schema_has(&form.schema, pointer), "{stem}: {pointer} is not in the schema");
        }
    }
    assert_eq!(examples.len(), 2 * forms().len(), "an example without a form");
}
