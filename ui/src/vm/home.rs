//! The home screen's decisions: what a dossier waits on the citizen for, the
//! order of the "needs your action" list, and where each of its items leads.

use hoso_domain::dossier::DossierStatus;
use hoso_protocol::command::{DossierCard, Home, NeedsAction};

use crate::route::Route;

/// What `card` waits on the citizen for: the engine's word when it gave one,
/// otherwise what the status asks (an older store may lack `needs`).
pub fn needs(card: &DossierCard) -> Option<NeedsAction> {
    card.needs.or(match card.status {
        DossierStatus::SupplementRequested => Some(NeedsAction::Supplement),
        DossierStatus::PaymentRequested => Some(NeedsAction::Payment),
        DossierStatus::ResultReady => Some(NeedsAction::Result),
        _ => None,
    })
}

/// The translation key of the call to action.
pub fn needs_key(needs: NeedsAction) -> &'static str {
    match needs {
        NeedsAction::Supplement => "home.needs.supplement",
        NeedsAction::Payment => "home.needs.payment",
        NeedsAction::Result => "home.needs.result",
    }
}

/// One line of "needs your action".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    pub needs: NeedsAction,
    pub card: DossierCard,
    /// Where the line leads: the dossier, where the action is taken.
    pub route: Option<Route>,
}

/// The dossiers waiting on the citizen, from `needs_action` and from recent
/// dossiers whose status asks for something, once each, the nearest due date
/// first (undated last), so the most urgent is read first.
pub fn action_items(home: &Home) -> Vec<ActionItem> {
    let mut seen = std::collections::HashSet::new();
    let mut items: Vec<ActionItem> = home
        .needs_action
        .iter()
        .chain(&home.recent)
        .filter(|card| seen.insert(card.client_id.clone()))
        .filter_map(|card| {
            needs(card).map(|needs| ActionItem {
                needs,
                card: card.clone(),
                route: card.code.clone().map(|code| Route::Dossier { code }),
            })
        })
        .collect();
    items.sort_by_key(|item| (item.card.due_on.is_none(), item.card.due_on));
    items
}

#[cfg(test)]
mod tests {
    use hoso_domain::catalogue::{Localized, ProcedureCode};
    use hoso_domain::profile::ActingAs;
    use time::Date;
    use time::macros::date;

    use super::*;

    fn card(id: &str, status: DossierStatus, due_on: Option<Date>) -> DossierCard {
        DossierCard {
            client_id: id.to_owned(),
            code: Some(format!("H01-{id}")),
            procedure: ProcedureCode::parse("1.001193").unwrap(),
            procedure_name: Localized { vi: "Đăng ký khai sinh".into(), en: "Birth registration".into() },
            acting_as: ActingAs::Myself,
            status,
            updated_at: None,
            due_on,
            needs: None,
        }
    }

    fn home(needs_action: Vec<DossierCard>, recent: Vec<DossierCard>) -> Home {
        Home { needs_action, drafts: vec![], outbox: vec![], recent, sync_error: None }
    }

    #[test]
    fn a_status_that_asks_something_of_the_citizen_needs_action() {
        assert_eq!(needs(&card("a", DossierStatus::SupplementRequested, None)), Some(NeedsAction::Supplement));
        assert_eq!(needs(&card("a", DossierStatus::ResultReady, None)), Some(NeedsAction::Result));
        assert_eq!(needs(&card("a", DossierStatus::Processing, None)), None);
    }

    #[test]
    fn the_engines_word_wins_over_the_status() {
        let mut paid = card("a", DossierStatus::Processing, None);
        paid.needs = Some(NeedsAction::Payment);
        assert_eq!(needs(&paid), Some(NeedsAction::Payment));
    }

    #[test]
    fn the_nearest_due_date_comes_first_and_each_dossier_once() {
        let later = card("later", DossierStatus::PaymentRequested, Some(date!(2026 - 12 - 10)));
        let sooner = card("sooner", DossierStatus::SupplementRequested, Some(date!(2026 - 11 - 30)));
        let undated = card("undated", DossierStatus::ResultReady, None);
        let calm = card("calm", DossierStatus::Processing, None);
        let items = action_items(&home(vec![undated.clone(), later.clone()], vec![later, sooner, calm]));
        let ids: Vec<_> = items.iter().map(|item| item.card.client_id.as_str()).collect();
        assert_eq!(ids, ["sooner", "later", "undated"]);
        assert_eq!(items[0].route, Some(Route::Dossier { code: "H01-sooner".into() }));
    }

    #[test]
    fn a_dossier_without_a_code_yet_links_nowhere() {
        let mut unsent = card("x", DossierStatus::SupplementRequested, None);
        unsent.code = None;
        assert_eq!(action_items(&home(vec![unsent], vec![]))[0].route, None);
    }
}
