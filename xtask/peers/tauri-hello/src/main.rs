//! `tauri-hello`: a window showing one static page, nothing else — what any
//! Tauri 2 app costs before it does anything. The bench compares Hồ sơ's start,
//! memory and sizes with it.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default().run(tauri::generate_context!()).expect("the Tauri event loop failed");
}
