//! The timeline of a dossier: every status it went through, when and by whom.
//!
//! A [`Timeline`] can only grow through [`transition`], so an invalid move is
//! never recorded, and its events are in order of time. A timeline read back
//! from storage or the wire is replayed through the same rules.
//!
//! On top of the stateless table, the timeline enforces the one rule that needs
//! history: when an officer refuses a withdrawal, the dossier returns to the
//! status it was in when the citizen asked, so a dossier that was waiting for a
//! supplement or a payment is still waiting for it.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::status::{Actor, DossierStatus, TransitionError, transition};

/// One move of a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineEvent {
    /// When the move happened; RFC 3339 on the wire.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// `None` only for the event that opens the timeline.
    pub from: Option<DossierStatus>,
    pub to: DossierStatus,
    pub actor: Actor,
    /// What the actor said: the officer's reason for a refusal, the list of
    /// missing documents, and so on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// How a timeline may open. A dossier is born as a draft on the citizen's
/// device, or the app first learns of it from the portal once it was
/// submitted elsewhere (another device, the one-stop desk).
pub const ENTRIES: &[(DossierStatus, Actor)] =
    &[(DossierStatus::Draft, Actor::Citizen), (DossierStatus::Submitted, Actor::System)];

/// Why an event cannot be recorded; a machine code the UI translates.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimelineError {
    /// The move itself is refused (`transition.not_allowed`, `transition.wrong_actor`).
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// A timeline cannot open with this status and actor, see [`ENTRIES`].
    #[error("timeline.entry")]
    Entry { to: DossierStatus, actor: Actor },
    /// The event is earlier than the last one recorded.
    #[error("timeline.out_of_order")]
    OutOfOrder { last: OffsetDateTime, at: OffsetDateTime },
    /// A replayed event does not start where the previous one ended.
    #[error("timeline.broken_chain")]
    BrokenChain { index: usize },
    /// A replayed timeline has no event at all.
    #[error("timeline.empty")]
    Empty,
    /// A refused withdrawal must take the dossier back to `expected`, the
    /// status it was in when the citizen asked to withdraw.
    #[error("timeline.withdrawal_return")]
    WithdrawalReturn { expected: DossierStatus, to: DossierStatus },
}

/// The events of one dossier, never empty, always valid and in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<TimelineEvent>", into = "Vec<TimelineEvent>")]
pub struct Timeline {
    events: Vec<TimelineEvent>,
}

impl Timeline {
    /// Opens a timeline with its first event, which must be one of [`ENTRIES`].
    pub fn begin(
        at: OffsetDateTime,
        to: DossierStatus,
        actor: Actor,
        note: Option<String>,
    ) -> Result<Self, TimelineError> {
        if !ENTRIES.contains(&(to, actor)) {
            return Err(TimelineError::Entry { to, actor });
        }
        Ok(Self { events: vec![TimelineEvent { at, from: None, to, actor, note }] })
    }

    /// Records a move from the current status to `to`, if `actor` may make it
    /// and `at` is not earlier than the last event. Leaving a withdrawal request
    /// other than by stopping (a refusal) must return to the status the request
    /// interrupted. Nothing is recorded on error.
    pub fn record(
        &mut self,
        at: OffsetDateTime,
        to: DossierStatus,
        actor: Actor,
        note: Option<String>,
    ) -> Result<&TimelineEvent, TimelineError> {
        let last = self.last();
        // Two events may share an instant: a system often starts processing the
        // moment an officer accepts.
        if at < last.at {
            return Err(TimelineError::OutOfOrder { last: last.at, at });
        }
        let from = last.to;
        transition(from, to, actor)?;
        if from == DossierStatus::WithdrawalRequested && to != DossierStatus::Stopped {
            // The event that entered the request is the last one, and it came from
            // somewhere: a timeline cannot open on a withdrawal request.
            if let Some(expected) = last.from.filter(|expected| *expected != to) {
                return Err(TimelineError::WithdrawalReturn { expected, to });
            }
        }
        self.events.push(TimelineEvent { at, from: Some(from), to, actor, note });
        Ok(self.last())
    }

    /// The status the dossier is in now.
    pub fn status(&self) -> DossierStatus {
        self.last().to
    }

    /// The events, oldest first.
    pub fn events(&self) -> &[TimelineEvent] {
        &self.events
    }

    /// The latest event.
    pub fn last(&self) -> &TimelineEvent {
        // A timeline is built by `begin` or a checked replay, both with one event at least.
        self.events.last().expect("a timeline is never empty")
    }

