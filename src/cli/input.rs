//! Argument groups shared by the subcommands: where the dataset is, and
//! `check`'s thresholds.

use super::config::{Config, pick};
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

/// Thresholds of `check` (defaults from the NHS PCN specification). Each
/// flag overrides the `[check]` section of `pcn-atlas.toml`.
#[derive(Args, Clone, Debug, Default)]
pub struct CheckFlags {
    /// Adjacency rule: queen (share any point) or rook (share a boundary segment) [default: queen].
    #[arg(long, value_enum)]
    pub contiguity: Option<ContiguityArg>,
    /// Snap tolerance in metres: boundaries closer than this count as touching [default: 1].
    #[arg(long, value_name = "M")]
    pub tolerance_m: Option<f64>,
    /// Lower limit of the registered-population band [default: 30000].
    #[arg(long, value_name = "N")]
    pub band_min: Option<u64>,
    /// Upper limit of the registered-population band [default: 50000].
    #[arg(long, value_name = "N")]
    pub band_max: Option<u64>,
    /// Rural share (of registered patients, or residents) at which a PCN is RURAL [default: 0.5].
    #[arg(long, value_name = "SHARE")]
    pub rural_threshold: Option<f64>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContiguityArg {
    Queen,
    Rook,
}

impl ContiguityArg {
    fn parse(s: &str) -> Result<ContiguityArg> {
        match s.to_ascii_lowercase().as_str() {
            "queen" => Ok(ContiguityArg::Queen),
            "rook" => Ok(ContiguityArg::Rook),
            _ => anyhow::bail!("contiguity = {s:?}: expected \"queen\" or \"rook\""),
        }
    }
}

impl CheckFlags {
    /// The thresholds: flags, else the config file, else the defaults.
    pub fn options(&self, cfg: &Config) -> Result<CheckOptions> {
        let c = &cfg.file.check;
        let d = CheckOptions::default();
        let file_rule = c
            .contiguity
            .as_deref()
            .map(ContiguityArg::parse)
            .transpose()
            .map_err(|e| in_config(cfg, e))?;
        let rule = pick(&self.contiguity, &file_rule, ContiguityArg::Queen);
        let adjacency = AdjacencyOptions {
            rule: match rule {
                ContiguityArg::Queen => Contiguity::Queen,
                ContiguityArg::Rook => Contiguity::Rook,
            },
            tolerance_m: pick(&self.tolerance_m, &c.tolerance_m, d.adjacency.tolerance_m),
        };
        adjacency.validate().map_err(|e| {
            let n = cfg.name(
                "--tolerance-m",
                "check",
                "tolerance_m",
                self.tolerance_m.is_some(),
                c.tolerance_m.is_some(),
            );
            e.context(n)
        })?;
        let band_min = pick(&self.band_min, &c.band_min, d.band_min);
        let band_max = pick(&self.band_max, &c.band_max, d.band_max);
        let rural_threshold = pick(&self.rural_threshold, &c.rural_threshold, d.rural_threshold);
        if band_min > band_max {
            let lo = cfg.name(
                "--band-min",
                "check",
                "band_min",
                self.band_min.is_some(),
                c.band_min.is_some(),
            );
            let hi = cfg.name(
                "--band-max",
                "check",
                "band_max",
                self.band_max.is_some(),
                c.band_max.is_some(),
            );
            anyhow::bail!("{lo} = {band_min} is above {hi} = {band_max}");
        }
        if !(0.0..=1.0).contains(&rural_threshold) {
            let n = cfg.name(
                "--rural-threshold",
                "check",
                "rural_threshold",
                self.rural_threshold.is_some(),
                c.rural_threshold.is_some(),
            );
            anyhow::bail!("{n} = {rural_threshold}: must be a share between 0 and 1");
        }
        Ok(CheckOptions {
            adjacency,
            band_min,
            band_max,
            rural_threshold,
        })
    }
}

/// An error about a value read from the config file, naming the file.
pub fn in_config(cfg: &Config, e: anyhow::Error) -> anyhow::Error {
    match &cfg.path {
        Some(p) => e.context(format!("{}", p.display())),
        None => e,
    }
}
