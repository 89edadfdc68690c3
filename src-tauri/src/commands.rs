//! The app's typed commands, one per command of `hoso_protocol::command`:
//! each takes that command's `args`, hands the call to the engine and answers
//! `Result<Answer, ErrorEnvelope>`; no logic lives here. The engine is taken
//! from the slot at each call, since deleting the local data replaces it;
//! while the engine is still starting, a command that needs it waits.

use hoso_engine::auth::SystemBrowser;
use hoso_protocol::command::*;
use hoso_protocol::error::ErrorEnvelope;
use tauri::State;

use crate::session::Session;

/// A command's arguments, as the UI sends them under `args`.
type Args<C> = <C as Command>::Args;
/// A command's answer, or the error envelope.
type Reply<C> = Result<<C as Command>::Answer, ErrorEnvelope>;

/// Logs, once per command, when the first of the commands the welcome screen
/// waits for answered, so the log of a start shows its whole timeline.
fn first_answer(command: &'static str) {
    static LOGGED: std::sync::Mutex<Vec<&str>> = std::sync::Mutex::new(Vec::new());
    let mut logged = LOGGED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if !logged.contains(&command) {
        logged.push(command);
        tracing::info!(command, since_launch_ms = crate::since_launch_ms(), "first answer");
    }
}

#[tauri::command]
pub async fn app_info(state: State<'_, Session>, args: Args<AppInfoGet>) -> Reply<AppInfoGet> {
    let () = args;
    // The mode is known from the command line: this answers at once, while
    // the engine may still be starting.
    first_answer("app_info");
    Ok(AppInfo { mode: state.mode, version: env!("CARGO_PKG_VERSION").to_owned() })
}

#[tauri::command]
pub async fn catalogue_list(state: State<'_, Session>, args: Args<CatalogueList>) -> Reply<CatalogueList> {
    let () = args;
    Ok(state.engine().await?.catalogue_listing().await?)
}

#[tauri::command]
pub async fn form_definition(state: State<'_, Session>, args: Args<FormDefinitionGet>) -> Reply<FormDefinitionGet> {
    Ok(state.engine().await?.form_definition(&args).await?)
}

#[tauri::command]
pub async fn session(state: State<'_, Session>, args: Args<SessionGet>) -> Reply<SessionGet> {
    let () = args;
    let answer = state.engine().await?.session_state().await?;
    first_answer("session");
    Ok(answer)
}

#[tauri::command]
pub async fn sign_in(state: State<'_, Session>, args: Args<SignIn>) -> Reply<SignIn> {
    let () = args;
    Ok(state.engine().await?.sign_in_session(&SystemBrowser).await?)
}

#[tauri::command]
pub async fn demo_identities(state: State<'_, Session>, args: Args<DemoIdentities>) -> Reply<DemoIdentities> {
    let () = args;
    Ok(state.engine().await?.demo_identities().await?)
}

#[tauri::command]
pub async fn sign_in_demo(state: State<'_, Session>, args: Args<SignInDemo>) -> Reply<SignInDemo> {
    Ok(state.engine().await?.sign_in_demo(&args.username).await?)
}

#[tauri::command]
pub async fn sign_out(state: State<'_, Session>, args: Args<SignOut>) -> Reply<SignOut> {
    Ok(state.engine().await?.end_session(args.force).await?)
}

#[tauri::command]
pub async fn set_acting_as(state: State<'_, Session>, args: Args<SetActingAs>) -> Reply<SetActingAs> {
    Ok(state.engine().await?.set_acting_as(args).await?)
}

#[tauri::command]
pub async fn delete_local_data(state: State<'_, Session>, args: Args<DeleteLocalData>) -> Reply<DeleteLocalData> {
    let () = args;
    Ok(state.engines().await?.delete_local_data().await?)
}

#[tauri::command]
pub async fn home(state: State<'_, Session>, args: Args<HomeGet>) -> Reply<HomeGet> {
    let () = args;
    Ok(state.engine().await?.home().await?)
}

#[tauri::command]
pub async fn sync_now(state: State<'_, Session>, args: Args<SyncNow>) -> Reply<SyncNow> {
    let () = args;
    Ok(state.engine().await?.sync_now().await?)
}

#[tauri::command]
pub async fn draft_create(state: State<'_, Session>, args: Args<DraftCreate>) -> Reply<DraftCreate> {
    Ok(state.engine().await?.draft_create(args.procedure.as_str()).await?)
}

#[tauri::command]
pub async fn draft_open(state: State<'_, Session>, args: Args<DraftOpen>) -> Reply<DraftOpen> {
    Ok(state.engine().await?.draft_open(&args.id).await?)
}

#[tauri::command]
pub async fn draft_save(state: State<'_, Session>, args: Args<DraftSave>) -> Reply<DraftSave> {
    Ok(state.engine().await?.save_draft(args).await?)
}

#[tauri::command]
pub async fn form_validate(state: State<'_, Session>, args: Args<FormValidate>) -> Reply<FormValidate> {
    Ok(state.engine().await?.form_validate(args).await?)
}

#[tauri::command]
pub async fn draft_delete(state: State<'_, Session>, args: Args<DraftDelete>) -> Reply<DraftDelete> {
    Ok(state.engine().await?.delete_draft(&args.id).await?)
}

