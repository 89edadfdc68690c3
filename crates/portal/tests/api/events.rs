//! Live events over server-sent events: a submitted dossier shows on its own
//! profile's open streams (and nobody else's), a reconnecting client gets
//! exactly what it missed, and on PostgreSQL a dossier submitted through one
//! portal process shows on a stream opened on another.
//!
//! "Never receives" is shown without waiting for silence: each process sends
//! signals to every stream in one order, so once a stream has seen a change
//! committed after another profile's, it would already have seen that one.

use std::time::Duration;

use super::*;

const BUSINESS_TOTP: &str = "KRSXG5DJNZTSA3LFONZWCZ3FEBQW4ZDB";
const ENTERPRISE: &str = "0100233488";
/// Every wait for the server is bounded, so a missing event fails the test
/// instead of hanging it. No test asserts how fast anything happens.
const PATIENCE: Duration = Duration::from_secs(30);

/// One parsed server-sent event frame.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Frame {
    /// A comment line, such as `: live` or a keep-alive.
    Comment(String),
    Event {
        id: Option<String>,
        data: String,
    },
}

/// A `DossierChanged` event: (cursor, code), with the id checked against the cursor.
type Changed = (u64, String);

/// A server-sent events stream read over reqwest, frame by frame.
struct EventStream {
    response: reqwest::Response,
    buffer: String,
}

/// Opens `GET /api/v1/events` and asserts it is an event stream.
async fn open_events(
    base: &str,
    client: &reqwest::Client,
    token: &str,
    acting_as: Option<&str>,
    last_event_id: Option<u64>,
) -> EventStream {
    let response = events_request(base, client, token, acting_as, last_event_id, None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    assert_eq!(response.headers()["cache-control"], "no-store");
    EventStream { response, buffer: String::new() }
}

async fn events_request(
    base: &str,
    client: &reqwest::Client,
    token: &str,
    acting_as: Option<&str>,
    last_event_id: Option<u64>,
    since: Option<u64>,
) -> reqwest::Response {
    let mut request = client.get(format!("{base}{}", path::EVENTS)).bearer_auth(token);
    if let Some(acting_as) = acting_as {
        request = request.header("X-Acting-As", acting_as);
    }
    if let Some(id) = last_event_id {
        request = request.header("Last-Event-ID", id.to_string());
    }
    if let Some(since) = since {
        request = request.query(&[("since", since)]);
    }
    tokio::time::timeout(PATIENCE, request.send()).await.expect("the stream's headers in time").unwrap()
}

impl EventStream {
    /// The next frame, or `None` when the server ended the stream.
    async fn frame(&mut self) -> Option<Frame> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let text: String = self.buffer.drain(..end + 2).collect();
                return Some(parse_frame(&text));
            }
            let chunk = tokio::time::timeout(PATIENCE, self.response.chunk())
                .await
                .expect("a frame in time")
                .expect("the stream reads")?;
            self.buffer.push_str(std::str::from_utf8(&chunk).expect("UTF-8 events"));
        }
    }

    /// Skips keep-alives up to the `: live` comment, returning the backlog's changes.
    async fn until_live(&mut self) -> Vec<Changed> {
        let mut changes = Vec::new();
        loop {
            match self.frame().await.expect("the stream stays open") {
                Frame::Comment(text) if text == "live" => return changes,
                Frame::Comment(_) => {}
                Frame::Event { id, data } => changes.push(changed(id, &data)),
            }
        }
    }

    /// The next change event, skipping keep-alives.
    async fn next_change(&mut self) -> Changed {
        loop {
            match self.frame().await.expect("the stream stays open") {
                Frame::Comment(_) => {}
                Frame::Event { id, data } => return changed(id, &data),
            }
        }
    }

    /// Waits for the server to end the stream, skipping keep-alives.
    async fn end(&mut self) {
        while let Some(frame) = self.frame().await {
            assert!(matches!(frame, Frame::Comment(_)), "no event after the end, got {frame:?}");
        }
    }
}

