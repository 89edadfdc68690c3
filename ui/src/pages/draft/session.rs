//! What the wizard remembers between its screens while the page lives: the
//! latest answers of each open draft (so the next screen never shows an
//! older copy while a save is still on its way), which drafts the person
//! already chose to resume or restart, and whether "change" on "check your
//! answers" brought them to a page (so "continue" takes them back there).
//! The page a person was on is kept in local storage, since it is not
//! personal data and helps after a restart.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::state::{preference, set_preference};

thread_local! {
    static LATEST: RefCell<HashMap<String, Value>> = RefCell::new(HashMap::new());
    static DECIDED: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
    static RETURN_TO_CHECK: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The answers last typed into draft `id` in this page's life.
pub fn latest(id: &str) -> Option<Value> {
    LATEST.with(|l| l.borrow().get(id).cloned())
}

pub fn remember(id: &str, data: &Value) {
    LATEST.with(|l| l.borrow_mut().insert(id.to_owned(), data.clone()));
}

/// Forgets a draft that was submitted or deleted.
pub fn forget(id: &str) {
    LATEST.with(|l| l.borrow_mut().remove(id));
    DECIDED.with(|d| d.borrow_mut().remove(id));
}

/// Whether the person already answered "continue or start again" for `id`.
pub fn decided(id: &str) -> bool {
    DECIDED.with(|d| d.borrow().contains(id))
}

pub fn decide(id: &str) {
    DECIDED.with(|d| d.borrow_mut().insert(id.to_owned()));
}

/// Notes that "change" on check your answers led to a page of `id`.
pub fn set_return_to_check(id: &str) {
    RETURN_TO_CHECK.with(|r| *r.borrow_mut() = Some(id.to_owned()));
}

/// Whether "continue" should go back to check your answers; clears the note.
pub fn take_return_to_check(id: &str) -> bool {
    RETURN_TO_CHECK.with(|r| r.borrow_mut().take()).as_deref() == Some(id)
}

fn page_key(id: &str) -> String {
    format!("hoso.draft.{id}.page")
}

/// The page of draft `id` the person was last on.
pub fn last_page(id: &str) -> Option<usize> {
    preference(&page_key(id))?.parse().ok()
}

pub fn set_last_page(id: &str, page: usize) {
    set_preference(&page_key(id), &page.to_string());
}
