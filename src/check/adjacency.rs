//! Which areas touch which: queen or rook contiguity with a snap tolerance.
//!
//! Geometries are in British National Grid metres. Only the *boundaries* of the
//! areas are compared (every ring of every part: exteriors and holes), never
//! their interiors, so an enclave that fills another area's hole is a
//! neighbour of it (their boundaries coincide), while two areas that overlap
//! without their boundaries coming close are not.
//!
//! # Rules
//! With `t` = [`AdjacencyOptions::tolerance_m`]:
//!
//! - **Queen**: `A` and `B` are neighbours when some point of `A`'s boundary
//!   lies within `t` of some point of `B`'s boundary: a shared vertex, a
//!   shared edge, one boundary crossing the other, or a digitising gap no wider
//!   than `t`. With `t = 0` the boundaries must touch exactly (decided with
//!   geo's robust orientation predicates, so no rounding slack).
//! - **Rook**: `A` and `B` are neighbours when they share a stretch of
//!   boundary, not just a point. Let `L(A→B)` be the length of `A`'s boundary
//!   lying within `t` of `B`'s boundary. They are rook neighbours when both
//!   `L(A→B)` and `L(B→A)` exceed [`AdjacencyOptions::rook_min_shared_m`]
//!   `= max(3 t, 1 mm)`. Why `3 t`: two squares meeting only at a corner have
//!   `L = 2 t` exactly (each of the two edges at the corner lies within `t` of
//!   the other square's corner for a length `t`), so a threshold of `2 t`
//!   would decide a checkerboard corner by rounding error; `3 t` leaves a
//!   margin, and a genuinely shared edge of length `s` gives `L ≈ s + 2 t`,
//!   so any shared stretch longer than about `t` counts. A shared stretch
//!   shorter than the tolerance cannot be told apart from a point contact at
//!   that tolerance. The 1 mm floor makes `t = 0` mean "edges that overlap
//!   for more than 1 mm and are collinear as evaluated in floating point"
//!   (the cross product rounds to zero, i.e. collinear to far below a
//!   micrometre at BNG magnitudes): the same edge on both sides, or a vertex
//!   lying on the other area's edge. A vertex merely close to the other's
//!   edge does not count at `t = 0`; use a small tolerance for real data.
//!
//! Vertices need not line up: a T-junction (one area has a vertex in the
//! middle of the other's edge) is a shared edge for both rules, because
//! distances are measured to segments, not between vertices. This is where
//! the result differs from libpysal's `Queen`/`Rook.from_dataframe`, which
//! match vertices exactly (see `tests/adjacency_real.rs`).
//!
//! An area with an empty geometry has no neighbours (it is an island).
//! Segments with a non-finite coordinate are ignored; a negative or
//! non-finite tolerance is treated as 0 (use [`AdjacencyOptions::validate`]
//! on user input to reject it instead).
//!
//! # Method
//! 1. Every area's boundary is flattened into segments, and the bounding box
//!    of each area goes into an [`rstar::RTree`], bulk-loaded once.
//! 2. Candidate pairs: for each area, the areas whose boxes come within `t`
//!    of its box.
//! 3. Exact test per candidate pair (in parallel with rayon): each area keeps
//!    only its segments near the other's box; the two short lists are sorted
//!    by `x` and swept to find segment pairs whose boxes come within `t`;
//!    those pairs get the exact segment–segment test (queen stops at the first
//!    hit; rook adds up, per segment, the union of the parameter intervals
//!    lying within `t` of the other area's segments).
//!
//! Results are sorted, so the output does not depend on the thread count.

use std::ops::ControlFlow;

use anyhow::{Result, bail};
use geo::{Coord, Intersects, Line, MultiPolygon};
use petgraph::graph::UnGraph;
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};
use serde::Serialize;

use crate::model::{AreaId, Shape};

/// Contiguity rule: any shared point (queen) or a shared stretch of boundary
/// (rook). See the module documentation for the exact definitions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Contiguity {
    /// Boundaries come within the tolerance anywhere (a point is enough).
    Queen,
    /// Boundaries run within the tolerance of each other for a length.
    Rook,
}

/// How [`build_adjacency`] decides that two areas are neighbours.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct AdjacencyOptions {
    /// Queen or rook.
    pub rule: Contiguity,
    /// Snap tolerance in metres: boundaries this close count as touching.
    pub tolerance_m: f64,
}

impl Default for AdjacencyOptions {
    /// Queen with a 1 m snap tolerance (the product default).
    fn default() -> Self {
        AdjacencyOptions {
            rule: Contiguity::Queen,
            tolerance_m: 1.0,
        }
    }
}

/// Rook needs more than this many tolerances of shared boundary (see the
/// module documentation for why 3).
pub const ROOK_MIN_SHARED_TOLERANCES: f64 = 3.0;
/// Rook needs at least this much shared boundary whatever the tolerance
/// (1 mm), so that a tolerance of 0 still rejects point contacts.
pub const ROOK_MIN_SHARED_FLOOR_M: f64 = 0.001;

impl AdjacencyOptions {
    /// Reject a tolerance that is negative, NaN or infinite, naming the value.
    pub fn validate(&self) -> Result<()> {
        if !self.tolerance_m.is_finite() || self.tolerance_m < 0.0 {
            bail!(
                "adjacency tolerance must be a finite number of metres >= 0, got {}",
                self.tolerance_m
            );
        }
        Ok(())
    }

    /// The tolerance actually used: `tolerance_m`, or 0 when it is negative
    /// or not finite.
    pub fn effective_tolerance_m(&self) -> f64 {
        if self.tolerance_m.is_finite() && self.tolerance_m > 0.0 {
            self.tolerance_m
        } else {
            0.0
        }
    }

    /// Minimum shared boundary length for rook neighbours:
    /// `max(3 × tolerance, 1 mm)`.
    pub fn rook_min_shared_m(&self) -> f64 {
        (ROOK_MIN_SHARED_TOLERANCES * self.effective_tolerance_m()).max(ROOK_MIN_SHARED_FLOOR_M)
    }
}

/// Neighbour lists of every area, indexed by [`AreaId`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Adjacency {
    /// neighbours[i] = sorted, deduplicated AreaIds adjacent to area i (never i itself)
    pub neighbours: Vec<Vec<AreaId>>,
}

