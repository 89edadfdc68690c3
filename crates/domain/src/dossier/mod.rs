//! The dossier lifecycle: its statuses, who may move a dossier between them
//! ([`status`]), and the timeline that records each move ([`timeline`]).
//!
//! The legal clock that runs while a dossier is processed lives in
//! [`crate::clock`]; its inputs, the day of valid acceptance and the supplement
//! pauses, are what a timeline records.

pub mod status;
pub mod timeline;

pub use status::{
    Actor, DossierStatus, StatusCodeError, TRANSITIONS, Transition, TransitionError, moves_from, transition,
};
pub use timeline::{ENTRIES, Timeline, TimelineError, TimelineEvent};
