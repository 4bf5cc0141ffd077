//! The whole `analyse` run as one library call: check with the roads,
//! dissolve the footprints, build and prepare the road graph, snap every
//! site, analyse drive times at free flow and in the slower scenario, trace
//! the hub routes and write every output. Used by `pcn-atlas analyse` and
//! by `examples/analyse_england.rs`, so the benchmark times exactly what
//! the command does.

use crate::analyse::access::AccessOptions;
use crate::analyse::access::run::{AccessRun, run_access};
use crate::analyse::access::supply::Supply;
use crate::analyse::nearest::nearest_practice_by_drive;
use crate::analyse::network::{DriveOptions, Site};
use crate::analyse::road_times::{CandidateSite, RoadTimes, SiteSnaps};
use crate::analyse::run::{DriveRun, HubInputs, run_drive_with_progress};
use crate::check::footprint::assign;
use crate::check::run::{CheckOptions, CheckResult, run_check_with_roads_and_footprints};
use crate::findings::Finding;
use crate::model::Dataset;
use crate::output::check::{DissolveCheck, RunInfo, write_check};
use crate::output::drive::{DriveOutput, RouteLine, site_code};
use crate::roads::network::RoadNetwork;
use crate::routing::{GraphOptions, PreparedRoads, RoadCache, Router, SnapOptions};
use anyhow::{Result, bail};
use geo::MultiPolygon;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use crate::stages::{Silent, Stages};

/// Everything `analyse` needs besides the dataset and the roads.
pub struct AnalyseOptions {
    pub check: CheckOptions,
    pub drive: DriveOptions,
    pub snap: SnapOptions,
    /// Speed factor of the slower scenario; 1 (or more) turns it off.
    pub slow_factor: f64,
    /// Trace the hub-to-member routes for `routes.geojson`.
    pub routes: bool,
    /// Candidate hub sites file (`--candidates`).
    pub candidates: Option<PathBuf>,
    /// Given hubs file (`--hubs`).
    pub hubs: Option<PathBuf>,
    /// Echoed in the report: the car profile and the road loader's report.
    pub profile: serde_json::Value,
    pub roads_report: serde_json::Value,
    /// Named in error messages about the roads.
    pub roads_name: String,
    /// Where prepared roads are cached (`--cache`); `None`: prepared afresh.
    pub cache: Option<RoadCache>,
    /// Accessibility scores (2SFCA, E2SFCA, gravity); `None` skips them.
    pub access: Option<AccessOptions>,
    /// Supply file for accessibility (`--supply`); default list sizes.
    pub supply: Option<PathBuf>,
    /// Also write the accessibility matrix and inputs (for
    /// `scripts/access_pysal.py`).
    pub access_export: bool,
}

/// What a run found, for the caller to print or tabulate.
pub struct AnalyseSummary {
    /// The plain-text check and drive-time summaries.
    pub text: String,
    /// The dissolve self-check's warning, if any.
    pub dissolve_warning: Option<String>,
    pub check_findings: usize,
    pub drive_findings: usize,
    /// Check and drive findings by code.
    pub findings_by_code: BTreeMap<&'static str, usize>,
    pub pcns: usize,
    pub pcns_with_hub: usize,
    pub snapping: crate::analyse::road_times::SnapSummary,
    pub graph_nodes: usize,
}

