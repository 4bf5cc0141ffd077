//! Spatial accessibility of GP practices per area, all practices
//! considered: the two-step floating catchment area (2SFCA), its enhanced
//! form with distance-decay zones (E2SFCA) and a gravity model with a
//! competition term, over a sparse area × practice matrix of drive
//! minutes (only the pairs within the catchment).
//!
//! Every method is one formula with a different weight `w(d)` of the drive
//! time `d_ij` from area `i` to practice `j` (pairs over the catchment `d0`
//! are left out, weight 0):
//!
//! ```text
//! R_j = S_j / Σ_i P_i · w(d_ij)        (supply per resident of practice j's catchment)
//! A_i = Σ_j R_j · w(d_ij)               (supply per resident reachable from area i)
//! ```
//!
//! - 2SFCA (Luo & Wang 2003): `w = 1`;
//! - E2SFCA (Luo & Qi 2009): `w` a step per travel-time zone, by default
//!   1.00 / 0.68 / 0.22 for 0–10 / 10–20 / 20–30 min, or a Gaussian;
//! - gravity (Joseph & Bantock 1982; Luo & Wang 2003): `w = max(d, d_min)^-β`.
//!
//! These are PySAL `access`'s `two_stage_fca` (with `max_cost = d0`) and
//! `enhanced_two_stage_fca` / `two_stage_fca(weight_fn=weights.gravity(...))`,
//! which apply the weight in both steps, as here; `scripts/access_pysal.py`
//! checks the numbers agree to 1e-9. Scores are written per 1,000 residents
//! (`A_i × 1000`): with list sizes as supply, registered places per 1,000
//! residents; with GP FTE, FTE per 1,000 residents. See docs/access.md.
//!
//! Sums run in one fixed order (areas by id into each practice, practices by
//! index into each area), so the bits never depend on the thread count.

pub mod matrix;
pub mod run;
pub mod supply;
pub mod table;

use crate::analyse::stats::WeightedSample;
use anyhow::{Result, bail};
use serde::Serialize;

/// Distance decay of E2SFCA.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decay {
    /// `(upper bound in minutes, weight)` zones in increasing order: a time
    /// `d` takes the weight of the first zone with `d ≤ bound` (PySAL
    /// `weights.step_fn`), 0 beyond the last.
    Step(Vec<(f64, f64)>),
    /// `exp(-d² / (2σ²))` (PySAL `weights.gaussian`), σ in minutes.
    Gaussian { sigma_min: f64 },
}

/// Luo & Qi (2009)'s zone weights, "medium" decay: 1.00, 0.68, 0.22.
pub const LUO_QI_WEIGHTS: [f64; 3] = [1.0, 0.68, 0.22];

impl Decay {
    /// The weight of a drive of `minutes`.
    pub fn weight(&self, minutes: f64) -> f64 {
        match self {
            Decay::Step(zones) => zones.iter().find(|z| minutes <= z.0).map_or(0.0, |z| z.1),
            Decay::Gaussian { sigma_min } => {
                (-minutes * minutes / (2.0 * sigma_min * sigma_min)).exp()
            }
        }
    }

    /// Luo & Qi's three zones over a catchment of `d0` minutes: thirds of
    /// it (0–10 / 10–20 / 20–30 min for 30) weighted 1.00 / 0.68 / 0.22.
    pub fn luo_qi(d0: f64) -> Decay {
        Decay::Step(
            (1..=3)
                .map(|k| d0 * k as f64 / 3.0)
                .zip(LUO_QI_WEIGHTS)
                .collect(),
        )
    }

    /// Parse `--access-decay`: `step` (Luo & Qi over thirds of the
    /// catchment), `step:10=1,20=0.68,30=0.22` (zones given as
    /// `upper_minutes=weight`), `gaussian` (σ = half the catchment) or
    /// `gaussian:SIGMA_MIN`.
    pub fn parse(spec: &str, d0: f64) -> Result<Decay> {
        let bad = |why: String| anyhow::anyhow!("--access-decay {spec:?}: {why}");
        let (kind, arg) = match spec.split_once(':') {
            Some((k, a)) => (k.trim(), Some(a.trim())),
            None => (spec.trim(), None),
        };
        match (kind, arg) {
            ("step", None) => Ok(Decay::luo_qi(d0)),
            ("step", Some(a)) => {
                let mut zones: Vec<(f64, f64)> = Vec::new();
                for part in a.split(',') {
                    let (b, w) = part.split_once('=').ok_or_else(|| {
                        bad(format!("zone {part:?} is not `upper_minutes=weight`"))
                    })?;
                    let num = |s: &str| {
                        s.trim()
                            .parse::<f64>()
                            .ok()
                            .filter(|v| v.is_finite())
                            .ok_or_else(|| bad(format!("{s:?} is not a number")))
                    };
                    let (b, w) = (num(b)?, num(w)?);
                    if b <= 0.0 || w < 0.0 {
                        return Err(bad(format!(
                            "zone {part:?}: the bound must be > 0 and the weight ≥ 0"
                        )));
                    }
                    if zones.last().is_some_and(|z| z.0 >= b) {
                        return Err(bad(format!(
                            "zone bounds must increase ({b} after {})",
                            zones.last().map_or(0.0, |z| z.0)
                        )));
                    }
                    zones.push((b, w));
                }
                Ok(Decay::Step(zones))
            }
            ("gaussian", None) => Ok(Decay::Gaussian {
                sigma_min: d0 / 2.0,
            }),
            ("gaussian", Some(a)) => match a.parse::<f64>() {
                Ok(s) if s.is_finite() && s > 0.0 => Ok(Decay::Gaussian { sigma_min: s }),
                _ => Err(bad(format!(
                    "sigma {a:?} must be a positive number of minutes"
                ))),
            },
            _ => Err(bad(
                "expected `step`, `step:10=1,20=0.68,30=0.22`, `gaussian` or `gaussian:SIGMA_MIN`"
                    .into(),
            )),
        }
    }
}

