//! The outbox and dossier sync against the real portal: queued offline and
//! sent once online, resumed uploads, answers refused before queueing,
//! replays that get the same code, officers' moves pulled from the changes
//! feed, and supplement drafts kept when the portal overtakes them.

use std::sync::Arc;

use base64::Engine as _;
use hoso_domain::catalogue::{FormRef, ProcedureCode};
use hoso_domain::dossier::DossierStatus;
use hoso_domain::profile::ActingAs;
use hoso_engine::{MemoryAttachments, NewSubmission, QueueOutcome, StaticToken};
use hoso_protocol::api::upload::AttachmentRef;
use hoso_protocol::command::OutboxState;
use sha2::Digest;
use time::{Duration, OffsetDateTime};

use super::*;

pub(super) const CITIZEN: (&str, &str) = ("citizen", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
pub(super) const OFFICER: (&str, &str) = ("officer", "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U");
/// The citizen's subject (`sub`), whose every token is (`assets/demo/identities.json`).
pub(super) const CITIZEN_SUBJECT: &str = "demo-citizen-0001";
const REDIRECT: &str = "http://127.0.0.1:49152/callback";
const UNREACHABLE: &str = "http://127.0.0.1:9";

/// A real access token from the portal's code flow (authorize, password and
/// one-time code, PKCE redemption), as the sign-in session will hold one.
pub(super) async fn access_token(base: &str, user: (&str, &str)) -> String {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let verifier = hoso_portal::oidc::grant::new_secret();
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    let mut authorize = reqwest::Url::parse(&format!("{base}/authorize")).unwrap();
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
    let page = client.get(authorize).send().await.unwrap().text().await.unwrap();
    let marker = "name=\"request_id\" value=\"";
    let start = page.find(marker).expect("a sign-in form") + marker.len();
    let request_id = page[start..].split('"').next().unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let code = hoso_portal::oidc::credentials::OneTimeCodes::from_base32(user.1).unwrap().code_at(now);
    let login = client
        .post(format!("{base}/login"))
        .form(&[("request_id", request_id), ("username", user.0), ("password", "hoso-demo-2026"), ("code", &code)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 303);
    let location = reqwest::Url::parse(login.headers()["location"].to_str().unwrap()).unwrap();
    let grant = location.query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
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
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    tokens["access_token"].as_str().unwrap().to_owned()
}

pub(super) fn birth_form() -> FormRef {
    FormRef { id: "ho-tich.khai-sinh".into(), version: 1 }
}

fn example(name: &str) -> serde_json::Value {
    let path = format!("{}/../../assets/forms/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The shipped valid birth registration with `scan` as the birth certificate.
pub(super) fn birth_registration(attachments: &mut MemoryAttachments, scan: Vec<u8>) -> NewSubmission {
    let bytes = scan.len() as u64;
    let sha256 = attachments.insert(scan);
    let mut data = example("ho-tich.khai-sinh.v1.valid.json");
    data["attachments"]["giay-chung-sinh"] = serde_json::json!({
        "sha256": sha256, "media_type": "application/pdf", "bytes": bytes, "name": "giay-chung-sinh.pdf"
    });
    let reference = AttachmentRef {
        document: "giay-chung-sinh".into(),
        sha256,
        bytes,
        media_type: "application/pdf".into(),
        name: "giay-chung-sinh.pdf".into(),
    };
    NewSubmission {
        procedure: ProcedureCode::parse("1.001193").unwrap(),
        form: birth_form(),
        acting_as: ActingAs::Myself,
        data,
        attachments: vec![reference],
    }
}

/// An engine on `url` with the catalogue and the birth form held locally
/// (as after the citizen opened the form) and `token` set.
pub(super) async fn prepared_engine(dir: &tempfile::TempDir, url: &str, token: &str) -> Engine {
    let engine = Engine::open(&dir.path().join("engine.db"), url).await.unwrap();
    engine.sync_catalogue().await.unwrap();
    engine.form_definition(&birth_form()).await.unwrap();
    engine.set_access_token(Arc::new(StaticToken::new(CITIZEN_SUBJECT, token)));
    engine
}

pub(super) async fn queued(engine: &Engine, submission: NewSubmission) -> String {
    match engine.queue_submission(submission).await.unwrap() {
        QueueOutcome::Queued(item) => item.client_id,
        QueueOutcome::Refused(validation) => panic!("refused: {validation:?}"),
    }
}

/// The engine's encrypted store opened by hand, with the key `Engine::open`
/// keeps beside it, to play a lost answer the engine could not tell apart.
pub(super) async fn unlocked_store(database: &std::path::Path) -> sqlx::SqlitePool {
    use hoso_engine::SecretStore as _;
    let key = hoso_engine::FileSecrets::beside(database).get("store-key").unwrap().expect("a store key");
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(database).pragma("key", format!("\"x'{hex}'\""));
    sqlx::SqlitePool::connect_with(options).await.unwrap()
}

/// Queues a birth registration and sends it; its client id, dossier code and
/// the scan's bytes.
pub(super) async fn filed(engine: &Engine) -> (String, String, MemoryAttachments) {
    let mut attachments = MemoryAttachments::default();
    let client_id = queued(engine, birth_registration(&mut attachments, b"%PDF scan".to_vec())).await;
    engine.send_outbox(&attachments).await.unwrap();
    let code = sent_code(&engine.outbox().await.unwrap(), &client_id);
    (client_id, code, attachments)
}

/// The citizen's dossiers as the portal lists them.
pub(super) async fn portal_dossiers(base: &str, token: &str) -> Vec<serde_json::Value> {
    let client = reqwest::Client::new();
    let list: serde_json::Value =
        client.get(format!("{base}/api/v1/dossiers")).bearer_auth(token).send().await.unwrap().json().await.unwrap();
    list.as_array().cloned().unwrap_or_else(|| list["dossiers"].as_array().cloned().expect("a list"))
}

pub(super) fn sent_code(outbox: &[hoso_protocol::command::OutboxItem], client_id: &str) -> String {
    let item = outbox.iter().find(|i| i.client_id == client_id).unwrap();
    let OutboxState::Sent { code } = &item.state else { panic!("not sent: {:?}", item.state) };
    code.clone()
}

pub(super) fn later() -> OffsetDateTime {
    // Past any backoff a failed attempt set, without sleeping.
    OffsetDateTime::now_utc() + Duration::hours(1)
}

pub(super) async fn officer_move(base: &str, officer: &str, code: &str, body: serde_json::Value) {
    let answer = reqwest::Client::new()
        .post(format!("{base}/api/v1/office/dossiers/{code}/moves"))
        .bearer_auth(officer)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{}", answer.text().await.unwrap());
}

#[tokio::test]
async fn a_dossier_queued_offline_is_sent_exactly_once_when_online_and_takes_its_code() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let base = portal.url();
    let token = access_token(&base, CITIZEN).await;
    drop(prepared_engine(&dir, &base, &token).await);
    let mut attachments = MemoryAttachments::default();
    let submission = birth_registration(&mut attachments, b"%PDF-1.7 giay chung sinh".to_vec());

    let offline = Engine::open(&dir.path().join("engine.db"), UNREACHABLE).await.unwrap();
    offline.set_access_token(Arc::new(StaticToken::new(CITIZEN_SUBJECT, &token)));
    let client_id = queued(&offline, submission).await;
    assert_eq!(offline.dossier(&client_id).await.unwrap().unwrap().status, DossierStatus::Queued);
    // The clock is passed, not read: on a busy machine the backoff of a
    // second could otherwise be over before the next line looks.
    let now = OffsetDateTime::now_utc();
    let report = offline.send_outbox_at(&attachments, now, 0.0).await.unwrap();
    assert_eq!((report.sent, report.waiting), (0, 1));
    assert_eq!(offline.outbox().await.unwrap()[0].state, OutboxState::WaitingForNetwork);
    drop(offline);

    let online = Engine::open(&dir.path().join("engine.db"), &base).await.unwrap();
    online.set_access_token(Arc::new(StaticToken::new(CITIZEN_SUBJECT, &token)));
    // The backoff holds: not due yet, so nothing is tried.
    assert_eq!(online.send_outbox_at(&attachments, now, 0.0).await.unwrap().sent, 0);
    assert_eq!(online.send_outbox_at(&attachments, later(), 0.0).await.unwrap().sent, 1);

    let code = sent_code(&online.outbox().await.unwrap(), &client_id);
    let dossier = online.dossier(&client_id).await.unwrap().unwrap();
    assert_eq!((dossier.code.as_deref(), dossier.status), (Some(code.as_str()), DossierStatus::Submitted));
    let at_portal = portal_dossiers(&base, &token).await;
    assert_eq!(at_portal.len(), 1);
    assert_eq!(at_portal[0]["code"], code.as_str());
    // Sent stays sent: a further pass sends nothing.
    assert_eq!(online.send_outbox_at(&attachments, later(), 0.0).await.unwrap(), Default::default());
}

#[tokio::test]
async fn an_interrupted_upload_resumes_from_the_offset_the_portal_holds() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let base = portal.url();
    let token = access_token(&base, CITIZEN).await;
    let engine = prepared_engine(&dir, &base, &token).await;
    let mut attachments = MemoryAttachments::default();
    // Larger than one chunk, so the engine sends it in several.
    let scan: Vec<u8> = (0..700_000u32).flat_map(|i| i.to_le_bytes()).collect();
    let submission = birth_registration(&mut attachments, scan.clone());
    let sha256 = submission.attachments[0].sha256.clone();
    let client_id = queued(&engine, submission).await;

    // An earlier attempt got a third of the way before the connection dropped.
    let client = reqwest::Client::new();
    let b64 = |t: &str| base64::engine::general_purpose::STANDARD.encode(t);
    let metadata = format!(
        "sha256 {},media_type {},name {},procedure {},document {}",
        b64(&sha256),
        b64("application/pdf"),
        b64("giay-chung-sinh.pdf"),
        b64("1.001193"),
        b64("giay-chung-sinh")
    );
    let tus = |request: reqwest::RequestBuilder| request.bearer_auth(&token).header("Tus-Resumable", "1.0.0");
    let created = tus(client.post(format!("{base}/api/v1/uploads")))
        .header("Upload-Length", scan.len().to_string())
        .header("Upload-Metadata", metadata)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let third = scan.len() / 3;
    let partial = tus(client.patch(format!("{base}/api/v1/uploads/{sha256}")))
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", "0")
        .body(scan[..third].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(partial.status(), 204);

    // The portal refuses a chunk that does not start at its offset, so a
    // sender that started over from zero would end in `needs_action`.
    let report = engine.send_outbox(&attachments).await.unwrap();
    assert_eq!(report.sent, 1, "{:?}", engine.outbox().await.unwrap());
    let head = tus(client.head(format!("{base}/api/v1/uploads/{sha256}"))).send().await.unwrap();
    assert_eq!(head.headers()["upload-offset"], scan.len().to_string().as_str());
    let code = sent_code(&engine.outbox().await.unwrap(), &client_id);
    assert_eq!(portal_dossiers(&base, &token).await[0]["code"], code.as_str());
}

#[tokio::test]
async fn invalid_answers_are_refused_before_queueing_with_field_errors() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let engine = prepared_engine(&dir, &portal.url(), "unused").await;
    let invalid = example("ho-tich.khai-sinh.v1.invalid.json");
    let mut submission = birth_registration(&mut MemoryAttachments::default(), b"scan".to_vec());
    submission.data = invalid["data"].clone();

    let QueueOutcome::Refused(validation) = engine.queue_submission(submission).await.unwrap() else {
        panic!("invalid answers were queued")
    };
    let pointers: Vec<&str> = validation.errors.iter().map(|e| e.pointer.as_str()).collect();
    let expected: Vec<&str> = invalid["errors"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    for pointer in expected {
        assert!(pointers.contains(&pointer), "{pointer} missing from {pointers:?}");
    }
    assert!(engine.outbox().await.unwrap().is_empty());
    assert!(engine.dossiers(&ActingAs::Myself).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_replay_after_a_lost_answer_gets_the_same_code_and_files_one_dossier() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let base = portal.url();
    let token = access_token(&base, CITIZEN).await;
    let engine = prepared_engine(&dir, &base, &token).await;
    let mut attachments = MemoryAttachments::default();
    let client_id = queued(&engine, birth_registration(&mut attachments, b"%PDF scan".to_vec())).await;
    assert_eq!(engine.send_outbox(&attachments).await.unwrap().sent, 1);
    let first = sent_code(&engine.outbox().await.unwrap(), &client_id);

    // The portal filed it but the answer never arrived: locally it is queued.
    let pool = unlocked_store(&dir.path().join("engine.db")).await;
    sqlx::query("UPDATE outbox SET phase = 'pending', state = '{\"state\":\"queued\"}', next_attempt_at = 0")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE dossier SET status = 'queued', code = NULL").execute(&pool).await.unwrap();
    assert_eq!(engine.outbox().await.unwrap()[0].state, OutboxState::Queued);

    assert_eq!(engine.send_outbox(&attachments).await.unwrap().sent, 1);
    assert_eq!(sent_code(&engine.outbox().await.unwrap(), &client_id), first);
    assert_eq!(engine.dossier(&client_id).await.unwrap().unwrap().code, Some(first));
    assert_eq!(portal_dossiers(&base, &token).await.len(), 1);
}

#[tokio::test]
async fn a_sync_pulls_an_officers_move_and_raises_a_status_change_event() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let base = portal.url();
    let token = access_token(&base, CITIZEN).await;
    let officer = access_token(&base, OFFICER).await;
    let engine = prepared_engine(&dir, &base, &token).await;
    let (_, code, _) = filed(&engine).await;
    let mut events = engine.subscribe();
    let first = engine.sync_dossiers(&ActingAs::Myself).await.unwrap();
    assert_eq!((first.changes, first.status_changes), (1, 0), "the sent dossier's status was already known");
    assert!(events.try_recv().is_err());

    officer_move(&base, &officer, &code, serde_json::json!({"move": "accept"})).await;
    let report = engine.sync_dossiers(&ActingAs::Myself).await.unwrap();
    assert_eq!(report.status_changes, 1);
    assert!(report.cursor > first.cursor);
    let event = events.try_recv().unwrap();
    assert_eq!(
        (event.code.as_str(), event.from, event.to),
        (code.as_str(), Some(DossierStatus::Submitted), DossierStatus::Accepted)
    );
    let held = engine.dossiers(&ActingAs::Myself).await.unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].status, DossierStatus::Accepted);
    assert!(held[0].due_on.is_some(), "an accepted dossier has a legal due date");

    // Nothing new: the stored cursor makes the next sync read nothing.
    let again = engine.sync_dossiers(&ActingAs::Myself).await.unwrap();
    assert_eq!((again.changes, again.cursor), (0, report.cursor));
}

/// Copies the one dossier filed at the portal in its own database until
/// there are `count`, each with its own ids and one change in the feed.
async fn copied_at_the_portal(dir: &tempfile::TempDir, count: usize) {
    use sqlx::Connection as _;
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path().join("portal.db"));
    let mut db = sqlx::SqliteConnection::connect_with(&options).await.unwrap();
    let mut tx = db.begin().await.unwrap();
    sqlx::raw_sql("CREATE TEMP TABLE seed AS SELECT * FROM dossier LIMIT 1").execute(&mut *tx).await.unwrap();
    let (code, client_id, owner): (String, String, String) =
        sqlx::query_as("SELECT code, client_id, owner FROM seed").fetch_one(&mut *tx).await.unwrap();
    for i in 1..count {
        let suffix = format!("{:06}", 900_000 + i);
        let new_code = format!("{}{suffix}", &code[..code.len() - 6]);
        let new_client = format!("{}{suffix}", &client_id[..client_id.len() - 6]);
        sqlx::query("UPDATE seed SET code = ?1, client_id = ?2")
            .bind(&new_code)
            .bind(&new_client)
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("INSERT INTO dossier SELECT * FROM seed").execute(&mut *tx).await.unwrap();
        sqlx::query("INSERT INTO dossier_change (owner, code) VALUES (?1, ?2)")
            .bind(&owner)
            .bind(&new_code)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    db.close().await.unwrap();
}

/// A citizen's engine that filed one dossier, whose portal then holds
/// `count` copies of it (the first being the filed one), not yet synced:
/// the portal, the citizen's token, the engine and the filed client id.
async fn one_filed_and_copied_at_the_portal(
    dir: &tempfile::TempDir,
    count: usize,
) -> (hoso_portal::RunningPortal, String, Engine, String) {
    let portal = spawn_portal(dir).await;
    let token = access_token(&portal.url(), CITIZEN).await;
    let engine = prepared_engine(dir, &portal.url(), &token).await;
    let (client_id, _, _) = filed(&engine).await;
    copied_at_the_portal(dir, count).await;
    (portal, token, engine, client_id)
}

#[tokio::test]
async fn a_catch_up_of_more_than_one_old_page_is_stored_exactly_once_up_to_the_last_cursor() {
    let dir = tempfile::tempdir().unwrap();
    // More than an old page (500) and than two of the store's slices.
    let (portal, token, engine, client_id) = one_filed_and_copied_at_the_portal(&dir, 1_200).await;
    let base = portal.url();

    let report = engine.sync_dossiers(&ActingAs::Myself).await.unwrap();
    assert_eq!(report.changes, 1_200);
    assert_eq!(report.status_changes, 1_199, "every copy is new here; the filed dossier's status was known");
    let held = engine.dossiers(&ActingAs::Myself).await.unwrap();
    assert_eq!(held.len(), 1_200);
    let distinct: std::collections::HashSet<&str> = held.iter().map(|d| d.client_id.as_str()).collect();
    assert_eq!(distinct.len(), 1_200);
    assert!(distinct.contains(client_id.as_str()));
    assert!(held.iter().all(|d| d.code.is_some() && d.status == DossierStatus::Submitted));

    // The stored cursor is the feed's last: the next sync reads nothing.
    let feed: serde_json::Value = reqwest::Client::new()
        .get(format!("{base}/api/v1/dossiers/changes?since=0"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(feed["more"], false, "the portal answers the whole catch-up in one page");
    assert_eq!(Some(report.cursor), feed["next"].as_u64());
    let again = engine.sync_dossiers(&ActingAs::Myself).await.unwrap();
    assert_eq!((again.changes, again.cursor), (0, report.cursor));
}

#[tokio::test]
async fn a_catch_up_over_several_pages_stores_each_change_once() {
    let dir = tempfile::tempdir().unwrap();
    let (_portal, _, engine, _) = one_filed_and_copied_at_the_portal(&dir, 1_200).await;
    // Pages of 300: four pages, each written in one slice.
    engine.set_feed_page_limit(300);

    let report = engine.sync_dossiers(&ActingAs::Myself).await.unwrap();
    assert_eq!((report.changes, report.status_changes), (1_200, 1_199));
    let held = engine.dossiers(&ActingAs::Myself).await.unwrap();
    let distinct: std::collections::HashSet<&str> = held.iter().map(|d| d.client_id.as_str()).collect();
    assert_eq!((held.len(), distinct.len()), (1_200, 1_200));
    let again = engine.sync_dossiers(&ActingAs::Myself).await.unwrap();
    assert_eq!((again.changes, again.cursor), (0, report.cursor));
}

#[tokio::test]
async fn a_supplement_draft_the_portal_overtakes_is_kept_and_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let base = portal.url();
    let token = access_token(&base, CITIZEN).await;
    let officer = access_token(&base, OFFICER).await;
    let engine = prepared_engine(&dir, &base, &token).await;
    let (client_id, code, _) = filed(&engine).await;
    engine.sync_dossiers(&ActingAs::Myself).await.unwrap();

    let edits = serde_json::json!({"child": {"full_name": "Nguyễn Minh Khôi"}});
    engine.save_supplement_draft(&code, &edits).await.unwrap();
    officer_move(&base, &officer, &code, serde_json::json!({"move": "accept"})).await;
    let report = engine.sync_dossiers(&ActingAs::Myself).await.unwrap();

    assert_eq!(report.conflicts, 1);
    assert_eq!(engine.dossier(&client_id).await.unwrap().unwrap().status, DossierStatus::Accepted);
    let draft = engine.supplement_draft(&code).await.unwrap().expect("the edits are kept");
    assert_eq!(draft.data, edits);
    assert!(draft.conflict);
}

#[tokio::test]
async fn a_busy_portal_is_retried_when_its_retry_after_says_not_on_the_backoff() {
    let dir = tempfile::tempdir().unwrap();
    let mut rate_limits = hoso_portal::rate_limit::RateLimits::default();
    // Every submission is answered 429 with a Retry-After of at most a minute.
    rate_limits.submit_per_person.per_window = 0;
    let database_url = format!("sqlite:{}", dir.path().join("portal.db").display());
    let config = hoso_portal::Config { database_url, demo: true, rate_limits, ..Default::default() };
    let portal = hoso_portal::start(config).await.unwrap();
    let base = portal.url();
    let token = access_token(&base, CITIZEN).await;
    drop(prepared_engine(&dir, &base, &token).await);
    let mut attachments = MemoryAttachments::default();
    let submission = birth_registration(&mut attachments, b"%PDF scan".to_vec());

    // Ten failures offline: the backoff has grown to five minutes or more.
    let offline = Engine::open(&dir.path().join("engine.db"), UNREACHABLE).await.unwrap();
    offline.set_access_token(Arc::new(StaticToken::new(CITIZEN_SUBJECT, &token)));
    let client_id = queued(&offline, submission).await;
    let start = OffsetDateTime::now_utc();
    for day in 1..=10 {
        assert_eq!(offline.send_outbox_at(&attachments, start + Duration::days(day), 0.0).await.unwrap().waiting, 1);
    }
    drop(offline);

    let online = Engine::open(&dir.path().join("engine.db"), &base).await.unwrap();
    online.set_access_token(Arc::new(StaticToken::new(CITIZEN_SUBJECT, &token)));
    let at = start + Duration::days(30);
    assert_eq!(online.send_outbox_at(&attachments, at, 0.0).await.unwrap().waiting, 1);
    let item = online.outbox().await.unwrap().into_iter().find(|i| i.client_id == client_id).unwrap();
    assert_eq!(item.state, OutboxState::WaitingForNetwork);
    let next = online.next_attempt_at().await.unwrap().unwrap();
    assert!(next > at && next <= at + Duration::seconds(60), "next attempt at {next}, asked at {at}");
    assert!(portal_dossiers(&base, &token).await.is_empty());
}

#[tokio::test]
async fn a_queued_dossier_the_feed_shows_filed_is_acknowledged_without_sending_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let base = portal.url();
    let token = access_token(&base, CITIZEN).await;
    let engine = prepared_engine(&dir, &base, &token).await;
    let (client_id, code, attachments) = filed(&engine).await;
    let pool = unlocked_store(&dir.path().join("engine.db")).await;
    sqlx::query("UPDATE outbox SET phase = 'pending', state = '{\"state\":\"queued\"}'").execute(&pool).await.unwrap();
    sqlx::query("UPDATE dossier SET status = 'queued', code = NULL").execute(&pool).await.unwrap();

    let report = engine.sync_dossiers(&ActingAs::Myself).await.unwrap();
    assert_eq!(report.status_changes, 1);
    assert_eq!(sent_code(&engine.outbox().await.unwrap(), &client_id), code);
    let dossier = engine.dossier(&client_id).await.unwrap().unwrap();
    assert_eq!((dossier.code, dossier.status), (Some(code), DossierStatus::Submitted));
    // Acknowledged, so the sender has nothing left to send.
    assert_eq!(engine.send_outbox_at(&attachments, later(), 0.0).await.unwrap(), Default::default());
}

#[tokio::test]
async fn a_token_the_portal_refuses_leaves_the_dossier_queued_and_asks_for_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let engine = prepared_engine(&dir, &portal.url(), "expired-or-forged").await;
    let mut attachments = MemoryAttachments::default();
    let client_id = queued(&engine, birth_registration(&mut attachments, b"%PDF scan".to_vec())).await;

    let error = engine.send_outbox(&attachments).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unauthenticated);
    assert!(!error.to_string().contains("expired-or-forged"));
    assert_eq!(engine.outbox().await.unwrap()[0].state, OutboxState::Queued);
    assert_eq!(engine.dossier(&client_id).await.unwrap().unwrap().status, DossierStatus::Queued);
    assert!(engine.next_attempt_at().await.unwrap().is_some(), "still pending");
}

