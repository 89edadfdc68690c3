//! Installing what is missing, and nothing else: Debian packages (through
//! apt-get, with sudo only when not root; PostgreSQL, Chromium and
//! chromedriver among them for the tests), the wasm32 target, tauri-driver,
//! and axe-core from npm for the browser test.
//! Every check is cheap, so a second run takes a second or two.

use std::path::PathBuf;
use std::process::Command;

use anyhow::Context;

use crate::process::{capture, cargo, exec, step, target_dir, workspace_root};

/// What the caller is about to do, and so what it needs installed.
#[derive(Debug, Clone, Copy)]
pub struct Needs {
    /// Build and open the app window (WebKitGTK, GTK, Xvfb).
    pub app: bool,
    /// Drive the window in end-to-end tests (WebKitWebDriver, tauri-driver).
    pub e2e: bool,
    /// Take a screenshot of a virtual display.
    pub screenshot: bool,
    /// Run the portal's contract tests against a throwaway PostgreSQL.
    pub postgres: bool,
    /// Check the UI in headless Chromium with axe-core (no display needed).
    pub browser: bool,
}

impl Needs {
    pub fn everything() -> Self {
        Self { app: true, e2e: true, screenshot: false, postgres: true, browser: true }
    }
}

/// Libraries the Tauri shell links against, and the virtual display.
const APP_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    // webauthn-rs (the portal's passkeys, linked into the app for demo mode)
    // builds against OpenSSL.
    "libssl-dev",
    "libwebkit2gtk-4.1-dev",
    "libgtk-3-dev",
    "librsvg2-dev",
    "libsoup-3.0-dev",
    "libxdo-dev",
    "xvfb",
    "xauth",
    "fonts-dejavu-core",
    // An OS keychain for tests: the CLI's test of `hoso serve` for a real
    // account starts its own D-Bus session bus with gnome-keyring's Secret
    // Service, where the keyring crate keeps the store key and refresh token.
    "dbus-daemon",
    "dbus-bin",
    "gnome-keyring",
];
/// The WebKit WebDriver, which tauri-driver fronts.
const E2E_PACKAGES: &[&str] = &["webkit2gtk-driver"];
const SCREENSHOT_PACKAGES: &[&str] = &["scrot"];
/// The server (initdb, pg_ctl) and its clients (createdb), for a throwaway cluster.
const POSTGRES_PACKAGES: &[&str] = &["postgresql"];
/// Headless Chromium and its WebDriver, of the same version from one source.
const BROWSER_PACKAGES: &[&str] = &["chromium", "chromium-driver"];

/// The axe-core the browser test injects into every page; pinned, so a new
/// release's rules cannot fail a build nobody changed.
pub const AXE_CORE_VERSION: &str = "4.14.1";

/// The tauri-driver version we test with (2.x: 3.0 is an alpha).
pub const TAURI_DRIVER_VERSION: &str = "2.1.0";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

pub fn ensure(needs: Needs) -> anyhow::Result<()> {
    let mut packages: Vec<&str> = Vec::new();
    if needs.app {
        packages.extend(APP_PACKAGES);
    }
    if needs.e2e {
        packages.extend(E2E_PACKAGES);
    }
    if needs.screenshot {
        packages.extend(SCREENSHOT_PACKAGES);
    }
    if needs.postgres {
        packages.extend(POSTGRES_PACKAGES);
    }
    if needs.browser {
        packages.extend(BROWSER_PACKAGES);
        // npm comes with Node.js; Debian's own `npm` package only when
        // neither is there, since it would pull hundreds of node-* packages.
        if Command::new("npm").arg("--version").output().is_err() {
            packages.push("npm");
        }
    }
    debian_packages(&packages)?;
    wasm_target()?;
    if needs.e2e {
        tauri_driver()?;
    }
    if needs.browser {
        axe_core()?;
    }
    Ok(())
}

pub fn debian_packages(packages: &[&str]) -> anyhow::Result<()> {
    step("Checking Debian packages");
    if Command::new("dpkg-query").arg("--version").output().is_err() {
        eprintln!(
            "    not a Debian-based system: install the equivalents of these yourself:\n    {}",
            packages.join(" ")
        );
        return Ok(());
    }
    let missing: Vec<&str> = packages.iter().copied().filter(|p| !is_installed(p)).collect();
    if missing.is_empty() {
        eprintln!("    all {} present", packages.len());
        return Ok(());
    }
    eprintln!("    installing: {}", missing.join(" "));
    exec(apt().arg("update").arg("-qq"))?;
    exec(apt().args(["install", "-y", "-qq", "--no-install-recommends"]).args(&missing))?;
    Ok(())
}

fn is_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${db:Status-Abbrev}", package])
        .output()
        .map(|out| out.status.success() && out.stdout.starts_with(b"ii"))
        .unwrap_or(false)
}

/// `apt-get`, through sudo unless we are root.
fn apt() -> Command {
    let root = capture(Command::new("id").arg("-u")).map(|uid| uid.trim() == "0").unwrap_or(false);
    let mut command = if root {
        Command::new("apt-get")
    } else {
        let mut sudo = Command::new("sudo");
        sudo.arg("apt-get");
        sudo
    };
    command.env("DEBIAN_FRONTEND", "noninteractive");
    command
}

fn wasm_target() -> anyhow::Result<()> {
    step(&format!("Checking the Rust target {WASM_TARGET}"));
    let installed = capture(Command::new("rustup").args(["target", "list", "--installed"]))
        .context("rustup is needed to add the wasm32 target")?;
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        eprintln!("    present");
        return Ok(());
    }
    exec(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// Where `cargo install` puts binaries.
pub fn cargo_bin_dir() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

pub fn tauri_driver_path() -> PathBuf {
    cargo_bin_dir().join("tauri-driver")
}

fn tauri_driver() -> anyhow::Result<()> {
    step(&format!("Checking tauri-driver {TAURI_DRIVER_VERSION}"));
    let listed = capture(cargo().args(["install", "--list"]))?;
    let wanted = format!("tauri-driver v{TAURI_DRIVER_VERSION}:");
    if listed.lines().any(|line| line == wanted) && tauri_driver_path().exists() {
        eprintln!("    present");
        return Ok(());
    }
    exec(cargo().args(["install", "tauri-driver", "--locked", "--version"]).arg(format!("={TAURI_DRIVER_VERSION}")))
}

/// Where axe-core is installed: under the target directory, never in the
/// source tree (no `node_modules` to commit). The browser test reads
/// `node_modules/axe-core/axe.min.js` here.
pub fn axe_dir() -> PathBuf {
    target_dir(&workspace_root()).join("browser").join("axe")
}

fn axe_core() -> anyhow::Result<()> {
    step(&format!("Checking axe-core {AXE_CORE_VERSION} (npm)"));
    let dir = axe_dir();
    let manifest = dir.join("node_modules").join("axe-core").join("package.json");
    let installed = std::fs::read_to_string(&manifest)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|json| json["version"].as_str().map(str::to_owned));
    if installed.as_deref() == Some(AXE_CORE_VERSION) {
        eprintln!("    present in {}", dir.display());
        return Ok(());
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    exec(
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--loglevel=error", "--save-exact", "--prefix"])
            .arg(&dir)
            .arg(format!("axe-core@{AXE_CORE_VERSION}")),
    )
}
