//! The drive-time stages of a scenario: candidate and given hubs, snapping,
//! every network at free flow, each area's nearest practice of any network,
//! accessibility, the slower scenario, and the hub-to-member routes.

use super::roads::{RoadReports, Roads};
use super::{Nearest, Reuse};
use crate::analyse::access::AccessOptions;
use crate::analyse::access::run::{AccessRun, run_access};
use crate::analyse::access::supply::Supply;
use crate::analyse::nearest::nearest_practice_by_drive;
use crate::analyse::network::{DriveOptions, PcnDrive};
use crate::analyse::road_times::{CandidateSite, RoadTimes, SiteSnaps};
use crate::analyse::routes::{RouteLine, hub_routes};
use crate::analyse::run::{DriveRun, HubInputs, run_drive_reusing};
use crate::analyse::transit::{PtRun, Transit, run_transit};
use crate::check::run::CheckResult;
use crate::findings::Finding;
use crate::findings::{Code, Scope};
use crate::model::Dataset;
use crate::routing::{PreparedRoads, Router};
use crate::stages::Stages;
use anyhow::Result;
use std::path::Path;

/// The drive-time settings of a run.
pub struct DrivePlan<'a> {
    pub roads: &'a Roads<'a>,
    pub opts: &'a DriveOptions,
    /// Trace the hub-to-member routes (`routes.geojson`).
    pub routes: bool,
    /// Candidate hub sites file (`--candidates`).
    pub candidates: Option<&'a Path>,
    /// Given hubs file (`--hubs`).
    pub hubs: Option<&'a Path>,
    /// Accessibility scores (2SFCA, E2SFCA, gravity); `None` skips them.
    pub access: Option<&'a AccessOptions>,
    /// Supply file for accessibility (`--supply`); default list sizes.
    pub supply: Option<&'a Path>,
    /// Also keep the accessibility matrix and inputs for export.
    pub access_export: bool,
    /// Public-transport journeys (`--gtfs`); `None` skips them.
    pub transit: Option<&'a Transit>,
}

impl<'a> DrivePlan<'a> {
    /// Drive times on `roads` with `opts`: no candidate or given hubs, no
    /// accessibility.
    pub fn new(roads: &'a Roads<'a>, opts: &'a DriveOptions, routes: bool) -> Self {
        DrivePlan {
            roads,
            opts,
            routes,
            candidates: None,
            hubs: None,
            access: None,
            supply: None,
            access_export: false,
            transit: None,
        }
    }
}

/// The drive-time results of one scenario.
pub struct Drive {
    /// Free flow.
    pub run: DriveRun,
    pub snaps: SiteSnaps,
    /// Candidate hub sites (`--candidates`), indexed by `Site::Candidate`.
    pub candidates: Vec<CandidateSite>,
    pub slow: Option<SlowDrive>,
    pub routes: Vec<RouteLine>,
    pub access: Option<AccessRun>,
    /// Public-transport journeys, with `--gtfs`.
    pub transit: Option<PtRun>,
    /// Each area's drive-nearest practice of any network (among its 8
    /// straight-line nearest), at free flow: the footprints' when they went
    /// by it, else found here. `None` only when no drive ran.
    pub nearest: Option<Nearest>,
    /// Drive-time and unroutable-site findings, sorted (the check's are in
    /// the check result).
    pub findings: Vec<Finding>,
    pub reports: RoadReports,
}

/// The slower scenario: the same analysis with every speed scaled.
pub struct SlowDrive {
    pub factor: f64,
    pub snaps: SiteSnaps,
    pub run: DriveRun,
}

/// Run the drive-time stages for a checked scenario.
pub(super) fn drive(
    ds: &mut Dataset,
    res: &CheckResult,
    dp: &DrivePlan,
    reuse: &dyn Reuse,
    nearest: Option<Nearest>,
    stages: &impl Stages,
) -> Result<Drive> {
    let (hubs, candidates) = hub_inputs(ds, res, dp)?;
    let supply = match (dp.access, dp.supply) {
        (Some(_), Some(p)) => {
            let (s, input) = Supply::from_file(p, ds)?;
            ds.inputs.push(input);
            Some(s)
        }
        (Some(_), None) => Some(Supply::list_sizes(ds)),
        (None, _) => None,
    };
    let ds = &*ds;
    // Branch surgeries, when the dataset has sites.
    let opts = dp.opts.for_dataset(ds.sites_given)?;
    let scenario = |name: &str, roads: &PreparedRoads, slow: bool| {
        let snaps = stages.stage(if slow { "slow-snap" } else { "snap" }, || {
            SiteSnaps::snap_all_reusing(ds, &roads.snapper(), &candidates, &|s| reuse.snap(slow, s))
        });
        let times = RoadTimes {
            router: &roads.router(),
            snaps: &snaps,
        };
        let run = stages.counted(name, res.pcns.len() as u64, "PCNs", |tick| {
            run_drive_reusing(ds, res, &times, &opts, &hubs, tick, &|q| {
                reuse.drive(slow, q)
            })
        });
        (snaps, run)
    };
    let prepared = &dp.roads.prepared;
    let (snaps, run) = scenario("drive", prepared, false);
    let router = prepared.router();
    let nearest = nearest.or_else(|| reuse.nearest(ds)).unwrap_or_else(|| {
        stages.stage("nearest", || {
            let times = RoadTimes {
                router: &router,
                snaps: &snaps,
            };
            nearest_practice_by_drive(ds, &times, 8)
        })
    });
    let access = match (dp.access, supply) {
        (Some(ao), Some(supply)) => Some(stages.stage("access", || {
            run_access(ds, res, &router, &snaps, ao, supply, dp.access_export)
        })),
        _ => None,
    };
    let mut run = run;
    let transit = dp.transit.map(|t| {
        let pt = stages.stage("transit", || run_transit(ds, res, &run, &candidates, t));
        add_pt_flags(ds, res, &mut run, &pt);
        pt
    });
    let slow = dp.roads.slow(stages).map(|roads| {
        let (snaps, run) = scenario("slow", roads, true);
        SlowDrive {
            factor: dp.roads.slow_factor.unwrap_or(1.0),
            snaps,
            run,
        }
    });
    let routes = if dp.routes {
        stages.stage("routes", || routes(&run, &snaps, &router, reuse))
    } else {
        Vec::new()
    };
    let mut findings = run.findings.clone();
    findings.extend(snaps.findings(ds, &candidates));
    findings.sort();
    Ok(Drive {
        run,
        snaps,
        candidates,
        slow,
        routes,
        access,
        transit,
        nearest: Some(nearest),
        findings,
        reports: dp.roads.reports.clone(),
    })
}

