//! Prefilling a form from what the identity provider vouches for, so that a
//! citizen does not type their own name and ID number again.
//!
//! A field opts in with `prefill: <claim>` in its layout; [`prefill`] writes
//! the signed-in person's claim there. It is a pure function of the form, the
//! answers and the claims, and it only ever adds answers:
//!
//! - **It never overwrites.** Only an answer that is missing or `null` is
//!   filled. An empty string is an answer: it is what is left when a person
//!   clears a prefilled value, and filling it again would undo their choice.
//! - **It follows what is shown.** A field on a page, in a section or under a
//!   condition that is hidden for the current answers is left alone, so no data
//!   the person never saw goes out in their name. Because of both rules the
//!   function is idempotent, and callers run it again whenever answers change
//!   (a delivery address appears once "by post" is chosen).
//! - **It skips repeatable sections.** Their items describe other people
//!   (household members, co-founders) or other things, never the person signed
//!   in, and a pointer there is relative to an item that may not exist yet.
//! - **It only walks objects.** Missing objects on the way to the answer are
//!   created; a value of any other kind on the way (an array, a string) is the
//!   person's, so the field is skipped rather than that value replaced.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::Date;

use super::FormDefinition;
use super::layout::{FieldLayout, PrefillClaim};
use crate::profile::Person;

/// What the identity provider vouches for about the person signed in; each
/// claim is `None` when it was not shared.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Claims {
    pub full_name: Option<String>,
    pub date_of_birth: Option<Date>,
    pub citizen_id: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl Claims {
    /// The answer a field prefilled from `claim` receives, as the form's schema
    /// expects it: text as given, dates as `dd/mm/yyyy` (the `date-vn` format).
    /// Blank text counts as no claim, so it cannot pass for an answer.
    pub fn value_of(&self, claim: PrefillClaim) -> Option<Value> {
        let text = match claim {
            PrefillClaim::FullName => &self.full_name,
            PrefillClaim::DateOfBirth => return self.date_of_birth.and_then(date_vn).map(Value::String),
            PrefillClaim::CitizenId => &self.citizen_id,
            PrefillClaim::Address => &self.address,
            PrefillClaim::Phone => &self.phone,
            PrefillClaim::Email => &self.email,
        };
        text.as_deref().map(str::trim).filter(|text| !text.is_empty()).map(|text| Value::String(text.to_owned()))
    }
}

impl From<&Person> for Claims {
    /// The claims of a person as the identity provider described them. The
    /// phone number is written the national way (`0912345678`), as people
    /// write it on paper forms; the address and email are not part of a
    /// `Person` and stay `None` for the caller to add.
    fn from(person: &Person) -> Self {
        Self {
            full_name: Some(person.full_name.clone()),
            date_of_birth: Some(person.date_of_birth),
            citizen_id: Some(person.citizen_id.as_str().to_owned()),
            address: None,
            phone: person.phone.as_ref().map(|phone| phone.national()),
            email: None,
        }
    }
}

/// Writes `date` as `dd/mm/yyyy`; `None` for a year that shape cannot hold.
fn date_vn(date: Date) -> Option<String> {
    let year = date.year();
    (0..=9999).contains(&year).then(|| format!("{:02}/{:02}/{year:04}", date.day(), u8::from(date.month())))
}

/// The answers `data` with every shown, unanswered field whose layout asks for
/// a claim filled from `claims`. See the module documentation for the rules.
pub fn prefill(form: &FormDefinition, data: &Value, claims: &Claims) -> Value {
    let mut filled = match data {
        // A draft nobody has touched may hold no object yet.
        Value::Null => Value::Object(Map::new()),
        Value::Object(_) => data.clone(),
        // Not a form's answers at all: nothing can be filled in safely.
        _ => return data.clone(),
    };
    for field in shown_fields(form, data) {
        let Some(value) = field.prefill.and_then(|claim| claims.value_of(claim)) else {
            continue;
        };
        if let Some(tokens) = pointer_tokens(&field.pointer) {
            fill(&mut filled, &tokens, value);
        }
    }
    filled
}

