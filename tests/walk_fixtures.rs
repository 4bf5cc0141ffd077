//! The walking network on a hand-made GeoJSON (British National Grid, all
//! coordinates relative to (450000, 100000)). Walking is 4.8 km/h = 4/3 m/s,
//! so 4 m take 3 s; steps are walked at half that (100 m: 150 s).
//!
//! ```text
//!            S3 (0,1500): 848 m from any walkable way: unsnapped
//!   (0,900)·····(600,900)  ← S1 (640,900), D1 (600,940) snap here, 40 m off
//!      ·  cycleway |  steps 100 m: 150 s
//!   foot=no  ·  (600,800)
//!      ·  footway  |
//!      ·  1000 m:  |  residential w0: (0,0)-(600,0)-(600,800), 600 + 800 m
//!      ·  750 s    |
//!   A (0,0)─w0─S0─S4─B (600,0)══motorway, 1000 m══(1600,0) ← S2 (1640,0), D0 (1600,40)
//!   │ private               │                         │
//!   service (-500,0)        └── residential w5 ───────┘ (600,-1000)-(1600,-1000): 3000 m, 2250 s
//! ```
//! S0 (300,-40) and S4 (360,-40) are 40 m south of w0 (30 s off the way).
//! O0 (-40,0) is 40 m west of A (the private service road would be nearer);
//! O1 (1600,-1040) is 40 m south of w5's corner (1600,-1000). D2 (3000,3000)
//! is 3189 m from the steps' top: unsnapped. Also excluded: an `area=yes`
//! pedestrian square and a `highway=construction`; kept: a track
//! `access=no` + `foot=permissive` from (1600,-1000) to (2000,-1000).

use pcn_atlas::routing::dijkstra::point_to_point;
use pcn_atlas::routing::{SnapOptions, Snapper};
use pcn_atlas::transit::walk::{WalkNetwork, WalkOptions, walk_links};

const X0: f64 = 450_000.0;
const Y0: f64 = 100_000.0;

fn at(x: f64, y: f64) -> [f64; 2] {
    [X0 + x, Y0 + y]
}

/// One line feature: its tags and its points (relative).
type Feature<'a> = (&'a [(&'a str, &'a str)], Vec<[f64; 2]>);

/// A GeoJSON feature collection in BNG of `(tags, line)` features.
fn geojson(features: &[Feature<'_>]) -> String {
    let fs: Vec<serde_json::Value> = features
        .iter()
        .map(|(tags, line)| {
            let props: serde_json::Map<String, serde_json::Value> = tags
                .iter()
                .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
                .collect();
            let coords: Vec<[f64; 2]> = line.iter().map(|p| at(p[0], p[1])).collect();
            serde_json::json!({"type": "Feature", "properties": props,
                "geometry": {"type": "LineString", "coordinates": coords}})
        })
        .collect();
    serde_json::json!({"type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},
        "features": fs})
    .to_string()
}

fn fixture() -> String {
    geojson(&[
        (
            &[("highway", "residential"), ("name", "w0")],
            vec![[0.0, 0.0], [600.0, 0.0], [600.0, 800.0]],
        ),
        (&[("highway", "footway")], vec![[0.0, 0.0], [600.0, 800.0]]),
        (
            &[("highway", "steps")],
            vec![[600.0, 800.0], [600.0, 900.0]],
        ),
        (
            &[("highway", "residential"), ("name", "w5")],
            vec![
                [600.0, 0.0],
                [600.0, -1000.0],
                [1600.0, -1000.0],
                [1600.0, 0.0],
            ],
        ),
        (
            &[
                ("highway", "track"),
                ("access", "no"),
                ("foot", "permissive"),
            ],
            vec![[1600.0, -1000.0], [2000.0, -1000.0]],
        ),
        (
            &[("highway", "motorway")],
            vec![[600.0, 0.0], [1600.0, 0.0]],
        ),
        (
            &[("highway", "cycleway"), ("foot", "no")],
            vec![[0.0, 0.0], [0.0, 900.0], [600.0, 900.0]],
        ),
        (
            &[("highway", "pedestrian"), ("area", "yes")],
            vec![[0.0, 0.0], [-200.0, 0.0], [-200.0, 200.0], [0.0, 0.0]],
        ),
        (
            &[("highway", "service"), ("access", "private")],
            vec![[0.0, 0.0], [-500.0, 0.0]],
        ),
        (
            &[("highway", "construction")],
            vec![[0.0, 0.0], [0.0, -300.0]],
        ),
    ])
}

fn load(
    dir: &tempfile::TempDir,
    text: &str,
) -> (WalkNetwork, pcn_atlas::transit::walk::WalkReport) {
    let path = dir.path().join("walk.geojson");
    std::fs::write(&path, text).unwrap();
    WalkNetwork::from_roads(&path, &WalkOptions::default()).unwrap()
}

#[test]
fn foot_network_by_hand() {
    let d = tempfile::tempdir().unwrap();
    let (walk, rep) = load(&d, &fixture());
    let roads = rep.roads.as_ref().unwrap();
    assert_eq!(
        (rep.mode.as_str(), roads.ways_read, roads.ways_kept),
        ("osm", 10, 5)
    );
    let excluded: Vec<(&str, u64)> = roads
        .excluded
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        excluded,
        [
            ("access", 1),
            ("area", 1),
            ("foot_no", 1),
            ("motorway", 1),
            ("not_foot_class", 1)
        ]
    );
    // Paths are `other`: the footway 1000 m and the steps 100 m.
    assert_eq!(roads.km_by_class.get("other"), Some(&1.1));
    assert_eq!(roads.km_by_class.get("residential"), Some(&4.4));
    assert_eq!(rep.steps_kph, 2.4);
    assert!(walk.graph().is_some());
    let j = serde_json::to_value(&rep).unwrap();
    assert_eq!(j["options"]["speed_kph"], 4.8);
}

