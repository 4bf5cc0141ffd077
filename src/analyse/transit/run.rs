//! The public-transport stage of `analyse`: origins (areas with patients)
//! and destinations (member practices and hubs) walked onto the network,
//! journeys over the window from every origin in parallel, then each
//! network's summaries and its `PUBLIC_TRANSPORT_BURDEN` flag.

use super::PtOptions;
use super::summary::PtSummary;
use super::window::{WindowTimes, origin_times};
use crate::analyse::network::{PcnDrive, PcnInput, Site, patient_pairs};
use crate::analyse::road_times::CandidateSite;
use crate::analyse::run::DriveRun;
use crate::check::run::CheckResult;
use crate::model::{AreaId, Dataset, PcnId, PracticeId};
use crate::transit::Timetable;
use crate::transit::gtfs::GtfsReport;
use crate::transit::raptor::Raptor;
use crate::transit::walk::{WalkLinks, WalkNetwork, WalkOptions, WalkReport, walk_links};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Public transport prepared for a run: the service day's timetable and
/// the walking network, with their reports and the settings.
pub struct Transit {
    pub timetable: Timetable,
    pub gtfs: GtfsReport,
    pub walk: WalkNetwork,
    pub walk_report: WalkReport,
    pub walk_options: WalkOptions,
    pub options: PtOptions,
}

/// One area's journeys (its first network's, as the drive columns).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PtArea {
    pub area: AreaId,
    pub pcn: PcnId,
    /// The member practice with the shortest median journey, and that
    /// journey over the window.
    pub nearest_member: Option<(PracticeId, WindowTimes)>,
    pub to_hub: Option<WindowTimes>,
}

/// One network's public-transport summaries.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PtPcn {
    pub pcn: PcnId,
    /// To the practice each patient is registered at (without
    /// registrations: the member with the shortest median journey).
    pub to_practice: Option<PtSummary>,
    pub to_hub: Option<PtSummary>,
    /// Median journey by public transport over median drive, patient-weighted.
    pub car_ratio_practice: Option<f64>,
    pub car_ratio_hub: Option<f64>,
    /// Patients whose area or practice is beyond the walking network's
    /// snapping distance: they have no journey and are counted here too.
    pub patients_unwalkable: f64,
    /// `PUBLIC_TRANSPORT_BURDEN`.
    pub burden: bool,
}

/// Counts for the report.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PtCounts {
    pub origins: usize,
    pub destinations: usize,
    pub departures: usize,
    /// Journeys searched (origins × departures).
    pub searches: u64,
    pub stops_unwalkable: usize,
    /// Codes of areas and sites beyond the walking network, sorted.
    pub origins_unwalkable: Vec<String>,
    pub destinations_unwalkable: Vec<String>,
}

/// The public-transport results of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PtRun {
    pub options: PtOptions,
    /// In the drive run's network order.
    pub pcns: Vec<PtPcn>,
    /// Sorted by area.
    pub areas: Vec<PtArea>,
    pub counts: PtCounts,
    /// The loaders' reports (GTFS feeds and service day; walking network).
    pub gtfs: serde_json::Value,
    pub walk: serde_json::Value,
}

/// The place of a site, BNG metres; `None` for an unlocated practice.
fn site_xy(ds: &Dataset, candidates: &[CandidateSite], s: Site) -> Option<[f64; 2]> {
    let c = match s {
        Site::Practice(p) => ds.practice(p).location?,
        Site::Area(a) => ds.area(a).centroid,
        Site::Candidate(i) => return candidates.get(i as usize).map(|c| c.location),
        Site::Branch(b) => ds.branch(b).location?,
    };
    Some([c.x, c.y])
}

/// Each network's patients: `(area, registered practice or None, patients)`.
struct PcnPatients {
    pairs: Vec<(AreaId, Option<PracticeId>, f64)>,
    members: Vec<PracticeId>,
    hub: Option<Site>,
}

fn pcn_patients(ds: &Dataset, check: &CheckResult, drive: &DriveRun) -> Vec<PcnPatients> {
    drive
        .pcns
        .iter()
        .map(|d| {
            let c = check.pcns.iter().find(|c| c.pcn == d.pcn);
            let mut members = ds.pcn(d.pcn).practices.clone();
            members.sort_by(|a, b| ds.practice(*a).code.cmp(&ds.practice(*b).code));
            let input = PcnInput {
                pcn: d.pcn,
                members: members.clone(),
                footprint: c.map(|c| c.areas.clone()).unwrap_or_default(),
                given_hub: None,
                candidates: Vec::new(),
                rural: false,
            };
            let (pairs, _) = patient_pairs(ds, &input);
            PcnPatients {
                pairs,
                members,
                hub: d.hub,
            }
        })
        .collect()
}

