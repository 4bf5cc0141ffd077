//! `pcn-atlas analyse`: check, then drive times on the roads — hubs, staff
//! tours, patients' drive times — and every finding.

use super::config::{Config, pick};
use super::input::{CheckFlags, InputArgs, in_config};
use super::progress::Progress;
use anyhow::{Context, Result, bail};
use clap::Args;
use pcn_atlas::analyse::access::{AccessOptions, Decay};
use pcn_atlas::analyse::network::{DriveOptions, HubRule};
use pcn_atlas::load::dataset::load_dataset;
use pcn_atlas::output::check::RunInfo;
use pcn_atlas::pipeline::{AnalyseOptions, run_analyse};
use pcn_atlas::roads::profile::CarProfile;
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

/// Drive-time thresholds and settings (defaults from PRODUCT.md). Each
/// flag overrides the `[drive]` section of `pcn-atlas.toml`.
#[derive(Args, Clone, Debug, Default)]
pub struct DriveFlags {
    /// Hub: 1-median (least list-weighted drive time to members) or 1-centre (least worst) [default: median].
    #[arg(long, value_enum)]
    pub hub_rule: Option<HubRuleArg>,
    /// HUB_IMPRACTICAL when a member is more than this many minutes from the hub [default: 30].
    #[arg(long, value_name = "MIN")]
    pub hub_max_min: Option<f64>,
    /// SHARED_ROLE_IMPRACTICAL when the staff tour takes more than this many minutes [default: 120].
    #[arg(long, value_name = "MIN")]
    pub tour_max_min: Option<f64>,
    /// PATIENT_ACCESS_BURDEN: patients more than this many minutes from the hub ... [default: 30]
    #[arg(long, value_name = "MIN")]
    pub patient_max_min: Option<f64>,
    /// ... make up more than this share of the patients [default: 0.2].
    #[arg(long, value_name = "SHARE")]
    pub patient_share_max: Option<f64>,
    /// Length of a rotating role's working day, hours [default: 7.5].
    #[arg(long, value_name = "H")]
    pub day_hours: Option<f64>,
    /// Time on site per visit of a rotating role, minutes [default: 60].
    #[arg(long, value_name = "MIN")]
    pub on_site_min: Option<f64>,
    /// Speed factor of the slower scenario reported beside free flow (1 turns it off) [default: 0.8].
    #[arg(long, value_name = "F")]
    pub slow_factor: Option<f64>,
    /// Points further than this from a usable road are unroutable [default: the profile's, 1000 m].
    #[arg(long, value_name = "M")]
    pub max_snap_m: Option<f64>,
    /// Speed of the leg between a point and its road [default: the profile's, 15 km/h].
    #[arg(long, value_name = "KPH")]
    pub off_road_kph: Option<f64>,
    /// Keep the prepared roads (graph and contraction hierarchy, free flow and slower) in this folder, keyed by the roads, profile and version: the next run on the same roads reads them instead of preparing them.
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
}

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

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum HubRuleArg {
    Median,
    Centre,
}

/// The default speed factor of the slower scenario.
pub const SLOW_FACTOR: f64 = 0.8;

impl DriveFlags {
    /// The slower scenario's speed factor: flag, config file, default.
    pub fn slow_factor(&self, cfg: &Config) -> f64 {
        pick(&self.slow_factor, &cfg.file.drive.slow_factor, SLOW_FACTOR)
    }

