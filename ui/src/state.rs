//! What every screen shares, provided once by the root view as a Leptos
//! context: the language, the current route, the app's mode and the session.
//! Screens read it with [`ctx`] and move with [`go`].

use hoso_protocol::command::{AppInfo, AppMode, SessionState};
use leptos::prelude::*;

use crate::i18n::Lang;
use crate::route::Route;

/// The shared state; every field is a signal, so the struct is `Copy`.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    pub route: RwSignal<Route>,
    /// `None` until the app answered `app_info`.
    pub info: RwSignal<Option<AppInfo>>,
    /// `None` until the app answered `session`; screens that change the
    /// session (sign-in, acting-as, sign-out) write the answer back here.
    pub session: RwSignal<Option<SessionState>>,
}

impl Ctx {
    pub fn new(lang: Lang, route: Route) -> Self {
        Self {
            lang: RwSignal::new(lang),
            route: RwSignal::new(route),
            info: RwSignal::new(None),
            session: RwSignal::new(None),
        }
    }

    /// Whether the app runs against the in-process demo portal.
    pub fn is_demo(&self) -> bool {
        self.info.with(|info| matches!(info, Some(i) if i.mode == AppMode::Demo))
    }
}

/// The shared state of the running app.
pub fn ctx() -> Ctx {
    expect_context::<Ctx>()
}

/// Moves to `route` by changing the address's fragment; the root view's
/// `hashchange` listener updates [`Ctx::route`], so back and forward work too.
pub fn go(route: Route) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_hash(&route.fragment());
    }
}

/// The route the address names now.
pub fn current_route() -> Route {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    Route::parse(&hash)
}

/// A preference kept in the browser's local storage (language, text size):
/// not personal data, so it need not go through the engine's encrypted store.
pub fn preference(key: &str) -> Option<String> {
    web_sys::window()?.local_storage().ok()??.get_item(key).ok()?
}

pub fn set_preference(key: &str, value: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok()).flatten() {
        let _ = storage.set_item(key, value);
    }
}