    /// The first time the dossier entered `status`, such as its valid
    /// acceptance, from which the legal clock counts.
    pub fn first_entered(&self, status: DossierStatus) -> Option<&TimelineEvent> {
        self.events.iter().find(|event| event.to == status)
    }
}

impl TryFrom<Vec<TimelineEvent>> for Timeline {
    type Error = TimelineError;

    /// Replays stored events through the same rules as [`Timeline::record`].
    fn try_from(events: Vec<TimelineEvent>) -> Result<Self, Self::Error> {
        let mut events = events.into_iter();
        let first = events.next().ok_or(TimelineError::Empty)?;
        if first.from.is_some() {
            return Err(TimelineError::BrokenChain { index: 0 });
        }
        let mut timeline = Self::begin(first.at, first.to, first.actor, first.note)?;
        for (index, event) in events.enumerate() {
            if event.from != Some(timeline.status()) {
                return Err(TimelineError::BrokenChain { index: index + 1 });
            }
            timeline.record(event.at, event.to, event.actor, event.note)?;
        }
        Ok(timeline)
    }
}

impl From<Timeline> for Vec<TimelineEvent> {
    fn from(timeline: Timeline) -> Self {
        timeline.events
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::DossierStatus::*;
    use super::*;

    fn submitted_and_accepted() -> Timeline {
        let mut timeline = Timeline::begin(datetime!(2026-03-02 08:00 +7), Draft, Actor::Citizen, None).unwrap();
        timeline.record(datetime!(2026-03-02 08:30 +7), Queued, Actor::Citizen, None).unwrap();
        timeline.record(datetime!(2026-03-02 09:00 +7), Submitted, Actor::System, None).unwrap();
        timeline.record(datetime!(2026-03-03 10:00 +7), Accepted, Actor::Officer, None).unwrap();
        timeline
    }

    #[test]
    fn a_dossier_is_born_a_draft_and_moves_through_allowed_transitions() {
        let timeline = submitted_and_accepted();
        assert_eq!(timeline.status(), Accepted);
        let path: Vec<(Option<DossierStatus>, DossierStatus)> =
            timeline.events().iter().map(|e| (e.from, e.to)).collect();
        assert_eq!(
            path,
            [(None, Draft), (Some(Draft), Queued), (Some(Queued), Submitted), (Some(Submitted), Accepted)]
        );
    }

    #[test]
    fn an_invalid_move_is_refused_and_never_recorded() {
        let mut timeline = submitted_and_accepted();
        let before = timeline.clone();
        let refused = timeline.record(datetime!(2026-03-04 09:00 +7), ResultDelivered, Actor::Officer, None);
        assert_eq!(refused.unwrap_err().to_string(), "transition.not_allowed");
        let refused = timeline.record(datetime!(2026-03-04 09:00 +7), Processing, Actor::Citizen, None);
        assert_eq!(refused.unwrap_err().to_string(), "transition.wrong_actor");
        assert_eq!(timeline, before);
    }

    #[test]
    fn an_event_earlier_than_the_last_is_refused() {
        let mut timeline = submitted_and_accepted();
        let refused = timeline.record(datetime!(2026-03-03 09:59 +7), Processing, Actor::System, None);
        assert!(matches!(refused, Err(TimelineError::OutOfOrder { .. })));
        assert_eq!(timeline.status(), Accepted);
    }

    #[test]
    fn order_is_judged_on_the_instant_not_the_wall_clock() {
        let mut timeline = submitted_and_accepted();
        // 03:30 UTC is 10:30 in Hà Nội, after the acceptance at 10:00 +7.
        timeline.record(datetime!(2026-03-03 03:30 UTC), Processing, Actor::System, None).unwrap();
        // 02:00 UTC is 09:00 in Hà Nội, before it.
        let refused = timeline.record(datetime!(2026-03-03 02:00 UTC), SupplementRequested, Actor::Officer, None);
        assert!(matches!(refused, Err(TimelineError::OutOfOrder { .. })));
    }

    #[test]
    fn two_events_may_share_an_instant() {
        let mut timeline = submitted_and_accepted();
        timeline.record(datetime!(2026-03-03 10:00 +7), Processing, Actor::System, None).unwrap();
        assert_eq!(timeline.status(), Processing);
    }

    #[test]
    fn a_timeline_opens_only_as_a_draft_or_as_a_dossier_the_portal_received() {
        let at = datetime!(2026-03-02 08:00 +7);
        assert!(Timeline::begin(at, Draft, Actor::Citizen, None).is_ok());
        assert!(Timeline::begin(at, Submitted, Actor::System, None).is_ok());
        let refused = Timeline::begin(at, Processing, Actor::Officer, None).unwrap_err();
        assert_eq!(refused, TimelineError::Entry { to: Processing, actor: Actor::Officer });
        assert_eq!(refused.to_string(), "timeline.entry");
        assert!(Timeline::begin(at, Draft, Actor::System, None).is_err());
    }

    #[test]
    fn the_first_acceptance_is_found_for_the_legal_clock() {
        let timeline = submitted_and_accepted();
        assert_eq!(timeline.first_entered(Accepted).unwrap().at, datetime!(2026-03-03 10:00 +7));
        assert!(timeline.first_entered(Processing).is_none());
    }

    #[test]
    fn a_timeline_round_trips_through_json_with_rfc3339_instants() {
        let mut timeline = submitted_and_accepted();
        timeline.record(datetime!(2026-03-04 09:00 +7), Processing, Actor::Officer, None).unwrap();
        timeline
            .record(
                datetime!(2026-03-05 14:00 +7),
                SupplementRequested,
                Actor::Officer,
                Some("Thiếu bản sao CCCD".into()),
            )
            .unwrap();
        let json = serde_json::to_string(&timeline).unwrap();
        assert!(json.contains("\"at\":\"2026-03-05T14:00:00+07:00\""), "{json}");
        assert!(json.contains("\"to\":\"supplement_requested\""), "{json}");
        assert_eq!(serde_json::from_str::<Timeline>(&json).unwrap(), timeline);
    }

    #[test]
    fn a_stored_timeline_with_an_invalid_move_is_refused_on_reading() {
        let json = r#"[
            {"at":"2026-03-02T08:00:00+07:00","from":null,"to":"draft","actor":"citizen"},
            {"at":"2026-03-02T09:00:00+07:00","from":"draft","to":"accepted","actor":"officer"}
        ]"#;
        let err = serde_json::from_str::<Timeline>(json).unwrap_err();
        assert!(err.to_string().contains("transition.not_allowed"), "{err}");
    }

