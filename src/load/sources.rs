//! The sources behind a dataset and their editions (data vintages).
//!
//! - [`PRODUCTS`]: each national input role → the product its publisher
//!   calls it, written into `report.json` beside the file's path, rows,
//!   sha256 and edition.
//! - [`attach`]: a dataset written by `pcn-atlas import` keeps
//!   `import_report.json` beside `practices.csv`; its `inputs` (the national
//!   files) become [`Dataset::sources`], its `list_size_source` becomes
//!   [`Dataset::list_size_source`], and its entries whose code is a
//!   dataset-level finding code become the dataset's notices (so they reach
//!   `findings.csv`). An older report without these fields still loads; a
//!   malformed one is an error naming the file.
//! - [`months_apart`]: inputs whose editions are more than six months apart
//!   (`INPUTS_MONTHS_APART`), at import and again at load.
//! - [`vintage_line`]: "list sizes: 1 Aug 2026; registrations: Oct 2025;
//!   LSOA 2021; roads: OSM 2022-07-20", for the summary and the maps.

use super::edition::Date;
use super::vintage::{self, Vintage};
use crate::findings::Code;
use crate::model::{Dataset, InputFile, Notice};
use anyhow::{Result, anyhow};
use serde::Deserialize;
use std::path::Path;

/// The file `import` writes beside the dataset's `practices.csv`.
pub const IMPORT_REPORT_JSON: &str = "import_report.json";

pub const PRODUCT_MAP: &str = "NHS England: Patients Registered at a GP Practice, practice to PCN mapping (gp-reg-pat-prac-map)";
pub const PRODUCT_LIST_SIZES: &str =
    "NHS England: Patients Registered at a GP Practice, totals (gp-reg-pat-prac-all)";
pub const PRODUCT_REGISTRATIONS: &str = "NHS England: Patients Registered at a GP Practice, by LSOA of residence (gp-reg-pat-prac-lsoa-all)";
pub const PRODUCT_SING_AGE: &str = "NHS England: Patients Registered at a GP Practice, single year of age (gp-reg-pat-prac-sing-age-regions)";
pub const PRODUCT_EPRACCUR: &str = "NHS ODS: GP practices (epraccur)";

/// Input role → the publisher's product. Roles are those `import`, the
/// dataset loader and the road loaders give their files.
pub const PRODUCTS: &[(&str, &str)] = &[
    (
        "areas",
        "ONS: Lower layer Super Output Area (LSOA) boundaries",
    ),
    ("centroids", "ONS: LSOA population-weighted centroids"),
    ("epraccur", PRODUCT_EPRACCUR),
    ("list_sizes", PRODUCT_LIST_SIZES),
    ("pcn_map", PRODUCT_MAP),
    ("population", "ONS: population by LSOA"),
    ("postcodes", "OS: Code-Point Open"),
    ("registrations", PRODUCT_REGISTRATIONS),
    ("ruc", "ONS: Rural-Urban Classification of LSOAs"),
    ("sing_age", PRODUCT_SING_AGE),
];

/// The publisher's product for an input role, if the role is a national file.
pub fn product_of(role: &str) -> Option<&'static str> {
    PRODUCTS.iter().find(|(r, _)| *r == role).map(|(_, p)| *p)
}

/// Give every input whose product is unknown the product of its role.
pub fn fill_products(inputs: &mut [InputFile]) {
    for i in inputs.iter_mut().filter(|i| i.product.is_none()) {
        i.product = product_of(&i.role).map(str::to_string);
    }
}

/// How the vintage line and the notices name a role.
fn role_label(role: &str) -> String {
    match role {
        "pcn_map" => "PCN map".into(),
        "sing_age" => "PCN totals by age".into(),
        "ruc" => "RUC".into(),
        r => r.replace('_', " "),
    }
}

/// Editions more than six months apart (seven whole months or more, by
/// [`Date::months_until`]): one `INPUTS_MONTHS_APART` notice per such pair,
/// the older named first, in input order.
pub fn months_apart(inputs: &[InputFile]) -> Vec<Notice> {
    let dated: Vec<(&InputFile, Date)> = inputs
        .iter()
        .filter_map(|i| i.edition.map(|d| (i, d)))
        .collect();
    let mut out = Vec::new();
    for (k, &(a, da)) in dated.iter().enumerate() {
        for &(b, db) in &dated[k + 1..] {
            let ((old, dold), (new, dnew)) = if da <= db {
                ((a, da), (b, db))
            } else {
                ((b, db), (a, da))
            };
            let months = dold.months_until(dnew);
            if months <= 6 {
                continue;
            }
            let name = |i: &InputFile| {
                Path::new(&i.path)
                    .file_name()
                    .map_or_else(|| i.path.clone(), |n| n.to_string_lossy().into_owned())
            };
            out.push(Notice {
                code: Code::InputsMonthsApart,
                subject: format!("{}/{}", old.role, new.role),
                detail: format!(
                    "{} {} ({}) and {} {} ({}) are {months} months apart",
                    role_label(&old.role),
                    dold.human(),
                    crate::safe_text::escape_controls(&name(old), 80),
                    role_label(&new.role),
                    dnew.human(),
                    crate::safe_text::escape_controls(&name(new), 80),
                ),
            });
        }
    }
    out
}

