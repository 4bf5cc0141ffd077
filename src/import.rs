//! `pcn-atlas import`: build a dataset folder from the national files.
//!
//! | source | file (as published) | used for |
//! |---|---|---|
//! | NHS Digital | `gp-reg-pat-prac-map-*.csv` | practices, their PCN code and name, postcode |
//! | NHS Digital | `gp-reg-pat-prac-all-*.csv` | list sizes (`NUMBER_OF_PATIENTS`, rows with SEX=ALL, AGE=ALL) |
//! | NHS ODS | `epraccur*.csv` (optional; no header, Latin-1) | status (closed/dormant practices) and a fallback postcode |
//! | OS | Code-Point Open folder | postcode → easting/northing |
//! | ONS | LSOA boundaries (GeoJSON or shapefile) | area polygons, names, local authority |
//! | ONS | population, RUC, population-weighted centroids CSVs | joined onto areas |
//! | NHS Digital | `gp-reg-pat-prac-lsoa-*.csv` (optional) | registrations by area of residence |
//!
//! Nothing is dropped silently: every practice that cannot be located, has no
//! list size or no PCN, and every registration row that cannot be used, is
//! listed (or, for registrations, counted with examples) in
//! `import_report.csv` / `import_report.json`.

use crate::coords::bng_to_wgs84;
use crate::load::areas::{AreaJoins, load_areas};
use crate::load::codepoint::{PostcodeLookup, normalise_postcode};
use crate::load::columns as c;
use crate::load::table::{ColumnSpec, Table};
use crate::model::{Area, CentroidSource, InputFile, Notice};
use crate::output::atomic::Staging;
use crate::output::geojson::{FeatureWriter, multipolygon_json, round7};
use crate::spatial::AreaIndex;
use anyhow::{Context, Result, anyhow, bail};
use geo::Coord;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The national files to import from.
#[derive(Clone, Debug, Default)]
pub struct ImportSources {
    pub map: PathBuf,
    pub list_sizes: PathBuf,
    pub epraccur: Option<PathBuf>,
    pub postcodes: PathBuf,
    pub boundaries: PathBuf,
    pub population: Option<PathBuf>,
    pub ruc: Option<PathBuf>,
    pub centroids: Option<PathBuf>,
    pub registrations: Option<PathBuf>,
}

