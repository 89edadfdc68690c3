//! A simulated national payment gateway, served by the portal itself so the
//! demo and the tests need no bank: the hosted page shows the merchant, the
//! amount and what it is for, with "Pay" and "Cancel" buttons (plain HTML, no
//! script). Pressing one makes the gateway sign a notification with the key it
//! shares with the portal and deliver it, then send the browser to the
//! portal's return page — the order of a real gateway.
//!
//! Delivery is a function call, not a loopback HTTP request, because the
//! gateway runs in the portal's process; the notification goes through the
//! same signature check as the callback route, so it proves the same thing.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use hoso_protocol::api::payment::PaymentStatus;
use serde::Deserialize;

use crate::PortalError;
use crate::http::AppState;
use crate::oidc::pages;
use crate::payments::{self, Notification, Outcome, RETURN_PAGE};
use crate::wire_name::from_name;

/// The merchant the gateway names on its page.
const MERCHANT: &str = "Cổng Dịch vụ công Quốc gia (Hồ sơ)";

/// An amount in đồng with Vietnamese thousands separators: `1.250.000 ₫`.
pub(crate) fn dong(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{out} ₫")
}

/// The payment `id` as the gateway knows it: amount, description, status.
async fn order(state: &AppState, id: &str) -> Result<(u64, String, PaymentStatus), PortalError> {
    let row: Option<(i64, String, String)> =
        sqlx::query_as("SELECT amount_vnd, description, status FROM payment WHERE id = $1")
            .bind(id)
            .fetch_optional(&state.pool)
            .await?;
    let (amount, description, status) = row.ok_or(PortalError::NotFound)?;
    Ok((u64::try_from(amount).unwrap_or_default(), description, from_name(&status)?))
}

/// `GET /gateway/pay/{id}`: the hosted payment page.
pub async fn page(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, PortalError> {
    let (amount, description, status) = order(&state, &id).await?;
    if status != PaymentStatus::AwaitingPayment {
        return Ok(back_to_merchant(&id));
    }
    let body = format!(
        "<h1>Cổng thanh toán quốc gia (mô phỏng) / National payment gateway (simulated)</h1>\
         <dl><dt>Đơn vị thụ hưởng / Merchant</dt><dd id=\"merchant\">{merchant}</dd>\
         <dt>Số tiền / Amount</dt><dd id=\"amount\">{amount}</dd>\
         <dt>Nội dung / Description</dt><dd id=\"description\">{description}</dd></dl>\
         <form method=\"post\" action=\"/gateway/pay/{id}\">\
         <button type=\"submit\" name=\"choice\" value=\"pay\">Thanh toán / Pay</button> \
         <button type=\"submit\" name=\"choice\" value=\"cancel\">Hủy / Cancel</button></form>",
        merchant = pages::escape(MERCHANT),
        amount = pages::escape(&dong(amount)),
        description = pages::escape(&description),
        id = pages::escape(&id),
    );
    Ok(pages::page(StatusCode::OK, "Thanh toán / Payment", &body))
}

#[derive(Deserialize)]
pub struct Choice {
    pub choice: String,
}

/// `POST /gateway/pay/{id}`: the payer pressed "Pay" or "Cancel".
pub async fn choose(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(Choice { choice }): Form<Choice>,
) -> Result<Response, PortalError> {
    let outcome = match choice.as_str() {
        "pay" => Outcome::Paid,
        "cancel" => Outcome::Cancelled,
        _ => return Err(PortalError::NotFound),
    };
    let (amount_vnd, _, status) = order(&state, &id).await?;
    // A second press (a reloaded form) finds the payment settled and only goes back.
    if status == PaymentStatus::AwaitingPayment {
        let notification =
            Notification { payment_id: id.clone(), outcome, amount_vnd, reference: payments::new_id("GW-") };
        let body = serde_json::to_vec(&notification).map_err(PortalError::Corrupt)?;
        let signature = state.gateway_key.sign(&body);
        payments::receive(&state, &body, &signature).await?;
    }
    Ok(back_to_merchant(&id))
}

fn back_to_merchant(id: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, RETURN_PAGE.replace("{id}", id))]).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_show_in_dong_with_dots_between_thousands() {
        assert_eq!(dong(0), "0 ₫");
        assert_eq!(dong(8_000), "8.000 ₫");
        assert_eq!(dong(1_250_000), "1.250.000 ₫");
        assert_eq!(dong(999), "999 ₫");
    }
}
