//! The status of a dossier and who may move it from one status to the next.
//!
//! The national statuses 1–10 are those of the one-stop systems (see
//! `domain-vn.md`); `Draft`, `Queued` and `Withdrawn` are the app's own
//! vocabulary for what the portal never sees. The whole lifecycle is one table,
//! [`TRANSITIONS`], and [`transition`] is the only judge of a move between two
//! statuses. It is stateless on purpose: the one rule that depends on history,
//! that a refused withdrawal returns to the status it interrupted, is enforced
//! by the timeline ([`super::timeline::Timeline::record`]).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where a dossier stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DossierStatus {
    /// Being filled in on the citizen's device; the portal does not know it.
    Draft,
    /// Submitted while offline: waiting on the device to be sent.
    Queued,
    /// 1 — received by the portal, not yet accepted by the one-stop desk.
    Submitted,
    /// 2 — validly accepted; the legal clock starts the next working day.
    Accepted,
    /// 3 — refused at intake.
    RefusedAtIntake,
    /// 4 — being processed.
    Processing,
    /// 5 — the agency asked for more documents; the legal clock pauses.
    SupplementRequested,
    /// 6 — a fee or tax must be paid (*nghĩa vụ tài chính*).
    PaymentRequested,
    /// 7 — after intake the citizen asked to withdraw; an officer decides.
    WithdrawalRequested,
    /// 8 — processing stopped.
    Stopped,
    /// 9 — the result is ready.
    ResultReady,
    /// 10 — the result was delivered.
    ResultDelivered,
    /// Local vocabulary, no national code: the citizen withdrew the dossier
    /// before intake, which takes effect at once (after intake they can only
    /// ask, see `WithdrawalRequested`).
    Withdrawn,
}

use DossierStatus::*;

impl DossierStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [DossierStatus; 13] = [
        Draft,
        Queued,
        Submitted,
        Accepted,
        RefusedAtIntake,
        Processing,
        SupplementRequested,
        PaymentRequested,
        WithdrawalRequested,
        Stopped,
        ResultReady,
        ResultDelivered,
        Withdrawn,
    ];

    /// The code of the national 1–10 numbering, or `None` for a status only
    /// the app knows.
    pub fn national_code(self) -> Option<u8> {
        match self {
            Draft | Queued | Withdrawn => None,
            Submitted => Some(1),
            Accepted => Some(2),
            RefusedAtIntake => Some(3),
            Processing => Some(4),
            SupplementRequested => Some(5),
            PaymentRequested => Some(6),
            WithdrawalRequested => Some(7),
            Stopped => Some(8),
            ResultReady => Some(9),
            ResultDelivered => Some(10),
        }
    }

    /// The status a national code stands for.
    pub fn from_national_code(code: u8) -> Result<Self, StatusCodeError> {
        Self::ALL.into_iter().find(|status| status.national_code() == Some(code)).ok_or(StatusCodeError::Unknown(code))
    }

    /// The machine name, as serialised; the UI translates `status.<name>`.
    pub fn as_str(self) -> &'static str {
        match self {
            Draft => "draft",
            Queued => "queued",
            Submitted => "submitted",
            Accepted => "accepted",
            RefusedAtIntake => "refused_at_intake",
            Processing => "processing",
            SupplementRequested => "supplement_requested",
            PaymentRequested => "payment_requested",
            WithdrawalRequested => "withdrawal_requested",
            Stopped => "stopped",
            ResultReady => "result_ready",
            ResultDelivered => "result_delivered",
            Withdrawn => "withdrawn",
        }
    }

    /// The Vietnamese label of record, as the one-stop systems word it. It is
    /// for matching and logs; text shown to a person comes from the
    /// translation files.
    pub fn label_vi(self) -> &'static str {
        match self {
            Draft => "Bản nháp",
            Queued => "Chờ gửi",
            Submitted => "Mới đăng ký",
            Accepted => "Được tiếp nhận",
            RefusedAtIntake => "Không được tiếp nhận",
            Processing => "Đang xử lý",
            SupplementRequested => "Yêu cầu bổ sung giấy tờ",
            PaymentRequested => "Yêu cầu thực hiện nghĩa vụ tài chính",
            WithdrawalRequested => "Công dân yêu cầu rút hồ sơ",
            Stopped => "Dừng xử lý",
            ResultReady => "Đã xử lý xong",
            ResultDelivered => "Đã trả kết quả",
            Withdrawn => "Đã rút hồ sơ",
        }
    }

    /// Whether the dossier's story is over: no move leaves a terminal status.
    pub fn is_terminal(self) -> bool {
        matches!(self, RefusedAtIntake | Stopped | ResultDelivered | Withdrawn)
    }
}

