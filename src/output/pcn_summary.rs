//! `pcn_summary.csv`: one row per PCN. The row is a typed struct, so the
//! header and the values come from one place; drive-time columns are empty
//! until `analyse` fills them. With sites (`sites.csv`) the columns of
//! [`SiteColumns`] follow at the end. Every column: docs/output.md.

use super::drive::{MainSiteProps, PcnDriveProps};
use super::table::{self, Fixed};
use crate::check::run::{Band, PcnCheck, ShareBasis};
use crate::findings::{Code, Severity, join_codes};
use crate::model::Dataset;
use crate::pipeline::Drive;
use anyhow::Result;
use serde::Serialize;
use std::io::Write;

/// One row of `pcn_summary.csv`. Shares have 4 decimals, minutes 2.
#[derive(Debug, Default, Serialize)]
pub struct SummaryRow {
    pub pcn_code: String,
    pub pcn_name: String,
    pub practices: usize,
    pub list_size: u64,
    pub resident_population: u64,
    pub band: Option<Band>,
    pub rural_share: Fixed<4>,
    pub sparse_share: Fixed<4>,
    pub share_basis: Option<ShareBasis>,
    pub areas: usize,
    pub area_km2: Fixed<3>,
    pub components: usize,
    pub contiguous: bool,
    pub hub_practice: Option<String>,
    pub staff_max_min: Fixed<2>,
    pub staff_tour_min: Fixed<2>,
    pub patients_mean_min_to_practice: Fixed<2>,
    pub patients_p90_min_to_hub: Fixed<2>,
    pub patients_share_over_30_min_to_hub: Fixed<4>,
    pub centre_practice: Option<String>,
    pub staff_mean_min: Fixed<2>,
    pub visits_per_day: Option<usize>,
    pub patients_p90_min_to_practice: Fixed<2>,
    pub patients_excess_mean_min: Fixed<2>,
    pub patients_mean_min_to_hub: Fixed<2>,
    pub staff_max_min_slow: Fixed<2>,
    pub staff_tour_min_slow: Fixed<2>,
    pub patients_p90_min_to_hub_slow: Fixed<2>,
    pub flags: String,
    /// The most severe of the flags' severities (`error`, `warning`,
    /// `info`); empty when the network has no finding.
    pub worst_severity: Option<Severity>,
    pub access_2sfca_mean: Fixed<4>,
    pub access_2sfca_p10: Fixed<4>,
    pub access_e2sfca_mean: Fixed<4>,
    pub access_e2sfca_p10: Fixed<4>,
    pub access_gravity_mean: Fixed<4>,
    pub access_gravity_p10: Fixed<4>,
    pub sub_icb_code: String,
    pub sub_icb_name: String,
    pub icb_code: String,
    pub icb_name: String,
    pub region_code: String,
    /// `analyse`: share of the network's patients with another network's
    /// practice nearer than its nearest member, and the count of their areas.
    pub share_patients_other_network_nearer: Fixed<4>,
    pub areas_other_network_nearer: Option<u64>,
}

impl SummaryRow {
    fn new(ds: &Dataset, c: &PcnCheck, d: Option<&PcnDriveProps>, flags: &[Code]) -> SummaryRow {
        let pcn = ds.pcn(c.pcn);
        SummaryRow {
            pcn_code: pcn.code.clone(),
            pcn_name: pcn.name.clone(),
            practices: pcn.practices.len(),
            list_size: c.list_size,
            resident_population: c.resident_population,
            band: Some(c.band),
            rural_share: Fixed(c.rural_share),
            sparse_share: Fixed(c.sparse_share),
            share_basis: Some(c.share_basis),
            areas: c.areas.len(),
            area_km2: Fixed(Some(c.area_km2)),
            components: c.components.len(),
            contiguous: c.contiguous(),
            hub_practice: d.and_then(|d| d.hub_practice.clone()),
            staff_max_min: m(d, |d| d.staff_max_min),
            staff_tour_min: m(d, |d| d.staff_tour_min),
            patients_mean_min_to_practice: m(d, |d| d.patients_mean_min_to_practice),
            patients_p90_min_to_hub: m(d, |d| d.patients_p90_min_to_hub),
            patients_share_over_30_min_to_hub: m(d, |d| {
                d.shares_to_hub
                    .get("patients_share_over_30_min_to_hub")
                    .copied()
                    .flatten()
            }),
            centre_practice: d.and_then(|d| d.centre_hub.clone()),
            staff_mean_min: m(d, |d| d.staff_mean_min),
            visits_per_day: d.and_then(|d| d.visits_per_day),
            patients_p90_min_to_practice: m(d, |d| d.patients_p90_min_to_practice),
            patients_excess_mean_min: m(d, |d| d.patients_excess_mean_min),
            patients_mean_min_to_hub: m(d, |d| d.patients_mean_min_to_hub),
            staff_max_min_slow: m(d, |d| d.staff_max_min_slow),
            staff_tour_min_slow: m(d, |d| d.staff_tour_min_slow),
            patients_p90_min_to_hub_slow: m(d, |d| d.patients_p90_min_to_hub_slow),
            flags: join_codes(flags, ";"),
            worst_severity: flags.iter().map(|c| c.severity()).min(),
            access_2sfca_mean: m(d, |d| d.access_2sfca_mean),
            access_2sfca_p10: m(d, |d| d.access_2sfca_p10),
            access_e2sfca_mean: m(d, |d| d.access_e2sfca_mean),
            access_e2sfca_p10: m(d, |d| d.access_e2sfca_p10),
            access_gravity_mean: m(d, |d| d.access_gravity_mean),
            access_gravity_p10: m(d, |d| d.access_gravity_p10),
            sub_icb_code: pcn.org.sub_icb_code.clone(),
            sub_icb_name: pcn.org.sub_icb_name.clone(),
            icb_code: pcn.org.icb_code.clone(),
            icb_name: pcn.org.icb_name.clone(),
            region_code: pcn.org.region_code.clone(),
            share_patients_other_network_nearer: m(d, |d| d.share_patients_other_network_nearer),
            areas_other_network_nearer: d.and_then(|d| d.areas_other_network_nearer),
        }
    }
}

