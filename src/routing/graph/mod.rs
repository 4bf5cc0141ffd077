//! The routing graph: a compact directed graph in CSR form (contiguous
//! offsets, heads and weights, no hash maps), built from a loaded
//! [`RoadNetwork`].
//!
//! Build steps, each counted in the [`GraphReport`]:
//! 1. every way segment becomes one or two directed segments (its
//!    `direction`), timed at the way's speed, or a share of its
//!    `fixed_seconds` in proportion to length (ferries);
//! 2. parallel segments (same two nodes, same direction) keep the fastest;
//! 3. only the largest strongly connected component is kept (iterative
//!    Tarjan, no recursion);
//! 4. pass-through nodes (two-way: in- and out-neighbours the same two
//!    nodes; one-way: one in, one other out) are contracted: each chain
//!    between junctions becomes one edge that keeps its geometry (a shared
//!    coordinate buffer plus an edge → range index). A chain that would
//!    become a self-loop, or a slower chain parallel to another between the
//!    same two junctions, is split at its middle node instead, so no road is
//!    lost to snapping (a slower *direct* segment beside a faster chain has
//!    no node to split at and stays as a parallel edge).
//!
//! Weights are `u32` milliseconds (the chain's seconds, summed in `f64`
//! along the chain, rounded once): integers make every shortest-path sum
//! exact, so the reference Dijkstra, the contraction hierarchy and any
//! thread count give identical bits; a `u32` holds 49 days per edge and
//! 4 bytes per edge keep the arrays small. Lengths are `f64` metres.

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use serde::Serialize;

use crate::roads::network::{Direction, RoadClass, RoadNetwork};

mod chains;
use chains::Chains;

/// How to build the graph.
#[derive(Clone, Debug)]
pub struct GraphOptions {
    /// Keep only the largest strongly connected component (default true).
    pub largest_scc_only: bool,
    /// Contract pass-through nodes into single edges (default true).
    pub contract_pass_through: bool,
}

impl Default for GraphOptions {
    fn default() -> Self {
        GraphOptions {
            largest_scc_only: true,
            contract_pass_through: true,
        }
    }
}

/// What the build kept and discarded.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct GraphReport {
    pub input_nodes: usize,
    pub input_ways: usize,
    /// Ways skipped: a node index out of range, or no usable speed/time.
    /// Each is listed in `invalid_way_ids` (first 100).
    pub invalid_ways: usize,
    pub invalid_way_ids: Vec<i64>,
    /// Segments whose two nodes are the same index (skipped).
    pub zero_segments: usize,
    /// Directed segments from the ways.
    pub directed_segments: usize,
    /// Directed segments dropped for a faster one between the same nodes.
    pub parallel_segments_dropped: usize,
    /// Strongly connected components among nodes used by some way.
    pub components: usize,
    pub largest_component_nodes: usize,
    pub discarded_components: usize,
    pub discarded_nodes: usize,
    pub discarded_directed_segments: usize,
    /// Road length (each way segment once, whatever its direction) outside
    /// the kept component.
    pub discarded_km: f64,
    pub kept_km: f64,
    /// Kept road length by class (`motorway`, ...), each segment once.
    pub kept_km_by_class: BTreeMap<String, f64>,
    /// Pass-through nodes folded into edges.
    pub pass_through_nodes: usize,
    /// Pass-through nodes kept as junctions to split a loop or a parallel chain.
    pub split_nodes: usize,
    /// Direct segments kept as parallel edges beside a faster chain between
    /// the same two junctions (no node to split them at; kept for snapping).
    pub parallel_edges_kept: usize,
    pub nodes: usize,
    pub edges: usize,
}

