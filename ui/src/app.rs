//! The app's root view: loads what every screen needs (mode, session),
//! follows the address's `#fragment`, draws the frame (header with the
//! acting-as switcher, navigation, the DEMO watermark in demo mode) and the
//! screen of the current route; applies the language and text size to
//! `<html>` and moves focus to the new screen when the route changes.

use std::time::Duration;

use hoso_protocol::command::{AppInfoGet, SessionGet, SetActingAs};
use leptos::prelude::*;

use crate::components::{ErrorNotice, focus_element};
use crate::i18n::{Lang, t};
use crate::route::Route;
use crate::screens::screen;
use crate::state::{Ctx, apply_text_size, ctx, current_route, go, now, preference, set_preference};
use crate::transport::call;
use crate::vm::session::{choices, name_of, value_of};
use crate::vm::text_size::TextSize;

#[component]
pub fn App() -> impl IntoView {
    let lang = match preference("hoso.lang").as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Vi,
    };
    let text_size = TextSize::parse(preference("hoso.text_size").as_deref());
    let state = Ctx::new(lang, text_size, current_route());
    provide_context(state);

    // Back, forward and links all change the fragment; the route follows it.
    let listener = window_event_listener(leptos::ev::hashchange, move |_| state.route.set(current_route()));
    on_cleanup(move || listener.remove());

    // "3 minutes ago" moves on without a reload.
    if let Ok(tick) = set_interval_with_handle(move || state.now.set(now()), Duration::from_secs(15)) {
        on_cleanup(move || tick.clear());
    }

    leptos::task::spawn_local(async move {
        if let Ok(info) = call::<AppInfoGet>(&()).await {
            state.info.set(Some(info));
        }
        if let Ok(session) = call::<SessionGet>(&()).await {
            state.session.set(Some(session));
        }
    });

    // Screens that need a session send a signed-out person to sign-in, which
    // brings them back here afterwards.
    Effect::new(move |_| {
        let signed_in = state.session.with(|s| s.as_ref().map(|s| s.signed_in));
        let route = state.route.get();
        if signed_in == Some(false) && !route.is_public() {
            if route != Route::Home {
                state.return_to.set(Some(route));
            }
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
    Effect::new(move |_| {
        let size = state.text_size.get();
        set_preference("hoso.text_size", size.code());
        apply_text_size(size);
    });
    // The window title names the screen.
    Effect::new(move |_| {
        let lang = state.lang.get();
        let key = state.route.with(Route::title_key);
        document().set_title(&format!("{} – {}", t(lang, key), t(lang, "app.title")));
    });
    // On a new screen (not the first), focus goes to the main region so a
    // screen reader starts reading there and the keyboard starts from it.
    Effect::new(move |previous: Option<()>| {
        state.route.track();
        if previous.is_some() {
            focus_element("main");
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
        <a class="skip-link" href="#main" on:click=move |ev| {
            ev.prevent_default();
            focus_element("main");
        }>{move || t(state.lang.get(), "nav.skip")}</a>
        <Header />
        <Show when=move || state.is_demo()>
            <p class="demo-banner" data-testid="demo-banner">{move || t(state.lang.get(), "demo.notice")}</p>
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
    let link = move |route: Route, key: &'static str, testid: &'static str| {
        let current = {
            let route = route.clone();
            move || state.route.with(Route::section) == route
        };
        view! {
            <li>
                <a href=route.fragment() data-testid=testid aria-current=move || current().then_some("page")>
                    {move || t(lang.get(), key)}
                </a>
            </li>
        }
    };
    view! {
        <header class="app-header">
            <div class="app-header__inner">
                <a class="app-header__brand" href=Route::Home.fragment()>
                    <span class="app-title">{move || t(lang.get(), "app.title")}</span>
                    <span class="app-tagline">{move || t(lang.get(), "app.tagline")}</span>
                </a>
                <button type="button" class="header-button" data-testid="language-switch"
                    lang=move || lang.get().other().code()
                    on:click=move |_| lang.update(|l| *l = l.other())>
                    {move || t(lang.get(), "language.switch")}
                </button>
            </div>
            <Show when=move || state.signed_in()>
                <ActingAsSwitcher />
            </Show>
        </header>
        <nav class="app-nav" aria-label=move || t(lang.get(), "nav.label")>
            <ul>
                <Show when=move || state.signed_in()>
                    {link(Route::Home, "nav.home", "nav-home")}
                </Show>
                {link(Route::Catalogue { query: String::new() }, "nav.catalogue", "nav-catalogue")}
                <Show when=move || state.signed_in()>
                    {link(Route::Business, "nav.business", "nav-business")}
                </Show>
                <Show when=move || !state.signed_in()>
                    {link(Route::Welcome, "nav.welcome", "nav-welcome")}
                </Show>
                {link(Route::Settings, "nav.settings", "nav-settings")}
                <Show when=move || state.is_demo() && state.signed_in()>
                    {link(Route::Demo, "nav.demo", "nav-demo")}
                </Show>
            </ul>
        </nav>
    }
}

/// Whom the app acts for: the person or one of their enterprises. Every
/// screen reads lists for the acting profile, so a switch shows at once.
#[component]
fn ActingAsSwitcher() -> impl IntoView {
    let state = ctx();
    let lang = state.lang;
    let error = RwSignal::new(None);
    let announced = RwSignal::new(String::new());
    let change = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let Some(choice) = state
            .session
            .with_untracked(|s| s.as_ref().map(|s| choices(lang.get_untracked(), s)))
            .and_then(|list| list.into_iter().find(|c| c.value == value))
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            match call::<SetActingAs>(&choice.acting_as).await {
                Ok(session) => {
                    // `try_`: the switcher may be gone by the time the answer comes.
                    let _ = error.try_set(None);
                    let _ =
                        announced.try_set(t(lang.get_untracked(), "acting.changed").replace("{name}", &choice.label));
                    state.session.set(Some(session));
                }
                Err(e) => {
                    let _ = error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <div class="acting-as">
            <label for="acting-as" class="acting-as__label">{move || t(lang.get(), "acting.label")}</label>
            <select id="acting-as" class="select" data-testid="acting-as" on:change=change
                prop:value=move || state.session.with(|s| s.as_ref().map(|s| value_of(&s.acting_as)).unwrap_or_default())>
                {move || state.session.with(|s| s.as_ref().map(|s| {
                    let current = value_of(&s.acting_as);
                    choices(lang.get(), s).into_iter().map(|c| {
                        let selected = c.value == current;
                        view! { <option value=c.value selected=selected>{c.label}</option> }
                    }).collect_view()
                }))}
            </select>
            <p class="visually-hidden" aria-live="polite" data-testid="acting-as-announcement">{move || announced.get()}</p>
            {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
            <span class="visually-hidden" data-testid="acting-as-name">
                {move || state.session.with(|s| s.as_ref().map(|s| name_of(lang.get(), s)).unwrap_or_default())}
            </span>
        </div>
    }
}
