//! Answering a supplement request: the officer's reason as written, the
//! answers and documents asked for (each leading to its question, where a
//! document's new file is attached), and the whole form prefilled from the
//! original with what changed marked by a "changed" tag (not by colour
//! alone), saved as it is typed; a conflict notice when the portal moved the
//! dossier on meanwhile; then sending it through the outbox.

use std::collections::BTreeSet;
use std::sync::Arc;

use hoso_domain::catalogue::Procedure;
use hoso_domain::form::FormDefinition;
use hoso_protocol::command::{DossierCode, OutboxItem, SupplementDraftView, SupplementOpen, SupplementSubmit};
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use leptos::prelude::*;

use crate::components::{ErrorLink, ErrorNotice, ErrorSummary, Notice, NoticeTone, focus_element};
use crate::i18n::{pick, t};
use crate::model::form::{changed_pointers, dom_id, error_message, label_text, page_shown, place, strip_hidden};
use crate::pages::draft::autosave::{Autosave, LiveValidation, SaveLine, SaveTarget};
use crate::pages::draft::check::Submitted;
use crate::pages::draft::fields::{Edit, FormCtx, FormPage};
use crate::pages::draft::wizard::apply;
use crate::pages::draft::{attach, cache};
use crate::route::Route;
use crate::state::{ctx, local_offset};
use crate::transport::call;
use crate::vm::time::date_time;

/// The pointer of the attachment question of document `id`.
fn document_pointer(id: &str) -> String {
    format!("/attachments/{id}")
}

#[derive(Debug, Clone)]
struct Loaded {
    view: SupplementDraftView,
    form: Arc<FormDefinition>,
    procedure: Option<Procedure>,
}

async fn load(code: String) -> Result<Loaded, ErrorEnvelope> {
    let view = call::<SupplementOpen>(&DossierCode { code }).await?;
    let form = cache::form(&view.form).await?;
    let procedure = cache::procedure(form.procedure.as_str()).await;
    Ok(Loaded { view, form, procedure })
}

#[component]
pub fn SupplementPage(code: String) -> impl IntoView {
    let lang = ctx().lang;
    let loaded = {
        let code = code.clone();
        LocalResource::new(move || load(code.clone()))
    };
    let back = Route::Dossier { code }.fragment();
    view! {
        <a class="back-link" href=back data-testid="back-link">{move || t(lang.get(), "common.back")}</a>
        {move || match loaded.get() {
            None => view! { <p class="loading" role="status">{move || t(lang.get(), "common.loading")}</p> }.into_any(),
            Some(Err(error)) => view! {
                <h1>{move || t(lang.get(), "nav.supplement")}</h1>
                <ErrorNotice error retry=Callback::new(move |()| loaded.refetch()) />
            }.into_any(),
            Some(Ok(loaded)) => view! { <Answer loaded /> }.into_any(),
        }}
    }
}

