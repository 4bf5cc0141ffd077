//! Writing the imported dataset (in [`crate::load::format`]) and the
//! import report, all staged and moved into place together.

use super::branches::Branches;
use super::national::RegRow;
use super::select::Selection;
use super::{ImportFilter, ImportReport, Log, National};
use crate::coords::bng_to_wgs84;
use crate::load::format::{self, AreaProps, Metres, PracticeRow, RegistrationRow, SiteRow};
use crate::model::{Area, CentroidSource, InputFile};
use crate::output::atomic::{Kind, Replace, Staging};
use crate::output::geojson::{multipolygon_json, round7};
use anyhow::Result;
use geo::Coord;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::Path;

/// What an import writes.
pub(super) struct Written<'a> {
    pub filter: &'a ImportFilter,
    pub inputs: Vec<InputFile>,
    pub nat: &'a National,
    pub located: &'a [Option<Coord<f64>>],
    pub sel: &'a Selection,
    /// Selected areas, in the boundaries file's order.
    pub areas: Vec<&'a Area>,
    pub reg_rows: Vec<&'a RegRow>,
    /// With `--branches`: the branches read and those kept.
    pub branches: Option<&'a Branches>,
    pub log: Log,
}

/// Counts of the practices written.
struct PracticeCounts {
    written: usize,
    located: usize,
    pcns: usize,
}

pub(super) fn write_import(out: &Path, mut w: Written) -> Result<ImportReport> {
    let mut staging = Staging::replacing(out, Replace::kind(Kind::Dataset))?;
    let practices = write_practices(&mut staging, &w)?;
    let mut sorted_areas = w.areas.clone();
    sorted_areas.sort_by(|a, b| a.code.cmp(&b.code));
    staging.write(format::AREAS_GEOJSON, |f| {
        write_areas(f, &sorted_areas, w.nat.area_org.as_ref())
    })?;
    let registered = write_registrations(&mut staging, &mut w)?;
    if let Some(b) = w.branches {
        write_sites(&mut staging, &w, b)?;
    }
    let mut entries = std::mem::take(&mut w.log.0);
    entries.sort();
    let mut counts = BTreeMap::new();
    for e in &entries {
        *counts.entry(e.code.clone()).or_insert(0) += 1;
    }
    let report = ImportReport {
        version: env!("CARGO_PKG_VERSION").into(),
        filter: w.filter.clone(),
        inputs: w.inputs,
        list_size_source: w.nat.list_sizes.describe(),
        practices_in_map: w.nat.map.len(),
        practices_written: practices.written,
        practices_located: practices.located,
        pcns_written: practices.pcns,
        areas_written: sorted_areas.len(),
        registrations_written: w.reg_rows.len(),
        registered_patients_written: registered,
        branches: w.branches.map(|b| b.counts.clone()),
        counts,
        entries,
    };
    write_report(&mut staging, &report)?;
    staging.commit()?;
    Ok(report)
}

/// The selected practices (indices into the map), by code.
fn practice_order(w: &Written) -> Vec<usize> {
    let map = &w.nat.map;
    let mut order: Vec<usize> = (0..map.len()).filter(|&i| w.sel.practice[i]).collect();
    order.sort_by(|&a, &b| map[a].code.cmp(&map[b].code));
    order
}

/// `sites.csv` (`--branches`): a `main` row per practice written (its own
/// postcode and location) and a `branch` row per branch kept, by practice
/// code then site code.
fn write_sites(staging: &mut Staging, w: &Written, b: &Branches) -> Result<()> {
    let map = &w.nat.map;
    let mains = practice_order(w).into_iter().map(|i| {
        let p = &map[i];
        let loc = w.located[i];
        SiteRow {
            site_code: &p.code,
            practice_code: &p.code,
            site_name: &p.name,
            kind: "main",
            postcode: &p.postcode,
            easting: Metres(loc.map(|c| round_cm(c.x))),
            northing: Metres(loc.map(|c| round_cm(c.y))),
        }
    });
    let kept = b.kept.iter().map(|&(i, at)| {
        let r = &b.rows[i];
        SiteRow {
            site_code: &r.code,
            practice_code: &r.parent,
            site_name: &r.name,
            kind: "branch",
            postcode: &r.postcode,
            easting: Metres(Some(round_cm(at.x))),
            northing: Metres(Some(round_cm(at.y))),
        }
    });
    let mut rows: Vec<SiteRow> = mains.chain(kept).collect();
    rows.sort_by(|a, b| (a.practice_code, a.site_code).cmp(&(b.practice_code, b.site_code)));
    staging.write(format::SITES_CSV, |f| format::write_sites(f, rows))
}

