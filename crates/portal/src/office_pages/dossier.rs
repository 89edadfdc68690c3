//! `GET /office/dossiers/{code}`: one dossier for an officer: its summary,
//! the legal clock, the timeline, the answers as a readable list, the
//! attachments, what was asked of the citizen or given to them (supplement,
//! payment, result, rating), and the forms for the decisions the lifecycle
//! allows from its status. Every value from the dossier is escaped.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use hoso_domain::dossier::Actor;
use hoso_domain::profile::ActingAs;
use hoso_protocol::api::dossier::DossierDetail;
use hoso_protocol::api::payment::PaymentStatus;
use serde::Deserialize;
use serde_json::Value;

use super::flash::Flash;
use super::forms::offered;
use super::render::{self, failure, signed_in};
use super::session::OfficerSession;
use crate::gateway::dong;
use crate::http::AppState;
use crate::oidc::pages::escape;
use crate::{PortalError, catalogue, details, dossiers};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageQuery {
    msg: String,
}

pub async fn page(
    State(state): State<AppState>,
    session: OfficerSession,
    Path(code): Path<String>,
    Query(query): Query<PageQuery>,
) -> Response {
    match load(&state, &code).await {
        Ok((detail, procedure_name)) => {
            let body = html(&detail, &procedure_name, &session.csrf());
            signed_in(&format!("Hồ sơ {code}"), &session.csrf(), Flash::named(&query.msg), &body)
        }
        Err(error) => failure(&error),
    }
}

async fn load(state: &AppState, code: &str) -> Result<(DossierDetail, String), PortalError> {
    let row = dossiers::find(state, code).await?.ok_or(PortalError::NotFound)?;
    let detail = details::detail_of(state, &row).await?;
    let name = catalogue::procedure(&state.pool, &detail.summary.procedure).await?.map(|p| p.name.vi);
    Ok((detail, name.unwrap_or_default()))
}

fn html(detail: &DossierDetail, procedure_name: &str, csrf: &str) -> String {
    let summary = &detail.summary;
    let forms: String =
        offered(summary.status).into_iter().map(|decision| decision.form(&summary.code, csrf)).collect();
    let forms = if forms.is_empty() {
        "<p id=\"no-decision\">Không có thao tác nào cho cán bộ ở trạng thái này. / \
         No officer decision is possible in this status.</p>"
            .to_owned()
    } else {
        forms
    };
    format!(
        "<h1>Hồ sơ / Dossier {code}</h1>\
         <dl id=\"summary\"><dt>Thủ tục / Procedure</dt><dd>{procedure} {procedure_name}</dd>\
         <dt>Người nộp / Filed for</dt><dd>{acting_as}</dd>\
         <dt>Trạng thái / Status</dt><dd id=\"status\" data-status=\"{status_name}\">{status}</dd>\
         <dt>Nộp lúc / Submitted</dt><dd>{submitted}</dd><dt>Cập nhật / Updated</dt><dd>{updated}</dd></dl>\
         <h2>Thời hạn giải quyết / Legal clock</h2>{clock}\
         <h2>Thao tác / Decisions</h2>{forms}\
         <h2>Yêu cầu và kết quả / Requests and result</h2>{requests}\
         <h2>Nội dung tờ khai / Answers</h2>{answers}\
         <h2>Giấy tờ đính kèm / Attachments</h2>{attachments}\
         <h2>Quá trình xử lý / Timeline</h2>{timeline}",
        code = escape(&summary.code),
        procedure = escape(summary.procedure.as_str()),
        procedure_name = escape(procedure_name),
        acting_as = acting_as(&summary.acting_as),
        status_name = summary.status.as_str(),
        status = escape(&render::status(summary.status)),
        submitted = render::moment(summary.submitted_at),
        updated = render::moment(summary.updated_at),
        clock = clock(detail),
        requests = requests(detail),
        answers = answers(&detail.data),
        attachments = attachments(detail),
        timeline = timeline(detail),
    )
}

fn acting_as(acting_as: &ActingAs) -> String {
    match acting_as {
        ActingAs::Myself => "Công dân tự nộp / The citizen themself".to_owned(),
        ActingAs::Enterprise(tax_code) => format!("Doanh nghiệp / Enterprise {}", escape(tax_code.as_str())),
    }
}

fn clock(detail: &DossierDetail) -> String {
    let Some(clock) = &detail.clock else {
        return "<p id=\"clock\">Chưa tính: hồ sơ chưa được tiếp nhận. / Not running: the dossier was not accepted.</p>"
            .to_owned();
    };
    let mut flags = Vec::new();
    if clock.paused {
        flags.push("<strong data-clock=\"paused\">Tạm dừng chờ bổ sung / Paused for a supplement</strong>");
    }
    if clock.overdue {
        flags.push("<strong data-clock=\"overdue\">Quá hạn / Overdue</strong>");
    } else if clock.due_soon {
        flags.push("<strong data-clock=\"due_soon\">Sắp đến hạn / Due soon</strong>");
    }
    format!(
        "<dl id=\"clock\"><dt>Tiếp nhận ngày / Accepted on</dt><dd>{accepted}</dd>\
         <dt>Thời hạn / Processing time</dt><dd>{days} ngày làm việc / working days</dd>\
         <dt>Hạn trả kết quả / Due on</dt><dd>{due}</dd></dl><p>{flags}</p>",
        accepted = render::date(clock.accepted_on),
        days = clock.processing_days,
        due = render::date(clock.due_on),
        flags = flags.join(" "),
    )
}

