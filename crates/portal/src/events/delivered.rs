//! Which changes a stream has already sent, so that the switch-over from the
//! backlog to live signals (and every re-read after a lag) sends each change
//! once. A set rather than one cursor, because on PostgreSQL rows can commit
//! out of cursor order: a live change below the highest cursor sent may be new.

use std::collections::BTreeSet;

/// How many recent cursors a stream remembers; below them, everything counts
/// as sent.
const REMEMBERED: usize = 4096;

#[derive(Debug)]
pub struct Delivered {
    /// Every cursor at or below this counts as sent (or as before the point
    /// the client resumed from).
    floor: i64,
    recent: BTreeSet<i64>,
}

impl Delivered {
    /// Nothing sent yet; the client already has everything up to `cursor`.
    pub fn after(cursor: i64) -> Self {
        Self { floor: cursor, recent: BTreeSet::new() }
    }

    /// The highest cursor sent (or resumed from): the backlog is read after it.
    pub fn last(&self) -> i64 {
        self.recent.last().copied().unwrap_or(self.floor).max(self.floor)
    }

    /// Records `seq` as sent; `false` if it was sent before (or lies below
    /// what the client already has), so it must not be sent again.
    pub fn first_time(&mut self, seq: i64) -> bool {
        if seq <= self.floor || !self.recent.insert(seq) {
            return false;
        }
        if self.recent.len() > REMEMBERED
            && let Some(oldest) = self.recent.pop_first()
        {
            self.floor = oldest;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_is_sent_once_however_often_it_is_seen() {
        let mut delivered = Delivered::after(0);
        assert!(delivered.first_time(3));
        assert!(!delivered.first_time(3));
        assert_eq!(delivered.last(), 3);
    }

    #[test]
    fn changes_up_to_the_resumption_cursor_are_never_sent() {
        let mut delivered = Delivered::after(10);
        assert!(!delivered.first_time(10));
        assert!(!delivered.first_time(4));
        assert_eq!(delivered.last(), 10);
        assert!(delivered.first_time(11));
    }

    #[test]
    fn a_change_committed_out_of_cursor_order_is_still_sent() {
        let mut delivered = Delivered::after(0);
        assert!(delivered.first_time(7));
        assert!(delivered.first_time(6), "6 committed after 7 is new");
        assert!(!delivered.first_time(6));
        assert_eq!(delivered.last(), 7);
    }

    #[test]
    fn memory_is_bounded_and_forgotten_cursors_count_as_sent() {
        let mut delivered = Delivered::after(0);
        for seq in 1..=i64::try_from(REMEMBERED).unwrap() + 10 {
            assert!(delivered.first_time(seq));
        }
        assert_eq!(delivered.recent.len(), REMEMBERED);
        assert!(!delivered.first_time(1));
        assert!(!delivered.first_time(10));
    }
}
