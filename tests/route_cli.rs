//! `pcn-atlas route` and `pcn-atlas roads --graph` run as the built binary on
//! a hand-made road (answers worked out by hand below), plus the errors a
//! user meets: swapped lat/lon, a point too far from any road, an unknown
//! practice code without a dataset.

mod common;

/// One straight two-way road in BNG metres from (480000, 300000) to
/// (481000, 300000) at 36 km/h (10 m/s), and a one-way spur off its east
/// end that goes 300 m north.
const ROAD: &str = r#"{"type":"FeatureCollection",
"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},
"features":[
{"type":"Feature","properties":{"highway":"unclassified","speed_kph":36},
 "geometry":{"type":"LineString","coordinates":[[480000,300000],[480500,300000],[481000,300000]]}},
{"type":"Feature","properties":{"highway":"unclassified","speed_kph":36,"oneway":"yes"},
 "geometry":{"type":"LineString","coordinates":[[481000,300000],[481000,300300]]}},
{"type":"Feature","properties":{"highway":"unclassified","speed_kph":36,"oneway":"yes"},
 "geometry":{"type":"LineString","coordinates":[[481000,300300],[480000,300000]]}}
]}"#;

/// Run `pcn-atlas route --roads road.geojson --from FROM --to TO EXTRA...` in `dir`.
fn route(dir: &std::path::Path, from: &str, to: &str, extra: &[&str]) -> common::Run {
    let mut a = vec![
        "route",
        "--roads",
        "road.geojson",
        "--from",
        from,
        "--to",
        to,
    ];
    a.extend_from_slice(extra);
    common::pcn_atlas(dir, &a)
}

