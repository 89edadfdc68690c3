//! One dossier: its status, the legal clock (due date in working days,
//! paused, due soon, overdue), the actions its status allows (answer a
//! supplement request, pay, download the result, rate, withdraw with a reason
//! and a confirmation), the receipt, and the timeline newest first with who
//! acted. Offline, the last copy the device kept, with a notice saying so.

use std::time::Duration;

use hoso_domain::dossier::vietnam_date;
use hoso_protocol::api::dossier::DossierDetail;
use hoso_protocol::command::{
    DossierCode, DossierGet, DossierView, PaymentStart, Rate, RateArgs, ResultDownload, Withdraw, WithdrawArgs,
};
use hoso_protocol::error::ErrorEnvelope;
use leptos::prelude::*;

use crate::components::{Confirm, ErrorLink, ErrorNotice, ErrorSummary, Notice, NoticeTone, StatusTag};
use crate::format::vnd;
use crate::i18n::{error_text, pick, t, t_n};
use crate::model::base64;
use crate::model::dossier::{
    Action, MAX_COMMENT, SCORES, actions, actor_key, clock_matters, clock_tone, newest_first, working_days_left,
};
use crate::pages::draft::io;
use crate::route::Route;
use crate::state::{ctx, local_offset};
use crate::transport::{call, in_shell};
use crate::vm::time::{date, date_time};

/// How often the screen asks again while a payment is awaited.
const PAYMENT_POLL: Duration = Duration::from_secs(5);

