//! Home, for the acting profile: what needs my action (each leading to its
//! dossier), my drafts with when each was last saved, the outbox with every
//! item's state, recent dossiers with their status; "sync now", and a notice
//! when the last sync failed (what shows is then the device's copy). It asks
//! again every few seconds while shown, so a status change appears by itself.

use std::time::Duration;

use hoso_protocol::command::{DossierCard, DraftSummary, Home, HomeGet, OutboxItem, OutboxState, SyncNow, SyncOutcome};
use hoso_protocol::error::ErrorEnvelope;
use leptos::prelude::*;

use crate::components::{ErrorNotice, Moment, Notice, NoticeTone, OutboxTag, StatusTag};
use crate::i18n::{Lang, error_text, pick, t, t_n};
use crate::route::{DraftStep, Route};
use crate::state::{Ctx, ctx};
use crate::transport::call;
use crate::vm::home::{ActionItem, action_items, needs_key};
use crate::vm::outbox::detail_text;
use crate::vm::session::name_of;
use crate::vm::time::date;

/// How often the screen asks the engine again while shown.
const REFRESH: Duration = Duration::from_secs(5);

#[component]
pub fn HomePage() -> impl IntoView {
    let state = ctx();
    let lang = state.lang;
    let home = RwSignal::new(None::<Result<Home, ErrorEnvelope>>);
    let loading = RwSignal::new(false);
    let sync = RwSignal::new(None::<Result<SyncOutcome, ErrorEnvelope>>);
    let syncing = RwSignal::new(false);

    let load = move || {
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        leptos::task::spawn_local(async move {
            let answer = Some(call::<HomeGet>(&()).await);
            // Only a change redraws, so a refresh does not take away the
            // keyboard focus or the reading position. The screen may have
            // been left while the answer was on its way: `try_` then does nothing.
            if home.try_with_untracked(|current| current != &answer) == Some(true) {
                let _ = home.try_set(answer);
            }
            let _ = loading.try_set(false);
        });
    };
    // Again whenever the acting profile changes, and every few seconds.
    Effect::new(move |_| {
        state.session.with(|s| s.as_ref().map(|s| s.acting_as.clone()));
        load();
    });
    if let Ok(timer) = set_interval_with_handle(load, REFRESH) {
        on_cleanup(move || timer.clear());
    }

    let sync_now = move |_| {
        syncing.set(true);
        leptos::task::spawn_local(async move {
            let outcome = call::<SyncNow>(&()).await;
            let _ = sync.try_set(Some(outcome));
            let _ = syncing.try_set(false);
            load();
        });
    };

    view! {
        <div class="section-heading">
            <h1>
                <span class="caption" data-testid="home-acting-as">
                    {move || state.session.with(|s| s.as_ref().map(|s| name_of(lang.get(), s)).unwrap_or_default())}
                </span>
                {move || t(lang.get(), "home.heading")}
            </h1>
            <button type="button" class="button button--secondary" data-testid="sync-now"
                disabled=move || syncing.get() on:click=sync_now>
                {move || t(lang.get(), if syncing.get() { "home.syncing" } else { "home.sync_now" })}
            </button>
        </div>
        {move || sync.get().map(|outcome| sync_report(state, outcome))}
        {move || match home.get() {
            None => view! { <p aria-live="polite">{move || t(lang.get(), "common.loading")}</p> }.into_any(),
            Some(Err(error)) => view! {
                <ErrorNotice error retry=Callback::new(move |_| load()) />
            }.into_any(),
            Some(Ok(home)) => home_view(state, home).into_any(),
        }}
    }
}

fn sync_report(state: Ctx, outcome: Result<SyncOutcome, ErrorEnvelope>) -> impl IntoView {
    let lang = state.lang;
    match outcome {
        Ok(SyncOutcome { error: None, sent, changed }) => view! {
            <Notice tone=NoticeTone::Success testid="sync-result">
                <p>{move || t(lang.get(), "home.synced")
                    .replace("{sent}", &sent.to_string())
                    .replace("{changed}", &changed.to_string())}</p>
            </Notice>
        }
        .into_any(),
        Ok(SyncOutcome { error: Some(error), .. }) | Err(error) => view! {
            <Notice tone=NoticeTone::Warning testid="sync-result">
                <p>{move || t(lang.get(), "home.sync_failed")} " " {move || error_text(lang.get(), error.kind)}</p>
            </Notice>
        }
        .into_any(),
    }
}

