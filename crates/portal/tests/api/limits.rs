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
    let bearer = format!("Bearer {token}");
    let json_routes = [
        (Method::POST, path::DOSSIERS.to_owned(), "application/json"),
        (Method::POST, path::DOSSIER_WITHDRAW.replace("{code}", "000.00.00.X01-261122-0001"), "application/json"),
        (Method::POST, "/token".to_owned(), "application/x-www-form-urlencoded"),
        (Method::POST, "/login".to_owned(), "application/x-www-form-urlencoded"),
        (Method::POST, "/revoke".to_owned(), "application/x-www-form-urlencoded"),
    ];
    for (method, uri, content_type) in json_routes {
        let request = Request::builder()
            .method(method)
            .uri(&uri)
            .header("content-type", content_type)
            .header("authorization", &bearer)
            .header("idempotency-key", "client-endless");
        let (status, read) = send_endless(&service, request).await;
        assert_eq!(status, 413, "{uri} answered {status}");
        assert!(read <= json_limit + SLACK, "{uri} read {read} bytes for a limit of {json_limit}");
        assert!(
            read > json_limit,
            "{uri} refused after {read} bytes, before its limit: the body was not what stopped it"
        );
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

contract![oversize_bodies_are_refused_after_reading_at_most_the_limit_and_64_kib];
