//! Running the baseline and the edited scenario. The edited scenario re-runs
//! only what the edits touch:
//!
//! * the area adjacency (and the road links across water) is the
//!   baseline's: edits never change areas;
//! * footprints are assigned again by the same rule (`footprints.csv`, else
//!   registrations, else the nearest practice — a linear pass); the nearest
//!   practice *by drive time* is routed again only when the set of located
//!   practices with a PCN changed (a practice added or closed);
//! * a PCN is *touched* when anything its check or drive-time analysis reads
//!   changed: its code or name, its members (code, name, list size,
//!   location), its footprint, its members' registrations, or which PCNs'
//!   footprints hold the areas its members stand in. Only touched PCNs are
//!   checked, dissolved and analysed again; the rest reuse the baseline's
//!   results, ids renumbered;
//! * the road graph, its contraction hierarchy and every snap are shared:
//!   only added practices are snapped.

use super::apply::Edited;
use crate::analyse::nearest::nearest_practice_by_drive;
use crate::analyse::network::{PcnDrive, Site};
use crate::analyse::road_times::{RoadTimes, SiteSnaps};
use crate::analyse::run::{DriveRun, HubInputs, run_drive_reusing};
use crate::check::footprint::{Footprints, assign};
use crate::check::run::{CheckOptions, CheckResult, PcnCheck, check_reusing};
use crate::findings::{Finding, Scope};
use crate::model::{Dataset, PcnId, PracticeId};
use crate::output::drive::RouteLine;
use crate::roads::network::RoadNetwork;
use crate::routing::{PreparedRoads, Router, Snap, Snapper};
use geo::{Coord, MultiPolygon};
use std::collections::{BTreeSet, HashMap};

/// The prepared roads both scenarios share.
pub struct Roads<'a> {
    pub net: &'a RoadNetwork,
    pub prepared: &'a PreparedRoads,
    /// The slower scenario's (`--slow-factor` < 1).
    pub slow: Option<&'a PreparedRoads>,
}

impl Roads<'_> {
    /// Drive times in seconds from one point to several (BNG metres), each
    /// snapped as a site is; `f64::INFINITY` where a point does not snap or
    /// there is no route. Used to re-allocate a closed practice's patients.
    pub fn times_from(&self, from: Coord<f64>, to: &[Coord<f64>]) -> Vec<f64> {
        let snapper = self.prepared.snapper();
        let Some(a) = snapper.snap([from.x, from.y]) else {
            return vec![f64::INFINITY; to.len()];
        };
        let snaps: Vec<Option<Snap>> = to.iter().map(|c| snapper.snap([c.x, c.y])).collect();
        let ok: Vec<Snap> = snaps.iter().flatten().cloned().collect();
        let m = self.prepared.router().matrix(std::slice::from_ref(&a), &ok);
        let mut k = 0;
        snaps
            .iter()
            .map(|s| match s {
                Some(_) => {
                    k += 1;
                    m.get(0, k - 1)
                }
                None => f64::INFINITY,
            })
            .collect()
    }
}

/// The drive-time results of one scenario.
pub struct ScenarioDrive {
    pub snaps: SiteSnaps,
    pub run: DriveRun,
    pub slow: Option<(SiteSnaps, DriveRun)>,
    pub routes: Vec<RouteLine>,
    /// Each area's drive-nearest practice, when footprints were assigned by it.
    pub nearest: Option<Vec<Option<(PracticeId, f64)>>>,
}

/// One scenario, checked (and analysed when roads are given).
pub struct Scenario {
    pub ds: Dataset,
    pub res: CheckResult,
    pub dissolved: Vec<MultiPolygon<f64>>,
    pub drive: Option<ScenarioDrive>,
    /// PCN codes checked and analysed in this scenario (all of them for the
    /// baseline; the touched ones for the edited scenario).
    pub recomputed: BTreeSet<String>,
}

/// Settings of both scenarios.
pub struct WhatIfOptions {
    pub check: CheckOptions,
    pub drive: crate::analyse::network::DriveOptions,
    /// Trace hub-to-member routes (`routes.geojson`).
    pub routes: bool,
}