    #[test]
    fn a_stored_timeline_whose_events_do_not_chain_is_refused() {
        let events = vec![
            TimelineEvent {
                at: datetime!(2026-03-02 08:00 +7),
                from: None,
                to: Draft,
                actor: Actor::Citizen,
                note: None,
            },
            TimelineEvent {
                at: datetime!(2026-03-02 09:00 +7),
                from: Some(Submitted),
                to: Accepted,
                actor: Actor::Officer,
                note: None,
            },
        ];
        assert_eq!(Timeline::try_from(events), Err(TimelineError::BrokenChain { index: 1 }));
        assert_eq!(Timeline::try_from(Vec::new()), Err(TimelineError::Empty));
    }

    #[test]
    fn a_stored_timeline_must_open_without_a_previous_status() {
        let events = vec![TimelineEvent {
            at: datetime!(2026-03-02 08:00 +7),
            from: Some(Draft),
            to: Queued,
            actor: Actor::Citizen,
            note: None,
        }];
        assert_eq!(Timeline::try_from(events), Err(TimelineError::BrokenChain { index: 0 }));
    }

    #[test]
    fn a_whole_lifecycle_with_a_supplement_a_payment_and_a_refused_withdrawal_is_recorded() {
        let mut timeline = submitted_and_accepted();
        let steps = [
            (Processing, Actor::Officer),
            (SupplementRequested, Actor::Officer),
            (Processing, Actor::System),
            (WithdrawalRequested, Actor::Citizen),
            (Processing, Actor::Officer),
            (PaymentRequested, Actor::Officer),
            (Processing, Actor::System),
            (ResultReady, Actor::Officer),
            (ResultDelivered, Actor::System),
        ];
        let mut at = datetime!(2026-03-04 09:00 +7);
        for (to, actor) in steps {
            at += time::Duration::hours(1);
            timeline.record(at, to, actor, None).unwrap();
        }
        assert_eq!(timeline.status(), ResultDelivered);
        assert!(timeline.status().is_terminal());
        assert_eq!(timeline.events().len(), 4 + steps.len());
        assert!(timeline.events().windows(2).all(|pair| pair[0].at <= pair[1].at));
    }

    /// Accepted, then `before`, then a withdrawal request; `before` is reached
    /// by the actors the lifecycle names.
    fn withdrawal_asked_from(before: DossierStatus) -> Timeline {
        let mut timeline = submitted_and_accepted();
        let mut at = datetime!(2026-03-04 09:00 +7);
        let mut step = |timeline: &mut Timeline, to, actor| {
            at += time::Duration::hours(1);
            timeline.record(at, to, actor, None).unwrap();
        };
        if before != Accepted {
            step(&mut timeline, Processing, Actor::Officer);
        }
        if matches!(before, SupplementRequested | PaymentRequested) {
            step(&mut timeline, before, Actor::Officer);
        }
        step(&mut timeline, WithdrawalRequested, Actor::Citizen);
        timeline
    }

