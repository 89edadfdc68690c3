//! WebKitGTK settings for the app's window on Linux, where Tauri's webview is
//! WebKitGTK: settings that fit an app showing only its own local pages, and
//! that a general browser could not use.

use tauri::{AppHandle, Manager, Runtime};

/// Sets the main window's web context to the "document viewer" cache model.
///
/// WebKitGTK's default, "web browser", keeps decoded resources that no page
/// uses any more in memory (up to a share of the machine's memory) and
/// previous pages in a back/forward cache, so that going back to a site is
/// instant. The app navigates inside one page (routes are the address's
/// `#fragment`), loads its few files from its own binary through the
/// `tauri://` scheme, and never goes back to a previous document: those
/// caches only hold memory (issue 7, G2). "Document viewer" turns both off
/// and keeps the memory cache to what the page in use needs. The cache model
/// can change while the page loads: WebKit passes it on to its processes.
pub fn tune<R: Runtime>(app: &AppHandle<R>) {
    let Some(window) = app.get_webview_window("main") else { return };
    let set = window.with_webview(|webview| {
        use webkit2gtk::{CacheModel, WebContextExt as _, WebViewExt as _};
        if let Some(context) = webview.inner().context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
    });
    if let Err(error) = set {
        tracing::info!(%error, "the webview's cache model could not be set");
    }
}
