//! Road loaders and the car profile on hand-drawn fixtures; the answers are
//! worked out by hand in fixtures/roads/README.md.

mod common;

use pcn_atlas::roads::load_roads;
use pcn_atlas::roads::network::{Direction, RoadClass};
use pcn_atlas::roads::profile::CarProfile;
use std::path::Path;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/roads")
        .join(name)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * b.abs().max(1.0)
}

#[test]
fn profile_cases_by_hand() {
    let (net, r) = load_roads(&fixture("profile-cases.geojson"), &CarProfile::default()).unwrap();
    assert_eq!((r.ways_read, r.ways_kept), (18, 14));
    assert_eq!((r.nodes, r.junctions), (18, 14));
    for why in ["access", "ferry_motorcar_no", "not_car_class", "reversible"] {
        assert_eq!(r.excluded.get(why), Some(&1), "{why}: {:?}", r.excluded);
    }
    assert_eq!(r.counts.get("maxspeed_unparsed"), Some(&1));
    assert_eq!(r.counts.get("ferry_without_duration"), Some(&1));
    let km = |c: &str| r.km_by_class.get(c).copied().unwrap_or(0.0);
    for (c, want) in [
        ("residential", 3.0),
        ("tertiary", 3.0),
        ("primary", 0.4),
        ("unclassified", 0.5),
        ("ferry", 7.0),
        ("secondary", 1.0),
        ("other", 1.0),
        ("motorway", 2.0),
        ("living_street", 1.0),
    ] {
        assert!(close(km(c), want), "{c}: {}", km(c));
    }
    assert!(close(r.total_km, 18.9));

    use Direction::*;
    use RoadClass::*;
    // (feature id, class, direction, speed km/h, fixed seconds)
    let want: [(i64, RoadClass, Direction, f64, Option<f64>); 14] = [
        (0, Residential, Both, 41.038272, None),
        (1, Residential, Forward, 25.0, None),
        (2, Tertiary, Backward, 50.0, None),
        (3, Primary, Forward, 65.0, None),
        (5, Unclassified, Both, 40.0, None),
        // Sailing time plus the default 10-minute wait.
        (6, Ferry, Both, 6.0, Some(2400.0)),
        (7, Ferry, Both, 3000.0 / 1320.0 * 3.6, Some(1320.0)),
        (9, Secondary, Both, 82.076544, None),
        (10, Tertiary, Both, 25.5, None),
        (11, Tertiary, Both, 50.0, None),
        (13, Other, Both, 22.0, None),
        (15, Motorway, Forward, 105.0, None),
        (16, Residential, Backward, 25.0, None),
        (17, LivingStreet, Both, 6.8, None),
    ];
    assert_eq!(net.ways.len(), want.len());
    for (w, (id, class, dir, kph, fixed)) in net.ways.iter().zip(want) {
        assert_eq!((w.id, w.class, w.direction), (id, class, dir), "{w:?}");
        assert!(close(w.speed_kph, kph), "way {id}: {} km/h", w.speed_kph);
        assert_eq!(w.fixed_seconds, fixed, "way {id}");
    }
    // The roundabout is a closed ring of four 100 m sides starting and ending at D.
    let ring = &net.ways[3];
    assert_eq!(ring.nodes.len(), 5);
    assert_eq!(ring.nodes.first(), ring.nodes.last());
    assert!(close(net.way_metres(ring), 400.0));
    assert_eq!(
        net.ways[7].name, "B1000",
        "ref stands in for a missing name"
    );
}

#[test]
fn lines_meet_only_at_identical_vertices() {
    let (net, r) = load_roads(&fixture("shared-vertices.geojson"), &CarProfile::default()).unwrap();
    assert_eq!((r.ways_read, r.ways_kept), (5, 5));
    assert_eq!((r.nodes, r.junctions), (9, 7));
    assert_eq!(r.excluded.get("degenerate_geometry"), Some(&1));
    assert_eq!(r.counts.get("features_not_lines"), Some(&2));
    assert_eq!(r.counts.get("repeated_vertices"), Some(&2));
    // The bridge shares no node with West-East.
    let we: std::collections::BTreeSet<u32> = net.ways[0].nodes.iter().copied().collect();
    assert!(net.ways[1].nodes.iter().all(|v| !we.contains(v)));
    // The MultiLineString's two pieces keep the feature id.
    assert_eq!(net.ways[3].id, 3);
    assert_eq!(net.ways[4].id, 3);
}

#[test]
fn profile_overrides_change_the_answers() {
    let p = CarProfile::from_toml_str(
        "maxspeed_factor = 1.0\nferry_speed_kph = 30\n[speeds]\nresidential = 20\n[classes]\nferry = false\n",
    )
    .unwrap();
    let (net, r) = load_roads(&fixture("profile-cases.geojson"), &p).unwrap();
    // The two car ferries are now excluded as not for cars; the foot ferry too.
    assert_eq!(r.excluded.get("not_car_class"), Some(&4));
    assert_eq!(r.ways_kept, 12);
    let a_b = &net.ways[0];
    assert!(close(a_b.speed_kph, 30.0 * 1.609344));
    assert!(close(net.ways[1].speed_kph, 20.0));
}