#[tokio::test]
async fn a_signed_in_engine_sends_its_outbox_with_the_sessions_token() {
    let test = super::signin::signed_in_as(CITIZEN).await;
    let engine = &test.engine;
    engine.sync_catalogue().await.unwrap();
    engine.form_definition(&birth_form()).await.unwrap();
    let mut attachments = MemoryAttachments::default();
    let client_id = queued(engine, birth_registration(&mut attachments, b"%PDF-1.7 phien dang nhap".to_vec())).await;
    // No token was handed over: the session's own is used.
    assert_eq!(engine.send_outbox_at(&attachments, later(), 0.0).await.unwrap().sent, 1);
    let code = sent_code(&engine.outbox().await.unwrap(), &client_id);
    assert!(!code.is_empty());
    engine.sign_out().await.unwrap();
    let refused = engine.sync_dossiers(&ActingAs::Myself).await.unwrap_err();
    assert_eq!(refused.kind(), hoso_protocol::error::ErrorKind::Unauthenticated);
    drop(test);
}

#[tokio::test]
async fn an_attachment_kept_encrypted_on_the_device_is_what_the_outbox_uploads() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let base = portal.url();
    let token = access_token(&base, CITIZEN).await;
    let engine = prepared_engine(&dir, &base, &token).await;
    let draft = engine.create_draft(ActingAs::Myself, "1.001193").await.unwrap();
    let scan = b"%PDF-1.7 ban chup giay chung sinh".to_vec();
    let attached =
        engine.attach(&draft.id, "giay-chung-sinh", "giay-chung-sinh.pdf", "application/pdf", &scan).await.unwrap();
    // A submission built from the draft's attachment, with no copy of the bytes in memory.
    let mut submission = birth_registration(&mut MemoryAttachments::default(), scan.clone());
    assert_eq!(submission.attachments[0].sha256, attached.sha256);
    submission.attachments[0].bytes = attached.size;
    let client_id = queued(&engine, submission).await;
    assert_eq!(engine.send_outbox(engine.stored_attachments()).await.unwrap().sent, 1);
    sent_code(&engine.outbox().await.unwrap(), &client_id);
    assert_eq!(portal_dossiers(&base, &token).await.len(), 1);
}

