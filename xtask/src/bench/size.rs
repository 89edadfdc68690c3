//! G3: what a person downloads. The release binary (stripped by the release
//! profile), the `.deb` (bundled by the prebuilt npm `@tauri-apps/cli`), and
//! the UI's wasm + JS raw, gzip -9 and brotli -q 11, each against the Tauri
//! hello peer built alike: what the first screen downloads (the main module,
//! its glue and the split loader) against the budget, and everything with the
//! split modules loaded on navigation. Sizes do not drift, so one round is the figure.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use serde_json::json;

use super::apps::{Apps, release};
use super::peers::NpmPeer;
use super::stats::Stats;
use super::{Outcome, Plan, Target};
use crate::process::exec;

/// The budget of issue 7 for the UI's wasm + JS, brotli-compressed.
const WASM_JS_BROTLI_BUDGET: u64 = 300 * 1000;
/// The budget of issue 7 for the release binary.
const BINARY_BUDGET: u64 = 10 * 1000 * 1000;
/// The prebuilt Tauri CLI (the crates.io one takes 17 minutes to compile here).
const TAURI_CLI: NpmPeer = NpmPeer { name: "@tauri-apps/cli", version: "2.12.5" };

pub fn run(root: &Path, dir: &Path, _plan: Plan) -> anyhow::Result<Vec<Outcome>> {
    crate::setup::debian_packages(&["brotli", "gzip", "dpkg"])?;
    let apps = release(root)?;
    let mut outcomes = vec![binary(&apps)?, wasm(&apps)?];
    match debs(root, dir, &apps) {
        Ok(outcome) => outcomes.push(outcome),
        Err(error) => eprintln!("    the .deb could not be bundled: {error:#}"),
    }
    Ok(outcomes)
}

fn binary(apps: &Apps) -> anyhow::Result<Outcome> {
    let (ours, portal, hello) = (len(&apps.app)?, len(&apps.portal)?, len(&apps.hello)?);
    eprintln!(
        "    hoso-app {ours} B, its demo portal hoso-portal {portal} B, tauri-hello {hello} B (stripped by the release profile)"
    );
    Ok(Outcome {
        goal: "G3",
        what: "release binary, stripped (hoso-app: shell and engine; the demo portal is its sidecar)".into(),
        ours: format!("{} (+ {} sidecar `hoso-portal`, in the .deb)", mb(ours), mb(portal)),
        peer: format!("Tauri hello {}", mb(hello)),
        ratio_label: "ours ÷ hello".into(),
        ratio: Stats::of(&[ours as f64 / hello as f64]),
        target: Target::Informative,
        checks: vec![(format!("{} ≤ 10 MB", mb(ours)), ours <= BINARY_BUDGET)],
        limits: "the engine (SQLCipher, rustls on ring, the OIDC client, jsonschema) on top of Tauri; demo mode's \
                 portal is a separate binary the app starts"
            .into(),
        raw: json!({ "hoso_app_bytes": ours, "hoso_portal_sidecar_bytes": portal, "tauri_hello_bytes": hello }),
    })
}

