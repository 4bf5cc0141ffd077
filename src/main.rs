//! The `pcn-atlas` command line: parses arguments and runs the library's
//! stages in order. Exit codes: 0 ran, 1 findings with `--fail-on-findings`,
//! 2 bad input or error.

use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use pcn_atlas::check::adjacency::{AdjacencyOptions, Contiguity};
use pcn_atlas::check::run::{CheckOptions, run_check};
use pcn_atlas::import::{ImportFilter, ImportSources, run_import};
use pcn_atlas::load::dataset::{DatasetPaths, load_dataset};
use pcn_atlas::output::check::{DissolveCheck, RunInfo, write_check};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "pcn-atlas",
    version,
    about = "Check NHS England primary care network footprints and their drive-time burden"
)]
struct Cli {
    /// Print nothing on stderr but errors.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load a dataset, validate it and summarise what it holds.
    #[command(after_help = "Example:\n  pcn-atlas validate --dataset data/demo")]
    Validate(InputArgs),
    /// Build a dataset folder from the national NHS Digital, NHS ODS, OS and ONS files.
    #[command(after_help = "Examples:\n  \
        # all of England, from a folder holding the files under their published names\n  \
        pcn-atlas import --from ../shared/data/england --out england\n  \
        # Rutland only (local authority E06000017)\n  \
        pcn-atlas import --from ../shared/data/england --lad E06000017 --out rutland\n  \
        # two PCNs, with the areas where they have the most registered patients\n  \
        pcn-atlas import --from ../shared/data/england --pcn U67590,U89141 --out two-pcns")]
    Import(ImportArgs),
    /// Check footprints: contiguity, coverage, practices inside their footprint, population bands, rural shares.
    #[command(after_help = "Examples:\n  \
        pcn-atlas check --dataset data/demo --out out/demo\n  \
        # a national dataset made by `pcn-atlas import`, rook contiguity, fail CI on any finding\n  \
        pcn-atlas check --dataset england --out out/england --contiguity rook --fail-on-findings\n  \
        # a planner's proposal replacing the dataset's footprints\n  \
        pcn-atlas check --dataset england --footprints proposal.csv --out out/proposal\n\n\
        Outputs (all WGS84, written atomically): pcns.geojson, areas.geojson, practices.geojson,\n\
        pcn_summary.csv, findings.csv, report.json. Exit code: 0 ran; 1 findings with\n\
        --fail-on-findings; 2 bad input or error.")]
    Check(CheckArgs),
    /// Write the synthetic demo county (Demoshire) as a dataset folder.
    #[command(after_help = "Example:\n  pcn-atlas demo --out data/demo\n\n\
        The same seed always writes the same bytes; data/demo/README.md lists the planted problems.")]
    Demo(DemoArgs),
}

#[derive(Args, Clone, Debug)]
struct DemoArgs {
    /// Output folder.
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
    /// Random seed (moves vertices, populations and names; the planted problems stay).
    #[arg(long, default_value_t = pcn_atlas::demo::DEFAULT_SEED)]
    seed: u64,
}

#[derive(Args, Clone, Debug)]
struct CheckArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output folder (created if missing; files are replaced only when the whole run succeeds).
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    thresholds: CheckFlags,
    /// Exit with code 1 when there is any finding.
    #[arg(long)]
    fail_on_findings: bool,
    /// Worker threads (default: all cores). Output is identical whatever the number.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

