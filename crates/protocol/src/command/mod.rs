//! What the UI asks of the app (through Tauri's invoke or `hoso serve`) and
//! what it gets back. Every command answers `Result<T, ErrorEnvelope>`.
//!
//! These types are the contract between the UI and the shell: the UI never
//! sees a token or a database row, only these views. Command names live in
//! [`name`] as they are implemented by the shell.

use hoso_domain::catalogue::{FormRef, Localized, Procedure, ProcedureCode};
use hoso_domain::form::{FieldError, OrphanedAnswer};
use hoso_domain::profile::ActingAs;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::ErrorEnvelope;

mod business;
mod demo;
mod dossiers;
mod drafts;
mod session;

pub use business::*;
pub use demo::*;
pub use dossiers::*;
pub use drafts::*;
pub use session::*;

/// One command of the app: its name, what it takes and what it answers.
///
/// Every command takes exactly one argument, `args` (`()` serializes as
/// `null` for those that need none): through Tauri the UI invokes
/// `NAME` with `{ "args": ... }`, through `hoso serve` it posts `args` as the
/// body of `POST /commands/NAME`. Both fronts and the UI name commands only
/// through these types, so a rename or a changed answer cannot leave one side
/// behind.
pub trait Command {
    const NAME: &'static str;
    type Args: Serialize + serde::de::DeserializeOwned;
    type Answer: Serialize + serde::de::DeserializeOwned;
}

/// Declares a command: a unit type implementing [`Command`].
macro_rules! commands {
    ($($(#[$doc:meta])* $ty:ident = $name:literal : $args:ty => $answer:ty;)*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy)]
            pub struct $ty;
            impl Command for $ty {
                const NAME: &'static str = $name;
                type Args = $args;
                type Answer = $answer;
            }
        )*
        /// Command names, shared by the shell's handlers, `hoso serve` and the
        /// UI's transport.
        pub mod name {
            /// Every command the app answers. Both fronts (the Tauri shell and
            /// `hoso serve`) handle exactly this set; the tidy test and serve's
            /// tests check it, so a command added to one front cannot be
            /// missing from the other.
            pub const ALL: &[&str] = &[$($name),*];
        }
    };
}

commands! {
    /// Facts the UI needs before it draws anything.
    AppInfoGet = "app_info": () => AppInfo;
    /// The local catalogue after a refresh attempt.
    CatalogueList = "catalogue_list": () => CatalogueListing;
    /// A procedure's online form (definition of `FormRef`), from the local cache.
    FormDefinitionGet = "form_definition": hoso_domain::catalogue::FormRef => hoso_domain::form::FormDefinition;

    /// Who is signed in and for whom they act.
    SessionGet = "session": () => SessionState;
    /// Signs in through the system browser (live mode).
    SignIn = "sign_in": () => SessionState;
    /// The demo identities (demo mode only).
    DemoIdentities = "demo_identities": () => Vec<crate::api::DemoIdentity>;
    /// Signs in as a demo identity through the demo portal's real sign-in.
    SignInDemo = "sign_in_demo": SignInDemoArgs => SessionState;
    /// Revokes the session at the portal and forgets the tokens; refused
    /// (`unsent_items`) while the person has items not yet sent, unless forced.
    SignOut = "sign_out": SignOutArgs => SessionState;
    /// Switches the profile the app acts for.
    SetActingAs = "set_acting_as": ActingAs => SessionState;
    /// Deletes every local draft, attachment, outbox item and token.
    DeleteLocalData = "delete_local_data": () => SessionState;

    /// What the home screen shows, for the acting profile.
    HomeGet = "home": () => Home;
    /// Sends the outbox and syncs dossiers now; reports what happened.
    SyncNow = "sync_now": () => SyncOutcome;

    /// Starts a draft of a procedure, prefilled from the identity.
    DraftCreate = "draft_create": DraftCreateArgs => Draft;
    /// Reopens a draft.
    DraftOpen = "draft_open": DraftId => Draft;
    /// Saves a draft's answers durably before answering.
    DraftSave = "draft_save": SaveDraft => DraftSaved;
    /// Judges answers with the one validator, as the citizen types.
    FormValidate = "form_validate": ValidateForm => Validation;
    /// Deletes a draft and its attachments.
    DraftDelete = "draft_delete": DraftId => ();
    /// The acting profile's drafts, newest first.
    DraftList = "draft_list": () => Vec<DraftSummary>;
    /// Adds a file to a draft after checking type and size.
    AttachmentAdd = "attachment_add": AddAttachment => AttachmentInfo;
    /// Removes a file from a draft.
    AttachmentRemove = "attachment_remove": RemoveAttachment => ();
    /// Queues a draft for the portal (judged first; errors come as fields).
    DraftSubmit = "draft_submit": DraftId => OutboxItem;
    /// The outbox of the acting profile.
    OutboxList = "outbox": () => Vec<OutboxItem>;
    /// Queues again an item the portal refused for a reason that can change
    /// (network, sign-in, rate limit); never one refused for its answers.
    OutboxRetry = "outbox_retry": OutboxRetryArgs => OutboxItem;

    /// The acting profile's dossiers as last synced.
    DossierList = "dossier_list": () => Vec<DossierCard>;
    /// A dossier in full, from the portal (or the last copy when offline).
    DossierGet = "dossier": DossierCode => DossierView;
    /// Opens (or reopens) the answer to a supplement request.
    SupplementOpen = "supplement_open": DossierCode => SupplementDraftView;
    /// Saves a supplement answer durably.
    SupplementSave = "supplement_save": SaveSupplement => DraftSaved;
    /// Sends a supplement answer through the outbox.
    SupplementSubmit = "supplement_submit": DossierCode => OutboxItem;
    /// Withdraws a dossier (at once before intake, a request after).
    Withdraw = "withdraw": WithdrawArgs => DossierView;
    /// Starts paying what is due: opens the gateway's page in the system browser.
    PaymentStart = "payment_start": DossierCode => PaymentOpened;
    /// The result document's bytes, to save.
    ResultDownload = "result_download": DossierCode => ResultFile;
    /// Rates a completed dossier.
    Rate = "rate": RateArgs => DossierView;

    /// Every filing across the person and all their enterprises, for the business table.
    FilingList = "filing_list": () => Vec<Filing>;
    /// Judges every row of a CSV, XLSX or JSON file.
    BulkValidate = "bulk_validate": BulkFile => BulkCheck;
    /// Files the valid rows through the outbox, once per row.
    BulkSubmit = "bulk_submit": BulkFile => BulkResult;

    /// Demo scenarios (demo mode only).
    DemoScenarios = "demo_scenarios": () => Vec<crate::api::demo::ScenarioInfo>;
    /// Plays a scenario for the acting profile.
    DemoPlay = "demo_play": DemoPlayArgs => crate::api::demo::Run;
    /// Runs so far.
    DemoRuns = "demo_runs": () => Vec<crate::api::demo::Run>;
    /// The virtual clock.
    DemoClockGet = "demo_clock": () => crate::api::demo::DemoClock;
    /// Moves the virtual clock on and plays what came due.
    DemoAdvance = "demo_advance": crate::api::demo::AdvanceClock => crate::api::demo::Advanced;
    /// Forgets every demo dossier, run and local draft.
    DemoReset = "demo_reset": () => ();
}

/// The header `hoso serve` requires on every command, carrying the random token
/// it printed in the page's address; the UI's browser transport sends it.
pub const SERVE_TOKEN_HEADER: &str = "x-hoso-token";

/// Whether the app talks to a real portal or to the in-process demo portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppMode {
    Demo,
    Live,
}

