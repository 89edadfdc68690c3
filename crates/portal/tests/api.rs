//! The portal's HTTP API, exercised over loopback against a real server on
//! port 0: one contract suite, run against SQLite and against PostgreSQL, with
//! a fresh database per test.
//!
//! Each contract test is written once and runs twice, as `sqlite::NAME` and
//! `postgres::NAME`. The PostgreSQL runs need `HOSO_TEST_POSTGRES_URL`, a
//! server where the tests may create databases; `cargo xtask test` starts a
//! throwaway one and sets it. Without it they fail, unless
//! `HOSO_SKIP_POSTGRES=1` says that skipping them is intended.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use hoso_protocol::api::{Catalogue, DemoIdentity, DemoRole, path};
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use sqlx::{Connection, PgConnection};
use tempfile::TempDir;

/// The variable naming a PostgreSQL server the tests may create databases on.
const POSTGRES_URL: &str = "HOSO_TEST_POSTGRES_URL";
/// Set to 1, with no server named, to skip the PostgreSQL runs on purpose.
const SKIP_POSTGRES: &str = "HOSO_SKIP_POSTGRES";

#[derive(Debug, Clone, Copy)]
enum Backend {
    Sqlite,
    Postgres,
}

/// Declares each contract test, an `async fn name(backend: Backend)`, as a
/// test in module `sqlite` and in module `postgres`. A contract test left out
/// of the list is dead code, which the lints refuse.
macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::Backend::Sqlite).await;
                }
            )*
        }

        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    if super::postgres_admin_url().is_some() {
                        super::$name(super::Backend::Postgres).await;
                    }
                }
            )*
        }
    };
}

/// The PostgreSQL server named by [`POSTGRES_URL`], or `None` when the
/// PostgreSQL runs are skipped on purpose. Anything else is a failure: a
/// contract suite that quietly runs on one backend proves nothing about the
/// other.
fn postgres_admin_url() -> Option<String> {
    if let Some(url) = std::env::var(POSTGRES_URL).ok().filter(|url| !url.is_empty()) {
        return Some(url);
    }
    if std::env::var(SKIP_POSTGRES).is_ok_and(|skip| skip == "1") {
        eprintln!("skipped: {SKIP_POSTGRES}=1 and no {POSTGRES_URL}, so this test did not run against PostgreSQL");
        return None;
    }
    panic!(
        "{POSTGRES_URL} is not set, so the PostgreSQL half of the contract suite cannot run. \
         Run `cargo xtask test`, which starts a throwaway PostgreSQL for it, or set {SKIP_POSTGRES}=1 \
         to skip the PostgreSQL tests on purpose."
    );
}

/// A database only one test uses, removed when dropped.
struct TestDatabase {
    url: String,
    _dir: Option<TempDir>,
    _postgres: Option<PostgresDatabase>,
}

impl TestDatabase {
    async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite:{}", dir.path().join("portal.db").display());
                Self { url, _dir: Some(dir), _postgres: None }
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url().expect("the PostgreSQL runs are not skipped");
                let database = PostgresDatabase::create(admin_url).await;
                Self { url: database.url(), _dir: None, _postgres: Some(database) }
            }
        }
    }
}

/// A uniquely named database on the test server, dropped with its
/// connections when the test ends, however it ends.
struct PostgresDatabase {
    admin_url: String,
    name: String,
}

impl PostgresDatabase {
    async fn create(admin_url: String) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("hoso_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let mut admin = PgConnection::connect(&admin_url).await.unwrap_or_else(|e| panic!("{POSTGRES_URL}: {e}"));
        sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
        admin.close().await.unwrap();
        Self { admin_url, name }
    }

    /// The admin URL with this database in place of the admin's.
    fn url(&self) -> String {
        let (base, query) =
            self.admin_url.split_once('?').map_or((self.admin_url.as_str(), None), |(b, q)| (b, Some(q)));
        let authority = base.find("://").map_or(0, |at| at + 3);
        let path = base[authority..].find('/').map_or(base.len(), |at| authority + at);
        let mut url = format!("{}/{}", &base[..path], self.name);
        if let Some(query) = query {
            url.push('?');
            url.push_str(query);
        }
        url
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        // Drop cannot await, and the test's runtime may be unwinding: a thread
        // with its own runtime does the work. A failure is reported, not
        // raised, because panicking while unwinding would abort the binary.
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&admin_url).await?;
                sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await?;
                admin.close().await?;
                anyhow::Ok(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop the test database {}: {dropped:?}", self.name);
        }
    }
}

struct TestPortal {
    // Declared first so it stops before its database is dropped.
    portal: hoso_portal::RunningPortal,
    _database: TestDatabase,
}

async fn spawn_portal(backend: Backend, demo: bool) -> TestPortal {
    let database = TestDatabase::new(backend).await;
    let portal = start_on(&database, demo).await;
    TestPortal { portal, _database: database }
}

async fn start_on(database: &TestDatabase, demo: bool) -> hoso_portal::RunningPortal {
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let config = hoso_portal::Config { addr, database_url: database.url.clone(), demo, ..Default::default() };
    hoso_portal::start(config).await.unwrap()
}