/// Thresholds of `check` (defaults from the NHS PCN specification).
#[derive(Args, Clone, Debug)]
struct CheckFlags {
    /// Adjacency rule: queen (share any point) or rook (share a boundary segment).
    #[arg(long, value_enum, default_value = "queen")]
    contiguity: ContiguityArg,
    /// Snap tolerance in metres: boundaries closer than this count as touching.
    #[arg(long, value_name = "M", default_value_t = 1.0)]
    tolerance_m: f64,
    /// Lower limit of the registered-population band.
    #[arg(long, value_name = "N", default_value_t = 30_000)]
    band_min: u64,
    /// Upper limit of the registered-population band.
    #[arg(long, value_name = "N", default_value_t = 50_000)]
    band_max: u64,
    /// Rural share (of registered patients, or residents) at which a PCN is RURAL.
    #[arg(long, value_name = "SHARE", default_value_t = 0.5)]
    rural_threshold: f64,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum ContiguityArg {
    Queen,
    Rook,
}

impl CheckFlags {
    fn options(&self) -> Result<CheckOptions> {
        let adjacency = AdjacencyOptions {
            rule: match self.contiguity {
                ContiguityArg::Queen => Contiguity::Queen,
                ContiguityArg::Rook => Contiguity::Rook,
            },
            tolerance_m: self.tolerance_m,
        };
        adjacency.validate()?;
        if self.band_min > self.band_max {
            anyhow::bail!(
                "--band-min {} is above --band-max {}",
                self.band_min,
                self.band_max
            );
        }
        if !(0.0..=1.0).contains(&self.rural_threshold) {
            anyhow::bail!(
                "--rural-threshold {} must be a share between 0 and 1",
                self.rural_threshold
            );
        }
        Ok(CheckOptions {
            adjacency,
            band_min: self.band_min,
            band_max: self.band_max,
            rural_threshold: self.rural_threshold,
        })
    }
}

#[derive(Args, Clone, Debug)]
struct ImportArgs {
    /// Folder holding the national files under their published names (each can be overridden below).
    #[arg(long, value_name = "DIR")]
    from: Option<PathBuf>,
    /// NHS Digital practice → PCN map (gp-reg-pat-prac-map-*.csv).
    #[arg(long, value_name = "FILE")]
    map: Option<PathBuf>,
    /// NHS Digital registered list sizes (gp-reg-pat-prac-all-*.csv).
    #[arg(long, value_name = "FILE")]
    list_sizes: Option<PathBuf>,
    /// NHS ODS practice register (epraccur.csv), optional: practice status and a fallback postcode.
    #[arg(long, value_name = "FILE")]
    epraccur: Option<PathBuf>,
    /// OS Code-Point Open folder (Data/CSV/*.csv).
    #[arg(long, value_name = "DIR")]
    postcodes: Option<PathBuf>,
    /// ONS LSOA boundaries (GeoJSON or shapefile).
    #[arg(long, value_name = "FILE")]
    boundaries: Option<PathBuf>,
    /// ONS population by LSOA (CSV).
    #[arg(long, value_name = "FILE")]
    population: Option<PathBuf>,
    /// ONS Rural-Urban Classification by LSOA (CSV).
    #[arg(long, value_name = "FILE")]
    ruc: Option<PathBuf>,
    /// ONS population-weighted centroids by LSOA (CSV).
    #[arg(long, value_name = "FILE")]
    centroids: Option<PathBuf>,
    /// NHS Digital patients registered at each practice by LSOA (gp-reg-pat-prac-lsoa-*.csv).
    #[arg(long, value_name = "FILE")]
    registrations: Option<PathBuf>,
    /// Keep only these local authority districts (codes, comma-separated or repeated).
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    lad: Vec<String>,
    /// Keep only these PCNs (codes) and the areas where they have the most registered patients.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pcn: Vec<String>,
    /// Keep areas whose centroid lies in this WGS84 box: MIN_LON,MIN_LAT,MAX_LON,MAX_LAT.
    #[arg(
        long,
        value_name = "BOX",
        value_delimiter = ',',
        num_args = 4,
        allow_negative_numbers = true
    )]
    bbox: Option<Vec<f64>>,
    /// Output dataset folder.
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
}

