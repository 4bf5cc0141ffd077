//! Routing on the real Rutland OSM extract (issue 4): the contraction
//! hierarchy's matrix equals the reference Dijkstra on 200 random snapped
//! pairs, and Oakham to Uppingham comes out near the "about 6 miles" a map
//! gives. The networkx comparison is `scripts/route_networkx.py`.

mod common;
#[path = "support/route_rutland.rs"]
mod route_rutland;

use pcn_atlas::routing::dijkstra::point_to_point;
use pcn_atlas::routing::{Hierarchy, Router, UNREACHED_MS, dijkstra};
use route_rutland::*;

#[test]
fn rutland_ch_matrix_equals_reference_dijkstra_on_200_random_pairs() {
    let Some(data) = common::shared_data("rutland_ch_matrix_equals_reference_dijkstra") else {
        return;
    };
    let (g, _, profile) = graph(&rutland_pbf(&data)).unwrap();
    let (snaps, unroutable) = random_snaps(&g, snap_options(&profile), 200, 7);
    assert_eq!(snaps.len(), 200, "{unroutable} unroutable");
    let pairs = random_pairs(snaps.len(), 200, 77);
    let sources: Vec<_> = pairs.iter().map(|&(i, _)| snaps[i].clone()).collect();
    let targets: Vec<_> = pairs.iter().map(|&(_, j)| snaps[j].clone()).collect();
    let ch = Hierarchy::prepare(&g);
    let router = Router::new(&g, &ch);
    let ms = router.matrix_ms(&sources, &targets, UNREACHED_MS - 1);
    let n = pairs.len();
    let mut reached = 0;
    for (k, (s, t)) in sources.iter().zip(&targets).enumerate() {
        // The reference: plain Dijkstra from the source's seeds.
        let dist = dijkstra::one_to_all(&g, s);
        let want = dijkstra::network_ms_to(&g, s, &dist, t);
        assert_eq!(
            ms[k * n + k],
            want,
            "pair {k}: {:?} -> {:?}",
            s.point,
            t.point
        );
        // And the whole row agrees too (every target, not only the pair's).
        for (c, tc) in targets.iter().enumerate() {
            assert_eq!(ms[k * n + c], dijkstra::network_ms_to(&g, s, &dist, tc));
        }
        if want != UNREACHED_MS {
            reached += 1;
        }
    }
    // The graph is one strongly connected component: every pair is reachable.
    assert_eq!(reached, n);
}

#[test]
fn oakham_to_uppingham_is_about_six_miles() {
    let Some(data) = common::shared_data("oakham_to_uppingham_is_about_six_miles") else {
        return;
    };
    for file in [rutland_pbf(&data), rutland_shp(&data)] {
        let (g, _, profile) = graph(&file).unwrap();
        let opts = snap_options(&profile);
        let s = snap_lonlat(&g, opts, OAKHAM).unwrap();
        let t = snap_lonlat(&g, opts, UPPINGHAM).unwrap();
        let ch = Hierarchy::prepare(&g);
        let path = Router::new(&g, &ch).path(&s, &t).unwrap();
        let km = path.metres / 1000.0;
        eprintln!(
            "{}: {km:.2} km, {:.2} min, snaps {:.1} m and {:.1} m",
            file.display(),
            path.seconds / 60.0,
            s.snap_m,
            t.snap_m
        );
        // About 6 miles (9.7 km) by the A6003.
        assert!((8.0..=12.0).contains(&km), "{km} km");
        // The path's time equals the reference point-to-point time.
        assert_eq!(Some(path.seconds), point_to_point(&g, &s, &t));
        // Straight line is about 9.2 km, and the road cannot be shorter.
        let straight = (s.point[0] - t.point[0]).hypot(s.point[1] - t.point[1]) / 1000.0;
        assert!(km + (s.snap_m + t.snap_m) / 1000.0 >= straight);
    }
}
