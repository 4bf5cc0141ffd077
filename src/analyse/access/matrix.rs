//! The area × practice drive-time matrix for accessibility, from the road
//! router: every routable area centroid to every routable practice, cut
//! off at the catchment, as one sparse many-to-many query on the
//! contraction hierarchy (`Router::sparse_rows_ms`). Off-road legs at
//! both ends count, as everywhere in `analyse`.

use super::CostMatrix;
use crate::analyse::network::Site;
use crate::analyse::road_times::SiteSnaps;
use crate::model::{AreaId, Dataset, PracticeId};
use crate::routing::{Router, Snap};

/// The matrix with what its rows and columns are.
pub struct AccessMatrix {
    /// Columns: routable practices, in id order.
    pub practices: Vec<PracticeId>,
    /// One row per area of the dataset (in id order); unroutable areas
    /// have no pairs and `routable[i] == false`.
    pub routable: Vec<bool>,
    pub matrix: CostMatrix,
}

/// Drive minutes from every area centroid to every practice within
/// `catchment_min`, off-road legs included.
pub fn area_practice_matrix(
    ds: &Dataset,
    router: &Router,
    snaps: &SiteSnaps,
    catchment_min: f64,
) -> AccessMatrix {
    let (practices, targets): (Vec<PracticeId>, Vec<Snap>) = ds
        .practice_ids()
        .filter_map(|p| Some((p, snaps.snaps.get(&Site::Practice(p))?.clone())))
        .unzip();
    let areas: Vec<AreaId> = ds.area_ids().collect();
    let snapped: Vec<Option<&Snap>> = areas
        .iter()
        .map(|&a| snaps.snaps.get(&Site::Area(a)))
        .collect();
    let routable: Vec<bool> = snapped.iter().map(Option::is_some).collect();
    let sources: Vec<Snap> = snapped.into_iter().flatten().cloned().collect();
    let limit_s = catchment_min * 60.0;
    // The network part can be no longer than the whole drive.
    let limit_ms = crate::routing::dijkstra::limit_to_ms(limit_s);
    // Straight into the matrix, a few thousand searches at a time (each row
    // comes in target order): nationally the pairs are tens of millions,
    // and holding every search's row beside the matrix would set the run's
    // peak memory.
    let mut matrix = CostMatrix::with_capacity(targets.len(), areas.len(), 0);
    let (mut area, mut source) = (0, 0);
    let skip_unroutable = |matrix: &mut CostMatrix, area: &mut usize| {
        while *area < routable.len() && !routable[*area] {
            matrix.push_row(std::iter::empty());
            *area += 1;
        }
    };
    router.sparse_rows_ms(&sources, &targets, limit_ms, 4096, |pairs| {
        skip_unroutable(&mut matrix, &mut area);
        let s = &sources[source];
        matrix.push_row(pairs.into_iter().filter_map(|(j, ms)| {
            let total_s = s.total_s(ms, &targets[j as usize]);
            (total_s <= limit_s).then_some((j, total_s / 60.0))
        }));
        (area, source) = (area + 1, source + 1);
    });
    skip_unroutable(&mut matrix, &mut area);
    AccessMatrix {
        practices,
        routable,
        matrix,
    }
}
