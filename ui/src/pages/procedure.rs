//! One procedure, from the device's catalogue: documents needed (with the
//! files accepted and their size), the ways to apply with time and fees,
//! level, agency; "Start" creates a draft and opens it (signing in first
//! when signed out, then coming back here).

use hoso_domain::catalogue::{Procedure, ProcedureCode, RequiredDocument};
use hoso_protocol::command::{DraftCreate, DraftCreateArgs};
use hoso_protocol::error::ErrorEnvelope;
use leptos::prelude::*;

use crate::components::{BackLink, ErrorNotice, Notice};
use crate::format::vnd;
use crate::i18n::{Lang, pick, t, t_n};
use crate::route::{DraftStep, Route};
use crate::state::{Catalogue, ctx, go};
use crate::transport::call;
use crate::vm::procedure::{
    applicant_key, channel_key, fee_kind_key, fee_mode_key, level_key, media_list, result_key, size_label,
};

#[component]
pub fn ProcedurePage(code: String) -> impl IntoView {
    let state = ctx();
    let lang = state.lang;
    state.load_catalogue(false);
    let back = Route::Catalogue { query: state.search.get_untracked() };
    let page_code = code.clone();
    view! {
        <BackLink to=back />
        {move || match state.catalogue.get() {
            Catalogue::NotLoaded | Catalogue::Loading => view! {
                <p aria-live="polite">{move || t(lang.get(), "catalogue.loading")}</p>
            }.into_any(),
            Catalogue::Failed(error) => view! {
                <ErrorNotice error retry=Callback::new(move |_| state.load_catalogue(true)) />
            }.into_any(),
            Catalogue::Loaded { index, .. } => match index.find(&page_code) {
                Some(procedure) => view! { <ProcedureView procedure=procedure.clone() /> }.into_any(),
                None => view! {
                    <h1>{move || t(lang.get(), "nav.procedure")}</h1>
                    <p data-testid="procedure-not-found">{move || t(lang.get(), "procedure.not_found")}</p>
                }.into_any(),
            },
        }}
    }
}

