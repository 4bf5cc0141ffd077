//! `pcn-atlas import`: build a dataset folder from the national files.
//!
//! | source | file (as published) | used for |
//! |---|---|---|
//! | NHS Digital | `gp-reg-pat-prac-map-*.csv` | practices, their PCN code and name, postcode |
//! | NHS Digital | `gp-reg-pat-prac-all-*.csv` (optional) | list sizes (`NUMBER_OF_PATIENTS`, rows with SEX=ALL, AGE=ALL); without it, each practice's registrations summed |
//! | NHS ODS | `epraccur*.csv` (optional; no header, Latin-1) | status (closed/dormant practices) and a fallback postcode |
//! | OS | Code-Point Open folder | postcode → easting/northing |
//! | ONS | LSOA boundaries (GeoJSON or shapefile) | area polygons, names, local authority |
//! | ONS | population, RUC, population-weighted centroids CSVs | joined onto areas |
//! | NHS Digital | `gp-reg-pat-prac-lsoa-*.csv` (optional) | registrations by area of residence (SEX=ALL rows) |
//! | NHS England | `gp-reg-pat-prac-sing-age-regions-*.csv` (optional) | PCN and ICB totals, compared with the PCNs' list sizes |
//!
//! Every `EXTRACT_DATE` is the file's edition (`load::edition`), recorded
//! with the product name in the report's inputs.
//!
//! Nothing is dropped silently: every practice that cannot be located, has no
//! list size or no PCN, and every registration row that cannot be used, is
//! listed (or, for registrations, counted with examples) in
//! `import_report.csv` / `import_report.json`.
//!
//! The stages, one file each: [`national`] reads the NHS files (and
//! `sing_age` NHS England's PCN totals), `list_size` says where list sizes
//! come from and compares them, `locate`
//! puts practices on the map, `select` applies `--lad`/`--pcn`/`--bbox`,
//! `registrations` keeps the rows inside the selection, `write` writes the
//! dataset in [`crate::load::format`] and the report.

mod area_org;
mod branches;
pub mod discover;
mod list_size;
mod locate;
mod national;
mod registrations;
mod select;
mod sing_age;
mod translate;
mod write;

pub use branches::{BranchCounts, BranchSources, PRODUCT_EBRANCHS};
pub use list_size::{TOLERANCE_PATIENTS, TOLERANCE_PERCENT};
pub use national::is_unallocated;
pub use sing_age::{NhsTotals, read_nhs_totals};

use crate::load::areas::{AreaJoins, load_areas};
use crate::load::codepoint::PostcodeLookup;
use crate::load::edition::Date;
use crate::model::{Area, InputFile, Notice};
use anyhow::{Result, anyhow, bail};
use list_size::ListSizes;
use national::{MapPractice, OdsRecord, RegRow};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The national files to import from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSources {
    pub map: PathBuf,
    /// List sizes (`gp-reg-pat-prac-all`); without it each practice's list
    /// size is the sum of its rows in `registrations`.
    pub list_sizes: Option<PathBuf>,
    pub epraccur: Option<PathBuf>,
    pub postcodes: PathBuf,
    pub boundaries: PathBuf,
    pub population: Option<PathBuf>,
    pub ruc: Option<PathBuf>,
    pub centroids: Option<PathBuf>,
    pub registrations: Option<PathBuf>,
    /// NHS England's registered patients by single year of age for each
    /// region, ICB, sub-ICB location and PCN (`gp-reg-pat-prac-sing-age-regions`):
    /// its PCN totals are compared with the list sizes imported.
    pub sing_age: Option<PathBuf>,
    /// ONS LSOA 2011 → LSOA 2021 lookup, to translate an input on the other
    /// vintage from the boundaries'.
    pub lsoa_lookup: Option<PathBuf>,
    /// LSOA → sub-ICB location → ICB lookup, giving areas their sub-ICB and ICB.
    pub area_org_lookup: Option<PathBuf>,
}

/// Which part of the country to import.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportFilter {
    /// Local authority district codes (areas whose `lad_code` is one of these).
    pub lads: Vec<String>,
    /// PCN codes: their practices, and the areas where they have the most registered patients.
    pub pcns: Vec<String>,
    /// ICB codes: PCNs whose practices are in these ICBs (by the map), their
    /// footprint areas and registrations, as for `pcns`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub icbs: Vec<String>,
    /// Sub-ICB location codes, as `icbs`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sub_icbs: Vec<String>,
    /// Commissioning region codes, as `icbs`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// WGS84 box `[min_lon, min_lat, max_lon, max_lat]`: areas whose centroid is inside.
    pub bbox: Option<[f64; 4]>,
}

