//! The SQLite publisher: one background task reads rows of `dossier_change`
//! past the last one it published, every [`POLL`] or as soon as a request
//! that may have written wakes it. SQLite is one process by design, and its
//! writers are serialised, so rows appear in cursor order and one cursor is
//! enough to miss none.

use std::sync::Arc;
use std::time::Duration;

use sqlx::AnyPool;

use super::{Change, Hub, Signal};
use crate::PortalError;

/// How long a row may wait unseen when no request woke the poller (a write
/// by another tool, say). A poll with nothing new is one indexed lookup.
const POLL: Duration = Duration::from_millis(200);
/// Rows read per query; a longer run is read in several.
const PAGE: i64 = 500;

pub async fn start(pool: AnyPool, hub: Hub) -> Result<(), PortalError> {
    // Rows committed before the start are history: streams read those from
    // the table themselves.
    let mut last: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM dossier_change").fetch_one(&pool).await?;
    tokio::spawn(async move {
        let closed = hub.closed();
        tokio::pin!(closed);
        loop {
            let mut full_page = false;
            match new_rows(&pool, last).await {
                Ok(rows) => {
                    full_page = i64::try_from(rows.len()).unwrap_or(i64::MAX) >= PAGE;
                    for row in rows {
                        last = row.seq;
                        hub.publish(Signal::Change(Arc::new(row)));
                    }
                }
                // The next poll tries again from the same cursor.
                Err(error) => tracing::warn!(%error, "live events: reading new changes failed"),
            }
            if full_page {
                continue;
            }
            tokio::select! {
                () = &mut closed => return,
                () = hub.woken() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    });
    Ok(())
}

async fn new_rows(pool: &AnyPool, after: i64) -> Result<Vec<Change>, sqlx::Error> {
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT seq, owner, code FROM dossier_change WHERE seq > $1 ORDER BY seq LIMIT $2")
            .bind(after)
            .bind(PAGE)
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().map(|(seq, owner, code)| Change { seq, owner, code }).collect())
}
