//! What an oversized body costs the portal: driven in-process through the
//! real router with a body that never ends and counts every byte the portal
//! pulls from it, so the bound is measured at the server, not guessed from a
//! socket with kernel buffers in between.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{Method, Request};
use tower::ServiceExt;

use super::*;

/// How much more than its limit a route may read before refusing: one
/// network read's worth of slack, as the issue allows.
const SLACK: usize = 64 * 1024;
/// The demo officer's one-time-code secret (see the README).
const OFFICER_TOTP: &str = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U";
/// The size of each piece of the endless body.
const PIECE: usize = 16 * 1024;

/// A body of JSON whitespace that never ends, counting what is pulled from it.
fn endless_body(pulled: Arc<AtomicUsize>) -> Body {
    let pieces = std::iter::repeat_with(move || {
        pulled.fetch_add(PIECE, Ordering::SeqCst);
        Ok::<_, Infallible>(Bytes::from_static(&[b' '; PIECE]))
    });
    Body::from_stream(futures_util::stream::iter(pieces))
}

/// Sends `request` with an endless body to `service` and answers the status
/// and how many bytes the portal read before answering.
async fn send_endless(service: &axum::Router, request: axum::http::request::Builder) -> (u16, usize) {
    let pulled = Arc::new(AtomicUsize::new(0));
    let peer: SocketAddr = "127.0.0.1:40000".parse().unwrap();
    let request = request.extension(ConnectInfo(peer)).body(endless_body(pulled.clone())).unwrap();
    let response = service.clone().oneshot(request).await.unwrap();
    (response.status().as_u16(), pulled.load(Ordering::SeqCst))
}

async fn oversize_bodies_are_refused_after_reading_at_most_the_limit_and_64_kib(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let upload_length = 1000;
    let sha256 = sha256_hex(&vec![b'x'; upload_length]);
    assert_eq!(create_upload(&base, &client, &token, &sha256, upload_length, "application/pdf").await.status(), 201);

    // A second service on the same database, driven in-process, sees the
    // same accounts, tokens and uploads.
    let config = hoso_portal::Config {
        addr: test.portal.addr(),
        database_url: test._database.url.clone(),
        demo: true,
        ..Default::default()
    };
    let service = hoso_portal::service(&config, base.clone()).await.unwrap();
    let json_limit = hoso_portal::JSON_BODY_LIMIT;
    let passkey_limit = 16 * 1024;
    let result_limit = 20 * 1024 * 1024;
    let bearer = format!("Bearer {token}");
    let officer = format!("Bearer {}", access_token_for(&base, &client, ("officer", OFFICER_TOTP)).await);
    let code = "000.00.00.X01-261122-0001";
    let on = |template: &str| template.replace("{code}", code);
    let (json, form) = ("application/json", "application/x-www-form-urlencoded");
    // Each route with what it takes to get as far as reading the body, and its own limit.
    let routes = [
        (on(path::DOSSIERS), json, &bearer, json_limit),
        (on(path::DOSSIER_WITHDRAW), json, &bearer, json_limit),
        (on(path::DOSSIER_SUPPLEMENT), json, &bearer, json_limit),
        (on(path::DOSSIER_RATING), json, &bearer, json_limit),
        (on(path::OFFICE_MOVE), json, &officer, json_limit),
        (format!("{}?name=result.pdf", on(path::OFFICE_RESULT)), "application/pdf", &officer, result_limit),
        (path::PAYMENT_CALLBACK.to_owned(), json, &bearer, json_limit),
        ("/token".to_owned(), form, &bearer, json_limit),
        ("/login".to_owned(), form, &bearer, json_limit),
        ("/revoke".to_owned(), form, &bearer, json_limit),
        ("/end-session".to_owned(), form, &bearer, json_limit),
        ("/login/passkey/start".to_owned(), json, &bearer, passkey_limit),
        ("/login/passkey/finish".to_owned(), json, &bearer, passkey_limit),
        (path::PASSKEY_REGISTRATION_FINISH.to_owned(), json, &bearer, passkey_limit),
    ];
    for (uri, content_type, authorization, limit) in routes {
        let request = Request::builder()
            .method(Method::POST)
            .uri(&uri)
            .header("content-type", content_type)
            .header("authorization", authorization)
            .header("idempotency-key", "client-endless");
        let (status, read) = send_endless(&service, request).await;
        assert_eq!(status, 413, "{uri} answered {status}");
        assert!(read <= limit + SLACK, "{uri} read {read} bytes for a limit of {limit}");
        assert!(read > limit, "{uri} refused after {read} bytes, before its limit: the body was not what stopped it");
    }

    // Routes that take no body answer without reading one.
    for uri in [on(path::DOSSIER_PAYMENT), path::PASSKEY_REGISTRATION_START.to_owned()] {
        let request = Request::builder().method(Method::POST).uri(&uri).header("authorization", &bearer);
        let (status, read) = send_endless(&service, request).await;
        assert!(status < 500, "{uri} answered {status}");
        assert!(read <= SLACK, "{uri}, which takes no body, read {read} bytes");
    }

    // Without a valid token the body is not read at all.
    let request = Request::builder()
        .method(Method::POST)
        .uri(path::DOSSIERS)
        .header("content-type", "application/json")
        .header("authorization", "Bearer not-a-token");
    let (status, read) = send_endless(&service, request).await;
    assert_eq!(status, 401);
    assert!(read <= SLACK, "an unauthenticated submission read {read} bytes");

    // An upload's PATCH reads no more than the upload still lacks.
    let request = Request::builder()
        .method(Method::PATCH)
        .uri(format!("{}/{sha256}", path::UPLOADS))
        .header("authorization", &bearer)
        .header("tus-resumable", "1.0.0")
        .header("content-type", "application/offset+octet-stream")
        .header("upload-offset", "0");
    let (status, read) = send_endless(&service, request).await;
    assert_eq!(status, 413);
    assert!(read <= upload_length + SLACK, "the upload read {read} bytes for {upload_length} lacking");
    let offset = client
        .head(format!("{base}{}/{sha256}", path::UPLOADS))
        .bearer_auth(&token)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(offset.headers()["upload-offset"], "0", "a refused PATCH stores nothing");
}

async fn unreadable_paths_queries_and_forms_are_refused_with_an_envelope(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let answers = [
        client.get(format!("{base}/api/v1/forms/ho-tich.khai-sinh/one")).send().await.unwrap(),
        client.get(format!("{base}{}?since=abc", path::DOSSIER_CHANGES)).bearer_auth(&token).send().await.unwrap(),
        client.post(format!("{base}/token")).form(&[("code", "x")]).send().await.unwrap(),
        client.post(format!("{base}/revoke")).body("token=x").send().await.unwrap(),
    ];
    let mut statuses = Vec::new();
    for answer in answers {
        let status = answer.status().as_u16();
        statuses.push(status);
        let content_type = answer.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(content_type.starts_with("application/json"), "{status} answered {content_type}");
        let envelope: ErrorEnvelope = answer.json().await.unwrap();
        assert!(!envelope.message.contains("abc"), "the input was quoted back: {}", envelope.message);
    }
    assert_eq!(statuses, [400, 400, 422, 415]);
}

contract![
    oversize_bodies_are_refused_after_reading_at_most_the_limit_and_64_kib,
    unreadable_paths_queries_and_forms_are_refused_with_an_envelope,
];
