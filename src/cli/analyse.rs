//! `pcn-atlas analyse`: check, then drive times on the roads — hubs, staff
//! tours, patients' drive times — and every finding.

use super::input::{CheckFlags, InputArgs};
use super::progress::Progress;
use anyhow::{Context, Result, bail};
use clap::Args;
use pcn_atlas::analyse::nearest::nearest_practice_by_drive;
use pcn_atlas::analyse::network::{DriveOptions, HubRule, Site};
use pcn_atlas::analyse::road_times::{CandidateSite, RoadTimes, SiteSnaps};
use pcn_atlas::analyse::run::{DriveRun, HubInputs, run_drive_with_progress};
use pcn_atlas::check::footprint::assign;
use pcn_atlas::check::run::run_check_with_roads_and_footprints;
use pcn_atlas::load::dataset::load_dataset;
use pcn_atlas::output::check::{DissolveCheck, RunInfo, write_check};
use pcn_atlas::output::drive::{DriveOutput, RouteLine, site_code};
use pcn_atlas::roads::network::RoadNetwork;
use pcn_atlas::roads::profile::CarProfile;
use pcn_atlas::routing::{GraphOptions, RoadGraph, Router, SnapOptions, Snapper};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args, Clone, Debug)]
pub struct AnalyseArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Road file (.osm.pbf, Geofabrik roads .shp, GeoJSON); default: the dataset's roads.osm.pbf, roads.geojson or roads.shp.
    #[arg(long, value_name = "FILE")]
    pub roads: Option<PathBuf>,
    /// Car profile overrides (TOML or JSON; see docs/car-profile.md).
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// Output folder (created if missing; files are replaced only when the whole run succeeds).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub thresholds: CheckFlags,
    #[command(flatten)]
    pub drive: DriveFlags,
    /// Hubs to use instead of choosing: CSV `pcn_code, hub_code` (a member practice or a candidate site).
    #[arg(long, value_name = "FILE")]
    pub hubs: Option<PathBuf>,
    /// Candidate hub sites other than practices: CSV `site_code, name, lon, lat` (or `easting, northing`), optional `pcn_code`.
    #[arg(long, value_name = "FILE")]
    pub candidates: Option<PathBuf>,
    /// Do not write routes.geojson (the hub-to-member routes along the roads).
    #[arg(long)]
    pub no_routes: bool,
    /// Exit with code 1 when there is any finding.
    #[arg(long)]
    pub fail_on_findings: bool,
    /// Worker threads (default: all cores). Output is identical whatever the number.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Drive-time thresholds and settings (defaults from PRODUCT.md).
#[derive(Args, Clone, Debug)]
pub struct DriveFlags {
    /// Hub: 1-median (least list-weighted drive time to members) or 1-centre (least worst).
    #[arg(long, value_enum, default_value = "median")]
    pub hub_rule: HubRuleArg,
    /// HUB_IMPRACTICAL when a member is more than this many minutes from the hub.
    #[arg(long, value_name = "MIN", default_value_t = 30.0)]
    pub hub_max_min: f64,
    /// SHARED_ROLE_IMPRACTICAL when the staff tour takes more than this many minutes.
    #[arg(long, value_name = "MIN", default_value_t = 120.0)]
    pub tour_max_min: f64,
    /// PATIENT_ACCESS_BURDEN: patients more than this many minutes from the hub ...
    #[arg(long, value_name = "MIN", default_value_t = 30.0)]
    pub patient_max_min: f64,
    /// ... make up more than this share of the patients.
    #[arg(long, value_name = "SHARE", default_value_t = 0.2)]
    pub patient_share_max: f64,
    /// Length of a rotating role's working day, hours.
    #[arg(long, value_name = "H", default_value_t = 7.5)]
    pub day_hours: f64,
    /// Time on site per visit of a rotating role, minutes.
    #[arg(long, value_name = "MIN", default_value_t = 60.0)]
    pub on_site_min: f64,
    /// Speed factor of the slower scenario reported beside free flow (1 turns it off).
    #[arg(long, value_name = "F", default_value_t = 0.8)]
    pub slow_factor: f64,
    /// Points further than this from a usable road are unroutable (default: the profile's, 1000 m).
    #[arg(long, value_name = "M")]
    pub max_snap_m: Option<f64>,
    /// Speed of the leg between a point and its road (default: the profile's, 15 km/h).
    #[arg(long, value_name = "KPH")]
    pub off_road_kph: Option<f64>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum HubRuleArg {
    Median,
    Centre,
}

impl DriveFlags {
    pub fn options(&self) -> Result<DriveOptions> {
        let positive = [
            ("--hub-max-min", self.hub_max_min),
            ("--tour-max-min", self.tour_max_min),
            ("--patient-max-min", self.patient_max_min),
            ("--day-hours", self.day_hours),
        ];
        for (flag, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                bail!("{flag} {v}: must be a positive number");
            }
        }
        if !(self.on_site_min.is_finite() && self.on_site_min >= 0.0) {
            bail!("--on-site-min {}: must be ≥ 0", self.on_site_min);
        }
        if !(0.0..=1.0).contains(&self.patient_share_max) {
            bail!(
                "--patient-share-max {}: must be a share between 0 and 1",
                self.patient_share_max
            );
        }
        if !(self.slow_factor > 0.0 && self.slow_factor <= 1.0) {
            bail!("--slow-factor {}: must be in (0, 1]", self.slow_factor);
        }
        Ok(DriveOptions {
            hub_rule: match self.hub_rule {
                HubRuleArg::Median => HubRule::Median,
                HubRuleArg::Centre => HubRule::Centre,
            },
            hub_max_min: self.hub_max_min,
            tour_max_min: self.tour_max_min,
            patient_max_min: self.patient_max_min,
            patient_share_max: self.patient_share_max,
            share_thresholds_min: vec![15.0, 30.0, 45.0],
            day_hours: self.day_hours,
            on_site_min: self.on_site_min,
        })
    }
}