/// Candidate hub sites and given hubs, from their files.
fn hub_inputs(
    ds: &mut Dataset,
    res: &CheckResult,
    dp: &DrivePlan,
) -> Result<(HubInputs, Vec<CandidateSite>)> {
    let mut hubs = HubInputs::default();
    let mut candidates: Vec<CandidateSite> = Vec::new();
    if let Some(p) = dp.candidates {
        let (sites, by_pcn, input) =
            crate::analyse::sites::load_candidates(p, ds, &res.footprints.area_pcns)?;
        candidates = sites;
        hubs.candidates = by_pcn;
        ds.inputs.push(input);
    }
    if let Some(p) = dp.hubs {
        let input = crate::analyse::sites::load_hubs(p, ds, &candidates, &mut hubs)?;
        ds.inputs.push(input);
    }
    Ok((hubs, candidates))
}

/// Hub-to-member routes: reused networks' as they were, the rest traced.
fn routes(run: &DriveRun, snaps: &SiteSnaps, router: &Router, reuse: &dyn Reuse) -> Vec<RouteLine> {
    let reused: Vec<Option<Vec<RouteLine>>> =
        run.pcns.iter().map(|d| reuse.routes(d.pcn)).collect();
    let traced: Vec<&PcnDrive> = run
        .pcns
        .iter()
        .zip(&reused)
        .filter(|(_, r)| r.is_none())
        .map(|(d, _)| d)
        .collect();
    let fresh = hub_routes(&traced, snaps, router);
    let mut out = Vec::with_capacity(fresh.len());
    let mut fresh = fresh.into_iter().peekable();
    for (d, r) in run.pcns.iter().zip(reused) {
        match r {
            Some(lines) => out.extend(lines),
            None => {
                while let Some(l) = fresh.next_if(|l| l.pcn == d.pcn) {
                    out.push(l);
                }
            }
        }
    }
    out
}

/// `PUBLIC_TRANSPORT_BURDEN` on each network whose public-transport run
/// says so, and, on a rural one, `RURAL_ACCESS_RISK` naming it (added, or
/// its detail extended when a drive-time finding already raised it).
fn add_pt_flags(ds: &Dataset, res: &CheckResult, run: &mut DriveRun, pt: &PtRun) {
    let threshold = (pt.options.burden_min, pt.options.burden_share);
    for (d, p) in run.pcns.iter_mut().zip(&pt.pcns) {
        let Some(hub) = p.to_hub.as_ref().filter(|_| p.burden) else {
            continue;
        };
        let detail = format!(
            "{:.1}% of patients have no public-transport journey to the hub within {} min (limit {:.1}%)",
            hub.share_no_journey_burden * 100.0,
            threshold.0,
            threshold.1 * 100.0
        );
        let subject = ds.pcn(d.pcn).code.clone();
        let finding = |code: Code, detail: String| Finding {
            scope: Scope::Pcn,
            code,
            subject: subject.clone(),
            detail,
            practice: None,
        };
        run.findings
            .push(finding(Code::PublicTransportBurden, detail.clone()));
        // Before RURAL_ACCESS_RISK, which sums up the others.
        let at = d
            .flags
            .iter()
            .position(|&c| c == Code::RuralAccessRisk)
            .unwrap_or(d.flags.len());
        d.flags.insert(at, Code::PublicTransportBurden);
        d.details.insert(at, detail);
        let rural = res
            .pcns
            .iter()
            .any(|c| c.pcn == d.pcn && c.flags.contains(&Code::Rural));
        if !rural {
            continue;
        }
        let code = Code::PublicTransportBurden.as_str();
        match d.flags.iter().position(|&c| c == Code::RuralAccessRisk) {
            Some(i) => {
                d.details[i] = format!("{}, {code}", d.details[i]);
                if let Some(f) = run
                    .findings
                    .iter_mut()
                    .find(|f| f.code == Code::RuralAccessRisk && f.subject == subject)
                {
                    f.detail = d.details[i].clone();
                }
            }
            None => {
                let detail = format!("RURAL and {code}");
                run.findings
                    .push(finding(Code::RuralAccessRisk, detail.clone()));
                d.flags.push(Code::RuralAccessRisk);
                d.details.push(detail);
            }
        }
    }
    run.findings.sort();
}
