//! G12: the portal's submit throughput on one core. On SQLite against the
//! plaintext route of the same binary (the bench `submit_throughput` of
//! `hoso-portal` alternates the two itself); on PostgreSQL against pgbench
//! inserting one dossier-sized row per transaction into the same durable
//! server, this runner alternating a round of each. The portal and the
//! PostgreSQL server run on core 0; the driver and pgbench on core 1.

use std::path::Path;
use std::process::Command;

use anyhow::Context;
use serde_json::json;

use super::stats::{Stats, median};
use super::{Outcome, Plan, Target, bench_executable, output, pinned, read_json};
use crate::postgres::{Cluster, ThrowawayPostgres};

/// Clients of pgbench, as many as the submit driver keeps in flight.
const CLIENTS: &str = "32";

pub fn run(root: &Path, dir: &Path, plan: Plan) -> anyhow::Result<Vec<Outcome>> {
    let exe = bench_executable("submit_throughput")?;
    let seconds: u32 = if plan.quick { 1 } else { 2 };
    let mut outcomes = vec![sqlite(&exe, dir, plan, seconds)?];
    outcomes.push(postgres(root, &exe, dir, plan, seconds)?);
    Ok(outcomes)
}

fn sqlite(exe: &Path, dir: &Path, plan: Plan, seconds: u32) -> anyhow::Result<Outcome> {
    let json_path = dir.join("g12-sqlite.json");
    output(
        Command::new(exe)
            .args(["--rounds", &plan.rounds.to_string(), "--seconds", &seconds.to_string(), "--json"])
            .arg(&json_path)
            .env("HOSO_BENCH_DIR", dir),
    )?;
    let summary = read_json(&json_path)?;
    let ratios = numbers(&summary["per_round"]["ratio"]);
    Ok(Outcome {
        goal: "G12",
        what: "portal submit throughput on one core, SQLite".into(),
        ours: format!("{:.0} submits/s", summary["submit_per_second_median"].as_f64().unwrap_or_default()),
        peer: format!("plaintext route {:.0}/s", summary["plaintext_per_second_median"].as_f64().unwrap_or_default()),
        ratio_label: "submit ÷ plaintext".into(),
        ratio: Stats::of(&ratios),
        target: Target::AtLeast(0.3),
        checks: vec![],
        limits: "CPU on one core: about a dozen SQL round trips through sqlx's Any driver (rate-limit count, token, \
                 person, mandates, replay check, procedure, upload, then serial, dossier, event and change in one \
                 transaction) plus the form's JSON Schema validation; SQLite's WAL at synchronous=NORMAL flushes at \
                 checkpoints, not per commit"
            .into(),
        raw: summary,
    })
}

fn postgres(root: &Path, exe: &Path, dir: &Path, plan: Plan, seconds: u32) -> anyhow::Result<Outcome> {
    let server = ThrowawayPostgres::start_cluster(root, Cluster::Benchmark)?;
    let url = server.url().to_owned();
    let psql = server.bin().join("psql");
    let example = std::fs::read_to_string(root.join("assets/forms/examples/ho-tich.khai-sinh.v1.valid.json"))?;
    let compact = serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&example)?)?;
    output(Command::new(&psql).arg(&url).args(["-q", "-c"]).arg(
        "CREATE TABLE bench_dossier (id bigserial PRIMARY KEY, client_id text NOT NULL UNIQUE, owner text NOT NULL, \
         procedure text NOT NULL, data jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now())",
    ))?;
    let script = dir.join("g12-pgbench.sql");
    std::fs::write(
        &script,
        format!(
            "INSERT INTO bench_dossier (client_id, owner, procedure, data) VALUES (gen_random_uuid()::text, \
             'citizen', '1.001193', '{}');\n",
            compact.replace('\'', "''")
        ),
    )?;
    let base = url.rsplit_once('/').map(|(base, _)| base.to_owned()).context("the server's URL")?;
    let (mut submits, mut inserts, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..plan.rounds {
        // A fresh database each round: the portal seeds its demo people on an empty one.
        let database = format!("g12_round_{round}");
        output(Command::new(&psql).arg(&url).args(["-q", "-c"]).arg(format!("CREATE DATABASE {database}")))?;
        let json_path = dir.join(format!("g12-postgresql-{round}.json"));
        output(
            Command::new(exe)
                .args(["--db", &format!("{base}/{database}"), "--rounds", "1", "--seconds", &seconds.to_string()])
                .arg("--json")
                .arg(&json_path)
                .env("HOSO_BENCH_DIR", dir),
        )?;
        let submit = read_json(&json_path)?["submit_per_second_median"].as_f64().context("submits per second")?;
        let pgbench = output(
            pinned(1, server.bin().join("pgbench"))
                .args(["-n", "-c", CLIENTS, "-j", "1", "-T", &seconds.to_string(), "-f"])
                .arg(&script)
                .arg(&url),
        )?;
        let tps = pgbench
            .lines()
            .find_map(|line| line.trim().strip_prefix("tps = "))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<f64>().ok())
            .with_context(|| format!("pgbench's tps in:\n{pgbench}"))?;
        eprintln!("    round {round}: submit {submit:.0}/s, pgbench insert {tps:.0}/s, ratio {:.3}", submit / tps);
        submits.push(submit);
        inserts.push(tps);
        ratios.push(submit / tps);
    }
    server.stop()?;
    Ok(Outcome {
        goal: "G12",
        what: "portal submit throughput on one core, PostgreSQL (durable: fsync, synchronous_commit on)".into(),
        ours: format!("{:.0} submits/s", median(&submits)),
        peer: format!("pgbench insert-only {:.0} tx/s", median(&inserts)),
        ratio_label: "submit ÷ pgbench insert".into(),
        ratio: Stats::of(&ratios),
        target: Target::AtLeast(0.8),
        checks: vec![],
        limits: "a submit is two transactions and about a dozen statements, each a round trip to a backend on the \
                 same core, plus HTTP and JSON Schema validation; pgbench sends one INSERT per transaction"
            .into(),
        raw: json!({ "submits_per_second": submits, "pgbench_tps": inserts, "ratios": ratios, "clients": CLIENTS }),
    })
}

fn numbers(value: &serde_json::Value) -> Vec<f64> {
    value.as_array().map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect()).unwrap_or_default()
}
