//! Writing the results of `check`: `pcns.geojson`, `areas.geojson`,
//! `practices.geojson`, `pcn_summary.csv`, `findings.csv` and
//! `report.json`, all WGS84, all staged and moved into place together.

use super::atomic::Staging;
use super::drive::{AreaDriveProps, DriveIndex, PcnDriveProps, PracticeDriveProps};
use super::geojson::{FeatureWriter, area_json, footprint_json, linestring_json, point_json};
use super::pcn_summary::{pcn_flags, write_summary};
use crate::check::run::CheckResult;
use crate::check::sliver::DissolveCheck;
use crate::findings::{Code, Finding};
use crate::model::{Dataset, InputFile};
use crate::pipeline::{Drive, Run};
use anyhow::Result;
use geo::MultiPolygon;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

fn share(v: Option<f64>) -> Option<f64> {
    v.map(|x| (x * 1e4).round() / 1e4)
}

fn km2(v: f64) -> f64 {
    (v * 1e3).round() / 1e3
}

/// A network's finding inside `pcns.geojson`'s `findings` list.
#[derive(Serialize)]
struct FindingOut<'a> {
    code: Code,
    severity: crate::findings::Severity,
    /// The member practice the finding is about, when it is about one.
    practice_code: Option<&'a str>,
    detail: &'a str,
}

#[derive(Serialize)]
struct PcnProps<'a> {
    pcn_code: &'a str,
    pcn_name: &'a str,
    /// Sub-ICB, ICB and region (empty strings when unknown).
    #[serde(flatten)]
    org: &'a crate::model::OrgUnits,
    practices: usize,
    practice_codes: Vec<&'a str>,
    /// With sites only: the sites of the member practices (main and
    /// branches).
    #[serde(skip_serializing_if = "Option::is_none")]
    sites: Option<usize>,
    list_size: u64,
    resident_population: u64,
    band: &'static str,
    rural_share: Option<f64>,
    sparse_share: Option<f64>,
    share_basis: crate::check::run::ShareBasis,
    areas: usize,
    area_km2: f64,
    components: usize,
    contiguous: bool,
    /// Null after `check` (the same keys as `analyse`).
    #[serde(flatten)]
    drive: PcnDriveProps,
    flags: Vec<Code>,
    /// The most severe of the network's findings (`error`, `warning`,
    /// `info`), null when it has none.
    worst_severity: Option<crate::findings::Severity>,
    findings: Vec<FindingOut<'a>>,
}

#[derive(Serialize)]
struct AreaProps<'a> {
    area_code: &'a str,
    area_name: Option<&'a str>,
    lad_code: Option<&'a str>,
    population: Option<u64>,
    ruc: Option<&'static str>,
    rural: bool,
    pcn_code: Option<&'a str>,
    pcn_codes: Vec<&'a str>,
    assigned_by: crate::check::footprint::AssignRule,
    /// 1 = the PCN's largest piece.
    component: Option<usize>,
    neighbours: usize,
    centroid_source: crate::model::CentroidSource,
    #[serde(flatten)]
    drive: AreaDriveProps,
}

#[derive(Serialize)]
struct PracticeProps<'a> {
    practice_code: &'a str,
    practice_name: &'a str,
    pcn_code: Option<&'a str>,
    /// Sub-ICB, ICB and region (empty strings when unknown).
    #[serde(flatten)]
    org: &'a crate::model::OrgUnits,
    list_size: Option<u64>,
    postcode: Option<&'a str>,
    area_code: Option<&'a str>,
    inside_footprint: Option<bool>,
    component: Option<usize>,
    #[serde(flatten)]
    drive: PracticeDriveProps,
}