/// Run the baseline: the same stages as `check` (no roads) or `analyse`.
pub fn run_baseline(ds: Dataset, roads: Option<&Roads>, opts: &WhatIfOptions) -> Scenario {
    let Some(roads) = roads else {
        let res = crate::check::run::run_check(&ds, &opts.check);
        let dissolved = dissolve_all(&ds, &res);
        let recomputed = ds.pcns.iter().map(|p| p.code.clone()).collect();
        return Scenario {
            ds,
            res,
            dissolved,
            drive: None,
            recomputed,
        };
    };
    let mut footprints = assign(&ds);
    let mut nearest = None;
    if ds.footprints.is_none() && ds.registrations().is_empty() {
        let plain = SiteSnaps::snap_all(&ds, &roads.prepared.snapper(), &[]);
        let t = RoadTimes {
            router: &roads.prepared.router(),
            snaps: &plain,
        };
        let n = nearest_practice_by_drive(&ds, &t, 8);
        footprints.reassign_by_drive(&ds, &n);
        nearest = Some(n);
    }
    let res = crate::check::run::run_check_with_roads_and_footprints(
        &ds,
        &opts.check,
        roads.net,
        footprints,
    )
    .0;
    let dissolved = dissolve_all(&ds, &res);
    let drive = drive_scenario(&ds, &res, roads, opts, nearest, None);
    let recomputed = ds.pcns.iter().map(|p| p.code.clone()).collect();
    Scenario {
        ds,
        res,
        dissolved,
        drive: Some(drive),
        recomputed,
    }
}

fn dissolve_all(ds: &Dataset, res: &CheckResult) -> Vec<MultiPolygon<f64>> {
    let groups: Vec<_> = res.pcns.iter().map(|c| c.areas.clone()).collect();
    crate::check::dissolve::dissolve_groups(&ds.areas, &groups)
}

/// What the edited scenario takes from the baseline.
struct Reuse<'a> {
    base: &'a Scenario,
    edited: &'a Edited,
    /// Edited PCN id → baseline PCN id, for untouched PCNs.
    same: HashMap<PcnId, PcnId>,
    /// Baseline practice ids by code.
    base_practice: HashMap<&'a str, PracticeId>,
}

impl<'a> Reuse<'a> {
    fn new(base: &'a Scenario, edited: &'a Edited, same: HashMap<PcnId, PcnId>) -> Self {
        let base_practice = base
            .ds
            .practices
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.as_str(), PracticeId::from_idx(i)))
            .collect();
        Reuse {
            base,
            edited,
            same,
            base_practice,
        }
    }

    fn practice(&self, p: PracticeId) -> Option<PracticeId> {
        self.edited.practice_map[p.idx()]
    }
    fn pcn(&self, q: PcnId) -> Option<PcnId> {
        self.edited.pcn_map[q.idx()]
    }
    fn site(&self, s: Site) -> Option<Site> {
        Some(match s {
            Site::Practice(p) => Site::Practice(self.practice(p)?),
            other => other,
        })
    }
    fn practices(&self, v: &[PracticeId]) -> Option<Vec<PracticeId>> {
        v.iter().map(|&p| self.practice(p)).collect()
    }

    /// A baseline PCN check in the edited scenario's ids.
    fn check(&self, q: PcnId) -> Option<(PcnCheck, Vec<Finding>)> {
        let b = *self.same.get(&q)?;
        let c = &self.base.res.pcns[b.idx()];
        let mut c = c.clone();
        c.pcn = q;
        for k in &mut c.components {
            k.practices = self.practices(&k.practices)?;
        }
        for o in &mut c.outside {
            o.practice = self.practice(o.practice)?;
            o.in_footprint_of = o
                .in_footprint_of
                .iter()
                .map(|&x| self.pcn(x))
                .collect::<Option<Vec<_>>>()?;
        }
        let code = &self.base.ds.pcn(b).code;
        let f = self
            .base
            .res
            .findings
            .iter()
            .filter(|f| f.scope == Scope::Pcn && &f.subject == code)
            .cloned()
            .collect();
        Some((c, f))
    }

    /// A baseline drive result in the edited scenario's ids.
    fn drive(&self, run: &DriveRun, q: PcnId) -> Option<PcnDrive> {
        let b = *self.same.get(&q)?;
        let mut d = run.pcns[b.idx()].clone();
        d.pcn = q;
        d.members = self.practices(&d.members)?;
        d.unroutable_members = self.practices(&d.unroutable_members)?;
        for s in [&mut d.hub, &mut d.median, &mut d.centre] {
            if let Some(x) = *s {
                *s = Some(self.site(x)?);
            }
        }
        if let Some(p) = d.staff_farthest {
            d.staff_farthest = Some(self.practice(p)?);
        }
        d.tour_sites = d
            .tour_sites
            .iter()
            .map(|&s| self.site(s))
            .collect::<Option<Vec<_>>>()?;
        Some(d)
    }

    /// The baseline's snap of a site of the edited scenario.
    fn snap(&self, snaps: &SiteSnaps, site: Site) -> Option<Result<Snap, Option<f64>>> {
        let base_site = match site {
            Site::Practice(p) => {
                let code = self.edited.ds.practice(p).code.as_str();
                let b = self.base_practice.get(code)?.idx();
                // Only where it stands unchanged.
                if self.base.ds.practices[b].location != self.edited.ds.practice(p).location {
                    return None;
                }
                Site::Practice(PracticeId::from_idx(b))
            }
            other => other,
        };
        if let Some(s) = snaps.snaps.get(&base_site) {
            return Some(Ok(s.clone()));
        }
        snaps
            .unroutable
            .iter()
            .find(|(s, _)| *s == base_site)
            .map(|(_, d)| Err(*d))
    }
}