/// Run `analyse` on `ds` with the roads `net` and write every output to `out`.
pub fn run_analyse<S: Stages>(
    mut ds: Dataset,
    net: &RoadNetwork,
    opts: &AnalyseOptions,
    out: &Path,
    info: &RunInfo,
    stages: &S,
) -> Result<AnalyseSummary> {
    let cache = opts.cache.as_ref();
    let slow_factor = (opts.slow_factor < 1.0).then_some(opts.slow_factor);
    let graph_options = GraphOptions::default();
    let roads = PreparedRoads::build(net, &graph_options, opts.snap, slow_factor, cache, stages);
    if roads.graph.node_count() == 0 {
        bail!(
            "{}: no usable roads for a car (see roads_report in `pcn-atlas roads --roads {}`)",
            opts.roads_name,
            opts.roads_name
        );
    }
    let (router, snapper) = (roads.router(), roads.snapper());
    // Footprints: footprints.csv, else registrations, else the nearest
    // practice — by drive time here, where the roads are at hand.
    let mut footprints = assign(&ds);
    if ds.footprints.is_none() && ds.registrations().is_empty() {
        let plain = SiteSnaps::snap_all(&ds, &snapper, &[]);
        let t0 = RoadTimes {
            router: &router,
            snaps: &plain,
        };
        let nearest = stages.stage("nearest", || nearest_practice_by_drive(&ds, &t0, 8));
        footprints.reassign_by_drive(&ds, &nearest);
    }
    let res = stages.stage("check", || {
        run_check_with_roads_and_footprints(&ds, &opts.check, net, footprints).0
    });
    let groups: Vec<_> = res.pcns.iter().map(|c| c.areas.clone()).collect();
    let dissolved = stages.stage("dissolve", || {
        crate::check::dissolve::dissolve_groups(&ds.areas, &groups)
    });

    // Candidate and given hubs.
    let mut hubs = HubInputs::default();
    let mut candidates: Vec<CandidateSite> = Vec::new();
    if let Some(p) = &opts.candidates {
        let (sites, by_pcn, input) =
            crate::analyse::sites::load_candidates(p, &ds, &res.footprints.area_pcns)?;
        candidates = sites;
        hubs.candidates = by_pcn;
        ds.inputs.push(input);
    }
    if let Some(p) = &opts.hubs {
        let input = crate::analyse::sites::load_hubs(p, &ds, &candidates, &mut hubs)?;
        ds.inputs.push(input);
    }

    let supply = match (&opts.access, &opts.supply) {
        (Some(_), Some(p)) => {
            let (s, input) = Supply::from_file(p, &ds)?;
            ds.inputs.push(input);
            Some(s)
        }
        (Some(_), None) => Some(Supply::list_sizes(&ds)),
        (None, _) => None,
    };

    let snaps = stages.stage("snap", || SiteSnaps::snap_all(&ds, &snapper, &candidates));
    let times = RoadTimes {
        router: &router,
        snaps: &snaps,
    };
    let n_pcns = res.pcns.len() as u64;
    let run = stages.counted("drive", n_pcns, "PCNs", |tick| {
        run_drive_with_progress(&ds, &res, &times, &opts.drive, &hubs, tick)
    });

    let access: Option<AccessRun> = match (&opts.access, supply) {
        (Some(ao), Some(supply)) => Some(stages.stage("access", || {
            run_access(&ds, &res, &router, &snaps, ao, supply, opts.access_export)
        })),
        _ => None,
    };

    // The slower scenario: the same analysis with slower roads.
    let slow_run: Option<DriveRun> = if opts.slow_factor < 1.0 {
        let slow = roads.slower(net, opts.slow_factor, cache, stages);
        let (r2, sn2) = (slow.router(), slow.snapper());
        let snaps2 = stages.stage("slow-snap", || SiteSnaps::snap_all(&ds, &sn2, &candidates));
        let t2 = RoadTimes {
            router: &r2,
            snaps: &snaps2,
        };
        Some(stages.counted("slow", n_pcns, "PCNs", |tick| {
            run_drive_with_progress(&ds, &res, &t2, &opts.drive, &hubs, tick)
        }))
    } else {
        None
    };

    let routes: Vec<RouteLine> = if opts.routes {
        stages.stage("routes", || hub_routes(&run, &snaps, &router))
    } else {
        Vec::new()
    };

    let parts = DriveParts {
        run: &run,
        slow: slow_run.as_ref(),
        snaps: &snaps,
        candidates: &candidates,
        routes,
        graph_report: serde_json::to_value(&roads.graph_report)?,
        prepare_report: serde_json::to_value(router.report())?,
        access: access.as_ref(),
    };
    let (drive_out, dissolve_check) = stages.stage("write", || {
        write_analysis(out, &ds, &res, &dissolved, info, opts, parts)
    })?;
    let mut findings_by_code = BTreeMap::new();
    let all: Vec<&Finding> = res.findings.iter().chain(&drive_out.findings).collect();
    for f in &all {
        *findings_by_code.entry(f.code.as_str()).or_insert(0) += 1;
    }
    let text = format!(
        "{}{}",
        crate::output::summary::check_summary(&ds, &res),
        crate::output::summary::drive_summary(&ds, &run, &drive_out.findings, &snaps.summary)
    );
    Ok(AnalyseSummary {
        text,
        dissolve_warning: dissolve_check.warning(),
        check_findings: res.findings.len(),
        drive_findings: drive_out.findings.len(),
        findings_by_code,
        pcns: run.pcns.len(),
        pcns_with_hub: run.pcns.iter().filter(|d| d.hub.is_some()).count(),
        snapping: snaps.summary.clone(),
        graph_nodes: roads.graph.node_count(),
    })
}