/// The fields a person filling in `data` sees, outside repeatable sections.
fn shown_fields<'a>(form: &'a FormDefinition, data: &'a Value) -> impl Iterator<Item = &'a FieldLayout> {
    let shown = |condition: &Option<super::Condition>| condition.as_ref().is_none_or(|c| c.holds(data));
    form.layout
        .pages
        .iter()
        .filter(move |page| shown(&page.visible_if))
        .flat_map(|page| &page.sections)
        .filter(move |section| section.repeat.is_none() && shown(&section.visible_if))
        .flat_map(|section| &section.fields)
        .filter(move |field| shown(&field.visible_if))
}

/// The reference tokens of a JSON pointer (RFC 6901), unescaped; `None` for
/// the empty pointer, which names the whole form and is no field, or for
/// text that is not a pointer.
fn pointer_tokens(pointer: &str) -> Option<Vec<String>> {
    let rest = pointer.strip_prefix('/')?;
    // `~1` must be undone before `~0`, or `~01` would wrongly become `/`.
    Some(rest.split('/').map(|token| token.replace("~1", "/").replace("~0", "~")).collect())
}

/// Puts `value` at `tokens` under `node` if nothing is there yet, creating the
/// missing objects on the way; leaves everything as it is otherwise.
fn fill(node: &mut Value, tokens: &[String], value: Value) {
    let Some((last, parents)) = tokens.split_last() else {
        return;
    };
    let mut node = node;
    for token in parents {
        let Value::Object(object) = node else {
            return;
        };
        node = object.entry(token.as_str()).or_insert_with(|| Value::Object(Map::new()));
        // A `null` on the way is no answer: the object can be created there.
        if node.is_null() {
            *node = Value::Object(Map::new());
        }
    }
    if let Value::Object(object) = node {
        let answer = object.entry(last.as_str()).or_insert(Value::Null);
        if answer.is_null() {
            *answer = value;
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::date;

    use super::*;
    use crate::identity::{CitizenId, PhoneNumber};

    /// The form of birth registration as shipped, relative to this file.
    const KHAI_SINH: &str = include_str!("../../../../assets/forms/ho-tich.khai-sinh.v1.json");

    fn claims() -> Claims {
        Claims {
            full_name: Some("Nguyễn Thị Lan".to_owned()),
            date_of_birth: Some(date!(1992 - 05 - 07)),
            citizen_id: Some("001192012345".to_owned()),
            address: Some("12 Phố Huế, Hai Bà Trưng, Hà Nội".to_owned()),
            phone: Some("0912345678".to_owned()),
            email: Some("lan@example.vn".to_owned()),
        }
    }

    /// A small form: an applicant page, a delivery address shown only for
    /// delivery by post, and a repeatable group of household members.
    fn form() -> FormDefinition {
        let field = |pointer: &str, widget: &str, prefill: Option<&str>| {
            json!({
                "pointer": pointer,
                "label": {"vi": pointer, "en": pointer},
                "widget": {"type": widget},
                "prefill": prefill,
            })
        };
        let mut address = field("/delivery_address", "textarea", Some("address"));
        address["visible_if"] = json!({"equals": {"pointer": "/delivery", "value": "post"}});
        let definition = json!({
            "id": "thu-nghiem.prefill",
            "version": 1,
            "procedure": "1.001193",
            "schema": {"type": "object"},
            "layout": {"pages": [
                {
                    "id": "applicant",
                    "title": {"vi": "Người nộp", "en": "Applicant"},
                    "sections": [{"id": "applicant", "fields": [
                        field("/applicant/full_name", "text", Some("full_name")),
                        field("/applicant/date_of_birth", "date", Some("date_of_birth")),
                        field("/applicant/citizen_id", "citizen_id", Some("citizen_id")),
                        field("/applicant/contact/phone", "phone", Some("phone")),
                        field("/applicant/contact/email", "email", Some("email")),
                        field("/applicant/occupation", "text", None),
                    ]}],
                },
                {
                    "id": "delivery",
                    "title": {"vi": "Nhận kết quả", "en": "Result"},
                    "sections": [{"id": "delivery", "fields": [field("/delivery", "text", None), address]}],
                },
                {
                    "id": "household",
                    "title": {"vi": "Hộ gia đình", "en": "Household"},
                    "sections": [{
                        "id": "members",
                        "repeat": {
                            "pointer": "/members",
                            "min_items": 0,
                            "max_items": 5,
                            "item_label": {"vi": "Thành viên", "en": "Member"},
                        },
                        "fields": [field("/full_name", "text", Some("full_name"))],
                    }],
                },
            ]},
        });
        serde_json::from_value(definition).unwrap()
    }

    #[test]
    fn empty_answers_are_filled_from_the_claims() {
        let filled = prefill(&form(), &json!({}), &claims());
        assert_eq!(
            filled,
            json!({
                "applicant": {
                    "full_name": "Nguyễn Thị Lan",
                    "date_of_birth": "07/05/1992",
                    "citizen_id": "001192012345",
                    "contact": {"phone": "0912345678", "email": "lan@example.vn"},
                },
            })
        );
    }

    #[test]
    fn what_a_person_typed_is_never_overwritten() {
        let typed = json!({"applicant": {"full_name": "Nguyễn Thị Mai", "citizen_id": "", "occupation": "Giáo viên"}});
        let filled = prefill(&form(), &typed, &claims());
        assert_eq!(filled["applicant"]["full_name"], "Nguyễn Thị Mai");
        // Cleared on purpose: an empty answer is still an answer.
        assert_eq!(filled["applicant"]["citizen_id"], "");
        assert_eq!(filled["applicant"]["occupation"], "Giáo viên");
        assert_eq!(filled["applicant"]["date_of_birth"], "07/05/1992");
    }

    #[test]
    fn a_null_answer_is_no_answer_and_is_filled() {
        let filled = prefill(&form(), &json!({"applicant": {"full_name": null, "contact": null}}), &claims());
        assert_eq!(filled["applicant"]["full_name"], "Nguyễn Thị Lan");
        assert_eq!(filled["applicant"]["contact"]["phone"], "0912345678");
    }

    #[test]
    fn missing_objects_along_the_pointer_are_created() {
        let filled = prefill(&form(), &json!({"applicant": {"full_name": "An"}}), &claims());
        assert_eq!(filled["applicant"]["contact"], json!({"phone": "0912345678", "email": "lan@example.vn"}));
        // A draft that holds nothing at all yet is an empty form.
        assert_eq!(prefill(&form(), &Value::Null, &claims())["applicant"]["contact"]["email"], "lan@example.vn");
    }

    #[test]
    fn a_value_of_another_kind_on_the_way_is_left_alone() {
        let odd = json!({"applicant": {"contact": "gọi sau 17 giờ"}});
        let filled = prefill(&form(), &odd, &claims());
        assert_eq!(filled["applicant"]["contact"], "gọi sau 17 giờ");
        assert_eq!(filled["applicant"]["full_name"], "Nguyễn Thị Lan");
        // Answers that are not an object at all are not a form's: they come back as they were.
        assert_eq!(prefill(&form(), &json!([1, 2]), &claims()), json!([1, 2]));
    }

    #[test]
    fn fields_in_repeatable_sections_are_not_prefilled() {
        let data = json!({"members": [{}, {"full_name": null}]});
        let filled = prefill(&form(), &data, &claims());
        assert_eq!(filled["members"], json!([{}, {"full_name": null}]));
        assert!(prefill(&form(), &json!({}), &claims()).get("members").is_none());
        assert!(prefill(&form(), &json!({}), &claims()).get("full_name").is_none());
    }

    #[test]
    fn a_hidden_field_is_prefilled_only_once_it_is_shown() {
        let in_person = prefill(&form(), &json!({"delivery": "in_person"}), &claims());
        assert!(in_person.get("delivery_address").is_none());
        let by_post = prefill(&form(), &json!({"delivery": "post"}), &claims());
        assert_eq!(by_post["delivery_address"], "12 Phố Huế, Hai Bà Trưng, Hà Nội");
    }

    #[test]
    fn a_missing_or_blank_claim_fills_nothing() {
        let some =
            Claims { full_name: Some("  ".to_owned()), phone: Some("0912345678".to_owned()), ..Claims::default() };
        let filled = prefill(&form(), &json!({}), &some);
        assert_eq!(filled, json!({"applicant": {"contact": {"phone": "0912345678"}}}));
        assert_eq!(prefill(&form(), &json!({}), &Claims::default()), json!({}));
    }

    #[test]
    fn prefilling_twice_changes_nothing_more() {
        let once = prefill(&form(), &json!({"delivery": "post"}), &claims());
        assert_eq!(prefill(&form(), &once, &claims()), once);
    }

    #[test]
    fn dates_are_written_day_month_year_with_zero_padding() {
        for (date, text) in [
            (date!(1992 - 05 - 07), "07/05/1992"),
            (date!(2001 - 12 - 31), "31/12/2001"),
            (date!(0988 - 01 - 09), "09/01/0988"),
        ] {
            let claims = Claims { date_of_birth: Some(date), ..Claims::default() };
            assert_eq!(claims.value_of(PrefillClaim::DateOfBirth), Some(json!(text)));
            assert_eq!(crate::form::formats::parse_date_vn(text), Ok(date));
        }
        let ancient = Date::from_calendar_date(-1, time::Month::January, 1).unwrap();
        let ancient = Claims { date_of_birth: Some(ancient), ..Claims::default() };
        assert_eq!(ancient.value_of(PrefillClaim::DateOfBirth), None);
    }

    #[test]
    fn pointers_are_unescaped_as_rfc_6901_says() {
        assert_eq!(pointer_tokens("/a~1b/c~0d/~01"), Some(vec!["a/b".to_owned(), "c~d".to_owned(), "~1".to_owned()]));
        assert_eq!(pointer_tokens(""), None);
        assert_eq!(pointer_tokens("applicant/full_name"), None);
    }

    #[test]
    fn claims_read_from_json_may_leave_any_claim_out() {
        let claims: Claims =
            serde_json::from_str(r#"{"full_name": "Lê Văn Tám", "date_of_birth": "1990-01-02"}"#).unwrap();
        assert_eq!(claims.full_name.as_deref(), Some("Lê Văn Tám"));
        assert_eq!(claims.date_of_birth, Some(date!(1990 - 01 - 02)));
        assert_eq!(claims.email, None);
        assert_eq!(serde_json::from_str::<Claims>("{}").unwrap(), Claims::default());
    }

    #[test]
    fn a_persons_claims_write_the_phone_number_the_national_way() {
        let today = date!(2026 - 03 - 30);
        let person = Person {
            subject: "sub-0001".to_owned(),
            full_name: "Nguyễn Văn An".to_owned(),
            citizen_id: CitizenId::parse("001095012345", today).unwrap(),
            date_of_birth: date!(1995 - 07 - 14),
            phone: Some(PhoneNumber::parse("+84 912 345 678").unwrap()),
            mandates: Vec::new(),
        };
        let claims = Claims::from(&person);
        assert_eq!(claims.citizen_id.as_deref(), Some("001095012345"));
        assert_eq!(claims.phone.as_deref(), Some("0912345678"));
        assert_eq!(claims.value_of(PrefillClaim::DateOfBirth), Some(json!("14/07/1995")));
        assert_eq!(claims.address, None);
    }

    #[test]
    fn the_shipped_birth_registration_form_prefills_the_declarants_name_and_id() {
        let form: FormDefinition = serde_json::from_str(KHAI_SINH).unwrap();
        assert_eq!(form.id, "ho-tich.khai-sinh");
        let started = json!({"child": {"full_name": "Trần Minh Khôi"}, "father_known": true});
        let filled = prefill(&form, &started, &claims());
        assert_eq!(filled["declarant"]["full_name"], "Nguyễn Thị Lan");
        assert_eq!(filled["declarant"]["citizen_id"], "001192012345");
        assert_eq!(filled["declarant"]["phone"], "0912345678");
        // The child and the parents are other people: none of their answers come from the claims.
        assert_eq!(filled["child"], json!({"full_name": "Trần Minh Khôi"}));
        assert!(filled.get("mother").is_none() && filled.get("father").is_none());
        // What the declarant chose is theirs to choose.
        assert!(filled["declarant"].get("relation").is_none());
    }
}
