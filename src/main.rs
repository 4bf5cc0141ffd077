//! The `pcn-atlas` command line: parses arguments and runs the library's
//! stages in order. Exit codes: 0 ran, 1 findings with `--fail-on-findings`,
//! 2 bad input or error.

use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use pcn_atlas::load::dataset::{DatasetPaths, load_dataset};
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
    }
}
