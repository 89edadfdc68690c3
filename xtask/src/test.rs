//! `cargo xtask test`: everything CI checks, in the order that fails fastest.

use std::path::Path;
use std::process::Command;

use crate::postgres::{self, ThrowawayPostgres};
use crate::process::{cargo, exec, step, target_dir};
use crate::setup::{self, Needs};
use crate::ui;

/// Crates that are compiled to wasm and so are also linted for wasm32.
const WASM_CRATES: &[&str] = &["hoso-ui", "hoso-domain", "hoso-protocol"];

pub fn run(root: &Path) -> anyhow::Result<()> {
    setup::ensure(Needs::everything())?;

    step("Checking formatting");
    exec(cargo().args(["fmt", "--all", "--check"]))?;

    // The app embeds ui/dist at compile time, so the UI comes before any
    // check of the shell.
    ui::build(root, false)?;

    step("Linting (native)");
    exec(cargo().args(["clippy", "--all-targets", "--", "-D", "warnings"]))?;
    step("Linting (wasm32)");
    let mut wasm_clippy = cargo();
    wasm_clippy.args(["clippy", "--target", "wasm32-unknown-unknown"]);
    for krate in WASM_CRATES {
        wasm_clippy.args(["--package", krate]);
    }
    exec(wasm_clippy.args(["--", "-D", "warnings"]))?;

    step("Building the binaries");
    exec(cargo().arg("build"))?;

    // The portal's contract suite runs on SQLite and on PostgreSQL; the
    // server lives only as long as this step, and is stopped even when a test
    // fails. The browser test runs here too: headless Chromium needs no
    // display, only the UI and the `hoso` binary built above.
    let postgres = ThrowawayPostgres::start(root)?;
    step("Unit, integration, tidy and browser tests (headless Chromium, no display)");
    let tested = exec(
        cargo()
            .arg("test")
            .env(postgres::URL_VARIABLE, postgres.url())
            .env("HOSO_CLI_BIN", target_dir(root).join("debug").join("hoso"))
            .env("HOSO_AXE_JS", setup::axe_dir().join("node_modules").join("axe-core").join("axe.min.js")),
    );
    let stopped = postgres.stop();
    tested?;
    stopped?;

    // The UI is not a default member (it is built for wasm32), so the plain
    // `cargo test` above skips its view-model tests; they run natively here.
    step("View-model tests of the UI (native)");
    exec(cargo().args(["test", "--package", "hoso-ui"]))?;

    step("End-to-end tests in the real webview, on a virtual display");
    // The journey runs the portal as its own process, to take it away and
    // bring it back.
    let debug = target_dir(root).join("debug");
    exec(
        Command::new("xvfb-run")
            .args(["-a", "-s", "-screen 0 1280x960x24"])
            .arg(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args(["test", "--test", "e2e", "--", "--ignored", "--test-threads=1"])
            .env("HOSO_APP_BIN", debug.join("hoso-app"))
            .env("HOSO_PORTAL_BIN", debug.join("hoso-portal"))
            .env("TAURI_DRIVER", setup::tauri_driver_path()),
    )?;

    step("All checks passed");
    Ok(())
}
