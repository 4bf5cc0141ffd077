//! `staff_matrix.csv` (`analyse` only) and the workbook's Staff matrices
//! sheet: the drive times between the member practices of each network,
//! and from its hub when the hub is not a member practice (a candidate
//! site or a given hub).
//!
//! One [`StaffBlock`] per network, in `pcn_summary.csv`'s order: its sites
//! (the member practices by code, unroutable ones included, then the hub
//! when it is not a member) and the minutes from each site (row) to each
//! other (column). Between two routable members the minutes are the
//! analysis's own member matrix ([`PcnDrive::matrix_s`]); from a hub that is
//! not a member they are its drive times to the members
//! ([`PcnDrive::from_hub_s`]); the way back to such a hub was never
//! computed and is left empty, as is every pair with an unroutable site.
//! With sites (`sites.csv`) the branch surgeries the tour stops at follow,
//! in tour order, and every pair of tour stops has its time (the tour's own
//! matrix, [`PcnDrive::tour_matrix_s`]).
//! Kilometres are known only where a route was traced (`routes.geojson`:
//! from the hub to each member); elsewhere the cell is empty.

use super::drive::{min2, site_code};
use super::table::{self, Fixed};
use crate::analyse::network::{PcnDrive, Site};
use crate::model::Dataset;
use crate::pipeline::Drive;
use anyhow::Result;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;

/// One network's staff matrix.
#[derive(Clone, Debug, PartialEq)]
pub struct StaffBlock {
    pub pcn_code: String,
    pub pcn_name: String,
    /// The hub's code (a practice or candidate site), when there is one.
    pub hub: Option<String>,
    /// Each site's code and name: member practices by code, then the hub
    /// when it is not a member.
    pub sites: Vec<(String, String)>,
    /// Minutes, row-major `sites × sites` (row = from), unrounded; `None`
    /// where not computed or no route exists. The diagonal is 0.
    pub minutes: Vec<Option<f64>>,
    /// Kilometres along the traced route, same layout; `None` where no route
    /// was traced.
    pub km: Vec<Option<f64>>,
}

/// One row of `staff_matrix.csv`: one ordered pair of distinct sites of a
/// network. Minutes and kilometres have 2 decimals.
#[derive(Debug, Default, Serialize)]
pub struct StaffRow {
    pub pcn_code: String,
    pub pcn_name: String,
    pub from_code: String,
    pub from_name: String,
    pub to_code: String,
    pub to_name: String,
    pub minutes: Fixed<2>,
    pub km: Fixed<2>,
}

/// A site's name: the practice's or candidate site's name, or the area's
/// (its code when it has none).
fn site_name(ds: &Dataset, drive: &Drive, s: Site) -> String {
    match s {
        Site::Practice(p) => ds.practice(p).name.clone(),
        Site::Area(a) => {
            let a = ds.area(a);
            a.name.clone().unwrap_or_else(|| a.code.clone())
        }
        Site::Candidate(i) => drive
            .candidates
            .get(i as usize)
            .map_or_else(String::new, |c| c.name.clone()),
        Site::Branch(b) => ds.branch(b).name.clone(),
    }
}

/// The staff matrix of every network of the run, in PCN order.
pub fn staff_blocks(ds: &Dataset, drive: &Drive) -> Vec<StaffBlock> {
    let mut km_of: HashMap<(crate::model::PcnId, Site, Site), f64> = HashMap::new();
    for r in &drive.routes {
        km_of.insert((r.pcn, r.from, r.to), r.metres / 1000.0);
    }
    drive
        .run
        .pcns
        .iter()
        .map(|d| block(ds, drive, d, &km_of))
        .collect()
}

fn block(
    ds: &Dataset,
    drive: &Drive,
    d: &PcnDrive,
    km_of: &HashMap<(crate::model::PcnId, Site, Site), f64>,
) -> StaffBlock {
    let pcn = ds.pcn(d.pcn);
    let mut sites: Vec<Site> = d
        .members
        .iter()
        .chain(&d.unroutable_members)
        .map(|&p| Site::Practice(p))
        .collect();
    sites.sort_by(|a, b| {
        site_code(ds, &drive.candidates, *a).cmp(&site_code(ds, &drive.candidates, *b))
    });
    if let Some(h) = d.hub.filter(|h| !sites.contains(h)) {
        sites.push(h);
    }
    // With sites: the branches the tour stops at, in tour order.
    if ds.sites_given {
        for &s in &d.tour_sites {
            if !sites.contains(&s) {
                sites.push(s);
            }
        }
    }
    let n = sites.len();
    let routable: HashMap<Site, usize> = d
        .members
        .iter()
        .enumerate()
        .map(|(i, &p)| (Site::Practice(p), i))
        .collect();
    let tour: HashMap<Site, usize> = d
        .tour_sites
        .iter()
        .enumerate()
        .map(|(i, &s)| (s, i))
        .collect();
    let m = d.members.len();
    let k = d.tour_sites.len();
    let seconds = |from: Site, to: Site| -> Option<f64> {
        if from == to {
            return Some(0.0);
        }
        let s = match (routable.get(&from), routable.get(&to)) {
            (Some(&i), Some(&j)) => d.matrix_s.get(i * m + j).copied(),
            _ if Some(from) == d.hub => tour.get(&to).and_then(|&j| d.from_hub_s.get(j).copied()),
            // With sites, between any two stops of the tour.
            _ if ds.sites_given => match (tour.get(&from), tour.get(&to)) {
                (Some(&i), Some(&j)) => d.tour_matrix_s.get(i * k + j).copied(),
                _ => None,
            },
            _ => None,
        };
        s.filter(|s| s.is_finite())
    };
    let mut minutes = Vec::with_capacity(n * n);
    let mut km = Vec::with_capacity(n * n);
    for &from in &sites {
        for &to in &sites {
            minutes.push(seconds(from, to).map(|s| s / 60.0));
            km.push(if from == to {
                Some(0.0)
            } else {
                km_of.get(&(d.pcn, from, to)).copied()
            });
        }
    }
    StaffBlock {
        pcn_code: pcn.code.clone(),
        pcn_name: pcn.name.clone(),
        hub: d.hub.map(|h| site_code(ds, &drive.candidates, h)),
        sites: sites
            .iter()
            .map(|&s| (site_code(ds, &drive.candidates, s), site_name(ds, drive, s)))
            .collect(),
        minutes,
        km,
    }
}

/// The long form: one row per ordered pair of distinct sites of each block.
pub fn staff_rows(blocks: &[StaffBlock]) -> Vec<StaffRow> {
    let mut out = Vec::new();
    for b in blocks {
        let n = b.sites.len();
        for (i, (from_code, from_name)) in b.sites.iter().enumerate() {
            for (j, (to_code, to_name)) in b.sites.iter().enumerate() {
                if i == j {
                    continue;
                }
                out.push(StaffRow {
                    pcn_code: b.pcn_code.clone(),
                    pcn_name: b.pcn_name.clone(),
                    from_code: from_code.clone(),
                    from_name: from_name.clone(),
                    to_code: to_code.clone(),
                    to_name: to_name.clone(),
                    minutes: Fixed(b.minutes[i * n + j].map(min2)),
                    km: Fixed(b.km[i * n + j].map(|k| (k * 100.0).round() / 100.0)),
                });
            }
        }
    }
    out
}

/// Write `staff_matrix.csv`.
pub fn write_staff_matrix(w: impl Write, rows: &[StaffRow]) -> Result<()> {
    table::write_csv(w, rows)
}
