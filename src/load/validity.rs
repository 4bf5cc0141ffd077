//! OGC validity of area polygons: the same checks, in the same order and
//! with the same errors, as `geo::Validation::check_validation` for a
//! `MultiPolygon`, but fast enough for all of England.
//!
//! geo tests every pair of segments of a ring for a self-intersection
//! (quadratic: half the national load time went there). Here the pairs are
//! found by a sweep over the segments' x-extents and only pairs whose
//! bounding boxes meet are tested, with geo's own exact `Line::intersects`
//! and the same "not neighbours" condition, so the answer is identical.
//! Polygon pairs whose bounding boxes are apart are skipped before geo's
//! `relate` (their interiors and boundaries cannot meet). The `relate` calls
//! that remain run under `catch_unwind`: a panic inside geo on odd geometry
//! becomes a notice, not a crash. `tests::agrees_with_geo_on_random_rings`
//! and the real-data test `validity_matches_geo_on_england` compare the two.

use geo::coordinate_position::CoordPos;
use geo::dimensions::Dimensions;
use geo::validation::{CoordIndex, GeometryIndex, InvalidMultiPolygon, InvalidPolygon, RingRole};
use geo::{
    BoundingRect, Coord, Intersects, Line, LineString, MultiPolygon, Polygon, PreparedGeometry,
    Rect, Relate,
};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Why `mp` is not a valid OGC multipolygon, as a sentence, or `None` when
/// it is valid. The sentence is geo's error text (the first error geo's
/// `check_validation` would give), or says that geo panicked.
pub fn invalid_reason(mp: &MultiPolygon<f64>) -> Option<String> {
    match catch_unwind(AssertUnwindSafe(|| first_error(mp))) {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Some(format!(
                "its validity could not be checked (geo's relate failed: {what})"
            ))
        }
    }
}

/// The first validation error, exactly as `geo::Validation::check_validation`.
pub fn first_error(mp: &MultiPolygon<f64>) -> Result<(), InvalidMultiPolygon> {
    let boxes: Vec<Option<Rect<f64>>> = mp.0.iter().map(|p| p.bounding_rect()).collect();
    for (i, polygon) in mp.0.iter().enumerate() {
        polygon_first_error(polygon)
            .map_err(|e| InvalidMultiPolygon::InvalidPolygon(GeometryIndex(i), e))?;
        for (j, other) in mp.0.iter().enumerate().skip(i + 1) {
            let apart = match (boxes[i], boxes[j]) {
                (Some(a), Some(b)) => !a.intersects(&b),
                // An empty polygon meets nothing.
                _ => true,
            };
            if apart {
                continue;
            }
            let im = polygon.relate(other);
            if im.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                return Err(InvalidMultiPolygon::ElementsOverlaps(
                    GeometryIndex(i),
                    GeometryIndex(j),
                ));
            }
            if im.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
                return Err(InvalidMultiPolygon::ElementsTouchOnALine(
                    GeometryIndex(i),
                    GeometryIndex(j),
                ));
            }
        }
    }
    Ok(())
}

