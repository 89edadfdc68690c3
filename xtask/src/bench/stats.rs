//! Medians and spread of per-round figures: the median is the figure, the
//! interquartile range and the extremes say how far to trust it.

use serde_json::json;

/// A summary of one figure over the rounds.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    pub median: f64,
    pub q1: f64,
    pub q3: f64,
    pub min: f64,
    pub max: f64,
    pub rounds: usize,
}

impl Stats {
    /// The summary of `values` (at least one).
    pub fn of(values: &[f64]) -> Self {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        if sorted.is_empty() {
            return Self { median: f64::NAN, q1: f64::NAN, q3: f64::NAN, min: f64::NAN, max: f64::NAN, rounds: 0 };
        }
        Self {
            median: quantile(&sorted, 0.5),
            q1: quantile(&sorted, 0.25),
            q3: quantile(&sorted, 0.75),
            min: sorted[0],
            max: sorted[sorted.len() - 1],
            rounds: sorted.len(),
        }
    }

    pub fn to_json(self) -> serde_json::Value {
        json!({
            "median": self.median, "q1": self.q1, "q3": self.q3, "min": self.min, "max": self.max, "rounds": self.rounds
        })
    }
}

/// Linear interpolation between the closest ranks of sorted `values`.
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    let position = (sorted.len() - 1) as f64 * p;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

/// The median of `values`.
pub fn median(values: &[f64]) -> f64 {
    Stats::of(values).median
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        let stats = Stats::of(&[4.0, 1.0, 3.0, 2.0]);
        assert_eq!(stats.median, 2.5);
        assert_eq!((stats.min, stats.max, stats.rounds), (1.0, 4.0, 4));
    }

    #[test]
    fn quartiles_interpolate_between_ranks() {
        let stats = Stats::of(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!((stats.q1, stats.median, stats.q3), (2.0, 3.0, 4.0));
    }
}
