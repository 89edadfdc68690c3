//! Every filing of the person and their enterprises in one table that stays
//! smooth at 10,000 rows: only the rows in view (at least the first 50, and a
//! margin) are drawn in a scrolling box, each keyed by its filing and the
//! language so a query keeps the rows that stay and draws only the new ones,
//! with spacers above and below sized through the CSSOM
//! (`style:` bindings; the CSP forbids `style` attributes); search without
//! diacritics, filters by profile and status, sortable columns (buttons in
//! the headers, with `aria-sort`) and the count shown. The decisions are
//! [`crate::model::filings`], tested natively.

use std::sync::Arc;

use hoso_domain::dossier::DossierStatus;
use hoso_protocol::command::FilingList;
use hoso_protocol::error::ErrorEnvelope;
use leptos::html;
use leptos::prelude::*;

use crate::components::{ErrorNotice, status_tag};
use crate::i18n::{Lang, pick, t};
use crate::model::filings::{Column, FilingTable, Query, count_text, window};
use crate::route::Route;
use crate::state::{ctx, local_offset};
use crate::transport::call;
use crate::vm::time::{date, date_time};

/// Every row's height in pixels; `journeys.css` gives the rows the same.
const ROW_HEIGHT: f64 = 52.0;
/// Rows drawn beyond each edge of the view, so fast scrolling shows no gap.
const MARGIN: usize = 10;
/// Rows drawn at least, from the first drawn: a query draws its first 50
/// matches at once (what issue 7's goal G5 measures), and scrolling through
/// them draws nothing new.
const AT_LEAST: usize = 50;