/// Origins, destinations and what each origin needs.
struct Plan {
    origins: Vec<AreaId>,
    dests: Vec<Site>,
    needs: Vec<Vec<u32>>,
}

fn plan(ds: &Dataset, candidates: &[CandidateSite], pcns: &[PcnPatients]) -> Plan {
    let mut needs: BTreeMap<AreaId, BTreeSet<Site>> = BTreeMap::new();
    for p in pcns {
        let mut sites: Vec<Site> = p.members.iter().map(|&m| Site::Practice(m)).collect();
        sites.extend(p.hub);
        sites.retain(|&s| site_xy(ds, candidates, s).is_some());
        for &(a, _, _) in &p.pairs {
            needs.entry(a).or_default().extend(sites.iter().copied());
        }
    }
    let dests: Vec<Site> = needs
        .values()
        .flatten()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let index = |s: &Site| dests.binary_search(s).map_or(u32::MAX, |i| i as u32);
    Plan {
        origins: needs.keys().copied().collect(),
        needs: needs
            .values()
            .map(|s| s.iter().map(index).collect())
            .collect(),
        dests,
    }
}

/// Run the public-transport stage for a run's networks.
pub fn run_transit(
    ds: &Dataset,
    check: &CheckResult,
    drive: &DriveRun,
    candidates: &[CandidateSite],
    transit: &Transit,
) -> PtRun {
    let pcns = pcn_patients(ds, check, drive);
    let plan = plan(ds, candidates, &pcns);
    let stops: Vec<[f64; 2]> = transit.timetable.stops.iter().map(|s| s.bng).collect();
    let origins: Vec<[f64; 2]> = plan
        .origins
        .iter()
        .map(|&a| site_xy(ds, candidates, Site::Area(a)).unwrap_or([0.0, 0.0]))
        .collect();
    let dests: Vec<[f64; 2]> = plan
        .dests
        .iter()
        .map(|&s| site_xy(ds, candidates, s).unwrap_or([0.0, 0.0]))
        .collect();
    let links = walk_links(
        &transit.walk,
        &stops,
        &origins,
        &dests,
        &transit.walk_options,
    );
    let raptor = Raptor::new(&transit.timetable, &links.transfers);
    let departures = transit.options.departures();
    let times: Vec<Vec<WindowTimes>> = (0..plan.origins.len())
        .into_par_iter()
        .map_init(
            || raptor.workspace(),
            |ws, o| {
                let opts = &transit.options;
                origin_times(
                    &raptor,
                    &links,
                    o,
                    &plan.needs[o],
                    &departures,
                    opts.max_rides,
                    ws,
                )
            },
        )
        .collect();
    let lookup = Lookup {
        plan: &plan,
        times: &times,
    };
    let out: Vec<PtPcn> = drive
        .pcns
        .iter()
        .zip(&pcns)
        .map(|(d, p)| pcn_summary(d, p, &lookup, &links, &transit.options))
        .collect();
    PtRun {
        options: transit.options.clone(),
        areas: area_rows(drive, &pcns, &lookup),
        pcns: out,
        counts: counts(ds, candidates, &plan, &links, departures.len()),
        gtfs: serde_json::to_value(&transit.gtfs).unwrap_or_default(),
        walk: serde_json::to_value(&transit.walk_report).unwrap_or_default(),
    }
}

/// Window times by (area, site).
struct Lookup<'a> {
    plan: &'a Plan,
    times: &'a [Vec<WindowTimes>],
}

impl Lookup<'_> {
    fn get(&self, a: AreaId, s: Site) -> Option<WindowTimes> {
        let o = self.plan.origins.binary_search(&a).ok()?;
        let d = self.plan.dests.binary_search(&s).ok()? as u32;
        let k = self.plan.needs[o].binary_search(&d).ok()?;
        Some(self.times[o][k])
    }

    /// The member with the shortest median journey from `a` (the first in
    /// code order on a tie), with its times.
    fn nearest(&self, a: AreaId, members: &[PracticeId]) -> Option<(PracticeId, WindowTimes)> {
        members
            .iter()
            .filter_map(|&m| self.get(a, Site::Practice(m)).map(|t| (m, t)))
            .min_by_key(|(_, t)| t.median_s.unwrap_or(u32::MAX))
    }
}

