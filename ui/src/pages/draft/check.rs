//! "Check your answers": every shown answer, page by page, each with a
//! "change" link to its page (which brings the person back here), then
//! submitting to the outbox. Errors the engine finds link to the page of
//! each; after submission, a confirmation with the outbox state. A draft
//! already submitted, opened again, shows that confirmation and its answers
//! read-only (`SubmittedDraft`).

use std::sync::Arc;

use hoso_domain::form::{FormDefinition, prefill};
use hoso_protocol::command::{DraftId, DraftSave, DraftSubmit, OutboxItem, OutboxState, SaveDraft};
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use leptos::prelude::*;
use serde_json::Value;

use super::Loaded;
use super::{cache, session};
use crate::components::{ErrorNotice, Notice, OutboxTag};
use crate::i18n::{pick, t};
use crate::model::form::{
    Placed, all_shown_slots, answer_text, error_message, label_text, place, reconcile_attachments, shown_pages,
    shown_slots, strip_hidden, unanswered_checkboxes,
};
use crate::route::{DraftStep, Route};
use crate::state::ctx;
use crate::transport::call;

#[component]
pub fn CheckAnswers(loaded: Loaded) -> impl IntoView {
    let state = ctx();
    let lang = state.lang;
    let form = loaded.form.clone();
    let summary = loaded.draft.summary.clone();
    let id = summary.id.clone();
    let claims = cache::claims(state.session.get_untracked().as_ref());
    let stored = session::latest(&id).unwrap_or_else(|| loaded.draft.data.clone());
    let mut data = reconcile_attachments(&form, &stored, &loaded.draft.attachments);
    if let Some(claims) = &claims {
        data = prefill(&form, &data, claims);
    }
    // An unticked box that was never touched is a "no".
    for page in shown_pages(&form, &data) {
        for pointer in unanswered_checkboxes(&form, page, &data) {
            crate::model::form::set(&mut data, &pointer, Value::Bool(false));
        }
    }
    let data = Arc::new(data);
    let busy = RwSignal::new(false);
    let refused = RwSignal::new(Vec::<Placed>::new());
    let failed = RwSignal::new(None::<ErrorEnvelope>);
    let submitted = RwSignal::new(None::<OutboxItem>);

    let pages = answer_pages(&form, &data, Some(id.clone()));

    let submit = {
        let (form, data, id) = (form.clone(), data.clone(), id.clone());
        move |_| {
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            failed.set(None);
            refused.set(Vec::new());
            let (form, data, id) = (form.clone(), data.clone(), id.clone());
            leptos::task::spawn_local(async move {
                // Answers of hidden questions are not sent in the person's name.
                let outgoing = strip_hidden(&form, &data);
                let result = async {
                    call::<DraftSave>(&SaveDraft { id: id.clone(), data: outgoing.clone() }).await?;
                    call::<DraftSubmit>(&DraftId { id: id.clone() }).await
                }
                .await;
                busy.try_set(false);
                match result {
                    Ok(item) => {
                        session::forget(&id);
                        submitted.try_set(Some(item));
                    }
                    Err(error) if error.kind == ErrorKind::InvalidInput && !error.fields.is_empty() => {
                        refused.try_set(place(&form, &data, &error.fields));
                    }
                    Err(error) => {
                        failed.try_set(Some(error));
                    }
                }
            });
        }
    };

    let refused_view = {
        let (form, id) = (form.clone(), id.clone());
        move || {
            let list = refused.get();
            (!list.is_empty()).then(|| {
                let lang = lang.get();
                let items = list
                    .iter()
                    .map(|p| {
                        let message = error_message(lang, &p.error);
                        match &p.slot {
                            Some(slot) => {
                                let href = Route::Draft { id: id.clone(), step: DraftStep::Page(slot.page) }.fragment();
                                let text = format!("{}: {message}", label_text(lang, &form, &slot.pointer));
                                let id = id.clone();
                                view! { <li><a href=href on:click=move |_| session::set_return_to_check(&id)>{text}</a></li> }.into_any()
                            }
                            None => view! { <li>{message}</li> }.into_any(),
                        }
                    })
                    .collect_view();
                view! {
                    <div class="error-summary" role="alert" tabindex="-1" data-testid="error-summary">
                        <h2 class="error-summary__title">{t(lang, "common.error_title")}</h2>
                        <p>{t(lang, "form.check.refused")}</p>
                        <ul class="error-summary__list">{items}</ul>
                    </div>
                }
            })
        }
    };
    let incomplete = {
        let form = form.clone();
        let data = data.clone();
        all_shown_slots(&form, &data).is_empty()
    };
    let procedure_name = summary.procedure_name.clone();
    let back = shown_pages(&form, &data)
        .last()
        .map_or(Route::Home, |p| Route::Draft { id: id.clone(), step: DraftStep::Page(*p) });

    view! {
        {move || submitted.get().map(|item| view! { <Submitted item /> })}
            <div class="check" data-testid="check-answers" hidden=move || submitted.with(Option::is_some)>
                <a class="back-link" href=back.fragment() data-testid="back-link">{move || t(lang.get(), "common.back")}</a>
                <p class="caption">{move || pick(lang.get(), &procedure_name)}</p>
                <h1>{move || t(lang.get(), "form.check.title")}</h1>
                {refused_view}
                {move || failed.get().map(|error| view! { <ErrorNotice error /> })}
                {incomplete.then(|| view! { <p>{move || t(lang.get(), "form.no_pages")}</p> })}
                {pages}
                <h2>{move || t(lang.get(), "form.check.declaration_title")}</h2>
                <p>{move || t(lang.get(), "form.check.declaration")}</p>
                <button type="button" class="button" data-testid="submit" disabled=move || busy.get() on:click=submit>
                    {move || if busy.get() { t(lang.get(), "form.check.submitting") } else { t(lang.get(), "form.check.submit") }}
                </button>
            </div>
    }
}

