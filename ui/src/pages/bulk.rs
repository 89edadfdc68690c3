//! Bulk filing: pick the procedure and the profile to file for, pick a CSV,
//! XLSX or JSON file (read in the page as base64), check every row (errors
//! per row, each named by its question), then file the valid rows through
//! the outbox (or, when no row is valid, keep every row as a draft) and
//! download the per-row report. Every row becomes a draft; the result of an
//! invalid row, or of one the portal refused, links to its draft in the form
//! wizard, to fix it.

use std::sync::Arc;

use hoso_domain::catalogue::Procedure;
use hoso_domain::form::FormDefinition;
use hoso_protocol::command::{BulkCheck, BulkFile, BulkResult, BulkRowResult, BulkSubmit, BulkValidate};
use hoso_protocol::error::ErrorEnvelope;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::{ErrorLink, ErrorNotice, ErrorSummary, Notice, NoticeTone};
use crate::i18n::{Lang, error_text, pick, t};
use crate::model::attachment::size_text;
use crate::model::bulk::{
    ACCEPT, MAX_BYTES, SubmitOffer, check_counts, fix_link, readable, row_of, run_counts, submit_offer,
};
use crate::model::form::{error_message, label_text};
use crate::pages::draft::{cache, io};
use crate::route::Route;
use crate::state::{Catalogue, ctx};
use crate::transport::call;
use crate::vm::session::choices;

/// A file read in the page.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Picked {
    name: String,
    size: u64,
    content_base64: String,
}

