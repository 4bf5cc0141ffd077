//! `pcn-atlas what-if`: apply edits, re-run what they touch, write the
//! before/after comparison and the edited scenario's full outputs.

use super::analyse::{AccessFlags, DriveFlags, dataset_roads};
use super::config::Config;
use super::input::{CheckFlags, InputArgs};
use super::progress::Progress;
use anyhow::{Result, bail};
use clap::Args;
use pcn_atlas::load::codepoint::PostcodeLookup;
use pcn_atlas::load::dataset::load_dataset;
use pcn_atlas::model::Dataset;
use pcn_atlas::output::atomic::Staging;
use pcn_atlas::output::check::RunInfo;
use pcn_atlas::output::diff::{diff_rows, write_diff, write_scenario};
use pcn_atlas::pipeline::{Roads, RoadsSpec};
use pcn_atlas::routing::{RoadCache, SnapOptions};
use pcn_atlas::whatif::apply::{ApplyContext, DriveFn, apply_edits};
use pcn_atlas::whatif::edits::{self, EditAt};
use pcn_atlas::whatif::run::{Scenario, WhatIfOptions, run_baseline, run_edited};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Clone, Debug)]
pub struct WhatIfArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Road file: drive times and accessibility are compared too (as `analyse`); default: the
    /// dataset's roads.osm.pbf, roads.geojson or roads.shp; without one, check metrics only.
    #[arg(long, value_name = "FILE")]
    pub roads: Option<PathBuf>,
    /// Ignore the dataset's own road file: compare the check metrics only.
    #[arg(long, conflicts_with = "roads")]
    pub no_roads: bool,
    /// Kept for old scripts: the dataset's road file is now the default (no effect).
    #[arg(long, hide = true, conflicts_with = "no_roads")]
    pub dataset_roads: bool,
    /// Car profile overrides (TOML or JSON; see docs/car-profile.md).
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// Edits file (TOML; see docs/what-if.md). Its edits apply first, in file order.
    #[arg(long, value_name = "FILE")]
    pub edits: Option<PathBuf>,
    /// Merge PCNs: PCN1,PCN2[=NEWCODE[:NEW NAME]] (the first's code and name unless given). Repeatable.
    #[arg(long, value_name = "PCNS")]
    pub merge: Vec<String>,
    /// Move a practice to another PCN: PRACTICE=PCN. Repeatable.
    #[arg(long, value_name = "PRACTICE=PCN")]
    pub move_practice: Vec<String>,
    /// Move an area to another PCN's footprint: AREA=PCN. Repeatable.
    #[arg(long, value_name = "AREA=PCN")]
    pub move_area: Vec<String>,
    /// Add a practice: code=..,name=..,pcn=..,list_size=..,lon=..,lat=.. (or easting/northing, or postcode). Repeatable.
    #[arg(long, value_name = "KEY=VALUE,...")]
    pub add_practice: Vec<String>,
    /// Close a practice; its patients go to the nearest remaining practices (docs/what-if.md). Repeatable.
    #[arg(long, value_name = "PRACTICE")]
    pub close_practice: Vec<String>,
    /// Output folder: diff.csv, diff.geojson, diff_findings.csv, before/ and after/.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub thresholds: CheckFlags,
    #[command(flatten)]
    pub drive: DriveFlags,
    #[command(flatten)]
    pub access: Box<AccessFlags>,
    /// Do not write routes.geojson.
    #[arg(long)]
    pub no_routes: bool,
    /// Worker threads (default: all cores). Output is identical whatever the number.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

impl WhatIfArgs {
    /// Every edit: the file's in file order, then the flags by kind
    /// (merges, practice moves, area moves, additions, closures).
    fn edits(&self) -> Result<Vec<EditAt>> {
        let mut out = match &self.edits {
            Some(p) => edits::load_edits_file(p)?,
            None => Vec::new(),
        };
        for v in &self.merge {
            out.push(edits::parse_merge(v)?);
        }
        for v in &self.move_practice {
            out.push(edits::parse_move_practice(v)?);
        }
        for v in &self.move_area {
            out.push(edits::parse_move_area(v)?);
        }
        for v in &self.add_practice {
            out.push(edits::parse_add_practice(v)?);
        }
        for v in &self.close_practice {
            out.push(edits::parse_close_practice(v)?);
        }
        if out.is_empty() {
            bail!(
                "what-if needs at least one edit: --edits FILE, --move-practice, --move-area, --add-practice, --close-practice or --merge"
            );
        }
        Ok(out)
    }
}

impl WhatIfArgs {
    /// The road file, by the rule every command follows: `--roads`, else
    /// (unless `--no-roads`) the dataset folder's own; `None`: check only.
    fn roads_path(&self) -> Option<PathBuf> {
        match (&self.roads, &self.input.dataset, self.no_roads) {
            (Some(p), _, _) => Some(p.clone()),
            (None, Some(d), false) => dataset_roads(d),
            _ => None,
        }
    }
}

