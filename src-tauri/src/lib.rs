//! The Tauri shell of Hồ sơ: windows, commands and start-up. Each command is a
//! few lines handing the call to the engine; the UI never sees a token.

mod commands;
mod launch;
mod session;

use tauri::{Manager, Runtime};

pub use launch::Launch;

/// Starts the app with the options on the command line.
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
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

/// The app on any runtime, so tests can run it under Tauri's mock runtime.
pub fn app<R: Runtime>(builder: tauri::Builder<R>, launch: Launch) -> tauri::Builder<R> {
    builder
        .setup(move |app| {
            let data_dir = match &launch.data_dir {
                Some(dir) => dir.clone(),
                None => app.path().app_data_dir()?,
            };
            let session = tauri::async_runtime::block_on(session::Session::start(&launch, &data_dir))?;
            app.manage(session);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![commands::app_info, commands::catalogue_list])
}
