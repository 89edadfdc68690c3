//! Durable autosave (goal G6 of `cargo xtask bench`): the engine's real paths
//! on its SQLCipher store, against rusqlite doing the same transaction on the
//! same kind of store, and against a raw `fdatasync`, the floor any durable
//! save pays. The app's autosave is `Engine::save_draft` (the `draft_save`
//! command the form wizard sends, debounced, with the whole answers): one
//! `UPDATE` of the row, which the peer runs with the same serialisation.
//! `Engine::save_field` (one answer at a JSON pointer, `hoso draft set`) sets
//! an object member in one
//! `UPDATE … json_set(…)` statement, so the peer runs that statement; the
//! read-modify-write transaction the engine used before (claim the row, read,
//! edit the JSON in Rust, write, commit) is timed too, as a second figure.
//!
//! Rounds alternate the six (A B C D E F, A B C D E F…), so drift in the disk's flush
//! latency on a shared machine hits all alike; each round reports every
//! latency's p50 and p99 per system. `--only-engine N` instead runs setup and
//! then exactly N engine saves (whole drafts and fields in turn), for counting
//! fsyncs under strace (the runner
//! subtracts a run with N = 0). Run it through `cargo xtask bench`, or
//! `cargo bench -p hoso-engine --bench autosave -- [--rounds R] [--saves K] [--json PATH]`.

use std::fs::File;
use std::io::Write;
use std::net::SocketAddr;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use hoso_domain::profile::ActingAs;
use hoso_engine::{Account, Engine, MemorySecrets, SecretStore};
use hoso_protocol::command::SaveDraft;
use serde_json::{Value, json};

const BIRTH: &str = "1.001193";
const FIELD: &str = "/child/full_name";

struct Options {
    rounds: usize,
    saves: usize,
    json: Option<String>,
    only_engine: Option<usize>,
}

fn options() -> anyhow::Result<Options> {
    let mut options = Options { rounds: 10, saves: 100, json: None, only_engine: None };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => options.rounds = args.next().context("--rounds needs a number")?.parse()?,
            "--saves" => options.saves = args.next().context("--saves needs a number")?.parse()?,
            "--json" => options.json = Some(args.next().context("--json needs a path")?),
            "--only-engine" => {
                options.only_engine = Some(args.next().context("--only-engine needs a number")?.parse()?)
            }
            // cargo bench passes `--bench`.
            _ => {}
        }
    }
    Ok(options)
}

/// The valid birth registration example: a draft of realistic size.
fn example_answers() -> anyhow::Result<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/forms/examples/ho-tich.khai-sinh.v1.valid.json");
    Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
}

/// An engine with the demo portal's catalogue and one full draft; the portal
/// is stopped before anything is measured, so only the engine runs.
async fn engine_with_draft(dir: &Path, key: [u8; 32]) -> anyhow::Result<(Engine, String)> {
    let addr: SocketAddr = "127.0.0.1:0".parse()?;
    let database_url = format!("sqlite:{}", dir.join("portal.db").display());
    let portal =
        hoso_portal::start(hoso_portal::Config { addr, database_url, demo: true, ..Default::default() }).await?;
    let secrets = MemorySecrets::new();
    secrets.set("store-key", &key)?;
    let engine =
        Engine::open_with(&dir.join("engine.db"), &portal.url(), std::sync::Arc::new(secrets), Account::Demo).await?;
    engine.sync_catalogue().await?;
    portal.shutdown().await?;
    let draft = engine.create_draft(ActingAs::Myself, BIRTH).await?;
    engine.save_draft(SaveDraft { id: draft.id.clone(), data: example_answers()? }).await?;
    Ok((engine, draft.id))
}

/// The peer: rusqlite on a SQLCipher file with the engine's key and pragmas
/// (WAL, `synchronous = FULL`), holding the same draft row, saving one field
/// with the engine's statement, or in the read-modify-write transaction.
struct Peer {
    db: rusqlite::Connection,
}

