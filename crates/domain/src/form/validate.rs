//! The one validation of form data, used as the citizen types, in the engine
//! before queueing and in the portal on receipt: JSON Schema 2020-12 through
//! the `jsonschema` crate, with the custom formats of [`super::formats`].
//!
//! All errors are collected, each with the JSON pointer of the answer it is
//! about and a machine code the UI translates (`required`, `too_short`,
//! `cccd.province`…; all of them in [`FIELD_ERROR_CODES`]). The result is
//! sorted, so the same input always gives the same list whatever order the
//! validator visits the schema in.

use jsonschema::error::{ValidationError, ValidationErrorKind};
use serde_json::Value;

use super::{FieldError, FormDefinition, formats};

/// Every code [`FormValidator::validate`] can put in a [`FieldError`]. The UI
/// shows each as `field_error.<code>`, and the tidy test checks that both
/// languages have it, so a code added here without a translation fails.
pub const FIELD_ERROR_CODES: &[&str] = &[
    // The validator's own, one per kind of JSON Schema rule (see `field_errors`).
    REQUIRED,
    UNEXPECTED,
    TYPE,
    NOT_ALLOWED,
    TOO_SHORT,
    TOO_LONG,
    TOO_FEW,
    TOO_MANY,
    TOO_SMALL,
    TOO_SMALL_EXCLUSIVE,
    TOO_LARGE,
    TOO_LARGE_EXCLUSIVE,
    PATTERN,
    DUPLICATE,
    INVALID,
    // Why one of our formats refused a text (see `formats::check`).
    "cccd.shape",
    "cccd.province",
    "mst.shape",
    "mst.check_digit",
    "mst.branch_suffix",
    "phone.shape",
    "phone.prefix",
    "date.shape",
    "date.invalid",
    // A format that failed without a reason: the standard ones the shipped
    // forms use, and ours should a check ever fail without saying why.
    "format.email",
    "format.cccd",
    "format.mst",
    "format.vn-phone",
    "format.date-vn",
];

/// Field errors about an attached file rather than an answer, given by the
/// portal on receipt and by the engine's bulk filing; translated like
/// [`FIELD_ERROR_CODES`] as `field_error.<code>`.
pub const ATTACHMENT_ERROR_CODES: &[&str] = &[UPLOAD_INCOMPLETE, FILE_BESIDE_INPUT];

/// The attachment names an upload that is not complete, or not the submitter's.
pub const UPLOAD_INCOMPLETE: &str = "upload_incomplete";
/// A bulk row names a file beside its input, which a file given as bytes has not.
pub const FILE_BESIDE_INPUT: &str = "attachment.file_beside_input";

/// The codes whose [`FieldError::limit`] holds the bound that was not met
/// (when it is a whole number); their texts say it with `{n}`.
pub const LIMIT_CODES: &[&str] =
    &[TOO_SHORT, TOO_LONG, TOO_FEW, TOO_MANY, TOO_SMALL, TOO_SMALL_EXCLUSIVE, TOO_LARGE, TOO_LARGE_EXCLUSIVE];

const REQUIRED: &str = "required";
const UNEXPECTED: &str = "unexpected";
const TYPE: &str = "type";
/// Not one of the values of an `enum` or `const`.
const NOT_ALLOWED: &str = "not_allowed";
/// Fewer characters than `minLength`.
const TOO_SHORT: &str = "too_short";
const TOO_LONG: &str = "too_long";
/// Fewer items than `minItems`.
const TOO_FEW: &str = "too_few";
const TOO_MANY: &str = "too_many";
/// Below `minimum`: the bound itself is allowed.
const TOO_SMALL: &str = "too_small";
/// Not above `exclusiveMinimum`: the bound itself is refused, so the text differs.
const TOO_SMALL_EXCLUSIVE: &str = "too_small_exclusive";
const TOO_LARGE: &str = "too_large";
const TOO_LARGE_EXCLUSIVE: &str = "too_large_exclusive";
const PATTERN: &str = "pattern";
/// Two equal items where `uniqueItems` forbids it.
const DUPLICATE: &str = "duplicate";
/// Any other rule (`multipleOf`, `not`, `oneOf`…).
const INVALID: &str = "invalid";

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
        // Most answers checked are valid; the boolean check skips building
        // errors and their locations (the portal judges every submission).
        if self.compiled.is_valid(data) {
            return Vec::new();
        }
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
            vec![FieldError { pointer: format!("{at}/{}", escape(name)), code: REQUIRED.into(), limit: None }]
        }
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => unexpected
            .iter()
            .map(|name| FieldError { pointer: format!("{at}/{}", escape(name)), code: UNEXPECTED.into(), limit: None })
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
        ValidationErrorKind::Type { .. } => one(TYPE, None),
        ValidationErrorKind::Enum { .. } | ValidationErrorKind::Constant { .. } => one(NOT_ALLOWED, None),
        ValidationErrorKind::MinLength { limit: n } => one(TOO_SHORT, limit(*n)),
        ValidationErrorKind::MaxLength { limit: n } => one(TOO_LONG, limit(*n)),
        ValidationErrorKind::MinItems { limit: n } => one(TOO_FEW, limit(*n)),
        ValidationErrorKind::MaxItems { limit: n } => one(TOO_MANY, limit(*n)),
        ValidationErrorKind::Minimum { limit: n } => one(TOO_SMALL, number(n)),
        ValidationErrorKind::ExclusiveMinimum { limit: n } => one(TOO_SMALL_EXCLUSIVE, number(n)),
        ValidationErrorKind::Maximum { limit: n } => one(TOO_LARGE, number(n)),
        ValidationErrorKind::ExclusiveMaximum { limit: n } => one(TOO_LARGE_EXCLUSIVE, number(n)),
        ValidationErrorKind::Pattern { .. } => one(PATTERN, None),
        ValidationErrorKind::UniqueItems => one(DUPLICATE, None),
        _ => one(INVALID, None),
    }
}

