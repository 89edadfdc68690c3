//! `kill -9` in the middle of queueing and sending the outbox: a child
//! process (this test binary run again as
//! `outbox_kill::the_outbox_kill_test_child_queues_and_sends_until_it_is_killed`)
//! opens the store, says `ready`, queues one submission, says `queued ID`
//! once the queueing returned, then sends the outbox pass after pass to a
//! real portal; the parent kills it with SIGKILL at a random moment. After
//! each kill a fresh engine opens the store: `integrity_check` is ok and every
//! acknowledged submission is still in the outbox. At the end one clean pass
//! sends what is left, and the portal's database holds exactly one dossier
//! per queued submission, under the code the outbox recorded.
//!
//! The child's lines carry the prefix [`SAYS`] and the parent finds it
//! anywhere in a line. The first version of this test matched lines from
//! their start and hung: run with `--test-threads=1`, libtest writes
//! `test NAME ... ` without a newline before the test runs, so the child's
//! first line (its `queued`) arrived as `test NAME ... queued ID`, was never
//! recognised, and the parent waited forever for a line that had come. Every
//! wait on the child now has a bound, so a broken child fails the test
//! instead of hanging it, and the parent never blocks its runtime, whose
//! portal must keep answering the child.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hoso_domain::profile::ActingAs;
use hoso_engine::{MemoryAttachments, StaticToken};
use hoso_protocol::command::OutboxState;
use tokio::sync::mpsc;

use super::outbox::{CITIZEN, access_token, birth_registration, later, prepared_engine, queued};
use super::*;

/// Kill rounds in the ordinary suite: with the 50 autosave rounds of
/// `store.rs`, the suite kills the engine 200 times.
const KILL_ROUNDS: u64 = 150;
/// More rounds for a slow run, e.g. `HOSO_OUTBOX_KILL_ROUNDS=1000`.
const ROUNDS_VARIABLE: &str = "HOSO_OUTBOX_KILL_ROUNDS";
/// The kill comes at a random moment this long at most after the child said
/// `ready` (the store is open; queueing and a send follow) or `queued` (a
/// send follows: upload, submit, recording the answer), so the kills land
/// before, during and after each step.
const KILL_WITHIN: Duration = Duration::from_millis(90);
/// Only a bound on a broken child, never a timing assertion.
const PATIENCE: Duration = Duration::from_secs(30);
/// A fresh access token is fetched before the portal's 5-minute one runs
/// out; the one-time code must also have changed since the last sign-in.
const TOKEN_RENEWAL: Duration = Duration::from_secs(200);

/// What starts each line the child says to the parent.
const SAYS: &str = "outbox-kill-child: ";
const CHILD_DATABASE: &str = "HOSO_OUTBOX_CHILD_DATABASE";
const CHILD_PORTAL: &str = "HOSO_OUTBOX_CHILD_PORTAL";
const CHILD_TOKEN: &str = "HOSO_OUTBOX_CHILD_TOKEN";
const CHILD_ROUND: &str = "HOSO_OUTBOX_CHILD_ROUND";

/// The scanned birth certificate of round `round`: each round's differs, so
/// each dossier uploads its own small file.
fn scan(round: u64) -> Vec<u8> {
    format!("%PDF-1.7 giay chung sinh, vong {round}").into_bytes()
}

/// Every round's scan below `end`, as the attachment source of a sender.
fn scans_below(end: u64) -> MemoryAttachments {
    let mut attachments = MemoryAttachments::default();
    for round in 0..end {
        attachments.insert(scan(round));
    }
    attachments
}

/// What a child said, line by line (the text after [`SAYS`]; other output,
/// such as libtest's, is dropped), read on a thread of its own so the runtime
/// is never blocked; the channel closes when the child's stdout does.
fn lines_of(child: &mut Child) -> mpsc::UnboundedReceiver<String> {
    use std::io::BufRead;
    let stdout = child.stdout.take().unwrap();
    let (send, lines) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let Some(at) = line.find(SAYS) else { continue };
            if send.send(line[at + SAYS.len()..].to_owned()).is_err() {
                break;
            }
        }
    });
    lines
}

/// What one round saw of its child.
#[derive(Debug, Default)]
struct Round {
    /// Client ids the child acknowledged as queued.
    queued: Vec<String>,
    /// Whether the child reported a finished send pass before the kill.
    sent_before_kill: bool,
}

