//! `pcn-atlas propose`: footprints that meet the rules with the least
//! driving, or (`--repair`) the fewest area moves that fix failing networks.

use super::analyse::{AccessFlags, DriveFlags, dataset_roads};
use super::config::Config;
use super::input::{CheckFlags, InputArgs};
use super::progress::Progress;
use anyhow::{Result, bail};
use clap::Args;
use pcn_atlas::analyse::road_times::{RoadTimes, SiteSnaps};
use pcn_atlas::findings::{Finding, Scope};
use pcn_atlas::load::dataset::load_dataset;
use pcn_atlas::output::check::RunInfo;
use pcn_atlas::output::propose::{ProposalOutput, Written, write_proposal};
use pcn_atlas::pipeline::{self, DrivePlan, Fresh, Plan, Roads, RoadsSpec, SameAreas};
use pcn_atlas::propose::build::{
    Built, StraightLine, build, identities, propose, proposed_dataset,
};
use pcn_atlas::propose::{Objective, ProposeOptions, Start};
use pcn_atlas::routing::{RoadCache, SnapOptions};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Clone, Debug)]
pub struct ProposeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Road file (.osm.pbf, .shp, .geojson) for drive times, bridge/ferry links and the
    /// before/after analysis; default: the dataset's own road file, as `analyse`. Without roads
    /// (or with --no-roads) times are the straight line at --straight-kph and only check's rules
    /// are compared.
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
    #[command(flatten)]
    pub drive: DriveFlags,
    #[command(flatten)]
    pub access: Box<AccessFlags>,
    /// What to minimise: `minimal-change` (rule breaches, then practices moved, then areas
    /// moved, then driving) or `driving` (the least driving, whatever it moves).
    #[arg(long, value_enum, default_value = "minimal-change")]
    pub objective: ObjectiveArg,
    /// Let areas that practices stand in move, taking their practices to another network.
    /// Without it no practice changes network.
    #[arg(long)]
    pub move_practices: bool,
    /// Accept a proposal that raises a drive-time finding today's footprints do not have
    /// (without it such a proposal is refused: exit 1, no footprints.csv or practices.csv).
    #[arg(long)]
    pub allow_worse: bool,
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
    /// Objective added per area moved from today's footprint (resident-minutes); default
    /// 1e7 with --objective minimal-change, 0 with driving.
    #[arg(long, value_name = "X")]
    pub move_cost: Option<f64>,
    /// Objective added per practice moved to another network; default 1e9 with
    /// --objective minimal-change, 0 with driving.
    #[arg(long, value_name = "X")]
    pub practice_move_cost: Option<f64>,
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
    /// Worker threads for the road matrices (default: all cores). Output is identical whatever the number.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum ObjectiveArg {
    MinimalChange,
    Driving,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum StartArg {
    Current,
    Scratch,
}

/// The options of the search, from the flags.
fn options(args: &ProposeArgs, cfg: &Config) -> Result<ProposeOptions> {
    let check_opts = args.thresholds.options(cfg)?;
    let objective = match args.objective {
        ObjectiveArg::MinimalChange => Objective::MinimalChange,
        ObjectiveArg::Driving => Objective::Driving,
    };
    let base = ProposeOptions::for_objective(objective, args.move_practices);
    let opts = ProposeOptions {
        band_min: check_opts.band_min,
        band_max: check_opts.band_max,
        rural_threshold: check_opts.rural_threshold,
        rural_waiver: args.rural_waiver,
        lambda: args.lambda,
        move_cost: args.move_cost.unwrap_or(base.move_cost),
        practice_move_cost: args.practice_move_cost.unwrap_or(base.practice_move_cost),
        seed: args.seed,
        iterations: args.iterations.unwrap_or(0),
        start: match args.start {
            StartArg::Current => Start::Current,
            StartArg::Scratch => Start::Scratch,
        },
        straight_kph: args.straight_kph,
        repair_depth: args.repair_depth,
        ..base
    };
    opts.validate()?;
    Ok(opts)
}

