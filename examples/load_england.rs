//! Benchmark: load all of England's areas the way `pcn-atlas validate` does —
//! the 32,844 ONS LSOA 2011 polygons from `lsoa11_boundaries.geojson`,
//! reprojected to British National Grid, plus the three CSV joins on the
//! LSOA code (mid-2019 population, 2011 Rural-Urban Classification,
//! population-weighted centroids) — and nothing else. Prints the wall time
//! and what was loaded; run it under `/usr/bin/time -v` for the peak RSS.
//! `bench/load.sh` runs it beside `bench/load_geopandas.py`.
//!
//! ```text
//! cargo build --release --example load_england
//! /usr/bin/time -v target/release/examples/load_england [DATA_DIR/england]
//! ```
//! DATA_DIR defaults to `$PCN_ATLAS_DATA`. Set `PCN_ATLAS_LOAD_STAGES=1` for
//! the per-stage breakdown on stderr.

use anyhow::Context;
use pcn_atlas::load::areas::{AreaJoins, load_areas};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("PCN_ATLAS_DATA").map(|d| PathBuf::from(d).join("england")))
        .context("usage: load_england DATA_DIR/england (or set PCN_ATLAS_DATA)")?;
    let population = dir.join("lsoa11_population_mid2019.csv");
    let ruc = dir.join("lsoa11_rural_urban_2011.csv");
    let centroids = dir.join("lsoa11_population_weighted_centroids.csv");
    let t = Instant::now();
    let loaded = load_areas(
        &dir.join("lsoa11_boundaries.geojson"),
        &AreaJoins {
            population: Some(&population),
            ruc: Some(&ruc),
            centroids: Some(&centroids),
        },
    )?;
    let elapsed = t.elapsed().as_secs_f64();
    let vertices: usize = loaded
        .areas
        .iter()
        .map(|a| {
            a.geometry
                .0
                .iter()
                .map(|p| {
                    p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>()
                })
                .sum::<usize>()
        })
        .sum();
    let with_population = loaded
        .areas
        .iter()
        .filter(|a| a.population.is_some())
        .count();
    println!(
        "pcn-atlas {} ({} threads): {} areas ({} with population, {} vertices), {} notices, total {:.2} s",
        env!("CARGO_PKG_VERSION"),
        rayon::current_num_threads(),
        loaded.areas.len(),
        with_population,
        vertices,
        loaded.notices.len(),
        elapsed
    );
    Ok(())
}
