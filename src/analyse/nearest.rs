//! Each area's nearest practice by drive time, for footprints when a
//! dataset has neither `footprints.csv` nor registrations.
//!
//! The drive-nearest practice is looked for among the `k` practices
//! nearest in a straight line (default 8): a practice further away in a
//! straight line than eight others is almost never the nearest by road, and
//! this keeps the work linear in the number of areas. Areas are processed in
//! chunks of consecutive ids (codes sort geographically), each chunk one
//! many-to-many query from its areas to the union of their candidates.

use super::network::{DriveTimes, Site};
use crate::model::{AreaId, Dataset, PracticeId};
use rayon::prelude::*;
use rstar::RTree;
use rstar::primitives::GeomWithData;

const CHUNK: usize = 256;

/// For every area, the practice with a PCN nearest by drive time among its
/// `k` nearest in a straight line, and the drive in seconds; `None` when
/// none is reachable (the area or all candidates unroutable). Ties go to the
/// lower practice id.
pub fn nearest_practice_by_drive(
    ds: &Dataset,
    times: &dyn DriveTimes,
    k: usize,
) -> Vec<Option<(PracticeId, f64)>> {
    let points: Vec<GeomWithData<[f64; 2], u32>> = ds
        .practice_ids()
        .filter(|&p| ds.practice(p).pcn.is_some() && times.routable(Site::Practice(p)))
        .filter_map(|p| {
            let c = ds.practice(p).location?;
            Some(GeomWithData::new([c.x, c.y], p.0))
        })
        .collect();
    let tree = RTree::bulk_load(points);
    let ids: Vec<AreaId> = ds.area_ids().collect();
    ids.par_chunks(CHUNK)
        .flat_map_iter(|chunk| {
            let cands: Vec<Vec<u32>> = chunk
                .iter()
                .map(|&a| {
                    let c = ds.area(a).centroid;
                    let mut v: Vec<u32> = tree
                        .nearest_neighbor_iter(&[c.x, c.y])
                        .take(k)
                        .map(|p| p.data)
                        .collect();
                    v.sort_unstable();
                    v
                })
                .collect();
            let mut cols: Vec<u32> = cands.iter().flatten().copied().collect();
            cols.sort_unstable();
            cols.dedup();
            let from: Vec<Site> = chunk.iter().map(|&a| Site::Area(a)).collect();
            let to: Vec<Site> = cols
                .iter()
                .map(|&p| Site::Practice(PracticeId(p)))
                .collect();
            let t = times.times(&from, &to);
            let m = to.len();
            cands
                .into_iter()
                .enumerate()
                .map(|(r, cs)| {
                    let mut best: Option<(PracticeId, f64)> = None;
                    for p in cs {
                        let j = cols.binary_search(&p).unwrap_or(0);
                        let s = t[r * m + j];
                        if s.is_finite() && best.is_none_or(|b| s < b.1) {
                            best = Some((PracticeId(p), s));
                        }
                    }
                    best
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Ruc;
    use crate::model::testutil::{add_pcn, square_area};

    /// Straight line says P1, the road says P2. Area A's centroid at
    /// (500, 500); P1 at (900, 500) is 400 m away but across a river with
    /// the bridge far off (times below: 20 min); P2 at (0, 500) is 500 m
    /// away along the road (2 min).
    struct River;
    impl DriveTimes for River {
        fn times(&self, from: &[Site], to: &[Site]) -> Vec<f64> {
            let mut v = Vec::new();
            for _ in from {
                for t in to {
                    v.push(match t {
                        Site::Practice(PracticeId(0)) => 1200.0,
                        Site::Practice(PracticeId(1)) => 120.0,
                        _ => f64::INFINITY,
                    });
                }
            }
            v
        }
        fn routable(&self, _: Site) -> bool {
            true
        }
    }

    #[test]
    fn drive_time_beats_straight_line() {
        let mut ds = Dataset::default();
        ds.areas
            .push(square_area("A", 0.0, 0.0, 1000.0, 10, Ruc::E1));
        add_pcn(&mut ds, "U1", &[("P1", 100, 900.0, 500.0)]);
        add_pcn(&mut ds, "U2", &[("P2", 100, 0.0, 500.0)]);
        let n = nearest_practice_by_drive(&ds, &River, 8);
        assert_eq!(n, vec![Some((PracticeId(1), 120.0))]);
        // With only the straight-line nearest as candidate, P1 it is.
        let n1 = nearest_practice_by_drive(&ds, &River, 1);
        assert_eq!(n1, vec![Some((PracticeId(0), 1200.0))]);
        // And the footprint follows the road.
        let mut fp = crate::check::footprint::assign(&ds);
        assert_eq!(fp.area_pcns[0], vec![crate::model::PcnId(0)]);
        fp.reassign_by_drive(&ds, &n);
        assert_eq!(fp.area_pcns[0], vec![crate::model::PcnId(1)]);
        assert_eq!(fp.pcn_areas[1], vec![AreaId(0)]);
    }
}
