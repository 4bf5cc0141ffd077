//! Links between areas that share no boundary but are joined by a road or a
//! ferry: an estuary crossed by a bridge, an island served by a car ferry.
//! Small-area boundaries are clipped to the coastline, so such areas never
//! touch; without these links their networks would be reported broken.
//!
//! For each way, every node is located in the area containing it (nodes on
//! a bridge or ferry route over water lie in none). Two consecutive located
//! nodes in different, non-adjacent areas A and B give a link A–B when the
//! stretch of way between them enters no third area: it runs only over
//! water (or along A and B themselves). A ferry's terminals often stand on
//! piers beyond the clipped coastline, so a ferry's unlocated first or last
//! node is placed in the nearest area within `terminal_max_m`.

use crate::check::adjacency::Adjacency;
use crate::model::{Area, AreaId};
use crate::roads::network::{RoadClass, RoadNetwork};
use crate::spatial::AreaIndex;
use geo::{Coord, Intersects, Line};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// How links are found.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RoadLinkOptions {
    /// A ferry terminal off the clipped coastline joins the nearest area
    /// within this distance, in metres.
    pub terminal_max_m: f64,
}

impl Default for RoadLinkOptions {
    fn default() -> Self {
        Self {
            terminal_max_m: 500.0,
        }
    }
}

/// One link found, with the way that makes it (the lowest way id when
/// several do).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoadLink {
    pub a: AreaId,
    pub b: AreaId,
    /// `ferry` or `road` (a bridge, causeway or tunnel).
    pub kind: &'static str,
    pub way_id: i64,
}

/// Links across water from a road network, for pairs of areas that the
/// adjacency does not already join. Sorted by (a, b); deterministic.
pub fn road_links(
    net: &RoadNetwork,
    areas: &[Area],
    adjacency: &Adjacency,
    opts: &RoadLinkOptions,
) -> Vec<RoadLink> {
    let index = AreaIndex::new(areas);
    let node_area: Vec<Option<AreaId>> = net
        .nodes
        .par_iter()
        .map(|p| index.locate(Coord { x: p[0], y: p[1] }))
        .collect();
    let found: Vec<RoadLink> = net
        .ways
        .par_iter()
        .flat_map_iter(|way| {
            let is_ferry = way.class == RoadClass::Ferry;
            let mut located: Vec<(usize, AreaId)> = Vec::new();
            for (i, &n) in way.nodes.iter().enumerate() {
                let area = node_area[n as usize].or_else(|| {
                    let end = i == 0 || i + 1 == way.nodes.len();
                    (is_ferry && end)
                        .then(|| {
                            let p = net.nodes[n as usize];
                            index.nearest_within(Coord { x: p[0], y: p[1] }, opts.terminal_max_m)
                        })
                        .flatten()
                });
                if let Some(a) = area {
                    located.push((i, a));
                }
            }
            let mut out = Vec::new();
            for w in located.windows(2) {
                let ((i, a), (j, b)) = (w[0], w[1]);
                if a == b || adjacency.are_neighbours(a, b) {
                    continue;
                }
                let stretch: Vec<Coord<f64>> = way.nodes[i..=j]
                    .iter()
                    .map(|&n| {
                        let p = net.nodes[n as usize];
                        Coord { x: p[0], y: p[1] }
                    })
                    .collect();
                if index.line_enters_other(&stretch, &[a, b]) {
                    continue;
                }
                let (a, b) = if a < b { (a, b) } else { (b, a) };
                out.push(RoadLink {
                    a,
                    b,
                    kind: if is_ferry { "ferry" } else { "road" },
                    way_id: way.id,
                });
            }
            out
        })
        .collect();
    // One link per pair: a road beats a ferry (it runs all day), then the
    // lowest way id.
    let mut best: BTreeMap<(AreaId, AreaId), RoadLink> = BTreeMap::new();
    for l in found {
        let key = (l.a, l.b);
        let rank = |l: &RoadLink| (l.kind != "road", l.way_id);
        match best.get(&key) {
            Some(old) if rank(old) <= rank(&l) => {}
            _ => {
                best.insert(key, l);
            }
        }
    }
    best.into_values().collect()
}