#[component]
fn ProcedureView(procedure: Procedure) -> impl IntoView {
    let lang = ctx().lang;
    let procedure = StoredValue::new(procedure);
    view! {
        {move || {
            let lang = lang.get();
            procedure.with_value(|p| view! {
                <span class="caption" data-testid="procedure-code">{p.code.as_str().to_owned()}</span>
                <h1 data-testid="procedure-name">{pick(lang, &p.name)}</h1>
                <p><strong class="tag tag--neutral" data-testid="procedure-level">{t(lang, level_key(p.level))}</strong></p>
                <dl class="summary-list">
                    <dt>{t(lang, "procedure.agency")}</dt><dd>{pick(lang, &p.agency.name)}</dd>
                    <dt>{t(lang, "procedure.field")}</dt><dd>{pick(lang, &p.field.name)}</dd>
                    <dt>{t(lang, "procedure.applicants")}</dt>
                    <dd>{p.applicants.iter().map(|a| t(lang, applicant_key(*a))).collect::<Vec<_>>().join(", ")}</dd>
                    <dt>{t(lang, "procedure.result")}</dt><dd>{t(lang, result_key(p.result))}</dd>
                </dl>
            })
        }}
        <StartButton procedure=procedure.with_value(|p| (p.code.clone(), p.form.is_some() && p.online_channel().is_some())) />
        {move || {
            let lang = lang.get();
            procedure.with_value(|p| view! {
                <h2>{t(lang, "procedure.documents")}</h2>
                {if p.documents.is_empty() {
                    view! { <p>{t(lang, "procedure.documents_none")}</p> }.into_any()
                } else {
                    view! {
                        <ul class="card-list" data-testid="documents">
                            {p.documents.iter().map(|d| document(d, lang)).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <h2>{t(lang, "procedure.channels")}</h2>
                <div class="table-wrap">
                    <table data-testid="channels">
                        <thead>
                            <tr>
                                <th scope="col">{t(lang, "procedure.channel")}</th>
                                <th scope="col">{t(lang, "procedure.time")}</th>
                                <th scope="col">{t(lang, "procedure.fee")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {p.channels.iter().map(|c| view! {
                                <tr data-channel=channel_key(c.kind).trim_start_matches("procedure.channel.")>
                                    <th scope="row">{t(lang, channel_key(c.kind))}</th>
                                    <td>{t_n(lang, "procedure.working_days", c.processing_days)}</td>
                                    <td>{if c.fees.is_empty() {
                                        t(lang, "procedure.free")
                                    } else {
                                        c.fees.iter().map(|f| format!(
                                            "{} {} ({}{})",
                                            t(lang, fee_kind_key(f.kind)),
                                            vnd(f.amount_vnd, lang),
                                            t(lang, fee_mode_key(f.mode)),
                                            Some(pick(lang, &f.description)).filter(|d| !d.is_empty()).map(|d| format!("; {d}")).unwrap_or_default(),
                                        )).collect::<Vec<_>>().join(" · ")
                                    }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })
        }}
    }
}

fn document(document: &RequiredDocument, lang: Lang) -> impl IntoView + use<> {
    let accepted = t(lang, "procedure.accepted")
        .replace("{types}", &media_list(&document.media_types))
        .replace("{size}", &size_label(document.max_bytes, lang == Lang::Vi));
    let (need, class) = if document.required {
        (t(lang, "procedure.required"), "tag tag--action")
    } else {
        (t(lang, "procedure.optional"), "tag tag--neutral")
    };
    let copies = format!(
        "{} · {}",
        t_n(lang, "procedure.copies", document.copies),
        t(lang, if document.original { "procedure.original" } else { "procedure.copy" })
    );
    view! {
        <li class="card" data-testid="document" data-document=document.id.clone()>
            <h3 class="card__title">{pick(lang, &document.name)}</h3>
            <p class="card__row"><strong class=class>{need}</strong> <span>{copies}</span></p>
            <p class="card__meta">{accepted}</p>
            {document.template.clone().map(|name| view! {
                <p class="card__meta">{t(lang, "procedure.template").replace("{name}", &name)}</p>
            })}
            {document.reusable.then(|| view! { <p class="card__meta">{t(lang, "procedure.reusable")}</p> })}
        </li>
    }
}

/// "Start": a new draft for the acting profile, opened at its first page.
#[component]
fn StartButton(procedure: (ProcedureCode, bool)) -> impl IntoView {
    let state = ctx();
    let lang = state.lang;
    let (code, online) = procedure;
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ErrorEnvelope>);
    if !online {
        return view! {
            <Notice testid="not-online"><p>{move || t(lang.get(), "procedure.online_only_in_person")}</p></Notice>
        }
        .into_any();
    }
    let code = StoredValue::new(code);
    let start = move |_| {
        if !state.signed_in() {
            state.return_to.set(Some(Route::Procedure { code: code.get_value().as_str().to_owned() }));
            go(Route::Welcome);
            return;
        }
        busy.set(true);
        error.set(None);
        let procedure = code.get_value();
        leptos::task::spawn_local(async move {
            match call::<DraftCreate>(&DraftCreateArgs { procedure }).await {
                Ok(draft) => go(Route::Draft { id: draft.summary.id, step: DraftStep::Page(0) }),
                Err(e) => {
                    // `try_`: the person may have left the page meanwhile.
                    let _ = busy.try_set(false);
                    let _ = error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        {move || error.get().map(|error| view! { <ErrorNotice error /> })}
        <button type="button" class="button button--start" data-testid="start" disabled=move || busy.get()
            on:click=start>
            {move || {
                let lang = lang.get();
                if busy.get() {
                    t(lang, "common.working")
                } else if state.signed_in() {
                    t(lang, "procedure.start")
                } else {
                    t(lang, "procedure.sign_in_to_start")
                }
            }}
        </button>
        <p class="hint">{move || t(lang.get(), "procedure.start_hint")}</p>
    }
    .into_any()
}
