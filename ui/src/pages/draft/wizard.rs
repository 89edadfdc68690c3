//! One page of the form wizard: the page's questions, answers saved as they
//! are typed ("saved at 14:05"), errors shown once a question is left or on
//! "continue" (with the error summary at the top linking to each), files
//! attached and checked before they are read, and on reopening a draft the
//! choice to continue where it was left or start again.

use std::collections::BTreeSet;
use std::sync::Arc;

use hoso_domain::form::{FormDefinition, prefill};
use hoso_protocol::command::{AttachmentRemove, RemoveAttachment};
use leptos::prelude::*;
use serde_json::Value;

use super::Loaded;
use super::autosave::{Autosave, LiveValidation, SaveLine, SaveTarget};
use super::fields::{Edit, FormCtx, FormPage};
use super::{attach, cache, session};
use crate::components::{Confirm, ErrorLink, ErrorSummary, Notice, NoticeTone};
use crate::i18n::{pick, t};
use crate::model::form::{
    add_item, dom_id, error_message, has_own_answers, label_text, landing_page, next_page, place, previous_page,
    reconcile_attachments, remove, remove_item, set, step_of, strip_hidden, unanswered_checkboxes,
};
use crate::route::{DraftStep, Route};
use crate::state::{ctx, go, local_offset};
use crate::transport::call;

/// Applies an edit to the answers (and the prefill, which only fills what
/// is empty and shown, so it follows conditions as they change).
pub(crate) fn apply(form: &FormDefinition, claims: Option<&hoso_domain::form::Claims>, data: &mut Value, edit: &Edit) {
    match edit {
        Edit::Answer(pointer, Some(value)) => set(data, pointer, value.clone()),
        Edit::Answer(pointer, None) => remove(data, pointer),
        Edit::AddItem { page, section } => add_item(&form.layout.pages[*page].sections[*section], data),
        Edit::RemoveItem { page, section, index } => {
            remove_item(&form.layout.pages[*page].sections[*section], data, *index)
        }
        Edit::Left(_) => return,
    }
    if let Some(claims) = claims {
        *data = prefill(form, data, claims);
    }
}