impl ImportFilter {
    pub fn is_empty(&self) -> bool {
        self.lads.is_empty()
            && self.pcns.is_empty()
            && self.icbs.is_empty()
            && self.sub_icbs.is_empty()
            && self.regions.is_empty()
            && self.bbox.is_none()
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
    /// Where the practices' list sizes come from: "list sizes file PATH" or
    /// "sum of registrations by area PATH".
    pub list_size_source: String,
    pub practices_in_map: usize,
    pub practices_written: usize,
    pub practices_located: usize,
    pub pcns_written: usize,
    pub areas_written: usize,
    pub registrations_written: usize,
    pub registered_patients_written: u64,
    /// With `--branches`: how many branches met each fate (absent without).
    #[serde(flatten)]
    pub branches: Option<BranchCounts>,
    /// Count of report entries by code.
    pub counts: BTreeMap<String, usize>,
    pub entries: Vec<ReportEntry>,
}

/// The import report's entries, added as the import goes.
#[derive(Default)]
struct Log(Vec<ReportEntry>);

impl Log {
    fn add(&mut self, code: &str, subject: &str, detail: String) {
        self.0.push(ReportEntry {
            code: code.into(),
            subject: subject.into(),
            detail,
        })
    }
}

/// Everything read from the national files.
struct National {
    map: Vec<MapPractice>,
    /// List size and postcode per practice code, and their source.
    list_sizes: ListSizes,
    ods: Option<HashMap<String, OdsRecord>>,
    lookup: PostcodeLookup,
    /// Every area of the boundaries file (validated, in BNG), with its joins.
    areas: Vec<Area>,
    area_notices: Vec<Notice>,
    regs: Option<Vec<RegRow>>,
    /// The registrations file (empty when none) and its edition.
    regs_path: PathBuf,
    regs_edition: Option<Date>,
    /// NHS England's PCN and ICB totals (`--sing-age`).
    nhs_totals: Option<sing_age::NhsTotals>,
    /// Each area's sub-ICB location and ICB, from `--area-lookup`.
    area_org: Option<HashMap<String, area_org::AreaOrg>>,
}

impl National {
    /// Read every source, recording each file in `inputs` (in this order).
    fn read(src: &ImportSources, inputs: &mut Vec<InputFile>) -> Result<National> {
        if src.list_sizes.is_none() && src.registrations.is_none() {
            return Err(no_list_sizes());
        }
        let mut map = national::read_map(&src.map, inputs)?;
        let from_file = match &src.list_sizes {
            Some(p) => Some(national::read_list_sizes(p, inputs)?),
            None => None,
        };
        let ods = match &src.epraccur {
            Some(p) => Some(national::read_epraccur(p, inputs)?),
            None => None,
        };
        if let Some(o) = &ods {
            national::org_from_epraccur(&mut map, o);
        }
        let lookup = PostcodeLookup::load(&src.postcodes)?;
        if let Some(i) = lookup.input.clone() {
            inputs.push(i);
        }
        let joins = AreaJoins {
            population: src.population.as_deref(),
            ruc: src.ruc.as_deref(),
            centroids: src.centroids.as_deref(),
        };
        let loaded = load_areas(&src.boundaries, &joins)?;
        inputs.extend(loaded.inputs);
        // Registrations: read once; used for --pcn selection and written out.
        let (regs, regs_edition) = match &src.registrations {
            Some(p) => {
                let (r, e) = national::read_registrations(p, inputs)?;
                (Some(r), e)
            }
            None => (None, None),
        };
        let regs_path = src.registrations.clone().unwrap_or_default();
        let list_sizes = match (from_file, &regs) {
            (Some(mut l), Some(r)) => {
                l.fill_from_registrations(r, &map, regs_path.clone(), regs_edition);
                l
            }
            (Some(l), None) => l,
            (None, Some(r)) => {
                ListSizes::from_registrations(r, &map, regs_path.clone(), regs_edition)
            }
            (None, None) => return Err(no_list_sizes()),
        };
        let nhs_totals = match &src.sing_age {
            Some(p) => {
                let t = sing_age::read_nhs_totals(p)?;
                inputs.push(t.input.clone());
                Some(t)
            }
            None => None,
        };
        let area_org = match &src.area_org_lookup {
            Some(p) => Some(area_org::read_area_org(p, inputs)?),
            None => None,
        };
        Ok(National {
            area_org,
            map,
            list_sizes,
            ods,
            lookup,
            areas: loaded.areas,
            area_notices: loaded.notices,
            regs,
            regs_path,
            regs_edition,
            nhs_totals,
        })
    }

