//! The graph being contracted and its witness searches: the state that
//! [`super::prepare`] drives, one node or one round of independent nodes
//! at a time.

use std::cmp::Reverse;

use rayon::prelude::*;

use super::{Hierarchy, NO_MID, PrepareReport, Scratch, UpGraph};
use crate::routing::UNREACHED_MS;
use crate::routing::graph::RoadGraph;

/// Witness searches stop after settling this many nodes (a missed witness
/// only adds a needless shortcut, never a wrong time): fewer when only
/// estimating a priority, more when contracting.
const WITNESS_SETTLE_LIMIT: usize = 500;
const PRIORITY_SETTLE_LIMIT: usize = 40;
/// Witness searches of one node, or priorities of a node's neighbours, run
/// in parallel from this many on (below it rayon costs more than it saves).
/// Measured on the England-scale graph (2 vCPUs, quiet): from 4 on, the
/// preparation took 32–36 s wall and 59–64 s CPU, a third of it workers
/// yielding; from 32 on (only the dense nodes late in the contraction),
/// 28.4 s wall and 29 s CPU. The hierarchy is the same either way.
pub(super) const PARALLEL_MIN: usize = 32;

/// The graph being contracted: adjacency lists of `(other, ms, mid)`, and
/// the upward edges of the nodes contracted so far.
pub(super) struct Contraction {
    out: Vec<Vec<(u32, u32, u32)>>,
    inn: Vec<Vec<(u32, u32, u32)>>,
    /// A contracted node's out- and in-edges at the time it was contracted
    /// (all to nodes contracted later), by graph id.
    /// The hierarchy so far: nodes are contracted in rank order, so each
    /// one's upward edges are appended as it is contracted (the other end
    /// by graph id until [`Contraction::finish`]) and its lists freed for
    /// the shortcuts still to come, instead of being kept until the end.
    up: UpGraph,
    down: UpGraph,
    shortcuts_added: usize,
    /// [`PARALLEL_MIN`], or another threshold in tests.
    parallel_min: usize,
    /// Each node's place in the round being contracted, `u32::MAX` for
    /// nodes not in it. A witness search for a node avoids the nodes of the
    /// round placed before it: contracted one by one, they would be gone by
    /// then, their shortcuts not yet known. Later ones are still there,
    /// with the same edges (no node of a round is another's neighbour).
    round_pos: Vec<u32>,
}

impl Contraction {
    pub(super) fn new(graph: &RoadGraph, parallel_min: usize) -> Contraction {
        let n = graph.node_count();
        let mut c = Contraction {
            out: vec![Vec::new(); n],
            inn: vec![Vec::new(); n],
            up: UpGraph::started(),
            down: UpGraph::started(),
            shortcuts_added: 0,
            parallel_min,
            round_pos: vec![u32::MAX; n],
        };
        for e in 0..graph.edge_count() {
            let (u, x) = (graph.tail[e], graph.head[e]);
            if u != x {
                c.add_edge(u, x, graph.weight_ms[e], NO_MID);
            }
        }
        c
    }

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

    /// Contract `v`: its remaining edges become its upward edges, and a
    /// shortcut joins each in-neighbour to each out-neighbour through `v`
    /// unless a witness search finds a path no longer. Returns the
    /// neighbours, sorted and without repeats.
    pub(super) fn contract(&mut self, v: u32) -> Vec<u32> {
        let sc = self.shortcuts(v, WITNESS_SETTLE_LIMIT);
        self.retire(v, sc)
    }

