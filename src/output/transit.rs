//! The public-transport half of the outputs of `analyse --gtfs`:
//! properties added to `pcns.geojson` and `areas.geojson`, columns
//! appended to `pcn_summary.csv`, and the `transit` section of
//! `report.json`. Without `--gtfs` none of them appear, so the files of a
//! car-only run are unchanged. Every column: docs/public-transport.md.

use super::drive::min2;
use super::table::Fixed;
use crate::analyse::transit::{PtPcn, PtRun, PtSummary, WindowTimes, clock};
use crate::model::{AreaId, Dataset};
use serde::Serialize;
use std::collections::BTreeMap;

fn share4(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

fn ratio2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Public-transport properties of one PCN (flattened into `pcns.geojson`).
/// Minutes have 2 decimals, shares 4, ratios 2; a median or p90 is null
/// when that share of the patients has no journey at all.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PcnPtProps {
    pub pt_patients: Option<u64>,
    pub pt_median_min_to_practice: Option<f64>,
    pub pt_p90_min_to_practice: Option<f64>,
    pub pt_share_no_journey_60_min_to_practice: Option<f64>,
    pub pt_share_no_journey_90_min_to_practice: Option<f64>,
    pub pt_median_min_to_hub: Option<f64>,
    pub pt_p90_min_to_hub: Option<f64>,
    pub pt_share_no_journey_60_min_to_hub: Option<f64>,
    pub pt_share_no_journey_90_min_to_hub: Option<f64>,
    /// Within `pt_burden_min` (the finding's measure).
    pub pt_share_no_journey_burden_to_hub: Option<f64>,
    pub pt_car_ratio_to_practice: Option<f64>,
    pub pt_car_ratio_to_hub: Option<f64>,
    pub pt_patients_unwalkable: Option<u64>,
}

impl PcnPtProps {
    pub fn new(p: &PtPcn) -> PcnPtProps {
        let m = |s: &Option<PtSummary>, f: fn(&PtSummary) -> Option<f64>| {
            s.as_ref().and_then(f).map(min2)
        };
        let sh = |s: &Option<PtSummary>, f: fn(&PtSummary) -> f64| s.as_ref().map(|s| share4(f(s)));
        let (pr, hub) = (&p.to_practice, &p.to_hub);
        PcnPtProps {
            pt_patients: pr.as_ref().map(|s| s.patients.round() as u64),
            pt_median_min_to_practice: m(pr, |s| s.median_min),
            pt_p90_min_to_practice: m(pr, |s| s.p90_min),
            pt_share_no_journey_60_min_to_practice: sh(pr, |s| s.share_no_journey_within[0]),
            pt_share_no_journey_90_min_to_practice: sh(pr, |s| s.share_no_journey_within[1]),
            pt_median_min_to_hub: m(hub, |s| s.median_min),
            pt_p90_min_to_hub: m(hub, |s| s.p90_min),
            pt_share_no_journey_60_min_to_hub: sh(hub, |s| s.share_no_journey_within[0]),
            pt_share_no_journey_90_min_to_hub: sh(hub, |s| s.share_no_journey_within[1]),
            pt_share_no_journey_burden_to_hub: sh(hub, |s| s.share_no_journey_burden),
            pt_car_ratio_to_practice: p.car_ratio_practice.map(ratio2),
            pt_car_ratio_to_hub: p.car_ratio_hub.map(ratio2),
            pt_patients_unwalkable: Some(p.patients_unwalkable.round() as u64),
        }
    }
}

/// The same, as `pcn_summary.csv` columns (fixed decimals).
#[derive(Clone, Debug, Default, Serialize)]
pub struct PtColumns {
    pub pt_patients: Option<u64>,
    pub pt_median_min_to_practice: Fixed<2>,
    pub pt_p90_min_to_practice: Fixed<2>,
    pub pt_share_no_journey_60_min_to_practice: Fixed<4>,
    pub pt_share_no_journey_90_min_to_practice: Fixed<4>,
    pub pt_median_min_to_hub: Fixed<2>,
    pub pt_p90_min_to_hub: Fixed<2>,
    pub pt_share_no_journey_60_min_to_hub: Fixed<4>,
    pub pt_share_no_journey_90_min_to_hub: Fixed<4>,
    pub pt_share_no_journey_burden_to_hub: Fixed<4>,
    pub pt_car_ratio_to_practice: Fixed<2>,
    pub pt_car_ratio_to_hub: Fixed<2>,
    pub pt_patients_unwalkable: Option<u64>,
}

