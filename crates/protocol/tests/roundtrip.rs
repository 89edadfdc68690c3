//! Every wire contract survives a JSON round trip unchanged, for arbitrary
//! values (proptest), so what one process writes the other reads back as-is.

use hoso_domain::catalogue::Localized;
use hoso_domain::catalogue::{ChannelKind, FormRef, ProcedureCode};
use hoso_domain::dossier::{Actor, DossierStatus};
use hoso_domain::form::OrphanedAnswer;
use hoso_domain::identity::TaxCode;
use hoso_domain::profile::ActingAs;
use hoso_protocol::api::dossier::{
    Changes, DossierChange, DossierDetail, DossierSummary, LegalClock, Rating, ResultDocument, SubmitDossier,
    SubmitSupplement, Submitted, SupplementRequest, TimelineEntry, Withdraw,
};
use hoso_protocol::api::event::LiveEvent;
use hoso_protocol::api::office::OfficeMove;
use hoso_protocol::api::passkey::{FinishPasskeyRegistration, PasskeyRegistrationStarted, PasskeySummary};
use hoso_protocol::api::payment::{PaymentDue, PaymentStarted, PaymentStatus, Receipt};
use hoso_protocol::api::upload::{AttachmentRef, CreateUpload, UploadStatus};
use hoso_protocol::api::{Catalogue, DemoIdentity, DemoRole};
use hoso_protocol::command::{
    AppInfo, AppMode, AttachmentInfo, BulkRowResult, Draft, DraftSaved, DraftSummary, OutboxItem, OutboxState,
    SaveDraft, ValidateForm, Validation,
};
use hoso_protocol::error::{ErrorEnvelope, ErrorKind, FieldError};
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use time::{Date, OffsetDateTime};

fn round_trips<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) -> Result<(), TestCaseError> {
    let text = serde_json::to_string(value).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: T = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
    prop_assert_eq!(&back, value);
    Ok(())
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễđĐ/_.-]{0,16}"
}

fn date() -> impl Strategy<Value = Date> {
    (2000i32..2100, 1u16..=365).prop_map(|(y, d)| Date::from_ordinal_date(y, d).unwrap())
}

fn instant() -> impl Strategy<Value = OffsetDateTime> {
    // Whole seconds: sub-second precision is not part of the contract.
    (946_684_800i64..4_102_444_800).prop_map(|s| OffsetDateTime::from_unix_timestamp(s).unwrap())
}

fn status() -> impl Strategy<Value = DossierStatus> {
    prop::sample::select(DossierStatus::ALL.to_vec())
}

fn actor() -> impl Strategy<Value = Actor> {
    prop::sample::select(vec![Actor::Citizen, Actor::Officer, Actor::System])
}

fn procedure_code() -> impl Strategy<Value = ProcedureCode> {
    (1u8..=3, 0u32..1_000_000).prop_map(|(p, n)| ProcedureCode::parse(&format!("{p}.{n:06}")).unwrap())
}

