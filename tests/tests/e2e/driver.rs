//! tauri-driver in front of WebKitWebDriver, and the app window it opens:
//! the real `hoso-app` binary in its real webview, driven over WebDriver.

use std::ffi::OsString;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use fantoccini::{Client, ClientBuilder};
use hoso_tests::{built_binary, free_port};
use serde_json::json;
use tokio::process::{Child, Command};

/// tauri-driver in front of WebKitWebDriver, killed when dropped.
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    /// Starts tauri-driver; `env` reaches the app too, since the driver
    /// starts WebKitWebDriver, which starts the app (how the journey gives
    /// the app its "system browser").
    pub async fn start(env: &[(&str, OsString)]) -> anyhow::Result<Self> {
        let port = free_port()?;
        let native_port = free_port()?;
        let program = std::env::var_os("TAURI_DRIVER").unwrap_or_else(|| "tauri-driver".into());
        let child = Command::new(&program)
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .envs(env.iter().map(|(name, value)| (name, value)))
            .stdout(Stdio::null())
            // Its own process group, so dropping the driver also stops the
            // WebKitWebDriver it spawns (which would otherwise outlive the test).
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {program:?} (cargo xtask setup installs it)"))?;
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return Ok(Self { child, port });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("tauri-driver did not listen on port {port} within 10 s")
    }

    /// Opens the built app with `args`, in a new WebDriver session.
    pub async fn open_app(&self, args: &[&str]) -> anyhow::Result<Client> {
        let app = built_binary("HOSO_APP_BIN", "hoso-app");
        anyhow::ensure!(app.exists(), "{} is missing: run `cargo build` first", app.display());
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("tauri:options".into(), json!({ "application": app, "args": args }));
        // fantoccini asks rustls for the process's provider, which rustls cannot
        // pick when both ring and aws-lc are built in (see tests/Cargo.toml).
        let _ = rustls::crypto::ring::default_provider().install_default();
        Ok(ClientBuilder::rustls()?
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await?)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill").args(["-TERM", "--", &format!("-{pid}")]).status();
        }
        let _ = self.child.start_kill();
    }
}
