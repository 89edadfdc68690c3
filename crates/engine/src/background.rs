//! Keeping the engine in sync while the app runs: the front (the Tauri shell
//! or `hoso serve`) spawns [`keep_in_sync`] once and stops it with its
//! shutdown future.
//!
//! Three loops run side by side. The outbox loop runs a sender pass whenever
//! `Engine::next_attempt_at` says an item is due (the sender never sleeps
//! itself), looking again every few seconds for items queued meanwhile. The
//! feed loop pulls the dossiers of every profile of the signed-in person (the
//! acting one first, then themselves and each enterprise of their last
//! profile read, each from its own cursor) from the changes feed on a timer,
//! and at once when asked. The live loop, while the portal is
//! reachable and someone is signed in, holds the portal's server-sent events
//! stream open: it first syncs, then opens the stream from the cursor that
//! sync stored, so every change after it arrives as an event and each event
//! asks the feed loop to sync. Each time the stream opens, the portal is
//! reachable again, so the person's outbox items waiting on a backoff are
//! made due at once (a `Retry-After` the portal gave stands). A stream that
//! ends is opened again with `Last-Event-ID` after a backoff with jitter; a
//! profile switch reopens it for the new profile. Events are only hints: the feed, read from the
//! engine's own cursor, is what is stored, so a missed event costs latency,
//! never data.
//!
//! Dropping the loops on shutdown is safe at any point: each sender pass and
//! each feed page commits in its own transaction, the same property the
//! `kill -9` tests check.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use eventsource_stream::Eventsource as _;
use futures_util::StreamExt as _;
use hoso_domain::profile::ActingAs;
use hoso_protocol::api::event::LiveEvent;
use hoso_protocol::api::{ACTING_AS_HEADER, path};
use hoso_protocol::error::ErrorKind;
use reqwest::StatusCode;
use time::OffsetDateTime;
use tokio::sync::{Notify, watch};

use crate::outbox::backoff;
use crate::{Engine, EngineError};

/// How often the outbox loop looks for due items when none is known to be
/// due sooner: an item queued by the UI is picked up within this.
const OUTBOX_LOOK: Duration = Duration::from_secs(3);
/// The least time between two passes: an item the portal asked to retry at
/// once (`Retry-After: 0`) is not hammered for the rest of that second.
const PASS_GAP: Duration = Duration::from_millis(500);
/// How long the outbox loop waits after a pass that failed as a whole (nobody
/// signed in, a store error) before trying again; the pass itself left each
/// item due, so without this it would spin.
const OUTBOX_FAILED_PAUSE: Duration = Duration::from_secs(5);
/// The feed is pulled this often even without events (a portal without live
/// events, or one whose stream is down).
const FEED_EVERY: Duration = Duration::from_secs(5 * 60);
/// While nobody is signed in, how often the live loop looks again.
const SIGNED_OUT_LOOK: Duration = Duration::from_secs(5);
/// A stream that stayed open this long ended normally: the next one starts
/// from the shortest backoff.
const STREAM_SETTLED: Duration = Duration::from_secs(60);
/// How often an open stream is checked for a profile switch.
const STREAM_CHECK: Duration = Duration::from_secs(2);
/// The portal sends a keep-alive comment every 15 s: a stream silent for
/// three of them is taken for dead and opened again.
const STREAM_SILENCE: Duration = Duration::from_secs(45);

/// Where the live connection stands, for an online badge in the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    /// Not tried yet.
    Starting,
    /// Nobody is signed in (or the portal ended the session).
    SignedOut,
    /// The portal cannot be reached; trying again after a backoff.
    Offline,
    /// The event stream is open: changes arrive as they happen.
    Live,
}

/// The background sync, with its timings; [`keep_in_sync`] runs it with the
/// defaults.
#[derive(Debug)]
pub struct Background {
    feed_every: Duration,
    liveness: watch::Sender<Liveness>,
}

impl Default for Background {
    fn default() -> Self {
        Self { feed_every: FEED_EVERY, liveness: watch::channel(Liveness::Starting).0 }
    }
}

/// Runs the outbox, the feed and the live events for `engine` until
/// `shutdown` completes; `acting` names the profile the person acts as now
/// (read again at every sync, so a profile switch needs no restart).
pub async fn keep_in_sync<A, S>(engine: Arc<Engine>, acting: A, shutdown: S)
where
    A: Fn() -> ActingAs + Send + Sync,
    S: Future<Output = ()>,
{
    Background::default().run(engine, acting, shutdown).await;
}

impl Background {
    /// Pulls the feed every `every` as well as on events.
    #[must_use]
    pub fn feed_every(mut self, every: Duration) -> Self {
        self.feed_every = every;
        self
    }

    /// Where the live connection stands, as it changes.
    pub fn liveness(&self) -> watch::Receiver<Liveness> {
        self.liveness.subscribe()
    }

