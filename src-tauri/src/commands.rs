//! The app's typed commands. Each hands the call to the engine and answers
//! `Result<T, ErrorEnvelope>`; no logic lives here.

use hoso_protocol::command::{AppInfo, CatalogueListing};
use hoso_protocol::error::ErrorEnvelope;
use tauri::State;

use crate::session::Session;

#[tauri::command]
pub fn app_info(session: State<'_, Session>) -> AppInfo {
    AppInfo { mode: session.mode, version: env!("CARGO_PKG_VERSION").to_owned() }
}

#[tauri::command]
pub async fn catalogue_list(session: State<'_, Session>) -> Result<CatalogueListing, ErrorEnvelope> {
    Ok(session.engine.catalogue_listing().await?)
}