/// A directed road graph in CSR form. Node ids are `0..node_count()`,
/// edge ids `0..edge_count()`; the out-edges of node `v` are
/// `first_out[v]..first_out[v + 1]`, sorted by head then weight.
///
/// Its [`GraphLayout`] — nodes, edges, lengths and geometry, all that does
/// not depend on speeds — is shared behind an `Arc`, and read through the
/// graph (`g.tail[e]`, by `Deref`); its times are its own. So the same roads
/// at other speeds (the slower scenario) cost only their times
/// ([`RoadGraph::with_times`]). Writing to the layout through `DerefMut`
/// copies it first if it is shared.
#[derive(Clone, Debug, Default)]
pub struct RoadGraph {
    layout: Arc<GraphLayout>,
    /// Milliseconds along each edge.
    pub weight_ms: Vec<u32>,
    /// Seconds from the edge's tail to each geometry point (speeds can change
    /// along a contracted edge, so time is not proportional to length).
    pub geom_s: Vec<f64>,
}

/// What a [`RoadGraph`] is made of besides its times.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GraphLayout {
    /// BNG metres of each node.
    pub node_xy: Vec<[f64; 2]>,
    /// Index of each node in the input [`RoadNetwork::nodes`].
    pub node_input: Vec<u32>,
    pub first_out: Vec<u32>,
    pub tail: Vec<u32>,
    pub head: Vec<u32>,
    pub length_m: Vec<f64>,
    /// The edge along the same geometry in the other direction, or [`NO_EDGE`].
    pub reverse: Vec<u32>,
    /// Edge `e`'s geometry is `geom_xy[geom_first[e]..geom_first[e + 1]]`,
    /// from tail to head inclusive.
    pub geom_first: Vec<u32>,
    pub geom_xy: Vec<[f64; 2]>,
}

impl Deref for RoadGraph {
    type Target = GraphLayout;

    fn deref(&self) -> &GraphLayout {
        &self.layout
    }
}

impl DerefMut for RoadGraph {
    fn deref_mut(&mut self) -> &mut GraphLayout {
        Arc::make_mut(&mut self.layout)
    }
}

/// A graph's times: `weight_ms` and `geom_s`.
type Times = (Vec<u32>, Vec<f64>);

/// "No edge" in [`RoadGraph::reverse`].
pub const NO_EDGE: u32 = u32::MAX;

/// One directed segment of a way: 24 bytes, the most numerous thing a
/// build holds. Its length is not kept: [`Seg::metres`] gives the same bits
/// from the nodes' coordinates.
#[derive(Clone, Copy, Debug)]
struct Seg {
    u: u32,
    v: u32,
    s: f64,
    /// Seconds at the slower speeds (when asked for).
    s2: f64,
}

impl Seg {
    /// Straight-line metres from `u` to `v`: the bits
    /// [`RoadNetwork::segment_metres`] gives for the way segment either way
    /// round (a hypotenuse does not depend on the signs of the sides).
    fn metres(&self, nodes: &[[f64; 2]]) -> f64 {
        let (a, b) = (nodes[self.u as usize], nodes[self.v as usize]);
        (a[0] - b[0]).hypot(a[1] - b[1])
    }
}

impl RoadGraph {
    /// A graph from its layout and times.
    pub fn from_parts(layout: GraphLayout, weight_ms: Vec<u32>, geom_s: Vec<f64>) -> RoadGraph {
        RoadGraph {
            layout: Arc::new(layout),
            weight_ms,
            geom_s,
        }
    }

    /// This graph's layout (shared, not copied) with other times.
    pub fn with_times(&self, weight_ms: Vec<u32>, geom_s: Vec<f64>) -> RoadGraph {
        RoadGraph {
            layout: Arc::clone(&self.layout),
            weight_ms,
            geom_s,
        }
    }

    /// Whether `other` shares this graph's layout (not a copy of it).
    pub fn shares_layout(&self, other: &RoadGraph) -> bool {
        Arc::ptr_eq(&self.layout, &other.layout)
    }

    pub fn node_count(&self) -> usize {
        self.node_xy.len()
    }

    pub fn edge_count(&self) -> usize {
        self.head.len()
    }

    /// Out-edge ids of `v`.
    pub fn out_edges(&self, v: u32) -> std::ops::Range<usize> {
        self.first_out[v as usize] as usize..self.first_out[v as usize + 1] as usize
    }

    /// Whether `other` has the same nodes and the same edges, each with the
    /// same tail and head (weights aside): then a contraction order of one
    /// suits the other.
    pub fn same_edges(&self, other: &RoadGraph) -> bool {
        self.node_count() == other.node_count()
            && self.tail == other.tail
            && self.head == other.head
    }

