//! Shared pieces every screen uses, so each looks and behaves alike (GOV.UK
//! Design System patterns):
//!
//! - [`feedback`]: [`ErrorSummary`] (links to the answers to fix, focused when
//!   it appears), [`ErrorNotice`] (a command's error in words, with "try
//!   again"), [`Notice`] (information, success or a warning, never by colour alone).
//! - [`tags`]: [`StatusTag`] (a dossier status) and [`OutboxTag`] (an outbox
//!   item's state), words first, colour second.
//! - [`time`]: [`LastSaved`] and [`Moment`] ("3 minutes ago" with the exact time).
//! - [`actions`]: [`Confirm`] (a destructive action behind "what will be
//!   lost"), [`BackLink`], and `focus_element`.
//!
//! Buttons and links are plain elements with the style sheet's classes:
//! `button` (primary), `button button--secondary`, `button button--warning`,
//! `link-button` (a button that looks like a link), grouped in
//! `<div class="button-group">`. Every one is at least 44 px tall.

pub mod actions;
pub mod feedback;
pub mod tags;
pub mod time;

pub use actions::{BackLink, Confirm, focus_element};
pub use feedback::{ErrorLink, ErrorNotice, ErrorSummary, Notice, NoticeTone};
pub use tags::{OutboxTag, StatusTag};
pub use time::{LastSaved, Moment};