/// A description of everything a PCN's check and drive-time analysis read,
/// in codes (ids differ between the scenarios): equal descriptions give
/// equal results.
fn fingerprint(
    ds: &Dataset,
    fp: &Footprints,
    practice_area: &[Option<crate::model::AreaId>],
    rows_of: &[Vec<usize>],
    q: PcnId,
) -> String {
    use std::fmt::Write;
    let pcn = ds.pcn(q);
    let mut s = format!("{}\u{1f}{}\n", pcn.code, pcn.name);
    for &p in &pcn.practices {
        let x = ds.practice(p);
        let owners: Vec<&str> = practice_area[p.idx()]
            .map(|a| {
                fp.area_pcns[a.idx()]
                    .iter()
                    .map(|o| ds.pcn(*o).code.as_str())
                    .collect()
            })
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "m {} {:?} {:?} {:?} {:?} {:?} {:?}",
            x.code,
            x.name,
            x.list_size,
            x.postcode,
            x.location.map(|c| (c.x.to_bits(), c.y.to_bits())),
            practice_area[p.idx()],
            owners
        );
    }
    let _ = writeln!(s, "a {:?}", fp.pcn_areas[q.idx()]);
    // Members' registration rows in dataset order (sums follow that order).
    let mut rows: Vec<usize> = pcn
        .practices
        .iter()
        .flat_map(|p| rows_of[p.idx()].iter().copied())
        .collect();
    rows.sort_unstable();
    for r in rows.into_iter().map(|i| &ds.registrations()[i]) {
        let _ = writeln!(
            s,
            "r {} {} {}",
            ds.practice(r.practice).code,
            r.area.0,
            r.patients
        );
    }
    s
}

/// Each practice's registration rows (indices into `ds.registrations`).
fn rows_by_practice(ds: &Dataset) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); ds.practices.len()];
    for (i, r) in ds.registrations().iter().enumerate() {
        out[r.practice.idx()].push(i);
    }
    out
}

/// The area each practice stands in.
fn practice_areas(ds: &Dataset) -> Vec<Option<crate::model::AreaId>> {
    let index = crate::spatial::AreaIndex::new(&ds.areas);
    ds.practices
        .iter()
        .map(|p| p.location.and_then(|c| index.locate(c)))
        .collect()
}

