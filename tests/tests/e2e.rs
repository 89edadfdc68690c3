//! The real app window, driven through tauri-driver and WebKitWebDriver: what
//! a person sees when they open Hồ sơ in demo mode, and a citizen's whole
//! journey against a portal the test runs as its own process (so it can take
//! the portal away and bring it back), with the officer at the portal's back
//! office and the payment on the gateway's page in the "system browser".
//!
//! Needs a display, WebKitWebDriver, tauri-driver and the built app and
//! portal, so it is ignored by a plain `cargo test`; `cargo xtask test` runs
//! it under Xvfb.

#[path = "e2e/driver.rs"]
mod driver;
#[path = "e2e/gateway.rs"]
mod gateway;
#[path = "e2e/officer.rs"]
mod officer;
#[path = "e2e/page.rs"]
mod page;
#[path = "e2e/portal.rs"]
mod portal;

use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use fantoccini::{Client, Locator};
use hoso_tests::workspace_root;

use driver::Driver;
use gateway::SystemBrowser;
use officer::Desk;
use page::{WAIT, answer, answer_date, attach, choose, click, continue_wizard, element, select, text_of, tick};
use page::{wait_for, wait_for_text, wait_until};
use portal::Portal;

/// How long a change made at the portal may take to reach the screen by
/// itself: the app follows the portal's live events, and after the portal
/// came back it reconnects after a backoff that grew while it was away.
const REACHES_THE_APP: Duration = Duration::from_secs(240);

fn require_display() -> anyhow::Result<()> {
    if std::env::var_os("DISPLAY").is_none() {
        bail!("no DISPLAY: run this under xvfb-run (cargo xtask test does)");
    }
    Ok(())
}

/// Runs `steps` on the app's window, printing what the webview held if they
/// fail (the first thing one needs to see a failure), and closes the window.
async fn in_window<F>(client: Client, steps: F) -> anyhow::Result<()>
where
    F: AsyncFnOnce(&Client) -> anyhow::Result<()>,
{
    let outcome = steps(&client).await;
    if outcome.is_err() {
        let source = client.source().await.unwrap_or_default();
        eprintln!("page source at failure:\n{source}");
        if let Ok(png) = client.screenshot().await {
            let shots = workspace_root().join("target").join("e2e");
            let _ = std::fs::create_dir_all(&shots).and_then(|()| std::fs::write(shots.join("failure.png"), png));
        }
    }
    client.close().await?;
    outcome
}

/// Signs in as the demo citizen on the welcome screen, and starts from
/// Vietnamese: the webview keeps the language choice across runs (local
/// storage outside the app's data directory).
async fn sign_in_as_the_demo_citizen(client: &Client) -> anyhow::Result<()> {
    let citizen = "[data-testid=demo-identity][data-username=citizen]";
    client.wait().at_most(Duration::from_secs(90)).for_element(Locator::Css(citizen)).await?.click().await?;
    // The demo sign-in is the engine's real code flow against the portal.
    text_of(client, "[data-testid=home-acting-as]").await?;
    if client.find(Locator::Css("html")).await?.attr("lang").await?.as_deref() == Some("en") {
        click(client, "[data-testid=language-switch]").await?;
    }
    Ok(())
}

/// Searches the catalogue as typed on a keyboard without Vietnamese input.
async fn find_birth_registration(client: &Client) -> anyhow::Result<()> {
    click(client, "[data-testid=nav-catalogue]").await?;
    element(client, "[data-testid=catalogue-search]").await?.send_keys("dang ky khai sinh").await?;
    wait_for_text(client, BIRTH_CARD, "Đăng ký khai sinh").await
}

