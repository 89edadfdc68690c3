//! The session as the UI sees it, against a real demo portal: the demo
//! sign-in through the portal's own page, the profile kept for offline use,
//! the acting profile remembered and checked against mandates, signing out,
//! and deleting the local data with the engine usable afterwards.

use std::sync::Arc;

use hoso_domain::identity::TaxCode;
use hoso_domain::profile::ActingAs;
use hoso_engine::{Account, EngineSlot, MemorySecrets};
use hoso_protocol::command::AppMode;

use super::*;

pub(super) const ENTERPRISE: &str = "0100233488";

/// A demo engine on a fresh demo portal, not signed in.
pub(super) async fn demo_engine() -> (tempfile::TempDir, hoso_portal::RunningPortal, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let engine = Engine::open(&dir.path().join("engine.db"), &portal.url()).await.unwrap();
    (dir, portal, engine)
}

pub(super) fn enterprise() -> ActingAs {
    ActingAs::Enterprise(TaxCode::parse(ENTERPRISE).unwrap())
}

#[tokio::test]
async fn a_demo_engine_signs_in_as_a_demo_identity_through_the_portals_own_sign_in() {
    let (_dir, _portal, engine) = demo_engine().await;
    let identities = engine.demo_identities().await.unwrap();
    assert!(identities.iter().any(|i| i.username == "business"), "{identities:?}");
    let before = engine.session_state().await.unwrap();
    assert_eq!((before.mode, before.signed_in, before.profile), (AppMode::Demo, false, None));

    let state = engine.sign_in_demo("business").await.unwrap();

    assert!(state.signed_in);
    assert_eq!(state.acting_as, ActingAs::Myself);
    let profile = state.profile.expect("the profile, read after signing in");
    assert_eq!(profile.person.full_name, "Trần Thị Bình");
    assert_eq!(profile.enterprises.len(), 2);
    // The session is real: the portal answers the engine's token.
    assert_eq!(engine.profile().await.unwrap().person.full_name, "Trần Thị Bình");
}

#[tokio::test]
async fn signing_in_again_within_the_same_thirty_seconds_uses_the_next_code() {
    let (_dir, _portal, engine) = demo_engine().await;
    engine.sign_in_demo("citizen").await.unwrap();
    // The portal refuses a one-time code used before; the second sign-in
    // falls back to the next step's code, which the portal's skew allows.
    let again = engine.sign_in_demo("citizen").await.unwrap();
    assert_eq!(again.profile.unwrap().person.full_name, "Nguyễn Văn An");
}

#[tokio::test]
async fn an_unknown_demo_identity_is_not_found_and_nothing_is_signed_in() {
    let (_dir, _portal, engine) = demo_engine().await;
    let error = engine.sign_in_demo("nobody").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert!(!engine.is_signed_in().unwrap());
}

#[tokio::test]
async fn an_engine_on_a_real_account_refuses_every_demo_operation() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let secrets = Arc::new(MemorySecrets::default());
    let engine = Engine::open_with(&dir.path().join("engine.db"), &portal.url(), secrets, Account::Real).await.unwrap();

    assert_eq!(engine.session_state().await.unwrap().mode, AppMode::Live);
    assert_eq!(engine.demo_identities().await.unwrap_err().kind(), ErrorKind::Forbidden);
    assert_eq!(engine.sign_in_demo("citizen").await.unwrap_err().kind(), ErrorKind::Forbidden);
    assert_eq!(engine.demo_scenarios().await.unwrap_err().kind(), ErrorKind::Forbidden);
    assert_eq!(engine.demo_reset().await.unwrap_err().kind(), ErrorKind::Forbidden);
    assert!(!engine.is_signed_in().unwrap());
}

#[tokio::test]
async fn the_profile_and_the_acting_profile_show_after_a_restart_with_the_portal_gone() {
    let (dir, portal, engine) = demo_engine().await;
    engine.sign_in_demo("business").await.unwrap();
    let chosen = engine.set_acting_as(enterprise()).await.unwrap();
    assert_eq!(chosen.acting_as, enterprise());
    engine.close().await;
    portal.shutdown().await.unwrap();

    let reopened = Engine::open(&dir.path().join("engine.db"), "http://127.0.0.1:9").await.unwrap();
    let state = reopened.session_state().await.unwrap();
    assert!(state.signed_in);
    assert_eq!(state.acting_as, enterprise());
    assert_eq!(state.profile.unwrap().person.full_name, "Trần Thị Bình");
}

#[tokio::test]
async fn acting_for_an_enterprise_without_a_mandate_is_forbidden() {
    let (_dir, _portal, engine) = demo_engine().await;
    // Before any sign-in there is no profile to hold a mandate.
    assert_eq!(engine.set_acting_as(enterprise()).await.unwrap_err().kind(), ErrorKind::Forbidden);
    engine.sign_in_demo("citizen").await.unwrap();

    let error = engine.set_acting_as(enterprise()).await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Forbidden);
    assert_eq!(engine.session_state().await.unwrap().acting_as, ActingAs::Myself);
    assert_eq!(engine.set_acting_as(ActingAs::Myself).await.unwrap().acting_as, ActingAs::Myself);
}

#[tokio::test]
async fn another_person_signing_in_does_not_inherit_the_enterprise_acted_for() {
    let (_dir, _portal, engine) = demo_engine().await;
    engine.sign_in_demo("business").await.unwrap();
    engine.set_acting_as(enterprise()).await.unwrap();

    let state = engine.sign_in_demo("citizen").await.unwrap();

    assert_eq!(state.acting_as, ActingAs::Myself);
    assert_eq!(state.profile.unwrap().person.full_name, "Nguyễn Văn An");
}

#[tokio::test]
async fn signing_out_forgets_the_profile_and_the_acting_profile() {
    let (_dir, _portal, engine) = demo_engine().await;
    engine.sign_in_demo("business").await.unwrap();
    engine.set_acting_as(enterprise()).await.unwrap();

    let state = engine.end_session(false).await.unwrap();

    assert!(!state.signed_in);
    assert_eq!(state.profile, None);
    assert_eq!(state.acting_as, ActingAs::Myself);
    assert_eq!(engine.cached_profile().await.unwrap(), None);
}

#[tokio::test]
async fn deleting_the_local_data_leaves_an_empty_engine_that_works() {
    let (dir, _portal, engine) = demo_engine().await;
    let database = dir.path().join("engine.db");
    engine.sign_in_demo("citizen").await.unwrap();
    engine.sync_catalogue().await.unwrap();
    let draft = engine.draft_create("1.001193").await.unwrap();
    let key_before = std::fs::read(dir.path().join("engine.db.secrets/store-key")).unwrap();
    let slot = EngineSlot::new(engine);

    let state = slot.delete_local_data().await.unwrap();

    assert!(!state.signed_in);
    assert_eq!(state.profile, None);
    let fresh = slot.engine();
    assert!(fresh.draft_list().await.unwrap().is_empty());
    assert_eq!(fresh.draft_open(&draft.summary.id).await.unwrap_err().kind(), ErrorKind::NotFound);
    assert!(fresh.procedures().await.unwrap().is_empty(), "the catalogue copy went too");
    // Usable again: it syncs, and signs in.
    fresh.sync_catalogue().await.unwrap();
    assert!(fresh.sign_in_demo("citizen").await.unwrap().signed_in);
    assert!(database.exists());
    let key_after = std::fs::read(dir.path().join("engine.db.secrets/store-key")).unwrap();
    assert_ne!(key_before, key_after, "the store is under a new key");
}
