//! Hub-to-member routes along the roads, for `routes.geojson` and the map.

use super::network::{PcnDrive, Site};
use super::road_times::SiteSnaps;
use crate::model::PcnId;
use crate::routing::Router;
use rayon::prelude::*;

/// One hub-to-member route along the roads.
#[derive(Clone, Debug, PartialEq)]
pub struct RouteLine {
    pub pcn: PcnId,
    pub from: Site,
    pub to: Site,
    pub seconds: f64,
    pub metres: f64,
    /// BNG metres, from the hub along the roads to the member.
    pub coords: Vec<[f64; 2]>,
}

/// The routes from each network's hub to the other sites of its staff
/// tour, in the order of `pcns` (networks in parallel).
pub fn hub_routes(pcns: &[&PcnDrive], snaps: &SiteSnaps, router: &Router) -> Vec<RouteLine> {
    pcns.par_iter()
        .flat_map_iter(|d| {
            let mut out = Vec::new();
            let Some(hub) = d.hub else { return out };
            let Some(hs) = snaps.snaps.get(&hub) else {
                return out;
            };
            for &to in d.tour_sites.iter().skip(1) {
                let Some(ts) = snaps.snaps.get(&to) else {
                    continue;
                };
                if let Some(p) = router.path(hs, ts) {
                    out.push(RouteLine {
                        pcn: d.pcn,
                        from: hub,
                        to,
                        seconds: p.seconds,
                        metres: p.metres,
                        coords: p.coords,
                    });
                }
            }
            out
        })
        .collect()
}
