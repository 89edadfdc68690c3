//! The running app's state: the engine (in a slot, since deleting the local
//! data replaces it), and in demo mode the reference portal it talks to, on
//! loopback with its own SQLite database: on desktop the `hoso-portal` binary
//! shipped beside the app, started as a child process (`sidecar.rs`); with
//! the `demo-in-process` feature (phones) the portal inside this process; or,
//! with `--demo --portal URL`, a demo portal running elsewhere.

use std::path::Path;
use std::sync::Arc;

use hoso_engine::{Engine, EngineSlot};
use hoso_protocol::command::AppMode;
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};

use crate::Launch;

/// Phones cannot start a process, so a phone build without the in-process
/// portal would have a demo mode that can never start.
#[cfg(all(mobile, not(feature = "demo-in-process")))]
compile_error!("phone builds run the demo portal in-process: build hoso-app with `--features demo-in-process`");

/// The demo portal the app started, stopped when dropped.
#[cfg(feature = "demo-in-process")]
type DemoPortal = hoso_portal::RunningPortal;
#[cfg(not(feature = "demo-in-process"))]
type DemoPortal = crate::sidecar::PortalProcess;

pub struct Session {
    /// `Err` when demo mode's portal could not be started (its binary is
    /// missing from the installation, or it failed): every command that
    /// needs the engine then answers this envelope, which the UI shows in
    /// the person's language, instead of the app failing to open.
    engines: Result<EngineSlot, ErrorEnvelope>,
    pub mode: AppMode,
    /// Kept alive for the app's lifetime; dropping it stops the demo portal.
    _demo_portal: Option<DemoPortal>,
}

impl Session {
    /// The engine to make one call on.
    pub fn engine(&self) -> Result<Arc<Engine>, ErrorEnvelope> {
        Ok(self.engines()?.engine())
    }

    /// The slot holding the engine.
    pub fn engines(&self) -> Result<&EngineSlot, ErrorEnvelope> {
        self.engines.as_ref().map_err(Clone::clone)
    }

    pub async fn start(launch: &Launch, data_dir: &Path) -> Result<Self, Box<dyn std::error::Error>> {
        match &launch.portal_url {
            Some(url) if launch.demo => {
                // Demo data, as with the app's own demo portal, but kept apart
                // from its data: the two portals' dossiers differ.
                let dir = data_dir.join("demo-portal");
                std::fs::create_dir_all(&dir)?;
                let engine = Engine::open(&dir.join("engine.db"), url).await?;
                Ok(Self { engines: Ok(EngineSlot::new(engine)), mode: AppMode::Demo, _demo_portal: None })
            }
            Some(url) => {
                let dir = data_dir.join("live");
                std::fs::create_dir_all(&dir)?;
                let database = dir.join("engine.db");
                let secrets = hoso_engine::secrets::for_real_account(&database)?;
                let engine = Engine::open_with(&database, url, secrets, hoso_engine::Account::Real).await?;
                Ok(Self { engines: Ok(EngineSlot::new(engine)), mode: AppMode::Live, _demo_portal: None })
            }
            None => {
                // Demo data is kept apart from a real account's, so a support
                // officer's demonstration can never mix with their own dossiers.
                let dir = data_dir.join("demo");
                std::fs::create_dir_all(&dir)?;
                let started = start_demo_portal(&dir).await;
                Self::demo(&dir, started).await
            }
        }
    }

    /// Demo mode on the portal the app started, or, if it did not start, a
    /// session without an engine that says why.
    async fn demo(
        dir: &Path,
        started: Result<DemoPortal, Box<dyn std::error::Error>>,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let portal = match started {
            Ok(portal) => portal,
            Err(error) => {
                tracing::error!(%error, "the demo portal did not start");
                // `internal`: an installation or system fault the person
                // cannot fix by retrying what they did; the message says
                // which, for support.
                let envelope = ErrorEnvelope::new(ErrorKind::Internal, error.to_string());
                return Ok(Self { engines: Err(envelope), mode: AppMode::Demo, _demo_portal: None });
            }
        };
        let engine = Engine::open(&dir.join("engine.db"), &portal.url()).await?;
        Ok(Self { engines: Ok(EngineSlot::new(engine)), mode: AppMode::Demo, _demo_portal: Some(portal) })
    }
}

/// Starts the demo portal on a free loopback port with its database in `dir`.
#[cfg(feature = "demo-in-process")]
async fn start_demo_portal(dir: &Path) -> Result<DemoPortal, Box<dyn std::error::Error>> {
    let portal = hoso_portal::start(hoso_portal::Config {
        addr: std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, 0)),
        database_url: format!("sqlite:{}", dir.join("portal.db").display()),
        demo: true,
        ..Default::default()
    })
    .await?;
    tracing::info!(url = %portal.url(), "demo portal started in-process");
    Ok(portal)
}

/// Starts the demo portal on a free loopback port with its database in `dir`.
#[cfg(not(feature = "demo-in-process"))]
async fn start_demo_portal(dir: &Path) -> Result<DemoPortal, Box<dyn std::error::Error>> {
    let binary = crate::sidecar::binary();
    let portal = crate::sidecar::PortalProcess::start(&binary, dir).await?;
    tracing::info!(url = %portal.url(), binary = %binary.display(), "demo portal started");
    Ok(portal)
}

#[cfg(all(test, not(feature = "demo-in-process")))]
mod tests {
    use super::*;

    #[test]
    fn a_demo_portal_that_cannot_start_leaves_the_app_open_with_an_internal_error() {
        let dir = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
        let missing = dir.path().join("no-such-portal");
        let session = runtime.block_on(async {
            let started = crate::sidecar::PortalProcess::start(&missing, dir.path()).await.map_err(Into::into);
            Session::demo(dir.path(), started).await
        });
        let session = session.expect("the app opens without its demo portal");
        assert_eq!(session.mode, AppMode::Demo);
        let Err(envelope) = session.engine() else { panic!("no engine without its portal") };
        assert_eq!(envelope.kind, ErrorKind::Internal);
        assert!(envelope.message.contains("no-such-portal"), "the message names what failed: {}", envelope.message);
        assert_eq!(session.engines().err(), Some(envelope));
    }
}