    /// Whether `other` is the same graph but for its times (`weight_ms`
    /// and `geom_s`): the same nodes, edges, lengths and geometry, as when
    /// the same roads are built at other speeds. Then a snap index built on
    /// one serves the other.
    pub fn same_layout(&self, other: &RoadGraph) -> bool {
        self.shares_layout(other) || (self.same_edges(other) && self.layout == other.layout)
    }

    /// Geometry point range of edge `e`.
    pub fn geom_range(&self, e: u32) -> std::ops::Range<usize> {
        self.geom_first[e as usize] as usize..self.geom_first[e as usize + 1] as usize
    }

    /// Build the graph. Never panics on user data: bad ways are counted in
    /// the report and skipped.
    pub fn build(net: &RoadNetwork, opts: &GraphOptions) -> (RoadGraph, GraphReport) {
        let (g, rep, _) = Self::build_inner(net, opts, None);
        (g, rep)
    }

    /// Build the graph, and in the same pass the graph of the same roads
    /// with every road speed (not ferries) times `factor`: exactly what
    /// `RoadGraph::build(&net.with_speed_factor(factor), opts)` gives — the
    /// same seconds per segment, summed in the same order, rounded the same
    /// way — sharing this graph's layout. `None` when the scaled speeds
    /// would lay the graph out differently (a way valid at one speed and not
    /// the other, a chain split at one speed and not the other, parallel
    /// edges in another order): then build that graph on its own.
    pub fn build_with_slower(
        net: &RoadNetwork,
        opts: &GraphOptions,
        factor: f64,
    ) -> (RoadGraph, GraphReport, Option<RoadGraph>) {
        let (g, rep, slower) = Self::build_inner(net, opts, Some(factor));
        let slower = slower.map(|(w, s)| g.with_times(w, s));
        (g, rep, slower)
    }

    /// [`RoadGraph::build`], with the times at `slower` times the road
    /// speeds when given and the layout is the same. The steps of the
    /// module comment, one function each.
    fn build_inner(
        net: &RoadNetwork,
        opts: &GraphOptions,
        slower: Option<f64>,
    ) -> (RoadGraph, GraphReport, Option<Times>) {
        let mut b = Build {
            rep: GraphReport {
                input_nodes: net.nodes.len(),
                input_ways: net.ways.len(),
                ..GraphReport::default()
            },
            same: slower.is_some(),
        };
        let (mut segs, valid_way) = b.directed_segments(net, slower);
        b.drop_parallel(&mut segs);
        let keep_node = b.largest_component(net, opts, &mut segs, &valid_way);
        let (chains, junction) = b.chains(opts, segs, (&keep_node, &net.nodes));
        let (id, layout) = b.number_junctions(net, &keep_node, &junction);
        b.lay_out(net, layout, chains, &id)
    }
}

/// A graph being built: the report so far, and whether the slower graph
/// keeps this layout, so far.
struct Build {
    rep: GraphReport,
    same: bool,
}