async fn get_catalogue(url: &str) -> Catalogue {
    let response = reqwest::get(format!("{url}{}", path::CATALOGUE)).await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_database_url_of_another_kind_is_refused_with_the_kinds_it_takes() {
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let config = hoso_portal::Config {
        addr,
        database_url: "mysql://hoso:secret@127.0.0.1/portal".into(),
        demo: false,
        ..Default::default()
    };
    let Err(error) = hoso_portal::start(config).await else { panic!("a MySQL URL was accepted") };
    let message = error.to_string();
    assert!(message.contains("`mysql`") && message.contains("sqlite:") && message.contains("postgres://"), "{message}");
}

async fn the_catalogue_serves_the_procedure_shipped_in_assets(backend: Backend) {
    let test = spawn_portal(backend, false).await;
    let catalogue = get_catalogue(&test.portal.url()).await;
    assert_eq!(catalogue.version, 1);
    let birth = catalogue.procedures.iter().find(|p| p.code.as_str() == "1.001193").expect("birth registration");
    assert_eq!(birth.name.vi, "Đăng ký khai sinh");
    assert!(birth.online_channel().is_some());
}

async fn restarting_on_the_same_database_keeps_the_catalogue_version(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let first = start_on(&database, false).await;
    let before = get_catalogue(&first.url()).await;
    first.shutdown().await.unwrap();
    let second = start_on(&database, false).await;
    let after = get_catalogue(&second.url()).await;
    assert_eq!(before, after);
}

async fn demo_identities_do_not_exist_without_demo_mode(backend: Backend) {
    let test = spawn_portal(backend, false).await;
    let response = reqwest::get(format!("{}{}", test.portal.url(), path::DEMO_IDENTITIES)).await.unwrap();
    assert_eq!(response.status(), 404);
    let envelope: ErrorEnvelope = response.json().await.unwrap();
    assert_eq!(envelope.kind, ErrorKind::NotFound);
}

async fn demo_mode_offers_a_citizen_a_business_representative_and_an_officer(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let identities: Vec<DemoIdentity> =
        reqwest::get(format!("{}{}", test.portal.url(), path::DEMO_IDENTITIES)).await.unwrap().json().await.unwrap();
    let roles: Vec<DemoRole> = identities.iter().map(|i| i.role).collect();
    assert_eq!(roles.len(), 3);
    for role in [DemoRole::Citizen, DemoRole::BusinessRepresentative, DemoRole::SupportOfficer] {
        assert!(roles.contains(&role), "{role:?} missing from {roles:?}");
    }
}

async fn the_binary_prints_the_url_it_listens_on_as_its_first_line(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_hoso-portal"))
        .args(["--addr", "127.0.0.1:0", "--demo", "--db", &database.url])
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

async fn the_catalogue_carries_an_etag_and_an_unchanged_one_costs_a_304(backend: Backend) {
    let test = spawn_portal(backend, false).await;
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

async fn every_shipped_form_is_served_as_shipped(backend: Backend) {
    let test = spawn_portal(backend, false).await;
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

async fn unknown_paths_and_forms_answer_a_not_found_envelope(backend: Backend) {
    let test = spawn_portal(backend, false).await;
    for path in ["/api/v1/forms/no-such-form/1", "/api/v1/nothing-here", "/api/v1/forms/ho-tich.khai-sinh/99"] {
        let response = reqwest::get(format!("{}{path}", test.portal.url())).await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        let envelope: ErrorEnvelope = response.json().await.unwrap();
        assert_eq!(envelope.kind, ErrorKind::NotFound, "{path}");
    }
}

async fn a_wrong_method_answers_405_with_an_envelope(backend: Backend) {
    let test = spawn_portal(backend, false).await;
    let response =
        reqwest::Client::new().delete(format!("{}{}", test.portal.url(), path::CATALOGUE)).send().await.unwrap();
    assert_eq!(response.status(), 405);
    let envelope: ErrorEnvelope = response.json().await.unwrap();
    assert_eq!(envelope.message, "method not allowed");
}

async fn jwks_of(url: &str) -> serde_json::Value {
    let response = reqwest::get(format!("{url}{}", path::JWKS)).await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn the_jwks_publishes_an_es256_key_that_survives_a_restart(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let first = start_on(&database, false).await;
    let before = jwks_of(&first.url()).await;
    first.shutdown().await.unwrap();
    let keys = before["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!((keys[0]["kty"].as_str(), keys[0]["alg"].as_str()), (Some("EC"), Some("ES256")));
    assert!(keys[0].get("d").is_none(), "a private key was published");
    let second = start_on(&database, false).await;
    assert_eq!(jwks_of(&second.url()).await, before);
}

/// Only PostgreSQL is for several processes; an SQLite file belongs to one.
#[tokio::test]
async fn two_portals_starting_together_on_one_postgres_database_publish_the_same_key() {
    if postgres_admin_url().is_none() {
        return;
    }
    let database = TestDatabase::new(Backend::Postgres).await;
    let (a, b) = tokio::join!(start_on(&database, false), start_on(&database, false));
    let (keys_a, keys_b) = (jwks_of(&a.url()).await, jwks_of(&b.url()).await);
    assert_eq!(keys_a["keys"].as_array().unwrap().len(), 1);
    assert_eq!(keys_a, keys_b);
}

/// A client that shows redirects instead of following them, as the app's
/// loopback listener would receive them.
fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn pkce_pair() -> (String, String) {
    use base64::Engine;
    use sha2::Digest;
    let verifier = hoso_portal::oidc::grant::new_secret();
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

fn query_param(location: &str, name: &str) -> Option<String> {
    url::Url::parse(location).ok()?.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// The value of the login form's hidden request id.
fn request_id(page: &str) -> String {
    let marker = "name=\"request_id\" value=\"";
    let start = page.find(marker).expect("a request id in the form") + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

fn current_code(secret: &str) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    hoso_portal::oidc::credentials::OneTimeCodes::from_base32(secret).unwrap().code_at(now)
}

const CITIZEN_TOTP: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const REDIRECT: &str = "http://127.0.0.1:49152/callback";

/// Runs authorize → sign in → code, returning (code, verifier).
async fn sign_in_for_code(base: &str, client: &reqwest::Client) -> (String, String) {
    sign_in_for_code_with_scope(base, client, "openid profile enterprises").await
}

async fn sign_in_for_code_with_scope(base: &str, client: &reqwest::Client, scope: &str) -> (String, String) {
    sign_in_as(base, client, scope, ("citizen", CITIZEN_TOTP)).await
}

async fn sign_in_as(base: &str, client: &reqwest::Client, scope: &str, user: (&str, &str)) -> (String, String) {
    let (verifier, challenge) = pkce_pair();
    let page = client
        .get(format!("{base}/authorize"))
        .query(&[
            ("client_id", "hoso-app"),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("scope", scope),
            ("state", "state-1"),
            ("nonce", "nonce-1"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let request = request_id(&page.text().await.unwrap());
    let answer = client
        .post(format!("{base}/login"))
        .form(&[
            ("request_id", request.as_str()),
            ("username", user.0),
            ("password", "hoso-demo-2026"),
            ("code", &current_code(user.1)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(REDIRECT), "{location}");
    assert_eq!(query_param(&location, "state").as_deref(), Some("state-1"));
    assert_eq!(query_param(&location, "iss").as_deref(), Some(base));
    (query_param(&location, "code").expect("a code"), verifier)
}

async fn redeem(base: &str, client: &reqwest::Client, code: &str, verifier: &str) -> reqwest::Response {
    client
        .post(format!("{base}/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("client_id", "hoso-app"),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap()
}

async fn a_citizen_signs_in_with_the_code_flow_and_reads_their_claims(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let discovery: serde_json::Value =
        client.get(format!("{base}/.well-known/openid-configuration")).send().await.unwrap().json().await.unwrap();
    assert_eq!(discovery["issuer"], base.as_str());
    assert_eq!(discovery["code_challenge_methods_supported"], serde_json::json!(["S256"]));

    let (code, verifier) = sign_in_for_code(&base, &client).await;
    let tokens: serde_json::Value = redeem(&base, &client, &code, &verifier).await.json().await.unwrap();
    let access = tokens["access_token"].as_str().expect("an access token");
    assert_eq!(tokens["token_type"], "Bearer");

    // The ID token verifies against the published keys and names the citizen.
    let id_token = tokens["id_token"].as_str().unwrap();
    let kid = jsonwebtoken::decode_header(id_token).unwrap().kid.unwrap();
    let jwks: jsonwebtoken::jwk::JwkSet = serde_json::from_value(jwks_of(&base).await).unwrap();
    let key = jsonwebtoken::DecodingKey::from_jwk(jwks.find(&kid).unwrap()).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    validation.set_audience(&["hoso-app"]);
    validation.set_issuer(&[base.as_str()]);
    let claims = jsonwebtoken::decode::<serde_json::Value>(id_token, &key, &validation).unwrap().claims;
    assert_eq!(claims["sub"], "demo-citizen-0001");
    assert_eq!(claims["nonce"], "nonce-1");

    let userinfo: serde_json::Value =
        client.get(format!("{base}/userinfo")).bearer_auth(access).send().await.unwrap().json().await.unwrap();
    assert_eq!(userinfo["sub"], "demo-citizen-0001");
    assert_eq!(userinfo["name"], "Nguyễn Văn An");
    assert_eq!(userinfo["citizen_id"], "001090012345");
    assert_eq!(userinfo["enterprises"], serde_json::json!([]));
}

async fn a_replayed_code_is_refused_and_revokes_what_its_first_use_issued(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let (code, verifier) = sign_in_for_code(&base, &client).await;
    let first: serde_json::Value = redeem(&base, &client, &code, &verifier).await.json().await.unwrap();
    let access = first["access_token"].as_str().unwrap().to_owned();
    assert_eq!(client.get(format!("{base}/userinfo")).bearer_auth(&access).send().await.unwrap().status(), 200);

    let replay = redeem(&base, &client, &code, &verifier).await;
    assert_eq!(replay.status(), 400);
    assert_eq!(replay.json::<serde_json::Value>().await.unwrap()["error"], "invalid_grant");
    let after = client.get(format!("{base}/userinfo")).bearer_auth(&access).send().await.unwrap();
    assert_eq!(after.status(), 401);
}

async fn a_wrong_verifier_or_password_gets_nothing(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let (code, _) = sign_in_for_code(&base, &client).await;
    let (other_verifier, _) = pkce_pair();
    assert_eq!(redeem(&base, &client, &code, &other_verifier).await.status(), 400);

    let (_, challenge) = pkce_pair();
    let page = client
        .get(format!("{base}/authorize"))
        .query(&[
            ("client_id", "hoso-app"),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("scope", "openid"),
            ("nonce", "n"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let refused = client
        .post(format!("{base}/login"))
        .form(&[
            ("request_id", request_id(&page).as_str()),
            ("username", "citizen"),
            ("password", "guess"),
            ("code", "000000"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert!(refused.headers().get("location").is_none());
    assert!(refused.text().await.unwrap().contains("role=\"alert\""));
}

async fn an_unregistered_redirect_is_shown_an_error_page_not_redirected_to(backend: Backend) {
    let test = spawn_portal(backend, false).await;
    let response = no_redirects()
        .get(format!("{}/authorize", test.portal.url()))
        .query(&[
            ("client_id", "hoso-app"),
            ("redirect_uri", "https://evil.example/callback"),
            ("response_type", "code"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
    assert_eq!(response.headers()["x-frame-options"], "DENY");
}

async fn refresh(base: &str, client: &reqwest::Client, token: &str) -> reqwest::Response {
    client
        .post(format!("{base}/token"))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", token), ("client_id", "hoso-app")])
        .send()
        .await
        .unwrap()
}

async fn userinfo_status(base: &str, client: &reqwest::Client, access: &str) -> u16 {
    client.get(format!("{base}/userinfo")).bearer_auth(access).send().await.unwrap().status().as_u16()
}

/// Signs the demo citizen in with `offline_access`: (access, refresh).
async fn offline_tokens(base: &str, client: &reqwest::Client) -> (String, String) {
    let (code, verifier) = sign_in_for_code_with_scope(base, client, "openid profile offline_access").await;
    let tokens: serde_json::Value = redeem(base, client, &code, &verifier).await.json().await.unwrap();
    (
        tokens["access_token"].as_str().unwrap().to_owned(),
        tokens["refresh_token"].as_str().expect("a refresh token").to_owned(),
    )
}

async fn a_refresh_token_rotates_and_its_reuse_revokes_the_whole_family(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let (_, first_refresh) = offline_tokens(&base, &client).await;

    let rotated: serde_json::Value = refresh(&base, &client, &first_refresh).await.json().await.unwrap();
    let access = rotated["access_token"].as_str().unwrap().to_owned();
    let second_refresh = rotated["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(second_refresh, first_refresh);
    assert_eq!(userinfo_status(&base, &client, &access).await, 200);

    // The old token coming back means it leaked: everything in its family ends.
    assert_eq!(refresh(&base, &client, &first_refresh).await.status(), 400);
    assert_eq!(refresh(&base, &client, &second_refresh).await.status(), 400);
    assert_eq!(userinfo_status(&base, &client, &access).await, 401);
}

async fn revoking_the_refresh_token_signs_the_app_out(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let (access, refresh_token) = offline_tokens(&base, &client).await;
    let revoked =
        client.post(format!("{base}/revoke")).form(&[("token", refresh_token.as_str())]).send().await.unwrap();
    assert_eq!(revoked.status(), 200);
    assert_eq!(userinfo_status(&base, &client, &access).await, 401);
    assert_eq!(refresh(&base, &client, &refresh_token).await.status(), 400);
    // Revoking something unknown answers the same, telling nothing.
    let unknown = client.post(format!("{base}/revoke")).form(&[("token", "nothing")]).send().await.unwrap();
    assert_eq!(unknown.status(), 200);
}

async fn access_token_for(base: &str, client: &reqwest::Client, user: (&str, &str)) -> String {
    let (code, verifier) = sign_in_as(base, client, "openid profile enterprises", user).await;
    let tokens: serde_json::Value = redeem(base, client, &code, &verifier).await.json().await.unwrap();
    tokens["access_token"].as_str().unwrap().to_owned()
}

async fn profile_as(
    base: &str,
    client: &reqwest::Client,
    token: Option<&str>,
    acting_as: Option<&str>,
) -> reqwest::Response {
    let mut request = client.get(format!("{base}{}", path::PROFILE));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(acting_as) = acting_as {
        request = request.header("X-Acting-As", acting_as);
    }
    request.send().await.unwrap()
}

async fn the_api_acts_only_for_profiles_the_caller_holds_a_mandate_for(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let citizen = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let business = access_token_for(&base, &client, ("business", "KRSXG5DJNZTSA3LFONZWCZ3FEBQW4ZDB")).await;

    let anonymous = profile_as(&base, &client, None, None).await;
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::Unauthenticated);
    assert_eq!(profile_as(&base, &client, Some("forged-token"), None).await.status(), 401);

    let own = profile_as(&base, &client, Some(&citizen), None).await;
    assert_eq!(own.status(), 200);
    assert_eq!(own.headers()["x-acting-as"], "myself");
    let cases = [
        (&citizen, "0100233488", 403),
        (&business, "0100233488", 200),
        (&business, "0314409058-002", 200),
        (&business, "0314409058", 403),
        (&business, "not-a-tax-code", 403),
        (&business, "myself", 200),
    ];
    for (token, acting_as, expected) in cases {
        let response = profile_as(&base, &client, Some(token), Some(acting_as)).await;
        assert_eq!(response.status(), expected, "acting as {acting_as}");
        if expected == 403 {
            assert_eq!(response.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::Forbidden);
        } else {
            assert_eq!(response.headers()["x-acting-as"], acting_as);
        }
    }
}

async fn login_attempt(base: &str, client: &reqwest::Client, username: &str, forwarded_for: &str) -> reqwest::Response {
    client
        .post(format!("{base}/login"))
        .header("X-Forwarded-For", forwarded_for)
        .form(&[("request_id", "no-such-request"), ("username", username), ("password", "guess"), ("code", "000000")])
        .send()
        .await
        .unwrap()
}

async fn assert_rate_limited(response: reqwest::Response) {
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(response.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::RateLimited);
}

async fn guessing_one_user_name_is_slowed_with_429_and_retry_after(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    for attempt in 0..5 {
        assert_ne!(login_attempt(&base, &client, "citizen", &format!("10.0.0.{attempt}")).await.status(), 429);
    }
    assert_rate_limited(login_attempt(&base, &client, "Citizen", "10.0.0.99").await).await;
}

async fn a_spoofed_forwarded_for_header_buys_no_fresh_attempts(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    for attempt in 0..10 {
        let response = login_attempt(&base, &client, &format!("user{attempt}"), &format!("203.0.113.{attempt}")).await;
        assert_ne!(response.status(), 429, "attempt {attempt}");
    }
    assert_rate_limited(login_attempt(&base, &client, "user-new", "198.51.100.7").await).await;
}

fn b64(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// `POST /api/v1/uploads` for a birth certificate scan of `length` bytes.
async fn create_upload(
    base: &str,
    client: &reqwest::Client,
    token: &str,
    sha256: &str,
    length: usize,
    media_type: &str,
) -> reqwest::Response {
    let metadata = format!(
        "sha256 {},media_type {},name {},procedure {},document {}",
        b64(sha256),
        b64(media_type),
        b64("giay-chung-sinh.pdf"),
        b64("1.001193"),
        b64("giay-chung-sinh")
    );
    client
        .post(format!("{base}{}", path::UPLOADS))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", length.to_string())
        .header("Upload-Metadata", metadata)
        .send()
        .await
        .unwrap()
}

/// A tus `PATCH`, with an `Upload-Checksum: sha256 <checksum>` when given.
async fn patch_upload(
    base: &str,
    client: &reqwest::Client,
    token: &str,
    sha256: &str,
    offset: usize,
    chunk: &[u8],
    checksum: Option<&str>,
) -> reqwest::Response {
    let mut request = client
        .patch(format!("{base}{}/{sha256}", path::UPLOADS))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", offset.to_string());
    if let Some(checksum) = checksum {
        request = request.header("Upload-Checksum", format!("sha256 {checksum}"));
    }
    request.body(chunk.to_vec()).send().await.unwrap()
}

/// `GET url` as `token`, optionally acting for `acting_as`, read as JSON.
async fn get_json(client: &reqwest::Client, url: &str, token: &str, acting_as: Option<&str>) -> serde_json::Value {
    let mut request = client.get(url).bearer_auth(token);
    if let Some(acting_as) = acting_as {
        request = request.header("X-Acting-As", acting_as);
    }
    request.send().await.unwrap().json().await.unwrap()
}

async fn upload_offset(base: &str, client: &reqwest::Client, token: &str, sha256: &str) -> Option<u64> {
    let response = client
        .head(format!("{base}{}/{sha256}", path::UPLOADS))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    (response.status() == 200).then(|| response.headers()["upload-offset"].to_str().unwrap().parse().unwrap())
}

fn scan() -> Vec<u8> {
    (0..300_000u32).flat_map(|i| i.to_le_bytes()).collect()
}

async fn an_interrupted_upload_resumes_from_the_offset_the_portal_holds(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let content = scan();
    let sha256 = sha256_hex(&content);

    let created = create_upload(&base, &client, &token, &sha256, content.len(), "application/pdf").await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["location"], format!("{}/{sha256}", path::UPLOADS));
    let half = content.len() / 2;
    assert_eq!(patch_upload(&base, &client, &token, &sha256, 0, &content[..half], None).await.status(), 204);

    // The connection dropped here; the app asks where to carry on.
    let offset = upload_offset(&base, &client, &token, &sha256).await.unwrap();
    assert_eq!(offset, half as u64);
    let stale = patch_upload(&base, &client, &token, &sha256, 0, &content[..half], None).await;
    assert_eq!(stale.status(), 409);
    let done = patch_upload(&base, &client, &token, &sha256, half, &content[half..], None).await;
    assert_eq!(done.status(), 204);
    assert_eq!(done.headers()["upload-offset"], content.len().to_string().as_str());

    // Creating it again answers where it stands: complete, nothing to send.
    let again = create_upload(&base, &client, &token, &sha256, content.len(), "application/pdf").await;
    assert_eq!(again.headers()["upload-offset"], content.len().to_string().as_str());
}

async fn uploads_are_refused_at_the_edge_by_the_documents_limits(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let sha256 = sha256_hex(b"x");
    assert_eq!(create_upload(&base, &client, &token, &sha256, 10, "application/zip").await.status(), 415);
    let too_big = create_upload(&base, &client, &token, &sha256, 10 * 1024 * 1024 + 1, "application/pdf").await;
    assert_eq!(too_big.status(), 413);
    assert_eq!(too_big.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::TooLarge);
    let anonymous =
        client.post(format!("{base}{}", path::UPLOADS)).header("Tus-Resumable", "1.0.0").send().await.unwrap();
    assert_eq!(anonymous.status(), 401);

    // More bytes than the upload lacks are refused, not stored.
    assert_eq!(create_upload(&base, &client, &token, &sha256, 4, "application/pdf").await.status(), 201);
    assert_eq!(patch_upload(&base, &client, &token, &sha256, 0, b"far too long", None).await.status(), 413);
    assert_eq!(upload_offset(&base, &client, &token, &sha256).await, Some(0));
}

async fn bytes_that_do_not_match_their_hash_never_complete(backend: Backend) {
    use base64::Engine;
    use sha2::Digest;
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let declared = sha256_hex(b"the real scan");
    assert_eq!(create_upload(&base, &client, &token, &declared, 13, "application/pdf").await.status(), 201);

    let checksum = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(b"something else"));
    let bad_chunk = patch_upload(&base, &client, &token, &declared, 0, b"the real scan", Some(&checksum)).await;
    assert_eq!(bad_chunk.status(), 460);

    let forged = patch_upload(&base, &client, &token, &declared, 0, b"the fake scan", None).await;
    assert_eq!(forged.status(), 409);
    assert_eq!(upload_offset(&base, &client, &token, &declared).await, Some(0));
}

async fn one_persons_upload_is_invisible_to_another(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let citizen = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let business = access_token_for(&base, &client, ("business", "KRSXG5DJNZTSA3LFONZWCZ3FEBQW4ZDB")).await;
    let content = b"private scan";
    let sha256 = sha256_hex(content);
    assert_eq!(create_upload(&base, &client, &citizen, &sha256, content.len(), "image/png").await.status(), 201);
    assert_eq!(upload_offset(&base, &client, &business, &sha256).await, None);
    assert_eq!(patch_upload(&base, &client, &business, &sha256, 0, content, None).await.status(), 404);
}

/// The shipped valid birth-registration answers, with the birth certificate
/// pointing at `scan` (uploaded by the caller first).
fn birth_registration(client_id: &str, scan: &[u8]) -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/forms/examples/ho-tich.khai-sinh.v1.valid.json");
    let mut data: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let attachment = serde_json::json!({
        "sha256": sha256_hex(scan), "media_type": "application/pdf", "bytes": scan.len(), "name": "giay-chung-sinh.pdf"
    });
    data["attachments"]["giay-chung-sinh"] = attachment.clone();
    let mut reference = attachment;
    reference["document"] = "giay-chung-sinh".into();
    serde_json::json!({
        "client_id": client_id,
        "procedure": "1.001193",
        "form": {"id": "ho-tich.khai-sinh", "version": 1},
        "acting_as": "myself",
        "channel": "online",
        "data": data,
        "attachments": [reference],
    })
}

async fn upload_whole(base: &str, client: &reqwest::Client, token: &str, content: &[u8]) {
    let sha256 = sha256_hex(content);
    assert_eq!(create_upload(base, client, token, &sha256, content.len(), "application/pdf").await.status(), 201);
    assert_eq!(patch_upload(base, client, token, &sha256, 0, content, None).await.status(), 204);
}

async fn submit(base: &str, client: &reqwest::Client, token: &str, body: &serde_json::Value) -> reqwest::Response {
    client
        .post(format!("{base}{}", path::DOSSIERS))
        .bearer_auth(token)
        .header("Idempotency-Key", body["client_id"].as_str().unwrap())
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn a_dossier_is_filed_exactly_once_however_often_it_is_sent(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let scan = b"%PDF-1.7 giay chung sinh".to_vec();
    upload_whole(&base, &client, &token, &scan).await;
    let body = birth_registration("client-0001", &scan);

    let first = submit(&base, &client, &token, &body).await;
    assert_eq!(first.status(), 201);
    let first: serde_json::Value = first.json().await.unwrap();
    let code = first["code"].as_str().unwrap().to_owned();
    assert!(code.starts_with("000.00.00.X01-"), "{code}");
    assert_eq!(first["status"], "submitted");

    let replay = submit(&base, &client, &token, &body).await;
    assert_eq!(replay.status(), 200);
    assert_eq!(replay.json::<serde_json::Value>().await.unwrap()["code"], code.as_str());

    let mut changed = body.clone();
    changed["data"]["child"]["full_name"] = "Nguyễn Văn Bình".into();
    let conflict = submit(&base, &client, &token, &changed).await;
    assert_eq!(conflict.status(), 422);
    assert_eq!(conflict.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::Conflict);

    let feed: serde_json::Value =
        get_json(&client, &format!("{base}{}?since=0", path::DOSSIER_CHANGES), &token, None).await;
    let changes = feed["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "one dossier, however often sent: {feed}");
    assert_eq!(changes[0]["dossier"]["code"], code.as_str());
    let after: serde_json::Value =
        get_json(&client, &format!("{base}{}?since={}", path::DOSSIER_CHANGES, feed["next"]), &token, None).await;
    assert_eq!(after["changes"], serde_json::json!([]));
}

async fn invalid_answers_and_unbacked_attachments_come_back_as_field_errors(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    // The scan is never uploaded, and the mother's ID number is malformed.
    let mut body = birth_registration("client-0002", b"not uploaded");
    body["data"]["mother"]["citizen_id"] = "12345".into();
    let refused = submit(&base, &client, &token, &body).await;
    assert_eq!(refused.status(), 422);
    let envelope: ErrorEnvelope = refused.json().await.unwrap();
    assert_eq!(envelope.kind, ErrorKind::InvalidInput);
    let found: Vec<(&str, &str)> = envelope.fields.iter().map(|f| (f.pointer.as_str(), f.code.as_str())).collect();
    assert_eq!(
        found,
        vec![("/attachments/giay-chung-sinh", "upload_incomplete"), ("/mother/citizen_id", "cccd.shape")]
    );
}

async fn dossiers_are_seen_only_by_the_profile_they_belong_to(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let citizen = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let business = access_token_for(&base, &client, ("business", "KRSXG5DJNZTSA3LFONZWCZ3FEBQW4ZDB")).await;
    let scan = b"%PDF-1.7 scan".to_vec();
    upload_whole(&base, &client, &citizen, &scan).await;
    assert_eq!(submit(&base, &client, &citizen, &birth_registration("client-0003", &scan)).await.status(), 201);

    for (token, acting_as) in [(&business, "myself"), (&business, "0100233488")] {
        let feed: serde_json::Value =
            get_json(&client, &format!("{base}{}", path::DOSSIER_CHANGES), token, Some(acting_as)).await;
        assert_eq!(feed["changes"], serde_json::json!([]), "acting as {acting_as}");
    }
    // Filing for an enterprise one holds no mandate for is refused outright.
    let mut for_enterprise = birth_registration("client-0004", &scan);
    for_enterprise["acting_as"] = serde_json::json!({"enterprise": "0100233488"});
    let refused = client
        .post(format!("{base}{}", path::DOSSIERS))
        .bearer_auth(&citizen)
        .header("Idempotency-Key", "client-0004")
        .header("X-Acting-As", "0100233488")
        .json(&for_enterprise)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}

async fn a_citizen_follows_their_dossier_and_withdraws_it_before_intake(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let citizen = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let business = access_token_for(&base, &client, ("business", "KRSXG5DJNZTSA3LFONZWCZ3FEBQW4ZDB")).await;
    let scan = b"%PDF-1.7 withdraw me".to_vec();
    upload_whole(&base, &client, &citizen, &scan).await;
    let submitted: serde_json::Value =
        submit(&base, &client, &citizen, &birth_registration("client-0005", &scan)).await.json().await.unwrap();
    let code = submitted["code"].as_str().unwrap();
    let url = format!("{base}/api/v1/dossiers/{code}");

    let detail = get_json(&client, &url, &citizen, None).await;
    assert_eq!(detail["summary"]["status"], "submitted");
    assert_eq!(detail["timeline"].as_array().unwrap().len(), 1);
    assert_eq!(detail["timeline"][0]["actor"], "system");
    assert_eq!(detail["data"]["child"]["full_name"], birth_registration("x", &scan)["data"]["child"]["full_name"]);

    let listed: serde_json::Value = get_json(&client, &format!("{base}{}", path::DOSSIERS), &citizen, None).await;
    assert_eq!(listed[0]["code"], code);
    let theirs: serde_json::Value = get_json(&client, &format!("{base}{}", path::DOSSIERS), &business, None).await;
    assert_eq!(theirs, serde_json::json!([]));

    // Someone else's dossier is indistinguishable from a missing one.
    assert_eq!(client.get(&url).bearer_auth(&business).send().await.unwrap().status(), 404);
    let withdraw = |token: &str| {
        client
            .post(format!("{url}/withdraw"))
            .bearer_auth(token)
            .json(&serde_json::json!({"reason": "Nộp nhầm"}))
            .send()
    };
    assert_eq!(withdraw(&business).await.unwrap().status(), 404);

    let withdrawn: serde_json::Value = withdraw(&citizen).await.unwrap().json().await.unwrap();
    assert_eq!(withdrawn["status"], "withdrawn");
    assert_eq!(withdraw(&citizen).await.unwrap().status(), 409);
    let detail = get_json(&client, &url, &citizen, None).await;
    let timeline = detail["timeline"].as_array().unwrap();
    assert_eq!(
        (timeline.len(), &timeline[1]["actor"], &timeline[1]["note"]),
        (2, &"citizen".into(), &"Nộp nhầm".into())
    );

    let feed: serde_json::Value = get_json(&client, &format!("{base}{}", path::DOSSIER_CHANGES), &citizen, None).await;
    let statuses: Vec<&str> =
        feed["changes"].as_array().unwrap().iter().map(|c| c["dossier"]["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["withdrawn", "withdrawn"], "each change is in the feed; the dossier as it is now");
}

async fn malformed_or_oversized_bodies_are_refused_with_an_envelope(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let post = |body: Vec<u8>, content_type: &'static str| {
        client
            .post(format!("{base}{}", path::DOSSIERS))
            .bearer_auth(&token)
            .header("Idempotency-Key", "k")
            .header("Content-Type", content_type)
            .body(body)
            .send()
    };
    let cases: [(Vec<u8>, &str, u16, ErrorKind); 4] = [
        (b"{not json".to_vec(), "application/json", 400, ErrorKind::InvalidInput),
        (b"{\"client_id\": 7}".to_vec(), "application/json", 422, ErrorKind::InvalidInput),
        (b"{}".to_vec(), "text/plain", 415, ErrorKind::InvalidInput),
        (vec![b' '; 2 * 1024 * 1024], "application/json", 413, ErrorKind::TooLarge),
    ];
    for (body, content_type, status, kind) in cases {
        let response = post(body, content_type).await.unwrap();
        assert_eq!(response.status(), status, "{content_type}");
        assert_eq!(response.json::<ErrorEnvelope>().await.unwrap().kind, kind, "{content_type} {status}");
    }
}

async fn a_client_submitting_in_a_loop_is_slowed(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let body = birth_registration("loop", b"never uploaded");
    let attempt = || client.post(format!("{base}{}", path::DOSSIERS)).bearer_auth(&token).json(&body).send();
    for _ in 0..hoso_portal::rate_limit::SUBMIT_PER_PERSON.per_window {
        assert_ne!(attempt().await.unwrap().status(), 429);
    }
    assert_rate_limited(attempt().await.unwrap()).await;
}

contract![
    malformed_or_oversized_bodies_are_refused_with_an_envelope,
    a_client_submitting_in_a_loop_is_slowed,
    a_citizen_follows_their_dossier_and_withdraws_it_before_intake,
    a_dossier_is_filed_exactly_once_however_often_it_is_sent,
    invalid_answers_and_unbacked_attachments_come_back_as_field_errors,
    dossiers_are_seen_only_by_the_profile_they_belong_to,
    an_interrupted_upload_resumes_from_the_offset_the_portal_holds,
    uploads_are_refused_at_the_edge_by_the_documents_limits,
    bytes_that_do_not_match_their_hash_never_complete,
    one_persons_upload_is_invisible_to_another,
    guessing_one_user_name_is_slowed_with_429_and_retry_after,
    a_spoofed_forwarded_for_header_buys_no_fresh_attempts,
    the_api_acts_only_for_profiles_the_caller_holds_a_mandate_for,
    a_refresh_token_rotates_and_its_reuse_revokes_the_whole_family,
    revoking_the_refresh_token_signs_the_app_out,
    a_citizen_signs_in_with_the_code_flow_and_reads_their_claims,
    a_replayed_code_is_refused_and_revokes_what_its_first_use_issued,
    a_wrong_verifier_or_password_gets_nothing,
    an_unregistered_redirect_is_shown_an_error_page_not_redirected_to,
    the_jwks_publishes_an_es256_key_that_survives_a_restart,
    the_catalogue_serves_the_procedure_shipped_in_assets,
    restarting_on_the_same_database_keeps_the_catalogue_version,
    demo_identities_do_not_exist_without_demo_mode,
    demo_mode_offers_a_citizen_a_business_representative_and_an_officer,
    the_binary_prints_the_url_it_listens_on_as_its_first_line,
    the_catalogue_carries_an_etag_and_an_unchanged_one_costs_a_304,
    every_shipped_form_is_served_as_shipped,
    unknown_paths_and_forms_answer_a_not_found_envelope,
    a_wrong_method_answers_405_with_an_envelope,
];

// The suite's other parts live beside this file. A crate root would look for
// `tests/NAME.rs`, which cargo would build as a test binary of its own, hence
// the paths.
#[path = "api/events.rs"]
mod events;
#[path = "api/feed_order.rs"]
mod feed_order;
#[path = "api/feed_pages.rs"]
mod feed_pages;
#[path = "api/feed_plan.rs"]
mod feed_plan;
#[path = "api/lifecycle.rs"]
mod lifecycle;
#[path = "api/limits.rs"]
mod limits;
#[path = "api/office_pages.rs"]
mod office_pages;
#[path = "api/openapi.rs"]
mod openapi;
#[path = "api/passkeys.rs"]
mod passkeys;
#[path = "api/simulator.rs"]
mod simulator;
#[path = "api/token_grant.rs"]
mod token_grant;
