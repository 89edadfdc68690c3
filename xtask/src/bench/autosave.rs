//! G6: durable autosave. The bench `autosave` of `hoso-engine` alternates the
//! engine's `save_field`, rusqlite doing the same transaction on the same
//! kind of store, and a raw fdatasync, round by round, on core 0. Then strace
//! counts the fsync-family calls of N engine saves: a run with N saves minus
//! a run with none, so opening the store is not counted.

use std::path::Path;
use std::process::Command;

use anyhow::Context;
use serde_json::json;

use super::stats::{Stats, median};
use super::{Outcome, Plan, Target, bench_executable, output, pinned, read_json};

pub fn run(_root: &Path, dir: &Path, plan: Plan) -> anyhow::Result<Vec<Outcome>> {
    let exe = bench_executable("autosave")?;
    let saves = if plan.quick { 50 } else { 100 };
    let json_path = dir.join("g6-autosave.json");
    output(
        pinned(0, &exe)
            .args(["--rounds", &plan.rounds.to_string(), "--saves", &saves.to_string(), "--json"])
            .arg(&json_path)
            .env("HOSO_BENCH_DIR", dir),
    )?;
    let summary = read_json(&json_path)?;
    let rounds = summary["rounds"].as_array().context("rounds")?;
    let figure = |name: &str| -> Vec<f64> { rounds.iter().filter_map(|r| r[name].as_f64()).collect() };
    let (ours, theirs, floor) = (figure("engine_p99_ms"), figure("rusqlite_p99_ms"), figure("fdatasync_p99_ms"));
    let ratios: Vec<f64> = ours.iter().zip(&theirs).map(|(o, t)| o / t).collect();
    let floor_ratios: Vec<f64> = ours.iter().zip(&floor).map(|(o, f)| o / f).collect();

    let counted = 100;
    let baseline = syncs(&exe, dir, 0)?;
    let with_saves = syncs(&exe, dir, counted)?;
    let per_save = (with_saves.saturating_sub(baseline)) as f64 / f64::from(counted);
    Ok(vec![Outcome {
        goal: "G6",
        what: "durable autosave (Engine::save_field, SQLCipher, WAL, synchronous=FULL)".into(),
        ours: format!("p99 {:.2} ms (p50 {:.2})", median(&ours), median(&figure("engine_p50_ms"))),
        peer: format!(
            "rusqlite p99 {:.2} ms (p50 {:.2}); raw fdatasync p99 {:.2} ms",
            median(&theirs),
            median(&figure("rusqlite_p50_ms")),
            median(&floor)
        ),
        ratio_label: "p99 ÷ rusqlite p99".into(),
        ratio: Stats::of(&ratios),
        target: Target::AtMost(1.2),
        // SQLite's automatic WAL checkpoint (every 1,000 pages) adds a flush
        // now and then, spread over the saves; the commit itself flushes once.
        checks: vec![(
            format!("fsyncs per save {per_save:.2} (strace; one per commit, plus WAL checkpoints), 1"),
            (per_save - 1.0).abs() < 0.1,
        )],
        limits: format!(
            "the disk's flush: p99 is {:.1}× a raw fdatasync's; both stores pay WAL append + fsync per commit",
            median(&floor_ratios)
        ),
        raw: json!({
            "summary": summary, "ratios": ratios, "ours_over_fdatasync": floor_ratios,
            "strace": { "baseline_calls": baseline, "calls_with_saves": with_saves, "saves": counted, "per_save": per_save },
        }),
    }])
}

/// fsync + fdatasync calls of a run of the bench making `saves` engine saves.
fn syncs(exe: &Path, dir: &Path, saves: u32) -> anyhow::Result<u64> {
    let log = dir.join(format!("g6-strace-{saves}.txt"));
    output(
        Command::new("strace")
            .args(["-f", "-e", "trace=fsync,fdatasync", "-c", "-o"])
            .arg(&log)
            .arg(exe)
            .args(["--only-engine", &saves.to_string()])
            .env("HOSO_BENCH_DIR", dir),
    )?;
    // `strace -c`'s table: "% time seconds usecs/call calls errors syscall".
    let table = std::fs::read_to_string(&log)?;
    Ok(table
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split_whitespace().collect();
            let name = *cells.last()?;
            (name == "fsync" || name == "fdatasync").then(|| cells.get(3)?.parse::<u64>().ok()).flatten()
        })
        .sum())
}
