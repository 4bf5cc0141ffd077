//! Patients' public-transport journeys to their practice and to the hub:
//! for every area with patients, RAPTOR journeys over the service day's
//! timetable, leaving at each departure of a morning window, summarised as
//! the median and worst journey (waiting included) and, per network, as
//! patient-weighted medians, p90s and the share of patients with no
//! journey within 60 or 90 minutes. `PUBLIC_TRANSPORT_BURDEN` flags a
//! network where too many patients have no journey to the hub within
//! `pt_burden_min`. docs/public-transport.md has every rule.
//!
//! The walking network, the timetable and the journey planner live in
//! [`crate::transit`]; this module only asks them for times.

mod run;
mod summary;
mod window;

pub use run::{PtArea, PtPcn, PtRun, Transit, run_transit};
pub use summary::PtSummary;
pub use window::{WindowTimes, origin_times};

use crate::transit::Secs;
use serde::Serialize;

/// The reporting thresholds: the share of patients with no journey within
/// each, minutes.
pub const THRESHOLDS_MIN: [f64; 2] = [60.0, 90.0];

/// The most rides (boardings) a journey may take: the planner's limit.
pub use crate::transit::raptor::MAX_RIDES;

/// The public-transport settings of `analyse` (section `[transit]`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PtOptions {
    /// First departure of the window, minutes after midnight (08:00).
    pub from_min: u32,
    /// Last departure of the window, minutes after midnight (10:00).
    pub to_min: u32,
    /// Minutes between departures (10).
    pub step_min: u32,
    /// `PUBLIC_TRANSPORT_BURDEN`: patients with no journey to the hub
    /// within this many minutes (90) ...
    pub burden_min: f64,
    /// ... make up more than this share of the patients (0.2).
    pub burden_share: f64,
    pub max_rides: usize,
}

impl Default for PtOptions {
    fn default() -> Self {
        PtOptions {
            from_min: 8 * 60,
            to_min: 10 * 60,
            step_min: 10,
            burden_min: 90.0,
            burden_share: 0.2,
            max_rides: MAX_RIDES,
        }
    }
}

impl PtOptions {
    /// The departures of the window, seconds of the service day: every
    /// `step_min` from `from_min` up to and including `to_min`.
    pub fn departures(&self) -> Vec<Secs> {
        let step = self.step_min.max(1);
        (self.from_min..=self.to_min)
            .step_by(step as usize)
            .map(|m| m * 60)
            .collect()
    }
}

/// `HH:MM` for minutes after midnight.
pub fn clock(min: u32) -> String {
    format!("{:02}:{:02}", min / 60, min % 60)
}

#[cfg(test)]
mod tests;
