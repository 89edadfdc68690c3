//! Actions shared by screens: a confirmation before anything that loses
//! data, the back link, and moving focus.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::t;
use crate::route::Route;
use crate::state::ctx;

/// Moves keyboard focus to the element with `id` (and scrolls to it).
pub fn focus_element(id: &str) {
    if let Some(element) = document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    }
}

/// A destructive action held back by a warning panel that says what will
/// be lost (`children`), with the action and "cancel". The panel takes
/// focus when it opens, so the warning is read before the button.
#[component]
pub fn Confirm(
    /// Translation key of the panel's heading.
    title: &'static str,
    /// Translation key of the button that does it.
    confirm: &'static str,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
    #[prop(into)] busy: Signal<bool>,
    #[prop(optional)] testid: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let lang = ctx().lang;
    let panel = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(panel) = panel.get() {
            let _ = panel.focus();
        }
    });
    view! {
        <div class="confirm" role="alertdialog" aria-labelledby="confirm-title" tabindex="-1" node_ref=panel
            data-testid=testid.unwrap_or("confirm")>
            <h2 id="confirm-title" class="confirm__title">{move || t(lang.get(), title)}</h2>
            {children()}
            <div class="button-group">
                <button type="button" class="button button--warning" data-testid="confirm-yes"
                    disabled=move || busy.get() on:click=move |_| on_confirm.run(())>
                    {move || if busy.get() { t(lang.get(), "common.working") } else { t(lang.get(), confirm) }}
                </button>
                <button type="button" class="button button--secondary" data-testid="confirm-no"
                    on:click=move |_| on_cancel.run(())>
                    {move || t(lang.get(), "common.cancel")}
                </button>
            </div>
        </div>
    }
}

/// "Back" to `to`, above a screen's heading.
#[component]
pub fn BackLink(to: Route) -> impl IntoView {
    let lang = ctx().lang;
    view! {
        <a class="back-link" href=to.fragment() data-testid="back-link">{move || t(lang.get(), "common.back")}</a>
    }
}
