//! The background sync against the real portal: an officer's move reaches
//! the engine's subscribers through the live events (the feed timer is set
//! far away, so only an event can bring it), an item queued while the portal
//! was down is sent when it comes back without anyone calling the sender
//! (at once when the stream reopens, unless the portal asked to wait), and
//! the loops stop when told to.

use std::sync::Arc;
use std::time::Duration;

use hoso_domain::dossier::DossierStatus;
use hoso_domain::profile::ActingAs;
use hoso_engine::background::{Background, Liveness};
use hoso_engine::{MemoryAttachments, NewSubmission, StaticToken};
use hoso_protocol::command::OutboxState;
use tokio::sync::oneshot;

use super::outbox::{
    CITIZEN, CITIZEN_SUBJECT, OFFICER, access_token, birth_form, birth_registration, filed, officer_move,
    portal_dossiers, prepared_engine, queued, unlocked_store,
};
use super::*;

/// Only a bound on a broken test, never a timing assertion: what is awaited
/// normally arrives within a few seconds.
const PATIENCE: Duration = Duration::from_secs(60);
/// Far enough that the feed timer never fires during a test.
const NEVER: Duration = Duration::from_secs(24 * 3600);

/// The background sync of `engine`, running until the returned sender fires.
fn run_in_background(
    engine: &Arc<Engine>,
) -> (oneshot::Sender<()>, tokio::task::JoinHandle<()>, tokio::sync::watch::Receiver<Liveness>) {
    let background = Background::default().feed_every(NEVER);
    let liveness = background.liveness();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(background.run(Arc::clone(engine), || ActingAs::Myself, async move {
        let _ = stopped.await;
    }));
    (stop, task, liveness)
}