fn parse_frame(text: &str) -> Frame {
    let (mut id, mut data, mut comment) = (None, Vec::new(), None);
    for line in text.lines() {
        if let Some(text) = line.strip_prefix(':') {
            comment = Some(text.trim_start().to_owned());
        } else if let Some(value) = line.strip_prefix("id:") {
            id = Some(value.trim_start().to_owned());
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push(value.trim_start().to_owned());
        }
    }
    match comment {
        Some(text) if data.is_empty() => Frame::Comment(text),
        _ => Frame::Event { id, data: data.join("\n") },
    }
}

fn changed(id: Option<String>, data: &str) -> Changed {
    let event: serde_json::Value = serde_json::from_str(data).unwrap();
    assert_eq!(event["type"], "dossier_changed", "{event}");
    let cursor = event["cursor"].as_u64().unwrap();
    assert_eq!(id, Some(cursor.to_string()), "the event id is its cursor");
    (cursor, event["code"].as_str().unwrap().to_owned())
}

/// Submits a birth registration as the citizen (or whoever `token` is, for
/// themself), returning its code.
async fn file_birth(base: &str, client: &reqwest::Client, token: &str, client_id: &str) -> String {
    let scan = format!("%PDF-1.7 scan for {client_id}").into_bytes();
    upload_whole(base, client, token, &scan).await;
    let answer = submit(base, client, token, &birth_registration(client_id, &scan)).await;
    assert_eq!(answer.status(), 201);
    answer.json::<serde_json::Value>().await.unwrap()["code"].as_str().unwrap().to_owned()
}

/// Uploads `scan` as the caller's `document` for `procedure`, whole.
async fn upload_document(
    base: &str,
    client: &reqwest::Client,
    token: &str,
    (procedure, document): (&str, &str),
    scan: &[u8],
) -> serde_json::Value {
    let sha256 = sha256_hex(scan);
    let name = format!("{document}.pdf");
    let metadata = format!(
        "sha256 {},media_type {},name {},procedure {},document {}",
        b64(&sha256),
        b64("application/pdf"),
        b64(&name),
        b64(procedure),
        b64(document)
    );
    let created = client
        .post(format!("{base}{}", path::UPLOADS))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", scan.len().to_string())
        .header("Upload-Metadata", metadata)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let patched = client
        .patch(format!("{base}{}/{sha256}", path::UPLOADS))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", "0")
        .body(scan.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 204);
    serde_json::json!({"sha256": sha256, "media_type": "application/pdf", "bytes": scan.len(), "name": name})
}

/// Submits a change of enterprise registration for [`ENTERPRISE`], returning its code.
async fn file_for_enterprise(base: &str, client: &reqwest::Client, token: &str, client_id: &str) -> String {
    let procedure = "2.002050";
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/forms/examples/doanh-nghiep.thay-doi-noi-dung.v1.valid.json"
    );
    let mut data: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut references = Vec::new();
    for document in ["quyet-dinh", "dieu-le-sua-doi"] {
        let scan = format!("%PDF-1.7 {document} for {client_id}").into_bytes();
        let attachment = upload_document(base, client, token, (procedure, document), &scan).await;
        data["attachments"][document] = attachment.clone();
        let mut reference = attachment;
        reference["document"] = document.into();
        references.push(reference);
    }
    let body = serde_json::json!({
        "client_id": client_id,
        "procedure": procedure,
        "form": {"id": "doanh-nghiep.thay-doi-noi-dung", "version": 1},
        "acting_as": {"enterprise": ENTERPRISE},
        "channel": "online",
        "data": data,
        "attachments": references,
    });
    let answer = client
        .post(format!("{base}{}", path::DOSSIERS))
        .bearer_auth(token)
        .header("Idempotency-Key", client_id)
        .header("X-Acting-As", ENTERPRISE)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = answer.status();
    let answer: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(status, 201, "{answer}");
    answer["code"].as_str().unwrap().to_owned()
}

/// The cursor the changes feed gives the dossier `code`.
async fn feed_cursor(base: &str, client: &reqwest::Client, token: &str, code: &str) -> u64 {
    let feed = get_json(client, &format!("{base}{}?since=0", path::DOSSIER_CHANGES), token, None).await;
    let changes = feed["changes"].as_array().unwrap();
    let change = changes.iter().find(|c| c["dossier"]["code"] == code).expect("the dossier in the feed");
    change["cursor"].as_u64().unwrap()
}

