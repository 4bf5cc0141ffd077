//! Test/bench helper: the real ONS LSOA 2011 boundaries from the shared data
//! folder (`england/lsoa11_boundaries.geojson`), read with the project's own
//! loader (`load::areas::load_areas`, which reprojects to BNG).

#![allow(dead_code)]

use anyhow::Result;
use geo::MultiPolygon;
use pcn_atlas::load::areas::{AreaJoins, load_areas};
use std::path::{Path, PathBuf};

/// One LSOA: code, local authority and boundary in BNG metres.
pub struct Lsoa {
    pub code: String,
    pub lad_code: String,
    pub geometry: MultiPolygon<f64>,
}

/// The same, under the name the adjacency tests use.
pub type LsoaArea = Lsoa;

/// The real-data folder from `PCN_ATLAS_DATA` (default `../shared/data`), or
/// `None` after printing a SKIP line when absent. With
/// `PCN_ATLAS_REQUIRE_DATA=1` a missing folder fails the test instead.
pub fn data_dir(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("PCN_ATLAS_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    if dir.join("england").is_dir() {
        return Some(dir);
    }
    let why = format!("no england/ folder in {}", dir.display());
    if std::env::var("PCN_ATLAS_REQUIRE_DATA").as_deref() == Ok("1") {
        panic!("{test}: real data required (PCN_ATLAS_REQUIRE_DATA=1) but {why}");
    }
    eprintln!("SKIP: {test}: {why} (set PCN_ATLAS_DATA)");
    None
}

/// The national boundaries file in the data folder.
pub fn england_boundaries(data: &Path) -> PathBuf {
    data.join("england/lsoa11_boundaries.geojson")
}

/// Read the LSOAs whose local authority passes `keep_lad`, in file order.
pub fn read_lsoas(path: &Path, keep_lad: impl Fn(&str) -> bool) -> Result<Vec<Lsoa>> {
    let loaded = load_areas(path, &AreaJoins::default())?;
    Ok(loaded
        .areas
        .into_iter()
        .map(|a| Lsoa {
            code: a.code,
            lad_code: a.lad_code.unwrap_or_default(),
            geometry: a.geometry,
        })
        .filter(|l| keep_lad(&l.lad_code))
        .collect())
}

/// Read every LSOA.
pub fn read_lsoa_boundaries(path: &Path) -> Result<Vec<Lsoa>> {
    read_lsoas(path, |_| true)
}
