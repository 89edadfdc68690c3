//! Following dossiers after submission, against the real portal with a real
//! sign-in: an officer asks for a supplement, the citizen answers it through
//! the outbox across an outage (received once), pays on the gateway's page,
//! downloads the result and rates; a document asked for again is attached to
//! the answer and reaches the portal with it, and is no one else's on the
//! device; a fresh dossier is withdrawn; a supplement
//! the portal overtook cannot be sent; a representative files for two
//! enterprises from CSV bytes and sees every filing with its profile's name.

use std::sync::Mutex;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hoso_domain::catalogue::ProcedureCode;
use hoso_domain::dossier::DossierStatus;
use hoso_domain::identity::TaxCode;
use hoso_domain::profile::ActingAs;
use hoso_engine::MemoryAttachments;
use hoso_engine::auth::{Browser, BrowserError, Url};
use hoso_protocol::command::{
    AddAttachment, BulkFile, BulkRowResult, NeedsAction, OutboxState, RateArgs, RemoveAttachment, SaveSupplement,
    WithdrawArgs,
};

use super::outbox::{OFFICER, access_token, birth_form, filed, later, officer_move, unlocked_store};
use super::owners::{PATIENCE, Person};
use super::signin::{BUSINESS, CITIZEN, SignedIn, signed_in_as};
use super::*;

/// A browser that pays on the gateway's page: it reads the page, then
/// presses "Pay" as a person would, by posting the page's form.
#[derive(Default)]
struct PayingBrowser {
    paid: Mutex<Option<tokio::task::JoinHandle<String>>>,
}

impl Browser for PayingBrowser {
    fn open(&self, url: &Url) -> Result<(), BrowserError> {
        let url = url.clone();
        let task = tokio::spawn(async move {
            let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
            let page = client.get(url.clone()).send().await.unwrap().text().await.unwrap();
            assert!(page.contains("value=\"pay\""), "{page}");
            let pressed = client.post(url).form(&[("choice", "pay")]).send().await.unwrap();
            assert_eq!(pressed.status(), 303);
            page
        });
        *self.paid.lock().unwrap() = Some(task);
        Ok(())
    }
}

/// An engine signed in as the citizen, holding the catalogue and the birth
/// form, and an officer's token.
async fn citizen_and_officer() -> (SignedIn, String) {
    let test = signed_in_as(CITIZEN).await;
    test.engine.sync_catalogue().await.unwrap();
    test.engine.form_definition(&birth_form()).await.unwrap();
    let officer = access_token(&test.portal.url(), OFFICER).await;
    (test, officer)
}

/// The officer's prelude to every supplement request here: accept the fresh
/// dossier, start processing it, then ask for a supplement with `request`
/// (its reason and the fields or documents asked for again).
async fn ask_for_supplement(base: &str, officer: &str, code: &str, request: serde_json::Value) {
    for step in [serde_json::json!({"move": "accept"}), serde_json::json!({"move": "start_processing"})] {
        officer_move(base, officer, code, step).await;
    }
    let mut request = request;
    request["move"] = "request_supplement".into();
    officer_move(base, officer, code, request).await;
}

/// A supplement request for the child's name, which does not match the birth certificate.
fn name_mismatch() -> serde_json::Value {
    serde_json::json!({
        "reason": "Họ tên của trẻ không khớp với giấy chứng sinh",
        "fields": ["/child/full_name"],
    })
}

/// A supplement request for a clearer scan of the birth certificate.
fn blurred_scan() -> serde_json::Value {
    serde_json::json!({
        "reason": "Bản chụp giấy chứng sinh bị mờ",
        "documents": ["giay-chung-sinh"],
    })
}

