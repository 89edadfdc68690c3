//! Settings: language, text size (a class on `<html>`, kept as a
//! preference), signing out (confirmed when items are not sent yet), and
//! deleting everything this device holds, behind a confirmation that says
//! what will be lost.

use hoso_protocol::command::{DeleteLocalData, HomeGet, SignOut, SignOutArgs};
use hoso_protocol::error::ErrorEnvelope;
use leptos::prelude::*;

use crate::components::{Confirm, ErrorNotice, Notice, NoticeTone};
use crate::i18n::{Lang, t, t_n};
use crate::state::{Catalogue, ctx};
use crate::transport::call;
use crate::vm::outbox::is_unsent;
use crate::vm::text_size::TextSize;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let state = ctx();
    let lang = state.lang;
    view! {
        <h1>{move || t(lang.get(), "nav.settings")}</h1>
        <fieldset class="fieldset" data-testid="language">
            <legend class="fieldset__legend">{move || t(lang.get(), "settings.language")}</legend>
            <div class="radios">
                {[(Lang::Vi, "Tiếng Việt"), (Lang::En, "English")].into_iter().map(|(choice, name)| {
                    let id = format!("language-{}", choice.code());
                    view! {
                        <div class="radio">
                            <input type="radio" name="language" id=id.clone() value=choice.code()
                                data-testid=id.clone()
                                prop:checked=move || lang.get() == choice
                                on:change=move |_| lang.set(choice) />
                            <label for=id lang=choice.code()>{name}</label>
                        </div>
                    }
                }).collect_view()}
            </div>
        </fieldset>
        <fieldset class="fieldset" data-testid="text-size">
            <legend class="fieldset__legend">{move || t(lang.get(), "settings.text_size")}</legend>
            <p class="hint">{move || t(lang.get(), "settings.text_size_hint")}</p>
            <div class="radios">
                {TextSize::ALL.into_iter().map(|size| {
                    let id = format!("text-size-{}", size.code());
                    view! {
                        <div class="radio">
                            <input type="radio" name="text-size" id=id.clone() value=size.code()
                                data-testid=id.clone()
                                prop:checked=move || state.text_size.get() == size
                                on:change=move |_| state.text_size.set(size) />
                            <label for=id>{move || t(lang.get(), size.label_key())}</label>
                        </div>
                    }
                }).collect_view()}
            </div>
        </fieldset>
        <Show when=move || state.signed_in()>
            <SignOutSection />
        </Show>
        <LocalDataSection />
        {move || state.info.get().map(|info| view! {
            <p class="muted" data-testid="version">{t(lang.get(), "settings.version").replace("{version}", &info.version)}</p>
        })}
    }
}

/// Signing out. The engine refuses while the person has items not yet sent
/// (`unsent_items`, with how many): the count is shown with a confirmation,
/// and signing out anyway keeps them on the device for this person.
#[component]
fn SignOutSection() -> impl IntoView {
    let state = ctx();
    let lang = state.lang;
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ErrorEnvelope>);
    // How many items held the sign-out back, once the engine refused it.
    let unsent = RwSignal::new(None::<u64>);
    let sign_out = move |force: bool| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match call::<SignOut>(&SignOutArgs { force }).await {
                // The root view sends a signed-out person to the welcome screen.
                Ok(session) => {
                    let _ = unsent.try_set(None);
                    state.session.set(Some(session));
                }
                Err(e) => match e.unsent_count() {
                    Some(count) => {
                        let _ = unsent.try_set(Some(count));
                    }
                    None => {
                        let _ = error.try_set(Some(e));
                    }
                },
            }
            let _ = busy.try_set(false);
        });
    };
    let anyway = Callback::new(move |_| sign_out(true));
    let cancel = Callback::new(move |_| unsent.set(None));
    let name =
        move || state.session.with(|s| s.as_ref().and_then(|s| s.profile.as_ref()).map(|p| p.person.full_name.clone()));
    view! {
        <h2>{move || t(lang.get(), "settings.account")}</h2>
        {move || name().map(|name| view! {
            <p data-testid="signed-in-as">{t(lang.get(), "settings.signed_in_as").replace("{name}", &name)}</p>
        })}
        {move || error.get().map(|error| view! { <ErrorNotice error /> })}
        <Show when=move || unsent.get().is_none()>
            <button type="button" class="button button--secondary" data-testid="sign-out"
                disabled=move || busy.get() on:click=move |_| sign_out(false)>
                {move || t(lang.get(), "settings.sign_out")}
            </button>
        </Show>
        {move || unsent.get().map(|count| view! {
            <Confirm title="settings.unsent_title" confirm="settings.sign_out_anyway" on_confirm=anyway
                on_cancel=cancel busy=busy testid="confirm-sign-out">
                <p data-testid="unsent-count">{move || t_n(lang.get(), "settings.unsent_n", count)}</p>
                <p>{move || t(lang.get(), "settings.unsent_kept")}</p>
            </Confirm>
        })}
    }
}

