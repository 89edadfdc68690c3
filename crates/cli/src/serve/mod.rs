//! `hoso serve`: the app's commands over loopback HTTP plus the built UI, so
//! the same UI runs in a plain browser (demos on a projector, kiosks, browser
//! tests at phone size). It owns start-up: the address check, the engine (and
//! in demo mode the portal in-process), the token and the router.

mod commands;
mod files;
mod guard;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use axum::Router;
use axum::routing::{get, post};
use hoso_engine::{Engine, EngineSlot};
use hoso_protocol::command::AppMode;

use guard::Guard;

/// Options of `hoso serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Where to listen; only a loopback address is accepted (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// The built UI (`cargo xtask ui` writes it to `ui/dist`).
    #[arg(long, default_value = "ui/dist")]
    ui: PathBuf,
    /// Start the reference portal in-process with demo data, its data kept under `<data dir>/demo`.
    #[arg(long)]
    demo: bool,
}

/// What every request handler shares.
struct App {
    /// Swappable: deleting the local data reopens the engine on an empty store.
    engines: EngineSlot,
    mode: AppMode,
    guard: Guard,
    ui: PathBuf,
    /// Kept alive while serving; dropping it stops the demo portal.
    _demo_portal: Option<hoso_portal::RunningPortal>,
}

pub async fn run(args: ServeArgs, data_dir: &Path, portal_url: &str) -> anyhow::Result<()> {
    // Checked before anything starts: a command answered to the network would
    // hand the citizen's session to anyone who can reach the port.
    if !args.addr.ip().is_loopback() {
        bail!("refusing to listen on {}: `hoso serve` binds to loopback only (127.0.0.1 or ::1)", args.addr);
    }
    if !args.ui.join("index.html").is_file() {
        bail!("no built UI at {}: run `cargo xtask ui`, or pass --ui DIR", args.ui.display());
    }
    let (engine, mode, demo_portal) = open_engine(args.demo, data_dir, portal_url).await?;
    let listener =
        tokio::net::TcpListener::bind(args.addr).await.with_context(|| format!("listening on {}", args.addr))?;
    let addr = listener.local_addr()?;
    let guard = Guard::new(addr)?;
    let url = format!("http://{addr}/?token={}", guard.token());
    let app = Arc::new(App { engines: EngineSlot::new(engine), mode, guard, ui: args.ui, _demo_portal: demo_portal });
    // The first line on stdout is the address to open, for people and scripts.
    println!("{url}");
    eprintln!("serving the UI and the app's commands on {addr}; open the address above (Ctrl-C stops)");
    // The outbox is sent and dossiers follow the portal while the page is
    // open, as in the app; the task ends with the process.
    let background = Arc::clone(&app);
    tokio::spawn(async move { background.engines.keep_in_sync(std::future::pending()).await });
    axum::serve(listener, router(app)).with_graceful_shutdown(shutdown()).await?;
    Ok(())
}

fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/commands/{name}", post(commands::handle))
        .route("/", get(files::index))
        .route("/{*path}", get(files::file))
        .layer(axum::middleware::from_fn_with_state(app.clone(), guard::check))
        .with_state(app)
}

async fn open_engine(
    demo: bool,
    data_dir: &Path,
    portal_url: &str,
) -> anyhow::Result<(Engine, AppMode, Option<hoso_portal::RunningPortal>)> {
    if !demo {
        let database = data_dir.join("engine.db");
        let secrets = hoso_engine::secrets::for_real_account(&database)?;
        let engine = Engine::open_with(&database, portal_url, secrets, hoso_engine::Account::Real).await?;
        return Ok((engine, AppMode::Live, None));
    }
    // Demo data is kept apart from a real account's, as the app does.
    let dir = data_dir.join("demo");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let portal = hoso_portal::start(hoso_portal::Config {
        addr: SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, 0)),
        database_url: format!("sqlite:{}", dir.join("portal.db").display()),
        demo: true,
        ..Default::default()
    })
    .await?;
    eprintln!("demo portal started in-process at {}", portal.url());
    let engine = Engine::open(&dir.join("engine.db"), &portal.url()).await?;
    Ok((engine, AppMode::Demo, Some(portal)))
}

async fn shutdown() {
    // Without a signal handler the server simply runs until killed.
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}