/// Facts the UI needs before it draws anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfo {
    pub mode: AppMode,
    pub version: String,
}

/// Answer of `catalogue_list`: the procedures in the local store, after a
/// sync attempt whose outcome is reported rather than thrown, so the UI can
/// show what it has offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueListing {
    pub procedures: Vec<Procedure>,
    /// `None` when the catalogue was refreshed from the portal; otherwise why not.
    pub sync_error: Option<crate::error::ErrorEnvelope>,
}

/// Arguments of validating answers as the citizen types: the engine runs the
/// one validator (the UI does not link it, see ARCHITECTURE.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidateForm {
    pub form: FormRef,
    pub data: serde_json::Value,
}

/// The answer of validating: every error, each with its pointer and code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validation {
    pub errors: Vec<FieldError>,
}

/// A draft as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftSummary {
    pub id: String,
    pub procedure: ProcedureCode,
    pub procedure_name: Localized,
    pub acting_as: ActingAs,
    pub form: FormRef,
    /// When the engine last made the draft durable, for "last saved".
    #[serde(with = "time::serde::rfc3339")]
    pub saved_at: OffsetDateTime,
    /// Set when the portal moved the dossier on while this draft (a
    /// supplement) was edited: the edits are kept here, flagged.
    #[serde(default)]
    pub conflict: bool,
}

/// A whole draft, to reopen it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub summary: DraftSummary,
    pub data: serde_json::Value,
    /// Answers a newer form version had no place for, shown to the citizen.
    #[serde(default)]
    pub orphaned: Vec<OrphanedAnswer>,
    #[serde(default)]
    pub attachments: Vec<AttachmentInfo>,
    /// The draft's submission when it is on its way or filed (its outbox
    /// entry, pending or sent): the draft can no longer be changed, and is
    /// shown read-only with the way to that entry or dossier. `None` while
    /// it can be edited, a refused submission's included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted: Option<OutboxItem>,
}

/// Arguments of saving a draft: the whole answers, saved durably before the
/// command returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaveDraft {
    pub id: String,
    pub data: serde_json::Value,
}

/// The answer of saving: when it became durable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftSaved {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub saved_at: OffsetDateTime,
}

/// Where an outbox item stands, as the citizen sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum OutboxState {
    Queued,
    Uploading {
        percent: u8,
    },
    WaitingForNetwork,
    /// The portal refused it; the error says what to fix.
    NeedsAction {
        error: ErrorEnvelope,
    },
    /// The portal acknowledged it under this dossier code.
    Sent {
        code: String,
    },
}

/// One submission on its way to the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxItem {
    pub client_id: String,
    pub procedure: ProcedureCode,
    pub procedure_name: Localized,
    pub acting_as: ActingAs,
    #[serde(with = "time::serde::rfc3339")]
    pub queued_at: OffsetDateTime,
    #[serde(flatten)]
    pub state: OutboxState,
}