impl fmt::Display for DossierStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a number is not a national status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StatusCodeError {
    #[error("status.unknown_code")]
    Unknown(u8),
}

/// Who makes a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The citizen or business the dossier belongs to, or their representative.
    Citizen,
    /// An officer of the agency: the one-stop desk or the processing unit.
    Officer,
    /// The portal or the app on their own, reporting a fact (received, paid).
    System,
}

use Actor::*;

/// One allowed move and who may make it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: DossierStatus,
    pub to: DossierStatus,
    pub actors: &'static [Actor],
}

const fn allow(from: DossierStatus, to: DossierStatus, actors: &'static [Actor]) -> Transition {
    Transition { from, to, actors }
}

/// The lifecycle as one-stop desks run it. A move that is not listed is not
/// allowed, whoever asks.
pub const TRANSITIONS: &[Transition] = &[
    // On the device, then to the portal.
    allow(Draft, Queued, &[Citizen]),
    allow(Queued, Submitted, &[System]), // the portal acknowledged receipt
    // Intake at the one-stop desk. Before intake, withdrawing takes effect at once.
    allow(Submitted, Accepted, &[Officer]),
    allow(Submitted, RefusedAtIntake, &[Officer]),
    allow(Submitted, Withdrawn, &[Citizen]),
    // Processing. An officer decides every outcome.
    allow(Accepted, Processing, &[Officer, System]),
    allow(Processing, SupplementRequested, &[Officer]),
    allow(Processing, PaymentRequested, &[Officer]),
    allow(Processing, ResultReady, &[Officer]),
    allow(Processing, Stopped, &[Officer]),
    // Waiting on the citizen: the system reports what arrived, an officer may give up.
    allow(SupplementRequested, Processing, &[System]), // the supplement was received
    allow(SupplementRequested, Stopped, &[Officer]),
    allow(PaymentRequested, Processing, &[System]), // the payment was received
    // After intake a citizen can only ask to withdraw, and an officer answers.
    allow(Accepted, WithdrawalRequested, &[Citizen]),
    allow(Processing, WithdrawalRequested, &[Citizen]),
    allow(SupplementRequested, WithdrawalRequested, &[Citizen]),
    allow(PaymentRequested, WithdrawalRequested, &[Citizen]),
    allow(WithdrawalRequested, Stopped, &[Officer]), // granted
    // Refused: the dossier goes back to where it was, waiting on the same thing as
    // before. Which of these four that is depends on the timeline, which alone knows
    // the history, so `Timeline::record` enforces it; this table stays stateless.
    allow(WithdrawalRequested, Accepted, &[Officer]),
    allow(WithdrawalRequested, Processing, &[Officer]),
    allow(WithdrawalRequested, SupplementRequested, &[Officer]),
    allow(WithdrawalRequested, PaymentRequested, &[Officer]),
    // The result.
    allow(ResultReady, ResultDelivered, &[Officer, System]),
];

/// Why a move is refused; a machine code the UI translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// No one may make this move.
    #[error("transition.not_allowed")]
    NotAllowed { from: DossierStatus, to: DossierStatus },
    /// The move exists, but this actor may not make it.
    #[error("transition.wrong_actor")]
    WrongActor { from: DossierStatus, to: DossierStatus, actor: Actor },
}

/// Judges a move: `Ok` when `actor` may take a dossier from `from` to `to`.
pub fn transition(from: DossierStatus, to: DossierStatus, actor: Actor) -> Result<(), TransitionError> {
    let rule =
        TRANSITIONS.iter().find(|t| t.from == from && t.to == to).ok_or(TransitionError::NotAllowed { from, to })?;
    if rule.actors.contains(&actor) { Ok(()) } else { Err(TransitionError::WrongActor { from, to, actor }) }
}

