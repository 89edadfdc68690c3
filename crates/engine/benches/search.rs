//! Diacritic-insensitive search (goal G8 of `cargo xtask bench`).
//!
//! Catalogue: the engine's real `search_procedures` over the 3,096 synthetic
//! procedures of `hoso_domain::synthetic`, put into its encrypted store,
//! against a `LIKE '%…%'` scan of a folded column in SQLite (rusqlite) that
//! answers the same procedures. Dossiers: 100,000 synthetic dossiers
//! (code, procedure, applicant, status), searched through `hoso_domain::text`
//! over an in-memory list folded once, against the same `LIKE` scan.
//! The queries are typed without diacritics, as people type them.
//!
//! Each round times every query once per system, alternating systems; each
//! round reports p50/p99 per system. `--export PATH` writes the catalogue and
//! queries as JSON for the MiniSearch peer, which the runner runs in node.
//! `cargo bench -p hoso-engine --bench search -- [--rounds R] [--dossiers N] [--json PATH] [--export PATH]`.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use hoso_domain::catalogue::Procedure;
use hoso_domain::text::fold;
use hoso_engine::{Account, Engine, MemorySecrets, SecretStore};
use serde_json::json;

/// What people type: without diacritics, in Vietnamese and English, words and
/// parts of words, one code prefix.
const QUERIES: &[&str] = &[
    "khai sinh",
    "dang ky",
    "cap lai giay phep",
    "thu hoi",
    "gia han",
    "xac nhan",
    "kinh doanh",
    "ho kinh doanh",
    "xay dung",
    "moi truong",
    "giao thong",
    "thong bao",
    "dieu chinh",
    "chung chi",
    "giay phep lao dong",
    "registration",
    "re-issuance",
    "dat dai",
    "nguyen van",
    "2.00",
];

const SEED: u64 = 2026;
const KEY: [u8; 32] = [3; 32];

struct Options {
    rounds: usize,
    dossiers: usize,
    procedures: usize,
    json: Option<String>,
    export: Option<String>,
}

fn options() -> anyhow::Result<Options> {
    let mut options = Options {
        rounds: 10,
        dossiers: 100_000,
        procedures: hoso_domain::synthetic::NATIONAL_SCALE,
        json: None,
        export: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--rounds" => options.rounds = value()?.parse()?,
            "--dossiers" => options.dossiers = value()?.parse()?,
            "--procedures" => options.procedures = value()?.parse()?,
            "--json" => options.json = Some(value()?),
            "--export" => options.export = Some(value()?),
            _ => {}
        }
    }
    Ok(options)
}

/// The synthetic catalogue in the engine's store, as a sync would leave it.
async fn engine_with_catalogue(dir: &Path, catalogue: &[Procedure]) -> anyhow::Result<Engine> {
    let database = dir.join("engine.db");
    let secrets = || -> anyhow::Result<std::sync::Arc<MemorySecrets>> {
        let secrets = MemorySecrets::new();
        secrets.set("store-key", &KEY)?;
        Ok(std::sync::Arc::new(secrets))
    };
    // Opened once to create the schema, then filled from outside: the demo
    // portal serves only the 16 real procedures.
    Engine::open_with(&database, "http://127.0.0.1:9", secrets()?, Account::Demo).await?.close().await;
    let mut db = rusqlite::Connection::open(&database)?;
    db.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex(&KEY)))?;
    let tx = db.transaction()?;
    for procedure in catalogue {
        tx.execute(
            "INSERT INTO procedure (code, body) VALUES (?1, ?2)",
            (procedure.code.as_str(), serde_json::to_string(procedure)?),
        )?;
    }
    tx.commit()?;
    drop(db);
    Ok(Engine::open_with(&database, "http://127.0.0.1:9", secrets()?, Account::Demo).await?)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The peer's catalogue: each procedure with one folded column to scan.
fn like_catalogue(catalogue: &[Procedure]) -> anyhow::Result<rusqlite::Connection> {
    let db = rusqlite::Connection::open_in_memory()?;
    db.execute_batch("CREATE TABLE procedure (code TEXT PRIMARY KEY, folded TEXT NOT NULL, body TEXT NOT NULL);")?;
    for p in catalogue {
        let folded = [fold(p.code.as_str()), fold(&p.name.vi), fold(&p.name.en)].join("\n");
        db.execute("INSERT INTO procedure VALUES (?1, ?2, ?3)", (p.code.as_str(), folded, serde_json::to_string(p)?))?;
    }
    Ok(db)
}

fn like_procedures(db: &rusqlite::Connection, query: &str) -> anyhow::Result<Vec<Procedure>> {
    let mut statement =
        db.prepare_cached("SELECT body FROM procedure WHERE folded LIKE '%' || ?1 || '%' ESCAPE '\\' ORDER BY code")?;
    let pattern = fold(query).replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    let bodies = statement.query_map([pattern], |row| row.get::<_, String>(0))?;
    bodies.map(|body| Ok(serde_json::from_str(&body?)?)).collect()
}

