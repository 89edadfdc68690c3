//! Sync planning: from what the engine holds and what the portal's changes
//! feed says, decide per dossier what to upload, what to download and what to
//! leave, before any IO happens. The engine's sync loop is then a thin shell
//! that carries out the plan (the pattern of atuin's record sync).
//!
//! The plan keeps the promises of the product: nothing the citizen typed is
//! dropped (every pending local change ends in exactly one upload, one
//! acknowledgement or one kept-as-conflict), and nothing is submitted twice
//! (a submission the portal already has is acknowledged, not sent again).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::dossier::DossierStatus;

/// A local change waiting to reach the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Pending {
    /// The dossier was submitted on this device and waits in the outbox.
    Submission,
    /// The citizen answered a supplement request, seen at `based_on` in the feed.
    Supplement { based_on: u64 },
}

/// A dossier as the engine holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalDossier {
    /// Generated on the device at submission; the idempotency key.
    pub client_id: String,
    /// The national code, once the portal has answered.
    pub code: Option<String>,
    pub status: DossierStatus,
    /// The feed cursor of the remote state stored locally, if any.
    pub seen: Option<u64>,
    pub pending: Option<Pending>,
}

/// A dossier as the portal's changes feed reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteDossier {
    pub client_id: String,
    pub code: String,
    pub status: DossierStatus,
    pub cursor: u64,
}

/// One step of a sync, for one dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum SyncAction {
    /// Send the queued submission (with its idempotency key).
    Submit { client_id: String },
    /// Send the citizen's answer to a supplement request.
    SendSupplement { client_id: String, code: String },
    /// The portal already has the queued submission: mark it sent, then
    /// (and only then) clear the outbox entry.
    Acknowledge { client_id: String, code: String },
    /// The portal moved the dossier on while the citizen edited a supplement:
    /// the portal's status wins, the edits are kept as a flagged draft.
    KeepAsConflict { client_id: String, code: String },
    /// Store the portal's state of the dossier locally.
    Store { client_id: String, code: String, cursor: u64 },
}

impl SyncAction {
    pub fn client_id(&self) -> &str {
        match self {
            Self::Submit { client_id }
            | Self::SendSupplement { client_id, .. }
            | Self::Acknowledge { client_id, .. }
            | Self::KeepAsConflict { client_id, .. }
            | Self::Store { client_id, .. } => client_id,
        }
    }

    /// Whether the action sends something to the portal.
    pub fn is_upload(&self) -> bool {
        matches!(self, Self::Submit { .. } | Self::SendSupplement { .. })
    }
}

/// Plans a sync. `remote` holds the feed's changes since the stored cursor
/// (the latest per dossier wins if one appears twice). Actions come grouped by
/// dossier in `client_id` order, uploads and acknowledgements before stores,
/// so carrying them out in order is always safe.
pub fn plan(local: &[LocalDossier], remote: &[RemoteDossier]) -> Vec<SyncAction> {
    let mut latest: BTreeMap<&str, &RemoteDossier> = BTreeMap::new();
    for change in remote {
        let entry = latest.entry(change.client_id.as_str()).or_insert(change);
        if change.cursor > entry.cursor {
            *entry = change;
        }
    }
    let locals: BTreeMap<&str, &LocalDossier> = local.iter().map(|d| (d.client_id.as_str(), d)).collect();

    let mut actions = Vec::new();
    let mut ids: Vec<&str> = locals.keys().chain(latest.keys()).copied().collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        match (locals.get(id), latest.get(id)) {
            (Some(local), None) => plan_local_only(local, &mut actions),
            (local, Some(remote)) => plan_remote_change(local.copied(), remote, &mut actions),
            (None, None) => {}
        }
    }
    actions
}

fn plan_local_only(local: &LocalDossier, actions: &mut Vec<SyncAction>) {
    let client_id = local.client_id.clone();
    match (&local.pending, &local.code) {
        (Some(Pending::Submission), _) => actions.push(SyncAction::Submit { client_id }),
        (Some(Pending::Supplement { .. }), Some(code)) if local.status == DossierStatus::SupplementRequested => {
            actions.push(SyncAction::SendSupplement { client_id, code: code.clone() });
        }
        // A supplement for a dossier the portal has not confirmed as waiting
        // for one cannot be sent; it stays pending for a later sync.
        _ => {}
    }
}

