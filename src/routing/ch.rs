//! A contraction hierarchy for fast many-to-many drive-time matrices.
//!
//! Preparation contracts nodes one at a time in order of priority
//! `edge difference + deleted neighbours` (lazy updates), adding a shortcut
//! `u → x` through `v` unless a witness search (a Dijkstra from `u` that
//! avoids `v`, bounded by the shortcut's time and by a settle limit) finds a
//! path no longer. Preparation is single-threaded and breaks ties by node
//! id, so the hierarchy is the same on every run.
//!
//! Queries: upward searches with stall-on-demand. A matrix runs one
//! backward search per target and stores what it settles in per-node
//! buckets, then one forward search per source that scans the buckets of the
//! nodes it settles (Knopp et al. 2007). Searches run in parallel across
//! targets and sources with rayon; all sums are integer milliseconds and a
//! minimum of integers does not depend on order, so results are the same
//! bits whatever the thread count.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use super::UNREACHED_MS;
use super::dijkstra;
use super::graph::RoadGraph;
use super::snap::Snap;

/// Witness searches stop after settling this many nodes (a missed witness
/// only adds a needless shortcut, never a wrong time): fewer when only
/// estimating a priority, more when contracting.
const WITNESS_SETTLE_LIMIT: usize = 500;
const PRIORITY_SETTLE_LIMIT: usize = 40;
const NO_MID: u32 = u32::MAX;

/// A drive-time matrix in seconds, row-major (`sources × targets`),
/// `f64::INFINITY` where unreachable.
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub seconds: Vec<f64>,
}

impl Matrix {
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.seconds[i * self.cols + j]
    }
}

/// A route between two snapped points.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// Total seconds, off-road legs included (equals the matrix entry).
    pub seconds: f64,
    /// Metres along roads (off-road legs excluded: see the snaps' `snap_m`).
    pub metres: f64,
    /// BNG coordinates from the source point, along the roads, to the target point.
    pub coords: Vec<[f64; 2]>,
}

/// One direction of the hierarchy in CSR form over rank ids: edges from
/// each node to higher-ranked nodes.
#[derive(Clone, Debug, Default)]
struct UpGraph {
    first: Vec<u32>,
    other: Vec<u32>,
    weight_ms: Vec<u32>,
}

impl UpGraph {
    fn edges(&self, v: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        let r = self.first[v as usize] as usize..self.first[v as usize + 1] as usize;
        self.other[r.clone()]
            .iter()
            .copied()
            .zip(self.weight_ms[r].iter().copied())
    }
}

/// Preparation statistics.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct PrepareReport {
    pub nodes: usize,
    pub edges: usize,
    pub shortcuts: usize,
}

/// A prepared router over a [`RoadGraph`].
pub struct Router<'g> {
    graph: &'g RoadGraph,
    /// Rank (contraction order) of each graph node.
    rank: Vec<u32>,
    /// Forward upward edges `v → x` (rank x > rank v), indexed by rank.
    up: UpGraph,
    /// Backward upward edges: at `v`, the edges `u → v` with rank u > rank v.
    down: UpGraph,
    pub report: PrepareReport,
}

/// Per-search scratch reused across searches on one thread.
struct Scratch {
    dist: Vec<u64>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(u64, u32)>>,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch {
            dist: vec![UNREACHED_MS; n],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    fn reset(&mut self) {
        for &v in &self.touched {
            self.dist[v as usize] = UNREACHED_MS;
        }
        self.touched.clear();
        self.heap.clear();
    }
}

/// The graph being contracted: adjacency lists of `(other, ms, mid)`.
struct Contraction {
    out: Vec<Vec<(u32, u32, u32)>>,
    inn: Vec<Vec<(u32, u32, u32)>>,
    scratch: Scratch,
    settled: usize,
}

impl Contraction {
    fn add_edge(&mut self, u: u32, x: u32, w: u32, mid: u32) {
        if let Some(e) = self.out[u as usize].iter_mut().find(|e| e.0 == x) {
            if w < e.1 {
                *e = (x, w, mid);
                if let Some(f) = self.inn[x as usize].iter_mut().find(|f| f.0 == u) {
                    *f = (u, w, mid);
                }
            }
            return;
        }
        self.out[u as usize].push((x, w, mid));
        self.inn[x as usize].push((u, w, mid));
    }

