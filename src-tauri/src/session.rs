//! The running app's state: the engine (in a slot, since deleting the local
//! data replaces it), and in demo mode the reference portal it talks to, on
//! loopback with its own SQLite database: on desktop the `hoso-portal` binary
//! shipped beside the app, started as a child process (`sidecar.rs`); with
//! the `demo-in-process` feature (phones) the portal inside this process; or,
//! with `--demo --portal URL`, a demo portal running elsewhere.
//!
//! The session exists as soon as the app does, and knows its mode at once;
//! the engine (and the demo portal before it) starts in the background, so
//! the window paints without waiting for either. A command that needs the
//! engine waits for that start to finish: its wait is bounded by the
//! sidecar's own start timeout, and a start that failed answers the error
//! envelope to every such command instead.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use hoso_engine::{Engine, EngineError, EngineSlot};
use hoso_protocol::command::AppMode;
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use tokio::sync::OnceCell;

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
    pub mode: AppMode,
    launch: Launch,
    data_dir: PathBuf,
    /// The `hoso-portal` binary demo mode starts (a field, not read at the
    /// start, so a test can name a missing one without touching the
    /// environment other tests read).
    #[cfg(not(feature = "demo-in-process"))]
    portal_binary: PathBuf,
    /// Set once by the first caller of [`Session::engines`] (the background
    /// task the app starts with), awaited by every later one. `Err` when the
    /// engine could not be opened, for example because demo mode's portal
    /// could not be started (its binary is missing from the installation, or
    /// it failed): every command that needs the engine then answers this
    /// envelope, which the UI shows in the person's language, instead of the
    /// app failing to open.
    started: OnceCell<Result<Started, ErrorEnvelope>>,
}

/// What a finished start holds.
struct Started {
    engines: EngineSlot,
    /// Kept alive for the app's lifetime; dropping it stops the demo portal.
    _demo_portal: Option<DemoPortal>,
}

impl Session {
    /// The session of an app launched with `launch`, keeping its data in
    /// `data_dir`; nothing is started yet (see [`Session::engines`]).
    pub fn new(launch: Launch, data_dir: PathBuf) -> Self {
        let mode = match &launch.portal_url {
            Some(_) if !launch.demo => AppMode::Live,
            _ => AppMode::Demo,
        };
        Self {
            mode,
            launch,
            data_dir,
            #[cfg(not(feature = "demo-in-process"))]
            portal_binary: crate::sidecar::binary(),
            started: OnceCell::new(),
        }
    }

    /// The engine to make one call on, once it has started.
    pub async fn engine(&self) -> Result<Arc<Engine>, ErrorEnvelope> {
        Ok(self.engines().await?.engine())
    }

    /// The slot holding the engine. The first call starts the demo portal
    /// (in demo mode) and opens the engine; the others wait for that, and
    /// then answer at once.
    pub async fn engines(&self) -> Result<&EngineSlot, ErrorEnvelope> {
        let started = self.started.get_or_init(|| self.start()).await;
        started.as_ref().map(|started| &started.engines).map_err(Clone::clone)
    }

    async fn start(&self) -> Result<Started, ErrorEnvelope> {
        let began = std::time::Instant::now();
        let started = self.open().await;
        match &started {
            Ok(_) => tracing::info!(
                open_ms = began.elapsed().as_millis() as u64,
                since_launch_ms = crate::since_launch_ms(),
                "engine ready"
            ),
            Err(envelope) => tracing::error!(error = %envelope.message, "the engine did not start"),
        }
        started
    }

    async fn open(&self) -> Result<Started, ErrorEnvelope> {
        match &self.launch.portal_url {
            Some(url) if self.launch.demo => {
                // Demo data, as with the app's own demo portal, but kept apart
                // from its data: the two portals' dossiers differ.
                let dir = data_directory(&self.data_dir, "demo-portal")?;
                let engine = Engine::open(&dir.join("engine.db"), url).await?;
                Ok(Started { engines: EngineSlot::new(engine), _demo_portal: None })
            }
            Some(url) => {
                let dir = data_directory(&self.data_dir, "live")?;
                let database = dir.join("engine.db");
                let secrets = hoso_engine::secrets::for_real_account(&database).map_err(EngineError::from)?;
                let engine = Engine::open_with(&database, url, secrets, hoso_engine::Account::Real).await?;
                Ok(Started { engines: EngineSlot::new(engine), _demo_portal: None })
            }
            None => {
                // Demo data is kept apart from a real account's, so a support
                // officer's demonstration can never mix with their own dossiers.
                let dir = data_directory(&self.data_dir, "demo")?;
                let started = self.start_demo_portal(&dir).await;
                Self::demo(&dir, started).await
            }
        }
    }

    /// Demo mode on the portal the app started, or, if it did not start, the
    /// envelope that says why.
    async fn demo(
        dir: &Path,
        started: Result<DemoPortal, Box<dyn std::error::Error + Send + Sync>>,
    ) -> Result<Started, ErrorEnvelope> {
        let portal = match started {
            Ok(portal) => portal,
            Err(error) => {
                tracing::error!(%error, "the demo portal did not start");
                // `internal`: an installation or system fault the person
                // cannot fix by retrying what they did; the message says
                // which, for support.
                return Err(ErrorEnvelope::new(ErrorKind::Internal, error.to_string()));
            }
        };
        let engine = Engine::open(&dir.join("engine.db"), &portal.url()).await?;
        Ok(Started { engines: EngineSlot::new(engine), _demo_portal: Some(portal) })
    }

