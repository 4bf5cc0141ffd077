//! The reference: a plain binary-heap Dijkstra on the [`RoadGraph`], in
//! integer milliseconds. Everything fast is checked against it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::UNREACHED_MS;
use super::graph::RoadGraph;
use super::snap::Snap;

/// Shortest times from the seeds `(node, ms)` to every node, stopping once
/// the next node is further than `limit_ms` (nodes beyond stay
/// [`UNREACHED_MS`]). Also returns each reached node's incoming edge on a
/// shortest path (`u32::MAX` for seeds and unreached nodes).
pub fn node_times(g: &RoadGraph, seeds: &[(u32, u64)], limit_ms: u64) -> (Vec<u64>, Vec<u32>) {
    let n = g.node_count();
    let mut dist = vec![UNREACHED_MS; n];
    let mut pred = vec![u32::MAX; n];
    let mut heap = BinaryHeap::new();
    for &(v, d) in seeds {
        if d < dist[v as usize] && d <= limit_ms {
            dist[v as usize] = d;
            heap.push(Reverse((d, v)));
        }
    }
    while let Some(Reverse((d, v))) = heap.pop() {
        if d > dist[v as usize] {
            continue;
        }
        for e in g.out_edges(v) {
            let w = g.head[e];
            let nd = d + g.weight_ms[e] as u64;
            if nd < dist[w as usize] && nd <= limit_ms {
                dist[w as usize] = nd;
                pred[w as usize] = e as u32;
                heap.push(Reverse((nd, w)));
            }
        }
    }
    (dist, pred)
}

/// Network milliseconds to `target` given node times from a source
/// (`dist`), including the same-edge case.
pub fn network_ms_to(g: &RoadGraph, source: &Snap, dist: &[u64], target: &Snap) -> u64 {
    let mut best = source.same_edge_ms(target).unwrap_or(UNREACHED_MS);
    for (v, d) in target.target_seeds(g) {
        let dv = dist[v as usize];
        if dv != UNREACHED_MS {
            best = best.min(dv + d);
        }
    }
    best
}

/// Seconds from `s` to `t` (off-road legs included), or `None` if unreachable.
pub fn point_to_point(g: &RoadGraph, s: &Snap, t: &Snap) -> Option<f64> {
    let (dist, _) = node_times(g, &s.source_seeds(g), UNREACHED_MS);
    let ms = network_ms_to(g, s, &dist, t);
    (ms != UNREACHED_MS).then(|| s.total_s(ms, t))
}

/// Milliseconds from `s` to every node (no off-road leg).
pub fn one_to_all(g: &RoadGraph, s: &Snap) -> Vec<u64> {
    node_times(g, &s.source_seeds(g), UNREACHED_MS).0
}

/// Seconds from `s` to each target, `f64::INFINITY` when unreachable or
/// longer than `limit_s` (off-road legs included).
pub fn one_to_many(g: &RoadGraph, s: &Snap, targets: &[Snap], limit_s: f64) -> Vec<f64> {
    let limit_ms = limit_to_ms(limit_s - s.off_road_s);
    let (dist, _) = node_times(g, &s.source_seeds(g), limit_ms);
    targets
        .iter()
        .map(|t| {
            let total = s.total_s(network_ms_to(g, s, &dist, t), t);
            if total <= limit_s {
                total
            } else {
                f64::INFINITY
            }
        })
        .collect()
}

/// A time limit in seconds as a millisecond search bound (rounded up so
/// nothing within the limit is cut off).
pub fn limit_to_ms(limit_s: f64) -> u64 {
    if limit_s.is_nan() || limit_s < 0.0 {
        0
    } else if limit_s >= 1e15 {
        UNREACHED_MS - 1
    } else {
        (limit_s * 1000.0).ceil() as u64
    }
}
