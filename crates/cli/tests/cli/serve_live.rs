//! `hoso serve` for a real account (no `--demo`) against a real portal on
//! port 0, with its secrets in an OS keychain the test starts: a private
//! D-Bus session bus and gnome-keyring's Secret Service, unlocked, in a
//! temporary home (never the machine's own). It listens on loopback only,
//! refuses a wrong token and a foreign Origin, signs in through the system
//! browser (`$BROWSER`, here a script that hands the address to the test,
//! which plays the person on the portal's page), talks to that portal, keeps
//! the store's key and the refresh token in the keychain rather than in files
//! beside the data, and is still signed in when started again.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use hoso_protocol::command::Command as _;
use hoso_protocol::command::*;
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};

use super::guard;
use super::signin::{CITIZEN, sign_in_on_the_page};

/// A child process killed when the test ends, however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A Secret Service of the test's own: `dbus-daemon` on a socket in `dir`
/// (no service activation, so nothing else answers for the keychain) and
/// `gnome-keyring-daemon` unlocked with a test password, its keyrings and
/// sockets under `dir`.
struct Keychain {
    // Dropped in this order: the keyring before its bus.
    _keyring: Killed,
    _bus: Killed,
    address: String,
}

/// A program the keychain needs, named when it is missing.
fn tool(name: &str) -> Command {
    if which(name).is_none() {
        panic!("{name} is missing: `cargo xtask setup` installs dbus-daemon, dbus-bin and gnome-keyring");
    }
    Command::new(name)
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|dir| Path::new(dir).join(name)).find(|path| path.is_file())
}

