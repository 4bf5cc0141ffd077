//! The sites practices work from, when the dataset has them (`sites.csv`):
//! `sites.geojson` (one point per site: each located practice's main site
//! and every branch surgery) and the per-site figures the map, the
//! workbook and the summary read. Nothing here is written without sites.

use super::atomic::Staging;
use super::drive::{count, snap_m};
use super::geojson::{FeatureWriter, point_json};
use crate::analyse::network::Site;
use crate::model::{BranchId, Dataset, PracticeId};
use crate::pipeline::Drive;
use anyhow::Result;
use geo::Coord;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// A site's kind: the practice's main site or a branch surgery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    Main,
    Branch,
}

impl SiteKind {
    /// `main` or `branch`, as written.
    pub fn as_str(self) -> &'static str {
        match self {
            SiteKind::Main => "main",
            SiteKind::Branch => "branch",
        }
    }
}

/// One site with what the run knows of it.
#[derive(Clone, Debug)]
pub struct SiteOut<'a> {
    pub site: Site,
    pub practice: PracticeId,
    /// The practice code for a main site, the branch code for a branch.
    pub code: &'a str,
    pub name: &'a str,
    pub kind: SiteKind,
    pub postcode: Option<&'a str>,
    /// British National Grid.
    pub location: Coord<f64>,
    /// After `analyse`: snapped to the roads.
    pub routable: Option<bool>,
    pub snap_m: Option<f64>,
    /// After `analyse`: the patients this site serves (a whole number),
    /// `None` for a site of no analysed network or one that did not snap.
    pub patients: Option<u64>,
    pub is_hub: Option<bool>,
    /// After `analyse`: a stop of its network's staff tour.
    pub tour_stop: Option<bool>,
}

/// Every site, by practice code: the practice's main site (when it is
/// located) then its branches in `sites.csv` order. Empty without sites.
pub fn sites<'a>(ds: &'a Dataset, drive: Option<&Drive>) -> Vec<SiteOut<'a>> {
    if !ds.sites_given {
        return Vec::new();
    }
    let mut branches: Vec<Vec<BranchId>> = vec![Vec::new(); ds.practices.len()];
    for b in ds.branch_ids() {
        branches[ds.branch(b).practice.idx()].push(b);
    }
    let mut patients: HashMap<Site, f64> = HashMap::new();
    let mut hubs: HashSet<Site> = HashSet::new();
    let mut stops: HashSet<Site> = HashSet::new();
    for d in drive.iter().flat_map(|d| &d.run.pcns) {
        for &(s, n) in &d.site_patients {
            *patients.entry(s).or_default() += n;
        }
        hubs.extend(d.hub);
        stops.extend(d.tour_sites.iter().copied());
    }
    let mut order: Vec<PracticeId> = ds.practice_ids().collect();
    order.sort_by(|&a, &b| ds.practice(a).code.cmp(&ds.practice(b).code));
    let mut out = Vec::with_capacity(ds.practices.len() + ds.branches.len());
    for p in order {
        let pr = ds.practice(p);
        let main = pr.location.map(|loc| {
            (
                Site::Practice(p),
                pr.code.as_str(),
                pr.name.as_str(),
                SiteKind::Main,
                pr.postcode.as_deref(),
                loc,
            )
        });
        let located = branches[p.idx()].iter().filter_map(|&b| {
            let br = ds.branch(b);
            Some((
                Site::Branch(b),
                br.code.as_str(),
                br.name.as_str(),
                SiteKind::Branch,
                br.postcode.as_deref(),
                br.location?,
            ))
        });
        for (site, code, name, kind, postcode, location) in main.into_iter().chain(located) {
            out.push(SiteOut {
                site,
                practice: p,
                code,
                name,
                kind,
                postcode,
                location,
                routable: drive.map(|d| d.snaps.snaps.contains_key(&site)),
                snap_m: drive.and_then(|d| snap_m(d, site)),
                patients: patients.get(&site).map(|&n| count(n)),
                is_hub: drive.map(|_| hubs.contains(&site)),
                tour_stop: drive.map(|_| stops.contains(&site)),
            });
        }
    }
    out
}

/// The number of sites (main and branches) of each network's practices,
/// by PCN index; empty without sites.
pub fn sites_per_pcn(ds: &Dataset, sites: &[SiteOut]) -> Vec<usize> {
    if !ds.sites_given {
        return Vec::new();
    }
    let mut n = vec![0; ds.pcns.len()];
    for s in sites {
        if let Some(q) = ds.practice(s.practice).pcn {
            n[q.idx()] += 1;
        }
    }
    n
}

/// The properties of one feature of `sites.geojson`. The drive keys are
/// null after `check`, as in `practices.geojson`.
#[derive(Serialize)]
struct SiteProps<'a> {
    site_code: &'a str,
    practice_code: &'a str,
    practice_name: &'a str,
    pcn_code: Option<&'a str>,
    site_name: &'a str,
    kind: SiteKind,
    postcode: Option<&'a str>,
    routable: Option<bool>,
    snap_m: Option<f64>,
    patients: Option<u64>,
    is_hub: Option<bool>,
    tour_stop: Option<bool>,
}

/// `sites.geojson`, when the dataset has sites.
pub fn write_sites_geojson(staging: &mut Staging, ds: &Dataset, sites: &[SiteOut]) -> Result<()> {
    if !ds.sites_given {
        return Ok(());
    }
    staging.write("sites.geojson", |w| {
        let mut fw = FeatureWriter::new(w, "sites")?;
        for s in sites {
            let p = ds.practice(s.practice);
            let props = SiteProps {
                site_code: s.code,
                practice_code: &p.code,
                practice_name: &p.name,
                pcn_code: p.pcn.map(|q| ds.pcn(q).code.as_str()),
                site_name: s.name,
                kind: s.kind,
                postcode: s.postcode,
                routable: s.routable,
                snap_m: s.snap_m,
                patients: s.patients,
                is_hub: s.is_hub,
                tour_stop: s.tour_stop,
            };
            fw.feature(&props, &point_json(s.location))?;
        }
        fw.finish()?;
        Ok(())
    })
}
