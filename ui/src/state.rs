//! What every screen shares, provided once by the root view as a Leptos
//! context: the language, the current route, the app's mode, the session,
//! the catalogue once loaded, and a clock that ticks for "3 minutes ago".
//! Screens read it with [`ctx`] and move with [`go`].

use std::sync::Arc;

use hoso_protocol::command::{AppInfo, AppMode, CatalogueList, SessionState};
use hoso_protocol::error::ErrorEnvelope;
use leptos::prelude::*;
use time::{OffsetDateTime, UtcOffset};

use crate::i18n::Lang;
use crate::route::Route;
use crate::transport::call;
use crate::vm::catalogue::CatalogueIndex;
use crate::vm::text_size::TextSize;
use crate::vm::time::{from_millis, offset_from_js};

/// The catalogue as this run of the UI holds it: fetched once (the engine
/// refreshes it from the portal when it can) and searched in memory.
#[derive(Debug, Clone, Default)]
pub enum Catalogue {
    #[default]
    NotLoaded,
    Loading,
    Loaded {
        index: Arc<CatalogueIndex>,
        /// Why the engine could not refresh it: this is the device's copy.
        sync_error: Option<ErrorEnvelope>,
    },
    Failed(ErrorEnvelope),
}

/// The shared state; every field is a signal, so the struct is `Copy`.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    pub text_size: RwSignal<TextSize>,
    pub route: RwSignal<Route>,
    /// `None` until the app answered `app_info`.
    pub info: RwSignal<Option<AppInfo>>,
    /// `None` until the app answered `session`; screens that change the
    /// session (sign-in, acting-as, sign-out) write the answer back here.
    pub session: RwSignal<Option<SessionState>>,
    /// Where to go once signed in (a procedure's "Start" when signed out).
    pub return_to: RwSignal<Option<Route>>,
    pub catalogue: RwSignal<Catalogue>,
    /// The catalogue's last search text, for the way back from a procedure.
    pub search: RwSignal<String>,
    /// Now, moved on every few seconds by the root view.
    pub now: RwSignal<OffsetDateTime>,
}

impl Ctx {
    pub fn new(lang: Lang, text_size: TextSize, route: Route) -> Self {
        Self {
            lang: RwSignal::new(lang),
            text_size: RwSignal::new(text_size),
            route: RwSignal::new(route),
            info: RwSignal::new(None),
            session: RwSignal::new(None),
            return_to: RwSignal::new(None),
            catalogue: RwSignal::new(Catalogue::NotLoaded),
            search: RwSignal::new(String::new()),
            now: RwSignal::new(now()),
        }
    }

    /// Whether the app runs against the in-process demo portal.
    pub fn is_demo(&self) -> bool {
        self.info.with(|info| matches!(info, Some(i) if i.mode == AppMode::Demo))
    }

    /// Whether someone is signed in (`false` while the session is unknown).
    pub fn signed_in(&self) -> bool {
        self.session.with(|s| s.as_ref().is_some_and(|s| s.signed_in))
    }

    /// Asks the app for the catalogue unless it is loaded or on its way;
    /// `again` fetches it anew (after an error).
    pub fn load_catalogue(self, again: bool) {
        let busy = self.catalogue.with_untracked(|c| match c {
            Catalogue::Loading => true,
            Catalogue::Loaded { .. } | Catalogue::Failed(_) => !again,
            Catalogue::NotLoaded => false,
        });
        if busy {
            return;
        }
        self.catalogue.set(Catalogue::Loading);
        leptos::task::spawn_local(async move {
            let loaded = match call::<CatalogueList>(&()).await {
                Ok(listing) => Catalogue::Loaded {
                    index: Arc::new(CatalogueIndex::new(listing.procedures)),
                    sync_error: listing.sync_error,
                },
                Err(error) => Catalogue::Failed(error),
            };
            self.catalogue.set(loaded);
        });
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

/// Replaces the address's fragment without a new history entry, for the
/// catalogue's search text: back then leaves the catalogue rather than
/// stepping through every letter typed.
pub fn replace(route: Route) {
    if let Some(window) = web_sys::window()
        && let Ok(history) = window.history()
    {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&route.fragment()));
    }
}

/// The route the address names now.
pub fn current_route() -> Route {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    Route::parse(&hash)
}

/// Now, from the browser's clock.
pub fn now() -> OffsetDateTime {
    from_millis(js_sys::Date::now())
}

/// The device's UTC offset now.
pub fn local_offset() -> UtcOffset {
    offset_from_js(js_sys::Date::new_0().get_timezone_offset())
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

/// Puts `size`'s class on `<html>`, so every `rem` grows with it.
pub fn apply_text_size(size: TextSize) {
    if let Some(root) = document().document_element() {
        let classes = root.class_list();
        for class in TextSize::all_classes() {
            let _ = classes.remove_1(class);
        }
        if let Some(class) = size.class() {
            let _ = classes.add_1(class);
        }
    }
}
