//! G6: durable autosave. The bench `autosave` of `hoso-engine` alternates,
//! round by round on core 0, the engine's two saves each beside rusqlite doing
//! the same transaction on the same kind of store, and a raw fdatasync: the
//! app's autosave (`save_draft`, the whole answers in one `UPDATE`, which the
//! form wizard sends debounced as `draft_save`) and one answer at a pointer
//! (`save_field`, `hoso draft set`: one `json_set` statement; the
//! read-modify-write transaction it used before is timed too). Then strace
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
    let over = |a: &[f64], b: &[f64]| -> Vec<f64> { a.iter().zip(b).map(|(x, y)| x / y).collect() };
    let floor = figure("fdatasync_p99_ms");
    let (drafts, drafts_peer) = (figure("draft_engine_p99_ms"), figure("draft_rusqlite_p99_ms"));
    let (fields, fields_peer) = (figure("engine_p99_ms"), figure("rusqlite_p99_ms"));
    let read_modify_write = figure("rusqlite_rmw_p99_ms");
    let (draft_ratios, field_ratios) = (over(&drafts, &drafts_peer), over(&fields, &fields_peer));
    let rmw_ratios = over(&fields, &read_modify_write);

    let counted = 100;
    let baseline = syncs(&exe, dir, 0)?;
    let with_saves = syncs(&exe, dir, counted)?;
    let per_save = (with_saves.saturating_sub(baseline)) as f64 / f64::from(counted);
    // SQLite's automatic WAL checkpoint (every 1,000 pages) adds a flush
    // now and then, spread over the saves; the commit itself flushes once.
    let fsyncs = (
        format!("fsyncs per save {per_save:.2} (strace, drafts and fields; one per commit, plus WAL checkpoints), 1"),
        (per_save - 1.0).abs() < 0.1,
    );
    let strace =
        json!({ "baseline_calls": baseline, "calls_with_saves": with_saves, "saves": counted, "per_save": per_save });
    Ok(vec![
        Outcome {
            goal: "G6",
            what:
                "durable autosave, the app's (Engine::save_draft: the whole answers; SQLCipher, WAL, synchronous=FULL)"
                    .into(),
            ours: format!("p99 {:.2} ms (p50 {:.2})", median(&drafts), median(&figure("draft_engine_p50_ms"))),
            peer: format!(
                "rusqlite, same UPDATE, p99 {:.2} ms (p50 {:.2}); raw fdatasync p99 {:.2} ms",
                median(&drafts_peer),
                median(&figure("draft_rusqlite_p50_ms")),
                median(&floor)
            ),
            ratio_label: "p99 ÷ rusqlite p99".into(),
            ratio: Stats::of(&draft_ratios),
            target: Target::AtMost(1.2),
            checks: vec![fsyncs.clone()],
            limits: format!(
                "one statement, one hop to sqlx's SQLite worker thread; p99 is {:.1}× a raw fdatasync's; both stores \
                 pay WAL append + fsync per commit",
                median(&over(&drafts, &floor))
            ),
            raw: json!({ "summary": summary, "ratios": draft_ratios, "strace": strace }),
        },
        Outcome {
            goal: "G6",
            what: "durable save of one answer (Engine::save_field, hoso draft set)".into(),
            ours: format!("p99 {:.2} ms (p50 {:.2})", median(&fields), median(&figure("engine_p50_ms"))),
            peer: format!(
                "rusqlite, same json_set statement, p99 {:.2} ms (p50 {:.2}); rusqlite read-modify-write p99 {:.2} ms",
                median(&fields_peer),
                median(&figure("rusqlite_p50_ms")),
                median(&read_modify_write),
            ),
            ratio_label: "p99 ÷ rusqlite p99".into(),
            ratio: Stats::of(&field_ratios),
            target: Target::AtMost(1.2),
            checks: vec![fsyncs],
            // Ours against the old read-modify-write transaction too, for
            // comparison with earlier runs; the goal compares the same statement.
            limits: format!(
                "one json_set statement, one hop to sqlx's SQLite worker thread; {:.2}× the read-modify-write peer's p99",
                median(&rmw_ratios)
            ),
            raw: json!({ "ratios": field_ratios, "ours_over_read_modify_write": rmw_ratios }),
        },
    ])
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
