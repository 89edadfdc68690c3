//! The app's typed commands, one per command of `hoso_protocol::command`:
//! each takes that command's `args`, hands the call to the engine and answers
//! `Result<Answer, ErrorEnvelope>`; no logic lives here. The engine is taken
//! from the slot at each call, since deleting the local data replaces it.

use hoso_engine::auth::SystemBrowser;
use hoso_protocol::command::*;
use hoso_protocol::error::ErrorEnvelope;
use tauri::State;

use crate::session::Session;

/// A command's arguments, as the UI sends them under `args`.
type Args<C> = <C as Command>::Args;
/// A command's answer, or the error envelope.
type Reply<C> = Result<<C as Command>::Answer, ErrorEnvelope>;

#[tauri::command]
pub async fn app_info(state: State<'_, Session>, args: Args<AppInfoGet>) -> Reply<AppInfoGet> {
    let () = args;
    Ok(AppInfo { mode: state.mode, version: env!("CARGO_PKG_VERSION").to_owned() })
}

#[tauri::command]
pub async fn catalogue_list(state: State<'_, Session>, args: Args<CatalogueList>) -> Reply<CatalogueList> {
    let () = args;
    Ok(state.engine()?.catalogue_listing().await?)
}

#[tauri::command]
pub async fn form_definition(state: State<'_, Session>, args: Args<FormDefinitionGet>) -> Reply<FormDefinitionGet> {
    Ok(state.engine()?.form_definition(&args).await?)
}

#[tauri::command]
pub async fn session(state: State<'_, Session>, args: Args<SessionGet>) -> Reply<SessionGet> {
    let () = args;
    Ok(state.engine()?.session_state().await?)
}

#[tauri::command]
pub async fn sign_in(state: State<'_, Session>, args: Args<SignIn>) -> Reply<SignIn> {
    let () = args;
    Ok(state.engine()?.sign_in_session(&SystemBrowser).await?)
}

#[tauri::command]
pub async fn demo_identities(state: State<'_, Session>, args: Args<DemoIdentities>) -> Reply<DemoIdentities> {
    let () = args;
    Ok(state.engine()?.demo_identities().await?)
}

#[tauri::command]
pub async fn sign_in_demo(state: State<'_, Session>, args: Args<SignInDemo>) -> Reply<SignInDemo> {
    Ok(state.engine()?.sign_in_demo(&args.username).await?)
}

#[tauri::command]
pub async fn sign_out(state: State<'_, Session>, args: Args<SignOut>) -> Reply<SignOut> {
    Ok(state.engine()?.end_session(args.force).await?)
}

#[tauri::command]
pub async fn set_acting_as(state: State<'_, Session>, args: Args<SetActingAs>) -> Reply<SetActingAs> {
    Ok(state.engine()?.set_acting_as(args).await?)
}

#[tauri::command]
pub async fn delete_local_data(state: State<'_, Session>, args: Args<DeleteLocalData>) -> Reply<DeleteLocalData> {
    let () = args;
    Ok(state.engines()?.delete_local_data().await?)
}

#[tauri::command]
pub async fn home(state: State<'_, Session>, args: Args<HomeGet>) -> Reply<HomeGet> {
    let () = args;
    Ok(state.engine()?.home().await?)
}

#[tauri::command]
pub async fn sync_now(state: State<'_, Session>, args: Args<SyncNow>) -> Reply<SyncNow> {
    let () = args;
    Ok(state.engine()?.sync_now().await?)
}

#[tauri::command]
pub async fn draft_create(state: State<'_, Session>, args: Args<DraftCreate>) -> Reply<DraftCreate> {
    Ok(state.engine()?.draft_create(args.procedure.as_str()).await?)
}

#[tauri::command]
pub async fn draft_open(state: State<'_, Session>, args: Args<DraftOpen>) -> Reply<DraftOpen> {
    Ok(state.engine()?.draft_open(&args.id).await?)
}

#[tauri::command]
pub async fn draft_save(state: State<'_, Session>, args: Args<DraftSave>) -> Reply<DraftSave> {
    Ok(state.engine()?.save_draft(args).await?)
}

#[tauri::command]
pub async fn form_validate(state: State<'_, Session>, args: Args<FormValidate>) -> Reply<FormValidate> {
    Ok(state.engine()?.form_validate(args).await?)
}

#[tauri::command]
pub async fn draft_delete(state: State<'_, Session>, args: Args<DraftDelete>) -> Reply<DraftDelete> {
    Ok(state.engine()?.delete_draft(&args.id).await?)
}

#[tauri::command]
pub async fn draft_list(state: State<'_, Session>, args: Args<DraftList>) -> Reply<DraftList> {
    let () = args;
    Ok(state.engine()?.draft_list().await?)
}

#[tauri::command]
pub async fn attachment_add(state: State<'_, Session>, args: Args<AttachmentAdd>) -> Reply<AttachmentAdd> {
    Ok(state.engine()?.attachment_add(args).await?)
}

