//! The token endpoint's throughput on one core (goal G13 of `cargo xtask
//! bench`), against node `oidc-provider` configured alike: one public client
//! `hoso-app`, PKCE S256, ID tokens signed ES256, opaque access tokens and a
//! refresh token for `offline_access`. The request measured is what the app
//! sends once per sign-in: an authorization code redeemed with its verifier.
//!
//! Both servers run pinned to core 0 (`taskset`), this driver on core 1 with
//! [`CONCURRENCY`] requests in flight, rounds alternating ours and the peer
//! (A B A B…). Codes are minted untimed before each round: for the portal
//! as rows in its SQLite file (exactly what its `/login` stores, so the
//! password hash and TOTP of a real sign-in are not measured), for the peer
//! through its mint port (`oidc-peer.mjs`). Every code shares one verifier.
//! `cargo bench -p hoso-portal --bench token_endpoint -- --peer PATH/oidc-peer.mjs [--rounds N] [--seconds S] [--json PATH]`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// Requests in flight at once, enough to keep one server core busy.
const CONCURRENCY: usize = 32;
const REDIRECT: &str = "http://127.0.0.1:49152/callback";
const SCOPE: &str = "openid profile offline_access";
/// RFC 7636's example verifier; its S256 challenge is computed, not copied.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

struct Options {
    rounds: usize,
    seconds: f64,
    peer: Option<String>,
    json: Option<String>,
}

fn options() -> anyhow::Result<Options> {
    let mut options = Options { rounds: 10, seconds: 2.0, peer: None, json: None };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--rounds" => options.rounds = value()?.parse()?,
            "--seconds" => options.seconds = value()?.parse()?,
            "--peer" => options.peer = Some(value()?),
            "--json" => options.json = Some(value()?),
            // cargo bench passes `--bench`.
            _ => {}
        }
    }
    Ok(options)
}

/// A server process, stopped when dropped.
struct Server {
    child: Child,
    /// The first line it printed.
    line: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_pinned_to_core_0(program: &str, args: &[&str]) -> anyhow::Result<Server> {
    let mut child = Command::new("taskset")
        .args(["-c", "0", program])
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {program} under taskset (util-linux)"))?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().context("stdout")?).read_line(&mut line)?;
    if line.trim().is_empty() {
        bail!("{program} printed nothing");
    }
    Ok(Server { child, line: line.trim().to_owned() })
}

fn pin_self_to_core_1() {
    let pid = std::process::id().to_string();
    let pinned = Command::new("taskset").args(["-a", "-p", "-c", "1", &pid]).stdout(Stdio::null()).status();
    if !pinned.is_ok_and(|status| status.success()) {
        eprintln!("could not pin the driver to core 1; figures are less stable");
    }
}

fn challenge() -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER.as_bytes()))
}

/// `count` fresh codes of the demo citizen in the portal's database, as its
/// `/login` stores them (hash of the code, client, redirect, scope, nonce,
/// challenge, times, how the person signed in).
async fn mint_ours(pool: &sqlx::SqlitePool, subject: &str, count: usize) -> anyhow::Result<Vec<String>> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() as i64;
    let challenge = challenge();
    let mut codes = Vec::with_capacity(count);
    let mut tx = pool.begin().await?;
    for _ in 0..count {
        let code = hoso_portal::oidc::grant::new_secret();
        sqlx::query(
            "INSERT INTO auth_code (code_hash, subject, client_id, redirect_uri, scope, nonce, code_challenge,
                                    auth_time, expires_at, amr)
             VALUES (?1, ?2, 'hoso-app', ?3, ?4, 'n', ?5, ?6, ?7, 'pwd otp mfa')",
        )
        .bind(hoso_portal::oidc::grant::hash_secret(&code))
        .bind(subject)
        .bind(REDIRECT)
        .bind(SCOPE)
        .bind(&challenge)
        .bind(now)
        .bind(now + 600)
        .execute(&mut *tx)
        .await?;
        codes.push(code);
    }
    tx.commit().await?;
    Ok(codes)
}

async fn mint_peer(client: &reqwest::Client, mint: &str, count: usize) -> anyhow::Result<Vec<String>> {
    let answer: serde_json::Value =
        client.post(format!("{mint}?n={count}")).send().await?.error_for_status()?.json().await?;
    Ok(answer["codes"].as_array().context("codes")?.iter().filter_map(|c| c.as_str().map(str::to_owned)).collect())
}

