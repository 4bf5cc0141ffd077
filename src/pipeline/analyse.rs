//! The whole `analyse` run as one library call, writing every output. Used
//! by `pcn-atlas analyse` and by `examples/analyse_england.rs`, so the
//! benchmark times exactly what the command does.

use super::drive::DrivePlan;
use super::roads::{Roads, RoadsSpec};
use super::{Fresh, Plan};
use crate::analyse::access::AccessOptions;
use crate::analyse::network::DriveOptions;
use crate::check::run::CheckOptions;
use crate::model::Dataset;
use crate::output::check::{RunInfo, write_check};
use crate::roads::network::RoadNetwork;
use crate::routing::{RoadCache, SnapOptions};
use crate::stages::Stages;
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    /// Named places for the maps (the road file's, or `--places`).
    pub places: Vec<crate::model::Place>,
    /// Public transport (`--gtfs`): the timetable and the walking network.
    pub transit: Option<crate::analyse::transit::Transit>,
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
    ds: Dataset,
    net: &RoadNetwork,
    opts: &AnalyseOptions,
    out: &Path,
    info: &RunInfo,
    stages: &S,
) -> Result<AnalyseSummary> {
    let roads = Roads::prepare(
        RoadsSpec {
            net,
            name: opts.roads_name.clone(),
            snap: opts.snap,
            slow_factor: opts.slow_factor,
            cache: opts.cache.clone(),
            profile: opts.profile.clone(),
            roads_report: opts.roads_report.clone(),
        },
        stages,
    )?;
    let plan = Plan {
        check: &opts.check,
        links: None,
        drive: Some(DrivePlan {
            candidates: opts.candidates.as_deref(),
            hubs: opts.hubs.as_deref(),
            access: opts.access.as_ref(),
            supply: opts.supply.as_deref(),
            access_export: opts.access_export,
            transit: opts.transit.as_ref(),
            ..DrivePlan::new(&roads, &opts.drive, opts.routes)
        }),
    };
    let mut run = super::run(ds, &plan, &mut Fresh, stages)?;
    run.places = opts.places.clone();
    // The prepared roads (both scenarios) are not needed to write: free
    // them first, so the write's buffers do not stack on them.
    let graph_nodes = roads.prepared.graph.node_count();
    drop(roads);
    stages.stage("write", || write_check(out, &run, info))?;
    let Some(drive) = &run.drive else {
        anyhow::bail!("analyse ran without drive times");
    };
    let mut findings_by_code = BTreeMap::new();
    for f in run.findings() {
        *findings_by_code.entry(f.code.as_str()).or_insert(0) += 1;
    }
    let text = format!(
        "{}{}",
        crate::output::summary::check_summary(&run.ds, &run.check),
        crate::output::summary::drive_summary(
            &run.ds,
            &drive.run,
            &drive.findings,
            &drive.snaps.summary
        )
    );
    Ok(AnalyseSummary {
        text,
        dissolve_warning: run.dissolve_check.warning(),
        check_findings: run.check.findings.len(),
        drive_findings: drive.findings.len(),
        findings_by_code,
        pcns: drive.run.pcns.len(),
        pcns_with_hub: drive.run.pcns.iter().filter(|d| d.hub.is_some()).count(),
        snapping: drive.snaps.summary.clone(),
        graph_nodes,
    })
}
