//! Snapping points (practices, area centroids) onto the road graph: the
//! nearest point on any edge segment (an rstar R-tree of the kept edges'
//! geometry), not merely the nearest node. A query then starts or ends
//! partway along that edge; on a two-way road both directed edges are
//! usable, on a one-way road only its own direction. The leg from the point
//! to the road is timed at a slow off-road speed; beyond `max_snap_m` the
//! point is unroutable (the caller reports `PRACTICE_UNROUTABLE` /
//! `AREA_UNROUTABLE`).

use rstar::primitives::{GeomWithData, Line};
use rstar::{PointDistance, RTree};

use super::graph::{NO_EDGE, RoadGraph};

/// Snapping parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SnapOptions {
    /// Speed of the leg between the point and the road (default 15 km/h).
    pub off_road_kph: f64,
    /// Points further than this from every road are unroutable (default 1000 m).
    pub max_snap_m: f64,
}

impl Default for SnapOptions {
    fn default() -> Self {
        SnapOptions {
            off_road_kph: 15.0,
            max_snap_m: 1000.0,
        }
    }
}

/// Where a snapped point sits on one directed edge.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Anchor {
    pub edge: u32,
    /// Milliseconds from the edge's tail to the point; `from_tail_ms +
    /// to_head_ms == weight_ms[edge]` exactly.
    pub from_tail_ms: u32,
    pub to_head_ms: u32,
    /// Metres along the edge from its tail.
    pub from_tail_m: f64,
    /// Geometry segment (index from the edge's first point) and fraction
    /// along it, for drawing partial edges.
    pub segment: u32,
    pub fraction: f64,
}

/// A point snapped onto the road graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Snap {
    /// The input point, BNG metres.
    pub point: [f64; 2],
    /// The nearest point on the road.
    pub on_road: [f64; 2],
    /// Straight-line distance from `point` to `on_road`.
    pub snap_m: f64,
    /// Time of that off-road leg.
    pub off_road_s: f64,
    /// One anchor on a one-way edge, two on a two-way road.
    pub anchors: Vec<Anchor>,
}

type SegItem = GeomWithData<Line<[f64; 2]>, (u32, u32)>;

/// An R-tree over every geometry segment of a graph's edges (a two-way
/// road's segments once, for both directions). Owned: it holds edge ids,
/// not a borrow of the graph, so it is built once and can serve any graph
/// with the same geometry (the same roads at other speeds).
pub struct SnapIndex {
    tree: RTree<SegItem>,
}

impl SnapIndex {
    pub fn new(graph: &RoadGraph) -> SnapIndex {
        let mut items = Vec::with_capacity(graph.geom_xy.len());
        for e in 0..graph.edge_count() as u32 {
            let r = graph.reverse[e as usize];
            if r != NO_EDGE && r < e {
                continue;
            }
            let g = graph.geom_range(e);
            for k in 0..g.len() - 1 {
                let (a, b) = (graph.geom_xy[g.start + k], graph.geom_xy[g.start + k + 1]);
                items.push(GeomWithData::new(Line::new(a, b), (e, k as u32)));
            }
        }
        SnapIndex {
            tree: RTree::bulk_load(items),
        }
    }
}

/// Snapping onto a graph: the graph, its [`SnapIndex`] and the options,
/// borrowed together (cheap to make and to copy).
#[derive(Clone, Copy)]
pub struct Snapper<'a> {
    graph: &'a RoadGraph,
    index: &'a SnapIndex,
    pub options: SnapOptions,
}

