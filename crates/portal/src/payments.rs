//! Paying what a dossier owes, the way the national payment platform works:
//! the citizen starts a payment and is sent to the gateway's hosted page; the
//! gateway notifies the portal of the outcome server to server, signed with
//! HMAC-SHA256 under a key the two share; the portal checks the signature,
//! records the outcome once however often it is told, issues the receipt and
//! moves the dossier on; the gateway then sends the browser back to the
//! portal's return page.
//!
//! The shared key is made by the first portal process to start and kept in the
//! database, so every process behind one PostgreSQL verifies alike.

use aws_lc_rs::hmac;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hoso_domain::dossier::{Actor, DossierStatus};
use hoso_protocol::api::path;
use hoso_protocol::api::payment::{GATEWAY_SIGNATURE_HEADER, PaymentStarted, PaymentStatus};
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use serde::{Deserialize, Serialize};
use sqlx::AnyPool;

use crate::PortalError;
use crate::caller::{ActingAsHeader, Caller};
use crate::dossiers::{owned, refuse};
use crate::http::AppState;
use crate::lifecycle::{self, MoveError, Target};
use crate::oidc::pages;
use crate::wire_name::{from_name, to_name};

/// Where the gateway's hosted page for payment `{id}` is served.
pub const GATEWAY_PAGE: &str = "/gateway/pay/{id}";
/// The portal's page the gateway sends the browser back to.
pub const RETURN_PAGE: &str = "/payments/{id}/return";

/// What the gateway tells the portal about one payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Notification {
    pub payment_id: String,
    pub outcome: Outcome,
    pub amount_vnd: u64,
    /// The gateway's transaction reference, printed on the receipt.
    pub reference: String,
}

/// How the payment ended at the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Paid,
    Cancelled,
}

/// The HMAC-SHA256 key the portal shares with the payment gateway.
pub struct GatewayKey {
    key: hmac::Key,
}

impl GatewayKey {
    pub fn new(secret: &[u8]) -> Self {
        Self { key: hmac::Key::new(hmac::HMAC_SHA256, secret) }
    }

    /// The signature header's value for `body`: `sha256=<hex>`.
    pub fn sign(&self, body: &[u8]) -> String {
        format!("sha256={}", hex(hmac::sign(&self.key, body).as_ref()))
    }

    /// Whether `header` is this key's signature of exactly `body`, compared in constant time.
    pub fn verify(&self, body: &[u8], header: &str) -> bool {
        let Some(tag) = header.strip_prefix("sha256=").and_then(unhex) else { return false };
        hmac::verify(&self.key, body, &tag).is_ok()
    }
}

/// The stored gateway key, made by whichever process starts first.
pub async fn load_or_create_key(pool: &AnyPool) -> Result<GatewayKey, PortalError> {
    let mut fresh = [0u8; 32];
    SystemRandom::new().fill(&mut fresh).map_err(|_| PortalError::CorruptKey)?;
    sqlx::query("INSERT INTO gateway_key (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING")
        .bind(fresh.to_vec())
        .execute(pool)
        .await?;
    let secret: Vec<u8> = sqlx::query_scalar("SELECT secret FROM gateway_key WHERE id = 1").fetch_one(pool).await?;
    if secret.len() < 32 {
        return Err(PortalError::CorruptKey);
    }
    Ok(GatewayKey::new(&secret))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// A fresh, unguessable id for a payment or a gateway reference.
pub fn new_id(prefix: &str) -> String {
    let mut bytes = [0u8; 16];
    SystemRandom::new().fill(&mut bytes).expect("the system random source works");
    format!("{prefix}{}", hex(&bytes))
}

/// `POST /api/v1/dossiers/{code}/payment`: start paying what the dossier owes.
/// An unfinished payment is reused, so pressing "pay" twice opens one page.
#[utoipa::path(
    post,
    path = path::DOSSIER_PAYMENT,
    operation_id = "start_payment",
    tag = "payments",
    params(ActingAsHeader, ("code" = String, Path, description = "The national dossier code.")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The gateway's hosted page to open in the system browser (the same page while a payment \
            is unfinished).", body = PaymentStarted),
        (status = 401, description = "No live access token.", body = ErrorEnvelope),
        (status = 403, description = "`X-Acting-As` names an enterprise without an active mandate.", body = ErrorEnvelope),
        (status = 404, description = "No dossier with this code belongs to the acting profile.", body = ErrorEnvelope),
        (status = 409, description = "No payment is requested for this dossier, or nothing is due any more.", body = ErrorEnvelope),
    )
)]
pub async fn start(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
) -> Result<Response, PortalError> {
    let row = owned(&state, &caller, &code).await?;
    if from_name::<DossierStatus>(&row.status)? != DossierStatus::PaymentRequested {
        return Err(refuse(StatusCode::CONFLICT, ErrorKind::Conflict, "no payment is requested for this dossier"));
    }
    let now = state.clock.unix_seconds();
    let mut tx = state.pool.begin().await?;
    let awaiting = to_name(&PaymentStatus::AwaitingPayment)?;
    let marked = sqlx::query("UPDATE payment_due SET status = $1 WHERE code = $2 AND status <> $3")
        .bind(&awaiting)
        .bind(&code)
        .bind(to_name(&PaymentStatus::Paid)?)
        .execute(&mut *tx)
        .await?;
    if marked.rows_affected() != 1 {
        return Err(refuse(StatusCode::CONFLICT, ErrorKind::Conflict, "nothing is due for this dossier"));
    }
    let open: Option<String> = sqlx::query_scalar("SELECT id FROM payment WHERE code = $1 AND status = $2")
        .bind(&code)
        .bind(&awaiting)
        .fetch_optional(&mut *tx)
        .await?;
    let payment_id = match open {
        Some(id) => id,
        None => {
            let id = new_id("pay_");
            sqlx::query(
                "INSERT INTO payment (id, code, amount_vnd, description, status, created_at)
                 SELECT $1, code, amount_vnd, description, $2, $3 FROM payment_due WHERE code = $4",
            )
            .bind(&id)
            .bind(&awaiting)
            .bind(now)
            .bind(&code)
            .execute(&mut *tx)
            .await?;
            lifecycle::announce(&mut tx, &code).await?;
            id
        }
    };
    tx.commit().await?;
    let payment_url = format!("{}{}", state.issuer, GATEWAY_PAGE.replace("{id}", &payment_id));
    Ok((StatusCode::CREATED, Json(PaymentStarted { payment_id, payment_url })).into_response())
}

