//! Drive times on the road graph for the analysis: every practice, area
//! centroid and candidate hub site is snapped once, and matrices come from
//! the contraction hierarchy. Sites beyond the snap threshold are
//! unroutable: they get `PRACTICE_UNROUTABLE` / `AREA_UNROUTABLE` with the
//! distance to the nearest road, never a silently long time.

use super::network::{DriveTimes, Site};
use crate::findings::{Code, Finding, Scope};
use crate::model::Dataset;
use crate::routing::{Router, Snap, Snapper};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// A candidate hub site that is not a practice (a community hospital).
#[derive(Clone, Debug, PartialEq)]
pub struct CandidateSite {
    pub code: String,
    pub name: String,
    /// BNG metres.
    pub location: [f64; 2],
}

/// How snapping went, for the report.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SnapSummary {
    pub practices_snapped: usize,
    pub practices_unroutable: usize,
    /// Practices with no location at all (nothing to snap).
    pub practices_unlocated: usize,
    pub areas_snapped: usize,
    pub areas_unroutable: usize,
    pub candidates_snapped: usize,
    pub candidates_unroutable: usize,
    /// Branch surgeries snapped and too far from a road (only with sites).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branches_snapped: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branches_unroutable: Option<usize>,
    /// Largest snap distance among the snapped points, metres.
    pub max_snap_m: f64,
    /// Mean snap distance of snapped practices and areas, metres.
    pub mean_snap_m: f64,
    pub max_snap_threshold_m: f64,
    pub off_road_kph: f64,
}

/// A site's snap from an earlier run: the snap, or the distance to the
/// nearest road of an unroutable site; `None` to snap it afresh.
pub type PriorSnap<'a> = dyn Fn(Site) -> Option<Result<Snap, Option<f64>>> + Sync + 'a;

/// Every site snapped onto the graph.
pub struct SiteSnaps {
    pub snaps: HashMap<Site, Snap>,
    /// Sites too far from any road: the distance to the nearest one.
    pub unroutable: Vec<(Site, Option<f64>)>,
    pub summary: SnapSummary,
}

impl SiteSnaps {
    /// Snap every located practice, every area centroid and every candidate.
    pub fn snap_all(ds: &Dataset, snapper: &Snapper, candidates: &[CandidateSite]) -> SiteSnaps {
        Self::snap_all_reusing(ds, snapper, candidates, &|_| None)
    }

    /// [`Self::snap_all`], taking a site's snap (or its distance to the
    /// nearest road when unroutable) from `prior` when it gives one: the
    /// `what-if` scenario reuses the baseline's snaps.
    pub fn snap_all_reusing(
        ds: &Dataset,
        snapper: &Snapper,
        candidates: &[CandidateSite],
        prior: &PriorSnap,
    ) -> SiteSnaps {
        let mut points: Vec<(Site, [f64; 2])> = Vec::new();
        let mut unlocated = 0;
        for p in ds.practice_ids() {
            match ds.practice(p).location {
                Some(c) => points.push((Site::Practice(p), [c.x, c.y])),
                None => unlocated += 1,
            }
        }
        for a in ds.area_ids() {
            let c = ds.area(a).centroid;
            points.push((Site::Area(a), [c.x, c.y]));
        }
        for (i, c) in candidates.iter().enumerate() {
            points.push((Site::Candidate(i as u32), c.location));
        }
        // Branch surgeries (located ones: the loader left out the rest).
        for b in ds.branch_ids() {
            if let Some(c) = ds.branch(b).location {
                points.push((Site::Branch(b), [c.x, c.y]));
            }
        }
        let snapped: Vec<(Site, Result<Snap, Option<f64>>)> = points
            .par_iter()
            .map(|&(site, p)| {
                if let Some(r) = prior(site) {
                    return (site, r);
                }
                let r = snapper
                    .snap(p)
                    .ok_or_else(|| snapper.nearest(p).map(|s| s.snap_m));
                (site, r)
            })
            .collect();
        let mut s = SnapSummary {
            practices_unlocated: unlocated,
            max_snap_threshold_m: snapper.options.max_snap_m,
            off_road_kph: snapper.options.off_road_kph,
            branches_snapped: ds.sites_given.then_some(0),
            branches_unroutable: ds.sites_given.then_some(0),
            ..SnapSummary::default()
        };
        let mut snaps = HashMap::with_capacity(snapped.len());
        let mut unroutable = Vec::new();
        let (mut sum_m, mut n_m) = (0.0, 0usize);
        for (site, r) in snapped {
            let ok = r.is_ok();
            match site {
                Site::Practice(_) if ok => s.practices_snapped += 1,
                Site::Practice(_) => s.practices_unroutable += 1,
                Site::Area(_) if ok => s.areas_snapped += 1,
                Site::Area(_) => s.areas_unroutable += 1,
                Site::Candidate(_) if ok => s.candidates_snapped += 1,
                Site::Candidate(_) => s.candidates_unroutable += 1,
                Site::Branch(_) => {
                    let n = if ok {
                        &mut s.branches_snapped
                    } else {
                        &mut s.branches_unroutable
                    };
                    *n.get_or_insert(0) += 1;
                }
            }
            match r {
                Ok(snap) => {
                    s.max_snap_m = s.max_snap_m.max(snap.snap_m);
                    if matches!(site, Site::Practice(_) | Site::Area(_)) {
                        sum_m += snap.snap_m;
                        n_m += 1;
                    }
                    snaps.insert(site, snap);
                }
                Err(d) => unroutable.push((site, d)),
            }
        }
        s.mean_snap_m = if n_m > 0 { sum_m / n_m as f64 } else { 0.0 };
        SiteSnaps {
            snaps,
            unroutable,
            summary: s,
        }
    }

