//! Property tests: the road loaders and the profile's tag parsers never
//! panic, whatever they are given — they return a network or an error.

mod common;

use pcn_atlas::roads::load_roads;
use pcn_atlas::roads::profile::{CarProfile, parse_duration_s, parse_maxspeed, parse_oneway};
use proptest::prelude::*;

const ROADS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"highway":"primary","maxspeed":"30 mph","oneway":"yes","name":"A"},
 "geometry":{"type":"LineString","coordinates":[[-0.76,52.62],[-0.75,52.62],[-0.75,52.63]]}},
{"type":"Feature","properties":{"speed_kph":22,"oneway":"T","junction":"roundabout"},
 "geometry":{"type":"MultiLineString","coordinates":[[[-0.75,52.63],[-0.74,52.63]],[[-0.74,52.62],[-0.74,52.62]]]}},
{"type":"Feature","properties":{"route":"ferry","duration":"PT1H5M","access":"no","motorcar":"yes"},
 "geometry":{"type":"LineString","coordinates":[[-0.74,52.63],[-0.73,52.63]]}}
]}"#;

fn mutate(base: &str, edits: &[(usize, u8, u8)]) -> Vec<u8> {
    common::mutate(base, edits, b",\"\n -.0123456789eE[]{}:nulltrueTFB;PHM")
}

fn try_load(name: &str, bytes: &[u8]) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    if let Ok((net, r)) = load_roads(&p, &CarProfile::default()) {
        // Whatever loads is well formed.
        assert_eq!(r.ways_kept as usize, net.ways.len());
        for w in &net.ways {
            assert!(w.nodes.len() >= 2);
            assert!(w.nodes.windows(2).all(|p| p[0] != p[1]));
            assert!(w.nodes.iter().all(|&v| (v as usize) < net.nodes.len()));
            assert!(w.speed_kph.is_finite() && w.speed_kph > 0.0, "{w:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn mutated_geojson_never_panics(edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..12)) {
        try_load("roads.geojson", &mutate(ROADS, &edits));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        try_load("roads.geojson", &bytes);
        try_load("roads.osm.pbf", &bytes);
        try_load("roads.shp", &bytes);
    }

    #[test]
    fn tag_parsers_never_panic(s in "[ -~]{0,16}") {
        let _ = parse_maxspeed(&s);
        let _ = parse_oneway(&s);
        if let Some(d) = parse_duration_s(&s) {
            prop_assert!(d.is_finite() && d > 0.0);
        }
        if let Some(pcn_atlas::roads::profile::MaxSpeed::Kph(v)) = parse_maxspeed(&s) {
            prop_assert!(v.is_finite() && v > 0.0);
        }
    }
}
