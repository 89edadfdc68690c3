//! Pulling the acting profile's dossiers from the portal's changes feed, from
//! the cursor stored for that profile, page by page until `more` is false.
//! Each page is planned by the domain's sync planner and applied in one
//! transaction with the new cursor, so a crash mid-sync repeats a page rather
//! than skipping one. Status changes go out on the engine's broadcast channel.

use std::collections::HashMap;

use hoso_domain::dossier::DossierStatus;
use hoso_domain::profile::ActingAs;
use hoso_domain::sync::{RemoteDossier, SyncAction, plan};
use hoso_protocol::api::dossier::{Changes, DossierSummary};
use hoso_protocol::api::{ACTING_AS_HEADER, path};
use time::{Date, OffsetDateTime};

use super::dossier_table as rows;
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

impl Engine {
    /// Pulls every change to the signed-in person's profile `acting`'s
    /// dossiers since the last sync, from that person's cursor for it.
    pub async fn sync_dossiers(&self, acting: &ActingAs) -> Result<SyncReport, EngineError> {
        let credentials = self.credentials().await?;
        let (subject, bearer) = (credentials.subject.as_str(), credentials.bearer.as_str());
        let key = acting_key(acting);
        let pool = self.store.pool();
        let mut report = SyncReport { cursor: rows::cursor(pool, subject, &key).await?, ..SyncReport::default() };
        loop {
            let from = report.cursor;
            let mut url = self.portal.url(path::DOSSIER_CHANGES)?;
            url.query_pairs_mut().append_pair("since", &from.to_string());
            let response = self
                .portal
                .http()
                .get(url)
                .bearer_auth(bearer)
                .header(ACTING_AS_HEADER, &key)
                .send()
                .await
                .map_err(EngineError::Network)?;
            let page: Changes = PortalClient::read_json(response).await?;
            report.changes += page.changes.len();
            let events = self.apply_page(subject, acting, &page, &mut report).await?;
            for event in events {
                // No subscriber is not an error: the store holds the status.
                let _ = self.link.events.send(event);
            }
            // A page that does not move the cursor on would repeat forever.
            if !page.more || page.next <= from {
                break;
            }
        }
        Ok(report)
    }

    async fn apply_page(
        &self,
        subject: &str,
        acting: &ActingAs,
        page: &Changes,
        report: &mut SyncReport,
    ) -> Result<Vec<DossierEvent>, EngineError> {
        let key = &acting_key(acting);
        let mut tx = self.store.pool().begin().await?;
        rows::write_first(&mut tx, subject, key).await?;
        let ids: Vec<&str> = page.changes.iter().map(|c| c.dossier.client_id.as_str()).collect();
        let local = rows::local(&mut tx, subject, &ids).await?;
        let held: HashMap<&str, DossierStatus> = local.iter().map(|d| (d.client_id.as_str(), d.status)).collect();
        let remote: Vec<RemoteDossier> = page
            .changes
            .iter()
            .map(|c| RemoteDossier {
                client_id: c.dossier.client_id.clone(),
                code: c.dossier.code.clone(),
                status: c.dossier.status,
                cursor: c.cursor,
            })
            .collect();
        let by_change: HashMap<(&str, u64), &DossierSummary> =
            page.changes.iter().map(|c| ((c.dossier.client_id.as_str(), c.cursor), &c.dossier)).collect();
        let latest = |client_id: &str, cursor: u64| by_change.get(&(client_id, cursor)).copied();
        let mut events = Vec::new();
        for action in plan(&local, &remote) {
            match action {
                SyncAction::Store { client_id, code, cursor } => {
                    let Some(summary) = latest(&client_id, cursor) else { continue };
                    let before = held.get(client_id.as_str()).copied();
                    rows::upsert(&mut tx, subject, key, summary, cursor).await?;
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
        report.cursor = report.cursor.max(page.next);
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