/// How many supplement answers the portal received for `code`.
async fn supplements_received(dir: &tempfile::TempDir, code: &str) -> i64 {
    let portal_db =
        sqlx::SqlitePool::connect(&format!("sqlite:{}", dir.path().join("portal.db").display())).await.unwrap();
    sqlx::query_scalar("SELECT COUNT(*) FROM supplement_answer WHERE code = ?1")
        .bind(code)
        .fetch_one(&portal_db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_dossier_is_followed_through_supplement_payment_and_result_to_its_rating() {
    let (test, officer) = citizen_and_officer().await;
    let (engine, base, dir) = (&test.engine, test.portal.url(), &test.dir);
    let (_, code, _) = filed(engine).await;
    ask_for_supplement(&base, &officer, &code, name_mismatch()).await;

    // The sync brings the request; the card says what the citizen must do.
    engine.sync_dossiers(&ActingAs::Myself).await.unwrap();
    let cards = engine.dossier_cards(&ActingAs::Myself).await.unwrap();
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0].code.as_deref(), Some(code.as_str()));
    assert_eq!((cards[0].status, cards[0].needs), (DossierStatus::SupplementRequested, Some(NeedsAction::Supplement)));
    assert_eq!(cards[0].procedure_name.vi, "Đăng ký khai sinh");

    // Opened from the portal's answers: nothing changed yet.
    let opened = engine.open_supplement(&code).await.unwrap();
    assert_eq!(opened.data, opened.original);
    assert!(opened.changed.is_empty());
    assert_eq!(opened.request.fields, ["/child/full_name"]);
    assert!(!opened.conflict);
    let mut data = opened.data.clone();
    data["child"]["full_name"] = "Nguyễn Minh Khôi".into();
    engine.save_supplement(SaveSupplement { code: code.clone(), data: data.clone() }).await.unwrap();
    let reopened = engine.open_supplement(&code).await.unwrap();
    assert_eq!(reopened.data, data);
    assert_eq!(reopened.changed, ["/child/full_name"]);
    assert!(engine.dossier_view(&code).await.unwrap().supplement_draft);

    // Sent while the portal is down: it waits in the outbox, and the
    // dossier still shows, from the copy kept on the device.
    let addr = test.portal.addr();
    test.portal.shutdown().await.unwrap();
    let waiting = engine.submit_supplement(&code).await.unwrap();
    assert_eq!(waiting.state, OutboxState::WaitingForNetwork);
    assert_eq!(engine.submit_supplement(&code).await.unwrap().client_id, waiting.client_id, "one answer, not two");
    let offline = engine.dossier_view(&code).await.unwrap();
    assert_eq!(offline.offline.map(|e| e.kind), Some(ErrorKind::Network));
    assert_eq!(offline.detail.summary.code, code);
    let refused = engine.save_supplement(SaveSupplement { code: code.clone(), data: data.clone() }).await;
    assert_eq!(refused.unwrap_err().kind(), ErrorKind::Conflict, "an answer on its way is not edited");

    // The portal is back: the next pass past the backoff sends it once.
    let database_url = format!("sqlite:{}", dir.path().join("portal.db").display());
    let portal =
        hoso_portal::start(hoso_portal::Config { addr, database_url, demo: true, ..Default::default() }).await.unwrap();
    let none = MemoryAttachments::default();
    assert_eq!(engine.send_outbox_at(&none, later(), 0.0).await.unwrap().sent, 1);
    let item = engine.outbox().await.unwrap().into_iter().find(|i| i.client_id == waiting.client_id).unwrap();
    assert_eq!(item.state, OutboxState::Sent { code: code.clone() });
    assert_eq!(supplements_received(dir, &code).await, 1);

    // The answer arrived but its acknowledgement was lost: sent again under
    // the same key, the portal recognises it and files nothing twice.
    let pool = unlocked_store(&dir.path().join("engine.db")).await;
    sqlx::query(
        "UPDATE supplement_outbox SET phase = 'pending', state = '{\"state\":\"queued\"}', next_attempt_at = 0",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(engine.send_outbox_at(&none, later(), 0.0).await.unwrap().sent, 1);
    assert_eq!(supplements_received(dir, &code).await, 1);
    assert_eq!(engine.send_outbox_at(&none, later(), 0.0).await.unwrap(), Default::default());

    let view = engine.dossier_view(&code).await.unwrap();
    assert_eq!(view.offline, None);
    assert_eq!(view.detail.summary.status, DossierStatus::Processing);
    assert_eq!(view.detail.data["child"]["full_name"], "Nguyễn Minh Khôi");
    assert!(!view.supplement_draft, "the acknowledged draft is done");
    engine.sync_dossiers(&ActingAs::Myself).await.unwrap();
    assert_eq!(engine.dossier_cards(&ActingAs::Myself).await.unwrap()[0].needs, None);

    // Payment on the gateway's page, then the receipt in the dossier.
    let request = serde_json::json!({"move": "request_payment", "amount_vnd": 100_000, "description": "Phí công bố"});
    officer_move(&portal.url(), &officer, &code, request).await;
    engine.sync_dossiers(&ActingAs::Myself).await.unwrap();
    assert_eq!(engine.dossier_cards(&ActingAs::Myself).await.unwrap()[0].needs, Some(NeedsAction::Payment));
    let browser = PayingBrowser::default();
    let opened = engine.start_payment(&code, &browser).await.unwrap();
    assert_eq!(opened.amount_vnd, 100_000);
    assert!(opened.url.starts_with(&format!("{}/gateway/pay/", portal.url())), "{}", opened.url);
    let task = browser.paid.lock().unwrap().take().expect("the gateway page was opened");
    assert!(task.await.unwrap().contains("100.000"));
    let paid = engine.dossier_view(&code).await.unwrap();
    let receipt = paid.detail.receipt.expect("a receipt");
    assert_eq!(receipt.amount_vnd, 100_000);
    assert_eq!(paid.detail.summary.status, DossierStatus::Processing);

    // The result, checked against the hash the portal states.
    let document = b"%PDF-1.7 giay khai sinh ban chinh".to_vec();
    let issued = reqwest::Client::new()
        .post(format!("{}/api/v1/office/dossiers/{code}/result?name=giay-khai-sinh.pdf", portal.url()))
        .bearer_auth(&officer)
        .header("content-type", "application/pdf")
        .body(document.clone())
        .send()
        .await
        .unwrap();
    assert!(issued.status().is_success(), "{}", issued.text().await.unwrap());
    engine.sync_dossiers(&ActingAs::Myself).await.unwrap();
    assert_eq!(engine.dossier_cards(&ActingAs::Myself).await.unwrap()[0].needs, Some(NeedsAction::Result));
    let result = engine.download_result(&code).await.unwrap();
    assert_eq!(STANDARD.decode(&result.content_base64).unwrap(), document);
    assert_eq!((result.name.as_str(), result.media_type.as_str()), ("giay-khai-sinh.pdf", "application/pdf"));

    // Rated once it is complete.
    let early = engine.rate(RateArgs { code: code.clone(), score: 5, comment: None }).await.unwrap_err();
    assert_eq!(early.kind(), ErrorKind::Conflict);
    officer_move(&portal.url(), &officer, &code, serde_json::json!({"move": "return_result"})).await;
    let rated =
        engine.rate(RateArgs { code: code.clone(), score: 5, comment: Some("Nhanh gọn".into()) }).await.unwrap();
    let rating = rated.detail.rating.expect("the rating");
    assert_eq!((rating.score, rating.comment.as_deref()), (5, Some("Nhanh gọn")));
}

#[tokio::test]
async fn a_document_asked_for_again_is_attached_to_the_answer_and_reaches_the_portal_with_it() {
    let (test, officer) = citizen_and_officer().await;
    let (engine, base) = (&test.engine, test.portal.url());
    let (_, code, _) = filed(engine).await;
    ask_for_supplement(&base, &officer, &code, blurred_scan()).await;
    engine.sync_dossiers(&ActingAs::Myself).await.unwrap();

    let opened = engine.open_supplement(&code).await.unwrap();
    assert_eq!(opened.request.documents, ["giay-chung-sinh"]);
    let files = opened.draft_id.clone().expect("the answer takes files");
    let first_scan = opened.data["attachments"]["giay-chung-sinh"]["sha256"].as_str().unwrap().to_owned();
    let add = |name: &str, media_type: &str, bytes: &[u8]| AddAttachment {
        draft_id: files.clone(),
        document: "giay-chung-sinh".into(),
        name: name.into(),
        media_type: media_type.into(),
        content_base64: STANDARD.encode(bytes),
    };
    // Checked against the document like a draft's file, before anything is kept.
    let refused = engine.attachment_add(add("ghi-chu.txt", "text/plain", b"ghi chu")).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::UnsupportedMediaType);
    let clearer = b"%PDF-1.7 giay chung sinh, ban scan ro net".to_vec();
    let info = engine.attachment_add(add("giay-chung-sinh-ro-net.pdf", "application/pdf", &clearer)).await.unwrap();
    // The answer names the new file, as the UI's attachment question does;
    // the scan it replaces is the portal's, so removing it here removes nothing.
    let mut data = opened.data.clone();
    data["attachments"]["giay-chung-sinh"] = serde_json::json!({
        "sha256": info.sha256, "media_type": info.media_type, "bytes": info.size, "name": info.name,
    });
    engine.save_supplement(SaveSupplement { code: code.clone(), data }).await.unwrap();
    engine.attachment_remove(RemoveAttachment { draft_id: files.clone(), sha256: first_scan }).await.unwrap();
    assert_eq!(engine.open_supplement(&code).await.unwrap().changed, ["/attachments/giay-chung-sinh"]);

    // Sent with the answer: the sender uploads the new scan from the device.
    let sent = engine.submit_supplement(&code).await.unwrap();
    assert_eq!(sent.state, OutboxState::Sent { code: code.clone() });
    let view = engine.dossier_view(&code).await.unwrap();
    assert_eq!(view.detail.summary.status, DossierStatus::Processing);
    let held: Vec<&str> = view.detail.attachments.iter().map(|a| a.sha256.as_str()).collect();
    assert!(held.contains(&info.sha256.as_str()), "the portal holds {held:?}");

    // The answer is done: no file is attached to it any more.
    let late = engine.attachment_add(add("muon.pdf", "application/pdf", b"%PDF muon")).await.unwrap_err();
    assert_eq!(late.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn the_files_of_a_supplement_answer_are_the_signed_in_persons_alone() {
    let (test, officer) = citizen_and_officer().await;
    let (engine, base) = (&test.engine, test.portal.url());
    let (_, code, _) = filed(engine).await;
    ask_for_supplement(&base, &officer, &code, blurred_scan()).await;
    engine.sync_dossiers(&ActingAs::Myself).await.unwrap();
    let files = engine.open_supplement(&code).await.unwrap().draft_id.expect("the answer takes files");
    let add = |bytes: &[u8]| AddAttachment {
        draft_id: files.clone(),
        document: "giay-chung-sinh".into(),
        name: "giay-chung-sinh-ro-net.pdf".into(),
        media_type: "application/pdf".into(),
        content_base64: STANDARD.encode(bytes),
    };
    let scan = engine.attachment_add(add(b"%PDF-1.7 giay chung sinh cua An")).await.unwrap();
    engine.end_session(false).await.unwrap();

    // Bình signs in on the same device: An's answer and its file are not hers
    // to list, read, remove or add to.
    engine.sign_in_within(&Person { user: BUSINESS, steps_ahead: 0 }, PATIENCE).await.unwrap();
    assert!(engine.attachments(&files).await.unwrap().is_empty(), "An's file is listed to Bình");
    let read = engine.attachment_bytes(&files, &scan.sha256).await.unwrap_err();
    assert_eq!(read.kind(), ErrorKind::NotFound);
    let removed = RemoveAttachment { draft_id: files.clone(), sha256: scan.sha256.clone() };
    engine.attachment_remove(removed).await.unwrap();
    let added = engine.attachment_add(add(b"%PDF-1.7 cua Binh")).await.unwrap_err();
    assert_eq!(added.kind(), ErrorKind::NotFound);
    engine.end_session(false).await.unwrap();

    // An signs in again (the next one-time code) and finds his file as he left it.
    engine.sign_in_within(&Person { user: CITIZEN, steps_ahead: 1 }, PATIENCE).await.unwrap();
    let held: Vec<String> = engine.attachments(&files).await.unwrap().into_iter().map(|a| a.sha256).collect();
    assert_eq!(held, std::slice::from_ref(&scan.sha256));
    assert_eq!(engine.attachment_bytes(&files, &scan.sha256).await.unwrap(), b"%PDF-1.7 giay chung sinh cua An");
}

#[tokio::test]
async fn a_fresh_dossier_is_withdrawn_at_once_and_offline_withdrawal_says_why() {
    let (test, _) = citizen_and_officer().await;
    let engine = &test.engine;
    let (_, code, _) = filed(engine).await;

    let view = engine.withdraw(WithdrawArgs { code: code.clone(), reason: "Nộp nhầm thủ tục".into() }).await.unwrap();
    assert_eq!(view.detail.summary.status, DossierStatus::Withdrawn);
    let cards = engine.dossier_cards(&ActingAs::Myself).await.unwrap();
    assert_eq!((cards[0].status, cards[0].needs), (DossierStatus::Withdrawn, None));

    let (_, other, _) = filed(engine).await;
    test.portal.shutdown().await.unwrap();
    let error = engine.withdraw(WithdrawArgs { code: other, reason: "Nộp nhầm".into() }).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Network);
}

#[tokio::test]
async fn a_supplement_draft_the_portal_overtook_cannot_be_sent() {
    let (test, officer) = citizen_and_officer().await;
    let (engine, base) = (&test.engine, test.portal.url());
    let (_, code, _) = filed(engine).await;
    ask_for_supplement(&base, &officer, &code, name_mismatch()).await;
    engine.sync_dossiers(&ActingAs::Myself).await.unwrap();
    let opened = engine.open_supplement(&code).await.unwrap();
    engine.save_supplement(SaveSupplement { code: code.clone(), data: opened.data }).await.unwrap();

    officer_move(&base, &officer, &code, serde_json::json!({"move": "stop", "reason": "Quá hạn bổ sung"})).await;
    assert_eq!(engine.sync_dossiers(&ActingAs::Myself).await.unwrap().conflicts, 1);

    assert!(engine.open_supplement(&code).await.unwrap().conflict);
    let error = engine.submit_supplement(&code).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Conflict);
    assert!(engine.outbox().await.unwrap().iter().all(|item| item.client_id != code));
    assert_eq!(supplements_received(&test.dir, &code).await, 0);
}

