//! Answering a supplement request: prefilled from the original, what changed highlighted.

use leptos::prelude::*;

use crate::i18n::t;
use crate::state::ctx;

#[component]
pub fn SupplementPage(#[allow(unused_variables)] code: String) -> impl IntoView {
    let lang = ctx().lang;
    view! { <h1>{move || t(lang.get(), "nav.supplement")}</h1> }
}
