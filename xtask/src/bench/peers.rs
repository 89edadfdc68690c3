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
/// The replication server of G9 and G10 (CouchDB's protocol over express and LevelDB).
pub const POUCHDB_SERVER: NpmPeer = NpmPeer { name: "pouchdb-server", version: "4.2.0" };
/// The replicating client of G9 and G10, storing in LevelDB.
pub const POUCHDB_NODE: NpmPeer = NpmPeer { name: "pouchdb-node", version: "9.0.0" };
/// The identity provider of G13.
pub const OIDC_PROVIDER: NpmPeer = NpmPeer { name: "oidc-provider", version: "9.13.3" };

impl NpmPeer {
    /// The peer's directory, installed if missing; `script` (name, text) is
    /// written beside its `node_modules`, where `require` finds the package.
    pub fn install(&self, bench_dir: &Path, script: (&str, &str)) -> anyhow::Result<PathBuf> {
        self.install_with(bench_dir, &[script])
    }

    /// As [`NpmPeer::install`], with any number of scripts (none for a peer
    /// started through its own command).
    pub fn install_with(&self, bench_dir: &Path, scripts: &[(&str, &str)]) -> anyhow::Result<PathBuf> {
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
        for (name, text) in scripts {
            std::fs::write(dir.join(name), text)?;
        }
        Ok(dir)
    }
}
