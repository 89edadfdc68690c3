//! The shell under Tauri's mock runtime: commands invoked the way the UI
//! invokes them (`{ "args": … }`), answered by a real engine on the demo
//! portal the shell starts: the `hoso-portal` binary as a child process (as
//! the desktop app does), or in-process with the `demo-in-process` feature.

use serde_json::{Value, json};
use tauri::Manager;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;

fn invoke(webview: &tauri::WebviewWindow<MockRuntime>, command: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: command.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(json!({ "args": args })),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_owned(),
    };
    get_ipc_response(webview, request).map(|body| body.deserialize::<Value>().unwrap())
}

/// Points the app at the `hoso-portal` cargo built: the app looks beside its
/// own executable, but a test's is one directory deeper (`target/<profile>/deps`).
fn use_the_built_portal() {
    if std::env::var_os("HOSO_PORTAL_BIN").is_some() {
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let portal = exe.parent().unwrap().parent().unwrap().join(format!("hoso-portal{}", std::env::consts::EXE_SUFFIX));
    assert!(portal.is_file(), "{} is missing: run `cargo build -p hoso-portal`", portal.display());
    // SAFETY: set before the app starts any thread, and this binary's only
    // test reads it on this thread; no other thread reads the environment.
    unsafe { std::env::set_var("HOSO_PORTAL_BIN", portal) };
}

#[test]
fn the_shell_answers_commands_invoked_with_their_args_from_a_real_engine() {
    use_the_built_portal();
    let dir = tempfile::tempdir().unwrap();
    let launch = hoso_app::Launch { portal_url: None, demo: false, data_dir: Some(dir.path().to_owned()) };
    // The app's own context: its capabilities decide what the window may invoke.
    let mut app = hoso_app::app(mock_builder(), launch).build(tauri::generate_context!("../tauri.conf.json")).unwrap();
    // One iteration of the event loop runs the app's setup (the configured
    // window is made, and the demo portal and the engine start in the
    // background: the commands below wait for them); deprecated only for
    // being called in a loop, which this test does not.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let webview = app.get_webview_window("main").expect("the window of tauri.conf.json");

    let info = invoke(&webview, "app_info", Value::Null).unwrap();
    assert_eq!(info["mode"], "demo");
    let session = invoke(&webview, "session", Value::Null).unwrap();
    assert_eq!(session["signed_in"], false);

    let signed_in = invoke(&webview, "sign_in_demo", json!({ "username": "citizen" })).unwrap();
    assert_eq!(signed_in["signed_in"], true);
    assert_eq!(signed_in["profile"]["person"]["full_name"], "Nguyễn Văn An");
    let draft = invoke(&webview, "draft_create", json!({ "procedure": "1.001193" })).unwrap();
    assert_eq!(draft["data"]["declarant"]["full_name"], "Nguyễn Văn An");
    let home = invoke(&webview, "home", Value::Null).unwrap();
    assert_eq!(home["drafts"][0]["id"], draft["summary"]["id"]);

    // Errors come back as the envelope, with its kind.
    let missing = invoke(&webview, "draft_open", json!({ "id": "no-such-draft" })).unwrap_err();
    assert_eq!(missing["kind"], "not_found");
    let forbidden = invoke(&webview, "set_acting_as", json!({ "enterprise": "0100233488" })).unwrap_err();
    assert_eq!(forbidden["kind"], "forbidden");
}
