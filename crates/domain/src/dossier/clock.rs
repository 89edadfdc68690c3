//! The legal clock of one dossier, read from its timeline.
//!
//! [`crate::clock::clock_state`] counts working days from dates it is given;
//! this module finds those dates in a [`Timeline`], whose events are instants.
//! Everything is derived on each call, so nothing about the clock is stored
//! beside the timeline and the two can never disagree.
//!
//! The rules, in the order they apply:
//!
//! - **Civil dates are Vietnam's.** An instant becomes a date at UTC+7, the
//!   offset of Indochina Time. Vietnam has kept that offset all year since
//!   1975, with no daylight saving time, so a fixed offset is exact for every
//!   date the holiday calendar covers and no time-zone database is needed.
//! - **The clock starts at valid acceptance**: the date of the first entry
//!   into `Accepted`. Before it there is no clock (`None`). A dossier refused at
//!   intake or withdrawn before intake was never accepted, so it never has one.
//!   A later return to `Accepted` (a refused withdrawal) does not restart it.
//! - **A supplement request pauses it**, from the date the dossier enters
//!   `SupplementRequested` to the date of the next event that leaves it
//!   (usually the system reporting the supplement received). A withdrawal
//!   request is not such an event: while an officer weighs it the clock does
//!   what it did before the request, and a refusal takes the dossier back to the
//!   same status (the timeline enforces that), so a supplement pause runs on
//!   across the detour instead of being split in two with the clock running
//!   in between, although the supplement never arrived.
//! - **It stops when the agency is done**: on the date of the first entry into
//!   `ResultReady` (status 9, processing finished), or of the terminal event
//!   for a dossier stopped without a result. The clock is then judged on that
//!   date, whatever `today` is: a result ready before the due date is on time
//!   for good, and one ready late stays late. Waiting for the citizen to collect
//!   the result is not the agency's delay, which is why delivery (status 10)
//!   is not where the clock stops. A stopped clock is never paused nor due soon,
//!   since there is nothing left to warn about; its `working_days_left` is what
//!   was left on the day it stopped, i.e. how early the agency finished.

use time::{Date, OffsetDateTime, UtcOffset};

use super::status::DossierStatus;
use super::timeline::Timeline;
use crate::clock::{ClockError, ClockRules, ClockState, HolidayCalendar, Pause, clock_state};

/// Vietnam's offset from UTC, all year round (Indochina Time, no daylight saving).
pub const VIETNAM_OFFSET: UtcOffset = time::macros::offset!(+7);

/// The civil date in Vietnam at the instant `at`, whatever offset it was written with.
pub fn vietnam_date(at: OffsetDateTime) -> Date {
    at.to_offset(VIETNAM_OFFSET).date()
}

/// The date the legal clock stopped: the first entry into `ResultReady`, or
/// else the terminal event of an accepted dossier. `None` while it runs or
/// before it started.
pub fn clock_stopped_on(timeline: &Timeline) -> Option<Date> {
    timeline.first_entered(DossierStatus::Accepted)?;
    if let Some(ready) = timeline.first_entered(DossierStatus::ResultReady) {
        return Some(vietnam_date(ready.at));
    }
    let last = timeline.last();
    last.to.is_terminal().then(|| vietnam_date(last.at))
}

/// The legal clock of the dossier whose story is `timeline`, with
/// `processing_days` working days to deliver, as it stands on `today` (a
/// Vietnamese civil date), or as it stood when it stopped. `None` until the
/// dossier was validly accepted. See the module documentation for the rules.
pub fn legal_clock(
    timeline: &Timeline,
    processing_days: u16,
    today: Date,
    calendar: &HolidayCalendar,
    rules: ClockRules,
) -> Result<Option<ClockState>, ClockError> {
    let Some(accepted) = timeline.first_entered(DossierStatus::Accepted) else {
        return Ok(None);
    };
    let accepted_on = vietnam_date(accepted.at);
    let stopped_on = clock_stopped_on(timeline);
    let pauses = supplement_pauses(timeline);
    let mut state = clock_state(accepted_on, processing_days, &pauses, stopped_on.unwrap_or(today), calendar, rules)?;
    // Nothing is left to warn about once the agency is done. (No pause is open
    // then either: every event that stops the clock also ends a supplement pause.)
    if stopped_on.is_some() {
        state.due_soon = false;
    }
    Ok(Some(state))
}