/// `POST /api/v1/payments/callback`: the gateway's signed notification.
#[utoipa::path(
    post,
    path = path::PAYMENT_CALLBACK,
    operation_id = "payment_callback",
    tag = "payments",
    params(("X-Gateway-Signature" = String, Header, description = "`sha256=<hex>`: the HMAC-SHA256 of the exact body under \
        the key the portal shares with the gateway.")),
    request_body(content = Notification, description = "Server to server, from the payment gateway; the bytes are what is signed."),
    responses(
        (status = 204, description = "Recorded, or a repeat of what was recorded: the receipt is issued and the dossier moves on."),
        (status = 400, description = "Signed, but not a payment notification.", body = ErrorEnvelope),
        (status = 401, description = "The signature is missing or does not match the body.", body = ErrorEnvelope),
        (status = 404, description = "No such payment.", body = ErrorEnvelope),
        (status = 409, description = "The payment was settled otherwise, or the amount is not the one due.", body = ErrorEnvelope),
        (status = 413, description = "The body is larger than 1 MiB.", body = ErrorEnvelope),
    )
)]
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, PortalError> {
    // Refused as the envelope, like every other API v1 failure, not axum's text.
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            refuse(StatusCode::PAYLOAD_TOO_LARGE, ErrorKind::TooLarge, "the body is larger than allowed")
        }
        _ => refuse(StatusCode::BAD_REQUEST, ErrorKind::InvalidInput, "the body could not be read"),
    })?;
    let signature = headers.get(GATEWAY_SIGNATURE_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
    receive(&state, &body, signature).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Checks a notification's signature and records its outcome. The callback
/// route and the simulated gateway, which lives in the same process, both
/// come through here, so the gateway's notifications are verified like any other.
pub async fn receive(state: &AppState, body: &[u8], signature: &str) -> Result<(), PortalError> {
    if !state.gateway_key.verify(body, signature) {
        tracing::warn!("a payment notification with a wrong signature was refused");
        return Err(refuse(StatusCode::UNAUTHORIZED, ErrorKind::Unauthenticated, "the signature does not match"));
    }
    let notification: Notification = serde_json::from_slice(body)
        .map_err(|_| refuse(StatusCode::BAD_REQUEST, ErrorKind::InvalidInput, "not a payment notification"))?;
    settle(state, &notification).await
}

/// Records the outcome of a payment once: a repeated notification of the same
/// outcome changes nothing, a contradicting one is refused.
async fn settle(state: &AppState, notification: &Notification) -> Result<(), PortalError> {
    let status = match notification.outcome {
        Outcome::Paid => PaymentStatus::Paid,
        Outcome::Cancelled => PaymentStatus::Cancelled,
    };
    let amount = i64::try_from(notification.amount_vnd).unwrap_or(-1);
    let now = state.clock.now();
    let mut tx = state.pool.begin().await?;
    let settled = sqlx::query(
        "UPDATE payment SET status = $1, settled_at = $2, reference = $3
         WHERE id = $4 AND status = $5 AND amount_vnd = $6",
    )
    .bind(to_name(&status)?)
    .bind(now.unix_timestamp())
    .bind(&notification.reference)
    .bind(&notification.payment_id)
    .bind(to_name(&PaymentStatus::AwaitingPayment)?)
    .bind(amount)
    .execute(&mut *tx)
    .await?;
    if settled.rows_affected() != 1 {
        tx.rollback().await?;
        let stored: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT status, reference FROM payment WHERE id = $1")
                .bind(&notification.payment_id)
                .fetch_optional(&state.pool)
                .await?;
        return match stored {
            None => Err(PortalError::NotFound),
            Some((stored, reference))
                if stored == to_name(&status)? && reference.as_deref() == Some(notification.reference.as_str()) =>
            {
                Ok(())
            }
            Some(_) => Err(refuse(StatusCode::CONFLICT, ErrorKind::Conflict, "the payment was settled otherwise")),
        };
    }
    let code: String = sqlx::query_scalar("SELECT code FROM payment WHERE id = $1")
        .bind(&notification.payment_id)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query("UPDATE payment_due SET status = $1 WHERE code = $2")
        .bind(to_name(&status)?)
        .bind(&code)
        .execute(&mut *tx)
        .await?;
    if status == PaymentStatus::Paid {
        let note = format!("Đã thanh toán, mã giao dịch {}", notification.reference);
        match lifecycle::move_dossier(
            &mut tx,
            &code,
            Target::Status(DossierStatus::Processing),
            Actor::System,
            Some(&note),
            now,
        )
        .await
        {
            Ok(_) => {}
            // The money was taken: the payment stands even when the dossier
            // moved meanwhile (a withdrawal request); an officer sees the receipt.
            Err(MoveError::NotAllowed { from }) => {
                tracing::warn!(%from, "a payment arrived for a dossier no longer waiting for it");
            }
            Err(error) => return Err(error.into()),
        }
    } else {
        lifecycle::announce(&mut tx, &code).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// `GET /payments/{id}/return`: where the gateway sends the browser back.
pub async fn return_page(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, PortalError> {
    let status: Option<String> =
        sqlx::query_scalar("SELECT status FROM payment WHERE id = $1").bind(&id).fetch_optional(&state.pool).await?;
    let Some(status) = status else { return Err(PortalError::NotFound) };
    let (title, text) = match from_name::<PaymentStatus>(&status)? {
        PaymentStatus::Paid => (
            "Đã thanh toán / Paid",
            "Cảm ơn bạn. Biên lai đã có trong hồ sơ. / Thank you. The receipt is in your dossier.",
        ),
        PaymentStatus::Cancelled => (
            "Đã hủy thanh toán / Payment cancelled",
            "Bạn có thể thanh toán lại từ ứng dụng. / You can pay again from the app.",
        ),
        _ => (
            "Đang chờ thanh toán / Awaiting payment",
            "Chưa nhận được kết quả thanh toán. / The payment has not completed.",
        ),
    };
    let body = format!(
        "<h1 id=\"outcome\" data-status=\"{status}\">{}</h1><p>{}</p><p>Bạn có thể quay lại ứng dụng. / You may return to the app.</p>",
        pages::escape(title),
        pages::escape(text),
        status = pages::escape(&status),
    );
    Ok(pages::page(StatusCode::OK, title, &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notification() -> Vec<u8> {
        br#"{"payment_id":"pay_1","outcome":"paid","amount_vnd":8000,"reference":"GW-1"}"#.to_vec()
    }

    #[test]
    fn a_signed_notification_verifies_under_the_same_key() {
        let key = GatewayKey::new(&[7; 32]);
        let signature = key.sign(&notification());
        assert!(signature.starts_with("sha256=") && signature.len() == 7 + 64, "{signature}");
        assert!(key.verify(&notification(), &signature));
    }

    #[test]
    fn a_tampered_body_or_another_key_or_a_mangled_header_fails() {
        let key = GatewayKey::new(&[7; 32]);
        let signature = key.sign(&notification());
        let tampered = String::from_utf8(notification()).unwrap().replace("8000", "1");
        assert!(!key.verify(tampered.as_bytes(), &signature));
        assert!(!GatewayKey::new(&[8; 32]).verify(&notification(), &signature));
        for header in ["", "sha256=", "sha256=zz", &signature[7..], &signature.replace("sha256=", "sha1=")] {
            assert!(!key.verify(&notification(), header), "{header}");
        }
    }

    #[test]
    fn the_signature_is_the_rfc_4231_hmac_sha256() {
        // RFC 4231, test case 2.
        let key = GatewayKey::new(b"Jefe");
        assert_eq!(
            key.sign(b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn hex_round_trips_and_refuses_odd_or_foreign_text() {
        assert_eq!(unhex(&hex(&[0, 1, 254, 255])), Some(vec![0, 1, 254, 255]));
        assert_eq!(unhex("abc"), None);
        assert_eq!(unhex("zz"), None);
    }
}