/// `import_report.json` as far as the dataset needs it. Every field may be
/// absent (reports written before these fields existed).
#[derive(Deserialize)]
struct ReportIn {
    #[serde(default)]
    inputs: Vec<InputIn>,
    #[serde(default)]
    list_size_source: Option<serde_json::Value>,
    #[serde(default)]
    entries: Vec<EntryIn>,
}

#[derive(Deserialize)]
struct InputIn {
    role: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    sha256: String,
    #[serde(default)]
    rows: u64,
    #[serde(default)]
    product: Option<String>,
    #[serde(default)]
    edition: Option<String>,
}

#[derive(Deserialize)]
struct EntryIn {
    code: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    detail: String,
}

/// What an import report says about the dataset's sources.
#[derive(Clone, Debug, Default)]
pub struct ImportedSources {
    pub inputs: Vec<InputFile>,
    pub list_size_source: Option<String>,
    /// Its dataset-level findings, as notices.
    pub notices: Vec<Notice>,
}

/// Loader notices about single practices and areas: the dataset's own load
/// reports them again from the files import wrote (or import already
/// applied them), so they are not lifted from the import report. Every
/// other finding code in the report is about the dataset as a whole.
fn reported_by_loader(c: Code) -> bool {
    matches!(
        c,
        Code::DuplicateCode
            | Code::PracticeUnlocated
            | Code::PracticeWithoutListSize
            | Code::PracticeWithoutPcn
            | Code::PcnNameMismatch
            | Code::NameControlCharacters
            | Code::AreaInvalidGeometry
            | Code::AreaWithoutPopulation
            | Code::AreaWithoutRuc
            | Code::JoinRowsUnmatched
    )
}

/// Read an `import_report.json`. Malformed JSON, or an input whose
/// `edition` is no date, is an error naming the file.
pub fn read_import_report(path: &Path) -> Result<ImportedSources> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| anyhow!("{shown}: cannot read: {e}"))?;
    let r: ReportIn = serde_json::from_slice(&bytes)
        .map_err(|e| anyhow!("{shown}: not a valid import report: {e}"))?;
    let mut inputs = Vec::with_capacity(r.inputs.len());
    for (k, i) in r.inputs.into_iter().enumerate() {
        let edition = match i.edition.as_deref() {
            None => None,
            Some(v) => Some(Date::parse_extract(v).ok_or_else(|| {
                anyhow!(
                    "{shown}: inputs[{k}] ({}): edition is not a date: `{}`",
                    crate::safe_text::escape_controls(&i.role, 40),
                    crate::safe_text::escape_controls(v, 40)
                )
            })?),
        };
        inputs.push(InputFile {
            role: i.role,
            path: i.path,
            sha256: i.sha256,
            rows: i.rows,
            product: i.product,
            edition,
        });
    }
    fill_products(&mut inputs);
    let list_size_source = match r.list_size_source {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(v) => Some(v.to_string()),
    };
    let notices = r
        .entries
        .into_iter()
        .filter_map(|e| {
            let code = Code::parse(&e.code).filter(|c| !reported_by_loader(*c))?;
            Some(Notice {
                code,
                subject: e.subject,
                detail: e.detail,
            })
        })
        .collect();
    Ok(ImportedSources {
        inputs,
        list_size_source,
        notices,
    })
}

/// Attach the sources of a dataset whose practices file is `practices`:
/// the import report beside it (when there is one), its dataset-level
/// notices, and `INPUTS_MONTHS_APART` for the editions of the dataset's own
/// inputs and its sources. A notice already present is not added twice.
pub fn attach(ds: &mut Dataset, practices: &Path) -> Result<()> {
    let report = practices.with_file_name(IMPORT_REPORT_JSON);
    let mut lifted = Vec::new();
    if report.is_file() {
        let s = read_import_report(&report)?;
        ds.sources = s.inputs;
        ds.list_size_source = s.list_size_source;
        lifted = s.notices;
    }
    let all: Vec<InputFile> = ds.inputs.iter().chain(&ds.sources).cloned().collect();
    for n in lifted.into_iter().chain(months_apart(&all)) {
        if !ds.notices.contains(&n) {
            ds.notices.push(n);
        }
    }
    Ok(())
}

