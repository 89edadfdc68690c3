//! `cargo xtask demo`: build the UI and the app, then open the app in demo
//! mode. Without a display it says so and offers the virtual-display route.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::bail;

use crate::process::{cargo, exec, step, target_dir};
use crate::setup::{self, Needs};
use crate::ui;

/// How long the virtual-display run waits before its screenshot: long enough
/// for WebKit to start, the wasm to mount and the first catalogue sync.
const SCREENSHOT_DELAY_SECONDS: u32 = 12;

pub fn run(root: &Path, screenshot: Option<PathBuf>) -> anyhow::Result<()> {
    let has_display = std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    if !has_display && screenshot.is_none() {
        bail!(
            "there is no display here (DISPLAY and WAYLAND_DISPLAY are unset), so the app window cannot open.\n\
             Alternatives:\n  \
               cargo xtask demo --screenshot demo.png   run it on a virtual display (Xvfb) and save what it shows\n  \
               xvfb-run -a cargo xtask demo             run it on a virtual display, without a screenshot"
        );
    }
    setup::ensure(Needs { app: true, e2e: false, screenshot: screenshot.is_some(), postgres: false, browser: false })?;
    ui::build(root, false)?;
    step("Building the app");
    // The same package selection as `cargo xtask test`, so both share one build.
    exec(cargo().arg("build"))?;
    let app = target_dir(root).join("debug").join("hoso-app");

    match screenshot {
        None => {
            step("Opening Hồ sơ in demo mode (close the window to stop)");
            exec(Command::new(&app).arg("--demo"))
        }
        Some(png) => {
            let png = std::path::absolute(png)?;
            step(&format!("Running Hồ sơ in demo mode on a virtual display; screenshot to {}", png.display()));
            let data_dir = target_dir(root).join("demo-data");
            let script = format!(
                "\"$0\" --demo --data-dir \"$1\" & app=$!; sleep {SCREENSHOT_DELAY_SECONDS}; \
                 scrot --overwrite \"$2\"; status=$?; kill $app; wait $app 2>/dev/null; exit $status"
            );
            exec(
                Command::new("xvfb-run")
                    .args(["-a", "-s", "-screen 0 1280x960x24", "sh", "-c", &script])
                    .arg(&app)
                    .arg(&data_dir)
                    .arg(&png),
            )?;
            eprintln!("    saved {}", png.display());
            Ok(())
        }
    }
}