/// What the run was asked to do, for the report.
#[derive(Clone, Debug, Serialize)]
pub struct RunInfo {
    pub command: String,
    pub version: String,
    /// Draw `map.html`, `map.svg` and `map.png` (`--no-maps` skips them).
    #[serde(skip)]
    pub maps: bool,
    /// A tile URL template for `map.html`'s optional basemap
    /// (`--basemap`, e.g. `https://tile.openstreetmap.org/{z}/{x}/{y}.png`);
    /// `None` keeps the map fully offline.
    #[serde(skip)]
    pub basemap: Option<String>,
    /// Write `pcn-atlas.gpkg` (`--no-gpkg` skips it).
    #[serde(skip)]
    pub gpkg: bool,
    /// Write `pcn-atlas.xlsx` (`--no-xlsx` skips it).
    #[serde(skip)]
    pub xlsx: bool,
}

impl RunInfo {
    /// This process's command line and pcn-atlas's version.
    pub fn now() -> RunInfo {
        RunInfo {
            command: std::env::args().collect::<Vec<_>>().join(" "),
            version: env!("CARGO_PKG_VERSION").into(),
            maps: true,
            basemap: None,
            gpkg: true,
            xlsx: true,
        }
    }
}

#[derive(Serialize)]
struct ComponentOut<'a> {
    areas: Vec<&'a str>,
    population: u64,
    area_km2: f64,
    practices: Vec<&'a str>,
}

#[derive(Serialize)]
struct PcnReport<'a> {
    pcn_code: &'a str,
    list_size: u64,
    band: &'static str,
    components: Vec<ComponentOut<'a>>,
    dissolved_area_km2: f64,
}

#[derive(Serialize)]
struct Report<'a> {
    tool: &'static str,
    version: &'a str,
    command: &'a str,
    parameters: &'a crate::check::run::CheckOptions,
    inputs: &'a [InputFile],
    /// The national files an imported dataset was made from (its
    /// `import_report.json`), with their products and editions.
    #[serde(skip_serializing_if = "<[InputFile]>::is_empty")]
    imported_from: &'a [InputFile],
    /// Where the practices' list sizes came from, as the import said.
    #[serde(skip_serializing_if = "Option::is_none")]
    list_size_source: Option<&'a str>,
    /// The data vintages in one line (`load::sources::vintage_line`).
    #[serde(skip_serializing_if = "Option::is_none")]
    vintages: Option<String>,
    footprint_rule: String,
    areas_by_assignment: BTreeMap<crate::check::footprint::AssignRule, usize>,
    counts: Counts,
    findings_by_code: BTreeMap<&'a str, usize>,
    dissolve: DissolveCheck,
    /// Areas joined across water by the road network (`--roads`).
    road_links: Vec<RoadLinkOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    drive: Option<serde_json::Value>,
    pcns: Vec<PcnReport<'a>>,
    findings: &'a [Finding],
}

#[derive(Serialize)]
struct RoadLinkOut<'a> {
    area_code_a: &'a str,
    area_code_b: &'a str,
    kind: &'static str,
    way_id: i64,
}

#[derive(Serialize)]
struct Counts {
    pcns: usize,
    practices: usize,
    areas: usize,
    registrations: usize,
    adjacency_pairs: usize,
    /// Connected components of the whole area adjacency graph (petgraph).
    adjacency_components: usize,
    islands: usize,
    findings: usize,
}

/// Write every output of a run into `out`: the files of `check`, and, when
/// the run has drive times (`analyse`), the drive-time properties, columns,
/// findings, report section and `routes.geojson` too. All files are staged
/// and moved into place together.
pub fn write_check(out: &Path, run: &Run, info: &RunInfo) -> Result<Vec<PathBuf>> {
    let mut staging = Staging::new(out)?;
    write_check_into(&mut staging, run, info)?;
    staging.commit()
}

