//! Dissolve: the union of a footprint's areas as one (multi)polygon.
//!
//! A PCN's footprint is a set of small areas (LSOAs); its shape is their
//! union with the internal boundaries removed. We use geo's boolean
//! operations (i_overlay underneath) and then put the result in a canonical
//! form so that the same set of areas always gives the same coordinates in
//! the same order, whatever the input order or thread count:
//!
//! - exteriors counter-clockwise, holes clockwise, every ring closed and
//!   starting at its lexicographically smallest vertex (x, then y);
//! - holes, and then polygons, sorted by ring area (largest first; for a
//!   polygon, the area inside its exterior ring), ties broken by their
//!   coordinates;
//! - consecutive repeated vertices and zero-area rings removed; collinear
//!   vertices are removed by i_overlay.
//!
//! **Strategy.** All rings of a group go to one i_overlay overlay (geo's
//! [`unary_union`]). A cascaded pairwise union (balanced tree of
//! [`geo::BooleanOps::union`]) was measured too and rejected: it is slower,
//! and because i_overlay rounds each operation to its own integer grid,
//! vertices that neighbours share exactly stop coinciding after the first
//! round, leaving sliver holes and parts that fail to merge (see
//! `docs/performance-dissolve.md`).
//!
//! **Invalid areas.** Each input area with more than one ring is first
//! read with the even-odd rule ([`make_valid`]): a polygon nested inside
//! another polygon of the same area is a hole, not a second layer. Five
//! LSOAs of the national ONS 2011 file are written that way (a hole as a
//! second polygon, wound like a hole), each hole filled by another LSOA;
//! read as two layers they would overlap that LSOA.
//!
//! **Precision.** i_overlay snaps coordinates to an integer grid whose step
//! is a power of two chosen from the group's extent (about 2⁻³⁰ of it: a few
//! micrometres for a PCN-sized group, about 0.5 mm for all of England), so
//! vertices closer than that merge. Output vertices are then moved back to
//! the exact input vertex they came from, so a footprint's boundary is made
//! of its areas' own coordinates. Real ONS boundaries share vertices
//! exactly between neighbours (and [`crate::coords::wgs84_to_bng`] maps
//! equal inputs to equal outputs), so internal boundaries cancel exactly.
//!
//! **Slivers.** Where neighbours were digitised a few millimetres apart
//! the union leaves tiny holes; holes under [`DEFAULT_MIN_HOLE_AREA_M2`]
//! are removed by default (see there for the figures). Snapping input
//! coordinates to a grid ([`DissolveOptions::snap_grid_m`]) is available
//! for data whose neighbours do not share vertices, but is off by default:
//! on the ONS file a 1 cm snap, by moving vertices that lay on a
//! neighbour's edge, closes some slivers but widens others past the
//! threshold (by local authority: 15 slivers become 9 slivers plus 6 holes
//! of 0.1 to 100 m²) and shifts areas by up to 2·10⁻⁶.

use std::cmp::Ordering;

use geo::bool_ops::{FillRule, OpType};
use geo::{BooleanOps, Coord, LineString, MultiPolygon, Polygon, unary_union};
use rayon::prelude::*;

use crate::model::{AreaId, Shape};

/// Default for [`DissolveOptions::min_hole_area_m2`]: 0.1 m².
///
/// Why: the union of all 32,844 LSOAs of the national ONS 2011 file has 16
/// holes, all slivers of 0.0002 to 0.006 m² where neighbours were digitised
/// a few millimetres apart (a vertex near, not on, the neighbour's edge).
/// The smallest real piece of an LSOA is
/// 2.06 m² (a triangle of E01011312 filling a hole of E01011316), and a
/// real hole in a footprint is filled by at least such a piece. 0.1 m²
/// sits between the two with a factor of about 17 on the sliver side and
/// 20 on the real side.
pub const DEFAULT_MIN_HOLE_AREA_M2: f64 = 0.1;

/// Options for [`dissolve_with`] and [`dissolve_groups_with`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DissolveOptions {
    /// When set, every input coordinate is first rounded to the nearest
    /// multiple of this many metres (e.g. `0.01` for 1 cm), which closes
    /// gaps narrower than the grid step between neighbours that were
    /// digitised separately. `None` (the default) leaves coordinates as
    /// they are; a value that is not finite and positive is treated as
    /// `None` (see [`DissolveOptions::validate`]).
    pub snap_grid_m: Option<f64>,
    /// Holes with an area below this many square metres are removed from the
    /// result (filled). The default, [`DEFAULT_MIN_HOLE_AREA_M2`], removes
    /// only millimetre-wide digitising slivers; `0.0` keeps every hole.
    pub min_hole_area_m2: f64,
}

impl Default for DissolveOptions {
    fn default() -> Self {
        Self {
            snap_grid_m: None,
            min_hole_area_m2: DEFAULT_MIN_HOLE_AREA_M2,
        }
    }
}

