//! Weighted summary statistics of drive times: mean, quantiles, maximum and
//! shares over thresholds, each weighted by registered patients.
//!
//! Quantiles use the *inverted empirical CDF*: the q-quantile is the
//! smallest value whose cumulative weight reaches q × total weight. This is
//! `numpy.quantile(values, q, weights=w, method="inverted_cdf")`, and with
//! all weights 1 it is the classic "lower" order statistic for the median of
//! an even count. It never interpolates, so every reported p90 is a time some
//! patient actually has.

use serde::Serialize;

/// Summary of a weighted sample. Times in whatever unit the caller used
/// (the analysis passes minutes).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WeightedSummary {
    /// Total weight (patients).
    pub weight: f64,
    pub mean: f64,
    pub median: f64,
    pub p90: f64,
    pub max: f64,
    /// For each threshold given, the share of the weight strictly above it.
    pub share_over: Vec<f64>,
}

/// A sample of (value, weight) pairs. Values must be finite and weights
/// finite and ≥ 0; pairs with zero weight are kept but change nothing.
#[derive(Clone, Debug, Default)]
pub struct WeightedSample {
    pairs: Vec<(f64, f64)>,
}

impl WeightedSample {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add one value with its weight. Non-finite values or negative weights
    /// are a caller bug (the analysis keeps unroutable pairs apart), so they
    /// are rejected with an error rather than silently skewing the result.
    pub fn push(&mut self, value: f64, weight: f64) -> Result<(), String> {
        if !value.is_finite() {
            return Err(format!("weighted sample: value {value} is not finite"));
        }
        if !(weight.is_finite() && weight >= 0.0) {
            return Err(format!("weighted sample: weight {weight} is not ≥ 0"));
        }
        self.pairs.push((value, weight));
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Summarise; `None` when the total weight is 0. `thresholds` are in the
    /// same unit as the values.
    pub fn summary(&self, thresholds: &[f64]) -> Option<WeightedSummary> {
        let mut pairs = self.pairs.clone();
        // Sort by value, then weight, so the sums run in one fixed order
        // whatever order the pairs were pushed in: identical bits every run.
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let weight: f64 = pairs.iter().map(|p| p.1).sum();
        if weight <= 0.0 {
            return None;
        }
        let mean = pairs.iter().map(|p| p.0 * p.1).sum::<f64>() / weight;
        let max = pairs
            .iter()
            .filter(|p| p.1 > 0.0)
            .map(|p| p.0)
            .fold(f64::NEG_INFINITY, f64::max);
        let share_over = thresholds
            .iter()
            // `+ 0.0` turns the empty sum's -0.0 into 0.0.
            .map(|&t| (pairs.iter().filter(|p| p.0 > t).map(|p| p.1).sum::<f64>() + 0.0) / weight)
            .collect();
        Some(WeightedSummary {
            weight,
            mean,
            median: quantile_sorted(&pairs, weight, 0.5),
            p90: quantile_sorted(&pairs, weight, 0.9),
            max,
            share_over,
        })
    }

    /// The q-quantile (0 < q ≤ 1) by the inverted empirical CDF; `None` when
    /// the total weight is 0.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let mut pairs = self.pairs.clone();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let weight: f64 = pairs.iter().map(|p| p.1).sum();
        (weight > 0.0).then(|| quantile_sorted(&pairs, weight, q))
    }
}

/// Smallest value whose cumulative weight reaches `q * weight`; pairs sorted
/// by value, total weight > 0.
pub(crate) fn quantile_sorted(pairs: &[(f64, f64)], weight: f64, q: f64) -> f64 {
    let target = q * weight;
    let mut cum = 0.0;
    let mut last = f64::NAN;
    for &(v, w) in pairs {
        if w <= 0.0 {
            continue;
        }
        cum += w;
        last = v;
        if cum >= target {
            return v;
        }
    }
    // Rounding can leave the running sum a hair below q × total for q = 1.
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(pairs: &[(f64, f64)]) -> WeightedSample {
        let mut s = WeightedSample::new();
        for &(v, w) in pairs {
            s.push(v, w).unwrap();
        }
        s
    }

    #[test]
    fn worked_example() {
        // Four areas' patients driving 10, 20, 40 and 50 minutes, with 100,
        // 300, 500 and 100 patients: total 1,000.
        //   mean = (10·100 + 20·300 + 40·500 + 50·100) / 1000 = 32,000/1000 = 32
        //   cumulative weights 100, 400, 900, 1000:
        //   median: first to reach 500 is 40 (900); p90: 900 ≥ 900 → 40
        //   over 15: 300+500+100 = 0.9; over 30: 600 → 0.6; over 45: 0.1
        let s = sample(&[(40.0, 500.0), (10.0, 100.0), (50.0, 100.0), (20.0, 300.0)]);
        let r = s.summary(&[15.0, 30.0, 45.0]).unwrap();
        assert_eq!(r.weight, 1000.0);
        assert_eq!(r.mean, 32.0);
        assert_eq!(r.median, 40.0);
        assert_eq!(r.p90, 40.0);
        assert_eq!(r.max, 50.0);
        assert_eq!(r.share_over, vec![0.9, 0.6, 0.1]);
    }

    #[test]
    fn unweighted_median_is_the_lower_middle() {
        // 1..=4 each weight 1: cumulative 1,2,3,4; half is 2 → value 2.
        let s = sample(&[(4.0, 1.0), (3.0, 1.0), (2.0, 1.0), (1.0, 1.0)]);
        assert_eq!(s.quantile(0.5), Some(2.0));
        assert_eq!(s.quantile(0.9), Some(4.0));
        assert_eq!(s.quantile(1.0), Some(4.0));
    }

    #[test]
    fn threshold_is_strict_and_zero_weights_are_ignored() {
        // Exactly 30 minutes is not "over 30"; a zero-weight 99 changes nothing.
        let s = sample(&[(30.0, 1.0), (31.0, 1.0), (99.0, 0.0)]);
        let r = s.summary(&[30.0]).unwrap();
        assert_eq!(r.share_over, vec![0.5]);
        assert_eq!(r.max, 31.0);
        // Nobody over 40: a positive zero, written as 0 not -0.
        let none = s.summary(&[40.0]).unwrap().share_over[0];
        assert!(none == 0.0 && none.is_sign_positive());
    }

    #[test]
    fn empty_and_bad_input() {
        assert!(WeightedSample::new().summary(&[]).is_none());
        assert!(sample(&[(5.0, 0.0)]).summary(&[]).is_none());
        let mut s = WeightedSample::new();
        assert!(s.push(f64::INFINITY, 1.0).is_err());
        assert!(s.push(1.0, -1.0).is_err());
        assert!(s.push(1.0, f64::NAN).is_err());
    }

    #[test]
    fn order_of_pushes_does_not_change_bits() {
        let v: Vec<(f64, f64)> = (0..200)
            .map(|i| (((i * 37) % 101) as f64 * 0.1, ((i * 13) % 7) as f64 + 0.5))
            .collect();
        let mut rev = v.clone();
        rev.reverse();
        let a = sample(&v).summary(&[3.0, 6.0]).unwrap();
        let b = sample(&rev).summary(&[3.0, 6.0]).unwrap();
        assert_eq!(a.mean.to_bits(), b.mean.to_bits());
        assert_eq!(a, b);
    }
}