    const ASKED_FROM: [DossierStatus; 4] = [Accepted, Processing, SupplementRequested, PaymentRequested];

    #[test]
    fn a_refused_withdrawal_returns_to_the_state_it_came_from() {
        for before in ASKED_FROM {
            let mut timeline = withdrawal_asked_from(before);
            timeline.record(datetime!(2026-03-06 09:00 +7), before, Actor::Officer, None).unwrap();
            assert_eq!(timeline.status(), before);
        }
    }

    #[test]
    fn a_refused_withdrawal_cannot_land_in_another_state() {
        for before in ASKED_FROM {
            for elsewhere in ASKED_FROM.into_iter().filter(|s| *s != before) {
                let mut timeline = withdrawal_asked_from(before);
                let unchanged = timeline.clone();
                let refused = timeline.record(datetime!(2026-03-06 09:00 +7), elsewhere, Actor::Officer, None);
                assert_eq!(refused.unwrap_err(), TimelineError::WithdrawalReturn { expected: before, to: elsewhere });
                assert_eq!(timeline, unchanged);
            }
        }
    }

    #[test]
    fn a_dossier_waiting_for_a_supplement_still_waits_for_it_after_a_refused_withdrawal() {
        let mut timeline = withdrawal_asked_from(SupplementRequested);
        let refused = timeline.record(datetime!(2026-03-06 09:00 +7), Processing, Actor::Officer, None);
        assert_eq!(refused.unwrap_err().to_string(), "timeline.withdrawal_return");
        timeline.record(datetime!(2026-03-06 09:00 +7), SupplementRequested, Actor::Officer, None).unwrap();
        // The supplement arrives later, as it would have without the request.
        timeline.record(datetime!(2026-03-09 09:00 +7), Processing, Actor::System, None).unwrap();
        assert_eq!(timeline.status(), Processing);
    }

    #[test]
    fn a_granted_withdrawal_stops_the_dossier_from_any_state() {
        for before in ASKED_FROM {
            let mut timeline = withdrawal_asked_from(before);
            timeline.record(datetime!(2026-03-06 09:00 +7), Stopped, Actor::Officer, None).unwrap();
            assert_eq!(timeline.status(), Stopped);
        }
    }

    #[test]
    fn the_wrong_actor_is_reported_before_the_wrong_return() {
        let mut timeline = withdrawal_asked_from(PaymentRequested);
        let refused = timeline.record(datetime!(2026-03-06 09:00 +7), Processing, Actor::System, None);
        assert_eq!(refused.unwrap_err().to_string(), "transition.wrong_actor");
    }

    #[test]
    fn a_stored_timeline_whose_refused_withdrawal_lands_elsewhere_is_refused_on_reading() {
        let json = r#"[
            {"at":"2026-03-02T08:00:00+07:00","from":null,"to":"submitted","actor":"system"},
            {"at":"2026-03-03T08:00:00+07:00","from":"submitted","to":"accepted","actor":"officer"},
            {"at":"2026-03-03T09:00:00+07:00","from":"accepted","to":"processing","actor":"officer"},
            {"at":"2026-03-04T09:00:00+07:00","from":"processing","to":"payment_requested","actor":"officer"},
            {"at":"2026-03-05T09:00:00+07:00","from":"payment_requested","to":"withdrawal_requested","actor":"citizen"},
            {"at":"2026-03-06T09:00:00+07:00","from":"withdrawal_requested","to":"processing","actor":"officer"}
        ]"#;
        let err = serde_json::from_str::<Timeline>(json).unwrap_err();
        assert!(err.to_string().contains("timeline.withdrawal_return"), "{err}");
        let fixed = json.replace(
            r#""from":"withdrawal_requested","to":"processing""#,
            r#""from":"withdrawal_requested","to":"payment_requested""#,
        );
        assert_eq!(serde_json::from_str::<Timeline>(&fixed).unwrap().status(), PaymentRequested);
    }

    #[test]
    fn errors_are_machine_codes_not_prose() {
        assert_eq!(TimelineError::Empty.to_string(), "timeline.empty");
        assert_eq!(TimelineError::BrokenChain { index: 3 }.to_string(), "timeline.broken_chain");
        let wrong_return = TimelineError::WithdrawalReturn { expected: SupplementRequested, to: Processing };
        assert_eq!(wrong_return.to_string(), "timeline.withdrawal_return");
    }
}
