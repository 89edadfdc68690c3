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

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use base64::Engine as _;
use hoso_domain::catalogue::{FormRef, ProcedureCode};
use hoso_domain::profile::ActingAs;
use hoso_engine::{Engine, MemoryAttachments, NewSubmission, QueueOutcome, StaticToken};
use hoso_protocol::api::upload::AttachmentRef;
use serde_json::json;
use sha2::Digest;

const REDIRECT: &str = "http://127.0.0.1:49152/callback";
const CITIZEN_TOTP: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
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

/// A real access token from the portal's code flow, as the sign-in session holds one.
async fn access_token(base: &str) -> anyhow::Result<String> {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let verifier = hoso_portal::oidc::grant::new_secret();
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    let mut authorize = reqwest::Url::parse(&format!("{base}/authorize"))?;
    authorize.query_pairs_mut().extend_pairs([
        ("client_id", "hoso-app"),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        ("scope", "openid profile enterprises"),
        ("state", "s"),
        ("nonce", "n"),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ]);
    let page = client.get(authorize).send().await?.text().await?;
    let marker = "name=\"request_id\" value=\"";
    let start = page.find(marker).context("a sign-in form")? + marker.len();
    let request_id = page[start..].split('"').next().unwrap_or_default();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
    let code = hoso_portal::oidc::credentials::OneTimeCodes::from_base32(CITIZEN_TOTP)?.code_at(now);
    let login = client
        .post(format!("{base}/login"))
        .form(&[("request_id", request_id), ("username", "citizen"), ("password", "hoso-demo-2026"), ("code", &code)])
        .send()
        .await?;
    let location = reqwest::Url::parse(login.headers().get("location").context("a redirect")?.to_str()?)?;
    let grant = location.query_pairs().find(|(k, _)| k == "code").context("a code")?.1.into_owned();
    let tokens: serde_json::Value = client
        .post(format!("{base}/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &grant),
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

/// The shipped valid birth registration with a scan as the birth certificate.
fn birth_registration(attachments: &mut MemoryAttachments) -> anyhow::Result<NewSubmission> {
    let scan = b"%PDF-1.7 feed benchmark".to_vec();
    let bytes = scan.len() as u64;
    let sha256 = attachments.insert(scan);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/forms/examples/ho-tich.khai-sinh.v1.valid.json");
    let mut data: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    data["attachments"]["giay-chung-sinh"] =
        json!({ "sha256": sha256, "media_type": "application/pdf", "bytes": bytes, "name": "giay-chung-sinh.pdf" });
    let reference = AttachmentRef {
        document: "giay-chung-sinh".into(),
        sha256,
        bytes,
        media_type: "application/pdf".into(),
        name: "giay-chung-sinh.pdf".into(),
    };
    Ok(NewSubmission {
        procedure: ProcedureCode::parse("1.001193")?,
        form: FormRef { id: "ho-tich.khai-sinh".into(), version: 1 },
        acting_as: ActingAs::Myself,
        data,
        attachments: vec![reference],
    })
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
        let token = access_token(&base).await?;
        let engine = Engine::open(&dir.join("engine.db"), &base).await?;
        engine.sync_catalogue().await?;
        engine.form_definition(&FormRef { id: "ho-tich.khai-sinh".into(), version: 1 }).await?;
        // The demo citizen's subject, whose token it is.
        engine.set_access_token(Arc::new(StaticToken::new("demo-citizen-0001", token)));
        let mut attachments = MemoryAttachments::default();
        match engine.queue_submission(birth_registration(&mut attachments)?).await? {
            QueueOutcome::Queued(_) => {}
            QueueOutcome::Refused(validation) => anyhow::bail!("the example was refused: {validation:?}"),
        }
        anyhow::ensure!(engine.send_outbox(&attachments).await?.sent == 1, "the dossier was not filed");
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
