//! The encrypted store, drafts and attachments against a real portal's
//! catalogue: nothing typed reaches a file in plain text, a wrong key never
//! opens the store, and an acknowledged save survives `kill -9`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use hoso_domain::profile::ActingAs;
use hoso_engine::{Account, Engine, FileSecrets, MemorySecrets, SecretStore, reset_local_data};
use hoso_protocol::command::SaveDraft;
use serde_json::json;

use super::*;

const BIRTH: &str = "1.001193";
const MARKER: &str = "CANARY-7f3a9c-Nguyễn-Thị-Lan";

/// An engine on `dir/engine.db` with the demo portal's catalogue synced.
async fn engine_with_catalogue(dir: &tempfile::TempDir, secrets: Arc<dyn SecretStore>) -> Engine {
    let portal = spawn_portal(dir).await;
    let engine = Engine::open_with(&dir.path().join("engine.db"), &portal.url(), secrets, Account::Demo).await.unwrap();
    engine.sync_catalogue().await.unwrap();
    portal.shutdown().await.unwrap();
    engine
}

/// Every file under `dir` whose bytes contain `needle`, except the portal's
/// own database (the portal is another system, with its own storage).
fn files_containing(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    local_files(dir)
        .into_iter()
        .filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle))
        .map(|(path, _)| path)
        .collect()
}

#[tokio::test]
async fn a_marker_typed_into_a_draft_and_an_attachment_is_in_no_local_file() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine_with_catalogue(&dir, Arc::new(MemorySecrets::new())).await;
    let draft = engine.create_draft(ActingAs::Myself, BIRTH).await.unwrap();
    engine.save_field(&draft.id, "/child/full_name", json!(MARKER)).await.unwrap();
    let pdf = format!("%PDF-1.7 {MARKER}");
    let attached = engine.attach(&draft.id, "to-khai", "to-khai.pdf", "application/pdf", pdf.as_bytes()).await.unwrap();

    // The draft reads back, so the marker really was written.
    assert_eq!(engine.draft(&draft.id).await.unwrap().data["child"]["full_name"], json!(MARKER));
    assert_eq!(engine.attachment_bytes(&draft.id, &attached.sha256).await.unwrap(), pdf.as_bytes());
    assert!(files_containing(dir.path(), MARKER.as_bytes()).is_empty(), "while open");
    assert!(files_containing(dir.path(), attached.sha256.as_bytes()).is_empty(), "a file name shows the hash");
    engine.close().await;
    assert!(files_containing(dir.path(), MARKER.as_bytes()).is_empty(), "after closing");
}

#[tokio::test]
async fn a_store_opened_with_another_key_or_none_cannot_be_decrypted_and_reset_starts_afresh() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("engine.db");
    let engine = engine_with_catalogue(&dir, Arc::new(MemorySecrets::new())).await;
    engine.create_draft(ActingAs::Myself, BIRTH).await.unwrap();
    engine.close().await;

    let other = MemorySecrets::new();
    other.set("store-key", &[9; 32]).unwrap();
    let other: Arc<dyn SecretStore> = Arc::new(other);
    let wrong = Engine::open_with(&path, "http://127.0.0.1:9", other.clone(), Account::Demo).await.err().unwrap();
    assert_eq!(wrong.kind(), ErrorKind::CannotDecrypt, "{wrong}");
    let none = Engine::open_with(&path, "http://127.0.0.1:9", Arc::new(MemorySecrets::new()), Account::Demo);
    assert_eq!(none.await.err().unwrap().kind(), ErrorKind::CannotDecrypt);
    assert!(path.exists(), "a failed open must not touch the store");

    reset_local_data(&path, other.as_ref()).unwrap();
    let fresh = Engine::open_with(&path, "http://127.0.0.1:9", other, Account::Demo).await.unwrap();
    assert!(fresh.procedures().await.unwrap().is_empty());
    assert!(fresh.drafts(&ActingAs::Myself).await.unwrap().is_empty());
}

