//! Live events: new rows of the changes feed (`dossier_change`) pushed to
//! signed-in apps as server-sent events.
//!
//! One publisher per process turns new rows into [`Signal`]s on the [`Hub`]'s
//! broadcast channel: on PostgreSQL a `LISTEN` connection fed by a trigger,
//! so a row inserted by any process reaches every process
//! (`publish_postgres.rs`); on SQLite, which one process owns, a poller
//! (`publish_sqlite.rs`). Each open stream (`stream.rs`) filters the
//! broadcast down to its own profile and fills any gap from the table
//! (`delivered.rs` keeps it from sending a change twice).

mod delivered;
mod publish_postgres;
mod publish_sqlite;
mod stream;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sqlx::AnyPool;
use tokio::sync::{Notify, broadcast, watch};

// `__path_events` is the route's OpenAPI description, which `routes!` finds beside the handler.
pub use stream::{__path_events, BACKLOG_QUERY, LATEST_QUERY, events};

use crate::PortalError;
use crate::db::Backend;

/// How many signals a slow stream may fall behind before it is told it
/// lagged; it then re-reads the table, so the bound costs a query, not events.
const BROADCAST_CAPACITY: usize = 1024;

/// How many event streams one person may hold open at once in one process.
pub const STREAMS_PER_PERSON: usize = 5;

/// One new row of the changes feed: ids only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    /// The owning profile, as `dossier_change.owner` stores it.
    pub owner: String,
    pub code: String,
}

/// What the publisher tells every open stream.
#[derive(Debug, Clone)]
pub enum Signal {
    /// A change was committed.
    Change(Arc<Change>),
    /// Changes may have been missed (the publisher lost its connection, or a
    /// notification carried no owner): every stream re-reads the table from
    /// its own cursor.
    Resync,
}

/// The process's meeting point between its publisher and its open streams.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    signals: broadcast::Sender<Signal>,
    /// Wakes the SQLite poller early after a request that may have written.
    wake: Notify,
    closing: watch::Sender<bool>,
    /// Open streams per person, for [`STREAMS_PER_PERSON`].
    open: Mutex<HashMap<String, usize>>,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            inner: Arc::new(Inner {
                signals: broadcast::channel(BROADCAST_CAPACITY).0,
                wake: Notify::new(),
                closing: watch::channel(false).0,
                open: Mutex::new(HashMap::new()),
            }),
        }
    }
}

impl Hub {
    /// A receiver of every signal published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Signal> {
        self.inner.signals.subscribe()
    }

    fn publish(&self, signal: Signal) {
        // No open stream is no error: nobody is waiting for this hint.
        let _ = self.inner.signals.send(signal);
    }

    /// Asks the publisher to look for new rows now rather than at its next
    /// poll. Only the SQLite poller listens; PostgreSQL tells by itself.
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    async fn woken(&self) {
        self.inner.wake.notified().await;
    }

    /// Ends every open stream and the publisher: the server is stopping, and
    /// a stream left open would keep its graceful shutdown waiting forever.
    pub fn close(&self) {
        self.inner.closing.send_replace(true);
    }

    /// Resolves once [`Hub::close`] was called; it borrows nothing, so a
    /// long-lived task can hold it beside its own state.
    pub fn closed(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut closing = self.inner.closing.subscribe();
        async move {
            let _ = closing.wait_for(|closed| *closed).await;
        }
    }

    /// A place for one more stream of `person`, or `None` when they already
    /// hold [`STREAMS_PER_PERSON`]. The place is given back when the permit drops.
    pub fn admit(&self, person: &str) -> Option<StreamPermit> {
        let mut open = self.inner.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = open.entry(person.to_owned()).or_default();
        if *count >= STREAMS_PER_PERSON {
            return None;
        }
        *count += 1;
        Some(StreamPermit { hub: self.clone(), person: person.to_owned() })
    }
}

/// One person's place among their open streams.
pub struct StreamPermit {
    hub: Hub,
    person: String,
}

impl Drop for StreamPermit {
    fn drop(&mut self) {
        let mut open = self.hub.inner.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.person) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.person);
            }
        }
    }
}

/// Starts this process's publisher for the backend the database URL names.
/// Returns once it is watching, so no row committed afterwards is missed.
pub async fn start_publisher(backend: Backend, url: &str, pool: &AnyPool, hub: &Hub) -> Result<(), PortalError> {
    match backend {
        Backend::Postgres => publish_postgres::start(url, hub.clone()).await,
        Backend::Sqlite => publish_sqlite::start(pool.clone(), hub.clone()).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_holds_at_most_the_allowed_streams_and_a_closed_one_frees_its_place() {
        let hub = Hub::default();
        let mut held: Vec<StreamPermit> = (0..STREAMS_PER_PERSON).map(|_| hub.admit("person:an").unwrap()).collect();
        assert!(hub.admit("person:an").is_none());
        assert!(hub.admit("person:binh").is_some(), "another person is counted apart");
        held.pop();
        assert!(hub.admit("person:an").is_some());
    }

    #[tokio::test]
    async fn closing_the_hub_releases_whoever_waits_for_it() {
        let hub = Hub::default();
        let waiting = tokio::spawn({
            let hub = hub.clone();
            async move { hub.closed().await }
        });
        hub.close();
        waiting.await.unwrap();
        // Someone who starts waiting afterwards is released at once.
        hub.closed().await;
    }
}
