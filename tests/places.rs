//! Named places for the maps: OSM `place=city|town|village` nodes of a road
//! `.osm.pbf`, Point features of a road GeoJSON, and `--places FILE` (a
//! Geofabrik places layer, another `.osm.pbf`, a GeoJSON). The real files'
//! answers were counted with GDAL (`ogrinfo FILE points -where
//! "place='town'"`): Rutland 2022-07 has 2 towns (Oakham, Uppingham) and 52
//! villages, no city, none unnamed; the Isle of Wight 2015-01 has 9 towns
//! (Newport, Ryde, Cowes ...; Shanklin `population=8055`) and 39 villages.

mod common;
use common::{assert_one_line_error, demo, folder, pcn_atlas, shared_data};
use pcn_atlas::model::{Place, PlaceKind};
use pcn_atlas::roads::places::load_places;
use pcn_atlas::roads::{load_roads, profile::CarProfile};
use std::path::Path;

fn fixture(p: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(p)
}

fn kinds(places: &[Place], kind: PlaceKind) -> Vec<&str> {
    places
        .iter()
        .filter(|p| p.kind == kind)
        .map(|p| p.name.as_str())
        .collect()
}

fn assert_sorted(places: &[Place]) {
    for w in places.windows(2) {
        assert!(
            (&w[0].name, w[0].kind) <= (&w[1].name, w[1].kind),
            "{} before {}",
            w[0].name,
            w[1].name
        );
    }
}

#[test]
fn rutland_pbf_names_its_towns_and_villages() {
    let Some(data) = shared_data("rutland_pbf_names_its_towns_and_villages") else {
        return;
    };
    let pbf = data.join("rutland/rutland-2022-07.osm.pbf");
    let (_, report) = load_roads(&pbf, &CarProfile::default()).unwrap();
    let places = &report.places;
    assert_eq!(kinds(places, PlaceKind::Town), ["Oakham", "Uppingham"]);
    assert_eq!(kinds(places, PlaceKind::Village).len(), 52);
    assert_eq!(kinds(places, PlaceKind::City).len(), 0);
    assert_sorted(places);
    // Oakham is where its place node is (52.6699 N, 0.7285 W), in BNG.
    let oakham = places.iter().find(|p| p.name == "Oakham").unwrap();
    let want = pcn_atlas::coords::wgs84_to_bng(-0.7284623, 52.6699351);
    assert!((oakham.location[0] - want.x).abs() < 1.0 && (oakham.location[1] - want.y).abs() < 1.0);
    // The same file as --places gives the same list (its own pass).
    assert_eq!(&load_places(&pbf).unwrap(), places);
}

#[test]
fn isle_of_wight_pbf_has_newport_and_populations() {
    let Some(data) = shared_data("isle_of_wight_pbf_has_newport_and_populations") else {
        return;
    };
    let pbf = data.join("iow/isle-of-wight-2015-01.osm.pbf");
    let places = load_places(&pbf).unwrap();
    let towns = kinds(&places, PlaceKind::Town);
    assert_eq!(
        towns,
        [
            "Brading",
            "Cowes",
            "East Cowes",
            "Freshwater",
            "Newport",
            "Ryde",
            "Sandown",
            "Shanklin",
            "Ventnor"
        ]
    );
    assert_eq!(kinds(&places, PlaceKind::Village).len(), 39);
    let shanklin = places.iter().find(|p| p.name == "Shanklin").unwrap();
    assert_eq!(shanklin.population, Some(8055));
    let (_, report) = load_roads(&pbf, &CarProfile::default()).unwrap();
    assert_eq!(report.places, places);
}

/// fixtures/places: a Geofabrik-style places layer made with ogr2ogr
/// (fixtures/README.md): a city, two towns, a village, a hamlet, a suburb
/// and an unnamed village. Population 0 means unknown.
#[test]
fn geofabrik_places_layer() {
    let places = load_places(&fixture("places/gis_osm_places_free_1.shp")).unwrap();
    let got: Vec<(&str, PlaceKind, Option<u64>)> = places
        .iter()
        .map(|p| (p.name.as_str(), p.kind, p.population))
        .collect();
    assert_eq!(
        got,
        [
            ("Empingham", PlaceKind::Village, None),
            ("Leicester", PlaceKind::City, Some(250_000)),
            ("Oakham", PlaceKind::Town, Some(10_922)),
            ("Uppingham", PlaceKind::Town, None),
        ]
    );
}

