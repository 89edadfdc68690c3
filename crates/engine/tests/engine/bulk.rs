//! Bulk files judged by the engine against the real portal's forms: a JSON
//! file is one row of answers, judged by the same rules as a draft; filing a
//! file makes one draft per row, once, and files each valid row once, an
//! invalid one once it is fixed in its draft, and one the portal refused
//! once it is fixed in its draft and submitted again.

use base64::Engine as _;
use hoso_domain::catalogue::ProcedureCode;
use hoso_domain::identity::TaxCode;
use hoso_domain::profile::ActingAs;
use hoso_engine::bulk::RowStatus;
use hoso_protocol::command::{BulkFile, BulkRowResult, OutboxState, ValidateForm};

use super::*;

const EXAMPLE: &str = include_str!("../../../../assets/forms/examples/doanh-nghiep.thay-doi-noi-dung.v1.valid.json");

#[tokio::test]
async fn a_json_file_is_one_row_and_a_bad_answer_is_reported_at_its_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let engine = Engine::open(&dir.path().join("engine.db"), &portal.url()).await.unwrap();

    let valid = dir.path().join("valid.json");
    std::fs::write(&valid, EXAMPLE).unwrap();
    let checks = engine.validate_file("2.002050", &valid).await.unwrap();
    assert_eq!(checks.len(), 1);
    assert_eq!((checks[0].row, checks[0].errors.as_slice()), (1, &[][..]));

    let mut answers: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
    answers["filer"]["phone"] = "12345".into();
    let invalid = dir.path().join("invalid.json");
    std::fs::write(&invalid, answers.to_string()).unwrap();
    let checks = engine.validate_file("2.002050", &invalid).await.unwrap();
    let pointers: Vec<&str> = checks[0].errors.iter().map(|e| e.pointer.as_str()).collect();
    assert_eq!(pointers, ["/filer/phone"]);
}

#[tokio::test]
async fn a_procedure_missing_from_the_catalogue_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let engine = Engine::open(&dir.path().join("engine.db"), &portal.url()).await.unwrap();
    let file = dir.path().join("a.json");
    std::fs::write(&file, "{}").unwrap();
    let error = engine.validate_file("1.999999", &file).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
}

/// The form's questions as a header of JSON pointers; the decision and the
/// amended charter are files beside the input.
const HEADER: &str = "/enterprise/tax_code,/enterprise/name,/change_kind,/new_capital_vnd,/decision_date,\
                      /filer/full_name,/filer/citizen_id,/filer/phone,/attachments/quyet-dinh,/attachments/dieu-le-sua-doi";

fn csv_row(capital: &str, phone: &str) -> String {
    format!(
        "0314409058-002,CÔNG TY TNHH CÔNG NGHỆ SEN VÀNG,capital,{capital},02/03/2026,Nguyễn Văn An,001090012345,{phone},\
         quyet-dinh.pdf,dieu-le.pdf\n"
    )
}

/// The dossier codes the portal holds, from its own database.
async fn portal_codes(dir: &std::path::Path) -> Vec<String> {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(dir.join("portal.db"));
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let codes: Vec<String> =
        sqlx::query_scalar("SELECT code FROM dossier ORDER BY code").fetch_all(&pool).await.unwrap();
    pool.close().await;
    codes
}

fn filed_code(row: &hoso_engine::bulk::RowResult) -> String {
    let hoso_engine::bulk::RowStatus::Filed(code) = &row.status else { panic!("row {} not filed: {row:?}", row.row) };
    code.clone()
}