/// Write every output of a run into `staging` (committed by the caller).
pub fn write_check_into(staging: &mut Staging, run: &Run, info: &RunInfo) -> Result<()> {
    let out = &staging.out().to_path_buf();
    let (ds, res) = (&run.ds, &run.check);
    let drive = run.drive.as_ref();
    let findings = run.findings();
    let w = CheckWrite {
        ds,
        res,
        dissolved: &run.dissolved,
        drive,
        findings: &findings,
        component_of: component_index(ds, res),
        index: drive.map(|d| DriveIndex::new(ds, d)),
        sites: super::sites::sites(ds, drive),
    };
    // The maps (simplification, then the PNG: single-threaded) are drawn
    // while the other files are written.
    let (maps, written) = rayon::join(
        || {
            if info.maps {
                render_maps(out, run, &findings, info)
            } else {
                Ok(Vec::new())
            }
        },
        || -> Result<()> {
            w.pcns(staging)?;
            w.areas(staging)?;
            w.practices(staging)?;
            staging.write("pcn_summary.csv", |f| {
                write_summary(f, ds, &res.pcns, drive)
            })?;
            staging.write("icb_summary.csv", |f| {
                super::icb_summary::write_icb_summary(
                    f,
                    &super::icb_summary::icb_rows(ds, &res.pcns, drive),
                )
            })?;
            if let Some(d) = drive {
                w.routes(staging, d)?;
            }
            super::sites::write_sites_geojson(staging, ds, &w.sites)?;
            if let Some(a) = drive
                .and_then(|d| d.access.as_ref())
                .filter(|a| a.export.is_some())
            {
                super::access::write_export(staging, ds, a)?;
            }
            if let Some(d) = drive {
                let rows =
                    super::staff_matrix::staff_rows(&super::staff_matrix::staff_blocks(ds, d));
                staging.write("staff_matrix.csv", |f| {
                    super::staff_matrix::write_staff_matrix(f, &rows)
                })?;
            }
            if info.xlsx {
                staging.write_bytes(
                    "pcn-atlas.xlsx",
                    &super::xlsx::workbook(run, &findings, info)?,
                )?;
            }
            w.findings_csv(staging)?;
            w.report(staging, &run.dissolve_check, info)?;
            // Last: the GeoPackage is built from the files staged above.
            if info.gpkg {
                super::gpkg::write_gpkg(staging, ds, &findings)?;
            }
            Ok(())
        },
    );
    written?;
    for (name, bytes) in maps? {
        staging.write_bytes(name, &bytes)?;
    }
    Ok(())
}

/// What every file of a `check` (or `analyse`) run is written from.
struct CheckWrite<'a> {
    ds: &'a Dataset,
    res: &'a CheckResult,
    dissolved: &'a [MultiPolygon<f64>],
    drive: Option<&'a Drive>,
    /// Check and drive findings, sorted.
    findings: &'a [Finding],
    /// Each area's component rank within its first PCN.
    component_of: Vec<Option<usize>>,
    /// Drive-time properties by area and practice.
    index: Option<DriveIndex>,
    /// Every site, with sites (`sites.csv`); empty without.
    sites: Vec<super::sites::SiteOut<'a>>,
}