impl<'a> Snapper<'a> {
    /// `index` must be built on `graph`, or on a graph with the same geometry.
    pub fn new(graph: &'a RoadGraph, index: &'a SnapIndex, options: SnapOptions) -> Snapper<'a> {
        Snapper {
            graph,
            index,
            options,
        }
    }

    /// Snap within `max_snap_m`, or `None` (unroutable).
    pub fn snap(&self, p: [f64; 2]) -> Option<Snap> {
        self.nearest(p)
            .filter(|s| s.snap_m <= self.options.max_snap_m)
    }

    /// Snap to the nearest road whatever the distance (`None` only for an
    /// empty graph): for reporting how far an unroutable point is.
    pub fn nearest(&self, p: [f64; 2]) -> Option<Snap> {
        if !p.iter().all(|c| c.is_finite()) {
            return None;
        }
        // Among equally near segments take the lowest (edge, segment), so
        // the answer does not depend on the tree's internal order.
        let mut best: Option<(f64, (u32, u32))> = None;
        for (item, d2) in self.index.tree.nearest_neighbor_iter_with_distance_2(&p) {
            if let Some((bd, bid)) = best {
                if d2 > bd {
                    break;
                }
                if item.data >= bid {
                    continue;
                }
            }
            best = Some((d2, item.data));
        }
        let (_, (e, k)) = best?;
        Some(self.snap_to(p, e, k))
    }

    fn snap_to(&self, p: [f64; 2], e: u32, k: u32) -> Snap {
        let g = self.graph;
        let r = g.geom_range(e);
        let (a, b) = (
            g.geom_xy[r.start + k as usize],
            g.geom_xy[r.start + k as usize + 1],
        );
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len2 = dx * dx + dy * dy;
        let f = if len2 > 0.0 {
            (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let on = [a[0] + f * dx, a[1] + f * dy];
        let snap_m = (p[0] - on[0]).hypot(p[1] - on[1]);
        let mut anchors = vec![anchor(g, e, k, f)];
        let rev = g.reverse[e as usize];
        if rev != NO_EDGE {
            let nseg = (r.len() - 1) as u32;
            anchors.push(anchor(g, rev, nseg - 1 - k, 1.0 - f));
        }
        Snap {
            point: p,
            on_road: on,
            snap_m,
            off_road_s: snap_m * 3.6 / self.options.off_road_kph,
            anchors,
        }
    }

    /// Distance squared from `p` to the nearest segment (for tests).
    pub fn nearest_distance_2(&self, p: [f64; 2]) -> Option<f64> {
        self.index
            .tree
            .nearest_neighbor(&p)
            .map(|i| i.distance_2(&p))
    }
}

/// The anchor at fraction `f` of geometry segment `k` of edge `e`.
pub fn anchor(g: &RoadGraph, e: u32, k: u32, f: f64) -> Anchor {
    let r = g.geom_range(e);
    let i = r.start + k as usize;
    let (s0, s1) = (g.geom_s[i], g.geom_s[i + 1]);
    let w = g.weight_ms[e as usize];
    let from_tail_ms = super::graph::seconds_to_ms(s0 + f * (s1 - s0)).min(w);
    let mut from_tail_m = 0.0;
    for j in r.start..i {
        let (a, b) = (g.geom_xy[j], g.geom_xy[j + 1]);
        from_tail_m += (a[0] - b[0]).hypot(a[1] - b[1]);
    }
    let (a, b) = (g.geom_xy[i], g.geom_xy[i + 1]);
    from_tail_m += f * (a[0] - b[0]).hypot(a[1] - b[1]);
    Anchor {
        edge: e,
        from_tail_ms,
        to_head_ms: w - from_tail_ms,
        from_tail_m,
        segment: k,
        fraction: f,
    }
}

/// A snap exactly at graph node `v` (no off-road leg): for benchmarks and
/// node-to-node comparisons. `None` if `v` has no edge at all.
pub fn snap_at_node(g: &RoadGraph, v: u32) -> Option<Snap> {
    let mut anchors = Vec::new();
    // Offset 0 on an out-edge is the node itself (see `source_seeds`).
    if let Some(e) = g.out_edges(v).next() {
        anchors.push(anchor(g, e as u32, 0, 0.0));
    }
    let point = *g.node_xy.get(v as usize)?;
    if anchors.is_empty() {
        return None;
    }
    Some(Snap {
        point,
        on_road: point,
        snap_m: 0.0,
        off_road_s: 0.0,
        anchors,
    })
}

impl Snap {
    /// Where a search from this point starts: `(node, ms)` for each anchor's
    /// head, and its tail too when the point is at the tail (0 ms along).
    pub fn source_seeds(&self, g: &RoadGraph) -> Vec<(u32, u64)> {
        self.seeds(g, true)
    }

    /// How a search reaches this point: `(node, ms)` from each anchor's
    /// tail, and from its head too when the point is at the head.
    pub fn target_seeds(&self, g: &RoadGraph) -> Vec<(u32, u64)> {
        self.seeds(g, false)
    }

    fn seeds(&self, g: &RoadGraph, source: bool) -> Vec<(u32, u64)> {
        let mut seeds = Vec::with_capacity(4);
        for a in &self.anchors {
            let (tail, head) = (g.tail[a.edge as usize], g.head[a.edge as usize]);
            // (the end the point travels via, time to it, the end it sits at if any)
            let (via, ms, at) = if source {
                (head, a.to_head_ms, (a.from_tail_ms == 0).then_some(tail))
            } else {
                (tail, a.from_tail_ms, (a.to_head_ms == 0).then_some(head))
            };
            seeds.push((via, ms as u64));
            if let Some(v) = at {
                seeds.push((v, 0));
            }
        }
        seeds
    }

    /// Network milliseconds from this point to `to` along one shared edge
    /// without leaving it (the target further along it), if any.
    pub fn same_edge_ms(&self, to: &Snap) -> Option<u64> {
        let mut best: Option<u64> = None;
        for a in &self.anchors {
            for b in &to.anchors {
                if a.edge == b.edge && a.from_tail_ms <= b.from_tail_ms {
                    let d = (b.from_tail_ms - a.from_tail_ms) as u64;
                    best = Some(best.map_or(d, |x| x.min(d)));
                }
            }
        }
        best
    }

    /// Total seconds for a network time in ms from this point to `to`.
    pub fn total_s(&self, network_ms: u64, to: &Snap) -> f64 {
        if network_ms == u64::MAX {
            f64::INFINITY
        } else {
            self.off_road_s + network_ms as f64 / 1000.0 + to.off_road_s
        }
    }
}