#[tokio::test]
async fn every_row_becomes_a_draft_once_and_a_fixed_invalid_row_files_exactly_one_dossier() {
    let test = super::signin::signed_in_as(super::signin::BUSINESS).await;
    let engine = &test.engine;
    let branch = ActingAs::Enterprise(TaxCode::parse("0314409058-002").unwrap());
    let dir = test.dir.path();
    std::fs::write(dir.join("quyet-dinh.pdf"), b"%PDF-1.4 quyet dinh tang von").unwrap();
    std::fs::write(dir.join("dieu-le.pdf"), b"%PDF-1.4 dieu le sua doi").unwrap();
    let file = dir.join("filings.csv");
    let rows =
        [csv_row("5000000000", "0912345678"), csv_row("6000000000", "12345"), csv_row("7000000000", "0912345678")];
    std::fs::write(&file, format!("{HEADER}\n{}", rows.concat())).unwrap();
    let before = portal_codes(dir).await;

    let first = engine.bulk_submit("2.002050", branch.clone(), &file, &mut |_, _| {}).await.unwrap();

    assert_eq!(first.queued, 2);
    let (one, three) = (filed_code(&first.rows[0]), filed_code(&first.rows[2]));
    let RowStatus::Invalid { errors, draft: fix } = &first.rows[1].status else { panic!("{:?}", first.rows[1]) };
    let pointers: Vec<&str> = errors.iter().map(|e| e.pointer.as_str()).collect();
    assert_eq!(pointers, ["/filer/phone"]);
    // Every row has its draft; a filed one is no longer listed to submit.
    let drafts = engine.drafts(&branch).await.unwrap();
    assert_eq!(drafts.iter().map(|d| &d.id).collect::<Vec<_>>(), [fix], "{drafts:?}");
    let outbox = engine.outbox().await.unwrap();
    assert_eq!(outbox.len(), 2);
    for item in &outbox {
        let filed_from = engine.draft(&item.client_id).await.unwrap().summary;
        assert!(filed_from.procedure.as_str() == "2.002050" && filed_from.acting_as == branch, "{filed_from:?}");
    }
    assert!(engine.drafts(&ActingAs::Myself).await.unwrap().is_empty(), "drafts belong to the branch");
    // The invalid row's draft holds the row's answers, its error where the
    // wizard shows it, and the files its cells named.
    let kept = engine.draft_open(fix).await.unwrap();
    assert_eq!(kept.data["filer"]["phone"], "12345");
    assert_eq!(kept.data["new_capital_vnd"], 6_000_000_000_u64);
    let judged = engine.form_validate(ValidateForm { form: kept.summary.form.clone(), data: kept.data.clone() }).await;
    assert_eq!(judged.unwrap().errors.iter().map(|e| e.pointer.as_str()).collect::<Vec<_>>(), ["/filer/phone"]);
    let mut documents: Vec<&str> = kept.attachments.iter().map(|a| a.document.as_str()).collect();
    documents.sort();
    assert_eq!(documents, ["dieu-le-sua-doi", "quyet-dinh"]);
    assert_eq!(portal_codes(dir).await.len(), before.len() + 2);

    let again = engine.bulk_submit("2.002050", branch.clone(), &file, &mut |_, _| {}).await.unwrap();

    assert_eq!(again.queued, 0, "the same file queues nothing twice");
    assert_eq!((filed_code(&again.rows[0]), filed_code(&again.rows[2])), (one.clone(), three.clone()));
    assert!(matches!(&again.rows[1].status, RowStatus::Invalid { draft, .. } if draft == fix), "{:?}", again.rows[1]);
    assert_eq!(engine.drafts(&branch).await.unwrap().len(), 1, "no second draft of any row");
    assert_eq!(portal_codes(dir).await.len(), before.len() + 2, "no second dossier");

    // Fixed in the form and submitted there, twice (a double tap).
    engine.save_field(fix, "/filer/phone", "0912345678".into()).await.unwrap();
    let item = engine.draft_submit(fix).await.unwrap();
    let OutboxState::Sent { code: two } = item.state.clone() else { panic!("{:?}", item.state) };
    assert_eq!(engine.draft_submit(fix).await.unwrap(), item, "a draft is filed once");
    let mut expected = [before, vec![one.clone(), two.clone(), three.clone()]].concat();
    expected.sort();
    assert_eq!(portal_codes(dir).await, expected, "exactly one more dossier");

    // The file again: the fixed row is now found filed, not filed again.
    let last = engine.bulk_submit("2.002050", branch.clone(), &file, &mut |_, _| {}).await.unwrap();
    assert_eq!(last.queued, 0);
    assert_eq!(last.rows.iter().map(filed_code).collect::<Vec<_>>(), [one, two, three]);
    assert!(engine.drafts(&branch).await.unwrap().is_empty(), "every row's draft is filed");
    assert_eq!(portal_codes(dir).await, expected);
    let report = hoso_engine::bulk::report_csv(&last.rows).unwrap();
    assert!(report.lines().skip(1).all(|l| l.contains(",filed,")), "{report}");
}