impl Keychain {
    fn start(dir: &Path) -> Self {
        let dir = dir.join("keychain");
        let (home, runtime) = (dir.join("home"), dir.join("run"));
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&runtime).unwrap();
        // gnome-keyring wants its runtime directory private.
        #[cfg(unix)]
        std::fs::set_permissions(&runtime, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
        let config = dir.join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                dir.join("bus").display()
            ),
        )
        .unwrap();
        let mut bus = tool("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut address = String::new();
        BufReader::new(bus.stdout.take().unwrap()).read_line(&mut address).unwrap();
        let bus = Killed(bus);
        let address = address.trim().to_owned();
        assert!(address.starts_with("unix:path="), "the bus's address: {address:?}");

        let mut keyring = tool("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_RUNTIME_DIR", &runtime)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The password on standard input, then its end: the login keyring is
        // made with it and unlocked.
        std::io::Write::write_all(&mut keyring.stdin.take().unwrap(), b"hoso-test-keychain").unwrap();
        let keyring = Killed(keyring);
        let keychain = Self { _keyring: keyring, _bus: bus, address };
        // Only a bound on a broken set-up, not a timed assertion.
        for _ in 0..300 {
            if keychain.serves_secrets() {
                return keychain;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("gnome-keyring-daemon never took org.freedesktop.secrets on the test's bus");
    }

    fn serves_secrets(&self) -> bool {
        let answer = tool("dbus-send")
            .args(["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus"])
            .args(["org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .output()
            .unwrap();
        String::from_utf8_lossy(&answer.stdout).contains("boolean true")
    }
}

/// A running `hoso serve` for a real account.
struct Served {
    _child: Killed,
    base: String,
    token: String,
}

/// A UI directory standing in for `ui/dist`, so the test does not build the UI.
fn fixture_ui(dir: &Path) -> PathBuf {
    let ui = dir.join("ui");
    std::fs::create_dir_all(&ui).unwrap();
    std::fs::write(ui.join("index.html"), "<!doctype html><title>Hồ sơ</title>").unwrap();
    ui
}

/// The "system browser": a script that hands the address it is asked to
/// open to the test, through a file written whole.
fn browser_script(dir: &Path) -> PathBuf {
    let script = dir.join("browser.sh");
    let opened = dir.join("opened");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s\\n' \"$1\" > '{0}.partial' && mv '{0}.partial' '{0}'\n", opened.display()),
    )
    .unwrap();
    #[cfg(unix)]
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    script
}

fn serve_live(dir: &Path, portal: &str, keychain: &Keychain) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hoso"))
        .args(["--portal", portal, "--data-dir"])
        .arg(dir.join("data"))
        .args(["serve", "--ui"])
        .arg(fixture_ui(dir))
        .env("DBUS_SESSION_BUS_ADDRESS", &keychain.address)
        .env("BROWSER", browser_script(dir))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("hoso serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let child = Killed(child);
    let url = line.trim();
    let (base, token) = url.split_once("/?token=").unwrap_or_else(|| panic!("no token in the printed URL {url:?}"));
    assert!(base.starts_with("http://127.0.0.1:"), "{url}");
    Served { _child: child, base: base.to_owned(), token: token.to_owned() }
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

/// The local addresses of the sockets listening on `port`, from the kernel's
/// tables, as hex `ADDR:PORT` (127.0.0.1 is `0100007F`).
#[cfg(target_os = "linux")]
fn listening_on(port: u16) -> Vec<String> {
    let mut found = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else { continue };
        for line in text.lines().skip(1) {
            let cells: Vec<&str> = line.split_whitespace().collect();
            // State 0A is LISTEN.
            if cells.len() > 3 && cells[3] == "0A" && cells[1].ends_with(&format!(":{port:04X}")) {
                found.push(cells[1].to_owned());
            }
        }
    }
    found
}

/// The address the "system browser" was asked to open.
async fn opened_address(dir: &Path) -> String {
    // Only a bound on a broken test, not a timed assertion.
    for _ in 0..600 {
        if let Ok(text) = std::fs::read_to_string(dir.join("opened")) {
            return text.trim().to_owned();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("hoso serve never opened the browser");
}

#[tokio::test]
async fn serve_for_a_real_account_signs_in_at_its_portal_and_keeps_its_secrets_in_the_keychain() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::start(dir.path());
    let addr: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
    let database_url = format!("sqlite:{}", dir.path().join("portal.db").display());
    let portal =
        hoso_portal::start(hoso_portal::Config { addr, database_url, demo: true, ..Default::default() }).await.unwrap();
    let served = serve_live(dir.path(), &portal.url(), &keychain);

    #[cfg(target_os = "linux")]
    {
        let port: u16 = served.base.rsplit(':').next().unwrap().parse().unwrap();
        assert_eq!(listening_on(port), [format!("0100007F:{port:04X}")], "listening on 127.0.0.1 only");
    }
    guard::refuses_a_missing_or_wrong_token(&served.base, SessionGet::NAME).await;
    guard::refuses_a_foreign_origin_even_with_the_token(&served.base, &served.token, SessionGet::NAME).await;

    let before = call::<SessionGet>(&served, &()).await.unwrap();
    assert_eq!((before.mode, before.signed_in), (AppMode::Live, false));
    assert_eq!(call::<AppInfoGet>(&served, &()).await.unwrap().mode, AppMode::Live);
    // Demo sign-in is refused for a real account.
    let demo = call::<SignInDemo>(&served, &SignInDemoArgs { username: "citizen".into() }).await.unwrap_err();
    assert_eq!(demo.kind, ErrorKind::Forbidden);

    // Sign-in waits for the browser: the command is answered once the
    // person has signed in on the portal's page.
    let signing_in = {
        let (base, token) = (served.base.clone(), served.token.clone());
        tokio::spawn(async move {
            reqwest::Client::new()
                .post(format!("{base}/commands/{}", SignIn::NAME))
                .header("x-hoso-token", token)
                .body("null")
                .send()
                .await
                .unwrap()
        })
    };
    let page = opened_address(dir.path()).await;
    assert!(page.starts_with(&format!("{}/authorize?", portal.url())), "the portal's sign-in page: {page}");
    sign_in_on_the_page(&page, CITIZEN).await;
    let answer = signing_in.await.unwrap();
    assert_eq!(answer.status(), 200);
    let session: SessionState = answer.json().await.unwrap();
    assert_eq!((session.mode, session.signed_in), (AppMode::Live, true));
    assert_eq!(session.profile.expect("the portal's profile").person.full_name, "Nguyễn Văn An");

    // Talking to that portal as the person: the catalogue, and a sync.
    let listing = call::<CatalogueList>(&served, &()).await.unwrap();
    assert_eq!(listing.sync_error, None);
    assert!(listing.procedures.iter().any(|p| p.code.as_str() == "1.001193"));
    assert_eq!(call::<SyncNow>(&served, &()).await.unwrap().error, None);

    // The keys and the refresh token are in the keychain, not beside the data.
    let data = dir.path().join("data");
    assert!(data.join("engine.db").is_file());
    assert!(!data.join("engine.db.secrets").exists(), "no secret files beside the data");

    // Started again on the same data and keychain: the store opens with the
    // key from the keychain and the session comes back with the refresh token.
    drop(served);
    std::fs::remove_file(dir.path().join("opened")).unwrap();
    let again = serve_live(dir.path(), &portal.url(), &keychain);
    let session = call::<SessionGet>(&again, &()).await.unwrap();
    assert!(session.signed_in, "{session:?}");
    assert_eq!(call::<SyncNow>(&again, &()).await.unwrap().error, None);
    let signed_out = call::<SignOut>(&again, &SignOutArgs::default()).await.unwrap();
    assert!(!signed_out.signed_in);
}

#[test]
fn serve_for_a_real_account_refuses_to_listen_beyond_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_hoso"))
        .args(["--portal", "http://127.0.0.1:9", "--data-dir"])
        .arg(dir.path().join("data"))
        .args(["serve", "--addr", "0.0.0.0:0", "--ui"])
        .arg(fixture_ui(dir.path()))
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("loopback only"), "{output:?}");
    assert!(output.stdout.is_empty(), "no URL printed: {output:?}");
    assert!(!dir.path().join("data").join("engine.db").exists(), "refused before opening the store");
}
