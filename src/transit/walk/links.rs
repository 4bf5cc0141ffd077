//! The walking times the journey planner needs, between stops, origins
//! (area centroids) and destinations (practices, hubs): one bounded
//! Dijkstra per origin (to stops and destinations) and one per stop (to
//! other stops and destinations) on the walking graph; in straight-line mode
//! an R-tree search per point. Parallel over points, each list sorted by
//! index, so the answer is the same whatever the thread count.
//!
//! A walk's time is the off-road leg to the way at walking speed, the
//! network time, and the off-road leg from the way, exactly as
//! [`crate::routing::dijkstra::point_to_point`] times it, rounded to whole
//! seconds; limits are compared before rounding.

use super::{WalkNetwork, WalkOptions};
use crate::routing::dijkstra::{limit_to_ms, network_ms_to, node_times};
use crate::routing::{RoadGraph, Snap, SnapOptions, Snapper};
use crate::transit::Secs;
use rayon::prelude::*;
use rstar::RTree;
use rstar::primitives::GeomWithData;
use serde::Serialize;

/// Walks found, each list `(index, seconds)` sorted by index.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct WalkLinks {
    /// Per stop: the other stops within `max_transfer_m` walked.
    pub transfers: Vec<Vec<(u32, Secs)>>,
    /// Per origin: the stops within `max_walk_min`.
    pub access: Vec<Vec<(u32, Secs)>>,
    /// Per destination: the stops within `max_walk_min`, walking from the
    /// stop to the destination.
    pub egress: Vec<Vec<(u32, Secs)>>,
    /// Per origin: the destinations within `direct_max_min` on foot.
    pub direct: Vec<Vec<(u32, Secs)>>,
    pub unsnapped: Unsnapped,
}

/// Points further than `max_snap_m` from every walkable way (or not finite):
/// `(index, metres to the nearest way)`, infinite when there is none. They
/// have no walks at all.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Unsnapped {
    pub stops: Vec<(u32, f64)>,
    pub origins: Vec<(u32, f64)>,
    pub destinations: Vec<(u32, f64)>,
}

impl Unsnapped {
    /// How many points are unsnapped, of all three kinds.
    pub fn count(&self) -> usize {
        self.stops.len() + self.origins.len() + self.destinations.len()
    }
}

/// The limits in seconds.
#[derive(Clone, Copy)]
struct Limits {
    walk_s: f64,
    transfer_s: f64,
    direct_s: f64,
}

impl Limits {
    fn new(opts: &WalkOptions, speed_mps: f64) -> Limits {
        Limits {
            walk_s: opts.max_walk_min * 60.0,
            transfer_s: opts.max_transfer_m / speed_mps,
            direct_s: opts.direct_max_min * 60.0,
        }
    }
}

/// Whole seconds of a walk time.
fn secs(s: f64) -> Secs {
    s.round().min(Secs::MAX as f64 - 1.0) as Secs
}

/// Walking times between stops, origins and destinations (BNG metres). The
/// speed and detour are the network's; the limits and `max_snap_m` are
/// `opts`'.
pub fn walk_links(
    walk: &WalkNetwork,
    stops: &[[f64; 2]],
    origins: &[[f64; 2]],
    destinations: &[[f64; 2]],
    opts: &WalkOptions,
) -> WalkLinks {
    let lim = Limits::new(opts, walk.options.speed_mps());
    match walk.graph() {
        Some((g, index)) => {
            let snap_options = SnapOptions {
                off_road_kph: walk.options.speed_kph,
                max_snap_m: opts.max_snap_m,
            };
            let snapper = Snapper::new(g, index, snap_options);
            on_graph(g, &snapper, [stops, origins, destinations], lim)
        }
        None => {
            let m_per_s = walk.options.speed_mps() / walk.options.detour;
            straight(m_per_s, [stops, origins, destinations], lim)
        }
    }
}

/// Snap every point (in parallel); the unsnapped with their distance.
fn snap_all(snapper: &Snapper<'_>, points: &[[f64; 2]]) -> (Vec<Option<Snap>>, Vec<(u32, f64)>) {
    let all: Vec<(Option<Snap>, f64)> = points
        .par_iter()
        .map(|&p| match snapper.nearest(p) {
            Some(s) if s.snap_m <= snapper.options.max_snap_m => (Some(s), 0.0),
            Some(s) => (None, s.snap_m),
            None => (None, f64::INFINITY),
        })
        .collect();
    let unsnapped = all
        .iter()
        .enumerate()
        .filter(|(_, (s, _))| s.is_none())
        .map(|(i, (_, d))| (i as u32, *d))
        .collect();
    (all.into_iter().map(|(s, _)| s).collect(), unsnapped)
}

/// The targets within `limit_s` of `s` (excluding `skip`), given the node
/// times `dist` of a search from `s` that went at least that far.
fn reached(
    g: &RoadGraph,
    s: &Snap,
    dist: &[u64],
    targets: &[Option<Snap>],
    limit_s: f64,
    skip: Option<usize>,
) -> Vec<(u32, Secs)> {
    let mut out = Vec::new();
    for (j, t) in targets.iter().enumerate() {
        let Some(t) = t else { continue };
        if Some(j) == skip {
            continue;
        }
        let total = s.total_s(network_ms_to(g, s, dist, t), t);
        if total <= limit_s {
            out.push((j as u32, secs(total)));
        }
    }
    out
}