/// `pcn-atlas propose`.
pub fn run(args: &ProposeArgs, cfg: &Config, quiet: bool) -> Result<ExitCode> {
    super::config::threads(args.threads, cfg)?;
    let opts = options(args, cfg)?;
    let check_opts = args.thresholds.options(cfg)?;
    let drive_opts = args.drive.options(cfg)?;
    let access_opts = args.access.options()?;
    let roads_path = match (&args.roads, &args.input.dataset, args.no_roads) {
        (Some(p), _, _) => Some(p.clone()),
        (None, Some(d), false) => dataset_roads(d),
        _ => None,
    };
    let mut inputs: Vec<_> = args.input.given().into_iter().map(Some).collect();
    inputs.extend([
        roads_path.clone(),
        args.profile.clone(),
        args.drive.cache_dir(cfg)?,
        args.access.supply.clone(),
    ]);
    let _claim = super::input::claim_results(&args.out, cfg, inputs)?;
    let progress = Progress::new(quiet);
    let mut ds = progress.stage("load", || load_dataset(&args.input.paths()))?;
    if ds.pcns.is_empty() || ds.areas.is_empty() {
        bail!("propose needs at least one PCN and one area");
    }
    let mut roads_in = None;
    if let Some(path) = &roads_path {
        let profile = args.drive.profile(cfg, args.profile.as_deref())?;
        let (net, report) =
            progress.stage("roads", || pcn_atlas::roads::load_roads(path, &profile))?;
        ds.inputs.push(report.input.clone());
        roads_in = Some((path, net, report, profile));
    }
    let roads = prepare_roads(args, cfg, roads_in.as_ref(), &progress)?;
    // Today and the proposal go through the same stages as `analyse` (with
    // roads) or `check` (without).
    let plan = Plan {
        check: &check_opts,
        links: None,
        drive: roads.as_ref().map(|r| DrivePlan {
            access: access_opts.as_ref(),
            supply: args.access.supply.as_deref(),
            ..DrivePlan::new(r, &drive_opts, false)
        }),
    };
    let today = pipeline::run(ds, &plan, &mut Fresh, &progress)?;
    let (ds, res) = (&today.ds, &today.check);
    let (mut built, times) = built_problem(
        args,
        &today,
        roads.as_ref().zip(roads_path.as_deref()),
        &progress,
    )?;
    let start = if opts.move_practices {
        built.filled.clone()
    } else {
        built.lock_practice_areas()
    };
    let outcome = progress.stage(if args.repair { "repair" } else { "search" }, || {
        propose(ds, &built, &opts, args.repair, start)
    });
    let ds2 = proposed_dataset(ds, &built, &outcome.label);
    let proposed = pipeline::run(
        ds2,
        &plan,
        &mut SameAreas(&res.adjacency, &res.road_links),
        &progress,
    )?;
    let worse = new_drive_findings(&today, &proposed);
    let refused = !worse.is_empty() && !args.allow_worse;
    let w = ProposalOutput {
        ds,
        built: &built,
        outcome: &outcome,
        opts: &opts,
        check_today: res,
        check_proposed: &proposed.check,
        dissolved: &proposed.dissolved,
        today_run: &today,
        proposed_run: &proposed,
        identity: identities(ds, &built, &outcome.label),
        new_drive_findings: &worse,
        refused,
        times: times.clone(),
        info: RunInfo {
            maps: false,
            gpkg: false,
            xlsx: false,
            ..RunInfo::now()
        },
        export_problem: args.export_problem,
    };
    write_and_report(args, &w, &progress)
}

/// Write the proposal, print its summary, and say (exit 1) when it was
/// refused for drive-time findings today's footprints do not have.
fn write_and_report(
    args: &ProposeArgs,
    w: &ProposalOutput,
    progress: &Progress,
) -> Result<ExitCode> {
    let written = progress.stage("write", || write_proposal(&args.out, w))?;
    print!("{}", summary(w, &written));
    println!("\nwrote {}", args.out.display());
    if w.refused {
        eprintln!(
            "propose: refused: the proposal raises {} drive-time finding(s) today's footprints do not have (listed above); footprints.csv and practices.csv were not written. Rerun with --allow-worse to accept it, or --objective minimal-change without --move-practices.",
            w.new_drive_findings.len()
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// The roads prepared for routing (and cached when asked), when given.
fn prepare_roads<'a>(
    args: &ProposeArgs,
    cfg: &Config,
    roads_in: Option<&'a RoadsIn<'a>>,
    progress: &Progress,
) -> Result<Option<Roads<'a>>> {
    Ok(match roads_in {
        Some((path, net, report, profile)) => {
            let profile_json = serde_json::to_value(profile)?;
            Some(Roads::prepare(
                RoadsSpec {
                    net,
                    name: path.display().to_string(),
                    snap: SnapOptions {
                        off_road_kph: profile.off_road_kph,
                        max_snap_m: profile.max_snap_m,
                    },
                    slow_factor: args.drive.slow_factor(cfg)?,
                    cache: args
                        .drive
                        .cache_dir(cfg)?
                        .map(|dir| RoadCache::new(&dir, &report.input.sha256, &profile_json, net)),
                    roads_report: serde_json::to_value(report)?,
                    profile: profile_json,
                },
                progress,
            )?)
        }
        None => None,
    })
}

/// The road file given, its network and report, and the car profile.
type RoadsIn<'a> = (
    &'a PathBuf,
    pcn_atlas::roads::network::RoadNetwork,
    pcn_atlas::roads::RoadsReport,
    pcn_atlas::roads::profile::CarProfile,
);

