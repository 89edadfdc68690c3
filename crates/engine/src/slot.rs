//! The engine as a front holds it: behind a slot whose engine can be swapped
//! for a fresh one, because deleting the local data closes the store, removes
//! its files and keys and opens an empty store under new keys.

use std::future::Future;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use hoso_domain::profile::ActingAs;
use hoso_protocol::command::SessionState;
use tokio::sync::watch;

use crate::{Engine, EngineError, background, local_data};

/// How often the background re-reads the acting profile from the store: the
/// background asks for it synchronously, the store answers asynchronously.
const ACTING_REFRESH: Duration = Duration::from_secs(2);

/// Where a front keeps its engine. Each call takes the current engine
/// ([`EngineSlot::engine`]); a call already running on the engine a deletion
/// replaced finishes against the closed store and fails, never against the
/// new one.
pub struct EngineSlot {
    current: RwLock<Arc<Engine>>,
    /// One deletion at a time.
    swapping: tokio::sync::Mutex<()>,
    /// Counts the engines swapped in, so the background moves to the new one.
    generation: watch::Sender<u64>,
}

impl std::fmt::Debug for EngineSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineSlot").field("engine", &self.engine()).finish()
    }
}

impl EngineSlot {
    pub fn new(engine: Engine) -> Self {
        Self {
            current: RwLock::new(Arc::new(engine)),
            swapping: tokio::sync::Mutex::new(()),
            generation: watch::channel(0).0,
        }
    }

    /// The engine to make a call on.
    pub fn engine(&self) -> Arc<Engine> {
        Arc::clone(&self.current.read().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// Deletes every local draft, attachment, dossier, outbox item, setting
    /// and token, and carries on with an empty store under new keys. What
    /// was not yet sent to the portal is lost: the UI asks first.
    pub async fn delete_local_data(&self) -> Result<SessionState, EngineError> {
        let _one_at_a_time = self.swapping.lock().await;
        let fresh = self.engine().wipe_and_reopen().await?;
        let state = fresh.session_state().await?;
        *self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(fresh);
        self.generation.send_modify(|g| *g += 1);
        Ok(state)
    }

    /// Keeps the current engine in sync in the background (the outbox, the
    /// changes feed, live events: [`background::keep_in_sync`]) for the
    /// profile the person acts as, until `shutdown` completes; after a
    /// deletion swapped the engine, it carries on with the new one.
    pub async fn keep_in_sync(&self, shutdown: impl Future<Output = ()>) {
        let mut shutdown = std::pin::pin!(shutdown);
        let mut swapped = self.generation.subscribe();
        loop {
            swapped.mark_unchanged();
            let engine = self.engine();
            let acting = Arc::new(Mutex::new(engine.acting_as().await.unwrap_or(ActingAs::Myself)));
            let follow_acting = {
                let (engine, acting) = (Arc::clone(&engine), Arc::clone(&acting));
                async move {
                    loop {
                        tokio::time::sleep(ACTING_REFRESH).await;
                        if let Ok(now) = engine.acting_as().await {
                            *acting.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = now;
                        }
                    }
                }
            };
            let current = move || acting.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
            let run = background::keep_in_sync(engine, current, std::future::pending());
            tokio::select! {
                () = &mut shutdown => return,
                // A closed channel cannot happen while `self` lives; stop rather than spin.
                changed = swapped.changed() => if changed.is_err() { return },
                () = run => return,
                () = follow_acting => return,
            }
        }
    }
}

impl Engine {
    /// Ends the session (at the portal when it can be reached, on this
    /// device in any case), closes the store, deletes the local data and its
    /// keys, and opens an empty store the same way this one was opened.
    async fn wipe_and_reopen(&self) -> Result<Engine, EngineError> {
        if let Err(error) = self.session.sign_out().await {
            tracing::info!(%error, "the session could not be revoked at the portal; forgetting it here");
            self.session.forget_here().await?;
        }
        self.store.pool().close().await;
        let origin = &self.origin;
        local_data::reset_local_data(&origin.database, origin.secrets.as_ref())?;
        Engine::assemble(
            &origin.database,
            &origin.portal_url,
            Arc::clone(&origin.secrets),
            self.account,
            self.session.vault(),
        )
        .await
    }
}
