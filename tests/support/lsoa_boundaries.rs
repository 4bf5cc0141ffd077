//! TEST AND BENCHMARK ONLY: a minimal reader for the national ONS LSOA 2011
//! boundary GeoJSON (`england/lsoa11_boundaries.geojson`), so the dissolve
//! tests and benchmark can run on real data before the real loader exists.
//! It is not part of the library and is meant to be replaced by the
//! dataset loader (`src/load`) once that lands.
//!
//! Shared by `tests/dissolve_real.rs` and `examples/dissolve_england.rs`
//! through `#[path]`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use anyhow::Context;
use geo::{LineString, MultiPolygon, Polygon};
use pcn_atlas::coords::wgs84_to_bng;
use serde::Deserialize;

/// One LSOA as read: its code, its local authority, and its boundary in BNG
/// metres.
pub struct Lsoa {
    pub code: String,
    pub lad_code: String,
    pub geometry: MultiPolygon<f64>,
}

// The file's features look like
// {"type":"Feature","properties":{"LSOA11CD":"E01000001",
//  "LSOA11NM":"City of London 001A","LAD_CODE":"E09000001"},
//  "geometry":{"type":"Polygon","coordinates":[[[-0.0972,51.5215],...]]}}
#[derive(Deserialize)]
struct FeatureCollection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    properties: Properties,
    geometry: Geometry,
}

#[derive(Deserialize)]
struct Properties {
    #[serde(rename = "LSOA11CD")]
    code: String,
    #[serde(rename = "LAD_CODE")]
    lad_code: String,
}

type Ring = Vec<[f64; 2]>;

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<Ring>),
    MultiPolygon(Vec<Vec<Ring>>),
}

fn ring_to_bng(ring: &[[f64; 2]]) -> LineString<f64> {
    LineString(
        ring.iter()
            .map(|&[lon, lat]| wgs84_to_bng(lon, lat))
            .collect(),
    )
}

fn polygon_to_bng(rings: &[Ring]) -> Option<Polygon<f64>> {
    let (exterior, holes) = rings.split_first()?;
    Some(Polygon::new(
        ring_to_bng(exterior),
        holes.iter().map(|r| ring_to_bng(r)).collect(),
    ))
}

/// Read the national LSOA boundary file, reprojecting every vertex to BNG.
pub fn read_lsoa_boundaries(path: &Path) -> anyhow::Result<Vec<Lsoa>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let fc: FeatureCollection = serde_json::from_str(&text)
        .with_context(|| format!("parsing {} as LSOA boundary GeoJSON", path.display()))?;
    let lsoas = fc
        .features
        .into_iter()
        .map(|f| {
            let polys: Vec<Polygon<f64>> = match &f.geometry {
                Geometry::Polygon(p) => polygon_to_bng(p).into_iter().collect(),
                Geometry::MultiPolygon(mp) => mp.iter().filter_map(|p| polygon_to_bng(p)).collect(),
            };
            Lsoa {
                code: f.properties.code,
                lad_code: f.properties.lad_code,
                geometry: MultiPolygon(polys),
            }
        })
        .collect();
    Ok(lsoas)
}

/// The real-data folder from `PCN_ATLAS_DATA`, or `None` after printing a
/// SKIP line when it is unset or missing. With `PCN_ATLAS_REQUIRE_DATA=1`
/// a missing folder fails the test instead.
pub fn data_dir(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("PCN_ATLAS_DATA").map(PathBuf::from);
    match dir {
        Some(d) if d.is_dir() => Some(d),
        other => {
            let why = match other {
                Some(d) => format!("{} is not a folder", d.display()),
                None => "PCN_ATLAS_DATA is unset".to_string(),
            };
            if std::env::var("PCN_ATLAS_REQUIRE_DATA").as_deref() == Ok("1") {
                panic!("{test}: real data required (PCN_ATLAS_REQUIRE_DATA=1) but {why}");
            }
            eprintln!("SKIP: {test}: {why} (set PCN_ATLAS_DATA)");
            None
        }
    }
}
