//! Debian's headless Chromium, driven through chromedriver with fantoccini:
//! one driver process for the test, one browser session per viewport.

use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder};
use hoso_tests::chrome_options::chrome_options;
use hoso_tests::free_port;
use serde_json::json;
use tokio::process::{Child, Command};

/// A screen size the pages are checked at.
#[derive(Debug, Clone, Copy)]
pub struct Viewport {
    /// The screenshot's suffix: `{page}-{name}.png`.
    pub name: &'static str,
    pub width: u32,
    pub height: u32,
    /// A phone: the page's viewport meta applies, touch and a coarse pointer.
    pub mobile: bool,
}

/// A common phone (CSS pixels of an iPhone 12 to 15).
pub const PHONE: Viewport = Viewport { name: "phone", width: 390, height: 844, mobile: true };
pub const DESKTOP: Viewport = Viewport { name: "desktop", width: 1280, height: 800, mobile: false };

/// chromedriver on a free port, killed with the browsers it started when dropped.
pub struct ChromeDriver {
    child: Child,
    port: u16,
}

impl ChromeDriver {
    pub async fn start() -> anyhow::Result<Self> {
        let port = free_port()?;
        let program = std::env::var_os("CHROMEDRIVER").unwrap_or_else(|| "chromedriver".into());
        let child = Command::new(&program)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            // Its own process group, so dropping the driver also stops every
            // Chromium process it started, even if a session was never closed.
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| {
                format!("starting {program:?} (Debian's chromium-driver; cargo xtask setup installs it)")
            })?;
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return Ok(Self { child, port });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("chromedriver did not listen on port {port} within 10 s")
    }

    /// A new headless browser at `viewport`. The size is set by device
    /// emulation for both viewports: under chromedriver a window cannot be
    /// narrower than 500 px, and emulation gives the exact CSS size at both.
    pub async fn open(&self, viewport: Viewport) -> anyhow::Result<Client> {
        // Screenshots in the same colours everywhere.
        let mut options =
            chrome_options(viewport.width, viewport.height, viewport.mobile, &["--force-color-profile=srgb"]);
        if let Some(binary) = chromium_binary() {
            options["binary"] = json!(binary);
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert("goog:chromeOptions".into(), options);
        // fantoccini asks rustls for the process's provider, which rustls cannot
        // pick when both ring and aws-lc are built in (see tests/Cargo.toml).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = ClientBuilder::rustls()?
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .context("opening a Chromium session through chromedriver")?;
        // Bounds for every page load and script (axe runs as an async script).
        client
            .update_timeouts(TimeoutConfiguration::new(
                Some(Duration::from_secs(60)),
                Some(Duration::from_secs(60)),
                Some(Duration::ZERO),
            ))
            .await?;
        Ok(client)
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill").args(["-TERM", "--", &format!("-{pid}")]).status();
        }
        let _ = self.child.start_kill();
    }
}

/// `$CHROMIUM`, else Debian's `/usr/bin/chromium` when present; otherwise
/// chromedriver looks for a browser itself.
fn chromium_binary() -> Option<String> {
    if let Some(binary) = std::env::var_os("CHROMIUM") {
        return Some(binary.to_string_lossy().into_owned());
    }
    let debian = std::path::Path::new("/usr/bin/chromium");
    debian.exists().then(|| debian.display().to_string())
}