const ROADS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"highway":"primary"},"geometry":{"type":"LineString","coordinates":[[-0.74,52.67],[-0.72,52.66]]}},
{"type":"Feature","properties":{"place":"town","name":"Oakham","population":"10,922"},"geometry":{"type":"Point","coordinates":[-0.7343,52.6712]}},
{"type":"Feature","properties":{"place":"village","name":"Egleton"},"geometry":{"type":"Point","coordinates":[-0.7134,52.6570]}},
{"type":"Feature","properties":{"place":"hamlet","name":"Hambleton"},"geometry":{"type":"Point","coordinates":[-0.6700,52.6560]}},
{"type":"Feature","properties":{"amenity":"pub","name":"The Wheatsheaf"},"geometry":{"type":"Point","coordinates":[-0.7300,52.6700]}}
]}"#;

#[test]
fn road_geojson_points_with_a_place() {
    let dir = folder(&[("roads.geojson", ROADS)]);
    let path = dir.path().join("roads.geojson");
    let (net, report) = load_roads(&path, &CarProfile::default()).unwrap();
    assert_eq!(net.ways.len(), 1);
    let got: Vec<(&str, PlaceKind, Option<u64>)> = report
        .places
        .iter()
        .map(|p| (p.name.as_str(), p.kind, p.population))
        .collect();
    assert_eq!(
        got,
        [
            ("Egleton", PlaceKind::Village, None),
            ("Oakham", PlaceKind::Town, Some(10_922)),
        ]
    );
    // The hamlet and the pub are points that are no road and no place.
    assert_eq!(report.counts.get("features_not_lines"), Some(&2));
    assert_eq!(load_places(&path).unwrap(), report.places);
}

#[test]
fn bad_places_files_are_one_line_errors() {
    let dir = folder(&[
        ("places.txt", "Oakham\n"),
        (
            "abroad.geojson",
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"place":"city","name":"Paris"},"geometry":{"type":"Point","coordinates":[2.35,48.86]}}]}"#,
        ),
        (
            "broken.geojson",
            "{\"type\":\"FeatureCollection\",\"features\":[",
        ),
        ("empty.osm.pbf", ""),
    ]);
    let cases: [(&str, &[&str]); 5] = [
        ("missing.shp", &["missing.shp", "cannot read"]),
        ("places.txt", &["places.txt", "unknown places file type"]),
        ("abroad.geojson", &["abroad.geojson", "feature 0"]),
        ("broken.geojson", &["broken.geojson"]),
        ("empty.osm.pbf", &["empty.osm.pbf", "empty"]),
    ];
    for (file, needles) in cases {
        let r = pcn_atlas(
            dir.path(),
            &[
                "check",
                "--dataset",
                &demo(),
                "--places",
                file,
                "--out",
                "o",
                "-q",
            ],
        );
        assert_eq!(r.code, 2, "{file}: {}", r.stderr);
        assert_one_line_error(&r, needles);
        assert!(!dir.path().join("o/map.svg").exists());
    }
}

/// Rutland end to end: `check --roads` with the OSM extract names Oakham
/// and Uppingham on map.svg.
#[test]
fn rutland_check_map_names_its_towns() {
    let Some(data) = shared_data("rutland_check_map_names_its_towns") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    common::rutland_with_roads(tmp.path(), &data, "check", "c");
    let svg = std::fs::read_to_string(tmp.path().join("c/map.svg")).unwrap();
    let places = svg.split("<g id=\"places\">").nth(1).unwrap();
    let places = places.split("</g>").next().unwrap();
    for town in ["Oakham", "Uppingham"] {
        assert!(
            places.contains(&format!(">{town}</text>")),
            "{town} not named"
        );
    }
    // Villages too: Rutland is a county-sized map.
    assert!(places.matches("</text>").count() > 2 * 2);
}