impl DissolveOptions {
    /// Check values that come from the command line: the snap grid must be
    /// finite and positive, the hole threshold finite and not negative.
    pub fn validate(&self) -> anyhow::Result<()> {
        if let Some(g) = self.snap_grid_m {
            anyhow::ensure!(
                g.is_finite() && g > 0.0,
                "dissolve snap grid must be a positive number of metres, got {g}"
            );
        }
        anyhow::ensure!(
            self.min_hole_area_m2.is_finite() && self.min_hole_area_m2 >= 0.0,
            "minimum hole area must be zero or a positive number of square metres, got {}",
            self.min_hole_area_m2
        );
        Ok(())
    }
}

/// Union of the given polygons (BNG metres) as one MultiPolygon, parts and
/// holes sorted deterministically (largest area first, ties by
/// coordinates), rings closed, no slivers along internal boundaries that
/// share vertices. Uses [`DissolveOptions::default`].
pub fn dissolve(parts: &[&MultiPolygon<f64>]) -> MultiPolygon<f64> {
    dissolve_with(parts, &DissolveOptions::default())
}

/// [`dissolve`] with explicit options.
///
/// Polygons with a non-finite coordinate, and rings with fewer than three
/// distinct vertices, are ignored (the loader rejects such input; ignoring
/// it here keeps the union from failing on it).
pub fn dissolve_with(parts: &[&MultiPolygon<f64>], opts: &DissolveOptions) -> MultiPolygon<f64> {
    let snap_m = opts.snap_grid_m.filter(|g| g.is_finite() && *g > 0.0);
    let prepared: Vec<Polygon<f64>> = parts
        .iter()
        .flat_map(|mp| prepare_part(mp, snap_m))
        .collect();
    let mut raw = unary_union(&prepared);
    restore_input_vertices(&mut raw, &prepared);
    let min_hole_m2 = if opts.min_hole_area_m2.is_finite() {
        opts.min_hole_area_m2
    } else {
        0.0
    };
    canonical(&raw, min_hole_m2)
}

/// One area's geometry as a valid MultiPolygon, in the canonical form of
/// [`dissolve`]: the points inside an odd number of its rings (the even-odd
/// rule), whatever the rings' winding or which polygon they were written
/// in. This is how a dissolve reads every area with more than one ring
/// (see the module docs); the loader can use it to report areas whose
/// area changes (a polygon nested in another, meant as a hole) before
/// summing areas.
pub fn make_valid(mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    let prepared = prepare_part(mp, None);
    canonical(&MultiPolygon(prepared), 0.0)
}

/// An input area ready for the union: its polygons snapped (if asked),
/// cleaned and oriented by [`prepare_polygon`]; an area with more than one
/// ring is first resolved with the even-odd rule so that a polygon nested
/// inside another of the same area counts as a hole, not as a second layer.
fn prepare_part(mp: &MultiPolygon<f64>, snap_m: Option<f64>) -> Vec<Polygon<f64>> {
    let polys: Vec<Polygon<f64>> =
        mp.0.iter()
            .filter_map(|p| prepare_polygon(p, snap_m))
            .collect();
    let rings: usize = polys.iter().map(|p| 1 + p.interiors().len()).sum();
    if rings <= 1 {
        return polys;
    }
    let polys = MultiPolygon(polys);
    let mut even_odd = polys.boolean_op_with_fill_rule(
        &MultiPolygon::<f64>(vec![]),
        OpType::Union,
        FillRule::EvenOdd,
    );
    restore_input_vertices(&mut even_odd, &polys.0);
    even_odd
        .0
        .iter()
        .filter_map(|p| prepare_polygon(p, None))
        .collect()
}

/// Dissolve many groups at once in parallel (rayon); `result[i] ==
/// dissolve(groups[i])` with `geoms` indexed by [`AreaId`]. The output order
/// is the group order and does not depend on the thread count.
///
/// # Panics
/// If a group holds an id that is not an index into `geoms`: ids come from
/// the same dataset as the geometries, so that is a bug in the caller, not
/// bad input.
pub fn dissolve_groups(geoms: &[impl Shape], groups: &[Vec<AreaId>]) -> Vec<MultiPolygon<f64>> {
    dissolve_groups_with(geoms, groups, &DissolveOptions::default())
}

/// [`dissolve_groups`] with explicit options.
pub fn dissolve_groups_with(
    geoms: &[impl Shape],
    groups: &[Vec<AreaId>],
    opts: &DissolveOptions,
) -> Vec<MultiPolygon<f64>> {
    groups
        .par_iter()
        .map(|group| {
            let parts: Vec<&MultiPolygon<f64>> =
                group.iter().map(|id| geoms[id.idx()].shape()).collect();
            dissolve_with(&parts, opts)
        })
        .collect()
}

/// Unsigned area in square metres (exteriors minus holes, summed over the
/// parts) of a MultiPolygon in BNG metres.
pub fn area_m2(mp: &MultiPolygon<f64>) -> f64 {
    mp.0.iter()
        .map(|p| {
            let holes_m2: f64 = p.interiors().iter().map(|r| ring_area_m2(&r.0).abs()).sum();
            ring_area_m2(&p.exterior().0).abs() - holes_m2
        })
        .sum()
}

/// Number of holes (interior rings) over all parts.
pub fn hole_count(mp: &MultiPolygon<f64>) -> usize {
    mp.0.iter().map(|p| p.interiors().len()).sum()
}