impl Peer {
    fn open(path: &Path, key: [u8; 32]) -> anyhow::Result<Self> {
        let db = rusqlite::Connection::open(path)?;
        let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        db.execute_batch(&format!(
            "PRAGMA key = \"x'{hex}'\"; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
        ))?;
        db.execute_batch(
            "CREATE TABLE draft (id TEXT PRIMARY KEY NOT NULL, acting_as TEXT NOT NULL, procedure_code TEXT NOT NULL,
               procedure_name TEXT NOT NULL, form_id TEXT NOT NULL, form_version INTEGER NOT NULL, data TEXT NOT NULL,
               saved_at INTEGER NOT NULL, conflict INTEGER NOT NULL DEFAULT 0);
             CREATE INDEX draft_by_profile ON draft (acting_as, saved_at);",
        )?;
        db.execute(
            "INSERT INTO draft (id, acting_as, procedure_code, procedure_name, form_id, form_version, data, saved_at)
             VALUES ('d', 'myself', ?1, 'Đăng ký khai sinh', 'ho-tich.khai-sinh', 1, ?2, 0)",
            (BIRTH, serde_json::to_string(&example_answers()?)?),
        )?;
        Ok(Self { db })
    }

    /// The whole answers written over the row, as `Store::save_draft_data`.
    fn save_draft(&mut self, data: &Value, at: i64) -> anyhow::Result<()> {
        let changed = self.db.prepare_cached("UPDATE draft SET data = ?2, saved_at = ?3 WHERE id = ?1")?.execute((
            "d",
            serde_json::to_string(data)?,
            at,
        ))?;
        anyhow::ensure!(changed == 1, "the peer's draft row");
        Ok(())
    }

    /// The engine's statement for a field whose pointer names object
    /// members, with the same guards (`Store::set_draft_field`).
    fn save_field(&mut self, value: &str, at: i64) -> anyhow::Result<()> {
        let changed = self
            .db
            .prepare_cached(
                "UPDATE draft SET data = json_set(data, ?2, json(?3)), saved_at = ?4
             WHERE id = ?1 AND json_type(data) = 'object' AND coalesce(json_type(data, ?5), 'object') = 'object'",
            )?
            .execute(("d", "$.\"child\".\"full_name\"", serde_json::to_string(&json!(value))?, at, "$.\"child\""))?;
        anyhow::ensure!(changed == 1, "the peer's draft row");
        Ok(())
    }

    /// Claim the row, read, edit the JSON, write, commit; statements
    /// prepared once, as sqlx caches the engine's.
    fn save_field_read_modify_write(&mut self, value: &str, at: i64) -> anyhow::Result<()> {
        let tx = self.db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.prepare_cached("UPDATE draft SET saved_at = ?2 WHERE id = ?1")?.execute(("d", at))?;
        let text: String =
            tx.prepare_cached("SELECT data FROM draft WHERE id = ?1")?.query_row(["d"], |row| row.get(0))?;
        let mut data: Value = serde_json::from_str(&text)?;
        *data.pointer_mut(FIELD).context("the field")? = json!(value);
        tx.prepare_cached("UPDATE draft SET data = ?2 WHERE id = ?1")?.execute(("d", serde_json::to_string(&data)?))?;
        tx.commit()?;
        Ok(())
    }
}

/// A 4 KiB page rewritten in place and flushed: the least a durable save costs.
fn raw_fdatasync(file: &File, page: &[u8]) -> anyhow::Result<()> {
    file.write_all_at(page, 0)?;
    file.sync_data()?;
    Ok(())
}

fn percentile(latencies: &mut [Duration], p: f64) -> f64 {
    latencies.sort();
    let index = ((latencies.len() as f64 - 1.0) * p).round() as usize;
    latencies[index].as_secs_f64() * 1000.0
}