/// Escapes a property name for use as one JSON pointer token (RFC 6901).
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

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

    #[test]
    fn every_code_the_rules_give_is_listed_and_every_listed_rule_code_can_be_given() {
        let validator = FormValidator::for_schema(&json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["needed"],
            "properties": {
                "kind": {"type": "integer"},
                "choice": {"enum": ["a", "b"]},
                "consent": {"const": true},
                "short": {"type": "string", "minLength": 2},
                "long": {"type": "string", "maxLength": 2},
                "few": {"type": "array", "minItems": 2},
                "many": {"type": "array", "maxItems": 1},
                "small": {"type": "integer", "minimum": 1},
                "above": {"type": "number", "exclusiveMinimum": 0},
                "large": {"type": "integer", "maximum": 9},
                "below": {"type": "number", "exclusiveMaximum": 10},
                "digits": {"type": "string", "pattern": "^[0-9]+$"},
                "distinct": {"type": "array", "uniqueItems": true},
                "even": {"type": "integer", "multipleOf": 2},
                "email": {"type": "string", "format": "email"}
            }
        }))
        .unwrap();
        let errors = validator.validate(&json!({
            "extra": 1, "kind": "one", "choice": "c", "consent": false, "short": "a", "long": "abc",
            "few": [1], "many": [1, 2], "small": 0, "above": 0, "large": 10, "below": 10,
            "digits": "12a", "distinct": [1, 1], "even": 3, "email": "not an email"
        }));
        let given: BTreeSet<&str> = errors.iter().map(|e| e.code.as_str()).collect();
        let unlisted: Vec<_> = given.iter().filter(|code| !FIELD_ERROR_CODES.contains(code)).collect();
        assert!(unlisted.is_empty(), "codes missing from FIELD_ERROR_CODES: {unlisted:?}");
        // The rules' own codes are the listed ones without a dot.
        let listed: BTreeSet<&str> = FIELD_ERROR_CODES.iter().copied().filter(|c| !c.contains('.')).collect();
        assert_eq!(given.iter().copied().filter(|c| !c.contains('.')).collect::<BTreeSet<_>>(), listed);
        assert!(given.contains("format.email"));
        for error in &errors {
            let limited = LIMIT_CODES.contains(&error.code.as_str());
            assert_eq!(error.limit.is_some(), limited, "{error:?}: a limit exactly when the code has one");
        }
    }

    #[test]
    fn every_reason_a_format_gives_is_listed() {
        let refused: &[(&str, &[&str])] = &[
            ("cccd", &["12345", "000099012345"]),
            ("mst", &["123", "0100233480", "0100233488-000"]),
            ("vn-phone", &["12", "0212345678"]),
            ("date-vn", &["2025-01-01", "31/02/2025"]),
        ];
        assert_eq!(refused.iter().map(|(name, _)| *name).collect::<Vec<_>>(), formats::NAMES);
        let given: BTreeSet<&str> = refused
            .iter()
            .flat_map(|(name, texts)| texts.iter().map(move |text| formats::check(name, text)))
            .map(|checked| checked.expect("a known format").expect_err("a refused text"))
            .collect();
        let listed: BTreeSet<&str> =
            FIELD_ERROR_CODES.iter().copied().filter(|c| c.contains('.') && !c.starts_with("format.")).collect();
        assert_eq!(given, listed);
        for name in formats::NAMES {
            let fallback = format!("format.{name}");
            assert!(FIELD_ERROR_CODES.contains(&fallback.as_str()), "{fallback} is not listed");
        }
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
