//! `hoso validate` and `hoso bulk submit` against the real portal in demo
//! mode: a bad row is named by row and pointer with exit code 1, whether it
//! comes in CSV or XLSX; a representative files three dossiers for a branch
//! from a CSV file, and filing the same file again files nothing new; an
//! invalid row waits as a draft, fixed and submitted with `draft set` and
//! `submit`, and the same file then finds it filed; a row the portal refused
//! is printed and reported with its draft too.

use std::path::Path;

use super::*;

const HEADER: [&str; 10] = [
    "/enterprise/tax_code",
    "/enterprise/name",
    "/change_kind",
    "/new_capital_vnd",
    "/decision_date",
    "/filer/full_name",
    "/filer/citizen_id",
    "/filer/phone",
    "/attachments/quyet-dinh",
    "/attachments/dieu-le-sua-doi",
];

/// A row after the valid example of the form, for the branch the business
/// representative acts for; the decision and the amended charter are files
/// beside the input.
fn row(capital: &str, phone: &str) -> [String; 10] {
    [
        "0314409058-002",
        "CÔNG TY TNHH CÔNG NGHỆ SEN VÀNG",
        "capital",
        capital,
        "02/03/2026",
        "Nguyễn Văn An",
        "001090012345",
        phone,
        "quyet-dinh.pdf",
        "dieu-le.pdf",
    ]
    .map(str::to_owned)
}

fn write_documents(dir: &Path) {
    std::fs::write(dir.join("quyet-dinh.pdf"), b"%PDF-1.4 quyet dinh tang von").unwrap();
    std::fs::write(dir.join("dieu-le.pdf"), b"%PDF-1.4 dieu le sua doi").unwrap();
}

fn write_csv(dir: &Path, rows: &[[String; 10]]) -> std::path::PathBuf {
    write_documents(dir);
    let mut text = HEADER.join(",") + "\n";
    for row in rows {
        text += &(row.iter().map(|cell| format!("\"{cell}\"")).collect::<Vec<_>>().join(",") + "\n");
    }
    let path = dir.join("filings.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn write_xlsx(dir: &Path, rows: &[[String; 10]]) -> std::path::PathBuf {
    write_documents(dir);
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, title) in HEADER.iter().enumerate() {
        sheet.write_string(0, column as u16, *title).unwrap();
    }
    for (line, row) in rows.iter().enumerate() {
        for (column, cell) in row.iter().enumerate() {
            // Amounts as numbers, as a spreadsheet holds them.
            match cell.parse::<f64>() {
                Ok(number) if column == 3 => sheet.write_number(line as u32 + 1, column as u16, number).unwrap(),
                _ => sheet.write_string(line as u32 + 1, column as u16, cell).unwrap(),
            };
        }
    }
    let path = dir.join("filings.xlsx");
    workbook.save(&path).unwrap();
    path
}

async fn demo_portal(dir: &Path) -> hoso_portal::RunningPortal {
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let database_url = format!("sqlite:{}", dir.join("portal.db").display());
    hoso_portal::start(hoso_portal::Config { addr, database_url, demo: true, ..Default::default() }).await.unwrap()
}

async fn run(url: &str, data: &Path, args: &[&str]) -> Output {
    let (url, data) = (url.to_owned(), data.to_owned());
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || hoso(&url, &data, &args.iter().map(String::as_str).collect::<Vec<_>>()))
        .await
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn a_bad_second_row_is_named_with_exit_code_1(write: fn(&Path, &[[String; 10]]) -> std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let portal = demo_portal(dir.path()).await;
    let file = write(dir.path(), &[row("5000000000", "0912345678"), row("7000000000", "12345")]);

    let output =
        run(&portal.url(), &dir.path().join("cli"), &["validate", "--procedure", "2.002050", file.to_str().unwrap()])
            .await;
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let printed = text(&output.stdout);
    assert!(printed.lines().any(|l| l.starts_with("row 2\t/filer/phone\t")), "{printed}");
    assert!(!printed.contains("row 1"), "the valid row has no errors: {printed}");

    let good = write(dir.path(), &[row("5000000000", "0912345678")]);
    let output =
        run(&portal.url(), &dir.path().join("cli"), &["validate", "--procedure", "2.002050", good.to_str().unwrap()])
            .await;
    assert_eq!(output.status.code(), Some(0), "{}{}", text(&output.stdout), text(&output.stderr));
}

#[tokio::test]
async fn validating_a_csv_with_one_bad_row_prints_its_pointer_and_exits_1() {
    a_bad_second_row_is_named_with_exit_code_1(write_csv).await;
}

#[tokio::test]
async fn validating_an_xlsx_with_one_bad_row_prints_its_pointer_and_exits_1() {
    a_bad_second_row_is_named_with_exit_code_1(write_xlsx).await;
}

