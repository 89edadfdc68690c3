//! Which decision forms a dossier page offers, read from the domain's
//! transition table (the officer's moves out of the current status), and
//! the HTML of each form. Nothing here hard-codes what is allowed from
//! where: a change to the lifecycle changes the pages with it.

use hoso_domain::dossier::{Actor, DossierStatus, Transition, moves_from};

use super::render::{csrf_field, dossier_path};
use crate::oidc::pages::escape;

/// A decision an officer can make on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Refuse,
    StartProcessing,
    RequestSupplement,
    RequestPayment,
    IssueResult,
    Stop,
    GrantWithdrawal,
    RefuseWithdrawal,
    ReturnResult,
}

use Decision::*;

/// The decision that makes an officer's `transition`, if the pages offer one.
fn decision_for(transition: &Transition) -> Option<Decision> {
    use DossierStatus::*;
    Some(match (transition.from, transition.to) {
        (WithdrawalRequested, Stopped) => GrantWithdrawal,
        // A refusal returns to wherever the request interrupted, which only
        // the timeline knows: the four table entries are one decision.
        (WithdrawalRequested, _) => RefuseWithdrawal,
        (Submitted, Accepted) => Accept,
        (Submitted, RefusedAtIntake) => Refuse,
        (_, Processing) => StartProcessing,
        (_, SupplementRequested) => RequestSupplement,
        (_, PaymentRequested) => RequestPayment,
        (_, ResultReady) => IssueResult,
        (_, Stopped) => Stop,
        (_, ResultDelivered) => ReturnResult,
        _ => return None,
    })
}

/// The decisions an officer may make on a dossier in `status`, in the
/// order of the lifecycle table.
pub fn offered(status: DossierStatus) -> Vec<Decision> {
    let mut decisions = Vec::new();
    for decision in moves_from(status).filter(|t| t.actors.contains(&Actor::Officer)).filter_map(decision_for) {
        if !decisions.contains(&decision) {
            decisions.push(decision);
        }
    }
    decisions
}

