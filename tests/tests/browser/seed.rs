//! Real data behind the signed-in pages, made through the app's own commands
//! (the calls the UI makes), never written into a store by hand: the demo
//! citizen signs in, files one draft and keeps another open, and a demo
//! scenario carries a third dossier to a supplement request.

use hoso_domain::catalogue::ProcedureCode;
use hoso_protocol::api::demo::AdvanceClock;
use hoso_protocol::command::{
    Command, DemoAdvance, DemoPlay, DemoPlayArgs, DossierCode, DossierGet, DraftCreate, DraftCreateArgs, DraftId,
    DraftSave, DraftSubmit, SaveDraft, SignInDemo, SignInDemoArgs, SyncNow,
};
use hoso_tests::workspace_root;

use super::served::Served;

/// Birth registration: the richest form, and the one the demo scenario plays.
const PROCEDURE: &str = "1.001193";
const VALID_ANSWERS: &str = "assets/forms/examples/ho-tich.khai-sinh.v1.valid.json";
/// Accepted, processed, then a supplement is requested 170 virtual minutes
/// after submission (`assets/demo/scenarios.json`).
const SCENARIO: &str = "khai-sinh-cho-bo-sung";
const SCENARIO_MINUTES: u32 = 20 + 30 + 120;

/// What the pages can show, and what could not be made because the binary
/// does not have a command yet.
#[derive(Debug, Default)]
pub struct Seeded {
    pub signed_in: bool,
    /// A draft with valid answers, not submitted.
    pub draft: Option<String>,
    /// A dossier the portal asked a supplement for.
    pub dossier: Option<String>,
    /// Commands the binary answered "no command" to.
    pub missing: Vec<&'static str>,
}

/// `Ok(None)` from a call, recorded as missing.
macro_rules! needs {
    ($seeded:ident, $call:expr, $command:ty) => {
        match $call.await? {
            Some(answer) => answer,
            None => {
                $seeded.missing.push(<$command as Command>::NAME);
                return Ok($seeded);
            }
        }
    };
}

pub async fn seed(served: &Served) -> anyhow::Result<Seeded> {
    let mut seeded = Seeded::default();
    let session = needs!(seeded, served.call::<SignInDemo>(&SignInDemoArgs { username: "citizen".into() }), SignInDemo);
    anyhow::ensure!(session.signed_in, "sign_in_demo as citizen left the app signed out: {session:?}");
    seeded.signed_in = true;

    let answers: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(workspace_root().join(VALID_ANSWERS))?)?;
    // Filed and sent, so the home screen and the outbox have something to show.
    let filed = new_draft(served, &mut seeded, &answers).await?;
    let Some(filed) = filed else { return dossier(served, seeded).await };
    if served.call::<DraftSubmit>(&DraftId { id: filed }).await?.is_none() {
        seeded.missing.push(DraftSubmit::NAME);
    }
    // Kept open, for the form and its check page.
    seeded.draft = new_draft(served, &mut seeded, &answers).await?;
    dossier(served, seeded).await
}

/// A draft of [`PROCEDURE`] holding `answers`, if the binary can make one.
async fn new_draft(
    served: &Served,
    seeded: &mut Seeded,
    answers: &serde_json::Value,
) -> anyhow::Result<Option<String>> {
    let procedure = ProcedureCode::parse(PROCEDURE).map_err(|e| anyhow::anyhow!("{PROCEDURE}: {e}"))?;
    let Some(draft) = served.call::<DraftCreate>(&DraftCreateArgs { procedure }).await? else {
        seeded.missing.push(DraftCreate::NAME);
        return Ok(None);
    };
    let id = draft.summary.id;
    let save = SaveDraft { id: id.clone(), data: answers.clone() };
    if served.call::<DraftSave>(&save).await?.is_none() {
        seeded.missing.push(DraftSave::NAME);
        return Ok(None);
    }
    Ok(Some(id))
}

/// Plays the scenario to its supplement request and syncs it to the device.
async fn dossier(served: &Served, mut seeded: Seeded) -> anyhow::Result<Seeded> {
    let run = needs!(seeded, served.call::<DemoPlay>(&DemoPlayArgs { scenario: SCENARIO.into() }), DemoPlay);
    let advanced =
        needs!(seeded, served.call::<DemoAdvance>(&AdvanceClock { minutes: SCENARIO_MINUTES + 10 }), DemoAdvance);
    anyhow::ensure!(
        advanced.played >= 3,
        "advancing the demo clock played {} steps, not 3: {advanced:?}",
        advanced.played
    );
    let synced = needs!(seeded, served.call::<SyncNow>(&()), SyncNow);
    anyhow::ensure!(synced.error.is_none(), "sync_now failed: {synced:?}");
    let view = needs!(seeded, served.call::<DossierGet>(&DossierCode { code: run.code.clone() }), DossierGet);
    anyhow::ensure!(
        view.detail.supplement_request.is_some(),
        "dossier {} has no supplement request after the scenario: {:?}",
        run.code,
        view.detail.summary
    );
    seeded.dossier = Some(run.code);
    Ok(seeded)
}