impl Build {
    /// Step 1: Directed segments, timed at free flow and at `slower` times the
    /// road speeds; which ways are valid.
    fn directed_segments(
        &mut self,
        net: &RoadNetwork,
        slower: Option<f64>,
    ) -> (Vec<Seg>, Vec<bool>) {
        let n_in = net.nodes.len();
        let rep = &mut self.rep;
        let mut segs: Vec<Seg> = Vec::new();
        let mut valid_way = vec![false; net.ways.len()];
        for (wi, way) in net.ways.iter().enumerate() {
            let in_range = way.nodes.len() >= 2 && way.nodes.iter().all(|&i| (i as usize) < n_in);
            let speed_ok = way.speed_kph.is_finite() && way.speed_kph > 0.0;
            // The slower speed as `RoadNetwork::with_speed_factor` sets it.
            let speed2 = match slower {
                Some(f) if way.class != RoadClass::Ferry => way.speed_kph * f,
                _ => way.speed_kph,
            };
            let speed2_ok = speed2.is_finite() && speed2 > 0.0;
            let fixed_ok = way.fixed_seconds.is_some_and(|s| s.is_finite() && s >= 0.0);
            let coords_ok = in_range
                && way
                    .nodes
                    .iter()
                    .all(|&i| net.nodes[i as usize].iter().all(|c| c.is_finite()));
            if coords_ok && (speed_ok || fixed_ok) != (speed2_ok || fixed_ok) {
                self.same = false;
            }
            if !coords_ok || !(speed_ok || fixed_ok) {
                rep.invalid_ways += 1;
                if rep.invalid_way_ids.len() < 100 {
                    rep.invalid_way_ids.push(way.id);
                }
                continue;
            }
            valid_way[wi] = true;
            let total_m = net.way_metres(way);
            let nseg = way.nodes.len() - 1;
            for i in 0..nseg {
                let (a, b) = (way.nodes[i], way.nodes[i + 1]);
                if a == b {
                    rep.zero_segments += 1;
                    continue;
                }
                let m = net.segment_metres(way, i);
                let (s, s2) = match way.fixed_seconds {
                    Some(fs) if fixed_ok => {
                        let s = if total_m > 0.0 {
                            fs * m / total_m
                        } else {
                            fs / nseg as f64
                        };
                        (s, s)
                    }
                    _ => (m / (way.speed_kph / 3.6), m / (speed2 / 3.6)),
                };
                if way.direction != Direction::Backward {
                    segs.push(Seg { u: a, v: b, s, s2 });
                }
                if way.direction != Direction::Forward {
                    segs.push(Seg { u: b, v: a, s, s2 });
                }
            }
        }
        rep.directed_segments = segs.len();
        (segs, valid_way)
    }

    /// Step 2: Parallel segments keep the fastest (then shortest). All have the
    /// same length (the same two nodes), so at the slower speeds the one
    /// kept is the fastest there: its time is the least.
    fn drop_parallel(&mut self, segs: &mut Vec<Seg>) {
        // Segments equal in (u, v, s, m) may come in either order: the one
        // kept is the same either way (s2 is the least of the group), so
        // no stable sort (and its buffer) is needed.
        // Parallel segments join the same two nodes, so have the same length:
        // time alone orders them.
        segs.sort_unstable_by(|x, y| (x.u, x.v).cmp(&(y.u, y.v)).then(x.s.total_cmp(&y.s)));
        let mut i = 0;
        while i < segs.len() {
            let mut j = i + 1;
            while j < segs.len() && (segs[j].u, segs[j].v) == (segs[i].u, segs[i].v) {
                if segs[j].s2.total_cmp(&segs[i].s2).is_lt() {
                    segs[i].s2 = segs[j].s2;
                }
                j += 1;
            }
            i = j;
        }
        segs.dedup_by(|later, first| later.u == first.u && later.v == first.v);
        self.rep.parallel_segments_dropped = self.rep.directed_segments - segs.len();
    }

    /// Step 3: Strongly connected components: keep the largest (unless told
    /// not to), drop the segments outside it, count the kilometres kept
    /// and discarded. Returns the nodes kept.
    fn largest_component(
        &mut self,
        net: &RoadNetwork,
        opts: &GraphOptions,
        segs: &mut Vec<Seg>,
        valid_way: &[bool],
    ) -> Vec<bool> {
        let n_in = net.nodes.len();
        let rep = &mut self.rep;
        let first = csr_offsets(n_in, segs.iter().map(|s| s.u));
        let heads: Vec<u32> = segs.iter().map(|s| s.v).collect();
        let mut used = vec![false; n_in];
        for s in segs.iter() {
            used[s.u as usize] = true;
            used[s.v as usize] = true;
        }
        let (comp, comp_count) = tarjan_scc(&first, &heads, &used);
        drop((first, heads));
        let mut comp_size = vec![0usize; comp_count];
        for v in 0..n_in {
            if used[v] {
                comp_size[comp[v] as usize] += 1;
            }
        }
        rep.components = comp_count;
        // Largest component; ties go to the lowest component number
        // (Tarjan's numbering depends only on node order: deterministic).
        let big = (0..comp_count)
            .max_by(|&a, &b| comp_size[a].cmp(&comp_size[b]).then(b.cmp(&a)))
            .map(|c| c as u32);
        rep.largest_component_nodes = big.map_or(0, |c| comp_size[c as usize]);
        let keep_node: Vec<bool> = (0..n_in)
            .map(|v| used[v] && (!opts.largest_scc_only || Some(comp[v]) == big))
            .collect();
        if opts.largest_scc_only {
            rep.discarded_components = comp_count.saturating_sub(1);
            rep.discarded_nodes = used.iter().filter(|&&u| u).count() - rep.largest_component_nodes;
        }
        let keep = |a: usize, b: usize| {
            keep_node[a] && keep_node[b] && (!opts.largest_scc_only || comp[a] == comp[b])
        };
        let before = segs.len();
        segs.retain(|s| keep(s.u as usize, s.v as usize));
        rep.discarded_directed_segments = before - segs.len();
        count_km(net, valid_way, &keep, rep);
        keep_node
    }