async fn a_submitted_dossier_shows_on_an_open_stream_with_its_cursor(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let mut stream = open_events(&base, &client, &token, None, None).await;
    assert_eq!(stream.until_live().await, vec![], "without a cursor, only what happens from now on");

    let code = file_birth(&base, &client, &token, "events-0001").await;
    let cursor = feed_cursor(&base, &client, &token, &code).await;
    assert_eq!(stream.next_change().await, (cursor, code));
}

async fn reconnecting_with_last_event_id_delivers_exactly_the_missed_changes(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let mut stream = open_events(&base, &client, &token, None, None).await;
    stream.until_live().await;
    let first = file_birth(&base, &client, &token, "events-0101").await;
    let (seen, code) = stream.next_change().await;
    assert_eq!(code, first);
    drop(stream);

    let missed = [
        file_birth(&base, &client, &token, "events-0102").await,
        file_birth(&base, &client, &token, "events-0103").await,
    ];
    let mut expected = Vec::new();
    for code in &missed {
        expected.push((feed_cursor(&base, &client, &token, code).await, code.clone()));
    }

    let mut resumed = open_events(&base, &client, &token, None, Some(seen)).await;
    assert_eq!(resumed.until_live().await, expected, "exactly the missed changes, in order");
    // A client that cannot set headers resumes with `?since=` alike.
    let response = events_request(&base, &client, &token, None, None, Some(seen)).await;
    assert_eq!(response.status(), 200);
    let mut by_query = EventStream { response, buffer: String::new() };
    assert_eq!(by_query.until_live().await, expected);

    // After the switch-over, a new change arrives once, then the next one.
    let live = [
        file_birth(&base, &client, &token, "events-0104").await,
        file_birth(&base, &client, &token, "events-0105").await,
    ];
    for stream in [&mut resumed, &mut by_query] {
        assert_eq!(stream.next_change().await.1, live[0]);
        assert_eq!(stream.next_change().await.1, live[1]);
    }

    let bad = client
        .get(format!("{base}{}", path::EVENTS))
        .bearer_auth(&token)
        .header("Last-Event-ID", "not-a-cursor")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(bad.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::InvalidInput);
}

async fn another_persons_stream_never_carries_a_citizens_dossier(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let citizen = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let other = access_token_for(&base, &client, ("business", BUSINESS_TOTP)).await;
    let mut citizens = open_events(&base, &client, &citizen, None, Some(0)).await;
    let mut others = open_events(&base, &client, &other, None, Some(0)).await;
    assert_eq!(citizens.until_live().await, vec![]);
    assert_eq!(others.until_live().await, vec![]);

    let theirs = file_birth(&base, &client, &citizen, "events-0201").await;
    assert_eq!(citizens.next_change().await.1, theirs);
    let own = file_birth(&base, &client, &other, "events-0202").await;
    assert_eq!(others.next_change().await.1, own, "the citizen's dossier came first, so it would have shown first");
    // Resuming from the start replays only one's own history too.
    let mut replay = open_events(&base, &client, &other, None, Some(0)).await;
    let history: Vec<String> = replay.until_live().await.into_iter().map(|(_, code)| code).collect();
    assert_eq!(history, vec![own]);
}

async fn a_representative_acting_for_an_enterprise_gets_only_its_events(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let business = access_token_for(&base, &client, ("business", BUSINESS_TOTP)).await;
    let mut enterprise = open_events(&base, &client, &business, Some(ENTERPRISE), None).await;
    let mut personal = open_events(&base, &client, &business, Some("myself"), None).await;
    enterprise.until_live().await;
    personal.until_live().await;

    let first_personal = file_birth(&base, &client, &business, "events-0301").await;
    let for_enterprise = file_for_enterprise(&base, &client, &business, "events-0302").await;
    let second_personal = file_birth(&base, &client, &business, "events-0303").await;
    let again_for_enterprise = file_for_enterprise(&base, &client, &business, "events-0304").await;

    assert_eq!(enterprise.next_change().await.1, for_enterprise, "not the person's own dossier");
    assert_eq!(enterprise.next_change().await.1, again_for_enterprise);
    assert_eq!(personal.next_change().await.1, first_personal);
    assert_eq!(personal.next_change().await.1, second_personal, "not the enterprise's dossier");

    // Without a mandate for an enterprise there is no stream of it at all.
    let citizen = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    assert_eq!(events_request(&base, &client, &citizen, Some(ENTERPRISE), None, None).await.status(), 403);
}

