//! The portal's one reading of "now" for dossiers: when a move happens and
//! which Vietnamese day the legal clock is judged on.
//!
//! Everything about a dossier's time goes through [`Clock`], held in the
//! application state, so a virtual clock (the demo simulator's) can replace the
//! real one without touching the code that asks.

use std::sync::Arc;

use time::{Date, OffsetDateTime};

/// Where the portal learns the time.
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> OffsetDateTime;

    /// Today's civil date in Vietnam, the day the legal clock is judged on.
    fn today(&self) -> Date {
        hoso_domain::dossier::vietnam_date(self.now())
    }

    /// The current instant in whole Unix seconds, as timestamps are stored.
    fn unix_seconds(&self) -> i64 {
        self.now().unix_timestamp()
    }
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// The clock the application state shares between requests.
pub type SharedClock = Arc<dyn Clock>;

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    struct Fixed(OffsetDateTime);

    impl Clock for Fixed {
        fn now(&self) -> OffsetDateTime {
            self.0
        }
    }

    #[test]
    fn today_is_the_date_in_vietnam_not_in_utc() {
        // 18:30 UTC on 1 March is already 01:30 on 2 March in Hà Nội.
        let clock = Fixed(datetime!(2026-03-01 18:30 UTC));
        assert_eq!(clock.today(), date!(2026 - 03 - 02));
        assert_eq!(clock.unix_seconds(), datetime!(2026-03-01 18:30 UTC).unix_timestamp());
    }
}