/// The dossier codes of a report, row by row.
fn codes(report: &str) -> Vec<String> {
    report
        .lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells[1], "filed", "{report}");
            cells[2].to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_representative_files_three_rows_for_a_branch_once_however_often_the_file_is_submitted() {
    let dir = tempfile::tempdir().unwrap();
    let portal = demo_portal(dir.path()).await;
    let url = portal.url();
    let data = dir.path().join("cli");
    signin::sign_in(&url, &data, signin::BUSINESS).await;
    let rows = [row("5000000000", "0912345678"), row("6000000000", "0912345678"), row("7000000000", "0912345678")];
    let file = write_csv(dir.path(), &rows);
    let submit = ["--as", "0314409058-002", "bulk", "submit", "--procedure", "2.002050", file.to_str().unwrap()];

    let first = run(&url, &data, &submit).await;
    assert!(first.status.success(), "{}", text(&first.stderr));
    let report = std::fs::read_to_string(dir.path().join("filings.report.csv")).unwrap();
    let filed = codes(&report);
    assert_eq!(filed.len(), 3, "{report}");
    assert!(filed.iter().all(|code| !code.is_empty()), "{report}");
    assert_ne!(filed[0], filed[1]);
    assert_ne!(filed[1], filed[2]);
    assert!(text(&first.stderr).contains("3 queued now"), "{}", text(&first.stderr));

    let again = run(&url, &data, &submit).await;
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(text(&again.stderr).contains("0 queued now"), "{}", text(&again.stderr));
    let report = std::fs::read_to_string(dir.path().join("filings.report.csv")).unwrap();
    assert_eq!(codes(&report), filed);

    // What the portal holds for the branch, pulled from its changes feed.
    let sync = run(&url, &data, &["--as", "0314409058-002", "sync"]).await;
    assert!(sync.status.success(), "{}", text(&sync.stderr));
    let status = run(&url, &data, &["--as", "0314409058-002", "status"]).await;
    let shown = text(&status.stdout);
    let dossiers: Vec<&str> = shown.lines().skip_while(|l| *l != "dossiers:").skip(1).collect();
    assert_eq!(dossiers.len(), 3, "{shown}");
    for code in &filed {
        assert!(dossiers.iter().any(|l| l.trim_start().starts_with(code.as_str())), "{code} in {shown}");
    }
}

#[tokio::test]
async fn an_invalid_row_is_kept_as_a_draft_that_is_fixed_and_submitted_from_the_terminal_once() {
    let dir = tempfile::tempdir().unwrap();
    let portal = demo_portal(dir.path()).await;
    let url = portal.url();
    let data = dir.path().join("cli");
    signin::sign_in(&url, &data, signin::BUSINESS).await;
    let file = write_csv(dir.path(), &[row("5000000000", "0912345678"), row("7000000000", "12345")]);
    let submit = ["--as", "0314409058-002", "bulk", "submit", "--procedure", "2.002050", file.to_str().unwrap()];

    let first = run(&url, &data, &submit).await;
    assert_eq!(first.status.code(), Some(1), "a row was not filed: {}", text(&first.stderr));
    let printed = text(&first.stdout);
    let draft = printed
        .lines()
        .find_map(|l| l.strip_prefix("row 2\tdraft "))
        .unwrap_or_else(|| panic!("the invalid row's draft: {printed}"))
        .to_owned();
    let report = std::fs::read_to_string(dir.path().join("filings.report.csv")).unwrap();
    let line = report.lines().nth(2).unwrap();
    assert!(line.starts_with("2,invalid,/filer/phone ") && line.ends_with(&format!(",{draft}")), "{report}");
    let listed = run(&url, &data, &["--as", "0314409058-002", "draft", "list"]).await;
    // The filed row's draft is not listed to submit; the invalid one's is.
    let listed = text(&listed.stdout);
    assert!(listed.lines().count() == 1 && listed.starts_with(&draft), "the invalid row's draft: {listed}");

    let fixed = run(&url, &data, &["draft", "set", &draft, "/filer/phone", "0912345678"]).await;
    assert!(fixed.status.success(), "{}", text(&fixed.stderr));
    let sent = run(&url, &data, &["submit", &draft]).await;
    assert!(sent.status.success(), "{}", text(&sent.stderr));
    let code = text(&sent.stdout).trim().rsplit("sent ").next().unwrap().to_owned();
    assert!(text(&sent.stdout).starts_with(&format!("{draft}\tsent ")), "{}", text(&sent.stdout));

    let again = run(&url, &data, &submit).await;
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(text(&again.stderr).contains("0 queued now"), "{}", text(&again.stderr));
    let report = std::fs::read_to_string(dir.path().join("filings.report.csv")).unwrap();
    let filed = codes(&report);
    assert_eq!(filed.len(), 2, "{report}");
    assert_eq!(filed[1], code, "the fixed row is found filed under its draft's dossier");
    let listed = run(&url, &data, &["--as", "0314409058-002", "draft", "list"]).await;
    assert_eq!(text(&listed.stdout), "", "every row's draft filed, none made twice");
}

