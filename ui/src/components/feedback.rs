//! Telling people what happened: the error summary of a form, a command's
//! error, and notices.

use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use leptos::html;
use leptos::prelude::*;

use super::actions::focus_element;
use crate::i18n::{error_text, t};
use crate::route::Route;
use crate::state::ctx;

/// One line of an [`ErrorSummary`]: the message and the id of the element
/// (the input) it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorLink {
    pub target: String,
    pub text: String,
}

/// The GOV.UK error summary: "There is a problem" and one link per error to
/// the answer to fix. It takes focus when it appears, so a screen reader
/// reads it and the keyboard starts from it; nothing shows while `items` is empty.
///
/// Links move focus themselves: a plain `#id` link would change the route,
/// since routes live in the address's fragment.
#[component]
pub fn ErrorSummary(#[prop(into)] items: Signal<Vec<ErrorLink>>) -> impl IntoView {
    let lang = ctx().lang;
    let summary = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if !items.with(Vec::is_empty)
            && let Some(element) = summary.get()
        {
            let _ = element.focus();
        }
    });
    view! {
        <Show when=move || !items.with(Vec::is_empty)>
            <div class="error-summary" role="alert" tabindex="-1" node_ref=summary data-testid="error-summary">
                <h2 class="error-summary__title">{move || t(lang.get(), "common.error_title")}</h2>
                <ul class="error-summary__list">
                    {move || items.get().into_iter().map(|item| {
                        let target = item.target.clone();
                        view! {
                            <li>
                                <a href=format!("#{}", item.target) on:click=move |ev| {
                                    ev.prevent_default();
                                    focus_element(&target);
                                }>{item.text}</a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        </Show>
    }
}

/// A command's error in the person's language (the envelope's own message
/// is for logs), with "try again" when the screen can retry.
#[component]
pub fn ErrorNotice(error: ErrorEnvelope, #[prop(optional)] retry: Option<Callback<()>>) -> impl IntoView {
    let lang = ctx().lang;
    let kind = error.kind;
    view! {
        <div class="error-summary" role="alert" data-testid="error" data-kind=kind.as_str()>
            <h2 class="error-summary__title">{move || t(lang.get(), "common.error_title")}</h2>
            <p>{move || error_text(lang.get(), kind)}</p>
            {way_on(kind).map(|(route, key)| view! {
                <p><a href=route.fragment() data-testid="error-way-on">{move || t(lang.get(), key)}</a></p>
            })}
            {retry.map(|retry| view! {
                <button type="button" class="button button--secondary" data-testid="retry" on:click=move |_| retry.run(())>
                    {move || t(lang.get(), "common.try_again")}
                </button>
            })}
        </div>
    }
}

/// Where to go when the error has only one way on: sign in again when the
/// session ended, delete the local data when the device's key is lost.
fn way_on(kind: ErrorKind) -> Option<(Route, &'static str)> {
    match kind {
        ErrorKind::Unauthenticated => Some((Route::Welcome, "common.sign_in_again")),
        ErrorKind::CannotDecrypt => Some((Route::Settings, "common.go_to_local_data")),
        _ => None,
    }
}

/// What a [`Notice`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NoticeTone {
    /// Something to know (offline, demo mode).
    #[default]
    Info,
    /// Something went through.
    Success,
    /// Something to be careful about; shows a "!" and the hidden word "Warning".
    Warning,
}

/// A notice: a polite live region (a status message, WCAG 4.1.3), so it is
/// announced without taking focus. Its tone shows by an icon and a hidden
/// word as well as colour.
#[component]
pub fn Notice(
    #[prop(optional)] tone: NoticeTone,
    #[prop(optional, into)] title: Option<Signal<String>>,
    #[prop(optional, into)] testid: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let lang = ctx().lang;
    let (class, hidden) = match tone {
        NoticeTone::Info => ("notice notice--info", "common.important"),
        NoticeTone::Success => ("notice notice--success", "common.success"),
        NoticeTone::Warning => ("notice notice--warning", "common.warning"),
    };
    view! {
        <div class=class role="status" data-testid=testid.unwrap_or("notice")>
            {(tone == NoticeTone::Warning).then(|| view! { <span class="notice__icon" aria-hidden="true">"!"</span> })}
            <div class="notice__body">
                <span class="visually-hidden">{move || t(lang.get(), hidden)} ": "</span>
                {title.map(|title| view! { <p class="notice__title">{title}</p> })}
                {children()}
            </div>
        </div>
    }
}
