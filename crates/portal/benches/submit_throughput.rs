//! Submit throughput of the portal on one core, as a ratio to the plaintext
//! route (`/health`) of the same binary measured in the same run.
//!
//! The `hoso-portal` binary runs pinned to core 0 (`taskset`), this driver
//! pins itself to core 1, and rounds alternate plaintext and submit (A B A B…)
//! so drift on a shared machine hits both alike. Absolute rates are printed
//! but only the ratio is the figure: the goal is submit ≥ 0.3× plaintext on
//! SQLite. Run it with
//! `cargo bench -p hoso-portal --bench submit_throughput -- [--db URL] [--rounds N] [--seconds S]`;
//! `--db` defaults to a fresh SQLite file, a PostgreSQL URL names an existing
//! database. A JSON summary, with every round's figures, goes to `--json PATH`
//! or `target/bench/submit-throughput-<backend>.json`; `cargo xtask bench`
//! runs it as goal G12.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// Requests in flight at once, enough to keep one server core busy.
const CONCURRENCY: usize = 32;
const REDIRECT: &str = "http://127.0.0.1:49152/callback";
const CITIZEN_TOTP: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

struct Options {
    db: Option<String>,
    rounds: usize,
    seconds: f64,
    json: Option<String>,
}

fn options() -> anyhow::Result<Options> {
    let mut options = Options { db: None, rounds: 10, seconds: 2.0, json: None };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--db" => options.db = Some(args.next().context("--db needs a URL")?),
            "--rounds" => options.rounds = args.next().context("--rounds needs a number")?.parse()?,
            "--seconds" => options.seconds = args.next().context("--seconds needs a number")?.parse()?,
            "--json" => options.json = Some(args.next().context("--json needs a path")?),
            // cargo bench passes `--bench`; anything else is a filter we do not use.
            _ => {}
        }
    }
    Ok(options)
}