impl AreaIndex<'_> {
    /// Whether the polyline enters any area other than those in `allowed`.
    fn line_enters_other(&self, line: &[Coord<f64>], allowed: &[AreaId]) -> bool {
        line.windows(2).any(|w| {
            let seg = Line::new(w[0], w[1]);
            self.candidates(w[0], w[1])
                .filter(|id| !allowed.contains(id))
                .any(|id| self.area(id).geometry.intersects(&seg))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::adjacency::{AdjacencyOptions, build_adjacency};
    use crate::model::CentroidSource;
    use crate::roads::network::{Direction, Way};
    use geo::{MultiPolygon, Rect};

    fn rect(code: &str, x0: f64, y0: f64, x1: f64, y1: f64) -> Area {
        let r = Rect::new(Coord { x: x0, y: y0 }, Coord { x: x1, y: y1 });
        Area {
            code: code.into(),
            name: None,
            lad_code: None,
            geometry: MultiPolygon(vec![r.to_polygon()]),
            input_lonlat_e7: Vec::new(),
            population: None,
            ruc: None,
            centroid: r.center(),
            centroid_source: CentroidSource::InteriorPoint,
        }
    }

    fn way(id: i64, class: RoadClass, nodes: Vec<u32>) -> Way {
        Way {
            id,
            class,
            nodes,
            direction: Direction::Both,
            speed_kph: 50.0,
            fixed_seconds: None,
            name: String::new(),
        }
    }

    /// Worked by hand. Four 1 km squares along the x axis with 200 m of
    /// water between each: W [0,1000], M [1200,2200], E [2400,3400], and an
    /// island I [0,1000] × [2000,3000] north of W across 1 km of sea.
    ///   - road 1: (900,500) W → (1100,500) water → (1300,500) M: W–M road link.
    ///   - road 2: (500,600) W → (2900,600) E in one segment, crossing M:
    ///     enters a third area, so no W–E link.
    ///   - ferry 3: (500,1050) 50 m off W's shore → (500,1950) 50 m off I:
    ///     both terminals unlocated, nearest areas W and I within 500 m: W–I ferry.
    ///   - ferry 4 duplicates road 1 (M–W): the road wins.
    ///   - ferry 5: (2300,500) water → (3000,2000) far from every area: no link.
    fn fixture() -> (Vec<Area>, RoadNetwork) {
        let areas = vec![
            rect("W", 0.0, 0.0, 1000.0, 1000.0),
            rect("M", 1200.0, 0.0, 2200.0, 1000.0),
            rect("E", 2400.0, 0.0, 3400.0, 1000.0),
            rect("I", 0.0, 2000.0, 1000.0, 3000.0),
        ];
        let nodes = vec![
            [900.0, 500.0],   // 0 in W
            [1100.0, 500.0],  // 1 water
            [1300.0, 500.0],  // 2 in M
            [500.0, 600.0],   // 3 in W
            [2900.0, 600.0],  // 4 in E
            [500.0, 1050.0],  // 5 water, 50 m off W
            [500.0, 1950.0],  // 6 water, 50 m off I
            [2300.0, 500.0],  // 7 water between M and E (100 m from each)
            [3000.0, 2000.0], // 8 far out
        ];
        let net = RoadNetwork {
            nodes,
            ways: vec![
                way(1, RoadClass::Primary, vec![0, 1, 2]),
                way(2, RoadClass::Primary, vec![3, 4]),
                way(3, RoadClass::Ferry, vec![5, 6]),
                way(4, RoadClass::Ferry, vec![2, 1, 0]),
                way(5, RoadClass::Ferry, vec![8, 7]),
            ],
        };
        (areas, net)
    }

    #[test]
    fn bridges_and_ferries_by_hand() {
        let (areas, net) = fixture();
        let geoms: Vec<_> = areas.iter().map(|a| a.geometry.clone()).collect();
        let adj = build_adjacency(&geoms, &AdjacencyOptions::default());
        assert!(adj.pairs().is_empty());
        let links = road_links(&net, &areas, &adj, &RoadLinkOptions::default());
        let got: Vec<(u32, u32, &str, i64)> = links
            .iter()
            .map(|l| (l.a.0, l.b.0, l.kind, l.way_id))
            .collect();
        // Ferry 5: node 7 (2300,500) is 100 m from M and E, but it is the
        // *last* node only in way order [8, 7]: 8 is unlocated and beyond
        // 500 m, so one located end — no pair.
        assert_eq!(got, vec![(0, 1, "road", 1), (0, 3, "ferry", 3)]);
    }

    #[test]
    fn adjacent_areas_get_no_link() {
        let (mut areas, net) = fixture();
        // Widen M to touch W: road 1 now joins neighbours, nothing to add.
        areas[1] = rect("M", 1000.0, 0.0, 2200.0, 1000.0);
        let geoms: Vec<_> = areas.iter().map(|a| a.geometry.clone()).collect();
        let adj = build_adjacency(&geoms, &AdjacencyOptions::default());
        assert!(adj.are_neighbours(AreaId(0), AreaId(1)));
        let links = road_links(&net, &areas, &adj, &RoadLinkOptions::default());
        assert!(links.iter().all(|l| (l.a.0, l.b.0) != (0, 1)));
        assert!(
            links
                .iter()
                .any(|l| (l.a.0, l.b.0, l.kind) == (0, 3, "ferry"))
        );
    }

    #[test]
    fn terminal_distance_is_an_option() {
        let (areas, net) = fixture();
        let adj = Adjacency::empty(areas.len());
        let opts = RoadLinkOptions {
            terminal_max_m: 10.0,
        };
        let links = road_links(&net, &areas, &adj, &opts);
        assert!(links.iter().all(|l| l.kind != "ferry"));
    }
}