fn home_view(state: Ctx, home: Home) -> impl IntoView {
    let lang = state.lang;
    let actions = action_items(&home);
    let action_count = actions.len();
    let Home { drafts, outbox, recent, sync_error, .. } = home;
    view! {
        {sync_error.map(|error| view! {
            <Notice tone=NoticeTone::Warning testid="offline"
                title=Signal::derive(move || t(lang.get(), "common.offline_title"))>
                <p>{move || t(lang.get(), "home.offline")} " " {move || error_text(lang.get(), error.kind)}</p>
            </Notice>
        })}
        <section aria-labelledby="needs-heading" data-testid="needs-action">
            <h2 id="needs-heading">{move || t_n(lang.get(), "home.needs_heading", action_count)}</h2>
            {list(lang, actions, "home.needs_none", action_card)}
        </section>
        <section aria-labelledby="drafts-heading" data-testid="drafts">
            <h2 id="drafts-heading">{move || t(lang.get(), "home.drafts_heading")}</h2>
            {list(lang, drafts, "home.drafts_none", draft_card)}
            <p><a href=Route::Catalogue { query: String::new() }.fragment() data-testid="find-procedure">
                {move || t(lang.get(), "home.find_procedure")}
            </a></p>
        </section>
        <section aria-labelledby="outbox-heading" data-testid="outbox">
            <h2 id="outbox-heading">{move || t(lang.get(), "home.outbox_heading")}</h2>
            <p class="hint">{move || t(lang.get(), "home.outbox_hint")}</p>
            {list(lang, outbox, "home.outbox_none", outbox_card)}
        </section>
        <section aria-labelledby="recent-heading" data-testid="recent">
            <h2 id="recent-heading">{move || t(lang.get(), "home.recent_heading")}</h2>
            {list(lang, recent, "home.recent_none", dossier_card)}
        </section>
    }
}

/// A list of cards, or the sentence that says it is empty.
fn list<T: Clone + Send + Sync + 'static, V: IntoView + 'static>(
    lang: RwSignal<Lang>,
    items: Vec<T>,
    empty: &'static str,
    card: fn(Lang, T) -> V,
) -> AnyView {
    if items.is_empty() {
        return view! { <p class="empty">{move || t(lang.get(), empty)}</p> }.into_any();
    }
    view! {
        <ul class="card-list">
            {move || {
                let lang = lang.get();
                items.clone().into_iter().map(|item| card(lang, item)).collect_view()
            }}
        </ul>
    }
    .into_any()
}

fn action_card(lang: Lang, item: ActionItem) -> impl IntoView {
    let ActionItem { needs, card, route } = item;
    let code_attr = card.code.clone().unwrap_or_default();
    let name = pick(lang, &card.procedure_name);
    let call_to_action = t(lang, needs_key(needs));
    view! {
        <li class="card card--action" data-testid="action-item" data-code=code_attr>
            <h3 class="card__title">{match route {
                Some(route) => view! { <a href=route.fragment()>{format!("{call_to_action}: {name}")}</a> }.into_any(),
                None => view! { <span>{format!("{call_to_action}: {name}")}</span> }.into_any(),
            }}</h3>
            <p class="card__row"><StatusTag status=card.status />
                {card.code.clone().map(|code| view! { <span>{code}</span> })}</p>
            {card.due_on.map(|due| view! {
                <p class="card__meta"><strong>{t(lang, "home.due_on").replace("{date}", &date(due))}</strong></p>
            })}
        </li>
    }
}

fn draft_card(lang: Lang, draft: DraftSummary) -> impl IntoView {
    let route = Route::Draft { id: draft.id.clone(), step: DraftStep::Page(0) };
    view! {
        <li class="card" data-testid="draft" data-id=draft.id.clone()>
            <h3 class="card__title"><a href=route.fragment()>{pick(lang, &draft.procedure_name)}</a></h3>
            <p class="card__meta" data-testid="last-saved">
                {t(lang, "home.saved")} " " <Moment moment=draft.saved_at />
            </p>
            {draft.conflict.then(|| view! {
                <p><strong class="tag tag--action">{t(lang, "home.draft_conflict")}</strong></p>
            })}
        </li>
    }
}

fn outbox_card(lang: Lang, item: OutboxItem) -> impl IntoView {
    let detail = detail_text(lang, &item.state);
    let sent_code = match &item.state {
        OutboxState::Sent { code } => Some(code.clone()),
        _ => None,
    };
    let warning = matches!(item.state, OutboxState::NeedsAction { .. });
    view! {
        <li class=if warning { "card card--action" } else { "card" } data-testid="outbox-item"
            data-client-id=item.client_id.clone()>
            <h3 class="card__title">{match sent_code {
                Some(code) => view! {
                    <a href=Route::Dossier { code }.fragment()>{pick(lang, &item.procedure_name)}</a>
                }.into_any(),
                None => view! { <span>{pick(lang, &item.procedure_name)}</span> }.into_any(),
            }}</h3>
            <OutboxTag state=item.state.clone() />
            {detail.map(|text| view! { <p class="card__meta" data-testid="outbox-detail">{text}</p> })}
            <p class="card__meta">{t(lang, "home.queued_at")} " " <Moment moment=item.queued_at /></p>
        </li>
    }
}

fn dossier_card(lang: Lang, card: DossierCard) -> impl IntoView {
    let code_attr = card.code.clone().unwrap_or_default();
    let name = pick(lang, &card.procedure_name);
    view! {
        <li class="card" data-testid="dossier" data-code=code_attr>
            <h3 class="card__title">{match card.code.clone() {
                Some(code) => view! { <a href=Route::Dossier { code }.fragment()>{name}</a> }.into_any(),
                None => view! { <span>{name}</span> }.into_any(),
            }}</h3>
            <p class="card__row"><StatusTag status=card.status />
                {card.code.clone().map(|code| view! { <span>{code}</span> })}</p>
            {card.updated_at.map(|moment| view! {
                <p class="card__meta">{t(lang, "home.updated")} " " <Moment moment /></p>
            })}
            {card.due_on.map(|due| view! {
                <p class="card__meta">{t(lang, "home.due_on").replace("{date}", &date(due))}</p>
            })}
        </li>
    }
}