/// `practices.csv`: the selected practices by code, in BNG to the centimetre.
fn write_practices(staging: &mut Staging, w: &Written) -> Result<PracticeCounts> {
    let map = &w.nat.map;
    let order = practice_order(w);
    let pcns: BTreeSet<&str> = order
        .iter()
        .map(|&i| map[i].pcn_code.as_str())
        .filter(|c| !c.is_empty())
        .collect();
    let counts = PracticeCounts {
        written: order.len(),
        located: order.iter().filter(|&&i| w.located[i].is_some()).count(),
        pcns: pcns.len(),
    };
    let rows = order.iter().map(|&i| {
        let p = &map[i];
        let loc = w.located[i];
        PracticeRow {
            practice_code: &p.code,
            practice_name: &p.name,
            pcn_code: &p.pcn_code,
            pcn_name: &p.pcn_name,
            list_size: w.nat.list_sizes.sizes.get(&p.code).map(|(n, _)| *n),
            postcode: &p.postcode,
            easting: Metres(loc.map(|c| round_cm(c.x))),
            northing: Metres(loc.map(|c| round_cm(c.y))),
            ..PracticeRow::default()
        }
        .with_org(&p.org)
    });
    staging.write(format::PRACTICES_CSV, |f| format::write_practices(f, rows))?;
    Ok(counts)
}

/// Metres with centimetre precision (written without trailing zeros).
fn round_cm(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// `registrations.csv` (when registrations were given), by practice then
/// area; returns the patients written.
fn write_registrations(staging: &mut Staging, w: &mut Written) -> Result<u64> {
    if w.nat.regs.is_none() {
        return Ok(0);
    }
    w.reg_rows
        .sort_by(|a, b| (&a.practice, &a.area).cmp(&(&b.practice, &b.area)));
    let rows = w.reg_rows.iter().map(|r| RegistrationRow {
        practice_code: &r.practice,
        area_code: &r.area,
        patients: r.patients,
    });
    staging.write(format::REGISTRATIONS_CSV, |f| {
        format::write_registrations(f, rows)
    })?;
    Ok(w.reg_rows.iter().map(|r| r.patients).sum())
}

fn write_areas(
    w: &mut impl Write,
    areas: &[&Area],
    org: Option<&HashMap<String, super::area_org::AreaOrg>>,
) -> Result<()> {
    use rayon::prelude::*;
    let geoms: Vec<String> = areas
        .par_iter()
        .map(|a| multipolygon_json(&a.geometry))
        .collect();
    let features = areas.iter().zip(&geoms).map(|(a, g)| {
        let (clon, clat) = match a.centroid_source {
            CentroidSource::PopulationWeighted => {
                let (lon, lat) = bng_to_wgs84(a.centroid);
                (Some(round7(lon)), Some(round7(lat)))
            }
            CentroidSource::InteriorPoint => (None, None),
        };
        let props = AreaProps {
            area_code: &a.code,
            area_name: a.name.as_deref(),
            lad_code: a.lad_code.as_deref(),
            population: a.population,
            ruc: a.ruc.map(|r| r.code()),
            centroid_lon: clon,
            centroid_lat: clat,
            sub_icb_code: org
                .and_then(|o| o.get(&a.code))
                .map(|o| o.sub_icb_code.as_str()),
            icb_code: org
                .and_then(|o| o.get(&a.code))
                .map(|o| o.icb_code.as_str()),
        };
        (props, g.as_str())
    });
    format::write_areas(w, Some("areas"), features)?;
    Ok(())
}

/// `import_report.csv` and `import_report.json`.
fn write_report(staging: &mut Staging, report: &ImportReport) -> Result<()> {
    staging.write("import_report.csv", |w| {
        let mut cw = crate::safe_text::csv_writer(w);
        cw.write_record(["code", "subject", "detail"])?;
        cw.write_record([
            "LIST_SIZE_SOURCE",
            "practices.csv list_size",
            &report.list_size_source,
        ])?;
        for e in &report.entries {
            cw.write_record([&e.code, &e.subject, &e.detail])?;
        }
        cw.flush()?;
        Ok(())
    })?;
    staging.write("import_report.json", |w| {
        serde_json::to_writer_pretty(&mut *w, report)?;
        w.write_all(b"\n")?;
        Ok(())
    })
}