    /// `PRACTICE_UNROUTABLE` / `AREA_UNROUTABLE` for every unroutable site.
    pub fn findings(&self, ds: &Dataset, candidates: &[CandidateSite]) -> Vec<Finding> {
        let limit = self.summary.max_snap_threshold_m;
        let far = |d: &Option<f64>| match d {
            Some(d) => format!("the nearest usable road is {d:.0} m away (limit {limit:.0} m)"),
            None => "the road network is empty".to_string(),
        };
        self.unroutable
            .iter()
            .map(|(site, d)| match *site {
                Site::Practice(p) => Finding {
                    scope: Scope::Dataset,
                    code: Code::PracticeUnroutable,
                    subject: ds.practice(p).code.clone(),
                    detail: format!("practice {}: {}", ds.practice(p).code, far(d)),
                    practice: None,
                },
                Site::Area(a) => Finding {
                    scope: Scope::Dataset,
                    code: Code::AreaUnroutable,
                    subject: ds.area(a).code.clone(),
                    detail: format!("centroid of area {}: {}", ds.area(a).code, far(d)),
                    practice: None,
                },
                Site::Branch(b) => {
                    let br = ds.branch(b);
                    let parent = ds.practice(br.practice);
                    Finding {
                        scope: Scope::Dataset,
                        code: Code::SiteUnroutable,
                        subject: br.code.clone(),
                        detail: format!(
                            "branch {} ({}) of practice {}: {}; its patients go to the practice's other sites",
                            br.code,
                            br.name,
                            parent.code,
                            far(d)
                        ),
                        practice: Some(parent.code.clone()),
                    }
                }
                Site::Candidate(i) => {
                    let c = &candidates[i as usize];
                    Finding {
                        scope: Scope::Dataset,
                        code: Code::PracticeUnroutable,
                        subject: c.code.clone(),
                        detail: format!("candidate hub site {} ({}): {}", c.code, c.name, far(d)),
                        practice: None,
                    }
                }
            })
            .collect()
    }
}

/// [`DriveTimes`] on a prepared router.
pub struct RoadTimes<'a, 'g> {
    pub router: &'a Router<'g>,
    pub snaps: &'a SiteSnaps,
}

impl DriveTimes for RoadTimes<'_, '_> {
    fn times(&self, from: &[Site], to: &[Site]) -> Vec<f64> {
        let pick = |sites: &[Site]| -> (Vec<usize>, Vec<Snap>) {
            let mut idx = Vec::new();
            let mut snaps = Vec::new();
            for (i, s) in sites.iter().enumerate() {
                if let Some(snap) = self.snaps.snaps.get(s) {
                    idx.push(i);
                    snaps.push(snap.clone());
                }
            }
            (idx, snaps)
        };
        let (fi, fs) = pick(from);
        let (ti, ts) = pick(to);
        let mut out = vec![f64::INFINITY; from.len() * to.len()];
        if fs.is_empty() || ts.is_empty() {
            return out;
        }
        let m = self.router.matrix(&fs, &ts);
        for (r, &i) in fi.iter().enumerate() {
            for (c, &j) in ti.iter().enumerate() {
                // A site to itself is 0, not two off-road legs.
                out[i * to.len() + j] = if from[i] == to[j] { 0.0 } else { m.get(r, c) };
            }
        }
        out
    }

    fn routable(&self, site: Site) -> bool {
        self.snaps.snaps.contains_key(&site)
    }
}