#[component]
pub fn DossierPage(code: String) -> impl IntoView {
    let state = ctx();
    let lang = state.lang;
    let current = RwSignal::new(None::<DossierView>);
    let load_error = RwSignal::new(None::<ErrorEnvelope>);
    let refreshing = RwSignal::new(false);
    let code = StoredValue::new(code);

    let refresh = move || {
        refreshing.set(true);
        leptos::task::spawn_local(async move {
            let Some(code) = code.try_get_value() else { return };
            match call::<DossierGet>(&DossierCode { code }).await {
                Ok(view) => {
                    current.try_set(Some(view));
                    load_error.try_set(None);
                }
                Err(error) => {
                    load_error.try_set(Some(error));
                }
            }
            refreshing.try_set(false);
        });
    };
    refresh();

    let actions = Memo::new(move |_| {
        current.with(|v| v.as_ref().map(|v| actions(&v.detail, v.supplement_draft)).unwrap_or_default())
    });
    let has = move |wanted: fn(&Action) -> bool| move || actions.with(|a| a.iter().any(wanted));

    // While a payment is awaited, ask again every few seconds.
    let awaiting = RwSignal::new(false);
    let paying = Memo::new(move |_| {
        awaiting.get() || actions.with(|a| a.iter().any(|x| matches!(x, Action::Pay { awaiting: true, .. })))
    });
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if paying.try_get_untracked() == Some(true) && refreshing.try_get_untracked() == Some(false) {
                refresh();
            }
        },
        PAYMENT_POLL,
    ) {
        on_cleanup(move || handle.clear());
    }
    Effect::new(move |_| {
        if !actions.with(|a| a.iter().any(|x| matches!(x, Action::Pay { .. }))) {
            awaiting.set(false);
        }
    });

    let detail = move || current.with(|v| v.as_ref().map(|v| v.detail.clone()));
    let header = move || {
        current.get().map(|view| {
            let lang = lang.get();
            let summary = &view.detail.summary;
            let offline = view.offline.as_ref().map(|error| {
                let kind = error.kind;
                view! {
                    <Notice tone=NoticeTone::Warning testid="dossier-offline">
                        <p>{move || t(lang, "dossier.offline")} " " {error_text(lang, kind)}</p>
                    </Notice>
                }
            });
            view! {
                <p class="caption">{t(lang, "dossier.code")} " " <strong data-testid="dossier-code">{summary.code.clone()}</strong></p>
                <h1>{pick(lang, &view.procedure_name)}</h1>
                <p class="dossier__status"><StatusTag status=summary.status /></p>
                <dl class="answers answers--compact">
                    <div class="answers__row">
                        <dt class="answers__key">{t(lang, "dossier.submitted_at")}</dt>
                        <dd class="answers__value">{date_time(summary.submitted_at, local_offset())}</dd>
                    </div>
                    <div class="answers__row">
                        <dt class="answers__key">{t(lang, "dossier.updated_at")}</dt>
                        <dd class="answers__value">{date_time(summary.updated_at, local_offset())}</dd>
                    </div>
                </dl>
                {offline}
            }
        })
    };

    view! {
        <div class="dossier" data-testid="dossier">
            <a class="back-link" href=Route::Home.fragment() data-testid="back-link">{move || t(lang.get(), "common.back")}</a>
            {move || (current.with(Option::is_none) && load_error.with(Option::is_none)).then(|| view! {
                <p class="loading" role="status">{move || t(lang.get(), "common.loading")}</p>
            })}
            {move || load_error.get().map(|error| view! {
                <ErrorNotice error retry=Callback::new(move |()| refresh()) />
            })}
            {header}
            {move || detail().map(|d| view! { <Clock detail=d /> })}
            {move || current.with(|v| v.as_ref().and_then(|v| v.detail.supplement_request.clone())).filter(|_| has(|a| matches!(a, Action::AnswerSupplement { .. }))()).map(|request| {
                let resume = actions.with(|a| a.iter().any(|x| matches!(x, Action::AnswerSupplement { resume: true })));
                let code = code.get_value();
                view! {
                    <section class="dossier-section dossier-section--action" data-testid="action-supplement">
                        <h2>{move || t(lang.get(), "dossier.supplement.title")}</h2>
                        <p>{move || t(lang.get(), "dossier.supplement.reason")}</p>
                        <blockquote class="officer-note">{request.reason.clone()}</blockquote>
                        <a class="button" href=Route::Supplement { code }.fragment() data-testid="answer-supplement">
                            {move || if resume { t(lang.get(), "dossier.supplement.resume") } else { t(lang.get(), "dossier.supplement.start") }}
                        </a>
                    </section>
                }
            })}
            <Show when=has(|a| matches!(a, Action::Pay { .. }))>
                <Payment current code awaiting refresh=Callback::new(move |()| refresh()) />
            </Show>
            {move || current.with(|v| v.as_ref().and_then(|v| v.detail.receipt.clone())).map(|receipt| {
                let lang = lang.get();
                view! {
                    <section class="dossier-section" data-testid="receipt">
                        <h2>{t(lang, "dossier.receipt.title")}</h2>
                        <dl class="answers answers--compact">
                            <div class="answers__row">
                                <dt class="answers__key">{t(lang, "dossier.receipt.amount")}</dt>
                                <dd class="answers__value">{vnd(receipt.amount_vnd, lang)}</dd>
                            </div>
                            <div class="answers__row">
                                <dt class="answers__key">{t(lang, "dossier.receipt.paid_at")}</dt>
                                <dd class="answers__value">{date_time(receipt.paid_at, local_offset())}</dd>
                            </div>
                            <div class="answers__row">
                                <dt class="answers__key">{t(lang, "dossier.receipt.reference")}</dt>
                                <dd class="answers__value">{receipt.reference.clone()}</dd>
                            </div>
                            <div class="answers__row">
                                <dt class="answers__key">{t(lang, "dossier.receipt.payment_id")}</dt>
                                <dd class="answers__value">{receipt.payment_id.clone()}</dd>
                            </div>
                        </dl>
                    </section>
                }
            })}
            <Show when=has(|a| matches!(a, Action::DownloadResult))>
                <ResultSection current code />
            </Show>
            <Show when=has(|a| matches!(a, Action::Rate))>
                <RateSection current code />
            </Show>
            {move || current.with(|v| v.as_ref().and_then(|v| v.detail.rating.clone())).map(|rating| {
                let lang = lang.get();
                view! {
                    <section class="dossier-section" data-testid="rating-given">
                        <h2>{t(lang, "dossier.rate.given_title")}</h2>
                        <p>{t(lang, "dossier.rate.given").replace("{score}", &rating.score.to_string())}</p>
                        {rating.comment.map(|c| view! { <blockquote class="officer-note">{c}</blockquote> })}
                    </section>
                }
            })}
            <Show when=has(|a| matches!(a, Action::Withdraw { .. }))>
                <WithdrawSection current code actions />
            </Show>
            {move || detail().map(|d| view! { <Timeline detail=d /> })}
            <p>
                <button type="button" class="link-button" data-testid="refresh" disabled=move || refreshing.get()
                    on:click=move |_| refresh()>
                    {move || if refreshing.get() { t(lang.get(), "common.working") } else { t(lang.get(), "dossier.refresh") }}
                </button>
            </p>
        </div>
    }
}

