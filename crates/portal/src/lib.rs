//! The reference national portal as a library: start it on any address with
//! any database, in its own process (`hoso-portal`) or inside the app for demo
//! mode and inside tests.
#![forbid(unsafe_code)]

pub mod accounts;
mod browser_pages;
mod caller;
mod catalogue;
pub mod clock;
mod db;
mod deadline;
mod demo;
mod details;
mod dossiers;
mod error;
mod events;
mod forms;
mod gateway;
mod http;
mod json_body;
pub mod lifecycle;
mod office;
mod office_pages;
pub mod oidc;
mod openapi;
mod passkeys;
mod payments;
pub mod rate_limit;
mod ratings;
mod results;
mod simulator;
mod supplement;
mod uploads;
mod wire_name;

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use error::PortalError;
pub use http::JSON_BODY_LIMIT;
/// The changes-feed queries, exported only so the API tests can `EXPLAIN`
/// the very text the portal runs.
#[doc(hidden)]
pub mod feed_queries {
    pub use crate::dossiers::CHANGES_QUERY;
    pub use crate::events::{BACKLOG_QUERY, LATEST_QUERY};
}

/// How to start a portal.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Where the portal keeps its data: `sqlite:/var/lib/hoso/portal.db` (the
    /// file is created if missing) or `postgres://hoso@db.example/portal` (the
    /// database must exist). Other schemes are refused.
    pub database_url: String,
    /// Seed the demo identities and expose the demo endpoints.
    pub demo: bool,
    pub rate_limits: rate_limit::RateLimits,
}

impl Default for Config {
    /// A portal on a free loopback port with its data in `hoso-portal.db`,
    /// without demo data, with the deployment's rate limits.
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url: "sqlite:hoso-portal.db".to_owned(),
            demo: false,
            rate_limits: rate_limit::RateLimits::default(),
        }
    }
}

/// A portal serving in the background until [`RunningPortal::shutdown`] or drop.
pub struct RunningPortal {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl RunningPortal {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL clients use, e.g. `http://127.0.0.1:8700`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets requests in flight finish, and waits for the server.
    pub async fn shutdown(mut self) -> Result<(), PortalError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.map_err(|e| PortalError::Serve(std::io::Error::other(e)))??;
        }
        Ok(())
    }
}

impl Drop for RunningPortal {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Milliseconds since the Unix epoch: the portal's one reading of the clock
/// for stored timestamps.
fn unix_millis() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

/// Seconds since the Unix epoch, for token lifetimes.
fn unix_seconds() -> i64 {
    unix_millis() / 1000
}

/// The portal's HTTP service on `config`'s database, without a listener:
/// opens, migrates and seeds the database and loads the keys. [`start`]
/// serves it; tests drive it in-process to see exactly what a route reads.
/// Routes that rate-limit by peer address need axum's `ConnectInfo`.
pub async fn service(config: &Config, issuer: String) -> Result<axum::Router, PortalError> {
    Ok(prepare(config, issuer).await?.0)
}

/// The [`service`] and this process's live-events hub, which [`start`] closes
/// on shutdown because open event streams never finish by themselves.
async fn prepare(config: &Config, issuer: String) -> Result<(axum::Router, events::Hub), PortalError> {
    let began = std::time::Instant::now();
    let backend = db::Backend::of(&config.database_url)?;
    let pool = db::open(&config.database_url).await?;
    let opened = began.elapsed();
    catalogue::seed(&pool).await?;
    if config.demo {
        demo::seed(&pool).await?;
    }
    let seeded = began.elapsed();
    let forms = forms::Forms::load()?;
    let keys = std::sync::Arc::new(oidc::keystore::load_or_create(&pool, unix_millis()).await?);
    let gateway_key = std::sync::Arc::new(payments::load_or_create_key(&pool).await?);
    let events = events::Hub::default();
    events::start_publisher(backend, &config.database_url, &pool, &events).await?;
    let simulator = if config.demo { Some(simulator::Simulator::load(&pool).await?) } else { None };
    // A demo portal's dossiers live on the simulator's virtual clock.
    let clock: clock::SharedClock = match &simulator {
        Some(simulator) => simulator.clock(),
        None => std::sync::Arc::new(clock::SystemClock),
    };
    let write_turns = db::WriteTurns::for_backend(backend, &pool).await?;
    let state = http::AppState {
        pool,
        forms,
        keys,
        issuer,
        demo: config.demo,
        rate_limits: config.rate_limits,
        clock,
        gateway_key,
        events: events.clone(),
        simulator: simulator.clone(),
        write_turns,
    };
    if let Some(simulator) = &simulator {
        simulator.start_ticking(state.clone());
    }
    // Where a start's time goes (issue 7, G1: the app waits for its demo
    // portal's address before its engine can open).
    tracing::info!(
        open_and_migrate_ms = opened.as_millis() as u64,
        seed_ms = (seeded - opened).as_millis() as u64,
        rest_ms = (began.elapsed() - seeded).as_millis() as u64,
        "portal prepared"
    );
    Ok((http::router(state), events))
}

/// Binds the address, then prepares the [`service`] and serves it in a
/// background task. Returns once the port is bound, so the URL is usable.
pub async fn start(config: Config) -> Result<RunningPortal, PortalError> {
    let listener = TcpListener::bind(config.addr).await.map_err(PortalError::Bind)?;
    let addr = listener.local_addr().map_err(PortalError::Bind)?;
    // The issuer is the URL clients reach this listener at, known only once bound.
    let (app, events) = prepare(&config, format!("http://{addr}")).await?;
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        // The peer address feeds the rate limits; it is the TCP peer, never a
        // header a client could set.
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
                // Open event streams never finish by themselves.
                events.close();
            })
            .await
    });
    tracing::info!(%addr, demo = config.demo, "portal listening");
    Ok(RunningPortal { addr, stop: Some(stop), task: Some(task) })
}
