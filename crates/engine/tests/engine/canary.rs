//! The engine's token promise under real use: after a sign-in through the
//! browser, a refresh, sending and syncing, no token reaches a local file, a
//! log line or a value the engine hands back.

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use hoso_domain::profile::ActingAs;
use hoso_engine::{MemoryAttachments, StaticToken};

use super::local_files;
use super::outbox::{access_token, birth_form, birth_registration, later};

const CITIZEN: (&str, &str) = ("citizen", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
const BUSINESS: (&str, &str) = ("business", "KRSXG5DJNZTSA3LFONZWCZ3FEBQW4ZDB");

/// Collects what the tracing subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every log line of this test binary from the first call on, at TRACE
/// level. Global, not a scoped default: sqlx runs SQLite on worker threads.
/// No other test of this binary installs a subscriber.
fn captured_logs() -> &'static Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        captured
    })
}

/// Whether `haystack` holds `needle` anywhere.
fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle.as_bytes())
}

/// Every file under `dir` (but the portal's database, another system's
/// storage) whose bytes hold one of `tokens`.
fn files_holding(dir: &Path, tokens: &[String]) -> Vec<String> {
    local_files(dir)
        .into_iter()
        .filter(|(_, bytes)| tokens.iter().any(|token| holds(bytes, token)))
        .map(|(path, _)| path.display().to_string())
        .collect()
}

#[tokio::test]
async fn no_token_reaches_a_local_file_a_log_line_or_an_answer_of_the_engine() {
    let logs = captured_logs();
    let test = super::signin::signed_in_as(CITIZEN).await;
    let engine = &test.engine;
    let base = test.portal.url();
    // The Debug text of every answer the engine gives back.
    let mut answers: Vec<String> = Vec::new();
    let mut tokens = vec![super::signin::refresh_token(&test)];

    // Signed in through the browser: the session's tokens at work, and one
    // refresh, which rotates the refresh token.
    answers.push(format!("{:?}", engine.profile().await.unwrap()));
    answers.push(format!("{:?}", engine.sync_catalogue().await.unwrap()));
    engine.form_definition(&birth_form()).await.unwrap();
    super::signin::expire_access_tokens(&test).await;
    answers.push(format!("{:?}", engine.profile().await.unwrap()));
    tokens.push(super::signin::refresh_token(&test));
    assert_ne!(tokens[0], tokens[1], "the refresh happened, so two refresh tokens were in play");
    let mut attachments = MemoryAttachments::default();
    let submission = birth_registration(&mut attachments, b"%PDF-1.7 phien canary".to_vec());
    answers.push(format!("{:?}", engine.queue_submission(submission).await.unwrap()));
    let report = engine.send_outbox_at(&attachments, later(), 0.0).await.unwrap();
    assert_eq!(report.sent, 1, "the session's token was used");
    answers.push(format!("{report:?}"));
    answers.push(format!("{:?}", engine.sync_dossiers(&ActingAs::Myself).await.unwrap()));
    answers.push(format!("{:?}", engine.outbox().await.unwrap()));
    answers.push(format!("{:?}", engine.dossiers(&ActingAs::Myself).await.unwrap()));

    // An access token the test knows, handed to the engine, is used and must
    // not show either. Another person's, so the citizen's one-time code is
    // not asked for twice in the same half-minute.
    let known = access_token(&base, BUSINESS).await;
    engine.set_access_token(Arc::new(StaticToken::new("demo-business-0002", &known)));
    let submission = birth_registration(&mut attachments, b"%PDF-1.7 phien canary hai".to_vec());
    answers.push(format!("{:?}", engine.queue_submission(submission).await.unwrap()));
    let report = engine.send_outbox_at(&attachments, later(), 0.0).await.unwrap();
    assert_eq!(report.sent, 1, "the known token was used");
    answers.push(format!("{report:?}"));
    answers.push(format!("{:?}", engine.sync_dossiers(&ActingAs::Myself).await.unwrap()));
    answers.push(format!("{:?}", engine.outbox().await.unwrap()));
    answers.push(format!("{engine:?}"));
    tokens.push(known);
    tracing::info!("canary probe");

    let logged = logs.0.lock().unwrap().clone();
    assert!(holds(&logged, "canary probe"), "the capture works");
    for (i, token) in tokens.iter().enumerate() {
        assert!(!holds(&logged, token), "token {i} was logged");
        assert!(answers.iter().all(|answer| !answer.contains(token.as_str())), "token {i} was in an answer");
    }
    let files = files_holding(test.dir.path(), &tokens);
    assert!(files.is_empty(), "a token is in {files:?}");
}