const BIRTH_CARD: &str = "[data-testid=procedure][data-code='1.001193'] .procedure-name";

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver, tauri-driver and the built app: run `cargo xtask test`"]
async fn the_demo_app_signs_in_a_demo_identity_and_finds_a_procedure_typed_without_diacritics() -> anyhow::Result<()> {
    require_display()?;
    let data = tempfile::tempdir()?;
    let driver = Driver::start(&[]).await?;
    let client = driver.open_app(&["--demo", "--data-dir", &data.path().display().to_string()]).await?;

    in_window(client, async |client| {
        // Signed out, the app opens on sign-in; in demo mode it offers the demo identities.
        sign_in_as_the_demo_citizen(client).await?;
        let watermark = element(client, "[data-testid=demo-watermark]").await?;
        assert_eq!(watermark.attr("data-text").await?.as_deref(), Some("DEMO"));

        find_birth_registration(client).await?;
        let offline_notices = client.find_all(Locator::Css("[data-testid=catalogue-offline]")).await?;
        assert!(offline_notices.is_empty(), "the in-process portal should be reachable");

        let screenshot = client.screenshot().await?;
        let shots = workspace_root().join("target").join("e2e");
        std::fs::create_dir_all(&shots)?;
        std::fs::write(shots.join("demo-catalogue.png"), screenshot)?;

        click(client, "[data-testid=language-switch]").await?;
        wait_for_text(client, BIRTH_CARD, "Birth registration").await?;
        let lang = client.find(Locator::Css("html")).await?.attr("lang").await?;
        assert_eq!(lang.as_deref(), Some("en"));
        // Back to the default, for the next test's window.
        click(client, "[data-testid=language-switch]").await
    })
    .await?;

    // The engine kept what it synced in its own store inside the data dir.
    assert!(data.path().join("demo").join("engine.db").exists());
    Ok(())
}

/// The scans the citizen attaches and the result the officer issues: small
/// PDFs, distinct so each can be told apart where it arrives.
const BIRTH_CERTIFICATE: &[u8] = b"%PDF-1.7\n% giay chung sinh, ban chup tu dien thoai\n%%EOF\n";
const CLEARER_CERTIFICATE: &[u8] = b"%PDF-1.7\n% giay chung sinh, ban scan ro net theo yeu cau bo sung\n%%EOF\n";
const RESULT: &[u8] = b"%PDF-1.7\n% trich luc khai sinh (ban dien tu) cua Nguyen Minh Khang\n%%EOF\n";

/// Fills the birth registration wizard's pages of answers (the child, the
/// mother, the father, the declarant), leaving it on the documents page.
async fn fill_birth_registration(client: &Client) -> anyhow::Result<()> {
    answer(client, "/child/full_name", "Nguyễn Minh Khang").await?;
    choose(client, "/child/sex", "male").await?;
    answer_date(client, "/child/date_of_birth", "05", "03", "2026").await?;
    answer(client, "/child/place_of_birth", "Bệnh viện Phụ sản Hà Nội, phường Giảng Võ, thành phố Hà Nội").await?;
    answer(client, "/child/ethnicity", "Kinh").await?;
    answer(client, "/child/nationality", "Việt Nam").await?;
    continue_wizard(client, 0, Some(1)).await?;

    answer(client, "/mother/full_name", "Trần Thị Mai").await?;
    answer_date(client, "/mother/date_of_birth", "20", "11", "1992").await?;
    answer(client, "/mother/citizen_id", "079192004567").await?;
    answer(client, "/mother/ethnicity", "Kinh").await?;
    answer(client, "/mother/nationality", "Việt Nam").await?;
    answer(client, "/mother/residence", "Số 8 phố Nguyễn Thái Học, phường Ba Đình, thành phố Hà Nội").await?;
    continue_wizard(client, 1, Some(2)).await?;

    // The person signed in is the father.
    tick(client, "/father_known").await?;
    answer(client, "/father/full_name", "Nguyễn Văn An").await?;
    answer_date(client, "/father/date_of_birth", "14", "05", "1990").await?;
    answer(client, "/father/citizen_id", "001090012345").await?;
    answer(client, "/father/ethnicity", "Kinh").await?;
    answer(client, "/father/nationality", "Việt Nam").await?;
    answer(client, "/father/residence", "Số 12 phố Hàng Bài, phường Hoàn Kiếm, Hà Nội").await?;
    continue_wizard(client, 2, Some(3)).await?;

    // The declarant's name, number and phone come from the identity.
    let prefilled = client.find_all(Locator::Css("[data-testid=tag-prefilled]")).await?;
    ensure!(prefilled.len() >= 3, "the declarant's page shows {} prefilled answers, not 3", prefilled.len());
    select(client, "/declarant/relation", "father").await?;
    continue_wizard(client, 3, Some(4)).await
}

