//! The running app's state: the engine (in a slot, since deleting the local
//! data replaces it), and in demo mode the reference portal it talks to,
//! started in-process on loopback with its own SQLite database (or, with
//! `--demo --portal URL`, a demo portal running elsewhere).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use hoso_engine::{Engine, EngineSlot};
use hoso_protocol::command::AppMode;

use crate::Launch;

pub struct Session {
    pub engines: EngineSlot,
    pub mode: AppMode,
    /// Kept alive for the app's lifetime; dropping it stops the demo portal.
    _demo_portal: Option<hoso_portal::RunningPortal>,
}

impl Session {
    /// The engine to make one call on.
    pub fn engine(&self) -> Arc<Engine> {
        self.engines.engine()
    }

    pub async fn start(launch: &Launch, data_dir: &Path) -> Result<Self, Box<dyn std::error::Error>> {
        match &launch.portal_url {
            Some(url) if launch.demo => {
                // Demo data, as in-process, but kept apart from the
                // in-process portal's: the two portals' dossiers differ.
                let dir = data_dir.join("demo-portal");
                std::fs::create_dir_all(&dir)?;
                let engine = Engine::open(&dir.join("engine.db"), url).await?;
                Ok(Self { engines: EngineSlot::new(engine), mode: AppMode::Demo, _demo_portal: None })
            }
            Some(url) => {
                let dir = data_dir.join("live");
                std::fs::create_dir_all(&dir)?;
                let database = dir.join("engine.db");
                let secrets = hoso_engine::secrets::for_real_account(&database)?;
                let engine = Engine::open_with(&database, url, secrets, hoso_engine::Account::Real).await?;
                Ok(Self { engines: EngineSlot::new(engine), mode: AppMode::Live, _demo_portal: None })
            }
            None => {
                // Demo data is kept apart from a real account's, so a support
                // officer's demonstration can never mix with their own dossiers.
                let dir = data_dir.join("demo");
                std::fs::create_dir_all(&dir)?;
                let portal = hoso_portal::start(hoso_portal::Config {
                    addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
                    database_url: format!("sqlite:{}", dir.join("portal.db").display()),
                    demo: true,
                    ..Default::default()
                })
                .await?;
                tracing::info!(url = %portal.url(), "demo portal started in-process");
                let engine = Engine::open(&dir.join("engine.db"), &portal.url()).await?;
                Ok(Self { engines: EngineSlot::new(engine), mode: AppMode::Demo, _demo_portal: Some(portal) })
            }
        }
    }
}