    /// Row of each area code in `areas`.
    fn area_index(&self) -> HashMap<&str, usize> {
        self.areas
            .iter()
            .enumerate()
            .map(|(i, a)| (a.code.as_str(), i))
            .collect()
    }

    /// Codes of the practices of the map `pred` keeps.
    fn practice_codes(&self, pred: impl Fn(usize) -> bool) -> BTreeSet<&str> {
        (0..self.map.len())
            .filter(|&i| pred(i))
            .map(|i| self.map[i].code.as_str())
            .collect()
    }
}

/// Neither `--list-sizes` nor `--registrations`.
fn no_list_sizes() -> anyhow::Error {
    anyhow!(
        "no list sizes: give --list-sizes FILE (gp-reg-pat-prac-all), or --registrations FILE \
         (gp-reg-pat-prac-lsoa-all), whose rows are then summed per practice"
    )
}

/// Run an import into `out`.
pub fn run_import(src: &ImportSources, filter: &ImportFilter, out: &Path) -> Result<ImportReport> {
    run_import_with_branches(src, None, filter, out)
}

/// Run an import into `out`, with the branch surgeries of `branches`
/// (`--branches`) written to `sites.csv`.
pub fn run_import_with_branches(
    src: &ImportSources,
    branches: Option<&BranchSources>,
    filter: &ImportFilter,
    out: &Path,
) -> Result<ImportReport> {
    let mut inputs: Vec<InputFile> = Vec::new();
    let mut nat = National::read(src, &mut inputs).map_err(crate::load::text::plain_error)?;
    let branch_input = match branches {
        Some(b) => Some(branches::read(b, &mut inputs).map_err(crate::load::text::plain_error)?),
        None => None,
    };
    let mut log = Log::default();
    translate::registrations(src, &mut nat, &mut inputs, &mut log)
        .map_err(crate::load::text::plain_error)?;
    let area_ix = nat.area_index();
    crate::load::sources::fill_products(&mut inputs);
    for n in crate::load::sources::months_apart(&inputs) {
        log.add(n.code.as_str(), &n.subject, n.detail);
    }

    let located = locate::locate_practices(src, &nat, &mut log);
    let sel = select::select(src, filter, &nat, &area_ix, &located, &mut log)?;
    select::report_unmapped_list_sizes(src, filter, &nat, &sel, &mut log);
    list_size::compare_with_registrations(&nat, &sel, &mut log);
    list_size::compare_with_nhs(&nat, &sel, &mut log);
    // Practice-level entries about practices outside the selection are noise.
    let unselected = nat.practice_codes(|i| !sel.practice[i]);
    log.0.retain(|e| !unselected.contains(e.subject.as_str()));
    for n in &nat.area_notices {
        if area_ix.get(n.subject.as_str()).is_none_or(|&i| sel.area[i]) {
            log.add(n.code.as_str(), &n.subject, n.detail.clone());
        }
    }
    let areas: Vec<&Area> = nat
        .areas
        .iter()
        .zip(&sel.area)
        .filter(|(_, s)| **s)
        .map(|(a, _)| a)
        .collect();
    if areas.is_empty() {
        bail!("the selection matches no areas");
    }
    if let (Some(org), Some(path)) = (&nat.area_org, &src.area_org_lookup) {
        for a in areas.iter().filter(|a| !org.contains_key(&a.code)) {
            log.add(
                "AREA_NOT_IN_AREA_LOOKUP",
                &a.code,
                format!(
                    "has no row in {}: written without sub_icb_code and icb_code",
                    path.display()
                ),
            );
        }
    }
    let reg_rows = registrations::within_selection(src, &nat, &area_ix, &sel, &areas, &mut log);
    let branches = match (branches, branch_input) {
        (Some(b), Some((rows, lookup))) => {
            let scope = branches::Scope {
                nat: &nat,
                written: nat.practice_codes(|i| sel.practice[i]),
                filtered: !filter.is_empty(),
                branch_lookup: lookup.as_ref(),
                src: b,
                postcodes: &src.postcodes,
                map: &src.map,
                epraccur: src.epraccur.as_deref(),
            };
            Some(branches::decide(rows, &scope, &mut log))
        }
        _ => None,
    };
    write::write_import(
        out,
        write::Written {
            filter,
            inputs,
            nat: &nat,
            located: &located,
            sel: &sel,
            areas,
            reg_rows,
            branches: branches.as_ref(),
            log,
        },
    )
}