/// The road file of a dataset folder, if it has one.
pub fn dataset_roads(dir: &Path) -> Option<PathBuf> {
    ["roads.osm.pbf", "roads.geojson", "roads.shp"]
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.is_file())
}

/// Graph, router and snaps of one speed scenario, and its analysis.
struct Scenario {
    graph: RoadGraph,
    graph_report: pcn_atlas::routing::GraphReport,
}

/// `pcn-atlas analyse`.
pub fn run(args: &AnalyseArgs, quiet: bool) -> Result<ExitCode> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .map_err(|e| anyhow::anyhow!("--threads {n}: {e}"))?;
    }
    let check_opts = args.thresholds.options()?;
    let drive_opts = args.drive.options()?;
    let mut profile = match &args.profile {
        Some(p) => CarProfile::from_file(p)?,
        None => CarProfile::default(),
    };
    if let Some(m) = args.drive.max_snap_m {
        profile.max_snap_m = m;
    }
    if let Some(k) = args.drive.off_road_kph {
        profile.off_road_kph = k;
    }
    let roads_path = match (&args.roads, &args.input.dataset) {
        (Some(p), _) => p.clone(),
        (None, Some(d)) => dataset_roads(d).with_context(|| {
            format!(
                "analyse needs roads: give --roads FILE, or put roads.osm.pbf, roads.geojson or roads.shp in {}",
                d.display()
            )
        })?,
        (None, None) => bail!("analyse needs roads: give --roads FILE"),
    };
    let progress = Progress::new(quiet);
    let mut ds = progress.stage("load", || load_dataset(&args.input.paths()))?;
    let (net, roads_report) = progress.stage("roads", || {
        pcn_atlas::roads::load_roads(&roads_path, &profile)
    })?;
    ds.inputs.push(roads_report.input.clone());
    let snap_opts = SnapOptions {
        off_road_kph: profile.off_road_kph,
        max_snap_m: profile.max_snap_m,
    };
    let build = |net: &RoadNetwork| {
        let (graph, graph_report) = RoadGraph::build(net, &GraphOptions::default());
        Scenario {
            graph,
            graph_report,
        }
    };
    let free = progress.stage("graph", || build(&net));
    if free.graph.node_count() == 0 {
        bail!(
            "{}: no usable roads for a car (see roads_report in `pcn-atlas roads --roads {}`)",
            roads_path.display(),
            roads_path.display()
        );
    }
    let router = progress.stage("prepare", || Router::new(&free.graph));
    let snapper = Snapper::new(&free.graph, snap_opts.clone());
    // Footprints: footprints.csv, else registrations, else the nearest
    // practice — by drive time here, where the roads are at hand.
    let mut footprints = assign(&ds);
    if ds.footprints.is_none() && ds.registrations.is_empty() {
        let plain = SiteSnaps::snap_all(&ds, &snapper, &[]);
        let t0 = RoadTimes {
            router: &router,
            snaps: &plain,
        };
        let nearest = progress.stage("nearest", || nearest_practice_by_drive(&ds, &t0, 8));
        footprints.reassign_by_drive(&ds, &nearest);
    }
    let (res, _road_links) = progress.stage("check", || {
        run_check_with_roads_and_footprints(&ds, &check_opts, &net, footprints)
    });
    let groups: Vec<_> = res.pcns.iter().map(|c| c.areas.clone()).collect();
    let geoms: Vec<_> = ds.areas.iter().map(|a| a.geometry.clone()).collect();
    let dissolved = progress.stage("dissolve", || {
        pcn_atlas::check::dissolve::dissolve_groups(&geoms, &groups)
    });
    drop(geoms);

    // Candidate and given hubs.
    let mut hubs = HubInputs::default();
    let mut candidates: Vec<CandidateSite> = Vec::new();
    if let Some(p) = &args.candidates {
        let (sites, by_pcn, input) =
            pcn_atlas::analyse::sites::load_candidates(p, &ds, &res.footprints.area_pcns)?;
        candidates = sites;
        hubs.candidates = by_pcn;
        ds.inputs.push(input);
    }
    if let Some(p) = &args.hubs {
        let input = pcn_atlas::analyse::sites::load_hubs(p, &ds, &candidates, &mut hubs)?;
        ds.inputs.push(input);
    }

    let snaps = progress.stage("snap", || SiteSnaps::snap_all(&ds, &snapper, &candidates));
    let times = RoadTimes {
        router: &router,
        snaps: &snaps,
    };
    let n_pcns = res.pcns.len() as u64;
    let run = progress.counted("drive", n_pcns, "PCNs", |tick| {
        run_drive_with_progress(&ds, &res, &times, &drive_opts, &hubs, tick)
    });

    // The slower scenario: the same analysis with slower roads.
    let slow_net;
    let slow_scenario;
    let slow_run: Option<DriveRun> = if args.drive.slow_factor < 1.0 {
        slow_net = net.with_speed_factor(args.drive.slow_factor);
        slow_scenario = build(&slow_net);
        let r2 = Router::new(&slow_scenario.graph);
        let sn2 = Snapper::new(&slow_scenario.graph, snap_opts.clone());
        let snaps2 = SiteSnaps::snap_all(&ds, &sn2, &candidates);
        let t2 = RoadTimes {
            router: &r2,
            snaps: &snaps2,
        };
        Some(progress.counted("slow", n_pcns, "PCNs", |tick| {
            run_drive_with_progress(&ds, &res, &t2, &drive_opts, &hubs, tick)
        }))
    } else {
        None
    };

    let routes: Vec<RouteLine> = if args.no_routes {
        Vec::new()
    } else {
        progress.stage("routes", || hub_routes(&run, &snaps, &router))
    };

    let mut findings = run.findings.clone();
    findings.extend(snaps.findings(&ds, &candidates));
    findings.sort();
    let code = |s: Site| site_code(&ds, &candidates, s);
    let report = serde_json::json!({
        "options": &run.options,
        "slow_speed_factor": slow_run.as_ref().map(|_| args.drive.slow_factor),
        "profile": &profile,
        "roads": &roads_report,
        "graph": &free.graph_report,
        "prepare": &router.report,
        "snapping": &snaps.summary,
        "matrices": run.pcns.iter().map(|d| {
            let n = d.members.len();
            serde_json::json!({
                "pcn_code": ds.pcn(d.pcn).code,
                "practices": d.members.iter().map(|&p| code(Site::Practice(p))).collect::<Vec<_>>(),
                "minutes": (0..n).map(|i| (0..n).map(|j| {
                    let t = d.matrix_s[i * n + j];
                    t.is_finite().then(|| pcn_atlas::output::drive::min2(t / 60.0))
                }).collect::<Vec<_>>()).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
    });
    let drive_out = DriveOutput {
        run: &run,
        slow: slow_run.as_ref().map(|r| (args.drive.slow_factor, r)),
        snaps: &snaps,
        candidates: &candidates,
        findings,
        routes,
        report,
    };
    let dissolve_check = DissolveCheck::measure(&ds, &res, &dissolved);
    if let Some(w) = dissolve_check.warning() {
        eprintln!("{w}");
    }
    let info = RunInfo {
        command: std::env::args().collect::<Vec<_>>().join(" "),
        version: env!("CARGO_PKG_VERSION").into(),
    };
    progress.stage("write", || {
        write_check(
            &args.out,
            &ds,
            &res,
            &dissolved,
            &dissolve_check,
            &info,
            Some(&drive_out),
        )
    })?;
    print!("{}", pcn_atlas::output::summary::check_summary(&ds, &res));
    print!(
        "{}",
        pcn_atlas::output::summary::drive_summary(&ds, &run, &drive_out.findings, &snaps.summary)
    );
    println!("\nwrote {}", args.out.display());
    let any = !res.findings.is_empty() || !drive_out.findings.is_empty();
    if args.fail_on_findings && any {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Hub-to-member routes along the roads, for `routes.geojson`.
fn hub_routes(run: &DriveRun, snaps: &SiteSnaps, router: &Router) -> Vec<RouteLine> {
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