#[tokio::test]
async fn a_row_the_portal_refuses_is_printed_and_reported_with_its_draft_to_fix() {
    let dir = tempfile::tempdir().unwrap();
    let portal = demo_portal(dir.path()).await;
    let url = portal.url();
    let data = dir.path().join("cli");
    signin::sign_in(&url, &data, signin::BUSINESS).await;
    // One scan named for both documents: valid on the device, but the portal
    // holds an upload for the document it was first sent for only, and
    // refuses the other as not uploaded.
    let mut one_scan = row("5000000000", "0912345678");
    one_scan[9] = "quyet-dinh.pdf".to_owned();
    let file = write_csv(dir.path(), &[one_scan]);
    let submit = ["--as", "0314409058-002", "bulk", "submit", "--procedure", "2.002050", file.to_str().unwrap()];

    let first = run(&url, &data, &submit).await;
    let printed = text(&first.stdout);
    let draft = printed
        .lines()
        .find_map(|l| l.strip_prefix("row 1\tdraft ")?.strip_suffix("\trefused invalid_input"))
        .unwrap_or_else(|| panic!("the refused row's draft: {printed}{}", text(&first.stderr)))
        .to_owned();
    assert!(text(&first.stderr).contains("1 refused by the portal"), "{}", text(&first.stderr));
    let report = std::fs::read_to_string(dir.path().join("filings.report.csv")).unwrap();
    let line = report.lines().nth(1).unwrap();
    assert!(line.starts_with("1,refused,") && line.ends_with(&format!(",{draft}")), "{report}");
    // Nothing was filed, so the draft is listed still, to fix and submit.
    let listed = run(&url, &data, &["--as", "0314409058-002", "draft", "list"]).await;
    assert!(text(&listed.stdout).starts_with(&draft), "{}", text(&listed.stdout));
}

/// `hoso logout` with filings not sent yet (queued while the portal was
/// down) is refused with their count and the way on; `--force` signs out and
/// keeps them, and the next person on the data directory sees none of them.
#[tokio::test]
async fn logout_is_refused_while_filings_wait_and_forced_it_keeps_them_from_the_next_person() {
    let dir = tempfile::tempdir().unwrap();
    let portal = demo_portal(dir.path()).await;
    let (url, addr) = (portal.url(), portal.addr());
    let data = dir.path().join("cli");
    signin::sign_in(&url, &data, signin::BUSINESS).await;
    let file = write_csv(dir.path(), &[row("5000000000", "0912345678")]);
    // Online once, so the catalogue and the form are held for offline use.
    let checked = run(&url, &data, &["validate", "--procedure", "2.002050", file.to_str().unwrap()]).await;
    assert!(checked.status.success(), "{}", text(&checked.stderr));
    portal.shutdown().await.unwrap();
    let submit = ["--as", "0314409058-002", "bulk", "submit", "--procedure", "2.002050", file.to_str().unwrap()];
    // Queued, then not sent: this process holds no access token and cannot
    // renew one offline, so the command fails after queueing.
    run(&url, &data, &submit).await;
    let status = text(&run(&url, &data, &["--as", "0314409058-002", "status"]).await.stdout);
    let waiting: Vec<&str> = status.lines().skip(1).take_while(|l| *l != "dossiers:").collect();
    assert_eq!(waiting.len(), 1, "{status}");

    let refused = run(&url, &data, &["logout"]).await;
    assert!(!refused.status.success());
    let said = text(&refused.stderr);
    assert!(said.contains("1 item(s)") && said.contains("hoso logout --force"), "{said}");

    let database_url = format!("sqlite:{}", dir.path().join("portal.db").display());
    let portal =
        hoso_portal::start(hoso_portal::Config { addr, database_url, demo: true, ..Default::default() }).await.unwrap();
    let forced = run(&url, &data, &["logout", "--force"]).await;
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    assert!(text(&forced.stderr).contains("signed out"), "{}", text(&forced.stderr));

    signin::sign_in(&url, &data, signin::CITIZEN).await;
    let sync = run(&url, &data, &["sync"]).await;
    assert!(sync.status.success(), "{}", text(&sync.stderr));
    for acting in [&["status"][..], &["--as", "0314409058-002", "status"][..]] {
        let shown = text(&run(&url, &data, acting).await.stdout);
        assert_eq!(shown, "outbox:\ndossiers:\n", "the representative's filing is not the citizen's");
    }
    drop(portal);
}