/// The legal clock: due date, working days left, and its state as a tag.
#[component]
fn Clock(detail: DossierDetail) -> impl IntoView {
    let state = ctx();
    let lang = state.lang;
    let Some(clock) = detail.clock.clone().filter(|_| clock_matters(detail.summary.status)) else {
        return ().into_any();
    };
    let tone = clock_tone(&clock);
    let left = move || {
        let today = vietnam_date(state.now.get());
        working_days_left(today, clock.due_on)
    };
    view! {
        <section class="dossier-section" data-testid="clock" data-clock=tone.key()>
            <h2>{move || t(lang.get(), "dossier.clock.title")}</h2>
            <p><strong class=tone.class()>{move || t(lang.get(), tone.key())}</strong></p>
            <dl class="answers answers--compact">
                <div class="answers__row">
                    <dt class="answers__key">{move || t(lang.get(), "dossier.clock.due_on")}</dt>
                    <dd class="answers__value" data-testid="due-on">{date(clock.due_on)}</dd>
                </div>
                <div class="answers__row">
                    <dt class="answers__key">{move || t(lang.get(), "dossier.clock.allowed")}</dt>
                    <dd class="answers__value">
                        {move || t_n(lang.get(), "dossier.clock.working_days", clock.processing_days)
                            .replace("{date}", &date(clock.accepted_on))}
                    </dd>
                </div>
                {move || (!clock.paused && !clock.overdue).then(left).flatten().map(|n| view! {
                    <div class="answers__row">
                        <dt class="answers__key">{move || t(lang.get(), "dossier.clock.left")}</dt>
                        <dd class="answers__value">{move || t_n(lang.get(), "dossier.clock.days_left", n)}</dd>
                    </div>
                })}
            </dl>
            {clock.paused.then(|| view! { <p>{move || t(lang.get(), "dossier.clock.paused_help")}</p> })}
            {clock.overdue.then(|| view! { <p>{move || t(lang.get(), "dossier.clock.overdue_help")}</p> })}
        </section>
    }
    .into_any()
}