/// A synthetic dossier's searchable text: code, procedure, applicant, status.
fn dossiers(catalogue: &[Procedure], count: usize) -> Vec<String> {
    const FAMILY: &[&str] =
        &["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"];
    const MIDDLE: &[&str] = &["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc"];
    const GIVEN: &[&str] = &["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Mai", "Nam", "Phúc", "Quân"];
    const STATUS: &[&str] = &["Đã tiếp nhận", "Đang xử lý", "Yêu cầu bổ sung", "Đã có kết quả", "Đã trả kết quả"];
    (0..count)
        .map(|i| {
            let procedure = &catalogue[(i * 7) % catalogue.len()];
            format!(
                "H{:02}.{:02}-2026-{:06} {} {} {} {} {}",
                i % 34,
                i % 97,
                i,
                procedure.name.vi,
                FAMILY[i % FAMILY.len()],
                MIDDLE[(i / 3) % MIDDLE.len()],
                GIVEN[(i / 7) % GIVEN.len()],
                STATUS[i % STATUS.len()]
            )
        })
        .collect()
}

fn like_dossiers(texts: &[String]) -> anyhow::Result<rusqlite::Connection> {
    let db = rusqlite::Connection::open_in_memory()?;
    db.execute_batch("CREATE TABLE dossier (id INTEGER PRIMARY KEY, folded TEXT NOT NULL);")?;
    let mut insert = db.prepare("INSERT INTO dossier (folded) VALUES (?1)")?;
    for text in texts {
        insert.execute([fold(text)])?;
    }
    drop(insert);
    Ok(db)
}

fn like_dossier_ids(db: &rusqlite::Connection, query: &str) -> anyhow::Result<Vec<i64>> {
    let mut statement = db.prepare_cached("SELECT id FROM dossier WHERE folded LIKE '%' || ?1 || '%' ESCAPE '\\'")?;
    let pattern = fold(query).replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    let ids = statement.query_map([pattern], |row| row.get(0))?;
    Ok(ids.collect::<Result<_, _>>()?)
}

/// Ours for dossiers: folded once when loaded, each query folded and scanned.
fn our_dossier_ids(folded: &[String], query: &str) -> Vec<i64> {
    let query = fold(query);
    folded.iter().enumerate().filter(|(_, text)| text.contains(&query)).map(|(i, _)| i as i64 + 1).collect()
}

fn percentiles(latencies: &mut [Duration]) -> serde_json::Value {
    latencies.sort();
    let at = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0;
    json!({ "p50_ms": at(0.5), "p99_ms": at(0.99) })
}

fn timed<T>(latencies: &mut Vec<Duration>, run: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let answer = run();
    latencies.push(started.elapsed());
    answer
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let options = options()?;
    let catalogue = hoso_domain::synthetic::catalogue(SEED, options.procedures);
    if let Some(path) = &options.export {
        let procedures: Vec<_> = catalogue
            .iter()
            .map(|p| json!({ "id": p.code.as_str(), "code": p.code.as_str(), "vi": p.name.vi, "en": p.name.en }))
            .collect();
        std::fs::write(path, serde_json::to_vec(&json!({ "procedures": procedures, "queries": QUERIES }))?)?;
        return Ok(());
    }
    let scratch_root = std::env::var_os("HOSO_BENCH_DIR")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench"), Into::into)
        .join("scratch");
    std::fs::create_dir_all(&scratch_root)?;
    let scratch = tempfile::tempdir_in(&scratch_root)?;
    let engine = engine_with_catalogue(scratch.path(), &catalogue).await?;
    let like = like_catalogue(&catalogue)?;
    let texts = dossiers(&catalogue, options.dossiers);
    let folded: Vec<String> = texts.iter().map(|t| fold(t)).collect();
    let like_dossier_db = like_dossiers(&texts)?;

    // The two sides must find the same things, or the race means nothing.
    for query in QUERIES {
        let ours: Vec<String> =
            engine.search_procedures(query).await?.iter().map(|p| p.code.as_str().to_owned()).collect();
        let theirs: Vec<String> = like_procedures(&like, query)?.iter().map(|p| p.code.as_str().to_owned()).collect();
        anyhow::ensure!(ours == theirs, "the catalogue answers differ for {query:?}");
        anyhow::ensure!(
            our_dossier_ids(&folded, query) == like_dossier_ids(&like_dossier_db, query)?,
            "the dossier answers differ for {query:?}"
        );
    }

    let mut rounds = Vec::new();
    for round in 0..options.rounds {
        let (mut ours, mut theirs, mut ours_d, mut theirs_d) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut hits = 0usize;
        for query in QUERIES {
            let started = Instant::now();
            hits += engine.search_procedures(query).await?.len();
            ours.push(started.elapsed());
            hits += timed(&mut theirs, || like_procedures(&like, query))?.len();
            hits += timed(&mut ours_d, || our_dossier_ids(&folded, query)).len();
            hits += timed(&mut theirs_d, || like_dossier_ids(&like_dossier_db, query))?.len();
        }
        let figures = json!({
            "catalogue_engine": percentiles(&mut ours), "catalogue_like": percentiles(&mut theirs),
            "dossiers_ours": percentiles(&mut ours_d), "dossiers_like": percentiles(&mut theirs_d), "hits": hits,
        });
        eprintln!("round {round}: {figures}");
        rounds.push(figures);
    }
    let summary = json!({
        "procedures": catalogue.len(), "dossiers": texts.len(), "queries": QUERIES.len(), "rounds": rounds
    });
    match options.json {
        Some(path) => std::fs::write(path, serde_json::to_vec_pretty(&summary)?)?,
        None => println!("{}", serde_json::to_string_pretty(&summary)?),
    }
    Ok(())
}