/// Signed area (counter-clockwise positive) of a ring given with or without
/// its closing vertex. Coordinates are shifted to the first vertex before the
/// shoelace sum so that large BNG values do not cost precision.
fn ring_area_m2(ring: &[Coord<f64>]) -> f64 {
    let Some(&origin) = ring.first() else {
        return 0.0;
    };
    let mut twice_m2 = 0.0;
    for w in ring.windows(2) {
        let (a, b) = (w[0] - origin, w[1] - origin);
        twice_m2 += a.x * b.y - b.x * a.y;
    }
    // The closing edge (last vertex back to the first) ends at the origin
    // and so adds nothing: open and closed rings give the same sum.
    twice_m2 / 2.0
}

/// Copy a polygon for the union: snap, drop repeated vertices and degenerate
/// rings, orient exterior counter-clockwise and holes clockwise (geo's
/// `unary_union` needs one consistent winding across all its input).
fn prepare_polygon(p: &Polygon<f64>, snap_m: Option<f64>) -> Option<Polygon<f64>> {
    let all_finite = std::iter::once(p.exterior())
        .chain(p.interiors())
        .flat_map(|r| r.0.iter())
        .all(|c| c.x.is_finite() && c.y.is_finite());
    if !all_finite {
        return None;
    }
    let exterior = prepare_ring(p.exterior(), snap_m, true)?;
    let interiors = p
        .interiors()
        .iter()
        .filter_map(|r| prepare_ring(r, snap_m, false))
        .collect();
    Some(Polygon::new(exterior, interiors))
}

fn prepare_ring(ring: &LineString<f64>, snap_m: Option<f64>, ccw: bool) -> Option<LineString<f64>> {
    let snap = |c: Coord<f64>| match snap_m {
        Some(g) => Coord {
            x: (c.x / g).round() * g,
            y: (c.y / g).round() * g,
        },
        None => c,
    };
    let mut coords = open_ring(ring.0.iter().copied().map(snap));
    if coords.len() < 3 {
        return None;
    }
    let area = ring_area_m2(&coords);
    if area == 0.0 {
        return None;
    }
    if (area > 0.0) != ccw {
        coords.reverse();
    }
    coords.push(coords[0]);
    Some(LineString(coords))
}

/// The vertices of a ring without its closing vertex and without
/// consecutive repeats (including a repeat across the wrap-around).
fn open_ring(coords: impl Iterator<Item = Coord<f64>>) -> Vec<Coord<f64>> {
    let mut out: Vec<Coord<f64>> = Vec::new();
    for c in coords {
        if out.last() != Some(&c) {
            out.push(c);
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    out
}

/// Put back the exact input coordinates that i_overlay rounded.
///
/// i_overlay works on integers: it maps the group's bounding box onto about
/// 2³⁰ steps and truncates, so every output vertex is an input vertex moved
/// by up to one step (micrometres for a PCN). That is harmless for display,
/// but it makes a dissolved footprint's boundary no longer coincide with its
/// areas' boundaries (nor with a neighbouring footprint's), and biases the
/// area by up to perimeter × step. So each output vertex within
/// `half_extent × 2⁻²⁷` (four steps or more) of an input vertex takes that
/// vertex's exact coordinates (the nearest; ties to the smallest x, then
/// y). Vertices i_overlay created where input edges cross have no input
/// vertex that near and are kept as they are.
fn restore_input_vertices(out: &mut MultiPolygon<f64>, inputs: &[Polygon<f64>]) {
    let mut verts: Vec<Coord<f64>> = inputs
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|r| r.0.iter().copied())
        .collect();
    if verts.is_empty() {
        return;
    }
    verts.sort_by(cmp_coord);
    verts.dedup();
    let (mut min, mut max) = (verts[0], verts[0]);
    for c in &verts {
        min.y = min.y.min(c.y);
        max.x = max.x.max(c.x);
        max.y = max.y.max(c.y);
    }
    let half_extent_m = ((max.x - min.x).max(max.y - min.y) / 2.0).max(f64::MIN_POSITIVE);
    let tol_m = half_extent_m * (-27f64).exp2();
    let nearest = |v: Coord<f64>| -> Option<Coord<f64>> {
        let lo = verts.partition_point(|c| c.x < v.x - tol_m);
        let mut best: Option<(f64, Coord<f64>)> = None;
        for c in verts[lo..].iter().take_while(|c| c.x <= v.x + tol_m) {
            let (dx, dy) = (c.x - v.x, c.y - v.y);
            if dy.abs() > tol_m {
                continue;
            }
            let d2 = dx * dx + dy * dy;
            if best.is_none_or(|(b, _)| d2 < b) {
                best = Some((d2, *c));
            }
        }
        best.map(|(_, c)| c)
    };
    for p in &mut out.0 {
        p.exterior_mut(|r| r.0.iter_mut().for_each(|c| *c = nearest(*c).unwrap_or(*c)));
        p.interiors_mut(|rs| {
            for r in rs {
                r.0.iter_mut().for_each(|c| *c = nearest(*c).unwrap_or(*c));
            }
        });
    }
}

fn cmp_coord(a: &Coord<f64>, b: &Coord<f64>) -> Ordering {
    a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y))
}

