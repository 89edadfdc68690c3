//! Pulling the acting profile's dossiers from the portal's changes feed, from
//! the cursor stored for that profile, page by page until `more` is false.
//! Pages are as large as the feed allows, and each is read as it arrives
//! (`feed_reader.rs`) and written in slices of at most 500 changes while the
//! rest arrives. Each slice is planned by the domain's sync planner and
//! applied in one transaction with the cursor of its last change, so a crash
//! mid-sync repeats a slice rather than skipping one. Status changes go out on
//! the engine's broadcast channel.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use hoso_domain::dossier::DossierStatus;
use hoso_domain::profile::ActingAs;
use hoso_domain::sync::{RemoteDossier, SyncAction, plan};
use hoso_protocol::api::dossier::{CHANGES_MAX_LIMIT, DossierChange, DossierSummary};
use hoso_protocol::api::{ACTING_AS_HEADER, path};
use time::{Date, OffsetDateTime};

use super::dossier_table as rows;
use super::feed_reader::PageReader;
use super::table::acting_key;
use crate::portal_client::PortalClient;
use crate::{Engine, EngineError};

/// A dossier's status changed at the portal; the shell notifies the citizen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierEvent {
    pub client_id: String,
    pub code: String,
    pub acting_as: ActingAs,
    /// `None` for a dossier this device had not seen before.
    pub from: Option<DossierStatus>,
    pub to: DossierStatus,
}

/// What a sync of one profile did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Feed entries read.
    pub changes: usize,
    /// Dossiers whose status changed (each raised a [`DossierEvent`]).
    pub status_changes: usize,
    /// Supplement drafts the portal overtook, kept and flagged.
    pub conflicts: usize,
    /// The cursor stored for the next sync.
    pub cursor: u64,
}

/// A dossier as the engine holds it: the summary of its last known state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownDossier {
    pub client_id: String,
    /// The portal's code, once it acknowledged the dossier.
    pub code: Option<String>,
    pub procedure: String,
    pub status: DossierStatus,
    pub due_on: Option<Date>,
    pub updated_at: Option<OffsetDateTime>,
}

impl From<rows::DossierRow> for KnownDossier {
    fn from(r: rows::DossierRow) -> Self {
        Self {
            client_id: r.client_id,
            code: r.code,
            procedure: r.procedure,
            status: r.status,
            due_on: r.due_on,
            updated_at: r.updated_at,
        }
    }
}

/// The most feed entries applied in one store transaction: a page is
/// applied in slices of this many as they arrive, each committed with the
/// cursor of its last change, so a large catch-up never holds the store's
/// write lock (which an autosave waits for) longer than this many upserts.
const APPLY_BATCH: usize = 500;

/// Slices read ahead of the one being written, at most.
const SLICES_AHEAD: usize = 4;

impl Engine {
    /// Pulls every change to the signed-in person's profile `acting`'s
    /// dossiers since the last sync, from that person's cursor for it.
    ///
    /// Pages are as large as the portal allows ([`CHANGES_MAX_LIMIT`]), so a
    /// catch-up is one round trip per 10,000 changes, and each page is
    /// written slice by slice while the rest of it is still arriving.
    pub async fn sync_dossiers(&self, acting: &ActingAs) -> Result<SyncReport, EngineError> {
        let credentials = self.credentials().await?;
        let (subject, bearer) = (credentials.subject.as_str(), credentials.bearer.as_str());
        let key = acting_key(acting);
        let pool = self.store.pool();
        let mut report = SyncReport { cursor: rows::cursor(pool, subject, &key).await?, ..SyncReport::default() };
        loop {
            let from = report.cursor;
            let response = self.request_changes(bearer, &key, from).await?;
            let (next, more) = self.apply_page(subject, acting, response, &mut report).await?;
            // A page that does not move the cursor on would repeat forever.
            if !more || next <= from {
                break;
            }
        }
        Ok(report)
    }

    /// Makes dossier syncs read the changes feed in pages of `limit` changes
    /// (1 to [`CHANGES_MAX_LIMIT`]) instead of the largest: for tests of a
    /// catch-up over several pages, as a portal with smaller pages gives.
    #[doc(hidden)]
    pub fn set_feed_page_limit(&self, limit: u64) {
        self.feed_page.store(limit.clamp(1, CHANGES_MAX_LIMIT), Ordering::Relaxed);
    }

    /// Asks for the page of the changes feed after `since`; answers the
    /// response once its status says a page follows.
    async fn request_changes(&self, bearer: &str, key: &str, since: u64) -> Result<reqwest::Response, EngineError> {
        let mut url = self.portal.url(path::DOSSIER_CHANGES)?;
        url.query_pairs_mut()
            .append_pair("since", &since.to_string())
            .append_pair("limit", &self.feed_page.load(Ordering::Relaxed).to_string());
        let response = self
            .portal
            .http()
            .get(url)
            .bearer_auth(bearer)
            .header(ACTING_AS_HEADER, key)
            .send()
            .await
            .map_err(EngineError::Network)?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        // The refusal's envelope, as for every other call.
        match PortalClient::read_json::<serde_json::Value>(response).await {
            Err(refused) => Err(refused),
            Ok(_) => Err(EngineError::PortalContract(format!("{status} with a body that is no envelope"))),
        }
    }

