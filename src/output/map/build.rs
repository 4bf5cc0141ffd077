//! Gathering what a map draws from a run's results.

use super::{MapArea, MapBranch, MapInput, MapNote, MapPcn, MapPoint, MapRoute};
use crate::analyse::network::Site;
use crate::findings::{Code, Finding, Scope};
use crate::output::drive::PcnDriveProps;
use crate::pipeline::Run;
use geo::MultiPolygon;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The attribution every map carries; the road line only when roads were
/// used.
pub fn attribution(roads: bool) -> Vec<String> {
    let mut a = vec![
        "Boundaries and population: Office for National Statistics, Open Government Licence v3.0. \
         Contains OS data © Crown copyright and database right."
            .to_string(),
        "Practices and registrations: NHS England / NHS Digital, Open Government Licence v3.0."
            .to_string(),
    ];
    if roads {
        a.push("Roads: © OpenStreetMap contributors, ODbL.".to_string());
    }
    a
}

/// [`attribution`] in one line.
pub fn attribution_short(roads: bool) -> String {
    let mut a = "ONS, NHS England: OGL v3 · contains OS data © Crown copyright and database right"
        .to_string();
    if roads {
        a.push_str(" · roads © OpenStreetMap contributors");
    }
    a
}

/// The map of a `check` (or, with `drive`, an `analyse`) run. `findings`
/// is every finding of the run; `dissolved` the footprints in PCN order.
pub fn from_run(run: &Run, findings: &[Finding], title: &str) -> MapInput {
    let ds = &run.ds;
    let drive = run.drive.as_ref();
    let (pcns, hubs) = map_pcns(run, findings);
    let mut points = points(run, &hubs);
    let branches = branches(run);
    // A hub at a branch is drawn as a hub, as a hub site of its network.
    for b in branches.iter().filter(|b| b.hub) {
        points.push(MapPoint {
            code: b.code.clone(),
            name: b.name.clone(),
            pcn: b.pcn.clone(),
            list_size: None,
            hub: true,
            site: true,
            location: b.location,
        });
    }
    points.sort_by(|a, b| a.code.cmp(&b.code).then(a.pcn.cmp(&b.pcn)));
    let routes = drive.map_or_else(Vec::new, |d| {
        d.routes
            .iter()
            .map(|r| MapRoute {
                pcn: ds.pcn(r.pcn).code.clone(),
                coords: r.coords.clone(),
            })
            .collect()
    });
    MapInput {
        title: title.to_string(),
        subtitle: crate::load::sources::vintage_line(ds),
        pcns,
        points,
        branches,
        routes,
        drive: drive.is_some(),
        // OpenStreetMap is credited when its roads or its place names are drawn.
        attribution: attribution(drive.is_some() || !run.places.is_empty()),
        attribution_short: attribution_short(drive.is_some() || !run.places.is_empty()),
        areas: areas(run, findings),
        notes: notes(run, findings),
        places: run.places.clone(),
        basemap: None,
    }
}

/// Every network for the map, in the check's order, and the hub sites.
fn map_pcns(run: &Run, findings: &[Finding]) -> (Vec<MapPcn>, BTreeSet<Site>) {
    let (ds, res, dissolved) = (&run.ds, &run.check, &run.dissolved);
    let drive = run.drive.as_ref();
    let mut by_pcn: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.scope == Scope::Pcn) {
        by_pcn.entry(f.subject.as_str()).or_default().push(f);
    }
    let mut hubs: BTreeSet<Site> = BTreeSet::new();
    let mut pcns = Vec::with_capacity(res.pcns.len());
    for (k, (c, g)) in res.pcns.iter().zip(dissolved).enumerate() {
        let pcn = ds.pcn(c.pcn);
        let mut fs: Vec<(crate::findings::Code, String)> = by_pcn
            .get(pcn.code.as_str())
            .map(|v| v.iter().map(|f| (f.code, f.detail.clone())).collect())
            .unwrap_or_default();
        // Severity first, then the run's own order (stable sort).
        fs.sort_by_key(|(code, _)| code.map_rank());
        let d = drive.map(|d| PcnDriveProps::new(ds, d, k));
        let hub = drive.and_then(|d| d.run.pcns[k].hub);
        if let Some(h) = hub {
            hubs.insert(h);
        }
        let hub_name = hub.and_then(|h| match h {
            Site::Practice(id) => Some(ds.practice(id).name.clone()),
            Site::Candidate(i) => drive
                .and_then(|d| d.candidates.get(i as usize))
                .map(|c| c.name.clone()),
            Site::Branch(b) => Some(ds.branch(b).name.clone()),
            Site::Area(_) => None,
        });
        let mut members: Vec<(String, String, Option<u64>)> = pcn
            .practices
            .iter()
            .map(|&id| {
                let p = ds.practice(id);
                (p.code.clone(), p.name.clone(), p.list_size)
            })
            .collect();
        members.sort();
        let pt = d.as_ref().and_then(|d| d.transit.as_ref());
        pcns.push(MapPcn {
            code: pcn.code.clone(),
            name: pcn.name.clone(),
            findings: fs,
            band: c.band.as_str(),
            practices: pcn.practices.len(),
            list_size: c.list_size,
            resident_population: c.resident_population,
            rural_share: as_csv(c.rural_share, 4),
            area_km2: as_csv(Some(c.area_km2), 3).unwrap_or(c.area_km2),
            components: c.components.len(),
            hub: d.as_ref().and_then(|d| d.hub_practice.clone()),
            hub_name,
            members,
            staff_max_min: as_csv(d.as_ref().and_then(|d| d.staff_max_min), 2),
            staff_tour_min: as_csv(d.as_ref().and_then(|d| d.staff_tour_min), 2),
            patients_p90_min_to_hub: as_csv(d.as_ref().and_then(|d| d.patients_p90_min_to_hub), 2),
            patients_mean_min_to_practice: as_csv(
                d.as_ref().and_then(|d| d.patients_mean_min_to_practice),
                2,
            ),
            pt_median_min_to_hub: pt.and_then(|t| t.pt_median_min_to_hub),
            pt_share_no_journey_90_min_to_hub: pt.and_then(|t| t.pt_share_no_journey_90_min_to_hub),
            icb_code: pcn.org.icb_code.clone(),
            icb_name: pcn.org.icb_name.clone(),
            geometry: if c.areas.is_empty() {
                MultiPolygon(vec![])
            } else {
                g.clone()
            },
        });
    }
    (pcns, hubs)
}