/// The supplement pauses of a timeline, in order; the last one is open
/// (`received: None`) while the supplement is still awaited.
fn supplement_pauses(timeline: &Timeline) -> Vec<Pause> {
    let mut pauses = Vec::new();
    let mut open: Option<Date> = None;
    for event in timeline.events() {
        // A withdrawal request changes nothing on the clock: the status it
        // interrupted still counts as the one the dossier is in.
        if event.to == DossierStatus::WithdrawalRequested {
            continue;
        }
        let waiting = event.to == DossierStatus::SupplementRequested;
        match (open, waiting) {
            (None, true) => open = Some(vietnam_date(event.at)),
            (Some(requested), false) => {
                pauses.push(Pause { requested, received: Some(vietnam_date(event.at)) });
                open = None;
            }
            // Still waiting (back from a refused withdrawal), or still not waiting.
            _ => {}
        }
    }
    if let Some(requested) = open {
        pauses.push(Pause { requested, received: None });
    }
    pauses
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::{date, datetime};

    use super::*;
    use crate::dossier::status::{Actor, moves_from};
    use crate::dossier::timeline::TimelineError;

    use DossierStatus::*;

    /// A timeline built one move at a time, each step an instant later than the
    /// last, so that a test reads as the dossier's story.
    struct Story(Timeline);

    impl Story {
        fn submitted(at: OffsetDateTime) -> Self {
            Self(Timeline::begin(at, Submitted, Actor::System, None).unwrap())
        }

        fn then(mut self, at: OffsetDateTime, to: DossierStatus, actor: Actor) -> Self {
            self.0.record(at, to, actor, None).unwrap();
            self
        }

        fn clock(&self, days: u16, today: Date) -> Option<ClockState> {
            legal_clock(&self.0, days, today, HolidayCalendar::vietnam(), ClockRules::default()).unwrap()
        }
    }

    /// Submitted Monday 2 March 2026, accepted Tuesday 3 at 10:00 and processed
    /// at once. With 5 days, Wed 4 to Tue 10 count: due Tuesday 10 March.
    fn processing() -> Story {
        Story::submitted(datetime!(2026-03-02 09:00 +7))
            .then(datetime!(2026-03-03 10:00 +7), Accepted, Actor::Officer)
            .then(datetime!(2026-03-03 10:00 +7), Processing, Actor::System)
    }

    #[test]
    fn vietnam_dates_are_taken_at_utc_plus_seven() {
        assert_eq!(vietnam_date(datetime!(2026-03-06 16:59 UTC)), date!(2026 - 03 - 06));
        assert_eq!(vietnam_date(datetime!(2026-03-06 17:00 UTC)), date!(2026 - 03 - 07));
        assert_eq!(vietnam_date(datetime!(2026-03-07 00:30 +7)), date!(2026 - 03 - 07));
        // An instant written in Paris time in July (UTC+2) is the same instant.
        assert_eq!(vietnam_date(datetime!(2026-07-03 19:30 +2)), date!(2026 - 07 - 04));
    }

    #[test]
    fn there_is_no_clock_before_acceptance() {
        let story = Story::submitted(datetime!(2026-03-02 09:00 +7));
        assert_eq!(story.clock(5, date!(2026 - 03 - 20)), None);
        let draft = Timeline::begin(datetime!(2026-03-02 08:00 +7), Draft, Actor::Citizen, None).unwrap();
        let clock = legal_clock(&draft, 5, date!(2026 - 03 - 20), HolidayCalendar::vietnam(), ClockRules::default());
        assert_eq!(clock, Ok(None));
        assert_eq!(clock_stopped_on(&draft), None);
    }

    #[test]
    fn a_dossier_refused_at_intake_or_withdrawn_before_intake_never_has_a_clock() {
        let refused = Story::submitted(datetime!(2026-03-02 09:00 +7)).then(
            datetime!(2026-03-03 10:00 +7),
            RefusedAtIntake,
            Actor::Officer,
        );
        assert_eq!(refused.clock(5, date!(2026 - 03 - 20)), None);
        assert_eq!(clock_stopped_on(&refused.0), None);
        let withdrawn = Story::submitted(datetime!(2026-03-02 09:00 +7)).then(
            datetime!(2026-03-02 11:00 +7),
            Withdrawn,
            Actor::Citizen,
        );
        assert_eq!(withdrawn.clock(5, date!(2026 - 03 - 20)), None);
    }

    #[test]
    fn accepted_on_a_friday_evening_in_utc_that_is_saturday_in_vietnam() {
        // 18:00 UTC on Friday 9 January 2026 is 01:00 on Saturday 10 in Hà Nội.
        // That Saturday was a working day, made up for the swapped Friday 2, so
        // the day taken matters: accepted on Saturday, the count starts Monday 12
        // and 3 days are due Wednesday 14; taken in UTC, Friday would have been the
        // day of acceptance, Saturday day 1 and Tuesday 13 the due date.
        let story = Story::submitted(datetime!(2026-01-09 10:00 UTC)).then(
            datetime!(2026-01-09 18:00 UTC),
            Accepted,
            Actor::Officer,
        );
        let state = story.clock(3, date!(2026 - 01 - 12)).unwrap();
        assert_eq!(state.due, date!(2026 - 01 - 14));
        assert_eq!(state.working_days_left, 2);
    }

    #[test]
    fn a_running_clock_counts_from_the_day_after_acceptance() {
        let state = processing().clock(5, date!(2026 - 03 - 05)).unwrap();
        assert_eq!(state.due, date!(2026 - 03 - 10));
        assert_eq!(state.working_days_left, 3);
        assert!(!state.paused && !state.due_soon && !state.overdue);
        assert!(processing().clock(5, date!(2026 - 03 - 11)).unwrap().overdue);
        assert_eq!(clock_stopped_on(&processing().0), None);
    }

    #[test]
    fn a_supplement_pause_extends_the_due_date() {
        // Asked Thursday 5, received Monday 9: Thursday and Friday do not count,
        // so the due date moves from Tuesday 10 to Thursday 12.
        let story = processing().then(datetime!(2026-03-05 15:00 +7), SupplementRequested, Actor::Officer).then(
            datetime!(2026-03-09 08:00 +7),
            Processing,
            Actor::System,
        );
        let state = story.clock(5, date!(2026 - 03 - 09)).unwrap();
        assert_eq!(state.due, date!(2026 - 03 - 12));
        assert!(!state.paused);
        assert_eq!(state.working_days_left, 3);
    }

    #[test]
    fn while_the_supplement_is_awaited_the_clock_is_paused() {
        let story = processing().then(datetime!(2026-03-05 15:00 +7), SupplementRequested, Actor::Officer);
        // On Monday 16 the supplement is still awaited: Thursday 5 to Monday 16
        // are stopped, and if it arrives Tuesday 17 the dossier is due Friday 20.
        let state = story.clock(5, date!(2026 - 03 - 16)).unwrap();
        assert!(state.paused && !state.due_soon && !state.overdue);
        assert_eq!(state.due, date!(2026 - 03 - 20));
    }

    #[test]
    fn two_pauses_add_up() {
        // First pause Thursday 5 to Monday 9 (2 working days), second Tuesday 10 to
        // Thursday 12 (2 more): due Tuesday 10 + 4 working days = Monday 16.
        let story = processing()
            .then(datetime!(2026-03-05 15:00 +7), SupplementRequested, Actor::Officer)
            .then(datetime!(2026-03-09 08:00 +7), Processing, Actor::System)
            .then(datetime!(2026-03-10 09:00 +7), SupplementRequested, Actor::Officer)
            .then(datetime!(2026-03-12 14:00 +7), Processing, Actor::System);
        let state = story.clock(5, date!(2026 - 03 - 12)).unwrap();
        assert_eq!(state.due, date!(2026 - 03 - 16));
        assert!(!state.paused);
        assert_eq!(supplement_pauses(&story.0).len(), 2);
    }

    #[test]
    fn a_supplement_sent_the_day_it_was_asked_costs_no_day() {
        let story = processing().then(datetime!(2026-03-05 09:00 +7), SupplementRequested, Actor::Officer).then(
            datetime!(2026-03-05 16:00 +7),
            Processing,
            Actor::System,
        );
        assert_eq!(story.clock(5, date!(2026 - 03 - 06)).unwrap().due, date!(2026 - 03 - 10));
    }

    #[test]
    fn a_refused_withdrawal_does_not_interrupt_a_supplement_pause() {
        // Asked Thursday 5; the citizen asks to withdraw on Friday 6, the officer
        // refuses on Monday 9 and the supplement arrives Wednesday 11. The clock
        // stood still from Thursday 5 to Wednesday 11: 4 working days, due Monday 16.
        let story = processing()
            .then(datetime!(2026-03-05 15:00 +7), SupplementRequested, Actor::Officer)
            .then(datetime!(2026-03-06 09:00 +7), WithdrawalRequested, Actor::Citizen)
            .then(datetime!(2026-03-09 09:00 +7), SupplementRequested, Actor::Officer)
            .then(datetime!(2026-03-11 09:00 +7), Processing, Actor::System);
        assert_eq!(
            supplement_pauses(&story.0),
            [Pause { requested: date!(2026 - 03 - 05), received: Some(date!(2026 - 03 - 11)) }]
        );
        assert_eq!(story.clock(5, date!(2026 - 03 - 11)).unwrap().due, date!(2026 - 03 - 16));
    }

    #[test]
    fn a_withdrawal_request_while_processing_leaves_the_clock_running() {
        let story = processing().then(datetime!(2026-03-04 09:00 +7), WithdrawalRequested, Actor::Citizen).then(
            datetime!(2026-03-06 09:00 +7),
            Processing,
            Actor::Officer,
        );
        assert!(supplement_pauses(&story.0).is_empty());
        assert_eq!(story.clock(5, date!(2026 - 03 - 06)).unwrap().due, date!(2026 - 03 - 10));
    }

    #[test]
    fn a_refused_withdrawal_back_to_accepted_does_not_restart_the_clock() {
        let story = Story::submitted(datetime!(2026-03-02 09:00 +7))
            .then(datetime!(2026-03-03 10:00 +7), Accepted, Actor::Officer)
            .then(datetime!(2026-03-04 09:00 +7), WithdrawalRequested, Actor::Citizen)
            .then(datetime!(2026-03-06 09:00 +7), Accepted, Actor::Officer);
        assert_eq!(story.clock(5, date!(2026 - 03 - 06)).unwrap().due, date!(2026 - 03 - 10));
    }

    #[test]
    fn a_result_delivered_before_the_due_date_is_not_overdue_later() {
        let story = processing().then(datetime!(2026-03-09 16:00 +7), ResultReady, Actor::Officer).then(
            datetime!(2026-03-09 16:30 +7),
            ResultDelivered,
            Actor::System,
        );
        assert_eq!(clock_stopped_on(&story.0), Some(date!(2026 - 03 - 09)));
        for today in [date!(2026 - 03 - 09), date!(2026 - 03 - 11), date!(2026 - 12 - 31)] {
            let state = story.clock(5, today).unwrap();
            assert_eq!(state.due, date!(2026 - 03 - 10));
            assert!(!state.overdue && !state.due_soon && !state.paused, "{today}");
            // Finished with Tuesday still in hand.
            assert_eq!(state.working_days_left, 1);
        }
    }

    #[test]
    fn a_result_ready_on_time_but_collected_late_is_not_overdue() {
        let story = processing().then(datetime!(2026-03-10 11:00 +7), ResultReady, Actor::Officer).then(
            datetime!(2026-03-20 09:00 +7),
            ResultDelivered,
            Actor::Officer,
        );
        let state = story.clock(5, date!(2026 - 03 - 25)).unwrap();
        assert!(!state.overdue);
        // Still waiting for collection: the clock stopped all the same.
        let waiting = processing().then(datetime!(2026-03-10 11:00 +7), ResultReady, Actor::Officer);
        assert!(!waiting.clock(5, date!(2026 - 03 - 25)).unwrap().overdue);
    }

    #[test]
    fn a_result_ready_late_stays_overdue() {
        let story = processing().then(datetime!(2026-03-11 09:00 +7), ResultReady, Actor::Officer).then(
            datetime!(2026-03-11 10:00 +7),
            ResultDelivered,
            Actor::System,
        );
        let state = story.clock(5, date!(2026 - 04 - 01)).unwrap();
        assert!(state.overdue && !state.due_soon);
    }

    #[test]
    fn a_stopped_dossier_is_judged_on_the_day_it_stopped() {
        // Stopped while a supplement was awaited: the pause ends with the dossier.
        let story = processing().then(datetime!(2026-03-05 15:00 +7), SupplementRequested, Actor::Officer).then(
            datetime!(2026-03-13 15:00 +7),
            Stopped,
            Actor::Officer,
        );
        assert_eq!(clock_stopped_on(&story.0), Some(date!(2026 - 03 - 13)));
        let state = story.clock(5, date!(2026 - 06 - 01)).unwrap();
        assert!(!state.paused && !state.overdue && !state.due_soon);
        // Thursday 5 to Thursday 12 were stopped (6 working days): due Wednesday 18.
        assert_eq!(state.due, date!(2026 - 03 - 18));
    }

    #[test]
    fn a_granted_withdrawal_stops_the_clock_on_the_day_it_was_granted() {
        let story = processing().then(datetime!(2026-03-09 09:00 +7), WithdrawalRequested, Actor::Citizen).then(
            datetime!(2026-03-12 09:00 +7),
            Stopped,
            Actor::Officer,
        );
        let state = story.clock(5, date!(2026 - 03 - 30)).unwrap();
        // Thursday 12 is after Tuesday 10: the agency answered late, and it stays so.
        assert!(state.overdue);
        assert_eq!(clock_stopped_on(&story.0), Some(date!(2026 - 03 - 12)));
    }

    #[test]
    fn a_count_past_the_calendar_is_an_error() {
        let story = Story::submitted(datetime!(2030-12-20 09:00 +7)).then(
            datetime!(2030-12-20 10:00 +7),
            Accepted,
            Actor::Officer,
        );
        let clock = legal_clock(&story.0, 30, date!(2030 - 12 - 20), HolidayCalendar::vietnam(), ClockRules::default());
        assert_eq!(clock.unwrap_err().to_string(), "calendar.not_covered");
    }

    /// A random walk through the lifecycle: at each step, one of the allowed
    /// moves out of the current status, by one of its actors, some hours later.
    /// Moves the timeline refuses (a refused withdrawal landing elsewhere) are
    /// skipped, so what remains is a timeline the app could really hold.
    fn walk(choices: &[(usize, usize, i64)]) -> Timeline {
        let mut at = datetime!(2026-01-05 08:00 +7);
        let mut timeline = Timeline::begin(at, Submitted, Actor::System, None).unwrap();
        for &(mv, actor, hours) in choices {
            let moves: Vec<_> = moves_from(timeline.status()).collect();
            if moves.is_empty() {
                break;
            }
            let chosen = moves[mv % moves.len()];
            at += time::Duration::hours(hours);
            match timeline.record(at, chosen.to, chosen.actors[actor % chosen.actors.len()], None) {
                Ok(_) | Err(TimelineError::WithdrawalReturn { .. }) => {}
                Err(other) => panic!("{other}"),
            }
        }
        timeline
    }

    proptest! {
        #[test]
        fn every_real_timeline_has_a_clock_exactly_once_accepted_and_it_never_fails(
            choices in proptest::collection::vec((0usize..8, 0usize..3, 0i64..120), 0..40),
            days in 0u16..=30,
            today_offset in 0i64..400,
        ) {
            let timeline = walk(&choices);
            let today = date!(2026 - 01 - 05).saturating_add(time::Duration::days(today_offset));
            let clock = legal_clock(&timeline, days, today, HolidayCalendar::vietnam(), ClockRules::default());
            let clock = clock.unwrap();
            let accepted = timeline.first_entered(Accepted);
            prop_assert_eq!(clock.is_some(), accepted.is_some());
            if let (Some(state), Some(accepted)) = (clock, accepted) {
                prop_assert!(state.due >= vietnam_date(accepted.at));
                prop_assert!(!(state.due_soon && state.overdue));
                if clock_stopped_on(&timeline).is_some() {
                    prop_assert!(!state.paused && !state.due_soon);
                    // A stopped clock no longer depends on the day it is read.
                    let later = date!(2027 - 06 - 01);
                    let calendar = HolidayCalendar::vietnam();
                    prop_assert_eq!(legal_clock(&timeline, days, later, calendar, ClockRules::default()), Ok(Some(state)));
                }
            }
            let pauses = supplement_pauses(&timeline);
            prop_assert!(pauses.windows(2).all(|pair| pair[0].received.is_some_and(|end| end <= pair[1].requested)));
            prop_assert!(pauses.iter().rev().skip(1).all(|pause| pause.received.is_some()));
        }
    }
}
