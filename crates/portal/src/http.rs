//! The HTTP surface: routes of API v1 mapped onto the catalogue, forms and
//! demo rooms, with the limits every route shares (body size, time) and
//! JSON envelopes for every failure, unknown paths included. Every API route
//! is registered through [`api`] (or, for streams, [`streams`]), which also
//! builds the OpenAPI document; the HTML pages for people's browsers, which
//! are no API, come from [`browser_pages`](crate::browser_pages).

use std::sync::Arc;
use std::time::Duration;

use axum::Extension;
use axum::extract::Request;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use hoso_domain::form::FormDefinition;
use hoso_protocol::api::account::Profile;
use hoso_protocol::api::{ACTING_AS_HEADER, Catalogue, DemoIdentity, path};
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use sqlx::AnyPool;
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::caller::{ActingAsHeader, Caller};
use crate::clock::SharedClock;
use crate::forms::Forms;
use crate::oidc::keys::KeyRing;
use crate::oidc::{end_session, endpoints};
use crate::payments::GatewayKey;
use crate::rate_limit::RateLimits;
use crate::simulator::Simulator;
use crate::{
    PortalError, browser_pages, catalogue, demo, dossiers, events, office, openapi, passkeys, payments, ratings,
    results, simulator, supplement, uploads,
};

/// The largest JSON body any route reads. Uploads have their own, per
/// required document.
pub const JSON_BODY_LIMIT: usize = 1024 * 1024;
/// A request still running after this is answered 408, so a slow client
/// cannot hold a connection's work forever.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct AppState {
    pub pool: AnyPool,
    pub forms: Forms,
    /// Loaded at start-up. A rotation by another process shows here after a
    /// restart; until then the retired key stays in the other's JWKS too.
    pub keys: Arc<KeyRing>,
    /// The identity provider's issuer URL: the base URL clients reach it at.
    pub issuer: String,
    pub demo: bool,
    pub rate_limits: RateLimits,
    /// The one reading of "now" for dossiers; a virtual clock can take its place.
    pub clock: SharedClock,
    /// The key shared with the payment gateway, the same in every process.
    pub gateway_key: Arc<GatewayKey>,
    /// Live events: this process's publisher and open streams.
    pub events: events::Hub,
    /// The demo simulator, on a portal started with `--demo` only.
    pub simulator: Option<Arc<Simulator>>,
    /// Turns at SQLite's write lock for the hottest write paths (the token
    /// endpoint); see [`crate::db::WriteTurns`].
    pub write_turns: crate::db::WriteTurns,
}

/// Every API route of the portal but the streams, each from a handler
/// annotated with `#[utoipa::path]`: the router and the OpenAPI document are
/// built from this one list (see [`crate::openapi`] for how to add a route).
/// Routes with their own body limit keep it here, on their `routes!`.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(health))
        .routes(routes!(openapi::serve))
        .routes(routes!(get_catalogue).layer(compressed()))
        .routes(routes!(get_form))
        .routes(routes!(get_jwks))
        .routes(routes!(endpoints::discovery))
        .routes(routes!(endpoints::authorize))
        .routes(routes!(endpoints::login))
        .routes(routes!(endpoints::token))
        .routes(routes!(endpoints::userinfo))
        .routes(routes!(endpoints::revoke))
        .routes(routes!(get_demo_identities))
        .routes(routes!(simulator::routes::scenarios))
        .routes(routes!(simulator::routes::play_scenario))
        .routes(routes!(simulator::routes::runs))
        .routes(routes!(simulator::routes::clock, simulator::routes::advance))
        .routes(routes!(simulator::routes::reset))
        .routes(routes!(get_profile))
        .routes(routes!(dossiers::submit, dossiers::list))
        .routes(routes!(dossiers::changes).layer(compressed()))
        .routes(routes!(dossiers::detail))
        .routes(routes!(dossiers::withdraw))
        .routes(routes!(uploads::create))
        .routes(routes!(uploads::head, uploads::patch))
        .routes(routes!(supplement::answer))
        .routes(routes!(payments::start))
        .routes(routes!(results::download))
        .routes(routes!(ratings::rate))
        .routes(routes!(payments::callback))
        .routes(routes!(end_session::get, end_session::post))
        .routes(routes!(passkeys::sign_in::start).layer(passkey_limit()))
        .routes(routes!(passkeys::sign_in::finish).layer(passkey_limit()))
        .routes(routes!(passkeys::enrol::list))
        .routes(routes!(passkeys::enrol::delete))
        .routes(routes!(passkeys::enrol::start).layer(passkey_limit()))
        .routes(routes!(passkeys::enrol::finish).layer(passkey_limit()))
        .routes(routes!(office::queue))
        .routes(routes!(office::detail))
        .routes(routes!(office::make_move))
        .routes(routes!(results::issue).layer(DefaultBodyLimit::max(results::MAX_RESULT_BYTES)))
}

