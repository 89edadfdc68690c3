//! A dossier's screen, decided without a DOM: which actions its status and
//! facts allow (answer a supplement request, pay, download the result, rate,
//! withdraw), how its legal clock reads, its timeline newest first with who
//! acted, and the rating's scale.

use hoso_domain::clock::HolidayCalendar;
use hoso_domain::dossier::{Actor, DossierStatus, moves_from};
use hoso_protocol::api::dossier::{DossierDetail, LegalClock, TimelineEntry};
use hoso_protocol::api::payment::PaymentStatus;
use time::Date;

/// Something the citizen can do with the dossier now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Answer the agency's supplement request (`resume` when a draft exists).
    AnswerSupplement {
        resume: bool,
    },
    /// Pay what is due; `awaiting` once a payment was started and not confirmed.
    Pay {
        amount_vnd: u64,
        awaiting: bool,
    },
    DownloadResult,
    Rate,
    /// Withdraw: at once before intake, as a request the agency decides after.
    Withdraw {
        immediate: bool,
    },
}

/// The actions open to the citizen, what they are waited on for first and
/// withdrawing last.
pub fn actions(detail: &DossierDetail, supplement_draft: bool) -> Vec<Action> {
    let status = detail.summary.status;
    let mut actions = Vec::new();
    if status == DossierStatus::SupplementRequested && detail.supplement_request.is_some() {
        actions.push(Action::AnswerSupplement { resume: supplement_draft });
    }
    if status == DossierStatus::PaymentRequested
        && let Some(payment) = &detail.payment
        && matches!(payment.status, PaymentStatus::Unpaid | PaymentStatus::AwaitingPayment)
    {
        actions.push(Action::Pay {
            amount_vnd: payment.amount_vnd,
            awaiting: payment.status == PaymentStatus::AwaitingPayment,
        });
    }
    if detail.result.is_some() && matches!(status, DossierStatus::ResultReady | DossierStatus::ResultDelivered) {
        actions.push(Action::DownloadResult);
    }
    if status == DossierStatus::ResultDelivered && detail.rating.is_none() {
        actions.push(Action::Rate);
    }
    let withdraw = moves_from(status).find(|m| {
        m.actors.contains(&Actor::Citizen)
            && matches!(m.to, DossierStatus::Withdrawn | DossierStatus::WithdrawalRequested)
    });
    if let Some(m) = withdraw {
        actions.push(Action::Withdraw { immediate: m.to == DossierStatus::Withdrawn });
    }
    actions
}

/// How the legal clock stands, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockTone {
    Overdue,
    Paused,
    DueSoon,
    Running,
}

impl ClockTone {
    /// The translation key of its tag.
    pub fn key(self) -> &'static str {
        match self {
            Self::Overdue => "dossier.clock.overdue",
            Self::Paused => "dossier.clock.paused",
            Self::DueSoon => "dossier.clock.due_soon",
            Self::Running => "dossier.clock.running",
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Self::Overdue => "tag tag--ended",
            Self::Paused => "tag tag--neutral",
            Self::DueSoon => "tag tag--action",
            Self::Running => "tag tag--progress",
        }
    }
}

pub fn clock_tone(clock: &LegalClock) -> ClockTone {
    if clock.overdue {
        ClockTone::Overdue
    } else if clock.paused {
        ClockTone::Paused
    } else if clock.due_soon {
        ClockTone::DueSoon
    } else {
        ClockTone::Running
    }
}

/// Whether the clock still matters: it runs from acceptance until a result
/// or an end; afterwards the due date is history.
pub fn clock_matters(status: DossierStatus) -> bool {
    !status.is_terminal()
        && !matches!(status, DossierStatus::ResultReady | DossierStatus::Queued | DossierStatus::Draft)
}

/// Working days from `today` (excluded) to `due` (included) in Vietnam's
/// calendar; `None` when the calendar does not cover the dates or the due
/// date has passed.
pub fn working_days_left(today: Date, due: Date) -> Option<u32> {
    if due < today {
        return None;
    }
    let calendar = HolidayCalendar::vietnam();
    let mut day = today;
    let mut count = 0;
    while day < due {
        day = day.next_day()?;
        if calendar.is_working_day(day).ok()? {
            count += 1;
        }
    }
    Some(count)
}

/// The timeline, newest first (entries of the same moment keep their order
/// reversed too, so the later move reads first).
pub fn newest_first(timeline: &[TimelineEntry]) -> Vec<&TimelineEntry> {
    let mut entries: Vec<&TimelineEntry> = timeline.iter().collect();
    entries.reverse();
    entries.sort_by_key(|e| std::cmp::Reverse(e.at));
    entries
}

/// The translation key of who acted.
pub fn actor_key(actor: Actor) -> &'static str {
    match actor {
        Actor::Citizen => "dossier.actor.citizen",
        Actor::Officer => "dossier.actor.officer",
        Actor::System => "dossier.actor.system",
    }
}

/// The rating scale, 1 to 5, with the key of each score's words.
pub const SCORES: [(u8, &str); 5] = [
    (1, "dossier.rate.score1"),
    (2, "dossier.rate.score2"),
    (3, "dossier.rate.score3"),
    (4, "dossier.rate.score4"),
    (5, "dossier.rate.score5"),
];

