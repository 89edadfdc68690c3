//! The citizen's system browser for the payment: the app opens the gateway's
//! hosted page through `$BROWSER` (how the engine's system browser finds the
//! browser on Linux), here a small script that hands the address to the
//! test; the test then is the person in that browser: it reads the page the
//! gateway shows and presses "Pay" by posting its form.

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail, ensure};

/// Where the script writes each address it was asked to open.
pub struct SystemBrowser {
    script: PathBuf,
    opened: PathBuf,
}

impl SystemBrowser {
    /// Writes the script into `dir`.
    pub fn install(dir: &Path) -> anyhow::Result<Self> {
        let script = dir.join("browser.sh");
        let opened = dir.join("opened.txt");
        std::fs::write(&script, format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", opened.display()))?;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))?;
        Ok(Self { script, opened })
    }

    /// The `BROWSER` value that makes the app open pages with the script.
    pub fn env(&self) -> (&'static str, OsString) {
        ("BROWSER", self.script.clone().into_os_string())
    }

    /// Every address opened so far, oldest first.
    pub fn opened(&self) -> Vec<String> {
        std::fs::read_to_string(&self.opened).unwrap_or_default().lines().map(str::to_owned).collect()
    }

    /// Waits (bounded) for the `n`th address to be opened.
    pub async fn wait_for_page(&self, n: usize) -> anyhow::Result<String> {
        for _ in 0..300 {
            if let Some(url) = self.opened().get(n - 1) {
                return Ok(url.clone());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("the app opened no page in the system browser (opened: {:?})", self.opened())
    }
}

/// Opens the gateway's page at `url` as the browser would, checks it names
/// `amount` (as the gateway writes đồng: `50.000 ₫`), and presses "Pay".
pub async fn pay(url: &str, amount: &str) -> anyhow::Result<()> {
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let page = browser.get(url).send().await?;
    ensure!(page.status() == 200, "the gateway's page answered {}", page.status());
    let page = page.text().await?;
    ensure!(
        page.contains(&format!("id=\"amount\">{amount}</dd>")),
        "the gateway's page does not ask for {amount}:\n{page}"
    );
    let action = page
        .split("<form method=\"post\" action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .context("a form on the gateway's page")?;
    let target = reqwest::Url::parse(url)?.join(action)?;
    let paid = browser.post(target).form(&[("choice", "pay")]).send().await?;
    // The gateway sends the browser back to the portal's return page.
    ensure!(paid.status().is_redirection(), "pressing Pay answered {}", paid.status());
    Ok(())
}
