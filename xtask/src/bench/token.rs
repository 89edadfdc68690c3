//! G13: the token endpoint on one core against node `oidc-provider`
//! configured alike (one public client, PKCE S256, ES256 ID tokens, opaque
//! access tokens, a refresh token for `offline_access`). The bench
//! `token_endpoint` of `hoso-portal` runs both servers on core 0, drives them
//! from core 1 and alternates them round by round; the ratio is our
//! redemptions per second over the peer's.

use std::path::Path;

use anyhow::Context;

use super::peers::OIDC_PROVIDER;
use super::stats::{Stats, median};
use super::{Outcome, Plan, Target, bench_executable, output, read_json};

pub fn run(_root: &Path, dir: &Path, plan: Plan) -> anyhow::Result<Vec<Outcome>> {
    let exe = bench_executable("token_endpoint")?;
    let peer = OIDC_PROVIDER.install(dir, ("oidc-peer.mjs", include_str!("oidc-peer.mjs")))?;
    let json_path = dir.join("g13-token.json");
    let seconds = if plan.quick { "1" } else { "2" };
    output(
        std::process::Command::new(&exe)
            .args(["--rounds", &plan.rounds.to_string(), "--seconds", seconds, "--peer"])
            .arg(peer.join("oidc-peer.mjs"))
            .arg("--json")
            .arg(&json_path),
    )?;
    let summary = read_json(&json_path)?;
    let numbers = |key: &str| -> Vec<f64> {
        summary[key].as_array().map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect()).unwrap_or_default()
    };
    let (ours, theirs, ratios) = (numbers("ours_per_second"), numbers("peer_per_second"), numbers("ratios"));
    anyhow::ensure!(!ratios.is_empty(), "the bench measured no round");
    let node = output(std::process::Command::new("node").arg("--version")).context("node's version")?;
    Ok(vec![Outcome {
        goal: "G13",
        what:
            "token endpoint on one core: authorization code + PKCE redeemed, ES256 ID token, access and refresh token"
                .into(),
        ours: format!("{:.0} redemptions/s", median(&ours)),
        peer: format!("oidc-provider 9.13.3 (node {}) {:.0}/s", node.trim(), median(&theirs)),
        ratio_label: "ours ÷ oidc-provider".into(),
        ratio: Stats::of(&ratios),
        target: Target::AtLeast(5.0),
        checks: vec![],
        limits: "per redemption on SQLite: one write transaction on the writer's own connection, four hops to sqlx's \
                 SQLite worker thread (BEGIN, the rate-limit count with the code's claim, the grant with both tokens, \
                 COMMIT) and the WAL writes of five tables and their indexes, then the ES256 signature; the peer keeps \
                 everything in a JavaScript Map"
            .into(),
        raw: summary,
    }])
}
