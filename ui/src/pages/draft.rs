//! The form wizard: one group of questions per page, inline validation, attachments, check your answers, submit.

use leptos::prelude::*;

use crate::i18n::t;
use crate::state::ctx;

#[component]
pub fn DraftPage(
    #[allow(unused_variables)] id: String,
    #[allow(unused_variables)] step: crate::route::DraftStep,
) -> impl IntoView {
    let lang = ctx().lang;
    view! { <h1>{move || t(lang.get(), "nav.draft")}</h1> }
}