impl CheckWrite<'_> {
    /// `pcns.geojson`: one dissolved footprint per PCN with its metrics.
    fn pcns(&self, staging: &mut Staging) -> Result<()> {
        let (ds, res, drive) = (self.ds, self.res, self.drive);
        let by_pcn = findings_by_pcn(ds, self.findings);
        let sites = super::sites::sites_per_pcn(ds, &self.sites);
        let geoms: Vec<String> = (self.dissolved.par_iter().zip(&res.pcns))
            .map(|(d, c)| footprint_json(d, c.areas.iter().map(|a| ds.area(*a))))
            .collect();
        staging.write("pcns.geojson", |w| {
            let mut fw = FeatureWriter::new(w, "pcns")?;
            for (k, (c, g)) in res.pcns.iter().zip(&geoms).enumerate() {
                let pcn = ds.pcn(c.pcn);
                let empty = Vec::new();
                let fs = by_pcn.get(pcn.code.as_str()).unwrap_or(&empty);
                let props = PcnProps {
                    pcn_code: &pcn.code,
                    pcn_name: &pcn.name,
                    org: &pcn.org,
                    practices: pcn.practices.len(),
                    practice_codes: pcn
                        .practices
                        .iter()
                        .map(|p| ds.practice(*p).code.as_str())
                        .collect(),
                    sites: sites.get(c.pcn.idx()).copied(),
                    list_size: c.list_size,
                    resident_population: c.resident_population,
                    band: c.band.as_str(),
                    rural_share: share(c.rural_share),
                    sparse_share: share(c.sparse_share),
                    share_basis: c.share_basis,
                    areas: c.areas.len(),
                    area_km2: km2(c.area_km2),
                    components: c.components.len(),
                    contiguous: c.contiguous(),
                    drive: drive.map_or_else(
                        || PcnDriveProps::absent(ds),
                        |d| PcnDriveProps::new(ds, d, k),
                    ),
                    flags: pcn_flags(c, drive.map(|d| &d.run.pcns[k])),
                    worst_severity: fs.iter().map(|f| f.code.severity()).min(),
                    findings: fs
                        .iter()
                        .map(|f| FindingOut {
                            code: f.code,
                            severity: f.code.severity(),
                            practice_code: f.practice.as_deref(),
                            detail: &f.detail,
                        })
                        .collect(),
                };
                let geometry = if c.areas.is_empty() {
                    "null"
                } else {
                    g.as_str()
                };
                fw.feature(&props, geometry)?;
            }
            fw.finish()?;
            Ok(())
        })
    }

    /// `areas.geojson`: every area with its PCN, component and times.
    fn areas(&self, staging: &mut Staging) -> Result<()> {
        let (ds, res) = (self.ds, self.res);
        let area_geoms: Vec<String> = ds.areas.par_iter().map(area_json).collect();
        let mut area_order: Vec<usize> = (0..ds.areas.len()).collect();
        area_order.sort_by(|&a, &b| ds.areas[a].code.cmp(&ds.areas[b].code));
        staging.write("areas.geojson", |w| {
            let mut fw = FeatureWriter::new(w, "areas")?;
            for &i in &area_order {
                let a = &ds.areas[i];
                let pcns = &res.footprints.area_pcns[i];
                let props = AreaProps {
                    area_code: &a.code,
                    area_name: a.name.as_deref(),
                    lad_code: a.lad_code.as_deref(),
                    population: a.population,
                    ruc: a.ruc.map(|r| r.code()),
                    rural: a.ruc.is_some_and(|r| r.is_rural()),
                    pcn_code: pcns.first().map(|p| ds.pcn(*p).code.as_str()),
                    pcn_codes: pcns.iter().map(|p| ds.pcn(*p).code.as_str()).collect(),
                    assigned_by: res.footprints.area_rule[i],
                    component: self.component_of[i],
                    neighbours: res.adjacency.neighbours[i].len(),
                    centroid_source: a.centroid_source,
                    drive: self
                        .index
                        .as_ref()
                        .and_then(|x| x.area.get(&crate::model::AreaId::from_idx(i)).cloned())
                        .unwrap_or_default(),
                };
                fw.feature(&props, &area_geoms[i])?;
            }
            fw.finish()?;
            Ok(())
        })
    }

    /// `practices.geojson`: every practice, whether it stands in its own
    /// footprint, and its times.
    fn practices(&self, staging: &mut Staging) -> Result<()> {
        let (ds, res) = (self.ds, self.res);
        let mut practice_order: Vec<usize> = (0..ds.practices.len()).collect();
        practice_order.sort_by(|&a, &b| ds.practices[a].code.cmp(&ds.practices[b].code));
        staging.write("practices.geojson", |w| {
            let mut fw = FeatureWriter::new(w, "practices")?;
            for &i in &practice_order {
                let p = &ds.practices[i];
                let area = res.practice_area[i];
                let inside = inside_footprint(res, p, area);
                let props = PracticeProps {
                    practice_code: &p.code,
                    practice_name: &p.name,
                    pcn_code: p.pcn.map(|q| ds.pcn(q).code.as_str()),
                    org: &p.org,
                    list_size: p.list_size,
                    postcode: p.postcode.as_deref(),
                    area_code: area.map(|a| ds.area(a).code.as_str()),
                    inside_footprint: inside,
                    component: if inside == Some(true) {
                        area.and_then(|a| self.component_of[a.idx()])
                    } else {
                        None
                    },
                    drive: self
                        .index
                        .as_ref()
                        .and_then(|x| {
                            x.practice
                                .get(&crate::model::PracticeId::from_idx(i))
                                .cloned()
                        })
                        .unwrap_or_default(),
                };
                let g = p.location.map_or("null".to_string(), point_json);
                fw.feature(&props, &g)?;
            }
            fw.finish()?;
            Ok(())
        })
    }

    /// `routes.geojson`: hub-to-member routes along the roads.
    fn routes(&self, staging: &mut Staging, d: &Drive) -> Result<()> {
        let ds = self.ds;
        staging.write("routes.geojson", |w| {
            let mut fw = FeatureWriter::new(w, "routes")?;
            for r in &d.routes {
                let props = RouteProps {
                    pcn_code: &ds.pcn(r.pcn).code,
                    from_code: super::drive::site_code(ds, &d.candidates, r.from),
                    to_code: super::drive::site_code(ds, &d.candidates, r.to),
                    minutes: super::drive::min2(r.seconds / 60.0),
                    km: (r.metres / 10.0).round() / 100.0,
                };
                let line = geo::LineString::from(
                    r.coords
                        .iter()
                        .map(|p| geo::Coord { x: p[0], y: p[1] })
                        .collect::<Vec<_>>(),
                );
                fw.feature(&props, &linestring_json(&line))?;
            }
            fw.finish()?;
            Ok(())
        })
    }

    /// `findings.csv`: one row per finding, the columns of
    /// [`super::findings_table::FindingRow`].
    fn findings_csv(&self, staging: &mut Staging) -> Result<()> {
        let rows = super::findings_table::finding_rows(self.ds, self.findings);
        staging.write("findings.csv", |w| super::table::write_csv(w, &rows))
    }

    /// `report.json`: inputs, parameters, counts, components and findings.
    fn report(
        &self,
        staging: &mut Staging,
        dissolve: &DissolveCheck,
        info: &RunInfo,
    ) -> Result<()> {
        use geo::Area as _;
        let (ds, res) = (self.ds, self.res);
        let mut findings_by_code = BTreeMap::new();
        for f in self.findings {
            *findings_by_code.entry(f.code.as_str()).or_insert(0) += 1;
        }
        let report = Report {
            tool: "pcn-atlas",
            version: &info.version,
            command: &info.command,
            parameters: &res.options,
            inputs: &ds.inputs,
            imported_from: &ds.sources,
            list_size_source: ds.list_size_source.as_deref(),
            vintages: crate::load::sources::vintage_line(ds),
            footprint_rule: res.footprints.rule_description(ds),
            areas_by_assignment: res.footprints.rule_counts(),
            counts: Counts {
                pcns: ds.pcns.len(),
                practices: ds.practices.len(),
                areas: ds.areas.len(),
                registrations: ds.registrations().len(),
                adjacency_pairs: res.adjacency.pairs().len(),
                adjacency_components: petgraph::algo::connected_components(
                    &res.adjacency.to_graph(),
                ),
                islands: res.adjacency.islands().len(),
                findings: self.findings.len(),
            },
            findings_by_code,
            dissolve: dissolve.clone(),
            road_links: res
                .road_links
                .iter()
                .map(|l| RoadLinkOut {
                    area_code_a: &ds.area(l.a).code,
                    area_code_b: &ds.area(l.b).code,
                    kind: l.kind,
                    way_id: l.way_id,
                })
                .collect(),
            drive: self.drive.map(|d| super::drive::report(ds, d)),
            pcns: res
                .pcns
                .iter()
                .zip(self.dissolved)
                .map(|(c, d)| PcnReport {
                    pcn_code: &ds.pcn(c.pcn).code,
                    list_size: c.list_size,
                    band: c.band.as_str(),
                    components: c
                        .components
                        .iter()
                        .map(|k| ComponentOut {
                            areas: k.areas.iter().map(|a| ds.area(*a).code.as_str()).collect(),
                            population: k.population,
                            area_km2: km2(k.area_km2),
                            practices: k
                                .practices
                                .iter()
                                .map(|p| ds.practice(*p).code.as_str())
                                .collect(),
                        })
                        .collect(),
                    dissolved_area_km2: km2(d.unsigned_area() / 1e6),
                })
                .collect(),
            findings: self.findings,
        };
        staging.write("report.json", |w| {
            serde_json::to_writer_pretty(&mut *w, &report)?;
            w.write_all(b"\n")?;
            Ok(())
        })
    }
}

