//! The walking network of the Isle of Wight (OSM 2015) with the bus stops of
//! the 2018 Southern Vectis feed (its `stops.txt` read here with a few lines
//! of CSV, not the GTFS loader), the island's LSOA 2011 population-weighted
//! centroids as origins and every 25th stop as a destination.

mod common;

use pcn_atlas::coords::wgs84_to_bng;
use pcn_atlas::transit::walk::{WalkNetwork, WalkOptions, walk_links};
use std::path::Path;
use std::time::Instant;

/// The fields of one line of a CSV whose fields may be quoted (no quotes
/// or line breaks inside a field).
fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// Stops (BNG) of a GTFS `stops.txt`.
fn gtfs_stops(path: &Path) -> Vec<[f64; 2]> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let head = fields(lines.next().unwrap());
    let col = |n: &str| {
        head.iter()
            .position(|h| h.trim_start_matches('\u{feff}') == n)
            .unwrap()
    };
    let (lon, lat) = (col("stop_lon"), col("stop_lat"));
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f = fields(l);
            let b = wgs84_to_bng(f[lon].parse().unwrap(), f[lat].parse().unwrap());
            [b.x, b.y]
        })
        .collect()
}

/// The Isle of Wight's LSOA 2011 population-weighted centroids (BNG).
fn iow_centroids(path: &Path) -> Vec<[f64; 2]> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f.len() >= 5 && f[4].starts_with("Isle of Wight"))
        .map(|f| {
            let b = wgs84_to_bng(f[0].parse().unwrap(), f[1].parse().unwrap());
            [b.x, b.y]
        })
        .collect()
}

#[test]
fn isle_of_wight_walking() {
    let Some(data) = common::shared_data("isle_of_wight_walking") else {
        return;
    };
    let opts = WalkOptions::default();
    let t = Instant::now();
    let (walk, rep) =
        WalkNetwork::from_roads(&data.join("iow/isle-of-wight-2015-01.osm.pbf"), &opts).unwrap();
    let load_s = t.elapsed().as_secs_f64();
    let roads = rep.roads.as_ref().unwrap();
    let g = rep.graph.as_ref().unwrap();
    eprintln!(
        "IoW foot network: {} ways read, {} kept, excluded {:?}, km {:?} (total {}), graph {} nodes {} edges, {} components, discarded {} nodes; load {load_s:.2} s",
        roads.ways_read,
        roads.ways_kept,
        roads.excluded,
        roads.km_by_class,
        roads.total_km,
        rep.nodes,
        rep.edges,
        g.components,
        g.discarded_nodes
    );
    let walk_counts: Vec<_> = roads
        .counts
        .iter()
        .filter(|(k, _)| k.starts_with("highway_not_for_walking") || k.starts_with("ferry"))
        .collect();
    eprintln!("counts {walk_counts:?}");
    let stops = gtfs_stops(&data.join("iow/gtfs-southern-vectis-2018/stops.txt"));
    let origins = iow_centroids(&data.join("england/lsoa11_population_weighted_centroids.csv"));
    let dests: Vec<[f64; 2]> = stops.iter().step_by(25).copied().collect();
    let t = Instant::now();
    let l = walk_links(&walk, &stops, &origins, &dests, &opts);
    let links_s = t.elapsed().as_secs_f64();
    let n = |v: &Vec<Vec<(u32, u32)>>| v.iter().map(Vec::len).sum::<usize>();
    eprintln!(
        "{} stops ({} unsnapped: {:?}), {} origins ({} unsnapped), {} destinations; transfers {}, stops with a transfer {}, access {}, origins with no stop {}, egress {}, direct {}; links {links_s:.2} s",
        stops.len(),
        l.unsnapped.stops.len(),
        l.unsnapped.stops,
        origins.len(),
        l.unsnapped.origins.len(),
        dests.len(),
        n(&l.transfers),
        l.transfers.iter().filter(|t| !t.is_empty()).count(),
        n(&l.access),
        l.access.iter().filter(|a| a.is_empty()).count(),
        n(&l.egress),
        n(&l.direct),
    );
    assert_eq!(rep.mode, "osm");
    // Verified figures of this file and feed.
    assert_eq!((roads.ways_read, roads.ways_kept), (9227, 8835));
    let want = [
        ("access", 332),
        ("area", 11),
        ("foot_no", 21),
        ("not_foot_class", 28),
    ];
    assert_eq!(roads.excluded, want.map(|(k, v)| (k.to_string(), v)).into());
    assert_eq!((rep.nodes, rep.edges), (10_779, 28_586));
    assert!((roads.km_by_class["other"] - 889.347).abs() < 1e-9);
    // The six stops on the mainland (Lymington, Sway, New Milton)
    // are over a kilometre from any way of the island's file.
    assert_eq!((stops.len(), origins.len(), dests.len()), (315, 89, 13));
    let out: Vec<u32> = l.unsnapped.stops.iter().map(|s| s.0).collect();
    assert_eq!(out, (258..=263).collect::<Vec<u32>>());
    assert!(l.unsnapped.stops.iter().all(|s| s.1 > 1000.0));
    assert_eq!(l.unsnapped.count(), 6);
    assert_eq!(n(&l.transfers), 1350);
    assert_eq!(n(&l.access), 1116);
    assert_eq!(n(&l.egress), 330);
    assert_eq!(n(&l.direct), 332);
    // The 2018 feed is a subset: 42 of the 89 centroids have no stop within
    // 20 minutes; the nearest stop of each is over 900 m away in a straight line.
    let nearest = |p: [f64; 2]| {
        stops
            .iter()
            .map(|s| (s[0] - p[0]).hypot(s[1] - p[1]))
            .fold(f64::INFINITY, f64::min)
    };
    let none: Vec<usize> = (0..origins.len())
        .filter(|&i| l.access[i].is_empty())
        .collect();
    assert_eq!(none.len(), 42);
    assert!(none.iter().all(|&i| nearest(origins[i]) > 900.0));
    // No walk is faster than the straight line at walking speed.
    for (i, a) in l.access.iter().enumerate() {
        for &(j, t) in a {
            let s = stops[j as usize];
            let straight = (s[0] - origins[i][0]).hypot(s[1] - origins[i][1]) / opts.speed_mps();
            assert!(t as f64 + 0.5 >= straight, "origin {i} stop {j}: {t} s");
        }
    }
    // The straight-line stand-in (detour 1.3) finds about as many access
    // walks: 1129 against 1116.
    let sl = walk_links(
        &WalkNetwork::straight_line(&opts),
        &stops,
        &origins,
        &dests,
        &opts,
    );
    eprintln!(
        "straight line: access {}, transfers {}, egress {}, direct {}",
        n(&sl.access),
        n(&sl.transfers),
        n(&sl.egress),
        n(&sl.direct)
    );
    assert_eq!(n(&sl.access), 1129);
}
