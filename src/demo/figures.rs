//! The figures the demo README states, computed by pcn-atlas itself: the
//! written files loaded as any dataset is, then run through the pipeline
//! (check, dissolve and drive times on the demo's roads, default car
//! profile, free flow). `tests/oracle` recomputes every one of them
//! independently from the files.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::analyse::network::{DriveOptions, Site};
use crate::check::adjacency::Contiguity;
use crate::check::run::CheckOptions;
use crate::findings::Code;
use crate::load::dataset::{DatasetPaths, load_dataset};
use crate::model::Dataset;
use crate::pipeline::{self, DrivePlan, Fresh, Plan, Roads, RoadsSpec, Run, Silent};
use crate::roads::profile::CarProfile;
use crate::routing::SnapOptions;

/// Drive-time figures of one network, at free flow.
#[derive(Clone, Debug)]
pub(crate) struct Drive {
    /// Practice indices.
    pub hub: usize,
    pub farthest: usize,
    pub max_member_min: f64,
    pub tour_min: f64,
    pub share_over_30_min: f64,
}

/// One network's figures; practice and area indices are rows of the files.
#[derive(Clone, Debug)]
pub(crate) struct PcnFigures {
    pub practices: Vec<usize>,
    pub list_size: u64,
    pub resident_population: u64,
    pub areas: usize,
    pub rural_share: f64,
    pub sparse_share: f64,
    /// Area indices per queen component, largest first.
    pub components: Vec<Vec<usize>>,
    /// Number of components under rook adjacency.
    pub rook_components: usize,
    pub outside_practices: Vec<usize>,
    pub drive: Drive,
    /// Finding codes: the check's, then the drive-time ones.
    pub flags: Vec<&'static str>,
}

/// Every figure of the README.
pub(crate) struct Figures {
    /// The dataset as loaded.
    pub ds: Dataset,
    pub pcns: Vec<PcnFigures>,
    pub unassigned: Vec<usize>,
    /// Area codes in more than one footprint.
    pub in_two_pcns: Vec<String>,
    /// Largest snap distance of a practice or area centroid (m).
    pub max_snap_m: f64,
    /// Road nodes outside the graph's largest strongly connected part,
    /// which pcn-atlas leaves out of routing.
    pub road_nodes_dropped: usize,
    pub check: CheckOptions,
    pub drive: DriveOptions,
}

/// Load the demo files in `dir` and run pcn-atlas on them.
pub(crate) fn compute(dir: &Path) -> Result<Figures> {
    let paths = DatasetPaths {
        dir: Some(dir.to_path_buf()),
        ..DatasetPaths::default()
    };
    let ds = load_dataset(&paths)?;
    let profile = CarProfile::default();
    let roads_path = dir.join("roads.geojson");
    let (net, roads_report) = crate::roads::load_roads(&roads_path, &profile)?;
    let roads = Roads::prepare(
        RoadsSpec {
            net: &net,
            name: roads_path.display().to_string(),
            snap: SnapOptions {
                off_road_kph: profile.off_road_kph,
                max_snap_m: profile.max_snap_m,
            },
            slow_factor: 1.0,
            cache: None,
            profile: serde_json::to_value(&profile)?,
            roads_report: serde_json::to_value(&roads_report)?,
        },
        &Silent,
    )?;
    let check = CheckOptions::default();
    let drive = DriveOptions::default();
    let plan = Plan {
        check: &check,
        links: None,
        drive: Some(DrivePlan::new(&roads, &drive, false)),
    };
    let run = pipeline::run(ds.clone(), &plan, &mut Fresh, &Silent)?;
    let mut rook_opts = check.clone();
    rook_opts.adjacency.rule = Contiguity::Rook;
    let rook = pipeline::run(ds, &Plan::check(&rook_opts), &mut Fresh, &Silent)?;
    let dropped = roads.prepared.graph_report.discarded_nodes;
    figures(run, &rook, dropped, check, drive)
}

fn figures(
    run: Run,
    rook: &Run,
    road_nodes_dropped: usize,
    check: CheckOptions,
    drive: DriveOptions,
) -> Result<Figures> {
    let Some(d) = &run.drive else {
        bail!("the demo run has no drive times");
    };
    let practice = |s: Option<Site>| match s {
        Some(Site::Practice(p)) => Ok(p.idx()),
        other => bail!("the demo's hub is not a practice: {other:?}"),
    };
    let mut pcns = Vec::new();
    for ((c, r), pd) in run.check.pcns.iter().zip(&rook.check.pcns).zip(&d.run.pcns) {
        let pcn = &run.ds.pcns[c.pcn.idx()];
        let hub = practice(pd.hub)?;
        let farthest = match pd.staff_farthest {
            Some(p) => p.idx(),
            None => hub,
        };
        let minutes =
            |x: Option<f64>, what: &str| x.with_context(|| format!("{}: no {what}", pcn.code));
        pcns.push(PcnFigures {
            practices: pcn.practices.iter().map(|p| p.idx()).collect(),
            list_size: c.list_size,
            resident_population: c.resident_population,
            areas: c.areas.len(),
            rural_share: c.rural_share.unwrap_or(0.0),
            sparse_share: c.sparse_share.unwrap_or(0.0),
            components: c
                .components
                .iter()
                .map(|k| k.areas.iter().map(|a| a.idx()).collect())
                .collect(),
            rook_components: r.components.len(),
            outside_practices: c.outside.iter().map(|o| o.practice.idx()).collect(),
            drive: Drive {
                hub,
                farthest,
                max_member_min: minutes(pd.staff_max_min, "staff time")?,
                tour_min: minutes(pd.tour.as_ref().map(|t| t.seconds / 60.0), "tour")?,
                share_over_30_min: minutes(pd.patients.hub_share_over_limit, "patient share")?,
            },
            flags: c
                .flags
                .iter()
                .chain(&pd.flags)
                .map(|f| f.as_str())
                .collect(),
        });
    }
    let subjects = |code: Code| -> Vec<String> {
        run.check
            .findings
            .iter()
            .filter(|f| f.code == code)
            .map(|f| f.subject.clone())
            .collect()
    };
    let unassigned = subjects(Code::AreaUnassigned)
        .iter()
        .map(|s| {
            run.ds
                .areas
                .iter()
                .position(|a| &a.code == s)
                .with_context(|| format!("unassigned area {s} is not an area"))
        })
        .collect::<Result<Vec<usize>>>()?;
    Ok(Figures {
        pcns,
        unassigned,
        in_two_pcns: subjects(Code::AreaInTwoPcns),
        max_snap_m: d.snaps.summary.max_snap_m,
        road_nodes_dropped,
        check,
        drive,
        ds: run.ds,
    })
}