/// Opens the home screen's card of dossier `code` once it says the dossier
/// waits on the citizen in `status` (the change reaches the app by itself).
async fn open_from_home(client: &Client, code: &str, status: &str) -> anyhow::Result<()> {
    click(client, "[data-testid=nav-home]").await?;
    let card = format!("[data-testid=action-item][data-code='{code}']");
    let tag = format!("{card} [data-testid=status-tag][data-status='{status}']");
    wait_for(client, &tag, REACHES_THE_APP).await.with_context(|| format!("home never said {code} is {status}"))?;
    click(client, &format!("{card} a")).await?;
    wait_for_text(client, "[data-testid=dossier-code]", code).await
}

async fn shown_status(client: &Client) -> anyhow::Result<String> {
    let tag = element(client, ".dossier__status [data-testid=status-tag]").await?;
    Ok(tag.attr("data-status").await?.unwrap_or_default())
}

/// Waits until the dossier page shows `status`, pressing its "refresh" as a
/// person would while waiting.
async fn wait_for_status(client: &Client, status: &str) -> anyhow::Result<()> {
    wait_until(&format!("the dossier to show {status}"), WAIT, move || async move {
        if shown_status(client).await? == status {
            return Ok(true);
        }
        if let Ok(refresh) = client.find(Locator::Css("[data-testid=refresh]:not([disabled])")).await {
            refresh.click().await?;
        }
        Ok(false)
    })
    .await
}

