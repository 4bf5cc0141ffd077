//! Gathering what a map draws from a run's results.

use super::{MapInput, MapPcn, MapPoint, MapRoute};
use crate::analyse::network::Site;
use crate::findings::{Finding, Scope};
use crate::output::drive::PcnDriveProps;
use crate::pipeline::Run;
use geo::MultiPolygon;
use std::collections::{BTreeMap, BTreeSet};

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
        if let Some(h) = drive.and_then(|d| d.run.pcns[k].hub) {
            hubs.insert(h);
        }
        pcns.push(MapPcn {
            code: pcn.code.clone(),
            name: pcn.name.clone(),
            findings: fs,
            band: c.band.as_str(),
            practices: pcn.practices.len(),
            list_size: c.list_size,
            resident_population: c.resident_population,
            rural_share: c.rural_share,
            area_km2: c.area_km2,
            components: c.components.len(),
            hub: d.as_ref().and_then(|d| d.hub_practice.clone()),
            staff_max_min: d.as_ref().and_then(|d| d.staff_max_min),
            staff_tour_min: d.as_ref().and_then(|d| d.staff_tour_min),
            patients_p90_min_to_hub: d.as_ref().and_then(|d| d.patients_p90_min_to_hub),
            patients_mean_min_to_practice: d.as_ref().and_then(|d| d.patients_mean_min_to_practice),
            icb_code: pcn.org.icb_code.clone(),
            icb_name: pcn.org.icb_name.clone(),
            geometry: if c.areas.is_empty() {
                MultiPolygon(vec![])
            } else {
                g.clone()
            },
        });
    }
    let points = points(run, &hubs);
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
        routes,
        drive: drive.is_some(),
        attribution: attribution(drive.is_some()),
        attribution_short: attribution_short(drive.is_some()),
        areas: Vec::new(),
        notes: Vec::new(),
        places: run.places.clone(),
        basemap: None,
    }
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
