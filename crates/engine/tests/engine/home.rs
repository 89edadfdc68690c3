//! The home screen, drafts and the outbox as the UI asks for them, against a
//! real demo portal: a prefilled draft, attachments sent as base64, a
//! submission refused with field errors or queued and sent, "sync now" and
//! home, online and with the portal gone; a submitted draft, opened again,
//! names its submission and refuses every change.

use base64::Engine as _;
use hoso_domain::catalogue::{FormRef, ProcedureCode};
use hoso_domain::dossier::DossierStatus;
use hoso_domain::profile::ActingAs;
use hoso_protocol::command::{AddAttachment, OutboxState, RemoveAttachment, SaveDraft, ValidateForm};

use super::session_state::{demo_engine, enterprise};
use super::*;

const BIRTH: &str = "1.001193";

fn example(name: &str) -> serde_json::Value {
    let path = format!("{}/../../assets/forms/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn scan(draft_id: &str, content: &[u8]) -> AddAttachment {
    AddAttachment {
        draft_id: draft_id.to_owned(),
        document: "giay-chung-sinh".to_owned(),
        name: "giay-chung-sinh.pdf".to_owned(),
        media_type: "application/pdf".to_owned(),
        content_base64: base64::engine::general_purpose::STANDARD.encode(content),
    }
}

/// A citizen's draft of a birth registration with valid answers and its
/// scan attached, ready to submit.
async fn ready_draft(engine: &Engine) -> String {
    let draft = engine.draft_create(BIRTH).await.unwrap();
    let attached = engine.attachment_add(scan(&draft.summary.id, b"%PDF-1.7 giay chung sinh")).await.unwrap();
    let mut data = example("ho-tich.khai-sinh.v1.valid.json");
    data["attachments"]["giay-chung-sinh"] = serde_json::json!({
        "sha256": attached.sha256, "media_type": "application/pdf", "bytes": attached.size, "name": attached.name
    });
    engine.save_draft(SaveDraft { id: draft.summary.id.clone(), data }).await.unwrap();
    draft.summary.id
}

#[tokio::test]
async fn a_new_draft_is_for_the_acting_profile_and_prefilled_from_the_identity() {
    let (_dir, _portal, engine) = demo_engine().await;
    engine.sign_in_demo("citizen").await.unwrap();

    // The catalogue was never synced: starting a draft fetches it.
    let draft = engine.draft_create(BIRTH).await.unwrap();

    assert_eq!(draft.summary.acting_as, ActingAs::Myself);
    assert_eq!(draft.data["declarant"]["full_name"], "Nguyễn Văn An");
    assert_eq!(draft.data["declarant"]["citizen_id"], "001090012345");
    assert_eq!(draft.data["declarant"]["phone"], "0912345678");
    let listed = engine.draft_list().await.unwrap();
    assert_eq!(listed.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), [draft.summary.id.as_str()]);
    // A durable save: reopening reads the prefilled answers back.
    assert_eq!(engine.draft_open(&draft.summary.id).await.unwrap().data, draft.data);
}

#[tokio::test]
async fn drafts_are_listed_for_the_profile_acted_for_only() {
    let (_dir, _portal, engine) = demo_engine().await;
    engine.sign_in_demo("business").await.unwrap();
    let mine = engine.draft_create(BIRTH).await.unwrap();
    engine.set_acting_as(enterprise()).await.unwrap();
    let theirs = engine.draft_create("2.002041").await.unwrap();

    assert_eq!(theirs.summary.acting_as, enterprise());
    assert_eq!(engine.draft_list().await.unwrap().iter().map(|d| &d.id).collect::<Vec<_>>(), [&theirs.summary.id]);
    engine.set_acting_as(ActingAs::Myself).await.unwrap();
    assert_eq!(engine.draft_list().await.unwrap().iter().map(|d| &d.id).collect::<Vec<_>>(), [&mine.summary.id]);
}

