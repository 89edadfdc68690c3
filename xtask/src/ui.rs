//! Building the UI without trunk: cargo compiles the wasm, the wasm-bindgen
//! library (pinned to Cargo.lock's wasm-bindgen) writes the JS glue, and the
//! static files are copied beside it into `ui/dist`, which Tauri embeds.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::process::{cargo, exec, step, target_dir};

const STATIC_FILES: &[&str] = &["index.html", "boot.js", "style.css", "journeys.css"];

/// Builds `ui/dist` and returns its path. Files whose content did not change
/// are left untouched, so cargo does not re-embed an unchanged UI.
pub fn build(root: &Path, release: bool) -> anyhow::Result<PathBuf> {
    step(if release { "Building the UI (wasm, size-optimised)" } else { "Building the UI (wasm)" });
    let profile = if release { "wasm-release" } else { "dev" };
    exec(cargo().args([
        "build",
        "--package",
        "hoso-ui",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        profile,
    ]))?;
    let profile_dir = if release { "wasm-release" } else { "debug" };
    let wasm = target_dir(root).join("wasm32-unknown-unknown").join(profile_dir).join("hoso_ui.wasm");

    let staging = target_dir(root).join("ui-staging");
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    fs::create_dir_all(&staging)?;
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .web(true)?
        .typescript(false)
        .omit_default_module_path(false)
        .out_name("hoso_ui")
        .generate(&staging)
        .with_context(|| format!("generating JS bindings for {}", wasm.display()))?;
    for file in STATIC_FILES {
        fs::copy(root.join("ui").join(file), staging.join(file)).with_context(|| format!("copying ui/{file}"))?;
    }

    let dist = root.join("ui").join("dist");
    sync_dir(&staging, &dist)?;
    for entry in fs::read_dir(&dist)? {
        let entry = entry?;
        eprintln!("    {:>9} B  ui/dist/{}", entry.metadata()?.len(), entry.file_name().to_string_lossy());
    }
    Ok(dist)
}

/// Makes `to` hold exactly the files of `from`, rewriting only those that differ.
fn sync_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(to)? {
        let entry = entry?;
        if !from.join(entry.file_name()).exists() {
            fs::remove_file(entry.path())?;
        }
    }
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let new = fs::read(entry.path())?;
        let target = to.join(entry.file_name());
        if fs::read(&target).ok().as_deref() != Some(new.as_slice()) {
            fs::write(&target, new)?;
        }
    }
    Ok(())
}