/// Run the edited scenario, reusing the baseline for untouched PCNs.
pub fn run_edited(
    base: &Scenario,
    edited: &Edited,
    roads: Option<&Roads>,
    opts: &WhatIfOptions,
) -> Scenario {
    let ds = &edited.ds;
    // Footprints by the same rule as the baseline.
    let mut footprints = assign(ds);
    let mut nearest = None;
    if let (Some(roads), Some(bd)) = (roads, &base.drive)
        && ds.footprints.is_none()
        && ds.registrations().is_empty()
    {
        let located = |d: &Dataset| -> BTreeSet<(String, Option<(u64, u64)>)> {
            d.practices
                .iter()
                .filter(|p| p.pcn.is_some())
                .map(|p| {
                    (
                        p.code.clone(),
                        p.location.map(|c| (c.x.to_bits(), c.y.to_bits())),
                    )
                })
                .collect()
        };
        let reused: Option<Vec<Option<(PracticeId, f64)>>> = match &bd.nearest {
            Some(n) if located(&base.ds) == located(ds) => n
                .iter()
                .map(|x| match x {
                    None => Some(None),
                    Some((p, s)) => edited.practice_map[p.idx()].map(|q| Some((q, *s))),
                })
                .collect(),
            _ => None,
        };
        let n = reused.unwrap_or_else(|| {
            let reuse = Reuse::new(base, edited, HashMap::new());
            let snapper = roads.prepared.snapper();
            let plain =
                SiteSnaps::snap_all_reusing(ds, &snapper, &[], &|s| reuse.snap(&bd.snaps, s));
            let t = RoadTimes {
                router: &roads.prepared.router(),
                snaps: &plain,
            };
            nearest_practice_by_drive(ds, &t, 8)
        });
        footprints.reassign_by_drive(ds, &n);
        nearest = Some(n);
    }

    // Touched PCNs: those whose fingerprint is new.
    let base_pa = &base.res.practice_area;
    let base_rows = rows_by_practice(&base.ds);
    let after_rows = rows_by_practice(ds);
    let before: HashMap<String, (PcnId, String)> = base
        .ds
        .pcn_ids()
        .map(|q| {
            (
                base.ds.pcn(q).code.clone(),
                (
                    q,
                    fingerprint(&base.ds, &base.res.footprints, base_pa, &base_rows, q),
                ),
            )
        })
        .collect();
    let after_pa = practice_areas(ds);
    let mut same = HashMap::new();
    let mut recomputed = BTreeSet::new();
    for q in ds.pcn_ids() {
        let code = &ds.pcn(q).code;
        match before.get(code) {
            Some((b, f)) if *f == fingerprint(ds, &footprints, &after_pa, &after_rows, q) => {
                same.insert(q, *b);
            }
            _ => {
                recomputed.insert(code.clone());
            }
        }
    }
    let reuse = Reuse::new(base, edited, same);

    let mut res = check_reusing(
        ds,
        &opts.check,
        base.res.adjacency.clone(),
        footprints,
        &|q| reuse.check(q),
    );
    res.road_links = base.res.road_links.clone();
    // Touched PCNs whose reuse failed (a member id that did not map) were
    // recomputed by `check_reusing`; count them as touched.
    // Dissolve only the touched footprints.
    let touched: Vec<PcnId> = ds
        .pcn_ids()
        .filter(|q| !reuse.same.contains_key(q))
        .collect();
    let groups: Vec<_> = touched
        .iter()
        .map(|q| res.pcns[q.idx()].areas.clone())
        .collect();
    let fresh = crate::check::dissolve::dissolve_groups(&ds.areas, &groups);
    let mut fresh = touched
        .iter()
        .copied()
        .zip(fresh)
        .collect::<HashMap<_, _>>();
    let dissolved: Vec<MultiPolygon<f64>> = ds
        .pcn_ids()
        .map(|q| match fresh.remove(&q) {
            Some(g) => g,
            None => base.dissolved[reuse.same[&q].idx()].clone(),
        })
        .collect();

    let drive = roads.map(|roads| drive_scenario(ds, &res, roads, opts, nearest, Some(&reuse)));
    Scenario {
        ds: edited.ds.clone(),
        res,
        dissolved,
        drive,
        recomputed,
    }
}

