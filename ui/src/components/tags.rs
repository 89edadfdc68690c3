//! Tags: a dossier's status and an outbox item's state, as words with a
//! colour, so the colour never carries the meaning alone.

use hoso_domain::dossier::DossierStatus;
use hoso_protocol::command::OutboxState;
use leptos::prelude::*;

use crate::i18n::Lang;
use crate::state::ctx;
use crate::vm::outbox::{self, Tone};
use crate::vm::status;

#[component]
pub fn StatusTag(status: DossierStatus) -> impl IntoView {
    let lang = ctx().lang;
    view! {
        <strong class=status::tone(status).class() data-testid="status-tag" data-status=status.as_str()>
            {move || status::text(lang.get(), status)}
        </strong>
    }
}

/// [`StatusTag`] in one language, without a reactive text: for the rows of a
/// long table, drawn again when the language changes (the business table
/// keys its rows by the language), where a text effect per row is work each
/// drawn row pays for nothing.
pub fn status_tag(lang: Lang, status: DossierStatus) -> impl IntoView {
    view! {
        <strong class=status::tone(status).class() data-testid="status-tag" data-status=status.as_str()>
            {status::text(lang, status)}
        </strong>
    }
}

/// An outbox item's state; the detail (the reason to act, the dossier code)
/// is the caller's to place, from [`outbox::detail_text`].
#[component]
pub fn OutboxTag(state: OutboxState) -> impl IntoView {
    let lang = ctx().lang;
    let class = match outbox::tone(&state) {
        Tone::Neutral => "tag tag--neutral",
        Tone::Progress => "tag tag--progress",
        Tone::Warning => "tag tag--action",
        Tone::Done => "tag tag--done",
    };
    let key = outbox::state_key(&state).trim_start_matches("outbox.");
    let progress = match &state {
        OutboxState::Uploading { percent } => Some(*percent),
        _ => None,
    };
    view! {
        <strong class=class data-testid="outbox-state" data-state=key>
            {move || outbox::state_text(lang.get(), &state)}
        </strong>
        {progress.map(|percent| view! {
            <progress class="upload-progress" max="100" value=percent.min(100).to_string()></progress>
        })}
    }
}
