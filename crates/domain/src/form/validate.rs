//! The one validation of form data, used as the citizen types, in the engine
//! before queueing and in the portal on receipt: JSON Schema 2020-12 through
//! the `jsonschema` crate, with the custom formats of [`super::formats`].
//!
//! All errors are collected, each with the JSON pointer of the answer it is
//! about and a machine code the UI translates (`required`, `too_short`,
//! `cccd.province`…). The result is sorted, so the same input always gives
//! the same list whatever order the validator visits the schema in.

use jsonschema::error::{ValidationError, ValidationErrorKind};
use serde_json::Value;

use super::{FieldError, FormDefinition, formats};

/// Why a form definition cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormDefinitionError {
    /// The schema is not valid JSON Schema 2020-12; the detail is for logs.
    #[error("form.schema_invalid")]
    SchemaInvalid(String),
}

/// A compiled form schema, ready to judge answers. Compile once per form
/// version and reuse it.
pub struct FormValidator {
    compiled: jsonschema::Validator,
}

impl std::fmt::Debug for FormValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FormValidator").finish_non_exhaustive()
    }
}

impl FormValidator {
    pub fn new(definition: &FormDefinition) -> Result<Self, FormDefinitionError> {
        Self::for_schema(&definition.schema)
    }

    pub fn for_schema(schema: &Value) -> Result<Self, FormDefinitionError> {
        let mut options =
            jsonschema::options().with_draft(jsonschema::Draft::Draft202012).should_validate_formats(true);
        for name in formats::NAMES {
            options = options.with_format(name, move |value: &str| formats::check(name, value) == Some(Ok(())));
        }
        let compiled = options.build(schema).map_err(|e| FormDefinitionError::SchemaInvalid(e.to_string()))?;
        Ok(Self { compiled })
    }

    /// Every error in `data`, sorted by pointer then code; empty when valid.
    pub fn validate(&self, data: &Value) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> = self.compiled.iter_errors(data).flat_map(|e| field_errors(&e)).collect();
        errors.sort();
        errors.dedup();
        errors
    }

    pub fn is_valid(&self, data: &Value) -> bool {
        self.compiled.is_valid(data)
    }
}

fn field_errors(error: &ValidationError<'_>) -> Vec<FieldError> {
    let at = error.instance_path().to_string();
    let one = |code: &str, limit: Option<i64>| vec![FieldError { pointer: at.clone(), code: code.to_owned(), limit }];
    let limit = |n: u64| Some(i64::try_from(n).unwrap_or(i64::MAX));
    let number = |v: &Value| v.as_i64();
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            vec![FieldError { pointer: format!("{at}/{}", escape(name)), code: "required".into(), limit: None }]
        }
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => unexpected
            .iter()
            .map(|name| FieldError {
                pointer: format!("{at}/{}", escape(name)),
                code: "unexpected".into(),
                limit: None,
            })
            .collect(),
        ValidationErrorKind::Format { format } => {
            // Re-run the format to learn *why* it failed (cccd.province, date.invalid…).
            let code = error
                .instance()
                .as_str()
                .and_then(|text| formats::check(format, text))
                .and_then(Result::err)
                .map_or_else(|| format!("format.{format}"), str::to_owned);
            one(&code, None)
        }
        ValidationErrorKind::Type { .. } => one("type", None),
        ValidationErrorKind::Enum { .. } | ValidationErrorKind::Constant { .. } => one("not_allowed", None),
        ValidationErrorKind::MinLength { limit: n } => one("too_short", limit(*n)),
        ValidationErrorKind::MaxLength { limit: n } => one("too_long", limit(*n)),
        ValidationErrorKind::MinItems { limit: n } => one("too_few", limit(*n)),
        ValidationErrorKind::MaxItems { limit: n } => one("too_many", limit(*n)),
        ValidationErrorKind::Minimum { limit: n } | ValidationErrorKind::ExclusiveMinimum { limit: n } => {
            one("too_small", number(n))
        }
        ValidationErrorKind::Maximum { limit: n } | ValidationErrorKind::ExclusiveMaximum { limit: n } => {
            one("too_large", number(n))
        }
        ValidationErrorKind::Pattern { .. } => one("pattern", None),
        ValidationErrorKind::UniqueItems => one("duplicate", None),
        _ => one("invalid", None),
    }
}

/// Escapes a property name for use as one JSON pointer token (RFC 6901).
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    fn validator() -> FormValidator {
        FormValidator::for_schema(&json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["name", "tax_code"],
            "properties": {
                "name": {"type": "string", "minLength": 2},
                "tax_code": {"type": "string", "format": "mst"},
                "born": {"type": "string", "format": "date-vn"},
                "members": {"type": "array", "maxItems": 2, "items": {"type": "string"}}
            }
        }))
        .unwrap()
    }

    fn codes(errors: &[FieldError]) -> Vec<(&str, &str)> {
        errors.iter().map(|e| (e.pointer.as_str(), e.code.as_str())).collect()
    }

    #[test]
    fn valid_answers_produce_no_errors() {
        assert_eq!(validator().validate(&json!({"name": "An", "tax_code": "0100233488"})), vec![]);
    }

    #[test]
    fn all_errors_are_collected_with_their_pointers() {
        let errors = validator().validate(&json!({
            "name": "A", "born": "31/02/2020", "members": ["a", "b", "c"], "extra": 1
        }));
        assert_eq!(
            codes(&errors),
            vec![
                ("/born", "date.invalid"),
                ("/extra", "unexpected"),
                ("/members", "too_many"),
                ("/name", "too_short"),
                ("/tax_code", "required"),
            ]
        );
        assert_eq!(errors.iter().find(|e| e.pointer == "/name").unwrap().limit, Some(2));
    }

    #[test]
    fn a_bad_identity_number_reports_the_precise_reason() {
        let errors = validator().validate(&json!({"name": "An", "tax_code": "0100233480"}));
        assert_eq!(codes(&errors), vec![("/tax_code", "mst.check_digit")]);
    }

    #[test]
    fn a_schema_that_is_not_json_schema_is_refused() {
        let error = FormValidator::for_schema(&json!({"type": "no-such-type"})).unwrap_err();
        assert_eq!(error.to_string(), "form.schema_invalid");
    }

    fn arbitrary_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            ".{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map("[a-z_/~]{0,8}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn validation_never_panics_on_arbitrary_json(data in arbitrary_json()) {
            let errors = validator().validate(&data);
            prop_assert_eq!(errors.is_empty(), validator().is_valid(&data));
        }
    }
}