/// The drive-time results of one scenario, to be written.
pub struct DriveParts<'a> {
    pub run: &'a DriveRun,
    pub slow: Option<&'a DriveRun>,
    pub snaps: &'a SiteSnaps,
    pub candidates: &'a [CandidateSite],
    pub routes: Vec<RouteLine>,
    /// The road graph's and the preparation's reports, for report.json.
    pub graph_report: serde_json::Value,
    pub prepare_report: serde_json::Value,
    /// Accessibility scores, when computed.
    pub access: Option<&'a AccessRun>,
}

/// Write every output of `analyse` for a checked and analysed scenario;
/// returns what was written about the drive times and the dissolve check.
pub fn write_analysis<'a>(
    out: &Path,
    ds: &Dataset,
    res: &CheckResult,
    dissolved: &[MultiPolygon<f64>],
    info: &RunInfo,
    opts: &AnalyseOptions,
    parts: DriveParts<'a>,
) -> Result<(DriveOutput<'a>, DissolveCheck)> {
    let DriveParts {
        run,
        slow: slow_run,
        snaps,
        candidates,
        routes,
        graph_report,
        prepare_report,
        access,
    } = parts;
    let mut findings = run.findings.clone();
    findings.extend(snaps.findings(ds, candidates));
    findings.sort();
    let code = |s: Site| site_code(ds, candidates, s);
    let report = serde_json::json!({
        "options": &run.options,
        "slow_speed_factor": slow_run.map(|_| opts.slow_factor),
        "profile": &opts.profile,
        "roads": &opts.roads_report,
        "graph": &graph_report,
        "prepare": &prepare_report,
        "snapping": &snaps.summary,
        "access": access.map(|a| a.report()),
        "matrices": run.pcns.iter().map(|d| {
            let n = d.members.len();
            serde_json::json!({
                "pcn_code": ds.pcn(d.pcn).code,
                "practices": d.members.iter().map(|&p| code(Site::Practice(p))).collect::<Vec<_>>(),
                "minutes": (0..n).map(|i| (0..n).map(|j| {
                    let t = d.matrix_s[i * n + j];
                    t.is_finite().then(|| crate::output::drive::min2(t / 60.0))
                }).collect::<Vec<_>>()).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
    });
    let drive_out = DriveOutput {
        run,
        slow: slow_run.map(|r| (opts.slow_factor, r)),
        snaps,
        candidates,
        findings,
        routes,
        report,
        access,
    };
    let dissolve_check = DissolveCheck::measure(ds, res, dissolved);
    write_check(
        out,
        ds,
        res,
        dissolved,
        &dissolve_check,
        info,
        Some(&drive_out),
    )?;
    Ok((drive_out, dissolve_check))
}

/// Hub-to-member routes along the roads, for `routes.geojson`.
pub fn hub_routes(run: &DriveRun, snaps: &SiteSnaps, router: &Router) -> Vec<RouteLine> {
    run.pcns
        .par_iter()
        .flat_map_iter(|d| {
            let mut out = Vec::new();
            let Some(hub) = d.hub else { return out };
            let Some(hs) = snaps.snaps.get(&hub) else {
                return out;
            };
            for &to in d.tour_sites.iter().skip(1) {
                let Some(ts) = snaps.snaps.get(&to) else {
                    continue;
                };
                if let Some(p) = router.path(hs, ts) {
                    out.push(RouteLine {
                        pcn: d.pcn,
                        from: hub,
                        to,
                        seconds: p.seconds,
                        metres: p.metres,
                        coords: p.coords,
                    });
                }
            }
            out
        })
        .collect()
}
