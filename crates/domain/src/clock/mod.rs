//! Time as the law counts it: the calendar of working days ([`calendar`]) and
//! the legal clock of a dossier ([`legal`]).
//!
//! Nothing here reads the system clock: callers pass `today`.

pub mod calendar;
pub mod legal;

pub use calendar::{CalendarError, DayOff, DayOffKind, HolidayCalendar, NotCovered, Schedule, WorkingDay};
pub use legal::{ClockError, ClockRules, ClockState, Pause, clock_state};