/// Node times from `s` up to `limit_s` in all (off-road legs included).
fn search(g: &RoadGraph, s: &Snap, limit_s: f64) -> Vec<u64> {
    node_times(g, &s.source_seeds(g), limit_to_ms(limit_s - s.off_road_s)).0
}

/// The walks on the walking graph.
fn on_graph(
    g: &RoadGraph,
    snapper: &Snapper<'_>,
    [stops, origins, dests]: [&[[f64; 2]]; 3],
    lim: Limits,
) -> WalkLinks {
    let (stop_snaps, stops_out) = snap_all(snapper, stops);
    let (origin_snaps, origins_out) = snap_all(snapper, origins);
    let (dest_snaps, dests_out) = snap_all(snapper, dests);
    let (access, direct): (Vec<_>, Vec<_>) = origin_snaps
        .par_iter()
        .map(|o| match o {
            None => (Vec::new(), Vec::new()),
            Some(o) => {
                let dist = search(g, o, lim.walk_s.max(lim.direct_s));
                (
                    reached(g, o, &dist, &stop_snaps, lim.walk_s, None),
                    reached(g, o, &dist, &dest_snaps, lim.direct_s, None),
                )
            }
        })
        .unzip();
    let (transfers, from_stops): (Vec<_>, Vec<_>) = stop_snaps
        .par_iter()
        .enumerate()
        .map(|(i, s)| match s {
            None => (Vec::new(), Vec::new()),
            Some(s) => {
                let dist = search(g, s, lim.walk_s.max(lim.transfer_s));
                (
                    reached(g, s, &dist, &stop_snaps, lim.transfer_s, Some(i)),
                    reached(g, s, &dist, &dest_snaps, lim.walk_s, None),
                )
            }
        })
        .unzip();
    WalkLinks {
        transfers,
        access,
        egress: invert(&from_stops, dests.len()),
        direct,
        unsnapped: Unsnapped {
            stops: stops_out,
            origins: origins_out,
            destinations: dests_out,
        },
    }
}

/// Per stop, the destinations → per destination, the stops (sorted by
/// stop index, since stops are visited in order).
fn invert(from_stops: &[Vec<(u32, Secs)>], n: usize) -> Vec<Vec<(u32, Secs)>> {
    let mut out = vec![Vec::new(); n];
    for (i, list) in from_stops.iter().enumerate() {
        for &(d, t) in list {
            out[d as usize].push((i as u32, t));
        }
    }
    out
}

type Indexed = GeomWithData<[f64; 2], u32>;

fn finite(p: &[f64; 2]) -> bool {
    p.iter().all(|c| c.is_finite())
}

/// An R-tree of the finite points, by index.
fn tree(points: &[[f64; 2]]) -> RTree<Indexed> {
    let items = points
        .iter()
        .enumerate()
        .filter(|(_, p)| finite(p))
        .map(|(i, &p)| GeomWithData::new(p, i as u32))
        .collect();
    RTree::bulk_load(items)
}

/// The points that are not finite: unsnapped, at no distance from anything.
fn not_finite(points: &[[f64; 2]]) -> Vec<(u32, f64)> {
    points
        .iter()
        .enumerate()
        .filter(|(_, p)| !finite(p))
        .map(|(i, _)| (i as u32, f64::INFINITY))
        .collect()
}

/// The points of `tree` within `limit_s` of `p` at `m_per_s` (excluding
/// `skip`), sorted by index.
fn near(
    tree: &RTree<Indexed>,
    p: [f64; 2],
    m_per_s: f64,
    limit_s: f64,
    skip: Option<u32>,
) -> Vec<(u32, Secs)> {
    if !finite(&p) {
        return Vec::new();
    }
    let r = limit_s * m_per_s;
    let mut out: Vec<(u32, Secs)> = tree
        .locate_within_distance(p, r * r)
        .filter(|q| Some(q.data) != skip)
        .filter_map(|q| {
            let (x, y) = (q.geom()[0] - p[0], q.geom()[1] - p[1]);
            let s = x.hypot(y) / m_per_s;
            (s <= limit_s).then(|| (q.data, secs(s)))
        })
        .collect();
    out.sort_unstable();
    out
}

/// The walks in straight-line mode, at `m_per_s` of straight-line distance.
fn straight(m_per_s: f64, [stops, origins, dests]: [&[[f64; 2]]; 3], lim: Limits) -> WalkLinks {
    let (stop_tree, dest_tree) = (tree(stops), tree(dests));
    let transfers = stops
        .par_iter()
        .enumerate()
        .map(|(i, &p)| near(&stop_tree, p, m_per_s, lim.transfer_s, Some(i as u32)))
        .collect();
    let access = origins
        .par_iter()
        .map(|&p| near(&stop_tree, p, m_per_s, lim.walk_s, None))
        .collect();
    let direct = origins
        .par_iter()
        .map(|&p| near(&dest_tree, p, m_per_s, lim.direct_s, None))
        .collect();
    let egress = dests
        .par_iter()
        .map(|&p| near(&stop_tree, p, m_per_s, lim.walk_s, None))
        .collect();
    WalkLinks {
        transfers,
        access,
        egress,
        direct,
        unsnapped: Unsnapped {
            stops: not_finite(stops),
            origins: not_finite(origins),
            destinations: not_finite(dests),
        },
    }
}
