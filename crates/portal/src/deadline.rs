//! A dossier's legal clock as the API shows it: the domain's count of working
//! days from valid acceptance, with supplement pauses, judged on the
//! [`crate::clock::Clock`]'s today against the procedure's processing time and
//! Vietnam's holiday calendar. Nothing about it is stored; it is derived from
//! the timeline on every read, so it can never disagree with it.

use hoso_domain::catalogue::ProcedureCode;
use hoso_domain::clock::{ClockRules, HolidayCalendar};
use hoso_domain::dossier::{DossierStatus, Timeline, legal_clock, vietnam_date};
use hoso_protocol::api::dossier::LegalClock;
use sqlx::AnyPool;
use time::Date;

use crate::{PortalError, catalogue, lifecycle};

/// The legal clock of `timeline` with `processing_days` working days to
/// deliver, on `today`; `None` before valid acceptance, or when the calendar
/// does not reach the days the count needs (logged, since the calendar must
/// then be extended).
pub fn clock_of(timeline: &Timeline, processing_days: u16, today: Date) -> Option<LegalClock> {
    let accepted = timeline.first_entered(DossierStatus::Accepted)?;
    match legal_clock(timeline, processing_days, today, HolidayCalendar::vietnam(), ClockRules::default()) {
        Ok(state) => state.map(|state| LegalClock {
            accepted_on: vietnam_date(accepted.at),
            processing_days,
            due_on: state.due,
            paused: state.paused,
            due_soon: state.due_soon,
            overdue: state.overdue,
        }),
        Err(error) => {
            tracing::warn!(%error, "the legal clock cannot be computed; the holiday calendar needs extending");
            None
        }
    }
}

/// Whether a dossier in `status` may have been accepted, so that its clock is
/// worth reading the timeline for.
pub fn may_have_a_clock(status: DossierStatus) -> bool {
    !matches!(
        status,
        DossierStatus::Draft
            | DossierStatus::Queued
            | DossierStatus::Submitted
            | DossierStatus::RefusedAtIntake
            | DossierStatus::Withdrawn
    )
}

/// The legal clock of stored dossier `code` on `today`.
pub async fn clock_for(
    pool: &AnyPool,
    code: &str,
    procedure: &ProcedureCode,
    status: DossierStatus,
    today: Date,
) -> Result<Option<LegalClock>, PortalError> {
    if !may_have_a_clock(status) {
        return Ok(None);
    }
    let Some(days) =
        catalogue::procedure(pool, procedure).await?.and_then(|p| p.online_channel().map(|c| c.processing_days))
    else {
        return Ok(None);
    };
    let timeline = lifecycle::load_timeline(pool, code).await?;
    Ok(clock_of(&timeline, days, today))
}

#[cfg(test)]
mod tests {
    use hoso_domain::dossier::Actor;
    use time::macros::{date, datetime};

    use super::*;

    fn accepted_on_tuesday_3_march() -> Timeline {
        let mut timeline =
            Timeline::begin(datetime!(2026-03-02 09:00 +7), DossierStatus::Submitted, Actor::System, None).unwrap();
        timeline.record(datetime!(2026-03-03 10:00 +7), DossierStatus::Accepted, Actor::Officer, None).unwrap();
        timeline.record(datetime!(2026-03-03 10:05 +7), DossierStatus::Processing, Actor::Officer, None).unwrap();
        timeline
    }

    #[test]
    fn there_is_no_clock_before_valid_acceptance() {
        let timeline =
            Timeline::begin(datetime!(2026-03-02 09:00 +7), DossierStatus::Submitted, Actor::System, None).unwrap();
        assert_eq!(clock_of(&timeline, 5, date!(2026 - 03 - 10)), None);
        assert!(!may_have_a_clock(DossierStatus::Submitted));
        assert!(may_have_a_clock(DossierStatus::Processing));
    }

    #[test]
    fn the_clock_counts_working_days_from_the_day_after_acceptance() {
        // Accepted Tuesday 3 March 2026: Wednesday to Friday, then Monday and
        // Tuesday are the five working days, so 10 March is due.
        let clock = clock_of(&accepted_on_tuesday_3_march(), 5, date!(2026 - 03 - 04)).unwrap();
        assert_eq!(clock.accepted_on, date!(2026 - 03 - 03));
        assert_eq!(clock.due_on, date!(2026 - 03 - 10));
        assert_eq!((clock.paused, clock.overdue, clock.processing_days), (false, false, 5));
        let late = clock_of(&accepted_on_tuesday_3_march(), 5, date!(2026 - 03 - 11)).unwrap();
        assert!(late.overdue);
    }

    #[test]
    fn a_supplement_request_pauses_the_clock_and_pushes_the_due_date() {
        let mut timeline = accepted_on_tuesday_3_march();
        let running = clock_of(&timeline, 5, date!(2026 - 03 - 05)).unwrap();
        timeline
            .record(datetime!(2026-03-05 09:00 +7), DossierStatus::SupplementRequested, Actor::Officer, None)
            .unwrap();
        let paused = clock_of(&timeline, 5, date!(2026 - 03 - 09)).unwrap();
        assert!(paused.paused);
        assert!(paused.due_on > running.due_on, "{paused:?} after {running:?}");
    }
}