impl ImportSources {
    /// Find the national files in one folder by their published names
    /// (`gp-reg-pat-prac-map*.csv`, `gp-reg-pat-prac-all*.csv`, `epraccur*.csv`,
    /// `codepoint*/`, `*boundaries*.geojson|.shp`, `*population*.csv`,
    /// `*rural_urban*.csv`, `*centroids*.csv`, `gp-reg-pat-prac-lsoa*.csv`).
    pub fn discover(dir: &Path) -> Result<ImportSources> {
        let mut names: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
            .with_context(|| format!("{}: cannot read the folder", dir.display()))?
            .filter_map(|e| e.ok())
            .map(|e| {
                (
                    e.file_name().to_string_lossy().to_ascii_lowercase(),
                    e.path(),
                )
            })
            .collect();
        names.sort();
        let find = |what: &str, pred: &dyn Fn(&str) -> bool| -> Result<Option<PathBuf>> {
            let hits: Vec<&PathBuf> = names
                .iter()
                .filter(|(n, _)| pred(n))
                .map(|(_, p)| p)
                .collect();
            match hits.len() {
                0 => Ok(None),
                1 => Ok(Some(hits[0].clone())),
                _ => bail!(
                    "{}: more than one {what} file ({}); name the one to use with its flag",
                    dir.display(),
                    hits.iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        };
        let need = |what: &str, flag: &str, found: Option<PathBuf>| -> Result<PathBuf> {
            found.ok_or_else(|| {
                anyhow!(
                    "{}: no {what} file found; give it with {flag}",
                    dir.display()
                )
            })
        };
        let csv = |n: &str| n.ends_with(".csv");
        Ok(ImportSources {
            map: need(
                "practice → PCN map (gp-reg-pat-prac-map*.csv)",
                "--map",
                find("PCN map", &|n| {
                    n.starts_with("gp-reg-pat-prac-map") && csv(n)
                })?,
            )?,
            list_sizes: need(
                "list size (gp-reg-pat-prac-all*.csv)",
                "--list-sizes",
                find("list size", &|n| {
                    n.starts_with("gp-reg-pat-prac-all") && csv(n)
                })?,
            )?,
            epraccur: find("epraccur", &|n| n.starts_with("epraccur") && csv(n))?,
            postcodes: need(
                "Code-Point Open folder (codepoint*)",
                "--postcodes",
                find("Code-Point Open", &|n| {
                    n.starts_with("codepoint") && !n.contains('.')
                })?,
            )?,
            boundaries: need(
                "LSOA boundaries (*boundaries*.geojson or .shp)",
                "--boundaries",
                find("boundaries", &|n| {
                    n.contains("boundaries") && (n.ends_with(".geojson") || n.ends_with(".shp"))
                })?,
            )?,
            population: find("population", &|n| {
                n.contains("population") && !n.contains("centroid") && csv(n)
            })?,
            ruc: find("rural-urban", &|n| n.contains("rural_urban") && csv(n))?,
            centroids: find("centroids", &|n| n.contains("centroid") && csv(n))?,
            registrations: find("registrations", &|n| {
                n.starts_with("gp-reg-pat-prac-lsoa") && csv(n)
            })?,
        })
    }
}

/// Which part of the country to import.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportFilter {
    /// Local authority district codes (areas whose `lad_code` is one of these).
    pub lads: Vec<String>,
    /// PCN codes: their practices, and the areas where they have the most registered patients.
    pub pcns: Vec<String>,
    /// WGS84 box `[min_lon, min_lat, max_lon, max_lat]`: areas whose centroid is inside.
    pub bbox: Option<[f64; 4]>,
}

impl ImportFilter {
    pub fn is_empty(&self) -> bool {
        self.lads.is_empty() && self.pcns.is_empty() && self.bbox.is_none()
    }
}

/// One line of the import report.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReportEntry {
    pub code: String,
    pub subject: String,
    pub detail: String,
}

/// What an import wrote and what it could not use.
#[derive(Debug, Serialize)]
pub struct ImportReport {
    pub version: String,
    pub filter: ImportFilter,
    pub inputs: Vec<InputFile>,
    pub practices_in_map: usize,
    pub practices_written: usize,
    pub practices_located: usize,
    pub pcns_written: usize,
    pub areas_written: usize,
    pub registrations_written: usize,
    pub registered_patients_written: u64,
    /// Count of report entries by code.
    pub counts: BTreeMap<String, usize>,
    pub entries: Vec<ReportEntry>,
}

struct MapPractice {
    code: String,
    name: String,
    postcode: String,
    pcn_code: String,
    pcn_name: String,
}

struct OdsRecord {
    name: String,
    postcode: String,
    status: String,
}