#[tokio::test]
async fn a_file_sent_as_bytes_names_each_invalid_rows_draft_in_the_answer_and_the_report() {
    let test = super::signin::signed_in_as(super::signin::BUSINESS).await;
    let engine = &test.engine;
    engine.sync_catalogue().await.unwrap();
    let branch = ActingAs::Enterprise(TaxCode::parse("0314409058-002").unwrap());
    // Without files beside it, the attachment cells are the row's errors too.
    let csv = format!("{HEADER}\n{}", csv_row("6000000000", "12345"));
    let file = BulkFile {
        procedure: ProcedureCode::parse("2.002050").unwrap(),
        acting_as: branch.clone(),
        file_name: "ho-so.csv".into(),
        content_base64: base64::engine::general_purpose::STANDARD.encode(&csv),
    };

    let result = engine.bulk_submit_bytes(file.clone()).await.unwrap();

    let [BulkRowResult::Invalid { row: 1, errors, draft: Some(draft) }] = result.rows.as_slice() else {
        panic!("{:?}", result.rows)
    };
    assert!(errors.iter().any(|e| e.pointer == "/filer/phone"), "{errors:?}");
    assert!(errors.iter().any(|e| e.code == hoso_engine::bulk::FILE_BESIDE_INPUT), "{errors:?}");
    assert_eq!(engine.draft(draft).await.unwrap().summary.acting_as, branch);
    let line = result.report_csv.lines().nth(1).unwrap();
    assert!(line.starts_with("1,invalid,") && line.ends_with(&format!(",{draft}")), "{}", result.report_csv);
    let again = engine.bulk_submit_bytes(file).await.unwrap();
    assert_eq!(again.rows, result.rows);
    assert_eq!(engine.drafts(&branch).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_row_the_portal_refuses_is_fixed_in_its_draft_and_filed_once_and_the_file_then_finds_it_filed() {
    let test = super::signin::signed_in_as(super::signin::BUSINESS).await;
    let engine = &test.engine;
    let branch = ActingAs::Enterprise(TaxCode::parse("0314409058-002").unwrap());
    let dir = test.dir.path();
    // One scan named for both documents: valid on the device, but the portal
    // holds an upload for the document it was first sent for only, and
    // refuses the other as not uploaded.
    std::fs::write(dir.join("quyet-dinh.pdf"), b"%PDF-1.4 quyet dinh va dieu le").unwrap();
    let row = csv_row("5000000000", "0912345678").replace("dieu-le.pdf", "quyet-dinh.pdf");
    let file = dir.join("one-scan.csv");
    std::fs::write(&file, format!("{HEADER}\n{row}")).unwrap();
    let before = portal_codes(dir).await;

    let first = engine.bulk_submit("2.002050", branch.clone(), &file, &mut |_, _| {}).await.unwrap();

    assert_eq!(first.queued, 1);
    let RowStatus::Refused { error: refusal, draft: refused_draft } = &first.rows[0].status else {
        panic!("{:?}", first.rows[0])
    };
    assert_eq!(refusal.kind, ErrorKind::InvalidInput, "{refusal:?}");
    let [refused] = refusal.fields.as_slice() else { panic!("{refusal:?}") };
    assert_eq!(refused.code, hoso_domain::form::UPLOAD_INCOMPLETE);
    assert_eq!(portal_codes(dir).await, before, "nothing filed");
    // Refused, so its draft is listed still, to fix.
    let drafts = engine.drafts(&branch).await.unwrap();
    let [draft] = drafts.as_slice() else { panic!("{drafts:?}") };
    let id = draft.id.clone();
    // The refused row names that draft, in the answer and in the report.
    assert_eq!(refused_draft, &id);
    let report = hoso_engine::bulk::report_csv(&first.rows).unwrap();
    let line = report.lines().nth(1).unwrap();
    assert!(line.starts_with("1,refused,") && line.ends_with(&format!(",{id}")), "{report}");

    // Unchanged, neither the file nor the draft asks the portal again.
    let again = engine.bulk_submit("2.002050", branch.clone(), &file, &mut |_, _| {}).await.unwrap();
    assert_eq!(again.queued, 0);
    assert!(
        matches!(&again.rows[0].status, RowStatus::Refused { error: e, draft } if e.fields == refusal.fields && *draft == id),
        "{again:?}"
    );
    let unchanged = engine.draft_submit(&id).await.unwrap();
    assert!(matches!(&unchanged.state, OutboxState::NeedsAction { error } if error.fields == refusal.fields));

    // Fixed: the refused document gets its own scan, and the draft is
    // submitted again, twice (a double tap).
    let document = refused.pointer.trim_start_matches("/attachments/");
    let scan = b"%PDF-1.4 ban chup rieng";
    let attached = engine.attach(&id, document, "rieng.pdf", "application/pdf", scan).await.unwrap();
    let answer = serde_json::json!({
        "sha256": attached.sha256, "media_type": "application/pdf", "bytes": attached.size, "name": "rieng.pdf"
    });
    engine.save_field(&id, &refused.pointer, answer).await.unwrap();
    let item = engine.draft_submit(&id).await.unwrap();
    let OutboxState::Sent { code } = item.state.clone() else { panic!("{:?}", item.state) };
    assert_eq!(item.client_id, id, "the same idempotency key");
    assert_eq!(engine.draft_submit(&id).await.unwrap(), item, "a filed draft is not replaced");
    let mut expected = [before, vec![code.clone()]].concat();
    expected.sort();
    assert_eq!(portal_codes(dir).await, expected, "exactly one dossier");
    assert!(engine.drafts(&branch).await.unwrap().is_empty(), "a filed draft leaves the list");

    // The file again: the row is found filed, not filed again.
    let last = engine.bulk_submit("2.002050", branch.clone(), &file, &mut |_, _| {}).await.unwrap();
    assert_eq!(last.queued, 0);
    assert_eq!(filed_code(&last.rows[0]), code);
    assert_eq!(portal_codes(dir).await, expected);
}

/// Bulk drafts are the signed-in person's: signed out, a file makes none;
/// two people on one device filing the same file each get drafts of their
/// own, which the other never sees, and a re-run finds each person's own.
#[tokio::test]
async fn bulk_drafts_belong_to_the_signed_in_person_and_another_person_filing_the_same_file_gets_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let engine = Engine::open(&dir.path().join("engine.db"), &portal.url()).await.unwrap();
    let branch = ActingAs::Enterprise(TaxCode::parse("0314409058-002").unwrap());
    let mut answers: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
    answers["filer"]["phone"] = "12345".into();
    let file = dir.path().join("one-row.json");
    std::fs::write(&file, answers.to_string()).unwrap();
    let draft_of = |report: &hoso_engine::bulk::BulkReport| match &report.rows[..] {
        [row] => match &row.status {
            RowStatus::Invalid { draft, .. } => draft.clone(),
            other => panic!("the row is invalid: {other:?}"),
        },
        rows => panic!("one row: {rows:?}"),
    };

    let signed_out = engine.bulk_submit("2.002050", branch.clone(), &file, &mut |_, _| {}).await.unwrap_err();
    assert_eq!(signed_out.kind(), ErrorKind::Unauthenticated, "{signed_out:?}");
    assert!(engine.drafts(&branch).await.unwrap().is_empty(), "signed out, no one's draft is made");

    let as_person = |subject: &str| std::sync::Arc::new(hoso_engine::StaticToken::new(subject, "never-sent"));
    engine.set_access_token(as_person("representative-a"));
    let first = draft_of(&engine.bulk_submit("2.002050", branch.clone(), &file, &mut |_, _| {}).await.unwrap());

    engine.set_access_token(as_person("representative-b"));
    assert!(engine.drafts(&branch).await.unwrap().is_empty(), "the first person's draft is not the second's");
    assert_eq!(engine.draft(&first).await.unwrap_err().kind(), ErrorKind::NotFound);
    let second = draft_of(&engine.bulk_submit("2.002050", branch.clone(), &file, &mut |_, _| {}).await.unwrap());
    assert_ne!(second, first, "each person's row has a draft of its own");
    let listed: Vec<String> = engine.drafts(&branch).await.unwrap().into_iter().map(|d| d.id).collect();
    assert_eq!(listed, [second]);

    engine.set_access_token(as_person("representative-a"));
    let again = draft_of(&engine.bulk_submit("2.002050", branch.clone(), &file, &mut |_, _| {}).await.unwrap());
    assert_eq!(again, first, "a re-run finds the person's own draft");
    let listed: Vec<String> = engine.drafts(&branch).await.unwrap().into_iter().map(|d| d.id).collect();
    assert_eq!(listed, [first], "and makes no second one");
}
