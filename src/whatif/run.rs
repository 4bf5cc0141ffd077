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
//!   only added practices are snapped;
//! * accessibility (2SFCA, E2SFCA, gravity) is computed in full, as
//!   `analyse` does: an area's score depends on every practice within the
//!   catchment and on every other area those practices serve, so an edit
//!   changes scores beyond the touched networks (`Reuse` has no hook for
//!   it; the matrix is built again from the shared snaps).

use super::apply::Edited;
use crate::analyse::access::AccessOptions;
use crate::analyse::network::{DriveOptions, PcnDrive, Site};
use crate::analyse::road_times::SiteSnaps;
use crate::analyse::routes::RouteLine;
use crate::analyse::run::DriveRun;
use crate::check::adjacency::Adjacency;
use crate::check::footprint::Footprints;
use crate::check::road_links::RoadLink;
use crate::check::run::{CheckOptions, PcnCheck};
use crate::findings::{Finding, Scope};
use crate::model::{Dataset, PcnId, PracticeId};
use crate::pipeline::{DrivePlan, Fresh, Nearest, Plan, Roads, Run, Silent};
use crate::routing::Snap;
use anyhow::Result;
use geo::MultiPolygon;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

/// One scenario, run (and analysed when roads are given).
pub struct Scenario {
    pub run: Run,
    /// PCN codes checked and analysed in this scenario (all of them for the
    /// baseline; the touched ones for the edited scenario).
    pub recomputed: BTreeSet<String>,
}

/// Settings of both scenarios.
pub struct WhatIfOptions {
    pub check: CheckOptions,
    pub drive: DriveOptions,
    /// Trace hub-to-member routes (`routes.geojson`).
    pub routes: bool,
    /// Accessibility scores with roads, as `analyse` computes them; `None`
    /// skips them (`--no-access`). Both scenarios compute them in full.
    pub access: Option<AccessOptions>,
    /// Supply per practice for accessibility (`--supply`); `None`: list
    /// sizes. Read again for the edited scenario, as `analyse` on the
    /// edited files would: an added practice not in the file has supply 0.
    pub supply: Option<PathBuf>,
}

impl WhatIfOptions {
    fn plan<'a>(&'a self, roads: Option<&'a Roads<'a>>) -> Plan<'a> {
        Plan {
            check: &self.check,
            links: None,
            drive: roads.map(|r| DrivePlan {
                access: self.access.as_ref(),
                supply: self.supply.as_deref(),
                ..DrivePlan::new(r, &self.drive, self.routes)
            }),
        }
    }
}

/// Run the baseline: the same stages as `check` (no roads) or `analyse`.
pub fn run_baseline(ds: Dataset, roads: Option<&Roads>, opts: &WhatIfOptions) -> Result<Scenario> {
    let recomputed = ds.pcns.iter().map(|p| p.code.clone()).collect();
    let run = crate::pipeline::run(ds, &opts.plan(roads), &mut Fresh, &Silent)?;
    Ok(Scenario { run, recomputed })
}

/// What the edited scenario takes from the baseline: every network whose
/// fingerprint (everything its check and drive times read) is unchanged.
struct FromBaseline<'a> {
    base: &'a Scenario,
    edited: &'a Edited,
    /// Edited PCN id → baseline PCN id, for untouched PCNs.
    same: HashMap<PcnId, PcnId>,
    /// PCN codes checked and analysed afresh.
    recomputed: BTreeSet<String>,
    /// Baseline practice ids by code.
    base_practice: HashMap<&'a str, PracticeId>,
}

impl<'a> FromBaseline<'a> {
    fn new(base: &'a Scenario, edited: &'a Edited) -> Self {
        let base_practice = base
            .run
            .ds
            .practices
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.as_str(), PracticeId::from_idx(i)))
            .collect();
        FromBaseline {
            base,
            edited,
            same: HashMap::new(),
            recomputed: BTreeSet::new(),
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
            Site::Branch(b) => Site::Branch(self.edited.branch_map[b.idx()]?),
            other => other,
        })
    }
    fn practices(&self, v: &[PracticeId]) -> Option<Vec<PracticeId>> {
        v.iter().map(|&p| self.practice(p)).collect()
    }
    /// The baseline's snaps and drive times, free flow or `slow`.
    fn base_drive(&self, slow: bool) -> Option<(&SiteSnaps, &DriveRun)> {
        let d = self.base.run.drive.as_ref()?;
        if slow {
            d.slow.as_ref().map(|s| (&s.snaps, &s.run))
        } else {
            Some((&d.snaps, &d.run))
        }
    }
}