fn plan_remote_change(local: Option<&LocalDossier>, remote: &RemoteDossier, actions: &mut Vec<SyncAction>) {
    let client_id = remote.client_id.clone();
    let code = remote.code.clone();
    let store = SyncAction::Store { client_id: client_id.clone(), code: code.clone(), cursor: remote.cursor };
    let Some(local) = local else {
        actions.push(store);
        return;
    };
    match &local.pending {
        Some(Pending::Submission) => {
            actions.push(SyncAction::Acknowledge { client_id, code });
            actions.push(store);
        }
        Some(Pending::Supplement { .. }) if remote.status == DossierStatus::SupplementRequested => {
            actions.push(SyncAction::SendSupplement { client_id, code });
            actions.push(store);
        }
        Some(Pending::Supplement { .. }) => {
            actions.push(SyncAction::KeepAsConflict { client_id, code });
            actions.push(store);
        }
        None if local.seen.is_some_and(|seen| seen >= remote.cursor) => {}
        None => actions.push(store),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::dossier::DossierStatus::*;

    fn local(id: &str, status: DossierStatus, seen: Option<u64>, pending: Option<Pending>) -> LocalDossier {
        LocalDossier { client_id: id.into(), code: seen.map(|_| format!("C-{id}")), status, seen, pending }
    }

    fn remote(id: &str, status: DossierStatus, cursor: u64) -> RemoteDossier {
        RemoteDossier { client_id: id.into(), code: format!("C-{id}"), status, cursor }
    }

    fn store(id: &str, cursor: u64) -> SyncAction {
        SyncAction::Store { client_id: id.into(), code: format!("C-{id}"), cursor }
    }

    #[test]
    fn a_queued_submission_the_portal_has_not_seen_is_submitted() {
        let plan = plan(&[local("a", Queued, None, Some(Pending::Submission))], &[]);
        assert_eq!(plan, vec![SyncAction::Submit { client_id: "a".into() }]);
    }

    #[test]
    fn a_queued_submission_the_portal_already_has_is_acknowledged_not_sent_again() {
        let plan = plan(&[local("a", Queued, None, Some(Pending::Submission))], &[remote("a", Submitted, 5)]);
        assert_eq!(plan, vec![SyncAction::Acknowledge { client_id: "a".into(), code: "C-a".into() }, store("a", 5)]);
    }

    #[test]
    fn a_dossier_only_the_portal_knows_is_downloaded() {
        assert_eq!(plan(&[], &[remote("b", Processing, 9)]), vec![store("b", 9)]);
    }

    #[test]
    fn a_change_already_stored_is_left_alone() {
        assert_eq!(plan(&[local("a", Processing, Some(9), None)], &[remote("a", Processing, 9)]), vec![]);
    }

    #[test]
    fn a_newer_change_replaces_the_stored_state() {
        assert_eq!(plan(&[local("a", Processing, Some(3), None)], &[remote("a", ResultReady, 9)]), vec![store("a", 9)]);
    }

    #[test]
    fn a_supplement_is_sent_while_the_portal_still_waits_for_it() {
        let pending = Some(Pending::Supplement { based_on: 4 });
        let plan = plan(&[local("a", SupplementRequested, Some(4), pending)], &[]);
        assert_eq!(plan, vec![SyncAction::SendSupplement { client_id: "a".into(), code: "C-a".into() }]);
    }

    #[test]
    fn edits_to_a_supplement_the_portal_moved_past_are_kept_as_a_conflict() {
        let pending = Some(Pending::Supplement { based_on: 4 });
        let plan = plan(&[local("a", SupplementRequested, Some(4), pending)], &[remote("a", Stopped, 7)]);
        assert_eq!(plan, vec![SyncAction::KeepAsConflict { client_id: "a".into(), code: "C-a".into() }, store("a", 7)]);
    }

    #[test]
    fn only_the_latest_change_of_a_dossier_in_one_feed_page_counts() {
        let plan = plan(&[], &[remote("a", Accepted, 2), remote("a", Processing, 6), remote("a", Submitted, 1)]);
        assert_eq!(plan, vec![store("a", 6)]);
    }

    fn status() -> impl Strategy<Value = DossierStatus> {
        prop::sample::select(DossierStatus::ALL.to_vec())
    }

    fn pending() -> impl Strategy<Value = Option<Pending>> {
        prop_oneof![
            Just(None),
            Just(Some(Pending::Submission)),
            (0u64..20).prop_map(|b| Some(Pending::Supplement { based_on: b }))
        ]
    }

    proptest! {
        #[test]
        fn every_pending_change_gets_exactly_one_fate_and_nothing_is_sent_twice(
            locals in prop::collection::btree_map("[a-e]", (status(), prop::option::of(0u64..20), pending()), 0..5),
            remotes in prop::collection::vec(("[a-h]", status(), 0u64..20), 0..8),
        ) {
            let local: Vec<LocalDossier> = locals
                .iter()
                .map(|(id, (status, seen, pending))| local(id, *status, *seen, pending.clone()))
                .collect();
            let remote: Vec<RemoteDossier> = remotes.iter().map(|(id, s, c)| remote(id, *s, *c)).collect();
            let actions = plan(&local, &remote);
            for dossier in &local {
                let fates = actions
                    .iter()
                    .filter(|a| a.client_id() == dossier.client_id)
                    .filter(|a| !matches!(a, SyncAction::Store { .. }))
                    .count();
                let in_feed = remote.iter().any(|r| r.client_id == dossier.client_id);
                match &dossier.pending {
                    Some(Pending::Submission) => prop_assert_eq!(fates, 1),
                    Some(Pending::Supplement { .. }) if in_feed || dossier.status == SupplementRequested && dossier.code.is_some() => {
                        prop_assert_eq!(fates, 1)
                    }
                    // Nothing pending, or a supplement that cannot be sent yet: it waits.
                    _ => prop_assert_eq!(fates, 0),
                }
            }
            for id in actions.iter().map(SyncAction::client_id) {
                let submits = actions.iter().filter(|a| a.client_id() == id && matches!(a, SyncAction::Submit { .. })).count();
                let acks = actions.iter().filter(|a| a.client_id() == id && matches!(a, SyncAction::Acknowledge { .. })).count();
                prop_assert!(submits + acks <= 1, "{id}: submitted {submits} and acknowledged {acks}");
            }
        }
    }
}