    /// Starts the demo portal on a free loopback port with its database in `dir`.
    #[cfg(feature = "demo-in-process")]
    async fn start_demo_portal(&self, dir: &Path) -> Result<DemoPortal, Box<dyn std::error::Error + Send + Sync>> {
        let portal = hoso_portal::start(hoso_portal::Config {
            addr: std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, 0)),
            database_url: format!("sqlite:{}", dir.join("portal.db").display()),
            demo: true,
            ..Default::default()
        })
        .await?;
        tracing::info!(url = %portal.url(), since_launch_ms = crate::since_launch_ms(), "demo portal started in-process");
        Ok(portal)
    }

    /// Starts the demo portal on a free loopback port with its database in `dir`.
    #[cfg(not(feature = "demo-in-process"))]
    async fn start_demo_portal(&self, dir: &Path) -> Result<DemoPortal, Box<dyn std::error::Error + Send + Sync>> {
        let began = std::time::Instant::now();
        let portal = crate::sidecar::PortalProcess::start(&self.portal_binary, dir).await?;
        tracing::info!(
            url = %portal.url(),
            binary = %self.portal_binary.display(),
            spawn_to_address_ms = began.elapsed().as_millis() as u64,
            since_launch_ms = crate::since_launch_ms(),
            "demo portal started"
        );
        Ok(portal)
    }
}

/// `data_dir/name`, created if missing.
fn data_directory(data_dir: &Path, name: &str) -> Result<PathBuf, EngineError> {
    let dir = data_dir.join(name);
    std::fs::create_dir_all(&dir).map_err(EngineError::Files)?;
    Ok(dir)
}

#[cfg(all(test, not(feature = "demo-in-process")))]
mod tests {
    use super::*;

    fn demo_launch(dir: &Path) -> Launch {
        Launch { portal_url: None, demo: false, data_dir: Some(dir.to_owned()) }
    }

    #[test]
    fn a_demo_portal_that_cannot_start_leaves_the_app_open_with_an_internal_error() {
        let dir = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
        let missing = dir.path().join("no-such-portal");
        let session =
            Session { portal_binary: missing, ..Session::new(demo_launch(dir.path()), dir.path().to_owned()) };
        // The app is open and knows its mode before anything has started.
        assert_eq!(session.mode, AppMode::Demo);
        runtime.block_on(async {
            let Err(envelope) = session.engine().await else { panic!("no engine without its portal") };
            assert_eq!(envelope.kind, ErrorKind::Internal);
            assert!(envelope.message.contains("no-such-portal"), "the message names what failed: {}", envelope.message);
            assert_eq!(session.engines().await.err(), Some(envelope), "every later command answers the same");
        });
    }

    #[test]
    #[cfg(unix)]
    fn commands_asked_while_the_demo_portal_starts_wait_for_the_engine_instead_of_failing() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
        // A portal that starts only once the test says so: it cannot print
        // its address, so the engine cannot be ready, before `go` exists.
        let go = dir.path().join("go");
        let script = dir.path().join("slow-portal");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nwhile [ ! -e '{}' ]; do sleep 0.02; done\nexec '{}' \"$@\"\n",
                go.display(),
                crate::sidecar::tests::built_portal().display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let session =
            Arc::new(Session { portal_binary: script, ..Session::new(demo_launch(dir.path()), dir.path().to_owned()) });
        runtime.block_on(async {
            // As at launch: the background start, then a command.
            let start = tokio::spawn({
                let session = Arc::clone(&session);
                async move { session.engines().await.map(|_| ()) }
            });
            let command = tokio::spawn({
                let session = Arc::clone(&session);
                async move { session.engine().await.map(|_| ()) }
            });
            tokio::task::yield_now().await;
            assert!(!command.is_finished(), "a command answered before its engine could exist");
            std::fs::write(&go, b"").unwrap();
            start.await.unwrap().expect("the engine starts once its portal does");
            command.await.unwrap().expect("the waiting command gets the engine, not an error");
        });
        assert!(dir.path().join("demo").join("engine.db").is_file(), "the engine's store is in the demo directory");
    }

    #[test]
    fn the_mode_is_known_from_the_launch_before_the_engine_starts() {
        let dir = tempfile::tempdir().unwrap();
        let live = Launch { portal_url: Some("https://dichvucong.example".into()), demo: false, data_dir: None };
        let elsewhere = Launch { demo: true, ..live.clone() };
        assert_eq!(Session::new(live, dir.path().to_owned()).mode, AppMode::Live);
        assert_eq!(Session::new(elsewhere, dir.path().to_owned()).mode, AppMode::Demo);
        let demo = Session::new(demo_launch(dir.path()), dir.path().to_owned());
        assert_eq!(demo.mode, AppMode::Demo);
        assert!(demo.started.get().is_none(), "making the session starts nothing");
    }
}