impl crate::pipeline::Reuse for FromBaseline<'_> {
    fn adjacency(&self) -> Option<(Adjacency, Vec<RoadLink>)> {
        let c = &self.base.run.check;
        Some((c.adjacency.clone(), c.road_links.clone()))
    }

    /// The baseline's drive-nearest practices, when the located practices
    /// with a PCN are the same.
    fn nearest(&self, ds: &Dataset) -> Option<Nearest> {
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
        let n = self.base.run.drive.as_ref()?.nearest.as_ref()?;
        if located(&self.base.run.ds) != located(ds) {
            return None;
        }
        n.iter()
            .map(|x| match x {
                None => Some(None),
                Some((p, s)) => self.edited.practice_map[p.idx()].map(|q| Some((q, *s))),
            })
            .collect()
    }

    /// Touched PCNs: those whose fingerprint is new.
    fn footprints_assigned(&mut self, ds: &Dataset, footprints: &Footprints) {
        let base = &self.base.run;
        let base_rows = rows_by_practice(&base.ds);
        let after_rows = rows_by_practice(ds);
        let before: HashMap<String, (PcnId, String)> = base
            .ds
            .pcn_ids()
            .map(|q| {
                let f = fingerprint(
                    &base.ds,
                    &base.check.footprints,
                    &base.check.practice_area,
                    &base_rows,
                    q,
                );
                (base.ds.pcn(q).code.clone(), (q, f))
            })
            .collect();
        let after_pa = practice_areas(ds);
        for q in ds.pcn_ids() {
            let code = &ds.pcn(q).code;
            match before.get(code) {
                Some((b, f)) if *f == fingerprint(ds, footprints, &after_pa, &after_rows, q) => {
                    self.same.insert(q, *b);
                }
                _ => {
                    self.recomputed.insert(code.clone());
                }
            }
        }
    }

    /// The baseline's snap of a site of the edited scenario, where it stands
    /// unchanged.
    fn snap(&self, slow: bool, site: Site) -> Option<Result<Snap, Option<f64>>> {
        let (snaps, _) = self.base_drive(slow)?;
        let base_site = match site {
            Site::Practice(p) => {
                let code = self.edited.ds.practice(p).code.as_str();
                let b = self.base_practice.get(code)?.idx();
                if self.base.run.ds.practices[b].location != self.edited.ds.practice(p).location {
                    return None;
                }
                Site::Practice(PracticeId::from_idx(b))
            }
            // Few and cheap: snapped afresh.
            Site::Branch(_) => return None,
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

    /// A baseline PCN check in the edited scenario's ids.
    fn check(&self, q: PcnId) -> Option<(PcnCheck, Vec<Finding>)> {
        let b = *self.same.get(&q)?;
        let base = &self.base.run;
        let mut c = base.check.pcns[b.idx()].clone();
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
        let code = &base.ds.pcn(b).code;
        let f = base
            .check
            .findings
            .iter()
            .filter(|f| f.scope == Scope::Pcn && &f.subject == code)
            .cloned()
            .collect();
        Some((c, f))
    }

    fn dissolved(&self, q: PcnId) -> Option<MultiPolygon<f64>> {
        let b = *self.same.get(&q)?;
        Some(self.base.run.dissolved[b.idx()].clone())
    }

    /// A baseline drive result in the edited scenario's ids.
    fn drive(&self, slow: bool, q: PcnId) -> Option<PcnDrive> {
        let b = *self.same.get(&q)?;
        let (_, run) = self.base_drive(slow)?;
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
        if let Some(x) = d.staff_farthest_site {
            d.staff_farthest_site = Some(self.site(x)?);
        }
        if let Some(m) = d.main_only.as_mut()
            && let Some(x) = m.hub
        {
            m.hub = Some(self.site(x)?);
        }
        for (s, _) in d.site_patients.iter_mut() {
            *s = self.site(*s)?;
        }
        d.tour_sites = d
            .tour_sites
            .iter()
            .map(|&s| self.site(s))
            .collect::<Option<Vec<_>>>()?;
        Some(d)
    }

    /// A baseline network's routes in the edited scenario's ids.
    fn routes(&self, q: PcnId) -> Option<Vec<RouteLine>> {
        let bq = *self.same.get(&q)?;
        let d = self.base.run.drive.as_ref()?;
        Some(
            d.routes
                .iter()
                .filter(|l| l.pcn == bq)
                .filter_map(|l| {
                    Some(RouteLine {
                        pcn: q,
                        from: self.site(l.from)?,
                        to: self.site(l.to)?,
                        ..l.clone()
                    })
                })
                .collect(),
        )
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
) -> Result<Scenario> {
    let mut reuse = FromBaseline::new(base, edited);
    let run = crate::pipeline::run(edited.ds.clone(), &opts.plan(roads), &mut reuse, &Silent)?;
    Ok(Scenario {
        run,
        recomputed: reuse.recomputed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::footprint::assign;
    use crate::check::run::{CheckResult, check_with_footprints};
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
            access: None,
            supply: None,
        };
        let base = run_baseline(row4(), None, &opts).unwrap();
        let ctx = ApplyContext {
            baseline_footprints: &base.run.check.footprints,
            drive: None,
            postcodes: None,
        };
        let edited =
            apply_edits(&base.run.ds, &[parse_move_practice("P2=U2").unwrap()], &ctx).unwrap();
        let after = run_edited(&base, &edited, None, &opts).unwrap();
        // P2 moves to U2, and area B (nearest P2) with it: U1 and U2 change,
        // U3 is reused.
        let got: Vec<&str> = after.recomputed.iter().map(String::as_str).collect();
        assert_eq!(got, vec!["U1", "U2"]);
        let full = check_with_footprints(
            &edited.ds,
            &opts.check,
            base.run.check.adjacency.clone(),
            assign(&edited.ds),
        );
        let json = |r: &CheckResult| serde_json::to_string(&(&r.pcns, &r.findings)).unwrap();
        assert_eq!(json(&after.run.check), json(&full));
        assert_eq!(
            after.run.check.footprints.pcn_areas[1],
            vec![crate::model::AreaId(1), crate::model::AreaId(2)]
        );
        let groups: Vec<_> = full.pcns.iter().map(|c| c.areas.clone()).collect();
        let whole = crate::check::dissolve::dissolve_groups(&edited.ds.areas, &groups);
        assert_eq!(after.run.dissolved, whole);
    }
}
