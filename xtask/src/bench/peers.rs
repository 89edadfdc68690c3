//! Peers installed by name from npm, at pinned versions, each into its own
//! directory under `target/bench/peers/` (never into the repository), and
//! only when that exact version is not there yet. The scripts that drive
//! them are ours, kept beside this file and copied in.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::exec;

/// An npm package at a pinned version.
pub struct NpmPeer {
    pub name: &'static str,
    pub version: &'static str,
}

/// MiniSearch, the catalogue search peer of G8.
pub const MINISEARCH: NpmPeer = NpmPeer { name: "minisearch", version: "7.2.0" };

impl NpmPeer {
    /// The peer's directory, installed if missing; `script` (name, text) is
    /// written beside its `node_modules`, where `require` finds the package.
    pub fn install(&self, bench_dir: &Path, script: (&str, &str)) -> anyhow::Result<PathBuf> {
        let dir = bench_dir.join("peers").join(format!("{}-{}", self.name, self.version));
        let manifest = dir.join("node_modules").join(self.name).join("package.json");
        let installed = std::fs::read_to_string(&manifest)
            .ok()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            .is_some_and(|package| package["version"] == self.version);
        if installed {
            eprintln!("    {}@{} present", self.name, self.version);
        } else {
            std::fs::create_dir_all(&dir)?;
            exec(
                Command::new("npm")
                    .args(["install", "--no-save", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix"])
                    .arg(&dir)
                    .arg(format!("{}@{}", self.name, self.version)),
            )?;
        }
        std::fs::write(dir.join(script.0), script.1)?;
        Ok(dir)
    }
}