const STOPS: [[f64; 2]; 5] = [
    [300.0, -40.0],
    [640.0, 900.0],
    [1640.0, 0.0],
    [0.0, 1500.0],
    [360.0, -40.0],
];
const ORIGINS: [[f64; 2]; 2] = [[-40.0, 0.0], [1600.0, -1040.0]];
const DESTS: [[f64; 2]; 3] = [[1600.0, 40.0], [600.0, 940.0], [3000.0, 3000.0]];

fn points(p: &[[f64; 2]]) -> Vec<[f64; 2]> {
    p.iter().map(|q| at(q[0], q[1])).collect()
}

#[test]
fn walk_links_by_hand() {
    let d = tempfile::tempdir().unwrap();
    let (walk, _) = load(&d, &fixture());
    let opts = WalkOptions::default();
    let l = walk_links(
        &walk,
        &points(&STOPS),
        &points(&ORIGINS),
        &points(&DESTS),
        &opts,
    );
    // S0 ↔ S4: 30 + 60 m (45 s) + 30; the limit is 500 m = 375 s.
    assert_eq!(
        l.transfers,
        vec![vec![(4, 105)], vec![], vec![], vec![], vec![(0, 105)]]
    );
    // O0 → S0: 30 + 300 m (225) + 30; → S4: 30 + 360 m (270) + 30; → S1 by
    // the footway and the steps: 30 + 750 + 150 + 30 (the foot=no cycleway
    // would be 840 m: 630 + 60); S2 is 2760 s away (over 20 min).
    // O1 → S2: 30 + 1000 m (750) + 30.
    assert_eq!(
        l.access,
        vec![vec![(0, 285), (1, 960), (4, 330)], vec![(2, 810)]]
    );
    // To D0 only S2 (30 + 30); to D1: S1 (30 + 30), S0 by B and w0: 30 +
    // 225 + 600 + 150 + 30, S4: 30 + 180 + 600 + 150 + 30.
    assert_eq!(
        l.egress,
        vec![vec![(2, 60)], vec![(0, 1035), (1, 60), (4, 990)], vec![]]
    );
    // O0 → D0 round by w5 (the motorway is not walked): 30 + 450 + 2250 +
    // 30; O1 → D1: 30 + 2000 m to B + 800 m up w0 (2100) + 150 + 30.
    assert_eq!(
        l.direct,
        vec![vec![(0, 2760), (1, 960)], vec![(0, 810), (1, 2310)]]
    );
    assert_eq!(l.unsnapped.stops.len(), 1);
    assert_eq!(l.unsnapped.stops[0].0, 3);
    assert!((l.unsnapped.stops[0].1 - 600f64.hypot(600.0)).abs() < 1e-6);
    assert!(l.unsnapped.origins.is_empty());
    assert_eq!(l.unsnapped.destinations.len(), 1);
    assert!((l.unsnapped.destinations[0].1 - 2400f64.hypot(2100.0)).abs() < 1e-6);
    assert_eq!(l.unsnapped.count(), 2);
    // Shorter limits cut the lists.
    let short = WalkOptions {
        max_walk_min: 5.0,
        max_transfer_m: 100.0,
        direct_max_min: 20.0,
        ..opts
    };
    let l = walk_links(
        &walk,
        &points(&STOPS),
        &points(&ORIGINS),
        &points(&DESTS),
        &short,
    );
    assert_eq!(l.transfers[0], vec![]);
    assert_eq!(l.access[0], vec![(0, 285)]);
    assert_eq!(l.direct, vec![vec![(1, 960)], vec![(0, 810)]]);
}