/// Runs one child until it printed a line starting with `mark`, then to a
/// random moment after it, and kills it. Panics, with the child's stderr, if
/// the line does not come within [`PATIENCE`].
async fn kill_round(database: &Path, base: &str, token: &str, round: u64, mark: &str, stderr: &Path) -> Round {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "outbox_kill::the_outbox_kill_test_child_queues_and_sends_until_it_is_killed"])
        .args(["--nocapture", "--test-threads=1"])
        .env(CHILD_DATABASE, database)
        .env(CHILD_PORTAL, base)
        // A token of this throwaway portal, for the child only.
        .env(CHILD_TOKEN, token)
        .env(CHILD_ROUND, round.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(stderr).unwrap())
        .spawn()
        .unwrap();
    let mut lines = lines_of(&mut child);
    let mut seen = Round::default();
    let marked = tokio::time::timeout(PATIENCE, async {
        while let Some(line) = lines.recv().await {
            if let Some(client_id) = line.strip_prefix("queued ") {
                seen.queued.push(client_id.to_owned());
            }
            if line.starts_with(mark) {
                return true;
            }
        }
        false
    })
    .await;
    if marked != Ok(true) {
        let _ = child.kill();
        let _ = child.wait();
        let said = std::fs::read_to_string(stderr).unwrap_or_default();
        panic!("round {round}: the child never said {mark:?} ({marked:?}); its stderr:\n{said}");
    }
    let moment = Duration::from_micros(super::store::random_below(KILL_WITHIN.as_micros() as u64 + 1));
    tokio::time::sleep(moment).await;
    child.kill().unwrap();
    child.wait().unwrap();
    // What the child printed before it died was acknowledged too. Its stdout
    // is closed now, so the reader ends; the bound is for a broken pipe only.
    let drained = tokio::time::timeout(PATIENCE, async {
        while let Some(line) = lines.recv().await {
            if let Some(client_id) = line.strip_prefix("queued ") {
                seen.queued.push(client_id.to_owned());
            } else if line.starts_with("sent ") {
                seen.sent_before_kill = true;
            }
        }
    })
    .await;
    assert!(drained.is_ok(), "round {round}: the child's stdout did not close after the kill");
    seen
}

