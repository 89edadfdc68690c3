//! The legal clock of a dossier: when the agency must deliver, and whether
//! that is near or past.
//!
//! The processing time is a number of working days counted from *valid
//! acceptance*, not from submission. The day of acceptance is not counted:
//! the count starts on the next working day. While a supplement is requested
//! the clock stops, so every working day inside a pause pushes the due date
//! back by one. Everything is computed from the inputs by [`clock_state`];
//! nothing is stored or read from the system clock.

use serde::{Deserialize, Serialize};
use time::Date;

use super::calendar::{HolidayCalendar, NotCovered};

/// A supplement request: the clock stops on `requested` and runs again on
/// `received`, the interval `[requested, received)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub requested: Date,
    /// `None` while the citizen's supplement has not arrived.
    pub received: Option<Date>,
}

/// The knobs of the clock that are policy rather than law.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockRules {
    /// A running clock with this many working days left or fewer is due soon.
    pub due_soon_within: u32,
}

impl Default for ClockRules {
    fn default() -> Self {
        Self { due_soon_within: 2 }
    }
}

/// Where the clock stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockState {
    /// The last day on which the result is on time. While a supplement is
    /// awaited it assumes the supplement arrives the next day, so it is the
    /// earliest the due date can still be.
    pub due: Date,
    /// A supplement is awaited today: the clock is stopped.
    pub paused: bool,
    /// The clock runs and at most [`ClockRules::due_soon_within`] working days are left.
    pub due_soon: bool,
    /// Today is after the due date.
    pub overdue: bool,
    /// Working days the clock still counts after today, up to the due date.
    pub working_days_left: u32,
}

/// Why the clock cannot be computed; a machine code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// The calendar does not reach a day the count needs (`calendar.not_covered`).
    #[error(transparent)]
    NotCovered(#[from] NotCovered),
    /// A pause ends before it starts.
    #[error("clock.pause_reversed")]
    PauseReversed(Pause),
    /// A pause starts before the dossier was accepted, when no clock was running.
    #[error("clock.pause_before_acceptance")]
    PauseBeforeAcceptance(Pause),
}

/// The days on which the clock is stopped, as seen on `today`.
struct Pauses<'a> {
    pauses: &'a [Pause],
    today: Date,
}

impl Pauses<'_> {
    fn stops(&self, day: Date) -> bool {
        self.pauses.iter().any(|pause| {
            // An open pause is taken to end tomorrow: the best the citizen can still do.
            let end = pause.received.unwrap_or_else(|| self.today.next_day().unwrap_or(self.today));
            pause.requested <= day && day < end
        })
    }

    fn open_on(&self, day: Date) -> bool {
        self.pauses.iter().any(|pause| pause.requested <= day && pause.received.is_none_or(|received| day < received))
    }
}

/// Computes the legal clock of a dossier accepted on `accepted_on` with
/// `processing_days` working days to deliver, stopped by `pauses`, as it
/// stands on `today`.
pub fn clock_state(
    accepted_on: Date,
    processing_days: u16,
    pauses: &[Pause],
    today: Date,
    calendar: &HolidayCalendar,
    rules: ClockRules,
) -> Result<ClockState, ClockError> {
    for pause in pauses {
        if pause.received.is_some_and(|received| received < pause.requested) {
            return Err(ClockError::PauseReversed(*pause));
        }
        if pause.requested < accepted_on {
            return Err(ClockError::PauseBeforeAcceptance(*pause));
        }
    }
    let stopped = Pauses { pauses, today };
    let counts = |day: Date| -> Result<bool, NotCovered> { Ok(calendar.is_working_day(day)? && !stopped.stops(day)) };

    let mut due = accepted_on;
    for _ in 0..processing_days {
        due = next_counted(due, &counts)?;
    }

    let mut working_days_left = 0;
    let mut day = today.max(accepted_on);
    while day < due {
        day = next_counted(day, &counts)?;
        working_days_left += 1;
    }

    let paused = stopped.open_on(today);
    let overdue = today > due;
    let due_soon = !paused && !overdue && working_days_left <= rules.due_soon_within;
    Ok(ClockState { due, paused, due_soon, overdue, working_days_left })
}