/// What deleting would lose, counted when the person asks (best effort:
/// without a session or an answer, the confirmation speaks in general terms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct AtStake {
    drafts: usize,
    unsent: usize,
}

#[component]
fn LocalDataSection() -> impl IntoView {
    let state = ctx();
    let lang = state.lang;
    let confirming = RwSignal::new(false);
    let at_stake = RwSignal::new(None::<AtStake>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ErrorEnvelope>);
    let done = RwSignal::new(false);

    let ask = move |_| {
        done.set(false);
        at_stake.set(None);
        confirming.set(true);
        if state.signed_in() {
            leptos::task::spawn_local(async move {
                if let Ok(home) = call::<HomeGet>(&()).await {
                    let unsent = home.outbox.iter().filter(|item| is_unsent(&item.state)).count();
                    let _ = at_stake.try_set(Some(AtStake { drafts: home.drafts.len(), unsent }));
                }
            });
        }
    };
    let delete = Callback::new(move |_| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match call::<DeleteLocalData>(&()).await {
                Ok(session) => {
                    state.catalogue.set(Catalogue::NotLoaded);
                    state.session.set(Some(session));
                    let _ = confirming.try_set(false);
                    let _ = done.try_set(true);
                }
                Err(e) => {
                    let _ = error.try_set(Some(e));
                }
            }
            let _ = busy.try_set(false);
        });
    });
    let cancel = Callback::new(move |_| confirming.set(false));

    view! {
        <h2>{move || t(lang.get(), "settings.local_data")}</h2>
        <p>{move || t(lang.get(), "settings.local_data_lead")}</p>
        <Show when=move || done.get()>
            <Notice tone=NoticeTone::Success testid="local-data-deleted">
                <p>{move || t(lang.get(), "settings.deleted")}</p>
            </Notice>
        </Show>
        {move || error.get().map(|error| view! { <ErrorNotice error /> })}
        <Show when=move || !confirming.get()>
            <button type="button" class="button button--warning" data-testid="delete-local-data" on:click=ask>
                {move || t(lang.get(), "settings.delete")}
            </button>
        </Show>
        <Show when=move || confirming.get()>
            <Confirm title="settings.confirm_title" confirm="settings.confirm_delete" on_confirm=delete
                on_cancel=cancel busy=busy testid="confirm-delete">
                <p>{move || t(lang.get(), "settings.confirm_lead")}</p>
                <ul data-testid="at-stake">
                    <li>{move || match at_stake.get() {
                        Some(stake) => t_n(lang.get(), "settings.lose_drafts_n", stake.drafts),
                        None => t(lang.get(), "settings.lose_drafts"),
                    }}</li>
                    <li>{move || match at_stake.get() {
                        Some(stake) => t_n(lang.get(), "settings.lose_unsent_n", stake.unsent),
                        None => t(lang.get(), "settings.lose_unsent"),
                    }}</li>
                    <li>{move || t(lang.get(), "settings.lose_attachments")}</li>
                    <li>{move || t(lang.get(), "settings.lose_sign_in")}</li>
                </ul>
                <p>{move || t(lang.get(), "settings.kept_at_portal")}</p>
            </Confirm>
        </Show>
    }
}
