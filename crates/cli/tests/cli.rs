//! The `hoso` binary against a real portal on port 0: it syncs and lists the
//! catalogue, and lists the saved copy when the portal has gone away; it
//! reports a missing sign-in without touching the network; `hoso serve` is in
//! `cli/serve.rs` (demo) and `cli/serve_live.rs` (a real account).

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Output};

fn hoso(portal: &str, data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hoso"))
        .args(["--portal", portal, "--data-dir"])
        .arg(data_dir)
        .args(args)
        .output()
        .expect("hoso runs")
}

#[tokio::test]
async fn catalogue_lists_what_the_portal_serves_and_keeps_it_for_offline_use() {
    let dir = tempfile::tempdir().unwrap();
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let database_url = format!("sqlite:{}", dir.path().join("portal.db").display());
    let portal = hoso_portal::start(hoso_portal::Config { addr, database_url, demo: false, ..Default::default() })
        .await
        .unwrap();
    let url = portal.url();
    let data = dir.path().join("cli");

    let online = tokio::task::spawn_blocking({
        let (url, data) = (url.clone(), data.clone());
        move || hoso(&url, &data, &["catalogue"])
    })
    .await
    .unwrap();
    assert!(online.status.success(), "{}", String::from_utf8_lossy(&online.stderr));
    let listed = String::from_utf8_lossy(&online.stdout).into_owned();
    assert!(listed.lines().any(|line| line == "1.001193\tĐăng ký khai sinh"), "{listed}");
    assert!(String::from_utf8_lossy(&online.stderr).contains("catalogue updated to version 1"));

    portal.shutdown().await.unwrap();
    let offline = tokio::task::spawn_blocking(move || hoso(&url, &data, &["catalogue"])).await.unwrap();
    assert!(offline.status.success());
    assert_eq!(String::from_utf8_lossy(&offline.stdout), listed);
    assert!(String::from_utf8_lossy(&offline.stderr).contains("showing the offline copy"));
}

#[test]
fn whoami_without_a_sign_in_fails_and_says_how_to_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    // No request is made when nothing is signed in, so no portal is needed.
    let output = hoso("http://127.0.0.1:9", dir.path(), &["whoami"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("hoso login"));
}

#[test]
fn logout_without_a_sign_in_says_so_and_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let output = hoso("http://127.0.0.1:9", dir.path(), &["logout"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not signed in"));
}

#[path = "cli/bulk.rs"]
mod bulk;
#[path = "cli/everyday.rs"]
mod everyday;
#[path = "cli/guard.rs"]
mod guard;
#[path = "cli/serve.rs"]
mod serve;
#[path = "cli/serve_live.rs"]
mod serve_live;
#[path = "cli/signin.rs"]
mod signin;
