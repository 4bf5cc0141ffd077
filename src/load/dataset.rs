//! A dataset folder: fixed file names, each overridable by an explicit path.
//!
//! | file | required |
//! |---|---|
//! | `practices.csv` | yes |
//! | `areas.geojson` or `areas.shp` | yes |
//! | `registrations.csv`, `footprints.csv`, `links.csv` | no |
//! | `sites.csv` (main sites and branch surgeries) | no |
//! | `population.csv`, `ruc.csv`, `centroids.csv` (joined onto areas) | no |
//! | `postcodes/` (Code-Point Open, for practices located by postcode) | no |

use super::areas::{AreaJoins, load_areas};
use super::codepoint::PostcodeLookup;
use super::practices::load_practices;
use super::registrations::{CodeIndex, load_footprints, load_links, load_registrations};
use crate::model::{AreaId, Dataset, PcnId, PracticeId};
use anyhow::{Result, bail};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Where each input comes from: a dataset folder and/or explicit files.
#[derive(Clone, Debug, Default)]
pub struct DatasetPaths {
    pub dir: Option<PathBuf>,
    pub practices: Option<PathBuf>,
    pub areas: Option<PathBuf>,
    pub registrations: Option<PathBuf>,
    pub footprints: Option<PathBuf>,
    pub links: Option<PathBuf>,
    /// `sites.csv`: branch surgeries (`--sites`).
    pub sites: Option<PathBuf>,
    pub population: Option<PathBuf>,
    pub ruc: Option<PathBuf>,
    pub centroids: Option<PathBuf>,
    pub postcodes: Option<PathBuf>,
}

/// Every input resolved to a path (or absent).
#[derive(Clone, Debug, Default)]
pub struct ResolvedPaths {
    pub practices: PathBuf,
    pub areas: PathBuf,
    pub registrations: Option<PathBuf>,
    pub footprints: Option<PathBuf>,
    pub links: Option<PathBuf>,
    /// `sites.csv`: branch surgeries (`--sites`).
    pub sites: Option<PathBuf>,
    pub population: Option<PathBuf>,
    pub ruc: Option<PathBuf>,
    pub centroids: Option<PathBuf>,
    pub postcodes: Option<PathBuf>,
}

impl DatasetPaths {
    /// A dataset folder with no overrides.
    pub fn dir(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: Some(dir.into()),
            ..Self::default()
        }
    }

    /// Resolve every input: explicit paths win; otherwise the folder's file
    /// of the fixed name when it exists.
    pub fn resolve(&self) -> Result<ResolvedPaths> {
        if let Some(d) = self.dir.as_ref().filter(|d| !d.is_dir()) {
            bail!("{}: dataset folder does not exist", d.display());
        }
        let in_dir = |names: &[&str]| -> Option<PathBuf> {
            let d = self.dir.as_ref()?;
            names.iter().map(|n| d.join(n)).find(|p| p.exists())
        };
        let pick = |explicit: &Option<PathBuf>, names: &[&str]| -> Result<Option<PathBuf>> {
            match explicit {
                Some(p) if !p.exists() => bail!("{}: file does not exist", p.display()),
                Some(p) => Ok(Some(p.clone())),
                None => Ok(in_dir(names)),
            }
        };
        let need = |what: &str, found: Option<PathBuf>, names: &[&str]| -> Result<PathBuf> {
            found.ok_or_else(|| match &self.dir {
                Some(d) => anyhow::anyhow!(
                    "{}: no {what} file: expected {} in the dataset folder, or give --{what} FILE",
                    d.display(),
                    names.join(" or ")
                ),
                None => anyhow::anyhow!("no {what} file: give --dataset DIR or --{what} FILE"),
            })
        };
        let practices = need(
            "practices",
            pick(&self.practices, &["practices.csv"])?,
            &["practices.csv"],
        )?;
        let area_names = ["areas.geojson", "areas.json", "areas.shp"];
        let areas = need("areas", pick(&self.areas, &area_names)?, &area_names)?;
        Ok(ResolvedPaths {
            practices,
            areas,
            registrations: pick(&self.registrations, &["registrations.csv"])?,
            footprints: pick(&self.footprints, &["footprints.csv"])?,
            links: pick(&self.links, &["links.csv"])?,
            sites: pick(&self.sites, &["sites.csv"])?,
            population: pick(&self.population, &["population.csv"])?,
            ruc: pick(&self.ruc, &["ruc.csv"])?,
            centroids: pick(&self.centroids, &["centroids.csv"])?,
            postcodes: pick(&self.postcodes, &["postcodes"])?,
        })
    }
}

/// Load and validate a whole dataset.
pub fn load_dataset(paths: &DatasetPaths) -> Result<Dataset> {
    let r = paths.resolve()?;
    load_resolved(&r)
}

/// Load from resolved paths. An error is one line with any control
/// character from the files escaped.
pub fn load_resolved(r: &ResolvedPaths) -> Result<Dataset> {
    load_resolved_inner(r).map_err(super::text::plain_error)
}

