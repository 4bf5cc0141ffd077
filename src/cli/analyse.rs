//! `pcn-atlas analyse`: check, then drive times on the roads — hubs, staff
//! tours, patients' drive times — and every finding.

use super::config::Config;
use super::input::{CheckFlags, InputArgs};
use super::progress::Progress;
use anyhow::{Context, Result, bail};
use clap::Args;
use pcn_atlas::analyse::access::{AccessOptions, Decay};
use pcn_atlas::load::dataset::load_dataset;
use pcn_atlas::pipeline::{AnalyseOptions, run_analyse};
use pcn_atlas::routing::{RoadCache, SnapOptions};
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
    #[command(flatten)]
    pub access: Box<AccessFlags>,
    #[command(flatten)]
    pub transit: Box<super::transit::TransitArgs>,
    /// Hubs to use instead of choosing: CSV `pcn_code, hub_code` (a member practice or a candidate site).
    #[arg(long, value_name = "FILE")]
    pub hubs: Option<PathBuf>,
    /// Candidate hub sites other than practices: CSV `site_code, name, lon, lat` (or `easting, northing`), optional `pcn_code`.
    #[arg(long, value_name = "FILE")]
    pub candidates: Option<PathBuf>,
    /// Do not write routes.geojson (the hub-to-member routes along the roads).
    #[arg(long)]
    pub no_routes: bool,
    /// Exit with code 1 when there is a finding of this severity or worse:
    /// bare `--fail-on-findings` means `warning` (errors and warnings fail;
    /// RURAL and RURAL_WAIVER_CANDIDATE, which are info, do not).
    #[arg(long, value_name = "LEVEL", num_args = 0..=1, default_missing_value = "warning")]
    pub fail_on_findings: Option<super::config::FailOn>,
    #[command(flatten)]
    pub output: super::input::OutputFlags,
    /// Worker threads (default: all cores). Output is identical whatever the number.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

pub use super::settings::DriveFlags;

/// Accessibility scores (2SFCA, E2SFCA, gravity; see docs/access.md).
#[derive(Args, Clone, Debug)]
pub struct AccessFlags {
    /// Catchment of the accessibility scores: practices further than this many minutes from an area are left out.
    #[arg(long, value_name = "MIN", default_value_t = 30.0)]
    pub access_catchment_min: f64,
    /// E2SFCA distance decay: `step` (1/0.68/0.22 over thirds of the catchment, Luo & Qi 2009), `step:10=1,20=0.68,30=0.22`, `gaussian` (sigma = half the catchment) or `gaussian:SIGMA_MIN`.
    #[arg(long, value_name = "SPEC", default_value = "step")]
    pub access_decay: String,
    /// Gravity model: power of the decay d^-beta.
    #[arg(long, value_name = "BETA", default_value_t = 1.0)]
    pub gravity_beta: f64,
    /// Gravity model: drives shorter than this many minutes count as this long.
    #[arg(long, value_name = "MIN", default_value_t = 1.0)]
    pub gravity_floor_min: f64,
    /// Supply per practice for accessibility: CSV `practice_code, supply` (e.g. GP FTE); default the list size.
    #[arg(long, value_name = "FILE")]
    pub supply: Option<PathBuf>,
    /// Skip the accessibility scores.
    #[arg(long)]
    pub no_access: bool,
    /// Also write access_matrix.csv, access_demand.csv, access_supply.csv and access_scores.csv (for scripts/access_pysal.py).
    #[arg(long, hide = true)]
    pub access_export: bool,
}

impl AccessFlags {
    /// The options, or `None` with `--no-access`.
    pub fn options(&self) -> Result<Option<AccessOptions>> {
        if self.no_access {
            return Ok(None);
        }
        let d0 = self.access_catchment_min;
        let mut o = AccessOptions {
            catchment_min: d0,
            decay: Decay::luo_qi(d0),
            gravity_beta: self.gravity_beta,
            gravity_floor_min: self.gravity_floor_min,
        };
        pcn_atlas::analyse::access::validate(&o)?;
        o.decay = Decay::parse(&self.access_decay, d0)?;
        pcn_atlas::analyse::access::validate(&o)?;
        Ok(Some(o))
    }
}

/// The road file of a dataset folder, if it has one.
pub fn dataset_roads(dir: &Path) -> Option<PathBuf> {
    ["roads.osm.pbf", "roads.geojson", "roads.shp"]
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.is_file())
}

/// `pcn-atlas analyse`.
pub fn run(args: &AnalyseArgs, cfg: &Config, quiet: bool) -> Result<ExitCode> {
    super::config::threads(args.threads, cfg)?;
    let check_opts = args.thresholds.options(cfg)?;
    let drive_opts = args.drive.options(cfg)?;
    let profile = args.drive.profile(cfg, args.profile.as_deref())?;
    let access_opts = args.access.options()?;
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
    let mut inputs: Vec<_> = args.input.given().into_iter().map(Some).collect();
    inputs.extend([
        Some(roads_path.clone()),
        args.profile.clone(),
        args.hubs.clone(),
        args.candidates.clone(),
        args.access.supply.clone(),
        args.drive.cache_dir(cfg)?,
        args.output.places.clone(),
    ]);
    inputs.extend(args.transit.inputs().into_iter().map(Some));
    let _claim = super::input::claim_results(&args.out, cfg, inputs)?;
    let progress = Progress::new(quiet);
    let mut ds = progress.stage("load", || load_dataset(&args.input.paths()))?;
    let (net, roads_report) = progress.stage("roads", || {
        pcn_atlas::roads::load_roads(&roads_path, &profile)
    })?;
    ds.inputs.push(roads_report.input.clone());
    let places = args.output.places(roads_report.places.clone())?;
    let transit = args.transit.load(cfg, &roads_path, &progress)?;
    if let Some(t) = &transit {
        ds.inputs
            .extend(t.gtfs.feeds.iter().map(|f| f.input.clone()));
    }
    let profile_json = serde_json::to_value(&profile)?;
    let opts = AnalyseOptions {
        check: check_opts,
        drive: drive_opts,
        snap: SnapOptions {
            off_road_kph: profile.off_road_kph,
            max_snap_m: profile.max_snap_m,
        },
        slow_factor: args.drive.slow_factor(cfg)?,
        routes: !args.no_routes,
        candidates: args.candidates.clone(),
        hubs: args.hubs.clone(),
        profile: profile_json.clone(),
        roads_report: serde_json::to_value(&roads_report)?,
        roads_name: roads_path.display().to_string(),
        cache: args
            .drive
            .cache_dir(cfg)?
            .map(|dir| RoadCache::new(&dir, &roads_report.input.sha256, &profile_json, &net)),
        access: access_opts,
        supply: args.access.supply.clone(),
        access_export: args.access.access_export,
        places,
        transit,
    };
    let summary = run_analyse(
        ds,
        &net,
        &opts,
        &args.out,
        &args.output.run_info(),
        &progress,
    )?;
    if let Some(w) = &summary.dissolve_warning {
        eprintln!("{w}");
    }
    print!("{}", summary.text);
    println!("\n{}", cfg.describe());
    println!("\nwrote {}", args.out.display());
    let codes = summary
        .findings_by_code
        .keys()
        .filter_map(|c| pcn_atlas::findings::Code::parse(c));
    Ok(super::config::gate(args.fail_on_findings, cfg, codes))
}