/// geo's polygon checks, in geo's order.
fn polygon_first_error(polygon: &Polygon<f64>) -> Result<(), InvalidPolygon> {
    if polygon.exterior().0.is_empty() {
        return Ok(());
    }
    let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
    for (ring_idx, ring) in rings.enumerate() {
        if ring.0.is_empty() {
            continue;
        }
        let role = if ring_idx == 0 {
            RingRole::Exterior
        } else {
            RingRole::Interior(ring_idx - 1)
        };
        if too_few_points(ring) {
            return Err(InvalidPolygon::TooFewPointsInRing(role));
        }
        if has_self_intersection(&ring.0) {
            return Err(InvalidPolygon::SelfIntersection(role));
        }
        if let Some(k) = ring
            .0
            .iter()
            .position(|c| !c.x.is_finite() || !c.y.is_finite())
        {
            return Err(InvalidPolygon::NonFiniteCoord(role, CoordIndex(k)));
        }
    }
    if polygon.interiors().iter().all(|r| r.0.is_empty()) {
        return Ok(());
    }
    let exterior = Polygon::new(polygon.exterior().clone(), vec![]);
    let prepared_exterior = PreparedGeometry::from(&exterior);
    for (i1, interior_1) in polygon.interiors().iter().enumerate() {
        if interior_1.0.is_empty() {
            continue;
        }
        let role_1 = RingRole::Interior(i1);
        let hole_1 = Polygon::new(interior_1.clone(), vec![]);
        let prepared_1 = PreparedGeometry::from(&hole_1);
        let im = prepared_exterior.relate(&prepared_1);
        if !im.is_contains() {
            return Err(InvalidPolygon::InteriorRingNotContainedInExteriorRing(
                role_1,
            ));
        }
        if im.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
            return Err(InvalidPolygon::IntersectingRingsOnALine(
                RingRole::Exterior,
                role_1,
            ));
        }
        for (i2, interior_2) in polygon.interiors().iter().enumerate().skip(i1 + 1) {
            if interior_2.0.is_empty() {
                continue;
            }
            let role_2 = RingRole::Interior(i2);
            let im = prepared_1.relate(&Polygon::new(interior_2.clone(), vec![]));
            if im.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                return Err(InvalidPolygon::IntersectingRingsOnAnArea(role_1, role_2));
            }
            if im.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
                return Err(InvalidPolygon::IntersectingRingsOnALine(role_1, role_2));
            }
        }
    }
    Ok(())
}

/// Fewer than 4 points once consecutive repeats are dropped (geo's rule).
fn too_few_points(ring: &LineString<f64>) -> bool {
    let mut n = 0usize;
    let mut last: Option<Coord<f64>> = None;
    for &c in &ring.0 {
        if last != Some(c) {
            n += 1;
            last = Some(c);
        }
        if n >= 4 {
            return false;
        }
    }
    true
}