    /// Step 4: Contract pass-through nodes: mark the junctions, walk the chains
    /// between them, and promote nodes to junctions until no chain is a
    /// loop or a slower parallel. Frees the segments (the chains hold all
    /// that is left to lay out) before the graph's arrays are allocated.
    fn chains(
        &mut self,
        opts: &GraphOptions,
        segs: Vec<Seg>,
        (keep_node, nodes): (&[bool], &[[f64; 2]]),
    ) -> (Chains, Vec<bool>) {
        let n_in = keep_node.len();
        let first = csr_offsets(n_in, segs.iter().map(|s| s.u));
        // In-neighbours in CSR form, sorted: (v, u) pairs.
        let mut rev: Vec<(u32, u32)> = segs.iter().map(|s| (s.v, s.u)).collect();
        rev.sort_unstable();
        let in_first = csr_offsets(n_in, rev.iter().map(|p| p.0));
        let out_of = |v: u32| &segs[first[v as usize] as usize..first[v as usize + 1] as usize];
        let mut junction = vec![false; n_in];
        let mut pass_count = 0usize;
        for v in 0..n_in {
            if !keep_node[v] {
                continue;
            }
            let outs = out_of(v as u32);
            let ins = &rev[in_first[v] as usize..in_first[v + 1] as usize];
            let pass = opts.contract_pass_through
                && match (outs.len(), ins.len()) {
                    (2, 2) => outs[0].v == ins[0].1 && outs[1].v == ins[1].1,
                    (1, 1) => outs[0].v != ins[0].1,
                    _ => false,
                };
            junction[v] = !pass;
            if pass {
                pass_count += 1;
            }
        }
        drop((rev, in_first));
        let mut split = 0usize;
        let chains = loop {
            let (chains, promote, promote2) =
                chains::walk_chains(&segs, &first, (keep_node, &junction), nodes, self.same);
            // The slower build would promote other nodes: another layout.
            if promote2.is_some_and(|p2| p2 != promote) {
                self.same = false;
            }
            if promote.is_empty() {
                break chains;
            }
            for v in promote {
                if !junction[v as usize] {
                    junction[v as usize] = true;
                    split += 1;
                }
            }
        };
        self.rep.pass_through_nodes = pass_count - split;
        self.rep.split_nodes = split;
        (chains, junction)
    }

    /// Step 5a: Number the kept junctions: the graph's node ids (input index →
    /// id, `u32::MAX` for the rest) and its nodes.
    fn number_junctions(
        &mut self,
        net: &RoadNetwork,
        keep_node: &[bool],
        junction: &[bool],
    ) -> (Vec<u32>, GraphLayout) {
        let n_in = keep_node.len();
        let mut id = vec![u32::MAX; n_in];
        let mut g = GraphLayout::default();
        for v in 0..n_in {
            if keep_node[v] && junction[v] {
                id[v] = g.node_xy.len() as u32;
                g.node_xy.push(net.nodes[v]);
                g.node_input.push(v as u32);
            }
        }
        (id, g)
    }

