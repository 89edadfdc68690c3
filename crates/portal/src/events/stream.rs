//! `GET /api/v1/events`: one server-sent events stream per request, for the
//! acting profile of its [`Caller`].
//!
//! The stream subscribes to the hub first, then reads the backlog after the
//! client's cursor (`Last-Event-ID`, or `?since=` for clients that cannot set
//! headers) from the table, then forwards live changes of its own profile;
//! [`Delivered`] drops what the backlog already sent, so the switch-over has
//! no gap and no duplicate. A comment `: live` marks the end of the backlog.
//! Every event's `id` is its change cursor. Lagging behind the broadcast, or
//! a publisher that lost its connection, costs a re-read from the stream's
//! own cursor, never a silent loss.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use hoso_protocol::api::event::LiveEvent;
use hoso_protocol::api::{ACTING_AS_HEADER, path};
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use sqlx::AnyPool;
use tokio::sync::{broadcast, mpsc};
use tokio_stream::StreamExt as _;
use tokio_stream::wrappers::ReceiverStream;

use super::delivered::Delivered;
use super::{Hub, Signal, StreamPermit};
use crate::PortalError;
use crate::caller::{ActingAsHeader, Caller};
use crate::clock::SharedClock;
use crate::dossiers::owner_key;
use crate::http::AppState;

/// A comment this often keeps proxies from closing a quiet stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How often a stream checks that its access token (and mandate) still holds;
/// it ends at the first check after expiry or revocation.
const RECHECK: Duration = Duration::from_secs(5);
/// Backlog rows read per query.
const PAGE: i64 = 500;
/// Events queued for a slow client before the stream stops reading signals
/// (and, if it lags, re-reads the table instead).
const QUEUE: usize = 64;
const LAST_EVENT_ID: &str = "last-event-id";
/// A stream's backlog page: the owner's changes after its cursor (`$1`
/// owner, `$2` cursor, `$3` limit). Public, hidden, for the API tests'
/// `EXPLAIN` of it on both backends.
#[doc(hidden)]
pub const BACKLOG_QUERY: &str =
    "SELECT seq, code FROM dossier_change WHERE owner = $1 AND seq > $2 ORDER BY seq LIMIT $3";
/// Where a stream opened without a cursor starts: the owner's latest change.
#[doc(hidden)]
pub const LATEST_QUERY: &str = "SELECT COALESCE(MAX(seq), 0) FROM dossier_change WHERE owner = $1";
/// When a person refused another stream may try again: by then a stream they
/// closed has been noticed (at its next event or keep-alive at the latest).
const RETRY_STREAM_AFTER: Duration = KEEP_ALIVE;

/// What a stream's task hands to the response body.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Message {
    /// A change of the stream's profile: an event whose id is its cursor.
    Changed { cursor: u64, code: String },
    /// The backlog has been sent; from here on, changes arrive as they happen.
    Live,
}

impl Message {
    fn into_event(self) -> Result<Event, Infallible> {
        Ok(match self {
            Self::Changed { cursor, code } => {
                // A two-field enum of a string and a number always serialises.
                let data = serde_json::to_string(&LiveEvent::DossierChanged { code, cursor }).unwrap_or_default();
                Event::default().id(cursor.to_string()).data(data)
            }
            Self::Live => Event::default().comment("live"),
        })
    }
}

/// The stream's starting cursor: `Last-Event-ID` (sent by a reconnecting
/// EventSource) wins over `?since=`; neither means "from now on".
fn resume_point(headers: &HeaderMap, query: Option<&str>) -> Result<Option<i64>, PortalError> {
    let refused = || PortalError::Refused {
        status: StatusCode::BAD_REQUEST,
        kind: ErrorKind::InvalidInput,
        message: "Last-Event-ID and since must be a change cursor",
    };
    let from_header = match headers.get(LAST_EVENT_ID) {
        Some(value) => Some(value.to_str().map_err(|_| refused())?.trim().to_owned()),
        None => None,
    };
    let from_query = query.and_then(|query| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "since")
            .map(|(_, value)| value.into_owned())
    });
    // An EventSource whose last event had no id sends an empty header.
    match from_header.filter(|id| !id.is_empty()).or(from_query) {
        None => Ok(None),
        Some(text) => text.parse::<u64>().ok().and_then(|n| i64::try_from(n).ok()).map(Some).ok_or_else(refused),
    }
}