impl Adjacency {
    /// An adjacency of `n_areas` areas with no links.
    pub fn empty(n_areas: usize) -> Self {
        Adjacency {
            neighbours: vec![Vec::new(); n_areas],
        }
    }

    /// Number of areas.
    pub fn len(&self) -> usize {
        self.neighbours.len()
    }

    /// True when there are no areas at all.
    pub fn is_empty(&self) -> bool {
        self.neighbours.is_empty()
    }

    /// Areas with no neighbour, sorted.
    pub fn islands(&self) -> Vec<AreaId> {
        self.neighbours
            .iter()
            .enumerate()
            .filter(|(_, n)| n.is_empty())
            .map(|(i, _)| AreaId::from_idx(i))
            .collect()
    }

    /// Every neighbour pair once, as `(a, b)` with `a < b`, sorted.
    pub fn pairs(&self) -> Vec<(AreaId, AreaId)> {
        let mut out = Vec::new();
        for (i, ns) in self.neighbours.iter().enumerate() {
            let a = AreaId::from_idx(i);
            out.extend(ns.iter().filter(|&&b| b > a).map(|&b| (a, b)));
        }
        out
    }

    /// True when `a` and `b` are neighbours (false for unknown ids).
    pub fn are_neighbours(&self, a: AreaId, b: AreaId) -> bool {
        self.neighbours
            .get(a.idx())
            .is_some_and(|ns| ns.binary_search(&b).is_ok())
    }

    /// Add an explicit link (a bridge or ferry) between `a` and `b`, keeping
    /// both lists sorted and deduplicated. A self-link, or a link naming an
    /// area outside the adjacency, is ignored: use [`Adjacency::try_add_link`]
    /// for links read from user input.
    pub fn add_link(&mut self, a: AreaId, b: AreaId) {
        // Ignoring is the documented behaviour of this variant.
        let _ = self.try_add_link(a, b);
    }

    /// Add an explicit link between `a` and `b`; an error (naming the ids)
    /// for a self-link or an id outside `0..len()`.
    pub fn try_add_link(&mut self, a: AreaId, b: AreaId) -> Result<()> {
        let n = self.neighbours.len();
        if a.idx() >= n || b.idx() >= n {
            bail!(
                "link {} - {} names an area outside the {} areas",
                a.0,
                b.0,
                n
            );
        }
        if a == b {
            bail!("link {} - {} joins an area to itself", a.0, b.0);
        }
        for (from, to) in [(a, b), (b, a)] {
            let list = &mut self.neighbours[from.idx()];
            if let Err(pos) = list.binary_search(&to) {
                list.insert(pos, to);
            }
        }
        Ok(())
    }

    /// The adjacency as a petgraph graph: node index `i` holds `AreaId(i)`,
    /// one undirected edge per pair, added in [`Adjacency::pairs`] order.
    pub fn to_graph(&self) -> UnGraph<AreaId, ()> {
        let pairs = self.pairs();
        let mut g = UnGraph::with_capacity(self.neighbours.len(), pairs.len());
        for i in 0..self.neighbours.len() {
            g.add_node(AreaId::from_idx(i));
        }
        for (a, b) in pairs {
            g.add_edge(
                petgraph::graph::NodeIndex::new(a.idx()),
                petgraph::graph::NodeIndex::new(b.idx()),
                (),
            );
        }
        g
    }
}

/// Build the adjacency of `geoms` (BNG metres; area `i` is `geoms[i]`) under
/// `opts`. See the module documentation for the rules and the method.
pub fn build_adjacency(geoms: &[impl Shape], opts: &AdjacencyOptions) -> Adjacency {
    let tol_m = opts.effective_tolerance_m();
    let bounds = Boundaries::new(geoms);
    let n = geoms.len();

    let items: Vec<GeomWithData<Rectangle<[f64; 2]>, u32>> = bounds
        .bbox
        .iter()
        .enumerate()
        .filter_map(|(i, b)| {
            b.map(|b| {
                GeomWithData::new(
                    Rectangle::from_corners([b.min_x, b.min_y], [b.max_x, b.max_y]),
                    i as u32,
                )
            })
        })
        .collect();
    let tree = RTree::bulk_load(items);

    // Candidate pairs (i, j), i < j, in sorted order.
    let candidates: Vec<(u32, u32)> = (0..n)
        .into_par_iter()
        .map(|i| {
            let Some(b) = bounds.bbox[i] else {
                return Vec::new();
            };
            let q = b.expand(tol_m);
            let mut js: Vec<u32> = tree
                .locate_in_envelope_intersecting(&AABB::from_corners(
                    [q.min_x, q.min_y],
                    [q.max_x, q.max_y],
                ))
                .map(|g| g.data)
                .filter(|&j| j as usize > i)
                .collect();
            js.sort_unstable();
            js.into_iter().map(|j| (i as u32, j)).collect::<Vec<_>>()
        })
        .flatten()
        .collect();

    let hits: Vec<(u32, u32)> = candidates
        .into_par_iter()
        .map_init(Scratch::default, |sc, (i, j)| {
            bounds
                .pair_adjacent(i as usize, j as usize, opts, sc)
                .then_some((i, j))
        })
        .flatten()
        .collect();

    let mut adj = Adjacency::empty(n);
    for (i, j) in hits {
        adj.neighbours[i as usize].push(AreaId(j));
        adj.neighbours[j as usize].push(AreaId(i));
    }
    for ns in &mut adj.neighbours {
        ns.sort_unstable();
        ns.dedup();
    }
    adj
}

