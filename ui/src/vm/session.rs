//! The acting-as switcher's choices: the person, then every enterprise of
//! their profile, each with the `<select>` value that names it.

use hoso_domain::profile::ActingAs;
use hoso_protocol::command::SessionState;

use crate::i18n::{Lang, t};

/// One choice of the switcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActingChoice {
    /// `me`, or the enterprise's tax code.
    pub value: String,
    pub acting_as: ActingAs,
    /// The choice's words, e.g. "Business: Công ty An Phát (0100233488)".
    pub label: String,
}

/// The choices `session` offers: always the person; enterprises once the
/// profile is known.
pub fn choices(lang: Lang, session: &SessionState) -> Vec<ActingChoice> {
    let myself = match &session.profile {
        Some(profile) => t(lang, "acting.myself").replace("{name}", &profile.person.full_name),
        None => t(lang, "acting.myself_plain"),
    };
    let mut list = vec![ActingChoice { value: "me".to_owned(), acting_as: ActingAs::Myself, label: myself }];
    for access in session.profile.iter().flat_map(|p| &p.enterprises) {
        let enterprise = &access.enterprise;
        let name = format!("{} ({})", enterprise.name, enterprise.tax_code);
        list.push(ActingChoice {
            value: enterprise.tax_code.to_string(),
            acting_as: ActingAs::Enterprise(enterprise.tax_code.clone()),
            label: t(lang, "acting.enterprise").replace("{name}", &name),
        });
    }
    list
}

/// The `<select>` value of whom the session acts for.
pub fn value_of(acting_as: &ActingAs) -> String {
    match acting_as {
        ActingAs::Myself => "me".to_owned(),
        ActingAs::Enterprise(tax_code) => tax_code.to_string(),
    }
}

/// The name of whom the session acts for, for "now acting as …".
pub fn name_of(lang: Lang, session: &SessionState) -> String {
    let value = value_of(&session.acting_as);
    choices(lang, session).into_iter().find(|c| c.value == value).map(|c| c.label).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use hoso_domain::identity::{CitizenId, TaxCode};
    use hoso_domain::profile::{Enterprise, Mandate, MandateRole, MandateScope, Person};
    use hoso_protocol::api::account::{AssuranceLevel, EnterpriseAccess, Profile};
    use hoso_protocol::command::AppMode;
    use time::macros::date;

    use super::*;

    fn session(enterprises: Vec<EnterpriseAccess>, acting_as: ActingAs) -> SessionState {
        let person = Person {
            subject: "s".into(),
            full_name: "Nguyễn Văn An".into(),
            citizen_id: CitizenId::parse("001095012345", date!(2026 - 11 - 22)).unwrap(),
            date_of_birth: date!(1995 - 07 - 14),
            phone: None,
            mandates: vec![],
        };
        let profile = Profile { person, assurance: AssuranceLevel::Level2, address: None, enterprises };
        SessionState { mode: AppMode::Demo, signed_in: true, profile: Some(profile), acting_as }
    }

    fn access(tax_code: &str, name: &str) -> EnterpriseAccess {
        let tax_code = TaxCode::parse(tax_code).unwrap();
        EnterpriseAccess {
            enterprise: Enterprise { tax_code: tax_code.clone(), name: name.into(), parent: None },
            mandate: Mandate {
                enterprise: tax_code,
                role: MandateRole::LegalRepresentative,
                scope: MandateScope::All,
                expires_on: None,
            },
        }
    }

    #[test]
    fn the_person_comes_first_then_each_enterprise_by_tax_code() {
        let session = session(vec![access("0100233488", "Công ty An Phát")], ActingAs::Myself);
        let list = choices(Lang::En, &session);
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].label, "Myself: Nguyễn Văn An");
        assert_eq!(list[1].value, "0100233488");
        assert_eq!(list[1].label, "Business: Công ty An Phát (0100233488)");
    }

    #[test]
    fn the_current_choice_is_named_for_the_announcement() {
        let tax_code = TaxCode::parse("0100233488").unwrap();
        let session = session(vec![access("0100233488", "Công ty An Phát")], ActingAs::Enterprise(tax_code));
        assert_eq!(name_of(Lang::Vi, &session), "Doanh nghiệp: Công ty An Phát (0100233488)");
    }
}