/// Run an import into `out`.
pub fn run_import(src: &ImportSources, filter: &ImportFilter, out: &Path) -> Result<ImportReport> {
    let mut entries: Vec<ReportEntry> = Vec::new();
    let mut inputs: Vec<InputFile> = Vec::new();
    let mut entry = |code: &str, subject: &str, detail: String| {
        entries.push(ReportEntry {
            code: code.into(),
            subject: subject.into(),
            detail,
        })
    };

    // Practices and PCNs from the map.
    let map = read_map(&src.map, &mut inputs)?;
    let list_sizes = read_list_sizes(&src.list_sizes, &mut inputs)?;
    let ods = match &src.epraccur {
        Some(p) => Some(read_epraccur(p, &mut inputs)?),
        None => None,
    };
    let lookup = PostcodeLookup::load(&src.postcodes)?;
    if let Some(i) = lookup.input.clone() {
        inputs.push(i);
    }

    // Areas with their joins (validated, in BNG).
    let joins = AreaJoins {
        population: src.population.as_deref(),
        ruc: src.ruc.as_deref(),
        centroids: src.centroids.as_deref(),
    };
    let loaded = load_areas(&src.boundaries, &joins)?;
    inputs.extend(loaded.inputs);
    let area_notices: Vec<Notice> = loaded.notices;
    let all_areas = loaded.areas;

    // Locate practices.
    let map_codes: BTreeSet<&str> = map.iter().map(|p| p.code.as_str()).collect();
    let mut located: Vec<Option<Coord<f64>>> = Vec::with_capacity(map.len());
    for p in &map {
        let mut loc = lookup.get(&p.postcode);
        if loc.is_none() {
            let fallback = ods
                .as_ref()
                .and_then(|o| o.get(&p.code))
                .filter(|r| normalise_postcode(&r.postcode) != normalise_postcode(&p.postcode))
                .and_then(|r| lookup.get(&r.postcode).map(|c| (c, r.postcode.clone())));
            match fallback {
                Some((c, pc)) => {
                    loc = Some(c);
                    entry(
                        "POSTCODE_FROM_EPRACCUR",
                        &p.code,
                        format!(
                            "postcode {} is not in Code-Point Open; located by its epraccur postcode {pc}",
                            p.postcode
                        ),
                    );
                }
                None => entry(
                    "POSTCODE_NOT_FOUND",
                    &p.code,
                    format!(
                        "postcode {} of {} ({}) is not in Code-Point Open ({}): written without coordinates",
                        p.postcode,
                        p.name,
                        p.pcn_code,
                        src.postcodes.display()
                    ),
                ),
            }
        }
        if !list_sizes.contains_key(&p.code) {
            entry(
                "NO_LIST_SIZE",
                &p.code,
                format!(
                    "{} ({}) has no row in {}: written with an empty list_size (counts as 0)",
                    p.name,
                    p.pcn_code,
                    src.list_sizes.display()
                ),
            );
        }
        if let Some(r) = ods
            .as_ref()
            .and_then(|o| o.get(&p.code))
            .filter(|r| r.status == "C" || r.status == "D")
        {
            {
                let what = if r.status == "C" { "closed" } else { "dormant" };
                entry(
                    "PRACTICE_NOT_ACTIVE_IN_EPRACCUR",
                    &p.code,
                    format!(
                        "{} is {what} (status {}) in epraccur but listed in the PCN map",
                        r.name, r.status
                    ),
                );
            }
        }
        if p.pcn_code.is_empty() {
            entry(
                "NO_PCN",
                &p.code,
                format!(
                    "{} is in the PCN map {} as Unallocated (PCN code U): written without a PCN",
                    p.name,
                    src.map.display()
                ),
            );
        }
        located.push(loc);
    }

    // Registrations (read once; used for --pcn selection and written out).
    let regs = match &src.registrations {
        Some(p) => Some(read_registrations(p, &mut inputs)?),
        None => None,
    };

    // Select areas and practices.
    let area_ix: HashMap<&str, usize> = all_areas
        .iter()
        .enumerate()
        .map(|(i, a)| (a.code.as_str(), i))
        .collect();
    let practice_pcn: HashMap<&str, &str> = map
        .iter()
        .map(|p| (p.code.as_str(), p.pcn_code.as_str()))
        .collect();
    let mut area_sel = vec![filter.is_empty(); all_areas.len()];
    let mut practice_sel = vec![filter.is_empty(); map.len()];
    if !filter.is_empty() {
        let known_lads: BTreeSet<&str> = all_areas
            .iter()
            .filter_map(|a| a.lad_code.as_deref())
            .collect();
        for l in &filter.lads {
            if !known_lads.contains(l.as_str()) {
                bail!(
                    "--lad {l}: no area in {} has that local authority code",
                    src.boundaries.display()
                );
            }
        }
        let known_pcns: BTreeSet<&str> = map.iter().map(|p| p.pcn_code.as_str()).collect();
        for p in &filter.pcns {
            if !known_pcns.contains(p.as_str()) {
                bail!(
                    "--pcn {p}: no practice in {} has that PCN code",
                    src.map.display()
                );
            }
        }
        for (i, a) in all_areas.iter().enumerate() {
            if a.lad_code.as_ref().is_some_and(|l| filter.lads.contains(l)) {
                area_sel[i] = true;
            }
            if let Some([x0, y0, x1, y1]) = filter.bbox {
                let (lon, lat) = bng_to_wgs84(a.centroid);
                if lon >= x0 && lon <= x1 && lat >= y0 && lat <= y1 {
                    area_sel[i] = true;
                }
            }
        }
        if !filter.pcns.is_empty() {
            let Some(regs) = &regs else {
                bail!("--pcn needs registrations (gp-reg-pat-prac-lsoa) to choose the PCNs' areas");
            };
            // Each area's plurality PCN by registered patients (ties: lowest code).
            let mut by_area: HashMap<usize, BTreeMap<&str, u64>> = HashMap::new();
            for r in regs {
                if let (Some(&a), Some(&pcn)) = (
                    area_ix.get(r.area.as_str()),
                    practice_pcn.get(r.practice.as_str()),
                ) {
                    *by_area.entry(a).or_default().entry(pcn).or_insert(0) += r.patients;
                }
            }
            for (a, counts) in by_area {
                let best = counts
                    .iter()
                    .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
                    .map(|(k, _)| *k);
                if best.is_some_and(|b| filter.pcns.iter().any(|p| p == b)) {
                    area_sel[a] = true;
                }
            }
            for (i, p) in map.iter().enumerate() {
                if filter.pcns.contains(&p.pcn_code) {
                    practice_sel[i] = true;
                }
            }
        }
        // Practices located in a selected area, then whole PCNs.
        let index = AreaIndex::new(&all_areas);
        for (i, loc) in located.iter().enumerate() {
            if loc
                .and_then(|c| index.locate(c))
                .is_some_and(|a| area_sel[a.idx()])
            {
                practice_sel[i] = true;
            }
        }
        let sel_pcns: BTreeSet<&str> = map
            .iter()
            .zip(&practice_sel)
            .filter(|(_, s)| **s)
            .map(|(p, _)| p.pcn_code.as_str())
            .filter(|c| !c.is_empty())
            .collect();
        for (i, p) in map.iter().enumerate() {
            if !practice_sel[i] && sel_pcns.contains(p.pcn_code.as_str()) {
                practice_sel[i] = true;
                entry(
                    "PRACTICE_ADDED_WITH_ITS_PCN",
                    &p.code,
                    format!(
                        "{} lies outside the selected areas but its PCN {} has practices inside: imported so the PCN's list size is complete",
                        p.name, p.pcn_code
                    ),
                );
            }
        }
    }
    // Practices with a list size but no row in the map: reported when they
    // lie in the selection (all of them when nothing is filtered).
    let index = AreaIndex::new(&all_areas);
    for (code, (size, pc)) in &list_sizes {
        if map_codes.contains(code.as_str()) {
            continue;
        }
        let area = lookup.get(pc).and_then(|c| index.locate(c));
        if filter.is_empty() || area.is_some_and(|a| area_sel[a.idx()]) {
            entry(
                "NO_PCN",
                code,
                format!(
                    "has a list size ({size}, postcode {pc}) in {} but no row in the PCN map {}: not imported",
                    src.list_sizes.display(),
                    src.map.display()
                ),
            );
        }
    }
    // Practice-level entries about practices outside the selection are noise.
    let unselected: BTreeSet<&str> = map
        .iter()
        .zip(&practice_sel)
        .filter(|(_, s)| !**s)
        .map(|(p, _)| p.code.as_str())
        .collect();
    entries.retain(|e| !unselected.contains(e.subject.as_str()));
    let mut entry = |code: &str, subject: &str, detail: String| {
        entries.push(ReportEntry {
            code: code.into(),
            subject: subject.into(),
            detail,
        })
    };
    for n in &area_notices {
        if area_ix.get(n.subject.as_str()).is_none_or(|&i| area_sel[i]) {
            entry(n.code.as_str(), &n.subject, n.detail.clone());
        }
    }
    let areas: Vec<&Area> = all_areas
        .iter()
        .zip(&area_sel)
        .filter(|(_, s)| **s)
        .map(|(a, _)| a)
        .collect();
    if areas.is_empty() {
        bail!("the selection matches no areas");
    }
    let sel_area_codes: BTreeSet<&str> = areas.iter().map(|a| a.code.as_str()).collect();
    let sel_practice_codes: BTreeSet<&str> = map
        .iter()
        .zip(&practice_sel)
        .filter(|(_, s)| **s)
        .map(|(p, _)| p.code.as_str())
        .collect();

    // Registrations within the selection.
    let mut reg_rows: Vec<&RegRow> = Vec::new();
    if let Some(regs) = &regs {
        let mut unknown_practice = Tally::default();
        let mut unknown_area = Tally::default();
        let mut outside = Tally::default();
        let mut lives_outside = Tally::default();
        let mut other_practice = Tally::default();
        for r in regs {
            if !map_codes.contains(r.practice.as_str()) {
                unknown_practice.add(&r.practice, r.patients);
            } else if !area_ix.contains_key(r.area.as_str()) {
                unknown_area.add(&r.area, r.patients);
            } else {
                let (p_in, a_in) = (
                    sel_practice_codes.contains(r.practice.as_str()),
                    sel_area_codes.contains(r.area.as_str()),
                );
                match (p_in, a_in) {
                    (true, true) => reg_rows.push(r),
                    (true, false) => lives_outside.add(&r.area, r.patients),
                    (false, true) => other_practice.add(&r.practice, r.patients),
                    (false, false) => outside.add(&r.practice, r.patients),
                }
            }
        }
        let file = src
            .registrations
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        unknown_practice.report(
            &mut entry,
            "REGISTRATIONS_PRACTICE_NOT_IN_MAP",
            &file,
            "name practices not in the PCN map (e.g. {})",
        );
        unknown_area.report(
            &mut entry,
            "REGISTRATIONS_AREA_NOT_IN_BOUNDARIES",
            &file,
            "name areas not in the boundaries file, such as Welsh (W01) codes (e.g. {})",
        );
        lives_outside.report(
            &mut entry,
            "REGISTRATIONS_LIVING_OUTSIDE_SELECTION",
            &file,
            "are patients of selected practices living in areas outside the selection (e.g. {})",
        );
        other_practice.report(&mut entry, "REGISTRATIONS_AT_UNSELECTED_PRACTICES", &file, "are residents of selected areas registered at practices outside the selection (e.g. {})");
        outside.report(
            &mut entry,
            "REGISTRATIONS_OUTSIDE_SELECTION",
            &file,
            "join a practice and an area both outside the selection (e.g. practice {})",
        );
    }

    // Write the dataset.
    let mut staging = Staging::new(out)?;
    let mut practices_written = 0;
    let mut practices_located = 0;
    let mut pcns = BTreeSet::new();
    staging.write("practices.csv", |w| {
        let mut cw = csv::Writer::from_writer(w);
        cw.write_record(crate::load::columns::PRACTICES_HEADER)?;
        let mut order: Vec<usize> = (0..map.len()).filter(|&i| practice_sel[i]).collect();
        order.sort_by(|&a, &b| map[a].code.cmp(&map[b].code));
        for i in order {
            let p = &map[i];
            let (e, n) =
                located[i].map_or((String::new(), String::new()), |c| (fmt_m(c.x), fmt_m(c.y)));
            practices_located += usize::from(located[i].is_some());
            practices_written += 1;
            if !p.pcn_code.is_empty() {
                pcns.insert(p.pcn_code.clone());
            }
            let ls = list_sizes
                .get(&p.code)
                .map_or(String::new(), |(n, _)| n.to_string());
            cw.write_record([
                &p.code,
                &p.name,
                &p.pcn_code,
                &p.pcn_name,
                &ls,
                &p.postcode,
                &e,
                &n,
            ])?;
        }
        cw.flush()?;
        Ok(())
    })?;
    let mut sorted_areas = areas.clone();
    sorted_areas.sort_by(|a, b| a.code.cmp(&b.code));
    staging.write("areas.geojson", |w| write_areas(w, &sorted_areas))?;
    let mut registered = 0;
    if regs.is_some() {
        reg_rows.sort_by(|a, b| (&a.practice, &a.area).cmp(&(&b.practice, &b.area)));
        staging.write("registrations.csv", |w| {
            let mut cw = csv::Writer::from_writer(w);
            cw.write_record(["practice_code", "area_code", "patients"])?;
            for r in &reg_rows {
                registered += r.patients;
                cw.write_record([&r.practice, &r.area, &r.patients.to_string()])?;
            }
            cw.flush()?;
            Ok(())
        })?;
    }
    entries.sort();
    let mut counts = BTreeMap::new();
    for e in &entries {
        *counts.entry(e.code.clone()).or_insert(0) += 1;
    }
    let report = ImportReport {
        version: env!("CARGO_PKG_VERSION").into(),
        filter: filter.clone(),
        inputs,
        practices_in_map: map.len(),
        practices_written,
        practices_located,
        pcns_written: pcns.len(),
        areas_written: sorted_areas.len(),
        registrations_written: reg_rows.len(),
        registered_patients_written: registered,
        counts,
        entries,
    };
    staging.write("import_report.csv", |w| {
        let mut cw = csv::Writer::from_writer(w);
        cw.write_record(["code", "subject", "detail"])?;
        for e in &report.entries {
            cw.write_record([&e.code, &e.subject, &e.detail])?;
        }
        cw.flush()?;
        Ok(())
    })?;
    staging.write("import_report.json", |w| {
        serde_json::to_writer_pretty(&mut *w, &report)?;
        w.write_all(b"\n")?;
        Ok(())
    })?;
    staging.commit()?;
    Ok(report)
}