/// Smallest distance in metres between the boundaries of `a` and `b`
/// (0 when they touch or cross), or `None` when either has no finite
/// boundary segment. Brute force over all segment pairs: meant for
/// explaining single results, not for bulk use.
pub fn boundary_gap_m(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> Option<f64> {
    let sa = area_segments(a);
    let sb = area_segments(b);
    let mut best: Option<f64> = None;
    for s in &sa {
        for t in &sb {
            let d = segment_distance_m(*s, *t);
            best = Some(best.map_or(d, |x| x.min(d)));
        }
    }
    best
}

/// Length in metres of `a`'s boundary lying within `tolerance_m` of `b`'s
/// boundary, and the same for `b` against `a`: the two quantities the rook
/// rule compares with [`AdjacencyOptions::rook_min_shared_m`]. For explaining
/// single results.
pub fn shared_boundary_length_m(
    a: &MultiPolygon<f64>,
    b: &MultiPolygon<f64>,
    tolerance_m: f64,
) -> (f64, f64) {
    let opts = AdjacencyOptions {
        rule: Contiguity::Rook,
        tolerance_m,
    };
    let bounds = Boundaries::new(&[a.clone(), b.clone()]);
    bounds
        .shared_lengths(0, 1, opts.effective_tolerance_m(), &mut Scratch::default())
        .unwrap_or((0.0, 0.0))
}

/// A boundary segment, BNG metres.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Seg {
    a: Coord<f64>,
    b: Coord<f64>,
}

impl Seg {
    fn bbox(&self) -> Bbox {
        Bbox {
            min_x: self.a.x.min(self.b.x),
            min_y: self.a.y.min(self.b.y),
            max_x: self.a.x.max(self.b.x),
            max_y: self.a.y.max(self.b.y),
        }
    }

    fn length_m(&self) -> f64 {
        let d = sub(self.b, self.a);
        dot(d, d).sqrt()
    }
}

/// Axis-aligned box, BNG metres.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Bbox {
    min_x: f64,
    min_y: f64,
    max_x: f64,
    max_y: f64,
}

impl Bbox {
    fn expand(self, by_m: f64) -> Bbox {
        Bbox {
            min_x: self.min_x - by_m,
            min_y: self.min_y - by_m,
            max_x: self.max_x + by_m,
            max_y: self.max_y + by_m,
        }
    }

    fn union(self, o: Bbox) -> Bbox {
        Bbox {
            min_x: self.min_x.min(o.min_x),
            min_y: self.min_y.min(o.min_y),
            max_x: self.max_x.max(o.max_x),
            max_y: self.max_y.max(o.max_y),
        }
    }

    /// Inclusive: boxes that only touch intersect.
    fn intersects(&self, o: &Bbox) -> bool {
        self.min_x <= o.max_x
            && o.min_x <= self.max_x
            && self.min_y <= o.max_y
            && o.min_y <= self.max_y
    }
}

/// Every ring segment of a multipolygon with finite coordinates, in ring
/// order (exteriors and holes alike).
fn area_segments(mp: &MultiPolygon<f64>) -> Vec<Seg> {
    let mut out = Vec::new();
    for_each_segment(mp, |s| out.push(s));
    out
}

/// Calls `f` on every ring segment with finite coordinates, in ring order.
fn for_each_segment(mp: &MultiPolygon<f64>, mut f: impl FnMut(Seg)) {
    for poly in mp {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            for line in ring.lines() {
                let s = Seg {
                    a: line.start,
                    b: line.end,
                };
                if s.a.x.is_finite() && s.a.y.is_finite() && s.b.x.is_finite() && s.b.y.is_finite()
                {
                    f(s);
                }
            }
        }
    }
}

/// The boundary segments of all areas, flattened: area `i` owns
/// `segs[start[i]..start[i + 1]]`.
struct Boundaries {
    segs: Vec<Seg>,
    start: Vec<usize>,
    /// Bounding box of each area's segments; `None` when it has none.
    bbox: Vec<Option<Bbox>>,
}

/// A segment's box (already expanded where the sweep needs it) and the
/// segment's index in [`Boundaries::segs`].
#[derive(Clone, Copy, Debug)]
struct SegBox {
    bbox: Bbox,
    seg: u32,
}

/// A parameter interval `[lo, hi]` ⊆ `[0, 1]` along segment `seg`.
#[derive(Clone, Copy, Debug)]
struct Covered {
    seg: u32,
    lo: f64,
    hi: f64,
}

impl Boundaries {
    fn new(geoms: &[impl Shape]) -> Self {
        // Count, then fill one preallocated vector in parallel (one slice
        // per area): no per-area vectors to allocate and copy.
        let counts: Vec<usize> = geoms
            .par_iter()
            .map(|g| {
                let mut n = 0;
                for_each_segment(g.shape(), |_| n += 1);
                n
            })
            .collect();
        let mut start = Vec::with_capacity(geoms.len() + 1);
        let mut total = 0;
        for c in &counts {
            start.push(total);
            total += c;
        }
        start.push(total);
        let zero = Coord { x: 0.0, y: 0.0 };
        let mut segs = vec![Seg { a: zero, b: zero }; total];
        let mut slices: Vec<&mut [Seg]> = Vec::with_capacity(geoms.len());
        let mut rest = segs.as_mut_slice();
        for &c in &counts {
            let (head, tail) = rest.split_at_mut(c);
            slices.push(head);
            rest = tail;
        }
        let bbox: Vec<Option<Bbox>> = slices
            .into_par_iter()
            .zip(geoms.par_iter())
            .map(|(slice, g)| {
                let mut k = 0;
                let mut bbox: Option<Bbox> = None;
                for_each_segment(g.shape(), |s| {
                    // Same segments as counted above, so k stays in bounds.
                    if let Some(slot) = slice.get_mut(k) {
                        *slot = s;
                    }
                    k += 1;
                    bbox = Some(bbox.map_or(s.bbox(), |b| b.union(s.bbox())));
                });
                bbox
            })
            .collect();
        Boundaries { segs, start, bbox }
    }

    /// Put into `out` the boxes of area `i`'s segments that intersect
    /// `near`, each expanded by `grow_m`, sorted by `min_x` (ties by segment
    /// index).
    fn boxes_near(&self, i: usize, near: &Bbox, grow_m: f64, out: &mut Vec<SegBox>) {
        out.clear();
        out.extend((self.start[i]..self.start[i + 1]).filter_map(|k| {
            let b = self.segs[k].bbox();
            b.intersects(near).then_some(SegBox {
                bbox: b.expand(grow_m),
                seg: k as u32,
            })
        }));
        out.sort_unstable_by(|p, q| {
            p.bbox
                .min_x
                .total_cmp(&q.bbox.min_x)
                .then(p.seg.cmp(&q.seg))
        });
    }

