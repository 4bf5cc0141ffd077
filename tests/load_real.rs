//! The fast national area loader against references, on the real ONS file
//! (`england/lsoa11_boundaries.geojson`, 32,844 LSOAs):
//! - the parallel, split GeoJSON reader gives exactly the areas that the
//!   `geojson` crate reads (same codes in the same order, every vertex
//!   bit-for-bit once reprojected with the same function);
//! - our validity check flags exactly the areas, with exactly the messages,
//!   that `geo::Validation::check_validation` does.
//!
//! Skipped with a message when the data folder is absent (see
//! `tests/common/mod.rs`).

mod common;
use common::shared_data;
use geo::Validation;
use pcn_atlas::coords::wgs84_to_bng;
use pcn_atlas::load::areas::{AreaJoins, load_areas};

#[test]
fn national_areas_match_the_geojson_crate_and_geo_validity() {
    let Some(data) = shared_data("national_areas_match_the_geojson_crate_and_geo_validity") else {
        return;
    };
    let path = data.join("england/lsoa11_boundaries.geojson");
    let loaded = load_areas(&path, &AreaJoins::default()).unwrap();
    assert_eq!(loaded.areas.len(), 32_844);

    // Reference reader: the geojson crate, converting with the same function.
    let text = std::fs::read_to_string(&path).unwrap();
    let fc: geojson::FeatureCollection = text.parse().unwrap();
    drop(text);
    assert_eq!(fc.features.len(), loaded.areas.len());
    for (f, a) in fc.features.iter().zip(&loaded.areas) {
        let code = f.property("LSOA11CD").and_then(|v| v.as_str()).unwrap();
        assert_eq!(code, a.code);
        let polys: Vec<Vec<Vec<geojson::Position>>> = match &f.geometry.as_ref().unwrap().value {
            geojson::GeometryValue::Polygon { coordinates } => vec![coordinates.clone()],
            geojson::GeometryValue::MultiPolygon { coordinates } => coordinates.clone(),
            other => panic!("{code}: {}", other.type_name()),
        };
        assert_eq!(polys.len(), a.geometry.0.len(), "{code}");
        for (rings, poly) in polys.iter().zip(&a.geometry.0) {
            let ours: Vec<&geo::LineString<f64>> = std::iter::once(poly.exterior())
                .chain(poly.interiors())
                .collect();
            assert_eq!(rings.len(), ours.len(), "{code}");
            for (ring, line) in rings.iter().zip(ours) {
                let want: Vec<geo::Coord<f64>> =
                    ring.iter().map(|p| wgs84_to_bng(p[0], p[1])).collect();
                assert!(want == line.0, "{code}: a ring differs from the reference");
            }
        }
    }

    // Reference validity: geo's own check on every area.
    let mut want: Vec<(String, String)> = loaded
        .areas
        .iter()
        .filter_map(|a| {
            a.geometry
                .check_validation()
                .err()
                .map(|e| (a.code.clone(), e.to_string()))
        })
        .collect();
    let mut got: Vec<(String, String)> = loaded
        .notices
        .iter()
        .filter(|n| n.code == "AREA_INVALID_GEOMETRY")
        .map(|n| {
            let why = n.detail.split(" polygon (").nth(1).unwrap();
            (
                n.subject.clone(),
                why.trim_end_matches("); it is used as it is").to_string(),
            )
        })
        .collect();
    want.sort();
    got.sort();
    eprintln!("{} invalid areas, as geo says", want.len());
    assert_eq!(got, want);
}
