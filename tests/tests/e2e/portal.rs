//! The reference portal as its own process (`hoso-portal --demo`), on a port
//! and a SQLite database the test owns, so the test can take it away (the
//! app is then offline) and bring it back on the same address with the same
//! data (the app is online again, its session still good).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use hoso_tests::{built_binary, free_port};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long the portal may take to migrate its database and print its
/// address (a debug build, on a busy machine).
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A `hoso-portal --demo` process, killed when dropped.
pub struct Portal {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
    /// How many times it was started, to name each run's log.
    runs: u32,
}

impl Portal {
    /// Starts the portal on a free loopback port with its database in `dir`.
    pub async fn start(dir: &Path) -> anyhow::Result<Self> {
        let binary = built_binary("HOSO_PORTAL_BIN", "hoso-portal");
        ensure!(binary.exists(), "{} is missing: run `cargo build -p hoso-portal`", binary.display());
        let mut portal = Self { child: None, port: free_port()?, dir: dir.to_owned(), runs: 0 };
        portal.restart().await?;
        Ok(portal)
    }

    /// `http://127.0.0.1:PORT`, the same across restarts.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Kills the process (as a crash or a lost network would take it away)
    /// and waits until it is gone, so nothing answers on its port.
    pub async fn stop(&mut self) -> anyhow::Result<()> {
        if let Some(mut child) = self.child.take() {
            child.kill().await.context("stopping the portal")?;
        }
        Ok(())
    }

    /// Starts it again on the same port and database, waiting for the
    /// address it prints once it serves.
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        self.stop().await?;
        self.runs += 1;
        let binary = built_binary("HOSO_PORTAL_BIN", "hoso-portal");
        let log = self.dir.join(format!("portal-{}.log", self.runs));
        let mut child = Command::new(&binary)
            .args(["--demo", "--addr", &format!("127.0.0.1:{}", self.port), "--db"])
            .arg(format!("sqlite:{}", self.dir.join("portal.db").display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log)?)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stdout = child.stdout.take().context("the portal's stdout")?;
        let mut first = String::new();
        let read = tokio::time::timeout(START_TIMEOUT, BufReader::new(stdout).read_line(&mut first)).await;
        if !matches!(read, Ok(Ok(n)) if n > 0) || first.trim() != self.url() {
            let said = std::fs::read_to_string(&log).unwrap_or_default();
            bail!("the portal printed {first:?}, not {} within {START_TIMEOUT:?}; its stderr:\n{said}", self.url());
        }
        self.child = Some(child);
        Ok(())
    }
}
