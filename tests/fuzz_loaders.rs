//! Property tests: the CSV and GeoJSON loaders never panic, whatever bytes
//! they are given — they return a dataset or an error.

mod common;

use pcn_atlas::load::areas::{AreaJoins, load_areas};
use pcn_atlas::load::practices::load_practices;
use proptest::prelude::*;

const PRACTICES: &str = "practice_code,practice_name,pcn_code,pcn_name,list_size,lon,lat,easting,northing,postcode\n\
P1,\"ONE, THE\",U1,PCN ONE,\"1,000\",-0.755,52.625,,,LE15 6QS\n\
P2,TWO,U1,PCN ONE,2000,,,486000,300000,\n";

const AREAS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"area_code":"E01000001","population":1500,"ruc":"C1","centroid_lon":-0.755,"centroid_lat":52.625},
 "geometry":{"type":"Polygon","coordinates":[[[-0.76,52.62],[-0.75,52.62],[-0.75,52.63],[-0.76,52.63],[-0.76,52.62]]]}},
{"type":"Feature","properties":{"LSOA11CD":"E01000002","pop":"1,954","RUC11CD":"E1"},
 "geometry":{"type":"MultiPolygon","coordinates":[[[[-0.75,52.62],[-0.74,52.62],[-0.74,52.63],[-0.75,52.63],[-0.75,52.62]]]]}}
]}"#;

/// Bytes the edits insert: CSV and JSON punctuation, a BOM, a Latin-1 byte.
const ALPHABET: &[u8] = b",\"\n\r -.0123456789eE[]{}:nulltrue\xEF\xBB\xBF\xC9";

fn mutate(base: &str, edits: &[(usize, u8, u8)]) -> Vec<u8> {
    common::mutate(base, edits, ALPHABET)
}

fn try_practices(bytes: &[u8]) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("practices.csv");
    std::fs::write(&p, bytes).unwrap();
    let _ = load_practices(&p, None);
}

fn try_areas(bytes: &[u8]) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("areas.geojson");
    std::fs::write(&p, bytes).unwrap();
    let _ = load_areas(&p, &AreaJoins::default());
}

/// A JSON number that stresses coordinate handling.
fn number() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        (-10.0f64..3.0).prop_map(|v| serde_json::json!(v)),
        (49.0f64..62.0).prop_map(|v| serde_json::json!(v)),
        Just(serde_json::json!(1e308)),
        Just(serde_json::json!(-1e308)),
        Just(serde_json::json!(0)),
        Just(serde_json::json!("1,2")),
        Just(serde_json::Value::Null),
    ]
}

/// Nested arrays of numbers of random depth and length: valid and invalid
/// coordinate structures alike.
fn coords() -> impl Strategy<Value = serde_json::Value> {
    number().prop_recursive(4, 64, 6, |inner| {
        prop::collection::vec(inner, 0..6).prop_map(serde_json::Value::Array)
    })
}

/// Cases per property: `PCN_ATLAS_FUZZ_CASES` (a longer run), else 256.
fn cases() -> u32 {
    std::env::var("PCN_ATLAS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), .. ProptestConfig::default() })]

    #[test]
    fn practices_csv_never_panics(edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..12)) {
        try_practices(&mutate(PRACTICES, &edits));
    }

    #[test]
    fn practices_arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        try_practices(&bytes);
    }

    #[test]
    fn areas_geojson_never_panics(edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..12)) {
        try_areas(&mutate(AREAS, &edits));
    }

    #[test]
    fn areas_random_geometry_never_panics(
        kind in prop_oneof![Just("Polygon"), Just("MultiPolygon"), Just("Point"), Just("LineString"), Just("Nonsense")],
        c in coords(),
        pop in number(),
    ) {
        let doc = serde_json::json!({
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {"area_code": "E01000001", "population": pop},
                          "geometry": {"type": kind, "coordinates": c}}]
        });
        try_areas(doc.to_string().as_bytes());
    }
}