/// Snap, analyse (free flow and slower), trace routes; reusing the
/// baseline's results for untouched PCNs when `reuse` is given.
fn drive_scenario(
    ds: &Dataset,
    res: &CheckResult,
    roads: &Roads,
    opts: &WhatIfOptions,
    nearest: Option<Vec<Option<(PracticeId, f64)>>>,
    reuse: Option<&Reuse>,
) -> ScenarioDrive {
    let bd = reuse.and_then(|r| r.base.drive.as_ref());
    let snap = |snapper: &Snapper, prior: Option<&SiteSnaps>| match (reuse, prior) {
        (Some(r), Some(p)) => SiteSnaps::snap_all_reusing(ds, snapper, &[], &|s| r.snap(p, s)),
        _ => SiteSnaps::snap_all(ds, snapper, &[]),
    };
    let hubs = HubInputs::default();
    let analyse = |router: &Router, snaps: &SiteSnaps, prior: Option<&DriveRun>| {
        let t = RoadTimes { router, snaps };
        match (reuse, prior) {
            (Some(r), Some(p)) => {
                run_drive_reusing(ds, res, &t, &opts.drive, &hubs, &|| {}, &|q| r.drive(p, q))
            }
            _ => run_drive_reusing(ds, res, &t, &opts.drive, &hubs, &|| {}, &|_| None),
        }
    };
    let router = roads.prepared.router();
    let snaps = snap(&roads.prepared.snapper(), bd.map(|b| &b.snaps));
    let run = analyse(&router, &snaps, bd.map(|b| &b.run));
    let slow = roads.slow.map(|slow| {
        let prior = bd.and_then(|b| b.slow.as_ref());
        let s = snap(&slow.snapper(), prior.map(|p| &p.0));
        let r = analyse(&slow.router(), &s, prior.map(|p| &p.1));
        (s, r)
    });
    let routes = if !opts.routes {
        Vec::new()
    } else {
        match (reuse, bd) {
            (Some(r), Some(b)) => {
                // Trace the touched networks only; remap the rest.
                let touched = DriveRun {
                    options: run.options.clone(),
                    pcns: run
                        .pcns
                        .iter()
                        .filter(|d| !r.same.contains_key(&d.pcn))
                        .cloned()
                        .collect(),
                    findings: Vec::new(),
                };
                let fresh = crate::analyse::pipeline::hub_routes(&touched, &snaps, &router);
                let mut out = Vec::new();
                for q in ds.pcn_ids() {
                    match r.same.get(&q) {
                        Some(&bq) => {
                            out.extend(b.routes.iter().filter(|l| l.pcn == bq).filter_map(|l| {
                                Some(RouteLine {
                                    pcn: q,
                                    from: r.site(l.from)?,
                                    to: r.site(l.to)?,
                                    ..l.clone()
                                })
                            }))
                        }
                        None => out.extend(fresh.iter().filter(|l| l.pcn == q).cloned()),
                    }
                }
                out
            }
            _ => crate::analyse::pipeline::hub_routes(&run, &snaps, &router),
        }
    };
    ScenarioDrive {
        snaps,
        run,
        slow,
        routes,
        nearest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::run::check_with_footprints;
    use crate::model::Ruc;
    use crate::model::testutil::{add_pcn, squares_in_a_row};
    use crate::whatif::apply::{ApplyContext, apply_edits};
    use crate::whatif::edits::parse_move_practice;

    /// Four 1 km squares in a row; U1 has P1 in A and P2 in B, U2 has P3 in
    /// C, U3 has P4 in D (nearest-practice footprints: A, B → U1; C → U2;
    /// D → U3).
    fn row4() -> Dataset {
        let mut ds = Dataset::default();
        squares_in_a_row(&mut ds, &["A", "B", "C", "D"], Ruc::E1);
        add_pcn(
            &mut ds,
            "U1",
            &[("P1", 100, 500.0, 500.0), ("P2", 100, 1500.0, 500.0)],
        );
        add_pcn(&mut ds, "U2", &[("P3", 100, 2500.0, 500.0)]);
        add_pcn(&mut ds, "U3", &[("P4", 100, 3500.0, 500.0)]);
        ds
    }

    #[test]
    fn only_touched_pcns_are_recomputed_and_the_result_is_a_full_rerun() {
        let opts = WhatIfOptions {
            check: CheckOptions::default(),
            drive: crate::analyse::network::DriveOptions::default(),
            routes: false,
        };
        let base = run_baseline(row4(), None, &opts);
        let ctx = ApplyContext {
            baseline_footprints: &base.res.footprints,
            drive: None,
            postcodes: None,
        };
        let edited = apply_edits(&base.ds, &[parse_move_practice("P2=U2").unwrap()], &ctx).unwrap();
        let after = run_edited(&base, &edited, None, &opts);
        // P2 moves to U2, and area B (nearest P2) with it: U1 and U2 change,
        // U3 is reused.
        let got: Vec<&str> = after.recomputed.iter().map(String::as_str).collect();
        assert_eq!(got, vec!["U1", "U2"]);
        let full = check_with_footprints(
            &edited.ds,
            &opts.check,
            base.res.adjacency.clone(),
            assign(&edited.ds),
        );
        let json = |r: &CheckResult| serde_json::to_string(&(&r.pcns, &r.findings)).unwrap();
        assert_eq!(json(&after.res), json(&full));
        assert_eq!(
            after.res.footprints.pcn_areas[1],
            vec![crate::model::AreaId(1), crate::model::AreaId(2)]
        );
        assert_eq!(after.dissolved, dissolve_all(&edited.ds, &full));
    }
}
