//! The portal's HTTP API, exercised over loopback against a real server on
//! port 0 with a fresh SQLite database per test.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};

use hoso_protocol::api::{Catalogue, DemoIdentity, DemoRole, path};
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use tempfile::TempDir;

struct TestPortal {
    portal: hoso_portal::RunningPortal,
    _dir: TempDir,
}

async fn spawn_portal(demo: bool) -> TestPortal {
    let dir = tempfile::tempdir().unwrap();
    let portal = start_on(&dir, demo).await;
    TestPortal { portal, _dir: dir }
}

async fn start_on(dir: &TempDir, demo: bool) -> hoso_portal::RunningPortal {
    let database_url = format!("sqlite:{}", dir.path().join("portal.db").display());
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    hoso_portal::start(hoso_portal::Config { addr, database_url, demo }).await.unwrap()
}

async fn get_catalogue(url: &str) -> Catalogue {
    let response = reqwest::get(format!("{url}{}", path::CATALOGUE)).await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_catalogue_serves_the_procedure_shipped_in_assets() {
    let test = spawn_portal(false).await;
    let catalogue = get_catalogue(&test.portal.url()).await;
    assert_eq!(catalogue.version, 1);
    let birth = catalogue.procedures.iter().find(|p| p.code.as_str() == "1.001193").expect("birth registration");
    assert_eq!(birth.name.vi, "Đăng ký khai sinh");
    assert!(birth.online_channel().is_some());
}

#[tokio::test]
async fn restarting_on_the_same_database_keeps_the_catalogue_version() {
    let dir = tempfile::tempdir().unwrap();
    let first = start_on(&dir, false).await;
    let before = get_catalogue(&first.url()).await;
    first.shutdown().await.unwrap();
    let second = start_on(&dir, false).await;
    let after = get_catalogue(&second.url()).await;
    assert_eq!(before, after);
}

#[tokio::test]
async fn demo_identities_do_not_exist_without_demo_mode() {
    let test = spawn_portal(false).await;
    let response = reqwest::get(format!("{}{}", test.portal.url(), path::DEMO_IDENTITIES)).await.unwrap();
    assert_eq!(response.status(), 404);
    let envelope: ErrorEnvelope = response.json().await.unwrap();
    assert_eq!(envelope.kind, ErrorKind::NotFound);
}

#[tokio::test]
async fn demo_mode_offers_a_citizen_a_business_representative_and_an_officer() {
    let test = spawn_portal(true).await;
    let identities: Vec<DemoIdentity> =
        reqwest::get(format!("{}{}", test.portal.url(), path::DEMO_IDENTITIES)).await.unwrap().json().await.unwrap();
    let roles: Vec<DemoRole> = identities.iter().map(|i| i.role).collect();
    assert_eq!(roles.len(), 3);
    for role in [DemoRole::Citizen, DemoRole::BusinessRepresentative, DemoRole::SupportOfficer] {
        assert!(roles.contains(&role), "{role:?} missing from {roles:?}");
    }
}

#[tokio::test]
async fn the_binary_prints_the_url_it_listens_on_as_its_first_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hoso-portal"))
        .args(["--addr", "127.0.0.1:0", "--demo", "--db"])
        .arg(format!("sqlite:{}", dir.path().join("portal.db").display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first_line).unwrap();
    let url = first_line.trim().to_owned();
    let health = reqwest::get(format!("{url}{}", path::HEALTH)).await.map(|r| r.status());
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "first line was {first_line:?}");
    assert_eq!(health.unwrap(), 200);
}

#[tokio::test]
async fn the_catalogue_carries_an_etag_and_an_unchanged_one_costs_a_304() {
    let test = spawn_portal(false).await;
    let url = format!("{}{}", test.portal.url(), path::CATALOGUE);
    let first = reqwest::get(&url).await.unwrap();
    let etag = first.headers().get("etag").expect("an ETag").to_str().unwrap().to_owned();
    assert_eq!(etag, "\"catalogue-v1\"");

    let again = reqwest::Client::new().get(&url).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.unwrap().is_empty());

    let stale = reqwest::Client::new().get(&url).header("if-none-match", "\"catalogue-v0\"").send().await.unwrap();
    assert_eq!(stale.status(), 200);
}

#[tokio::test]
async fn every_shipped_form_is_served_as_shipped() {
    let test = spawn_portal(false).await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/forms");
    let mut served = 0;
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.path().extension().is_none_or(|e| e != "json") {
            continue;
        }
        let shipped: serde_json::Value = serde_json::from_slice(&std::fs::read(entry.path()).unwrap()).unwrap();
        let id = shipped["id"].as_str().unwrap();
        let version = shipped["version"].as_u64().unwrap();
        let response = reqwest::get(format!("{}/api/v1/forms/{id}/{version}", test.portal.url())).await.unwrap();
        assert_eq!(response.status(), 200, "{id} v{version}");
        let body: serde_json::Value = response.json().await.unwrap();
        let expected: hoso_domain::form::FormDefinition = serde_json::from_value(shipped.clone()).unwrap();
        assert_eq!(serde_json::from_value::<hoso_domain::form::FormDefinition>(body).unwrap(), expected);
        served += 1;
    }
    assert!(served >= 15, "only {served} forms");
}

#[tokio::test]
async fn unknown_paths_and_forms_answer_a_not_found_envelope() {
    let test = spawn_portal(false).await;
    for path in ["/api/v1/forms/no-such-form/1", "/api/v1/nothing-here", "/api/v1/forms/ho-tich.khai-sinh/99"] {
        let response = reqwest::get(format!("{}{path}", test.portal.url())).await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        let envelope: ErrorEnvelope = response.json().await.unwrap();
        assert_eq!(envelope.kind, ErrorKind::NotFound, "{path}");
    }
}

#[tokio::test]
async fn a_wrong_method_answers_405_with_an_envelope() {
    let test = spawn_portal(false).await;
    let response =
        reqwest::Client::new().delete(format!("{}{}", test.portal.url(), path::CATALOGUE)).send().await.unwrap();
    assert_eq!(response.status(), 405);
    let envelope: ErrorEnvelope = response.json().await.unwrap();
    assert_eq!(envelope.message, "method not allowed");
}
