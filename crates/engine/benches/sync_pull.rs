//! Syncing 10,000 dossier changes from the portal into a fresh engine store
//! (goals G9 and G10 of `cargo xtask bench`): the engine's real feed pull
//! (HTTP, the planner, one transaction per page into the encrypted SQLite
//! store) from the real portal, timed from the first request to the last
//! page committed.
//!
//! Two halves, so the portal and the engine can run pinned to different
//! cores or in different network namespaces:
//! `sync_pull serve --addr A --dossiers N --dir D` starts a portal, files one
//! dossier through an engine's outbox, copies it into N dossiers with one
//! change each (straight into the portal's SQLite file with `copy_dossiers.sql`,
//! which G5 shares: filing 10,000 through the API would take most of an hour here), signs the demo citizen in and
//! prints one JSON line (`url`, `token`, `sample`: one feed entry as the wire
//! carries it); it serves until its stdin closes. The token's expiry is moved
//! a day on in the portal's database, so a long run does not outlive it.
//! `sync_pull pull --portal URL --token T --dir D` opens a fresh engine store
//! in D, syncs every change and prints `{"ms", "changes"}`.

mod support;

use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use hoso_domain::profile::ActingAs;
use hoso_engine::{Engine, StaticToken};
use serde_json::json;
use sha2::Digest;

struct Options {
    mode: String,
    addr: SocketAddr,
    dossiers: usize,
    dir: Option<PathBuf>,
    portal: Option<String>,
    token: Option<String>,
}

fn options() -> anyhow::Result<Options> {
    let mut options = Options {
        mode: String::new(),
        addr: "127.0.0.1:0".parse()?,
        dossiers: 10_000,
        dir: None,
        portal: None,
        token: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "serve" | "pull" => options.mode = arg.clone(),
            "--addr" => options.addr = value()?.parse()?,
            "--dossiers" => options.dossiers = value()?.parse()?,
            "--dir" => options.dir = Some(value()?.into()),
            "--portal" => options.portal = Some(value()?),
            "--token" => options.token = Some(value()?),
            // cargo bench passes `--bench`.
            _ => {}
        }
    }
    Ok(options)
}

/// Starts the portal, seeds `count` dossiers of the demo citizen with one
/// change each, and answers it with an access token and one feed entry.
async fn serve(options: &Options, dir: &Path) -> anyhow::Result<()> {
    let portal_file = dir.join("portal.db");
    let database_url = format!("sqlite:{}", portal_file.display());
    let portal =
        hoso_portal::start(hoso_portal::Config { addr: options.addr, database_url, demo: true, ..Default::default() })
            .await?;
    let base = portal.url();
    let token = support::access_token(&base).await?;
    // The engine only files the dossier the seed copies; it is not needed after.
    support::engine_that_filed_one(&dir.join("filer.db"), &base, &token).await?;
    seed(&portal_file, options.dossiers, &token)?;
    let sample = first_entry(&base, &token).await?;
    let line = json!({ "url": base, "token": token, "sample": sample });
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")?;
    stdout.flush()?;
    drop(stdout);
    // Serve until the runner closes stdin.
    tokio::task::spawn_blocking(|| {
        let mut sink = String::new();
        while std::io::stdin().lock().read_line(&mut sink).is_ok_and(|n| n > 0) {
            sink.clear();
        }
    })
    .await?;
    portal.shutdown().await?;
    Ok(())
}

/// Copies the one filed dossier until there are `count` (ids varied, same
/// sizes), one change row each, with `copy_dossiers.sql` (which G5 shares),
/// and moves the token's expiry a day on.
fn seed(portal_file: &Path, count: usize, token: &str) -> anyhow::Result<()> {
    let mut db = rusqlite::Connection::open(portal_file)?;
    db.busy_timeout(std::time::Duration::from_secs(10))?;
    let tx = db.transaction()?;
    let owner: String = tx.query_row("SELECT owner FROM dossier LIMIT 1", [], |r| r.get(0))?;
    // The filed dossier and its change are the first of `count`.
    tx.execute(
        "CREATE TEMP TABLE copy_plan AS SELECT ?1 AS source_owner, NULL AS owner, NULL AS acting_as, ?2 AS total",
        rusqlite::params![owner, i64::try_from(count)?],
    )?;
    tx.execute_batch(include_str!("copy_dossiers.sql"))?;
    let later = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() + 86_400;
    let hash: String = sha2::Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    let updated =
        tx.execute("UPDATE access_token SET expires_at = ?1 WHERE token_hash = ?2", rusqlite::params![later, hash])?;
    anyhow::ensure!(updated == 1, "the access token's row was not found");
    tx.commit()?;
    Ok(())
}

/// The first entry of the feed, as the wire carries it.
async fn first_entry(base: &str, token: &str) -> anyhow::Result<serde_json::Value> {
    let page: serde_json::Value = reqwest::Client::new()
        .get(format!("{base}/api/v1/dossiers/changes?since=0&limit=1"))
        .bearer_auth(token)
        .header("X-Acting-As", "myself")
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(page["changes"][0].clone())
}

/// A fresh engine store syncs every change; answers milliseconds and changes.
async fn pull(options: &Options, dir: &Path) -> anyhow::Result<()> {
    let portal = options.portal.as_deref().context("--portal URL")?;
    let token = options.token.clone().context("--token T")?;
    let engine = Engine::open(&dir.join("engine.db"), portal).await?;
    // The token `serve` answered, the demo citizen's.
    engine.set_access_token(Arc::new(StaticToken::new(support::DEMO_CITIZEN, token)));
    let started = Instant::now();
    let report = engine.sync_dossiers(&ActingAs::Myself).await?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let held = engine.dossiers(&ActingAs::Myself).await?.len();
    anyhow::ensure!(held == report.changes, "synced {} changes but holds {held} dossiers", report.changes);
    println!("{}", json!({ "ms": ms, "changes": report.changes }));
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() -> anyhow::Result<()> {
    let options = options()?;
    let scratch;
    let dir = match &options.dir {
        Some(dir) => dir.clone(),
        None => {
            scratch = tempfile::tempdir()?;
            scratch.path().to_owned()
        }
    };
    std::fs::create_dir_all(&dir)?;
    match options.mode.as_str() {
        "serve" => serve(&options, &dir).await,
        "pull" => pull(&options, &dir).await,
        _ => anyhow::bail!("usage: sync_pull serve|pull [options]"),
    }
}
