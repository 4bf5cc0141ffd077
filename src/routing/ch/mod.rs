//! A contraction hierarchy for fast many-to-many drive-time matrices.
//!
//! Preparation ([`prepare`], on the graph being contracted in
//! [`contraction`]) contracts nodes in order of priority `edge difference +
//! deleted neighbours` (ties to the lower id), adding a shortcut `u → x`
//! through a node `v` unless a witness search (a Dijkstra from `u` that
//! avoids `v`, bounded by the shortcut's time and by a settle limit) finds
//! a path no longer: one node at a time with lazy updates by default, or in
//! rounds of independent nodes contracted in parallel (measured: a worse
//! hierarchy, so not the default). Either way results are gathered in
//! order, so the hierarchy is the same whatever the thread count.
//!
//! Queries: upward searches with stall-on-demand. A matrix runs one
//! backward search per target and stores what it settles in per-node
//! buckets, then one forward search per source that scans the buckets of the
//! nodes it settles (Knopp et al. 2007). Searches run in parallel across
//! targets and sources with rayon; all sums are integer milliseconds and a
//! minimum of integers does not depend on order, so results are the same
//! bits whatever the thread count.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::Range;

use rayon::prelude::*;

mod contraction;
mod prepare;

pub(super) use prepare::check_rounds;

use super::UNREACHED_MS;
use super::dijkstra;
use super::graph::RoadGraph;
use super::snap::Snap;

pub(super) const NO_MID: u32 = u32::MAX;

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
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct UpGraph {
    pub(super) first: Vec<u32>,
    pub(super) other: Vec<u32>,
    pub(super) weight_ms: Vec<u32>,
    /// The contracted node a shortcut bridges (graph id), or `NO_MID`.
    pub(super) mid: Vec<u32>,
}

impl UpGraph {
    /// An empty graph ready for [`UpGraph::push_node`].
    fn started() -> UpGraph {
        UpGraph {
            first: vec![0],
            ..UpGraph::default()
        }
    }

    /// The edges of the next node in rank order, as `(other, ms, mid)`
    /// with `other` a graph id.
    fn push_node(&mut self, edges: &[(u32, u32, u32)]) {
        for &(x, w, mid) in edges {
            self.other.push(x);
            self.weight_ms.push(w);
            self.mid.push(mid);
        }
        self.first.push(self.other.len() as u32);
    }

    /// Once every node is pushed: other ends from graph ids to ranks, and
    /// each node's edges sorted by them (for [`UpGraph::find`]).
    fn by_rank(&mut self, rank: &[u32]) {
        let mut es: Vec<(u32, u32, u32)> = Vec::new();
        for r in 0..self.first.len() - 1 {
            let range = self.first[r] as usize..self.first[r + 1] as usize;
            es.clear();
            es.extend(
                range
                    .clone()
                    .map(|i| (rank[self.other[i] as usize], self.weight_ms[i], self.mid[i])),
            );
            es.sort_unstable();
            for (i, &(x, w, mid)) in range.zip(&es) {
                (self.other[i], self.weight_ms[i], self.mid[i]) = (x, w, mid);
            }
        }
        self.other.shrink_to_fit();
        self.weight_ms.shrink_to_fit();
        self.mid.shrink_to_fit();
    }

    fn edges(&self, v: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        let r = self.first[v as usize] as usize..self.first[v as usize + 1] as usize;
        self.other[r.clone()]
            .iter()
            .copied()
            .zip(self.weight_ms[r].iter().copied())
    }

    /// Weight and middle node of the edge between `v` and `other` (rank ids).
    fn find(&self, v: u32, other: u32) -> Option<(u32, u32)> {
        let r = self.first[v as usize] as usize..self.first[v as usize + 1] as usize;
        let i = r.start + self.other[r].binary_search(&other).ok()?;
        Some((self.weight_ms[i], self.mid[i]))
    }
}

/// Preparation statistics.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct PrepareReport {
    pub nodes: usize,
    pub edges: usize,
    pub shortcuts: usize,
}

