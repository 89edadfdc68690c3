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
use tracing_subscriber::filter::{ParseError, Targets};

pub use launch::Launch;

/// Starts the app with the options on the command line.
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    since_launch_ms();
    init_log();
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

/// The log, on stderr, filtered by `log_filter(RUST_LOG)`.
fn init_log() {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;

    let (filter, refused) = log_filter(std::env::var("RUST_LOG").ok().as_deref());
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .with(filter)
        .init();
    if let Some(error) = refused {
        tracing::warn!("RUST_LOG is not a list of target=level directives ({error}); logging at the default levels");
    }
}

/// What RUST_LOG asks for, as targets and levels (`hoso_engine=debug,sqlx=warn`,
/// or a bare level for everything), else information from the app, the
/// engine and the demo portal; with the error when RUST_LOG does not parse.
/// A `Targets` filter rather than an `EnvFilter`, whose span and field
/// directives need a regex engine and a DFA builder in the binary; the demo
/// portal, a process of its own, reads the same RUST_LOG with an `EnvFilter`.
fn log_filter(asked: Option<&str>) -> (Targets, Option<ParseError>) {
    const DEFAULT: &str = "hoso_app=info,hoso_engine=info,hoso_portal=info";
    let default = || -> Targets { DEFAULT.parse().expect("the default filter parses") };
    match asked.filter(|value| !value.trim().is_empty()).map(str::parse::<Targets>) {
        Some(Ok(filter)) => (filter, None),
        Some(Err(error)) => (default(), Some(error)),
        None => (default(), None),
    }
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

#[cfg(test)]
mod tests {
    use tracing::Level;

    use super::log_filter;

    #[test]
    fn without_rust_log_the_app_logs_information_from_its_own_crates_only() {
        let (filter, refused) = log_filter(None);
        assert!(refused.is_none());
        assert!(filter.would_enable("hoso_engine::outbox", &Level::INFO));
        assert!(filter.would_enable("hoso_app", &Level::WARN));
        assert!(!filter.would_enable("hoso_engine", &Level::DEBUG));
        assert!(!filter.would_enable("sqlx::query", &Level::INFO));
    }

    #[test]
    fn rust_log_sets_levels_per_target_and_a_bare_level_for_the_rest() {
        let (filter, refused) = log_filter(Some("hoso_engine=debug,warn"));
        assert!(refused.is_none());
        assert!(filter.would_enable("hoso_engine::sync", &Level::DEBUG));
        assert!(!filter.would_enable("hoso_engine::sync", &Level::TRACE));
        assert!(filter.would_enable("sqlx::query", &Level::WARN));
        assert!(!filter.would_enable("sqlx::query", &Level::INFO));
    }

    #[test]
    fn a_rust_log_that_does_not_parse_is_reported_and_the_default_used() {
        let (filter, refused) = log_filter(Some("hoso_engine=loud"));
        assert!(refused.is_some());
        assert!(filter.would_enable("hoso_engine", &Level::INFO));
        assert!(!filter.would_enable("hoso_engine", &Level::DEBUG));
    }
}