fn load_resolved_inner(r: &ResolvedPaths) -> Result<Dataset> {
    let mut ds = Dataset::default();
    let lookup = match &r.postcodes {
        Some(p) => Some(PostcodeLookup::load(p)?),
        None => None,
    };
    // Areas (the big file) and practices load independently.
    let joins = AreaJoins {
        population: r.population.as_deref(),
        ruc: r.ruc.as_deref(),
        centroids: r.centroids.as_deref(),
    };
    let (areas, practices) = rayon::join(
        || load_areas(&r.areas, &joins),
        || load_practices(&r.practices, lookup.as_ref()),
    );
    let practices = practices?;
    let areas = areas?;
    ds.inputs.push(practices.input);
    if let Some(input) = lookup.as_ref().and_then(|l| l.input.clone()) {
        ds.inputs.push(input);
    }
    ds.inputs.extend(areas.inputs);
    let mut practice_notices = practices.notices;
    explain_unlocated_from_import(&r.practices, &mut practice_notices)?;
    ds.notices.extend(practice_notices);
    ds.notices.extend(areas.notices);
    ds.practices = practices.practices;
    ds.pcns = practices.pcns;
    ds.areas = areas.areas;

    let practice_ix = code_index(&ds.practices, |p| &p.code, PracticeId::from_idx);
    let area_ix = code_index(&ds.areas, |a| &a.code, AreaId::from_idx);
    let pcn_ix = code_index(&ds.pcns, |p| &p.code, PcnId::from_idx);
    let ix = CodeIndex {
        practices: &practice_ix,
        areas: &area_ix,
        pcns: &pcn_ix,
    };
    if let Some(p) = &r.registrations {
        // A file on the other LSOA edition from the areas is one error
        // saying so, not an unknown area on its first line (checked only
        // when the file does not load: nothing more to read on success).
        let (regs, input) = load_registrations(p, &ix)
            .map_err(|e| super::vintage::explain(e, p, "registrations", &r.areas, &area_ix))?;
        *ds.registrations_mut() = regs;
        ds.inputs.push(input);
    }
    if let Some(p) = &r.footprints {
        let (rows, input) = load_footprints(p, &ix, &mut ds.notices)
            .map_err(|e| super::vintage::explain(e, p, "footprints", &r.areas, &area_ix))?;
        ds.footprints = Some(rows);
        ds.inputs.push(input);
    }
    if let Some(p) = &r.links {
        let (links, input) = load_links(p, &ix)?;
        ds.links = links;
        ds.inputs.push(input);
    }
    if let Some(p) = &r.sites {
        let by_code: HashMap<String, (PracticeId, Option<geo::Coord<f64>>)> = ds
            .practice_ids()
            .map(|id| {
                let pr = ds.practice(id);
                (pr.code.to_uppercase(), (id, pr.location))
            })
            .collect();
        let sites = super::sites::load_sites(p, &by_code, lookup.as_ref())?;
        ds.branches = sites.branches;
        ds.notices.extend(sites.notices);
        ds.inputs.push(sites.input);
        ds.sites_given = true;
    }
    super::sources::attach(&mut ds, &r.practices)?;
    Ok(ds)
}

/// A dataset written by `pcn-atlas import` has `import_report.csv` beside
/// `practices.csv`, naming each practice whose postcode did not geocode
/// (`POSTCODE_NOT_FOUND`). Put that reason into the `PRACTICE_UNLOCATED`
/// notice, which otherwise can only say the coordinates are empty.
fn explain_unlocated_from_import(
    practices: &Path,
    notices: &mut [crate::model::Notice],
) -> Result<()> {
    let report = practices.with_file_name("import_report.csv");
    if !notices
        .iter()
        .any(|n| n.code == crate::findings::Code::PracticeUnlocated)
        || !report.is_file()
    {
        return Ok(());
    }
    let mut why: HashMap<String, String> = HashMap::new();
    let mut rdr = csv::Reader::from_path(&report)
        .map_err(|e| anyhow::anyhow!("{}: {e}", report.display()))?;
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| anyhow::anyhow!("{}:{}: {e}", report.display(), i + 2))?;
        if rec.get(0) == Some("POSTCODE_NOT_FOUND")
            && let (Some(code), Some(detail)) = (rec.get(1), rec.get(2))
        {
            why.insert(code.to_string(), detail.to_string());
        }
    }
    for n in notices
        .iter_mut()
        .filter(|n| n.code == crate::findings::Code::PracticeUnlocated)
    {
        if let Some(reason) = why.get(&n.subject) {
            let at = n
                .detail
                .split_once(": practice ")
                .map_or(practices.display().to_string(), |(at, _)| at.to_string());
            n.detail = format!(
                "{at}: practice {} has no coordinates: `pcn-atlas import` could not geocode it: {reason} (from {})",
                n.subject,
                report.display()
            );
        }
    }
    Ok(())
}

/// Code → id for a `Vec` of records.
fn code_index<T, I>(
    items: &[T],
    code: impl Fn(&T) -> &String,
    id: impl Fn(usize) -> I,
) -> HashMap<String, I> {
    items
        .iter()
        .enumerate()
        .map(|(i, x)| (code(x).clone(), id(i)))
        .collect()
}

/// Does this path look like a dataset folder?
pub fn is_dataset_dir(p: &Path) -> bool {
    p.join("practices.csv").exists()
}
