//! Shared-boundary simplification for maps.
//!
//! Footprints that touch share their boundary. Simplifying each footprint
//! on its own would move the two copies of a shared boundary differently
//! and open gaps and overlaps between neighbours. Instead, the rings of all
//! footprints are cut into *arcs* at junctions (points where the set of
//! neighbours changes: triple points, the ends of a shared stretch), each
//! distinct arc is simplified once with Douglas–Peucker (its end points
//! kept), and every ring is rebuilt from its simplified arcs — the idea of
//! TopoJSON. Two neighbours therefore keep exactly the same simplified
//! boundary.
//!
//! Vertices are matched on a 1 cm grid, so the tiny floating-point
//! differences of a dissolve do not split a shared boundary.

use geo::MultiPolygon;
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FxHash's multiply-and-rotate, for the grid keys here: several times
/// faster than the default SipHash on the national map's half a million
/// vertices. The maps below are only looked up, never iterated, so the
/// hash cannot change the output.
#[derive(Clone, Copy, Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_i64(&mut self, v: i64) {
        self.write_u64(v as u64);
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type KeyMap<K, V> = HashMap<K, V, BuildHasherDefault<KeyHasher>>;

/// A point on the 1 cm matching grid (BNG centimetres).
type Key = (i64, i64);

fn key(x: f64, y: f64) -> Key {
    ((x * 100.0).round() as i64, (y * 100.0).round() as i64)
}

fn unkey(k: Key) -> [f64; 2] {
    [k.0 as f64 / 100.0, k.1 as f64 / 100.0]
}

/// A simplified polygon: rings (exterior first) of BNG points, each closed
/// implicitly (the first point is not repeated).
pub type SimplePolygon = Vec<Vec<[f64; 2]>>;

/// The simplified geometry of every input, in input order.
#[derive(Clone, Debug, Default)]
pub struct Simplified {
    pub shapes: Vec<Vec<SimplePolygon>>,
    /// Distinct arcs before and after simplification, and vertex counts.
    pub arcs: usize,
    pub vertices_in: usize,
    pub vertices_out: usize,
}