/// geo's ring self-intersection test: two segments `i != j` that intersect
/// (closed, exact predicates) where neither one's start is the other's end.
/// Candidate pairs come from a sweep over x-extents, so the answer is the
/// same as testing every pair.
pub fn has_self_intersection(coords: &[Coord<f64>]) -> bool {
    if coords.len() < 3 {
        // Zero or one segment: no pair.
        return false;
    }
    let lines: Vec<Line<f64>> = coords.windows(2).map(|w| Line::new(w[0], w[1])).collect();
    // (min x, max x, min y, max y) per segment, sorted by min x.
    let mut order: Vec<(f64, f64, f64, f64, u32)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (
                l.start.x.min(l.end.x),
                l.start.x.max(l.end.x),
                l.start.y.min(l.end.y),
                l.start.y.max(l.end.y),
                i as u32,
            )
        })
        .collect();
    order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.4.cmp(&b.4)));
    for (k, a) in order.iter().enumerate() {
        for b in &order[k + 1..] {
            if b.0 > a.1 {
                break;
            }
            if b.2 > a.3 || a.2 > b.3 {
                continue;
            }
            let (la, lb) = (lines[a.4 as usize], lines[b.4 as usize]);
            if la.start != lb.end && la.end != lb.start && la.intersects(&lb) {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Validation;

    /// A tiny deterministic generator (xorshift), so failures repeat.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        /// A small integer coordinate, so touching and collinear cases are common.
        fn coord(&mut self, span: u64) -> f64 {
            (self.next() % span) as f64
        }
    }

    fn random_ring(rng: &mut Rng, n: usize, span: u64) -> LineString<f64> {
        let mut pts: Vec<Coord<f64>> = (0..n)
            .map(|_| Coord {
                x: rng.coord(span),
                y: rng.coord(span),
            })
            .collect();
        // Sometimes repeat a point, to make zero-length segments.
        if n > 2 && rng.next().is_multiple_of(4) {
            let k = (rng.next() as usize) % (n - 1);
            pts.insert(k + 1, pts[k]);
        }
        pts.push(pts[0]);
        LineString(pts)
    }

    /// A star-shaped (simple) ring around (cx, cy).
    fn star(rng: &mut Rng, cx: f64, cy: f64, r: f64, n: usize) -> LineString<f64> {
        let mut pts: Vec<Coord<f64>> = (0..n)
            .map(|k| {
                let t = std::f64::consts::TAU * k as f64 / n as f64;
                let rr = r * (0.5 + (rng.next() % 1000) as f64 / 2000.0);
                Coord {
                    x: (cx + rr * t.cos()).round(),
                    y: (cy + rr * t.sin()).round(),
                }
            })
            .collect();
        pts.push(pts[0]);
        LineString(pts)
    }

    #[test]
    fn agrees_with_geo_on_random_rings() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut invalid = 0;
        for case in 0..3000 {
            let n = 3 + (rng.next() % 9) as usize;
            let span = 2 + rng.next() % 12;
            let ring = random_ring(&mut rng, n, span);
            let quadratic = {
                // geo's own rule, every pair (the reference).
                let lines: Vec<Line<f64>> = ring.lines().collect();
                let mut hit = false;
                for (i, a) in lines.iter().enumerate() {
                    for (j, b) in lines.iter().enumerate() {
                        if i != j && a.intersects(b) && a.start != b.end && a.end != b.start {
                            hit = true;
                        }
                    }
                }
                hit
            };
            assert_eq!(
                has_self_intersection(&ring.0),
                quadratic,
                "case {case}: {ring:?}"
            );
            let mp = MultiPolygon(vec![Polygon::new(ring, vec![])]);
            let ours = first_error(&mp);
            assert_eq!(ours, mp.check_validation(), "case {case}: {mp:?}");
            invalid += ours.is_err() as usize;
        }
        // Both kinds were exercised.
        assert!(invalid > 100 && invalid < 2900, "{invalid}");
    }

    #[test]
    fn agrees_with_geo_on_random_multipolygons_with_holes() {
        let mut rng = Rng(42);
        let mut invalid = 0;
        for case in 0..400 {
            let parts = 1 + (rng.next() % 3) as usize;
            let polys: Vec<Polygon<f64>> = (0..parts)
                .map(|_| {
                    let cx = rng.coord(60) + 20.0;
                    let cy = rng.coord(60) + 20.0;
                    let n = 6 + (rng.next() % 10) as usize;
                    let shell = star(&mut rng, cx, cy, 20.0, n);
                    let holes = (0..rng.next() % 3)
                        .map(|_| {
                            let hx = cx + rng.coord(16) - 8.0;
                            let hy = cy + rng.coord(16) - 8.0;
                            let n = 3 + (rng.next() % 5) as usize;
                            star(&mut rng, hx, hy, 5.0, n)
                        })
                        .collect();
                    Polygon::new(shell, holes)
                })
                .collect();
            let mp = MultiPolygon(polys);
            let ours = first_error(&mp);
            assert_eq!(ours, mp.check_validation(), "case {case}: {mp:?}");
            invalid += ours.is_err() as usize;
        }
        assert!(invalid > 20 && invalid < 380, "{invalid}");
    }

    // Hand-made: a bow-tie (self-intersection), a square with a spike
    // back along an edge (collinear overlap), and two squares sharing an
    // edge (touch on a line) — answers worked out by hand.
    #[test]
    fn hand_made_cases() {
        let sq = |x: f64, y: f64| {
            Polygon::new(
                LineString::from(vec![
                    (x, y),
                    (x + 1.0, y),
                    (x + 1.0, y + 1.0),
                    (x, y + 1.0),
                    (x, y),
                ]),
                vec![],
            )
        };
        let bowtie = LineString::from(vec![
            (0.0, 0.0),
            (1.0, 1.0),
            (1.0, 0.0),
            (0.0, 1.0),
            (0.0, 0.0),
        ]);
        assert!(has_self_intersection(&bowtie.0));
        let spike = LineString::from(vec![
            (0.0, 0.0),
            (2.0, 0.0),
            (1.0, 0.0),
            (1.0, 1.0),
            (0.0, 1.0),
            (0.0, 0.0),
        ]);
        assert!(has_self_intersection(&spike.0));
        assert!(!has_self_intersection(&sq(0.0, 0.0).exterior().0));
        assert_eq!(
            invalid_reason(&MultiPolygon(vec![sq(0.0, 0.0), sq(3.0, 0.0)])),
            None
        );
        assert_eq!(
            invalid_reason(&MultiPolygon(vec![sq(0.0, 0.0), sq(1.0, 0.0)])).as_deref(),
            Some("polygons at indices 0 and 1 touch on a line")
        );
    }
}
