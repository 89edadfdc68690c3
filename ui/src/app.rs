//! The app's root view: the DEMO watermark when in demo mode, and the
//! procedure catalogue as the engine holds it.

use hoso_domain::catalogue::{Procedure, ServiceLevel};
use hoso_protocol::command::AppMode;
use leptos::prelude::*;

use crate::format::vnd;
use crate::i18n::{Lang, error_text, pick, t, t_n};
use crate::transport;

#[component]
pub fn App() -> impl IntoView {
    let lang = RwSignal::new(Lang::Vi);
    let info = LocalResource::new(transport::app_info);
    let demo = move || matches!(info.get(), Some(Ok(ref i)) if i.mode == AppMode::Demo);

    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang.get().code());
        }
    });

    view! {
        <Show when=demo>
            <div class="demo-watermark" aria-hidden="true" data-testid="demo-watermark">
                {move || t(lang.get(), "demo.watermark")}
            </div>
        </Show>
        <header class="app-header">
            <div>
                <p class="app-title">{move || t(lang.get(), "app.title")}</p>
                <p class="app-tagline">{move || t(lang.get(), "app.tagline")}</p>
            </div>
            <button class="link-button" on:click=move |_| lang.update(|l| *l = l.other())>
                {move || t(lang.get(), "language.switch")}
            </button>
        </header>
        <Show when=demo>
            <p class="notice" role="note">{move || t(lang.get(), "demo.notice")}</p>
        </Show>
        <main>
            <Catalogue lang=lang.read_only() />
        </main>
    }
}

#[component]
fn Catalogue(lang: ReadSignal<Lang>) -> impl IntoView {
    let listing = LocalResource::new(transport::catalogue_list);
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