    /// Step 5b: The chains in edge order (by tail, head, time, length,
    /// nodes), as chain indices, with the checks that the slower times keep
    /// that order.
    fn sort_chains(&mut self, chains: &Chains, id: &[u32]) -> Vec<u32> {
        let ends = |c: u32| {
            let (a, b) = chains.ends(c as usize);
            (id[a as usize], id[b as usize])
        };
        let mut order: Vec<u32> = (0..chains.len() as u32).collect();
        // A total order (no two chains have the same nodes), so unstable
        // sorting gives the same order without a buffer.
        order.sort_unstable_by(|&a, &b| {
            let (x, y) = (a as usize, b as usize);
            ends(a)
                .cmp(&ends(b))
                .then(chains.s[x].total_cmp(&chains.s[y]))
                .then(chains.m[x].total_cmp(&chains.m[y]))
                .then(chains.nodes(x).cmp(chains.nodes(y)))
        });
        // The slower build sorts parallel edges by their slower times: the
        // same order, or another layout.
        if self.same {
            self.same = order.windows(2).all(|w| {
                let (x, y) = (w[0] as usize, w[1] as usize);
                ends(w[0]) != ends(w[1])
                    || chains.s2[x]
                        .total_cmp(&chains.s2[y])
                        .then(chains.m[x].total_cmp(&chains.m[y]))
                        .then(chains.nodes(x).cmp(chains.nodes(y)))
                        .is_lt()
            });
        }
        // Parallel chains left here are slower direct segments beside a
        // faster chain (the others were split): they stay as parallel edges
        // so points near them still snap onto them; searches take the faster.
        for w in order.windows(2) {
            if chains.ends(w[0] as usize) == chains.ends(w[1] as usize) {
                self.rep.parallel_edges_kept += 1;
            }
        }
        order
    }

    /// Step 5c: Lay out the CSR: one edge per chain with its geometry and times
    /// (and the slower times when the layout is the same), and each edge's
    /// reverse.
    fn lay_out(
        mut self,
        net: &RoadNetwork,
        mut g: GraphLayout,
        chains: Chains,
        id: &[u32],
    ) -> (RoadGraph, GraphReport, Option<Times>) {
        let order = self.sort_chains(&chains, id);
        let same = self.same;
        let n = g.node_xy.len();
        g.first_out = csr_offsets(
            n,
            order
                .iter()
                .map(|&c| id[chains.ends(c as usize).0 as usize]),
        );
        let (mut weight_ms, mut geom_s) = (Vec::new(), Vec::new());
        let (mut weight2, mut geom_s2) = (Vec::new(), Vec::new());
        let points = chains.points();
        let m = chains.len();
        let (m2, points2) = if same { (m, points) } else { (0, 0) };
        for (v, len) in [
            (&mut g.tail, m),
            (&mut g.head, m),
            (&mut weight_ms, m),
            (&mut weight2, m2),
        ] {
            v.reserve_exact(len);
        }
        g.length_m.reserve_exact(m);
        g.geom_first.reserve_exact(m + 1);
        g.geom_xy.reserve_exact(points);
        for (v, len) in [(&mut geom_s, points), (&mut geom_s2, points2)] {
            v.reserve_exact(len);
        }
        g.geom_first.push(0);
        for &c in &order {
            let c = c as usize;
            let (a, b) = chains.ends(c);
            g.tail.push(id[a as usize]);
            g.head.push(id[b as usize]);
            weight_ms.push(seconds_to_ms(chains.s[c]));
            g.length_m.push(chains.m[c]);
            g.geom_xy
                .extend(chains.nodes(c).iter().map(|&v| net.nodes[v as usize]));
            geom_s.extend_from_slice(chains.cum_s(c));
            if same {
                weight2.push(seconds_to_ms(chains.s2[c]));
                geom_s2.extend_from_slice(chains.cum_s2(c));
            }
            g.geom_first.push(g.geom_xy.len() as u32);
        }
        g.reverse = chains::reverse_edges(&chains, &order);
        drop(chains);
        self.rep.nodes = n;
        self.rep.edges = g.head.len();
        let slower_times = same.then_some((weight2, geom_s2));
        (
            RoadGraph::from_parts(g, weight_ms, geom_s),
            self.rep,
            slower_times,
        )
    }
}