#[component]
pub fn BulkPage() -> impl IntoView {
    let state = ctx();
    let lang = state.lang;
    state.load_catalogue(false);
    let procedures = Memo::new(move |_| {
        state.catalogue.with(|c| match c {
            Catalogue::Loaded { index, .. } => {
                (0..).map_while(|i| index.procedure(i)).filter(|p| p.form.is_some()).cloned().collect()
            }
            _ => Vec::<Procedure>::new(),
        })
    });
    let procedure = RwSignal::new(String::new());
    // Whom the session acts for, once the session is known.
    let profile = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(value) = state.session.with(|s| s.as_ref().map(|s| crate::vm::session::value_of(&s.acting_as)))
            && profile.with_untracked(String::is_empty)
        {
            profile.set(value);
        }
    });
    let picked = RwSignal::new(None::<Picked>);
    let reading = RwSignal::new(false);
    let file_problem = RwSignal::new(None::<String>);
    let attempted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(None::<ErrorEnvelope>);
    let checked = RwSignal::new(None::<BulkCheck>);
    let result = RwSignal::new(None::<BulkResult>);
    let form = RwSignal::new(None::<Arc<FormDefinition>>);
    let report = RwSignal::new(None::<String>);
    let report_name = RwSignal::new(String::from("ket-qua.csv"));
    let reset = move || {
        checked.set(None);
        result.set(None);
        report.set(None);
        failed.set(None);
    };

    let problems = Signal::derive(move || {
        if !attempted.get() {
            return Vec::new();
        }
        let lang = lang.get();
        let mut links = Vec::new();
        if procedure.with(String::is_empty) {
            links.push(ErrorLink { target: "bulk-procedure".into(), text: t(lang, "business.bulk.procedure_missing") });
        }
        if let Some(problem) = file_problem.get() {
            links.push(ErrorLink { target: "bulk-file".into(), text: problem });
        } else if picked.with(Option::is_none) {
            links.push(ErrorLink { target: "bulk-file".into(), text: t(lang, "business.bulk.file_missing") });
        }
        links
    });
    // What "check" found, kept still while the person corrects it.
    let summary = RwSignal::new(Vec::<ErrorLink>::new());
    let problem_for = move |target: &'static str| {
        move || problems.with(|p| p.iter().find(|l| l.target == target).map(|l| l.text.clone()))
    };

    let on_file = move |ev: leptos::ev::Event| {
        reset();
        file_problem.set(None);
        picked.set(None);
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|list| list.get(0)) else { return };
        let lang = lang.get_untracked();
        let size = file.size() as u64;
        if !readable(&file.name()) {
            file_problem.set(Some(t(lang, "business.bulk.wrong_type")));
            attempted.set(true);
            return;
        }
        if size > MAX_BYTES {
            file_problem.set(Some(t(lang, "business.bulk.too_large").replace("{size}", &size_text(lang, MAX_BYTES))));
            attempted.set(true);
            return;
        }
        reading.set(true);
        leptos::task::spawn_local(async move {
            match io::read_base64(&file).await {
                Ok(content_base64) => {
                    picked.try_set(Some(Picked { name: file.name(), size, content_base64 }));
                }
                Err(_) => {
                    file_problem.try_set(Some(t(lang, "business.bulk.unreadable")));
                }
            }
            reading.try_set(false);
        });
    };

    // The arguments both commands take, once everything is chosen.
    let args = move || -> Option<BulkFile> {
        let code = procedure.get_untracked();
        let chosen = procedures.with_untracked(|list| list.iter().find(|p| p.code.as_str() == code).cloned())?;
        let acting_as = state.session.with_untracked(|s| {
            s.as_ref().and_then(|s| {
                choices(lang.get_untracked(), s)
                    .into_iter()
                    .find(|c| c.value == profile.get_untracked())
                    .map(|c| c.acting_as)
            })
        })?;
        let file = picked.get_untracked()?;
        Some(BulkFile { procedure: chosen.code, acting_as, file_name: file.name, content_base64: file.content_base64 })
    };
    let check = move |_| {
        attempted.set(true);
        summary.set(problems.get_untracked());
        if !problems.get_untracked().is_empty() {
            return;
        }
        let Some(args) = args() else { return };
        reset();
        busy.set(true);
        let form_ref = procedures
            .with_untracked(|list| list.iter().find(|p| p.code == args.procedure).and_then(|p| p.form.clone()));
        leptos::task::spawn_local(async move {
            if let Some(form_ref) = form_ref
                && let Ok(definition) = cache::form(&form_ref).await
            {
                form.try_set(Some(definition));
            }
            match call::<BulkValidate>(&args).await {
                Ok(answer) => {
                    checked.try_set(Some(answer));
                }
                Err(e) => {
                    failed.try_set(Some(e));
                }
            }
            busy.try_set(false);
        });
    };
    let submit = move |_| {
        let Some(args) = args() else { return };
        busy.set(true);
        failed.set(None);
        let base = args.file_name.rsplit_once('.').map_or(args.file_name.clone(), |(stem, _)| stem.to_owned());
        leptos::task::spawn_local(async move {
            match call::<BulkSubmit>(&args).await {
                Ok(answer) => {
                    if let Ok(url) = io::object_url(answer.report_csv.as_bytes(), "text/csv") {
                        report.try_set(Some(url));
                    }
                    report_name.try_set(format!("{base}-ket-qua.csv"));
                    result.try_set(Some(answer));
                }
                Err(e) => {
                    failed.try_set(Some(e));
                }
            }
            busy.try_set(false);
        });
    };

    let profile_options =
        move || state.session.with(|s| s.as_ref().map(|s| choices(lang.get(), s)).unwrap_or_default());

    view! {
        <div class="bulk" data-testid="bulk">
            <a class="back-link" href=Route::Business.fragment() data-testid="back-link">{move || t(lang.get(), "common.back")}</a>
            <h1>{move || t(lang.get(), "business.bulk.title")}</h1>
            <p>{move || t(lang.get(), "business.bulk.intro")}</p>
            <ErrorSummary items=summary />
            {move || failed.get().map(|error| view! { <ErrorNotice error /> })}
            <form class="bulk__form" novalidate on:submit=|ev| ev.prevent_default()>
                <div class="form-group" class:form-group--error=move || problem_for("bulk-procedure")().is_some()>
                    <label class="label" for="bulk-procedure">{move || t(lang.get(), "business.bulk.procedure")}</label>
                    {move || problem_for("bulk-procedure")().map(|e| view! { <p class="error-message">{e}</p> })}
                    <select class="select" id="bulk-procedure" data-testid="bulk-procedure"
                        on:change=move |ev| { procedure.set(event_target_value(&ev)); reset(); }>
                        <option value="">{move || t(lang.get(), "form.select.choose")}</option>
                        {move || procedures.get().into_iter().map(|p| {
                            let code = p.code.as_str().to_owned();
                            let selected = { let code = code.clone(); move || procedure.with(|c| *c == code) };
                            let value = code.clone();
                            view! { <option value=value prop:selected=selected>{move || format!("{} – {}", code, pick(lang.get(), &p.name))}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="form-group">
                    <label class="label" for="bulk-profile">{move || t(lang.get(), "business.bulk.profile")}</label>
                    <div class="hint">{move || t(lang.get(), "business.bulk.profile_hint")}</div>
                    <select class="select" id="bulk-profile" data-testid="bulk-profile"
                        on:change=move |ev| { profile.set(event_target_value(&ev)); reset(); }>
                        {move || profile_options().into_iter().map(|c| {
                            let value = c.value.clone();
                            let selected = move || profile.with(|p| *p == value);
                            view! { <option value=c.value.clone() prop:selected=selected>{c.label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="form-group" class:form-group--error=move || problem_for("bulk-file")().is_some()>
                    <label class="label" for="bulk-file">{move || t(lang.get(), "business.bulk.file")}</label>
                    <div class="hint">{move || t(lang.get(), "business.bulk.file_hint").replace("{size}", &size_text(lang.get(), MAX_BYTES))}</div>
                    {move || problem_for("bulk-file")().map(|e| view! { <p class="error-message">{e}</p> })}
                    <input class="file-input" type="file" id="bulk-file" accept=ACCEPT data-testid="bulk-file" on:change=on_file />
                    <Show when=move || reading.get()>
                        <p role="status">{move || t(lang.get(), "business.bulk.reading")}</p>
                    </Show>
                    {move || picked.get().map(|p| view! {
                        <p class="file-held" data-testid="bulk-picked">{p.name.clone()} " (" {size_text(lang.get(), p.size)} ")"</p>
                    })}
                </div>
                <button type="button" class="button" data-testid="bulk-check" disabled=move || busy.get() || reading.get() on:click=check>
                    {move || if busy.get() { t(lang.get(), "common.working") } else { t(lang.get(), "business.bulk.check") }}
                </button>
            </form>
            {move || checked.get().filter(|_| result.with(Option::is_none)).map(|answer| {
                let counts = check_counts(&answer);
                let lang_now = lang.get();
                let definition = form.get();
                let rows = answer.rows.iter().filter(|r| !r.errors.is_empty()).flat_map(|r| {
                    let definition = definition.clone();
                    r.errors.iter().map(move |e| {
                        let question = definition.as_ref().map_or_else(|| e.pointer.clone(), |f| label_text(lang_now, f, &e.pointer));
                        view! {
                            <tr data-testid="bulk-error">
                                <td>{r.row}</td>
                                <td>{question}</td>
                                <td>{error_message(lang_now, e)}</td>
                            </tr>
                        }
                    }).collect::<Vec<_>>()
                }).collect_view();
                view! {
                    <section class="bulk__check" data-testid="bulk-checked">
                        <h2>{t(lang_now, "business.bulk.checked_title")}</h2>
                        <p data-testid="bulk-check-counts">
                            {t(lang_now, "business.bulk.checked")
                                .replace("{rows}", &counts.rows.to_string())
                                .replace("{valid}", &counts.valid.to_string())
                                .replace("{invalid}", &(counts.rows - counts.valid).to_string())}
                        </p>
                        {(counts.valid < counts.rows).then(|| view! {
                            <div class="table-wrap">
                                <table class="table">
                                    <caption>{t(lang_now, "business.bulk.errors_caption")}</caption>
                                    <thead><tr>
                                        <th scope="col">{t(lang_now, "business.bulk.row")}</th>
                                        <th scope="col">{t(lang_now, "business.bulk.question")}</th>
                                        <th scope="col">{t(lang_now, "business.bulk.error")}</th>
                                    </tr></thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </div>
                        })}
                        {submit_offer(counts).map(|offer| {
                            let (help, label, n) = match offer {
                                SubmitOffer::File { valid } => ("business.bulk.submit_help", "business.bulk.submit", valid),
                                SubmitOffer::DraftsOnly { rows } => ("business.bulk.drafts_help", "business.bulk.make_drafts", rows),
                            };
                            view! {
                                <p data-testid="bulk-submit-help">{t(lang_now, help).replace("{n}", &n.to_string())}</p>
                                <button type="button" class="button" data-testid="bulk-submit" disabled=move || busy.get() on:click=submit>
                                    {move || t(lang.get(), label).replace("{n}", &n.to_string())}
                                </button>
                            }
                        })}
                    </section>
                }
            })}
            {move || result.get().map(|answer| {
                let counts = run_counts(&answer);
                let lang_now = lang.get();
                let rows = answer.rows.iter().map(|r| outcome_row(lang_now, r)).collect_view();
                view! {
                    <section class="bulk__result" data-testid="bulk-result">
                        <Notice tone=NoticeTone::Success testid="bulk-done">
                            <p>{t(lang_now, "business.bulk.done")
                                .replace("{queued}", &answer.queued.to_string())
                                .replace("{filed}", &counts.filed.to_string())
                                .replace("{waiting}", &counts.waiting.to_string())
                                .replace("{refused}", &(counts.refused + counts.invalid).to_string())}</p>
                        </Notice>
                        {move || report.get().map(|url| view! {
                            <p><a class="button button--secondary" href=url download=report_name.get() data-testid="bulk-report">
                                {t(lang.get(), "business.bulk.report")}
                            </a></p>
                        })}
                        <div class="table-wrap">
                            <table class="table">
                                <caption>{t(lang_now, "business.bulk.result_caption")}</caption>
                                <thead><tr>
                                    <th scope="col">{t(lang_now, "business.bulk.row")}</th>
                                    <th scope="col">{t(lang_now, "business.bulk.outcome")}</th>
                                    <th scope="col">{t(lang_now, "business.bulk.detail")}</th>
                                </tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    </section>
                }
            })}
        </div>
    }
}

/// One row of the run's results: filed (with a link to the dossier),
/// waiting to be sent, refused by the portal or invalid (each with a link to
/// fix its draft in the form).
fn outcome_row(lang: Lang, outcome: &BulkRowResult) -> AnyView {
    let row = row_of(outcome);
    let fix = fix_link(outcome).map(|href| {
        view! {
            " "
            <a href=href data-testid="bulk-fix">
                {t(lang, "business.bulk.fix")}
                <span class="visually-hidden">" (" {t(lang, "business.bulk.fix_row").replace("{n}", &row.to_string())} ")"</span>
            </a>
        }
    });
    let (key, detail) = match outcome {
        BulkRowResult::Filed { code, .. } => (
            "business.bulk.filed",
            view! { <a href=Route::Dossier { code: code.clone() }.fragment()>{code.clone()}</a> }.into_any(),
        ),
        BulkRowResult::Waiting { .. } => {
            ("business.bulk.waiting", view! { <span>{t(lang, "business.bulk.waiting_detail")}</span> }.into_any())
        }
        BulkRowResult::Refused { error, .. } => {
            ("business.bulk.refused", view! { <span>{error_text(lang, error.kind)}</span> {fix} }.into_any())
        }
        BulkRowResult::Invalid { errors, .. } => {
            let text = errors
                .iter()
                .map(|e| format!("{}: {}", e.pointer, error_message(lang, e)))
                .collect::<Vec<_>>()
                .join("; ");
            ("business.bulk.invalid", view! { <span>{text}</span> {fix} }.into_any())
        }
    };
    view! {
        <tr data-testid="bulk-outcome" data-outcome=key.rsplit('.').next().unwrap_or_default()>
            <td>{row}</td>
            <td>{t(lang, key)}</td>
            <td>{detail}</td>
        </tr>
    }
    .into_any()
}
