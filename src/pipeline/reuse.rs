//! What a scenario may take from an earlier run of the same pipeline.
//! `what-if`'s edited scenario takes every network whose inputs did not
//! change from the baseline; every other run is [`Fresh`].

use crate::analyse::network::{PcnDrive, Site};
use crate::analyse::routes::RouteLine;
use crate::check::adjacency::Adjacency;
use crate::check::footprint::Footprints;
use crate::check::road_links::RoadLink;
use crate::check::run::PcnCheck;
use crate::findings::Finding;
use crate::model::{Dataset, PcnId, PracticeId};
use crate::routing::Snap;
use geo::MultiPolygon;

/// Results an earlier run can lend, step by step; `None` means "compute it".
/// Each network's answer must be exactly what computing it would give.
pub trait Reuse: Sync {
    /// The adjacency and road links (edits never change the areas).
    fn adjacency(&self) -> Option<(Adjacency, Vec<RoadLink>)> {
        None
    }
    /// Each area's drive-nearest practice, for footprints by drive time.
    fn nearest(&self, ds: &Dataset) -> Option<Vec<Option<(PracticeId, f64)>>> {
        let _ = ds;
        None
    }
    /// Called once the footprints are assigned, before the checks: the
    /// moment to decide which networks are unchanged.
    fn footprints_assigned(&mut self, ds: &Dataset, footprints: &Footprints) {
        let _ = (ds, footprints);
    }
    /// A site's snap (or, when unroutable, its distance to the nearest road),
    /// free flow or `slow`.
    fn snap(&self, slow: bool, site: Site) -> Option<Result<Snap, Option<f64>>> {
        let _ = (slow, site);
        None
    }
    /// A network's check and findings.
    fn check(&self, pcn: PcnId) -> Option<(PcnCheck, Vec<Finding>)> {
        let _ = pcn;
        None
    }
    /// A network's dissolved footprint.
    fn dissolved(&self, pcn: PcnId) -> Option<MultiPolygon<f64>> {
        let _ = pcn;
        None
    }
    /// A network's drive-time results, free flow or `slow`.
    fn drive(&self, slow: bool, pcn: PcnId) -> Option<PcnDrive> {
        let _ = (slow, pcn);
        None
    }
    /// A network's hub-to-member routes.
    fn routes(&self, pcn: PcnId) -> Option<Vec<RouteLine>> {
        let _ = pcn;
        None
    }
}

/// Nothing to reuse: every step computes afresh.
pub struct Fresh;

impl Reuse for Fresh {}

/// Only the adjacency and its road links are reused (`propose` checks and
/// analyses its proposal on today's).
pub struct SameAreas<'a>(pub &'a Adjacency, pub &'a [RoadLink]);

impl Reuse for SameAreas<'_> {
    fn adjacency(&self) -> Option<(Adjacency, Vec<RoadLink>)> {
        Some((self.0.clone(), self.1.to_vec()))
    }
}