/// Kilometres kept and discarded, each way segment once, and kept by road
/// class; `keep(a, b)` says whether the segment between input nodes `a`
/// and `b` is kept.
fn count_km(
    net: &RoadNetwork,
    valid_way: &[bool],
    keep: &dyn Fn(usize, usize) -> bool,
    rep: &mut GraphReport,
) {
    for (wi, way) in net.ways.iter().enumerate() {
        if !valid_way[wi] {
            continue;
        }
        let mut kept = 0.0;
        for i in 0..way.nodes.len() - 1 {
            let (a, b) = (way.nodes[i] as usize, way.nodes[i + 1] as usize);
            if a == b {
                continue;
            }
            let km = net.segment_metres(way, i) / 1000.0;
            if keep(a, b) {
                kept += km;
            } else {
                rep.discarded_km += km;
            }
        }
        rep.kept_km += kept;
        *rep.kept_km_by_class
            .entry(way.class.as_str().to_string())
            .or_insert(0.0) += kept;
    }
    rep.kept_km_by_class.retain(|_, km| *km > 0.0);
}

/// Seconds to whole milliseconds, rounded half away from zero; saturates.
pub fn seconds_to_ms(s: f64) -> u32 {
    let ms = (s * 1000.0).round();
    if ms >= u32::MAX as f64 {
        u32::MAX - 1
    } else {
        ms.max(0.0) as u32
    }
}

/// CSR offsets for items sorted by `key`.
fn csr_offsets(n: usize, keys: impl Iterator<Item = u32>) -> Vec<u32> {
    let mut first = vec![0u32; n + 1];
    for k in keys {
        first[k as usize + 1] += 1;
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    first
}

/// Strongly connected components of the nodes marked `used`, by an
/// iterative Tarjan (an explicit call stack of `(node, next edge)`).
/// Returns each node's component and the count.
pub(super) fn tarjan_scc(first: &[u32], heads: &[u32], used: &[bool]) -> (Vec<u32>, usize) {
    const UNSEEN: u32 = u32::MAX;
    struct State {
        index: Vec<u32>,
        low: Vec<u32>,
        on_stack: Vec<bool>,
        stack: Vec<u32>,
        calls: Vec<(u32, u32)>,
        counter: u32,
    }
    impl State {
        /// Number `w`, put it on the stack and "call" it.
        fn enter(&mut self, w: usize, first: &[u32]) {
            self.index[w] = self.counter;
            self.low[w] = self.counter;
            self.counter += 1;
            self.stack.push(w as u32);
            self.on_stack[w] = true;
            self.calls.push((w as u32, first[w]));
        }
    }
    let n = used.len();
    let mut st = State {
        index: vec![UNSEEN; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        calls: Vec::new(),
        counter: 0,
    };
    let mut comp = vec![UNSEEN; n];
    let mut comps = 0usize;
    for (s, &is_used) in used.iter().enumerate() {
        if !is_used || st.index[s] != UNSEEN {
            continue;
        }
        st.enter(s, first);
        while let Some(&(v, pos)) = st.calls.last() {
            let vu = v as usize;
            if pos < first[vu + 1] {
                if let Some(top) = st.calls.last_mut() {
                    top.1 += 1;
                }
                let w = heads[pos as usize] as usize;
                if st.index[w] == UNSEEN {
                    st.enter(w, first);
                } else if st.on_stack[w] {
                    st.low[vu] = st.low[vu].min(st.index[w]);
                }
            } else {
                st.calls.pop();
                if let Some(&(p, _)) = st.calls.last() {
                    st.low[p as usize] = st.low[p as usize].min(st.low[vu]);
                }
                if st.low[vu] == st.index[vu] {
                    while let Some(w) = st.stack.pop() {
                        st.on_stack[w as usize] = false;
                        comp[w as usize] = comps as u32;
                        if w == v {
                            break;
                        }
                    }
                    comps += 1;
                }
            }
        }
    }
    (comp, comps)
}
