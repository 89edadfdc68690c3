//! Build script: reads the top-level `tauri.conf.json` and declares the app's
//! own commands, so Tauri's capability ACL applies to them like to any plugin.

fn main() {
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(&["app_info", "catalogue_list"]));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