/// Every located practice, and candidate sites chosen as hubs, in code
/// order.
fn points(run: &Run, hubs: &BTreeSet<Site>) -> Vec<MapPoint> {
    let (ds, res, drive) = (&run.ds, &run.check, run.drive.as_ref());
    let mut points: Vec<MapPoint> = ds
        .practices
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let loc = p.location?;
            let id = crate::model::PracticeId::from_idx(i);
            Some(MapPoint {
                code: p.code.clone(),
                name: p.name.clone(),
                pcn: p.pcn.map(|q| ds.pcn(q).code.clone()),
                list_size: p.list_size,
                hub: hubs.contains(&Site::Practice(id)),
                site: false,
                location: [loc.x, loc.y],
            })
        })
        .collect();
    if let Some(d) = drive {
        for (k, pd) in d.run.pcns.iter().enumerate() {
            if let Some(Site::Candidate(i)) = pd.hub
                && let Some(c) = d.candidates.get(i as usize)
            {
                points.push(MapPoint {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    pcn: Some(ds.pcn(res.pcns[k].pcn).code.clone()),
                    list_size: None,
                    hub: true,
                    site: true,
                    location: c.location,
                });
            }
        }
    }
    points.sort_by(|a, b| a.code.cmp(&b.code).then(a.pcn.cmp(&b.pcn)));
    points
}

/// The branch surgeries (with sites), in site code order.
fn branches(run: &Run) -> Vec<MapBranch> {
    let ds = &run.ds;
    let mut out: Vec<MapBranch> = crate::output::sites::sites(ds, run.drive.as_ref())
        .into_iter()
        .filter(|s| s.kind == crate::output::sites::SiteKind::Branch)
        .map(|s| {
            let p = ds.practice(s.practice);
            MapBranch {
                code: s.code.to_string(),
                name: s.name.to_string(),
                practice: p.code.clone(),
                practice_name: p.name.clone(),
                pcn: p.pcn.map(|q| ds.pcn(q).code.clone()),
                patients: s.patients,
                hub: s.is_hub == Some(true),
                location: [s.location.x, s.location.y],
                practice_location: p.location.map(|l| [l.x, l.y]),
            }
        })
        .collect();
    out.sort_by(|a, b| a.code.cmp(&b.code));
    out
}

/// The area findings a map draws as areas of their own (coverage gaps).
const AREA_CODES: [Code; 3] = [
    Code::AreaUnassigned,
    Code::AreaInTwoPcns,
    Code::AreaMostlyUnallocated,
];

/// Areas in no footprint, in two, or mostly at practices with no PCN, in
/// area code order, each with all of its coverage findings.
fn areas(run: &Run, findings: &[Finding]) -> Vec<MapArea> {
    let ds = &run.ds;
    let index: HashMap<&str, usize> = ds
        .areas
        .iter()
        .enumerate()
        .map(|(i, a)| (a.code.as_str(), i))
        .collect();
    let mut by_area: BTreeMap<&str, Vec<(Code, String)>> = BTreeMap::new();
    for f in findings.iter().filter(|f| AREA_CODES.contains(&f.code)) {
        if index.contains_key(f.subject.as_str()) {
            by_area
                .entry(f.subject.as_str())
                .or_default()
                .push((f.code, f.detail.clone()));
        }
    }
    by_area
        .into_iter()
        .filter_map(|(code, findings)| {
            let a = ds.areas.get(*index.get(code)?)?;
            Some(MapArea {
                code: a.code.clone(),
                name: a.name.clone(),
                findings,
                geometry: a.geometry.clone(),
            })
        })
        .collect()
}

/// Every finding not about a network, in the run's order, located at its
/// practice or area (the area's representative point) when it names one.
fn notes(run: &Run, findings: &[Finding]) -> Vec<MapNote> {
    let ds = &run.ds;
    let mut at: HashMap<&str, [f64; 2]> = HashMap::new();
    for a in &ds.areas {
        at.insert(a.code.as_str(), [a.centroid.x, a.centroid.y]);
    }
    // A practice code wins over an area code (they never collide in NHS and
    // ONS codes, but a hand-made dataset might).
    for p in &ds.practices {
        if let Some(l) = p.location {
            at.insert(p.code.as_str(), [l.x, l.y]);
        }
    }
    findings
        .iter()
        .filter(|f| f.scope != Scope::Pcn)
        .map(|f| MapNote {
            code: f.code,
            scope: f.scope,
            subject: f.subject.clone(),
            detail: f.detail.clone(),
            location: at.get(f.subject.as_str()).copied(),
        })
        .collect()
}

/// `v` rounded as the CSVs write it (`output::table::Fixed`: `decimals`
/// places), so the page shows the same digits as `pcn_summary.csv`.
fn as_csv(v: Option<f64>, decimals: usize) -> Option<f64> {
    v.map(|x| format!("{x:.decimals$}").parse().unwrap_or(x))
}