/// A file the citizen picks, written where the webview can read it.
fn scan(dir: &Path, name: &str, bytes: &[u8]) -> anyhow::Result<std::path::PathBuf> {
    let path = dir.join(name);
    std::fs::write(&path, bytes)?;
    Ok(path)
}

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver, tauri-driver and the built app and portal: run `cargo xtask test`"]
async fn a_citizen_files_offline_answers_a_supplement_pays_and_downloads_the_result_in_the_real_window()
-> anyhow::Result<()> {
    require_display()?;
    let root = tempfile::tempdir()?;
    let dir = |name: &str| -> anyhow::Result<std::path::PathBuf> {
        let path = root.path().join(name);
        std::fs::create_dir_all(&path)?;
        Ok(path)
    };
    let (portal_dir, files, home, downloads) = (dir("portal")?, dir("files")?, dir("home")?, dir("downloads")?);
    let mut portal = Portal::start(&portal_dir).await?;
    let system_browser = SystemBrowser::install(root.path())?;
    // The app's own home: its webview storage starts empty, and WebKit saves
    // downloads into the XDG download directory named here.
    let config = home.join(".config");
    std::fs::create_dir_all(&config)?;
    std::fs::write(config.join("user-dirs.dirs"), format!("XDG_DOWNLOAD_DIR=\"{}\"\n", downloads.display()))?;
    let env: Vec<(&str, OsString)> = vec![
        system_browser.env(),
        ("HOME", home.clone().into_os_string()),
        ("XDG_CONFIG_HOME", config.into_os_string()),
        ("XDG_DATA_HOME", home.join(".local/share").into_os_string()),
        ("XDG_CACHE_HOME", home.join(".cache").into_os_string()),
    ];
    let driver = Driver::start(&env).await?;
    let data = dir("app")?;
    let url = portal.url();
    let client = driver.open_app(&["--demo", "--portal", &url, "--data-dir", &data.display().to_string()]).await?;

    in_window(client, async |client| {
        // Sign in, then search the catalogue without diacritics.
        sign_in_as_the_demo_citizen(client).await?;
        find_birth_registration(client).await?;
        click(client, "[data-testid=procedure][data-code='1.001193'] .procedure-name a").await?;
        wait_for_text(client, "[data-testid=procedure-code]", "1.001193").await?;

        // A draft, filled while online and saved as it is typed.
        click(client, "[data-testid=start]").await?;
        fill_birth_registration(client).await?;

        // The network goes: the portal is gone. The scan is attached and the
        // dossier submitted all the same, into the outbox.
        portal.stop().await?;
        let certificate = scan(&files, "giay-chung-sinh.pdf", BIRTH_CERTIFICATE)?;
        attach(client, "/attachments/giay-chung-sinh", &certificate).await?;
        wait_for_text(client, "[data-testid=file-held] .file-held__name", "giay-chung-sinh.pdf").await?;
        continue_wizard(client, 4, None).await?;
        click(client, "[data-testid=submit]").await?;
        element(client, "[data-testid=submitted]").await?;
        let state = element(client, "[data-testid=submitted] ~ p [data-testid=outbox-state]").await?;
        ensure!(
            state.attr("data-state").await?.as_deref() == Some("waiting"),
            "submitted offline, the dossier is {:?}, not waiting for the network",
            state.attr("data-state").await?
        );

        // The outbox on the home screen says so, in words.
        click(client, "[data-testid=go-home]").await?;
        let waiting = "[data-testid=outbox-item] [data-testid=outbox-state][data-state=waiting]";
        wait_for_text(client, waiting, "Chờ có mạng").await?;
        let detail = text_of(client, "[data-testid=outbox-item] [data-testid=outbox-detail]").await?;
        ensure!(detail.contains("tự động gửi khi có mạng"), "the outbox item says {detail:?}");
        // Submitted, it is no draft any more: nothing invites a second filing.
        let drafts = client.find_all(Locator::Css("[data-testid=drafts] [data-testid=draft]")).await?;
        ensure!(drafts.is_empty(), "the submitted dossier is still listed among the drafts");

        // The network comes back: the outbox sends the dossier by itself,
        // and the home screen shows the code the portal gave it.
        portal.restart().await?;
        let sent = "[data-testid=outbox-item] [data-testid=outbox-state][data-state=sent]";
        wait_for(client, sent, REACHES_THE_APP).await.context("the outbox never sent the dossier")?;
        let detail = text_of(client, "[data-testid=outbox-item] [data-testid=outbox-detail]").await?;
        let code = detail.rsplit(' ').next().unwrap_or_default().to_owned();
        ensure!(detail.starts_with("Mã hồ sơ:") && code.len() > 5, "the sent item says {detail:?}");

        // The officer takes it in and asks for a supplement: a clearer scan
        // of the birth certificate and the place of birth written in full.
        let desk = Desk::sign_in(&url).await?;
        ensure!(desk.dossier_page(&code).await?.contains("giay-chung-sinh.pdf"), "the portal lacks the scan");
        desk.decide(&code, &[("move", "accept")], "accepted").await?;
        desk.decide(&code, &[("move", "start_processing")], "processing").await?;
        let reason = "Bản chụp giấy chứng sinh bị mờ; đề nghị nộp bản scan rõ nét và ghi đầy đủ nơi sinh.";
        let supplement = [
            ("move", "request_supplement"),
            ("reason", reason),
            ("fields", "/child/place_of_birth"),
            ("documents", "giay-chung-sinh"),
        ];
        desk.decide(&code, &supplement, "supplement_requested").await?;

        // The citizen sees the request on the dossier, then answers it.
        open_from_home(client, &code, "supplement_requested").await?;
        let asked = text_of(client, "[data-testid=action-supplement] .officer-note").await?;
        ensure!(asked == reason, "the dossier shows the request as {asked:?}");
        click(client, "[data-testid=answer-supplement]").await?;
        wait_for_text(client, "[data-testid=officer-reason]", reason).await?;
        for pointer in ["/child/place_of_birth", "/attachments/giay-chung-sinh"] {
            element(client, &format!("[data-testid=question][data-pointer='{pointer}'] [data-testid=tag-requested]"))
                .await?;
        }
        answer(
            client,
            "/child/place_of_birth",
            "Khoa Sản, Bệnh viện Phụ sản Hà Nội, số 929 đường La Thành, phường Giảng Võ, thành phố Hà Nội",
        )
        .await?;
        let changed = "[data-testid=question][data-pointer='/child/place_of_birth'] [data-testid=tag-changed]";
        wait_for(client, changed, WAIT).await?;
        let clearer = scan(&files, "giay-chung-sinh-ro-net.pdf", CLEARER_CERTIFICATE)?;
        attach(client, "/attachments/giay-chung-sinh", &clearer).await?;
        let held = "[data-testid=question][data-pointer='/attachments/giay-chung-sinh'] .file-held__name";
        wait_for_text(client, held, "giay-chung-sinh-ro-net.pdf").await?;
        let scan_changed =
            "[data-testid=question][data-pointer='/attachments/giay-chung-sinh'] [data-testid=tag-changed]";
        wait_for(client, scan_changed, WAIT).await?;
        click(client, "[data-testid=supplement-send]").await?;
        wait_for_text(client, "[data-testid=submitted] [data-testid=dossier-code]", &code).await?;
        click(client, "[data-testid=open-dossier]").await?;
        wait_for_status(client, "processing").await?;
        let office = desk.dossier_page(&code).await?;
        ensure!(office.contains("giay-chung-sinh-ro-net.pdf"), "the officer does not see the clearer scan");

        // The officer asks for the fee; the citizen pays on the gateway's
        // page, in the system browser, and the receipt shows.
        let fee = [("move", "request_payment"), ("amount_vnd", "50000"), ("description", "Lệ phí cấp trích lục")];
        desk.decide(&code, &fee, "payment_requested").await?;
        open_from_home(client, &code, "payment_requested").await?;
        wait_for_text(client, "[data-testid=action-pay] [data-testid=amount]", "50.000 ₫").await?;
        click(client, "[data-testid=pay]").await?;
        element(client, "[data-testid=payment-waiting]").await?;
        let gateway_page = system_browser.wait_for_page(1).await?;
        ensure!(gateway_page.starts_with(&format!("{url}/gateway/pay/")), "the app opened {gateway_page}");
        gateway::pay(&gateway_page, "50.000 ₫").await?;
        wait_for(client, "[data-testid=receipt]", REACHES_THE_APP).await.context("no receipt after paying")?;
        let receipt = text_of(client, "[data-testid=receipt]").await?;
        ensure!(receipt.contains("50.000"), "the receipt reads {receipt:?}");

        // The officer issues the result; the citizen downloads it, and the
        // bytes saved are the bytes issued.
        desk.issue_result(&code, "trich-luc-khai-sinh.pdf", RESULT).await?;
        open_from_home(client, &code, "result_ready").await?;
        click(client, "[data-testid=download-result]").await?;
        let link = text_of(client, "[data-testid=result-link]").await?;
        ensure!(link.ends_with("trich-luc-khai-sinh.pdf"), "the download link reads {link:?}");
        let on_disk = downloads.join("trich-luc-khai-sinh.pdf");
        let path = on_disk.as_path();
        wait_until("the result in the downloads folder", WAIT, move || async move { Ok(path.exists()) }).await?;
        ensure!(std::fs::read(&on_disk)? == RESULT, "the downloaded file is not the result issued");
        Ok(())
    })
    .await?;
    drop(driver);
    portal.stop().await
}
