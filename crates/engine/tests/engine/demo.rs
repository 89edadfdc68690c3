//! Demo controls through the engine, against a real demo portal: playing a
//! scenario for the acting profile, moving the virtual clock until the
//! dossier waits on the citizen, and resetting the demo, which forgets this
//! device's dossiers, outbox and drafts too.

use hoso_domain::dossier::DossierStatus;
use hoso_protocol::api::demo::{AdvanceClock, RunState};
use hoso_protocol::command::NeedsAction;

use super::session_state::demo_engine;
use super::*;

#[tokio::test]
async fn a_played_scenario_brings_its_dossier_home_and_the_clock_moves_it_to_a_supplement_request() {
    let (_dir, _portal, engine) = demo_engine().await;
    engine.sign_in_demo("citizen").await.unwrap();
    engine.sync_catalogue().await.unwrap();
    let scenarios = engine.demo_scenarios().await.unwrap();
    assert!(scenarios.iter().any(|s| s.id == "khai-sinh-cho-bo-sung"), "{scenarios:?}");

    let run = engine.demo_play("khai-sinh-cho-bo-sung").await.unwrap();

    assert_eq!((run.state, run.played), (RunState::Playing, 0));
    let home = engine.home().await.unwrap();
    let card = home.recent.iter().find(|c| c.code.as_deref() == Some(run.code.as_str())).expect("synced at once");
    assert_eq!(card.procedure_name.vi, "Đăng ký khai sinh");
    assert!(home.needs_action.is_empty());

    let before = engine.demo_clock().await.unwrap();
    let advanced = engine.demo_advance(AdvanceClock { minutes: 24 * 60 }).await.unwrap();

    assert_eq!(advanced.played, 3);
    assert!(advanced.clock.ahead_seconds >= before.ahead_seconds + 24 * 60 * 60 - 5);
    let home = engine.home().await.unwrap();
    let waiting = home.needs_action.iter().find(|c| c.code.as_deref() == Some(run.code.as_str())).expect("waiting");
    assert_eq!((waiting.status, waiting.needs), (DossierStatus::SupplementRequested, Some(NeedsAction::Supplement)));
    let runs = engine.demo_runs().await.unwrap();
    assert_eq!(
        runs.iter().map(|r| (r.code.as_str(), r.state)).collect::<Vec<_>>(),
        [(run.code.as_str(), RunState::Finished)]
    );
}

#[tokio::test]
async fn resetting_the_demo_forgets_the_portals_and_this_devices_dossiers_and_drafts() {
    let (_dir, _portal, engine) = demo_engine().await;
    engine.sign_in_demo("citizen").await.unwrap();
    engine.sync_catalogue().await.unwrap();
    engine.demo_play("khai-sinh-tron-ven").await.unwrap();
    engine.draft_create("1.001193").await.unwrap();
    engine.demo_advance(AdvanceClock { minutes: 60 }).await.unwrap();
    assert!(!engine.home().await.unwrap().recent.is_empty());

    engine.demo_reset().await.unwrap();

    let home = engine.home().await.unwrap();
    assert!(home.recent.is_empty() && home.drafts.is_empty() && home.outbox.is_empty(), "{home:?}");
    assert!(engine.demo_runs().await.unwrap().is_empty());
    assert_eq!(engine.demo_clock().await.unwrap().ahead_seconds, 0);
    // The portal forgot them too: a sync brings nothing back.
    assert_eq!(engine.sync_now().await.unwrap().error, None);
    assert!(engine.home().await.unwrap().recent.is_empty());
    // Still signed in, still a working demo.
    let again = engine.demo_play("khai-sinh-tron-ven").await.unwrap();
    assert_eq!(engine.home().await.unwrap().recent.len(), 1, "{again:?}");
}

#[tokio::test]
async fn demo_controls_that_act_for_someone_need_a_sign_in() {
    let (_dir, _portal, engine) = demo_engine().await;
    assert_eq!(engine.demo_play("khai-sinh-tron-ven").await.unwrap_err().kind(), ErrorKind::Unauthenticated);
    assert_eq!(engine.demo_reset().await.unwrap_err().kind(), ErrorKind::Unauthenticated);
    // Reading the scenarios and the clock needs nobody.
    assert!(!engine.demo_scenarios().await.unwrap().is_empty());
    engine.demo_clock().await.unwrap();
}