/// Every shown answer of `data`, page by page; with `change` (the draft's
/// id) each has a "change" link to its page, which brings the person back
/// to "check your answers", and without it they are read-only.
fn answer_pages(form: &Arc<FormDefinition>, data: &Value, change: Option<String>) -> impl IntoView + use<> {
    let lang = ctx().lang;
    shown_pages(form, data)
        .into_iter()
        .map(|page| {
            let rows = shown_slots(form, page, data)
                .into_iter()
                .map(|slot| {
                    let field = slot.layout(form).clone();
                    let value = data.pointer(&slot.pointer).cloned();
                    let label = label_text_fn(form.clone(), slot.pointer.clone());
                    let label_again = label.clone();
                    let action = change.clone().map(|id| {
                        let href = Route::Draft { id: id.clone(), step: DraftStep::Page(page) }.fragment();
                        view! {
                            <dd class="answers__actions">
                                <a href=href on:click=move |_| session::set_return_to_check(&id) data-testid="change">
                                    {move || t(lang.get(), "form.check.change")}
                                    <span class="visually-hidden">" " {move || label_again(lang.get())}</span>
                                </a>
                            </dd>
                        }
                    });
                    view! {
                        <div class="answers__row" data-testid="answer" data-pointer=slot.pointer.clone()>
                            <dt class="answers__key">{move || label(lang.get())}</dt>
                            <dd class="answers__value">
                                {move || answer_text(lang.get(), &field.widget, value.as_ref())
                                    .unwrap_or_else(|| t(lang.get(), "form.check.unanswered"))}
                            </dd>
                            {action}
                        </div>
                    }
                })
                .collect_view();
            let title = form.layout.pages[page].title.clone();
            view! {
                <h2 class="check__page">{move || pick(lang.get(), &title)}</h2>
                <dl class="answers">{rows}</dl>
            }
        })
        .collect_view()
}

/// A draft whose submission is on its way or filed, opened by its address:
/// what became of the submission, with the way to its dossier or to the
/// home screen where the outbox lists it, and the answers as sent,
/// read-only (the engine refuses every change to it anyway).
#[component]
pub fn SubmittedDraft(loaded: Loaded, item: OutboxItem) -> impl IntoView {
    let lang = ctx().lang;
    let form = loaded.form.clone();
    let data = reconcile_attachments(&form, &loaded.draft.data, &loaded.draft.attachments);
    let pages = answer_pages(&form, &data, None);
    view! {
        <Submitted item />
        <div class="check" data-testid="draft-submitted">
            <Notice testid="draft-read-only">
                <p>{move || t(lang.get(), "form.submitted.read_only")}</p>
            </Notice>
            {pages}
        </div>
    }
}

fn label_text_fn(
    form: Arc<hoso_domain::form::FormDefinition>,
    pointer: String,
) -> impl Fn(crate::i18n::Lang) -> String + Clone + Send + Sync + 'static {
    move |lang| label_text(lang, &form, &pointer)
}

/// After submitting: what became of the dossier, and the way home.
#[component]
pub fn Submitted(item: OutboxItem) -> impl IntoView {
    let lang = ctx().lang;
    let sent_code = match &item.state {
        OutboxState::Sent { code } => Some(code.clone()),
        _ => None,
    };
    let title_key = if sent_code.is_some() { "form.done.sent_title" } else { "form.done.queued_title" };
    let next_key = match &item.state {
        OutboxState::Sent { .. } => "form.done.sent_next",
        OutboxState::NeedsAction { .. } => "form.done.needs_action_next",
        _ => "form.done.queued_next",
    };
    let name = item.procedure_name.clone();
    let code_view = sent_code.clone().map(|code| {
        let code_text = code.clone();
        view! {
            <div class="panel__body">
                {move || t(lang.get(), "form.done.code")}<br /><strong data-testid="dossier-code">{code_text.clone()}</strong>
            </div>
        }
    });
    let dossier_link = sent_code.map(|code| {
        view! {
            <a class="button button--secondary" href=Route::Dossier { code }.fragment() data-testid="open-dossier">
                {move || t(lang.get(), "form.done.open_dossier")}
            </a>
        }
    });
    let state = item.state.clone();
    view! {
        <div class="panel panel--confirmation" data-testid="submitted">
            <h1 class="panel__title">{move || t(lang.get(), title_key)}</h1>
            {code_view}
        </div>
        <p>{move || pick(lang.get(), &name)}</p>
        <p>{move || t(lang.get(), "form.done.state")} " " <OutboxTag state=state.clone() /></p>
        <p>{move || t(lang.get(), next_key)}</p>
        <div class="button-group">
            <a class="button" href=Route::Home.fragment() data-testid="go-home">{move || t(lang.get(), "form.done.home")}</a>
            {dossier_link}
        </div>
    }
}
