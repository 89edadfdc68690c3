//! The changes feed's cost against its history (goal G11 of `cargo xtask
//! bench`): an engine syncs 100 new changes end to end (HTTP on loopback, the
//! portal's feed query, the sync planner, one transaction per page) from a
//! portal whose history for that person already holds 100,000 changes, and
//! from one holding 1,000. Both engines caught up with their history first,
//! so each sync reads only the new changes; the two alternate round by round.
//!
//! The history is written straight into the portal's SQLite file (copies of a
//! real change row of a dossier filed through the engine's outbox), because
//! filing 100,000 dossiers through the API would take an hour here.
//! `cargo bench -p hoso-engine --bench feed -- [--rounds R] [--history N] [--json PATH]`.

mod support;

use std::net::SocketAddr;
use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use hoso_domain::profile::ActingAs;
use hoso_engine::Engine;
use serde_json::json;

const NEW_CHANGES: usize = 100;

struct Options {
    rounds: usize,
    history: usize,
    small_history: usize,
    json: Option<String>,
}

fn options() -> anyhow::Result<Options> {
    let mut options = Options { rounds: 10, history: 100_000, small_history: 1_000, json: None };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--rounds" => options.rounds = value()?.parse()?,
            "--history" => options.history = value()?.parse()?,
            "--small-history" => options.small_history = value()?.parse()?,
            "--json" => options.json = Some(value()?),
            _ => {}
        }
    }
    Ok(options)
}

/// A portal and an engine that filed one dossier and caught up with
/// `history` changes of its owner.
struct Side {
    _portal: hoso_portal::RunningPortal,
    portal_db: rusqlite::Connection,
    engine: Engine,
    history: usize,
}

impl Side {
    async fn new(dir: &Path, history: usize) -> anyhow::Result<Self> {
        let addr: SocketAddr = "127.0.0.1:0".parse()?;
        let portal_file = dir.join("portal.db");
        let database_url = format!("sqlite:{}", portal_file.display());
        let portal =
            hoso_portal::start(hoso_portal::Config { addr, database_url, demo: true, ..Default::default() }).await?;
        let base = portal.url();
        let token = support::access_token(&base).await?;
        let engine = support::engine_that_filed_one(&dir.join("engine.db"), &base, &token).await?;
        let portal_db = rusqlite::Connection::open(&portal_file)?;
        portal_db.busy_timeout(std::time::Duration::from_secs(10))?;
        let side = Self { _portal: portal, portal_db, engine, history };
        side.add_changes(history)?;
        let started = Instant::now();
        let caught_up = side.engine.sync_dossiers(&ActingAs::Myself).await?;
        eprintln!("caught up with {} changes in {:.1} s", caught_up.changes, started.elapsed().as_secs_f64());
        Ok(side)
    }

    /// `count` more changes of the person's dossier, as copies of its last row.
    fn add_changes(&self, count: usize) -> anyhow::Result<()> {
        self.portal_db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
             INSERT INTO dossier_change (owner, code)
             SELECT last.owner, last.code FROM n, (SELECT owner, code FROM dossier_change ORDER BY seq DESC LIMIT 1) AS last",
            [count as i64],
        )?;
        Ok(())
    }

    /// Milliseconds to sync [`NEW_CHANGES`] new changes.
    async fn timed_sync(&self) -> anyhow::Result<f64> {
        self.add_changes(NEW_CHANGES)?;
        let started = Instant::now();
        let report = self.engine.sync_dossiers(&ActingAs::Myself).await?;
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        anyhow::ensure!(report.changes == NEW_CHANGES, "read {} changes, not {NEW_CHANGES}", report.changes);
        Ok(elapsed)
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() -> anyhow::Result<()> {
    let options = options()?;
    let scratch_root = std::env::var_os("HOSO_BENCH_DIR")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench"), Into::into)
        .join("scratch");
    std::fs::create_dir_all(&scratch_root)?;
    let (large_dir, small_dir) = (tempfile::tempdir_in(&scratch_root)?, tempfile::tempdir_in(&scratch_root)?);
    let large = Side::new(large_dir.path(), options.history).await?;
    let small = Side::new(small_dir.path(), options.small_history).await?;
    // One untimed sync each, so connections and caches are in place.
    large.timed_sync().await?;
    small.timed_sync().await?;
    let mut rounds = Vec::new();
    for round in 0..options.rounds {
        let (large_ms, small_ms) = (large.timed_sync().await?, small.timed_sync().await?);
        eprintln!("round {round}: after {} {large_ms:.1} ms, after {} {small_ms:.1} ms", large.history, small.history);
        rounds.push(json!({ "large_ms": large_ms, "small_ms": small_ms }));
    }
    let summary = json!({
        "history": large.history, "small_history": small.history, "new_changes": NEW_CHANGES, "rounds": rounds
    });
    match options.json {
        Some(path) => std::fs::write(path, serde_json::to_vec_pretty(&summary)?)?,
        None => println!("{}", serde_json::to_string_pretty(&summary)?),
    }
    Ok(())
}
