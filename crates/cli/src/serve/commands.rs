//! `POST /commands/{name}`: the same engine calls the Tauri shell's commands
//! make. The body is the command's `args` as JSON (empty means `null`), read
//! up to a bound and refused as `invalid_input` when it is not JSON of the
//! command's shape; the answer is the command's JSON, or the
//! `{kind, message, fields}` envelope on error. Each command is one line,
//! through [`call`], typed by the protocol's [`Command`].

use std::future::Future;
use std::sync::Arc;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hoso_engine::EngineError;
use hoso_engine::auth::{Browser, BrowserError, SystemBrowser, Url};
use hoso_protocol::command::*;
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};

use super::App;

/// The largest body a command takes: the largest file any document of the
/// catalogue accepts (20 MiB) as base64, with room for the other arguments.
pub const MAX_BODY: usize = 32 * 1024 * 1024;

pub async fn handle(State(app): State<Arc<App>>, Path(command): Path<String>, body: Body) -> Response {
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return error(ErrorEnvelope::new(ErrorKind::TooLarge, format!("a command body is at most {MAX_BODY} bytes")));
    };
    let engine = app.engines.engine();
    let (e, b, mode) = (engine.as_ref(), &body, app.mode);
    match command.as_str() {
        <AppInfoGet as Command>::NAME => call::<AppInfoGet, _, _>(b, |()| async move { Ok(app_info(mode)) }).await,
        <CatalogueList as Command>::NAME => call::<CatalogueList, _, _>(b, |()| e.catalogue_listing()).await,
        <FormDefinitionGet as Command>::NAME => {
            call::<FormDefinitionGet, _, _>(b, |form| async move { e.form_definition(&form).await }).await
        }
        <SessionGet as Command>::NAME => call::<SessionGet, _, _>(b, |()| e.session_state()).await,
        <SignIn as Command>::NAME => call::<SignIn, _, _>(b, |()| e.sign_in_session(&SystemBrowser)).await,
        <DemoIdentities as Command>::NAME => call::<DemoIdentities, _, _>(b, |()| e.demo_identities()).await,
        <SignInDemo as Command>::NAME => {
            call::<SignInDemo, _, _>(b, |a| async move { e.sign_in_demo(&a.username).await }).await
        }
        <SignOut as Command>::NAME => call::<SignOut, _, _>(b, |args: SignOutArgs| e.end_session(args.force)).await,
        <SetActingAs as Command>::NAME => call::<SetActingAs, _, _>(b, |a| e.set_acting_as(a)).await,
        <DeleteLocalData as Command>::NAME => {
            call::<DeleteLocalData, _, _>(b, |()| app.engines.delete_local_data()).await
        }
        <HomeGet as Command>::NAME => call::<HomeGet, _, _>(b, |()| e.home()).await,
        <SyncNow as Command>::NAME => call::<SyncNow, _, _>(b, |()| e.sync_now()).await,
        <DraftCreate as Command>::NAME => {
            call::<DraftCreate, _, _>(b, |a| async move { e.draft_create(a.procedure.as_str()).await }).await
        }
        <DraftOpen as Command>::NAME => call::<DraftOpen, _, _>(b, |a| async move { e.draft_open(&a.id).await }).await,
        <DraftSave as Command>::NAME => call::<DraftSave, _, _>(b, |a| e.save_draft(a)).await,
        <FormValidate as Command>::NAME => call::<FormValidate, _, _>(b, |a| e.form_validate(a)).await,
        <DraftDelete as Command>::NAME => {
            call::<DraftDelete, _, _>(b, |a| async move { e.delete_draft(&a.id).await }).await
        }
        <DraftList as Command>::NAME => call::<DraftList, _, _>(b, |()| e.draft_list()).await,
        <AttachmentAdd as Command>::NAME => call::<AttachmentAdd, _, _>(b, |a| e.attachment_add(a)).await,
        <AttachmentRemove as Command>::NAME => call::<AttachmentRemove, _, _>(b, |a| e.attachment_remove(a)).await,
        <DraftSubmit as Command>::NAME => {
            call::<DraftSubmit, _, _>(b, |a| async move { e.draft_submit(&a.id).await }).await
        }
        <OutboxList as Command>::NAME => {
            call::<OutboxList, _, _>(b, |()| async move { e.outbox_of(&e.acting_as().await?).await }).await
        }
        <OutboxRetry as Command>::NAME => {
            call::<OutboxRetry, _, _>(b, |a| async move { e.retry_outbox_item(&a.client_id).await }).await
        }
        <DossierList as Command>::NAME => {
            call::<DossierList, _, _>(b, |()| async move { e.dossier_cards(&e.acting_as().await?).await }).await
        }
        <DossierGet as Command>::NAME => {
            call::<DossierGet, _, _>(b, |a| async move { e.dossier_view(&a.code).await }).await
        }
        <SupplementOpen as Command>::NAME => {
            call::<SupplementOpen, _, _>(b, |a| async move { e.open_supplement(&a.code).await }).await
        }
        <SupplementSave as Command>::NAME => call::<SupplementSave, _, _>(b, |a| e.save_supplement(a)).await,
        <SupplementSubmit as Command>::NAME => {
            call::<SupplementSubmit, _, _>(b, |a| async move { e.submit_supplement(&a.code).await }).await
        }
        <Withdraw as Command>::NAME => call::<Withdraw, _, _>(b, |a| e.withdraw(a)).await,
        // The page in the browser opens the gateway itself (a tab it opened
        // at the click, so no pop-up blocker stops it).
        <PaymentStart as Command>::NAME => {
            call::<PaymentStart, _, _>(b, |a| async move { e.start_payment(&a.code, &PageOpensIt).await }).await
        }
        <ResultDownload as Command>::NAME => {
            call::<ResultDownload, _, _>(b, |a| async move { e.download_result(&a.code).await }).await
        }
        <Rate as Command>::NAME => call::<Rate, _, _>(b, |a| e.rate(a)).await,
        <FilingList as Command>::NAME => call::<FilingList, _, _>(b, |()| e.filings()).await,
        <BulkValidate as Command>::NAME => call::<BulkValidate, _, _>(b, |a| e.bulk_validate_bytes(a)).await,
        <BulkSubmit as Command>::NAME => call::<BulkSubmit, _, _>(b, |a| e.bulk_submit_bytes(a)).await,
        <DemoScenarios as Command>::NAME => call::<DemoScenarios, _, _>(b, |()| e.demo_scenarios()).await,
        <DemoPlay as Command>::NAME => {
            call::<DemoPlay, _, _>(b, |a| async move { e.demo_play(&a.scenario).await }).await
        }
        <DemoRuns as Command>::NAME => call::<DemoRuns, _, _>(b, |()| e.demo_runs()).await,
        <DemoClockGet as Command>::NAME => call::<DemoClockGet, _, _>(b, |()| e.demo_clock()).await,
        <DemoAdvance as Command>::NAME => call::<DemoAdvance, _, _>(b, |a| e.demo_advance(a)).await,
        <DemoReset as Command>::NAME => call::<DemoReset, _, _>(b, |()| e.demo_reset()).await,
        _ => error(ErrorEnvelope::new(ErrorKind::NotFound, format!("no command {command:?}"))),
    }
}

