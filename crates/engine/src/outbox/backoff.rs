//! How long to wait before the next attempt after a network failure: doubling
//! from two seconds up to ten minutes, with jitter so a thousand phones that
//! lost the network together do not come back together.

use std::time::Duration;

const BASE: Duration = Duration::from_secs(2);
const CAP: Duration = Duration::from_secs(600);

/// The wait after `failures` consecutive failures (1 for the first), given
/// `jitter` in `[0, 1)`: between half and all of the exponential step
/// ("equal jitter"), so the wait never collapses to zero.
pub fn backoff(failures: u32, jitter: f64) -> Duration {
    let exponent = failures.saturating_sub(1).min(16);
    let step = BASE.saturating_mul(1 << exponent).min(CAP);
    let jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.0 };
    step / 2 + step.mul_f64(jitter / 2.0)
}

/// A uniform number in `[0, 1)` from the OS; `0.5` if it cannot answer,
/// which only costs some spread.
pub(crate) fn os_jitter() -> f64 {
    let mut bytes = [0u8; 4];
    match getrandom::fill(&mut bytes) {
        Ok(()) => f64::from(u32::from_le_bytes(bytes)) / (f64::from(u32::MAX) + 1.0),
        Err(_) => 0.5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_retry_waits_between_one_and_two_seconds() {
        assert_eq!(backoff(1, 0.0), Duration::from_secs(1));
        assert!(backoff(1, 0.999) < Duration::from_secs(2));
    }

    #[test]
    fn each_failure_doubles_the_wait() {
        assert_eq!(backoff(2, 0.0), Duration::from_secs(2));
        assert_eq!(backoff(3, 0.0), Duration::from_secs(4));
        assert_eq!(backoff(4, 0.5), Duration::from_secs(12));
    }

    #[test]
    fn the_wait_stops_growing_at_ten_minutes() {
        assert_eq!(backoff(40, 0.999_999).as_secs(), 599);
        assert_eq!(backoff(u32::MAX, 0.0), Duration::from_secs(300));
    }

    #[test]
    fn jitter_out_of_range_is_clamped_not_trusted() {
        assert_eq!(backoff(2, -3.0), backoff(2, 0.0));
        assert_eq!(backoff(2, f64::NAN), backoff(2, 0.0));
        assert_eq!(backoff(2, 7.0), Duration::from_secs(4));
    }

    #[test]
    fn os_jitter_is_in_the_unit_interval() {
        let j = os_jitter();
        assert!((0.0..1.0).contains(&j), "{j}");
    }
}