#[tokio::test]
async fn a_flagged_draft_answers_the_request_again_once_the_portal_waits_for_it_again() {
    let (test, officer) = citizen_and_officer().await;
    let (engine, base) = (&test.engine, test.portal.url());
    let (_, code, _) = filed(engine).await;
    ask_for_supplement(&base, &officer, &code, name_mismatch()).await;
    engine.sync_dossiers(&ActingAs::Myself).await.unwrap();
    let mut data = engine.open_supplement(&code).await.unwrap().data;
    data["child"]["full_name"] = "Nguyễn Minh Khôi".into();
    engine.save_supplement(SaveSupplement { code: code.clone(), data: data.clone() }).await.unwrap();

    // The citizen asks to withdraw meanwhile: the portal moved on, the
    // draft is kept and flagged.
    let asked = engine.withdraw(WithdrawArgs { code: code.clone(), reason: "Xin rút".into() }).await.unwrap();
    assert_eq!(asked.detail.summary.status, DossierStatus::WithdrawalRequested);
    assert_eq!(engine.sync_dossiers(&ActingAs::Myself).await.unwrap().conflicts, 1);
    let flagged = engine.open_supplement(&code).await.unwrap();
    assert!(flagged.conflict);
    assert_eq!(flagged.data, data, "the edits are kept");

    // The agency refuses the withdrawal: the dossier waits for the
    // supplement again, and the kept edits answer it.
    let refuse = serde_json::json!({"move": "decide_withdrawal", "grant": false});
    officer_move(&base, &officer, &code, refuse).await;
    let reopened = engine.open_supplement(&code).await.unwrap();
    assert!(!reopened.conflict);
    assert_eq!(reopened.data, data);
    assert_eq!(reopened.changed, ["/child/full_name"]);
    let sent = engine.submit_supplement(&code).await.unwrap();
    assert_eq!(sent.state, OutboxState::Sent { code: code.clone() });
    assert_eq!(supplements_received(&test.dir, &code).await, 1);
}

