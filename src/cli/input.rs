//! Argument groups shared by the subcommands: where the dataset is, and
//! `check`'s thresholds.

use super::config::Config;
use anyhow::Result;
use clap::Args;
use pcn_atlas::load::dataset::DatasetPaths;
use pcn_atlas::output::atomic::{self, Claim, Kind, Replace};
use std::path::{Path, PathBuf};

/// What the maps draw and whether they are drawn, for `check` and `analyse`.
#[derive(Args, Clone, Debug, Default)]
pub struct OutputFlags {
    /// Do not draw map.html, map.svg and map.png.
    #[arg(long)]
    pub no_maps: bool,
    /// Do not write pcn-atlas.gpkg (the GeoPackage of every layer and table).
    #[arg(long)]
    pub no_gpkg: bool,
    /// Do not write pcn-atlas.xlsx (the workbook).
    #[arg(long)]
    pub no_xlsx: bool,
    /// A tile basemap under map.html's footprints: a URL template such as
    /// `https://tile.openstreetmap.org/{z}/{x}/{y}.png` (off by default: the map stays offline).
    #[arg(long, value_name = "URL_TEMPLATE")]
    pub basemap: Option<String>,
    /// Named places for the maps: a Geofabrik places layer (gis_osm_places_free_1.shp) or an
    /// .osm.pbf (its place=city|town|village nodes); by default the road file's own.
    #[arg(long, value_name = "FILE")]
    pub places: Option<PathBuf>,
}

impl OutputFlags {
    /// The places the maps name: `--places FILE`'s when given, otherwise
    /// the road file's own (`from_roads`).
    pub fn places(
        &self,
        from_roads: Vec<pcn_atlas::model::Place>,
    ) -> Result<Vec<pcn_atlas::model::Place>> {
        match &self.places {
            Some(path) => pcn_atlas::roads::places::load_places(path),
            None => Ok(from_roads),
        }
    }

    /// The run's [`RunInfo`] with these choices.
    pub fn run_info(&self) -> pcn_atlas::output::check::RunInfo {
        pcn_atlas::output::check::RunInfo {
            maps: !self.no_maps,
            gpkg: !self.no_gpkg,
            xlsx: !self.no_xlsx,
            basemap: self.basemap.clone(),
            ..pcn_atlas::output::check::RunInfo::now()
        }
    }
}

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
    /// Sites CSV: site_code, practice_code, site_name, kind (main|branch), location (branch surgeries; `import --branches` writes it).
    #[arg(long, value_name = "FILE")]
    pub sites: Option<PathBuf>,
    /// Population CSV joined onto areas by code (e.g. ONS mid-year estimates).
    #[arg(long, value_name = "FILE")]
    pub population: Option<PathBuf>,
    /// Rural-Urban Classification CSV joined onto areas by code.
    #[arg(long, value_name = "FILE")]
    pub ruc: Option<PathBuf>,
    /// Population-weighted centroids joined onto areas by code: a CSV, or a point shapefile (.shp, CRS from its .prj).
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
            sites: self.sites.clone(),
            population: self.population.clone(),
            ruc: self.ruc.clone(),
            centroids: self.centroids.clone(),
            postcodes: self.postcodes.clone(),
        }
    }
}

impl InputArgs {
    /// Every input file and folder given.
    pub fn given(&self) -> Vec<PathBuf> {
        [
            &self.dataset,
            &self.practices,
            &self.areas,
            &self.registrations,
            &self.footprints,
            &self.links,
            &self.sites,
            &self.population,
            &self.ruc,
            &self.centroids,
            &self.postcodes,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
    }
}

/// Check and lock a results folder before a run that reads `inputs` (and
/// the settings file): see `output::atomic::claim`.
pub fn claim_results(out: &Path, cfg: &Config, inputs: Vec<Option<PathBuf>>) -> Result<Claim> {
    let mut all: Vec<PathBuf> = inputs.into_iter().flatten().collect();
    all.extend(cfg.used.iter().map(|(_, p)| p.clone()));
    atomic::claim(out, Replace::kind(Kind::Results), &all)
}

pub use super::settings::CheckFlags;