/// Kills `rounds` children at random moments, checking the store after each,
/// then sends what is left and compares the outbox with the portal.
async fn outbox_survives_kills(rounds: u64) {
    let dir = tempfile::tempdir().unwrap();
    let mut rate_limits = hoso_portal::rate_limit::RateLimits::default();
    // Every round sends again what the last one was killed in the middle
    // of; the per-person submit limit would turn that into waiting.
    rate_limits.submit_per_person.per_window = i64::MAX;
    let portal_db = dir.path().join("portal.db");
    let database_url = format!("sqlite:{}", portal_db.display());
    let config = hoso_portal::Config { database_url, demo: true, rate_limits, ..Default::default() };
    let portal = hoso_portal::start(config).await.unwrap();
    let base = portal.url();
    let mut token = access_token(&base, CITIZEN).await;
    let mut token_since = Instant::now();
    let database = dir.path().join("engine.db");
    prepared_engine(&dir, &base, &token).await.close().await;
    let stderr = dir.path().join("child.stderr");

    let started = Instant::now();
    let mut acknowledged: Vec<String> = Vec::new();
    let (mut before_queueing, mut while_sending, mut after_sending) = (0, 0, 0);
    for round in 0..rounds {
        if token_since.elapsed() > TOKEN_RENEWAL {
            token = access_token(&base, CITIZEN).await;
            token_since = Instant::now();
        }
        // Even rounds are killed soon after the store is open (while
        // queueing, sending or idle), odd ones soon after the queueing was
        // acknowledged (while sending), so sends are hit on any machine.
        let mark = if round % 2 == 0 { "ready" } else { "queued " };
        let seen = kill_round(&database, &base, &token, round, mark, &stderr).await;
        match (seen.queued.is_empty(), seen.sent_before_kill) {
            (true, _) => before_queueing += 1,
            (false, false) => while_sending += 1,
            (false, true) => after_sending += 1,
        }
        acknowledged.extend(seen.queued);

        // A fresh engine finds the store sound and every acknowledged
        // submission in it, whatever the kill interrupted.
        let engine = Engine::open(&database, &base).await.unwrap();
        // The citizen's outbox: read as them (no request is made).
        engine.set_access_token(Arc::new(StaticToken::new(super::outbox::CITIZEN_SUBJECT, &token)));
        assert_eq!(engine.integrity_check().await.unwrap(), "ok", "after round {round}");
        let held: Vec<String> = engine.outbox().await.unwrap().into_iter().map(|item| item.client_id).collect();
        let lost: Vec<&String> = acknowledged.iter().filter(|id| !held.contains(id)).collect();
        assert!(lost.is_empty(), "after round {round}, acknowledged but gone: {lost:?}");
        engine.close().await;
    }
    eprintln!(
        "{rounds} outbox kill rounds in {:?}: killed before the queueing was acknowledged {before_queueing} times, \
         while sending {while_sending}, after a finished pass {after_sending}",
        started.elapsed()
    );

    let engine = Engine::open(&database, &base).await.unwrap();
    if token_since.elapsed() > TOKEN_RENEWAL {
        token = access_token(&base, CITIZEN).await;
    }
    engine.set_access_token(Arc::new(StaticToken::new(super::outbox::CITIZEN_SUBJECT, &token)));
    let attachments = scans_below(rounds);
    // Clean passes until nothing is left to send; `later()` is past any
    // backoff a killed attempt left behind.
    for _ in 0..10 {
        if engine.next_attempt_at().await.unwrap().is_none() {
            break;
        }
        engine.send_outbox_at(&attachments, later(), 0.0).await.unwrap();
    }
    let outbox = engine.outbox().await.unwrap();
    let mut sent: Vec<(String, String)> = Vec::new();
    for item in &outbox {
        let OutboxState::Sent { code } = &item.state else { panic!("{} not sent: {:?}", item.client_id, item.state) };
        sent.push((item.client_id.clone(), code.clone()));
    }
    assert!(acknowledged.iter().all(|id| sent.iter().any(|(held, _)| held == id)));
    assert!(acknowledged.len() as u64 >= rounds / 2, "the odd rounds each acknowledged one");

    // The portal's own records: one dossier per queued submission (queued
    // ones the kill cut off before acknowledging included), each under the
    // code the outbox recorded for it, none twice.
    let portal_pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", portal_db.display())).await.unwrap();
    let mut at_portal: Vec<(String, String)> =
        sqlx::query_as("SELECT client_id, code FROM dossier").fetch_all(&portal_pool).await.unwrap();
    at_portal.sort();
    sent.sort();
    assert_eq!(at_portal, sent, "the portal holds exactly the dossiers the outbox sent, each once");
    assert_eq!(engine.dossiers(&ActingAs::Myself).await.unwrap().len(), outbox.len());
    assert_eq!(engine.integrity_check().await.unwrap(), "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_dossier_is_lost_or_filed_twice_when_the_sender_is_killed_at_random_moments() {
    let rounds = std::env::var(ROUNDS_VARIABLE).ok().and_then(|n| n.parse().ok()).unwrap_or(KILL_ROUNDS);
    outbox_survives_kills(rounds.max(KILL_ROUNDS)).await;
}

/// Not a test of its own: the process the outbox kill test starts and kills.
#[tokio::test]
#[ignore = "the child process of the outbox kill test"]
async fn the_outbox_kill_test_child_queues_and_sends_until_it_is_killed() {
    use std::io::Write;
    let say = |line: &str| {
        let mut out = std::io::stdout().lock();
        // A newline first: libtest's `test NAME ... ` may still be open.
        writeln!(out, "\n{SAYS}{line}").unwrap();
        out.flush().unwrap();
    };
    let database = std::env::var_os(CHILD_DATABASE).expect("run only by the outbox kill test");
    let portal = std::env::var(CHILD_PORTAL).unwrap();
    let token = std::env::var(CHILD_TOKEN).unwrap();
    let round: u64 = std::env::var(CHILD_ROUND).unwrap().parse().unwrap();
    let engine = Engine::open(Path::new(&database), &portal).await.unwrap();
    engine.set_access_token(Arc::new(StaticToken::new(super::outbox::CITIZEN_SUBJECT, &token)));
    let attachments = scans_below(round + 1);
    say("ready");
    let client_id = queued(&engine, birth_registration(&mut MemoryAttachments::default(), scan(round))).await;
    say(&format!("queued {client_id}"));
    loop {
        let report = engine.send_outbox_at(&attachments, later(), 0.0).await.unwrap();
        say(&format!("sent {}", report.sent));
        if engine.next_attempt_at().await.unwrap().is_none() {
            // All sent: wait for the kill without spinning.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