/// Redemptions per second at `base`'s `/token` over `seconds` (or until the
/// codes run out), with [`CONCURRENCY`] in flight; every answer must carry
/// an access token, an ID token and a refresh token.
async fn round(client: &reqwest::Client, base: &str, codes: Vec<String>, seconds: f64) -> anyhow::Result<f64> {
    let codes = Arc::new(Mutex::new(codes));
    let url = format!("{base}/token");
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(seconds);
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (client, codes, url) = (client.clone(), codes.clone(), url.clone());
        workers.push(tokio::spawn(async move {
            let (mut done, mut failed) = (0u64, Vec::new());
            while Instant::now() < deadline {
                let Some(code) = codes.lock().ok().and_then(|mut c| c.pop()) else { break };
                let answer = client
                    .post(&url)
                    .form(&[
                        ("grant_type", "authorization_code"),
                        ("code", &code),
                        ("redirect_uri", REDIRECT),
                        ("client_id", "hoso-app"),
                        ("code_verifier", VERIFIER),
                    ])
                    .send()
                    .await;
                match answer {
                    Ok(answer) if answer.status() == 200 => {
                        let body: serde_json::Value = answer.json().await.unwrap_or_default();
                        if ["access_token", "id_token", "refresh_token"].iter().all(|k| body[*k].is_string()) {
                            done += 1;
                        } else {
                            failed.push(format!("an answer without every token: {body}"));
                        }
                    }
                    Ok(answer) => {
                        failed.push(format!("{} {}", answer.status(), answer.text().await.unwrap_or_default()))
                    }
                    Err(error) => failed.push(error.to_string()),
                }
            }
            (done, failed)
        }));
    }
    let (mut done, mut failed) = (0, Vec::new());
    for worker in workers {
        let (d, f) = worker.await?;
        done += d;
        failed.extend(f);
    }
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(first) = failed.first() {
        bail!("{} redemptions failed at {base}, the first: {first}", failed.len());
    }
    if codes.lock().map(|c| c.is_empty()).unwrap_or(true) {
        eprintln!("the codes ran out before the round's end at {base}; the rate is over {elapsed:.2} s");
    }
    Ok(done as f64 / elapsed)
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) { (sorted[middle - 1] + sorted[middle]) / 2.0 } else { sorted[middle] }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() -> anyhow::Result<()> {
    let options = options()?;
    let peer_script = options.peer.clone().context("--peer PATH/oidc-peer.mjs")?;
    pin_self_to_core_1();
    let scratch = tempfile::tempdir()?;
    let file = scratch.path().join("portal.db");
    // The limit exists to slow runaway clients; here it would measure itself.
    let portal = spawn_pinned_to_core_0(
        env!("CARGO_BIN_EXE_hoso-portal"),
        &[
            "--addr",
            "127.0.0.1:0",
            "--demo",
            "--db",
            &format!("sqlite:{}", file.display()),
            "--token-per-minute",
            "1000000000",
        ],
    )?;
    let challenge = challenge();
    let peer = spawn_pinned_to_core_0("node", &[&peer_script, &challenge])?;
    let peer_line: serde_json::Value = serde_json::from_str(&peer.line).context("the peer's first line")?;
    let peer_url = peer_line["url"].as_str().context("the peer's url")?.to_owned();
    let peer_mint = peer_line["mint"].as_str().context("the peer's mint url")?.to_owned();

    let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", file.display())).await?;
    let subject: String = sqlx::query_scalar("SELECT subject FROM person WHERE username = 'citizen'")
        .fetch_one(&pool)
        .await
        .context("the demo citizen")?;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    // Enough codes for a fast server's whole round; a round that runs out is timed to its last answer.
    let per_round = (6_000.0 * options.seconds) as usize;

    // A short warm-up of each, so connections, caches and node's JIT are in place.
    round(&client, &portal.line, mint_ours(&pool, &subject, 1_000).await?, 0.5).await?;
    round(&client, &peer_url, mint_peer(&client, &peer_mint, 1_000).await?, 0.5).await?;
    let (mut ours, mut theirs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for n in 0..options.rounds {
        let codes = mint_ours(&pool, &subject, per_round).await?;
        let a = round(&client, &portal.line, codes, options.seconds).await?;
        let codes = mint_peer(&client, &peer_mint, per_round).await?;
        let b = round(&client, &peer_url, codes, options.seconds).await?;
        eprintln!("round {n}: portal {a:.0}/s, oidc-provider {b:.0}/s, ratio {:.3}", a / b);
        ours.push(a);
        theirs.push(b);
        ratios.push(a / b);
    }
    let summary = serde_json::json!({
        "concurrency": CONCURRENCY,
        "seconds_per_round": options.seconds,
        "ours_per_second": ours,
        "peer_per_second": theirs,
        "ratios": ratios,
        "ours_median": median(&ours),
        "peer_median": median(&theirs),
    });
    match options.json {
        Some(path) => std::fs::write(path, serde_json::to_vec_pretty(&summary)?)?,
        None => println!("{}", serde_json::to_string_pretty(&summary)?),
    }
    drop(peer);
    drop(portal);
    Ok(())
}
