//! `hoso catalogue search` and `hoso draft …` against the real portal: a
//! search typed without diacritics finds the Vietnamese name, and a draft
//! answered from the terminal shows its typed answers.

use super::*;

async fn portal(dir: &std::path::Path) -> hoso_portal::RunningPortal {
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let database_url = format!("sqlite:{}", dir.join("portal.db").display());
    hoso_portal::start(hoso_portal::Config { addr, database_url, demo: false, ..Default::default() }).await.unwrap()
}

async fn run(url: &str, data: &Path, args: &[&'static str]) -> Output {
    let (url, data, args) = (url.to_owned(), data.to_owned(), args.to_vec());
    tokio::task::spawn_blocking(move || hoso(&url, &data, &args)).await.unwrap()
}

#[tokio::test]
async fn a_search_without_diacritics_finds_the_vietnamese_name_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let portal = portal(dir.path()).await;
    let output =
        run(&portal.url(), &dir.path().join("cli"), &["catalogue", "search", "dang", "ky", "khai", "sinh"]).await;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "1.001193\tĐăng ký khai sinh\n");
}

#[tokio::test]
async fn a_draft_answered_from_the_terminal_keeps_json_values_typed_and_text_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let portal = portal(dir.path()).await;
    let (url, data) = (portal.url(), dir.path().join("cli"));
    let created = run(&url, &data, &["draft", "new", "--procedure", "1.001193"]).await;
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let id: &'static str = String::from_utf8(created.stdout).unwrap().trim().to_owned().leak();

    assert!(run(&url, &data, &["draft", "set", id, "/child/full_name", "Nguyễn Văn Bình"]).await.status.success());
    assert!(run(&url, &data, &["draft", "set", id, "/child/order", "2"]).await.status.success());
    let shown = String::from_utf8(run(&url, &data, &["draft", "show", id]).await.stdout).unwrap();
    let json = shown.split_once('\n').unwrap().1;
    let answers: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(answers, serde_json::json!({"child": {"full_name": "Nguyễn Văn Bình", "order": 2}}));

    let listed = String::from_utf8(run(&url, &data, &["draft", "list"]).await.stdout).unwrap();
    assert!(listed.starts_with(&format!("{id}\t1.001193\t")), "{listed}");
    let other = String::from_utf8(run(&url, &data, &["--as", "0314409058-002", "draft", "list"]).await.stdout).unwrap();
    assert_eq!(other, "", "a draft of mine is not the enterprise's");
}
