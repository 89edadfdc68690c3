//! Bulk filing: pick a file, see per-row validation, submit, download the result report.

use leptos::prelude::*;

use crate::i18n::t;
use crate::state::ctx;

#[component]
pub fn BulkPage() -> impl IntoView {
    let lang = ctx().lang;
    view! { <h1>{move || t(lang.get(), "nav.bulk")}</h1> }
}