#[tokio::test]
async fn an_attachment_sent_as_base64_is_kept_listed_and_removed() {
    let (_dir, _portal, engine) = demo_engine().await;
    engine.sign_in_demo("citizen").await.unwrap();
    let draft = engine.draft_create(BIRTH).await.unwrap();
    let content = b"%PDF-1.7 a scan".to_vec();

    let attached = engine.attachment_add(scan(&draft.summary.id, &content)).await.unwrap();

    assert_eq!(attached.size, content.len() as u64);
    let opened = engine.draft_open(&draft.summary.id).await.unwrap();
    assert_eq!(opened.attachments, std::slice::from_ref(&attached));
    assert_eq!(engine.attachment_bytes(&draft.summary.id, &attached.sha256).await.unwrap(), content);

    let remove = RemoveAttachment { draft_id: draft.summary.id.clone(), sha256: attached.sha256.clone() };
    engine.attachment_remove(remove.clone()).await.unwrap();
    assert!(engine.draft_open(&draft.summary.id).await.unwrap().attachments.is_empty());
    assert_eq!(engine.attachment_remove(remove).await.unwrap_err().kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn an_attachment_is_refused_for_its_type_its_size_or_base64_that_is_not() {
    let (_dir, _portal, engine) = demo_engine().await;
    engine.sign_in_demo("citizen").await.unwrap();
    let draft = engine.draft_create(BIRTH).await.unwrap();
    let id = &draft.summary.id;

    let text = AddAttachment { media_type: "text/plain".to_owned(), ..scan(id, b"hello") };
    assert_eq!(engine.attachment_add(text).await.unwrap_err().kind(), ErrorKind::UnsupportedMediaType);
    // 10 MiB + 1 byte: within the largest document's limit as base64 text,
    // over this document's own limit once decoded.
    let over = scan(id, &vec![b'x'; 10 * 1024 * 1024 + 1]);
    assert_eq!(engine.attachment_add(over).await.unwrap_err().kind(), ErrorKind::TooLarge);
    // Longer than any document of the catalogue accepts: refused undecoded.
    let huge = AddAttachment { content_base64: "A".repeat(40 * 1024 * 1024), ..scan(id, b"") };
    assert_eq!(engine.attachment_add(huge).await.unwrap_err().kind(), ErrorKind::TooLarge);
    let garbled = AddAttachment { content_base64: "not base64!".to_owned(), ..scan(id, b"") };
    assert_eq!(engine.attachment_add(garbled).await.unwrap_err().kind(), ErrorKind::InvalidInput);
    assert!(engine.draft_open(id).await.unwrap().attachments.is_empty());
}

#[tokio::test]
async fn answers_are_judged_by_the_one_validator_as_the_citizen_types() {
    let (_dir, _portal, engine) = demo_engine().await;
    let form = FormRef { id: "ho-tich.khai-sinh".into(), version: 1 };

    let valid = ValidateForm { form: form.clone(), data: example("ho-tich.khai-sinh.v1.valid.json") };
    assert!(engine.form_validate(valid).await.unwrap().errors.is_empty());
    let invalid = ValidateForm { form: form.clone(), data: example("ho-tich.khai-sinh.v1.invalid.json") };
    assert!(!engine.form_validate(invalid).await.unwrap().errors.is_empty());
    assert_eq!(engine.form_definition(&form).await.unwrap().id, "ho-tich.khai-sinh");
}

#[tokio::test]
async fn a_draft_with_invalid_answers_is_refused_with_each_field_named() {
    let (_dir, _portal, engine) = demo_engine().await;
    engine.sign_in_demo("citizen").await.unwrap();
    let draft = engine.draft_create(BIRTH).await.unwrap();
    let data = example("ho-tich.khai-sinh.v1.invalid.json");
    engine.save_draft(SaveDraft { id: draft.summary.id.clone(), data }).await.unwrap();

    let error = engine.draft_submit(&draft.summary.id).await.unwrap_err();

    let envelope = error.to_envelope();
    assert_eq!(envelope.kind, ErrorKind::InvalidInput);
    assert!(!envelope.fields.is_empty());
    assert!(envelope.fields.iter().all(|f| f.pointer.starts_with('/')), "{:?}", envelope.fields);
    assert!(engine.home().await.unwrap().outbox.is_empty(), "nothing was queued");
}

#[tokio::test]
async fn a_submitted_draft_is_sent_and_shows_on_home_after_sync_now() {
    let (_dir, _portal, engine) = demo_engine().await;
    engine.sign_in_demo("citizen").await.unwrap();
    let id = ready_draft(&engine).await;

    let item = engine.draft_submit(&id).await.unwrap();

    let OutboxState::Sent { code } = &item.state else { panic!("{:?}", item.state) };
    let synced = engine.sync_now().await.unwrap();
    assert_eq!(synced.error, None);
    let home = engine.home().await.unwrap();
    assert_eq!(home.sync_error, None);
    assert_eq!(home.outbox.iter().map(|i| &i.client_id).collect::<Vec<_>>(), [&item.client_id]);
    let card = home.recent.iter().find(|c| c.code.as_ref() == Some(code)).expect("the dossier on home");
    assert_eq!(card.procedure, ProcedureCode::parse(BIRTH).unwrap());
    assert_eq!(card.procedure_name.vi, "Đăng ký khai sinh");
    assert_eq!(card.status, DossierStatus::Submitted);
    assert_eq!(card.needs, None);
    assert!(home.needs_action.is_empty());
    assert_eq!(engine.outbox_of(&ActingAs::Myself).await.unwrap().len(), 1);
    assert!(engine.outbox_of(&enterprise()).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_draft_submitted_offline_waits_in_the_outbox_and_sync_now_reports_the_network() {
    let (_dir, portal, engine) = demo_engine().await;
    engine.sign_in_demo("citizen").await.unwrap();
    let id = ready_draft(&engine).await;
    portal.shutdown().await.unwrap();

    let item = engine.draft_submit(&id).await.unwrap();
    assert!(matches!(item.state, OutboxState::WaitingForNetwork), "{:?}", item.state);
    let outcome = engine.sync_now().await.unwrap();

    assert_eq!(outcome.error.map(|e| e.kind), Some(ErrorKind::Network));
    let home = engine.home().await.unwrap();
    assert_eq!(home.sync_error.map(|e| e.kind), Some(ErrorKind::Network));
    assert_eq!(home.outbox.len(), 1);
    let card = &home.recent[0];
    assert_eq!((card.status, card.code.as_deref()), (DossierStatus::Queued, None));
    assert!(home.drafts.is_empty(), "a submitted draft is not listed to submit again");
    let kept = engine.draft_open(&id).await.unwrap();
    assert_eq!(kept.summary.id, id, "the draft is kept");
    let waiting = kept.submitted.as_ref().map(|s| (&s.client_id, &s.state));
    assert_eq!(waiting, Some((&item.client_id, &item.state)), "named with its submission, waiting");
    let removed = RemoveAttachment { draft_id: id.clone(), sha256: kept.attachments[0].sha256.clone() };
    assert_eq!(engine.attachment_remove(removed).await.unwrap_err().kind(), ErrorKind::AlreadySubmitted);
    // Deleting it would take the files the waiting submission still uploads.
    assert_eq!(engine.delete_draft(&id).await.unwrap_err().kind(), ErrorKind::AlreadySubmitted);
    assert_eq!(engine.draft_open(&id).await.unwrap().attachments, kept.attachments, "its files stay");
    // Submitting it again (a second press, a reopened page) files nothing twice.
    assert_eq!(engine.draft_submit(&id).await.unwrap().client_id, item.client_id);
    assert_eq!(engine.home().await.unwrap().outbox.len(), 1);
}

#[tokio::test]
async fn a_filed_draft_opened_again_names_its_dossier_and_refuses_every_change() {
    let (_dir, _portal, engine) = demo_engine().await;
    engine.sign_in_demo("citizen").await.unwrap();
    let id = ready_draft(&engine).await;
    let before = engine.draft_open(&id).await.unwrap();
    assert_eq!(before.submitted, None, "not submitted yet, so open to change");

    let item = engine.draft_submit(&id).await.unwrap();
    let OutboxState::Sent { code } = &item.state else { panic!("{:?}", item.state) };

    let opened = engine.draft_open(&id).await.unwrap();
    let submitted = opened.submitted.as_ref().expect("the draft names its submission");
    assert_eq!((&submitted.client_id, &submitted.state), (&id, &OutboxState::Sent { code: code.clone() }));
    let sha256 = before.attachments[0].sha256.clone();
    let refusals = [
        engine.attachment_remove(RemoveAttachment { draft_id: id.clone(), sha256 }).await.map(drop),
        engine.save_draft(SaveDraft { id: id.clone(), data: serde_json::json!({}) }).await.map(drop),
        engine.save_field(&id, "/child/full_name", serde_json::json!("Khác")).await.map(drop),
        engine.attachment_add(scan(&id, b"%PDF-1.7 ban khac")).await.map(drop),
        engine.delete_draft(&id).await,
    ];
    for refusal in refusals {
        let error = refusal.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::AlreadySubmitted, "{error}");
        assert_eq!(error.to_envelope().kind, ErrorKind::AlreadySubmitted);
    }
    let after = engine.draft_open(&id).await.unwrap();
    assert_eq!((after.data, after.attachments), (before.data, before.attachments), "nothing changed");
}

#[tokio::test]
async fn a_sync_without_a_sign_in_is_reported_not_thrown() {
    let (_dir, _portal, engine) = demo_engine().await;
    let outcome = engine.sync_now().await.unwrap();
    assert_eq!(outcome.error.map(|e| e.kind), Some(ErrorKind::Unauthenticated));
    assert_eq!((outcome.sent, outcome.changed), (0, 0));
}
