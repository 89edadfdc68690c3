//! `cargo xtask bench`: where Hồ sơ stands against peers, measured side by
//! side in one run (issue 7). Every goal is a ratio to a peer measured in the
//! same run, rounds alternating ours and the peer (A B A B…), because absolute
//! times on a shared machine drift. The system under test runs on core 0 and
//! the load or driver on core 1 (`taskset`).
//!
//! One module per goal (`submit` G12, `autosave` G6, `search` G8, `feed`
//! G11, `passkey` G14, `start` G1 and G2, `size` G3, `sync` G9 and G10,
//! `token` G13, `table` G5; `apps` builds the release binaries and the Tauri hello peer
//! the first three share), `stats` for medians and spread, `machine` for the facts and the
//! fdatasync floor, `peers` for npm peers installed by name into the target
//! directory, `report` for `target/bench/report.md` and `report.json`. A goal
//! that fails to run is reported as not measured, with its error, and the run
//! goes on.

mod apps;
mod autosave;
mod feed;
mod machine;
mod passkey;
mod peers;
mod report;
mod search;
mod size;
mod start;
mod stats;
mod submit;
mod sync;
mod table;
mod token;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::process::{cargo, step, target_dir};
pub use report::{Outcome, Target};

/// How long a run takes: the full one has at least ten rounds per goal.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub quick: bool,
    pub rounds: usize,
}

impl Plan {
    pub fn new(quick: bool) -> Self {
        Self { quick, rounds: if quick { 3 } else { 10 } }
    }
}

/// Which goals to run; all by default.
pub fn run(root: &Path, quick: bool, only: &[String]) -> anyhow::Result<()> {
    let plan = Plan::new(quick);
    crate::setup::debian_packages(&["strace", "postgresql", "openssl", "util-linux", "iproute2"])?;
    // Node often comes from elsewhere than Debian (NodeSource ships npm inside
    // its nodejs, which conflicts with Debian's npm): only a missing one is installed.
    if Command::new("npm").arg("--version").output().is_err() {
        crate::setup::debian_packages(&["nodejs", "npm"])?;
    }
    let dir = target_dir(root).join("bench");
    std::fs::create_dir_all(&dir)?;
    let started = std::time::Instant::now();

    step("Machine facts and a fresh fdatasync floor");
    let facts = machine::facts(&dir)?;
    eprintln!("    {facts}");

    type Goal = fn(&Path, &Path, Plan) -> anyhow::Result<Vec<Outcome>>;
    // A goal's runner may answer for several ids (G1 and G2 come from the same
    // starts); it runs when any of them is asked for.
    let goals: [(&[&str], &str, Goal); 11] = [
        (&["G12"], "portal submit throughput on one core", submit::run),
        (&["G6"], "durable autosave", autosave::run),
        (&["G8"], "diacritic-insensitive search", search::run),
        (&["G11"], "100 new changes after 100k history vs after 1k", feed::run),
        (&["G14"], "passkey assertion verification", passkey::run),
        (&["G3"], "sizes: release binary, .deb, wasm + JS", size::run),
        (&["G5"], "filter 10,000 dossiers in Chromium vs vanilla JS", table::run),
        (&["G1", "G2"], "start → first paint and idle memory under Xvfb", start::run),
        (&["G9"], "sync 10,000 dossier changes vs pouchdb, loopback", sync::loopback),
        (&["G10"], "the same under slow 4G", sync::slow_4g),
        (&["G13"], "token endpoint vs oidc-provider", token::run),
    ];
    let mut outcomes = Vec::new();
    let mut failures = Vec::new();
    for (ids, what, goal) in goals {
        if !only.is_empty() && !only.iter().any(|o| ids.iter().any(|id| o.eq_ignore_ascii_case(id))) {
            continue;
        }
        let id = ids.join("+");
        let id = id.as_str();
        step(&format!("{id}: {what}"));
        match goal(root, &dir, plan) {
            Ok(found) => {
                for outcome in &found {
                    eprintln!("    {}", outcome.summary_line());
                }
                outcomes.extend(found);
            }
            Err(error) => {
                eprintln!("    {id} could not be measured: {error:#}");
                failures.push((id.to_owned(), format!("{error:#}")));
            }
        }
        // Written after every goal, so a run stopped halfway (a full run
        // takes about an hour) keeps what it measured.
        report::write(&dir, plan, &facts, &outcomes, &failures, started.elapsed())?;
    }
    let elapsed = started.elapsed();
    let written = report::write(&dir, plan, &facts, &outcomes, &failures, elapsed)?;
    step(&format!("Report in {} (and report.json), after {:.0} s", written.display(), elapsed.as_secs_f64()));
    Ok(())
}

/// The packages whose benches the runner calls. They are always built
/// together: built alone, `hoso-portal` would resolve other features (the
/// engine's SQLCipher) and be compiled a second time.
const BENCH_PACKAGES: &[&str] = &["hoso-engine", "hoso-portal"];

/// Builds the bench targets with the `bench` profile and answers the
/// executable of `bench`, so the runner can pin it and call it round by round.
pub fn bench_executable(bench: &str) -> anyhow::Result<PathBuf> {
    eprintln!("    building the benches (for {bench})");
    let mut command = cargo();
    command.args(["bench", "--no-run", "--message-format=json"]);
    for package in BENCH_PACKAGES {
        command.args(["-p", package]);
    }
    let out = command.stderr(std::process::Stdio::inherit()).output().context("running cargo bench --no-run")?;
    if !out.status.success() {
        bail!("building the benches failed");
    }
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if message["reason"] == "compiler-artifact"
            && message["target"]["name"] == bench
            && message["target"]["kind"][0] == "bench"
            && let Some(path) = message["executable"].as_str()
        {
            return Ok(PathBuf::from(path));
        }
    }
    bail!("cargo built no executable for the bench {bench}")
}

/// `program` pinned to `core` with taskset.
pub fn pinned(core: u8, program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut command = Command::new("taskset");
    command.args(["-c", &core.to_string()]).arg(program);
    command
}

/// Runs `command` and answers its stdout; fails with its stderr.
pub fn output(command: &mut Command) -> anyhow::Result<String> {
    let out = command.output().with_context(|| format!("cannot start {:?}", command.get_program()))?;
    if !out.status.success() {
        bail!(
            "{:?} failed ({}): {}",
            command.get_program(),
            out.status,
            String::from_utf8_lossy(&out.stderr).lines().rev().take(15).collect::<Vec<_>>().join("\n")
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Reads a JSON file a bench wrote.
pub fn read_json(path: &Path) -> anyhow::Result<serde_json::Value> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(serde_json::from_str(&text)?)
}
