//! The PostgreSQL publisher: one `LISTEN` connection per process on the
//! channel the trigger of migration 0012 notifies for every new row of
//! `dossier_change`, whichever process inserted it. Notifications are not
//! queued for a listener that is away, so after the connection is lost and
//! re-established every stream is told to re-read the table from its own
//! cursor ([`Signal::Resync`]).

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use sqlx::postgres::PgListener;

use super::{Change, Hub, Signal};
use crate::PortalError;

/// The channel migration 0012's trigger notifies.
const CHANNEL: &str = "hoso_dossier_change";
/// The longest wait between attempts to reconnect.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// A notification's payload: ids only. `owner` and `code` are left out when
/// they would not fit PostgreSQL's payload limit.
#[derive(Debug, Deserialize)]
struct Payload {
    seq: i64,
    owner: Option<String>,
    code: Option<String>,
}

/// What one notification asks the streams to do.
fn signal_of(payload: &str) -> Signal {
    match serde_json::from_str::<Payload>(payload) {
        Ok(Payload { seq, owner: Some(owner), code: Some(code) }) => {
            Signal::Change(Arc::new(Change { seq, owner, code }))
        }
        _ => Signal::Resync,
    }
}

async fn listen(url: &str) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Listens before returning, so every row committed afterwards is heard.
pub async fn start(url: &str, hub: Hub) -> Result<(), PortalError> {
    let listener = listen(url).await?;
    let url = url.to_owned();
    tokio::spawn(async move {
        let closed = hub.closed();
        tokio::pin!(closed);
        tokio::select! {
            () = &mut closed => {}
            () = run(listener, &url, &hub) => {}
        }
    });
    Ok(())
}

async fn run(mut listener: PgListener, url: &str, hub: &Hub) {
    loop {
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => hub.publish(signal_of(notification.payload())),
                // sqlx lost the connection and has listened again on a new
                // one; whatever was notified in between is gone.
                Ok(None) => hub.publish(Signal::Resync),
                Err(error) => {
                    tracing::warn!(%error, "live events: the listening connection failed");
                    break;
                }
            }
        }
        listener = reconnect(url).await;
        // Only now that it listens again can a re-read miss nothing.
        hub.publish(Signal::Resync);
    }
}

/// A new listening connection, waiting longer after each failed attempt.
async fn reconnect(url: &str) -> PgListener {
    let mut backoff = Duration::from_millis(100);
    loop {
        tokio::time::sleep(backoff).await;
        match listen(url).await {
            Ok(listener) => return listener,
            Err(error) => tracing::warn!(%error, "live events: cannot listen again yet"),
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notification_with_its_ids_becomes_a_change() {
        let Signal::Change(change) = signal_of(r#"{"seq": 42, "owner": "person:abc", "code": "X01-260101-00000001"}"#)
        else {
            panic!("not a change")
        };
        assert_eq!(*change, Change { seq: 42, owner: "person:abc".into(), code: "X01-260101-00000001".into() });
    }

    #[test]
    fn a_notification_without_its_owner_or_unreadable_asks_for_a_re_read() {
        for payload in [r#"{"seq": 42}"#, "not json", ""] {
            assert!(matches!(signal_of(payload), Signal::Resync), "{payload}");
        }
    }
}
