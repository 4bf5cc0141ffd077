//! TEST/BENCH-ONLY helper: a minimal reader for the ONS LSOA 2011 boundary
//! GeoJSON in the shared data folder (`england/lsoa11_boundaries.geojson`),
//! used by `tests/adjacency_real.rs` and `benches/adjacency.rs` until the
//! project's loader (`load`) exists. It knows only that file's layout
//! (properties `LSOA11CD`, `LAD_CODE`; Polygon/MultiPolygon in WGS84) and
//! reprojects every vertex with `coords::wgs84_to_bng`. Not for user input:
//! replace it with the real loader.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use geo::{Coord, LineString, MultiPolygon, Polygon};
use pcn_atlas::coords::wgs84_to_bng;
use serde::Deserialize;

/// One LSOA as read: code, local authority and boundary in BNG metres.
pub struct LsoaArea {
    pub code: String,
    pub lad_code: String,
    pub geometry: MultiPolygon<f64>,
}

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

#[derive(Deserialize)]
#[serde(tag = "type")]
enum Geometry {
    Polygon {
        coordinates: Vec<Vec<[f64; 2]>>,
    },
    MultiPolygon {
        coordinates: Vec<Vec<Vec<[f64; 2]>>>,
    },
}

/// The shared data folder from `PCN_ATLAS_DATA`, or `None` after printing a
/// SKIP line when it is unset or missing. With `PCN_ATLAS_REQUIRE_DATA=1` a
/// missing folder is a test failure instead.
pub fn data_dir(what: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("PCN_ATLAS_DATA").map(PathBuf::from);
    match dir {
        Some(d) if d.join("england").is_dir() => Some(d),
        _ => {
            if std::env::var("PCN_ATLAS_REQUIRE_DATA").as_deref() == Ok("1") {
                panic!(
                    "{what}: PCN_ATLAS_REQUIRE_DATA=1 but PCN_ATLAS_DATA is unset or has no england/ folder"
                );
            }
            eprintln!("SKIP: {what} needs the real data folder (set PCN_ATLAS_DATA)");
            None
        }
    }
}

fn ring_to_bng(ring: &[[f64; 2]]) -> LineString<f64> {
    LineString::new(
        ring.iter()
            .map(|&[lon, lat]| -> Coord<f64> { wgs84_to_bng(lon, lat) })
            .collect(),
    )
}

fn polygon_to_bng(rings: &[Vec<[f64; 2]>]) -> Option<Polygon<f64>> {
    let (outer, holes) = rings.split_first()?;
    Some(Polygon::new(
        ring_to_bng(outer),
        holes.iter().map(|h| ring_to_bng(h)).collect(),
    ))
}

/// Read the LSOAs of `path` whose local authority passes `keep_lad`, in file
/// order, with geometry reprojected to BNG.
pub fn read_lsoas(path: &Path, keep_lad: impl Fn(&str) -> bool) -> Result<Vec<LsoaArea>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let fc: FeatureCollection =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let mut out = Vec::new();
    for f in fc.features {
        if !keep_lad(&f.properties.lad_code) {
            continue;
        }
        let polys: Vec<Polygon<f64>> = match &f.geometry {
            Geometry::Polygon { coordinates } => polygon_to_bng(coordinates).into_iter().collect(),
            Geometry::MultiPolygon { coordinates } => coordinates
                .iter()
                .filter_map(|p| polygon_to_bng(p))
                .collect(),
        };
        out.push(LsoaArea {
            code: f.properties.code,
            lad_code: f.properties.lad_code,
            geometry: MultiPolygon::new(polys),
        });
    }
    Ok(out)
}

/// `england/lsoa11_boundaries.geojson` under the data folder.
pub fn england_boundaries(data: &Path) -> PathBuf {
    data.join("england").join("lsoa11_boundaries.geojson")
}
