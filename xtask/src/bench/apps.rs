//! The shipped builds G1, G2 and G3 measure, made once per run: the UI with
//! `cargo xtask ui --release` (the size-optimised wasm, split per screen),
//! then the release profile (LTO, one codegen unit, stripped) of the app
//! alone, as it ships (cargo unifies features across the packages of one
//! invocation, and the portal's — PostgreSQL, cookies — are not the app's),
//! then of its demo portal (`hoso-portal`, the sidecar it starts), of `hoso`
//! (for `hoso serve`, the Chromium peer's server) and of the Tauri hello peer
//! (`xtask/peers/tauri-hello`). G5 asks for the UI alone.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, ensure};

use crate::process::{cargo, exec, target_dir};

/// Where the release builds are.
#[derive(Debug, Clone)]
pub struct Apps {
    /// `hoso-app`, the Tauri shell with the UI embedded.
    pub app: PathBuf,
    /// `hoso-portal`, the demo portal `hoso-app` starts beside itself (its
    /// sidecar, shipped in the same `.deb`).
    pub portal: PathBuf,
    /// `hoso`, whose `serve --demo` serves the same UI to Chromium.
    pub cli: PathBuf,
    /// The Tauri hello peer.
    pub hello: PathBuf,
    /// The built UI (`ui/dist`).
    pub dist: PathBuf,
}

static BUILT: OnceLock<Result<Apps, String>> = OnceLock::new();
static UI: OnceLock<Result<PathBuf, String>> = OnceLock::new();

/// Builds the release UI (`cargo xtask ui --release`, as shipped) the first
/// time a goal asks: G5 times it in Chromium without the release binaries.
pub fn ui_release(root: &Path) -> anyhow::Result<PathBuf> {
    UI.get_or_init(|| crate::ui::build(root, true).map_err(|e| format!("{e:#}"))).clone().map_err(anyhow::Error::msg)
}

/// Builds the UI and the release binaries the first time a goal asks.
pub fn release(root: &Path) -> anyhow::Result<Apps> {
    BUILT.get_or_init(|| build(root).map_err(|e| format!("{e:#}"))).clone().map_err(anyhow::Error::msg)
}

fn build(root: &Path) -> anyhow::Result<Apps> {
    // Tauri embeds ui/dist when the app compiles, so the UI comes first.
    let dist = ui_release(root)?;
    eprintln!("    building the release binaries (LTO: this takes minutes)");
    exec(cargo().args(["build", "--release", "-p", "hoso-app"])).context("building the app")?;
    exec(cargo().args(["build", "--release", "-p", "hoso-portal", "-p", "hoso-cli", "-p", "tauri-hello"]))
        .context("building the release binaries")?;
    let release = target_dir(root).join("release");
    let apps = Apps {
        app: release.join("hoso-app"),
        portal: release.join("hoso-portal"),
        cli: release.join("hoso"),
        hello: release.join("tauri-hello"),
        dist,
    };
    for binary in [&apps.app, &apps.portal, &apps.cli, &apps.hello] {
        ensure!(binary.is_file(), "cargo built no {}", binary.display());
    }
    Ok(apps)
}