/// gzip for the large JSON answers a phone pulls over a slow link (the
/// catalogue, the changes feed: repeated keys, a tenth of their size once
/// compressed), when the client asks for it. The fastest level: on these
/// answers it compresses nearly as well as the default at a fraction of the
/// CPU, which the portal spends per request.
fn compressed() -> CompressionLayer {
    CompressionLayer::new().quality(CompressionLevel::Fastest)
}

/// The routes whose answers stream for as long as the client listens (live
/// events), described like every other route but kept apart from [`api`] so
/// that [`router`] can place them outside the request timeout.
pub fn streams() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(events::events))
}

/// The whole OpenAPI document: [`api`]'s and [`streams`]' operations, as
/// [`router`] serves it.
#[cfg(test)]
pub fn document() -> utoipa::openapi::OpenApi {
    let mut document = api().into_openapi();
    document.merge(streams().into_openapi());
    document
}

pub fn router(state: AppState) -> Router {
    let (routes, mut document) = api().split_for_parts();
    let (streams, streams_document) = streams().split_for_parts();
    document.merge(streams_document);
    routes
        .merge(browser_pages::browser_pages())
        .fallback(|| async { PortalError::NotFound })
        .method_not_allowed_fallback(|| async { PortalError::MethodNotAllowed })
        .layer(Extension(openapi::Document::render(&document)))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        // Merged after the timeout layer, so outside it: an event stream is
        // meant to stay open for as long as its access token lives (it ends
        // itself then), and a 30 s cut would only make every app reconnect
        // and re-read its backlog twice a minute.
        .merge(streams.method_not_allowed_fallback(|| async { PortalError::MethodNotAllowed }))
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(middleware::from_fn(envelope_plain_rejections))
        .layer(middleware::from_fn_with_state(state.clone(), wake_events_after_writes))
        // Spans name the method and path only: query strings carry codes,
        // `id_token_hint`s and states, which logs must never hold.
        .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
        }))
        .with_state(state)
}

/// Passkey routes read far less than the API's limit; the route's own
/// limit is the one axum applies.
fn passkey_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(passkeys::BODY_LIMIT)
}

/// axum's own extractors (path, query and form parsers, body limits) refuse
/// bad input with a plain-text answer; clients of this portal read one error
/// shape, so every such refusal leaves as an envelope. The parser's text is
/// dropped: it can quote the input back, and it is not translated.
async fn envelope_plain_rejections(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let plain = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/plain"));
    if !status.is_client_error() || !plain {
        return response;
    }
    let (kind, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (ErrorKind::TooLarge, "the body is larger than allowed"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (ErrorKind::InvalidInput, "the body is not of a type this route reads"),
        _ => (ErrorKind::InvalidInput, "the request's path, query or form could not be read"),
    };
    PortalError::Refused { status, kind, message }.into_response()
}

/// Posted routes that write no dossier change, and are posted to so often
/// that waking the publisher after each would cost a query of
/// `dossier_change` per request for nothing: the identity provider's token
/// and revocation endpoints, which write only grants, tokens and rate-limit
/// counts. Leaving a route out of this list is always safe.
const NEVER_CHANGES_DOSSIERS: &[&str] = &[endpoints::TOKEN, endpoints::REVOKE];

/// After any request that may have written, the live-events publisher looks
/// for new changes at once instead of at its next poll. Done here rather
/// than where rows are inserted, so no writer can forget it.
async fn wake_events_after_writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let may_write = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && !NEVER_CHANGES_DOSSIERS.contains(&request.uri().path());
    let response = next.run(request).await;
    if may_write {
        state.events.wake();
    }
    response
}

