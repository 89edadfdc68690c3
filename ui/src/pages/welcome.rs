//! Welcome and sign-in: one button for the system browser; in demo mode, the demo identities.

use leptos::prelude::*;

use crate::i18n::t;
use crate::state::ctx;

#[component]
pub fn WelcomePage() -> impl IntoView {
    let lang = ctx().lang;
    view! { <h1>{move || t(lang.get(), "nav.welcome")}</h1> }
}