impl From<&PcnPtProps> for PtColumns {
    fn from(p: &PcnPtProps) -> PtColumns {
        PtColumns {
            pt_patients: p.pt_patients,
            pt_median_min_to_practice: Fixed(p.pt_median_min_to_practice),
            pt_p90_min_to_practice: Fixed(p.pt_p90_min_to_practice),
            pt_share_no_journey_60_min_to_practice: Fixed(p.pt_share_no_journey_60_min_to_practice),
            pt_share_no_journey_90_min_to_practice: Fixed(p.pt_share_no_journey_90_min_to_practice),
            pt_median_min_to_hub: Fixed(p.pt_median_min_to_hub),
            pt_p90_min_to_hub: Fixed(p.pt_p90_min_to_hub),
            pt_share_no_journey_60_min_to_hub: Fixed(p.pt_share_no_journey_60_min_to_hub),
            pt_share_no_journey_90_min_to_hub: Fixed(p.pt_share_no_journey_90_min_to_hub),
            pt_share_no_journey_burden_to_hub: Fixed(p.pt_share_no_journey_burden_to_hub),
            pt_car_ratio_to_practice: Fixed(p.pt_car_ratio_to_practice),
            pt_car_ratio_to_hub: Fixed(p.pt_car_ratio_to_hub),
            pt_patients_unwalkable: p.pt_patients_unwalkable,
        }
    }
}

/// The `pt_*` columns of `pcn_summary.csv` (and the workbook's Summary
/// sheet): the header and one row of cells per network, in run order.
pub fn pt_cells(pt: &PtRun) -> anyhow::Result<(Vec<String>, Vec<Vec<String>>)> {
    let cols: Vec<PtColumns> = pt
        .pcns
        .iter()
        .map(|p| (&PcnPtProps::new(p)).into())
        .collect();
    Ok((
        super::table::header::<PtColumns>()?,
        super::table::cells(&cols)?,
    ))
}

/// Public-transport properties of one area (flattened into
/// `areas.geojson`), its first network's: the median and worst journey
/// over the window to the member with the shortest median journey and to
/// the hub, minutes; null when at least half (median) or any (worst) of
/// the departures have no journey, which the counts say.
#[derive(Clone, Debug, Default, Serialize)]
pub struct AreaPtProps {
    pub pt_nearest_member: Option<String>,
    pub pt_minutes_to_nearest_member: Option<f64>,
    pub pt_worst_minutes_to_nearest_member: Option<f64>,
    pub pt_minutes_to_hub: Option<f64>,
    pub pt_worst_minutes_to_hub: Option<f64>,
    pub pt_departures: Option<u32>,
    pub pt_departures_without_journey_to_hub: Option<u32>,
}

fn minutes(s: Option<u32>) -> Option<f64> {
    s.map(|s| min2(s as f64 / 60.0))
}

/// Each area's properties, by area.
pub fn area_props(ds: &Dataset, pt: &PtRun) -> BTreeMap<AreaId, AreaPtProps> {
    let window = |t: Option<&WindowTimes>| {
        (
            minutes(t.and_then(|t| t.median_s)),
            minutes(t.and_then(|t| t.worst_s)),
        )
    };
    pt.areas
        .iter()
        .map(|a| {
            let near = a.nearest_member.as_ref();
            let (m, w) = window(near.map(|x| &x.1));
            let (hm, hw) = window(a.to_hub.as_ref());
            let props = AreaPtProps {
                pt_nearest_member: near.map(|x| ds.practice(x.0).code.clone()),
                pt_minutes_to_nearest_member: m,
                pt_worst_minutes_to_nearest_member: w,
                pt_minutes_to_hub: hm,
                pt_worst_minutes_to_hub: hw,
                pt_departures: Some(pt.counts.departures as u32),
                pt_departures_without_journey_to_hub: a.to_hub.map(|t| t.no_journey),
            };
            (a.area, props)
        })
        .collect()
}

/// The `transit` section of `report.json`.
pub fn report(ds: &Dataset, pt: &PtRun) -> serde_json::Value {
    let departures: Vec<String> = pt
        .options
        .departures()
        .iter()
        .map(|s| clock(s / 60))
        .collect();
    let pcns: Vec<serde_json::Value> = pt
        .pcns
        .iter()
        .map(|p| {
            serde_json::json!({
                "pcn_code": ds.pcn(p.pcn).code,
                "to_practice": p.to_practice,
                "to_hub": p.to_hub,
                "public_transport_burden": p.burden,
            })
        })
        .collect();
    serde_json::json!({
        "options": pt.options,
        "departures": departures,
        "gtfs": pt.gtfs,
        "walk": pt.walk,
        "counts": pt.counts,
        "pcns": pcns,
    })
}
