//! The catalogue: every procedure the device holds, searchable offline.

use hoso_domain::catalogue::{Procedure, ServiceLevel};
use hoso_protocol::command::CatalogueList;
use leptos::prelude::*;

use crate::format::vnd;
use crate::i18n::{Lang, error_text, pick, t, t_n};
use crate::state::ctx;
use crate::transport::call;

#[component]
pub fn CataloguePage(#[allow(unused_variables)] query: String) -> impl IntoView {
    let lang = ctx().lang;
    let listing = LocalResource::new(|| call::<CatalogueList>(&()));
    view! {
        <h1>{move || t(lang.get(), "catalogue.heading")}</h1>
        {move || match listing.get() {
            None => view! { <p aria-live="polite">{t(lang.get(), "catalogue.loading")}</p> }.into_any(),
            Some(Err(error)) => view! {
                <div class="error-summary" role="alert">{error_text(lang.get(), error.kind)}</div>
            }.into_any(),
            Some(Ok(listing)) => {
                let lang = lang.get();
                let offline = listing.sync_error.as_ref().map(|e| view! {
                    <p class="notice" role="status">
                        {t(lang, "catalogue.offline")} " " {error_text(lang, e.kind)}
                    </p>
                });
                let body = if listing.procedures.is_empty() {
                    view! { <p>{t(lang, "catalogue.empty")}</p> }.into_any()
                } else {
                    view! {
                        <ul class="procedure-list">
                            {listing.procedures.into_iter().map(|p| view! { <ProcedureCard procedure=p lang=lang /> }).collect_view()}
                        </ul>
                    }.into_any()
                };
                view! { {offline} {body} }.into_any()
            }
        }}
    }
}

#[component]
fn ProcedureCard(procedure: Procedure, lang: Lang) -> impl IntoView {
    let name = pick(lang, &procedure.name);
    let agency = pick(lang, &procedure.agency.name);
    let level = match procedure.level {
        ServiceLevel::Full => t(lang, "procedure.level.full"),
        ServiceLevel::Partial => t(lang, "procedure.level.partial"),
    };
    let (time, fee) = match procedure.online_channel() {
        Some(channel) => (
            t_n(lang, "procedure.working_days", channel.processing_days),
            match channel.total_fee_vnd() {
                0 => t(lang, "procedure.free"),
                total => vnd(total, lang),
            },
        ),
        None => (t(lang, "procedure.not_online"), String::new()),
    };
    view! {
        <li class="procedure-card" data-testid="procedure" data-code=procedure.code.to_string()>
            <h2 class="procedure-name">{name}</h2>
            <span class="tag">{level}</span>
            <dl>
                <dt>{t(lang, "procedure.code")}</dt><dd>{procedure.code.to_string()}</dd>
                <dt>{t(lang, "procedure.agency")}</dt><dd>{agency}</dd>
                <dt>{t(lang, "procedure.online_time")}</dt><dd>{time}</dd>
                <dt>{t(lang, "procedure.fee")}</dt><dd>{fee}</dd>
            </dl>
        </li>
    }
}