/// One ring as a cycle of grid keys without consecutive repeats.
fn ring_keys(ls: &geo::LineString<f64>) -> Vec<Key> {
    let mut out: Vec<Key> = Vec::with_capacity(ls.0.len());
    for c in &ls.0 {
        let k = key(c.x, c.y);
        if out.last() != Some(&k) {
            out.push(k);
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    out
}

/// What is known about one vertex: the neighbours of its first occurrence
/// (as an unordered pair) and whether it is a junction.
struct Seen {
    pair: (Key, Key),
    junction: bool,
    /// How many times rings visit the vertex.
    visits: u32,
}

fn unordered(a: Key, b: Key) -> (Key, Key) {
    if a <= b { (a, b) } else { (b, a) }
}

/// Simplify `shapes` (BNG metres) with Douglas–Peucker tolerance `tol`
/// metres, keeping shared boundaries shared.
pub fn simplify_shared(shapes: &[MultiPolygon<f64>], tol: f64) -> Simplified {
    // Every ring of every shape, as keys, with where it belongs.
    // (shape, polygon, ring-in-polygon) of each ring.
    let (rings, owner): (Vec<Vec<Key>>, Vec<Owner>) = shapes
        .par_iter()
        .enumerate()
        .flat_map_iter(|(s, mp)| {
            mp.0.iter().enumerate().flat_map(move |(p, poly)| {
                let all = std::iter::once(poly.exterior()).chain(poly.interiors());
                all.enumerate()
                    .map(move |(r, ls)| (ring_keys(ls), (s, p, r)))
            })
        })
        .filter(|(k, _)| k.len() >= 3)
        .unzip();
    let vertices_in = rings.iter().map(Vec::len).sum();

    let seen = junctions(&rings, vertices_in);
    let (arcs, ring_arcs) = cut_arcs(&rings, &|k: &Key| seen.get(k).is_some_and(|s| s.junction));
    let simple: Vec<Vec<[f64; 2]>> = arcs
        .par_iter()
        .map(|a| {
            let pts: Vec<[f64; 2]> = a.iter().map(|k| unkey(*k)).collect();
            douglas_peucker(&pts, tol)
        })
        .collect();
    let (out, vertices_out) = assemble(shapes, &ring_arcs, &owner, &simple);
    Simplified {
        shapes: out,
        arcs: arcs.len(),
        vertices_in,
        vertices_out,
    }
}

/// (shape, polygon, ring-in-polygon) of each ring.
type Owner = (usize, usize, usize);

/// Junctions: a vertex whose neighbours differ between occurrences, or
/// that a ring visits twice.
fn junctions(rings: &[Vec<Key>], vertices: usize) -> KeyMap<Key, Seen> {
    let mut seen: KeyMap<Key, Seen> =
        KeyMap::with_capacity_and_hasher(vertices, Default::default());
    for ring in rings {
        let n = ring.len();
        for i in 0..n {
            let pair = unordered(ring[(i + n - 1) % n], ring[(i + 1) % n]);
            seen.entry(ring[i])
                .and_modify(|s| {
                    s.visits += 1;
                    // A vertex met more often than two rings can share it
                    // is a junction too (four rings meeting at a point with
                    // matching neighbour pairs cannot happen, but a ring
                    // that touches itself can).
                    if s.pair != pair || s.visits > 2 {
                        s.junction = true;
                    }
                })
                .or_insert(Seen {
                    pair,
                    junction: false,
                    visits: 1,
                });
        }
    }
    seen
}

/// Rings cut into arcs at junctions, arcs deduplicated by their canonical
/// direction; each ring as its (arc, reversed) pieces.
#[allow(clippy::type_complexity)]
fn cut_arcs(
    rings: &[Vec<Key>],
    is_junction: &dyn Fn(&Key) -> bool,
) -> (Vec<Vec<Key>>, Vec<Vec<(usize, bool)>>) {
    let mut arc_index: KeyMap<Vec<Key>, usize> = KeyMap::default();
    let mut arcs: Vec<Vec<Key>> = Vec::new();
    // Each ring as (arc, reversed) pieces.
    let mut ring_arcs: Vec<Vec<(usize, bool)>> = Vec::with_capacity(rings.len());
    for ring in rings {
        let n = ring.len();
        let starts: Vec<usize> = (0..n).filter(|&i| is_junction(&ring[i])).collect();
        let mut pieces = Vec::new();
        let mut add = |seq: Vec<Key>, pieces: &mut Vec<(usize, bool)>| {
            let rev: Vec<Key> = seq.iter().rev().copied().collect();
            let (canon, reversed) = if rev < seq { (rev, true) } else { (seq, false) };
            let id = *arc_index.entry(canon.clone()).or_insert_with(|| {
                arcs.push(canon);
                arcs.len() - 1
            });
            pieces.push((id, reversed));
        };
        if starts.is_empty() {
            // A closed arc: start at its smallest vertex, in the direction
            // whose second vertex is smaller, so both sides agree.
            let m = (0..n).min_by_key(|&i| ring[i]).unwrap_or(0);
            let fwd: Vec<Key> = (0..=n).map(|j| ring[(m + j) % n]).collect();
            add(fwd, &mut pieces);
        } else {
            for (w, &a) in starts.iter().enumerate() {
                let b = starts[(w + 1) % starts.len()];
                let len = if b > a { b - a } else { b + n - a };
                let seq: Vec<Key> = (0..=len).map(|j| ring[(a + j) % n]).collect();
                add(seq, &mut pieces);
            }
        }
        ring_arcs.push(pieces);
    }

    (arcs, ring_arcs)
}

/// Each ring rebuilt from its simplified arcs, into its shape and polygon.
fn assemble(
    shapes: &[MultiPolygon<f64>],
    ring_arcs: &[Vec<(usize, bool)>],
    owner: &[Owner],
    simple: &[Vec<[f64; 2]>],
) -> (Vec<Vec<SimplePolygon>>, usize) {
    let mut out: Vec<Vec<SimplePolygon>> = shapes
        .iter()
        .map(|mp| vec![Vec::new(); mp.0.len()])
        .collect();
    let mut vertices_out = 0;
    for (pieces, &(s, p, r)) in ring_arcs.iter().zip(owner) {
        let mut pts: Vec<[f64; 2]> = Vec::new();
        for &(id, reversed) in pieces {
            let arc = &simple[id];
            let seq: Box<dyn Iterator<Item = &[f64; 2]>> = if reversed {
                Box::new(arc.iter().rev())
            } else {
                Box::new(arc.iter())
            };
            for (j, q) in seq.enumerate() {
                // Each arc starts where the last one ended.
                if j == 0 && !pts.is_empty() {
                    continue;
                }
                pts.push(*q);
            }
        }
        if pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
        }
        // A ring simplified away to a line or a point is left out (on both
        // sides of a shared boundary alike).
        if pts.len() < 3 || ring_area(&pts).abs() < 1e-9 {
            continue;
        }
        // An exterior lost while a hole survives: the polygon is dropped
        // below (its exterior slot stays empty).
        let polys = &mut out[s][p];
        if r == 0 {
            polys.insert(0, pts.clone());
        } else if !polys.is_empty() {
            polys.push(pts.clone());
        }
        vertices_out += pts.len();
    }
    for shape in &mut out {
        shape.retain(|rings| !rings.is_empty());
    }
    (out, vertices_out)
}

/// Twice the signed area of a ring (shoelace).
fn ring_area(pts: &[[f64; 2]]) -> f64 {
    let n = pts.len();
    (0..n)
        .map(|i| {
            let a = pts[i];
            let b = pts[(i + 1) % n];
            a[0] * b[1] - b[0] * a[1]
        })
        .sum()
}

/// Distance from `p` to the segment `a`–`b`.
fn seg_dist(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    };
    let (x, y) = (a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
    (x * x + y * y).sqrt()
}

/// Douglas–Peucker on an open polyline, end points kept. A closed arc
/// (first point = last) is split at its farthest point from the start, so
/// it keeps at least three distinct points.
pub fn douglas_peucker(pts: &[[f64; 2]], tol: f64) -> Vec<[f64; 2]> {
    let n = pts.len();
    if n <= 2 {
        return pts.to_vec();
    }
    let mut keep = vec![false; n];
    keep[0] = true;
    keep[n - 1] = true;
    let mut stack = Vec::new();
    if pts[0] == pts[n - 1] {
        let far = (1..n - 1)
            .max_by(|&i, &j| {
                let di = seg_dist(pts[i], pts[0], pts[0]);
                let dj = seg_dist(pts[j], pts[0], pts[0]);
                di.total_cmp(&dj).then(j.cmp(&i))
            })
            .unwrap_or(1);
        keep[far] = true;
        // The point farthest from the chord start–far on either side, so a
        // closed ring never collapses to a line.
        for (lo, hi) in [(0, far), (far, n - 1)] {
            let mid = (lo + 1..hi).max_by(|&i, &j| {
                seg_dist(pts[i], pts[0], pts[far])
                    .total_cmp(&seg_dist(pts[j], pts[0], pts[far]))
                    .then(j.cmp(&i))
            });
            if let Some(m) = mid {
                keep[m] = true;
                stack.push((lo, m));
                stack.push((m, hi));
            }
        }
    } else {
        stack.push((0, n - 1));
    }
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let mut best = (0.0, 0);
        for i in a + 1..b {
            let d = seg_dist(pts[i], pts[a], pts[b]);
            if d > best.0 {
                best = (d, i);
            }
        }
        if best.0 > tol {
            keep[best.1] = true;
            stack.push((a, best.1));
            stack.push((best.1, b));
        }
    }
    pts.iter()
        .zip(&keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Coord, LineString, Polygon};

    fn square(pts: &[(f64, f64)]) -> MultiPolygon<f64> {
        let ring: Vec<Coord<f64>> = pts.iter().map(|&(x, y)| Coord { x, y }).collect();
        MultiPolygon(vec![Polygon::new(LineString::from(ring), vec![])])
    }

    #[test]
    fn douglas_peucker_by_hand() {
        // A bump of 0.4 m on a 10 m line: dropped at tol 0.5, kept at 0.3.
        let line = [[0.0, 0.0], [5.0, 0.4], [10.0, 0.0]];
        assert_eq!(douglas_peucker(&line, 0.5), vec![[0.0, 0.0], [10.0, 0.0]]);
        assert_eq!(douglas_peucker(&line, 0.3).len(), 3);
        // A closed square keeps at least three points at any tolerance.
        let sq = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]];
        assert!(douglas_peucker(&sq, 100.0).len() >= 4);
    }

    /// Two squares sharing a wiggly edge x = 10 (with a 0.3 m zigzag): the
    /// simplified shared edge is the same in both, so no gap opens.
    #[test]
    fn shared_edge_simplified_once() {
        let s = simplify_shared(&s_input(), 0.5);
        // Junctions at (10,0) and (10,10): the shared arc, the rest of
        // each ring: three arcs.
        assert_eq!(s.arcs, 3);
        let has = |r: &Vec<[f64; 2]>, p: [f64; 2]| r.contains(&p);
        let (l, r) = (&s.shapes[0][0][0], &s.shapes[1][0][0]);
        // The zigzag (≤ 0.3 m) is gone from both sides.
        assert!(!has(l, [10.3, 3.0]) && !has(r, [10.3, 3.0]));
        assert!(!has(l, [9.8, 6.0]) && !has(r, [9.8, 6.0]));
        assert_eq!(l.len(), 4);
        assert_eq!(r.len(), 4);
        // At a tolerance under the zigzag, both sides keep it.
        let s = simplify_shared(&s_input(), 0.1);
        assert!(has(&s.shapes[0][0][0], [10.3, 3.0]) && has(&s.shapes[1][0][0], [10.3, 3.0]));
    }

    fn s_input() -> Vec<MultiPolygon<f64>> {
        vec![
            square(&[
                (0.0, 0.0),
                (10.0, 0.0),
                (10.3, 3.0),
                (9.8, 6.0),
                (10.0, 10.0),
                (0.0, 10.0),
            ]),
            square(&[
                (10.0, 0.0),
                (20.0, 0.0),
                (20.0, 10.0),
                (10.0, 10.0),
                (9.8, 6.0),
                (10.3, 3.0),
            ]),
        ]
    }

    /// An enclave: a ring with no junction shared as one shape's exterior
    /// and the other's hole keeps identical points on both sides.
    #[test]
    fn enclave_ring_matches_hole() {
        let inner: Vec<Coord<f64>> = [(4.0, 4.0), (6.0, 4.1), (6.0, 6.0), (4.0, 6.0)]
            .iter()
            .map(|&(x, y)| Coord { x, y })
            .collect();
        let outer: Vec<Coord<f64>> = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]
            .iter()
            .map(|&(x, y)| Coord { x, y })
            .collect();
        let mut hole = inner.clone();
        hole.reverse();
        let a = MultiPolygon(vec![Polygon::new(LineString::from(inner), vec![])]);
        let b = MultiPolygon(vec![Polygon::new(
            LineString::from(outer),
            vec![LineString::from(hole)],
        )]);
        let s = simplify_shared(&[a, b], 0.5);
        let mut ext = s.shapes[0][0][0].clone();
        let mut hole = s.shapes[1][0][1].clone();
        ext.sort_by(|p, q| p[0].total_cmp(&q[0]).then(p[1].total_cmp(&q[1])));
        hole.sort_by(|p, q| p[0].total_cmp(&q[0]).then(p[1].total_cmp(&q[1])));
        assert_eq!(ext, hole);
        assert!(ext.len() >= 3);
    }
}