    /// Fill `sc.on_i` and `sc.on_j`, the two segment lists the exact test
    /// needs for areas `i` and `j`: `i`'s segments near `j` (boxes grown by
    /// the tolerance) and `j`'s near `i`. False when either list is empty.
    fn near_lists(&self, i: usize, j: usize, tol_m: f64, sc: &mut Scratch) -> bool {
        let (Some(bi), Some(bj)) = (self.bbox[i], self.bbox[j]) else {
            return false;
        };
        self.boxes_near(i, &bj.expand(tol_m), tol_m, &mut sc.on_i);
        if sc.on_i.is_empty() {
            return false;
        }
        self.boxes_near(j, &bi.expand(tol_m), 0.0, &mut sc.on_j);
        !sc.on_j.is_empty()
    }

    fn pair_adjacent(&self, i: usize, j: usize, opts: &AdjacencyOptions, sc: &mut Scratch) -> bool {
        let tol_m = opts.effective_tolerance_m();
        match opts.rule {
            Contiguity::Queen => {
                if !self.near_lists(i, j, tol_m, sc) {
                    return false;
                }
                sweep(&sc.on_i, &sc.on_j, |si, sj| {
                    if segments_within(self.segs[si as usize], self.segs[sj as usize], tol_m) {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(())
                    }
                })
                .is_break()
            }
            Contiguity::Rook => {
                let min_m = opts.rook_min_shared_m();
                self.shared_lengths(i, j, tol_m, sc)
                    .is_some_and(|(l_ij, l_ji)| l_ij > min_m && l_ji > min_m)
            }
        }
    }

    /// `(L(i→j), L(j→i))`: length of each boundary within `tol_m` of the
    /// other. `None` when no segment boxes come within the tolerance.
    fn shared_lengths(
        &self,
        i: usize,
        j: usize,
        tol_m: f64,
        sc: &mut Scratch,
    ) -> Option<(f64, f64)> {
        if !self.near_lists(i, j, tol_m, sc) {
            return None;
        }
        let Scratch {
            on_i,
            on_j,
            cov_i,
            cov_j,
        } = sc;
        cov_i.clear();
        cov_j.clear();
        let _ = sweep(on_i, on_j, |si, sj| {
            let (s, t) = (self.segs[si as usize], self.segs[sj as usize]);
            if (s.a == t.a && s.b == t.b) || (s.a == t.b && s.b == t.a) {
                // The same edge on both sides (the usual case for areas cut
                // from one boundary set): both are wholly within any tolerance.
                cov_i.push(Covered {
                    seg: si,
                    lo: 0.0,
                    hi: 1.0,
                });
                cov_j.push(Covered {
                    seg: sj,
                    lo: 0.0,
                    hi: 1.0,
                });
                return ControlFlow::Continue(());
            }
            if let Some((lo, hi)) = near_interval(s, t, tol_m) {
                cov_i.push(Covered { seg: si, lo, hi });
            }
            if let Some((lo, hi)) = near_interval(t, s, tol_m) {
                cov_j.push(Covered { seg: sj, lo, hi });
            }
            ControlFlow::<()>::Continue(())
        });
        Some((self.covered_length_m(cov_i), self.covered_length_m(cov_j)))
    }

    /// Total length of the union of the intervals, per segment.
    fn covered_length_m(&self, cov: &mut [Covered]) -> f64 {
        cov.sort_unstable_by(|p, q| p.seg.cmp(&q.seg).then(p.lo.total_cmp(&q.lo)));
        let mut total_m = 0.0;
        let mut k = 0;
        while k < cov.len() {
            let seg = cov[k].seg;
            let mut covered = 0.0;
            let (mut lo, mut hi) = (cov[k].lo, cov[k].hi);
            k += 1;
            while k < cov.len() && cov[k].seg == seg {
                if cov[k].lo > hi {
                    covered += hi - lo;
                    lo = cov[k].lo;
                }
                hi = hi.max(cov[k].hi);
                k += 1;
            }
            covered += hi - lo;
            total_m += covered * self.segs[seg as usize].length_m();
        }
        total_m
    }
}

/// Per-thread buffers for the exact pair tests, reused across pairs.
#[derive(Default)]
struct Scratch {
    on_i: Vec<SegBox>,
    on_j: Vec<SegBox>,
    cov_i: Vec<Covered>,
    cov_j: Vec<Covered>,
}

/// Sort-and-sweep over two lists of boxes sorted by `min_x`: calls `visit`
/// once for every pair (one box from each list) whose boxes intersect, until
/// it breaks.
fn sweep(
    a: &[SegBox],
    b: &[SegBox],
    mut visit: impl FnMut(u32, u32) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let (mut ia, mut ib) = (0, 0);
    while ia < a.len() && ib < b.len() {
        if a[ia].bbox.min_x <= b[ib].bbox.min_x {
            let p = &a[ia];
            for q in &b[ib..] {
                if q.bbox.min_x > p.bbox.max_x {
                    break;
                }
                if q.bbox.min_y <= p.bbox.max_y && p.bbox.min_y <= q.bbox.max_y {
                    visit(p.seg, q.seg)?;
                }
            }
            ia += 1;
        } else {
            let q = &b[ib];
            for p in &a[ia..] {
                if p.bbox.min_x > q.bbox.max_x {
                    break;
                }
                if q.bbox.min_y <= p.bbox.max_y && p.bbox.min_y <= q.bbox.max_y {
                    visit(p.seg, q.seg)?;
                }
            }
            ib += 1;
        }
    }
    ControlFlow::Continue(())
}

fn sub(p: Coord<f64>, q: Coord<f64>) -> Coord<f64> {
    Coord {
        x: p.x - q.x,
        y: p.y - q.y,
    }
}

fn dot(p: Coord<f64>, q: Coord<f64>) -> f64 {
    p.x * q.x + p.y * q.y
}

fn cross(p: Coord<f64>, q: Coord<f64>) -> f64 {
    p.x * q.y - p.y * q.x
}

