//! Profiles: the person who signed in, the enterprises they may act for, and
//! the mandates that say how far.
//!
//! A person always acts under their own identity; acting for an enterprise is
//! a permission that enterprise granted, modelled on Singapore's Corppass (see
//! `domain-vn.md`, "Acting for others"). Whether a call is allowed depends on
//! the day, so every check takes the caller's `today`.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::identity::{CitizenId, PhoneNumber, TaxCode};

/// A citizen as the national identity provider vouches for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    /// The identity provider's stable subject identifier; opaque to the app.
    pub subject: String,
    pub full_name: String,
    pub citizen_id: CitizenId,
    pub date_of_birth: Date,
    /// The mobile number one-time codes and notices go to, if one is known.
    #[serde(default)]
    pub phone: Option<PhoneNumber>,
    /// What this person may do for enterprises; empty for most citizens.
    #[serde(default)]
    pub mandates: Vec<Mandate>,
}

impl Person {
    /// Whether this person may file the procedure `procedure_code` on `today`
    /// for the profile `acting`: always for themselves, and for an enterprise
    /// only under a mandate of that very enterprise that allows it.
    pub fn may_act(&self, acting: &ActingAs, procedure_code: &str, today: Date) -> bool {
        match acting {
            ActingAs::Myself => true,
            ActingAs::Enterprise(tax_code) => {
                self.mandates.iter().any(|m| &m.enterprise == tax_code && m.allows(procedure_code, today))
            }
        }
    }
}

/// An enterprise, or one of its branches, as the business register knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enterprise {
    pub tax_code: TaxCode,
    pub name: String,
    /// For a branch, the enterprise it belongs to, whose code is the branch
    /// code's [`TaxCode::head`]; `None` for an enterprise in its own right.
    #[serde(default)]
    pub parent: Option<TaxCode>,
}

/// How a person comes to act for an enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MandateRole {
    /// The person the register names as legal representative; the law, not a
    /// grant, gives them the right to act, so their mandate has no scope limit.
    LegalRepresentative,
    /// Someone the enterprise authorised, within the scope it chose.
    Authorised,
}

/// Which procedures an authorised person may file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MandateScope {
    All,
    /// National procedure codes such as `1.001193`, compared as written.
    Procedures(Vec<String>),
}

/// A person's permission to act for one enterprise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mandate {
    pub enterprise: TaxCode,
    pub role: MandateRole,
    /// Ignored for a legal representative, who is never limited by scope.
    pub scope: MandateScope,
    /// The last day the mandate holds; `None` until it is revoked.
    #[serde(default)]
    pub expires_on: Option<Date>,
}

impl Mandate {
    /// Whether the mandate still holds on `today`; the expiry day itself counts.
    pub fn is_active(&self, today: Date) -> bool {
        self.expires_on.is_none_or(|last_day| today <= last_day)
    }

    /// Whether the mandate lets its holder file `procedure_code` on `today`.
    pub fn allows(&self, procedure_code: &str, today: Date) -> bool {
        if !self.is_active(today) {
            return false;
        }
        match (self.role, &self.scope) {
            (MandateRole::LegalRepresentative, _) | (MandateRole::Authorised, MandateScope::All) => true,
            (MandateRole::Authorised, MandateScope::Procedures(codes)) => codes.iter().any(|c| c == procedure_code),
        }
    }
}