/// Metres with centimetre precision, without trailing zeros.
fn fmt_m(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    format!("{r}")
}

#[derive(Serialize)]
struct AreaProps<'a> {
    area_code: &'a str,
    area_name: Option<&'a str>,
    lad_code: Option<&'a str>,
    population: Option<u64>,
    ruc: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    centroid_lon: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    centroid_lat: Option<f64>,
}

fn write_areas(w: &mut impl Write, areas: &[&Area]) -> Result<()> {
    use rayon::prelude::*;
    let geoms: Vec<String> = areas
        .par_iter()
        .map(|a| multipolygon_json(&a.geometry))
        .collect();
    let mut fw = FeatureWriter::new(w, "areas")?;
    for (a, g) in areas.iter().zip(&geoms) {
        let (clon, clat) = match a.centroid_source {
            CentroidSource::PopulationWeighted => {
                let (lon, lat) = bng_to_wgs84(a.centroid);
                (Some(round7(lon)), Some(round7(lat)))
            }
            CentroidSource::InteriorPoint => (None, None),
        };
        fw.feature(
            &AreaProps {
                area_code: &a.code,
                area_name: a.name.as_deref(),
                lad_code: a.lad_code.as_deref(),
                population: a.population,
                ruc: a.ruc.map(|r| r.code()),
                centroid_lon: clon,
                centroid_lat: clat,
            },
            g,
        )?;
    }
    fw.finish()?;
    Ok(())
}