/// The portal process, stopped when dropped.
struct Portal {
    child: Child,
    url: String,
}

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_portal(db: &str) -> anyhow::Result<Portal> {
    let mut child = Command::new("taskset")
        .args(["-c", "0", env!("CARGO_BIN_EXE_hoso-portal"), "--addr", "127.0.0.1:0", "--demo", "--db", db])
        // The limit exists to slow runaway clients; here it would measure itself.
        .args(["--submit-per-minute", "100000000"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .context("starting hoso-portal under taskset (util-linux)")?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().context("portal stdout")?).read_line(&mut line)?;
    if line.trim().is_empty() {
        bail!("the portal did not print its URL");
    }
    Ok(Portal { child, url: line.trim().to_owned() })
}

fn pin_self_to_core_1() {
    let pid = std::process::id().to_string();
    let pinned = Command::new("taskset").args(["-a", "-p", "-c", "1", &pid]).stdout(Stdio::null()).status();
    if !pinned.is_ok_and(|status| status.success()) {
        eprintln!("could not pin the driver to core 1; figures are less stable");
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn query_param(location: &str, name: &str) -> Option<String> {
    url::Url::parse(location).ok()?.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// Signs the demo citizen in through the real code flow and answers an access token.
async fn access_token(client: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let verifier = hoso_portal::oidc::grant::new_secret();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let page = client
        .get(format!("{base}/authorize"))
        .query(&[
            ("client_id", "hoso-app"),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("scope", "openid profile"),
            ("state", "bench"),
            ("nonce", "bench"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await?
        .text()
        .await?;
    let marker = "name=\"request_id\" value=\"";
    let start = page.find(marker).context("the login form")? + marker.len();
    let request_id = page[start..].split('"').next().unwrap_or_default();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
    let code = hoso_portal::oidc::credentials::OneTimeCodes::from_base32(CITIZEN_TOTP)?.code_at(now);
    let answer = client
        .post(format!("{base}/login"))
        .form(&[("request_id", request_id), ("username", "citizen"), ("password", "hoso-demo-2026"), ("code", &code)])
        .send()
        .await?;
    let location = answer.headers().get("location").context("a redirect after sign-in")?.to_str()?.to_owned();
    let code = query_param(&location, "code").context("a code")?;
    let tokens: serde_json::Value = client
        .post(format!("{base}/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("client_id", "hoso-app"),
            ("code_verifier", &verifier),
        ])
        .send()
        .await?
        .json()
        .await?;
    Ok(tokens["access_token"].as_str().context("an access token")?.to_owned())
}

/// Uploads the scan every submission references, once.
async fn upload_scan(client: &reqwest::Client, base: &str, token: &str, scan: &[u8]) -> anyhow::Result<()> {
    let sha256 = sha256_hex(scan);
    let metadata = [
        ("sha256", sha256.as_str()),
        ("media_type", "application/pdf"),
        ("name", "giay-chung-sinh.pdf"),
        ("procedure", "1.001193"),
        ("document", "giay-chung-sinh"),
    ]
    .iter()
    .map(|(key, value)| format!("{key} {}", STANDARD.encode(value)))
    .collect::<Vec<_>>()
    .join(",");
    let created = client
        .post(format!("{base}/api/v1/uploads"))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", scan.len().to_string())
        .header("Upload-Metadata", metadata)
        .send()
        .await?;
    if created.status() != 201 {
        bail!("creating the upload answered {}", created.status());
    }
    let patched = client
        .patch(format!("{base}/api/v1/uploads/{sha256}"))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", "0")
        .body(scan.to_vec())
        .send()
        .await?;
    if patched.status() != 204 {
        bail!("uploading answered {}", patched.status());
    }
    Ok(())
}

/// A valid birth registration referencing `scan`, with `client_id` to fill in.
fn submission_template(scan: &[u8]) -> anyhow::Result<serde_json::Value> {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/forms/examples/ho-tich.khai-sinh.v1.valid.json");
    let mut data: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(example)?)?;
    let attachment = serde_json::json!({
        "sha256": sha256_hex(scan), "media_type": "application/pdf", "bytes": scan.len(), "name": "giay-chung-sinh.pdf"
    });
    data["attachments"]["giay-chung-sinh"] = attachment.clone();
    let mut reference = attachment;
    reference["document"] = "giay-chung-sinh".into();
    Ok(serde_json::json!({
        "client_id": "",
        "procedure": "1.001193",
        "form": {"id": "ho-tich.khai-sinh", "version": 1},
        "acting_as": "myself",
        "channel": "online",
        "data": data,
        "attachments": [reference],
    }))
}

#[derive(Clone, Copy)]
enum Route {
    Plaintext,
    Submit,
}

struct Load {
    client: reqwest::Client,
    base: String,
    token: String,
    template: serde_json::Value,
    next_id: AtomicU64,
}

impl Load {
    /// One request; true when it answered as a working server should.
    async fn once(&self, route: Route) -> bool {
        match route {
            Route::Plaintext => {
                self.client.get(format!("{}/health", self.base)).send().await.is_ok_and(|r| r.status() == 200)
            }
            Route::Submit => {
                let id = format!("bench-{}", self.next_id.fetch_add(1, Ordering::Relaxed));
                let mut body = self.template.clone();
                body["client_id"] = id.clone().into();
                self.client
                    .post(format!("{}/api/v1/dossiers", self.base))
                    .bearer_auth(&self.token)
                    .header("Idempotency-Key", id)
                    .json(&body)
                    .send()
                    .await
                    .is_ok_and(|r| r.status() == 201)
            }
        }
    }
}

/// Requests per second on `route` over `seconds`, with [`CONCURRENCY`] in flight.
async fn round(load: &Arc<Load>, route: Route, seconds: f64) -> anyhow::Result<f64> {
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let load = load.clone();
        workers.push(tokio::spawn(async move {
            let (mut done, mut failed) = (0u64, 0u64);
            while Instant::now() < deadline {
                if load.once(route).await {
                    done += 1;
                } else {
                    failed += 1;
                }
            }
            (done, failed)
        }));
    }
    let (mut done, mut failed) = (0, 0);
    for worker in workers {
        let (d, f) = worker.await?;
        done += d;
        failed += f;
    }
    if failed > 0 {
        bail!("{failed} requests failed during a round; the figure would be meaningless");
    }
    Ok(done as f64 / started.elapsed().as_secs_f64())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len().is_multiple_of(2) { (values[middle - 1] + values[middle]) / 2.0 } else { values[middle] }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() -> anyhow::Result<()> {
    let options = options()?;
    pin_self_to_core_1();
    let scratch = tempfile::tempdir()?;
    let db = options.db.clone().unwrap_or_else(|| format!("sqlite:{}", scratch.path().join("portal.db").display()));
    let backend = if db.starts_with("postgres") { "postgresql" } else { "sqlite" };
    let portal = start_portal(&db)?;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let token = access_token(&client, &portal.url).await?;
    let scan = b"%PDF-1.7 benchmark scan".to_vec();
    upload_scan(&client, &portal.url, &token, &scan).await?;
    let template = submission_template(&scan)?;
    let load = Arc::new(Load { client, base: portal.url.clone(), token, template, next_id: AtomicU64::new(0) });

    // A short warm-up of each, so connections and caches are in place.
    round(&load, Route::Plaintext, 0.5).await?;
    round(&load, Route::Submit, 0.5).await?;
    let (mut plaintext, mut submit, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for n in 0..options.rounds {
        let p = round(&load, Route::Plaintext, options.seconds).await?;
        let s = round(&load, Route::Submit, options.seconds).await?;
        eprintln!("round {n}: plaintext {p:.0}/s, submit {s:.0}/s, ratio {:.3}", s / p);
        plaintext.push(p);
        submit.push(s);
        ratios.push(s / p);
    }
    let per_round = serde_json::json!({ "plaintext": plaintext, "submit": submit, "ratio": ratios });
    let (low, high) = ratios.iter().fold((f64::MAX, f64::MIN), |(lo, hi), r| (lo.min(*r), hi.max(*r)));
    let summary = serde_json::json!({
        "backend": backend,
        "rounds": options.rounds,
        "seconds_per_round": options.seconds,
        "concurrency": CONCURRENCY,
        "plaintext_per_second_median": median(&mut plaintext),
        "submit_per_second_median": median(&mut submit),
        "ratio_median": median(&mut ratios),
        "ratio_min": low,
        "ratio_max": high,
        "per_round": per_round,
    });
    println!(
        "| submit throughput ({backend}, one core) | {:.0}/s | plaintext {:.0}/s | ratio {:.3} (min {low:.3}, max {high:.3}) |",
        summary["submit_per_second_median"].as_f64().unwrap_or_default(),
        summary["plaintext_per_second_median"].as_f64().unwrap_or_default(),
        summary["ratio_median"].as_f64().unwrap_or_default(),
    );
    let out = match options.json {
        Some(path) => std::path::PathBuf::from(path),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/bench")
            .join(format!("submit-throughput-{backend}.json")),
    };
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(out, serde_json::to_vec_pretty(&summary)?)?;
    Ok(())
}