impl ImportArgs {
    fn sources(&self) -> Result<ImportSources> {
        let mut s = match &self.from {
            Some(d) => ImportSources::discover(d)?,
            None => {
                let need = |v: &Option<PathBuf>, flag: &str| {
                    v.clone()
                        .ok_or_else(|| anyhow::anyhow!("give {flag} FILE, or --from DIR"))
                };
                ImportSources {
                    map: need(&self.map, "--map")?,
                    list_sizes: need(&self.list_sizes, "--list-sizes")?,
                    postcodes: need(&self.postcodes, "--postcodes")?,
                    boundaries: need(&self.boundaries, "--boundaries")?,
                    ..ImportSources::default()
                }
            }
        };
        let set = |slot: &mut PathBuf, v: &Option<PathBuf>| {
            if let Some(p) = v {
                *slot = p.clone();
            }
        };
        set(&mut s.map, &self.map);
        set(&mut s.list_sizes, &self.list_sizes);
        set(&mut s.postcodes, &self.postcodes);
        set(&mut s.boundaries, &self.boundaries);
        for (slot, v) in [
            (&mut s.epraccur, &self.epraccur),
            (&mut s.population, &self.population),
            (&mut s.ruc, &self.ruc),
            (&mut s.centroids, &self.centroids),
            (&mut s.registrations, &self.registrations),
        ] {
            if v.is_some() {
                *slot = v.clone();
            }
        }
        Ok(s)
    }

    fn filter(&self) -> Result<ImportFilter> {
        let bbox = match &self.bbox {
            None => None,
            Some(v) => {
                let [x0, y0, x1, y1] = v[..] else {
                    anyhow::bail!("--bbox needs four numbers: MIN_LON,MIN_LAT,MAX_LON,MAX_LAT");
                };
                if x0 >= x1 || y0 >= y1 {
                    anyhow::bail!(
                        "--bbox {x0},{y0},{x1},{y1}: the minimum must be below the maximum"
                    );
                }
                Some([x0, y0, x1, y1])
            }
        };
        Ok(ImportFilter {
            lads: self.lad.clone(),
            pcns: self.pcn.clone(),
            bbox,
        })
    }
}

/// Where the inputs are: a dataset folder, and/or single files overriding it.
#[derive(Args, Clone, Debug)]
struct InputArgs {
    /// Dataset folder (practices.csv, areas.geojson|areas.shp, registrations.csv, footprints.csv, ...).
    #[arg(long, short = 'd', value_name = "DIR")]
    dataset: Option<PathBuf>,
    /// Practices CSV (overrides the dataset's practices.csv).
    #[arg(long, value_name = "FILE")]
    practices: Option<PathBuf>,
    /// Areas GeoJSON or shapefile (overrides areas.geojson / areas.shp).
    #[arg(long, value_name = "FILE")]
    areas: Option<PathBuf>,
    /// Registrations CSV: practice_code, area_code, patients.
    #[arg(long, value_name = "FILE")]
    registrations: Option<PathBuf>,
    /// Footprints CSV: area_code, pcn_code.
    #[arg(long, value_name = "FILE")]
    footprints: Option<PathBuf>,
    /// Links CSV: area_code_a, area_code_b, kind (bridges, ferries).
    #[arg(long, value_name = "FILE")]
    links: Option<PathBuf>,
    /// Population CSV joined onto areas by code (e.g. ONS mid-year estimates).
    #[arg(long, value_name = "FILE")]
    population: Option<PathBuf>,
    /// Rural-Urban Classification CSV joined onto areas by code.
    #[arg(long, value_name = "FILE")]
    ruc: Option<PathBuf>,
    /// Population-weighted centroids CSV joined onto areas by code.
    #[arg(long, value_name = "FILE")]
    centroids: Option<PathBuf>,
    /// Code-Point Open folder, to locate practices given only by postcode.
    #[arg(long, value_name = "DIR")]
    postcodes: Option<PathBuf>,
}

