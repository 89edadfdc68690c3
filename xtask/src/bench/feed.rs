//! G11: the changes feed costs what was asked for, not the history. The
//! bench `feed` of `hoso-engine` syncs 100 new changes into an engine, end
//! to end over loopback, from a portal holding 100,000 earlier changes of
//! that person and from one holding 1,000, alternating round by round; the
//! ratio is the first over the second. Portal and engine share core 0.

use std::path::Path;

use anyhow::Context;

use super::stats::{Stats, median};
use super::{Outcome, Plan, Target, bench_executable, output, pinned, read_json};

pub fn run(_root: &Path, dir: &Path, plan: Plan) -> anyhow::Result<Vec<Outcome>> {
    let exe = bench_executable("feed")?;
    let json_path = dir.join("g11-feed.json");
    output(
        pinned(0, &exe)
            .args(["--rounds", &plan.rounds.to_string(), "--history", "100000", "--json"])
            .arg(&json_path)
            .env("HOSO_BENCH_DIR", dir),
    )?;
    let summary = read_json(&json_path)?;
    let rounds = summary["rounds"].as_array().context("rounds")?;
    let large: Vec<f64> = rounds.iter().filter_map(|r| r["large_ms"].as_f64()).collect();
    let small: Vec<f64> = rounds.iter().filter_map(|r| r["small_ms"].as_f64()).collect();
    let ratios: Vec<f64> = large.iter().zip(&small).map(|(l, s)| l / s).collect();
    Ok(vec![Outcome {
        goal: "G11",
        what: "engine syncs 100 new changes after 100,000 changes of history (SQLite portal)".into(),
        ours: format!("{:.1} ms after 100k", median(&large)),
        peer: format!("{:.1} ms after 1k (same code)", median(&small)),
        ratio_label: "after 100k ÷ after 1k".into(),
        ratio: Stats::of(&ratios),
        target: Target::AtMost(1.1),
        checks: vec![],
        limits: "the feed reads through the (owner, seq) index, so the history is not scanned; what remains is HTTP, \
                 the planner and one durable transaction per page"
            .into(),
        raw: summary,
    }])
}