    /// Runs until `shutdown` completes; see [`keep_in_sync`].
    pub async fn run<A, S>(self, engine: Arc<Engine>, acting: A, shutdown: S)
    where
        A: Fn() -> ActingAs + Send + Sync,
        S: Future<Output = ()>,
    {
        let feed = Feed { engine: &engine, sync_now: Notify::new(), one_at_a_time: tokio::sync::Mutex::new(()) };
        let loops = async {
            tokio::join!(
                outbox_loop(&engine),
                feed_loop(&feed, &acting, self.feed_every),
                live_loop(&feed, &acting, &self.liveness),
            )
        };
        // Dropping the loops mid-request is safe: see the module's doc.
        tokio::select! {
            () = shutdown => {}
            _ = loops => {}
        }
    }
}

/// Sends the outbox whenever something is due.
async fn outbox_loop(engine: &Engine) {
    loop {
        let now = OffsetDateTime::now_utc();
        let wait = match engine.next_attempt_at().await {
            Ok(Some(at)) if at <= now => match engine.send_outbox(engine.stored_attachments()).await {
                Ok(report) => {
                    tracing::debug!(?report, "outbox pass");
                    PASS_GAP
                }
                Err(error) => {
                    tracing::info!(%error, "outbox pass failed; trying again later");
                    if renew_if_refused(engine, &error).await { PASS_GAP } else { OUTBOX_FAILED_PAUSE }
                }
            },
            Ok(Some(at)) => (at - now).try_into().unwrap_or(OUTBOX_LOOK).min(OUTBOX_LOOK),
            Ok(None) => OUTBOX_LOOK,
            Err(error) => {
                tracing::warn!(%error, "the outbox cannot be read");
                OUTBOX_FAILED_PAUSE
            }
        };
        tokio::time::sleep(wait).await;
    }
}

/// The changes feed as the loops share it.
struct Feed<'a> {
    engine: &'a Engine,
    /// Asks the feed loop to sync now; notifications while it syncs
    /// coalesce into one more sync.
    sync_now: Notify,
    /// One sync at a time: two would read the same page and race to apply it.
    one_at_a_time: tokio::sync::Mutex<()>,
}

impl Feed<'_> {
    async fn sync(&self, profile: &ActingAs) -> Result<crate::SyncReport, EngineError> {
        let _one = self.one_at_a_time.lock().await;
        self.engine.sync_dossiers(profile).await
    }
}

/// Pulls the feed of every profile of the person on a timer and whenever asked.
async fn feed_loop<A: Fn() -> ActingAs>(feed: &Feed<'_>, acting: &A, every: Duration) {
    loop {
        tokio::select! {
            () = feed.sync_now.notified() => {}
            () = tokio::time::sleep(every) => {}
        }
        sync_every_profile(feed, &acting()).await;
    }
}

/// The profiles the feed follows: `acting` first (what the person looks at),
/// then themselves and each enterprise of their last profile read.
async fn profiles_to_sync(engine: &Engine, acting: &ActingAs) -> Vec<ActingAs> {
    let mut profiles = vec![acting.clone()];
    match engine.profiles().await {
        Ok(known) => profiles.extend(known.into_iter().filter(|p| p != acting)),
        Err(error) => tracing::warn!(%error, "the person's profiles cannot be read; syncing the acting one"),
    }
    profiles
}

/// Syncs each profile of the person from its own cursor. A profile the
/// portal refuses (a mandate ended) does not hold up the others; no network
/// or no valid sign-in stops the round, since every profile would fail alike.
async fn sync_every_profile(feed: &Feed<'_>, acting: &ActingAs) {
    let engine = feed.engine;
    for profile in profiles_to_sync(engine, acting).await {
        match feed.sync(&profile).await {
            Ok(report) => tracing::debug!(?report, ?profile, "dossiers synced"),
            Err(error) => {
                tracing::info!(%error, ?profile, "dossiers not synced; trying again later");
                if matches!(error.kind(), ErrorKind::Network | ErrorKind::Unauthenticated | ErrorKind::Store) {
                    renew_if_refused(engine, &error).await;
                    return;
                }
            }
        }
    }
}

/// Keeps the live event stream open while someone is signed in.
async fn live_loop<A: Fn() -> ActingAs>(feed: &Feed<'_>, acting: &A, liveness: &watch::Sender<Liveness>) {
    let engine = feed.engine;
    let streams = match stream_client() {
        Ok(client) => client,
        Err(error) => {
            tracing::warn!(%error, "no client for live events; the feed timer alone keeps the dossiers in sync");
            return;
        }
    };
    // Consecutive lives of the stream that failed or ended early: the
    // backoff grows with them, so a portal that closes every stream at once
    // is not asked again in a loop.
    let mut failures = 0u32;
    loop {
        let profile = acting();
        let opened = Instant::now();
        let state = match listen(feed, &streams, &profile, acting, liveness).await {
            // The stream ran and ended (the portal stopped, the token
            // expired, the profile changed): opened again after a short
            // backoff, a longer one if it keeps ending early.
            Ok(()) => {
                failures = if opened.elapsed() >= STREAM_SETTLED { 1 } else { failures.saturating_add(1) };
                Liveness::Offline
            }
            Err(error) if error.kind() == ErrorKind::Unauthenticated => {
                if renew_if_refused(engine, &error).await {
                    failures = failures.saturating_add(1);
                    Liveness::Offline
                } else {
                    failures = 0;
                    Liveness::SignedOut
                }
            }
            Err(error) => {
                failures = failures.saturating_add(1);
                tracing::info!(%error, failures, "no live events; trying again later");
                Liveness::Offline
            }
        };
        liveness.send_replace(state);
        let wait = if state == Liveness::SignedOut { SIGNED_OUT_LOOK } else { backoff(failures, jitter()) };
        tokio::time::sleep(wait).await;
    }
}

