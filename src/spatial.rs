//! Point-in-area lookup: an R-tree over area bounding boxes (bulk-loaded
//! once), then an exact point-in-polygon test on the candidates.

use crate::model::{Area, AreaId};
use geo::{BoundingRect, Coord, Distance, Euclidean, Intersects, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

type Entry = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// Finds the area containing a point.
pub struct AreaIndex<'a> {
    areas: &'a [Area],
    tree: RTree<Entry>,
}

impl<'a> AreaIndex<'a> {
    /// Index some areas (ids are positions in `areas`).
    pub fn new(areas: &'a [Area]) -> Self {
        let entries = areas
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                let r = a.geometry.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i as u32,
                ))
            })
            .collect();
        Self {
            areas,
            tree: RTree::bulk_load(entries),
        }
    }

    /// The area containing `p` (on a shared boundary: the lowest id, so the
    /// answer is deterministic).
    pub fn locate(&self, p: Coord<f64>) -> Option<AreaId> {
        let pt = Point(p);
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_point([p.x, p.y]))
            .filter(|e| self.areas[e.data as usize].geometry.intersects(&pt))
            .map(|e| AreaId(e.data))
            .min()
    }

    /// The area nearest to `p` within `max_m` metres (0 inside an area;
    /// ties to the lowest id), or `None`.
    pub fn nearest_within(&self, p: Coord<f64>, max_m: f64) -> Option<AreaId> {
        let pt = Point(p);
        let env = AABB::from_corners([p.x - max_m, p.y - max_m], [p.x + max_m, p.y + max_m]);
        self.tree
            .locate_in_envelope_intersecting(&env)
            .map(|e| {
                let d = Euclidean.distance(&pt, &self.areas[e.data as usize].geometry);
                (d, e.data)
            })
            .filter(|&(d, _)| d <= max_m)
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
            .map(|(_, id)| AreaId(id))
    }

    /// Areas whose bounding box meets the box spanned by `a` and `b`.
    pub fn candidates(&self, a: Coord<f64>, b: Coord<f64>) -> impl Iterator<Item = AreaId> + '_ {
        let env = AABB::from_corners([a.x, a.y], [b.x, b.y]);
        self.tree
            .locate_in_envelope_intersecting(&env)
            .map(|e| AreaId(e.data))
    }

    /// The indexed area with id `id`.
    pub fn area(&self, id: AreaId) -> &'a Area {
        &self.areas[id.idx()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CentroidSource;
    use geo::{MultiPolygon, Rect};

    fn square(code: &str, x0: f64, y0: f64) -> Area {
        let r = Rect::new(
            Coord { x: x0, y: y0 },
            Coord {
                x: x0 + 10.0,
                y: y0 + 10.0,
            },
        );
        Area {
            code: code.into(),
            name: None,
            lad_code: None,
            geometry: MultiPolygon(vec![r.to_polygon()]),
            input_lonlat_e7: Vec::new(),
            population: None,
            ruc: None,
            centroid: Coord {
                x: x0 + 5.0,
                y: y0 + 5.0,
            },
            centroid_source: CentroidSource::InteriorPoint,
        }
    }

    #[test]
    fn locates_points_and_breaks_ties_by_lowest_id() {
        let areas = vec![square("B", 10.0, 0.0), square("A", 0.0, 0.0)];
        let ix = AreaIndex::new(&areas);
        assert_eq!(ix.locate(Coord { x: 3.0, y: 3.0 }), Some(AreaId(1)));
        assert_eq!(ix.locate(Coord { x: 15.0, y: 3.0 }), Some(AreaId(0)));
        // On the shared edge x = 10: both contain it; lowest id wins.
        assert_eq!(ix.locate(Coord { x: 10.0, y: 3.0 }), Some(AreaId(0)));
        assert_eq!(ix.locate(Coord { x: 30.0, y: 3.0 }), None);
    }
}