/// The acting profile's live events, as server-sent events.
#[utoipa::path(
    get,
    path = path::EVENTS,
    tag = "events",
    params(
        ActingAsHeader,
        ("Last-Event-ID" = Option<u64>, Header, nullable = false, description = "The `id` of the last event the client \
            received (an EventSource sends it when it reconnects): the stream starts with the changes after it."),
        ("since" = Option<u64>, Query, nullable = false, description = "A changes-feed cursor to start after, for clients \
            that cannot set headers; `Last-Event-ID` wins. Without either, the stream starts from now."),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "An endless `text/event-stream`: first every change after the cursor, then the comment \
            `: live`, then changes as they happen. Each event's `id` is its change cursor and its `data` a `LiveEvent`; a \
            `: keep-alive` comment comes every 15 s. The stream ends when the access token or the mandate ends, or the \
            server stops; it is exempt from the 30 s request timeout.",
         content_type = "text/event-stream", body = LiveEvent,
         headers(("Cache-Control" = String, description = "`no-store`"))),
        (status = 400, description = "`Last-Event-ID` or `since` is not a change cursor.", body = ErrorEnvelope),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "`X-Acting-As` names an enterprise without an active mandate.", body = ErrorEnvelope),
        (status = 429, description = "The person holds five streams on this process already; close one first.", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "Seconds until a closed stream has been noticed."))),
    )
)]
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, PortalError> {
    let since = resume_point(&headers, query.as_deref())?;
    let Some(permit) = state.events.admit(caller.subject()) else {
        let mut refused = PortalError::Refused {
            status: StatusCode::TOO_MANY_REQUESTS,
            kind: ErrorKind::RateLimited,
            message: "too many open event streams for this person; close one first",
        }
        .into_response();
        refused.headers_mut().insert(RETRY_AFTER, HeaderValue::from(RETRY_STREAM_AFTER.as_secs()));
        return Ok(refused);
    };
    let owner = owner_key(&caller);
    // Subscribe before reading anything, so a change committed while the
    // backlog is read reaches this stream one way or the other.
    let signals = state.events.subscribe();
    let since = match since {
        Some(cursor) => cursor,
        None => sqlx::query_scalar(LATEST_QUERY).bind(&owner).fetch_one(&state.pool).await?,
    };
    // Only what proves the caller again: the token, and whom it acts for.
    let mut credentials = HeaderMap::new();
    let acting_as = HeaderName::from_bytes(ACTING_AS_HEADER.as_bytes()).expect("a valid header name");
    for name in [AUTHORIZATION, acting_as] {
        if let Some(value) = headers.get(&name) {
            credentials.insert(name, value.clone());
        }
    }
    let (out, body) = mpsc::channel(QUEUE);
    let subscriber = Subscriber {
        pool: state.pool.clone(),
        clock: state.clock.clone(),
        hub: state.events.clone(),
        owner,
        credentials,
        delivered: Delivered::after(since),
        recheck: RECHECK,
        out,
        _permit: permit,
    };
    tokio::spawn(subscriber.run(signals));
    let sse = Sse::new(ReceiverStream::new(body).map(Message::into_event))
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive"));
    // Events are per person: no cache may keep them. Nginx would otherwise
    // buffer the stream.
    Ok((
        [
            (CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (HeaderName::from_static("x-accel-buffering"), HeaderValue::from_static("no")),
        ],
        sse,
    )
        .into_response())
}

/// Why a stream stopped; nothing to tell the client, whose EventSource
/// reconnects with its last cursor (and is refused if its token ended).
struct Ended;

struct Subscriber {
    pool: AnyPool,
    /// Mandates are judged on the portal's day, virtual in the demo.
    clock: SharedClock,
    hub: Hub,
    owner: String,
    credentials: HeaderMap,
    delivered: Delivered,
    /// How often the credentials are proved again.
    recheck: Duration,
    out: mpsc::Sender<Message>,
    _permit: StreamPermit,
}

impl Subscriber {
    async fn run(mut self, mut signals: broadcast::Receiver<Signal>) {
        if self.catch_up().await.is_err() || self.send(Message::Live).await.is_err() {
            return;
        }
        let closed = self.hub.closed();
        tokio::pin!(closed);
        let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + self.recheck, self.recheck);
        loop {
            let signal = tokio::select! {
                () = self.out.closed() => return,
                () = &mut closed => return,
                _ = recheck.tick() => {
                    if Caller::identify(&self.pool, self.clock.today(), &self.credentials).await.is_err() {
                        return;
                    }
                    continue;
                }
                signal = signals.recv() => signal,
            };
            let handled = match signal {
                Ok(Signal::Change(change)) if change.owner == self.owner => {
                    self.forward(change.seq, change.code.clone()).await
                }
                Ok(Signal::Change(_)) => Ok(()),
                Ok(Signal::Resync) | Err(broadcast::error::RecvError::Lagged(_)) => self.catch_up().await,
                Err(broadcast::error::RecvError::Closed) => return,
            };
            if handled.is_err() {
                return;
            }
        }
    }

    /// Sends every change of the profile after the stream's cursor, from the
    /// table, a page at a time.
    async fn catch_up(&mut self) -> Result<(), Ended> {
        loop {
            let rows: Vec<(i64, String)> = sqlx::query_as(BACKLOG_QUERY)
                .bind(&self.owner)
                .bind(self.delivered.last())
                .bind(PAGE)
                .fetch_all(&self.pool)
                .await
                .map_err(|error| {
                    tracing::warn!(%error, "live events: reading the backlog failed; ending the stream");
                    Ended
                })?;
            let full_page = i64::try_from(rows.len()).unwrap_or(i64::MAX) >= PAGE;
            for (seq, code) in rows {
                self.forward(seq, code).await?;
            }
            if !full_page {
                return Ok(());
            }
        }
    }

    async fn forward(&mut self, seq: i64, code: String) -> Result<(), Ended> {
        if !self.delivered.first_time(seq) {
            return Ok(());
        }
        self.send(Message::Changed { cursor: u64::try_from(seq).unwrap_or_default(), code }).await
    }

    async fn send(&self, message: Message) -> Result<(), Ended> {
        self.out.send(message).await.map_err(|_| Ended)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_last_event_id(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(LAST_EVENT_ID, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn the_last_event_id_header_wins_over_the_since_parameter() {
        assert_eq!(resume_point(&with_last_event_id("12"), Some("since=3")).ok(), Some(Some(12)));
        assert_eq!(resume_point(&HeaderMap::new(), Some("since=3")).ok(), Some(Some(3)));
        assert_eq!(resume_point(&with_last_event_id(""), Some("since=3")).ok(), Some(Some(3)));
        assert_eq!(resume_point(&HeaderMap::new(), None).ok(), Some(None));
    }

    #[test]
    fn a_cursor_that_is_not_a_non_negative_number_is_refused() {
        for bad in ["-1", "abc", "1.5", "99999999999999999999"] {
            assert!(resume_point(&with_last_event_id(bad), None).is_err(), "{bad}");
            assert!(resume_point(&HeaderMap::new(), Some(&format!("since={bad}"))).is_err(), "{bad}");
        }
    }

    /// A dossier row and its change for `owner`; returns the change's cursor.
    async fn insert_change(pool: &AnyPool, owner: &str, code: &str) -> i64 {
        sqlx::query(
            "INSERT INTO dossier (code, submitter, client_id, request_hash, owner, acting_as, procedure_code, form_id,
                                  form_version, channel, data, attachments, status, submitted_at, updated_at)
             VALUES ($1, 's', $2, 'h', $3, 'myself', 'p', 'f', 1, 'online', '{}', '[]', 'submitted', 0, 0)",
        )
        .bind(code)
        .bind(code)
        .bind(owner)
        .execute(pool)
        .await
        .unwrap();
        sqlx::query_scalar("INSERT INTO dossier_change (owner, code) VALUES ($1, $2) RETURNING seq")
            .bind(owner)
            .bind(code)
            .fetch_one(pool)
            .await
            .unwrap()
    }

    fn change(seq: i64, owner: &str, code: &str) -> Signal {
        Signal::Change(std::sync::Arc::new(super::super::Change { seq, owner: owner.into(), code: code.into() }))
    }

    /// The backlog and the live broadcast overlap: a change committed after
    /// the stream subscribed but before it read the table is both queued on
    /// the broadcast and in the table. It is sent once, and what follows
    /// still arrives, another profile's changes never.
    #[tokio::test]
    async fn a_change_seen_in_the_backlog_and_live_is_sent_once() {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::db::open(&format!("sqlite:{}", dir.path().join("portal.db").display())).await.unwrap();
        let hub = Hub::default();
        let signals = hub.subscribe();
        let before = insert_change(&pool, "person:an", "D-1").await;
        let overlapping = insert_change(&pool, "person:an", "D-2").await;
        hub.publish(change(overlapping, "person:an", "D-2"));
        let (out, mut body) = mpsc::channel(QUEUE);
        let subscriber = Subscriber {
            pool: pool.clone(),
            clock: std::sync::Arc::new(crate::clock::SystemClock),
            hub: hub.clone(),
            owner: "person:an".into(),
            credentials: HeaderMap::new(),
            delivered: Delivered::after(before),
            // Long enough never to run here: this test has no token to prove.
            recheck: Duration::from_secs(24 * 3600),
            out,
            _permit: hub.admit("an").unwrap(),
        };
        let task = tokio::spawn(subscriber.run(signals));
        let changed =
            |cursor: i64, code: &str| Message::Changed { cursor: u64::try_from(cursor).unwrap(), code: code.into() };
        assert_eq!(body.recv().await, Some(changed(overlapping, "D-2")));
        assert_eq!(body.recv().await, Some(Message::Live));

        let other = insert_change(&pool, "person:binh", "D-3").await;
        hub.publish(change(other, "person:binh", "D-3"));
        let after = insert_change(&pool, "person:an", "D-4").await;
        // A re-read, then the live signal: D-4 comes one way, not both.
        hub.publish(Signal::Resync);
        hub.publish(change(after, "person:an", "D-4"));
        let last = insert_change(&pool, "person:an", "D-5").await;
        hub.publish(change(last, "person:an", "D-5"));
        assert_eq!(body.recv().await, Some(changed(after, "D-4")), "D-2 was not sent again, nor D-3 at all");
        assert_eq!(body.recv().await, Some(changed(last, "D-5")), "D-4 was not sent again");
        hub.close();
        task.await.unwrap();
        assert_eq!(body.recv().await, None);
    }
}