#[tokio::test]
async fn a_refusal_that_cannot_change_is_not_retried() {
    let (test, officer) = citizen_and_officer().await;
    let (engine, base) = (&test.engine, test.portal.url());
    let (_, code, _) = filed(engine).await;
    ask_for_supplement(&base, &officer, &code, name_mismatch()).await;
    engine.sync_dossiers(&ActingAs::Myself).await.unwrap();
    engine.open_supplement(&code).await.unwrap();
    // The officer stops the dossier before the device hears of it, so the
    // answer goes out and is refused as a conflict.
    let store = unlocked_store(&test.dir.path().join("engine.db")).await;
    officer_move(&base, &officer, &code, serde_json::json!({"move": "stop", "reason": "Quá hạn"})).await;
    let item = engine.submit_supplement(&code).await.unwrap();
    let OutboxState::NeedsAction { error } = &item.state else { panic!("{:?}", item.state) };
    assert_eq!(error.kind, ErrorKind::Conflict);
    let again = engine.retry_outbox_item(&item.client_id).await.unwrap_err();
    assert_eq!(again.kind(), ErrorKind::Conflict);

    // A refusal that can change (here, as if the network had failed) is put
    // back in line and sent on the next pass.
    let network = r#"{"state":"needs_action","error":{"kind":"network","message":"offline"}}"#;
    sqlx::query("UPDATE supplement_outbox SET state = ?1").bind(network).execute(&store).await.unwrap();
    let retried = engine.retry_outbox_item(&item.client_id).await.unwrap();
    // Sent again, the portal still refuses it: judged once more, not lost.
    assert!(matches!(retried.state, OutboxState::NeedsAction { .. }), "{:?}", retried.state);
}

