//! A dossier in full, as its owner and officers read it: the answers, the
//! timeline, the legal clock for today, and what the agency asked for or
//! gave (an open supplement request, the payment due and its receipt, the
//! result document) and the citizen's rating.

use hoso_domain::catalogue::FormRef;
use hoso_protocol::api::dossier::{DossierDetail, Rating, ResultDocument, SupplementRequest, TimelineEntry};
use hoso_protocol::api::payment::{PaymentDue, Receipt};

use crate::dossiers::{DossierRow, summary_of, to_offset};
use crate::http::AppState;
use crate::wire_name::from_name;
use crate::{PortalError, catalogue, deadline, lifecycle};

/// The detail of stored dossier `row`. Authorisation is the caller's job.
pub async fn detail_of(state: &AppState, row: &DossierRow) -> Result<DossierDetail, PortalError> {
    let code = row.code.as_str();
    let corrupt = |what: &str| PortalError::CorruptRecord(format!("dossier {code}: {what}"));
    let mut summary = summary_of(row)?;
    let timeline = lifecycle::load_timeline(&state.pool, code).await?;
    let days = catalogue::procedure(&state.pool, &summary.procedure)
        .await?
        .and_then(|p| p.online_channel().map(|c| c.processing_days));
    let clock = days.and_then(|days| deadline::clock_of(&timeline, days, state.clock.today()));
    summary.due_on = clock.as_ref().map(|clock| clock.due_on);
    Ok(DossierDetail {
        summary,
        form: FormRef {
            id: row.form_id.clone(),
            version: u32::try_from(row.form_version).map_err(|_| corrupt("form version"))?,
        },
        data: serde_json::from_str(&row.data).map_err(|_| corrupt("data"))?,
        attachments: serde_json::from_str(&row.attachments).map_err(|_| corrupt("attachments"))?,
        timeline: timeline
            .events()
            .iter()
            .map(|e| TimelineEntry { at: e.at, from: e.from, to: e.to, actor: e.actor, note: e.note.clone() })
            .collect(),
        clock,
        supplement_request: open_supplement_request(state, code).await?,
        payment: payment_due(state, code).await?,
        result: result_document(state, code).await?,
        receipt: receipt(state, code).await?,
        rating: rating(state, code).await?,
    })
}

async fn open_supplement_request(state: &AppState, code: &str) -> Result<Option<SupplementRequest>, PortalError> {
    let row: Option<(i64, String, String, String)> = sqlx::query_as(
        "SELECT requested_at, reason, fields, documents FROM supplement_request
         WHERE code = $1 AND answered_at IS NULL",
    )
    .bind(code)
    .fetch_optional(&state.pool)
    .await?;
    row.map(|(requested_at, reason, fields, documents)| {
        Ok(SupplementRequest {
            requested_at: to_offset(requested_at),
            reason,
            fields: serde_json::from_str(&fields).map_err(PortalError::Corrupt)?,
            documents: serde_json::from_str(&documents).map_err(PortalError::Corrupt)?,
        })
    })
    .transpose()
}

async fn payment_due(state: &AppState, code: &str) -> Result<Option<PaymentDue>, PortalError> {
    let row: Option<(i64, String, String)> =
        sqlx::query_as("SELECT amount_vnd, description, status FROM payment_due WHERE code = $1")
            .bind(code)
            .fetch_optional(&state.pool)
            .await?;
    row.map(|(amount, description, status)| {
        Ok(PaymentDue {
            amount_vnd: u64::try_from(amount).unwrap_or_default(),
            description,
            status: from_name(&status)?,
        })
    })
    .transpose()
}

async fn result_document(state: &AppState, code: &str) -> Result<Option<ResultDocument>, PortalError> {
    let row: Option<(String, String, i64, String, i64)> = sqlx::query_as(
        "SELECT name, media_type, CAST(LENGTH(content) AS BIGINT), sha256, issued_at FROM dossier_result WHERE code = $1",
    )
    .bind(code)
    .fetch_optional(&state.pool)
    .await?;
    Ok(row.map(|(name, media_type, bytes, sha256, issued_at)| ResultDocument {
        name,
        media_type,
        bytes: u64::try_from(bytes).unwrap_or_default(),
        sha256,
        issued_at: to_offset(issued_at),
    }))
}

async fn receipt(state: &AppState, code: &str) -> Result<Option<Receipt>, PortalError> {
    let row: Option<(String, i64, i64, String)> = sqlx::query_as(
        "SELECT id, amount_vnd, settled_at, reference FROM payment
         WHERE code = $1 AND status = 'paid' ORDER BY settled_at DESC, id LIMIT 1",
    )
    .bind(code)
    .fetch_optional(&state.pool)
    .await?;
    Ok(row.map(|(payment_id, amount, paid_at, reference)| Receipt {
        payment_id,
        amount_vnd: u64::try_from(amount).unwrap_or_default(),
        paid_at: to_offset(paid_at),
        reference,
    }))
}

async fn rating(state: &AppState, code: &str) -> Result<Option<Rating>, PortalError> {
    let row: Option<(i64, Option<String>)> =
        sqlx::query_as("SELECT score, comment FROM dossier_rating WHERE code = $1")
            .bind(code)
            .fetch_optional(&state.pool)
            .await?;
    Ok(row.map(|(score, comment)| Rating { score: u8::try_from(score).unwrap_or_default(), comment }))
}
