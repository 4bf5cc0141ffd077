//! The drive-time half of the outputs of `analyse`: properties added to
//! `pcns.geojson`, `areas.geojson`, `practices.geojson` and columns of
//! `pcn_summary.csv`, `routes.geojson`, and the `drive` section of
//! `report.json`. `check` writes the same files without them.

use crate::analyse::access::ScoreSummary;
use crate::analyse::network::{PcnDrive, Site};
use crate::analyse::road_times::CandidateSite;
use crate::model::{AreaId, Dataset, PracticeId};
use crate::pipeline::Drive;
use serde::Serialize;
use std::collections::BTreeMap;

/// Minutes rounded to 0.01 for output.
pub fn min2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn share4(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

/// The code of a site: practice code, area code or candidate site code.
pub fn site_code(ds: &Dataset, candidates: &[CandidateSite], s: Site) -> String {
    s.code(ds, candidates)
}

/// Drive-time properties of one PCN (flattened into `pcns.geojson`).
/// Every field is optional: `check` writes the same keys as `analyse`,
/// all null ([`PcnDriveProps::absent`]). Counts are integers; minutes have
/// 2 decimals, shares and access scores 4.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PcnDriveProps {
    pub hub_practice: Option<String>,
    pub hub_rule: Option<&'static str>,
    pub median_hub: Option<String>,
    pub centre_hub: Option<String>,
    pub practices_routable: Option<usize>,
    pub practices_unroutable: Option<usize>,
    pub staff_max_min: Option<f64>,
    pub staff_farthest_practice: Option<String>,
    pub staff_mean_min: Option<f64>,
    pub staff_tour_min: Option<f64>,
    pub staff_tour_exact: Option<bool>,
    pub staff_tour_gap: Option<f64>,
    pub staff_tour_order: Option<Vec<String>>,
    pub visits_per_day: Option<usize>,
    pub patients_basis: Option<&'static str>,
    /// Patients (registrations or residents, by `patients_basis`) counted
    /// in the times to practice; a whole number.
    pub patients: Option<u64>,
    pub patients_unroutable: Option<u64>,
    pub patients_mean_min_to_practice: Option<f64>,
    pub patients_median_min_to_practice: Option<f64>,
    pub patients_p90_min_to_practice: Option<f64>,
    pub patients_max_min_to_practice: Option<f64>,
    pub patients_mean_min_to_nearest: Option<f64>,
    /// Share of the patients above (4 decimals) living where another
    /// network's practice is nearer by drive than their own network's
    /// nearest member, and the number of such areas.
    pub share_patients_other_network_nearer: Option<f64>,
    pub areas_other_network_nearer: Option<u64>,
    pub patients_excess_mean_min: Option<f64>,
    pub patient_minutes_per_1000: Option<u64>,
    pub patients_mean_min_to_hub: Option<f64>,
    pub patients_median_min_to_hub: Option<f64>,
    pub patients_p90_min_to_hub: Option<f64>,
    pub patients_max_min_to_hub: Option<f64>,
    /// `patients_share_over_{T}_min_to_hub` for each reporting threshold T.
    #[serde(flatten)]
    pub shares_to_hub: BTreeMap<String, Option<f64>>,
    /// The same headline numbers under the slower scenario.
    pub slow_speed_factor: Option<f64>,
    pub staff_max_min_slow: Option<f64>,
    pub staff_tour_min_slow: Option<f64>,
    pub patients_p90_min_to_hub_slow: Option<f64>,
    pub patients_share_over_limit_to_hub_slow: Option<f64>,
    /// Accessibility over the footprint's residents (per 1,000 residents):
    /// population-weighted mean and 10th percentile of the area scores.
    pub access_2sfca_mean: Option<f64>,
    pub access_2sfca_p10: Option<f64>,
    pub access_e2sfca_mean: Option<f64>,
    pub access_e2sfca_p10: Option<f64>,
    pub access_gravity_mean: Option<f64>,
    pub access_gravity_p10: Option<f64>,
    /// With sites only (`sites.csv`): the figures on main sites alone,
    /// beside the ones above (which then count branch sites); absent
    /// without sites, so those outputs are as before.
    #[serde(flatten)]
    pub main_sites: Option<MainSiteProps>,
    /// Public-transport properties, with `--gtfs` only (no keys without).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub transit: Option<super::transit::PcnPtProps>,
}

