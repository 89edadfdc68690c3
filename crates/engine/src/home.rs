//! The home screen and "sync now", for the acting profile: dossier cards
//! built from the local dossier table with the catalogue's names, drafts, the
//! outbox, and why the last sync failed — everything from the store, so home
//! shows offline.

use std::collections::HashMap;

use hoso_domain::catalogue::Localized;
use hoso_domain::dossier::DossierStatus;
use hoso_domain::profile::ActingAs;
use hoso_protocol::command::{DossierCard, Home, NeedsAction, OutboxItem, OutboxState, SyncOutcome};
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};

use crate::{Engine, EngineError, KnownDossier};

/// How many dossiers "recent" shows.
const RECENT: usize = 10;
/// How many acknowledged submissions the home outbox keeps showing.
const RECENTLY_SENT: usize = 5;

/// What a dossier in `status` waits on the citizen for, if anything.
pub fn needs_action(status: DossierStatus) -> Option<NeedsAction> {
    match status {
        DossierStatus::SupplementRequested => Some(NeedsAction::Supplement),
        DossierStatus::PaymentRequested => Some(NeedsAction::Payment),
        DossierStatus::ResultReady => Some(NeedsAction::Result),
        _ => None,
    }
}

/// A dossier as lists show it; `names` maps procedure codes to their names
/// (a procedure the catalogue no longer lists shows its code).
fn card(
    dossier: KnownDossier,
    acting: &ActingAs,
    names: &HashMap<String, Localized>,
) -> Result<DossierCard, EngineError> {
    let procedure_name = names
        .get(&dossier.procedure)
        .cloned()
        .unwrap_or_else(|| Localized { vi: dossier.procedure.clone(), en: dossier.procedure.clone() });
    let procedure =
        serde_json::from_value(serde_json::Value::String(dossier.procedure)).map_err(EngineError::Corrupt)?;
    Ok(DossierCard {
        client_id: dossier.client_id,
        code: dossier.code,
        procedure,
        procedure_name,
        acting_as: acting.clone(),
        status: dossier.status,
        updated_at: dossier.updated_at,
        due_on: dossier.due_on,
        needs: needs_action(dossier.status),
    })
}

impl Engine {
    /// The acting profile's dossiers as cards, newest change first (queued
    /// ones, which the portal has not dated yet, last); works offline.
    pub async fn home_cards(&self, acting: &ActingAs) -> Result<Vec<DossierCard>, EngineError> {
        let names: HashMap<String, Localized> =
            self.procedures().await?.into_iter().map(|p| (p.code.as_str().to_owned(), p.name)).collect();
        self.dossiers(acting).await?.into_iter().map(|d| card(d, acting, &names)).collect()
    }

    /// The acting profile's outbox items, oldest first; works offline.
    pub async fn outbox_of(&self, acting: &ActingAs) -> Result<Vec<OutboxItem>, EngineError> {
        let mut items = self.outbox().await?;
        items.retain(|item| &item.acting_as == acting);
        Ok(items)
    }

    /// What the home screen shows for the acting profile; works offline.
    pub async fn home(&self) -> Result<Home, EngineError> {
        let acting = self.acting_as().await?;
        let cards = self.home_cards(&acting).await?;
        let needs_action = cards.iter().filter(|c| c.needs.is_some()).cloned().collect();
        let recent = cards.into_iter().take(RECENT).collect();
        let items = self.outbox_of(&acting).await?;
        let sent = items.iter().filter(|i| matches!(i.state, OutboxState::Sent { .. })).count();
        let mut skipped_sent = sent.saturating_sub(RECENTLY_SENT);
        let outbox = items
            .into_iter()
            .filter(|item| {
                // Oldest first: the first sent ones past the limit are left out.
                if matches!(item.state, OutboxState::Sent { .. }) && skipped_sent > 0 {
                    skipped_sent -= 1;
                    return false;
                }
                true
            })
            .collect();
        Ok(Home {
            needs_action,
            drafts: self.drafts(&acting).await?,
            outbox,
            recent,
            sync_error: self.last_sync_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone(),
        })
    }

    /// Sends the outbox, then pulls the acting profile's dossiers and the
    /// profile. A failure to reach or satisfy the portal is reported in the
    /// answer (and on home) rather than thrown; only a failure of this
    /// device's store is an error.
    pub async fn sync_now(&self) -> Result<SyncOutcome, EngineError> {
        let acting = self.acting_as().await?;
        let mut outcome = SyncOutcome { sent: 0, changed: 0, error: None };
        let result = async {
            let sent = self.send_outbox(self.stored_attachments()).await?;
            outcome.sent = u32::try_from(sent.sent).unwrap_or(u32::MAX);
            let synced = self.sync_dossiers(&acting).await?;
            outcome.changed = u32::try_from(synced.status_changes).unwrap_or(u32::MAX);
            self.profile().await?;
            Ok::<(), EngineError>(())
        }
        .await;
        if let Err(error) = result {
            let envelope = error.to_envelope();
            if matches!(envelope.kind, ErrorKind::Store | ErrorKind::CannotDecrypt) {
                return Err(error);
            }
            tracing::info!(%error, "sync did not finish; home shows what the device holds");
            outcome.error = Some(envelope);
        }
        self.set_sync_error(outcome.error.clone());
        Ok(outcome)
    }

    fn set_sync_error(&self, error: Option<ErrorEnvelope>) {
        *self.last_sync_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = error;
    }
}