    /// Shortcuts needed if `v` were contracted now.
    fn shortcuts(&mut self, v: u32, settle_limit: usize) -> Vec<(u32, u32, u32)> {
        let mut found = Vec::new();
        let ins = self.inn[v as usize].clone();
        let outs = &self.out[v as usize].clone();
        for &(u, wu, _) in &ins {
            let max = outs
                .iter()
                .filter(|o| o.0 != u)
                .map(|o| wu as u64 + o.1 as u64)
                .max();
            let Some(max) = max else { continue };
            self.witness(u, v, max, settle_limit);
            for &(x, wx, _) in outs {
                let d = wu as u64 + wx as u64;
                if x != u && self.scratch.dist[x as usize] > d {
                    found.push((u, x, d.min(u32::MAX as u64 - 1) as u32));
                }
            }
            self.scratch.reset();
        }
        found
    }

    /// Dijkstra from `s` avoiding `skip`, up to `max` ms or the settle limit.
    fn witness(&mut self, s: u32, skip: u32, max: u64, settle_limit: usize) {
        let sc = &mut self.scratch;
        sc.dist[s as usize] = 0;
        sc.touched.push(s);
        sc.heap.push(Reverse((0, s)));
        self.settled = 0;
        while let Some(Reverse((d, v))) = sc.heap.pop() {
            if d > sc.dist[v as usize] {
                continue;
            }
            if d > max || self.settled >= settle_limit {
                break;
            }
            self.settled += 1;
            for &(x, w, _) in &self.out[v as usize] {
                if x == skip {
                    continue;
                }
                let nd = d + w as u64;
                if nd < sc.dist[x as usize] {
                    if sc.dist[x as usize] == UNREACHED_MS {
                        sc.touched.push(x);
                    }
                    sc.dist[x as usize] = nd;
                    sc.heap.push(Reverse((nd, x)));
                }
            }
        }
    }
}

impl<'g> Router<'g> {
    /// Prepare the hierarchy (single-threaded, deterministic).
    pub fn new(graph: &'g RoadGraph) -> Router<'g> {
        let n = graph.node_count();
        let mut c = Contraction {
            out: vec![Vec::new(); n],
            inn: vec![Vec::new(); n],
            scratch: Scratch::new(n),
            settled: 0,
        };
        for e in 0..graph.edge_count() {
            let (u, x) = (graph.tail[e], graph.head[e]);
            if u != x {
                c.add_edge(u, x, graph.weight_ms[e], NO_MID);
            }
        }
        let mut deleted = vec![0i64; n];
        let mut prio = vec![0i64; n];
        let priority = |c: &mut Contraction, deleted: &[i64], v: u32| -> i64 {
            let sc = c.shortcuts(v, PRIORITY_SETTLE_LIMIT).len() as i64;
            let degree = (c.inn[v as usize].len() + c.out[v as usize].len()) as i64;
            sc - degree + deleted[v as usize]
        };
        let mut heap = BinaryHeap::with_capacity(n);
        for v in 0..n as u32 {
            prio[v as usize] = priority(&mut c, &deleted, v);
            heap.push(Reverse((prio[v as usize], v)));
        }
        let mut rank = vec![u32::MAX; n];
        let mut next_rank = 0u32;
        let mut up_lists: Vec<Vec<(u32, u32)>> = vec![Vec::new(); n];
        let mut down_lists: Vec<Vec<(u32, u32)>> = vec![Vec::new(); n];
        let mut shortcuts_added = 0usize;
        while let Some(Reverse((p, v))) = heap.pop() {
            if rank[v as usize] != u32::MAX || p != prio[v as usize] {
                continue;
            }
            let sc = c.shortcuts(v, PRIORITY_SETTLE_LIMIT);
            let degree = (c.inn[v as usize].len() + c.out[v as usize].len()) as i64;
            let np = sc.len() as i64 - degree + deleted[v as usize];
            if let Some(Reverse((top, _))) = heap.peek()
                && np > *top
            {
                prio[v as usize] = np;
                heap.push(Reverse((np, v)));
                continue;
            }
            let sc = c.shortcuts(v, WITNESS_SETTLE_LIMIT);
            rank[v as usize] = next_rank;
            next_rank += 1;
            let outs = std::mem::take(&mut c.out[v as usize]);
            let ins = std::mem::take(&mut c.inn[v as usize]);
            for &(x, w, _) in &outs {
                up_lists[v as usize].push((x, w));
                c.inn[x as usize].retain(|f| f.0 != v);
            }
            for &(u, w, _) in &ins {
                down_lists[v as usize].push((u, w));
                c.out[u as usize].retain(|f| f.0 != v);
            }
            shortcuts_added += sc.len();
            for (u, x, w) in sc {
                c.add_edge(u, x, w, v);
            }
            let mut nbs: Vec<u32> = outs.iter().chain(ins.iter()).map(|e| e.0).collect();
            nbs.sort_unstable();
            nbs.dedup();
            for nb in nbs {
                deleted[nb as usize] += 1;
                prio[nb as usize] = priority(&mut c, &deleted, nb);
                heap.push(Reverse((prio[nb as usize], nb)));
            }
        }
        let to_csr = |lists: &[Vec<(u32, u32)>]| {
            let mut g = UpGraph {
                first: vec![0; n + 1],
                ..UpGraph::default()
            };
            // Rank order, edges sorted by head rank for a stable layout.
            let mut by_rank: Vec<u32> = vec![0; n];
            for v in 0..n {
                by_rank[rank[v] as usize] = v as u32;
            }
            for (r, &v) in by_rank.iter().enumerate() {
                let mut es: Vec<(u32, u32)> = lists[v as usize]
                    .iter()
                    .map(|&(x, w)| (rank[x as usize], w))
                    .collect();
                es.sort_unstable();
                for (x, w) in es {
                    g.other.push(x);
                    g.weight_ms.push(w);
                }
                g.first[r + 1] = g.other.len() as u32;
            }
            g
        };
        let up = to_csr(&up_lists);
        let down = to_csr(&down_lists);
        Router {
            graph,
            rank,
            report: PrepareReport {
                nodes: n,
                edges: graph.edge_count(),
                shortcuts: shortcuts_added,
            },
            up,
            down,
        }
    }

    pub fn graph(&self) -> &RoadGraph {
        self.graph
    }

    /// Upward search from `seeds` (graph node ids) in the forward (`up`) or
    /// backward (`down`) hierarchy; returns the settled `(rank id, ms)`.
    fn upward(
        &self,
        forward: bool,
        seeds: &[(u32, u64)],
        limit_ms: u64,
        sc: &mut Scratch,
    ) -> Vec<(u32, u64)> {
        let (own, other) = if forward {
            (&self.up, &self.down)
        } else {
            (&self.down, &self.up)
        };
        let mut settled = Vec::new();
        for &(v, d) in seeds {
            let r = self.rank[v as usize];
            if d <= limit_ms && d < sc.dist[r as usize] {
                if sc.dist[r as usize] == UNREACHED_MS {
                    sc.touched.push(r);
                }
                sc.dist[r as usize] = d;
                sc.heap.push(Reverse((d, r)));
            }
        }
        while let Some(Reverse((d, v))) = sc.heap.pop() {
            if d > sc.dist[v as usize] {
                continue;
            }
            // Stall on demand: a higher node reaches v faster.
            let stalled = other.edges(v).any(|(u, w)| {
                let du = sc.dist[u as usize];
                du != UNREACHED_MS && du + (w as u64) < d
            });
            if stalled {
                continue;
            }
            settled.push((v, d));
            for (x, w) in own.edges(v) {
                let nd = d + w as u64;
                if nd < sc.dist[x as usize] && nd <= limit_ms {
                    if sc.dist[x as usize] == UNREACHED_MS {
                        sc.touched.push(x);
                    }
                    sc.dist[x as usize] = nd;
                    sc.heap.push(Reverse((nd, x)));
                }
            }
        }
        sc.reset();
        settled
    }

    /// Network milliseconds, row-major `sources × targets`
    /// ([`UNREACHED_MS`] when unreachable or beyond `limit_ms`), off-road
    /// legs excluded.
    pub fn matrix_ms(&self, sources: &[Snap], targets: &[Snap], limit_ms: u64) -> Vec<u64> {
        let g = self.graph;
        let n = g.node_count();
        let back: Vec<Vec<(u32, u64)>> = targets
            .par_iter()
            .map_init(
                || Scratch::new(n),
                |sc, t| self.upward(false, &t.target_seeds(g), limit_ms, sc),
            )
            .collect();
        let mut first = vec![0u32; n + 1];
        for list in &back {
            for &(v, _) in list {
                first[v as usize + 1] += 1;
            }
        }
        for i in 0..n {
            first[i + 1] += first[i];
        }
        let mut fill = first.clone();
        let mut bucket = vec![(0u32, 0u64); first[n] as usize];
        for (t, list) in back.iter().enumerate() {
            for &(v, d) in list {
                bucket[fill[v as usize] as usize] = (t as u32, d);
                fill[v as usize] += 1;
            }
        }
        drop(back);
        // Targets by edge, for the same-edge case.
        let mut on_edge: Vec<(u32, u32)> = targets
            .iter()
            .enumerate()
            .flat_map(|(t, s)| s.anchors.iter().map(move |a| (a.edge, t as u32)))
            .collect();
        on_edge.sort_unstable();
        on_edge.dedup();
        let cols = targets.len();
        let rows: Vec<Vec<u64>> = sources
            .par_iter()
            .map_init(
                || Scratch::new(n),
                |sc, s| {
                    let mut row = vec![UNREACHED_MS; cols];
                    for (v, d) in self.upward(true, &s.source_seeds(g), limit_ms, sc) {
                        let b = first[v as usize] as usize..first[v as usize + 1] as usize;
                        for &(t, d2) in &bucket[b] {
                            let cell = &mut row[t as usize];
                            *cell = (*cell).min(d + d2);
                        }
                    }
                    for a in &s.anchors {
                        let lo = on_edge.partition_point(|&(e, _)| e < a.edge);
                        for &(e, t) in &on_edge[lo..] {
                            if e != a.edge {
                                break;
                            }
                            if let Some(d) = s.same_edge_ms(&targets[t as usize]) {
                                row[t as usize] = row[t as usize].min(d);
                            }
                        }
                    }
                    for cell in &mut row {
                        if *cell > limit_ms {
                            *cell = UNREACHED_MS;
                        }
                    }
                    row
                },
            )
            .collect();
        rows.concat()
    }

    /// Drive-time matrix in seconds (off-road legs included).
    pub fn matrix(&self, sources: &[Snap], targets: &[Snap]) -> Matrix {
        let ms = self.matrix_ms(sources, targets, UNREACHED_MS - 1);
        let cols = targets.len();
        let seconds = ms
            .iter()
            .enumerate()
            .map(|(k, &d)| sources[k / cols.max(1)].total_s(d, &targets[k % cols]))
            .collect();
        Matrix {
            rows: sources.len(),
            cols,
            seconds,
        }
    }

    /// Seconds from `s` to each target, `f64::INFINITY` when unreachable or
    /// longer than `limit_s` (off-road legs included).
    pub fn one_to_many(&self, s: &Snap, targets: &[Snap], limit_s: f64) -> Vec<f64> {
        let limit_ms = dijkstra::limit_to_ms(limit_s - s.off_road_s);
        let ms = self.matrix_ms(std::slice::from_ref(s), targets, limit_ms);
        ms.iter()
            .zip(targets)
            .map(|(&d, t)| {
                let total = s.total_s(d, t);
                if total <= limit_s {
                    total
                } else {
                    f64::INFINITY
                }
            })
            .collect()
    }

    /// The fastest route from `s` to `t` with its geometry along the roads,
    /// or `None` if unreachable. Found by the reference Dijkstra (a single
    /// route is a debug query; its time equals the matrix entry).
    pub fn path(&self, s: &Snap, t: &Snap) -> Option<Path> {
        path(self.graph, s, t)
    }
}

/// The fastest route by plain Dijkstra, with geometry.
pub fn path(g: &RoadGraph, s: &Snap, t: &Snap) -> Option<Path> {
    let seeds = s.source_seeds(g);
    let (dist, pred) = dijkstra::node_times(g, &seeds, UNREACHED_MS);
    let direct = s.same_edge_ms(t);
    // Target seeds with their anchor: (node, ms, anchor, reached at the head).
    let mut tseeds = Vec::new();
    for (i, a) in t.anchors.iter().enumerate() {
        tseeds.push((g.tail[a.edge as usize], a.from_tail_ms as u64, i, false));
        if a.to_head_ms == 0 {
            tseeds.push((g.head[a.edge as usize], 0, i, true));
        }
    }
    let mut best: Option<(u64, usize)> = None;
    for (i, &(v, d, _, _)) in tseeds.iter().enumerate() {
        let dv = dist[v as usize];
        if dv != UNREACHED_MS && best.is_none_or(|(b, _)| dv + d < b) {
            best = Some((dv + d, i));
        }
    }
    let mut coords = vec![s.point, s.on_road];
    let mut metres = 0.0;
    let network_ms;
    match (direct, best) {
        (Some(dm), b) if b.is_none_or(|(bm, _)| dm <= bm) => {
            network_ms = dm;
            let (a, b) = s
                .anchors
                .iter()
                .flat_map(|a| t.anchors.iter().map(move |b| (a, b)))
                .filter(|(a, b)| a.edge == b.edge && a.from_tail_ms <= b.from_tail_ms)
                .min_by_key(|(a, b)| b.from_tail_ms - a.from_tail_ms)?;
            let r = g.geom_range(a.edge);
            coords.extend_from_slice(
                &g.geom_xy[r.start + a.segment as usize + 1..=r.start + b.segment as usize],
            );
            metres += b.from_tail_m - a.from_tail_m;
        }
        (_, Some((bm, ti))) => {
            network_ms = bm;
            let (tv, _, ti, at_head) = tseeds[ti];
            // Edges back from the target node to a seed.
            let mut edges = Vec::new();
            let mut v = tv;
            while pred[v as usize] != u32::MAX {
                let e = pred[v as usize];
                edges.push(e);
                v = g.tail[e as usize];
            }
            edges.reverse();
            // Which source seed started it: a head seed draws the rest of its edge.
            let start_d = dist[v as usize];
            if let Some(a) = s
                .anchors
                .iter()
                .find(|a| g.head[a.edge as usize] == v && a.to_head_ms as u64 == start_d)
            {
                let r = g.geom_range(a.edge);
                coords.extend_from_slice(&g.geom_xy[r.start + a.segment as usize + 1..r.end]);
                metres += g.length_m[a.edge as usize] - a.from_tail_m;
            }
            for &e in &edges {
                let r = g.geom_range(e);
                coords.extend_from_slice(&g.geom_xy[r.start + 1..r.end]);
                metres += g.length_m[e as usize];
            }
            // The target's anchor: a tail seed draws its edge up to the point.
            if !at_head {
                let a = &t.anchors[ti];
                let r = g.geom_range(a.edge);
                coords.extend_from_slice(&g.geom_xy[r.start + 1..=r.start + a.segment as usize]);
                metres += a.from_tail_m;
            }
        }
        _ => return None,
    }
    coords.push(t.on_road);
    coords.push(t.point);
    coords.dedup();
    Some(Path {
        seconds: s.total_s(network_ms, t),
        metres,
        coords,
    })
}