/// Counts rows and patients of one kind of unusable registration.
#[derive(Default)]
struct Tally {
    rows: u64,
    patients: u64,
    examples: BTreeSet<String>,
}

impl Tally {
    fn add(&mut self, example: &str, patients: u64) {
        self.rows += 1;
        self.patients += patients;
        if self.examples.len() < 5 {
            self.examples.insert(example.to_string());
        }
    }

    fn report(
        &self,
        entry: &mut impl FnMut(&str, &str, String),
        code: &str,
        file: &str,
        what: &str,
    ) {
        if self.rows == 0 {
            return;
        }
        let ex: Vec<&str> = self.examples.iter().map(String::as_str).collect();
        entry(
            code,
            file,
            format!(
                "{} rows ({} patients) {}: not written",
                self.rows,
                self.patients,
                what.replace("{}", &ex.join(", "))
            ),
        );
    }
}

fn read_map(path: &Path, inputs: &mut Vec<InputFile>) -> Result<Vec<MapPractice>> {
    let t = Table::open(path)?;
    let code = t.require(c::PRACTICE_CODE)?;
    let name = t.require(c::PRACTICE_NAME)?;
    let postcode = t.require(c::POSTCODE)?;
    let pcn = t.require(c::PCN_CODE)?;
    let pcn_name = t.require(c::PCN_NAME)?;
    let mut out = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for row in t.rows() {
        let row = row?;
        let code = row.required_str(code)?.to_string();
        if let Some(first) = seen.insert(code.clone(), row.line) {
            bail!(
                "{}: practice {code} appears twice (first on line {first})",
                row.at()
            );
        }
        let (mut pcn_code, mut pcn_name) =
            (row.str(pcn).to_string(), row.str(pcn_name).to_string());
        if is_unallocated(&pcn_code, &pcn_name) {
            pcn_code.clear();
            pcn_name.clear();
        }
        out.push(MapPractice {
            code,
            name: row.str(name).to_string(),
            postcode: row.str(postcode).to_string(),
            pcn_code,
            pcn_name,
        });
    }
    inputs.push(t.input_file("pcn_map", out.len() as u64));
    Ok(out)
}