/// The profile a call acts for: the signed-in person, or an enterprise they
/// hold a mandate for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActingAs {
    Myself,
    Enterprise(TaxCode),
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    const TODAY: Date = date!(2026 - 03 - 30);

    fn tax_code(text: &str) -> TaxCode {
        TaxCode::parse(text).unwrap()
    }

    fn authorised_for(codes: &[&str], expires_on: Option<Date>) -> Mandate {
        Mandate {
            enterprise: tax_code("0100233488"),
            role: MandateRole::Authorised,
            scope: MandateScope::Procedures(codes.iter().map(|c| c.to_string()).collect()),
            expires_on,
        }
    }

    fn person(mandates: Vec<Mandate>) -> Person {
        Person {
            subject: "sub-0001".to_owned(),
            full_name: "Nguyễn Văn An".to_owned(),
            citizen_id: CitizenId::parse("001095012345", TODAY).unwrap(),
            date_of_birth: date!(1995 - 07 - 14),
            phone: Some(PhoneNumber::parse("0912 345 678").unwrap()),
            mandates,
        }
    }

    #[test]
    fn a_mandate_without_expiry_is_always_active() {
        assert!(authorised_for(&[], None).is_active(date!(2999 - 01 - 01)));
    }

    #[test]
    fn a_mandate_holds_through_its_expiry_day_and_not_after() {
        let mandate = authorised_for(&[], Some(TODAY));
        assert!(mandate.is_active(date!(2026 - 03 - 29)));
        assert!(mandate.is_active(TODAY));
        assert!(!mandate.is_active(date!(2026 - 03 - 31)));
    }

    #[test]
    fn an_authorised_person_may_file_only_the_listed_procedures() {
        let mandate = authorised_for(&["1.001193", "2.000123"], None);
        assert!(mandate.allows("1.001193", TODAY));
        assert!(mandate.allows("2.000123", TODAY));
        assert!(!mandate.allows("1.000948", TODAY));
    }

    #[test]
    fn an_authorised_person_with_scope_all_may_file_anything() {
        let mandate = Mandate { scope: MandateScope::All, ..authorised_for(&[], None) };
        assert!(mandate.allows("3.000001", TODAY));
    }

    #[test]
    fn a_legal_representative_is_not_limited_by_a_listed_scope() {
        let mandate = Mandate { role: MandateRole::LegalRepresentative, ..authorised_for(&["1.001193"], None) };
        assert!(mandate.allows("1.000948", TODAY));
    }

    #[test]
    fn an_expired_mandate_allows_nothing_even_to_a_legal_representative() {
        let yesterday = date!(2026 - 03 - 29);
        let mandate = Mandate { role: MandateRole::LegalRepresentative, ..authorised_for(&[], Some(yesterday)) };
        assert!(!mandate.allows("1.001193", TODAY));
    }

    #[test]
    fn a_person_may_always_act_for_themselves() {
        assert!(person(vec![]).may_act(&ActingAs::Myself, "1.001193", TODAY));
    }

    #[test]
    fn a_person_may_act_for_an_enterprise_only_under_its_own_mandate() {
        let someone = person(vec![authorised_for(&["1.001193"], None)]);
        assert!(someone.may_act(&ActingAs::Enterprise(tax_code("0100233488")), "1.001193", TODAY));
        assert!(!someone.may_act(&ActingAs::Enterprise(tax_code("0100233488")), "1.000948", TODAY));
        assert!(!someone.may_act(&ActingAs::Enterprise(tax_code("0314409058")), "1.001193", TODAY));
        assert!(!person(vec![]).may_act(&ActingAs::Enterprise(tax_code("0100233488")), "1.001193", TODAY));
    }

    #[test]
    fn names_on_the_wire_are_stable_snake_case() {
        let mandate = Mandate {
            role: MandateRole::LegalRepresentative,
            scope: MandateScope::All,
            ..authorised_for(&[], Some(TODAY))
        };
        assert_eq!(
            serde_json::to_value(&mandate).unwrap(),
            serde_json::json!({
                "enterprise": "0100233488",
                "role": "legal_representative",
                "scope": "all",
                "expires_on": "2026-03-30",
            })
        );
        assert_eq!(
            serde_json::to_value(authorised_for(&["1.001193"], None).scope).unwrap(),
            serde_json::json!({ "procedures": ["1.001193"] })
        );
        assert_eq!(serde_json::to_value(ActingAs::Myself).unwrap(), serde_json::json!("myself"));
        assert_eq!(
            serde_json::to_value(ActingAs::Enterprise(tax_code("0314409058002"))).unwrap(),
            serde_json::json!({ "enterprise": "0314409058-002" })
        );
    }

    #[test]
    fn a_person_with_mandates_round_trips_through_json() {
        let someone = person(vec![authorised_for(&["1.001193"], Some(TODAY))]);
        let json = serde_json::to_string(&someone).unwrap();
        assert_eq!(serde_json::from_str::<Person>(&json).unwrap(), someone);
    }

    #[test]
    fn a_branch_round_trips_with_its_parent() {
        let branch = Enterprise {
            tax_code: tax_code("0314409058-002"),
            name: "Chi nhánh Đà Nẵng".to_owned(),
            parent: Some(tax_code("0314409058")),
        };
        let json = serde_json::to_string(&branch).unwrap();
        assert_eq!(serde_json::from_str::<Enterprise>(&json).unwrap(), branch);
    }
}
