//! An outbox item's state in words: queued, uploading with its share done,
//! waiting for the network, needing the citizen (with the portal's reason,
//! translated), or sent under its dossier code.

use hoso_protocol::command::OutboxState;

use crate::i18n::{Lang, error_text, t, t_n};

/// How a state is shown: a tone for the tag (never the only signal, the tag
/// always carries words too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Neutral,
    Progress,
    Warning,
    Done,
}

/// The translation key of a state's tag.
pub fn state_key(state: &OutboxState) -> &'static str {
    match state {
        OutboxState::Queued => "outbox.queued",
        OutboxState::Uploading { .. } => "outbox.uploading",
        OutboxState::WaitingForNetwork => "outbox.waiting",
        OutboxState::NeedsAction { .. } => "outbox.needs_action",
        OutboxState::Sent { .. } => "outbox.sent",
    }
}

pub fn tone(state: &OutboxState) -> Tone {
    match state {
        OutboxState::Queued | OutboxState::WaitingForNetwork => Tone::Neutral,
        OutboxState::Uploading { .. } => Tone::Progress,
        OutboxState::NeedsAction { .. } => Tone::Warning,
        OutboxState::Sent { .. } => Tone::Done,
    }
}

/// The tag's words, with the share uploaded when uploading.
pub fn state_text(lang: Lang, state: &OutboxState) -> String {
    match state {
        OutboxState::Uploading { percent } => t_n(lang, state_key(state), percent.min(&100)),
        _ => t(lang, state_key(state)),
    }
}

/// The sentence under the tag, when the state has more to say: the
/// translated reason to act, or the dossier code the portal gave.
pub fn detail_text(lang: Lang, state: &OutboxState) -> Option<String> {
    match state {
        OutboxState::NeedsAction { error } => Some(error_text(lang, error.kind)),
        OutboxState::Sent { code } => Some(t(lang, "outbox.sent_code").replace("{code}", code)),
        OutboxState::WaitingForNetwork => Some(t(lang, "outbox.waiting_detail")),
        OutboxState::Queued | OutboxState::Uploading { .. } => None,
    }
}

/// Whether the item has not reached the portal yet (it would be lost by
/// deleting local data).
pub fn is_unsent(state: &OutboxState) -> bool {
    !matches!(state, OutboxState::Sent { .. })
}

#[cfg(test)]
mod tests {
    use hoso_protocol::error::{ErrorEnvelope, ErrorKind};

    use super::*;

    #[test]
    fn an_upload_says_how_far_it_has_got() {
        let state = OutboxState::Uploading { percent: 42 };
        assert_eq!(state_text(Lang::En, &state), "Uploading 42 %");
        assert_eq!(state_text(Lang::Vi, &state), "Đang tải lên 42 %");
    }

    #[test]
    fn a_refused_item_says_why_in_the_citizens_language() {
        let state = OutboxState::NeedsAction { error: ErrorEnvelope::new(ErrorKind::Forbidden, "mandate expired") };
        assert_eq!(state_key(&state), "outbox.needs_action");
        assert_eq!(tone(&state), Tone::Warning);
        assert_eq!(detail_text(Lang::En, &state).as_deref(), Some(error_text(Lang::En, ErrorKind::Forbidden).as_str()));
    }

    #[test]
    fn a_sent_item_names_its_dossier_code() {
        let state = OutboxState::Sent { code: "H01.22-261122-0001".into() };
        assert!(detail_text(Lang::Vi, &state).is_some_and(|text| text.contains("H01.22-261122-0001")));
        assert!(!is_unsent(&state));
    }

    #[test]
    fn every_state_has_words_in_both_languages() {
        let states = [
            OutboxState::Queued,
            OutboxState::Uploading { percent: 0 },
            OutboxState::WaitingForNetwork,
            OutboxState::NeedsAction { error: ErrorEnvelope::new(ErrorKind::Conflict, "") },
            OutboxState::Sent { code: "X".into() },
        ];
        for state in &states {
            for lang in [Lang::Vi, Lang::En] {
                assert_ne!(state_text(lang, state), state_key(state), "{state:?} untranslated in {lang:?}");
            }
        }
    }
}
