//! One dossier: status timeline with the legal clock, and what it allows (supplement, withdraw, pay, result, rate).

use leptos::prelude::*;

use crate::i18n::t;
use crate::state::ctx;

#[component]
pub fn DossierPage(#[allow(unused_variables)] code: String) -> impl IntoView {
    let lang = ctx().lang;
    view! { <h1>{move || t(lang.get(), "nav.dossier")}</h1> }
}