/// A contraction hierarchy prepared on one [`RoadGraph`]: owned, it keeps
/// no borrow of the graph (queries go through a [`Router`], a view of the
/// two together), so it can be built once, kept, reused and cached.
#[derive(Clone, Debug, Default)]
pub struct Hierarchy {
    /// Rank (contraction order) of each graph node, and the inverse.
    pub(super) rank: Vec<u32>,
    pub(super) node_of_rank: Vec<u32>,
    /// Forward upward edges `v → x` (rank x > rank v), indexed by rank.
    pub(super) up: UpGraph,
    /// Backward upward edges: at `v`, the edges `u → v` with rank u > rank v.
    pub(super) down: UpGraph,
    /// The first rank of each round of preparation: the nodes of a round
    /// were contracted together, none a neighbour of another. Empty when
    /// unknown (contracted one node at a time).
    pub(super) rounds: Vec<u32>,
    pub report: PrepareReport,
}

/// A prepared router: a graph and the hierarchy prepared on it, borrowed
/// together (two references, cheap to copy).
#[derive(Clone, Copy)]
pub struct Router<'a> {
    graph: &'a RoadGraph,
    ch: &'a Hierarchy,
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

    /// Run `f` with this thread's query scratch, sized for `n` nodes:
    /// allocated once per thread and grown when a bigger graph comes, not
    /// once per query (a per-network matrix is tiny beside the
    /// node-sized arrays, so allocating them per query cost more than the
    /// searches). Every search leaves it reset.
    fn with<R>(n: usize, f: impl FnOnce(&mut Scratch) -> R) -> R {
        thread_local! {
            static QUERY: RefCell<Scratch> = RefCell::new(Scratch::new(0));
        }
        QUERY.with(|cell| match cell.try_borrow_mut() {
            Ok(mut sc) => {
                if sc.dist.len() < n {
                    sc.dist.resize(n, UNREACHED_MS);
                }
                f(&mut sc)
            }
            // Not reached (queries do not nest), but never wrong.
            Err(_) => f(&mut Scratch::new(n)),
        })
    }
}

/// Backward search spaces of a many-to-many query: for each node (rank
/// id) the `(target, ms)` pairs that reach it, grouped by node, and the
/// targets by edge.
struct Buckets {
    index: BucketIndex,
    bucket: Vec<(u32, u64)>,
    on_edge: Vec<(u32, u32)>,
}

/// Where a node's pairs are in `Buckets::bucket`.
enum BucketIndex {
    /// CSR over every node: for matrices whose buckets cover much of the
    /// graph (the accessibility matrix).
    Dense(Vec<u32>),
    /// The nodes that have pairs, sorted, and where each one's start: for
    /// the small matrices of one network, so a query costs what it
    /// touches, not the size of the graph.
    Sparse { nodes: Vec<u32>, first: Vec<u32> },
}

/// Below one bucket entry per this many graph nodes the index is sparse.
const SPARSE_BUCKETS_PER_NODE: usize = 8;

impl Buckets {
    /// Group the backward searches' `(node, ms)` lists, one per target, by node.
    fn group(n: usize, back: &[Vec<(u32, u64)>]) -> (BucketIndex, Vec<(u32, u64)>) {
        let total: usize = back.iter().map(Vec::len).sum();
        if total * SPARSE_BUCKETS_PER_NODE >= n {
            Self::group_dense(n, back)
        } else {
            Self::group_sparse(back)
        }
    }

    fn group_dense(n: usize, back: &[Vec<(u32, u64)>]) -> (BucketIndex, Vec<(u32, u64)>) {
        let total: usize = back.iter().map(Vec::len).sum();
        let mut first = vec![0u32; n + 1];
        for &(v, _) in back.iter().flatten() {
            first[v as usize + 1] += 1;
        }
        for i in 0..n {
            first[i + 1] += first[i];
        }
        let mut fill = first.clone();
        let mut bucket = vec![(0u32, 0u64); total];
        for (t, list) in back.iter().enumerate() {
            for &(v, d) in list {
                bucket[fill[v as usize] as usize] = (t as u32, d);
                fill[v as usize] += 1;
            }
        }
        (BucketIndex::Dense(first), bucket)
    }

