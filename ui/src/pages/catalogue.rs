//! The catalogue: every procedure the device holds, searched offline in the
//! UI itself (a folded index built once, [`crate::vm::catalogue`]), filtered
//! by field, agency and level. The search text lives in the address, so
//! back from a procedure returns to the same results; the count is announced
//! politely; the list renders a page at a time with "show more".

use std::sync::Arc;
use std::time::Duration;

use hoso_domain::catalogue::Procedure;
use leptos::prelude::*;

use crate::components::{ErrorNotice, Notice};
use crate::format::vnd;
use crate::i18n::{Lang, error_text, pick, t, t_n};
use crate::route::Route;
use crate::state::{Catalogue, ctx, replace};
use crate::vm::catalogue::{CatalogueIndex, Filters, PAGE, level_code, parse_level};
use crate::vm::procedure::level_key;

/// How long typing must pause before the result count is announced.
const ANNOUNCE_AFTER: Duration = Duration::from_millis(700);

#[component]
pub fn CataloguePage(query: String) -> impl IntoView {
    let state = ctx();
    let lang = state.lang;
    state.load_catalogue(false);
    state.search.set(query.clone());

    let query = RwSignal::new(query);
    let filters = RwSignal::new(Filters::default());
    let shown = RwSignal::new(PAGE);
    // One search per change of text, filters or catalogue; rendering reads it.
    let results = Memo::new(move |_| {
        state.catalogue.with(|catalogue| match catalogue {
            Catalogue::Loaded { index, .. } => index.search(&query.get(), &filters.get()),
            _ => Vec::new(),
        })
    });

    let on_input = move |ev| {
        let text = event_target_value(&ev);
        shown.set(PAGE);
        state.search.set(text.clone());
        // The address follows the text without a history entry per letter.
        replace(Route::Catalogue { query: text.clone() });
        query.set(text);
    };

    view! {
        <h1>{move || t(lang.get(), "catalogue.heading")}</h1>
        <form class="search" role="search" on:submit=|ev| ev.prevent_default()>
            <label class="label" for="catalogue-search">{move || t(lang.get(), "catalogue.search_label")}</label>
            <p class="hint" id="catalogue-search-hint">{move || t(lang.get(), "catalogue.search_hint")}</p>
            <input id="catalogue-search" class="input input--search" type="search" autocomplete="off"
                spellcheck="false" aria-describedby="catalogue-search-hint" data-testid="catalogue-search"
                prop:value=query.get_untracked() on:input=on_input />
        </form>
        {move || match state.catalogue.get() {
            Catalogue::NotLoaded | Catalogue::Loading => view! {
                <p aria-live="polite" data-testid="catalogue-loading">{move || t(lang.get(), "catalogue.loading")}</p>
            }.into_any(),
            Catalogue::Failed(error) => view! {
                <ErrorNotice error retry=Callback::new(move |_| state.load_catalogue(true)) />
            }.into_any(),
            Catalogue::Loaded { index, sync_error } => {
                let offline = sync_error.map(|e| view! {
                    <Notice testid="catalogue-offline">
                        <p>{move || t(lang.get(), "catalogue.offline")} " " {move || error_text(lang.get(), e.kind)}</p>
                    </Notice>
                });
                if index.is_empty() {
                    view! { {offline} <p class="empty">{move || t(lang.get(), "catalogue.empty")}</p> }.into_any()
                } else {
                    view! {
                        {offline}
                        <FilterControls index=index.clone() filters shown />
                        <Results index results shown />
                    }.into_any()
                }
            }
        }}
    }
}