    /// The drive-time options: flags, else the config file, else the defaults.
    pub fn options(&self, cfg: &Config) -> Result<DriveOptions> {
        let c = &cfg.file.drive;
        let d = DriveOptions::default();
        let file_rule = match c
            .hub_rule
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None => None,
            Some("median") => Some(HubRuleArg::Median),
            Some("centre" | "center") => Some(HubRuleArg::Centre),
            Some(other) => {
                return Err(in_config(
                    cfg,
                    anyhow::anyhow!(
                        "[drive] hub_rule = {other:?}: expected \"median\" or \"centre\""
                    ),
                ));
            }
        };
        let hub_max_min = pick(&self.hub_max_min, &c.hub_max_min, d.hub_max_min);
        let tour_max_min = pick(&self.tour_max_min, &c.tour_max_min, d.tour_max_min);
        let patient_max_min = pick(&self.patient_max_min, &c.patient_max_min, d.patient_max_min);
        let patient_share_max = pick(
            &self.patient_share_max,
            &c.patient_share_max,
            d.patient_share_max,
        );
        let day_hours = pick(&self.day_hours, &c.day_hours, d.day_hours);
        let on_site_min = pick(&self.on_site_min, &c.on_site_min, d.on_site_min);
        let slow_factor = self.slow_factor(cfg);
        let name = |flag: &str, key: &str, f: Option<f64>, file: Option<f64>| {
            cfg.name(flag, "drive", key, f.is_some(), file.is_some())
        };
        let positive = [
            (
                "--hub-max-min",
                "hub_max_min",
                self.hub_max_min,
                c.hub_max_min,
                hub_max_min,
            ),
            (
                "--tour-max-min",
                "tour_max_min",
                self.tour_max_min,
                c.tour_max_min,
                tour_max_min,
            ),
            (
                "--patient-max-min",
                "patient_max_min",
                self.patient_max_min,
                c.patient_max_min,
                patient_max_min,
            ),
            (
                "--day-hours",
                "day_hours",
                self.day_hours,
                c.day_hours,
                day_hours,
            ),
        ];
        for (flag, key, f, file, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                bail!(
                    "{} = {v}: must be a positive number",
                    name(flag, key, f, file)
                );
            }
        }
        if !(on_site_min.is_finite() && on_site_min >= 0.0) {
            let n = name(
                "--on-site-min",
                "on_site_min",
                self.on_site_min,
                c.on_site_min,
            );
            bail!("{n} = {on_site_min}: must be ≥ 0");
        }
        if !(0.0..=1.0).contains(&patient_share_max) {
            let n = name(
                "--patient-share-max",
                "patient_share_max",
                self.patient_share_max,
                c.patient_share_max,
            );
            bail!("{n} = {patient_share_max}: must be a share between 0 and 1");
        }
        if !(slow_factor > 0.0 && slow_factor <= 1.0) {
            let n = name(
                "--slow-factor",
                "slow_factor",
                self.slow_factor,
                c.slow_factor,
            );
            bail!("{n} = {slow_factor}: must be in (0, 1]");
        }
        Ok(DriveOptions {
            hub_rule: match pick(&self.hub_rule, &file_rule, HubRuleArg::Median) {
                HubRuleArg::Median => HubRule::Median,
                HubRuleArg::Centre => HubRule::Centre,
            },
            hub_max_min,
            tour_max_min,
            patient_max_min,
            patient_share_max,
            share_thresholds_min: d.share_thresholds_min,
            day_hours,
            on_site_min,
        })
    }

    /// The prepared-roads cache folder: flag, config file, none.
    pub fn cache_dir(&self, cfg: &Config) -> Option<PathBuf> {
        super::config::cache_dir(&self.cache, cfg)
    }

    /// The car profile with the snapping flags (and config) applied.
    pub fn profile(&self, cfg: &Config, file: Option<&Path>) -> Result<CarProfile> {
        let mut profile = cfg.profile(file)?;
        if let Some(m) = self.max_snap_m.or(cfg.file.drive.max_snap_m) {
            profile.max_snap_m = m;
        }
        if let Some(k) = self.off_road_kph.or(cfg.file.drive.off_road_kph) {
            profile.off_road_kph = k;
        }
        Ok(profile)
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
    let progress = Progress::new(quiet);
    let mut ds = progress.stage("load", || load_dataset(&args.input.paths()))?;
    let (net, roads_report) = progress.stage("roads", || {
        pcn_atlas::roads::load_roads(&roads_path, &profile)
    })?;
    ds.inputs.push(roads_report.input.clone());
    let profile_json = serde_json::to_value(&profile)?;
    let opts = AnalyseOptions {
        check: check_opts,
        drive: drive_opts,
        snap: SnapOptions {
            off_road_kph: profile.off_road_kph,
            max_snap_m: profile.max_snap_m,
        },
        slow_factor: args.drive.slow_factor(cfg),
        routes: !args.no_routes,
        candidates: args.candidates.clone(),
        hubs: args.hubs.clone(),
        profile: profile_json.clone(),
        roads_report: serde_json::to_value(&roads_report)?,
        roads_name: roads_path.display().to_string(),
        cache: args
            .drive
            .cache_dir(cfg)
            .map(|dir| RoadCache::new(&dir, &roads_report.input.sha256, &profile_json, &net)),
        access: access_opts,
        supply: args.access.supply.clone(),
        access_export: args.access.access_export,
    };
    let summary = run_analyse(ds, &net, &opts, &args.out, &RunInfo::now(), &progress)?;
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