#[tokio::test]
async fn a_saved_draft_is_submitted_with_the_scans_attached_to_it_on_the_device() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let base = portal.url();
    let token = access_token(&base, CITIZEN).await;
    let engine = prepared_engine(&dir, &base, &token).await;
    let draft = engine.create_draft(ActingAs::Myself, "1.001193").await.unwrap();
    let scan = b"%PDF-1.7 giay chung sinh cua ban nhap".to_vec();
    let attached =
        engine.attach(&draft.id, "giay-chung-sinh", "giay-chung-sinh.pdf", "application/pdf", &scan).await.unwrap();
    let mut data = example("ho-tich.khai-sinh.v1.valid.json");
    data["attachments"]["giay-chung-sinh"] = serde_json::json!({
        "sha256": attached.sha256, "media_type": "application/pdf", "bytes": attached.size, "name": "giay-chung-sinh.pdf"
    });
    engine.save_draft(hoso_protocol::command::SaveDraft { id: draft.id.clone(), data }).await.unwrap();

    let item = engine.submit_draft(&draft.id).await.unwrap().expect("valid answers");
    assert!(matches!(item.state, OutboxState::Sent { .. }), "{:?}", item.state);
    let at_portal = portal_dossiers(&base, &token).await;
    assert_eq!(at_portal.len(), 1);
}