/// The CSV header of the enterprise change form, with the decision's scan
/// named by the hash of a scan the device holds, and the charter's by a file
/// name (which a file sent as bytes cannot carry).
const HEADER: &str = "/enterprise/tax_code,/enterprise/name,/change_kind,/new_name,/decision_date,\
/filer/full_name,/filer/citizen_id,/filer/phone,/attachments/quyet-dinh/sha256,/attachments/quyet-dinh/media_type,\
/attachments/quyet-dinh/bytes,/attachments/quyet-dinh/name,/attachments/dieu-le-sua-doi";

fn csv_row(tax_code: &str, scan: &hoso_engine::Attachment, charter: &str) -> String {
    format!(
        "{tax_code},CÔNG TY TNHH CÔNG NGHỆ SEN VÀNG,name,CÔNG TY TNHH SEN VÀNG XANH,02/03/2026,Nguyễn Văn An,001090012345,0912345678,\
         {},application/pdf,{},quyet-dinh.pdf,{charter}\n",
        scan.sha256, scan.size
    )
}

fn bulk_file(acting_as: ActingAs, csv: &str) -> BulkFile {
    BulkFile {
        procedure: ProcedureCode::parse("2.002050").unwrap(),
        acting_as,
        file_name: "ho-so.csv".into(),
        content_base64: STANDARD.encode(csv),
    }
}