/// The first day after `day` on which the clock counts.
fn next_counted(mut day: Date, counts: &impl Fn(Date) -> Result<bool, NotCovered>) -> Result<Date, NotCovered> {
    loop {
        // Each step either counts or reaches the edge of the calendar, which errs: the loop ends.
        day = day.next_day().ok_or(NotCovered { date: day })?;
        if counts(day)? {
            return Ok(day);
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::collection::vec;
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;

    fn clock(accepted_on: Date, days: u16, pauses: &[Pause], today: Date) -> ClockState {
        clock_state(accepted_on, days, pauses, today, HolidayCalendar::vietnam(), ClockRules::default()).unwrap()
    }

    fn due(accepted_on: Date, days: u16) -> Date {
        clock(accepted_on, days, &[], accepted_on).due
    }

    #[test]
    fn the_count_starts_the_day_after_acceptance() {
        // Monday 3 March 2025: Tuesday is day 1.
        assert_eq!(due(date!(2025 - 03 - 03), 1), date!(2025 - 03 - 04));
        assert_eq!(due(date!(2025 - 03 - 03), 3), date!(2025 - 03 - 06));
    }

    #[test]
    fn weekends_are_not_counted() {
        // Wednesday 5 March 2025 + 5 working days: Thu, Fri, Mon, Tue, Wed.
        assert_eq!(due(date!(2025 - 03 - 05), 5), date!(2025 - 03 - 12));
        assert_eq!(due(date!(2025 - 03 - 05), 10), date!(2025 - 03 - 19));
    }

    #[test]
    fn acceptance_on_a_friday_counts_from_monday() {
        assert_eq!(due(date!(2025 - 03 - 07), 1), date!(2025 - 03 - 10));
        assert_eq!(due(date!(2025 - 03 - 07), 3), date!(2025 - 03 - 12));
    }

    #[test]
    fn tet_2026_is_not_counted() {
        // Friday 13 February 2026; the next working day is Monday 23 February,
        // after the weekend, the five days of Tết (16–20) and another weekend.
        assert_eq!(due(date!(2026 - 02 - 13), 1), date!(2026 - 02 - 23));
        assert_eq!(due(date!(2026 - 02 - 13), 3), date!(2026 - 02 - 25));
        // Accepted on Wednesday 11: Thursday, Friday, then Monday 23.
        assert_eq!(due(date!(2026 - 02 - 11), 3), date!(2026 - 02 - 23));
    }

    #[test]
    fn acceptance_on_a_holiday_counts_from_the_next_working_day() {
        // Accepted on mùng 1 Tết, 17 February 2026.
        assert_eq!(due(date!(2026 - 02 - 17), 1), date!(2026 - 02 - 23));
        assert_eq!(due(date!(2026 - 02 - 17), 2), date!(2026 - 02 - 24));
        // Accepted on a Sunday.
        assert_eq!(due(date!(2025 - 03 - 09), 1), date!(2025 - 03 - 10));
    }

    #[test]
    fn a_working_saturday_is_counted() {
        // Saturday 10 January 2026 made up for the swapped Friday 2 January.
        assert_eq!(due(date!(2026 - 01 - 09), 1), date!(2026 - 01 - 10));
        assert_eq!(due(date!(2025 - 12 - 31), 1), date!(2026 - 01 - 05));
    }

    #[test]
    fn zero_processing_days_are_due_on_the_day_of_acceptance() {
        assert_eq!(due(date!(2025 - 03 - 05), 0), date!(2025 - 03 - 05));
    }

    #[test]
    fn a_pause_pushes_the_due_date_back_by_its_working_days() {
        // Accepted Monday 3 March 2025, 5 days: due Monday 10 without a pause.
        assert_eq!(due(date!(2025 - 03 - 03), 5), date!(2025 - 03 - 10));
        // Supplement asked Wednesday 5, received Monday 10: Wed, Thu and Fri do not count.
        let pause = Pause { requested: date!(2025 - 03 - 05), received: Some(date!(2025 - 03 - 10)) };
        let state = clock(date!(2025 - 03 - 03), 5, &[pause], date!(2025 - 03 - 11));
        assert_eq!(state.due, date!(2025 - 03 - 13));
        assert!(!state.paused);
        assert_eq!(state.working_days_left, 2);
    }

    #[test]
    fn a_pause_over_a_weekend_only_adds_its_working_days() {
        // Asked Friday 7, received Tuesday 11: only Friday and Monday are lost.
        let pause = Pause { requested: date!(2025 - 03 - 07), received: Some(date!(2025 - 03 - 11)) };
        let state = clock(date!(2025 - 03 - 03), 5, &[pause], date!(2025 - 03 - 03));
        assert_eq!(state.due, date!(2025 - 03 - 12));
    }

    #[test]
    fn overlapping_pauses_stop_the_clock_once() {
        let pauses = [
            Pause { requested: date!(2025 - 03 - 05), received: Some(date!(2025 - 03 - 07)) },
            Pause { requested: date!(2025 - 03 - 06), received: Some(date!(2025 - 03 - 10)) },
        ];
        assert_eq!(clock(date!(2025 - 03 - 03), 5, &pauses, date!(2025 - 03 - 03)).due, date!(2025 - 03 - 13));
    }

    #[test]
    fn while_a_supplement_is_awaited_the_clock_is_paused_and_never_due_soon() {
        let pause = Pause { requested: date!(2025 - 03 - 05), received: None };
        // On Friday 7 the supplement is still awaited: Wed, Thu, Fri are stopped and it
        // may arrive Monday 10, which would make the due date Thursday 13.
        let state = clock(date!(2025 - 03 - 03), 5, &[pause], date!(2025 - 03 - 07));
        assert!(state.paused);
        assert_eq!(state.due, date!(2025 - 03 - 13));
        assert!(!state.due_soon && !state.overdue);
        // A week later, still waiting: the due date keeps moving.
        let state = clock(date!(2025 - 03 - 03), 5, &[pause], date!(2025 - 03 - 14));
        assert!(state.paused);
        assert_eq!(state.due, date!(2025 - 03 - 20));
    }

    #[test]
    fn a_pause_requested_after_the_due_date_does_not_excuse_the_delay() {
        let pause = Pause { requested: date!(2025 - 03 - 12), received: None };
        let state = clock(date!(2025 - 03 - 03), 5, &[pause], date!(2025 - 03 - 14));
        assert_eq!(state.due, date!(2025 - 03 - 10));
        assert!(state.paused && state.overdue && !state.due_soon);
    }

    #[test]
    fn due_soon_with_two_working_days_left_or_fewer() {
        // Accepted Monday 3 March 2025, 5 days: due Monday 10.
        let on = |today| clock(date!(2025 - 03 - 03), 5, &[], today);
        assert_eq!(on(date!(2025 - 03 - 05)).working_days_left, 3);
        assert!(!on(date!(2025 - 03 - 05)).due_soon);
        assert_eq!(on(date!(2025 - 03 - 06)).working_days_left, 2);
        assert!(on(date!(2025 - 03 - 06)).due_soon);
        // Over the weekend, one day is left: Monday.
        assert_eq!(on(date!(2025 - 03 - 08)).working_days_left, 1);
        // On the due date itself, nothing is left but it is not late yet.
        let last_day = on(date!(2025 - 03 - 10));
        assert_eq!(last_day.working_days_left, 0);
        assert!(last_day.due_soon && !last_day.overdue);
    }

    #[test]
    fn the_due_soon_threshold_is_configurable() {
        let rules = ClockRules { due_soon_within: 3 };
        let calendar = HolidayCalendar::vietnam();
        let state = clock_state(date!(2025 - 03 - 03), 5, &[], date!(2025 - 03 - 05), calendar, rules).unwrap();
        assert!(state.due_soon);
        let rules = ClockRules { due_soon_within: 0 };
        let state = clock_state(date!(2025 - 03 - 03), 5, &[], date!(2025 - 03 - 07), calendar, rules).unwrap();
        assert!(!state.due_soon);
    }

    #[test]
    fn after_the_due_date_the_dossier_is_overdue() {
        let state = clock(date!(2025 - 03 - 03), 5, &[], date!(2025 - 03 - 11));
        assert!(state.overdue && !state.due_soon);
        assert_eq!(state.working_days_left, 0);
        // A weekend after the due date is still late.
        assert!(clock(date!(2025 - 03 - 03), 4, &[], date!(2025 - 03 - 08)).overdue);
    }

    #[test]
    fn a_count_past_the_calendar_is_an_error() {
        let err = clock_state(
            date!(2030 - 12 - 20),
            30,
            &[],
            date!(2030 - 12 - 20),
            HolidayCalendar::vietnam(),
            ClockRules::default(),
        );
        assert_eq!(err.unwrap_err().to_string(), "calendar.not_covered");
    }

    #[test]
    fn a_reversed_pause_or_one_before_acceptance_is_refused() {
        let calendar = HolidayCalendar::vietnam();
        let reversed = Pause { requested: date!(2025 - 03 - 06), received: Some(date!(2025 - 03 - 05)) };
        let err =
            clock_state(date!(2025 - 03 - 03), 5, &[reversed], date!(2025 - 03 - 07), calendar, ClockRules::default());
        assert_eq!(err.unwrap_err().to_string(), "clock.pause_reversed");
        let early = Pause { requested: date!(2025 - 03 - 01), received: None };
        let err =
            clock_state(date!(2025 - 03 - 03), 5, &[early], date!(2025 - 03 - 07), calendar, ClockRules::default());
        assert_eq!(err.unwrap_err().to_string(), "clock.pause_before_acceptance");
    }

    fn covered_date() -> impl Strategy<Value = Date> {
        let first = date!(2024 - 01 - 01).to_julian_day();
        let last = date!(2030 - 12 - 31).to_julian_day();
        (first..=last).prop_map(|day| Date::from_julian_day(day).unwrap())
    }

    fn pause_after(accepted_on: Date) -> impl Strategy<Value = Pause> {
        (0..90i64, 0..30i64, any::<bool>()).prop_map(move |(start, length, open)| {
            let requested = accepted_on.saturating_add(time::Duration::days(start));
            Pause { requested, received: (!open).then(|| requested.saturating_add(time::Duration::days(length))) }
        })
    }

    proptest! {
        #[test]
        fn the_clock_never_panics_and_is_never_due_before_acceptance(
            (accepted_on, pauses) in covered_date().prop_flat_map(|d| (Just(d), vec(pause_after(d), 0..3))),
            processing_days in 0u16..=60,
            today in covered_date(),
        ) {
            let calendar = HolidayCalendar::vietnam();
            match clock_state(accepted_on, processing_days, &pauses, today, calendar, ClockRules::default()) {
                Ok(state) => {
                    prop_assert!(state.due >= accepted_on);
                    prop_assert!(state.due - accepted_on >= time::Duration::days(i64::from(processing_days)));
                    if processing_days > 0 {
                        prop_assert!(calendar.is_working_day(state.due).unwrap());
                    }
                    prop_assert!(!(state.due_soon && state.overdue));
                }
                // Only a count that runs off the end of the calendar may fail.
                Err(err) => prop_assert!(
                    matches!(err, ClockError::NotCovered(_)) && (accepted_on.year() == 2030 || today.year() == 2030),
                    "{err:?}"
                ),
            }
        }
    }
}