    fn group_sparse(back: &[Vec<(u32, u64)>]) -> (BucketIndex, Vec<(u32, u64)>) {
        let total: usize = back.iter().map(Vec::len).sum();
        let mut all: Vec<(u32, u32, u64)> = Vec::with_capacity(total);
        for (t, list) in back.iter().enumerate() {
            all.extend(list.iter().map(|&(v, d)| (v, t as u32, d)));
        }
        // Within a node, pairs keep target order (as the dense index has them).
        all.sort_unstable_by_key(|&(v, t, _)| (v, t));
        let (mut nodes, mut first) = (Vec::new(), Vec::new());
        for (i, &(v, _, _)) in all.iter().enumerate() {
            if nodes.last() != Some(&v) {
                nodes.push(v);
                first.push(i as u32);
            }
        }
        first.push(all.len() as u32);
        let bucket = all.into_iter().map(|(_, t, d)| (t, d)).collect();
        (BucketIndex::Sparse { nodes, first }, bucket)
    }

    /// The `(target, ms)` pairs at node `v` (rank id).
    fn at(&self, v: u32) -> &[(u32, u64)] {
        let r: Range<usize> = match &self.index {
            BucketIndex::Dense(first) => first[v as usize] as usize..first[v as usize + 1] as usize,
            BucketIndex::Sparse { nodes, first } => match nodes.binary_search(&v) {
                Ok(i) => first[i] as usize..first[i + 1] as usize,
                Err(_) => 0..0,
            },
        };
        &self.bucket[r]
    }
}

impl Hierarchy {
    /// The contraction order: graph node ids, first contracted first.
    pub fn order(&self) -> &[u32] {
        &self.node_of_rank
    }

    /// The first rank of each round of preparation (empty when unknown).
    pub fn rounds(&self) -> &[u32] {
        &self.rounds
    }

    pub fn node_count(&self) -> usize {
        self.rank.len()
    }
}

