//! Rate limits on the routes people could hammer (sign-in, token, submit): fixed one-minute windows counted in the database, so every
//! portal process on one PostgreSQL shares the count. The client is the TCP
//! peer address; `X-Forwarded-For` is never trusted, so a spoofed header
//! cannot buy fresh attempts.

use std::net::SocketAddr;

use sqlx::{AnyConnection, AnyPool};

use crate::{PortalError, unix_seconds};

/// The window every limit counts in.
pub const WINDOW_SECONDS: i64 = 60;

/// A limit: at most `per_window` hits per key per window.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub name: &'static str,
    pub per_window: i64,
}

/// Sign-in attempts from one address.
pub const LOGIN_PER_ADDRESS: Limit = Limit { name: "login-address", per_window: 10 };
/// Sign-in attempts at one user name, from anywhere (slows password guessing
/// spread over many addresses).
pub const LOGIN_PER_USERNAME: Limit = Limit { name: "login-username", per_window: 5 };
/// Submissions by one person (replays included: an app retrying in a loop
/// is slowed like anyone else). Two a second on average leaves room for a
/// business filing a batch from a spreadsheet, whose outbox honours
/// `Retry-After` when it goes faster.
pub const SUBMIT_PER_PERSON: Limit = Limit { name: "submit-person", per_window: 120 };
/// Passkey ceremonies started from one address: each stores state until it
/// expires, so starting is bounded too.
pub const PASSKEY_START_PER_ADDRESS: Limit = Limit { name: "passkey-start-address", per_window: 30 };
/// Token requests from one address.
pub const TOKEN_PER_ADDRESS: Limit = Limit { name: "token-address", per_window: 30 };

/// The limits one portal enforces. [`RateLimits::default`] is what a
/// deployment gets; benchmarks raise them to measure the path, not the limit.
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    pub login_per_address: Limit,
    pub login_per_username: Limit,
    pub submit_per_person: Limit,
    pub token_per_address: Limit,
    pub passkey_start_per_address: Limit,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            login_per_address: LOGIN_PER_ADDRESS,
            login_per_username: LOGIN_PER_USERNAME,
            submit_per_person: SUBMIT_PER_PERSON,
            token_per_address: TOKEN_PER_ADDRESS,
            passkey_start_per_address: PASSKEY_START_PER_ADDRESS,
        }
    }
}

/// Counts a hit and answers the window's count, on SQLite: `$1` is the
/// bucket, `$2` the window's start (see [`Hit`]). SQLite's WAL at
/// `synchronous = NORMAL` already commits without a flush.
pub(crate) const COUNT_SQLITE: &str = "INSERT INTO rate_limit (bucket, window_start, hits) VALUES ($1, $2, 1)
     ON CONFLICT (bucket) DO UPDATE SET
         hits = CASE WHEN rate_limit.window_start = excluded.window_start THEN rate_limit.hits + 1 ELSE 1 END,
         window_start = excluded.window_start
     RETURNING hits";

/// One hit about to be counted: the bucket it counts in and the window,
/// read from the clock once.
pub(crate) struct Hit {
    pub limit: Limit,
    /// `limit.name:key`, the row that counts.
    pub bucket: String,
    pub window_start: i64,
    now: i64,
}

impl Hit {
    pub fn new(limit: Limit, key: &str) -> Self {
        let now = unix_seconds();
        Self { limit, bucket: format!("{}:{key}", limit.name), window_start: now - now.rem_euclid(WINDOW_SECONDS), now }
    }

    /// `Err(RateLimited)` once `hits`, the window's count with this hit,
    /// passed the limit, with the seconds until the window ends.
    pub fn verdict(&self, hits: i64) -> Result<(), PortalError> {
        if hits > self.limit.per_window {
            let retry_after = u64::try_from(self.window_start + WINDOW_SECONDS - self.now).unwrap_or(1).max(1);
            return Err(PortalError::RateLimited { retry_after });
        }
        Ok(())
    }
}

/// Counts a hit for `key` under `limit`; `Err(RateLimited)` with the seconds
/// until the window ends once the limit is passed.
pub async fn hit(pool: &AnyPool, limit: Limit, key: &str) -> Result<(), PortalError> {
    let hit = Hit::new(limit, key);
    // One statement counts and reads, so concurrent hits cannot both see a
    // count under the limit. It is its own transaction: no BEGIN and COMMIT
    // round trips (on SQLite each is a hop to sqlx's worker thread).
    let hits: i64 = if pool.connect_options().database_url.scheme().starts_with("postgres") {
        // A count lost in a crash costs at most one window of extra attempts,
        // so the hit does not wait for its own flush. On PostgreSQL every
        // request of one key updates one row, which stays locked until its
        // commit: waiting for the flush there ran one key's requests one
        // flush at a time, which capped one person's submissions at the
        // disk's flush rate (goal G12 of `cargo xtask bench`).
        // `set_config(…, true)` is `SET LOCAL` inside the statement: it holds
        // for the statement's own transaction, whose commit reads it.
        sqlx::query_scalar(
            "INSERT INTO rate_limit (bucket, window_start, hits)
             SELECT $1, $2, 1 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS unflushed
             ON CONFLICT (bucket) DO UPDATE SET
                 hits = CASE WHEN rate_limit.window_start = excluded.window_start THEN rate_limit.hits + 1 ELSE 1 END,
                 window_start = excluded.window_start
             RETURNING hits",
        )
        .bind(&hit.bucket)
        .bind(hit.window_start)
        .fetch_one(pool)
        .await?
    } else {
        sqlx::query_scalar(COUNT_SQLITE).bind(&hit.bucket).bind(hit.window_start).fetch_one(pool).await?
    };
    hit.verdict(hits)
}

/// Counts `hit` inside the caller's transaction on SQLite, so that the count
/// commits with the rest of the request's writes (one commit instead of
/// two). The caller commits even when this answers `Err(RateLimited)`, so
/// the refused hit is counted too. Not for PostgreSQL, whose count must not
/// hold its row locked until a longer transaction's flush (see [`hit`]).
pub(crate) async fn hit_in(connection: &mut AnyConnection, hit: &Hit) -> Result<(), PortalError> {
    let hits: i64 =
        sqlx::query_scalar(COUNT_SQLITE).bind(&hit.bucket).bind(hit.window_start).fetch_one(&mut *connection).await?;
    hit.verdict(hits)
}

/// The key for the client at `peer`: its IP address, without the port.
pub fn address_key(peer: SocketAddr) -> String {
    peer.ip().to_string()
}