/// The longest comment the portal keeps.
pub const MAX_COMMENT: usize = 1000;

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::date;

    use super::*;

    fn detail(status: &str, extra: serde_json::Value) -> DossierDetail {
        let mut value = json!({
            "summary": {
                "code": "H01.22-261122-0001",
                "client_id": "c1",
                "procedure": "1.001193",
                "acting_as": "myself",
                "status": status,
                "submitted_at": "2026-11-02T08:00:00Z",
                "updated_at": "2026-11-03T08:00:00Z",
            },
            "form": {"id": "ho-tich.khai-sinh", "version": 1},
            "data": {},
            "attachments": [],
            "timeline": [],
        });
        for (k, v) in extra.as_object().unwrap() {
            value[k] = v.clone();
        }
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn before_intake_withdrawing_is_immediate_and_after_it_is_a_request() {
        assert_eq!(actions(&detail("submitted", json!({})), false), [Action::Withdraw { immediate: true }]);
        assert_eq!(actions(&detail("processing", json!({})), false), [Action::Withdraw { immediate: false }]);
        assert!(actions(&detail("withdrawal_requested", json!({})), false).is_empty());
        assert!(actions(&detail("stopped", json!({})), false).is_empty());
    }

    #[test]
    fn a_supplement_request_is_answered_first() {
        let request = json!({"supplement_request": {"requested_at": "2026-11-04T08:00:00Z", "reason": "Ảnh mờ", "fields": [], "documents": []}});
        assert_eq!(
            actions(&detail("supplement_requested", request), true),
            [Action::AnswerSupplement { resume: true }, Action::Withdraw { immediate: false }]
        );
    }

    #[test]
    fn a_fee_is_paid_until_the_gateway_confirms_it() {
        let unpaid = json!({"payment": {"amount_vnd": 50000, "description": "Lệ phí", "status": "unpaid"}});
        assert_eq!(
            actions(&detail("payment_requested", unpaid), false)[0],
            Action::Pay { amount_vnd: 50000, awaiting: false }
        );
        let awaiting = json!({"payment": {"amount_vnd": 50000, "description": "Lệ phí", "status": "awaiting_payment"}});
        assert_eq!(
            actions(&detail("payment_requested", awaiting), false)[0],
            Action::Pay { amount_vnd: 50000, awaiting: true }
        );
        let paid = json!({"payment": {"amount_vnd": 50000, "description": "Lệ phí", "status": "paid"}});
        assert!(!actions(&detail("payment_requested", paid), false).iter().any(|a| matches!(a, Action::Pay { .. })));
    }

    #[test]
    fn the_result_is_downloaded_and_then_rated_once() {
        let result = json!({"result": {"name": "kq.pdf", "media_type": "application/pdf", "bytes": 10, "sha256": "ab", "issued_at": "2026-11-10T08:00:00Z"}});
        assert_eq!(actions(&detail("result_ready", result.clone()), false), [Action::DownloadResult]);
        assert_eq!(actions(&detail("result_delivered", result.clone()), false), [Action::DownloadResult, Action::Rate]);
        let mut rated = result;
        rated["rating"] = json!({"score": 5});
        assert_eq!(actions(&detail("result_delivered", rated), false), [Action::DownloadResult]);
    }

    #[test]
    fn the_clock_says_the_most_urgent_fact() {
        let clock = |paused, due_soon, overdue| LegalClock {
            accepted_on: date!(2026 - 11 - 02),
            processing_days: 5,
            due_on: date!(2026 - 11 - 09),
            paused,
            due_soon,
            overdue,
        };
        assert_eq!(clock_tone(&clock(false, false, false)), ClockTone::Running);
        assert_eq!(clock_tone(&clock(false, true, false)), ClockTone::DueSoon);
        assert_eq!(clock_tone(&clock(true, true, false)), ClockTone::Paused);
        assert_eq!(clock_tone(&clock(true, false, true)), ClockTone::Overdue);
        assert!(clock_matters(DossierStatus::Processing));
        assert!(!clock_matters(DossierStatus::ResultDelivered));
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        // Friday 2026-11-06 to Tuesday 2026-11-10: Monday and Tuesday.
        assert_eq!(working_days_left(date!(2026 - 11 - 06), date!(2026 - 11 - 10)), Some(2));
        assert_eq!(working_days_left(date!(2026 - 11 - 06), date!(2026 - 11 - 06)), Some(0));
        assert_eq!(working_days_left(date!(2026 - 11 - 10), date!(2026 - 11 - 06)), None);
    }

    #[test]
    fn the_timeline_reads_newest_first() {
        let entry = |at: &str, to: &str| -> TimelineEntry {
            serde_json::from_value(json!({"at": at, "from": null, "to": to, "actor": "officer"})).unwrap()
        };
        let timeline = vec![
            entry("2026-11-02T08:00:00Z", "submitted"),
            entry("2026-11-03T08:00:00Z", "accepted"),
            entry("2026-11-03T08:00:00Z", "processing"),
        ];
        let order: Vec<DossierStatus> = newest_first(&timeline).iter().map(|e| e.to).collect();
        assert_eq!(order, [DossierStatus::Processing, DossierStatus::Accepted, DossierStatus::Submitted]);
    }
}
