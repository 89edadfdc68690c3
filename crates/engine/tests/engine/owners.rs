//! Two people on one device, against the real portal: everything the engine
//! keeps is the signed-in person's own. The first person's unsent submission
//! holds up their sign-out until they confirm, stays theirs while someone
//! else signs in (who sees and sends none of it), and goes out under their
//! name, once, when they sign in again.

use std::sync::Arc;
use std::time::Duration;

use hoso_domain::profile::ActingAs;
use hoso_engine::auth::{Browser, BrowserError};
use hoso_engine::{EngineError, MemoryAttachments};
use hoso_protocol::command::OutboxState;
use reqwest::Url;

use super::outbox::{birth_form, birth_registration, queued};
use super::signin::{BUSINESS, CITIZEN, query_param, request_id};
use super::*;

/// Only a bound on a broken test: a sign-in normally takes well under a second.
pub(super) const PATIENCE: Duration = Duration::from_secs(60);
/// The demo identities' subjects (`assets/demo/identities.json`).
const CITIZEN_SUBJECT: &str = "demo-citizen-0001";
const BUSINESS_SUBJECT: &str = "demo-business-0002";

/// A browser that signs in as `user` with the one-time code of `steps_ahead`
/// 30-second steps from now: the portal accepts a code once, and one step
/// ahead for clock skew, so a person signing in twice within one step
/// answers with the next step's code the second time.
pub(super) struct Person {
    pub(super) user: (&'static str, &'static str),
    pub(super) steps_ahead: u64,
}

impl Browser for Person {
    fn open(&self, url: &Url) -> Result<(), BrowserError> {
        let (url, user, ahead) = (url.clone(), self.user, self.steps_ahead);
        tokio::spawn(async move {
            let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
            assert!(query_param(&url, "redirect_uri").is_some());
            let page = client.get(url.clone()).send().await.unwrap().text().await.unwrap();
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
            let code =
                hoso_portal::oidc::credentials::OneTimeCodes::from_base32(user.1).unwrap().code_at(now + 30 * ahead);
            let answer = client
                .post(url.join("/login").unwrap())
                .form(&[
                    ("request_id", request_id(&page).as_str()),
                    ("username", user.0),
                    ("password", "hoso-demo-2026"),
                    ("code", &code),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), 303, "{}", answer.text().await.unwrap_or_default());
            let location = answer.headers()["location"].to_str().unwrap().to_owned();
            client.get(location).send().await.unwrap();
        });
        Ok(())
    }
}

