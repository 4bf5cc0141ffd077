//! Patient-weighted summaries of public-transport journeys, with "no
//! journey" as a counted outcome: it sorts after every time, so a median
//! or p90 that lands on it is `None` ("no journey"), never a made-up
//! number. Quantiles follow [`crate::analyse::stats`] (inverted empirical
//! CDF).

use super::THRESHOLDS_MIN;
use serde::Serialize;

/// One network's patients' journeys to one kind of destination, minutes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PtSummary {
    /// Patients counted.
    pub patients: f64,
    /// Patient-weighted median of each area's median journey; `None` when
    /// at least half the patients have no journey.
    pub median_min: Option<f64>,
    pub p90_min: Option<f64>,
    /// Share of the patients with no journey within 60 and within 90
    /// minutes ([`THRESHOLDS_MIN`]).
    pub share_no_journey_within: [f64; 2],
    /// Share with no journey within `pt_burden_min` (the finding's measure).
    pub share_no_journey_burden: f64,
    /// Share with no journey at all in most of the window.
    pub share_no_journey: f64,
}

impl PtSummary {
    /// Summarise `(median journey minutes or None, patients)`; `None` when
    /// there are no patients.
    pub fn of(values: &[(Option<f64>, f64)], burden_min: f64) -> Option<PtSummary> {
        let mut pairs: Vec<(f64, f64)> = values
            .iter()
            .filter(|v| v.1 > 0.0)
            .map(|&(v, w)| (v.unwrap_or(f64::INFINITY), w))
            .collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let total: f64 = pairs.iter().map(|p| p.1).sum();
        if total <= 0.0 {
            return None;
        }
        let over =
            |t: f64| (pairs.iter().filter(|p| p.0 > t).map(|p| p.1).sum::<f64>() + 0.0) / total;
        let q = |q: f64| {
            let v = crate::analyse::stats::quantile_sorted(&pairs, total, q);
            v.is_finite().then_some(v)
        };
        Some(PtSummary {
            patients: total,
            median_min: q(0.5),
            p90_min: q(0.9),
            share_no_journey_within: THRESHOLDS_MIN.map(over),
            share_no_journey_burden: over(burden_min),
            share_no_journey: over(f64::MAX),
        })
    }
}