#[tauri::command]
pub async fn attachment_remove(state: State<'_, Session>, args: Args<AttachmentRemove>) -> Reply<AttachmentRemove> {
    Ok(state.engine()?.attachment_remove(args).await?)
}

#[tauri::command]
pub async fn draft_submit(state: State<'_, Session>, args: Args<DraftSubmit>) -> Reply<DraftSubmit> {
    Ok(state.engine()?.draft_submit(&args.id).await?)
}

#[tauri::command]
pub async fn outbox(state: State<'_, Session>, args: Args<OutboxList>) -> Reply<OutboxList> {
    let () = args;
    let engine = state.engine()?;
    Ok(engine.outbox_of(&engine.acting_as().await?).await?)
}

#[tauri::command]
pub async fn demo_scenarios(state: State<'_, Session>, args: Args<DemoScenarios>) -> Reply<DemoScenarios> {
    let () = args;
    Ok(state.engine()?.demo_scenarios().await?)
}

#[tauri::command]
pub async fn demo_play(state: State<'_, Session>, args: Args<DemoPlay>) -> Reply<DemoPlay> {
    Ok(state.engine()?.demo_play(&args.scenario).await?)
}

#[tauri::command]
pub async fn demo_runs(state: State<'_, Session>, args: Args<DemoRuns>) -> Reply<DemoRuns> {
    let () = args;
    Ok(state.engine()?.demo_runs().await?)
}

#[tauri::command]
pub async fn demo_clock(state: State<'_, Session>, args: Args<DemoClockGet>) -> Reply<DemoClockGet> {
    let () = args;
    Ok(state.engine()?.demo_clock().await?)
}

#[tauri::command]
pub async fn demo_advance(state: State<'_, Session>, args: Args<DemoAdvance>) -> Reply<DemoAdvance> {
    Ok(state.engine()?.demo_advance(args).await?)
}

#[tauri::command]
pub async fn demo_reset(state: State<'_, Session>, args: Args<DemoReset>) -> Reply<DemoReset> {
    let () = args;
    Ok(state.engine()?.demo_reset().await?)
}

#[tauri::command]
pub async fn outbox_retry(state: State<'_, Session>, args: Args<OutboxRetry>) -> Reply<OutboxRetry> {
    Ok(state.engine()?.retry_outbox_item(&args.client_id).await?)
}

#[tauri::command]
pub async fn dossier_list(state: State<'_, Session>, args: Args<DossierList>) -> Reply<DossierList> {
    let () = args;
    let engine = state.engine()?;
    Ok(engine.dossier_cards(&engine.acting_as().await?).await?)
}

#[tauri::command]
pub async fn dossier(state: State<'_, Session>, args: Args<DossierGet>) -> Reply<DossierGet> {
    Ok(state.engine()?.dossier_view(&args.code).await?)
}

#[tauri::command]
pub async fn supplement_open(state: State<'_, Session>, args: Args<SupplementOpen>) -> Reply<SupplementOpen> {
    Ok(state.engine()?.open_supplement(&args.code).await?)
}

#[tauri::command]
pub async fn supplement_save(state: State<'_, Session>, args: Args<SupplementSave>) -> Reply<SupplementSave> {
    Ok(state.engine()?.save_supplement(args).await?)
}

#[tauri::command]
pub async fn supplement_submit(state: State<'_, Session>, args: Args<SupplementSubmit>) -> Reply<SupplementSubmit> {
    Ok(state.engine()?.submit_supplement(&args.code).await?)
}

#[tauri::command]
pub async fn withdraw(state: State<'_, Session>, args: Args<Withdraw>) -> Reply<Withdraw> {
    Ok(state.engine()?.withdraw(args).await?)
}

#[tauri::command]
pub async fn payment_start(state: State<'_, Session>, args: Args<PaymentStart>) -> Reply<PaymentStart> {
    Ok(state.engine()?.start_payment(&args.code, &SystemBrowser).await?)
}

#[tauri::command]
pub async fn result_download(state: State<'_, Session>, args: Args<ResultDownload>) -> Reply<ResultDownload> {
    Ok(state.engine()?.download_result(&args.code).await?)
}

#[tauri::command]
pub async fn rate(state: State<'_, Session>, args: Args<Rate>) -> Reply<Rate> {
    Ok(state.engine()?.rate(args).await?)
}

#[tauri::command]
pub async fn filing_list(state: State<'_, Session>, args: Args<FilingList>) -> Reply<FilingList> {
    let () = args;
    Ok(state.engine()?.filings().await?)
}

#[tauri::command]
pub async fn bulk_validate(state: State<'_, Session>, args: Args<BulkValidate>) -> Reply<BulkValidate> {
    Ok(state.engine()?.bulk_validate_bytes(args).await?)
}

#[tauri::command]
pub async fn bulk_submit(state: State<'_, Session>, args: Args<BulkSubmit>) -> Reply<BulkSubmit> {
    Ok(state.engine()?.bulk_submit_bytes(args).await?)
}
