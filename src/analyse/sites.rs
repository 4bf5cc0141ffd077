//! Reading the hub choices a user gives (`--hubs`: `pcn_code, hub_code`)
//! and candidate hub sites other than practices (`--candidates`:
//! `site_code, name, lon, lat` or `easting, northing`, optional
//! `pcn_code`). Every error names the file, the line and the value.

use super::network::Site;
use super::road_times::CandidateSite;
use super::run::HubInputs;
use crate::coords::{check_bng, check_wgs84, wgs84_to_bng};
use crate::load::columns::{EASTING, LAT, LON, NORTHING, PCN_CODE};
use crate::load::table::{ColumnSpec, Table};
use crate::model::{Dataset, InputFile, PcnId};
use crate::spatial::AreaIndex;
use anyhow::{Result, bail};
use std::collections::BTreeMap;
use std::path::Path;

const SITE_CODE: ColumnSpec = ColumnSpec::new("site_code", &["code", "ods_code"]);
const SITE_NAME: ColumnSpec = ColumnSpec::new("name", &["site_name"]);
const HUB_CODE: ColumnSpec = ColumnSpec::new("hub_code", &["hub", "hub_practice", "site_code"]);

/// Candidate sites as read: the sites, each PCN's candidates, the input record.
pub type Candidates = (Vec<CandidateSite>, BTreeMap<PcnId, Vec<Site>>, InputFile);

/// Read candidate hub sites. A site with a `pcn_code` is a candidate for
/// that PCN; without one, for the PCNs whose footprint contains it
/// (`footprint_pcns` gives each area's PCNs).
pub fn load_candidates(
    path: &Path,
    ds: &Dataset,
    footprint_pcns: &[Vec<PcnId>],
) -> Result<Candidates> {
    let t = Table::open(path)?;
    let code_col = t.require(SITE_CODE)?;
    let name_col = t.optional(SITE_NAME);
    let pcn_col = t.optional(PCN_CODE);
    let lonlat = t.optional(LON).zip(t.optional(LAT));
    let en = t.optional(EASTING).zip(t.optional(NORTHING));
    if lonlat.is_none() && en.is_none() {
        bail!(
            "{}: needs `lon`/`lat` or `easting`/`northing` columns; the header has: {}",
            t.display(),
            t.headers.join(", ")
        );
    }
    let pcn_by_code: BTreeMap<&str, PcnId> =
        ds.pcn_ids().map(|p| (ds.pcn(p).code.as_str(), p)).collect();
    let index = AreaIndex::new(&ds.areas);
    let mut sites: Vec<CandidateSite> = Vec::new();
    let mut by_pcn: BTreeMap<PcnId, Vec<Site>> = BTreeMap::new();
    let mut rows = 0;
    for row in t.rows() {
        let row = row?;
        rows += 1;
        let code = row.required_str(code_col)?.to_string();
        if sites.iter().any(|s| s.code == code) {
            bail!("{}: duplicate site_code {code}", row.at());
        }
        // Hubs are named by code in every output: a site called as a
        // practice is would make `hub_code` mean two places.
        if ds
            .practices
            .iter()
            .any(|p| p.code.eq_ignore_ascii_case(&code))
        {
            bail!(
                "{}: site_code `{code}` is also a practice's code: give the site a code of its own \
                 (the practice itself is a candidate already)",
                row.at()
            );
        }
        let location = match (en, lonlat) {
            (Some((e, n)), _) if row.opt_f64(Some(e))?.is_some() => {
                let (e, n) = (row.opt_f64(Some(e))?, row.opt_f64(Some(n))?);
                let (Some(e), Some(n)) = (e, n) else {
                    bail!(
                        "{}: site {code}: only one of easting/northing is given",
                        row.at()
                    );
                };
                if let Some(why) = check_bng(e, n) {
                    bail!("{}: site {code}: {why}", row.at());
                }
                [e, n]
            }
            (_, Some((lo, la))) => {
                let (Some(lon), Some(lat)) = (row.opt_f64(Some(lo))?, row.opt_f64(Some(la))?)
                else {
                    bail!("{}: site {code}: no coordinates", row.at());
                };
                if let Some(why) = check_wgs84(lon, lat) {
                    bail!("{}: site {code}: {why}", row.at());
                }
                let c = wgs84_to_bng(lon, lat);
                [c.x, c.y]
            }
            _ => bail!("{}: site {code}: no coordinates", row.at()),
        };
        let site = Site::Candidate(sites.len() as u32);
        match row.opt_str(pcn_col) {
            Some(pc) => {
                let Some(&p) = pcn_by_code.get(pc) else {
                    bail!("{}: site {code}: unknown pcn_code {pc:?}", row.at());
                };
                by_pcn.entry(p).or_default().push(site);
            }
            None => {
                let c = geo::Coord {
                    x: location[0],
                    y: location[1],
                };
                if let Some(a) = index.locate(c) {
                    for &p in &footprint_pcns[a.idx()] {
                        by_pcn.entry(p).or_default().push(site);
                    }
                }
            }
        }
        sites.push(CandidateSite {
            code,
            name: row.opt_str(name_col).unwrap_or("").to_string(),
            location,
        });
    }
    Ok((sites, by_pcn, t.input_file("candidates", rows)))
}

