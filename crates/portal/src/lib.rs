//! The reference national portal as a library: start it on any address with
//! any database, in its own process (`hoso-portal`) or inside the app for demo
//! mode and inside tests.
#![forbid(unsafe_code)]

pub mod accounts;
mod caller;
mod catalogue;
mod db;
mod demo;
mod dossiers;
mod error;
mod events;
mod forms;
mod http;
mod json_body;
pub mod oidc;
mod rate_limit;
mod uploads;
mod wire_name;

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use error::PortalError;

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

/// Opens the database, migrates and seeds it, binds the address and serves in
/// a background task. Returns once the port is bound, so the URL is usable.
pub async fn start(config: Config) -> Result<RunningPortal, PortalError> {
    let backend = db::Backend::of(&config.database_url)?;
    let pool = db::open(&config.database_url).await?;
    catalogue::seed(&pool).await?;
    if config.demo {
        demo::seed(&pool).await?;
    }
    let listener = TcpListener::bind(config.addr).await.map_err(PortalError::Bind)?;
    let addr = listener.local_addr().map_err(PortalError::Bind)?;
    let forms = forms::Forms::load()?;
    let keys = std::sync::Arc::new(oidc::keystore::load_or_create(&pool, unix_millis()).await?);
    let issuer = format!("http://{addr}");
    let events = events::Hub::default();
    events::start_publisher(backend, &config.database_url, &pool, &events).await?;
    let app = http::router(http::AppState { pool, forms, keys, issuer, demo: config.demo, events: events.clone() });
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
