//! A dossier status as a tag: its translated name (`status.<name>`) and a
//! tone for its colour. The words always say the status; colour only helps.

use hoso_domain::dossier::DossierStatus;

use crate::i18n::{Lang, t};

/// The colour family of a status tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusTone {
    /// Not yet with the agency, or nothing to do.
    Neutral,
    /// The agency is working on it.
    Progress,
    /// The citizen must act.
    Action,
    /// Ended well.
    Done,
    /// Ended without a result.
    Ended,
}

impl StatusTone {
    /// The modifier class of `.tag`.
    pub fn class(self) -> &'static str {
        match self {
            Self::Neutral => "tag tag--neutral",
            Self::Progress => "tag tag--progress",
            Self::Action => "tag tag--action",
            Self::Done => "tag tag--done",
            Self::Ended => "tag tag--ended",
        }
    }
}

pub fn tone(status: DossierStatus) -> StatusTone {
    use DossierStatus::*;
    match status {
        Draft | Queued | Submitted | WithdrawalRequested => StatusTone::Neutral,
        Accepted | Processing => StatusTone::Progress,
        SupplementRequested | PaymentRequested | ResultReady => StatusTone::Action,
        ResultDelivered => StatusTone::Done,
        RefusedAtIntake | Stopped | Withdrawn => StatusTone::Ended,
    }
}

/// The status's name for people.
pub fn text(lang: Lang, status: DossierStatus) -> String {
    t(lang, &format!("status.{}", status.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_a_name_in_both_languages() {
        for status in DossierStatus::ALL {
            for lang in [Lang::Vi, Lang::En] {
                let name = text(lang, status);
                assert!(!name.starts_with("status."), "status.{} is not translated in {lang:?}", status.as_str());
            }
        }
    }

    #[test]
    fn statuses_waiting_on_the_citizen_share_the_action_tone() {
        assert_eq!(tone(DossierStatus::SupplementRequested), StatusTone::Action);
        assert_eq!(tone(DossierStatus::PaymentRequested), StatusTone::Action);
        assert_eq!(tone(DossierStatus::ResultReady), StatusTone::Action);
        assert_ne!(tone(DossierStatus::Processing), StatusTone::Action);
    }
}