/// The boundaries' LSOA edition, told by their codes.
fn lsoa_vintage(ds: &Dataset) -> Option<Vintage> {
    vintage::vintage_of_codes(ds.areas.iter().map(|a| a.code.as_str()))
}

/// The first input of `role` with an edition: the dataset's own first, then
/// its sources.
fn edition<'a>(ds: &'a Dataset, role: &str) -> Option<(&'a InputFile, Date)> {
    ds.inputs
        .iter()
        .chain(&ds.sources)
        .filter(|i| i.role == role)
        .find_map(|i| i.edition.map(|d| (i, d)))
}

/// The data vintages in one line, only the parts known, e.g. "list sizes:
/// 1 Aug 2026; PCN map: 1 Aug 2026; registrations: Oct 2025; LSOA 2021;
/// roads: OSM 2022-07-20". `None` when nothing is known.
pub fn vintage_line(ds: &Dataset) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let list_sizes = edition(ds, "list_sizes").or_else(|| {
        ds.list_size_source
            .as_deref()
            .filter(|s| s.contains("registrations"))
            .and_then(|_| edition(ds, "registrations"))
    });
    if let Some((_, d)) = list_sizes {
        parts.push(format!("list sizes: {}", d.human()));
    }
    if let Some((_, d)) = edition(ds, "pcn_map") {
        parts.push(format!("PCN map: {}", d.human()));
    }
    if let Some((_, d)) = edition(ds, "registrations") {
        parts.push(format!("registrations: {}", d.month_year()));
    }
    if let Some(v) = lsoa_vintage(ds) {
        parts.push(v.to_string());
    }
    if let Some((i, d)) = edition(ds, "roads") {
        let osm = i
            .product
            .as_deref()
            .is_some_and(|p| p.contains("OpenStreetMap"));
        parts.push(format!("roads: {}{d}", if osm { "OSM " } else { "" }));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(role: &str, path: &str, edition: Option<&str>) -> InputFile {
        InputFile {
            role: role.into(),
            path: path.into(),
            edition: edition.and_then(Date::parse_extract),
            ..Default::default()
        }
    }

    #[test]
    fn far_apart_only_beyond_six_months() {
        let inputs = [
            input("list_sizes", "/x/all.csv", Some("01JAN2021")),
            input("pcn_map", "/x/map.csv", Some("01Jan2022")),
            input("registrations", "/x/lsoa.csv", None),
        ];
        let n = months_apart(&inputs);
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].subject, "list_sizes/pcn_map");
        assert_eq!(
            n[0].detail,
            "list sizes 1 Jan 2021 (all.csv) and PCN map 1 Jan 2022 (map.csv) are 12 months apart"
        );
        // The newer first: still named oldest first.
        let n = months_apart(&[
            input("pcn_map", "m", Some("2026-08-01")),
            input("list_sizes", "l", Some("2026-01-01")),
        ]);
        assert_eq!(n.len(), 1, "{n:?}");
        assert!(n[0].detail.starts_with("list sizes 1 Jan 2026"), "{n:?}");
        for (a, b) in [("2026-01-01", "2026-07-01"), ("2026-01-15", "2026-08-14")] {
            let n = months_apart(&[input("a", "a", Some(a)), input("b", "b", Some(b))]);
            assert!(n.is_empty(), "{a} {b}: {n:?}");
        }
    }

    #[test]
    fn products_by_role() {
        let mut v = [input("pcn_map", "m", None), input("practices", "p", None)];
        fill_products(&mut v);
        assert!(
            v[0].product
                .as_deref()
                .unwrap()
                .contains("gp-reg-pat-prac-map")
        );
        assert_eq!(v[1].product, None);
    }

    #[test]
    fn the_line_says_only_what_is_known() {
        let mut ds = Dataset::default();
        assert_eq!(vintage_line(&ds), None);
        assert_eq!(lsoa_vintage(&ds), None);
        ds.sources = vec![
            input("registrations", "r", Some("01Oct2025")),
            input("list_sizes", "l", Some("2026-08-01")),
        ];
        assert_eq!(
            vintage_line(&ds).as_deref(),
            Some("list sizes: 1 Aug 2026; registrations: Oct 2025")
        );
    }
}