/// NHS Digital's map gives practices outside any network the pseudo-PCN
/// code `U`, name `Unallocated` (68 practices in January 2022). They are
/// practices without a PCN, not a network of their own.
pub fn is_unallocated(code: &str, name: &str) -> bool {
    code.trim().eq_ignore_ascii_case("U") || name.trim().eq_ignore_ascii_case("Unallocated")
}

/// List size and postcode per practice code.
fn read_list_sizes(
    path: &Path,
    inputs: &mut Vec<InputFile>,
) -> Result<BTreeMap<String, (u64, String)>> {
    const SEX: ColumnSpec = ColumnSpec::new("SEX", &[]);
    const AGE: ColumnSpec = ColumnSpec::new("AGE", &[]);
    let t = Table::open(path)?;
    let code = t.require(c::PRACTICE_CODE)?;
    let n = t.require(c::LIST_SIZE)?;
    let sex = t.optional(SEX);
    let age = t.optional(AGE);
    let postcode = t.optional(c::POSTCODE);
    let mut out = BTreeMap::new();
    let mut rows = 0;
    for row in t.rows() {
        let row = row?;
        rows += 1;
        // Files broken down by sex/age: keep only the all-persons totals.
        if sex.is_some_and(|c| !row.str(c).eq_ignore_ascii_case("ALL"))
            || age.is_some_and(|c| !row.str(c).eq_ignore_ascii_case("ALL"))
        {
            continue;
        }
        let k = row.required_str(code)?.to_string();
        let v = row.count(n)?;
        let pc = row.opt_str(postcode).unwrap_or("").to_string();
        if out.insert(k.clone(), (v, pc)).is_some() {
            bail!("{}: practice {k} has two list-size rows", row.at());
        }
    }
    inputs.push(t.input_file("list_sizes", rows));
    Ok(out)
}

