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
    if std::env::var_os("PCN_ATLAS_LOAD_STAGES").is_some() {
        stages(&dir)?;
    }
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

/// Time the loader's stages one by one (each run alone, parallel where the
/// loader is), to see where the time goes.
fn stages(dir: &std::path::Path) -> anyhow::Result<()> {
    use geo::{Coord, LineString, MultiPolygon, Polygon};
    use pcn_atlas::coords::wgs84_to_bng;
    use pcn_atlas::load::geojson::{Geometry, split_feature_collection};
    use rayon::prelude::*;
    let path = dir.join("lsoa11_boundaries.geojson");
    let mut lap = Instant::now();
    let mut report = |name: &str| {
        eprintln!("{name:>28}: {:6.3} s", lap.elapsed().as_secs_f64());
        lap = Instant::now();
    };
    let bytes = std::fs::read(&path)?;
    report("read file");
    let sha = pcn_atlas::load::text::sha256_hex(&bytes);
    report("sha256 (overlapped in load)");
    let split = split_feature_collection(&path, &bytes)?;
    report("split features (scanner)");
    let features: Vec<_> = (0..split.len())
        .into_par_iter()
        .map(|i| split.parse(&path, i))
        .collect::<anyhow::Result<_>>()?;
    report("parse features (parallel)");
    let polys: Vec<Vec<Vec<Vec<[f64; 2]>>>> = features
        .into_par_iter()
        .map(|f| match f.geometry {
            Some(Geometry::Polygon { coordinates }) => vec![coordinates],
            Some(Geometry::MultiPolygon { coordinates }) => coordinates,
            _ => Vec::new(),
        })
        .map(|p| {
            p.into_iter()
                .map(|rings| {
                    rings
                        .into_iter()
                        .map(|r| r.into_iter().map(|q| q.0).collect())
                        .collect()
                })
                .collect()
        })
        .collect();
    report("(drop properties)");
    let points: usize = polys.iter().flatten().flatten().map(Vec::len).sum();
    let t = Instant::now();
    let bng: Vec<MultiPolygon<f64>> = polys
        .par_iter()
        .map(|p| {
            MultiPolygon(
                p.iter()
                    .map(|rings| {
                        let mut rs: Vec<LineString<f64>> = rings
                            .iter()
                            .map(|r| {
                                LineString(
                                    r.iter()
                                        .map(|q| wgs84_to_bng(q[0], q[1]))
                                        .collect::<Vec<Coord<f64>>>(),
                                )
                            })
                            .collect();
                        let ext = rs.remove(0);
                        Polygon::new(ext, rs)
                    })
                    .collect(),
            )
        })
        .collect();
    let ns = t.elapsed().as_secs_f64() * 1e9 / points as f64 * rayon::current_num_threads() as f64;
    report(&format!("WGS84->BNG ({ns:.0} ns/point/thread)"));
    let invalid = bng
        .par_iter()
        .filter(|g| pcn_atlas::load::validity::invalid_reason(g).is_some())
        .count();
    report(&format!("validity ({invalid} invalid)"));
    eprintln!("{points} points, sha256 {}", &sha[..12]);
    Ok(())
}