#[tokio::test]
async fn a_representative_files_for_two_enterprises_from_csv_bytes_and_sees_every_filing() {
    let test = signed_in_as(BUSINESS).await;
    let engine = &test.engine;
    engine.sync_catalogue().await.unwrap();
    let profile = engine.profile().await.unwrap();
    let mut filed_for = Vec::new();
    for access in &profile.enterprises {
        let tax_code: TaxCode = access.enterprise.tax_code.clone();
        let acting = ActingAs::Enterprise(tax_code.clone());
        // The decision's scan, kept encrypted on the device with a draft.
        let draft = engine.create_draft(acting.clone(), "2.002050").await.unwrap();
        let scan = format!("%PDF-1.4 quyet dinh {}", tax_code.as_str()).into_bytes();
        let held = engine.attach(&draft.id, "quyet-dinh", "quyet-dinh.pdf", "application/pdf", &scan).await.unwrap();

        let with_file = HEADER.to_owned() + "\n" + &csv_row(tax_code.as_str(), &held, "dieu-le.pdf");
        let check = engine.bulk_validate_bytes(bulk_file(acting.clone(), &with_file)).await.unwrap();
        let pointers: Vec<(&str, &str)> =
            check.rows[0].errors.iter().map(|e| (e.pointer.as_str(), e.code.as_str())).collect();
        assert_eq!(pointers, [("/attachments/dieu-le-sua-doi", hoso_engine::bulk::FILE_BESIDE_INPUT)]);

        let csv = HEADER.to_owned() + "\n" + &csv_row(tax_code.as_str(), &held, "");
        assert!(engine.bulk_validate_bytes(bulk_file(acting.clone(), &csv)).await.unwrap().rows[0].errors.is_empty());
        let result = engine.bulk_submit_bytes(bulk_file(acting.clone(), &csv)).await.unwrap();
        assert_eq!(result.queued, 1);
        let [BulkRowResult::Filed { row: 1, code }] = result.rows.as_slice() else { panic!("{:?}", result.rows) };
        assert!(result.report_csv.contains(&format!("1,filed,{code}")), "{}", result.report_csv);
        let again = engine.bulk_submit_bytes(bulk_file(acting.clone(), &csv)).await.unwrap();
        assert_eq!(again.queued, 0, "the same bytes file nothing twice");
        filed_for.push((access.enterprise.name.clone(), code.clone()));
    }
    assert_eq!(filed_for.len(), 2);

    let filings = engine.filings().await.unwrap();
    let mut seen: Vec<(String, String)> =
        filings.iter().map(|f| (f.profile_name.clone(), f.dossier.code.clone().unwrap_or_default())).collect();
    seen.sort();
    filed_for.sort();
    assert_eq!(seen, filed_for);
    assert!(filings.windows(2).all(|w| w[0].dossier.updated_at >= w[1].dossier.updated_at), "newest first");
}

