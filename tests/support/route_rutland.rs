//! Test/example helper for the Rutland routing checks (issue 4): the real
//! Rutland OSM extract as a routing graph, random points in its bounding box
//! snapped onto it with a fixed seed, and random pairs of them. Shared by
//! `tests/route_rutland.rs` and `examples/rutland_pairs.rs`.

#![allow(dead_code)]

use anyhow::Result;
use pcn_atlas::coords::wgs84_to_bng;
use pcn_atlas::rng::SplitMix64 as Rng;
use pcn_atlas::roads::load_roads;
use pcn_atlas::roads::profile::CarProfile;
use pcn_atlas::routing::{
    GraphOptions, GraphReport, RoadGraph, Snap, SnapIndex, SnapOptions, Snapper,
};
use std::path::Path;

/// Oakham town centre (Market Place), WGS84 lon, lat.
pub const OAKHAM: (f64, f64) = (-0.7306, 52.6708);
/// Uppingham town centre, WGS84 lon, lat.
pub const UPPINGHAM: (f64, f64) = (-0.7229, 52.5878);

/// The PBF and the shapefile layer under `shared/data/rutland`.
pub fn rutland_pbf(data: &Path) -> std::path::PathBuf {
    data.join("rutland/rutland-2022-07.osm.pbf")
}
pub fn rutland_shp(data: &Path) -> std::path::PathBuf {
    data.join("rutland/osm-roads-2022/gis_osm_roads_free_1.shp")
}

/// Load a road file with the default car profile and build the graph.
pub fn graph(path: &Path) -> Result<(RoadGraph, GraphReport, CarProfile)> {
    let profile = CarProfile::default();
    let (net, _) = load_roads(path, &profile)?;
    let (g, rep) = RoadGraph::build(&net, &GraphOptions::default());
    Ok((g, rep, profile))
}

pub fn snap_options(p: &CarProfile) -> SnapOptions {
    SnapOptions {
        off_road_kph: p.off_road_kph,
        max_snap_m: p.max_snap_m,
    }
}

/// The bounding box of the graph's nodes (BNG metres): min, max.
pub fn bbox(g: &RoadGraph) -> ([f64; 2], [f64; 2]) {
    let mut lo = [f64::INFINITY; 2];
    let mut hi = [f64::NEG_INFINITY; 2];
    for p in &g.node_xy {
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    }
    (lo, hi)
}

/// Uniform random points in the graph's bounding box (fixed `seed`),
/// snapped, until `n` have snapped (or `20 n` were drawn); those beyond
/// `max_snap_m` are counted (the second value), not returned.
pub fn random_snaps(g: &RoadGraph, opts: SnapOptions, n: usize, seed: u64) -> (Vec<Snap>, usize) {
    let index = SnapIndex::new(g);
    let snapper = Snapper::new(g, &index, opts);
    let (lo, hi) = bbox(g);
    let mut rng = Rng::new(seed);
    let mut snaps = Vec::with_capacity(n);
    let mut unroutable = 0;
    while snaps.len() < n && snaps.len() + unroutable < 20 * n {
        let p = [
            lo[0] + rng.unit() * (hi[0] - lo[0]),
            lo[1] + rng.unit() * (hi[1] - lo[1]),
        ];
        match snapper.snap(p) {
            Some(s) => snaps.push(s),
            None => unroutable += 1,
        }
    }
    (snaps, unroutable)
}

/// `n` random (source, target) index pairs into `0..len` (fixed `seed`).
pub fn random_pairs(len: usize, n: usize, seed: u64) -> Vec<(usize, usize)> {
    let mut rng = Rng::new(seed);
    (0..n).map(|_| (rng.below(len), rng.below(len))).collect()
}

/// A WGS84 point snapped onto `g` (`None` beyond `max_snap_m`).
pub fn snap_lonlat(g: &RoadGraph, opts: SnapOptions, lonlat: (f64, f64)) -> Option<Snap> {
    let p = wgs84_to_bng(lonlat.0, lonlat.1);
    Snapper::new(g, &SnapIndex::new(g), opts).snap([p.x, p.y])
}