#[component]
pub fn Wizard(loaded: Loaded, page: usize) -> impl IntoView {
    let state = ctx();
    let lang = state.lang;
    let form = loaded.form.clone();
    let summary = loaded.draft.summary.clone();
    let id = summary.id.clone();
    let claims = cache::claims(state.session.get_untracked().as_ref()).map(Arc::new);

    // The answers: the latest typed in this page's life, else the stored ones,
    // naming the files the device holds and prefilled from the identity.
    let stored = session::latest(&id).unwrap_or_else(|| loaded.draft.data.clone());
    let mut initial = reconcile_attachments(&form, &stored, &loaded.draft.attachments);
    if let Some(claims) = &claims {
        initial = prefill(&form, &initial, claims);
    }
    let Some(landing) = landing_page(&form, page, &initial) else {
        return view! { <p>{move || t(lang.get(), "form.no_pages")}</p> }.into_any();
    };
    if landing != page {
        go(Route::Draft { id: id.clone(), step: DraftStep::Page(landing) });
        return ().into_any();
    }
    let last_page = session::last_page(&id);
    session::set_last_page(&id, page);

    let autosave = Autosave::new(SaveTarget::Draft(id.clone()), Some(summary.saved_at));
    if initial != loaded.draft.data {
        autosave.changed(initial.clone());
    }
    let validation = LiveValidation::new(summary.form.clone());
    validation.changed(strip_hidden(&form, &initial));
    let offer_resume = page == 0 && !session::decided(&id) && has_own_answers(&form, &initial);
    let data = RwSignal::new(initial);
    let touched = RwSignal::new(BTreeSet::<String>::new());
    let attempted = RwSignal::new(false);
    let offer = RwSignal::new(offer_resume);
    let restarting = RwSignal::new(false);
    let restart_busy = RwSignal::new(false);
    // Redraws the questions after a restart, since typed inputs keep their text.
    let generation = RwSignal::new(0u32);

    let edit = {
        let (form, claims, id) = (form.clone(), claims.clone(), id.clone());
        Callback::new(move |edit: Edit| {
            if let Edit::Left(pointer) = &edit {
                touched.update(|t| {
                    t.insert(pointer.clone());
                });
                return;
            }
            data.update(|d| apply(&form, claims.as_deref(), d, &edit));
            let now = data.get_untracked();
            session::remember(&id, &now);
            autosave.changed(now.clone());
            validation.changed(strip_hidden(&form, &now));
        })
    };

    let documents = loaded.procedure.as_ref().map(|p| p.documents.clone()).unwrap_or_default();
    let files = attach::files(id.clone(), documents, data, edit);

    // Errors: those of this page, beside a question once it was left, all of
    // them (and the summary) once "continue" was pressed.
    let placed = {
        let form = form.clone();
        Memo::new(move |_| {
            let errors = validation.errors.get();
            data.with(|d| place(&form, d, &errors))
        })
    };
    let shown = Signal::derive(move || {
        let attempted = attempted.get();
        touched.with(|touched| {
            placed.with(|placed| {
                placed
                    .iter()
                    .filter(|p| {
                        p.slot.as_ref().is_some_and(|s| s.page == page && (attempted || touched.contains(&s.pointer)))
                    })
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    });
    let summary_links = {
        let form = form.clone();
        Signal::derive(move || {
            let lang = lang.get();
            let mut links: Vec<ErrorLink> = shown
                .get()
                .iter()
                .filter_map(|p| {
                    let slot = p.slot.as_ref()?;
                    Some(ErrorLink {
                        target: dom_id(&slot.pointer),
                        text: format!("{}: {}", label_text(lang, &form, &slot.pointer), error_message(lang, &p.error)),
                    })
                })
                .collect();
            files.problems.with(|problems| {
                links.extend(problems.iter().map(|(pointer, text)| ErrorLink {
                    target: dom_id(pointer),
                    text: format!("{}: {text}", label_text(lang, &form, pointer)),
                }))
            });
            links
        })
    };

    // The summary is what "continue" found: it does not follow typing, since
    // each change of it takes focus, as it must when it appears.
    let summary_shown = RwSignal::new(Vec::<ErrorLink>::new());

    let cx = FormCtx {
        form: form.clone(),
        data,
        shown,
        claims: claims.clone(),
        changed: None,
        requested: Arc::new(BTreeSet::new()),
        edit,
        files: Some(files),
    };

    let go_on = {
        let (form, id) = (form.clone(), id.clone());
        move |_| {
            let (form, id) = (form.clone(), id.clone());
            leptos::task::spawn_local(async move {
                for pointer in data.with_untracked(|d| unanswered_checkboxes(&form, page, d)) {
                    edit.try_run(Edit::Answer(pointer, Some(Value::Bool(false))));
                }
                let errors = validation.now(data.with_untracked(|d| strip_hidden(&form, d))).await;
                let blocking = data.with_untracked(|d| {
                    place(&form, d, &errors).iter().any(|p| p.slot.as_ref().is_some_and(|s| s.page == page))
                });
                if blocking || files.problems.with_untracked(|p| !p.is_empty()) {
                    attempted.try_set(true);
                    if let Some(links) = summary_links.try_get_untracked() {
                        summary_shown.try_set(links);
                    }
                    return;
                }
                summary_shown.try_set(Vec::new());
                // Saving failed is shown on the page; the answers are kept and
                // saved again when the next page opens.
                let _ = autosave.flush().await;
                let step = if session::take_return_to_check(&id) {
                    DraftStep::Check
                } else {
                    data.with_untracked(|d| next_page(&form, page, d)).map_or(DraftStep::Check, DraftStep::Page)
                };
                go(Route::Draft { id, step });
            });
        }
    };
    let save_and_leave = move |_| {
        leptos::task::spawn_local(async move {
            let _ = autosave.flush().await;
            go(Route::Home);
        });
    };
    let back = data
        .with_untracked(|d| previous_page(&form, page, d))
        .map_or(Route::Home, |p| Route::Draft { id: id.clone(), step: DraftStep::Page(p) });
    let (step, steps) = data.with_untracked(|d| step_of(&form, page, d));
    let page_title = form.layout.pages[page].title.clone();
    let procedure_name = summary.procedure_name.clone();

    // Reopening a draft: continue where it was left, or start again.
    let resume = {
        let id = id.clone();
        Callback::new(move |()| {
            session::decide(&id);
            offer.set(false);
            if let Some(last) = last_page.filter(|p| *p != 0) {
                go(Route::Draft { id: id.clone(), step: DraftStep::Page(last) });
            }
        })
    };
    let start_again = {
        let (form, claims, id, attachments) =
            (form.clone(), claims.clone(), id.clone(), loaded.draft.attachments.clone());
        Callback::new(move |()| {
            restart_busy.set(true);
            let (form, claims, id, attachments) = (form.clone(), claims.clone(), id.clone(), attachments.clone());
            leptos::task::spawn_local(async move {
                for file in attachments {
                    let _ =
                        call::<AttachmentRemove>(&RemoveAttachment { draft_id: id.clone(), sha256: file.sha256 }).await;
                }
                let empty = Value::Object(Default::default());
                let fresh = claims.as_deref().map_or(empty.clone(), |c| prefill(&form, &empty, c));
                data.try_set(fresh.clone());
                session::remember(&id, &fresh);
                session::decide(&id);
                autosave.changed(fresh.clone());
                let _ = autosave.flush().await;
                validation.changed(strip_hidden(&form, &fresh));
                touched.try_set(BTreeSet::new());
                attempted.try_set(false);
                summary_shown.try_set(Vec::new());
                restart_busy.try_set(false);
                restarting.try_set(false);
                offer.try_set(false);
                generation.try_update(|g| *g += 1);
            });
        })
    };
    let saved_when = {
        let saved_at = summary.saved_at;
        move || {
            let local = saved_at.to_offset(local_offset());
            t(lang.get(), "form.resume.saved")
                .replace("{time}", &format!("{:02}:{:02}", local.hour(), local.minute()))
                .replace("{date}", &format!("{:02}/{:02}/{}", local.day(), u8::from(local.month()), local.year()))
        }
    };
    let orphaned = loaded.draft.orphaned.clone();
    let conflict = summary.conflict;

    view! {
        <div class="wizard" data-testid="wizard" data-page=page>
            <a class="back-link" href=back.fragment() data-testid="back-link">{move || t(lang.get(), "common.back")}</a>
            <p class="caption">{move || pick(lang.get(), &procedure_name)}</p>
            <h1 class="wizard__title">{move || pick(lang.get(), &page_title)}</h1>
            <p class="wizard__step" data-testid="wizard-step">
                {move || t(lang.get(), "form.step").replace("{step}", &step.to_string()).replace("{steps}", &steps.to_string())}
            </p>
            {conflict.then(|| view! {
                <Notice tone=NoticeTone::Warning testid="draft-conflict">
                    <p>{move || t(lang.get(), "form.conflict")}</p>
                </Notice>
            })}
            {(!orphaned.is_empty()).then(|| {
                let orphaned = orphaned.clone();
                view! {
                    <Notice testid="orphaned">
                        <p>{move || t(lang.get(), "form.orphaned")}</p>
                        <ul class="list">
                            {orphaned.into_iter().map(|o| view! {
                                <li><code>{o.pointer}</code> ": " {match o.value { Value::String(s) => s, other => other.to_string() }}</li>
                            }).collect_view()}
                        </ul>
                    </Notice>
                }
            })}
            <Show when=move || offer.get()>
                <div class="resume" data-testid="resume-offer">
                    <h2 class="resume__title">{move || t(lang.get(), "form.resume.title")}</h2>
                    <p>{saved_when}</p>
                    <Show when=move || !restarting.get() fallback=move || view! {
                        <Confirm title="form.restart.title" confirm="form.restart.confirm"
                            on_confirm=start_again on_cancel=Callback::new(move |()| restarting.set(false))
                            busy=restart_busy testid="restart-confirm">
                            <p>{move || t(lang.get(), "form.restart.warning")}</p>
                        </Confirm>
                    }>
                        <div class="button-group">
                            <button type="button" class="button" data-testid="resume-continue" on:click=move |_| resume.run(())>
                                {move || t(lang.get(), "form.resume.continue")}
                            </button>
                            <button type="button" class="button button--secondary" data-testid="resume-restart"
                                on:click=move |_| restarting.set(true)>
                                {move || t(lang.get(), "form.resume.restart")}
                            </button>
                        </div>
                    </Show>
                </div>
            </Show>
            <Show when=move || !offer.get()>
                <ErrorSummary items=summary_shown />
                <form class="wizard__form" novalidate on:submit=|ev| ev.prevent_default()>
                    {let cx = cx.clone(); move || { generation.get(); view! { <FormPage cx=cx.clone() page /> } }}
                    <SaveLine autosave />
                    <div class="button-group">
                        <button type="button" class="button" data-testid="continue" on:click=go_on.clone()>
                            {move || t(lang.get(), "common.continue")}
                        </button>
                        <button type="button" class="button button--secondary" data-testid="save-and-leave" on:click=save_and_leave>
                            {move || t(lang.get(), "form.save_and_leave")}
                        </button>
                    </div>
                </form>
            </Show>
        </div>
    }
    .into_any()
}
