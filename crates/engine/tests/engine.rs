//! The engine against a real reference portal on port 0: what it fetches is
//! what it keeps, and what it keeps survives the portal going away.

use std::net::SocketAddr;

use hoso_engine::{CatalogueSync, Engine};
use hoso_protocol::error::ErrorKind;

async fn spawn_portal(dir: &tempfile::TempDir) -> hoso_portal::RunningPortal {
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let database_url = format!("sqlite:{}", dir.path().join("portal.db").display());
    hoso_portal::start(hoso_portal::Config { addr, database_url, demo: true, ..Default::default() }).await.unwrap()
}

#[tokio::test]
async fn a_synced_catalogue_is_stored_and_readable_after_the_portal_stops() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let engine = Engine::open(&dir.path().join("engine.db"), &portal.url()).await.unwrap();

    assert!(engine.procedures().await.unwrap().is_empty());
    let outcome = engine.sync_catalogue().await.unwrap();
    let CatalogueSync::Updated { version: 1, procedures: synced } = outcome else { panic!("{outcome:?}") };
    portal.shutdown().await.unwrap();

    let offline = engine.sync_catalogue().await.unwrap_err();
    assert_eq!(offline.kind(), ErrorKind::Network);
    let procedures = engine.procedures().await.unwrap();
    assert_eq!(procedures.len(), synced);
    let birth = procedures.iter().find(|p| p.code.as_str() == "1.001193").expect("birth registration");
    assert_eq!(birth.name.vi, "Đăng ký khai sinh");
}

#[tokio::test]
async fn a_second_sync_at_the_same_version_downloads_nothing_new() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let engine = Engine::open(&dir.path().join("engine.db"), &portal.url()).await.unwrap();
    engine.sync_catalogue().await.unwrap();
    assert_eq!(engine.sync_catalogue().await.unwrap(), CatalogueSync::UpToDate { version: 1 });
}

#[tokio::test]
async fn the_store_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let path = dir.path().join("engine.db");
    let synced = {
        let engine = Engine::open(&path, &portal.url()).await.unwrap();
        engine.sync_catalogue().await.unwrap();
        engine.procedures().await.unwrap().len()
    };
    let reopened = Engine::open(&path, "http://127.0.0.1:9").await.unwrap();
    assert_eq!(reopened.procedures().await.unwrap().len(), synced);
}

#[tokio::test]
async fn a_portal_address_that_is_not_http_is_refused_as_invalid_input() {
    let dir = tempfile::tempdir().unwrap();
    let error = Engine::open(&dir.path().join("engine.db"), "ftp://example").await.err().unwrap();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn the_listing_falls_back_to_the_local_copy_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let engine = Engine::open(&dir.path().join("engine.db"), &portal.url()).await.unwrap();
    let online = engine.catalogue_listing().await.unwrap();
    assert_eq!(online.sync_error, None);
    portal.shutdown().await.unwrap();

    let offline = engine.catalogue_listing().await.unwrap();
    assert_eq!(offline.procedures, online.procedures);
    assert_eq!(offline.sync_error.map(|e| e.kind), Some(ErrorKind::Network));
}

/// Every file under `dir` with its bytes, but the portal's database (another
/// system, with its own storage). A file removed between listing and reading
/// (SQLite drops its journal files as it goes) was holding nothing to find.
fn local_files(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(here) = stack.pop() {
        for entry in std::fs::read_dir(&here).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if !path.file_name().unwrap().to_string_lossy().starts_with("portal.db") {
                match std::fs::read(&path) {
                    Ok(bytes) => files.push((path, bytes)),
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                    Err(error) => panic!("reading {}: {error}", path.display()),
                }
            }
        }
    }
    assert!(!files.is_empty(), "no file scanned under {}", dir.display());
    files
}

#[path = "engine/app_link.rs"]
mod app_link;
#[path = "engine/background.rs"]
mod background;
#[path = "engine/bulk.rs"]
mod bulk;
#[path = "engine/canary.rs"]
mod canary;
#[path = "engine/demo.rs"]
mod demo;
#[path = "engine/dossiers.rs"]
mod dossiers;
#[path = "engine/home.rs"]
mod home;
#[path = "engine/outbox.rs"]
mod outbox;
#[path = "engine/outbox_kill.rs"]
mod outbox_kill;
#[path = "engine/owners.rs"]
mod owners;
#[path = "engine/session_state.rs"]
mod session_state;
#[path = "engine/signin.rs"]
mod signin;
#[path = "engine/store.rs"]
mod store;