#[test]
fn straight_line_by_hand() {
    // 4/3 m/s over a detour of 1.25: 16/15 m/s of straight line; 480 m
    // straight is 450 s.
    let opts = WalkOptions {
        detour: 1.25,
        ..WalkOptions::default()
    };
    let walk = WalkNetwork::straight_line(&opts);
    let stops = [[0.0, 0.0], [480.0, 0.0], [0.0, 288.0], [f64::NAN, 0.0]];
    let origins = [[0.0, -960.0], [10_000.0, 0.0]];
    let dests = [[480.0, 640.0]];
    let l = walk_links(&walk, &stops, &origins, &dests, &opts);
    // 500 m walked is 400 m straight: only stops 0 and 2 (288 m, 270 s).
    assert_eq!(
        l.transfers,
        vec![vec![(2, 270)], vec![], vec![(0, 270)], vec![]]
    );
    // 960 m: 900 s; to (480,0): 1073.3 m, 1006 s; to (0,288): 1248 m, 1170 s.
    assert_eq!(l.access, vec![vec![(0, 900), (1, 1006), (2, 1170)], vec![]]);
    // (480,640) is 800 m from (0,0): 750 s; 640 m from (480,0): 600 s;
    // 595.2 m from (0,288): 558 s.
    assert_eq!(l.egress, vec![vec![(0, 750), (1, 600), (2, 558)]]);
    // O0 to D0: 1670.4 m, 1566 s; O1 to D0: 9541 m, 8945 s (over 2 h).
    assert_eq!(l.direct, vec![vec![(0, 1566)], vec![]]);
    assert_eq!(l.unsnapped.stops, vec![(3, f64::INFINITY)]);
    let rep = WalkNetwork::straight_line_report(&opts);
    assert_eq!((rep.mode.as_str(), rep.nodes), ("straight_line", 0));
}

/// A random grid of residential streets, footways and steps with gaps,
/// and random points: walk_links equals a plain Dijkstra per pair.
#[test]
fn walk_links_equal_brute_force_on_random_grids() {
    use pcn_atlas::rng::SplitMix64;
    for seed in 0..4u64 {
        let mut rng = SplitMix64::new(seed);
        let kinds = [
            "residential",
            "footway",
            "steps",
            "path",
            "motorway",
            "service",
        ];
        let mut feats: Vec<Feature<'_>> = Vec::new();
        let tags: Vec<[(&str, &str); 1]> = kinds.iter().map(|k| [("highway", *k)]).collect();
        let n = 8;
        for i in 0..n {
            for j in 0..n {
                let p = [i as f64 * 170.0, j as f64 * 130.0];
                for q in [
                    [p[0] + 170.0, p[1]],
                    [p[0], p[1] + 130.0],
                    [p[0] + 170.0, p[1] + 130.0],
                ] {
                    if q[0] > 170.0 * (n - 1) as f64
                        || q[1] > 130.0 * (n - 1) as f64
                        || rng.unit() < 0.3
                    {
                        continue;
                    }
                    let mid = [
                        (p[0] + q[0]) / 2.0 + rng.range(-20.0, 20.0),
                        (p[1] + q[1]) / 2.0,
                    ];
                    feats.push((&tags[rng.below(kinds.len())], vec![p, mid, q]));
                }
            }
        }
        let d = tempfile::tempdir().unwrap();
        let (walk, _) = load(&d, &geojson(&feats));
        let mut pts = |k: usize| -> Vec<[f64; 2]> {
            (0..k)
                .map(|_| at(rng.range(-300.0, 1500.0), rng.range(-300.0, 1200.0)))
                .collect()
        };
        let (stops, origins, dests) = (pts(40), pts(15), pts(10));
        let opts = WalkOptions {
            max_walk_min: 8.0,
            max_transfer_m: 400.0,
            direct_max_min: 15.0,
            max_snap_m: 250.0,
            ..WalkOptions::default()
        };
        let l = walk_links(&walk, &stops, &origins, &dests, &opts);
        let (g, index) = walk.graph().unwrap();
        let snapper = Snapper::new(
            g,
            index,
            SnapOptions {
                off_road_kph: 4.8,
                max_snap_m: 250.0,
            },
        );
        let brute = |from: &[[f64; 2]], to: &[[f64; 2]], limit_s: f64, same: bool| {
            from.iter()
                .enumerate()
                .map(|(i, &a)| {
                    let Some(sa) = snapper.snap(a) else {
                        return vec![];
                    };
                    to.iter()
                        .enumerate()
                        .filter(|&(j, _)| !(same && i == j))
                        .filter_map(|(j, &b)| {
                            let t = point_to_point(g, &sa, &snapper.snap(b)?)?;
                            (t <= limit_s).then(|| (j as u32, t.round() as u32))
                        })
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            l.access,
            brute(&origins, &stops, 480.0, false),
            "seed {seed}"
        );
        assert_eq!(
            l.direct,
            brute(&origins, &dests, 900.0, false),
            "seed {seed}"
        );
        assert_eq!(
            l.transfers,
            brute(&stops, &stops, 300.0, true),
            "seed {seed}"
        );
        let from_stops = brute(&stops, &dests, 480.0, false);
        for (k, list) in l.egress.iter().enumerate() {
            let want: Vec<(u32, u32)> = from_stops
                .iter()
                .enumerate()
                .filter_map(|(i, l)| l.iter().find(|x| x.0 == k as u32).map(|x| (i as u32, x.1)))
                .collect();
            assert_eq!(list, &want, "seed {seed} destination {k}");
        }
        let found: usize = l.access.iter().map(Vec::len).sum();
        assert!(found > 20, "seed {seed}: only {found} access walks");
        assert!(
            l.unsnapped.count() > 0,
            "seed {seed}: some points are off the grid"
        );
    }
}
