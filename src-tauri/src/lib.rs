//! The Tauri shell of Hồ sơ: windows, commands and start-up. Each command is a
//! few lines handing the call to the engine; the UI never sees a token.

mod commands;
mod launch;
mod notify;
mod session;
#[cfg(not(feature = "demo-in-process"))]
mod sidecar;
#[cfg(target_os = "linux")]
mod webkit;

use std::sync::OnceLock;
use std::time::Instant;

use tauri::{Manager, Runtime};
use tauri_plugin_deep_link::DeepLinkExt;

pub use launch::Launch;

/// Starts the app with the options on the command line.
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    since_launch_ms();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "hoso_app=info,hoso_engine=info,hoso_portal=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{}", Launch::USAGE);
        return;
    }
    let launch = match Launch::from_args(args) {
        Ok(launch) => launch,
        Err(message) => {
            eprintln!("hoso-app: {message}\n\n{}", Launch::USAGE);
            std::process::exit(2);
        }
    };
    app(tauri::Builder::default(), launch)
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("the Tauri event loop failed");
}

/// When the process started (the first call of this function, which [`run`]
/// makes first).
static LAUNCHED: OnceLock<Instant> = OnceLock::new();

/// Milliseconds since the app started: the start's steps are logged with it
/// (at info level), so one log shows where a start's time goes.
pub(crate) fn since_launch_ms() -> u64 {
    u64::try_from(LAUNCHED.get_or_init(Instant::now).elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// The app on any runtime, so tests can run it under Tauri's mock runtime.
pub fn app<R: Runtime>(builder: tauri::Builder<R>, launch: Launch) -> tauri::Builder<R> {
    // First, so a second launch hands over before anything else starts: two
    // processes on one store would fight over its WAL and the demo portal.
    // Only on the platform's data directory: an app given its own
    // `--data-dir` (tests, development) shares no store and runs beside it.
    #[cfg(desktop)]
    let builder = if launch.data_dir.is_none() {
        builder.plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }))
    } else {
        builder
    };
    builder
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_notification::init())
        .on_page_load(|_webview, payload| {
            tracing::info!(event = ?payload.event(), since_launch_ms = since_launch_ms(), "page load");
        })
        .setup(move |app| {
            let data_dir = match &launch.data_dir {
                Some(dir) => dir.clone(),
                None => app.path().app_data_dir()?,
            };
            // Nothing is started here: setup runs on the event loop, after
            // the window is made, and until it returns the window can neither
            // load its page nor paint. The demo portal and the engine start
            // in the task below; commands that need the engine wait for it.
            app.manage(session::Session::new(launch, data_dir));
            #[cfg(target_os = "linux")]
            webkit::tune(app.handle());
            // Starts the engine (and the demo portal before it) at once, then
            // sends the outbox and follows the portal for as long as the app
            // runs.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let session = handle.state::<session::Session>();
                // Without an engine (the demo portal did not start) there is nothing to sync.
                if let Ok(engines) = session.engines().await {
                    engines.keep_in_sync(std::future::pending()).await;
                }
            });
            notify::start(app.handle().clone());
            // The mobile redirect scheme (`vn.hoso.app:/callback`) opens the
            // app with the sign-in's answer, handed to the engine, which
            // accepts only the callback of the sign-in it waits for. The
            // address carries an authorization code, so it is not logged.
            // A link that opens the app waits for its engine to start.
            let handle = app.handle().clone();
            app.deep_link().on_open_url(move |event| {
                let urls: Vec<String> = event.urls().iter().map(ToString::to_string).collect();
                let handle = handle.clone();
                tauri::async_runtime::spawn(async move {
                    let session = handle.state::<session::Session>();
                    let Ok(engine) = session.engine().await else { return };
                    for url in urls {
                        if let Err(error) = engine.hand_over_app_link(&url) {
                            tracing::info!(%error, "a link that opened the app was not a sign-in's answer");
                        }
                    }
                });
            });
            tracing::info!(since_launch_ms = since_launch_ms(), "setup done");
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::catalogue_list,
            commands::form_definition,
            commands::session,
            commands::sign_in,
            commands::demo_identities,
            commands::sign_in_demo,
            commands::sign_out,
            commands::set_acting_as,
            commands::delete_local_data,
            commands::home,
            commands::sync_now,
            commands::draft_create,
            commands::draft_open,
            commands::draft_save,
            commands::form_validate,
            commands::draft_delete,
            commands::draft_list,
            commands::attachment_add,
            commands::attachment_remove,
            commands::draft_submit,
            commands::outbox,
            commands::outbox_retry,
            commands::dossier_list,
            commands::dossier,
            commands::supplement_open,
            commands::supplement_save,
            commands::supplement_submit,
            commands::withdraw,
            commands::payment_start,
            commands::result_download,
            commands::rate,
            commands::filing_list,
            commands::bulk_validate,
            commands::bulk_submit,
            commands::demo_scenarios,
            commands::demo_play,
            commands::demo_runs,
            commands::demo_clock,
            commands::demo_advance,
            commands::demo_reset
        ])
}