fn wasm(apps: &Apps) -> anyhow::Result<Outcome> {
    // What the webview loads before the first screen: the main wasm module,
    // its JS glue, the loader of the split modules and `boot.js` (the style
    // sheets and index.html are counted apart). The split modules (one per
    // screen after the first, and chunks two screens share) are fetched on
    // navigation; they count in the total, not in the first load.
    let first = ["hoso_ui_bg.wasm", "hoso_ui.js", crate::ui::SPLIT_LOADER, "boot.js"];
    let mut later = Vec::new();
    for entry in std::fs::read_dir(&apps.dist).with_context(|| format!("reading {}", apps.dist.display()))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".wasm") && !first.contains(&name.as_str()) {
            later.push(name);
        }
    }
    later.sort();
    let mut first_load = [0u64; 3];
    let mut all = [0u64; 3];
    let mut each = serde_json::Map::new();
    for (file, at_start) in first.iter().map(|f| (f.to_string(), true)).chain(later.iter().map(|f| (f.clone(), false)))
    {
        let path = apps.dist.join(&file);
        let sizes = [len(&path)?, compressed(&path, "gzip")?, compressed(&path, "brotli")?];
        eprintln!("    ui/dist/{file}: {} raw, {} gzip, {} brotli", sizes[0], sizes[1], sizes[2]);
        each.insert(file, json!({ "raw": sizes[0], "gzip": sizes[1], "brotli": sizes[2], "first_load": at_start }));
        for (i, size) in sizes.into_iter().enumerate() {
            all[i] += size;
            if at_start {
                first_load[i] += size;
            }
        }
    }
    let mut styles = 0;
    for file in ["index.html", "style.css", "journeys.css"] {
        styles += compressed(&apps.dist.join(file), "brotli")?;
    }
    let hello_page = compressed(&hello_dist().join("index.html"), "brotli")?;
    let [raw, gzip, brotli] = first_load;
    Ok(Outcome {
        goal: "G3",
        what: format!(
            "UI wasm + JS of the first screen (hoso_ui_bg.wasm, hoso_ui.js, {}, boot.js); {} split modules \
             fetched on navigation",
            crate::ui::SPLIT_LOADER,
            later.len()
        ),
        ours: format!(
            "first load {} raw, {} gzip, **{} brotli**; everything {} raw, {} gzip, {} brotli (+ {} brotli of HTML \
             and CSS)",
            kb(raw),
            kb(gzip),
            kb(brotli),
            kb(all[0]),
            kb(all[1]),
            kb(all[2]),
            kb(styles)
        ),
        peer: format!("Tauri hello: no wasm, one page of {} brotli", kb(hello_page)),
        ratio_label: "first-load brotli ÷ 300 KB budget".into(),
        ratio: Stats::of(&[brotli as f64 / WASM_JS_BROTLI_BUDGET as f64]),
        target: Target::AtMost(1.0),
        checks: vec![],
        limits: "the shell, sign-in and home: Leptos's rendering and signals, the JSON decoders of the answers they \
                 read, and the translations and holiday calendar embedded as data; the other screens load on \
                 navigation"
            .into(),
        raw: json!({
            "files": each,
            "raw": raw,
            "gzip": gzip,
            "brotli": brotli,
            "total": { "raw": all[0], "gzip": all[1], "brotli": all[2] },
            "html_css_brotli": styles,
        }),
    })
}

/// Bundles both apps as `.deb` with the prebuilt Tauri CLI from npm.
fn debs(root: &Path, dir: &Path, apps: &Apps) -> anyhow::Result<Outcome> {
    let cli = TAURI_CLI.install(dir, ("README", "The prebuilt Tauri CLI, for `tauri bundle`.\n"))?;
    let tauri = cli.join("node_modules").join(".bin").join("tauri");
    // Each bundle empties the shared `bundle/deb` directory first, so each
    // size is read before the next bundle runs.
    let ours_len = len(&bundle(&tauri, &stage_app(root, dir, apps)?, "hoso-app", &apps.app)?)?;
    let hello_len = len(&bundle(&tauri, &root.join("xtask/peers/tauri-hello"), "tauri-hello", &apps.hello)?)?;
    Ok(Outcome {
        goal: "G3",
        what: ".deb (tauri bundle, from the release binary)".into(),
        ours: mb(ours_len),
        peer: format!("Tauri hello {}", mb(hello_len)),
        ratio_label: "ours ÷ hello".into(),
        ratio: Stats::of(&[ours_len as f64 / hello_len as f64]),
        target: Target::Informative,
        checks: vec![],
        limits: "the binaries, compressed (the .deb holds the app, its demo portal, the icon and the desktop file)"
            .into(),
        raw: json!({ "hoso_app_deb_bytes": ours_len, "tauri_hello_deb_bytes": hello_len }),
    })
}