#[tauri::command]
pub async fn draft_list(state: State<'_, Session>, args: Args<DraftList>) -> Reply<DraftList> {
    let () = args;
    Ok(state.engine().await?.draft_list().await?)
}

#[tauri::command]
pub async fn attachment_add(state: State<'_, Session>, args: Args<AttachmentAdd>) -> Reply<AttachmentAdd> {
    Ok(state.engine().await?.attachment_add(args).await?)
}

#[tauri::command]
pub async fn attachment_remove(state: State<'_, Session>, args: Args<AttachmentRemove>) -> Reply<AttachmentRemove> {
    Ok(state.engine().await?.attachment_remove(args).await?)
}

#[tauri::command]
pub async fn draft_submit(state: State<'_, Session>, args: Args<DraftSubmit>) -> Reply<DraftSubmit> {
    Ok(state.engine().await?.draft_submit(&args.id).await?)
}

#[tauri::command]
pub async fn outbox(state: State<'_, Session>, args: Args<OutboxList>) -> Reply<OutboxList> {
    let () = args;
    let engine = state.engine().await?;
    Ok(engine.outbox_of(&engine.acting_as().await?).await?)
}

#[tauri::command]
pub async fn demo_scenarios(state: State<'_, Session>, args: Args<DemoScenarios>) -> Reply<DemoScenarios> {
    let () = args;
    Ok(state.engine().await?.demo_scenarios().await?)
}

#[tauri::command]
pub async fn demo_play(state: State<'_, Session>, args: Args<DemoPlay>) -> Reply<DemoPlay> {
    Ok(state.engine().await?.demo_play(&args.scenario).await?)
}

#[tauri::command]
pub async fn demo_runs(state: State<'_, Session>, args: Args<DemoRuns>) -> Reply<DemoRuns> {
    let () = args;
    Ok(state.engine().await?.demo_runs().await?)
}

#[tauri::command]
pub async fn demo_clock(state: State<'_, Session>, args: Args<DemoClockGet>) -> Reply<DemoClockGet> {
    let () = args;
    Ok(state.engine().await?.demo_clock().await?)
}

#[tauri::command]
pub async fn demo_advance(state: State<'_, Session>, args: Args<DemoAdvance>) -> Reply<DemoAdvance> {
    Ok(state.engine().await?.demo_advance(args).await?)
}

#[tauri::command]
pub async fn demo_reset(state: State<'_, Session>, args: Args<DemoReset>) -> Reply<DemoReset> {
    let () = args;
    Ok(state.engine().await?.demo_reset().await?)
}

#[tauri::command]
pub async fn outbox_retry(state: State<'_, Session>, args: Args<OutboxRetry>) -> Reply<OutboxRetry> {
    Ok(state.engine().await?.retry_outbox_item(&args.client_id).await?)
}

#[tauri::command]
pub async fn dossier_list(state: State<'_, Session>, args: Args<DossierList>) -> Reply<DossierList> {
    let () = args;
    let engine = state.engine().await?;
    Ok(engine.dossier_cards(&engine.acting_as().await?).await?)
}

#[tauri::command]
pub async fn dossier(state: State<'_, Session>, args: Args<DossierGet>) -> Reply<DossierGet> {
    Ok(state.engine().await?.dossier_view(&args.code).await?)
}

#[tauri::command]
pub async fn supplement_open(state: State<'_, Session>, args: Args<SupplementOpen>) -> Reply<SupplementOpen> {
    Ok(state.engine().await?.open_supplement(&args.code).await?)
}

#[tauri::command]
pub async fn supplement_save(state: State<'_, Session>, args: Args<SupplementSave>) -> Reply<SupplementSave> {
    Ok(state.engine().await?.save_supplement(args).await?)
}

#[tauri::command]
pub async fn supplement_submit(state: State<'_, Session>, args: Args<SupplementSubmit>) -> Reply<SupplementSubmit> {
    Ok(state.engine().await?.submit_supplement(&args.code).await?)
}

#[tauri::command]
pub async fn withdraw(state: State<'_, Session>, args: Args<Withdraw>) -> Reply<Withdraw> {
    Ok(state.engine().await?.withdraw(args).await?)
}

#[tauri::command]
pub async fn payment_start(state: State<'_, Session>, args: Args<PaymentStart>) -> Reply<PaymentStart> {
    Ok(state.engine().await?.start_payment(&args.code, &SystemBrowser).await?)
}

#[tauri::command]
pub async fn result_download(state: State<'_, Session>, args: Args<ResultDownload>) -> Reply<ResultDownload> {
    Ok(state.engine().await?.download_result(&args.code).await?)
}

#[tauri::command]
pub async fn rate(state: State<'_, Session>, args: Args<Rate>) -> Reply<Rate> {
    Ok(state.engine().await?.rate(args).await?)
}

#[tauri::command]
pub async fn filing_list(state: State<'_, Session>, args: Args<FilingList>) -> Reply<FilingList> {
    let () = args;
    Ok(state.engine().await?.filings().await?)
}

#[tauri::command]
pub async fn bulk_validate(state: State<'_, Session>, args: Args<BulkValidate>) -> Reply<BulkValidate> {
    Ok(state.engine().await?.bulk_validate_bytes(args).await?)
}

#[tauri::command]
pub async fn bulk_submit(state: State<'_, Session>, args: Args<BulkSubmit>) -> Reply<BulkSubmit> {
    Ok(state.engine().await?.bulk_submit_bytes(args).await?)
}
