//! The dossier lifecycle: its statuses, who may move a dossier between them
//! ([`status`]), and the timeline that records each move ([`timeline`]).
//!
//! The legal clock that runs while a dossier is processed is counted by
//! [`crate::clock`]; its inputs, the day of valid acceptance and the supplement
//! pauses, are what a timeline records, and [`clock`] reads them from it.

pub mod clock;
pub mod status;
pub mod timeline;

pub use clock::{VIETNAM_OFFSET, clock_stopped_on, legal_clock, vietnam_date};

pub use status::{
    Actor, DossierStatus, StatusCodeError, TRANSITIONS, Transition, TransitionError, moves_from, transition,
};
pub use timeline::{ENTRIES, Timeline, TimelineError, TimelineEvent};
