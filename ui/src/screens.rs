//! Which code each screen needs, and when it is downloaded. The shell (the
//! root view, header, navigation), sign-in and home are in the wasm module
//! that loads with the app; every other screen is a split point: its code (its
//! views, the JSON decoders of the answers it reads, what only it uses) is
//! cut into its own module by `cargo xtask ui` (`wasm_split_cli_support`) and
//! fetched the first time the screen is opened. Until then the screen shows
//! "Loading…"; if the module cannot be fetched (offline in a browser whose
//! cache lacks it) it says so in words and offers to try again, since a
//! failed load is not remembered.

use leptos::prelude::*;
use wasm_split_helpers::{SplitLoaderError, wasm_split};

use crate::i18n::t;
use crate::pages;
use crate::route::{DraftStep, Route};
use crate::state::ctx;

/// The view of `route`: at once for the screens in the first download, after
/// their module arrives for the others.
pub fn screen(route: Route) -> AnyView {
    match route {
        Route::Welcome => view! { <pages::welcome::WelcomePage /> }.into_any(),
        Route::Home => view! { <pages::home::HomePage /> }.into_any(),
        Route::Catalogue { query } => later(move || catalogue(query.clone())),
        Route::Procedure { code } => later(move || procedure(code.clone())),
        Route::Draft { id, step } => later(move || draft(id.clone(), step)),
        Route::Dossier { code } => later(move || dossier(code.clone())),
        Route::Supplement { code } => later(move || supplement(code.clone())),
        Route::Business => later(business),
        Route::Bulk => later(bulk),
        Route::Settings => later(settings),
        Route::Demo => later(demo),
    }
}

/// A screen whose module may still have to be fetched: "Loading…" meanwhile,
/// then the screen, or a translated error with "try again".
fn later<F, Fut>(load: F) -> AnyView
where
    F: Fn() -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<AnyView, SplitLoaderError>> + Send + 'static,
{
    let lang = ctx().lang;
    // Each press of "try again" asks for the module anew.
    let attempt = RwSignal::new(0u32);
    let loading = move || {
        view! {
            <p role="status" data-testid="screen-loading">
                {move || t(lang.get(), "common.loading")}
            </p>
        }
    };
    view! {
        <Suspense fallback=loading>
            {move || {
                attempt.track();
                let load = load.clone();
                Suspend::new(async move {
                    match load().await {
                        Ok(view) => view,
                        Err(_) => view! {
                            <div class="error-summary" role="alert" data-testid="screen-load-error">
                                // In place of the screen, so it is the screen's heading.
                                <h1 class="error-summary__title">{move || t(lang.get(), "common.error_title")}</h1>
                                <p>{move || t(lang.get(), "common.screen_load_failed")}</p>
                                <button type="button" class="button button--secondary" data-testid="retry"
                                    on:click=move |_| attempt.update(|n| *n += 1)>
                                    {move || t(lang.get(), "common.try_again")}
                                </button>
                            </div>
                        }
                        .into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

// The split points, one function per screen, grouped into modules by the
// first argument: screens of one module are usually visited together (a
// procedure from the catalogue, bulk filing from the business screen) or
// share most of their code (the supplement reuses the wizard's fields), and
// every module costs a request and compresses apart, as does each chunk of
// code that two modules share (and the first download does not), which is
// fetched with whichever of them comes first.

#[wasm_split(catalogue, fallible)]
fn catalogue(query: String) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <pages::catalogue::CataloguePage query /> }.into_any())
}

#[wasm_split(catalogue, fallible)]
fn procedure(code: String) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <pages::procedure::ProcedurePage code /> }.into_any())
}

#[wasm_split(form, fallible)]
fn draft(id: String, step: DraftStep) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <pages::draft::DraftPage id step /> }.into_any())
}

#[wasm_split(dossier, fallible)]
fn dossier(code: String) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <pages::dossier::DossierPage code /> }.into_any())
}

#[wasm_split(form, fallible)]
fn supplement(code: String) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <pages::supplement::SupplementPage code /> }.into_any())
}

#[wasm_split(business, fallible)]
fn business() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <pages::business::BusinessPage /> }.into_any())
}

#[wasm_split(business, fallible)]
fn bulk() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <pages::bulk::BulkPage /> }.into_any())
}

#[wasm_split(settings, fallible)]
fn settings() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <pages::settings::SettingsPage /> }.into_any())
}

#[wasm_split(demo, fallible)]
fn demo() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <pages::demo::DemoPage /> }.into_any())
}