/// `map.html`, `map.svg` and `map.png` (see [`crate::output::map`]), as bytes.
fn render_maps(
    out: &Path,
    run: &Run,
    findings: &[Finding],
    info: &RunInfo,
) -> Result<Vec<(&'static str, Vec<u8>)>> {
    let name = out.file_name().map_or_else(
        || out.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let title = format!("PCN footprints · {name}");
    let mut input = crate::output::map::build::from_run(run, findings, &title);
    input.basemap = info.basemap.clone();
    let prep = crate::output::map::svg::prepare(&input);
    let band = (run.check.options.band_min, run.check.options.band_max);
    let html = crate::output::map::html::html(&input, &prep, band);
    let svg = crate::output::map::svg::static_svg(&input, &prep);
    let png = crate::output::map::png::render_png(&svg, 2.0)?;
    Ok(vec![
        ("map.html", html.into_bytes()),
        ("map.png", png),
        ("map.svg", svg.into_bytes()),
    ])
}

/// Whether a practice stands inside its PCN's footprint: null without a
/// PCN or without a location (an unlocated practice is not known to be
/// outside).
pub(super) fn inside_footprint(
    res: &CheckResult,
    p: &crate::model::Practice,
    area: Option<crate::model::AreaId>,
) -> Option<bool> {
    match (p.pcn, p.location) {
        (Some(pcn), Some(_)) => {
            Some(area.is_some_and(|a| res.footprints.area_pcns[a.idx()].contains(&pcn)))
        }
        _ => None,
    }
}

/// Each area's component rank (1-based) within its first PCN.
fn component_index(ds: &Dataset, res: &CheckResult) -> Vec<Option<usize>> {
    let mut out = vec![None; ds.areas.len()];
    for c in &res.pcns {
        for (k, comp) in c.components.iter().enumerate() {
            for a in &comp.areas {
                if res.footprints.area_pcns[a.idx()].first() == Some(&c.pcn) {
                    out[a.idx()] = Some(k + 1);
                }
            }
        }
    }
    out
}

fn findings_by_pcn<'a>(
    ds: &Dataset,
    findings: &'a [Finding],
) -> BTreeMap<&'a str, Vec<&'a Finding>> {
    let _ = ds;
    let mut m: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings
        .iter()
        .filter(|f| f.scope == crate::findings::Scope::Pcn)
    {
        m.entry(f.subject.as_str()).or_default().push(f);
    }
    m
}

/// A hub-to-member route (`from_code`/`to_code`: `from` and `to` are SQL
/// keywords).
#[derive(Serialize)]
struct RouteProps<'a> {
    pcn_code: &'a str,
    from_code: String,
    to_code: String,
    minutes: f64,
    km: f64,
}