fn minutes(t: Option<WindowTimes>) -> Option<f64> {
    t.and_then(|t| t.median_s).map(|s| s as f64 / 60.0)
}

fn pcn_summary(
    d: &PcnDrive,
    p: &PcnPatients,
    look: &Lookup,
    links: &WalkLinks,
    opts: &PtOptions,
) -> PtPcn {
    let mut practice = Vec::with_capacity(p.pairs.len());
    let mut hub: BTreeMap<AreaId, f64> = BTreeMap::new();
    for &(a, reg, w) in &p.pairs {
        let t = match reg {
            Some(m) => look.get(a, Site::Practice(m)),
            None => look.nearest(a, &p.members).map(|x| x.1),
        };
        practice.push((minutes(t), w));
        *hub.entry(a).or_insert(0.0) += w;
    }
    let to_hub: Vec<(Option<f64>, f64)> = match d.hub {
        Some(h) => hub
            .iter()
            .map(|(&a, &w)| (minutes(look.get(a, h)), w))
            .collect(),
        None => Vec::new(),
    };
    let to_practice = PtSummary::of(&practice, opts.burden_min);
    let to_hub = PtSummary::of(&to_hub, opts.burden_min);
    let ratio = |pt: &Option<PtSummary>, car: Option<f64>| {
        let pt = pt.as_ref()?.median_min?;
        car.filter(|&c| c > 0.0).map(|c| pt / c)
    };
    let burden = to_hub
        .as_ref()
        .is_some_and(|s| s.share_no_journey_burden > opts.burden_share);
    PtPcn {
        pcn: d.pcn,
        car_ratio_practice: ratio(
            &to_practice,
            d.patients.to_practice.as_ref().map(|s| s.median),
        ),
        car_ratio_hub: ratio(&to_hub, d.patients.to_hub.as_ref().map(|s| s.median)),
        patients_unwalkable: unwalkable_patients(p, look, links),
        to_practice,
        to_hub,
        burden,
    }
}

/// Patients whose area did not snap to the walking network.
fn unwalkable_patients(p: &PcnPatients, look: &Lookup, links: &WalkLinks) -> f64 {
    p.pairs
        .iter()
        .filter(|(a, _, _)| {
            look.plan
                .origins
                .binary_search(a)
                .is_ok_and(|o| links.unsnapped.origins.iter().any(|u| u.0 == o as u32))
        })
        .map(|x| x.2)
        .sum()
}

/// Each area's journeys, for `areas.geojson`: its first network's.
fn area_rows(drive: &DriveRun, pcns: &[PcnPatients], look: &Lookup) -> Vec<PtArea> {
    let mut rows: BTreeMap<AreaId, PtArea> = BTreeMap::new();
    for (d, p) in drive.pcns.iter().zip(pcns) {
        for t in &d.area_times {
            rows.entry(t.area).or_insert_with(|| PtArea {
                area: t.area,
                pcn: d.pcn,
                nearest_member: look.nearest(t.area, &p.members),
                to_hub: d.hub.and_then(|h| look.get(t.area, h)),
            });
        }
    }
    rows.into_values().collect()
}

fn counts(
    ds: &Dataset,
    candidates: &[CandidateSite],
    plan: &Plan,
    links: &WalkLinks,
    departures: usize,
) -> PtCounts {
    let code = |s: Site| s.code(ds, candidates);
    let mut o: Vec<String> = links
        .unsnapped
        .origins
        .iter()
        .map(|u| ds.area(plan.origins[u.0 as usize]).code.clone())
        .collect();
    let mut d: Vec<String> = links
        .unsnapped
        .destinations
        .iter()
        .map(|u| code(plan.dests[u.0 as usize]))
        .collect();
    o.sort();
    d.sort();
    PtCounts {
        origins: plan.origins.len(),
        destinations: plan.dests.len(),
        departures,
        searches: (plan.origins.len() * departures) as u64,
        stops_unwalkable: links.unsnapped.stops.len(),
        origins_unwalkable: o,
        destinations_unwalkable: d,
    }
}