#[tokio::test]
async fn ten_thousand_cards_and_filings_are_read_in_one_query_each() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let database = dir.path().join("engine.db");
    let engine = Engine::open(&database, &portal.url()).await.unwrap();
    engine.sync_catalogue().await.unwrap();
    // The citizen's rows, read with their subject; nothing here asks the portal.
    let citizen = super::outbox::CITIZEN_SUBJECT;
    engine.set_access_token(std::sync::Arc::new(hoso_engine::StaticToken::new(citizen, "unused")));
    let pool = unlocked_store(&database).await;
    sqlx::query("INSERT INTO profile_name (subject, acting_as, name) VALUES (?1, 'myself', 'Nguyễn Văn An')")
        .bind(citizen)
        .execute(&pool)
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    for i in 0..10_000 {
        sqlx::query(
            "INSERT INTO dossier (subject, client_id, acting_as, procedure_code, status, code, updated_at)
             VALUES (?5, ?1, 'myself', '1.001193', ?2, ?3, ?4)",
        )
        .bind(format!("c{i:05}"))
        .bind(if i % 2 == 0 { "processing" } else { "payment_requested" })
        .bind(format!("H{i:05}"))
        .bind(format!("2026-01-01T00:00:{:02}.{i:05}Z", i % 60))
        .bind(citizen)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    // Their plans are checked by `outbox/plans.rs`; the cost is for `xtask bench`, not a test.
    let cards = engine.dossier_cards(&ActingAs::Myself).await.unwrap();
    let filings = engine.filings().await.unwrap();
    assert_eq!((cards.len(), filings.len()), (10_000, 10_000));
    assert!(cards.windows(2).all(|w| w[0].updated_at >= w[1].updated_at));
    assert_eq!(cards.iter().filter(|c| c.needs == Some(NeedsAction::Payment)).count(), 5_000);
    assert!(
        filings.iter().all(|f| f.profile_name == "Nguyễn Văn An" && f.dossier.procedure_name.vi == "Đăng ký khai sinh")
    );
}