/// One life of the event stream for `profile`: a sync, then the stream from
/// the cursor it stored, until it ends or `acting` names another profile.
async fn listen<A: Fn() -> ActingAs>(
    feed: &Feed<'_>,
    streams: &reqwest::Client,
    profile: &ActingAs,
    acting: &A,
    liveness: &watch::Sender<Liveness>,
) -> Result<(), EngineError> {
    let engine = feed.engine;
    // Everything up to the stored cursor is in the store; the stream starts
    // right after it (`Last-Event-ID`), so nothing between the two is missed.
    let cursor = feed.sync(profile).await?.cursor;
    let key = crate::outbox::acting_key(profile);
    let url = engine.portal.url(path::EVENTS)?;
    let request = |bearer: &str| {
        streams
            .get(url.clone())
            .bearer_auth(bearer)
            .header(ACTING_AS_HEADER, &key)
            .header("Last-Event-ID", cursor.to_string())
            .header(reqwest::header::ACCEPT, "text/event-stream")
    };
    let mut response = request(&engine.outbox_bearer().await?).send().await.map_err(EngineError::Network)?;
    if response.status() == StatusCode::UNAUTHORIZED && engine.is_signed_in()? {
        // The session's access token expired: renewed once, tried once more.
        engine.session.renew().await?;
        response = request(&engine.outbox_bearer().await?).send().await.map_err(EngineError::Network)?;
    }
    if !response.status().is_success() {
        return Err(crate::portal_client::PortalClient::read_json::<serde_json::Value>(response)
            .await
            .err()
            .unwrap_or(EngineError::PortalContract("the event stream answered without a stream".to_owned())));
    }
    liveness.send_replace(Liveness::Live);
    tracing::info!("live events open");
    // The portal answers again: what waits on our backoff after an outage
    // goes now (the outbox loop looks within seconds), not at the backoff's
    // end, up to ten minutes later.
    match engine.outbox_due_now().await {
        Ok(0) => {}
        Ok(moved) => tracing::info!(moved, "outbox items due at once after reconnecting"),
        Err(error) => tracing::warn!(%error, "the outbox could not be brought forward"),
    }

    let mut events = response.bytes_stream().eventsource();
    loop {
        let Ok(next) = tokio::time::timeout(STREAM_CHECK, events.next()).await else {
            if acting() != *profile {
                return Ok(());
            }
            continue;
        };
        match next {
            None => return Ok(()),
            // Silence past the read timeout lands here too.
            Some(Err(error)) => {
                tracing::info!(%error, "the event stream broke");
                return Ok(());
            }
            Some(Ok(event)) => match serde_json::from_str::<LiveEvent>(&event.data) {
                Ok(LiveEvent::DossierChanged { .. }) => feed.sync_now.notify_one(),
                // The catalogue is refreshed when the citizen opens it.
                Ok(LiveEvent::CatalogueChanged { .. }) => {}
                // A kind of event this build does not know: a hint to sync
                // costs one request, a missed one costs latency.
                Err(_) => feed.sync_now.notify_one(),
            },
        }
    }
}

/// The client for event streams: the portal client's rules (no redirects,
/// so a bearer token is never carried elsewhere) without its total timeout,
/// which would cut an endless stream, and with a read timeout instead, so a
/// stream silent past three keep-alives is taken for dead.
fn stream_client() -> Result<reqwest::Client, EngineError> {
    crate::portal_client::http_client()
        .connect_timeout(Duration::from_secs(10))
        .read_timeout(STREAM_SILENCE)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(EngineError::Network)
}

/// After a refusal for want of a valid token, renews the session's access
/// token once, so the next try goes through: whether it did. A session the
/// portal ended stays signed out.
async fn renew_if_refused(engine: &Engine, error: &EngineError) -> bool {
    if error.kind() != ErrorKind::Unauthenticated || !engine.is_signed_in().unwrap_or(false) {
        return false;
    }
    match engine.session.renew().await {
        Ok(()) => true,
        Err(error) => {
            tracing::info!(%error, "the session could not be renewed");
            false
        }
    }
}

/// A uniform number in `[0, 1)` from the OS, for the reconnection backoff.
fn jitter() -> f64 {
    let mut bytes = [0u8; 4];
    match getrandom::fill(&mut bytes) {
        Ok(()) => f64::from(u32::from_le_bytes(bytes)) / (f64::from(u32::MAX) + 1.0),
        Err(_) => 0.5,
    }
}
