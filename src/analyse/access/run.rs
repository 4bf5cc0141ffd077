//! Accessibility as a stage of `analyse`: the matrix from the road router,
//! the three scores per area, and per-PCN summaries of them.

use super::matrix::area_practice_matrix;
use super::supply::Supply;
use super::{AccessOptions, AccessScores, CostMatrix, ScoreSummary, scores, summarise};
use crate::analyse::road_times::SiteSnaps;
use crate::check::run::CheckResult;
use crate::model::{AreaId, Dataset, PracticeId};
use crate::routing::Router;
use serde::Serialize;

/// Per-PCN summaries of the three scores over its footprint's residents.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PcnAccess {
    pub two_sfca: Option<ScoreSummary>,
    pub e2sfca: Option<ScoreSummary>,
    pub gravity: Option<ScoreSummary>,
}

/// Counts for the report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AccessCounts {
    pub practices_in_matrix: usize,
    pub practices_with_supply: usize,
    pub practices_supply_reaches_nobody: usize,
    pub areas_routable: usize,
    pub areas_unroutable: usize,
    /// Routable areas with no practice within the catchment (score 0).
    pub areas_without_practice: usize,
    pub areas_without_population: usize,
    pub pairs_within_catchment: usize,
    pub total_supply_in_matrix: f64,
}

/// Everything the accessibility stage found.
pub struct AccessRun {
    pub options: AccessOptions,
    pub supply: Supply,
    /// The matrix's columns: routable practices, in id order.
    pub practices: Vec<PracticeId>,
    /// Per area (id order): whether it snapped to the roads.
    pub routable: Vec<bool>,
    /// Per area (id order); meaningful only where `routable`.
    pub scores: AccessScores,
    /// Per PCN, in the order of the check's PCNs.
    pub pcns: Vec<PcnAccess>,
    pub counts: AccessCounts,
    /// The area × practice pairs, kept only to write them with the inputs
    /// for `scripts/access_pysal.py` (`--access-export`): nationally they
    /// are ≈ 150 MB that the rest of the run does not need.
    pub export: Option<CostMatrix>,
}

impl AccessRun {
    /// Area `a`'s three scores, `None` when it did not snap to the roads.
    pub fn area(&self, a: AreaId) -> Option<[f64; 3]> {
        let i = a.idx();
        self.routable[i].then(|| {
            [
                self.scores.two_sfca[i],
                self.scores.e2sfca[i],
                self.scores.gravity[i],
            ]
        })
    }
}

/// Run the accessibility stage.
pub fn run_access(
    ds: &Dataset,
    check: &CheckResult,
    router: &Router,
    snaps: &SiteSnaps,
    options: &AccessOptions,
    supply: Supply,
    export: bool,
) -> AccessRun {
    let matrix = area_practice_matrix(ds, router, snaps, options.catchment_min);
    let demand: Vec<f64> = ds
        .areas
        .iter()
        .map(|a| a.population.map_or(0.0, |p| p as f64))
        .collect();
    let col_supply: Vec<f64> = matrix
        .practices
        .iter()
        .map(|p| supply.by_practice[p.idx()])
        .collect();
    let scores = scores(&matrix.matrix, &demand, &col_supply, options);
    let pcns = check
        .pcns
        .iter()
        .map(|c| {
            let pairs = |v: &[f64]| -> Vec<(f64, f64)> {
                c.areas
                    .iter()
                    .filter(|a| matrix.routable[a.idx()])
                    .map(|a| (v[a.idx()], demand[a.idx()]))
                    .collect()
            };
            PcnAccess {
                two_sfca: summarise(pairs(&scores.two_sfca)),
                e2sfca: summarise(pairs(&scores.e2sfca)),
                gravity: summarise(pairs(&scores.gravity)),
            }
        })
        .collect();
    let m = &matrix.matrix;
    let routable = matrix.routable.iter().filter(|r| **r).count();
    let counts = AccessCounts {
        practices_in_matrix: matrix.practices.len(),
        practices_with_supply: col_supply.iter().filter(|s| **s > 0.0).count(),
        practices_supply_reaches_nobody: scores.practices_without_demand,
        areas_routable: routable,
        areas_unroutable: matrix.routable.len() - routable,
        areas_without_practice: (0..m.areas())
            .filter(|&i| matrix.routable[i] && m.first[i] == m.first[i + 1])
            .count(),
        areas_without_population: ds.areas.iter().filter(|a| a.population.is_none()).count(),
        pairs_within_catchment: m.pairs(),
        total_supply_in_matrix: col_supply.iter().sum(),
    };
    AccessRun {
        options: options.clone(),
        supply,
        practices: matrix.practices,
        routable: matrix.routable,
        scores,
        pcns,
        counts,
        export: export.then_some(matrix.matrix),
    }
}

impl AccessRun {
    /// The `access` section of `report.json`.
    pub fn report(&self) -> serde_json::Value {
        serde_json::json!({
            "options": &self.options,
            "supply": &self.supply,
            "units": "supply per 1,000 residents",
            "counts": &self.counts,
        })
    }
}