#[component]
pub fn BusinessPage() -> impl IntoView {
    let lang = ctx().lang;
    let table = RwSignal::new(None::<Arc<FilingTable>>);
    let error = RwSignal::new(None::<ErrorEnvelope>);
    let load = move || {
        error.set(None);
        leptos::task::spawn_local(async move {
            match call::<FilingList>(&()).await {
                Ok(rows) => {
                    table.try_set(Some(Arc::new(FilingTable::new(rows))));
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    load();

    let query = RwSignal::new(Query::default());
    // What the headers and the filters' options show, each apart, so typing
    // in the search box re-runs none of them.
    let sort = Memo::new(move |_| query.with(|q| q.sort));
    let chosen_profile = Memo::new(move |_| query.with(|q| q.profile.clone()));
    let chosen_status = Memo::new(move |_| query.with(|q| q.status));
    let selected = Memo::new(move |_| {
        let lang = lang.get();
        query.with(|q| table.with(|t| t.as_ref().map(|t| t.select(q, lang)).unwrap_or_default()))
    });
    let scroller = NodeRef::<html::Div>::new();
    let scroll_top = RwSignal::new(0.0f64);
    let viewport = RwSignal::new(600.0f64);
    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            scroll_top.set(f64::from(el.scroll_top()));
            viewport.set(f64::from(el.client_height()));
        }
    };
    Effect::new(move |_| {
        if scroller.get().is_some() {
            measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    // A new query starts at the top of the table. Only a scrolled table is
    // scrolled back: writing `scrollTop` makes the browser lay the page out
    // there and then, in the middle of the query's update.
    Effect::new(move |previous: Option<()>| {
        query.track();
        if previous.is_some()
            && scroll_top.get_untracked() > 0.0
            && let Some(el) = scroller.get_untracked()
        {
            el.set_scroll_top(0);
            scroll_top.set(0.0);
        }
    });
    let win = Memo::new(move |_| {
        window(selected.with(Vec::len), ROW_HEIGHT, scroll_top.get(), viewport.get(), MARGIN, AT_LEAST)
    });
    let first = Memo::new(move |_| win.with(|w| w.start));
    // Each drawn row as (its filing's client id, the language, its index in
    // the table): the id and the language are its key, so a row whose filing
    // stays drawn is kept (moved if it must) and a change of language draws
    // every row again in the new one.
    let rows = move || {
        let w = win.get();
        let lang = lang.get();
        selected.with(|s| {
            table.with(|t| {
                let Some(t) = t else { return Vec::new() };
                s[w.start..w.end]
                    .iter()
                    .filter_map(|&i| t.row(i).map(|f| (f.dossier.client_id.clone(), lang, i)))
                    .collect::<Vec<_>>()
            })
        })
    };

    let row_key = |row: &(String, Lang, usize)| (row.0.clone(), row.1);
    // A row's texts are fixed when it is drawn (its key holds the language);
    // only its position, which moves as rows come and go, is reactive.
    let row_view = move |index: ReadSignal<usize>, (_, shown_in, i): (String, Lang, usize)| {
        let filing = table.with_untracked(|t| t.as_ref().and_then(|t| t.row(i).cloned()));
        let Some(filing) = filing else { return ().into_any() };
        let dossier = filing.dossier;
        let code_cell = match dossier.code {
            Some(code) => {
                let href = Route::Dossier { code: code.clone() }.fragment();
                view! { <a href=href data-testid="filing-link">{code}</a> }.into_any()
            }
            None => view! { <span class="filings__pending">{t(shown_in, "business.no_code")}</span> }.into_any(),
        };
        let name = pick(shown_in, &dossier.procedure_name);
        let name_title = name.clone();
        let profile = filing.profile_name;
        let profile_title = profile.clone();
        // The day fits the column; the exact time is in the cell's title.
        let offset = local_offset();
        let updated_exact = dossier.updated_at.map(|at| date_time(at, offset)).unwrap_or_default();
        let updated = dossier.updated_at.map(|at| date(at.to_offset(offset).date())).unwrap_or_default();
        let due = dossier.due_on.map(date).unwrap_or_default();
        view! {
            <tr class="filings__row" aria-rowindex=move || first.get() + index.get() + 2 data-testid="filing-row">
                <td class="filings__code">{code_cell}</td>
                <td class="filings__procedure" title=name_title>{name}</td>
                <td class="filings__profile" title=profile_title>{profile}</td>
                <td class="filings__status">{status_tag(shown_in, dossier.status)}</td>
                <td class="filings__date" title=updated_exact>{updated}</td>
                <td class="filings__date">{due}</td>
            </tr>
        }
        .into_any()
    };

    let header = move |column: Column| {
        view! {
            <th scope="col" class=format!("filings__head filings__head--{}", column.key().rsplit('.').next().unwrap_or_default())
                aria-sort=move || sort.get().aria(column)>
                <button type="button" class="filings__sort" data-testid=format!("sort-{}", column.key().rsplit('.').next().unwrap_or_default())
                    on:click=move |_| query.update(|q| q.sort = q.sort.toggled(column))>
                    {move || t(lang.get(), column.key())}
                    <span class="filings__arrow" aria-hidden="true">
                        {move || match sort.get().aria(column) {
                            "ascending" => "▲",
                            "descending" => "▼",
                            _ => "↕",
                        }}
                    </span>
                </button>
            </th>
        }
    };

    let profiles = move || table.with(|t| t.as_ref().map(|t| t.profiles()).unwrap_or_default());
    let statuses = move || table.with(|t| t.as_ref().map(|t| t.statuses()).unwrap_or_default());
    let total = move || table.with(|t| t.as_ref().map_or(0, |t| t.len()));

    view! {
        <div class="business" data-testid="business">
            <h1>{move || t(lang.get(), "business.title")}</h1>
            <p>{move || t(lang.get(), "business.intro")}</p>
            <p><a class="button button--secondary" href=Route::Bulk.fragment() data-testid="to-bulk">{move || t(lang.get(), "business.to_bulk")}</a></p>
            {move || error.get().map(|error| view! { <ErrorNotice error retry=Callback::new(move |()| load()) /> })}
            {move || (table.with(Option::is_none) && error.with(Option::is_none)).then(|| view! {
                <p class="loading" role="status">{move || t(lang.get(), "common.loading")}</p>
            })}
            <Show when=move || table.with(Option::is_some)>
                <div class="filings__filters" role="search">
                    <div class="form-group">
                        <label class="label" for="filings-search">{move || t(lang.get(), "business.search")}</label>
                        <div class="hint" id="filings-search-hint">{move || t(lang.get(), "business.search_hint")}</div>
                        <input class="input" id="filings-search" type="search" aria-describedby="filings-search-hint"
                            data-testid="filings-search" prop:value=move || query.with(|q| q.text.clone())
                            on:input=move |ev| query.update(|q| q.text = event_target_value(&ev)) />
                    </div>
                    <div class="form-group">
                        <label class="label" for="filings-profile">{move || t(lang.get(), "business.filter_profile")}</label>
                        <select class="select" id="filings-profile" data-testid="filings-profile"
                            on:change=move |ev| {
                                let value = event_target_value(&ev);
                                query.update(|q| q.profile = (!value.is_empty()).then_some(value));
                            }>
                            <option value="">{move || t(lang.get(), "business.all_profiles")}</option>
                            {move || profiles().into_iter().map(|(key, name, n)| view! {
                                <option value=key.clone() prop:selected=move || chosen_profile.with(|p| p.as_deref() == Some(key.as_str()))>
                                    {format!("{name} ({n})")}
                                </option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="form-group">
                        <label class="label" for="filings-status">{move || t(lang.get(), "business.filter_status")}</label>
                        <select class="select" id="filings-status" data-testid="filings-status"
                            on:change=move |ev| {
                                let value = event_target_value(&ev);
                                let status = DossierStatus::ALL.into_iter().find(|s| s.as_str() == value);
                                query.update(|q| q.status = status);
                            }>
                            <option value="">{move || t(lang.get(), "business.all_statuses")}</option>
                            {move || statuses().into_iter().map(|(status, n)| view! {
                                <option value=status.as_str() prop:selected=move || chosen_status.get() == Some(status)>
                                    {move || format!("{} ({n})", crate::vm::status::text(lang.get(), status))}
                                </option>
                            }).collect_view()}
                        </select>
                    </div>
                </div>
                <p class="filings__count" role="status" aria-live="polite" data-testid="filings-count">
                    {move || t(lang.get(), "business.count")
                        .replace("{shown}", &count_text(selected.with(Vec::len), lang.get()))
                        .replace("{total}", &count_text(total(), lang.get()))}
                </p>
                <Show when=move || selected.with(Vec::is_empty)>
                    <p data-testid="filings-empty">{move || if table.with(|t| t.as_ref().is_none_or(|t| t.is_empty())) { t(lang.get(), "business.empty") } else { t(lang.get(), "business.no_match") }}</p>
                </Show>
                <div class="filings__scroll" node_ref=scroller tabindex="0" role="region"
                    aria-label=move || t(lang.get(), "business.table_label") on:scroll=move |_| measure()
                    data-testid="filings-scroll">
                    <table class="filings" aria-rowcount=move || selected.with(Vec::len) + 1 data-testid="filings">
                        <caption class="visually-hidden">{move || t(lang.get(), "business.table_label")}</caption>
                        <thead>
                            <tr aria-rowindex="1">
                                {Column::ALL.into_iter().map(header).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            <tr class="filings__spacer" aria-hidden="true" style:height=move || format!("{}px", win.get().before)>
                                <td colspan="6"></td>
                            </tr>
                            <ForEnumerate each=rows key=row_key children=row_view />
                            <tr class="filings__spacer" aria-hidden="true" style:height=move || format!("{}px", win.get().after)>
                                <td colspan="6"></td>
                            </tr>
                        </tbody>
                    </table>
                </div>
            </Show>
        </div>
    }
}
