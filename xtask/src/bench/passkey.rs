//! G14: passkey assertion verification. The bench `passkey_verify` of
//! `hoso-portal` (webauthn-rs, as the portal's passkey sign-in calls it)
//! against `openssl speed ecdsap256`'s verify, a round of each in turn,
//! both on core 0. The ratio is time per verification, ours over OpenSSL's.

use std::path::Path;
use std::process::Command;

use anyhow::Context;
use serde_json::json;

use super::stats::{Stats, median};
use super::{Outcome, Plan, Target, bench_executable, output, pinned};

pub fn run(_root: &Path, _dir: &Path, plan: Plan) -> anyhow::Result<Vec<Outcome>> {
    let exe = bench_executable("passkey_verify")?;
    let seconds = if plan.quick { 1 } else { 3 };
    let (mut ours, mut theirs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..plan.rounds {
        let answer = output(pinned(0, &exe).args(["--seconds", &seconds.to_string()]))?;
        let answer: serde_json::Value = serde_json::from_str(answer.trim()).context("the bench's answer")?;
        let per_second = answer["verifications_per_second"].as_f64().context("verifications per second")?;
        let openssl = openssl_verifies_per_second(seconds)?;
        eprintln!("    round {round}: ours {per_second:.0}/s, openssl {openssl:.0}/s");
        ours.push(per_second);
        theirs.push(openssl);
        ratios.push(openssl / per_second);
    }
    let version = output(Command::new("openssl").arg("version")).unwrap_or_default();
    Ok(vec![Outcome {
        goal: "G14",
        what: "passkey assertion verification (webauthn-rs, ES256)".into(),
        ours: format!("{:.0} verifications/s ({:.0} µs)", median(&ours), 1e6 / median(&ours)),
        peer: format!(
            "{} ecdsap256 verify {:.0}/s",
            version.split_whitespace().take(2).collect::<Vec<_>>().join(" "),
            median(&theirs)
        ),
        ratio_label: "time per verification ÷ OpenSSL's".into(),
        ratio: Stats::of(&ratios),
        target: Target::AtMost(1.5),
        checks: vec![],
        limits: "webauthn-rs 0.5.5 turns the stored COSE key into an OpenSSL key on every assertion: a new EC \
                 group and the public key validated twice (a scalar multiplication each), about 55% of the time \
                 (callgrind); the ECDSA verify is about 30%, parsing JSON, CBOR and client data under 10%"
            .into(),
        raw: json!({ "ours_per_second": ours, "openssl_per_second": theirs, "ratios": ratios }),
    }])
}

/// `openssl speed -elapsed -seconds S ecdsap256`'s verifications per second:
/// the last figure of its `nistp256` line. `-elapsed` divides by wall-clock
/// time, as ours does; without it OpenSSL divides by its own CPU time, which
/// on a shared core is a fraction of the wall-clock time and inflated its
/// figure (4× under a load average of 13) while ours was not.
fn openssl_verifies_per_second(seconds: u32) -> anyhow::Result<f64> {
    let out = output(pinned(0, "openssl").args(["speed", "-elapsed", "-seconds", &seconds.to_string(), "ecdsap256"]))?;
    out.lines()
        .find(|line| line.contains("nistp256"))
        .and_then(|line| line.split_whitespace().last())
        .and_then(|figure| figure.parse().ok())
        .with_context(|| format!("openssl speed's verify figure in:\n{out}"))
}
