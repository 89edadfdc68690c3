//! Build script: reads the top-level `tauri.conf.json` and declares the app's
//! own commands, so Tauri's capability ACL applies to them like to any plugin.

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
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