/// The moves out of `from`, for a UI that offers only what is allowed.
pub fn moves_from(from: DossierStatus) -> impl Iterator<Item = &'static Transition> {
    TRANSITIONS.iter().filter(move |t| t.from == from)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lifecycle written a second time, independently of [`TRANSITIONS`],
    /// so that a slip in the table shows up as a disagreement.
    const EXPECTED: &str = "
        draft -> queued: citizen
        queued -> submitted: system
        submitted -> accepted: officer
        submitted -> refused_at_intake: officer
        submitted -> withdrawn: citizen
        accepted -> processing: officer system
        accepted -> withdrawal_requested: citizen
        processing -> supplement_requested: officer
        processing -> payment_requested: officer
        processing -> result_ready: officer
        processing -> stopped: officer
        processing -> withdrawal_requested: citizen
        supplement_requested -> processing: system
        supplement_requested -> stopped: officer
        supplement_requested -> withdrawal_requested: citizen
        payment_requested -> processing: system
        payment_requested -> withdrawal_requested: citizen
        withdrawal_requested -> stopped: officer
        withdrawal_requested -> accepted: officer
        withdrawal_requested -> processing: officer
        withdrawal_requested -> supplement_requested: officer
        withdrawal_requested -> payment_requested: officer
        result_ready -> result_delivered: officer system
    ";

    const ACTORS: [Actor; 3] = [Citizen, Officer, System];

    fn parse_status(name: &str) -> DossierStatus {
        serde_json::from_str(&format!("\"{name}\"")).unwrap()
    }

    fn parse_actor(name: &str) -> Actor {
        serde_json::from_str(&format!("\"{name}\"")).unwrap()
    }

    fn expected() -> Vec<(DossierStatus, DossierStatus, Vec<Actor>)> {
        EXPECTED
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(|line| {
                let (route, actors) = line.split_once(':').unwrap();
                let (from, to) = route.split_once("->").unwrap();
                let actors = actors.split_whitespace().map(parse_actor).collect();
                (parse_status(from.trim()), parse_status(to.trim()), actors)
            })
            .collect()
    }

    #[test]
    fn every_pair_and_actor_is_judged_as_the_lifecycle_says() {
        let expected = expected();
        for from in DossierStatus::ALL {
            for to in DossierStatus::ALL {
                let rule = expected.iter().find(|(f, t, _)| *f == from && *t == to);
                for actor in ACTORS {
                    let verdict = transition(from, to, actor);
                    match rule {
                        None => assert_eq!(verdict, Err(TransitionError::NotAllowed { from, to }), "{from}->{to}"),
                        Some((_, _, actors)) if actors.contains(&actor) => {
                            assert_eq!(verdict, Ok(()), "{from}->{to} by {actor:?}")
                        }
                        Some(_) => {
                            assert_eq!(verdict, Err(TransitionError::WrongActor { from, to, actor }), "{from}->{to}")
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_table_lists_each_move_once() {
        for (i, a) in TRANSITIONS.iter().enumerate() {
            assert!(!a.actors.is_empty(), "{}->{} has no actor", a.from, a.to);
            for b in &TRANSITIONS[i + 1..] {
                assert!(!(a.from == b.from && a.to == b.to), "{}->{} is listed twice", a.from, a.to);
            }
        }
        assert_eq!(TRANSITIONS.len(), expected().len());
    }

    #[test]
    fn no_move_leaves_a_terminal_status() {
        for status in DossierStatus::ALL.into_iter().filter(|s| s.is_terminal()) {
            assert_eq!(moves_from(status).count(), 0, "{status}");
        }
    }

    #[test]
    fn every_status_but_the_draft_can_be_reached() {
        for status in DossierStatus::ALL.into_iter().filter(|s| *s != Draft) {
            assert!(TRANSITIONS.iter().any(|t| t.to == status), "{status}");
        }
    }

    #[test]
    fn every_status_that_is_not_terminal_can_move_on() {
        for status in DossierStatus::ALL.into_iter().filter(|s| !s.is_terminal()) {
            assert!(moves_from(status).count() > 0, "{status}");
        }
    }

    #[test]
    fn a_citizen_withdraws_at_once_before_intake_but_only_asks_after() {
        assert_eq!(transition(Submitted, Withdrawn, Citizen), Ok(()));
        assert_eq!(
            transition(Submitted, WithdrawalRequested, Citizen).unwrap_err().to_string(),
            "transition.not_allowed"
        );
        assert_eq!(transition(Processing, Withdrawn, Citizen).unwrap_err().to_string(), "transition.not_allowed");
        assert_eq!(transition(Processing, WithdrawalRequested, Citizen), Ok(()));
        assert_eq!(
            transition(WithdrawalRequested, Stopped, Citizen).unwrap_err().to_string(),
            "transition.wrong_actor"
        );
    }

    #[test]
    fn a_refused_withdrawal_may_return_to_any_state_a_withdrawal_can_be_asked_from() {
        let asked_from: Vec<DossierStatus> =
            TRANSITIONS.iter().filter(|t| t.to == WithdrawalRequested).map(|t| t.from).collect();
        assert_eq!(asked_from, [Accepted, Processing, SupplementRequested, PaymentRequested]);
        for back in asked_from {
            assert_eq!(transition(WithdrawalRequested, back, Officer), Ok(()), "{back}");
            for actor in [Citizen, System] {
                assert_eq!(
                    transition(WithdrawalRequested, back, actor),
                    Err(TransitionError::WrongActor { from: WithdrawalRequested, to: back, actor })
                );
            }
        }
    }

    #[test]
    fn a_refused_withdrawal_cannot_jump_ahead_to_a_result() {
        for to in [ResultReady, ResultDelivered, Submitted, Withdrawn] {
            assert_eq!(
                transition(WithdrawalRequested, to, Officer),
                Err(TransitionError::NotAllowed { from: WithdrawalRequested, to })
            );
        }
    }

    #[test]
    fn only_an_officer_accepts_or_refuses_at_intake() {
        for actor in [Citizen, System] {
            assert_eq!(
                transition(Submitted, Accepted, actor),
                Err(TransitionError::WrongActor { from: Submitted, to: Accepted, actor })
            );
            assert!(transition(Submitted, RefusedAtIntake, actor).is_err());
        }
    }

    #[test]
    fn a_queued_dossier_is_submitted_only_when_the_portal_receives_it() {
        assert_eq!(transition(Queued, Submitted, System), Ok(()));
        assert!(matches!(transition(Queued, Submitted, Citizen), Err(TransitionError::WrongActor { .. })));
        assert!(matches!(transition(Draft, Submitted, Citizen), Err(TransitionError::NotAllowed { .. })));
    }

    #[test]
    fn national_codes_run_from_one_to_ten_and_back() {
        let codes: Vec<u8> = DossierStatus::ALL.iter().filter_map(|s| s.national_code()).collect();
        assert_eq!(codes, (1..=10).collect::<Vec<u8>>());
        for code in 1..=10 {
            assert_eq!(DossierStatus::from_national_code(code).unwrap().national_code(), Some(code));
        }
        assert_eq!(DossierStatus::from_national_code(4), Ok(Processing));
        assert_eq!(DossierStatus::from_national_code(6), Ok(PaymentRequested));
    }

    #[test]
    fn an_unknown_national_code_is_refused() {
        for code in [0, 11, 255] {
            assert_eq!(DossierStatus::from_national_code(code), Err(StatusCodeError::Unknown(code)));
        }
        assert_eq!(StatusCodeError::Unknown(0).to_string(), "status.unknown_code");
    }

    #[test]
    fn statuses_only_the_app_knows_have_no_national_code() {
        assert_eq!(Draft.national_code(), None);
        assert_eq!(Queued.national_code(), None);
        assert_eq!(Withdrawn.national_code(), None);
    }

    #[test]
    fn statuses_serialise_as_their_snake_case_names() {
        for status in DossierStatus::ALL {
            assert_eq!(serde_json::to_string(&status).unwrap(), format!("\"{}\"", status.as_str()));
        }
        assert_eq!(serde_json::to_string(&RefusedAtIntake).unwrap(), "\"refused_at_intake\"");
        assert_eq!(serde_json::to_string(&System).unwrap(), "\"system\"");
    }

    #[test]
    fn the_vietnamese_labels_are_those_of_the_one_stop_systems() {
        assert_eq!(Submitted.label_vi(), "Mới đăng ký");
        assert_eq!(PaymentRequested.label_vi(), "Yêu cầu thực hiện nghĩa vụ tài chính");
        assert_eq!(ResultDelivered.label_vi(), "Đã trả kết quả");
    }

    #[test]
    fn terminal_statuses_are_the_four_endings() {
        let terminal: Vec<DossierStatus> = DossierStatus::ALL.into_iter().filter(|s| s.is_terminal()).collect();
        assert_eq!(terminal, [RefusedAtIntake, Stopped, ResultDelivered, Withdrawn]);
    }
}