/// Settings of the accessibility scores (every one a flag of `analyse`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AccessOptions {
    /// The catchment `d0`: pairs further apart in minutes are left out of
    /// every method, and the matrix is cut off there.
    pub catchment_min: f64,
    /// E2SFCA's distance decay.
    pub decay: Decay,
    /// Gravity model: the power `β` of `d^-β` ...
    pub gravity_beta: f64,
    /// ... with times under this many minutes counted as this (so a
    /// practice next door does not get an unbounded weight).
    pub gravity_floor_min: f64,
}

impl Default for AccessOptions {
    fn default() -> Self {
        AccessOptions {
            catchment_min: 30.0,
            decay: Decay::luo_qi(30.0),
            gravity_beta: 1.0,
            gravity_floor_min: 1.0,
        }
    }
}

/// Area × practice drive minutes within the catchment, CSR by area: area
/// `i`'s pairs are `first[i]..first[i + 1]`, practices (column indices) in
/// increasing order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CostMatrix {
    pub practices: usize,
    pub first: Vec<usize>,
    pub practice: Vec<u32>,
    pub minutes: Vec<f64>,
}

impl CostMatrix {
    /// From per-area `(practice, minutes)` lists (sorted here).
    pub fn from_rows(practices: usize, rows: Vec<Vec<(u32, f64)>>) -> CostMatrix {
        let pairs = rows.iter().map(Vec::len).sum();
        let mut m = CostMatrix::with_capacity(practices, rows.len(), pairs);
        for mut row in rows {
            row.sort_by_key(|a| a.0);
            m.push_row(row);
        }
        m
    }

    /// An empty matrix (no area yet) with room for `areas` rows and
    /// `pairs` pairs.
    pub fn with_capacity(practices: usize, areas: usize, pairs: usize) -> CostMatrix {
        let mut first = Vec::with_capacity(areas + 1);
        first.push(0);
        CostMatrix {
            practices,
            first,
            practice: Vec::with_capacity(pairs),
            minutes: Vec::with_capacity(pairs),
        }
    }

    /// Append the next area's pairs, in increasing practice order.
    pub fn push_row(&mut self, row: impl IntoIterator<Item = (u32, f64)>) {
        for (j, d) in row {
            debug_assert!(
                self.practice[self.first[self.first.len() - 1]..]
                    .last()
                    .is_none_or(|&k| k < j)
            );
            self.practice.push(j);
            self.minutes.push(d);
        }
        self.first.push(self.practice.len());
    }

    pub fn areas(&self) -> usize {
        self.first.len().saturating_sub(1)
    }

    pub fn pairs(&self) -> usize {
        self.practice.len()
    }

    /// Area `i`'s `(practice, minutes)` pairs.
    pub fn row(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let r = self.first[i]..self.first[i + 1];
        self.practice[r.clone()]
            .iter()
            .map(|&j| j as usize)
            .zip(self.minutes[r].iter().copied())
    }
}

/// One method's result.
#[derive(Clone, Debug, PartialEq)]
pub struct Fca {
    /// `A_i` per area (supply per resident, not yet × 1000).
    pub area: Vec<f64>,
    /// `R_j` per practice; 0 where nobody lives within the catchment.
    pub ratio: Vec<f64>,
    /// Practices with supply but no weighted demand in their catchment
    /// (their supply reaches no resident: `R_j` set to 0).
    pub practices_without_demand: usize,
}

