//! Settings: language, text size, sign out, delete all local data.

use leptos::prelude::*;

use crate::i18n::t;
use crate::state::ctx;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let lang = ctx().lang;
    view! { <h1>{move || t(lang.get(), "nav.settings")}</h1> }
}