fn now_millis() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let options = options()?;
    // On the disk of the build, not a tmpfs /tmp: fsync must reach a device.
    // `cargo xtask bench` names its own directory; alone, the workspace's target.
    let scratch_root = std::env::var_os("HOSO_BENCH_DIR")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench"), Into::into)
        .join("scratch");
    std::fs::create_dir_all(&scratch_root)?;
    let scratch = tempfile::tempdir_in(&scratch_root)?;
    let key = [7u8; 32];
    let (engine, draft) = engine_with_draft(scratch.path(), key).await?;

    if let Some(saves) = options.only_engine {
        let mut answers = example_answers()?;
        for i in 0..saves {
            if i % 2 == 0 {
                *answers.pointer_mut(FIELD).context("the field")? = json!(format!("Nguyễn Văn {i}"));
                engine.save_draft(SaveDraft { id: draft.clone(), data: answers.clone() }).await?;
            } else {
                engine.save_field(&draft, FIELD, json!(format!("Nguyễn Văn {i}"))).await?;
            }
        }
        engine.close().await;
        return Ok(());
    }

    let mut peer = Peer::open(&scratch.path().join("peer.db"), key)?;
    let raw = File::create(scratch.path().join("raw"))?;
    let page = vec![0x5a_u8; 4096];
    (&raw).write_all(&page)?;
    raw.sync_all()?;

    // One of each first, so caches and the WAL files exist.
    let mut answers = example_answers()?;
    engine.save_draft(SaveDraft { id: draft.clone(), data: answers.clone() }).await?;
    peer.save_draft(&answers, now_millis())?;
    engine.save_field(&draft, FIELD, json!("warm-up")).await?;
    peer.save_field("warm-up", now_millis())?;
    peer.save_field_read_modify_write("warm-up", now_millis())?;
    raw_fdatasync(&raw, &page)?;

    let mut rounds = Vec::new();
    for round in 0..options.rounds {
        let (mut ours, mut theirs, mut rmw, mut floor) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut drafts_ours, mut drafts_theirs) = (Vec::new(), Vec::new());
        // The answers are built before the clock starts: the wizard hands
        // the engine a parsed value, and the peer gets the same one.
        for i in 0..options.saves {
            *answers.pointer_mut(FIELD).context("the field")? = json!(format!("Nguyễn Văn {round}-{i}"));
            let save = SaveDraft { id: draft.clone(), data: answers.clone() };
            let started = Instant::now();
            engine.save_draft(save).await?;
            drafts_ours.push(started.elapsed());
        }
        for i in 0..options.saves {
            *answers.pointer_mut(FIELD).context("the field")? = json!(format!("Nguyễn Văn {round}-{i}"));
            let data = answers.clone();
            let started = Instant::now();
            peer.save_draft(&data, now_millis())?;
            drafts_theirs.push(started.elapsed());
        }
        for i in 0..options.saves {
            let value = format!("Nguyễn Văn {round}-{i}");
            let started = Instant::now();
            engine.save_field(&draft, FIELD, json!(value)).await?;
            ours.push(started.elapsed());
        }
        for i in 0..options.saves {
            let value = format!("Nguyễn Văn {round}-{i}");
            let started = Instant::now();
            peer.save_field(&value, now_millis())?;
            theirs.push(started.elapsed());
        }
        for i in 0..options.saves {
            let value = format!("Nguyễn Văn {round}-{i}");
            let started = Instant::now();
            peer.save_field_read_modify_write(&value, now_millis())?;
            rmw.push(started.elapsed());
        }
        for _ in 0..options.saves {
            let started = Instant::now();
            raw_fdatasync(&raw, &page)?;
            floor.push(started.elapsed());
        }
        let figures = json!({
            "draft_engine_p50_ms": percentile(&mut drafts_ours, 0.5),
            "draft_engine_p99_ms": percentile(&mut drafts_ours, 0.99),
            "draft_rusqlite_p50_ms": percentile(&mut drafts_theirs, 0.5),
            "draft_rusqlite_p99_ms": percentile(&mut drafts_theirs, 0.99),
            "engine_p50_ms": percentile(&mut ours, 0.5), "engine_p99_ms": percentile(&mut ours, 0.99),
            "rusqlite_p50_ms": percentile(&mut theirs, 0.5), "rusqlite_p99_ms": percentile(&mut theirs, 0.99),
            "rusqlite_rmw_p50_ms": percentile(&mut rmw, 0.5), "rusqlite_rmw_p99_ms": percentile(&mut rmw, 0.99),
            "fdatasync_p50_ms": percentile(&mut floor, 0.5), "fdatasync_p99_ms": percentile(&mut floor, 0.99),
        });
        eprintln!("round {round}: {figures}");
        rounds.push(figures);
    }
    engine.close().await;
    let summary = json!({ "saves_per_round": options.saves, "rounds": rounds });
    match options.json {
        Some(path) => std::fs::write(path, serde_json::to_vec_pretty(&summary)?)?,
        None => println!("{}", serde_json::to_string_pretty(&summary)?),
    }
    Ok(())
}