/// A network's headline figures on its practices' main sites only (the
/// analysis without branch surgeries), written beside the figures with
/// them. Null after `check`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MainSiteProps {
    /// Patients' mean drive to their practice's main site (the figure
    /// `patients_mean_min_to_practice` was before sites).
    pub patients_mean_min_to_practice_main_site: Option<f64>,
    /// The staff tour over main sites only.
    pub staff_tour_min_main_sites: Option<f64>,
}

impl MainSiteProps {
    /// `Some` (the figures, or all null when there is no drive) with
    /// sites, `None` without.
    pub fn of(ds: &Dataset, d: Option<&PcnDrive>) -> Option<MainSiteProps> {
        ds.sites_given.then(|| {
            let m = d.and_then(|d| d.main_only.as_deref());
            MainSiteProps {
                patients_mean_min_to_practice_main_site: m
                    .and_then(|m| m.patients.to_practice.as_ref())
                    .map(|s| min2(s.mean)),
                staff_tour_min_main_sites: m.and_then(|m| m.tour_min).map(min2),
            }
        })
    }
}

/// An accessibility score rounded to 0.0001 for output.
fn score4(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

/// A count kept as a float (a sum of whole registrations or residents) as
/// the whole number it is.
pub(super) fn count(v: f64) -> u64 {
    // Saturating cast: counts are never negative or near u64::MAX.
    v.round().max(0.0) as u64
}

/// The property of the share of patients over `t` minutes from the hub.
fn share_key(t: f64) -> String {
    format!("patients_share_over_{}_min_to_hub", threshold_name(t))
}

fn threshold_name(t: f64) -> String {
    if t.fract() == 0.0 {
        format!("{t:.0}")
    } else {
        format!("{t}").replace('.', "_")
    }
}

impl PcnDriveProps {
    /// The properties of a run without drive times: every key `analyse`
    /// writes with the default reporting thresholds, all null.
    pub fn absent(ds: &Dataset) -> PcnDriveProps {
        let thresholds = crate::analyse::network::DriveOptions::default().share_thresholds_min;
        PcnDriveProps {
            shares_to_hub: thresholds.iter().map(|&t| (share_key(t), None)).collect(),
            main_sites: MainSiteProps::of(ds, None),
            ..PcnDriveProps::default()
        }
    }

    pub fn new(ds: &Dataset, out: &Drive, k: usize) -> PcnDriveProps {
        let d: &PcnDrive = &out.run.pcns[k];
        let code = |s: Site| site_code(ds, &out.candidates, s);
        let pt = &d.patients;
        let opts = &out.run.options;
        let mut shares = BTreeMap::new();
        for (i, &t) in opts.share_thresholds_min.iter().enumerate() {
            shares.insert(
                share_key(t),
                pt.to_hub.as_ref().map(|s| share4(s.share_over[i])),
            );
        }
        let slow = out.slow.as_ref().map(|s| (s.factor, &s.run.pcns[k]));
        let acc = out.access.as_ref().map(|a| &a.pcns[k]);
        let mean = |f: fn(&crate::analyse::access::run::PcnAccess) -> Option<ScoreSummary>| {
            acc.and_then(f).map(|s| score4(s.mean))
        };
        let p10 = |f: fn(&crate::analyse::access::run::PcnAccess) -> Option<ScoreSummary>| {
            acc.and_then(f).map(|s| score4(s.p10))
        };
        let other = other_network_nearer(ds, out, d);
        PcnDriveProps {
            transit: out
                .transit
                .as_ref()
                .and_then(|t| t.pcns.get(k))
                .map(super::transit::PcnPtProps::new),
            share_patients_other_network_nearer: other.map(|o| share4(o.0)),
            areas_other_network_nearer: other.map(|o| o.1),
            hub_practice: d.hub.map(code),
            hub_rule: Some(d.hub_rule),
            median_hub: d.median.map(code),
            centre_hub: d.centre.map(code),
            practices_routable: Some(d.members.len()),
            practices_unroutable: Some(d.unroutable_members.len()),
            staff_max_min: d.staff_max_min.map(min2),
            staff_farthest_practice: d.staff_farthest.map(|p| ds.practice(p).code.clone()),
            staff_mean_min: d.staff_mean_min.map(min2),
            staff_tour_min: d.tour.as_ref().map(|t| min2(t.seconds / 60.0)),
            staff_tour_exact: d.tour.as_ref().map(|t| t.exact),
            staff_tour_gap: d.tour.as_ref().map(|t| share4(t.gap())),
            staff_tour_order: Some(
                d.tour
                    .as_ref()
                    .map(|t| t.order.iter().map(|&i| code(d.tour_sites[i])).collect())
                    .unwrap_or_default(),
            ),
            visits_per_day: d.tour.as_ref().map(|t| t.visits_per_day),
            patients_basis: Some(match pt.basis {
                crate::analyse::network::PatientBasis::Registrations => "registrations",
                crate::analyse::network::PatientBasis::PopulationNearest => "population_nearest",
            }),
            patients: pt.to_practice.as_ref().map(|s| count(s.weight)),
            patients_unroutable: Some(count(pt.unroutable_patients)),
            patients_mean_min_to_practice: pt.to_practice.as_ref().map(|s| min2(s.mean)),
            patients_median_min_to_practice: pt.to_practice.as_ref().map(|s| min2(s.median)),
            patients_p90_min_to_practice: pt.to_practice.as_ref().map(|s| min2(s.p90)),
            patients_max_min_to_practice: pt.to_practice.as_ref().map(|s| min2(s.max)),
            patients_mean_min_to_nearest: pt.to_nearest.as_ref().map(|s| min2(s.mean)),
            patients_excess_mean_min: pt.excess_mean_min.map(min2),
            patient_minutes_per_1000: pt.to_practice.as_ref().map(|s| count(s.mean * 1000.0)),
            patients_mean_min_to_hub: pt.to_hub.as_ref().map(|s| min2(s.mean)),
            patients_median_min_to_hub: pt.to_hub.as_ref().map(|s| min2(s.median)),
            patients_p90_min_to_hub: pt.to_hub.as_ref().map(|s| min2(s.p90)),
            patients_max_min_to_hub: pt.to_hub.as_ref().map(|s| min2(s.max)),
            shares_to_hub: shares,
            slow_speed_factor: slow.map(|(f, _)| score4(f)),
            staff_max_min_slow: slow.and_then(|(_, s)| s.staff_max_min.map(min2)),
            staff_tour_min_slow: slow
                .and_then(|(_, s)| s.tour.as_ref().map(|t| min2(t.seconds / 60.0))),
            patients_p90_min_to_hub_slow: slow
                .and_then(|(_, s)| s.patients.to_hub.as_ref().map(|h| min2(h.p90))),
            patients_share_over_limit_to_hub_slow: slow
                .and_then(|(_, s)| s.patients.hub_share_over_limit.map(share4)),
            access_2sfca_mean: mean(|a| a.two_sfca),
            access_2sfca_p10: p10(|a| a.two_sfca),
            access_e2sfca_mean: mean(|a| a.e2sfca),
            access_e2sfca_p10: p10(|a| a.e2sfca),
            access_gravity_mean: mean(|a| a.gravity),
            access_gravity_p10: p10(|a| a.gravity),
            main_sites: MainSiteProps::of(ds, Some(d)),
        }
    }
}

/// For one network: the share of its routable patients whose area has
/// another network's practice nearer by drive than the network's nearest
/// member (strictly), and the count of such areas; `None` without patients
/// or without the nearest practices.
fn other_network_nearer(ds: &Dataset, out: &Drive, d: &PcnDrive) -> Option<(f64, u64)> {
    let any = out.nearest.as_deref()?;
    let (mut total, mut other, mut areas) = (0.0, 0.0, 0);
    for &(a, own_s, w) in &d.patients.nearest_by_area {
        total += w;
        if let Some(Some((p, s))) = any.get(a.idx())
            && ds.practice(*p).pcn != Some(d.pcn)
            && *s < own_s
        {
            other += w;
            areas += 1;
        }
    }
    (total > 0.0).then(|| (other / total, areas))
}

/// Drive-time properties of one area (flattened into `areas.geojson`; all
/// null after `check`). Metres have 1 decimal, minutes 2.
#[derive(Clone, Debug, Default, Serialize)]
pub struct AreaDriveProps {
    pub snap_m: Option<f64>,
    pub minutes_to_nearest_member: Option<f64>,
    /// The nearest practice of any network by drive (among the area's 8
    /// straight-line nearest, and its own network's nearest member), its
    /// code and its network's code.
    pub minutes_to_nearest_practice: Option<f64>,
    pub nearest_practice_code: Option<String>,
    pub nearest_practice_pcn: Option<String>,
    pub minutes_to_hub: Option<f64>,
    pub mean_minutes_to_practice: Option<f64>,
    /// Accessibility per 1,000 residents (docs/access.md), 4 decimals (the
    /// full precision is in `--access-export`'s `access_scores.csv`); null
    /// when the area did not snap to the roads or access is off.
    pub access_2sfca: Option<f64>,
    pub access_e2sfca: Option<f64>,
    pub access_gravity: Option<f64>,
    /// Public-transport properties, with `--gtfs` only (no keys without).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub transit: Option<super::transit::AreaPtProps>,
}

/// Drive-time properties of one practice (flattened into
/// `practices.geojson`; all null after `check`).
#[derive(Clone, Debug, Default, Serialize)]
pub struct PracticeDriveProps {
    pub routable: Option<bool>,
    pub snap_m: Option<f64>,
    pub is_hub: Option<bool>,
    pub minutes_from_hub: Option<f64>,
}

/// How far a site is from the road it snapped to, metres to 0.1; `None`
/// when it did not snap.
pub fn snap_m(out: &Drive, s: Site) -> Option<f64> {
    out.snaps
        .snaps
        .get(&s)
        .map(|x| (x.snap_m * 10.0).round() / 10.0)
}

/// Per-area and per-practice lookups built once for writing.
pub struct DriveIndex {
    pub area: BTreeMap<AreaId, AreaDriveProps>,
    pub practice: BTreeMap<PracticeId, PracticeDriveProps>,
}

impl DriveIndex {
    pub fn new(ds: &Dataset, out: &Drive) -> DriveIndex {
        let snap_m = |s: Site| snap_m(out, s);
        let mut area = BTreeMap::new();
        for a in ds.area_ids() {
            let acc = out.access.as_ref().and_then(|x| x.area(a));
            area.insert(
                a,
                AreaDriveProps {
                    snap_m: snap_m(Site::Area(a)),
                    access_2sfca: acc.map(|v| score4(v[0])),
                    access_e2sfca: acc.map(|v| score4(v[1])),
                    access_gravity: acc.map(|v| score4(v[2])),
                    ..AreaDriveProps::default()
                },
            );
        }
        let mut practice = BTreeMap::new();
        for p in ds.practice_ids() {
            practice.insert(
                p,
                PracticeDriveProps {
                    routable: Some(out.snaps.snaps.contains_key(&Site::Practice(p))),
                    snap_m: snap_m(Site::Practice(p)),
                    is_hub: Some(false),
                    minutes_from_hub: None,
                },
            );
        }
        let mut own_nearest: BTreeMap<AreaId, (PracticeId, f64)> = BTreeMap::new();
        for d in &out.run.pcns {
            for t in &d.area_times {
                // An area in two footprints shows its first PCN's times.
                let e = area.entry(t.area).or_default();
                if e.minutes_to_nearest_member.is_none() {
                    if let Some(p) = t.nearest_member {
                        own_nearest.insert(t.area, (p, t.to_nearest_s));
                    }
                    e.minutes_to_nearest_member = Some(min2(t.to_nearest_s / 60.0));
                    e.minutes_to_hub = t.to_hub_s.map(|s| min2(s / 60.0));
                    e.mean_minutes_to_practice = t.mean_to_practice_s.map(|s| min2(s / 60.0));
                }
            }
            if let Some(Site::Practice(h)) = d.hub
                && let Some(e) = practice.get_mut(&h)
            {
                e.is_hub = Some(true);
            }
            for (s, &t) in d.tour_sites.iter().zip(&d.from_hub_s) {
                if let Site::Practice(p) = s
                    && let Some(e) = practice.get_mut(p)
                {
                    e.minutes_from_hub = Some(min2(t / 60.0));
                }
            }
        }
        nearest_of_any(ds, out, &own_nearest, &mut area);
        if let Some(pt) = &out.transit {
            for (a, props) in super::transit::area_props(ds, pt) {
                area.entry(a).or_default().transit = Some(props);
            }
        }
        DriveIndex { area, practice }
    }
}

/// The nearer of the candidates' drive-nearest practice and the own
/// network's nearest member (the candidate on a tie).
fn nearer(
    cand: Option<(PracticeId, f64)>,
    own: Option<(PracticeId, f64)>,
) -> Option<(PracticeId, f64)> {
    match (cand, own) {
        (Some(c), Some(o)) => Some(if o.1 < c.1 { o } else { c }),
        (c, o) => c.or(o),
    }
}

/// Each area's nearest practice of any network: the drive-nearest of its
/// straight-line candidates, or its own network's nearest member when that
/// is nearer still (a member beyond the candidates), so it is never further
/// than `minutes_to_nearest_member`.
fn nearest_of_any(
    ds: &Dataset,
    out: &Drive,
    own_nearest: &BTreeMap<AreaId, (PracticeId, f64)>,
    area: &mut BTreeMap<AreaId, AreaDriveProps>,
) {
    let any = out.nearest.as_deref().unwrap_or(&[]);
    for (a, e) in area.iter_mut() {
        let cand = any.get(a.idx()).copied().flatten();
        if let Some((p, s)) = nearer(cand, own_nearest.get(a).copied()) {
            let practice = ds.practice(p);
            e.minutes_to_nearest_practice = Some(min2(s / 60.0));
            e.nearest_practice_code = Some(practice.code.clone());
            e.nearest_practice_pcn = practice.pcn.map(|k| ds.pcn(k).code.clone());
        }
    }
}

/// The `drive` section of `report.json`: settings, the roads' reports,
/// snapping, accessibility, and each network's member-to-member minutes.
pub fn report(ds: &Dataset, d: &Drive) -> serde_json::Value {
    let code = |s: Site| site_code(ds, &d.candidates, s);
    let mut v = serde_json::json!({
        "options": &d.run.options,
        "slow_speed_factor": d.slow.as_ref().map(|s| s.factor),
        "profile": &d.reports.profile,
        "roads": &d.reports.roads,
        "graph": &d.reports.graph,
        "prepare": &d.reports.prepare,
        "snapping": &d.snaps.summary,
        "access": d.access.as_ref().map(|a| a.report()),
        "matrices": d.run.pcns.iter().map(|p| {
            let n = p.members.len();
            serde_json::json!({
                "pcn_code": ds.pcn(p.pcn).code,
                "practices": p.members.iter().map(|&m| code(Site::Practice(m))).collect::<Vec<_>>(),
                "minutes": (0..n).map(|i| (0..n).map(|j| {
                    let t = p.matrix_s[i * n + j];
                    t.is_finite().then(|| min2(t / 60.0))
                }).collect::<Vec<_>>()).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
    });
    if ds.sites_given
        && let Some(o) = v.as_object_mut()
    {
        o.insert("main_only".into(), main_only_report(ds, d));
    }
    if let (Some(pt), Some(o)) = (&d.transit, v.as_object_mut()) {
        o.insert("transit".into(), super::transit::report(ds, pt));
    }
    v
}

/// With sites: each network's figures on main sites only (the analysis
/// without branch surgeries), for `report.json`'s `drive.main_only`.
fn main_only_report(ds: &Dataset, d: &Drive) -> serde_json::Value {
    let code = |s: Site| site_code(ds, &d.candidates, s);
    let stat =
        |s: Option<&crate::analyse::stats::WeightedSummary>,
         f: fn(&crate::analyse::stats::WeightedSummary) -> f64| { s.map(|s| min2(f(s))) };
    d.run
        .pcns
        .iter()
        .map(|p| {
            let m = p.main_only.as_deref();
            let pt = m.map(|m| &m.patients);
            let to_practice = pt.and_then(|p| p.to_practice.as_ref());
            let to_hub = pt.and_then(|p| p.to_hub.as_ref());
            serde_json::json!({
                "pcn_code": ds.pcn(p.pcn).code,
                "hub": m.and_then(|m| m.hub).map(code),
                "staff_max_min": m.and_then(|m| m.staff_max_min).map(min2),
                "staff_tour_min": m.and_then(|m| m.tour_min).map(min2),
                "patients_mean_min_to_practice": stat(to_practice, |s| s.mean),
                "patients_p90_min_to_practice": stat(to_practice, |s| s.p90),
                "patients_mean_min_to_hub": stat(to_hub, |s| s.mean),
                "patients_p90_min_to_hub": stat(to_hub, |s| s.p90),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Area A's straight-line candidates give P3 of another network at
    /// 300 s; its own network's nearest member P1 is 240 s away but was not
    /// among the candidates: P1 it is. Area B: P3 at 300 s beats its own P2
    /// at 420 s. Area C: an equal time keeps the candidate. Area D: no
    /// candidate reachable, its own member stands.
    #[test]
    fn nearest_practice_is_never_further_than_the_nearest_member() {
        let (p1, p2, p3) = (PracticeId(1), PracticeId(2), PracticeId(3));
        assert_eq!(
            nearer(Some((p3, 300.0)), Some((p1, 240.0))),
            Some((p1, 240.0))
        );
        assert_eq!(
            nearer(Some((p3, 300.0)), Some((p2, 420.0))),
            Some((p3, 300.0))
        );
        assert_eq!(
            nearer(Some((p3, 300.0)), Some((p2, 300.0))),
            Some((p3, 300.0))
        );
        assert_eq!(nearer(None, Some((p2, 420.0))), Some((p2, 420.0)));
        assert_eq!(nearer(Some((p3, 300.0)), None), Some((p3, 300.0)));
        assert_eq!(nearer(None, None), None);
    }
}