/// `pcn-atlas what-if`.
pub fn run(args: &WhatIfArgs, cfg: &Config, quiet: bool) -> Result<ExitCode> {
    super::config::threads(args.threads, cfg)?;
    let edits = args.edits()?;
    if args.access.access_export {
        bail!(
            "--access-export is not supported by what-if: run `analyse --access-export` on each scenario's files"
        );
    }
    let opts = WhatIfOptions {
        check: args.thresholds.options(cfg)?,
        drive: args.drive.options(cfg)?,
        routes: !args.no_routes,
        access: args.access.options()?,
        supply: args.access.supply.clone(),
    };
    let roads_path = args.roads_path();
    let profile = args.drive.profile(cfg, args.profile.as_deref())?;
    let mut inputs: Vec<_> = args.input.given().into_iter().map(Some).collect();
    inputs.extend([
        roads_path.clone(),
        args.profile.clone(),
        args.edits.clone(),
        args.access.supply.clone(),
        args.drive.cache_dir(cfg)?,
    ]);
    let _claim = super::input::claim_results(&args.out, cfg, inputs)?;
    let progress = Progress::new(quiet);
    let mut ds = progress.stage("load", || load_dataset(&args.input.paths()))?;
    let postcodes = match &args.input.postcodes {
        Some(p) => Some(pcn_atlas::load::codepoint::PostcodeLookup::load(p)?),
        None => None,
    };
    let run = Scenarios {
        opts: &opts,
        edits: &edits,
        postcodes: postcodes.as_ref(),
        progress: &progress,
        info: RunInfo::now(),
    };
    let Some(roads_path) = roads_path else {
        if let (false, false, Some(d)) = (quiet, args.no_roads, &args.input.dataset) {
            eprintln!(
                "no road file in {} (roads.osm.pbf, roads.geojson, roads.shp): check metrics only; --roads FILE compares drive times and accessibility too",
                d.display()
            );
        }
        run.run_and_write(args, ds, None)?;
        return Ok(ExitCode::SUCCESS);
    };

    let (net, roads_report) = progress.stage("roads", || {
        pcn_atlas::roads::load_roads(&roads_path, &profile)
    })?;
    ds.inputs.push(roads_report.input.clone());
    let profile_json = serde_json::to_value(&profile)?;
    let cache = args
        .drive
        .cache_dir(cfg)?
        .map(|dir| RoadCache::new(&dir, &roads_report.input.sha256, &profile_json, &net));
    let roads = Roads::prepare(
        RoadsSpec {
            net: &net,
            name: roads_path.display().to_string(),
            snap: SnapOptions {
                off_road_kph: profile.off_road_kph,
                max_snap_m: profile.max_snap_m,
            },
            slow_factor: args.drive.slow_factor(cfg)?,
            cache,
            profile: profile_json,
            roads_report: serde_json::to_value(&roads_report)?,
        },
        &progress,
    )?;
    run.run_and_write(args, ds, Some(&roads))?;
    Ok(ExitCode::SUCCESS)
}

/// What both scenarios share: settings, edits, and where to report.
struct Scenarios<'a> {
    opts: &'a WhatIfOptions,
    edits: &'a [EditAt],
    postcodes: Option<&'a PostcodeLookup>,
    progress: &'a Progress,
    info: RunInfo,
}

impl Scenarios<'_> {
    /// Run the baseline, apply the edits, run the edited scenario and write
    /// both with the diff.
    fn run_and_write(&self, args: &WhatIfArgs, ds: Dataset, roads: Option<&Roads>) -> Result<()> {
        let (opts, progress) = (self.opts, self.progress);
        let base = progress.stage("baseline", || run_baseline(ds, roads, opts))?;
        // Closing a practice: its patients go to the nearest by drive time
        // when there are roads.
        let drive_fn = |from: geo::Coord<f64>, to: &[geo::Coord<f64>]| match roads {
            Some(r) => r.times_from(from, to),
            None => Vec::new(),
        };
        let ctx = ApplyContext {
            baseline_footprints: &base.run.check.footprints,
            drive: roads.map(|_| &drive_fn as &DriveFn),
            postcodes: self.postcodes,
        };
        let edited = apply_edits(&base.run.ds, self.edits, &ctx)?;
        let after = progress.stage("edited", || run_edited(&base, &edited, roads, opts))?;
        write_all(args, progress, &base, &after, &edited.log, &self.info)
    }
}

/// Write both scenarios, the diff, and the summary on stdout.
fn write_all(
    args: &WhatIfArgs,
    progress: &Progress,
    base: &Scenario,
    after: &Scenario,
    log: &[String],
    info: &RunInfo,
) -> Result<()> {
    // One staging folder: before/, after/ and the diff land as one unit.
    let mut st = Staging::new(&args.out)?;
    let tb = progress.stage("write-before", || {
        write_scenario(st.child("before")?, &base.run, info)
    })?;
    let ta = progress.stage("write-after", || {
        write_scenario(st.child("after")?, &after.run, info)
    })?;
    let rows = diff_rows(&tb, &ta, &after.recomputed);
    write_diff(&mut st, &base.run, &after.run, &rows, &tb, &ta)?;
    st.commit()?;
    report(
        log,
        &rows,
        &args.out,
        tb.dissolve_warning.or(ta.dissolve_warning),
    );
    Ok(())
}

fn report(
    log: &[String],
    rows: &[pcn_atlas::output::diff::DiffRow],
    out: &std::path::Path,
    warning: Option<String>,
) {
    if let Some(w) = warning {
        eprintln!("{w}");
    }
    println!("edits:");
    for l in log {
        println!("  {l}");
    }
    println!("\nPCNs in diff.csv: {}", rows.len());
    for r in rows {
        let mut s = format!("  {:<8} {:<9}", r.pcn_code, r.change);
        if !r.findings_added.is_empty() {
            s.push_str(&format!(" +{}", r.findings_added.join(" +")));
        }
        if !r.findings_removed.is_empty() {
            s.push_str(&format!(" -{}", r.findings_removed.join(" -")));
        }
        println!("{s}");
    }
    println!("\nwrote {}", out.display());
}