impl Decision {
    /// Its name in the page's markup (`data-decision`).
    pub fn name(self) -> &'static str {
        match self {
            Accept => "accept",
            Refuse => "refuse",
            StartProcessing => "start_processing",
            RequestSupplement => "request_supplement",
            RequestPayment => "request_payment",
            IssueResult => "issue_result",
            Stop => "stop",
            GrantWithdrawal => "grant_withdrawal",
            RefuseWithdrawal => "refuse_withdrawal",
            ReturnResult => "return_result",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Accept => "Tiếp nhận hồ sơ / Accept",
            Refuse => "Từ chối tiếp nhận / Refuse at intake",
            StartProcessing => "Bắt đầu xử lý / Start processing",
            RequestSupplement => "Yêu cầu bổ sung / Request a supplement",
            RequestPayment => "Yêu cầu nộp phí, lệ phí / Request a payment",
            IssueResult => "Cấp kết quả / Issue the result",
            Stop => "Dừng xử lý / Stop processing",
            GrantWithdrawal => "Đồng ý cho rút hồ sơ / Grant the withdrawal",
            RefuseWithdrawal => "Không đồng ý rút hồ sơ / Refuse the withdrawal",
            ReturnResult => "Đã trả kết quả / The result was handed over",
        }
    }

    /// The `move` field of the officer API this decision posts, with any
    /// fixed field beside it.
    fn hidden_fields(self) -> &'static str {
        match self {
            Accept => r#"<input type="hidden" name="move" value="accept">"#,
            Refuse => r#"<input type="hidden" name="move" value="refuse">"#,
            StartProcessing => r#"<input type="hidden" name="move" value="start_processing">"#,
            RequestSupplement => r#"<input type="hidden" name="move" value="request_supplement">"#,
            RequestPayment => r#"<input type="hidden" name="move" value="request_payment">"#,
            IssueResult => "",
            Stop => r#"<input type="hidden" name="move" value="stop">"#,
            GrantWithdrawal => {
                r#"<input type="hidden" name="move" value="decide_withdrawal"><input type="hidden" name="grant" value="yes">"#
            }
            RefuseWithdrawal => {
                r#"<input type="hidden" name="move" value="decide_withdrawal"><input type="hidden" name="grant" value="no">"#
            }
            ReturnResult => r#"<input type="hidden" name="move" value="return_result">"#,
        }
    }

    fn inputs(self) -> String {
        let id = self.name();
        let reason = |label: &str, name: &str, required: bool| {
            let required = if required { " required maxlength=\"2000\"" } else { " maxlength=\"2000\"" };
            format!(
                "<p><label for=\"{id}-{name}\">{label}</label><br>\
                 <textarea id=\"{id}-{name}\" name=\"{name}\" rows=\"3\"{required}></textarea></p>"
            )
        };
        match self {
            Accept | StartProcessing | ReturnResult => String::new(),
            Refuse | Stop => reason("Lý do / Reason", "reason", true),
            RequestSupplement => [
                reason("Lý do / Reason", "reason", true),
                reason(
                    "Câu trả lời cần sửa, mỗi dòng một con trỏ JSON, ví dụ /child/full_name / \
                     Answers to correct, one JSON pointer a line",
                    "fields",
                    false,
                ),
                reason(
                    "Giấy tờ cần nộp lại, mỗi dòng một mã / Documents to provide again, one id a line",
                    "documents",
                    false,
                ),
            ]
            .concat(),
            RequestPayment => format!(
                "<p><label for=\"{id}-amount\">Số tiền (đồng) / Amount (VND)</label><br>\
                 <input id=\"{id}-amount\" name=\"amount_vnd\" inputmode=\"numeric\" required></p>{}",
                reason("Nội dung / Description", "description", true)
            ),
            IssueResult => format!(
                "<p><label for=\"{id}-file\">Tệp kết quả (PDF, PNG, JPEG, XML; tối đa 20 MiB) / \
                 Result file (PDF, PNG, JPEG, XML; at most 20 MiB)</label><br>\
                 <input id=\"{id}-file\" name=\"file\" type=\"file\" required \
                 accept=\"application/pdf,image/png,image/jpeg,application/xml,.pdf,.png,.jpg,.jpeg,.xml\"></p>"
            ),
            GrantWithdrawal | RefuseWithdrawal => reason("Ghi chú (không bắt buộc) / Note (optional)", "note", false),
        }
    }

    /// The form, posting to dossier `code`'s moves (or result) with `csrf`.
    /// The CSRF field comes first: the result upload reads it before the file.
    pub fn form(self, code: &str, csrf: &str) -> String {
        let page = dossier_path(code, None);
        let (action, enctype) = match self {
            IssueResult => (format!("{page}/result"), " enctype=\"multipart/form-data\""),
            _ => (format!("{page}/moves"), ""),
        };
        format!(
            "<section class=\"decision\"><h3>{title}</h3>\
             <form method=\"post\" action=\"{action}\"{enctype} data-decision=\"{name}\">{csrf}{hidden}{inputs}\
             <p><button type=\"submit\">{title}</button></p></form></section>",
            title = escape(self.title()),
            action = escape(&action),
            name = self.name(),
            csrf = csrf_field(csrf),
            hidden = self.hidden_fields(),
            inputs = self.inputs(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoso_domain::dossier::TRANSITIONS;

    use DossierStatus::*;

    #[test]
    fn every_move_an_officer_may_make_has_a_form() {
        for transition in TRANSITIONS.iter().filter(|t| t.actors.contains(&Actor::Officer)) {
            assert!(decision_for(transition).is_some(), "{} -> {}", transition.from, transition.to);
        }
    }

    #[test]
    fn a_submitted_dossier_can_be_accepted_or_refused_and_nothing_else() {
        assert_eq!(offered(Submitted), [Accept, Refuse]);
        assert_eq!(offered(Accepted), [StartProcessing]);
        assert_eq!(offered(Processing), [RequestSupplement, RequestPayment, IssueResult, Stop]);
        assert_eq!(offered(WithdrawalRequested), [GrantWithdrawal, RefuseWithdrawal]);
        assert_eq!(offered(ResultReady), [ReturnResult]);
    }

    #[test]
    fn waiting_on_the_citizen_or_finished_offers_little_or_nothing() {
        // The citizen's payment moves the dossier on, not an officer.
        assert_eq!(offered(PaymentRequested), []);
        assert_eq!(offered(SupplementRequested), [Stop]);
        for status in DossierStatus::ALL.into_iter().filter(|s| s.is_terminal()) {
            assert_eq!(offered(status), [], "{status}");
        }
    }

    #[test]
    fn the_result_form_uploads_a_file_with_the_csrf_token_first() {
        let form = IssueResult.form("A-1", "tok\"en");
        assert!(form.contains("action=\"/office/dossiers/A-1/result\" enctype=\"multipart/form-data\""), "{form}");
        let csrf = form.find("name=\"csrf\" value=\"tok&quot;en\"").unwrap();
        assert!(csrf < form.find("name=\"file\"").unwrap());
    }
}
