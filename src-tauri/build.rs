//! Build script: reads the top-level `tauri.conf.json` and declares the app's
//! own commands, so Tauri's capability ACL applies to them like to any plugin.
//! The configuration's sidecar (`bundle.externalBin`, the demo portal) is for
//! the bundler only: see `main`.

/// Every command the shell answers (`hoso_protocol::command::name::ALL`); the
/// tidy test compares it with `generate_handler!`.
const COMMANDS: &[&str] = &[
    "app_info",
    "catalogue_list",
    "form_definition",
    "session",
    "sign_in",
    "demo_identities",
    "sign_in_demo",
    "sign_out",
    "set_acting_as",
    "delete_local_data",
    "home",
    "sync_now",
    "draft_create",
    "draft_open",
    "draft_save",
    "form_validate",
    "draft_delete",
    "draft_list",
    "attachment_add",
    "attachment_remove",
    "draft_submit",
    "outbox",
    "outbox_retry",
    "dossier_list",
    "dossier",
    "supplement_open",
    "supplement_save",
    "supplement_submit",
    "withdraw",
    "payment_start",
    "result_download",
    "rate",
    "filing_list",
    "bulk_validate",
    "bulk_submit",
    "demo_scenarios",
    "demo_play",
    "demo_runs",
    "demo_clock",
    "demo_advance",
    "demo_reset",
];

fn main() {
    // tauri-build copies every `bundle.externalBin` (`binaries/hoso-portal-<target>`)
    // beside the binary it builds, and fails if it is missing; but the sidecar is
    // `hoso-portal`, built by the same `cargo build` (it lands beside the app
    // anyway) and staged under `binaries/` only for `tauri bundle` (see
    // `xtask/src/bench/size.rs`). So the build leaves the sidecar out of the
    // configuration it reads, through the override Tauri merges into it.
    let mut config: serde_json::Value = std::env::var("TAURI_CONFIG")
        .ok()
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_else(|| serde_json::json!({}));
    config["bundle"]["externalBin"] = serde_json::Value::Null;
    // SAFETY: the build script has no other thread yet.
    unsafe { std::env::set_var("TAURI_CONFIG", config.to_string()) };
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