fn acting_as() -> impl Strategy<Value = ActingAs> {
    prop_oneof![
        Just(ActingAs::Myself),
        prop::sample::select(vec!["0100233488", "0314409058-002"])
            .prop_map(|t| ActingAs::Enterprise(TaxCode::parse(t).unwrap())),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::String)
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn attachment() -> impl Strategy<Value = AttachmentRef> {
    (text(), "[0-9a-f]{64}", any::<u64>(), text(), text()).prop_map(|(document, sha256, bytes, media_type, name)| {
        AttachmentRef { document, sha256, bytes, media_type, name }
    })
}

fn summary() -> impl Strategy<Value = DossierSummary> {
    (text(), text(), procedure_code(), acting_as(), status(), instant(), instant(), prop::option::of(date())).prop_map(
        |(code, client_id, procedure, acting_as, status, submitted_at, updated_at, due_on)| DossierSummary {
            code,
            client_id,
            procedure,
            acting_as,
            status,
            submitted_at,
            updated_at,
            due_on,
        },
    )
}

fn timeline_entry() -> impl Strategy<Value = TimelineEntry> {
    (instant(), prop::option::of(status()), status(), actor(), prop::option::of(text()))
        .prop_map(|(at, from, to, actor, note)| TimelineEntry { at, from, to, actor, note })
}

fn form_ref() -> impl Strategy<Value = FormRef> {
    (text(), any::<u32>()).prop_map(|(id, version)| FormRef { id, version })
}

fn channel() -> impl Strategy<Value = ChannelKind> {
    prop::sample::select(vec![ChannelKind::Online, ChannelKind::InPerson, ChannelKind::Post])
}

proptest! {
    #[test]
    fn error_envelopes_round_trip(
        kind in prop::sample::select(ErrorKind::ALL.to_vec()),
        message in text(),
        fields in prop::collection::vec((text(), text(), prop::option::of(any::<i64>())), 0..4),
    ) {
        let fields = fields.into_iter().map(|(pointer, code, limit)| FieldError { pointer, code, limit }).collect();
        round_trips(&ErrorEnvelope { kind, message, fields })?;
    }

    #[test]
    fn submissions_and_their_answers_round_trip(
        client_id in text(), procedure in procedure_code(), form in form_ref(), acting_as in acting_as(),
        channel in channel(), data in json_value(), attachments in prop::collection::vec(attachment(), 0..3),
        code in text(), status in status(), received_at in instant(),
    ) {
        round_trips(&SubmitDossier {
            client_id: client_id.clone(), procedure, form, acting_as, channel, data: data.clone(),
            attachments: attachments.clone(),
        })?;
        round_trips(&Submitted { code, client_id: client_id.clone(), status, received_at })?;
        round_trips(&SubmitSupplement { client_id, data, attachments, note: None })?;
    }

    #[test]
    fn the_changes_feed_round_trips(
        changes in prop::collection::vec((any::<u64>(), summary()), 0..5), next in any::<u64>(), more in any::<bool>(),
    ) {
        let changes = changes.into_iter().map(|(cursor, dossier)| DossierChange { cursor, dossier }).collect();
        round_trips(&Changes { changes, next, more })?;
    }

    #[test]
    fn dossier_details_round_trip(
        summary in summary(), form in form_ref(), data in json_value(),
        attachments in prop::collection::vec(attachment(), 0..3),
        timeline in prop::collection::vec(timeline_entry(), 0..5),
        dates in (date(), any::<u16>(), date(), any::<bool>(), any::<bool>(), any::<bool>()),
        requested_at in instant(), reason in text(), amount in any::<u64>(),
    ) {
        let (accepted_on, processing_days, due_on, paused, due_soon, overdue) = dates;
        round_trips(&DossierDetail {
            summary, form, data, attachments, timeline,
            clock: Some(LegalClock { accepted_on, processing_days, due_on, paused, due_soon, overdue }),
            supplement_request: Some(SupplementRequest {
                requested_at, reason: reason.clone(), fields: vec!["/child/full_name".into()], documents: vec![],
            }),
            payment: Some(PaymentDue { amount_vnd: amount, description: reason.clone(), status: PaymentStatus::AwaitingPayment }),
            result: Some(ResultDocument {
                name: reason, media_type: "application/pdf".into(), bytes: amount, sha256: "0".repeat(64),
                issued_at: requested_at,
            }),
            receipt: Some(Receipt { payment_id: "pay-1".into(), amount_vnd: amount, paid_at: requested_at, reference: "GW-1".into() }),
            rating: Some(Rating { score: 4, comment: None }),
        })?;
    }

    #[test]
    fn uploads_payments_events_and_ratings_round_trip(
        sha256 in "[0-9a-f]{64}", bytes in any::<u64>(), offset in any::<u64>(), complete in any::<bool>(),
        name in text(), paid_at in instant(), cursor in any::<u64>(), score in 1u8..=5, comment in prop::option::of(text()),
    ) {
        round_trips(&CreateUpload { sha256: sha256.clone(), bytes, media_type: "image/jpeg".into(), name: name.clone() })?;
        round_trips(&UploadStatus { sha256, bytes, offset, complete })?;
        round_trips(&PaymentStarted { payment_id: name.clone(), payment_url: format!("https://pay.example/{cursor}") })?;
        round_trips(&Receipt { payment_id: name.clone(), amount_vnd: bytes, paid_at, reference: name.clone() })?;
        round_trips(&LiveEvent::DossierChanged { code: name.clone(), cursor })?;
        round_trips(&LiveEvent::CatalogueChanged { version: cursor })?;
        round_trips(&Rating { score, comment })?;
        round_trips(&Withdraw { reason: name.clone() })?;
        round_trips(&DemoIdentity { username: name.clone(), full_name: name, role: DemoRole::Citizen })?;
        round_trips(&AppInfo { mode: AppMode::Demo, version: "0.1.0".into() })?;
    }
}

proptest! {
    #[test]
    fn passkey_enrolment_types_round_trip(
        id in "[A-Za-z0-9_-]{1,43}", name in text(), created_at in instant(), last_used_at in prop::option::of(instant()),
        options in json_value(),
    ) {
        round_trips(&PasskeyRegistrationStarted { ceremony: id.clone(), options: options.clone() })?;
        round_trips(&FinishPasskeyRegistration { ceremony: id.clone(), name: name.clone(), credential: options })?;
        round_trips(&PasskeySummary { id, name, created_at, last_used_at })?;
    }
}

proptest! {
    #[test]
    fn the_apps_command_types_round_trip(
        id in text(), procedure in procedure_code(), form in form_ref(), acting_as in acting_as(), data in json_value(),
        saved_at in instant(), conflict in any::<bool>(), percent in 0u8..=100, code in text(),
        errors in prop::collection::vec((text(), text(), prop::option::of(any::<i64>())), 0..3),
    ) {
        let name = Localized { vi: id.clone(), en: code.clone() };
        let summary = DraftSummary {
            id: id.clone(), procedure: procedure.clone(), procedure_name: name.clone(), acting_as: acting_as.clone(),
            form: form.clone(), saved_at, conflict,
        };
        round_trips(&summary)?;
        round_trips(&Draft {
            summary, data: data.clone(),
            orphaned: vec![OrphanedAnswer { pointer: "/fax".into(), value: data.clone() }],
            attachments: vec![AttachmentInfo { document: id.clone(), sha256: code.clone(), name: id.clone(), media_type: "application/pdf".into(), size: 3 }],
            submitted: Some(OutboxItem {
                client_id: id.clone(), procedure: procedure.clone(), procedure_name: name.clone(),
                acting_as: acting_as.clone(), queued_at: saved_at, state: OutboxState::Sent { code: code.clone() },
            }),
        })?;
        round_trips(&SaveDraft { id: id.clone(), data: data.clone() })?;
        round_trips(&DraftSaved { id: id.clone(), saved_at })?;
        round_trips(&ValidateForm { form, data })?;
        let errors: Vec<FieldError> = errors.into_iter().map(|(pointer, code, limit)| FieldError { pointer, code, limit }).collect();
        round_trips(&Validation { errors })?;
        for state in [
            OutboxState::Queued,
            OutboxState::Uploading { percent },
            OutboxState::WaitingForNetwork,
            OutboxState::NeedsAction { error: ErrorEnvelope::new(ErrorKind::Conflict, code.clone()) },
            OutboxState::Sent { code: code.clone() },
        ] {
            round_trips(&OutboxItem {
                client_id: id.clone(), procedure: procedure.clone(), procedure_name: name.clone(),
                acting_as: acting_as.clone(), queued_at: saved_at, state,
            })?;
        }
    }
}

#[test]
fn the_shipped_catalogue_round_trips() {
    let procedures = serde_json::from_str(include_str!("../../../assets/catalogue/procedures.json")).unwrap();
    round_trips(&Catalogue { version: 7, procedures }).unwrap();
}

#[test]
fn a_refused_bulk_row_names_its_draft_and_one_from_an_older_engine_reads_without_it() {
    let error = json!({"kind": "invalid_input", "message": "no"});
    let named = json!({"outcome": "refused", "row": 2, "error": error, "draft": "d2"});
    let row: BulkRowResult = serde_json::from_value(named.clone()).unwrap();
    assert!(matches!(&row, BulkRowResult::Refused { row: 2, draft: Some(d), .. } if d == "d2"), "{row:?}");
    assert_eq!(serde_json::to_value(&row).unwrap(), named);
    let older: BulkRowResult = serde_json::from_value(json!({"outcome": "refused", "row": 2, "error": error})).unwrap();
    assert!(matches!(older, BulkRowResult::Refused { draft: None, .. }), "{older:?}");
}

#[test]
fn live_events_are_tagged_by_type() {
    let event = serde_json::to_value(LiveEvent::DossierChanged { code: "X-1".into(), cursor: 3 }).unwrap();
    assert_eq!(event, json!({"type": "dossier_changed", "code": "X-1", "cursor": 3}));
}

#[test]
fn a_profile_with_an_enterprise_mandate_round_trips() {
    let profile: hoso_protocol::api::account::Profile = serde_json::from_value(json!({
        "person": {
            "subject": "sub-1", "full_name": "Trần Thị Bình", "citizen_id": "079185000123",
            "date_of_birth": "1985-04-12", "phone": "+84912345678", "mandates": []
        },
        "assurance": "level2",
        "address": "12 Lê Lợi, Phường Bến Nghé, TP. Hồ Chí Minh",
        "enterprises": [{
            "enterprise": {"tax_code": "0314409058-002", "name": "Chi nhánh Công ty An Bình", "parent": "0314409058"},
            "mandate": {"enterprise": "0314409058-002", "role": "legal_representative", "scope": "all", "expires_on": null}
        }]
    }))
    .unwrap();
    round_trips(&profile).unwrap();
    assert!(profile.access_for(&TaxCode::parse("0314409058-002").unwrap()).is_some());
}

#[test]
fn officer_moves_are_tagged_by_move() {
    let moves = [
        OfficeMove::Accept,
        OfficeMove::Refuse { reason: "Thiếu giấy tờ".into() },
        OfficeMove::StartProcessing,
        OfficeMove::RequestSupplement {
            reason: "Bản chụp mờ".into(),
            fields: vec!["/child/full_name".into()],
            documents: vec!["giay-chung-sinh".into()],
        },
        OfficeMove::RequestPayment { amount_vnd: 8_000, description: "Lệ phí".into() },
        OfficeMove::Stop { reason: "Hết hạn".into() },
        OfficeMove::ReturnResult,
        OfficeMove::DecideWithdrawal { grant: false, note: Some("Đang xử lý".into()) },
    ];
    for one in &moves {
        round_trips(one).unwrap();
    }
    let wire = serde_json::to_value(OfficeMove::RequestPayment { amount_vnd: 8_000, description: "Lệ phí".into() });
    assert_eq!(wire.unwrap(), json!({"move": "request_payment", "amount_vnd": 8000, "description": "Lệ phí"}));
}
