//! Stops placed far from every other stop of their feed: a stop more than
//! [`ISOLATED_KM`] km (straight line) from its nearest neighbour is taken as
//! misplaced and set aside with a notice. `crate::coords::check_wgs84`
//! accepts a box around Great Britain that takes in open sea, and a real
//! feed error sits there: Chester's "Sealand School" at 49.77, −7.56, some
//! 370 km out in the Atlantic from the rest of its feed.

use std::collections::HashMap;

/// The distance past which a stop with no other stop nearer is set aside.
pub const ISOLATED_KM: f64 = 100.0;

/// Grid cell size, metres.
const CELL: f64 = 10_000.0;

/// The stops (indexes into `points`, BNG metres) with no other stop within
/// [`ISOLATED_KM`], each with the distance to its nearest one in metres
/// (`None` when none is within the search). Feeds of fewer than three stops
/// are not judged.
pub fn isolated(points: &[[f64; 2]]) -> Vec<(usize, Option<f64>)> {
    if points.len() < 3 {
        return Vec::new();
    }
    let cell = |p: &[f64; 2]| ((p[0] / CELL).floor() as i64, (p[1] / CELL).floor() as i64);
    let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, p) in points.iter().enumerate() {
        grid.entry(cell(p)).or_default().push(i);
    }
    let reach = (ISOLATED_KM * 1000.0 / CELL).ceil() as i64;
    let mut out = Vec::new();
    for (i, p) in points.iter().enumerate() {
        let (cx, cy) = cell(p);
        if grid[&(cx, cy)].len() > 1 {
            continue; // another stop within one cell's diagonal
        }
        let mut nearest: Option<f64> = None;
        for dx in -reach..=reach {
            for dy in -reach..=reach {
                let Some(others) = grid.get(&(cx + dx, cy + dy)) else {
                    continue;
                };
                for &j in others.iter().filter(|&&j| j != i) {
                    let d = (p[0] - points[j][0]).hypot(p[1] - points[j][1]);
                    nearest = Some(nearest.map_or(d, |n: f64| n.min(d)));
                }
            }
        }
        if nearest.is_none_or(|d| d > ISOLATED_KM * 1000.0) {
            out.push((i, nearest));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_stop_far_from_the_rest() {
        let pts = [[0.0, 0.0], [500.0, 0.0], [90_000.0, 0.0], [400_000.0, 0.0]];
        // 90 km from its nearest: kept; 310 km: set aside, none within reach.
        assert_eq!(isolated(&pts), vec![(3, None)]);
        let pts = [[0.0, 0.0], [0.0, 500.0], [0.0, 101_000.0]];
        assert_eq!(isolated(&pts), vec![(2, Some(100_500.0))]);
        assert!(isolated(&pts[..2]).is_empty());
    }
}