impl InputArgs {
    fn paths(&self) -> DatasetPaths {
        DatasetPaths {
            dir: self.dataset.clone(),
            practices: self.practices.clone(),
            areas: self.areas.clone(),
            registrations: self.registrations.clone(),
            footprints: self.footprints.clone(),
            links: self.links.clone(),
            population: self.population.clone(),
            ruc: self.ruc.clone(),
            centroids: self.centroids.clone(),
            postcodes: self.postcodes.clone(),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Validate(args) => {
            let t = Instant::now();
            let ds = load_dataset(&args.paths())?;
            if !cli.quiet {
                eprintln!("loaded in {:.2} s", t.elapsed().as_secs_f64());
            }
            println!(
                "{} practices in {} PCNs, {} areas, {} registrations rows, footprints: {}",
                ds.practices.len(),
                ds.pcns.len(),
                ds.areas.len(),
                ds.registrations.len(),
                ds.footprints
                    .as_ref()
                    .map_or("none".to_string(), |f| format!("{} rows", f.len()))
            );
            let mut counts = std::collections::BTreeMap::new();
            for n in &ds.notices {
                *counts.entry(n.code.as_str()).or_insert(0u64) += 1;
            }
            for (code, n) in counts {
                println!("  {code}: {n}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(args) => {
            if let Some(n) = args.threads {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n.max(1))
                    .build_global()
                    .map_err(|e| anyhow::anyhow!("--threads {n}: {e}"))?;
            }
            let opts = args.thresholds.options()?;
            let progress = Progress::new(cli.quiet);
            let ds = progress.stage("load", || load_dataset(&args.input.paths()))?;
            let res = progress.stage("check", || run_check(&ds, &opts));
            let groups: Vec<_> = res.pcns.iter().map(|c| c.areas.clone()).collect();
            let geoms: Vec<_> = ds.areas.iter().map(|a| a.geometry.clone()).collect();
            let dissolved = progress.stage("dissolve", || {
                pcn_atlas::check::dissolve::dissolve_groups(&geoms, &groups)
            });
            let info = RunInfo {
                command: std::env::args().collect::<Vec<_>>().join(" "),
                version: env!("CARGO_PKG_VERSION").into(),
            };
            let dissolve_check = DissolveCheck::measure(&ds, &res, &dissolved);
            if let Some(w) = dissolve_check.warning() {
                eprintln!("{w}");
            }
            progress.stage("write", || {
                write_check(&args.out, &ds, &res, &dissolved, &dissolve_check, &info)
            })?;
            print!("{}", pcn_atlas::output::summary::check_summary(&ds, &res));
            println!("\nwrote {}", args.out.display());
            if args.fail_on_findings && !res.findings.is_empty() {
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(args) => {
            let s = pcn_atlas::demo::generate(
                &args.out,
                &pcn_atlas::demo::DemoOptions { seed: args.seed },
            )?;
            println!(
                "wrote {}: {} areas, {} practices in {} PCNs, {} road lines",
                args.out.display(),
                s.areas,
                s.practices,
                s.pcns,
                s.road_segments
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(args) => {
            let t = Instant::now();
            let src = args.sources()?;
            let filter = args.filter()?;
            let r = run_import(&src, &filter, &args.out)?;
            if !cli.quiet {
                eprintln!("imported in {:.1} s", t.elapsed().as_secs_f64());
            }
            println!(
                "wrote {}: {} practices ({} located) in {} PCNs, {} areas, {} registration rows ({} patients)",
                args.out.display(),
                r.practices_written,
                r.practices_located,
                r.pcns_written,
                r.areas_written,
                r.registrations_written,
                r.registered_patients_written
            );
            for (code, n) in &r.counts {
                println!("  {code}: {n}");
            }
            println!("details: {}", args.out.join("import_report.csv").display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Stage timing on stderr (silenced by --quiet).
struct Progress {
    quiet: bool,
}

impl Progress {
    fn new(quiet: bool) -> Self {
        Self { quiet }
    }

    fn stage<T>(&self, name: &str, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        if !self.quiet {
            eprintln!("{name:>9}: {:.2} s", t.elapsed().as_secs_f64());
        }
        out
    }
}