/// The floating catchment ratio with weight `w` (0 beyond `max_min`):
/// `demand` per area, `supply` per practice (the matrix's columns).
pub fn fca(
    m: &CostMatrix,
    demand: &[f64],
    supply: &[f64],
    max_min: f64,
    w: impl Fn(f64) -> f64,
) -> Fca {
    let weight = |d: f64| if d <= max_min { w(d) } else { 0.0 };
    // Step 1: weighted demand in each practice's catchment, areas in id order.
    let mut total = vec![0.0f64; m.practices];
    for (i, &p) in demand.iter().enumerate() {
        for (j, d) in m.row(i) {
            total[j] += p * weight(d);
        }
    }
    let mut without = 0;
    let ratio: Vec<f64> = supply
        .iter()
        .zip(&total)
        .map(|(&s, &t)| {
            if t > 0.0 {
                s / t
            } else {
                if s > 0.0 {
                    without += 1;
                }
                0.0
            }
        })
        .collect();
    // Step 2: sum the ratios reachable from each area, practices in order.
    let area = (0..m.areas())
        .map(|i| m.row(i).map(|(j, d)| ratio[j] * weight(d)).sum::<f64>() + 0.0)
        .collect();
    Fca {
        area,
        ratio,
        practices_without_demand: without,
    }
}

/// The three scores per area, per 1,000 residents.
#[derive(Clone, Debug, PartialEq)]
pub struct AccessScores {
    pub two_sfca: Vec<f64>,
    pub e2sfca: Vec<f64>,
    pub gravity: Vec<f64>,
    /// Practices whose supply reaches no resident (2SFCA).
    pub practices_without_demand: usize,
}

/// All three methods on one matrix.
pub fn scores(m: &CostMatrix, demand: &[f64], supply: &[f64], o: &AccessOptions) -> AccessScores {
    let d0 = o.catchment_min;
    let per_1000 = |f: Fca| f.area.into_iter().map(|a| a * 1000.0).collect::<Vec<_>>();
    let two = fca(m, demand, supply, d0, |_| 1.0);
    let without = two.practices_without_demand;
    let (beta, floor) = (o.gravity_beta, o.gravity_floor_min);
    AccessScores {
        two_sfca: per_1000(two),
        e2sfca: per_1000(fca(m, demand, supply, d0, |d| o.decay.weight(d))),
        gravity: per_1000(fca(m, demand, supply, d0, |d| d.max(floor).powf(-beta))),
        practices_without_demand: without,
    }
}

/// A population-weighted mean and 10th percentile of area scores.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ScoreSummary {
    pub mean: f64,
    pub p10: f64,
}

/// Summarise `(score, population)` pairs; `None` without population. The
/// p10 is the inverted empirical CDF (`analyse::stats`): the score below
/// which (at most) a tenth of the residents live.
pub fn summarise(pairs: impl IntoIterator<Item = (f64, f64)>) -> Option<ScoreSummary> {
    let mut s = WeightedSample::new();
    for (v, w) in pairs {
        // Scores are finite and populations ≥ 0 by construction.
        let pushed = s.push(v, w);
        debug_assert!(pushed.is_ok(), "{pushed:?}");
    }
    let sum = s.summary(&[])?;
    Some(ScoreSummary {
        mean: sum.mean,
        p10: s.quantile(0.1)?,
    })
}

/// The longest catchment or gravity floor, minutes: a day.
pub const MINUTES_MAX: f64 = 1440.0;
/// The steepest gravity decay.
pub const BETA_MAX: f64 = 10.0;

/// Check the options (flags) make sense.
pub fn validate(o: &AccessOptions) -> Result<()> {
    if !(o.catchment_min.is_finite() && o.catchment_min > 0.0 && o.catchment_min <= MINUTES_MAX) {
        bail!(
            "--access-catchment-min {}: must be a positive number of minutes, at most {MINUTES_MAX}",
            crate::roads::profile::number(o.catchment_min)
        );
    }
    if !(o.gravity_beta.is_finite() && (0.0..=BETA_MAX).contains(&o.gravity_beta)) {
        bail!(
            "--gravity-beta {}: must be in [0, {BETA_MAX}]",
            crate::roads::profile::number(o.gravity_beta)
        );
    }
    match &o.decay {
        Decay::Step(zones) => {
            let increasing = zones.windows(2).all(|w| w[0].0 < w[1].0);
            if !increasing
                || zones
                    .iter()
                    .any(|z| !(z.0 > 0.0 && z.1 >= 0.0 && z.1.is_finite()))
            {
                bail!(
                    "--access-decay: zone bounds must be positive and increasing, weights ≥ 0: {zones:?}"
                );
            }
        }
        Decay::Gaussian { sigma_min } => {
            if !(sigma_min.is_finite() && *sigma_min > 0.0) {
                bail!(
                    "--access-decay: gaussian sigma {sigma_min} must be a positive number of minutes"
                );
            }
        }
    }
    if !(o.gravity_floor_min.is_finite()
        && o.gravity_floor_min > 0.0
        && o.gravity_floor_min <= MINUTES_MAX)
    {
        bail!(
            "--gravity-floor-min {}: must be a positive number of minutes, at most {MINUTES_MAX}",
            crate::roads::profile::number(o.gravity_floor_min)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests;