#[test]
fn demo_county_roads_load() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo/roads.geojson");
    let (net, r) = load_roads(&path, &CarProfile::default()).unwrap();
    // data/demo/README.md: 441 LineStrings, all drivable.
    assert_eq!((r.ways_read, r.ways_kept), (441, 441));
    assert!(r.excluded.is_empty(), "{:?}", r.excluded);
    // Market Cross: four one-way arcs.
    let arcs = net
        .ways
        .iter()
        .filter(|w| w.direction == Direction::Forward && w.class != RoadClass::Motorway)
        .count();
    assert!(arcs >= 4, "{arcs}");
    // Upland roads signed speed_kph 22 and 18 keep exactly those speeds.
    assert!(net.ways.iter().any(|w| close(w.speed_kph, 22.0)));
    assert!(net.ways.iter().any(|w| close(w.speed_kph, 18.0)));
}

#[test]
fn binary_writes_identical_bytes_and_rejects_bad_profiles() {
    let d = common::folder(&[
        (
            "slow.toml",
            "speed_factor = 0.8\n[speeds]\nresidential = 20\n",
        ),
        ("bad.toml", "speed_factor = 0.8\nsped = 3\n"),
        ("bad.json", "{\"classes\": {\"lane\": true}}"),
    ]);
    let road = fixture("profile-cases.geojson");
    let road = road.to_str().unwrap();
    let mut outputs = Vec::new();
    for out in ["o1", "o2"] {
        let run = common::pcn_atlas(
            d.path(),
            &[
                "roads",
                "--roads",
                road,
                "--profile",
                "slow.toml",
                "--out",
                out,
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stdout.contains("18 nodes (14 junctions)"),
            "{}",
            run.stdout
        );
        let g = std::fs::read(d.path().join(out).join("roads.geojson")).unwrap();
        let j = std::fs::read(d.path().join(out).join("roads_report.json")).unwrap();
        outputs.push((g, j));
    }
    assert_eq!(outputs[0], outputs[1]);
    let v: serde_json::Value = serde_json::from_slice(&outputs[0].0).unwrap();
    assert_eq!(v["features"].as_array().unwrap().len(), 14);
    assert_eq!(v["features"][1]["properties"]["speed_kph"], 16.0);
    assert_eq!(v["features"][1]["properties"]["direction"], "forward");
    let run = common::pcn_atlas(
        d.path(),
        &["roads", "--roads", road, "--profile", "bad.toml"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("bad.toml") && run.stderr.contains("sped"),
        "{}",
        run.stderr
    );
    let run = common::pcn_atlas(
        d.path(),
        &["roads", "--roads", road, "--profile", "bad.json"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("bad.json") && run.stderr.contains("lane"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_road_files_give_errors_naming_file_and_feature() {
    let d = common::folder(&[
        (
            "speed.geojson",
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Fast Lane","speed_kph":"quick"},"geometry":{"type":"LineString","coordinates":[[-0.7,52.6],[-0.71,52.6]]}}]}"#,
        ),
        (
            "swapped.geojson",
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"highway":"primary"},"geometry":{"type":"LineString","coordinates":[[52.6,-0.7],[52.6,-0.71]]}}]}"#,
        ),
        ("roads.txt", "x"),
    ]);
    let p = CarProfile::default();
    let e = format!(
        "{:#}",
        load_roads(&d.path().join("speed.geojson"), &p).unwrap_err()
    );
    assert!(
        e.contains("speed.geojson") && e.contains("feature 0 (Fast Lane)") && e.contains("quick"),
        "{e}"
    );
    let e = format!(
        "{:#}",
        load_roads(&d.path().join("swapped.geojson"), &p).unwrap_err()
    );
    assert!(e.contains("feature 0") && e.contains("swapped"), "{e}");
    let e = format!(
        "{:#}",
        load_roads(&d.path().join("roads.txt"), &p).unwrap_err()
    );
    assert!(e.contains("roads.txt"), "{e}");
}

#[test]
fn the_documented_example_profile_is_the_default() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/car-profile.md"))
            .unwrap();
    let start = doc.find("```toml\n").unwrap() + 8;
    let end = start + doc[start..].find("```").unwrap();
    let p = CarProfile::from_toml_str(&doc[start..end]).unwrap();
    let d = CarProfile::default();
    assert_eq!(p.classes, d.classes);
    assert_eq!(p.speeds_kph, d.speeds_kph);
    assert_eq!(p.class_factors, d.class_factors);
    for (a, b) in [
        (p.maxspeed_factor, d.maxspeed_factor),
        (p.speed_factor, d.speed_factor),
        (p.nsl_single_kph, d.nsl_single_kph),
        (p.nsl_dual_kph, d.nsl_dual_kph),
        (p.motorway_limit_kph, d.motorway_limit_kph),
        (p.nsl_restricted_kph, d.nsl_restricted_kph),
        (p.walk_kph, d.walk_kph),
        (p.ferry_speed_kph, d.ferry_speed_kph),
        (p.ferry_wait_min, d.ferry_wait_min),
        (p.off_road_kph, d.off_road_kph),
        (p.max_snap_m, d.max_snap_m),
    ] {
        assert!(close(a, b), "{a} {b}");
    }
}

/// A Geofabrik-layout road shapefile in British National Grid, written here.
/// Offsets from E 480000, N 300000: A (0,0) B (1000,0) C (1000,1000) D (0,500) E (0,1000).
/// Answers by hand: 0 primary A–B `F`, maxspeed 0 → forward, class default 65;
/// 1 residential B–C `T`, maxspeed 48 → backward, 48 × 0.85 = 40.8; 2 track_grade2 and
/// 3 footway → not car classes; 4 unclassified `B` with two parts A–D and C–E → two ways,
/// 40 km/h. 5 nodes, all way ends, so 5 junctions; 4 ways, 1 + 1 + 0.5 + 1 = 3.5 km.
#[test]
fn geofabrik_shapefile_in_bng() {
    use shapefile::dbase::{FieldName, FieldValue, Record, TableWriterBuilder};
    use shapefile::{Point, Polyline};
    const BNG_WKT: &str = r#"PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936",DATUM["D_OSGB_1936"]],PROJECTION["Transverse_Mercator"]]"#;
    let d = tempfile::tempdir().unwrap();
    let shp = d.path().join("gis_osm_roads_free_1.shp");
    let field = |n: &str| FieldName::try_from(n).unwrap();
    let table = TableWriterBuilder::new()
        .add_character_field(field("osm_id"), 10)
        .add_character_field(field("fclass"), 28)
        .add_character_field(field("name"), 100)
        .add_character_field(field("oneway"), 1)
        .add_numeric_field(field("maxspeed"), 3, 0);
    let mut w = shapefile::Writer::from_path(&shp, table).unwrap();
    let pt = |x: f64, y: f64| Point::new(480_000.0 + x, 300_000.0 + y);
    let lines: [(&str, &str, f64, Vec<Vec<Point>>); 5] = [
        (
            "primary",
            "F",
            0.0,
            vec![vec![pt(0.0, 0.0), pt(1000.0, 0.0)]],
        ),
        (
            "residential",
            "T",
            48.0,
            vec![vec![pt(1000.0, 0.0), pt(1000.0, 1000.0)]],
        ),
        (
            "track_grade2",
            "B",
            0.0,
            vec![vec![pt(0.0, 0.0), pt(1000.0, 1000.0)]],
        ),
        (
            "footway",
            "B",
            0.0,
            vec![vec![pt(0.0, 0.0), pt(500.0, 500.0)]],
        ),
        (
            "unclassified",
            "B",
            0.0,
            vec![
                vec![pt(0.0, 0.0), pt(0.0, 500.0)],
                vec![pt(1000.0, 1000.0), pt(0.0, 1000.0)],
            ],
        ),
    ];
    for (i, (fclass, oneway, maxspeed, parts)) in lines.into_iter().enumerate() {
        let mut rec = Record::default();
        rec.insert(
            "osm_id".into(),
            FieldValue::Character(Some(format!("{}", 100 + i))),
        );
        rec.insert("fclass".into(), FieldValue::Character(Some(fclass.into())));
        rec.insert(
            "name".into(),
            FieldValue::Character(Some(format!("Road {i}"))),
        );
        rec.insert("oneway".into(), FieldValue::Character(Some(oneway.into())));
        rec.insert("maxspeed".into(), FieldValue::Numeric(Some(maxspeed)));
        w.write_shape_and_record(&Polyline::with_parts(parts), &rec)
            .unwrap();
    }
    drop(w);
    std::fs::write(shp.with_extension("prj"), BNG_WKT).unwrap();
    let (net, r) = load_roads(&shp, &CarProfile::default()).unwrap();
    assert_eq!(
        (r.ways_read, r.ways_kept, r.nodes, r.junctions),
        (5, 4, 5, 5),
        "{r:?}"
    );
    assert_eq!(r.excluded.get("not_car_class"), Some(&2));
    assert_eq!(r.counts.get("fclass_not_for_cars:footway"), Some(&1));
    assert!(close(r.total_km, 3.5));
    let got: Vec<_> = net
        .ways
        .iter()
        .map(|w| (w.id, w.class, w.direction))
        .collect();
    use Direction::*;
    use RoadClass::*;
    assert_eq!(
        got,
        vec![
            (0, Primary, Forward),
            (1, Residential, Backward),
            (4, Unclassified, Both),
            (4, Unclassified, Both)
        ]
    );
    assert!(close(net.ways[0].speed_kph, 65.0));
    assert!(close(net.ways[1].speed_kph, 40.8));
    assert_eq!(net.nodes[0], [480_000.0, 300_000.0]);
    // Without a .prj the CRS is not guessed.
    std::fs::remove_file(shp.with_extension("prj")).unwrap();
    let e = format!(
        "{:#}",
        load_roads(&shp, &CarProfile::default()).unwrap_err()
    );
    assert!(e.contains(".prj"), "{e}");
}