/// An enterprise's dossier moves at the portal while its representative
/// acts for themselves: the background feed follows every profile of the
/// person, each from its own cursor, so the change reaches the store
/// without anyone switching profile (the live events follow the acting one
/// only, so the feed timer is what brings it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_feed_follows_every_profile_of_the_person_not_only_the_acting_one() {
    use hoso_engine::background::Background;
    let SignedIn { dir: _dir, portal, engine, .. } = signed_in_as(BUSINESS).await;
    let base = portal.url();
    engine.sync_catalogue().await.unwrap();
    let profile = engine.profile().await.unwrap();
    let tax_code = profile.enterprises[0].enterprise.tax_code.clone();
    let enterprise = ActingAs::Enterprise(tax_code.clone());
    let draft = engine.create_draft(enterprise.clone(), "2.002050").await.unwrap();
    let scan = b"%PDF-1.4 quyet dinh, theo doi".to_vec();
    let held = engine.attach(&draft.id, "quyet-dinh", "quyet-dinh.pdf", "application/pdf", &scan).await.unwrap();
    let csv = HEADER.to_owned() + "\n" + &csv_row(tax_code.as_str(), &held, "");
    let result = engine.bulk_submit_bytes(bulk_file(enterprise.clone(), &csv)).await.unwrap();
    let [BulkRowResult::Filed { code, .. }] = result.rows.as_slice() else { panic!("{:?}", result.rows) };
    let officer = access_token(&base, OFFICER).await;
    officer_move(&base, &officer, code, serde_json::json!({"move": "accept"})).await;
    let status = async |engine: &Engine| {
        let held = engine.dossiers(&enterprise).await.unwrap();
        held.into_iter().find(|d| d.code.as_deref() == Some(code.as_str())).map(|d| d.status)
    };
    assert_eq!(status(&engine).await, Some(DossierStatus::Submitted), "not synced yet");

    let engine = std::sync::Arc::new(engine);
    let background = Background::default().feed_every(std::time::Duration::from_millis(200));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(background.run(std::sync::Arc::clone(&engine), || ActingAs::Myself, async move {
        let _ = stopped.await;
    }));
    let synced = tokio::time::timeout(std::time::Duration::from_secs(60), async {
        while status(&engine).await != Some(DossierStatus::Accepted) {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(synced.is_ok(), "the enterprise's change never reached the store");
    assert_eq!(engine.acting_as().await.unwrap(), ActingAs::Myself);

    stop.send(()).unwrap();
    task.await.unwrap();
}
