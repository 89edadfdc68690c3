//! What the engine's portal-backed benches (`feed`, G11, and `sync_pull`, G9
//! and G10) share: a real access token from the portal's code flow, and an
//! engine that filed one dossier through its outbox, the row those benches
//! then copy straight into the portal's SQLite file.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use base64::Engine as _;
use hoso_domain::catalogue::{FormRef, ProcedureCode};
use hoso_domain::profile::ActingAs;
use hoso_engine::{Engine, MemoryAttachments, NewSubmission, QueueOutcome, StaticToken};
use hoso_protocol::api::upload::AttachmentRef;
use serde_json::json;
use sha2::Digest;

/// The demo citizen's subject (`assets/demo/identities.json`), whose token
/// [`access_token`] answers and whose dossiers the benches seed. Only
/// `sync_pull` names it; `feed` includes this module too.
#[allow(dead_code)]
pub const DEMO_CITIZEN: &str = "demo-citizen-0001";

const REDIRECT: &str = "http://127.0.0.1:49152/callback";
const CITIZEN_TOTP: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// A real access token of the demo citizen from the portal's code flow, as
/// the sign-in session holds one.
pub async fn access_token(base: &str) -> anyhow::Result<String> {
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

/// An engine on a fresh store at `store` that filed one dossier of the demo
/// citizen (the shipped valid birth registration, with a scan as the birth
/// certificate) through its outbox to the portal at `base`, signed in with
/// `token`.
pub async fn engine_that_filed_one(store: &Path, base: &str, token: &str) -> anyhow::Result<Engine> {
    let engine = Engine::open(store, base).await?;
    engine.sync_catalogue().await?;
    engine.form_definition(&FormRef { id: "ho-tich.khai-sinh".into(), version: 1 }).await?;
    engine.set_access_token(Arc::new(StaticToken::new(DEMO_CITIZEN, token.to_owned())));
    let mut attachments = MemoryAttachments::default();
    match engine.queue_submission(birth_registration(&mut attachments)?).await? {
        QueueOutcome::Queued(_) => {}
        QueueOutcome::Refused(validation) => anyhow::bail!("the example was refused: {validation:?}"),
    }
    anyhow::ensure!(engine.send_outbox(&attachments).await?.sent == 1, "the dossier was not filed");
    Ok(engine)
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
