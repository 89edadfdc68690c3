//! The demo simulator, alive only on a portal started with `--demo`: it plays
//! the scripted scenarios of `assets/demo/scenarios.json` on a virtual clock,
//! so support staff can show every dossier status in minutes without an
//! agency behind the portal.
//!
//! A played scenario files a real dossier for the profile that asked, then
//! plays its steps (officer decisions, a result, the citizen's supplement or
//! payment) through the same route handlers people use, when the virtual
//! clock reaches them: on a tick every couple of seconds, and at once when
//! someone moves the clock on. The clock's lead over real time and the runs
//! are kept in the database, so a restarted demo carries on where it was.

mod clock;
pub mod play;
pub mod routes;
mod scenario;

use std::sync::Arc;
use std::time::Duration;

use sqlx::AnyPool;

pub use self::clock::VirtualClock;
use self::scenario::Scenario;
use crate::PortalError;
use crate::http::AppState;

/// How often the simulator looks for steps whose time came in real time.
const TICK: Duration = Duration::from_secs(2);

/// The scenarios and the virtual clock of one demo portal.
pub struct Simulator {
    scenarios: Vec<Scenario>,
    clock: Arc<VirtualClock>,
    /// Steps are played one at a time, whoever asks (the tick or a person).
    playing: tokio::sync::Mutex<()>,
}

impl Simulator {
    /// Loads the scenarios and the clock's lead as the database kept it.
    pub async fn load(pool: &AnyPool) -> Result<Arc<Self>, PortalError> {
        let ahead: Option<i64> =
            sqlx::query_scalar("SELECT ahead_seconds FROM demo_clock WHERE id = 1").fetch_optional(pool).await?;
        Ok(Arc::new(Self {
            scenarios: scenario::load()?,
            clock: Arc::new(VirtualClock::new(ahead.unwrap_or(0))),
            playing: tokio::sync::Mutex::new(()),
        }))
    }

    /// The clock every dossier time is read from on a demo portal.
    pub fn clock(&self) -> Arc<VirtualClock> {
        self.clock.clone()
    }

    fn scenario(&self, id: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.id == id)
    }

    /// Keeps the clock's lead for a restart.
    async fn save_clock(&self, pool: &AnyPool) -> Result<(), PortalError> {
        sqlx::query(
            "INSERT INTO demo_clock (id, ahead_seconds) VALUES (1, $1)
             ON CONFLICT (id) DO UPDATE SET ahead_seconds = excluded.ahead_seconds",
        )
        .bind(self.clock.ahead_seconds())
        .execute(pool)
        .await?;
        Ok(())
    }

    /// Plays what comes due as real time passes, until the portal stops.
    pub fn start_ticking(self: &Arc<Self>, state: AppState) {
        let simulator = self.clone();
        let stopped = state.events.closed();
        tokio::spawn(async move {
            tokio::pin!(stopped);
            let mut tick = tokio::time::interval(TICK);
            loop {
                tokio::select! {
                    () = &mut stopped => return,
                    _ = tick.tick() => {
                        let now = crate::clock::Clock::now(&*simulator.clock);
                        if let Err(error) = play::play_due(&state, &simulator, now).await {
                            tracing::warn!(%error, "the demo simulator could not play a step");
                        }
                    }
                }
            }
        });
    }
}