/// The columns appended to `pcn_summary.csv` when the dataset has sites.
#[derive(Debug, Default, Serialize)]
pub struct SiteColumns {
    /// Sites of the network's practices: main sites and branches.
    pub sites: usize,
    /// Patients' mean drive to their practice's main site (without
    /// branches); `patients_mean_min_to_practice` is then to the site the
    /// run sends them to (`--patient-site`, nearest by default).
    pub patients_mean_min_to_practice_main_site: Fixed<2>,
    /// The staff tour over main sites only.
    pub staff_tour_min_main_sites: Fixed<2>,
}

/// The site columns of each PCN in `pcns` order; `None` without sites.
pub fn site_columns(
    ds: &Dataset,
    pcns: &[PcnCheck],
    drive: Option<&Drive>,
) -> Option<Vec<SiteColumns>> {
    if !ds.sites_given {
        return None;
    }
    let n = super::sites::sites_per_pcn(ds, &super::sites::sites(ds, drive));
    Some(
        pcns.iter()
            .enumerate()
            .map(|(k, c)| {
                let m = MainSiteProps::of(ds, drive.map(|d| &d.run.pcns[k])).unwrap_or_default();
                SiteColumns {
                    sites: n.get(c.pcn.idx()).copied().unwrap_or(0),
                    patients_mean_min_to_practice_main_site: Fixed(
                        m.patients_mean_min_to_practice_main_site,
                    ),
                    staff_tour_min_main_sites: Fixed(m.staff_tour_min_main_sites),
                }
            })
            .collect(),
    )
}

/// The header and cells of `pcn_summary.csv`: [`SummaryRow`]'s columns,
/// then, with sites, [`SiteColumns`]'.
pub fn summary_cells(
    ds: &Dataset,
    pcns: &[PcnCheck],
    drive: Option<&Drive>,
) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let rows = summary_rows(ds, pcns, drive);
    let sites = site_columns(ds, pcns, drive);
    let (mut head, mut body) = table::joined_cells(&rows, sites.as_deref())?;
    if let Some(pt) = drive.and_then(|d| d.transit.as_ref()) {
        let (more_head, more) = super::transit::pt_cells(pt)?;
        head.extend(more_head);
        for (row, extra) in body.iter_mut().zip(more) {
            row.extend(extra);
        }
    }
    Ok((head, body))
}

/// A drive-time metric of the PCN, when there are drive times.
fn m<const N: usize>(
    d: Option<&PcnDriveProps>,
    f: impl Fn(&PcnDriveProps) -> Option<f64>,
) -> Fixed<N> {
    Fixed(d.and_then(f))
}

/// A PCN's flags: `check`'s, then the drive-time ones.
pub fn pcn_flags(c: &PcnCheck, d: Option<&crate::analyse::network::PcnDrive>) -> Vec<Code> {
    let mut f = c.flags.clone();
    if let Some(d) = d {
        f.extend(d.flags.iter().copied());
    }
    f
}

/// The rows of `pcn_summary.csv`, one per PCN in `pcns` order.
pub fn summary_rows(ds: &Dataset, pcns: &[PcnCheck], drive: Option<&Drive>) -> Vec<SummaryRow> {
    pcns.iter()
        .enumerate()
        .map(|(k, c)| {
            let d = drive.map(|d| PcnDriveProps::new(ds, d, k));
            let flags = pcn_flags(c, drive.map(|d| &d.run.pcns[k]));
            SummaryRow::new(ds, c, d.as_ref(), &flags)
        })
        .collect()
}

/// The columns of `pcn_summary.csv`, in order (with sites or without).
pub fn summary_columns(sites: bool) -> Result<Vec<String>> {
    let mut c = table::header::<SummaryRow>()?;
    if sites {
        c.extend(table::header::<SiteColumns>()?);
    }
    Ok(c)
}

/// Write `pcn_summary.csv` ([`summary_cells`]).
pub fn write_summary(
    w: impl Write,
    ds: &Dataset,
    pcns: &[PcnCheck],
    drive: Option<&Drive>,
) -> Result<()> {
    let (header, rows) = summary_cells(ds, pcns, drive)?;
    table::write_cells(w, &header, &rows)
}