/// Read given hubs: each PCN's hub, a member practice's code or a
/// candidate site's code.
pub fn load_hubs(
    path: &Path,
    ds: &Dataset,
    candidates: &[CandidateSite],
    hubs: &mut HubInputs,
) -> Result<InputFile> {
    let t = Table::open(path)?;
    let pcn_col = t.require(PCN_CODE)?;
    let hub_col = t.require(HUB_CODE)?;
    let mut rows = 0;
    for row in t.rows() {
        let row = row?;
        rows += 1;
        let pc = row.required_str(pcn_col)?;
        let hc = row.required_str(hub_col)?;
        let Some(p) = ds.pcn_ids().find(|&p| ds.pcn(p).code == pc) else {
            bail!("{}: unknown pcn_code {pc:?}", row.at());
        };
        let site = if let Some(m) = ds
            .pcn(p)
            .practices
            .iter()
            .find(|&&m| ds.practice(m).code == hc)
        {
            Site::Practice(*m)
        } else if let Some(i) = candidates.iter().position(|c| c.code == hc) {
            Site::Candidate(i as u32)
        } else {
            bail!(
                "{}: hub {hc:?} for PCN {pc} is neither a member practice of {pc} nor a candidate site (--candidates)",
                row.at()
            );
        };
        if hubs.given.insert(p, site).is_some() {
            bail!("{}: PCN {pc} is given a hub twice", row.at());
        }
    }
    Ok(t.input_file("hubs", rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Ruc;
    use crate::model::testutil::{add_pcn, square_area};

    /// Issue 13 item 11: a candidate site may not take a practice's code.
    #[test]
    fn a_site_code_that_is_a_practice_code_is_rejected() {
        let mut ds = Dataset::default();
        ds.areas.push(square_area(
            "A",
            500_000.0,
            300_000.0,
            1000.0,
            1000,
            Ruc::C1,
        ));
        add_pcn(&mut ds, "U1", &[("P1", 100, 500_500.0, 300_500.0)]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("candidates.csv");
        let fp = vec![vec![PcnId(0)]];
        std::fs::write(&path, "site_code,easting,northing\nH1,500400,300400\n").unwrap();
        assert!(load_candidates(&path, &ds, &fp).is_ok());
        std::fs::write(
            &path,
            "site_code,easting,northing\nH1,500400,300400\np1,500400,300400\n",
        )
        .unwrap();
        let e = format!("{:#}", load_candidates(&path, &ds, &fp).err().unwrap());
        assert!(e.contains("candidates.csv:3"), "{e}");
        assert!(e.contains("`p1` is also a practice's code"), "{e}");
    }
}
