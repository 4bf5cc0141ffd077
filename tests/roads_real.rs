//! The road loaders on the real Rutland files (Geofabrik OSM extract of
//! 2022-07-20 and Geofabrik's shapefile road layer of 2022-08-18). The
//! differences between the two are explained in docs/performance-roads.md.

mod common;

use pcn_atlas::roads::load_roads;
use pcn_atlas::roads::network::RoadClass;
use pcn_atlas::roads::profile::CarProfile;

fn one_thread<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(f)
}

#[test]
fn rutland_pbf_and_shapefile_agree_where_they_should() {
    let Some(data) = common::shared_data("rutland_pbf_and_shapefile_agree_where_they_should")
    else {
        return;
    };
    let dir = data.join("rutland");
    let p = CarProfile::default();
    let (pbf, rp) = load_roads(&dir.join("rutland-2022-07.osm.pbf"), &p).unwrap();
    let (shp, rs) = load_roads(&dir.join("osm-roads-2022/gis_osm_roads_free_1.shp"), &p).unwrap();
    for r in [&rp, &rs] {
        eprintln!(
            "{} {}: read {} kept {} nodes {} junctions {} km {:.1}\n  km {:?}\n  excluded {:?}\n  counts {:?}",
            r.format,
            r.input.path,
            r.ways_read,
            r.ways_kept,
            r.nodes,
            r.junctions,
            r.total_km,
            r.km_by_class,
            r.excluded,
            r.counts
        );
    }
    // Both files hold the same 6,665 highway ways (the shapefile layer is
    // every highway way of the extract).
    assert_eq!(rp.ways_read, 6665);
    assert_eq!(rs.ways_read, 6665);
    // Geofabrik extracts keep whole ways: no way is clipped.
    assert_eq!(rp.counts.get("missing_node_refs"), None);
    // Main roads have no access restrictions: same length in both, to 1%.
    let km = |r: &pcn_atlas::roads::RoadsReport, c: RoadClass| {
        r.km_by_class.get(c.as_str()).copied().unwrap_or(0.0)
    };
    for c in [RoadClass::Trunk, RoadClass::Primary, RoadClass::Secondary] {
        let (a, b) = (km(&rp, c), km(&rs, c));
        assert!(
            a > 10.0 && (a - b).abs() < 0.01 * a,
            "{c:?}: pbf {a} shp {b}"
        );
    }
    // The shapefile has no access tags, so private service roads stay in it.
    assert!(rp.excluded.get("access").copied().unwrap_or(0) > 100);
    assert_eq!(rs.excluded.get("access"), None);
    assert!(km(&rs, RoadClass::Service) > km(&rp, RoadClass::Service));
    // Totals within 10%.
    assert!((rp.total_km - rs.total_km).abs() < 0.1 * rp.total_km);
    // All of it in Rutland (BNG E 470–515 km, N 285–330 km, roads run a little past the county).
    for n in pbf.nodes.iter().chain(&shp.nodes) {
        assert!((470_000.0..515_000.0).contains(&n[0]), "{n:?}");
        assert!((285_000.0..330_000.0).contains(&n[1]), "{n:?}");
    }
}

#[test]
fn rutland_pbf_is_the_same_on_one_thread() {
    let Some(data) = common::shared_data("rutland_pbf_is_the_same_on_one_thread") else {
        return;
    };
    let path = data.join("rutland/rutland-2022-07.osm.pbf");
    let p = CarProfile::default();
    let (a, ra) = load_roads(&path, &p).unwrap();
    let (b, rb) = one_thread(|| load_roads(&path, &p).unwrap());
    assert_eq!(a.nodes, b.nodes);
    assert_eq!(a.ways, b.ways);
    assert_eq!(
        serde_json::to_string(&ra).unwrap(),
        serde_json::to_string(&rb).unwrap()
    );
}