/// A directory the Tauri CLI can bundle the app from. The CLI wants a
/// `[package]` beside `tauri.conf.json`, and ours sits beside the virtual
/// workspace manifest, so the configuration is copied (its paths made
/// absolute) next to a one-package manifest naming the app's binary; the
/// binary itself is the release build's, found through `CARGO_TARGET_DIR`.
/// The sidecar (`bundle.externalBin`: `binaries/hoso-portal`, resolved beside
/// the configuration) is the release `hoso-portal`, under the name the
/// bundler looks for, `binaries/hoso-portal-<target triple>`.
fn stage_app(root: &Path, dir: &Path, apps: &Apps) -> anyhow::Result<PathBuf> {
    let stage = dir.join("deb-stage").join("hoso-app");
    std::fs::create_dir_all(stage.join("binaries"))?;
    let sidecar = stage.join("binaries").join(format!("hoso-portal-{}", host_triple()?));
    std::fs::copy(&apps.portal, &sidecar).with_context(|| format!("staging {}", sidecar.display()))?;
    let mut config: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(root.join("tauri.conf.json"))?)?;
    config["build"]["frontendDist"] = json!(root.join("ui/dist"));
    let icons: Vec<serde_json::Value> = config["bundle"]["icon"]
        .as_array()
        .context("tauri.conf.json lists the bundle's icons")?
        .iter()
        .map(|icon| json!(root.join(icon.as_str().unwrap_or_default())))
        .collect();
    config["bundle"]["icon"] = json!(icons);
    std::fs::write(stage.join("tauri.conf.json"), serde_json::to_vec_pretty(&config)?)?;
    let manifest = format!(
        "[package]\nname = \"hoso-app\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[[bin]]\nname = \"hoso-app\"\npath = {:?}\n\n[workspace]\n",
        root.join("src-tauri/src/main.rs")
    );
    std::fs::write(stage.join("Cargo.toml"), manifest)?;
    Ok(stage)
}

/// `tauri bundle --bundles deb` in `tauri_dir` (where its `tauri.conf.json`
/// is), answering the `.deb` it wrote for `binary`.
fn bundle(tauri: &Path, tauri_dir: &Path, name: &str, binary: &Path) -> anyhow::Result<PathBuf> {
    let bundle_dir = binary.parent().context("the binary's directory")?.join("bundle").join("deb");
    let _ = std::fs::remove_dir_all(&bundle_dir);
    let target = binary.parent().and_then(Path::parent).context("the target directory")?;
    exec(Command::new(tauri).current_dir(tauri_dir).env("CARGO_TARGET_DIR", target).args([
        "bundle",
        "--bundles",
        "deb",
        "--ci",
    ]))
    .with_context(|| format!("bundling {name}"))?;
    for entry in std::fs::read_dir(&bundle_dir).with_context(|| format!("reading {}", bundle_dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "deb") {
            return Ok(path);
        }
    }
    bail!("tauri bundle wrote no .deb for {name} into {}", bundle_dir.display())
}

/// The target the release binaries were built for (the host's).
fn host_triple() -> anyhow::Result<String> {
    let out = Command::new("rustc").arg("-vV").output().context("running rustc -vV")?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_owned)
        .context("rustc -vV named no host")
}

fn hello_dist() -> PathBuf {
    crate::process::workspace_root().join("xtask/peers/tauri-hello/dist")
}

fn len(path: &Path) -> anyhow::Result<u64> {
    Ok(std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?.len())
}

/// Bytes of `path` compressed at the tool's highest level.
fn compressed(path: &Path, tool: &str) -> anyhow::Result<u64> {
    let args: &[&str] = if tool == "brotli" { &["-q", "11", "-c"] } else { &["-9", "-c"] };
    let out = Command::new(tool).args(args).arg(path).output().with_context(|| format!("running {tool}"))?;
    if !out.status.success() {
        bail!("{tool} failed on {}", path.display());
    }
    Ok(out.stdout.len() as u64)
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

fn mb(bytes: u64) -> String {
    format!("{:.2} MB", bytes as f64 / 1e6)
}