fn payment_status(status: PaymentStatus) -> &'static str {
    match status {
        PaymentStatus::Unpaid => "Chưa thanh toán / Unpaid",
        PaymentStatus::AwaitingPayment => "Đang chờ thanh toán / Awaiting payment",
        PaymentStatus::Paid => "Đã thanh toán / Paid",
        PaymentStatus::Cancelled => "Đã hủy / Cancelled",
        PaymentStatus::Refunded => "Đã hoàn tiền / Refunded",
    }
}

fn requests(detail: &DossierDetail) -> String {
    let mut out = String::new();
    if let Some(request) = &detail.supplement_request {
        let listed: Vec<String> = request.fields.iter().chain(&request.documents).map(|item| escape(item)).collect();
        out.push_str(&format!(
            "<section id=\"supplement\"><h3>Yêu cầu bổ sung đang chờ / Supplement awaited</h3>\
             <p>{at}: {reason}</p><p>{listed}</p></section>",
            at = render::moment(request.requested_at),
            reason = escape(&request.reason),
            listed = listed.join(", "),
        ));
    }
    if let Some(payment) = &detail.payment {
        out.push_str(&format!(
            "<section id=\"payment\"><h3>Phí, lệ phí / Payment</h3><p>{amount} — {description} — {status}</p></section>",
            amount = escape(&dong(payment.amount_vnd)),
            description = escape(&payment.description),
            status = payment_status(payment.status),
        ));
    }
    if let Some(receipt) = &detail.receipt {
        out.push_str(&format!(
            "<p id=\"receipt\">Biên lai / Receipt: {amount}, {at}, {reference}</p>",
            amount = escape(&dong(receipt.amount_vnd)),
            at = render::moment(receipt.paid_at),
            reference = escape(&receipt.reference),
        ));
    }
    if let Some(result) = &detail.result {
        out.push_str(&format!(
            "<section id=\"result\"><h3>Kết quả / Result</h3><p>{name} ({media_type}, {bytes} byte), {at}</p>\
             <p>SHA-256: <code>{sha256}</code></p></section>",
            name = escape(&result.name),
            media_type = escape(&result.media_type),
            bytes = result.bytes,
            at = render::moment(result.issued_at),
            sha256 = escape(&result.sha256),
        ));
    }
    if let Some(rating) = &detail.rating {
        out.push_str(&format!(
            "<p id=\"rating\">Đánh giá / Rating: {score}/5 {comment}</p>",
            score = rating.score,
            comment = escape(rating.comment.as_deref().unwrap_or_default()),
        ));
    }
    if out.is_empty() {
        out.push_str("<p>Chưa có. / None yet.</p>");
    }
    out
}

/// Every leaf of the answers as `path → value`, keys in order.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                flatten(&path, value, out);
            }
        }
        Value::Array(items) => {
            for (index, value) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{}]", index + 1), value, out);
            }
        }
        Value::String(text) => out.push((prefix.to_owned(), text.clone())),
        Value::Null => out.push((prefix.to_owned(), "—".to_owned())),
        other => out.push((prefix.to_owned(), other.to_string())),
    }
}

fn answers(data: &Value) -> String {
    let mut pairs = Vec::new();
    flatten("", data, &mut pairs);
    let items: String =
        pairs.iter().map(|(key, value)| format!("<dt>{}</dt><dd>{}</dd>", escape(key), escape(value))).collect();
    format!("<dl id=\"answers\">{items}</dl>")
}

fn attachments(detail: &DossierDetail) -> String {
    if detail.attachments.is_empty() {
        return "<p>Không có. / None.</p>".to_owned();
    }
    let items: String = detail
        .attachments
        .iter()
        .map(|a| {
            format!(
                "<li>{document}: {name} ({media_type}, {bytes} byte) <code>{sha256}</code></li>",
                document = escape(&a.document),
                name = escape(&a.name),
                media_type = escape(&a.media_type),
                bytes = a.bytes,
                sha256 = escape(&a.sha256),
            )
        })
        .collect();
    format!("<ul id=\"attachments\">{items}</ul>")
}

fn actor(actor: Actor) -> &'static str {
    match actor {
        Actor::Citizen => "Công dân / Citizen",
        Actor::Officer => "Cán bộ / Officer",
        Actor::System => "Hệ thống / System",
    }
}

fn timeline(detail: &DossierDetail) -> String {
    let rows: String = detail
        .timeline
        .iter()
        .map(|event| {
            format!(
                "<tr><td>{at}</td><td>{to}</td><td>{actor}</td><td>{note}</td></tr>",
                at = render::moment(event.at),
                to = escape(&render::status(event.to)),
                actor = actor(event.actor),
                note = escape(event.note.as_deref().unwrap_or_default()),
            )
        })
        .collect();
    format!(
        "<table id=\"timeline\"><thead><tr><th>Thời điểm / At</th><th>Trạng thái / Status</th>\
         <th>Người thực hiện / By</th><th>Ghi chú / Note</th></tr></thead><tbody>{rows}</tbody></table>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_listed_leaf_by_leaf_with_their_paths() {
        let data = serde_json::json!({"child": {"full_name": "Khôi", "twins": false}, "phones": ["090", null]});
        let mut pairs = Vec::new();
        flatten("", &data, &mut pairs);
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            [("child.full_name", "Khôi"), ("child.twins", "false"), ("phones[1]", "090"), ("phones[2]", "—")]
        );
    }

    #[test]
    fn hostile_answers_are_shown_as_text() {
        let html = answers(&serde_json::json!({"<b>": "<script>alert(1)</script>"}));
        assert!(!html.contains("<script>") && !html.contains("<b>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    }
}
