//! One procedure: documents needed, fees, time, level and channels; start a draft.

use leptos::prelude::*;

use crate::i18n::t;
use crate::state::ctx;

#[component]
pub fn ProcedurePage(#[allow(unused_variables)] code: String) -> impl IntoView {
    let lang = ctx().lang;
    view! { <h1>{move || t(lang.get(), "nav.procedure")}</h1> }
}
