//! Home: what needs my action, my drafts with "last saved", the outbox, recent dossiers.

use leptos::prelude::*;

use crate::i18n::t;
use crate::state::ctx;

#[component]
pub fn HomePage() -> impl IntoView {
    let lang = ctx().lang;
    view! { <h1>{move || t(lang.get(), "nav.home")}</h1> }
}
