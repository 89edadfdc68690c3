//! The demo's virtual clock: real time plus an offset that only grows (until
//! a reset), so a support officer can jump hours or days ahead and every
//! dossier time, legal clock and due date follows.

use std::sync::atomic::{AtomicI64, Ordering};

use time::{Duration, OffsetDateTime};

use crate::clock::Clock;

/// Real time, `ahead` seconds later.
#[derive(Debug, Default)]
pub struct VirtualClock {
    ahead: AtomicI64,
}

impl VirtualClock {
    pub fn new(ahead_seconds: i64) -> Self {
        Self { ahead: AtomicI64::new(ahead_seconds) }
    }

    /// How far ahead of real time the clock is, in seconds.
    pub fn ahead_seconds(&self) -> i64 {
        self.ahead.load(Ordering::SeqCst)
    }

    /// Moves the clock so that it reads at least `at`; it never goes back.
    pub fn move_to(&self, at: OffsetDateTime) {
        // Rounded up, so the clock reads `at` or later, never a moment before.
        let lead = at - OffsetDateTime::now_utc();
        let needed = lead.whole_seconds() + i64::from(lead.subsec_nanoseconds() > 0);
        self.ahead.fetch_max(needed, Ordering::SeqCst);
    }

    /// Back to real time.
    pub fn reset(&self) {
        self.ahead.store(0, Ordering::SeqCst);
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + Duration::seconds(self.ahead_seconds())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_virtual_clock_moves_forward_only_and_resets_to_real_time() {
        let clock = VirtualClock::new(0);
        let day_later = OffsetDateTime::now_utc() + Duration::days(1);
        clock.move_to(day_later);
        assert!(clock.now() >= day_later);
        assert!((clock.ahead_seconds() - 86_400).abs() <= 2, "{}", clock.ahead_seconds());
        clock.move_to(OffsetDateTime::now_utc() - Duration::days(3));
        assert!(clock.now() >= day_later, "moving to the past must not go back");
        clock.reset();
        assert_eq!(clock.ahead_seconds(), 0);
    }
}