impl<'a> Router<'a> {
    /// The view of `graph` and the hierarchy prepared on it.
    pub fn new(graph: &'a RoadGraph, ch: &'a Hierarchy) -> Router<'a> {
        debug_assert_eq!(
            graph.node_count(),
            ch.node_count(),
            "hierarchy of another graph"
        );
        Router { graph, ch }
    }

    pub fn graph(&self) -> &'a RoadGraph {
        self.graph
    }

    /// The preparation's statistics.
    pub fn report(&self) -> &'a PrepareReport {
        &self.ch.report
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
            (&self.ch.up, &self.ch.down)
        } else {
            (&self.ch.down, &self.ch.up)
        };
        let mut settled = Vec::new();
        for &(v, d) in seeds {
            let r = self.ch.rank[v as usize];
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
        let b = self.buckets(targets, limit_ms);
        let n = self.graph.node_count();
        let rows: Vec<Vec<u64>> = sources
            .par_iter()
            .map(|s| Scratch::with(n, |sc| self.bucket_row(&b, s, targets, limit_ms, sc)))
            .collect();
        rows.concat()
    }

    /// Sparse form of [`Router::matrix_ms`] for large matrices with a
    /// cut-off: for each source, the `(target index, network ms)` pairs
    /// within `limit_ms`, in target order. Memory grows with the pairs
    /// found, not with `sources × targets`.
    pub fn sparse_matrix_ms(
        &self,
        sources: &[Snap],
        targets: &[Snap],
        limit_ms: u64,
    ) -> Vec<Vec<(u32, u64)>> {
        let mut rows = Vec::with_capacity(sources.len());
        self.sparse_rows_ms(sources, targets, limit_ms, sources.len().max(1), |r| {
            rows.push(r)
        });
        rows
    }

    /// [`Router::sparse_matrix_ms`], handing each source's row to `sink`
    /// in source order instead of collecting them all: the backward
    /// searches run once, the forward ones `chunk` sources at a time, so
    /// at most `chunk` rows are held at once (nationally the rows hold
    /// tens of millions of pairs).
    pub fn sparse_rows_ms(
        &self,
        sources: &[Snap],
        targets: &[Snap],
        limit_ms: u64,
        chunk: usize,
        mut sink: impl FnMut(Vec<(u32, u64)>),
    ) {
        let b = self.buckets(targets, limit_ms);
        let n = self.graph.node_count();
        for part in sources.chunks(chunk.max(1)) {
            let rows: Vec<Vec<(u32, u64)>> = part
                .par_iter()
                .map(|s| {
                    let row = Scratch::with(n, |sc| self.bucket_row(&b, s, targets, limit_ms, sc));
                    row.iter()
                        .enumerate()
                        .filter(|&(_, &d)| d != UNREACHED_MS)
                        .map(|(t, &d)| (t as u32, d))
                        .collect()
                })
                .collect();
            rows.into_iter().for_each(&mut sink);
        }
    }

    /// The backward half of a many-to-many query: one upward search per
    /// target, what each settles stored in per-node buckets.
    fn buckets(&self, targets: &[Snap], limit_ms: u64) -> Buckets {
        let g = self.graph;
        let n = g.node_count();
        let back: Vec<Vec<(u32, u64)>> = targets
            .par_iter()
            .map(|t| Scratch::with(n, |sc| self.upward(false, &t.target_seeds(g), limit_ms, sc)))
            .collect();
        let (index, bucket) = Buckets::group(n, &back);
        drop(back);
        // Targets by edge, for the same-edge case.
        let mut on_edge: Vec<(u32, u32)> = targets
            .iter()
            .enumerate()
            .flat_map(|(t, s)| s.anchors.iter().map(move |a| (a.edge, t as u32)))
            .collect();
        on_edge.sort_unstable();
        on_edge.dedup();
        Buckets {
            index,
            bucket,
            on_edge,
        }
    }

    /// The forward half for one source: network ms to every target
    /// ([`UNREACHED_MS`] beyond `limit_ms`).
    fn bucket_row(
        &self,
        b: &Buckets,
        s: &Snap,
        targets: &[Snap],
        limit_ms: u64,
        sc: &mut Scratch,
    ) -> Vec<u64> {
        let mut row = vec![UNREACHED_MS; targets.len()];
        for (v, d) in self.upward(true, &s.source_seeds(self.graph), limit_ms, sc) {
            for &(t, d2) in b.at(v) {
                let cell = &mut row[t as usize];
                *cell = (*cell).min(d + d2);
            }
        }
        for a in &s.anchors {
            let lo = b.on_edge.partition_point(|&(e, _)| e < a.edge);
            for &(e, t) in &b.on_edge[lo..] {
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
    /// or `None` if unreachable: a bidirectional upward search, its
    /// shortcuts unpacked to the original edges. Its time equals the matrix
    /// entry.
    pub fn path(&self, s: &Snap, t: &Snap) -> Option<Path> {
        let g = self.graph;
        let fwd = self.search_with_parents(true, &s.source_seeds(g));
        let bwd = self.search_with_parents(false, &t.target_seeds(g));
        let meet = fwd
            .iter()
            .filter_map(|(&v, f)| bwd.get(&v).map(|b| (f.0 + b.0, v)))
            .min();
        let route = meet.map(|(ms, m)| {
            // Hops in graph direction, as (from, to, ms, mid) in graph ids.
            let mut hops = Vec::new();
            let mut v = m;
            while let Some(&(_, p, w, mid)) = fwd.get(&v).filter(|e| e.1 != NO_MID) {
                hops.push((
                    self.ch.node_of_rank[p as usize],
                    self.ch.node_of_rank[v as usize],
                    w,
                    mid,
                ));
                v = p;
            }
            let start = v;
            hops.reverse();
            let mut v = m;
            while let Some(&(_, p, w, mid)) = bwd.get(&v).filter(|e| e.1 != NO_MID) {
                hops.push((
                    self.ch.node_of_rank[v as usize],
                    self.ch.node_of_rank[p as usize],
                    w,
                    mid,
                ));
                v = p;
            }
            let end = v;
            Route {
                ms,
                start: self.ch.node_of_rank[start as usize],
                start_ms: fwd[&start].0,
                edges: self.unpack(&hops),
                end: self.ch.node_of_rank[end as usize],
                end_ms: bwd[&end].0,
            }
        });
        assemble(g, s, t, route)
    }

    /// A full upward search (no stalling) keeping parents: rank id →
    /// (ms, parent rank or `NO_MID` for a seed, hop ms, hop mid).
    fn search_with_parents(
        &self,
        forward: bool,
        seeds: &[(u32, u64)],
    ) -> std::collections::HashMap<u32, (u64, u32, u32, u32)> {
        let own = if forward { &self.ch.up } else { &self.ch.down };
        let mut best: std::collections::HashMap<u32, (u64, u32, u32, u32)> = Default::default();
        let mut heap = BinaryHeap::new();
        for &(v, d) in seeds {
            let r = self.ch.rank[v as usize];
            if best.get(&r).is_none_or(|e| d < e.0) {
                best.insert(r, (d, NO_MID, 0, NO_MID));
                heap.push(Reverse((d, r)));
            }
        }
        while let Some(Reverse((d, v))) = heap.pop() {
            if best.get(&v).is_some_and(|e| d > e.0) {
                continue;
            }
            let r = own.first[v as usize] as usize..own.first[v as usize + 1] as usize;
            for i in r {
                let (x, w) = (own.other[i], own.weight_ms[i]);
                let nd = d + w as u64;
                if best.get(&x).is_none_or(|e| nd < e.0) {
                    best.insert(x, (nd, v, w, own.mid[i]));
                    heap.push(Reverse((nd, x)));
                }
            }
        }
        best
    }

    /// Original edges of a list of hierarchy hops `(from, to, ms, mid)`.
    fn unpack(&self, hops: &[(u32, u32, u32, u32)]) -> Vec<u32> {
        let g = self.graph;
        let mut edges = Vec::new();
        let mut stack: Vec<(u32, u32, u32, u32)> = hops.iter().rev().copied().collect();
        while let Some((a, b, w, mid)) = stack.pop() {
            if mid == NO_MID {
                // The fastest original edge a → b (parallel edges may exist).
                if let Some(e) = g
                    .out_edges(a)
                    .filter(|&e| g.head[e] == b)
                    .min_by_key(|&e| (g.weight_ms[e], e))
                {
                    debug_assert_eq!(g.weight_ms[e], w);
                    edges.push(e as u32);
                }
                continue;
            }
            let rm = self.ch.rank[mid as usize];
            let (ra, rb) = (self.ch.rank[a as usize], self.ch.rank[b as usize]);
            if let (Some((w1, m1)), Some((w2, m2))) =
                (self.ch.down.find(rm, ra), self.ch.up.find(rm, rb))
            {
                debug_assert_eq!(w1 as u64 + w2 as u64, w as u64);
                stack.push((mid, b, w2, m2));
                stack.push((a, mid, w1, m1));
            }
        }
        edges
    }
}

/// A route through the network between two snaps' seeds.
struct Route {
    ms: u64,
    /// The source seed node it leaves from and that seed's ms.
    start: u32,
    start_ms: u64,
    edges: Vec<u32>,
    /// The target seed node it arrives at and that seed's ms.
    end: u32,
    end_ms: u64,
}

/// The fastest route by plain Dijkstra, with geometry (the reference for
/// [`Router::path`]).
pub fn path(g: &RoadGraph, s: &Snap, t: &Snap) -> Option<Path> {
    let (dist, pred) = dijkstra::node_times(g, &s.source_seeds(g), UNREACHED_MS);
    let mut best: Option<(u64, u32, u64)> = None;
    for (v, d) in t.target_seeds(g) {
        let dv = dist[v as usize];
        if dv != UNREACHED_MS && best.is_none_or(|(b, _, _)| dv + d < b) {
            best = Some((dv + d, v, d));
        }
    }
    let route = best.map(|(ms, end, end_ms)| {
        let mut edges = Vec::new();
        let mut v = end;
        while pred[v as usize] != u32::MAX {
            let e = pred[v as usize];
            edges.push(e);
            v = g.tail[e as usize];
        }
        edges.reverse();
        Route {
            ms,
            start: v,
            start_ms: dist[v as usize],
            edges,
            end,
            end_ms,
        }
    });
    assemble(g, s, t, route)
}

/// The path geometry: the same-edge route if it is at least as fast, else
/// the route through the network with its partial first and last edges.
fn assemble(g: &RoadGraph, s: &Snap, t: &Snap, route: Option<Route>) -> Option<Path> {
    let direct = s.same_edge_ms(t);
    let mut coords = vec![s.point, s.on_road];
    let mut metres = 0.0;
    let network_ms;
    match (direct, route) {
        (Some(dm), r) if r.as_ref().is_none_or(|r| dm <= r.ms) => {
            network_ms = dm;
            let (a, b) = s
                .anchors
                .iter()
                .flat_map(|a| t.anchors.iter().map(move |b| (a, b)))
                .filter(|(a, b)| a.edge == b.edge && a.from_tail_ms <= b.from_tail_ms)
                .min_by_key(|(a, b)| b.from_tail_ms - a.from_tail_ms)?;
            // Times are whole milliseconds, so two points less than 1 ms
            // apart tie even when the target lies a little behind the
            // source: then there is no vertex between them to draw.
            let r = g.geom_range(a.edge);
            let (lo, hi) = (
                r.start + a.segment as usize + 1,
                r.start + b.segment as usize,
            );
            if lo <= hi {
                coords.extend_from_slice(&g.geom_xy[lo..=hi]);
            }
            metres += (b.from_tail_m - a.from_tail_m).max(0.0);
        }
        (_, Some(route)) => {
            network_ms = route.ms;
            let mut check_ms = route.start_ms + route.end_ms;
            // A source seed at an anchor's head draws the rest of that edge.
            if let Some(a) = s.anchors.iter().find(|a| {
                g.head[a.edge as usize] == route.start && a.to_head_ms as u64 == route.start_ms
            }) {
                let r = g.geom_range(a.edge);
                coords.extend_from_slice(&g.geom_xy[r.start + a.segment as usize + 1..r.end]);
                metres += g.length_m[a.edge as usize] - a.from_tail_m;
            }
            for &e in &route.edges {
                let r = g.geom_range(e);
                coords.extend_from_slice(&g.geom_xy[r.start + 1..r.end]);
                metres += g.length_m[e as usize];
                check_ms += g.weight_ms[e as usize] as u64;
            }
            debug_assert_eq!(check_ms, route.ms, "path edges add up to the route time");
            // A target seed at an anchor's tail draws that edge up to the point.
            if let Some(a) = t.anchors.iter().find(|a| {
                g.tail[a.edge as usize] == route.end && a.from_tail_ms as u64 == route.end_ms
            }) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    /// Both bucket indexes hold the same pairs at every node, in target order.
    #[test]
    fn dense_and_sparse_buckets_agree() {
        let mut rng = SplitMix64::new(12);
        for case in 0..20 {
            let n = 1 + case * 7;
            let back: Vec<Vec<(u32, u64)>> = (0..case % 6)
                .map(|_| {
                    let mut nodes: Vec<u32> = (0..n as u32).filter(|_| rng.unit() < 0.3).collect();
                    nodes.dedup();
                    nodes
                        .into_iter()
                        .map(|v| (v, rng.next_u64() % 1000))
                        .collect()
                })
                .collect();
            let make = |(index, bucket)| Buckets {
                index,
                bucket,
                on_edge: Vec::new(),
            };
            let dense = make(Buckets::group_dense(n, &back));
            let sparse = make(Buckets::group_sparse(&back));
            for v in 0..n as u32 {
                assert_eq!(dense.at(v), sparse.at(v), "case {case}, node {v}");
            }
            assert_eq!(sparse.at(n as u32 + 5), &[], "a node with no pairs");
        }
    }
}
