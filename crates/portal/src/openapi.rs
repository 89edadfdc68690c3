//! The OpenAPI 3.1 document of API v1 and of the identity provider's
//! endpoints: generated from the code with utoipa, rendered once when the
//! router is built, and served at `GET /api/openapi.json`. A copy is
//! committed at `docs/api/openapi.json`; a test fails when the two differ.
//!
//! The router and the document are built from one list, `http::api()`: each
//! `.routes(routes!(handler))` there adds the handler to the router under the
//! method and path of its `#[utoipa::path]` annotation, and the same
//! operation to the document. So a route without an annotation cannot be
//! added there, and a test refuses a plain `.route(...)` in `http.rs`.
//! Streams that must outlive the request timeout (live events) are listed
//! the same way in `http::streams()`, whose document `http::router` merges
//! into this one. The one other place routes come from is
//! `browser_pages.rs`: HTML pages for people's browsers, which are no API,
//! so they are not in the document (and nothing there is under `/api/`).
//!
//! To add a route:
//! 1. Annotate its handler with `#[utoipa::path(...)]`: the method, `path =`
//!    the constant of `hoso_protocol::api::path`, a `tag`, `params` (path and
//!    query parameters, and the headers it reads: `X-Acting-As` on every route
//!    that takes a `Caller`, `Idempotency-Key`, the tus headers), the
//!    `request_body`, and one `responses` entry per status it can answer,
//!    with `body = ErrorEnvelope` for each refusal (401, 403, 404, 409, 413,
//!    415, 422, 429 with `Retry-After`…). A route that takes a `Caller` adds
//!    `security(("bearer" = []))`. The operation id is the handler's name;
//!    where that is not unique in the document (`start`, `detail`, `list`),
//!    give one with `operation_id = "..."`.
//! 2. Register it in `http::api()` with `.routes(routes!(handler))`; handlers
//!    of one path go in one `routes!` (e.g. `routes!(dossiers::submit,
//!    dossiers::list)`). A route with its own body limit keeps it with
//!    `routes!(handler).layer(DefaultBodyLimit::max(N))`
//!    (`UtoipaMethodRouterExt`).
//! 3. Refresh the committed copy and commit it:
//!    `HOSO_BLESS=1 cargo test -p hoso-portal --test api openapi`.
//!
//! Wire types derive `utoipa::ToSchema` behind the `openapi` feature of
//! `hoso-domain` and `hoso-protocol` (only the portal enables it, so the wasm
//! UI never compiles utoipa). Schemas are collected from the annotations, so
//! no list of them is kept here.

use axum::Extension;
use axum::body::Bytes;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use hoso_protocol::api::path;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The name of the security scheme of access tokens, as annotations cite it.
pub const BEARER: &str = "bearer";

/// The document's fixed parts; `http::api()` adds the operations and schemas.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Hồ sơ portal API",
        version = "1",
        description = "The reference national public-service portal: the public-service API v1 \
                       (catalogue, profile, dossiers, attachment uploads, payments, live events, \
                       passkeys, the officer API) and its OpenID Connect provider. Every failure of API v1 answers the error envelope \
                       `{kind, message, fields?}`; `kind` is stable and machine-readable. \
                       Calls that act for a profile carry an access token from the provider \
                       (`Authorization: Bearer …`) and may name an enterprise in `X-Acting-As`. \
                       Besides the answers each operation lists, any request may be answered 500 \
                       (`internal`, no detail) or 408 (`network`, after 30 s), and an unknown path \
                       or method 404 or 405 (`not_found`), all with the envelope."
    ),
    modifiers(&BearerToken),
    tags(
        (name = "service", description = "Liveness and this document."),
        (name = "catalogue", description = "Procedures and their online forms; no sign-in needed."),
        (name = "account", description = "The signed-in person and the profiles they may act for."),
        (name = "dossiers", description = "Submitting exactly once, the changes feed, detail, withdrawal."),
        (name = "uploads", description = "Resumable attachment uploads (tus 1.0 core, creation, checksum)."),
        (name = "events", description = "Live events: hints that a dossier changed, as server-sent events."),
        (name = "payments", description = "Paying what a dossier owes, and the payment gateway's signed notification."),
        (name = "office", description = "The officer API: the queue, any dossier in full, moves and results; officers only."),
        (name = "identity", description = "The OpenID Connect provider: authorization code + PKCE S256, end-session."),
        (name = "passkeys", description = "Passkeys (WebAuthn): signing in on the provider's page, and enrolment behind a bearer token."),
        (name = "demo", description = "Only on a portal started with `--demo`."),
    )
)]
pub struct ApiDoc;

/// Declares the bearer scheme that every signed-in route names in `security`.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some("An access token from the portal's identity provider (`/token`)."))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(BEARER, SecurityScheme::Http(scheme));
    }
}

/// The document as served: pretty-printed JSON with a trailing newline,
/// exactly the bytes of the committed copy. Rendered once per router.
#[derive(Clone)]
pub struct Document(Bytes);

impl Document {
    pub fn render(openapi: &utoipa::openapi::OpenApi) -> Self {
        // Serialising plain data with string keys cannot fail.
        let mut text = openapi.to_pretty_json().expect("the OpenAPI document serialises");
        text.push('\n');
        Self(Bytes::from(text))
    }
}