fn cmp_coords(a: &[Coord<f64>], b: &[Coord<f64>]) -> Ordering {
    for (ca, cb) in a.iter().zip(b) {
        let o = cmp_coord(ca, cb);
        if o != Ordering::Equal {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

/// A ring in canonical form: closed, oriented, starting at its smallest
/// vertex; with its unsigned area, computed from the canonical vertex order
/// so that it too is independent of the input order.
struct CanonRing {
    ring: LineString<f64>,
    area_m2: f64,
}

fn canonical_ring(ring: &LineString<f64>, ccw: bool) -> Option<CanonRing> {
    let mut coords = open_ring(ring.0.iter().copied());
    if coords.len() < 3 {
        return None;
    }
    let area = ring_area_m2(&coords);
    if area == 0.0 || !area.is_finite() {
        return None;
    }
    if (area > 0.0) != ccw {
        coords.reverse();
    }
    let start = coords
        .iter()
        .enumerate()
        .min_by(|a, b| cmp_coord(a.1, b.1))
        .map_or(0, |(i, _)| i);
    coords.rotate_left(start);
    coords.push(coords[0]);
    let area_m2 = ring_area_m2(&coords).abs();
    Some(CanonRing {
        ring: LineString(coords),
        area_m2,
    })
}

/// Largest area first, then by coordinates.
fn cmp_canon(a: &CanonRing, b: &CanonRing) -> Ordering {
    b.area_m2
        .total_cmp(&a.area_m2)
        .then_with(|| cmp_coords(&a.ring.0, &b.ring.0))
}

/// Put a union result in canonical form (see the module docs), dropping
/// holes smaller than `min_hole_m2`.
fn canonical(mp: &MultiPolygon<f64>, min_hole_m2: f64) -> MultiPolygon<f64> {
    let mut polys: Vec<(CanonRing, Vec<CanonRing>)> =
        mp.0.iter()
            .filter_map(|p| {
                let exterior = canonical_ring(p.exterior(), true)?;
                let mut holes: Vec<CanonRing> = p
                    .interiors()
                    .iter()
                    .filter_map(|r| canonical_ring(r, false))
                    .filter(|h| h.area_m2 >= min_hole_m2)
                    .collect();
                holes.sort_by(cmp_canon);
                Some((exterior, holes))
            })
            .collect();
    polys.sort_by(|a, b| cmp_canon(&a.0, &b.0));
    MultiPolygon(
        polys
            .into_iter()
            .map(|(e, hs)| Polygon::new(e.ring, hs.into_iter().map(|h| h.ring).collect()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Axis-aligned square polygon of side `side_m` with lower-left corner
    /// (x0, y0), counter-clockwise.
    fn square(x0: f64, y0: f64, side_m: f64) -> MultiPolygon<f64> {
        rect(x0, y0, x0 + side_m, y0 + side_m)
    }

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        let ring = LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]);
        MultiPolygon(vec![Polygon::new(ring, vec![])])
    }

    fn refs(v: &[MultiPolygon<f64>]) -> Vec<&MultiPolygon<f64>> {
        v.iter().collect()
    }

    fn assert_rel_eq(a: f64, b: f64, rel: f64) {
        let scale = a.abs().max(b.abs()).max(f64::MIN_POSITIVE);
        assert!((a - b).abs() / scale <= rel, "{a} vs {b} (rel {rel})");
    }

    /// Lexicographically smallest vertex (x, then y); (NaN, NaN) for no vertex.
    fn min_coord(coords: &[Coord<f64>]) -> Coord<f64> {
        coords.iter().copied().min_by(cmp_coord).unwrap_or(Coord {
            x: f64::NAN,
            y: f64::NAN,
        })
    }

    /// Every ring closed, exteriors CCW, holes CW, each starting at its
    /// smallest vertex.
    fn assert_canonical(mp: &MultiPolygon<f64>) {
        for p in &mp.0 {
            for (k, r) in std::iter::once(p.exterior())
                .chain(p.interiors())
                .enumerate()
            {
                assert!(r.0.len() >= 4, "ring too short: {r:?}");
                assert_eq!(r.0.first(), r.0.last(), "ring not closed");
                let a = ring_area_m2(&r.0);
                if k == 0 {
                    assert!(a > 0.0, "exterior not CCW");
                } else {
                    assert!(a < 0.0, "hole not CW");
                }
                let m = min_coord(&r.0);
                assert_eq!(r.0[0], m, "ring does not start at its min vertex");
            }
        }
    }

    #[test]
    fn two_by_two_grid_is_one_square() {
        // Four 1000 m squares at (0,0), (1000,0), (0,1000), (1000,1000):
        // their union is the square [0,2000]², area 2000² = 4e6 m² = 4 km².
        let cells: Vec<_> = [(0.0, 0.0), (1000.0, 0.0), (0.0, 1000.0), (1000.0, 1000.0)]
            .iter()
            .map(|&(x, y)| square(x, y, 1000.0))
            .collect();
        let out = dissolve(&refs(&cells));
        assert_eq!(out.0.len(), 1);
        assert_eq!(hole_count(&out), 0);
        assert_eq!(area_m2(&out), 4.0e6);
        assert_canonical(&out);
        // i_overlay drops the collinear mid-side vertices (1000,0) etc.;
        // not required, but then the ring is exactly the four corners from
        // the smallest, counter-clockwise.
        let ext: Vec<(f64, f64)> = out.0[0].exterior().0.iter().map(|c| (c.x, c.y)).collect();
        assert_eq!(
            ext,
            vec![
                (0.0, 0.0),
                (2000.0, 0.0),
                (2000.0, 2000.0),
                (0.0, 2000.0),
                (0.0, 0.0)
            ]
        );
    }

    #[test]
    fn two_squares_apart_are_two_parts() {
        // Squares at x = 0 and x = 5000: no contact, so two parts of
        // 1e6 m² each. Equal areas: ordered by coordinates, left first.
        let cells = vec![square(5000.0, 0.0, 1000.0), square(0.0, 0.0, 1000.0)];
        let out = dissolve(&refs(&cells));
        assert_eq!(out.0.len(), 2);
        assert_eq!(area_m2(&out), 2.0e6);
        assert_eq!(out.0[0].exterior().0[0], Coord { x: 0.0, y: 0.0 });
        assert_eq!(out.0[1].exterior().0[0], Coord { x: 5000.0, y: 0.0 });
        assert_canonical(&out);
    }

    #[test]
    fn corner_touching_squares_are_two_parts() {
        // [0,1000]² and [1000,2000]² share only the point (1000,1000): not
        // an edge, so two parts (OGC: polygons of a MultiPolygon may touch
        // at points).
        let cells = vec![square(0.0, 0.0, 1000.0), square(1000.0, 1000.0, 1000.0)];
        let out = dissolve(&refs(&cells));
        assert_eq!(out.0.len(), 2);
        assert_eq!(area_m2(&out), 2.0e6);
    }

    /// The eight cells of a 3×3 grid of 1000 m squares without its centre.
    fn ring_of_eight() -> Vec<MultiPolygon<f64>> {
        let mut cells = Vec::new();
        for i in 0..3 {
            for j in 0..3 {
                if (i, j) != (1, 1) {
                    cells.push(square(i as f64 * 1000.0, j as f64 * 1000.0, 1000.0));
                }
            }
        }
        cells
    }

    #[test]
    fn ring_of_eight_has_one_hole() {
        // Exterior [0,3000]² = 9e6 m², hole [1000,2000]² = 1e6 m², area 8e6.
        let out = dissolve(&refs(&ring_of_eight()));
        assert_eq!(out.0.len(), 1);
        assert_eq!(hole_count(&out), 1);
        assert_eq!(area_m2(&out), 8.0e6);
        let hole: Vec<(f64, f64)> = out.0[0].interiors()[0]
            .0
            .iter()
            .map(|c| (c.x, c.y))
            .collect();
        // Clockwise from the smallest vertex.
        assert_eq!(
            hole,
            vec![
                (1000.0, 1000.0),
                (1000.0, 2000.0),
                (2000.0, 2000.0),
                (2000.0, 1000.0),
                (1000.0, 1000.0)
            ]
        );
        assert_canonical(&out);
    }

    #[test]
    fn enclave_dissolved_with_its_surround_leaves_no_hole() {
        // A 3000 m square with a 1000 m hole in the middle (area 8e6) plus
        // the enclave filling that hole (1e6): one solid square of 9e6.
        let outer = LineString::from(vec![
            (0.0, 0.0),
            (3000.0, 0.0),
            (3000.0, 3000.0),
            (0.0, 3000.0),
            (0.0, 0.0),
        ]);
        let hole = LineString::from(vec![
            (1000.0, 1000.0),
            (1000.0, 2000.0),
            (2000.0, 2000.0),
            (2000.0, 1000.0),
            (1000.0, 1000.0),
        ]);
        let donut = MultiPolygon(vec![Polygon::new(outer, vec![hole])]);
        assert_eq!(area_m2(&donut), 8.0e6);
        let enclave = square(1000.0, 1000.0, 1000.0);
        let out = dissolve(&[&donut, &enclave]);
        assert_eq!(out.0.len(), 1);
        assert_eq!(hole_count(&out), 0);
        assert_eq!(area_m2(&out), 9.0e6);
        // The donut alone keeps its hole.
        let alone = dissolve(&[&donut]);
        assert_eq!(hole_count(&alone), 1);
        assert_eq!(area_m2(&alone), 8.0e6);
    }

    #[test]
    fn empty_and_degenerate_input() {
        assert!(dissolve(&[]).0.is_empty());
        // A zero-area "polygon" (all points on a line) and a ring with a NaN
        // are ignored rather than failing.
        let flat = MultiPolygon(vec![Polygon::new(
            LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (2.0, 0.0), (0.0, 0.0)]),
            vec![],
        )]);
        let nan = MultiPolygon(vec![Polygon::new(
            LineString::from(vec![(0.0, 0.0), (f64::NAN, 0.0), (2.0, 2.0), (0.0, 0.0)]),
            vec![],
        )]);
        let sq = square(10.0, 10.0, 1.0);
        let out = dissolve(&[&flat, &nan, &sq]);
        assert_eq!(out, dissolve(&[&sq]));
        assert_eq!(area_m2(&out), 1.0);
    }

    /// Two 1000 m cells side by side, A = [0,1000]×[0,1000] and B =
    /// [1000,2000]×[0,1000], sharing the vertices (1000,0), (1000,400),
    /// (1000,600) and (1000,1000) of their common edge, except that B was
    /// digitised with an extra vertex at (1000.3,500) (or, when `overlap`,
    /// at (999.7,500)) where A's edge is straight. Between y = 400 and 600
    /// that leaves a thin triangle of ½·200·0.3 = 30 m²: a gap (a sliver
    /// hole in the union) or an overlap (the union is 30 m² less than the
    /// sum of the parts).
    fn sliver_pair(overlap: bool) -> Vec<MultiPolygon<f64>> {
        sliver_pair_at(if overlap { 999.7 } else { 1000.3 })
    }

    fn sliver_pair_at(bump_x: f64) -> Vec<MultiPolygon<f64>> {
        let poly =
            |pts: Vec<(f64, f64)>| MultiPolygon(vec![Polygon::new(LineString::from(pts), vec![])]);
        vec![
            poly(vec![
                (0., 0.),
                (1000., 0.),
                (1000., 400.),
                (1000., 600.),
                (1000., 1000.),
                (0., 1000.),
            ]),
            poly(vec![
                (1000., 0.),
                (2000., 0.),
                (2000., 1000.),
                (1000., 1000.),
                (1000., 600.),
                (bump_x, 500.),
                (1000., 400.),
            ]),
        ]
    }

    #[test]
    fn digitising_gap_leaves_a_sliver_hole_unless_snapped_or_filtered() {
        let cells = sliver_pair(false);
        let parts_m2: f64 = cells.iter().map(area_m2).sum();
        assert_rel_eq(parts_m2, 2.0e6 - 30.0, 1e-12);

        let out = dissolve(&refs(&cells));
        assert_eq!(out.0.len(), 1);
        assert_eq!(hole_count(&out), 1);
        let hole_m2 = ring_area_m2(&out.0[0].interiors()[0].0).abs();
        assert_rel_eq(hole_m2, 30.0, 1e-12);
        assert_rel_eq(area_m2(&out), parts_m2, 1e-12);

        // Dropping holes under 100 m² fills it: the full 2e6.
        let opts = DissolveOptions {
            min_hole_area_m2: 100.0,
            ..Default::default()
        };
        let filled = dissolve_with(&refs(&cells), &opts);
        assert_eq!(hole_count(&filled), 0);
        assert_rel_eq(area_m2(&filled), 2.0e6, 1e-12);

        // Snapping to a 1 m grid moves 1000.3 to 1000: no gap at all.
        let opts = DissolveOptions {
            snap_grid_m: Some(1.0),
            ..Default::default()
        };
        let snapped = dissolve_with(&refs(&cells), &opts);
        assert_eq!(hole_count(&snapped), 0);
        assert_eq!(area_m2(&snapped), 2.0e6);
    }

    #[test]
    fn millimetre_sliver_is_removed_by_default() {
        // As sliver_pair, but 0.5 mm wide: ½·200·0.0005 = 0.05 m², under
        // the 0.1 m² default, so the default result has no hole; with the
        // threshold at 0 the sliver shows.
        let cells = sliver_pair_at(1000.0005);
        let out = dissolve(&refs(&cells));
        assert_eq!((out.0.len(), hole_count(&out)), (1, 0));
        assert_rel_eq(area_m2(&out), 2.0e6, 1e-12);
        let keep = DissolveOptions {
            min_hole_area_m2: 0.0,
            ..Default::default()
        };
        let raw = dissolve_with(&refs(&cells), &keep);
        assert_eq!(hole_count(&raw), 1);
        assert_rel_eq(area_m2(&raw), 2.0e6 - 0.05, 1e-12);
    }

    #[test]
    fn nested_polygon_in_one_area_is_a_hole() {
        // An area written (as in 5 LSOAs of the national ONS file) as two
        // polygons, the 3000 m square and the 1000 m square in its middle,
        // the inner one meant as a hole. Even-odd: area 9e6 - 1e6 = 8e6,
        // one polygon with one hole. Summing the polygons naively would
        // give 1e7.
        let area = MultiPolygon(vec![
            square(0.0, 0.0, 3000.0).0.remove(0),
            square(1000.0, 1000.0, 1000.0).0.remove(0),
        ]);
        assert_eq!(area_m2(&area), 1.0e7);
        let valid = make_valid(&area);
        assert_eq!((valid.0.len(), hole_count(&valid)), (1, 1));
        assert_eq!(area_m2(&valid), 8.0e6);
        assert_eq!(dissolve(&[&area]), valid);
        // The LSOA enclosed by it fills the hole: 9e6, no hole, no overlap.
        let enclave = square(1000.0, 1000.0, 1000.0);
        let out = dissolve(&[&area, &enclave]);
        assert_eq!((out.0.len(), hole_count(&out)), (1, 0));
        assert_eq!(area_m2(&out), 9.0e6);
    }

    #[test]
    fn overlap_is_counted_once() {
        // B bulges 0.3 m into A: the union is the full rectangle, 2e6 m²,
        // while the parts add up to 2e6 + 30 (the 30 m² counted twice).
        let cells = sliver_pair(true);
        let parts_m2: f64 = cells.iter().map(area_m2).sum();
        assert_rel_eq(parts_m2, 2.0e6 + 30.0, 1e-12);
        let out = dissolve(&refs(&cells));
        assert_eq!(out.0.len(), 1);
        assert_eq!(hole_count(&out), 0);
        assert_rel_eq(area_m2(&out), 2.0e6, 1e-12);
    }

    #[test]
    fn snapping_closes_a_narrow_gap() {
        // Squares 4 mm apart: two parts; on a 1 cm grid 1000.004 rounds to
        // 1000.00 and they share an edge: one part of 2e6 m².
        let cells = vec![
            square(0.0, 0.0, 1000.0),
            rect(1000.004, 0.0, 2000.0, 1000.0),
        ];
        assert_eq!(dissolve(&refs(&cells)).0.len(), 2);
        let opts = DissolveOptions {
            snap_grid_m: Some(0.01),
            ..Default::default()
        };
        let out = dissolve_with(&refs(&cells), &opts);
        assert_eq!(out.0.len(), 1);
        assert_rel_eq(area_m2(&out), 2.0e6, 1e-12);
    }

    #[test]
    fn validate_rejects_bad_options() {
        assert!(DissolveOptions::default().validate().is_ok());
        for g in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let o = DissolveOptions {
                snap_grid_m: Some(g),
                ..Default::default()
            };
            assert!(o.validate().is_err(), "{g}");
        }
        let o = DissolveOptions {
            min_hole_area_m2: -1.0,
            ..Default::default()
        };
        assert!(o.validate().is_err());
    }

    /// SplitMix64: a tiny seeded generator so the random tests are
    /// reproducible without another dependency.
    struct Rng(u64);
    impl Rng {
        fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        /// Uniform in [-1, 1).
        fn unit(&mut self) -> f64 {
            (self.next_u64() >> 11) as f64 / (1u64 << 52) as f64 - 1.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next_u64() % n as u64) as usize
        }
        fn shuffle<T>(&mut self, v: &mut [T]) {
            for i in (1..v.len()).rev() {
                v.swap(i, self.below(i + 1));
            }
        }
    }

    /// An n×n grid of 1000 m cells placed at BNG-sized offsets, with every
    /// grid vertex jittered by up to ±200 m and every edge bent at a shared
    /// midpoint jittered by up to ±150 m. Neighbouring cells use the very
    /// same coordinates for their shared vertices, like ONS boundaries.
    /// Some cells are wound clockwise and start at another vertex, to test
    /// that the input winding does not matter. Cell (i, j) is at index
    /// i * n + j.
    fn jittered_grid(n: usize, rng: &mut Rng) -> Vec<MultiPolygon<f64>> {
        const X0: f64 = 437_000.0;
        const Y0: f64 = 306_000.0;
        let corner: Vec<Vec<Coord<f64>>> = (0..=n)
            .map(|i| {
                (0..=n)
                    .map(|j| Coord {
                        x: X0 + i as f64 * 1000.0 + 200.0 * rng.unit(),
                        y: Y0 + j as f64 * 1000.0 + 200.0 * rng.unit(),
                    })
                    .collect()
            })
            .collect();
        let mut bend = |a: Coord<f64>, b: Coord<f64>| {
            let mid = (a + b) / 2.0;
            let d = b - a;
            let len = d.x.hypot(d.y);
            let t = 150.0 * rng.unit() / len;
            Coord {
                x: mid.x - d.y * t,
                y: mid.y + d.x * t,
            }
        };
        // Midpoints of the edge from corner (i,j) along x, and along y.
        let mid_x: Vec<Vec<Coord<f64>>> = (0..n)
            .map(|i| {
                (0..=n)
                    .map(|j| bend(corner[i][j], corner[i + 1][j]))
                    .collect()
            })
            .collect();
        let mid_y: Vec<Vec<Coord<f64>>> = (0..=n)
            .map(|i| {
                (0..n)
                    .map(|j| bend(corner[i][j], corner[i][j + 1]))
                    .collect()
            })
            .collect();
        let mut cells = Vec::with_capacity(n * n);
        for i in 0..n {
            for j in 0..n {
                let mut ring = vec![
                    corner[i][j],
                    mid_x[i][j],
                    corner[i + 1][j],
                    mid_y[i + 1][j],
                    corner[i + 1][j + 1],
                    mid_x[i][j + 1],
                    corner[i][j + 1],
                    mid_y[i][j],
                ];
                if rng.below(2) == 0 {
                    ring.reverse();
                }
                let k = rng.below(ring.len());
                ring.rotate_left(k);
                ring.push(ring[0]);
                cells.push(MultiPolygon(vec![Polygon::new(LineString(ring), vec![])]));
            }
        }
        cells
    }

    /// Reference: number of connected components of the chosen cells of an
    /// n×n grid, neighbours sharing an edge (breadth-first search).
    fn edge_components(n: usize, chosen: &[bool]) -> usize {
        let mut seen = vec![false; n * n];
        let mut count = 0;
        for start in 0..n * n {
            if !chosen[start] || seen[start] {
                continue;
            }
            count += 1;
            seen[start] = true;
            let mut queue = vec![start];
            while let Some(c) = queue.pop() {
                let (i, j) = (c / n, c % n);
                let mut nbrs = Vec::new();
                if i > 0 {
                    nbrs.push(c - n);
                }
                if i + 1 < n {
                    nbrs.push(c + n);
                }
                if j > 0 {
                    nbrs.push(c - 1);
                }
                if j + 1 < n {
                    nbrs.push(c + 1);
                }
                for d in nbrs {
                    if chosen[d] && !seen[d] {
                        seen[d] = true;
                        queue.push(d);
                    }
                }
            }
        }
        count
    }

    #[test]
    fn random_subsets_keep_area_and_count_components() {
        let mut rng = Rng(0x5EED_D155_0017);
        for case in 0..60 {
            let n = 2 + rng.below(9);
            let cells = jittered_grid(n, &mut rng);
            let density = 0.3 + 0.6 * (rng.unit() + 1.0) / 2.0;
            let chosen: Vec<bool> = (0..n * n)
                .map(|_| (rng.unit() + 1.0) / 2.0 < density)
                .collect();
            let subset: Vec<&MultiPolygon<f64>> = cells
                .iter()
                .zip(&chosen)
                .filter_map(|(c, &k)| k.then_some(c))
                .collect();
            let parts_m2: f64 = subset.iter().map(|c| area_m2(c)).sum();
            let expected_parts = edge_components(n, &chosen);
            let describe = || format!("case {case}: n={n} chosen={chosen:?}");

            let out = dissolve(&subset);
            assert_canonical(&out);
            let out_m2 = area_m2(&out);
            let rel = if parts_m2 == 0.0 {
                out_m2.abs()
            } else {
                (out_m2 - parts_m2).abs() / parts_m2
            };
            assert!(
                rel <= 1e-9,
                "area {out_m2} vs parts {parts_m2} (rel {rel:e}); {}",
                describe()
            );
            assert_eq!(out.0.len(), expected_parts, "{}", describe());
            // Shared vertices mean no edge crossings, so every output vertex
            // is exactly an input vertex (restored after i_overlay's rounding).
            let mut input: Vec<Coord<f64>> = subset
                .iter()
                .flat_map(|mp| mp.0.iter().flat_map(|p| p.exterior().0.iter().copied()))
                .collect();
            input.sort_by(cmp_coord);
            for p in &out.0 {
                for c in std::iter::once(p.exterior())
                    .chain(p.interiors())
                    .flat_map(|r| &r.0)
                {
                    assert!(
                        input.binary_search_by(|x| cmp_coord(x, c)).is_ok(),
                        "output vertex {c:?} is not an input vertex; {}",
                        describe()
                    );
                }
            }
        }
    }

    #[test]
    fn shuffled_input_gives_identical_output() {
        let mut rng = Rng(42);
        for _ in 0..10 {
            let n = 6;
            let cells = jittered_grid(n, &mut rng);
            // Drop about a third of the cells so there are holes and
            // several parts.
            let subset: Vec<MultiPolygon<f64>> =
                cells.into_iter().filter(|_| rng.below(3) != 0).collect();
            let base = dissolve(&refs(&subset));
            for _ in 0..5 {
                let mut shuffled = subset.clone();
                rng.shuffle(&mut shuffled);
                // Also re-wind and re-start some rings.
                for mp in &mut shuffled {
                    if rng.below(2) == 0 {
                        for p in &mut mp.0 {
                            let mut c = open_ring(p.exterior().0.iter().copied());
                            c.reverse();
                            let k = rng.below(c.len());
                            c.rotate_left(k);
                            c.push(c[0]);
                            *p = Polygon::new(LineString(c), p.interiors().to_vec());
                        }
                    }
                }
                assert_eq!(dissolve(&refs(&shuffled)), base);
            }
        }
    }

    #[test]
    fn groups_match_single_dissolves_on_any_thread_count() {
        let mut rng = Rng(7);
        let n = 8;
        let cells = jittered_grid(n, &mut rng);
        // Groups: each row of cells, the odd cells, and an empty group.
        let mut groups: Vec<Vec<AreaId>> = (0..n)
            .map(|i| (0..n).map(|j| AreaId::from_idx(i * n + j)).collect())
            .collect();
        groups.push(
            (0..n * n)
                .filter(|k| k % 2 == 1)
                .map(AreaId::from_idx)
                .collect(),
        );
        groups.push(vec![]);
        let expected: Vec<MultiPolygon<f64>> = groups
            .iter()
            .map(|g| {
                let parts: Vec<&MultiPolygon<f64>> = g.iter().map(|id| &cells[id.idx()]).collect();
                dissolve(&parts)
            })
            .collect();
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let got = pool.install(|| dissolve_groups(&cells, &groups));
            assert_eq!(got, expected, "{threads} threads");
        }
        assert!(expected.last().unwrap().0.is_empty());
    }
}