#[tokio::test]
async fn drafts_are_saved_listed_loaded_and_deleted_per_profile() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine_with_catalogue(&dir, Arc::new(MemorySecrets::new())).await;
    let business = ActingAs::Enterprise(serde_json::from_value(json!("0100233488")).unwrap());
    let mine = engine.create_draft(ActingAs::Myself, BIRTH).await.unwrap();
    let theirs = engine.create_draft(business.clone(), BIRTH).await.unwrap();

    let field = engine.save_field(&mine.id, "/child/full_name", json!("Lan")).await.unwrap();
    assert!(field.saved_at >= mine.saved_at);
    engine.save_draft(SaveDraft { id: theirs.id.clone(), data: json!({"a": 1}) }).await.unwrap();

    let listed = engine.drafts(&ActingAs::Myself).await.unwrap();
    assert_eq!(listed.iter().map(|d| &d.id).collect::<Vec<_>>(), [&mine.id]);
    assert_eq!(listed[0].saved_at.unix_timestamp(), field.saved_at.unix_timestamp());
    assert_eq!(listed[0].form.id, "ho-tich.khai-sinh");
    assert_eq!(engine.drafts(&business).await.unwrap()[0].id, theirs.id);
    assert_eq!(engine.draft(&theirs.id).await.unwrap().data, json!({"a": 1}));

    engine.delete_draft(&mine.id).await.unwrap();
    assert!(engine.drafts(&ActingAs::Myself).await.unwrap().is_empty());
    assert_eq!(engine.draft(&mine.id).await.unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(engine.save_field(&mine.id, "/a", json!(1)).await.unwrap_err().kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn a_saved_field_edits_the_answers_as_its_json_pointer_says_whichever_way_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine_with_catalogue(&dir, Arc::new(MemorySecrets::new())).await;
    let draft = engine.create_draft(ActingAs::Myself, BIRTH).await.unwrap();
    // Object members are set in one statement, the rest through a read and
    // a write; both must leave what the pointer means.
    let steps = [
        ("/child/full_name", json!("Nguyễn \"Lan\" \\ \n")),
        ("/child/birth/date", json!("2026-01-02")),
        ("/count", json!(3)),
        ("/nothing", json!(null)),
        ("/list", json!([1, {"a": 2}])),
        ("/list/1/a", json!(5)),
        ("/list/-", json!(7)),
        ("/a~1b", json!(true)),
        ("/child/full_name", json!({"given": "Lan"})),
        ("/0", json!(0.5)),
        ("/deep/er/still", json!([])),
    ];
    for (pointer, value) in steps {
        engine.save_field(&draft.id, pointer, value).await.unwrap();
    }
    let expected = json!({
        "child": {"full_name": {"given": "Lan"}, "birth": {"date": "2026-01-02"}},
        "count": 3, "nothing": null, "list": [1, {"a": 5}, 7], "a/b": true, "0": 0.5,
        "deep": {"er": {"still": []}},
    });
    assert_eq!(engine.draft(&draft.id).await.unwrap().data, expected);
    for refused in ["/count/x", "/nothing/x", "/list/9", "/list/x/y", "count"] {
        let error = engine.save_field(&draft.id, refused, json!(1)).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{refused}");
    }
    assert_eq!(engine.draft(&draft.id).await.unwrap().data, expected, "a refused save changes nothing");
    assert_eq!(engine.save_field("no-such-draft", "/a", json!(1)).await.unwrap_err().kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn an_attachment_the_document_does_not_accept_is_refused_before_anything_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine_with_catalogue(&dir, Arc::new(MemorySecrets::new())).await;
    let draft = engine.create_draft(ActingAs::Myself, BIRTH).await.unwrap();

    let wrong_type = engine.attach(&draft.id, "to-khai", "photo.png", "image/png", b"png").await.unwrap_err();
    assert_eq!(wrong_type.kind(), ErrorKind::UnsupportedMediaType);
    let huge = vec![0u8; 5 * 1024 * 1024 + 1];
    let too_large = engine.attach(&draft.id, "to-khai", "big.pdf", "application/pdf", &huge).await.unwrap_err();
    assert_eq!(too_large.kind(), ErrorKind::TooLarge);
    let unknown = engine.attach(&draft.id, "no-such", "a.pdf", "application/pdf", b"%PDF").await.unwrap_err();
    assert_eq!(unknown.kind(), ErrorKind::InvalidInput);

    assert!(engine.attachments(&draft.id).await.unwrap().is_empty());
    assert!(!dir.path().join("engine.db.attachments").exists(), "a refused file was written");
    let accepted = engine.attach(&draft.id, "giay-chung-sinh", "a.png", "image/png", b"png bytes").await.unwrap();
    assert_eq!(engine.attachments(&draft.id).await.unwrap(), [accepted]);
}

/// How many times the kill test kills an autosaving process.
const KILL_ROUNDS: u64 = 50;
const CHILD_DATABASE: &str = "HOSO_AUTOSAVE_CHILD_DATABASE";
const CHILD_DRAFT: &str = "HOSO_AUTOSAVE_CHILD_DRAFT";
const CHILD_ROUND: &str = "HOSO_AUTOSAVE_CHILD_ROUND";

/// A random number below `bound`, from the standard library's per-process
/// random hash seeds.
pub(super) fn random_below(bound: u64) -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(0u8) % bound
}

#[tokio::test]
async fn every_acknowledged_autosave_survives_kill_9_at_random_moments() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("engine.db");
    let draft = {
        let portal = spawn_portal(&dir).await;
        // `open` keeps the keys in files beside the store, so the child
        // process opens the same store.
        let engine = Engine::open(&database, &portal.url()).await.unwrap();
        engine.sync_catalogue().await.unwrap();
        let draft = engine.create_draft(ActingAs::Myself, BIRTH).await.unwrap();
        engine.close().await;
        portal.shutdown().await.unwrap();
        draft
    };
    let mut acknowledged: Vec<String> = Vec::new();
    for round in 0..KILL_ROUNDS {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--ignored", "--exact", "store::the_kill_test_child_autosaves_until_it_is_killed"])
            .args(["--nocapture", "--test-threads=1"])
            .env(CHILD_DATABASE, &database)
            .env(CHILD_DRAFT, &draft.id)
            .env(CHILD_ROUND, round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let wanted = 1 + random_below(20);
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut heard = 0;
        while heard < wanted {
            let line = lines.next().expect("the child stopped before being killed").unwrap();
            if let Some(key) = saved_key(&line) {
                acknowledged.push(key.to_owned());
                heard += 1;
            }
        }
        // SIGKILL, while the child is in the middle of further saves.
        child.kill().unwrap();
        child.wait().unwrap();
        // Lines the child printed before dying are acknowledgements too.
        acknowledged.extend(lines.map_while(Result::ok).filter_map(|l| saved_key(&l).map(str::to_owned)));
    }

    let engine = Engine::open(&database, "http://127.0.0.1:9").await.unwrap();
    assert_eq!(engine.integrity_check().await.unwrap(), "ok");
    let data = engine.draft(&draft.id).await.unwrap().data;
    let lost: Vec<_> = acknowledged.iter().filter(|key| data.get(key.as_str()) != Some(&json!(key))).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged saves lost: {lost:?}", lost.len(), acknowledged.len());
    assert!(acknowledged.len() as u64 >= KILL_ROUNDS);
}

/// The key a child's `saved KEY` line acknowledges. Found anywhere in the
/// line, not only at its start: under `--test-threads=1` libtest writes
/// `test NAME ... ` without a newline before the test runs, so the first
/// acknowledgement shares its line.
fn saved_key(line: &str) -> Option<&str> {
    line.rfind("saved ").map(|at| &line[at + "saved ".len()..])
}

/// Not a test of its own: the process the kill test starts and kills. It
/// saves one field after another and prints each key once the save returned.
#[tokio::test]
#[ignore = "the child process of every_acknowledged_autosave_survives_kill_9_at_random_moments"]
async fn the_kill_test_child_autosaves_until_it_is_killed() {
    use std::io::Write;
    let database = std::env::var_os(CHILD_DATABASE).expect("run only by the kill test");
    let draft = std::env::var(CHILD_DRAFT).unwrap();
    let round = std::env::var(CHILD_ROUND).unwrap();
    let engine = Engine::open(Path::new(&database), "http://127.0.0.1:9").await.unwrap();
    for i in 0u64.. {
        let key = format!("r{round}-{i}");
        engine.save_field(&draft, &format!("/{key}"), json!(key)).await.unwrap();
        let mut out = std::io::stdout().lock();
        writeln!(out, "saved {key}").unwrap();
        out.flush().unwrap();
    }
}

#[tokio::test]
async fn a_demo_store_whose_key_file_is_lost_is_reset_through_its_file_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("engine.db");
    Engine::open(&path, "http://127.0.0.1:9").await.unwrap().close().await;
    std::fs::remove_file(dir.path().join("engine.db.secrets").join("store-key")).unwrap();

    let lost = Engine::open(&path, "http://127.0.0.1:9").await.err().unwrap();
    assert_eq!(lost.kind(), ErrorKind::CannotDecrypt);
    assert_eq!(lost.to_envelope().kind.as_str(), "cannot_decrypt");
    reset_local_data(&path, &FileSecrets::beside(&path)).unwrap();
    let fresh = Engine::open(&path, "http://127.0.0.1:9").await.unwrap();
    assert_eq!(fresh.integrity_check().await.unwrap(), "ok");
}
