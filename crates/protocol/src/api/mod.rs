//! The portal's public-service API, version 1: paths and bodies.
//!
//! Every type here is a contract between the app and the portal: serde names
//! are stable, fields are only added (with defaults), and a breaking change is
//! a new API version, never an edit.

pub mod account;
pub mod demo;
pub mod dossier;
pub mod event;
pub mod office;
pub mod passkey;
pub mod payment;
pub mod upload;

use hoso_domain::catalogue::Procedure;
use serde::{Deserialize, Serialize};

/// Paths under the portal's base URL.
pub mod path {
    /// `GET`: liveness, answers `ok`.
    pub const HEALTH: &str = "/health";
    /// `GET`: the OpenAPI 3.1 document of this API, generated from the portal's code.
    pub const OPENAPI: &str = "/api/openapi.json";
    /// `GET`: the whole catalogue, [`super::Catalogue`].
    pub const CATALOGUE: &str = "/api/v1/catalogue";
    /// `GET`: the demo identities, [`super::DemoIdentity`]; only on a portal started with `--demo`.
    pub const DEMO_IDENTITIES: &str = "/api/v1/demo/identities";
    /// `GET`: the demo simulator's scenarios, [`super::demo::ScenarioInfo`]; `--demo` only.
    pub const DEMO_SCENARIOS: &str = "/api/v1/demo/scenarios";
    /// `POST`: file a dossier for the acting profile and play scenario `{id}` on it, [`super::demo::Run`].
    pub const DEMO_SCENARIO_PLAY: &str = "/api/v1/demo/scenarios/{id}/play";
    /// `GET`: the scenarios played on the acting profile's dossiers, [`super::demo::Run`]s.
    pub const DEMO_RUNS: &str = "/api/v1/demo/runs";
    /// `GET`: the virtual clock, [`super::demo::DemoClock`]; `POST` [`super::demo::AdvanceClock`]
    /// moves it on and plays the steps whose time came, [`super::demo::Advanced`].
    pub const DEMO_CLOCK: &str = "/api/v1/demo/clock";
    /// `POST`: forget every dossier, upload and run, and put the clock back to real time.
    pub const DEMO_RESET: &str = "/api/v1/demo/reset";
    /// `GET`: the identity provider's public signing keys (JWKS, RFC 7517).
    pub const JWKS: &str = "/.well-known/jwks.json";
    /// `GET /api/v1/forms/{id}/{version}`: one [`hoso_domain::form::FormDefinition`].
    pub const FORM: &str = "/api/v1/forms/{id}/{version}";
    /// `GET`: the signed-in person and what they may act for, [`super::account::Profile`].
    pub const PROFILE: &str = "/api/v1/profile";
    /// `POST`: submit a dossier ([`super::dossier::SubmitDossier`], header `Idempotency-Key`);
    /// `GET`: the acting profile's latest dossiers (at most 500), newest
    /// first; the changes feed is how an app keeps all of them.
    pub const DOSSIERS: &str = "/api/v1/dossiers";
    /// `GET ?since=CURSOR&limit=N`: changes to the acting profile's dossiers, [`super::dossier::Changes`].
    pub const DOSSIER_CHANGES: &str = "/api/v1/dossiers/changes";
    /// `GET`: one dossier with its timeline and legal clock, [`super::dossier::DossierDetail`].
    pub const DOSSIER: &str = "/api/v1/dossiers/{code}";
    /// `POST`: answer a supplement request, [`super::dossier::SubmitSupplement`].
    pub const DOSSIER_SUPPLEMENT: &str = "/api/v1/dossiers/{code}/supplement";
    /// `POST`: withdraw before intake, or request withdrawal after, [`super::dossier::Withdraw`].
    pub const DOSSIER_WITHDRAW: &str = "/api/v1/dossiers/{code}/withdraw";
    /// `POST`: start paying what the dossier owes, [`super::payment::PaymentStarted`].
    pub const DOSSIER_PAYMENT: &str = "/api/v1/dossiers/{code}/payment";
    /// `GET`: the result document's bytes, once the dossier has one.
    pub const DOSSIER_RESULT: &str = "/api/v1/dossiers/{code}/result";
    /// `POST`: rate the service, [`super::dossier::Rating`].
    pub const DOSSIER_RATING: &str = "/api/v1/dossiers/{code}/rating";
    /// tus 1.0 creation (`POST`); `HEAD`/`PATCH` on `/api/v1/uploads/{sha256}`.
    pub const UPLOADS: &str = "/api/v1/uploads";
    pub const UPLOAD: &str = "/api/v1/uploads/{sha256}";
    /// `GET`: server-sent [`super::event::LiveEvent`]s for the acting profile.
    pub const EVENTS: &str = "/api/v1/events";
    /// `GET`: the signed-in person's passkeys, [`super::passkey::PasskeySummary`]s.
    pub const PASSKEYS: &str = "/api/v1/passkeys";
    /// `DELETE /api/v1/passkeys/{id}`: remove one of the person's passkeys (204).
    pub const PASSKEY: &str = "/api/v1/passkeys/{id}";
    /// `POST` (no body): start enrolling a passkey, [`super::passkey::PasskeyRegistrationStarted`].
    pub const PASSKEY_REGISTRATION_START: &str = "/api/v1/passkeys/registration/start";
    /// `POST`: finish enrolling, [`super::passkey::FinishPasskeyRegistration`]; answers 201
    /// with the new [`super::passkey::PasskeySummary`].
    pub const PASSKEY_REGISTRATION_FINISH: &str = "/api/v1/passkeys/registration/finish";
    /// `GET ?status=NAME`: an officer's queue of dossiers awaiting action, oldest first,
    /// [`super::dossier::DossierSummary`]s.
    pub const OFFICE_DOSSIERS: &str = "/api/v1/office/dossiers";
    /// `GET`: any dossier as an officer sees it, [`super::dossier::DossierDetail`].
    pub const OFFICE_DOSSIER: &str = "/api/v1/office/dossiers/{code}";
    /// `POST`: an officer moves a dossier on, [`super::office::OfficeMove`].
    pub const OFFICE_MOVE: &str = "/api/v1/office/dossiers/{code}/moves";
    /// `POST ?name=FILE`: an officer issues the result; the body is the file's bytes and
    /// `Content-Type` its media type.
    pub const OFFICE_RESULT: &str = "/api/v1/office/dossiers/{code}/result";
    /// `POST`: the payment gateway's signed notification of a payment's outcome
    /// (server to server; the signature is in [`super::payment::GATEWAY_SIGNATURE_HEADER`]).
    pub const PAYMENT_CALLBACK: &str = "/api/v1/payments/callback";
}

/// The header naming the profile a call acts for: absent or `myself` for the
/// person, or an enterprise's tax code they hold a mandate for.
pub const ACTING_AS_HEADER: &str = "X-Acting-As";
/// The header carrying the client-generated id that makes a submission
/// happen exactly once.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// The procedure catalogue at one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Catalogue {
    /// Grows whenever any procedure changes, so a client can skip an unchanged catalogue.
    pub version: u64,
    pub procedures: Vec<Procedure>,
}

/// Who a demo identity stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DemoRole {
    Citizen,
    BusinessRepresentative,
    SupportOfficer,
}

/// An account that exists only on a portal started with `--demo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DemoIdentity {
    pub username: String,
    pub full_name: String,
    pub role: DemoRole,
}
