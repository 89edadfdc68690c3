//! How a form is presented to people: pages (one question group per page on
//! phones), sections, fields with widgets, bilingual labels and help,
//! conditional visibility, repeatable groups, attachment slots and prefill.
//!
//! Fields are addressed by JSON pointer into the form's data, e.g.
//! `/child/full_name`. Inside a repeatable group, pointers are relative to
//! one item of the group's array.

use serde::{Deserialize, Serialize};

use crate::catalogue::Localized;

/// A form's presentation: its pages in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Layout {
    pub pages: Vec<Page>,
}

/// One page of the wizard: on a phone, one group of questions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page {
    pub id: String,
    pub title: Localized,
    pub sections: Vec<Section>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_if: Option<Condition>,
}

/// A group of fields, optionally repeated (household members, founders…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Section {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Localized>,
    pub fields: Vec<FieldLayout>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_if: Option<Condition>,
    /// Set when the section is filled once per item of an array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<Repeat>,
}

/// A repeatable group: the array it fills and how many items it takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Repeat {
    /// Pointer to the array, e.g. `/members`.
    pub pointer: String,
    pub min_items: u16,
    pub max_items: u16,
    /// Label of one item, e.g. "Thành viên" / "Member".
    pub item_label: Localized,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldLayout {
    /// Where the answer lives in the data.
    pub pointer: String,
    pub label: Localized,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Localized>,
    pub widget: Widget,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_if: Option<Condition>,
    /// Filled from the signed-in person's identity claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<PrefillClaim>,
}

/// How a question is asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Widget {
    Text,
    Textarea,
    Number,
    /// A date typed as dd/mm/yyyy.
    Date,
    Email,
    Phone,
    CitizenId,
    TaxCode,
    Checkbox,
    Select {
        options: Vec<Choice>,
    },
    Radio {
        options: Vec<Choice>,
    },
    /// An attachment slot bound to one of the procedure's required documents.
    Attachment {
        document: String,
    },
}

/// One option of a select or radio question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Choice {
    pub value: String,
    pub label: Localized,
}

/// When a page, section or field is shown. The schema must make the same
/// answers optional when hidden (with `if`/`then`), since it alone judges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    Equals {
        pointer: String,
        value: serde_json::Value,
    },
    NotEquals {
        pointer: String,
        value: serde_json::Value,
    },
    OneOf {
        pointer: String,
        values: Vec<serde_json::Value>,
    },
    // A condition nests conditions; the schema refers to itself rather than
    // being expanded forever.
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    All(Vec<Condition>),
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    Any(Vec<Condition>),
}

impl Condition {
    /// Whether the condition holds for `data` (the whole form's answers). A
    /// missing answer equals nothing, so `NotEquals` holds for it.
    pub fn holds(&self, data: &serde_json::Value) -> bool {
        match self {
            Self::Equals { pointer, value } => data.pointer(pointer) == Some(value),
            Self::NotEquals { pointer, value } => data.pointer(pointer) != Some(value),
            Self::OneOf { pointer, values } => data.pointer(pointer).is_some_and(|v| values.contains(v)),
            Self::All(all) => all.iter().all(|c| c.holds(data)),
            Self::Any(any) => any.iter().any(|c| c.holds(data)),
        }
    }
}

/// An identity claim a field can be prefilled from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PrefillClaim {
    FullName,
    DateOfBirth,
    CitizenId,
    Address,
    Phone,
    Email,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn equals_holds_only_for_the_same_answer() {
        let condition = Condition::Equals { pointer: "/relation".into(), value: json!("father") };
        assert!(condition.holds(&json!({"relation": "father"})));
        assert!(!condition.holds(&json!({"relation": "mother"})));
        assert!(!condition.holds(&json!({})));
    }

    #[test]
    fn not_equals_holds_for_a_missing_answer() {
        let condition = Condition::NotEquals { pointer: "/relation".into(), value: json!("father") };
        assert!(condition.holds(&json!({})));
    }

    #[test]
    fn all_and_any_combine_conditions() {
        let married = Condition::Equals { pointer: "/married".into(), value: json!(true) };
        let abroad = Condition::OneOf { pointer: "/country".into(), values: vec![json!("FR"), json!("JP")] };
        let data = json!({"married": true, "country": "VN"});
        assert!(!Condition::All(vec![married.clone(), abroad.clone()]).holds(&data));
        assert!(Condition::Any(vec![married, abroad]).holds(&data));
    }

    #[test]
    fn a_widget_serialises_with_a_type_tag() {
        let widget = Widget::Attachment { document: "to-khai".into() };
        assert_eq!(serde_json::to_value(&widget).unwrap(), json!({"type": "attachment", "document": "to-khai"}));
    }
}
