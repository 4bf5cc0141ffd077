//! `pcn-atlas propose`: footprints that meet the rules with the least
//! driving, or (`--repair`) the fewest area moves that fix failing networks.

use super::analyse::dataset_roads;
use super::config::Config;
use super::input::{CheckFlags, InputArgs};
use super::progress::Progress;
use anyhow::{Result, bail};
use clap::Args;
use pcn_atlas::analyse::road_times::{RoadTimes, SiteSnaps};
use pcn_atlas::load::dataset::load_dataset;
use pcn_atlas::output::propose::{ProposalOutput, write_proposal};
use pcn_atlas::pipeline::{self, Fresh, Plan, Roads, RoadsSpec, SameAreas};
use pcn_atlas::propose::build::{StraightLine, build, propose, proposed_dataset};
use pcn_atlas::propose::{ProposeOptions, Start};
use pcn_atlas::routing::{RoadCache, SnapOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Clone, Debug)]
pub struct ProposeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Road file (.osm.pbf, .shp, .geojson) for drive times and bridge/ferry links; without it
    /// (and with --no-roads) times are the straight line at --straight-kph.
    #[arg(long, value_name = "FILE")]
    pub roads: Option<PathBuf>,
    /// Ignore the dataset's own road file: straight-line times.
    #[arg(long, conflicts_with = "roads")]
    pub no_roads: bool,
    /// Car profile overrides for --roads.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// Output folder (created if missing; files are replaced only when the whole run succeeds).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub thresholds: CheckFlags,
    /// Seed of the search: the same seed gives the same bytes.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Start from today's footprint or grow networks from today's hubs.
    #[arg(long, value_enum, default_value = "current")]
    pub start: StartArg,
    /// Instead of a proposal: the fewest area moves that repair each failing network.
    #[arg(long)]
    pub repair: bool,
    /// Let rural networks (RURAL_WAIVER_CANDIDATE under check's rule) fall below --band-min.
    #[arg(long)]
    pub rural_waiver: bool,
    /// Weight of one staff-tour minute against one resident's minute to the hub.
    #[arg(
        long,
        value_name = "X",
        default_value_t = 1000.0,
        allow_negative_numbers = true
    )]
    pub lambda: f64,
    /// Objective added per area moved from today's footprint (resident-minutes).
    #[arg(long, value_name = "X", default_value_t = 0.0)]
    pub move_cost: f64,
    /// Annealing steps (default 400 per area).
    #[arg(long, value_name = "N")]
    pub iterations: Option<u64>,
    /// Without roads: straight-line speed, km/h.
    #[arg(long, value_name = "KPH", default_value_t = 30.0)]
    pub straight_kph: f64,
    /// Repair: exact search up to this many moves per network, then a heuristic.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub repair_depth: usize,
    /// Also write problem.json (areas, adjacency, populations, practices, drive times) for
    /// comparisons such as scripts/propose_spopt.py.
    #[arg(long)]
    pub export_problem: bool,
    /// Keep the prepared roads (graph and contraction hierarchy) in this folder, keyed by the roads, profile and version: the next run on the same roads reads them instead of preparing them.
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Worker threads for the road matrices (default: all cores). Output is identical whatever the number.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum StartArg {
    Current,
    Scratch,
}

