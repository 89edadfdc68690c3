//! The real app window, driven through tauri-driver and WebKitWebDriver: what
//! a person sees when they open Hồ sơ in demo mode.
//!
//! Needs a display, WebKitWebDriver, tauri-driver and the built app, so it is
//! ignored by a plain `cargo test`; `cargo xtask test` runs it under Xvfb.

use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use fantoccini::{Client, ClientBuilder, Locator};
use hoso_tests::{built_binary, free_port, workspace_root};
use serde_json::json;
use tokio::process::{Child, Command};

/// tauri-driver in front of WebKitWebDriver, killed when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    async fn start() -> anyhow::Result<Self> {
        let port = free_port()?;
        let native_port = free_port()?;
        let program = std::env::var_os("TAURI_DRIVER").unwrap_or_else(|| "tauri-driver".into());
        let child = Command::new(&program)
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
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

    async fn open_app(&self, args: &[&str]) -> anyhow::Result<Client> {
        let app = built_binary("HOSO_APP_BIN", "hoso-app");
        anyhow::ensure!(app.exists(), "{} is missing: run `cargo build` first", app.display());
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("tauri:options".into(), json!({ "application": app, "args": args }));
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

async fn text_of(client: &Client, css: &str) -> anyhow::Result<String> {
    let element = client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("waiting for {css}"))?;
    Ok(element.text().await?)
}

/// Waits until the element's text is `expected`, so a re-render in progress
/// is not mistaken for a failure.
async fn wait_for_text(client: &Client, css: &str, expected: &str) -> anyhow::Result<()> {
    let mut last = String::new();
    for _ in 0..100 {
        last = text_of(client, css).await?;
        if last == expected {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("{css} reads {last:?}, expected {expected:?}")
}

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver, tauri-driver and the built app: run `cargo xtask test`"]
async fn the_demo_app_signs_in_a_demo_identity_and_finds_a_procedure_typed_without_diacritics() -> anyhow::Result<()> {
    if std::env::var_os("DISPLAY").is_none() {
        bail!("no DISPLAY: run this under xvfb-run (cargo xtask test does)");
    }
    let data = tempfile::tempdir()?;
    let driver = Driver::start().await?;
    let client = driver.open_app(&["--demo", "--data-dir", &data.path().display().to_string()]).await?;

    let outcome = async {
        // Signed out, the app opens on sign-in; in demo mode it offers the demo identities.
        let citizen = "[data-testid=demo-identity][data-username=citizen]";
        client.wait().at_most(Duration::from_secs(60)).for_element(Locator::Css(citizen)).await?.click().await?;
        // The demo sign-in is the engine's real code flow against the in-process portal.
        text_of(&client, "[data-testid=home-acting-as]").await?;
        let watermark = client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("[data-testid=demo-watermark]"))
            .await?;
        assert_eq!(watermark.attr("data-text").await?.as_deref(), Some("DEMO"));

        // The webview keeps the language choice across runs (local storage
        // outside the app's data directory), so start from Vietnamese, the default.
        if client.find(Locator::Css("html")).await?.attr("lang").await?.as_deref() == Some("en") {
            client.find(Locator::Css("[data-testid=language-switch]")).await?.click().await?;
        }

        client.find(Locator::Css("[data-testid=nav-catalogue]")).await?.click().await?;
        let search = client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("[data-testid=catalogue-search]"))
            .await?;
        // Typed without diacritics, as on a keyboard without Vietnamese input.
        search.send_keys("dang ky khai sinh").await?;
        let card_name = "[data-testid=procedure][data-code='1.001193'] .procedure-name";
        wait_for_text(&client, card_name, "Đăng ký khai sinh").await?;
        let offline_notices = client.find_all(Locator::Css("[data-testid=catalogue-offline]")).await?;
        assert!(offline_notices.is_empty(), "the in-process portal should be reachable");

        let screenshot = client.screenshot().await?;
        let shots = workspace_root().join("target").join("e2e");
        std::fs::create_dir_all(&shots)?;
        std::fs::write(shots.join("demo-catalogue.png"), screenshot)?;

        client.find(Locator::Css("[data-testid=language-switch]")).await?.click().await?;
        wait_for_text(&client, card_name, "Birth registration").await?;
        let lang = client.find(Locator::Css("html")).await?.attr("lang").await?;
        assert_eq!(lang.as_deref(), Some("en"));
        anyhow::Ok(())
    }
    .await;
    if outcome.is_err() {
        // What the webview held is the first thing one needs to see a failure.
        let source = client.source().await.unwrap_or_default();
        eprintln!("page source at failure:\n{source}");
    }
    client.close().await?;
    outcome?;

    // The engine kept what it synced in its own store inside the data dir.
    assert!(data.path().join("demo").join("engine.db").exists());
    Ok(())
}