#[component]
fn FilterControls(index: Arc<CatalogueIndex>, filters: RwSignal<Filters>, shown: RwSignal<usize>) -> impl IntoView {
    let lang = ctx().lang;
    let set = move |update: Box<dyn FnOnce(&mut Filters)>| {
        shown.set(PAGE);
        filters.update(|f| update(f));
    };
    let fields = index.fields().to_vec();
    let agencies = index.agencies().to_vec();
    let option = move |code: String, name: String, count: usize, current: Option<String>| {
        let selected = current.as_deref() == Some(code.as_str());
        view! { <option value=code selected=selected>{format!("{name} ({count})")}</option> }
    };
    view! {
        <fieldset class="fieldset">
            <legend class="fieldset__legend">{move || t(lang.get(), "catalogue.filter.legend")}</legend>
            <div class="filters">
                <div>
                    <label class="label" for="filter-field">{move || t(lang.get(), "catalogue.filter.field")}</label>
                    <select id="filter-field" class="select" data-testid="filter-field"
                        prop:value=move || filters.with(|f| f.field.clone().unwrap_or_default())
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            set(Box::new(move |f| f.field = (!value.is_empty()).then_some(value)));
                        }>
                        <option value="" selected=move || filters.with(|f| f.field.is_none())>
                            {move || t(lang.get(), "catalogue.filter.any")}
                        </option>
                        {move || {
                            let current = filters.with(|f| f.field.clone());
                            fields.iter().map(|c| option(c.code.clone(), pick(lang.get(), &c.name), c.count, current.clone())).collect_view()
                        }}
                    </select>
                </div>
                <div>
                    <label class="label" for="filter-agency">{move || t(lang.get(), "catalogue.filter.agency")}</label>
                    <select id="filter-agency" class="select" data-testid="filter-agency"
                        prop:value=move || filters.with(|f| f.agency.clone().unwrap_or_default())
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            set(Box::new(move |f| f.agency = (!value.is_empty()).then_some(value)));
                        }>
                        <option value="" selected=move || filters.with(|f| f.agency.is_none())>
                            {move || t(lang.get(), "catalogue.filter.any")}
                        </option>
                        {move || {
                            let current = filters.with(|f| f.agency.clone());
                            agencies.iter().map(|c| option(c.code.clone(), pick(lang.get(), &c.name), c.count, current.clone())).collect_view()
                        }}
                    </select>
                </div>
                <div>
                    <label class="label" for="filter-level">{move || t(lang.get(), "catalogue.filter.level")}</label>
                    <select id="filter-level" class="select" data-testid="filter-level"
                        prop:value=move || filters.with(|f| level_code(f.level))
                        on:change=move |ev| {
                            let level = parse_level(&event_target_value(&ev));
                            set(Box::new(move |f| f.level = level));
                        }>
                        <option value="">{move || t(lang.get(), "catalogue.filter.any")}</option>
                        <option value="full">{move || t(lang.get(), "procedure.level.full")}</option>
                        <option value="partial">{move || t(lang.get(), "procedure.level.partial")}</option>
                    </select>
                </div>
            </div>
            <Show when=move || !filters.with(Filters::is_empty)>
                <button type="button" class="link-button" data-testid="clear-filters"
                    on:click=move |_| set(Box::new(|f| *f = Filters::default()))>
                    {move || t(lang.get(), "catalogue.clear_filters")}
                </button>
            </Show>
        </fieldset>
    }
}

#[component]
fn Results(index: Arc<CatalogueIndex>, results: Memo<Vec<usize>>, shown: RwSignal<usize>) -> impl IntoView {
    let lang = ctx().lang;
    let count = move || results.with(Vec::len);
    let count_text = move || match count() {
        1 => t(lang.get(), "catalogue.count_one"),
        n => t_n(lang.get(), "catalogue.count", n),
    };
    // The count is announced once typing pauses, not at every letter.
    let announced = RwSignal::new(String::new());
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let text = count_text();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        set_timeout(
            move || {
                if generation.try_get_value() == Some(mine) {
                    let _ = announced.try_set(text);
                }
            },
            ANNOUNCE_AFTER,
        );
    });
    let list_index = index.clone();
    view! {
        <p class="result-count" data-testid="result-count">{count_text}</p>
        <p class="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="result-announcement">
            {move || announced.get()}
        </p>
        <Show when=move || count() == 0>
            <p class="empty" data-testid="no-results">{move || t(lang.get(), "catalogue.no_results")}</p>
        </Show>
        <ul class="procedure-list" data-testid="procedure-list">
            {move || {
                let lang = lang.get();
                results.with(|hits| {
                    hits.iter()
                        .take(shown.get())
                        .filter_map(|i| list_index.procedure(*i))
                        .map(|p| procedure_card(p, lang))
                        .collect_view()
                })
            }}
        </ul>
        <Show when=move || { shown.get() < count() }>
            <p class="muted" data-testid="shown-count">
                {move || t(lang.get(), "catalogue.shown")
                    .replace("{shown}", &shown.get().min(count()).to_string())
                    .replace("{n}", &count().to_string())}
            </p>
            <button type="button" class="button button--secondary" data-testid="show-more"
                on:click=move |_| shown.update(|n| *n += PAGE)>
                {move || t(lang.get(), "common.show_more")}
            </button>
        </Show>
    }
}

fn procedure_card(procedure: &Procedure, lang: Lang) -> impl IntoView + use<> {
    let name = pick(lang, &procedure.name);
    let agency = pick(lang, &procedure.agency.name);
    let code = procedure.code.as_str().to_owned();
    let href = Route::Procedure { code: code.clone() }.fragment();
    let code_attr = code.clone();
    let (time, fee) = match procedure.online_channel() {
        Some(channel) => (
            t_n(lang, "procedure.working_days", channel.processing_days),
            match channel.total_fee_vnd() {
                0 => t(lang, "procedure.free"),
                total => vnd(total, lang),
            },
        ),
        None => (t(lang, "procedure.not_online"), "—".to_owned()),
    };
    view! {
        <li class="procedure-card" data-testid="procedure" data-code=code_attr>
            <h2 class="procedure-name">
                <a href=href>{name}</a>
            </h2>
            <strong class="tag tag--neutral">{t(lang, level_key(procedure.level))}</strong>
            <dl>
                <dt>{t(lang, "procedure.code")}</dt><dd>{code}</dd>
                <dt>{t(lang, "procedure.agency")}</dt><dd>{agency}</dd>
                <dt>{t(lang, "procedure.online_time")}</dt><dd>{time}</dd>
                <dt>{t(lang, "procedure.fee")}</dt><dd>{fee}</dd>
            </dl>
        </li>
    }
}
