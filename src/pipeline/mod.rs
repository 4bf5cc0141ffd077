//! The one place the stage order lives. Every command runs its scenarios
//! through [`run`]:
//!
//! ```text
//! Dataset ─▶ footprints ─▶ check ─▶ dissolve ─▶ [drive: sites, snap, free flow,
//!            (nearest       (adjacency,           access, slower scenario, routes]
//!             by drive)      road links)                       │
//!                                                              ▼
//!                                                     Run ─▶ output (files, map, diff)
//! ```
//!
//! One [`Run`] — dataset, check result, dissolved footprints, and, with
//! roads, the drive-time results of the scenario — is what every writer,
//! the map and the what-if diff read. What `what-if`'s edited scenario
//! takes from its baseline comes in through [`Reuse`]; the rest of the
//! order is the same for every command.

mod analyse;
mod drive;
mod reuse;
mod roads;

pub use analyse::{AnalyseOptions, AnalyseSummary, run_analyse};
pub use drive::{Drive, DrivePlan, SlowDrive};
pub use reuse::{Fresh, Reuse, SameAreas};
pub use roads::{RoadReports, Roads, RoadsSpec};

pub use crate::stages::{Silent, Stages};

use crate::analyse::nearest::nearest_practice_by_drive;
use crate::analyse::road_times::{RoadTimes, SiteSnaps};
use crate::check::footprint::{Footprints, assign_with};
use crate::check::run::{CheckOptions, CheckResult, adjacency, check_reusing};
use crate::check::sliver::DissolveCheck;
use crate::findings::Finding;
use crate::model::{Dataset, PracticeId};
use crate::roads::network::RoadNetwork;
use anyhow::Result;
use geo::MultiPolygon;

/// One scenario, run through every stage.
pub struct Run {
    pub ds: Dataset,
    pub check: CheckResult,
    /// The dissolved footprints, in PCN order.
    pub dissolved: Vec<MultiPolygon<f64>>,
    /// The dissolve's sliver check.
    pub dissolve_check: DissolveCheck,
    /// Drive times, when the run had roads to drive on.
    pub drive: Option<Drive>,
    /// Named places to draw on the maps (from the road file or a places
    /// layer), in name order; empty when none were given.
    pub places: Vec<crate::model::Place>,
}

impl Run {
    /// Every finding of the run (check, then drive), sorted.
    pub fn findings(&self) -> Vec<Finding> {
        let mut f = self.check.findings.clone();
        if let Some(d) = &self.drive {
            f.extend(d.findings.iter().cloned());
            f.sort();
        }
        f
    }
}

/// What to run.
pub struct Plan<'a> {
    pub check: &'a CheckOptions,
    /// Roads whose bridges and ferries join areas across water, when there
    /// are roads but no drive times (`check --roads`).
    pub links: Option<&'a RoadNetwork>,
    /// Drive times (`analyse`, `what-if` with roads).
    pub drive: Option<DrivePlan<'a>>,
}

impl<'a> Plan<'a> {
    /// Check and dissolve only.
    pub fn check(check: &'a CheckOptions) -> Self {
        Plan {
            check,
            links: None,
            drive: None,
        }
    }
}

/// Run one scenario through every stage: footprints, check, dissolve and,
/// with a drive plan, drive times. Stages are timed and named by `stages`.
pub fn run(
    mut ds: Dataset,
    plan: &Plan,
    reuse: &mut dyn Reuse,
    stages: &impl Stages,
) -> Result<Run> {
    let (footprints, nearest) = footprints(&ds, plan, &*reuse, stages);
    reuse.footprints_assigned(&ds, &footprints);
    let reuse = &*reuse;
    let check = stages.stage("check", || check(&ds, plan, footprints, reuse));
    let dissolved = stages.stage("dissolve", || dissolve(&ds, &check, reuse));
    let dissolve_check = DissolveCheck::measure(&ds, &check, &dissolved);
    let drive = match &plan.drive {
        Some(dp) => Some(drive::drive(&mut ds, &check, dp, reuse, nearest, stages)?),
        None => None,
    };
    Ok(Run {
        ds,
        check,
        dissolved,
        dissolve_check,
        drive,
        places: Vec::new(),
    })
}

/// Each area's drive-nearest practice (its time in seconds), when
/// footprints go by it.
pub type Nearest = Vec<Option<(PracticeId, f64)>>;

/// Footprints: `footprints.csv`, else registrations, else the nearest
/// practice — by drive time when there are roads to drive on.
fn footprints(
    ds: &Dataset,
    plan: &Plan,
    reuse: &dyn Reuse,
    stages: &impl Stages,
) -> (Footprints, Option<Nearest>) {
    let mut footprints = assign_with(ds, plan.check.min_footprint_share);
    let Some(dp) = &plan.drive else {
        return (footprints, None);
    };
    if ds.footprints.is_some() || !ds.registrations().is_empty() {
        return (footprints, None);
    }
    let nearest = reuse.nearest(ds).unwrap_or_else(|| {
        stages.stage("nearest", || {
            let prepared = &dp.roads.prepared;
            let plain = SiteSnaps::snap_all_reusing(ds, &prepared.snapper(), &[], &|s| {
                reuse.snap(false, s)
            });
            let times = RoadTimes {
                router: &prepared.router(),
                snaps: &plain,
            };
            nearest_practice_by_drive(ds, &times, 8)
        })
    });
    footprints.reassign_by_drive(ds, &nearest);
    (footprints, Some(nearest))
}

/// The checks, on the adjacency (with road links across water when there
/// are roads).
fn check(ds: &Dataset, plan: &Plan, footprints: Footprints, reuse: &dyn Reuse) -> CheckResult {
    let roads = plan.links.or(plan.drive.as_ref().map(|d| d.roads.net));
    let (adjacency, links) = reuse
        .adjacency()
        .unwrap_or_else(|| adjacency(ds, plan.check, roads));
    let mut res = check_reusing(ds, plan.check, adjacency, footprints, &|q| reuse.check(q));
    res.road_links = links;
    res
}

/// Each network's footprint dissolved into one geometry, in the order of
/// the check's networks.
fn dissolve(ds: &Dataset, res: &CheckResult, reuse: &dyn Reuse) -> Vec<MultiPolygon<f64>> {
    let reused: Vec<Option<MultiPolygon<f64>>> =
        res.pcns.iter().map(|c| reuse.dissolved(c.pcn)).collect();
    let groups: Vec<_> = res
        .pcns
        .iter()
        .zip(&reused)
        .filter(|(_, r)| r.is_none())
        .map(|(c, _)| c.areas.clone())
        .collect();
    let mut fresh = crate::check::dissolve::dissolve_groups(&ds.areas, &groups).into_iter();
    reused
        .into_iter()
        .map(|r| {
            r.or_else(|| fresh.next())
                .unwrap_or_else(|| MultiPolygon::new(Vec::new()))
        })
        .collect()
}