#[test]
fn route_on_a_hand_made_road() {
    let d = common::folder(&[("road.geojson", ROAD)]);
    let args = ["--bng", "--out", "out/route.geojson"];
    let run = route(d.path(), "480100,299950", "480900,299980", &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // By hand: snaps 50 m (south of the road) and 20 m off the road at
    // 15 km/h: 12 s and 4.8 s; 800 m of road at 10 m/s: 80 s; total 96.8 s
    // = 1.61 min; straight line between the points hypot(800, 30) = 800.56 m.
    assert!(run.stdout.contains("snapped 50.0 m"), "{}", run.stdout);
    assert!(run.stdout.contains("snapped 20.0 m"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("drive time 1.61 min; road 0.80 km; straight line 0.80 km"),
        "{}",
        run.stdout
    );
    let bytes = std::fs::read(d.path().join("out/route.geojson")).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let f = v["features"].as_array().unwrap();
    let kinds: Vec<_> = f.iter().map(|x| x["properties"]["kind"].clone()).collect();
    assert_eq!(kinds, ["route", "snap_from", "snap_to", "from", "to"]);
    assert_eq!(f[0]["properties"]["km"], 0.8);
    assert_eq!(f[0]["properties"]["minutes"], 1.613);
    assert_eq!(f[0]["geometry"]["type"], "LineString");
    // WGS84 output: near 0.7 W, 52.5 N.
    let c = &f[0]["geometry"]["coordinates"][0];
    assert!(c[0].as_f64().unwrap() < 0.0 && c[1].as_f64().unwrap() > 52.0);
    assert_eq!(f[1]["properties"]["snap_m"], 50.0);

    let run = route(d.path(), "480900,299980", "480100,299950", &["--bng"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Two-way main road: straight back along it, 0.80 km, same time.
    assert!(run.stdout.contains("road 0.80 km"), "{}", run.stdout);

    // Same bytes on a second run.
    let run = route(d.path(), "480100,299950", "480900,299980", &args);
    assert_eq!(run.code, 0);
    assert_eq!(
        std::fs::read(d.path().join("out/route.geojson")).unwrap(),
        bytes
    );
}

#[test]
fn route_errors_name_the_point_and_the_distance() {
    let d = common::folder(&[("road.geojson", ROAD)]);
    let run = |from: &str, extra: &[&str]| route(d.path(), from, "480900,299980", extra);
    // North of everything: the nearest road point is the spur's top
    // (481000, 300300), hypot(500, 4700) = 4726.5 m away.
    let r = run("480500,305000", &["--bng"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--from \"480500,305000\" is unroutable")
            && r.stderr.contains("4727 m away")
            && r.stderr.contains("max_snap_m = 1000"),
        "{}",
        r.stderr
    );
    let r = run("C82010", &["--bng"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("C82010") && r.stderr.contains("--dataset"),
        "{}",
        r.stderr
    );
    let r = run("480500,abc", &["--bng"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("\"abc\" is not a number"), "{}", r.stderr);
    // lat,lon given as lon,lat (without --bng).
    let r = route(d.path(), "52.6708,-0.7306", "-0.72,52.58", &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--from") && r.stderr.contains("look swapped"),
        "{}",
        r.stderr
    );
}

#[test]
fn roads_prints_graph_statistics_and_writes_the_graph() {
    let d = common::folder(&[("road.geojson", ROAD)]);
    let run = common::pcn_atlas(
        d.path(),
        &["roads", "--roads", "road.geojson", "--out", "o", "--graph"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // By hand: junctions at the west end and the east end; the middle node
    // (480500) is pass-through and contracted. The spur's top (one in, one
    // other out) is pass-through too, but the chain east -> top -> west
    // would run parallel to the faster main road east -> west, so it is
    // split at the top (docs of routing::graph): 3 nodes; edges: the main
    // road each way, east -> top, top -> west.
    assert!(
        run.stdout.contains("graph: 3 nodes, 4 edges"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("1 strongly connected components"),
        "{}",
        run.stdout
    );
    let g: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.path().join("o/graph.geojson")).unwrap()).unwrap();
    let f = g["features"].as_array().unwrap();
    // The two-way road once, the two one-way edges.
    assert_eq!(f.len(), 3);
    let mut secs: Vec<f64> = f
        .iter()
        .map(|x| x["properties"]["seconds"].as_f64().unwrap())
        .collect();
    secs.sort_by(f64::total_cmp);
    // 300 m, 1000 m, and hypot(1000, 300) = 1044.03 m, at 10 m/s.
    assert_eq!(secs, [30.0, 100.0, 104.403]);
    let rep: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.path().join("o/roads_report.json")).unwrap())
            .unwrap();
    assert_eq!(rep["graph"]["nodes"], 3);
    assert_eq!(rep["graph"]["edges"], 4);
    assert!(rep["ways_read"].is_number());
}

/// Regression: two points on one edge either side of a geometry vertex,
/// within a millisecond of travel of each other (0.7 cm at 10 m/s), get
/// equal `from_tail_ms`, so the same-edge route is 0 ms with the source on
/// segment 1 and the target on segment 0. `routing::ch::path` used to slice
/// the geometry between them backwards and panic (exit 101).
#[test]
fn route_between_two_points_a_millisecond_apart_across_a_vertex() {
    let d = common::folder(&[("road.geojson", ROAD)]);
    let run = route(
        d.path(),
        "480500.004,300010",
        "480499.997,300010",
        &["--bng"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn route_between_practices_located_from_a_dataset() {
    // A one-area dataset whose two practices sit 50 m south and 20 m north
    // of the hand-made road: the same answer as the coordinate route above.
    let areas = r#"{"type":"FeatureCollection",
"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},
"features":[{"type":"Feature","properties":{"area_code":"E01000001","population":1500,"ruc":"E1"},
 "geometry":{"type":"Polygon","coordinates":[[[479000,299000],[482000,299000],[482000,301000],[479000,301000],[479000,299000]]]}}]}"#;
    let practices = "practice_code,practice_name,pcn_code,pcn_name,list_size,easting,northing\n\
        A00001,West Surgery,U00001,Test PCN,5000,480100,299950\n\
        A00002,East Surgery,U00001,Test PCN,6000,480900,299980\n\
        A00003,Nowhere Surgery,U00001,Test PCN,100,480500,305000\n";
    let d = common::folder(&[
        ("road.geojson", ROAD),
        ("ds/areas.geojson", areas),
        ("ds/practices.csv", practices),
    ]);
    let run = |from: &str, to: &str| route(d.path(), from, to, &["--dataset", "ds"]);
    let r = run("A00001", "a00002");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("drive time 1.61 min; road 0.80 km; straight line 0.80 km"),
        "{}",
        r.stdout
    );
    let r = run("A00001", "A00009");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("A00009 is not in the dataset"),
        "{}",
        r.stderr
    );
    let r = run("A00003", "A00001");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("\"A00003\" is unroutable") && r.stderr.contains("4727 m"),
        "{}",
        r.stderr
    );
}