    /// Contract `round`, nodes none of which is a neighbour of another, in
    /// this (rank) order: the witness searches of all of them first, in
    /// parallel on the graph as it is, each avoiding the nodes of the round
    /// before it (so no two rely on paths through each other); then each
    /// node retired and its shortcuts added in turn. The same hierarchy as
    /// contracting them one by one, but for witnesses through the
    /// shortcuts of the nodes before (missed: more shortcuts, never a wrong
    /// time).
    /// Returns each node's neighbours (sorted, without repeats) in order.
    pub(super) fn contract_round(&mut self, round: &[u32]) -> Vec<Vec<u32>> {
        if let [v] = round {
            self.round_pos[*v as usize] = u32::MAX;
            return vec![self.contract(*v)];
        }
        for (i, &v) in round.iter().enumerate() {
            self.round_pos[v as usize] = i as u32;
        }
        let found: Vec<Vec<(u32, u32, u32)>> = round
            .par_iter()
            .map(|&v| self.shortcuts(v, WITNESS_SETTLE_LIMIT))
            .collect();
        for &v in round {
            self.round_pos[v as usize] = u32::MAX;
        }
        round
            .iter()
            .zip(found)
            .map(|(&v, sc)| self.retire(v, sc))
            .collect()
    }

    /// Whether `v` may go in the round being gathered: none of its
    /// neighbours is in it already.
    pub(super) fn free_of_round(&self, v: u32) -> bool {
        let mut nbs = self.out[v as usize].iter().chain(&self.inn[v as usize]);
        !nbs.any(|e| self.round_pos[e.0 as usize] != u32::MAX)
    }

    /// Mark `v` as in the round being gathered ([`Contraction::contract_round`]
    /// clears it).
    pub(super) fn mark(&mut self, v: u32) {
        self.round_pos[v as usize] = 0;
    }