/// `pcn-atlas propose`.
pub fn run(args: &ProposeArgs, cfg: &Config, quiet: bool) -> Result<ExitCode> {
    super::config::threads(args.threads, cfg)?;
    let check_opts = args.thresholds.options(cfg)?;
    let opts = ProposeOptions {
        band_min: check_opts.band_min,
        band_max: check_opts.band_max,
        rural_threshold: check_opts.rural_threshold,
        rural_waiver: args.rural_waiver,
        lambda: args.lambda,
        move_cost: args.move_cost,
        seed: args.seed,
        iterations: args.iterations.unwrap_or(0),
        start: match args.start {
            StartArg::Current => Start::Current,
            StartArg::Scratch => Start::Scratch,
        },
        straight_kph: args.straight_kph,
        repair_depth: args.repair_depth,
    };
    opts.validate()?;
    let roads_path = match (&args.roads, &args.input.dataset, args.no_roads) {
        (Some(p), _, _) => Some(p.clone()),
        (None, Some(d), false) => dataset_roads(d),
        _ => None,
    };
    let mut inputs: Vec<_> = args.input.given().into_iter().map(Some).collect();
    inputs.extend([roads_path.clone(), args.profile.clone(), args.cache.clone()]);
    let _claim = super::input::claim_results(&args.out, cfg, inputs)?;
    let progress = Progress::new(quiet);
    let mut ds = progress.stage("load", || load_dataset(&args.input.paths()))?;
    if ds.pcns.is_empty() || ds.areas.is_empty() {
        bail!("propose needs at least one PCN and one area");
    }
    let mut roads_in = None;
    if let Some(path) = &roads_path {
        let profile = cfg.profile(args.profile.as_deref())?;
        let (net, report) =
            progress.stage("roads", || pcn_atlas::roads::load_roads(path, &profile))?;
        ds.inputs.push(report.input.clone());
        roads_in = Some((path, net, report, profile));
    }
    let plan = Plan {
        links: roads_in.as_ref().map(|r| &r.1),
        ..Plan::check(&check_opts)
    };
    let today = pipeline::run(ds, &plan, &mut Fresh, &progress)?;
    let (ds, res) = (&today.ds, &today.check);
    let (built, times) = built_problem(args, cfg, &today, roads_in.as_ref(), &progress)?;
    let outcome = progress.stage(if args.repair { "repair" } else { "search" }, || {
        propose(ds, &built, &opts, args.repair)
    });
    // The proposal, checked and dissolved on today's adjacency.
    let ds2 = proposed_dataset(ds, &built, &outcome.label);
    let proposed = pipeline::run(
        ds2,
        &Plan::check(&check_opts),
        &mut SameAreas(&res.adjacency),
        &progress,
    )?;
    let w = ProposalOutput {
        ds,
        built: &built,
        outcome: &outcome,
        opts: &opts,
        check_today: res,
        check_proposed: &proposed.check,
        dissolved: &proposed.dissolved,
        times: times.clone(),
        command: std::env::args().collect::<Vec<_>>().join(" "),
        version: env!("CARGO_PKG_VERSION").into(),
        export_problem: args.export_problem,
        runs: Some((&today, &proposed)),
    };
    progress.stage("write", || write_proposal(&args.out, &w))?;
    print!("{}", summary(&w));
    println!("\nwrote {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}

/// The partition problem with its times: drive times on the roads when
/// there are roads, else the straight line; and a sentence saying which.
fn built_problem(
    args: &ProposeArgs,
    cfg: &Config,
    today: &pipeline::Run,
    roads_in: Option<&RoadsIn>,
    progress: &Progress,
) -> Result<(pcn_atlas::propose::build::Built, String)> {
    let (ds, res) = (&today.ds, &today.check);
    Ok(match roads_in {
        None => {
            let t = StraightLine {
                ds,
                kph: args.straight_kph,
            };
            let built = progress.stage("times", || build(ds, res, &t, args.straight_kph));
            let what = format!(
                "no roads: straight-line distance at {} km/h between area centroids and practices",
                args.straight_kph
            );
            (built, what)
        }
        Some((path, net, report, profile)) => {
            let profile_json = serde_json::to_value(profile)?;
            let roads = Roads::prepare(
                RoadsSpec {
                    net,
                    name: path.display().to_string(),
                    snap: SnapOptions {
                        off_road_kph: profile.off_road_kph,
                        max_snap_m: profile.max_snap_m,
                    },
                    slow_factor: 1.0,
                    cache: super::config::cache_dir(&args.cache, cfg)?
                        .map(|dir| RoadCache::new(&dir, &report.input.sha256, &profile_json, net)),
                    roads_report: serde_json::to_value(report)?,
                    profile: profile_json,
                },
                progress,
            )?;
            let (router, snapper) = (roads.prepared.router(), roads.prepared.snapper());
            let snaps = progress.stage("snap", || SiteSnaps::snap_all(ds, &snapper, &[]));
            let t = RoadTimes {
                router: &router,
                snaps: &snaps,
            };
            let built = progress.stage("times", || build(ds, res, &t, args.straight_kph));
            let what = format!(
                "drive times on {} (unroutable pairs: straight line at {} km/h)",
                path.display(),
                args.straight_kph
            );
            (built, what)
        }
    })
}

/// The road file given, its network and report, and the car profile.
type RoadsIn<'a> = (
    &'a PathBuf,
    pcn_atlas::roads::network::RoadNetwork,
    pcn_atlas::roads::RoadsReport,
    pcn_atlas::roads::profile::CarProfile,
);

/// The plain-text summary printed on stdout.
fn summary(w: &ProposalOutput) -> String {
    let o = w.opts;
    let mut s = String::new();
    let today: f64 = w
        .outcome
        .today
        .iter()
        .map(|e| e.cost(o) - o.move_cost * e.moved as f64)
        .sum();
    let prop: f64 = w.outcome.proposed.iter().map(|e| e.cost(o)).sum();
    let valid = w
        .outcome
        .proposed
        .iter()
        .filter(|e| e.violation(o) == 0)
        .count();
    s.push_str(&format!("times: {}\n", w.times));
    s.push_str(&format!(
        "objective (resident-minutes to hub + {} x tour minutes): today {:.0}, proposed {:.0}\n",
        o.lambda, today, prop
    ));
    s.push_str(&format!(
        "networks valid (one piece, in band{}): {valid} of {}\n",
        if o.rural_waiver {
            " or rural waiver"
        } else {
            ""
        },
        w.outcome.proposed.len()
    ));
    for (a, n) in w.crowded_areas() {
        s.push_str(&format!(
            "area {a} holds practices with {n} patients together, above the band's {}: its network cannot be brought into the band\n",
            o.band_max
        ));
    }
    let moves = w.moves();
    s.push_str(&format!(
        "moves from today: {} areas, {} practices\n",
        moves.iter().filter(|m| m[0] == "area").count(),
        moves.iter().filter(|m| m[0] == "practice").count()
    ));
    for r in &w.outcome.repairs {
        s.push_str(&format!(
            "repair {}: {} area move(s), {}, {}\n",
            w.ds.pcn(pcn_atlas::model::PcnId(r.network)).code,
            r.moves.len(),
            if r.exact {
                "fewest (exact)"
            } else {
                "heuristic"
            },
            if r.fixed { "fixed" } else { "NOT fixed" }
        ));
    }
    s.push_str(&format!(
        "\n{:<8} {:>10} {:>10} {:>6} {:>6}  flags (proposed)\n",
        "pcn", "list today", "proposed", "pieces", "moved"
    ));
    for r in w.rows() {
        s.push_str(&format!(
            "{:<8} {:>10} {:>10} {:>6} {:>6}  {}\n",
            r[0], r[4], r[5], r[12], r[23], r[24]
        ));
    }
    s
}