/// The "browser" of `hoso serve`: the page that asked already has one open.
struct PageOpensIt;

impl Browser for PageOpensIt {
    fn open(&self, _url: &Url) -> Result<(), BrowserError> {
        Ok(())
    }
}

fn app_info(mode: AppMode) -> AppInfo {
    AppInfo { mode, version: env!("CARGO_PKG_VERSION").to_owned() }
}

/// Reads `C`'s arguments from `body`, runs `run` on them and answers its
/// result as `C`'s answer: one line per command above.
async fn call<C, F, Fut>(body: &Bytes, run: F) -> Response
where
    C: Command,
    F: FnOnce(C::Args) -> Fut,
    Fut: Future<Output = Result<C::Answer, EngineError>>,
{
    // An empty body is `null`, the arguments of a command that takes none.
    let text: &[u8] = if body.is_empty() { b"null" } else { body };
    let args = match serde_json::from_slice::<C::Args>(text) {
        Ok(args) => args,
        Err(e) => {
            let message = format!("the arguments of {} are not as expected: {e}", C::NAME);
            return error(ErrorEnvelope::new(ErrorKind::InvalidInput, message));
        }
    };
    match run(args).await {
        Ok(answer) => Json(answer).into_response(),
        Err(e) => error(e.to_envelope()),
    }
}

fn error(envelope: ErrorEnvelope) -> Response {
    let status = match envelope.kind {
        ErrorKind::InvalidInput => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        // A sign-out refused for items not sent yet: the state forbids it
        // until confirmed; a submitted draft is no longer changed.
        ErrorKind::Conflict | ErrorKind::UnsentItems | ErrorKind::AlreadySubmitted => StatusCode::CONFLICT,
        ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorKind::Network => StatusCode::BAD_GATEWAY,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    (status, Json(envelope)).into_response()
}
