//! `pcn-atlas analyse`: check, then drive times on the roads — hubs, staff
//! tours, patients' drive times — and every finding.

use super::input::{CheckFlags, InputArgs};
use super::progress::Progress;
use anyhow::{Context, Result, bail};
use clap::Args;
use pcn_atlas::analyse::network::{DriveOptions, HubRule};
use pcn_atlas::analyse::pipeline::{AnalyseOptions, run_analyse};
use pcn_atlas::load::dataset::load_dataset;
use pcn_atlas::output::check::RunInfo;
use pcn_atlas::roads::profile::CarProfile;
use pcn_atlas::routing::SnapOptions;
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

/// `pcn-atlas analyse`.
pub fn run(args: &AnalyseArgs, quiet: bool) -> Result<ExitCode> {
    super::input::set_threads(args.threads)?;
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
    let opts = AnalyseOptions {
        check: check_opts,
        drive: drive_opts,
        snap: SnapOptions {
            off_road_kph: profile.off_road_kph,
            max_snap_m: profile.max_snap_m,
        },
        slow_factor: args.drive.slow_factor,
        routes: !args.no_routes,
        candidates: args.candidates.clone(),
        hubs: args.hubs.clone(),
        profile: serde_json::to_value(&profile)?,
        roads_report: serde_json::to_value(&roads_report)?,
        roads_name: roads_path.display().to_string(),
    };
    let info = RunInfo {
        command: std::env::args().collect::<Vec<_>>().join(" "),
        version: env!("CARGO_PKG_VERSION").into(),
    };
    let summary = run_analyse(ds, &net, &opts, &args.out, &info, &progress)?;
    if let Some(w) = &summary.dissolve_warning {
        eprintln!("{w}");
    }
    print!("{}", summary.text);
    println!("\nwrote {}", args.out.display());
    let any = summary.check_findings + summary.drive_findings > 0;
    if args.fail_on_findings && any {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