/// NHS ODS `epraccur`: no header; column 1 code, 2 name, 10 postcode,
/// 13 status (A active, C closed, D dormant, P proposed).
fn read_epraccur(path: &Path, inputs: &mut Vec<InputFile>) -> Result<HashMap<String, OdsRecord>> {
    let text = crate::load::text::read_text(path)?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.text.as_bytes());
    let mut out = HashMap::new();
    let mut rows = 0;
    for rec in rdr.records() {
        let rec = rec.with_context(|| format!("{}: malformed CSV", path.display()))?;
        let line = rec.position().map_or(0, |p| p.line());
        if rec.len() < 13 {
            bail!(
                "{}:{line}: expected the epraccur layout (at least 13 columns), found {}",
                path.display(),
                rec.len()
            );
        }
        rows += 1;
        out.insert(
            rec[0].trim().to_string(),
            OdsRecord {
                name: rec[1].trim().to_string(),
                postcode: rec[9].trim().to_string(),
                status: rec[12].trim().to_string(),
            },
        );
    }
    inputs.push(InputFile {
        role: "epraccur".into(),
        path: path.display().to_string(),
        sha256: text.sha256,
        rows,
    });
    Ok(out)
}

struct RegRow {
    practice: String,
    area: String,
    patients: u64,
}

fn read_registrations(path: &Path, inputs: &mut Vec<InputFile>) -> Result<Vec<RegRow>> {
    let t = Table::open(path)?;
    let pc = t.require(c::PRACTICE_CODE)?;
    let ac = t.require(c::AREA_CODE)?;
    let nc = t.require(c::PATIENTS)?;
    let mut out = Vec::new();
    for row in t.rows() {
        let row = row?;
        out.push(RegRow {
            practice: row.required_str(pc)?.to_string(),
            area: row.required_str(ac)?.to_string(),
            patients: row.count(nc)?,
        });
    }
    inputs.push(t.input_file("registrations", out.len() as u64));
    Ok(out)
}