/// Squared distance from `p` to segment `s`.
fn point_segment_dist2(p: Coord<f64>, s: Seg) -> f64 {
    let d = sub(s.b, s.a);
    let w = sub(p, s.a);
    let len2 = dot(d, d);
    let t = if len2 > 0.0 {
        (dot(w, d) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let e = Coord {
        x: w.x - t * d.x,
        y: w.y - t * d.y,
    };
    dot(e, e)
}

/// Distance between two segments (0 when they touch or cross).
fn segment_distance_m(s: Seg, t: Seg) -> f64 {
    if Line::new(s.a, s.b).intersects(&Line::new(t.a, t.b)) {
        return 0.0;
    }
    point_segment_dist2(s.a, t)
        .min(point_segment_dist2(s.b, t))
        .min(point_segment_dist2(t.a, s))
        .min(point_segment_dist2(t.b, s))
        .sqrt()
}

/// True when segments `s` and `t` come within `tol_m` of each other. The
/// touch/cross case uses robust predicates, so `tol_m = 0` is exact.
fn segments_within(s: Seg, t: Seg, tol_m: f64) -> bool {
    if tol_m > 0.0 {
        let tol2 = tol_m * tol_m;
        if point_segment_dist2(s.a, t) <= tol2
            || point_segment_dist2(s.b, t) <= tol2
            || point_segment_dist2(t.a, s) <= tol2
            || point_segment_dist2(t.b, s) <= tol2
        {
            return true;
        }
    }
    Line::new(s.a, s.b).intersects(&Line::new(t.a, t.b))
}

/// Narrow `[lo, hi]` to the `u` with `c0 + c1 u` in `[m_lo, m_hi]`; false
/// when it becomes empty.
fn clip(lo: &mut f64, hi: &mut f64, c0: f64, c1: f64, m_lo: f64, m_hi: f64) -> bool {
    if c1 == 0.0 {
        return c0 >= m_lo && c0 <= m_hi;
    }
    let (u0, u1) = ((m_lo - c0) / c1, (m_hi - c0) / c1);
    let (u0, u1) = if u0 <= u1 { (u0, u1) } else { (u1, u0) };
    *lo = lo.max(u0);
    *hi = hi.min(u1);
    *lo <= *hi
}

/// The part of segment `s` within `tol_m` of segment `t`, as a parameter
/// interval `[lo, hi]` ⊆ `[0, 1]` along `s` (`p(u) = s.a + u (s.b − s.a)`).
/// The points within `tol_m` of `t` form a convex "stadium" (a rectangle
/// along `t` plus a disc at each end), so the answer is one interval: the
/// hull of the line's intervals in the three pieces. `None` when empty or
/// when `s` has zero length (it then covers no length).
fn near_interval(s: Seg, t: Seg, tol_m: f64) -> Option<(f64, f64)> {
    let d = sub(s.b, s.a);
    let dd = dot(d, d);
    if dd <= 0.0 {
        return None;
    }
    let mut best: Option<(f64, f64)> = None;
    let mut take = |lo: f64, hi: f64| {
        let (lo, hi) = (lo.max(0.0), hi.min(1.0));
        if lo <= hi {
            best = Some(match best {
                None => (lo, hi),
                Some((a, b)) => (a.min(lo), b.max(hi)),
            });
        }
    };
    // Rectangle: 0 ≤ (p − t.a)·e ≤ |e|² and |e × (p − t.a)| ≤ tol |e|.
    let e = sub(t.b, t.a);
    let ee = dot(e, e);
    let w = sub(s.a, t.a);
    if ee > 0.0 {
        let (mut lo, mut hi) = (0.0, 1.0);
        let half_width = tol_m * ee.sqrt();
        if clip(&mut lo, &mut hi, dot(w, e), dot(d, e), 0.0, ee)
            && clip(
                &mut lo,
                &mut hi,
                cross(e, w),
                cross(e, d),
                -half_width,
                half_width,
            )
        {
            take(lo, hi);
        }
    }
    // Discs of radius tol at both ends of t: |w_c + u d|² ≤ tol².
    if tol_m > 0.0 {
        for c in [t.a, t.b] {
            let wc = sub(s.a, c);
            let half_b = dot(wc, d);
            let disc = half_b * half_b - dd * (dot(wc, wc) - tol_m * tol_m);
            if disc >= 0.0 {
                let r = disc.sqrt();
                take((-half_b - r) / dd, (-half_b + r) / dd);
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Distance, Euclidean, LineString, Polygon, coord};

    const Q0: AdjacencyOptions = AdjacencyOptions {
        rule: Contiguity::Queen,
        tolerance_m: 0.0,
    };
    const Q1: AdjacencyOptions = AdjacencyOptions {
        rule: Contiguity::Queen,
        tolerance_m: 1.0,
    };
    const R0: AdjacencyOptions = AdjacencyOptions {
        rule: Contiguity::Rook,
        tolerance_m: 0.0,
    };
    const R1: AdjacencyOptions = AdjacencyOptions {
        rule: Contiguity::Rook,
        tolerance_m: 1.0,
    };
    const ALL4: [AdjacencyOptions; 4] = [Q0, Q1, R0, R1];

    fn ring(pts: &[(f64, f64)]) -> LineString<f64> {
        LineString::from(pts.to_vec())
    }

    /// Axis-aligned square with lower-left corner (x, y) and side `size_m`.
    fn square(x: f64, y: f64, size_m: f64) -> Polygon<f64> {
        rect(x, y, x + size_m, y + size_m)
    }

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
        Polygon::new(ring(&[(x0, y0), (x1, y0), (x1, y1), (x0, y1)]), vec![])
    }

    fn mp(p: Polygon<f64>) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![p])
    }

    fn ids(v: &[u32]) -> Vec<AreaId> {
        v.iter().map(|&i| AreaId(i)).collect()
    }

    /// 3×3 grid of 1000 m squares; area r*3+c has lower-left (1000c, 1000r):
    /// ```text
    ///  6 7 8
    ///  3 4 5
    ///  0 1 2
    /// ```
    fn grid3() -> Vec<MultiPolygon<f64>> {
        (0..9)
            .map(|k| {
                mp(square(
                    1000.0 * (k % 3) as f64,
                    1000.0 * (k / 3) as f64,
                    1000.0,
                ))
            })
            .collect()
    }

    #[test]
    fn grid_3x3_queen_and_rook() {
        let g = grid3();
        for opts in ALL4 {
            let adj = build_adjacency(&g, &opts);
            if opts.rule == Contiguity::Queen {
                // Corner 0 touches 1 and 3 along edges and 4 at the point
                // (1000, 1000): 3 neighbours. The centre touches all 8.
                assert_eq!(adj.neighbours[0], ids(&[1, 3, 4]), "{opts:?}");
                assert_eq!(
                    adj.neighbours[4],
                    ids(&[0, 1, 2, 3, 5, 6, 7, 8]),
                    "{opts:?}"
                );
                assert_eq!(adj.neighbours[1], ids(&[0, 2, 3, 4, 5]), "{opts:?}");
                // 6 horizontal + 6 vertical edge pairs + 2 diagonals in each
                // of the 4 inner corners = 20.
                assert_eq!(adj.pairs().len(), 20, "{opts:?}");
            } else {
                // Rook drops the diagonal (point-only) contacts.
                assert_eq!(adj.neighbours[0], ids(&[1, 3]), "{opts:?}");
                assert_eq!(adj.neighbours[4], ids(&[1, 3, 5, 7]), "{opts:?}");
                assert_eq!(adj.neighbours[8], ids(&[5, 7]), "{opts:?}");
                // 6 horizontal + 6 vertical shared edges.
                assert_eq!(adj.pairs().len(), 12, "{opts:?}");
            }
            assert!(adj.islands().is_empty());
        }
    }

    #[test]
    fn checkerboard_corner_is_queen_not_rook() {
        // A = [0,1000]², B = [1000,2000]²: only the point (1000,1000) is shared.
        let g = vec![
            mp(square(0.0, 0.0, 1000.0)),
            mp(square(1000.0, 1000.0, 1000.0)),
        ];
        for opts in [Q0, Q1] {
            assert_eq!(
                build_adjacency(&g, &opts).pairs(),
                vec![(AreaId(0), AreaId(1))]
            );
        }
        for opts in [R0, R1] {
            assert!(build_adjacency(&g, &opts).pairs().is_empty(), "{opts:?}");
        }
        // With t = 1 m, A's edges x=1000 (y in [999,1000]) and y=1000 (x in
        // [999,1000]) lie within 1 m of B's corner: L = 2 m each way, below
        // the rook minimum of 3 m.
        let (l_ab, l_ba) = shared_boundary_length_m(&g[0], &g[1], 1.0);
        assert!(
            (l_ab - 2.0).abs() < 1e-9 && (l_ba - 2.0).abs() < 1e-9,
            "{l_ab} {l_ba}"
        );
        // Even with 10 m tolerance: L = 20 m < 30 m.
        let r10 = AdjacencyOptions {
            rule: Contiguity::Rook,
            tolerance_m: 10.0,
        };
        assert!(build_adjacency(&g, &r10).pairs().is_empty());
    }

    #[test]
    fn half_metre_gap_needs_tolerance() {
        // B starts 0.5 m to the right of A's right edge, same height.
        let g = vec![
            mp(rect(0.0, 0.0, 1000.0, 1000.0)),
            mp(rect(1000.5, 0.0, 2000.0, 1000.0)),
        ];
        for opts in [Q0, R0] {
            assert!(build_adjacency(&g, &opts).pairs().is_empty(), "{opts:?}");
        }
        for opts in [Q1, R1] {
            assert_eq!(
                build_adjacency(&g, &opts).pairs(),
                vec![(AreaId(0), AreaId(1))]
            );
        }
        // 0.4 m is not enough.
        for rule in [Contiguity::Queen, Contiguity::Rook] {
            let opts = AdjacencyOptions {
                rule,
                tolerance_m: 0.4,
            };
            assert!(build_adjacency(&g, &opts).pairs().is_empty());
        }
        // L(A→B) at 1 m: A's right edge (1000 m, 0.5 m from B's left edge)
        // plus the last 0.5 m of its top and bottom edges: a point (x, 1000)
        // is 1000.5 − x from B's corner (1000.5, 1000), within 1 m for
        // x ≥ 999.5. Total 1001 m; the same for B by symmetry.
        let (l_ab, l_ba) = shared_boundary_length_m(&g[0], &g[1], 1.0);
        let want = 1001.0;
        assert!(
            (l_ab - want).abs() < 1e-6 && (l_ba - want).abs() < 1e-6,
            "{l_ab} {l_ba}"
        );
        assert_eq!(boundary_gap_m(&g[0], &g[1]), Some(0.5));
    }

    #[test]
    fn island_and_enclave() {
        // 0 and 1 side by side; 2 is 100 km away; 3 is a ring [0,3000]²
        // around the hole [1000,2000]² placed at x + 10 km, and 4 fills the
        // hole exactly; 5 sits strictly inside 3's solid part without
        // touching any boundary (overlap is not adjacency: boundaries only).
        let ring_with_hole = Polygon::new(
            ring(&[
                (10_000.0, 0.0),
                (13_000.0, 0.0),
                (13_000.0, 3000.0),
                (10_000.0, 3000.0),
            ]),
            vec![ring(&[
                (11_000.0, 1000.0),
                (12_000.0, 1000.0),
                (12_000.0, 2000.0),
                (11_000.0, 2000.0),
            ])],
        );
        let g = vec![
            mp(square(0.0, 0.0, 1000.0)),
            mp(square(1000.0, 0.0, 1000.0)),
            mp(square(100_000.0, 0.0, 1000.0)),
            mp(ring_with_hole),
            mp(square(11_000.0, 1000.0, 1000.0)),
            mp(square(10_200.0, 200.0, 500.0)),
        ];
        for opts in ALL4 {
            let adj = build_adjacency(&g, &opts);
            assert_eq!(
                adj.pairs(),
                vec![(AreaId(0), AreaId(1)), (AreaId(3), AreaId(4))],
                "{opts:?}"
            );
            assert_eq!(adj.islands(), ids(&[2, 5]), "{opts:?}");
        }
    }

    #[test]
    fn multipolygon_parts_and_t_junctions() {
        // Area 0 has two parts, [0,1000]×[0,1000] and [5000,6000]×[0,1000].
        // Area 1 = [6000,7000]×[0,1000] touches the second part, area 2 =
        // [1000,2000]×[0,1000] the first; 1 and 2 are far apart.
        let a0 = MultiPolygon::new(vec![square(0.0, 0.0, 1000.0), square(5000.0, 0.0, 1000.0)]);
        let g = vec![
            a0,
            mp(square(6000.0, 0.0, 1000.0)),
            mp(square(1000.0, 0.0, 1000.0)),
        ];
        for opts in ALL4 {
            let adj = build_adjacency(&g, &opts);
            assert_eq!(adj.neighbours[0], ids(&[1, 2]), "{opts:?}");
            assert_eq!(adj.pairs().len(), 2, "{opts:?}");
        }

        // T-junction: 0 = [0,1000]×[0,2000] has vertices only at its four
        // corners; 1 = [1000,2000]×[0,1000] and 2 = [1000,2000]×[1000,2000]
        // put a vertex at (1000,1000) in the middle of 0's right edge. No
        // edge is shared vertex for vertex, yet 0–1, 0–2 (1000 m each) and
        // 1–2 (the edge y=1000) are rook neighbours.
        let g = vec![
            mp(rect(0.0, 0.0, 1000.0, 2000.0)),
            mp(square(1000.0, 0.0, 1000.0)),
            mp(square(1000.0, 1000.0, 1000.0)),
        ];
        for opts in ALL4 {
            let adj = build_adjacency(&g, &opts);
            assert_eq!(
                adj.pairs(),
                vec![
                    (AreaId(0), AreaId(1)),
                    (AreaId(0), AreaId(2)),
                    (AreaId(1), AreaId(2))
                ],
                "{opts:?}"
            );
        }
        // Vertices that never line up: 3's left edge runs from (1000,300)
        // to (1000,1700) with an extra vertex at (1000,900); 0's right edge
        // has none of these. Shared length 1400 m.
        let three = Polygon::new(
            ring(&[
                (1000.0, 300.0),
                (1500.0, 300.0),
                (1500.0, 1700.0),
                (1000.0, 1700.0),
                (1000.0, 900.0),
            ]),
            vec![],
        );
        let g = vec![mp(rect(0.0, 0.0, 1000.0, 2000.0)), mp(three)];
        for opts in ALL4 {
            assert_eq!(build_adjacency(&g, &opts).pairs().len(), 1, "{opts:?}");
        }
        let (l_ab, l_ba) = shared_boundary_length_m(&g[0], &g[1], 0.0);
        assert!(
            (l_ab - 1400.0).abs() < 1e-9 && (l_ba - 1400.0).abs() < 1e-9,
            "{l_ab} {l_ba}"
        );
    }

    #[test]
    fn empty_geometry_and_bad_tolerance() {
        let g = vec![MultiPolygon::new(vec![]), mp(square(0.0, 0.0, 1.0))];
        let adj = build_adjacency(&g, &Q1);
        assert_eq!(adj.islands(), ids(&[0, 1]));
        assert!(build_adjacency(&[] as &[MultiPolygon<f64>], &Q1).is_empty());
        let nan = AdjacencyOptions {
            rule: Contiguity::Queen,
            tolerance_m: f64::NAN,
        };
        assert!(nan.validate().is_err());
        assert_eq!(nan.effective_tolerance_m(), 0.0);
        assert!(AdjacencyOptions::default().validate().is_ok());
        // NaN coordinates are skipped, not a panic.
        let bad = mp(Polygon::new(
            ring(&[(0.0, 0.0), (f64::NAN, 0.0), (1.0, 1.0)]),
            vec![],
        ));
        let _ = build_adjacency(&[bad, mp(square(0.0, 0.0, 1.0))], &nan);
    }

    #[test]
    fn links_and_graph() {
        let g = grid3();
        let mut adj = build_adjacency(&g, &R0);
        adj.add_link(AreaId(0), AreaId(8));
        adj.add_link(AreaId(8), AreaId(0)); // duplicate: no change
        adj.add_link(AreaId(2), AreaId(2)); // self: ignored
        adj.add_link(AreaId(2), AreaId(99)); // out of range: ignored
        assert!(adj.try_add_link(AreaId(2), AreaId(99)).is_err());
        assert_eq!(adj.neighbours[0], ids(&[1, 3, 8]));
        assert_eq!(adj.neighbours[8], ids(&[0, 5, 7]));
        assert!(adj.are_neighbours(AreaId(8), AreaId(0)));
        let graph = adj.to_graph();
        assert_eq!(graph.node_count(), 9);
        assert_eq!(graph.edge_count(), 13);
        assert_eq!(graph[petgraph::graph::NodeIndex::new(4)], AreaId(4));
    }

    /// Tiny deterministic generator (SplitMix64) for the random tests.
    struct Rng(u64);
    impl Rng {
        fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn unit(&mut self) -> f64 {
            (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
        }
        fn range(&mut self, lo: f64, hi: f64) -> f64 {
            lo + (hi - lo) * self.unit()
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next_u64() % n
        }
    }

    #[test]
    fn near_interval_matches_sampling() {
        // The interval must contain every sampled point of s clearly within
        // tol of t and no point clearly beyond it.
        let mut rng = Rng(7);
        for _ in 0..2000 {
            let mut pt = || coord! { x: rng.range(0.0, 20.0), y: rng.range(0.0, 20.0) };
            let s = Seg { a: pt(), b: pt() };
            let t = Seg { a: pt(), b: pt() };
            let tol = rng.range(0.0, 5.0);
            let iv = near_interval(s, t, tol);
            for k in 0..=400 {
                let u = k as f64 / 400.0;
                let p = coord! { x: s.a.x + u * (s.b.x - s.a.x), y: s.a.y + u * (s.b.y - s.a.y) };
                let d = point_segment_dist2(p, t).sqrt();
                let inside = iv.is_some_and(|(lo, hi)| u >= lo - 1e-9 && u <= hi + 1e-9);
                if d < tol - 1e-6 {
                    assert!(inside, "s={s:?} t={t:?} tol={tol} u={u} d={d} iv={iv:?}");
                } else if d > tol + 1e-6 {
                    assert!(!inside, "s={s:?} t={t:?} tol={tol} u={u} d={d} iv={iv:?}");
                }
            }
        }
    }

    /// Brute-force reference: every pair of areas, every pair of segments, no
    /// index, no filtering. Queen uses geo's segment distance; rook unions,
    /// per segment, the intervals within tol of any segment of the other area.
    fn reference(geoms: &[MultiPolygon<f64>], opts: &AdjacencyOptions) -> Adjacency {
        let tol = opts.effective_tolerance_m();
        let segs: Vec<Vec<Seg>> = geoms.iter().map(area_segments).collect();
        let covered = |a: &[Seg], b: &[Seg]| -> f64 {
            let mut total = 0.0;
            for s in a {
                let mut ivs: Vec<(f64, f64)> = b
                    .iter()
                    .filter_map(|t| near_interval(*s, *t, tol))
                    .collect();
                ivs.sort_by(|p, q| p.0.total_cmp(&q.0));
                let mut len = 0.0;
                let mut cur: Option<(f64, f64)> = None;
                for (lo, hi) in ivs {
                    cur = match cur {
                        Some((a, b)) if lo <= b => Some((a, b.max(hi))),
                        Some((a, b)) => {
                            len += b - a;
                            Some((lo, hi))
                        }
                        None => Some((lo, hi)),
                    };
                }
                if let Some((a, b)) = cur {
                    len += b - a;
                }
                total += len * s.length_m();
            }
            total
        };
        let mut adj = Adjacency::empty(geoms.len());
        for i in 0..geoms.len() {
            for j in i + 1..geoms.len() {
                let hit = match opts.rule {
                    Contiguity::Queen => segs[i].iter().any(|s| {
                        segs[j].iter().any(|t| {
                            Euclidean.distance(&Line::new(s.a, s.b), &Line::new(t.a, t.b)) <= tol
                        })
                    }),
                    Contiguity::Rook => {
                        let min = opts.rook_min_shared_m();
                        covered(&segs[i], &segs[j]) > min && covered(&segs[j], &segs[i]) > min
                    }
                };
                if hit {
                    adj.add_link(AreaId::from_idx(i), AreaId::from_idx(j));
                }
            }
        }
        adj
    }

    /// A jittered grid of 100 m cells: grid vertices are shared (integer
    /// jitter), some cell edges get an extra mid-edge vertex on one side only
    /// (T-junctions), some cells are shrunk (gaps of up to ~3 m), shifted
    /// (overlaps and gaps) or dropped, and some pairs of cells are merged
    /// into two-part areas.
    fn random_grid(rng: &mut Rng) -> Vec<MultiPolygon<f64>> {
        let nx = 3 + rng.below(5) as usize;
        let ny = 3 + rng.below(5) as usize;
        let vx: Vec<Vec<Coord<f64>>> = (0..=ny)
            .map(|r| {
                (0..=nx)
                    .map(|c| {
                        coord! {
                            x: 100.0 * c as f64 + rng.below(41) as f64 - 20.0,
                            y: 100.0 * r as f64 + rng.below(41) as f64 - 20.0,
                        }
                    })
                    .collect()
            })
            .collect();
        let mut polys = Vec::new();
        for r in 0..ny {
            for c in 0..nx {
                if rng.below(10) == 0 {
                    continue;
                }
                let corners = [vx[r][c], vx[r][c + 1], vx[r + 1][c + 1], vx[r + 1][c]];
                let mut pts = Vec::new();
                for k in 0..4 {
                    let (p, q) = (corners[k], corners[(k + 1) % 4]);
                    pts.push(p);
                    if rng.below(4) == 0 {
                        pts.push(coord! { x: (p.x + q.x) / 2.0, y: (p.y + q.y) / 2.0 });
                    }
                }
                match rng.below(6) {
                    0 => {
                        let cx = pts.iter().map(|p| p.x).sum::<f64>() / pts.len() as f64;
                        let cy = pts.iter().map(|p| p.y).sum::<f64>() / pts.len() as f64;
                        let f = rng.range(0.0, 0.06);
                        for p in &mut pts {
                            p.x = cx + (p.x - cx) * (1.0 - f);
                            p.y = cy + (p.y - cy) * (1.0 - f);
                        }
                    }
                    1 => {
                        let (dx, dy) = (rng.range(-2.0, 2.0), rng.range(-2.0, 2.0));
                        for p in &mut pts {
                            p.x += dx;
                            p.y += dy;
                        }
                    }
                    _ => {}
                }
                polys.push(Polygon::new(LineString::from(pts), vec![]));
            }
        }
        let mut out = Vec::new();
        let mut k = 0;
        while k < polys.len() {
            if k + 1 < polys.len() && rng.below(8) == 0 {
                out.push(MultiPolygon::new(vec![
                    polys[k].clone(),
                    polys[k + 1].clone(),
                ]));
                k += 2;
            } else {
                out.push(MultiPolygon::new(vec![polys[k].clone()]));
                k += 1;
            }
        }
        out
    }

    #[test]
    fn fast_matches_brute_force_on_random_grids() {
        let mut rng = Rng(20_240_601);
        let mut pairs_seen = [0usize; 2];
        for case in 0..120 {
            let geoms = random_grid(&mut rng);
            let tolerance_m = [0.0, 0.5, 1.0, 2.5][case % 4];
            for (r, rule) in [Contiguity::Queen, Contiguity::Rook]
                .into_iter()
                .enumerate()
            {
                let opts = AdjacencyOptions { rule, tolerance_m };
                let fast = build_adjacency(&geoms, &opts);
                let slow = reference(&geoms, &opts);
                if fast != slow {
                    let f = fast.pairs();
                    let s = slow.pairs();
                    let extra: Vec<_> = f.iter().filter(|p| !s.contains(p)).collect();
                    let missing: Vec<_> = s.iter().filter(|p| !f.contains(p)).collect();
                    panic!(
                        "case {case} {opts:?}: fast has extra {extra:?}, misses {missing:?}\ngeoms: {geoms:?}"
                    );
                }
                pairs_seen[r] += fast.pairs().len();
            }
        }
        // The generator must produce plenty of both kinds of neighbours.
        assert!(
            pairs_seen[0] > 1000 && pairs_seen[1] > 500,
            "{pairs_seen:?}"
        );
    }

    #[test]
    fn same_result_whatever_the_thread_count() {
        let mut rng = Rng(99);
        let geoms: Vec<MultiPolygon<f64>> = (0..6).flat_map(|_| random_grid(&mut rng)).collect();
        for opts in ALL4 {
            let run = |threads: usize| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap()
                    .install(|| build_adjacency(&geoms, &opts))
            };
            assert_eq!(run(1), run(3), "{opts:?}");
        }
    }
}
