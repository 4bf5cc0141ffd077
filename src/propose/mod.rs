//! `propose`: footprints that satisfy the rules with the least driving, and
//! the fewest area moves that repair a failing network.
//!
//! A proposed network is a set of areas and the practices that stand in
//! them. Every network must be one piece under the adjacency `check` uses
//! (queen, links, road links when roads are given), with a registered
//! population (member list sizes) inside the band — or below it when
//! `rural_waiver` is set and the network is a `RURAL_WAIVER_CANDIDATE`
//! under `check`'s definition. Among those, the search minimises
//!
//! Σ over areas (residents × drive minutes from the area to its network's
//! hub) + λ × Σ over networks (staff tour minutes)
//!
//! with the hub the 1-median member practice and the tour the shortest
//! closed drive from it through every member ([`crate::analyse`]'s rules).
//! Method: [`search`]; repair: [`repair`]; the problem in numbers:
//! [`problem`]. See docs/propose.md.

pub mod build;
pub mod problem;
pub mod repair;
pub mod search;
#[cfg(test)]
mod tests;

use serde::Serialize;

/// Where the search starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Start {
    /// Today's footprint (unassigned areas given to a neighbour).
    Current,
    /// Regions grown from today's hubs, ignoring today's footprint.
    Scratch,
}

/// The most annealing steps `--iterations` may ask for (a national run at
/// the default 400 per area takes about 13 million).
pub const ITERATIONS_MAX: u64 = 100_000_000;
/// The deepest exact repair search.
pub const REPAIR_DEPTH_MAX: usize = 6;
/// The largest objective weight (`--lambda`, `--move-cost`).
pub const WEIGHT_MAX: f64 = 1e9;

/// What the proposal minimises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Today's footprints changed as little as possible: rule breaches
    /// first, then practices moved, then areas moved, then driving
    /// ([`PRACTICE_MOVE_WEIGHT`], [`AREA_MOVE_WEIGHT`]); the fewest-moves
    /// repair of every failing network, then a descent.
    MinimalChange,
    /// The least driving (resident-minutes to the hub + λ × tour minutes),
    /// whatever it moves: the annealing search.
    Driving,
}

/// With `--objective minimal-change`, the objective charged per area moved
/// (resident-minutes): more than any one area's change in driving (3,000
/// residents × 300 minutes = 900,000), so fewer moves always win.
pub const AREA_MOVE_WEIGHT: f64 = 1e7;
/// With `--objective minimal-change --move-practices`, the objective
/// charged per practice moved: a hundred area moves.
pub const PRACTICE_MOVE_WEIGHT: f64 = 1e9;

/// Settings of `propose`; every one is a flag.
#[derive(Clone, Debug, Serialize)]
pub struct ProposeOptions {
    pub band_min: u64,
    pub band_max: u64,
    /// `check`'s rural threshold (share of patients in rural or sparse areas).
    pub rural_threshold: f64,
    /// Let rural networks fall below `band_min`.
    pub rural_waiver: bool,
    /// Weight of a staff-tour minute against a resident's minute to the hub.
    pub lambda: f64,
    /// Objective charged per area moved from today's footprint (0: none).
    pub move_cost: f64,
    /// Objective charged per practice moved to another network (0: none).
    pub practice_move_cost: f64,
    /// What is minimised (the search method follows from it).
    pub objective: Objective,
    /// Areas holding practices may move (their practices with them);
    /// without it every practice stays in its network.
    pub move_practices: bool,
    pub seed: u64,
    /// Annealing steps; 0 = 400 per area.
    pub iterations: u64,
    pub start: Start,
    /// Without roads: straight-line distance at this speed.
    pub straight_kph: f64,
    /// Repair: exact search up to this many moves per network.
    pub repair_depth: usize,
}

impl Default for ProposeOptions {
    fn default() -> Self {
        Self {
            band_min: 30_000,
            band_max: 50_000,
            rural_threshold: 0.5,
            rural_waiver: false,
            lambda: 1000.0,
            move_cost: 0.0,
            practice_move_cost: 0.0,
            objective: Objective::Driving,
            move_practices: true,
            seed: 1,
            iterations: 0,
            start: Start::Current,
            straight_kph: 30.0,
            repair_depth: 3,
        }
    }
}

impl ProposeOptions {
    /// The options of `objective` with its default weights: minimal change
    /// charges [`AREA_MOVE_WEIGHT`] per area and [`PRACTICE_MOVE_WEIGHT`]
    /// per practice moved; driving charges nothing.
    pub fn for_objective(objective: Objective, move_practices: bool) -> Self {
        let minimal = objective == Objective::MinimalChange;
        Self {
            objective,
            move_practices,
            move_cost: if minimal { AREA_MOVE_WEIGHT } else { 0.0 },
            practice_move_cost: if minimal { PRACTICE_MOVE_WEIGHT } else { 0.0 },
            ..Self::default()
        }
    }

    /// Check every weight, speed and count against its range (errors name
    /// the flag that sets it; the ranges are in docs/propose.md).
    pub fn validate(&self) -> anyhow::Result<()> {
        let n = crate::roads::profile::number;
        let weights = [
            ("--lambda", self.lambda),
            ("--move-cost", self.move_cost),
            ("--practice-move-cost", self.practice_move_cost),
        ];
        for (flag, v) in weights {
            if !(v.is_finite() && (0.0..=WEIGHT_MAX).contains(&v)) {
                anyhow::bail!("{flag} {}: must be in [0, {WEIGHT_MAX:e}]", n(v));
            }
        }
        let kph = self.straight_kph;
        if !crate::roads::profile::plausible_kph(kph) {
            anyhow::bail!(
                "--straight-kph {}: must be in [{}, {}]",
                n(kph),
                crate::roads::profile::SPEED_MIN_KPH,
                crate::roads::profile::SPEED_MAX_KPH
            );
        }
        if self.iterations > ITERATIONS_MAX {
            anyhow::bail!(
                "--iterations {}: must be at most {ITERATIONS_MAX}",
                self.iterations
            );
        }
        if self.repair_depth > REPAIR_DEPTH_MAX {
            anyhow::bail!(
                "--repair-depth {}: must be at most {REPAIR_DEPTH_MAX} (the exact search grows as areas^depth)",
                self.repair_depth
            );
        }
        if self.start == Start::Scratch
            && (self.objective != Objective::Driving || !self.move_practices)
        {
            anyhow::bail!(
                "--start scratch ignores today's footprint: it needs --objective driving --move-practices"
            );
        }
        if self.band_min > self.band_max {
            anyhow::bail!(
                "--band-min {} is above --band-max {}",
                self.band_min,
                self.band_max
            );
        }
        Ok(())
    }

    /// Annealing steps for `n` areas.
    pub fn iterations_for(&self, n: usize) -> u64 {
        if self.iterations > 0 {
            self.iterations
        } else {
            400 * n as u64
        }
    }
}