/// Waits, within [`PATIENCE`], until `done` holds, looking every 50 ms.
async fn eventually<F: AsyncFn() -> bool>(what: &str, done: F) {
    let waited = tokio::time::timeout(PATIENCE, async {
        while !done().await {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(waited.is_ok(), "{what} did not happen within {PATIENCE:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officers_move_reaches_subscribers_through_the_live_events() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let base = portal.url();
    let token = access_token(&base, CITIZEN).await;
    let officer = access_token(&base, OFFICER).await;
    let engine = Arc::new(prepared_engine(&dir, &base, &token).await);
    let (_, code, _) = filed(&engine).await;
    let mut events = engine.subscribe();

    let (stop, task, mut liveness) = run_in_background(&engine);
    let live = tokio::time::timeout(PATIENCE, liveness.wait_for(|l| *l == Liveness::Live)).await.is_ok();
    assert!(live, "the event stream never opened: {:?}", *liveness.borrow());
    officer_move(&base, &officer, &code, serde_json::json!({"move": "accept"})).await;

    let heard = tokio::time::timeout(PATIENCE, async {
        loop {
            let event = events.recv().await.unwrap();
            if event.code == code && event.to == DossierStatus::Accepted {
                return event;
            }
        }
    })
    .await
    .expect("no status change reached the subscriber");
    assert_eq!(heard.from, Some(DossierStatus::Submitted));
    let held = engine.dossiers(&ActingAs::Myself).await.unwrap();
    assert_eq!(held[0].status, DossierStatus::Accepted);

    stop.send(()).unwrap();
    tokio::time::timeout(PATIENCE, task).await.expect("the background sync did not stop").unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_item_queued_while_the_portal_was_down_is_sent_when_it_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let (base, addr) = (portal.url(), portal.addr());
    let token = access_token(&base, CITIZEN).await;
    let engine = Arc::new(prepared_engine(&dir, &base, &token).await);
    // The scan is kept on the device, where the background sender reads it.
    let draft = engine.create_draft(ActingAs::Myself, "1.001193").await.unwrap();
    let scan = b"%PDF-1.7 giay chung sinh, gui khi co mang".to_vec();
    engine.attach(&draft.id, "giay-chung-sinh", "giay-chung-sinh.pdf", "application/pdf", &scan).await.unwrap();
    let submission: NewSubmission = birth_registration(&mut MemoryAttachments::default(), scan);
    portal.shutdown().await.unwrap();

    let (stop, task, mut liveness) = run_in_background(&engine);
    let client_id = queued(&engine, submission).await;
    let state = async || engine.outbox().await.unwrap().into_iter().find(|i| i.client_id == client_id).unwrap().state;
    eventually("an attempt while the portal is down", async || state().await == OutboxState::WaitingForNetwork).await;
    assert!(tokio::time::timeout(PATIENCE, liveness.wait_for(|l| *l == Liveness::Offline)).await.is_ok());

    // The same portal, on the same address and database, back up.
    let database_url = format!("sqlite:{}", dir.path().join("portal.db").display());
    let portal =
        hoso_portal::start(hoso_portal::Config { addr, database_url, demo: true, ..Default::default() }).await.unwrap();
    eventually("the queued item being sent", async || matches!(state().await, OutboxState::Sent { .. })).await;
    assert_eq!(portal_dossiers(&base, &token).await.len(), 1);
    assert!(tokio::time::timeout(PATIENCE, liveness.wait_for(|l| *l == Liveness::Live)).await.is_ok());

    stop.send(()).unwrap();
    tokio::time::timeout(PATIENCE, task).await.expect("the background sync did not stop").unwrap();
    drop(portal);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_session_keeps_its_stream_open_across_an_expired_access_token() {
    use hoso_engine::auth::MemoryRefreshTokenStore;
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let base = portal.url();
    let vault = Box::new(Arc::new(MemoryRefreshTokenStore::default()));
    let engine = Arc::new(Engine::open_with_vault(&dir.path().join("engine.db"), &base, vault).await.unwrap());
    let browser = super::signin::AutomatedBrowser::signing_in_as(CITIZEN);
    engine.sign_in_within(&browser, PATIENCE).await.unwrap();
    engine.sync_catalogue().await.unwrap();
    engine.form_definition(&birth_form()).await.unwrap();
    // No token handed over: everything goes through the session.
    let (_, code, _) = filed(&engine).await;
    let officer = access_token(&base, OFFICER).await;
    let mut events = engine.subscribe();
    let (stop, task, mut liveness) = run_in_background(&engine);
    assert!(tokio::time::timeout(PATIENCE, liveness.wait_for(|l| *l == Liveness::Live)).await.is_ok());

    // The portal ends the stream once its token has expired (it checks every
    // few seconds); the engine renews the token and opens the stream again.
    let portal_db =
        sqlx::SqlitePool::connect(&format!("sqlite:{}", dir.path().join("portal.db").display())).await.unwrap();
    let citizen_tokens = "UPDATE access_token SET expires_at = 0 WHERE subject = (SELECT subject FROM access_token \
        ORDER BY rowid LIMIT 1)";
    sqlx::query(citizen_tokens).execute(&portal_db).await.unwrap();
    assert!(tokio::time::timeout(PATIENCE, liveness.wait_for(|l| *l != Liveness::Live)).await.is_ok());
    assert!(tokio::time::timeout(PATIENCE, liveness.wait_for(|l| *l == Liveness::Live)).await.is_ok());
    assert!(engine.is_signed_in().unwrap(), "renewed, not signed out");

    officer_move(&base, &officer, &code, serde_json::json!({"move": "accept"})).await;
    let heard = tokio::time::timeout(PATIENCE, async {
        loop {
            let event = events.recv().await.unwrap();
            if event.code == code && event.to == DossierStatus::Accepted {
                return event;
            }
        }
    })
    .await;
    assert!(heard.is_ok(), "no status change reached the subscriber");
    stop.send(()).unwrap();
    tokio::time::timeout(PATIENCE, task).await.expect("the background sync did not stop").unwrap();
}

/// Two items failed for days while the portal was down, so each waits on a
/// long backoff; one waits because the portal asked (`Retry-After`). When
/// the event stream opens, the portal answers again: the one on our backoff
/// goes at once, the one the portal asked to wait keeps its time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnected_stream_sends_an_item_in_backoff_at_once_and_keeps_a_wait_the_portal_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let base = portal.url();
    let token = access_token(&base, CITIZEN).await;
    drop(prepared_engine(&dir, &base, &token).await);
    let database = dir.path().join("engine.db");

    let offline = Engine::open(&database, "http://127.0.0.1:9").await.unwrap();
    offline.set_access_token(Arc::new(StaticToken::new(CITIZEN_SUBJECT, &token)));
    let mut ids = Vec::new();
    for scan in [b"%PDF-1.7 cho lau, theo backoff".to_vec(), b"%PDF-1.7 cho theo Retry-After".to_vec()] {
        let draft = offline.create_draft(ActingAs::Myself, "1.001193").await.unwrap();
        offline.attach(&draft.id, "giay-chung-sinh", "giay-chung-sinh.pdf", "application/pdf", &scan).await.unwrap();
        ids.push(queued(&offline, birth_registration(&mut MemoryAttachments::default(), scan)).await);
    }
    let start = time::OffsetDateTime::now_utc();
    for day in 1..=10 {
        let at = start + time::Duration::days(day);
        assert_eq!(offline.send_outbox_at(offline.stored_attachments(), at, 0.0).await.unwrap().waiting, 2);
    }
    offline.close().await;
    // The second one's wait is the portal's, as a `429` with `Retry-After` leaves it.
    let pool = unlocked_store(&database).await;
    sqlx::query("UPDATE outbox SET retry_after = 1 WHERE client_id = ?1").bind(&ids[1]).execute(&pool).await.unwrap();
    pool.close().await;

    let engine = Arc::new(Engine::open(&database, &base).await.unwrap());
    engine.set_access_token(Arc::new(StaticToken::new(CITIZEN_SUBJECT, &token)));
    let far = engine.next_attempt_at().await.unwrap().expect("both wait");
    assert!(far > start + time::Duration::days(10), "the backoff put them days away: {far}");
    let (stop, task, mut liveness) = run_in_background(&engine);
    let state = async |id: &str| engine.outbox().await.unwrap().into_iter().find(|i| i.client_id == id).unwrap().state;
    eventually("the item on our backoff being sent", async || matches!(state(&ids[0]).await, OutboxState::Sent { .. }))
        .await;
    assert!(tokio::time::timeout(PATIENCE, liveness.wait_for(|l| *l == Liveness::Live)).await.is_ok());
    assert_eq!(state(&ids[1]).await, OutboxState::WaitingForNetwork);
    assert!(engine.next_attempt_at().await.unwrap().expect("one waits") >= far, "the portal's wait stands");
    assert_eq!(portal_dossiers(&base, &token).await.len(), 1);

    stop.send(()).unwrap();
    tokio::time::timeout(PATIENCE, task).await.expect("the background sync did not stop").unwrap();
}