/// Who submitted the dossier of `client_id`, as the portal's own database
/// records it: one row per dossier it received.
async fn portal_submitters(dir: &tempfile::TempDir, client_id: &str) -> Vec<String> {
    let url = format!("sqlite:{}", dir.path().join("portal.db").display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let submitters = sqlx::query_scalar("SELECT submitter FROM dossier WHERE client_id = ?1")
        .bind(client_id)
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    submitters
}

#[tokio::test]
async fn a_second_person_sees_and_sends_nothing_of_the_first_whose_item_goes_once_when_they_return() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let (base, addr) = (portal.url(), portal.addr());
    let database = dir.path().join("engine.db");
    let engine = Arc::new(Engine::open(&database, &base).await.unwrap());
    engine.sync_catalogue().await.unwrap();
    engine.form_definition(&birth_form()).await.unwrap();

    // An drafts and, with the portal down, queues a submission.
    engine.sign_in_within(&Person { user: CITIZEN, steps_ahead: 0 }, PATIENCE).await.unwrap();
    engine.profile().await.unwrap();
    let draft = engine.draft_create("1.001193").await.unwrap();
    let mut attachments = MemoryAttachments::default();
    let submission = birth_registration(&mut attachments, b"%PDF-1.7 giay chung sinh cua An".to_vec());
    portal.shutdown().await.unwrap();
    let client_id = queued(&engine, submission).await;
    let tried = engine.send_outbox(&attachments).await.unwrap();
    assert_eq!((tried.sent, tried.waiting), (0, 1), "the portal is down");
    let database_url = format!("sqlite:{}", dir.path().join("portal.db").display());
    let portal =
        hoso_portal::start(hoso_portal::Config { addr, database_url, demo: true, ..Default::default() }).await.unwrap();

    // Signing out is refused while the item waits, then confirmed.
    let refused = engine.end_session(false).await.unwrap_err();
    assert!(matches!(refused, EngineError::UnsentItems { count: 1 }), "{refused:?}");
    let envelope = refused.to_envelope();
    assert_eq!((envelope.kind.as_str(), envelope.unsent_count()), ("unsent_items", Some(1)));
    assert!(engine.is_signed_in().unwrap(), "a refused sign-out keeps the session");
    let signed_out = engine.end_session(true).await.unwrap();
    assert!(!signed_out.signed_in && signed_out.profile.is_none(), "{signed_out:?}");

    // Signed out, the device shows nobody's anything.
    let home = engine.home().await.unwrap();
    assert!(home.drafts.is_empty() && home.outbox.is_empty() && home.recent.is_empty(), "{home:?}");
    assert_eq!(engine.unsent_count().await.unwrap(), 0);
    assert_eq!(engine.next_attempt_at().await.unwrap(), None);

    // Bình signs in on the same device: none of An's is hers.
    engine.sign_in_within(&Person { user: BUSINESS, steps_ahead: 0 }, PATIENCE).await.unwrap();
    assert_eq!(engine.session_state().await.unwrap().profile, None, "An's profile is not hers");
    engine.profile().await.unwrap();
    let session = engine.session_state().await.unwrap();
    assert_eq!(session.profile.as_ref().map(|p| p.person.subject.as_str()), Some(BUSINESS_SUBJECT));
    let home = engine.home().await.unwrap();
    assert!(home.drafts.is_empty() && home.outbox.is_empty() && home.recent.is_empty(), "{home:?}");
    assert!(engine.outbox().await.unwrap().is_empty());
    assert_eq!(engine.draft(&draft.summary.id).await.unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(engine.dossier(&client_id).await.unwrap(), None);
    assert!(engine.dossiers(&ActingAs::Myself).await.unwrap().is_empty());
    assert!(engine.filings().await.unwrap().iter().all(|f| f.dossier.client_id != client_id));
    assert_eq!(engine.unsent_count().await.unwrap(), 0);
    assert_eq!(engine.next_attempt_at().await.unwrap(), None, "nothing of hers waits");

    // Her sync sends nothing of his, with the scan at hand and the portal up.
    let report = engine.send_outbox(&attachments).await.unwrap();
    assert_eq!(report, hoso_engine::SendReport::default());
    let synced = engine.sync_now().await.unwrap();
    assert_eq!((synced.sent, synced.error), (0, None));
    assert!(portal_submitters(&dir, &client_id).await.is_empty(), "the portal received An's item under Bình");
    engine.end_session(false).await.unwrap();

    // An signs in again (the next one-time code: his last one was used) and
    // his item goes, under his name, once.
    engine.sign_in_within(&Person { user: CITIZEN, steps_ahead: 1 }, PATIENCE).await.unwrap();
    assert_eq!(engine.draft(&draft.summary.id).await.unwrap().summary.id, draft.summary.id);
    assert_eq!(engine.unsent_count().await.unwrap(), 1);
    let home = engine.home().await.unwrap();
    assert_eq!(home.outbox.iter().map(|i| i.client_id.as_str()).collect::<Vec<_>>(), [client_id.as_str()]);
    let report = engine.send_outbox_at(&attachments, super::outbox::later(), 0.0).await.unwrap();
    assert_eq!(report.sent, 1);
    let again = engine.send_outbox_at(&attachments, super::outbox::later(), 0.0).await.unwrap();
    assert_eq!(again.sent, 0, "a sent item is not sent again");
    let item = engine.outbox().await.unwrap().into_iter().find(|i| i.client_id == client_id).unwrap();
    assert!(matches!(item.state, OutboxState::Sent { .. }), "{item:?}");
    assert_eq!(portal_submitters(&dir, &client_id).await, [CITIZEN_SUBJECT]);
    assert!(!engine.end_session(false).await.unwrap().signed_in, "nothing unsent holds him up now");
    drop(portal);
}