async fn a_person_holds_a_bounded_number_of_streams_and_needs_a_live_token(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    assert_eq!(events_request(&base, &client, "not-a-token", None, None, None).await.status(), 401);
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let mut open = Vec::new();
    for _ in 0..5 {
        let mut stream = open_events(&base, &client, &token, None, None).await;
        stream.until_live().await;
        open.push(stream);
    }
    let refused = events_request(&base, &client, &token, None, None, None).await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(refused.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::RateLimited);
}

async fn a_stream_ends_once_its_access_token_is_revoked(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let (access, refresh_token) = offline_tokens(&base, &client).await;
    let mut stream = open_events(&base, &client, &access, None, None).await;
    stream.until_live().await;
    let revoked =
        client.post(format!("{base}/revoke")).form(&[("token", refresh_token.as_str())]).send().await.unwrap();
    assert_eq!(revoked.status(), 200);
    stream.end().await;
}

async fn stopping_the_portal_ends_its_open_streams(backend: Backend) {
    let TestPortal { portal, _database } = spawn_portal(backend, true).await;
    let base = portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let mut stream = open_events(&base, &client, &token, None, None).await;
    stream.until_live().await;
    // A graceful shutdown waits for responses in flight; a stream must not
    // be one it waits for forever.
    tokio::time::timeout(PATIENCE, portal.shutdown()).await.expect("stopped in time").unwrap();
    stream.end().await;
}

/// A `hoso-portal` process, killed when dropped.
struct PortalProcess {
    child: std::process::Child,
    url: String,
}

impl PortalProcess {
    fn spawn(database_url: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hoso-portal"))
            .args(["--addr", "127.0.0.1:0", "--demo", "--db", database_url])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut first_line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut first_line).unwrap();
        let url = first_line.trim().to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "first line was {first_line:?}");
        Self { child, url }
    }
}

impl Drop for PortalProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Only PostgreSQL is for several processes; an SQLite file belongs to one.
#[tokio::test]
async fn a_dossier_submitted_through_one_portal_process_shows_on_another_process_stream() {
    if postgres_admin_url().is_none() {
        return;
    }
    let database = TestDatabase::new(Backend::Postgres).await;
    // One after the other, so the two do not race to seed the demo accounts.
    let first = PortalProcess::spawn(&database.url);
    let second = PortalProcess::spawn(&database.url);
    let client = no_redirects();
    let token = access_token_for(&first.url, &client, ("citizen", CITIZEN_TOTP)).await;
    let mut stream = open_events(&second.url, &client, &token, None, None).await;
    stream.until_live().await;

    let code = file_birth(&first.url, &client, &token, "events-0401").await;
    let cursor = feed_cursor(&first.url, &client, &token, &code).await;
    assert_eq!(stream.next_change().await, (cursor, code));
    drop((first, second));
}

/// The listening connection is cut from the server side; the publisher
/// listens again and the stream misses nothing.
#[tokio::test]
async fn a_stream_misses_nothing_when_the_listening_connection_is_cut() {
    if postgres_admin_url().is_none() {
        return;
    }
    let test = spawn_portal(Backend::Postgres, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let mut stream = open_events(&base, &client, &token, None, None).await;
    stream.until_live().await;

    let mut admin = PgConnection::connect(&test._database.url).await.unwrap();
    let cut: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert_eq!(cut, vec![true], "exactly one listening connection per portal");
    admin.close().await.unwrap();

    let code = file_birth(&base, &client, &token, "events-0501").await;
    assert_eq!(stream.next_change().await.1, code);
}

contract![
    a_submitted_dossier_shows_on_an_open_stream_with_its_cursor,
    reconnecting_with_last_event_id_delivers_exactly_the_missed_changes,
    another_persons_stream_never_carries_a_citizens_dossier,
    a_representative_acting_for_an_enterprise_gets_only_its_events,
    a_person_holds_a_bounded_number_of_streams_and_needs_a_live_token,
    a_stream_ends_once_its_access_token_is_revoked,
    stopping_the_portal_ends_its_open_streams,
];