/// Drive-time findings of the proposal that today's footprints do not
/// have: same scope, code and subject (a renamed network compared with
/// itself today), by network index.
fn new_drive_findings(today: &pipeline::Run, proposed: &pipeline::Run) -> Vec<Finding> {
    let (Some(before), Some(after)) = (&today.drive, &proposed.drive) else {
        return Vec::new();
    };
    let old_code: std::collections::HashMap<&str, &str> = proposed
        .ds
        .pcns
        .iter()
        .zip(&today.ds.pcns)
        .map(|(p, t)| (p.code.as_str(), t.code.as_str()))
        .collect();
    let key = |f: &Finding, map: bool| {
        let subject = match (map, f.scope) {
            (true, Scope::Pcn) => old_code
                .get(f.subject.as_str())
                .map_or(f.subject.clone(), |s| s.to_string()),
            _ => f.subject.clone(),
        };
        (f.scope, f.code, subject)
    };
    let had: std::collections::BTreeSet<_> =
        before.findings.iter().map(|f| key(f, false)).collect();
    after
        .findings
        .iter()
        .filter(|f| !had.contains(&key(f, true)))
        .cloned()
        .collect()
}

/// The partition problem with its times: drive times on the roads when
/// there are roads, else the straight line; and a sentence saying which.
fn built_problem(
    args: &ProposeArgs,
    today: &pipeline::Run,
    roads: Option<(&Roads, &std::path::Path)>,
    progress: &Progress,
) -> Result<(Built, String)> {
    let (ds, res) = (&today.ds, &today.check);
    Ok(match roads {
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
        Some((roads, path)) => {
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

/// The plain-text summary printed on stdout.
fn summary(w: &ProposalOutput, written: &Written) -> String {
    let o = w.opts;
    let mut s = String::new();
    let today: f64 = w.outcome.today.iter().map(|e| e.driving(o)).sum();
    let prop: f64 = w.outcome.proposed.iter().map(|e| e.driving(o)).sum();
    let valid = w
        .outcome
        .proposed
        .iter()
        .filter(|e| e.violation(o) == 0)
        .count();
    s.push_str(&format!("times: {}\n", w.times));
    s.push_str(&format!(
        "driving (resident-minutes to hub + {} x tour minutes): today {:.0}, proposed {:.0}\n",
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
    for (k, e) in w.outcome.proposed.iter().enumerate() {
        let v = e.violation(o);
        if v > 0 && v <= e.floor(o) {
            s.push_str(&format!(
                "{}: {} patients outside the band; only moving practices can change its list size (--move-practices)\n",
                w.ds.pcn(pcn_atlas::model::PcnId(k as u32)).code,
                v
            ));
        }
    }
    for (a, n) in w.crowded_areas() {
        s.push_str(&format!(
            "area {a} holds practices with {n} patients together, above the band's {}: its network cannot be brought into the band\n",
            o.band_max
        ));
    }
    let moves = w.moves();
    s.push_str(&format!(
        "moves from today: {} areas, {} practices{}\n",
        moves.iter().filter(|m| m[0] == "area").count(),
        moves.iter().filter(|m| m[0] == "practice").count(),
        if o.move_practices {
            ""
        } else {
            " (practices stay in their network: --move-practices lets them move)"
        }
    ));
    for m in moves.iter().filter(|m| m[0] == "practice") {
        s.push_str(&format!(
            "  practice {} {}: {} -> {}\n",
            m[1], m[2], m[3], m[4]
        ));
    }
    for id in w.identity.iter().filter(|i| !i.kept) {
        s.push_str(&format!(
            "network {} keeps {:.0}% of its patients: reported as new\n",
            id.code,
            100.0 * id.kept_share
        ));
    }
    s.push_str(&findings_lines(w, written));
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

/// The findings the proposal adds and removes, network by network, and the
/// drive-time findings that are new (the reason for a refusal).
fn findings_lines(w: &ProposalOutput, written: &Written) -> String {
    let mut s = String::new();
    let (added, removed): (usize, usize) = written.diff.iter().fold((0, 0), |(a, r), d| {
        (a + d.findings_added.len(), r + d.findings_removed.len())
    });
    let _ = writeln!(
        s,
        "findings by network: {added} added, {removed} removed (diff.csv, diff_findings.csv)"
    );
    for d in &written.diff {
        if d.findings_added.is_empty() && d.findings_removed.is_empty() {
            continue;
        }
        let mut line = format!("  {:<12}", d.pcn_code);
        for c in &d.findings_added {
            let _ = write!(line, " +{c}");
        }
        for c in &d.findings_removed {
            let _ = write!(line, " -{c}");
        }
        let _ = writeln!(s, "{line}");
    }
    if w.new_drive_findings.is_empty() {
        if w.proposed_run.drive.is_some() {
            s.push_str("new drive-time findings: none\n");
        }
    } else {
        let _ = writeln!(
            s,
            "NEW DRIVE-TIME FINDINGS ({}){}:",
            w.new_drive_findings.len(),
            if w.refused {
                ": proposal refused"
            } else {
                ": accepted with --allow-worse"
            }
        );
        for f in w.new_drive_findings {
            let _ = writeln!(s, "  {} {}: {}", f.code.as_str(), f.subject, f.detail);
        }
    }
    s
}