/// The timeline, newest first, with who acted and the note.
#[component]
fn Timeline(detail: DossierDetail) -> impl IntoView {
    let lang = ctx().lang;
    let entries: Vec<_> = newest_first(&detail.timeline).into_iter().cloned().collect();
    let items = entries
        .into_iter()
        .map(|entry| {
            let at = date_time(entry.at, local_offset());
            let status = entry.to;
            let actor = actor_key(entry.actor);
            view! {
                <li class="timeline__item" data-testid="timeline-entry" data-status=status.as_str()>
                    <p class="timeline__status">{move || crate::vm::status::text(lang.get(), status)}</p>
                    <p class="timeline__meta"><time>{at}</time> " · " {move || t(lang.get(), actor)}</p>
                    {entry.note.map(|note| view! { <p class="timeline__note">{note}</p> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="dossier-section" data-testid="timeline">
            <h2>{move || t(lang.get(), "dossier.timeline.title")}</h2>
            <ol class="timeline">{items}</ol>
        </section>
    }
}

/// Paying what is due: the gateway's page opens in the system browser (in a
/// plain browser, in a new tab the page opens itself), then the screen waits
/// for the confirmation, asking again every few seconds.
#[component]
fn Payment(
    current: RwSignal<Option<DossierView>>,
    code: StoredValue<String>,
    awaiting: RwSignal<bool>,
    refresh: Callback<()>,
) -> impl IntoView {
    let lang = ctx().lang;
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ErrorEnvelope>);
    let url = RwSignal::new(None::<String>);
    let due = move || current.with(|v| v.as_ref().and_then(|v| v.detail.payment.clone()));
    let waiting = move || {
        awaiting.get() || due().is_some_and(|p| p.status == hoso_protocol::api::payment::PaymentStatus::AwaitingPayment)
    };
    let pay = move |_| {
        busy.set(true);
        error.set(None);
        // A tab opened after waiting for the app would be blocked as a pop-up,
        // so it is opened now and sent to the gateway once its address is known.
        let tab = if in_shell() {
            None
        } else {
            web_sys::window().and_then(|w| w.open_with_url_and_target("about:blank", "_blank").ok().flatten())
        };
        leptos::task::spawn_local(async move {
            let Some(code) = code.try_get_value() else { return };
            match call::<PaymentStart>(&DossierCode { code }).await {
                Ok(opened) => {
                    if let Some(tab) = &tab {
                        let _ = tab.location().set_href(&opened.url);
                    }
                    url.try_set(Some(opened.url));
                    awaiting.try_set(true);
                }
                Err(e) => {
                    if let Some(tab) = tab {
                        let _ = tab.close();
                    }
                    error.try_set(Some(e));
                }
            }
            busy.try_set(false);
        });
    };
    view! {
        <section class="dossier-section dossier-section--action" data-testid="action-pay">
            <h2>{move || t(lang.get(), "dossier.pay.title")}</h2>
            {move || due().map(|p| view! {
                <p class="dossier__amount">{move || t(lang.get(), "dossier.pay.amount")} " " <strong data-testid="amount">{vnd(p.amount_vnd, lang.get())}</strong></p>
                <p>{p.description.clone()}</p>
            })}
            {move || error.get().map(|error| view! { <ErrorNotice error /> })}
            <Show when=waiting fallback=move || view! {
                <button type="button" class="button" data-testid="pay" disabled=move || busy.get() on:click=pay>
                    {move || if busy.get() { t(lang.get(), "common.working") } else { t(lang.get(), "dossier.pay.start") }}
                </button>
            }>
                <Notice testid="payment-waiting">
                    <p>{move || t(lang.get(), if in_shell() { "dossier.pay.waiting_shell" } else { "dossier.pay.waiting_browser" })}</p>
                    {move || url.get().map(|url| view! {
                        <p><a href=url target="_blank" rel="noopener noreferrer" data-testid="payment-link">{move || t(lang.get(), "dossier.pay.open_again")}</a></p>
                    })}
                </Notice>
                <div class="button-group">
                    <button type="button" class="button button--secondary" data-testid="payment-check" on:click=move |_| refresh.run(())>
                        {move || t(lang.get(), "dossier.pay.check")}
                    </button>
                    <button type="button" class="link-button" on:click=pay>{move || t(lang.get(), "dossier.pay.again")}</button>
                </div>
            </Show>
        </section>
    }
}

/// The result document: fetched, decoded and offered as a download.
#[component]
fn ResultSection(current: RwSignal<Option<DossierView>>, code: StoredValue<String>) -> impl IntoView {
    let lang = ctx().lang;
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ErrorEnvelope>);
    let link = RwSignal::new(None::<(String, String)>);
    let result = move || current.with(|v| v.as_ref().and_then(|v| v.detail.result.clone()));
    let download = move |_| {
        if let Some((url, name)) = link.get_untracked() {
            io::save_as(&url, &name);
            return;
        }
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let Some(code) = code.try_get_value() else { return };
            let fetched = call::<ResultDownload>(&DossierCode { code }).await.and_then(|file| {
                let bytes = base64::decode(&file.content_base64).map_err(|e| {
                    ErrorEnvelope::new(hoso_protocol::error::ErrorKind::Internal, format!("result: {e:?}"))
                })?;
                let url = io::object_url(&bytes, &file.media_type)
                    .map_err(|e| ErrorEnvelope::new(hoso_protocol::error::ErrorKind::Internal, e))?;
                Ok((url, file.name))
            });
            match fetched {
                Ok((url, name)) => {
                    io::save_as(&url, &name);
                    link.try_set(Some((url, name)));
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            busy.try_set(false);
        });
    };
    view! {
        <section class="dossier-section dossier-section--action" data-testid="action-result">
            <h2>{move || t(lang.get(), "dossier.result.title")}</h2>
            {move || result().map(|r| view! {
                <p>{r.name.clone()} " (" {crate::model::attachment::size_text(lang.get(), r.bytes)} ") · "
                    {move || t(lang.get(), "dossier.result.issued")} " " {date_time(r.issued_at, local_offset())}</p>
            })}
            {move || error.get().map(|error| view! { <ErrorNotice error /> })}
            <button type="button" class="button" data-testid="download-result" disabled=move || busy.get() on:click=download>
                {move || if busy.get() { t(lang.get(), "common.working") } else { t(lang.get(), "dossier.result.download") }}
            </button>
            {move || link.get().map(|(url, name)| view! {
                <p><a href=url download=name.clone() data-testid="result-link">{move || t(lang.get(), "dossier.result.saved")} " " {name.clone()}</a></p>
            })}
        </section>
    }
}

/// Rating the service once the result was delivered: 1 to 5, and a comment.
#[component]
fn RateSection(current: RwSignal<Option<DossierView>>, code: StoredValue<String>) -> impl IntoView {
    let lang = ctx().lang;
    let score = RwSignal::new(None::<u8>);
    let comment = RwSignal::new(String::new());
    let attempted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ErrorEnvelope>);
    let problems = Signal::derive(move || {
        if !attempted.get() {
            return Vec::new();
        }
        let lang = lang.get();
        let mut links = Vec::new();
        if score.get().is_none() {
            links.push(ErrorLink { target: "rate-score".into(), text: t(lang, "dossier.rate.score_missing") });
        }
        if comment.with(|c| c.chars().count() > MAX_COMMENT) {
            links.push(ErrorLink {
                target: "rate-comment".into(),
                text: t_n(lang, "dossier.rate.comment_long", MAX_COMMENT),
            });
        }
        links
    });
    let summary = RwSignal::new(Vec::<ErrorLink>::new());
    let send = move |_| {
        attempted.set(true);
        summary.set(problems.get_untracked());
        if !problems.get_untracked().is_empty() {
            return;
        }
        let Some(chosen) = score.get_untracked() else { return };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let Some(code) = code.try_get_value() else { return };
            let text = comment.get_untracked().trim().to_owned();
            let args = RateArgs { code, score: chosen, comment: (!text.is_empty()).then_some(text) };
            match call::<Rate>(&args).await {
                Ok(view) => {
                    current.try_set(Some(view));
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            busy.try_set(false);
        });
    };
    let score_error = move || problems.with(|p| p.iter().find(|l| l.target == "rate-score").map(|l| l.text.clone()));
    let comment_error =
        move || problems.with(|p| p.iter().find(|l| l.target == "rate-comment").map(|l| l.text.clone()));
    view! {
        <section class="dossier-section" data-testid="action-rate">
            <h2>{move || t(lang.get(), "dossier.rate.title")}</h2>
            <ErrorSummary items=summary />
            {move || error.get().map(|error| view! { <ErrorNotice error /> })}
            <div class="form-group" class:form-group--error=move || score_error().is_some()>
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">{move || t(lang.get(), "dossier.rate.question")}</legend>
                    {move || score_error().map(|e| view! { <p class="error-message"><span class="visually-hidden">{t(lang.get(), "form.error_prefix")} " "</span>{e}</p> })}
                    <div class="radios radios--scale">
                        {SCORES.iter().map(|(value, key)| {
                            let value = *value;
                            let id = if value == 1 { "rate-score".to_owned() } else { format!("rate-score-{value}") };
                            view! {
                                <div class="radio">
                                    <input class="radio__input" type="radio" name="rate-score" id=id.clone() value=value.to_string()
                                        prop:checked=move || score.get() == Some(value)
                                        on:change=move |_| score.set(Some(value)) />
                                    <label class="radio__label" for=id>{value} " – " {move || t(lang.get(), key)}</label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            </div>
            <div class="form-group" class:form-group--error=move || comment_error().is_some()>
                <label class="label" for="rate-comment">{move || t(lang.get(), "dossier.rate.comment")}</label>
                <div class="hint" id="rate-comment-hint">{move || t_n(lang.get(), "dossier.rate.comment_hint", MAX_COMMENT)}</div>
                {move || comment_error().map(|e| view! { <p class="error-message"><span class="visually-hidden">{t(lang.get(), "form.error_prefix")} " "</span>{e}</p> })}
                <textarea class="textarea" id="rate-comment" rows="3" aria-describedby="rate-comment-hint"
                    prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
            </div>
            <button type="button" class="button" data-testid="rate-send" disabled=move || busy.get() on:click=send>
                {move || if busy.get() { t(lang.get(), "common.working") } else { t(lang.get(), "dossier.rate.send") }}
            </button>
        </section>
    }
}

/// Withdrawing: before intake at once, after it a request the agency decides;
/// either way with a reason, behind a confirmation.
#[component]
fn WithdrawSection(
    current: RwSignal<Option<DossierView>>,
    code: StoredValue<String>,
    actions: Memo<Vec<Action>>,
) -> impl IntoView {
    let lang = ctx().lang;
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let attempted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ErrorEnvelope>);
    let done = RwSignal::new(false);
    let immediate = move || actions.with(|a| a.iter().any(|x| matches!(x, Action::Withdraw { immediate: true })));
    let key = move |immediate_key: &'static str, request_key: &'static str| {
        move || t(lang.get(), if immediate() { immediate_key } else { request_key })
    };
    let missing = Signal::derive(move || {
        if attempted.get() && reason.with(|r| r.trim().is_empty()) {
            vec![ErrorLink { target: "withdraw-reason".into(), text: t(lang.get(), "dossier.withdraw.reason_missing") }]
        } else {
            Vec::new()
        }
    });
    let summary = RwSignal::new(Vec::<ErrorLink>::new());
    let confirm = Callback::new(move |()| {
        attempted.set(true);
        summary.set(missing.get_untracked());
        let text = reason.get_untracked().trim().to_owned();
        if text.is_empty() {
            return;
        }
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let Some(code) = code.try_get_value() else { return };
            match call::<Withdraw>(&WithdrawArgs { code, reason: text }).await {
                Ok(view) => {
                    current.try_set(Some(view));
                    open.try_set(false);
                    done.try_set(true);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            busy.try_set(false);
        });
    });
    view! {
        <section class="dossier-section" data-testid="action-withdraw">
            <h2>{key("dossier.withdraw.title_now", "dossier.withdraw.title_request")}</h2>
            <Show when=move || done.get()>
                <Notice tone=NoticeTone::Success testid="withdraw-done">
                    <p>{key("dossier.withdraw.done_now", "dossier.withdraw.done_request")}</p>
                </Notice>
            </Show>
            <Show when=move || open.get() fallback=move || view! {
                <p>{key("dossier.withdraw.help_now", "dossier.withdraw.help_request")}</p>
                <button type="button" class="button button--warning" data-testid="withdraw" on:click=move |_| open.set(true)>
                    {key("dossier.withdraw.start_now", "dossier.withdraw.start_request")}
                </button>
            }>
                <ErrorSummary items=summary />
                {move || error.get().map(|error| view! { <ErrorNotice error /> })}
                <Confirm title="dossier.withdraw.confirm_title" confirm="dossier.withdraw.confirm"
                    on_confirm=confirm on_cancel=Callback::new(move |()| { open.set(false); attempted.set(false); })
                    busy=busy testid="withdraw-confirm">
                    <p>{key("dossier.withdraw.warning_now", "dossier.withdraw.warning_request")}</p>
                    <div class="form-group" class:form-group--error=move || !missing.with(Vec::is_empty)>
                        <label class="label" for="withdraw-reason">{move || t(lang.get(), "dossier.withdraw.reason")}</label>
                        {move || (!missing.with(Vec::is_empty)).then(|| view! {
                            <p class="error-message" id="withdraw-reason-error">
                                <span class="visually-hidden">{t(lang.get(), "form.error_prefix")} " "</span>
                                {t(lang.get(), "dossier.withdraw.reason_missing")}
                            </p>
                        })}
                        <textarea class="textarea" id="withdraw-reason" rows="3" data-testid="withdraw-reason"
                            aria-describedby=move || (!missing.with(Vec::is_empty)).then_some("withdraw-reason-error")
                            prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    </div>
                </Confirm>
            </Show>
        </section>
    }
}
