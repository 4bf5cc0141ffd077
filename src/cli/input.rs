//! Argument groups shared by the subcommands: where the dataset is, and
//! `check`'s thresholds.

use anyhow::Result;
use clap::Args;
use pcn_atlas::check::adjacency::{AdjacencyOptions, Contiguity};
use pcn_atlas::check::run::CheckOptions;
use pcn_atlas::load::dataset::DatasetPaths;
use std::path::PathBuf;

/// Where the inputs are: a dataset folder, and/or single files overriding it.
#[derive(Args, Clone, Debug)]
pub struct InputArgs {
    /// Dataset folder (practices.csv, areas.geojson|areas.shp, registrations.csv, footprints.csv, ...).
    #[arg(long, short = 'd', value_name = "DIR")]
    pub dataset: Option<PathBuf>,
    /// Practices CSV (overrides the dataset's practices.csv).
    #[arg(long, value_name = "FILE")]
    pub practices: Option<PathBuf>,
    /// Areas GeoJSON or shapefile (overrides areas.geojson / areas.shp).
    #[arg(long, value_name = "FILE")]
    pub areas: Option<PathBuf>,
    /// Registrations CSV: practice_code, area_code, patients.
    #[arg(long, value_name = "FILE")]
    pub registrations: Option<PathBuf>,
    /// Footprints CSV: area_code, pcn_code.
    #[arg(long, value_name = "FILE")]
    pub footprints: Option<PathBuf>,
    /// Links CSV: area_code_a, area_code_b, kind (bridges, ferries).
    #[arg(long, value_name = "FILE")]
    pub links: Option<PathBuf>,
    /// Population CSV joined onto areas by code (e.g. ONS mid-year estimates).
    #[arg(long, value_name = "FILE")]
    pub population: Option<PathBuf>,
    /// Rural-Urban Classification CSV joined onto areas by code.
    #[arg(long, value_name = "FILE")]
    pub ruc: Option<PathBuf>,
    /// Population-weighted centroids CSV joined onto areas by code.
    #[arg(long, value_name = "FILE")]
    pub centroids: Option<PathBuf>,
    /// Code-Point Open folder, to locate practices given only by postcode.
    #[arg(long, value_name = "DIR")]
    pub postcodes: Option<PathBuf>,
}

impl InputArgs {
    pub fn paths(&self) -> DatasetPaths {
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

/// Thresholds of `check` (defaults from the NHS PCN specification).
#[derive(Args, Clone, Debug)]
pub struct CheckFlags {
    /// Adjacency rule: queen (share any point) or rook (share a boundary segment).
    #[arg(long, value_enum, default_value = "queen")]
    pub contiguity: ContiguityArg,
    /// Snap tolerance in metres: boundaries closer than this count as touching.
    #[arg(long, value_name = "M", default_value_t = 1.0)]
    pub tolerance_m: f64,
    /// Lower limit of the registered-population band.
    #[arg(long, value_name = "N", default_value_t = 30_000)]
    pub band_min: u64,
    /// Upper limit of the registered-population band.
    #[arg(long, value_name = "N", default_value_t = 50_000)]
    pub band_max: u64,
    /// Rural share (of registered patients, or residents) at which a PCN is RURAL.
    #[arg(long, value_name = "SHARE", default_value_t = 0.5)]
    pub rural_threshold: f64,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum ContiguityArg {
    Queen,
    Rook,
}

impl CheckFlags {
    pub fn options(&self) -> Result<CheckOptions> {
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

/// `--threads N`: size rayon's global pool (default: all cores).
pub fn set_threads(threads: Option<usize>) -> Result<()> {
    if let Some(n) = threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .map_err(|e| anyhow::anyhow!("--threads {n}: {e}"))?;
    }
    Ok(())
}