/// The answers of the dossier the portal filed under `client_id`, from its
/// own database.
async fn filed_answers(dir: &tempfile::TempDir, client_id: &str) -> serde_json::Value {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path().join("portal.db"));
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let data: String = sqlx::query_scalar("SELECT data FROM dossier WHERE client_id = ?1")
        .bind(client_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    serde_json::from_str(&data).unwrap()
}

#[tokio::test]
async fn a_draft_waiting_to_be_sent_is_not_replaced_by_submitting_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let base = portal.url();
    // A token the portal refuses: the submission stays queued, not refused.
    let engine = prepared_engine(&dir, &base, "expired-or-forged").await;
    let draft = engine.create_draft(ActingAs::Myself, "1.001193").await.unwrap();
    let scan = b"%PDF-1.7 giay chung sinh cho gui".to_vec();
    let attached =
        engine.attach(&draft.id, "giay-chung-sinh", "giay-chung-sinh.pdf", "application/pdf", &scan).await.unwrap();
    let mut data = example("ho-tich.khai-sinh.v1.valid.json");
    data["attachments"]["giay-chung-sinh"] = serde_json::json!({
        "sha256": attached.sha256, "media_type": "application/pdf", "bytes": attached.size, "name": "giay-chung-sinh.pdf"
    });
    engine.save_draft(hoso_protocol::command::SaveDraft { id: draft.id.clone(), data: data.clone() }).await.unwrap();
    let first = engine.submit_draft(&draft.id).await.unwrap().expect("valid answers");
    assert_eq!(first.state, OutboxState::Queued);
    assert!(engine.drafts(&ActingAs::Myself).await.unwrap().is_empty(), "a submitted draft leaves the list");

    // The waiting draft is no longer changed (the UI shows it read-only), so
    // submitting it again can only answer the entry as it stands.
    let changed = engine.save_field(&draft.id, "/child/full_name", "Trần Minh Khang".into()).await.unwrap_err();
    assert_eq!(changed.kind(), ErrorKind::AlreadySubmitted, "{changed}");
    let second = engine.submit_draft(&draft.id).await.unwrap().expect("valid answers");

    assert_eq!(second, first, "the waiting entry is answered as it stands");
    assert_eq!(engine.outbox().await.unwrap().len(), 1);
    let token = access_token(&base, CITIZEN).await;
    engine.set_access_token(Arc::new(StaticToken::new(CITIZEN_SUBJECT, token.as_str())));
    assert_eq!(engine.send_outbox(engine.stored_attachments()).await.unwrap().sent, 1);
    assert_eq!(portal_dossiers(&base, &token).await.len(), 1, "one dossier");
    let filed = filed_answers(&dir, &first.client_id).await;
    assert_eq!(filed["child"]["full_name"], data["child"]["full_name"], "the answers first submitted");
}