/// The document itself.
#[utoipa::path(
    get,
    path = path::OPENAPI,
    tag = "service",
    responses(
        (status = 200, description = "This OpenAPI 3.1 document.", content_type = "application/json", body = Object,
         headers(("Cache-Control" = String, description = "Cacheable for five minutes: it changes only with a new release."))),
    )
)]
pub async fn serve(Extension(document): Extension<Document>) -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static("application/json")),
            (CACHE_CONTROL, HeaderValue::from_static("public, max-age=300")),
        ],
        document.0,
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use hoso_protocol::api::payment::GATEWAY_SIGNATURE_HEADER;
    use hoso_protocol::api::upload::header;
    use hoso_protocol::api::{ACTING_AS_HEADER, IDEMPOTENCY_KEY_HEADER};
    use utoipa::openapi::path::ParameterIn;

    use crate::http;

    /// Every header parameter the document names, by operation.
    fn header_params() -> Vec<(String, String)> {
        let openapi = http::document();
        let mut found = Vec::new();
        for (path, item) in &openapi.paths.paths {
            let operations = [&item.get, &item.post, &item.head, &item.patch, &item.put, &item.delete];
            for operation in operations.into_iter().flatten() {
                for parameter in operation.parameters.iter().flatten() {
                    if parameter.parameter_in == ParameterIn::Header {
                        found.push((path.clone(), parameter.name.clone()));
                    }
                }
            }
        }
        found
    }

    #[test]
    fn every_header_the_document_names_is_spelled_as_the_protocol_spells_it() {
        // Annotations can only take header names as literals; this is where a
        // typo in one of them shows.
        let known = [
            ACTING_AS_HEADER,
            IDEMPOTENCY_KEY_HEADER,
            header::TUS_RESUMABLE,
            header::UPLOAD_OFFSET,
            header::UPLOAD_LENGTH,
            header::UPLOAD_METADATA,
            header::UPLOAD_CHECKSUM,
            GATEWAY_SIGNATURE_HEADER,
            "If-None-Match",
            // The header an EventSource sends when it reconnects (HTML's server-sent events).
            "Last-Event-ID",
        ];
        let named: BTreeSet<String> = header_params().into_iter().map(|(_, name)| name).collect();
        for name in &named {
            assert!(known.contains(&name.as_str()), "{name} is not a header the protocol defines");
        }
        for name in known {
            assert!(named.contains(name), "no operation documents the header {name}");
        }
    }

    #[test]
    fn every_api_route_behind_the_bearer_scheme_documents_the_acting_as_header_and_its_refusals() {
        let openapi = http::document();
        let mut checked = 0;
        for (path, item) in &openapi.paths.paths {
            let operations = [&item.get, &item.post, &item.head, &item.patch, &item.put, &item.delete];
            for operation in operations.into_iter().flatten() {
                // The provider's `/userinfo` takes a token too, but acts for no profile.
                if operation.security.is_none() || !path.starts_with("/api/v1/") {
                    continue;
                }
                checked += 1;
                let names: Vec<&str> = operation.parameters.iter().flatten().map(|p| p.name.as_str()).collect();
                // An officer acts for the agency, never for a profile, so the
                // officer API reads no `X-Acting-As`; its 403 is the role.
                if !path.starts_with("/api/v1/office/") {
                    assert!(names.contains(&ACTING_AS_HEADER), "{path} takes a bearer token but no {ACTING_AS_HEADER}");
                }
                let responses = &operation.responses.responses;
                assert!(responses.contains_key("401"), "{path} takes a bearer token but documents no 401");
                assert!(responses.contains_key("403"), "{path} acts for a profile but documents no 403");
            }
        }
        assert!(checked >= 20, "only {checked} operations name the bearer scheme");
    }

    #[test]
    fn every_operation_has_an_operation_id_of_its_own() {
        // Handlers of different rooms share names (`start`, `detail`, `list`);
        // a client generator needs one id per operation.
        let openapi = http::document();
        let mut seen = BTreeSet::new();
        for (path, item) in &openapi.paths.paths {
            let operations = [&item.get, &item.post, &item.head, &item.patch, &item.put, &item.delete];
            for operation in operations.into_iter().flatten() {
                let id = operation.operation_id.clone().unwrap_or_else(|| panic!("{path}: no operation id"));
                assert!(seen.insert(id.clone()), "{path}: the operation id {id} is taken already");
            }
        }
    }

    #[test]
    fn the_event_stream_is_in_the_document_but_not_among_the_routes_under_the_timeout() {
        let events = hoso_protocol::api::path::EVENTS;
        assert!(http::document().paths.paths.contains_key(events), "the document lacks {events}");
        assert!(!http::api().into_openapi().paths.paths.contains_key(events), "{events} would be cut after 30 s");
    }

    #[test]
    fn the_http_module_registers_routes_only_through_the_document() {
        // `.route(` would add a route the document does not describe; the
        // document is served through `routes!` like every other route. HTML
        // pages for browsers are registered in `browser_pages.rs` instead.
        let source = include_str!("http.rs");
        let plain_routes: Vec<&str> = source.lines().filter(|line| line.contains(".route(")).collect();
        assert!(plain_routes.is_empty(), "register routes with `.routes(routes!(handler))`: {plain_routes:?}");
    }
}
