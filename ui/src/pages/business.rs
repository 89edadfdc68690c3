//! Every filing across the person and their enterprises: a virtualized table with filter, sort and search.

use leptos::prelude::*;

use crate::i18n::t;
use crate::state::ctx;

#[component]
pub fn BusinessPage() -> impl IntoView {
    let lang = ctx().lang;
    view! { <h1>{move || t(lang.get(), "nav.business")}</h1> }
}