/// Liveness: the process serves requests.
#[utoipa::path(
    get,
    path = path::HEALTH,
    tag = "service",
    responses((status = 200, description = "The portal is up.", content_type = "text/plain", body = String, example = "ok"))
)]
async fn health() -> &'static str {
    "ok"
}

/// The catalogue's entity tag: its version, quoted as RFC 9110 wants.
fn catalogue_etag(version: u64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"catalogue-v{version}\"")).expect("ASCII")
}

/// The whole catalogue. Its version is the entity tag, so an app that has
/// it pays a 304 and no body.
#[utoipa::path(
    get,
    path = path::CATALOGUE,
    tag = "catalogue",
    params(("If-None-Match" = Option<String>, Header, nullable = false, description = "The entity tag of the catalogue the client holds.")),
    responses(
        (status = 200, description = "The catalogue at its current version.", body = Catalogue,
         headers(("ETag" = String, description = "`\"catalogue-v<version>\"`"))),
        (status = 304, description = "The client's catalogue is current.",
         headers(("ETag" = String, description = "`\"catalogue-v<version>\"`"))),
    )
)]
async fn get_catalogue(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, PortalError> {
    let current = catalogue_etag(catalogue::version(&state.pool).await?);
    if headers.get_all(IF_NONE_MATCH).iter().any(|tag| tag == current || tag == "*") {
        return Ok((StatusCode::NOT_MODIFIED, [(ETAG, current)]).into_response());
    }
    let catalogue = catalogue::load(&state.pool).await?;
    Ok(([(ETAG, catalogue_etag(catalogue.version))], Json(catalogue)).into_response())
}

/// One version of a procedure's online form.
#[utoipa::path(
    get,
    path = path::FORM,
    tag = "catalogue",
    params(
        ("id" = String, Path, description = "The form's id, e.g. `ho-tich.khai-sinh`."),
        ("version" = u32, Path, description = "The form's version."),
    ),
    responses(
        (status = 200, description = "The form: its JSON Schema and its layout.", body = FormDefinition),
        (status = 400, description = "`version` is not a number.", body = ErrorEnvelope),
        (status = 404, description = "No such form or version.", body = ErrorEnvelope),
    )
)]
async fn get_form(
    State(state): State<AppState>,
    Path((id, version)): Path<(String, u32)>,
) -> Result<Json<FormDefinition>, PortalError> {
    let form = state.forms.get(&id, version).ok_or(PortalError::NotFound)?;
    Ok(Json(form.definition.clone()))
}

/// The identity provider's public signing keys.
#[utoipa::path(
    get,
    path = path::JWKS,
    tag = "identity",
    responses((status = 200, description = "A JWK Set (RFC 7517) of ES256 keys, the current one first.", body = Object,
               headers(("Cache-Control" = String, description = "Cacheable for five minutes."))))
)]
async fn get_jwks(State(state): State<AppState>) -> impl IntoResponse {
    // Relying parties may cache the keys briefly; a rotation keeps the old
    // key published for longer than this.
    ([(CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"))], Json(state.keys.jwks()))
}

/// The caller's profile, with the enterprises they may act for; the
/// `X-Acting-As` header of the answer confirms the profile the portal accepted.
#[utoipa::path(
    get,
    path = path::PROFILE,
    tag = "account",
    params(ActingAsHeader),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in person and what they may act for.", body = Profile,
         headers(("X-Acting-As" = String, description = "The profile the portal accepted: `myself` or a tax code."))),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "`X-Acting-As` names an enterprise without an active mandate.", body = ErrorEnvelope),
    )
)]
async fn get_profile(caller: Caller) -> Response {
    let acting_as = caller.acting_as_header();
    ([(ACTING_AS_HEADER, acting_as)], Json::<Profile>(caller.profile)).into_response()
}

/// The demo accounts, to sign in with on a demo portal.
#[utoipa::path(
    get,
    path = path::DEMO_IDENTITIES,
    tag = "demo",
    responses(
        (status = 200, description = "The demo identities.", body = Vec<DemoIdentity>),
        (status = 404, description = "This portal was not started with `--demo`.", body = ErrorEnvelope),
    )
)]
async fn get_demo_identities(State(state): State<AppState>) -> Result<Json<Vec<DemoIdentity>>, PortalError> {
    // A production portal must not even admit that demo accounts exist.
    if !state.demo {
        return Err(PortalError::NotFound);
    }
    Ok(Json(demo::identities(&state.pool).await?))
}
