//! Building the UI without trunk: cargo compiles the wasm, the
//! `wasm_split_cli_support` library cuts it at the UI's split points (one
//! module per screen that is not in the first download, see
//! `ui/src/screens.rs`), the wasm-bindgen library (pinned to Cargo.lock's
//! wasm-bindgen) writes the JS glue of the main module, and the static files
//! are copied beside them into `ui/dist`, which Tauri embeds and `hoso serve`
//! serves.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};

use crate::process::{cargo, exec, step, target_dir};

const STATIC_FILES: &[&str] = &["index.html", "boot.js", "style.css", "journeys.css"];

/// The JS module wasm-bindgen writes for the main wasm module.
const MAIN_MODULE: &str = "hoso_ui";
/// The JS module that fetches and links the split modules. The main module
/// imports its loaders, and it imports the main module's exports back.
pub const SPLIT_LOADER: &str = "hoso_ui_split.js";

/// Builds `ui/dist` and returns its path. Files whose content did not change
/// are left untouched, so cargo does not re-embed an unchanged UI.
pub fn build(root: &Path, release: bool) -> anyhow::Result<PathBuf> {
    step(if release { "Building the UI (wasm, size-optimised)" } else { "Building the UI (wasm)" });
    let profile = if release { "wasm-release" } else { "dev" };
    // `ui/build.rs` links the wasm with `--emit-relocs`: the splitter needs
    // the linker's relocations to move functions and data between modules.
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

    // Splitting comes before wasm-bindgen, as in cargo-leptos: wasm-bindgen
    // rewrites the module and drops the relocations the splitter reads. The
    // split modules and their loader go straight to `ui/dist`; the main module
    // goes on to wasm-bindgen.
    let input = fs::read(&wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let main = target_dir(root).join(format!("{MAIN_MODULE}_split_main.wasm"));
    let main_module = format!("./{MAIN_MODULE}.js");
    let link_name = format!("./{SPLIT_LOADER}");
    let split = wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(&input);
        options.output_dir = &staging;
        options.main_out_path = &main;
        options.main_module = &main_module;
        options.link_name = &link_name;
        options.target.web();
        options
    })
    .map_err(|error| anyhow!("splitting {}: {error:?}", wasm.display()))?;
    eprintln!("    {} split modules", split.split_modules.len());

    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&main)
        .web(true)?
        .typescript(false)
        // The split modules share the main module's function table (a
        // split's callback is called through it); wasm-bindgen would drop
        // the table's export as an unused linker export.
        .keep_lld_exports(true)
        .omit_default_module_path(false)
        .out_name(MAIN_MODULE)
        .generate(&staging)
        .with_context(|| format!("generating JS bindings for {}", main.display()))?;
    for file in STATIC_FILES {
        fs::copy(root.join("ui").join(file), staging.join(file)).with_context(|| format!("copying ui/{file}"))?;
    }

    let dist = root.join("ui").join("dist");
    sync_dir(&staging, &dist)?;
    let mut entries = fs::read_dir(&dist)?.collect::<Result<Vec<_>, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
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