    /// Reads a page as it arrives and writes it in slices of
    /// [`APPLY_BATCH`] changes, each one transaction with the cursor of its
    /// last change, so a crash or a cut-off mid-page keeps what was written
    /// and the next sync repeats nothing and skips nothing. Reading goes on
    /// while a slice is written. Answers the page's `next` and `more`.
    async fn apply_page(
        &self,
        subject: &str,
        acting: &ActingAs,
        response: reqwest::Response,
        report: &mut SyncReport,
    ) -> Result<(u64, bool), EngineError> {
        let (slices, arriving) = tokio::sync::mpsc::channel::<Vec<DossierChange>>(SLICES_AHEAD);
        let read = async move {
            let mut response = response;
            let mut reader = PageReader::default();
            let mut parsed = Vec::new();
            while let Some(bytes) = response.chunk().await.map_err(EngineError::Network)? {
                reader.feed(&bytes, &mut parsed).map_err(|e| EngineError::PortalContract(e.to_string()))?;
                while parsed.len() >= APPLY_BATCH {
                    let rest = parsed.split_off(APPLY_BATCH);
                    // The writer stopped (its error is the one reported).
                    if slices.send(std::mem::replace(&mut parsed, rest)).await.is_err() {
                        return Ok(None);
                    }
                }
            }
            let page = reader.finish().map_err(|e| EngineError::PortalContract(e.to_string()))?;
            if !parsed.is_empty() && slices.send(parsed).await.is_err() {
                return Ok(None);
            }
            Ok::<_, EngineError>(Some(page))
        };
        let write = async {
            // Owned by this future, so that a failed write drops the
            // receiver and the reader stops instead of waiting on a full channel.
            let mut arriving = arriving;
            while let Some(slice) = arriving.recv().await {
                let last = slice.last().map_or(report.cursor, |c| c.cursor);
                let events = self.apply_slice(subject, acting, &slice, last, report).await?;
                report.changes += slice.len();
                for event in events {
                    // No subscriber is not an error: the store holds the status.
                    let _ = self.link.events.send(event);
                }
            }
            Ok::<_, EngineError>(())
        };
        let (read, written) = tokio::join!(read, write);
        written?;
        let (next, more) = read?.ok_or_else(|| EngineError::PortalContract("the page stopped being read".into()))?;
        // `next` may lie beyond the last change (an empty page carries the
        // cursor it was asked from): it is stored too.
        if next > report.cursor {
            self.apply_slice(subject, acting, &[], next, report).await?;
        }
        Ok((next, more))
    }

    /// Writes one slice of a page in one transaction, with the cursor `next`;
    /// answers the status changes to announce.
    async fn apply_slice(
        &self,
        subject: &str,
        acting: &ActingAs,
        changes: &[DossierChange],
        next: u64,
        report: &mut SyncReport,
    ) -> Result<Vec<DossierEvent>, EngineError> {
        let key = &acting_key(acting);
        let mut tx = self.store.pool().begin().await?;
        rows::write_first(&mut tx, subject, key).await?;
        let ids: Vec<&str> = changes.iter().map(|c| c.dossier.client_id.as_str()).collect();
        let local = rows::local(&mut tx, subject, &ids).await?;
        let held: HashMap<&str, DossierStatus> = local.iter().map(|d| (d.client_id.as_str(), d.status)).collect();
        let remote: Vec<RemoteDossier> = changes
            .iter()
            .map(|c| RemoteDossier {
                client_id: c.dossier.client_id.clone(),
                code: c.dossier.code.clone(),
                status: c.dossier.status,
                cursor: c.cursor,
            })
            .collect();
        let by_change: HashMap<(&str, u64), &DossierSummary> =
            changes.iter().map(|c| ((c.dossier.client_id.as_str(), c.cursor), &c.dossier)).collect();
        let latest = |client_id: &str, cursor: u64| by_change.get(&(client_id, cursor)).copied();
        let mut events = Vec::new();
        // The slice's stores are written together after the loop: they touch
        // only `dossier`, the other actions only the outbox and supplement
        // drafts, so the order between them does not matter.
        let mut stores = Vec::new();
        for action in plan(&local, &remote) {
            match action {
                SyncAction::Store { client_id, code, cursor } => {
                    let Some(summary) = latest(&client_id, cursor) else { continue };
                    let before = held.get(client_id.as_str()).copied();
                    stores.push((summary, cursor));
                    if before != Some(summary.status) {
                        report.status_changes += 1;
                        events.push(DossierEvent {
                            client_id,
                            code,
                            acting_as: acting.clone(),
                            from: before,
                            to: summary.status,
                        });
                    }
                }
                SyncAction::Acknowledge { client_id, code } => {
                    rows::acknowledge(&mut tx, subject, &client_id, &code).await?;
                }
                SyncAction::KeepAsConflict { code, .. } => {
                    rows::flag_conflict(&mut tx, subject, &code).await?;
                    report.conflicts += 1;
                }
                // Sending is the outbox sender's work, not the feed's; a
                // supplement answer stays pending until it is sent.
                SyncAction::Submit { .. } | SyncAction::SendSupplement { .. } => {}
            }
        }
        rows::upsert_all(&mut tx, subject, key, &stores).await?;
        report.cursor = report.cursor.max(next);
        rows::set_cursor(&mut tx, subject, key, report.cursor).await?;
        tx.commit().await?;
        Ok(events)
    }

    /// The signed-in person's dossiers held for `acting`, newest change
    /// first; works offline. None signed out.
    pub async fn dossiers(&self, acting: &ActingAs) -> Result<Vec<KnownDossier>, EngineError> {
        let Some(subject) = self.subject().await? else { return Ok(Vec::new()) };
        let held = rows::of_profile(self.store.pool(), &subject, &acting_key(acting)).await?;
        Ok(held.into_iter().map(Into::into).collect())
    }

    /// One of the signed-in person's dossiers by its client id, if held.
    pub async fn dossier(&self, client_id: &str) -> Result<Option<KnownDossier>, EngineError> {
        let Some(subject) = self.subject().await? else { return Ok(None) };
        Ok(rows::by_client_id(self.store.pool(), &subject, client_id).await?.map(Into::into))
    }
}
