//! `hoso serve --demo` as a browser meets it: the page with its CSP and wasm
//! type, the commands behind the printed token, and the Origin, Host and
//! loopback-only refusals.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use base64::Engine as _;
use hoso_protocol::command::Command as _;
use hoso_protocol::command::*;
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};

use super::guard;

/// A running `hoso serve`, stopped when the test ends however it ends.
struct Served {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    base: String,
    token: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A UI directory standing in for `ui/dist`, so the test does not build the UI.
fn fixture_ui(dir: &Path) -> std::path::PathBuf {
    let ui = dir.join("ui");
    std::fs::create_dir_all(&ui).unwrap();
    std::fs::write(ui.join("index.html"), "<!doctype html><title>Hồ sơ</title>").unwrap();
    std::fs::write(ui.join("hoso-ui_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    ui
}

fn serve(dir: &Path) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hoso"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(["serve", "--demo", "--ui"])
        .arg(fixture_ui(dir))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("hoso serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim();
    let (base, token) = url.split_once("/?token=").unwrap_or_else(|| panic!("no token in the printed URL {url:?}"));
    assert!(base.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(token.len(), 64, "a 256-bit token in hex: {token}");
    Served { base: base.to_owned(), token: token.to_owned(), child }
}

fn command(served: &Served, command: &str) -> reqwest::RequestBuilder {
    // `null`: the arguments of a command that takes none.
    reqwest::Client::new().post(format!("{}/commands/{command}", served.base)).body("null")
}

#[tokio::test]
async fn serve_answers_the_page_with_its_csp_and_wasm_with_its_type() {
    let dir = tempfile::tempdir().unwrap();
    let served = serve(dir.path());

    let page = reqwest::get(format!("{}/", served.base)).await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"), "{csp}");
    assert!(page.headers().get("access-control-allow-origin").is_none());
    assert!(page.text().await.unwrap().contains("Hồ sơ"));

    let wasm = reqwest::get(format!("{}/hoso-ui_bg.wasm", served.base)).await.unwrap();
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");

    let outside = reqwest::get(format!("{}/..%2Fdata%2Fdemo%2Fengine.db", served.base)).await.unwrap();
    assert_eq!(outside.status(), 404);
}

#[tokio::test]
async fn serve_answers_every_command_only_with_the_printed_token() {
    let dir = tempfile::tempdir().unwrap();
    let served = serve(dir.path());

    let listing = command(&served, CatalogueList::NAME).header("x-hoso-token", &served.token).send().await.unwrap();
    assert_eq!(listing.status(), 200);
    assert!(listing.headers().get("access-control-allow-origin").is_none());
    let listing: CatalogueListing = listing.json().await.unwrap();
    assert!(listing.procedures.iter().any(|p| p.code.as_str() == "1.001193"), "{listing:?}");

    // Every command is routed: arguments of the wrong shape (a JSON string
    // fits none of them) are refused as its own, before anything runs.
    for command_name in name::ALL {
        let answer = command(&served, command_name)
            .header("x-hoso-token", &served.token)
            .body("\"wrong shape\"")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 400, "{command_name}");
        let envelope: ErrorEnvelope = answer.json().await.unwrap();
        assert_eq!(envelope.kind, ErrorKind::InvalidInput, "{command_name}");
        assert!(envelope.message.contains(command_name), "{command_name}: {envelope:?}");
    }

    guard::refuses_a_missing_or_wrong_token(&served.base, CatalogueList::NAME).await;
}

/// Calls command `C` with `args` as the UI's browser transport does.
async fn call<C: hoso_protocol::command::Command>(served: &Served, args: &C::Args) -> Result<C::Answer, ErrorEnvelope> {
    let answer = reqwest::Client::new()
        .post(format!("{}/commands/{}", served.base, C::NAME))
        .header("x-hoso-token", &served.token)
        .json(args)
        .send()
        .await
        .unwrap();
    if answer.status().is_success() { Ok(answer.json().await.unwrap()) } else { Err(answer.json().await.unwrap()) }
}

#[tokio::test]
async fn a_citizen_signs_in_files_a_birth_registration_and_finds_it_on_home_through_serve() {
    let dir = tempfile::tempdir().unwrap();
    let served = serve(dir.path());

    let before = call::<SessionGet>(&served, &()).await.unwrap();
    assert_eq!((before.mode, before.signed_in), (AppMode::Demo, false));
    let identities = call::<DemoIdentities>(&served, &()).await.unwrap();
    assert!(identities.iter().any(|i| i.username == "citizen"), "{identities:?}");
    let session = call::<SignInDemo>(&served, &SignInDemoArgs { username: "citizen".into() }).await.unwrap();
    assert!(session.signed_in);
    assert_eq!(session.profile.unwrap().person.full_name, "Nguyễn Văn An");

    let procedure = hoso_domain::catalogue::ProcedureCode::parse("1.001193").unwrap();
    let draft = call::<DraftCreate>(&served, &DraftCreateArgs { procedure }).await.unwrap();
    assert_eq!(draft.data["declarant"]["full_name"], "Nguyễn Văn An", "prefilled");
    let id = draft.summary.id.clone();
    let scan = b"%PDF-1.7 giay chung sinh".to_vec();
    let attached = call::<AttachmentAdd>(
        &served,
        &AddAttachment {
            draft_id: id.clone(),
            document: "giay-chung-sinh".into(),
            name: "giay-chung-sinh.pdf".into(),
            media_type: "application/pdf".into(),
            content_base64: base64::engine::general_purpose::STANDARD.encode(&scan),
        },
    )
    .await
    .unwrap();
    assert_eq!(attached.size, scan.len() as u64);
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/forms/examples/");
    let mut data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{examples}ho-tich.khai-sinh.v1.valid.json")).unwrap())
            .unwrap();
    data["attachments"]["giay-chung-sinh"] = serde_json::json!({
        "sha256": attached.sha256, "media_type": "application/pdf", "bytes": attached.size, "name": attached.name
    });
    call::<DraftSave>(&served, &SaveDraft { id: id.clone(), data }).await.unwrap();

    let item = call::<DraftSubmit>(&served, &DraftId { id }).await.unwrap();
    let OutboxState::Sent { code } = item.state else { panic!("{:?}", item.state) };
    let synced = call::<SyncNow>(&served, &()).await.unwrap();
    assert_eq!(synced.error, None);

    let home = call::<HomeGet>(&served, &()).await.unwrap();
    assert!(home.recent.iter().any(|c| c.code.as_deref() == Some(code.as_str())), "{home:?}");
    assert_eq!(call::<OutboxList>(&served, &()).await.unwrap().len(), 1);
}

#[tokio::test]
async fn serve_refuses_an_unknown_command_and_malformed_arguments_with_envelopes() {
    let dir = tempfile::tempdir().unwrap();
    let served = serve(dir.path());
    let with_token = |name: &str| command(&served, name).header("x-hoso-token", &served.token);

    let unknown = with_token("make_coffee").send().await.unwrap();
    assert_eq!(unknown.status(), 404);
    assert_eq!(unknown.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::NotFound);

    let not_json = with_token(DraftOpen::NAME).body("{id: 1").send().await.unwrap();
    assert_eq!(not_json.status(), 400);
    assert_eq!(not_json.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::InvalidInput);

    let wrong_shape = with_token(DraftOpen::NAME).body(r#"{"id": 1}"#).send().await.unwrap();
    assert_eq!(wrong_shape.status(), 400);
    assert_eq!(wrong_shape.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::InvalidInput);

    let huge = with_token(DraftOpen::NAME).body(vec![b' '; 33 * 1024 * 1024]).send().await.unwrap();
    assert_eq!(huge.status(), 413);
    assert_eq!(huge.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::TooLarge);

    // A command that takes nothing accepts an empty body as `null`.
    let empty = with_token(SessionGet::NAME).body("").send().await.unwrap();
    assert_eq!(empty.status(), 200);
    let missing = call::<DraftOpen>(&served, &DraftId { id: "no-such-draft".into() }).await.unwrap_err();
    assert_eq!(missing.kind, ErrorKind::NotFound);
}

#[tokio::test]
async fn serve_refuses_another_origin_even_with_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let served = serve(dir.path());

    guard::refuses_a_foreign_origin_even_with_the_token(&served.base, &served.token, CatalogueList::NAME).await;
}

/// The status line of a raw request, since an HTTP client sets Host itself.
fn status_with_host(served: &Served, host: &str) -> String {
    let mut stream = TcpStream::connect(served.base.trim_start_matches("http://")).unwrap();
    write!(stream, "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn serve_refuses_a_foreign_host_header_against_dns_rebinding() {
    let dir = tempfile::tempdir().unwrap();
    let served = serve(dir.path());
    let own_host = served.base.trim_start_matches("http://").to_owned();
    let port = own_host.rsplit(':').next().unwrap();

    assert_eq!(status_with_host(&served, &format!("rebind.example:{port}")), "HTTP/1.1 403 Forbidden");
    assert_eq!(status_with_host(&served, &own_host), "HTTP/1.1 200 OK");
}

#[test]
fn serve_refuses_to_listen_beyond_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_hoso"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--demo", "--addr", "0.0.0.0:0", "--ui"])
        .arg(fixture_ui(dir.path()))
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("loopback only"), "{output:?}");
    assert!(output.stdout.is_empty(), "no URL printed: {output:?}");
}

#[test]
fn serve_without_a_built_ui_says_how_to_build_it() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_hoso"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--demo", "--ui"])
        .arg(dir.path().join("missing"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("cargo xtask ui"), "{output:?}");
}
