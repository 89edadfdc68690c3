//! Demo controls for support staff: play a scenario, advance the virtual clock, reset everything.

use leptos::prelude::*;

use crate::i18n::t;
use crate::state::ctx;

#[component]
pub fn DemoPage() -> impl IntoView {
    let lang = ctx().lang;
    view! { <h1>{move || t(lang.get(), "nav.demo")}</h1> }
}