    /// The in- and out-neighbours of `v` (a neighbour both ways twice).
    fn neighbours(&self, v: u32) -> impl Iterator<Item = u32> + '_ {
        let (out, inn) = (&self.out[v as usize], &self.inn[v as usize]);
        out.iter().chain(inn).map(|e| e.0)
    }

    /// Whether `v` comes before every node within `hops` (1 or 2) of it by
    /// `(priority, id)`.
    pub(super) fn is_local_min(&self, prio: &[i64], v: u32, hops: usize) -> bool {
        let key = (prio[v as usize], v);
        let before = |u: u32| key < (prio[u as usize], u);
        self.neighbours(v)
            .all(|u| before(u) && (hops < 2 || self.neighbours(u).all(|y| y == v || before(y))))
    }

    /// Remove `v` from the graph with its shortcuts `sc` added: its
    /// remaining edges become its upward edges (it takes the next rank).
    /// Returns its neighbours, sorted and without repeats.
    fn retire(&mut self, v: u32, sc: Vec<(u32, u32, u32)>) -> Vec<u32> {
        let outs = std::mem::take(&mut self.out[v as usize]);
        let ins = std::mem::take(&mut self.inn[v as usize]);
        for &(x, _, _) in &outs {
            self.inn[x as usize].retain(|f| f.0 != v);
        }
        for &(u, _, _) in &ins {
            self.out[u as usize].retain(|f| f.0 != v);
        }
        self.shortcuts_added += sc.len();
        for (u, x, w) in sc {
            self.add_edge(u, x, w, v);
        }
        let mut nbs: Vec<u32> = outs.iter().chain(ins.iter()).map(|e| e.0).collect();
        nbs.sort_unstable();
        nbs.dedup();
        self.up.push_node(&outs);
        self.down.push_node(&ins);
        nbs
    }

    /// The hierarchy in CSR form over rank ids, once every node is contracted.
    pub(super) fn finish(self, graph: &RoadGraph, rank: Vec<u32>, rounds: Vec<u32>) -> Hierarchy {
        let n = rank.len();
        let mut node_of_rank: Vec<u32> = vec![0; n];
        for v in 0..n {
            node_of_rank[rank[v] as usize] = v as u32;
        }
        let Contraction {
            out,
            inn,
            mut up,
            mut down,
            shortcuts_added,
            ..
        } = self;
        drop((out, inn));
        for g in [&mut up, &mut down] {
            g.by_rank(&rank);
        }
        Hierarchy {
            report: PrepareReport {
                nodes: n,
                edges: graph.edge_count(),
                shortcuts: shortcuts_added,
            },
            rank,
            node_of_rank,
            up,
            down,
            rounds,
        }
    }

    /// Shortcuts needed if `v` were contracted now: for each in-neighbour
    /// in turn, those its witness search does not make needless. The
    /// searches only read the graph, so for a node with many in-neighbours
    /// they run in parallel; the list is the same in the same order.
    fn shortcuts(&self, v: u32, settle_limit: usize) -> Vec<(u32, u32, u32)> {
        let ins = &self.inn[v as usize];
        let per_in = |e: &(u32, u32, u32)| self.shortcuts_from(v, *e, settle_limit);
        if ins.len() >= self.parallel_min {
            ins.par_iter().map(per_in).collect::<Vec<_>>().concat()
        } else {
            ins.iter().flat_map(per_in).collect()
        }
    }

    /// The shortcuts through `v` from its in-neighbour `u` (edge `u → v`
    /// of `wu` ms).
    fn shortcuts_from(
        &self,
        v: u32,
        (u, wu, _): (u32, u32, u32),
        settle_limit: usize,
    ) -> Vec<(u32, u32, u32)> {
        let outs = &self.out[v as usize];
        let max = outs
            .iter()
            .filter(|o| o.0 != u)
            .map(|o| wu as u64 + o.1 as u64)
            .max();
        let Some(max) = max else {
            return Vec::new();
        };
        let targets = outs.iter().filter(|o| o.0 != u).count();
        Scratch::with(self.out.len(), |sc| {
            self.witness(u, v, (outs, targets), max, settle_limit, sc);
            let found = outs
                .iter()
                .filter_map(|&(x, wx, _)| {
                    let d = wu as u64 + wx as u64;
                    (x != u && sc.dist[x as usize] > d)
                        .then(|| (u, x, d.min(u32::MAX as u64 - 1) as u32))
                })
                .collect();
            sc.reset();
            found
        })
    }

    /// Dijkstra from `s` avoiding `skip`, up to `max` ms or the settle
    /// limit, into `sc` (left for the caller to read and reset). It also
    /// stops once it has settled all `targets` other than `s` (their
    /// count given): their times are final then, so the answer is the same
    /// as searching on.
    fn witness(
        &self,
        s: u32,
        skip: u32,
        (targets, mut left): (&[(u32, u32, u32)], usize),
        max: u64,
        settle_limit: usize,
        sc: &mut Scratch,
    ) {
        sc.dist[s as usize] = 0;
        sc.touched.push(s);
        sc.heap.push(Reverse((0, s)));
        let mut settled = 0;
        while let Some(Reverse((d, v))) = sc.heap.pop() {
            if d > sc.dist[v as usize] {
                continue;
            }
            if d > max || settled >= settle_limit || left == 0 {
                break;
            }
            settled += 1;
            if v != s && targets.iter().any(|t| t.0 == v) {
                left -= 1;
            }
            for &(x, w, _) in &self.out[v as usize] {
                if x == skip || self.round_pos[x as usize] < self.round_pos[skip as usize] {
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

    /// Priority of `v`: `edge difference + deleted neighbours`.
    pub(super) fn priority(&self, deleted: &[i64], v: u32) -> i64 {
        let sc = self.shortcuts(v, PRIORITY_SETTLE_LIMIT).len() as i64;
        let degree = (self.inn[v as usize].len() + self.out[v as usize].len()) as i64;
        sc - degree + deleted[v as usize]
    }

    /// Priorities of `nodes`, in parallel when there are many (each is a
    /// function of the graph alone, so the same values either way).
    pub(super) fn priorities(&self, deleted: &[i64], nodes: &[u32]) -> Vec<i64> {
        if nodes.len() >= self.parallel_min {
            nodes
                .par_iter()
                .map(|&v| self.priority(deleted, v))
                .collect()
        } else {
            nodes.iter().map(|&v| self.priority(deleted, v)).collect()
        }
    }
}
