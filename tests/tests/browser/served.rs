//! The real `hoso serve --demo` binary on a free loopback port, with a
//! temporary data directory: its printed address (with the token) for the
//! browser, and the same `POST /commands/NAME` calls the UI makes, for
//! putting data behind the pages before they are opened.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use hoso_protocol::command::{Command as AppCommand, SERVE_TOKEN_HEADER};
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use hoso_tests::built_binary;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long the binary may take to open its store, start the demo portal and
/// print its address (a debug build, on a busy machine).
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long one command may take; `sync_now` and `demo_advance` do real HTTP
/// to the in-process portal, still well under this.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// A running `hoso serve --demo`, killed when dropped however the test ends.
pub struct Served {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    base: String,
    token: String,
    http: reqwest::Client,
    /// Its stderr, kept in a file so a failure can show what it said.
    log: PathBuf,
    /// The data directory; removed after the process is killed.
    _data: tempfile::TempDir,
}

impl Served {
    /// Starts the binary on port 0 with the built UI in `ui`, and waits for the
    /// address it prints on its first line.
    pub async fn start(ui: &Path) -> anyhow::Result<Self> {
        let binary = built_binary("HOSO_CLI_BIN", "hoso");
        let data = tempfile::tempdir()?;
        let log = data.path().join("serve.log");
        let mut child = Command::new(&binary)
            .arg("--data-dir")
            .arg(data.path().join("data"))
            .args(["serve", "--demo", "--addr", "127.0.0.1:0", "--ui"])
            .arg(ui)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log)?)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stdout = child.stdout.take().context("hoso serve's stdout")?;
        let mut first = String::new();
        let read = tokio::time::timeout(START_TIMEOUT, BufReader::new(stdout).read_line(&mut first)).await;
        let url = first.trim();
        let parsed = url.split_once("/?token=");
        let Some((base, token)) = parsed.filter(|_| matches!(read, Ok(Ok(n)) if n > 0)) else {
            let said = std::fs::read_to_string(&log).unwrap_or_default();
            bail!("hoso serve printed no address within {START_TIMEOUT:?} (first line {url:?}); its stderr:\n{said}");
        };
        ensure!(base.starts_with("http://127.0.0.1:"), "hoso serve printed {url:?}, not a loopback address");
        let http = reqwest::Client::builder().timeout(COMMAND_TIMEOUT).build()?;
        Ok(Self { base: base.to_owned(), token: token.to_owned(), http, child, log, _data: data })
    }

    /// Whether the binary and the built UI are there, before anything starts.
    pub fn prerequisites(ui: &Path) -> anyhow::Result<()> {
        let binary = built_binary("HOSO_CLI_BIN", "hoso");
        ensure!(binary.exists(), "{} is missing: run `cargo build -p hoso-cli`", binary.display());
        ensure!(ui.join("index.html").is_file(), "no built UI at {}: run `cargo xtask ui`", ui.display());
        Ok(())
    }

    /// The address of a screen, as a person opens it: the page address with
    /// the token the UI reads, and the route's `#fragment`.
    pub fn page(&self, fragment: &str) -> String {
        format!("{}/?token={}{fragment}", self.base, self.token)
    }

    /// Runs command `C` as the UI does. `Ok(None)` when this binary does not
    /// have the command at all (answered `not_found` "no command …"), so
    /// pages that need it can be left out by name while it is being built;
    /// any other refusal is an error. Once every command exists (the tidy test
    /// checks serve answers all of `command::name::ALL`), nothing is left out.
    pub async fn call<C: AppCommand>(&self, args: &C::Args) -> anyhow::Result<Option<C::Answer>> {
        let response = self
            .http
            .post(format!("{}/commands/{}", self.base, C::NAME))
            .header(SERVE_TOKEN_HEADER, &self.token)
            .json(args)
            .send()
            .await
            .with_context(|| format!("POST /commands/{}", C::NAME))?;
        let status = response.status();
        let body = response.bytes().await?;
        if status.is_success() {
            return serde_json::from_slice(&body)
                .map(Some)
                .with_context(|| format!("{}'s answer: {}", C::NAME, String::from_utf8_lossy(&body)));
        }
        let envelope: ErrorEnvelope = serde_json::from_slice(&body)
            .with_context(|| format!("{} answered {status}: {}", C::NAME, String::from_utf8_lossy(&body)))?;
        if envelope.kind == ErrorKind::NotFound && envelope.message.starts_with("no command") {
            return Ok(None);
        }
        bail!("{} answered {status}: {envelope:?}\n{}", C::NAME, self.log_tail())
    }

    /// The last lines the binary wrote to stderr.
    pub fn log_tail(&self) -> String {
        let said = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = said.lines().collect();
        let tail = lines[lines.len().saturating_sub(40)..].join("\n");
        format!("hoso serve's stderr (last lines):\n{tail}")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        // Reaped (for at most two seconds) before its data directory is
        // removed, so the store is not deleted under a live process.
        let _ = self.child.start_kill();
        for _ in 0..40 {
            if !matches!(self.child.try_wait(), Ok(None)) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
