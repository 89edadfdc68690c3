//! The app's root view: loads what every screen needs (mode, session),
//! follows the address's `#fragment`, draws the frame (header, navigation,
//! the DEMO watermark in demo mode) and the screen of the current route.

use hoso_protocol::command::{AppInfoGet, SessionGet};
use leptos::prelude::*;

use crate::i18n::{Lang, t};
use crate::pages;
use crate::route::Route;
use crate::state::{Ctx, ctx, current_route, go, preference, set_preference};
use crate::transport::call;

#[component]
pub fn App() -> impl IntoView {
    let lang = match preference("hoso.lang").as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Vi,
    };
    let state = Ctx::new(lang, current_route());
    provide_context(state);

    // Back, forward and links all change the fragment; the route follows it.
    let listener = window_event_listener(leptos::ev::hashchange, move |_| state.route.set(current_route()));
    on_cleanup(move || listener.remove());

    leptos::task::spawn_local(async move {
        if let Ok(info) = call::<AppInfoGet>(&()).await {
            state.info.set(Some(info));
        }
        if let Ok(session) = call::<SessionGet>(&()).await {
            state.session.set(Some(session));
        }
    });

    // Screens that need a session send a signed-out person to sign-in.
    Effect::new(move |_| {
        let signed_in = state.session.with(|s| s.as_ref().map(|s| s.signed_in));
        if signed_in == Some(false) && !state.route.with(Route::is_public) {
            go(Route::Welcome);
        }
    });
    Effect::new(move |_| {
        let lang = state.lang.get();
        set_preference("hoso.lang", lang.code());
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang.code());
        }
    });

    view! {
        <Show when=move || state.is_demo()>
            // The word is drawn by CSS from `data-text`, not written as text:
            // it is decoration (the notice below says the same in words), so
            // WCAG's contrast minimum does not apply, and axe, which checks
            // text nodes, agrees.
            <div
                class="demo-watermark"
                aria-hidden="true"
                data-testid="demo-watermark"
                data-text=move || t(state.lang.get(), "demo.watermark")
            ></div>
        </Show>
        <a class="skip-link" href="#main">{move || t(state.lang.get(), "nav.skip")}</a>
        <Header />
        <Show when=move || state.is_demo()>
            <p class="notice" role="note">{move || t(state.lang.get(), "demo.notice")}</p>
        </Show>
        <main id="main" tabindex="-1">
            {move || screen(state.route.get())}
        </main>
    }
}

#[component]
fn Header() -> impl IntoView {
    let state = ctx();
    let lang = state.lang;
    let link = move |route: Route, key: &'static str| {
        let current = {
            let route = route.clone();
            move || std::mem::discriminant(&state.route.get()) == std::mem::discriminant(&route)
        };
        view! {
            <li>
                <a href=route.fragment() aria-current=move || current().then_some("page")>
                    {move || t(lang.get(), key)}
                </a>
            </li>
        }
    };
    view! {
        <header class="app-header">
            <div>
                <p class="app-title">{move || t(lang.get(), "app.title")}</p>
                <p class="app-tagline">{move || t(lang.get(), "app.tagline")}</p>
            </div>
            <button class="link-button" on:click=move |_| lang.update(|l| *l = l.other())>
                {move || t(lang.get(), "language.switch")}
            </button>
        </header>
        <nav class="app-nav" aria-label=move || t(lang.get(), "nav.label")>
            <ul>
                {link(Route::Home, "nav.home")}
                {link(Route::Catalogue { query: String::new() }, "nav.catalogue")}
                {link(Route::Business, "nav.business")}
                {link(Route::Settings, "nav.settings")}
                <Show when=move || state.is_demo()>{link(Route::Demo, "nav.demo")}</Show>
            </ul>
        </nav>
    }
}

fn screen(route: Route) -> AnyView {
    match route {
        Route::Welcome => view! { <pages::welcome::WelcomePage /> }.into_any(),
        Route::Home => view! { <pages::home::HomePage /> }.into_any(),
        Route::Catalogue { query } => view! { <pages::catalogue::CataloguePage query /> }.into_any(),
        Route::Procedure { code } => view! { <pages::procedure::ProcedurePage code /> }.into_any(),
        Route::Draft { id, step } => view! { <pages::draft::DraftPage id step /> }.into_any(),
        Route::Dossier { code } => view! { <pages::dossier::DossierPage code /> }.into_any(),
        Route::Supplement { code } => view! { <pages::supplement::SupplementPage code /> }.into_any(),
        Route::Business => view! { <pages::business::BusinessPage /> }.into_any(),
        Route::Bulk => view! { <pages::bulk::BulkPage /> }.into_any(),
        Route::Settings => view! { <pages::settings::SettingsPage /> }.into_any(),
        Route::Demo => view! { <pages::demo::DemoPage /> }.into_any(),
    }
}