#[component]
fn Answer(loaded: Loaded) -> impl IntoView {
    let lang = ctx().lang;
    let Loaded { view, form, procedure } = loaded;
    let code = view.code.clone();
    let original = Arc::new(view.original.clone());
    let data = RwSignal::new(view.data.clone());
    let autosave = Autosave::new(SaveTarget::Supplement(code.clone()), Some(view.saved_at));
    let validation = LiveValidation::new(view.form.clone());
    validation.changed(strip_hidden(&form, &view.data));
    let touched = RwSignal::new(BTreeSet::<String>::new());
    let attempted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(None::<ErrorEnvelope>);
    let sent = RwSignal::new(None::<OutboxItem>);
    let conflict = view.conflict;

    let edit = {
        let form = form.clone();
        Callback::new(move |edit: Edit| {
            if let Edit::Left(pointer) = &edit {
                touched.update(|t| {
                    t.insert(pointer.clone());
                });
                return;
            }
            // No prefill here: the answers are the person's own, from the original.
            data.update(|d| apply(&form, None, d, &edit));
            let now = data.get_untracked();
            autosave.changed(now.clone());
            validation.changed(strip_hidden(&form, &now));
        })
    };
    let changed = {
        let original = original.clone();
        Memo::new(move |_| data.with(|d| changed_pointers(&original, d)))
    };
    let files_offered = view.draft_id.is_some();
    let files = view.draft_id.clone().map(|draft_id| {
        let documents = procedure.as_ref().map(|p| p.documents.clone()).unwrap_or_default();
        attach::files(draft_id, documents, data, edit)
    });
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
                    .filter(|p| p.slot.as_ref().is_some_and(|s| attempted || touched.contains(&s.pointer)))
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    });
    let summary = {
        let form = form.clone();
        Signal::derive(move || {
            if !attempted.get() {
                return Vec::new();
            }
            let lang = lang.get();
            shown
                .get()
                .iter()
                .filter_map(|p| {
                    let slot = p.slot.as_ref()?;
                    Some(ErrorLink {
                        target: dom_id(&slot.pointer),
                        text: format!("{}: {}", label_text(lang, &form, &slot.pointer), error_message(lang, &p.error)),
                    })
                })
                .collect::<Vec<_>>()
        })
    };
    // What sending found, kept still while the person corrects it.
    let summary_shown = RwSignal::new(Vec::<ErrorLink>::new());
    // The documents asked for again are marked on their attachment questions too.
    let requested: Arc<BTreeSet<String>> = Arc::new(
        view.request
            .fields
            .iter()
            .cloned()
            .chain(view.request.documents.iter().map(|id| document_pointer(id)))
            .collect(),
    );
    let cx = FormCtx {
        form: form.clone(),
        data,
        shown,
        claims: None,
        changed: Some(changed),
        requested: requested.clone(),
        edit,
        files,
    };

    let pages = (0..form.layout.pages.len())
        .map(|page| {
            let title = form.layout.pages[page].title.clone();
            let visible = {
                let form = form.clone();
                move || data.with(|d| page_shown(&form, page, d))
            };
            view! {
                <section class="supplement__page" hidden=move || !visible()>
                    <h2>{move || pick(lang.get(), &title)}</h2>
                    <FormPage cx=cx.clone() page />
                </section>
            }
        })
        .collect_view();

    let request = view.request.clone();
    let asked_fields = {
        let form = form.clone();
        request
            .fields
            .iter()
            .map(|pointer| {
                let (form, pointer) = (form.clone(), pointer.clone());
                let target = dom_id(&pointer);
                view! {
                    <li>
                        <a href=format!("#{target}") on:click=move |ev| {
                            ev.prevent_default();
                            focus_element(&target);
                        }>{move || label_text(lang.get(), &form, &pointer)}</a>
                    </li>
                }
            })
            .collect_view()
    };
    let asked_documents = request
        .documents
        .iter()
        .map(|id| {
            let name = procedure.as_ref().and_then(|p| p.document(id)).map(|d| d.name.clone());
            let text = {
                let id = id.clone();
                move || name.as_ref().map_or_else(|| id.clone(), |n| pick(lang.get(), n))
            };
            // A link to the question where the file is attached, when the
            // form asks for the document (and so when the file can be given).
            let pointer = document_pointer(id);
            let asked = files_offered && form.fields().any(|field| field.pointer == pointer);
            if asked {
                let target = dom_id(&pointer);
                view! {
                    <li>
                        <a href=format!("#{target}") on:click=move |ev| {
                            ev.prevent_default();
                            focus_element(&target);
                        }>{text}</a>
                    </li>
                }
                .into_any()
            } else {
                view! { <li>{text}</li> }.into_any()
            }
        })
        .collect_view();
    let has_fields = !request.fields.is_empty();
    let has_documents = !request.documents.is_empty();
    let requested_at = date_time(request.requested_at, local_offset());

    let send = {
        let (form, code) = (form.clone(), code.clone());
        move |_| {
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            failed.set(None);
            let (form, code) = (form.clone(), code.clone());
            leptos::task::spawn_local(async move {
                let errors = validation.now(data.with_untracked(|d| strip_hidden(&form, d))).await;
                if !errors.is_empty() {
                    attempted.try_set(true);
                    if let Some(links) = summary.try_get_untracked() {
                        summary_shown.try_set(links);
                    }
                    busy.try_set(false);
                    return;
                }
                summary_shown.try_set(Vec::new());
                let outgoing = data.with_untracked(|d| strip_hidden(&form, d));
                autosave.changed(outgoing);
                let result = async {
                    autosave.flush().await?;
                    call::<SupplementSubmit>(&DossierCode { code }).await
                }
                .await;
                busy.try_set(false);
                match result {
                    Ok(item) => {
                        sent.try_set(Some(item));
                    }
                    Err(error) if error.kind == ErrorKind::InvalidInput && !error.fields.is_empty() => {
                        validation.errors.try_set(error.fields);
                        attempted.try_set(true);
                        if let Some(links) = summary.try_get_untracked() {
                            summary_shown.try_set(links);
                        }
                    }
                    Err(error) => {
                        failed.try_set(Some(error));
                    }
                }
            });
        }
    };

    view! {
        {move || sent.get().map(|item| view! { <Submitted item /> })}
        <div class="supplement" data-testid="supplement" hidden=move || sent.with(Option::is_some)>
            <p class="caption">{move || t(lang.get(), "dossier.code")} " " {code.clone()}</p>
            <h1>{move || t(lang.get(), "dossier.supplement.page_title")}</h1>
            {conflict.then(|| view! {
                <Notice tone=NoticeTone::Warning testid="supplement-conflict">
                    <p>{move || t(lang.get(), "dossier.supplement.conflict")}</p>
                </Notice>
            })}
            <section class="dossier-section" data-testid="supplement-request">
                <h2>{move || t(lang.get(), "dossier.supplement.reason")}</h2>
                <p class="timeline__meta">{requested_at}</p>
                <blockquote class="officer-note" data-testid="officer-reason">{request.reason.clone()}</blockquote>
                {has_fields.then(|| view! {
                    <h3>{move || t(lang.get(), "dossier.supplement.fields")}</h3>
                    <ul class="list">{asked_fields}</ul>
                })}
                {has_documents.then(|| view! {
                    <h3>{move || t(lang.get(), "dossier.supplement.documents")}</h3>
                    <ul class="list">{asked_documents}</ul>
                })}
            </section>
            <p>{move || t(lang.get(), "dossier.supplement.help")}</p>
            <ErrorSummary items=summary_shown />
            {move || failed.get().map(|error| view! { <ErrorNotice error /> })}
            <form class="wizard__form" novalidate on:submit=|ev| ev.prevent_default()>
                {pages}
                <SaveLine autosave />
                {(!conflict).then(|| view! {
                    <button type="button" class="button" data-testid="supplement-send" disabled=move || busy.get() on:click=send>
                        {move || if busy.get() { t(lang.get(), "common.working") } else { t(lang.get(), "dossier.supplement.send") }}
                    </button>
                })}
            </form>
        </div>
    }
}
