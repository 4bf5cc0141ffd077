//! `import --from DIR`: each national file recognised by what it holds, not
//! by its name.
//!
//! One cheap look per entry of the folder, never a whole file: a CSV's first
//! line (its header, or for the header-less files their first row), the
//! property names and geometry type of a GeoJSON's first feature (read
//! until that feature ends: the 86 MB boundaries file is not read), a
//! shapefile's shape type (the `.shp` header) and `.dbf` field names. A
//! folder is OS Code-Point Open when it is named `codepo_gb` or holds
//! `Data/CSV/*.csv` whose rows are Code-Point rows; a folder holding one
//! shapefile is that shapefile (ONS ship the centroids so). The rules, in
//! the order they are tried, are [`Role`]'s and are documented in
//! docs/input.md ("Which edition"). Two files for one role is an error
//! naming both and the flag that chooses; a required role with no file is an
//! error naming the product to download and its publisher page; anything
//! else (READMEs, documentation, other NHS files) is listed as not used.

use super::ImportSources;
use crate::load::columns;
use crate::load::table::ColumnSpec;
use crate::load::text::{one_line, show, wide_encoding};
use anyhow::{Context, Result, anyhow};
use std::io::Read;
use std::path::{Path, PathBuf};

/// What a national file is for: one field of [`ImportSources`] each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Map,
    ListSizes,
    Epraccur,
    Postcodes,
    Boundaries,
    Population,
    Ruc,
    Centroids,
    Registrations,
    SingAge,
    LsoaLookup,
    AreaOrgLookup,
}

impl Role {
    pub const ALL: [Role; 12] = [
        Role::Map,
        Role::ListSizes,
        Role::Epraccur,
        Role::Postcodes,
        Role::Boundaries,
        Role::Population,
        Role::Ruc,
        Role::Centroids,
        Role::Registrations,
        Role::SingAge,
        Role::LsoaLookup,
        Role::AreaOrgLookup,
    ];

    /// The flag that gives (or chooses) this role's file.
    pub fn flag(self) -> &'static str {
        match self {
            Role::Map => "--map",
            Role::ListSizes => "--list-sizes",
            Role::Epraccur => "--epraccur",
            Role::Postcodes => "--postcodes",
            Role::Boundaries => "--boundaries",
            Role::Population => "--population",
            Role::Ruc => "--ruc",
            Role::Centroids => "--centroids",
            Role::Registrations => "--registrations",
            Role::SingAge => "--sing-age",
            Role::LsoaLookup => "--lsoa-lookup",
            Role::AreaOrgLookup => "--area-lookup",
        }
    }

    /// What the file is, and what it is recognised by.
    pub fn what(self) -> &'static str {
        match self {
            Role::Map => "practice → PCN map (a CSV with PRACTICE_CODE and PCN_CODE columns)",
            Role::ListSizes => {
                "list sizes (a CSV with CODE, NUMBER_OF_PATIENTS and TYPE/SEX/AGE columns)"
            }
            Role::Epraccur => {
                "ODS practice register (a CSV without header: practice code, name …, status letter in column 13)"
            }
            Role::Postcodes => {
                "Code-Point Open folder (codepo_gb, or a folder with Data/CSV/*.csv of Code-Point rows)"
            }
            Role::Boundaries => {
                "LSOA boundaries (GeoJSON or polygon shapefile with LSOA11CD or LSOA21CD)"
            }
            Role::Population => {
                "population by LSOA (a CSV with an LSOA code and a population or usual residents column)"
            }
            Role::Ruc => "Rural-Urban Classification by LSOA (a CSV with RUC11CD or RUC21CD)",
            Role::Centroids => {
                "population-weighted centroids by LSOA (a CSV with X/Y, or a point shapefile with LSOA21CD)"
            }
            Role::Registrations => {
                "registrations by LSOA (a CSV with PRACTICE_CODE, LSOA_CODE and NUMBER_OF_PATIENTS)"
            }
            Role::SingAge => {
                "patients by single year of age (a CSV with ORG_TYPE, ORG_CODE, AGE and NUMBER_OF_PATIENTS)"
            }
            Role::LsoaLookup => {
                "LSOA 2011 → 2021 lookup (a CSV with LSOA11CD, LSOA21CD and CHGIND)"
            }
            Role::AreaOrgLookup => {
                "LSOA → sub-ICB → ICB lookup (a CSV with an LSOA code, a sub-ICB and an ICB column)"
            }
        }
    }

    /// The published product to download.
    pub fn product(self) -> &'static str {
        match self {
            Role::Map => {
                "NHS England's Patients Registered at a GP Practice, gp-reg-pat-prac-map.csv"
            }
            Role::ListSizes => {
                "NHS England's Patients Registered at a GP Practice, gp-reg-pat-prac-all.csv"
            }
            Role::Registrations => {
                "NHS England's Patients Registered at a GP Practice, gp-reg-pat-prac-lsoa-all.csv"
            }
            Role::SingAge => {
                "NHS England's Patients Registered at a GP Practice, gp-reg-pat-prac-sing-age-regions.csv"
            }
            Role::Epraccur => "NHS ODS GP practices, epraccur.csv",
            Role::Postcodes => "OS Code-Point Open, CSV, unzipped",
            Role::Boundaries => {
                "ONS Lower layer Super Output Areas (December 2021) Boundaries EW BGC, GeoJSON"
            }
            Role::Population => "Census 2021 usual residents (TS001) by LSOA 2021",
            Role::Ruc => "ONS Rural Urban Classification (2021) of LSOAs in England and Wales",
            Role::Centroids => "ONS LSOA (December 2021) Population Weighted Centroids (V3)",
            Role::LsoaLookup => "ONS LSOA (2011) to LSOA (2021) to LAD (2022) Exact Fit Lookup",
            Role::AreaOrgLookup => {
                "ONS LSOA (2021) to Sub ICB Locations to ICB to LAD (April 2024) Lookup"
            }
        }
    }

    /// The publisher's page for [`Role::product`].
    pub fn page(self) -> &'static str {
        match self {
            Role::Map | Role::ListSizes | Role::Registrations | Role::SingAge => {
                "https://digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice"
            }
            Role::Epraccur => {
                "https://digital.nhs.uk/services/organisation-data-service/export-data-files/csv-downloads/gp-and-gp-practice-related-data"
            }
            Role::Postcodes => "https://osdatahub.os.uk/downloads/open/CodePointOpen",
            Role::Population => "https://www.nomisweb.co.uk/sources/census_2021_bulk",
            Role::Ruc => {
                "https://www.ons.gov.uk/methodology/geography/geographicalproducts/ruralurbanclassifications"
            }
            Role::Boundaries | Role::Centroids | Role::LsoaLookup | Role::AreaOrgLookup => {
                "https://geoportal.statistics.gov.uk"
            }
        }
    }
}

/// What one look at a folder found: the candidate files for each role, and
/// every entry not used with why.
#[derive(Clone, Debug, Default)]
pub struct Discovery {
    /// Candidates, sorted by role then path.
    pub found: Vec<(Role, PathBuf)>,
    /// Entries that are none of the national files, with the reason.
    pub ignored: Vec<(PathBuf, String)>,
}

impl Discovery {
    /// The candidates for one role.
    pub fn candidates(&self, role: Role) -> Vec<&PathBuf> {
        self.found
            .iter()
            .filter(|(r, _)| *r == role)
            .map(|(_, p)| p)
            .collect()
    }
}

/// A folder holding exactly one shapefile stands for that `.shp` (as ONS's
/// centroid download unzips); any other path is itself.
pub fn lone_shapefile(path: &Path) -> PathBuf {
    if path.is_dir()
        && let [one] = shapefiles_in(path).as_slice()
    {
        return one.clone();
    }
    path.to_path_buf()
}

/// The `.shp` files directly in a folder, sorted.
fn shapefiles_in(dir: &Path) -> Vec<PathBuf> {
    sorted_entries(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("shp")))
        .collect()
}

/// What one entry of the folder is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recognised {
    /// The file for a role (for a folder holding one shapefile, the `.shp`).
    Role(Role, PathBuf),
    /// Not a national file import reads, and why.
    Ignored(String),
    /// Part of another entry (a shapefile's `.dbf`, `.shx`, `.prj` …).
    Companion,
}

/// Look at every entry of `dir` (not below it, but for the folders above).
pub fn scan(dir: &Path) -> Result<Discovery> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot read the folder", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    let mut d = Discovery::default();
    for path in entries {
        match recognise(&path) {
            Recognised::Role(role, file) => d.found.push((role, file)),
            Recognised::Ignored(why) => d.ignored.push((path, why)),
            Recognised::Companion => {}
        }
    }
    d.found.sort();
    Ok(d)
}

/// The roles' files in `dir`, except those in `given` (chosen by their
/// flags, so neither searched for nor required), and the whole discovery.
pub fn discover_in(dir: &Path, given: &[Role]) -> Result<(ImportSources, Discovery)> {
    let d = scan(dir)?;
    let pick = |role: Role| -> Result<Option<PathBuf>> {
        if given.contains(&role) {
            return Ok(None);
        }
        let hits = d.candidates(role);
        match hits.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some((*one).clone())),
            many => Err(anyhow!(one_line(&format!(
                "{}: {} files for the {}: {}; choose one with {} FILE",
                dir.display(),
                many.len(),
                role.what(),
                many.iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" and "),
                role.flag()
            )))),
        }
    };
    let fill = |role: Role| -> Result<Found> {
        Ok(Found {
            role,
            hit: pick(role)?,
            given: given.contains(&role),
            dir,
            ignored: &d.ignored,
        })
    };
    let s = ImportSources {
        map: Slot::fill(fill(Role::Map)?)?,
        list_sizes: Slot::fill(fill(Role::ListSizes)?)?,
        epraccur: Slot::fill(fill(Role::Epraccur)?)?,
        postcodes: Slot::fill(fill(Role::Postcodes)?)?,
        boundaries: Slot::fill(fill(Role::Boundaries)?)?,
        population: Slot::fill(fill(Role::Population)?)?,
        ruc: Slot::fill(fill(Role::Ruc)?)?,
        centroids: Slot::fill(fill(Role::Centroids)?)?,
        registrations: Slot::fill(fill(Role::Registrations)?)?,
        sing_age: Slot::fill(fill(Role::SingAge)?)?,
        lsoa_lookup: Slot::fill(fill(Role::LsoaLookup)?)?,
        area_org_lookup: Slot::fill(fill(Role::AreaOrgLookup)?)?,
    };
    Ok((s, d))
}

impl ImportSources {
    /// Find the national files in one folder by what they hold (see the
    /// module documentation); every role searched for.
    pub fn discover(dir: &Path) -> Result<ImportSources> {
        Self::discover_except(dir, &[])
    }

    /// As [`ImportSources::discover`], leaving out the roles in `given`
    /// (their fields are left empty for the caller to fill).
    pub fn discover_except(dir: &Path, given: &[Role]) -> Result<ImportSources> {
        discover_in(dir, given).map(|(s, _)| s)
    }
}

/// One role's outcome, turned into its field by [`Slot`].
struct Found<'a> {
    role: Role,
    hit: Option<PathBuf>,
    given: bool,
    dir: &'a Path,
    ignored: &'a [(PathBuf, String)],
}

impl Found<'_> {
    /// A required role without a file: what to download, and what was
    /// seen but not recognised (a renamed file with a broken header).
    fn missing(&self) -> anyhow::Error {
        let mut seen: Vec<String> = self
            .ignored
            .iter()
            .filter(|(_, why)| !why.starts_with("not a CSV"))
            .map(|(p, _)| {
                show(
                    &p.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                )
            })
            .take(4)
            .collect();
        let unrecognised = if seen.is_empty() {
            String::new()
        } else {
            if self.ignored.len() > seen.len() {
                seen.push("…".into());
            }
            format!(" (not recognised: {})", seen.join(", "))
        };
        anyhow!(one_line(&format!(
            "{}: no {} found{unrecognised}; download {} ({}) or give it with {} FILE",
            self.dir.display(),
            self.role.what(),
            self.role.product(),
            self.role.page(),
            self.role.flag()
        )))
    }
}

/// An [`ImportSources`] field filled from a role's outcome: a required
/// field (`PathBuf`) without a file is an error unless its flag gives it; an
/// optional one (`Option<PathBuf>`) is simply absent.
trait Slot: Sized {
    fn fill(found: Found<'_>) -> Result<Self>;
}

impl Slot for PathBuf {
    fn fill(found: Found<'_>) -> Result<Self> {
        match (&found.hit, found.given) {
            (Some(p), _) => Ok(p.clone()),
            (None, true) => Ok(PathBuf::new()),
            (None, false) => Err(found.missing()),
        }
    }
}

impl Slot for Option<PathBuf> {
    fn fill(found: Found<'_>) -> Result<Self> {
        Ok(found.hit)
    }
}

/// How many bytes of a CSV are read to find its first line.
const HEAD_BYTES: u64 = 64 * 1024;
/// How far into a GeoJSON its first feature may end.
const GEOJSON_BYTES: u64 = 16 * 1024 * 1024;

/// What one entry of the folder is (see the module documentation).
pub fn recognise(path: &Path) -> Recognised {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let lower = name.to_ascii_lowercase();
    if path.is_dir() {
        return recognise_folder(path, &lower);
    }
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let result = match ext {
        "csv" | "txt" if ext == "csv" || looks_like_csv(path) => recognise_csv(path),
        "geojson" | "json" => recognise_geojson(path),
        "shp" => recognise_shp(path),
        "dbf" | "shx" | "prj" | "cpg" | "sbn" | "sbx" | "qmd" | "xml" if has_sibling_shp(path) => {
            return Recognised::Companion;
        }
        "zip" => Err("a zip archive: unzip it into this folder".into()),
        _ => Err("not a CSV, GeoJSON or shapefile".into()),
    };
    match result {
        Ok(r) => r,
        Err(why) => Recognised::Ignored(why),
    }
}

/// A `.txt` file is looked at as a CSV only when its first line has commas
/// (Code-Point Open's documentation is `.txt`).
fn looks_like_csv(path: &Path) -> bool {
    first_line(path).is_ok_and(|l| l.matches(',').count() >= 2)
}

fn has_sibling_shp(path: &Path) -> bool {
    path.with_extension("shp").is_file() || path.with_extension("SHP").is_file()
}

fn recognise_folder(path: &Path, lower: &str) -> Recognised {
    if lower == "codepo_gb" {
        return Recognised::Role(Role::Postcodes, path.to_path_buf());
    }
    let data_csv = path.join("Data").join("CSV");
    for csv_dir in [data_csv.as_path(), path] {
        if first_csv_in(csv_dir).is_some_and(|f| first_line(&f).is_ok_and(|l| codepoint_row(&l))) {
            return Recognised::Role(Role::Postcodes, path.to_path_buf());
        }
    }
    match shapefiles_in(path).as_slice() {
        [one] => match recognise_shp(one) {
            Ok(r) => r,
            Err(why) => Recognised::Ignored(format!("a folder holding one shapefile: {why}")),
        },
        [] => Recognised::Ignored(
            "a folder that is neither Code-Point Open nor holds one shapefile".into(),
        ),
        many => Recognised::Ignored(format!(
            "a folder holding {} shapefiles: give the one to use with its flag",
            many.len()
        )),
    }
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// The first `.csv` file of a folder, by name.
fn first_csv_in(dir: &Path) -> Option<PathBuf> {
    sorted_entries(dir)
        .into_iter()
        .find(|p| p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")))
}

/// The first line of a text file (at most [`HEAD_BYTES`] read), without a
/// UTF-8 byte-order mark; Latin-1 bytes replaced (only names are Latin-1).
fn first_line(path: &Path) -> std::result::Result<String, String> {
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(HEAD_BYTES).read_to_end(&mut head))
        .map_err(|e| format!("cannot be read: {e}"))?;
    if let Some(enc) = wide_encoding(&head) {
        return Err(format!(
            "encoded as {enc}: save it as UTF-8 to have it recognised"
        ));
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    let end = memchr::memchr(b'\n', head).unwrap_or(head.len());
    let line = String::from_utf8_lossy(&head[..end]);
    Ok(line.trim_end_matches('\r').to_string())
}

/// The fields of one CSV line, trimmed and unquoted.
fn fields(line: &str) -> Vec<String> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes())
        .records()
        .next()
        .and_then(|r| r.ok())
        .map(|r| r.iter().map(|f| f.trim().to_string()).collect())
        .unwrap_or_default()
}

/// A header's letters and digits, lower case (`SUB_ICB_LOCATION_CODE` →
/// `subicblocationcode`).
fn norm(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// An LSOA code column: the loaders' names, or any `lsoa[11|21][cd|code]`.
fn is_area_code(h: &str) -> bool {
    columns::AREA_CODE.matches(h)
        || matches!(
            norm(h).as_str(),
            "lsoa" | "lsoacd" | "lsoacode" | "lsoa11cd" | "lsoa21cd" | "lsoa11code" | "lsoa21code"
        )
}

fn is_sub_icb(h: &str) -> bool {
    let n = norm(h);
    (n.starts_with("sicbl") || n.starts_with("subicb")) && (n.contains("cd") || n.contains("code"))
}

fn is_icb(h: &str) -> bool {
    let n = norm(h);
    n.starts_with("icb") && (n.contains("cd") || n.contains("code"))
}

fn is_population(h: &str) -> bool {
    let n = norm(h);
    columns::POPULATION.matches(h) || n.contains("population") || n.contains("usualresidents")
}

/// A practice code as NHS England and ODS write it: a letter and five digits.
fn practice_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 6 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

/// The first row of epraccur (no header): a practice code, then the name …
/// and the status letter (A, C, D or P) in column 13.
fn epraccur_row(f: &[String]) -> bool {
    f.len() >= 13 && practice_code(&f[0]) && matches!(f[12].as_str(), "A" | "C" | "D" | "P")
}

/// The first row of ebranchs (no header, epraccur's layout): a branch code,
/// and the parent practice's code in column 15.
fn ebranchs_row(f: &[String]) -> bool {
    f.len() >= 15 && super::branches::is_branch_code(&f[0]) && practice_code(&f[14])
}

/// A Code-Point Open row (no header): postcode, positional quality,
/// easting, northing, ….
fn codepoint_row(line: &str) -> bool {
    let f = fields(line);
    let pc = f.first().map(String::as_str).unwrap_or("");
    let int = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    f.len() >= 4
        && (5..=8).contains(&pc.len())
        && pc.starts_with(|c: char| c.is_ascii_uppercase())
        && pc.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ')
        && int(&f[1])
        && int(&f[2])
        && int(&f[3])
}

fn recognise_csv(path: &Path) -> std::result::Result<Recognised, String> {
    let line = first_line(path)?;
    let f = fields(&line);
    let role = |r: Role| Ok(Recognised::Role(r, path.to_path_buf()));
    if epraccur_row(&f) {
        return role(Role::Epraccur);
    }
    if codepoint_row(&line) {
        return role(Role::Postcodes);
    }
    if ebranchs_row(&f) {
        return Ok(Recognised::Ignored(format!(
            "NHS ODS branch surgeries (ebranchs; first row: branch {} of practice {}): read only when given as --branches FILE",
            f[0], f[14]
        )));
    }
    Ok(match csv_role(&f) {
        Some(r) => Recognised::Role(r, path.to_path_buf()),
        None => Recognised::Ignored(format!(
            "a CSV whose first line is none of the national files' headers: {}",
            show(&line)
        )),
    })
}

/// The role of a CSV by its header, the rules tried in this order.
fn csv_role(h: &[String]) -> Option<Role> {
    let has = |spec: ColumnSpec| h.iter().any(|x| spec.matches(x));
    let named = |n: &str| h.iter().any(|x| x.eq_ignore_ascii_case(n));
    let any = |p: fn(&str) -> bool| h.iter().any(|x| p(x));
    let practice = has(columns::PRACTICE_CODE);
    let patients = has(columns::PATIENTS);
    if practice && has(columns::PCN_CODE) {
        return Some(Role::Map);
    }
    if named("ORG_TYPE") && named("ORG_CODE") && named("AGE") && patients {
        return Some(Role::SingAge);
    }
    if practice && any(is_area_code) && patients {
        return Some(Role::Registrations);
    }
    if practice && patients && (named("TYPE") || named("SEX") || named("AGE")) {
        return Some(Role::ListSizes);
    }
    if !any(is_area_code) {
        return None;
    }
    if named("LSOA11CD") && named("LSOA21CD") && named("CHGIND") {
        return Some(Role::LsoaLookup);
    }
    if any(is_sub_icb) && any(is_icb) {
        return Some(Role::AreaOrgLookup);
    }
    if has(columns::RUC) {
        return Some(Role::Ruc);
    }
    let xy = has(columns::CENTROID_X) && has(columns::CENTROID_Y);
    let lonlat = has(columns::CENTROID_LON) && has(columns::CENTROID_LAT);
    let en = has(columns::CENTROID_E) && has(columns::CENTROID_N);
    if xy || lonlat || en {
        return Some(Role::Centroids);
    }
    if any(is_population) {
        return Some(Role::Population);
    }
    None
}

/// The property names and geometry type of a GeoJSON's first feature.
#[derive(Debug, Default)]
struct FirstFeature {
    properties: Vec<String>,
    geometry: Option<String>,
}

fn recognise_geojson(path: &Path) -> std::result::Result<Recognised, String> {
    let first = first_feature(path)?;
    let area = first.properties.iter().any(|p| is_area_code(p));
    let polygon = matches!(
        first.geometry.as_deref(),
        Some("Polygon" | "MultiPolygon") | None
    );
    match (area, polygon) {
        (true, true) => Ok(Recognised::Role(Role::Boundaries, path.to_path_buf())),
        (true, false) => Ok(Recognised::Ignored(format!(
            "GeoJSON of {} (areas are read from polygons; centroids from a CSV or point shapefile)",
            first.geometry.unwrap_or_default()
        ))),
        (false, _) => Ok(Recognised::Ignored(format!(
            "GeoJSON without an LSOA code property (first feature has: {})",
            show(&first.properties.join(", "))
        ))),
    }
}

/// Read a GeoJSON only as far as its first feature's end.
fn first_feature(path: &Path) -> std::result::Result<FirstFeature, String> {
    use serde::de::{DeserializeSeed, Error, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use std::cell::RefCell;
    use std::fmt;

    const STOP: &str = "pcn-atlas: first feature read";

    #[derive(serde::Deserialize)]
    struct Geometry {
        #[serde(rename = "type")]
        kind: String,
    }
    #[derive(serde::Deserialize)]
    struct Feature {
        #[serde(default)]
        properties: Option<serde_json::Map<String, serde_json::Value>>,
        #[serde(default)]
        geometry: Option<Geometry>,
    }

    struct Root<'a>(&'a RefCell<Option<FirstFeature>>);
    struct Features<'a>(&'a RefCell<Option<FirstFeature>>);

    impl<'de> DeserializeSeed<'de> for Root<'_> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_map(self)
        }
    }
    impl<'de> Visitor<'de> for Root<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a GeoJSON FeatureCollection")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
            while let Some(k) = m.next_key::<String>()? {
                if k == "features" {
                    m.next_value_seed(Features(self.0))?;
                } else {
                    m.next_value::<IgnoredAny>()?;
                }
            }
            Ok(())
        }
    }
    impl<'de> DeserializeSeed<'de> for Features<'_> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }
    impl<'de> Visitor<'de> for Features<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an array of features")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<(), A::Error> {
            if let Some(feature) = s.next_element::<Feature>()? {
                *self.0.borrow_mut() = Some(FirstFeature {
                    properties: feature
                        .properties
                        .map(|p| p.keys().cloned().collect())
                        .unwrap_or_default(),
                    geometry: feature.geometry.map(|g| g.kind),
                });
                return Err(A::Error::custom(STOP));
            }
            Ok(())
        }
    }

    let file = std::fs::File::open(path).map_err(|e| format!("cannot be read: {e}"))?;
    let reader = std::io::BufReader::new(file.take(GEOJSON_BYTES));
    let slot = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_reader(reader);
    let outcome = Root(&slot).deserialize(&mut de);
    if let Some(first) = slot.into_inner() {
        return Ok(first);
    }
    match outcome {
        Ok(()) => Err("GeoJSON without features".into()),
        Err(e) => Err(format!(
            "not GeoJSON whose first feature ends within {} MB: {e}",
            GEOJSON_BYTES >> 20
        )),
    }
}

/// A shapefile by its shape type (the `.shp` header) and `.dbf` fields.
fn recognise_shp(path: &Path) -> std::result::Result<Recognised, String> {
    let mut head = [0u8; 36];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .map_err(|e| format!("cannot be read as a shapefile: {e}"))?;
    if head[..4] != [0, 0, 0x27, 0x0a] {
        return Err("not a shapefile (its header does not start with 9994)".into());
    }
    let shape_type = i32::from_le_bytes([head[32], head[33], head[34], head[35]]);
    let dbf = path.with_extension("dbf");
    let reader = shapefile::dbase::Reader::from_path(&dbf)
        .map_err(|e| format!("a shapefile whose {} cannot be read: {e}", dbf.display()))?;
    let area = reader.fields().iter().any(|f| is_area_code(f.name()));
    if !area {
        return Err("a shapefile without an LSOA code field".into());
    }
    // 1/11/21 point, 8/18/28 multipoint; 5/15/25 polygon.
    match shape_type {
        1 | 11 | 21 | 8 | 18 | 28 => Ok(Recognised::Role(Role::Centroids, path.to_path_buf())),
        5 | 15 | 25 => Ok(Recognised::Role(Role::Boundaries, path.to_path_buf())),
        t => Err(format!(
            "a shapefile of shape type {t} (neither points nor polygons)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn headers_of_every_edition_give_their_role() {
        let cases: &[(&[&str], Option<Role>)] = &[
            (
                &[
                    "PUBLICATION",
                    "EXTRACT_DATE",
                    "PRACTICE_CODE",
                    "PRACTICE_NAME",
                    "PRACTICE_POSTCODE",
                    "PCN_CODE",
                ],
                Some(Role::Map),
            ),
            (
                &[
                    "PUBLICATION",
                    "EXTRACT_DATE",
                    "TYPE",
                    "CCG_CODE",
                    "CODE",
                    "POSTCODE",
                    "SEX",
                    "AGE",
                    "NUMBER_OF_PATIENTS",
                ],
                Some(Role::ListSizes),
            ),
            (
                &[
                    "PUBLICATION",
                    "EXTRACT_DATE",
                    "ORG_TYPE",
                    "ORG_CODE",
                    "ONS_CODE",
                    "SEX",
                    "AGE",
                    "NUMBER_OF_PATIENTS",
                ],
                Some(Role::SingAge),
            ),
            (
                &["PRACTICE_CODE", "LSOA_CODE", "NUMBER_OF_PATIENTS"],
                Some(Role::Registrations),
            ),
            (
                &[
                    "PUBLICATION",
                    "EXTRACT_DATE",
                    "PRACTICE_CODE",
                    "PRACTICE_NAME",
                    "LSOA_CODE",
                    "SEX",
                    "NUMBER_OF_PATIENTS",
                ],
                Some(Role::Registrations),
            ),
            (
                &["LSOA11CD", "LSOA11NM", "LSOA21CD", "LSOA21NM", "CHGIND"],
                Some(Role::LsoaLookup),
            ),
            (
                &["lsoa21_name", "lsoa21_code", "sicbl24_code", "icb24_code"],
                Some(Role::AreaOrgLookup),
            ),
            (&["LSOA21CD", "RUC21CD", "RUC21NM"], Some(Role::Ruc)),
            (&["lsoa", "LSOA11NM", "RUC11CD", "RUC11"], Some(Role::Ruc)),
            (&["X", "Y", "objectid", "lsoa11cd"], Some(Role::Centroids)),
            (&["lsoa", "pop"], Some(Role::Population)),
            (
                &["LSOA21CD", "census2021_usual_residents"],
                Some(Role::Population),
            ),
            (
                &["LSOA21CD", "Total: All usual residents"],
                Some(Role::Population),
            ),
            (&["LSOA21CD", "LSOA21NM"], None),
            (&["name", "value"], None),
        ];
        for (header, want) in cases {
            assert_eq!(csv_role(&h(header)), *want, "{header:?}");
        }
    }

    #[test]
    fn header_less_rows_are_told_apart() {
        let epraccur = "\"A81001\",\"THE DENSHAM SURGERY\",\"Y63\",\"QHM\",\"THE HEALTH CENTRE\",\"LAWSON STREET\",\"STOCKTON ON TEES\",\"CLEVELAND\",\"\",\"TS18 1HU\",\"19740401\",\"\",\"A\",\"B\",\"16C\"";
        assert!(epraccur_row(&fields(epraccur)));
        // ebranchs: a 9-character branch code, no status in column 13.
        let ebranchs = "\"A81004001\",\"DR LEIGH\",\"Y54\",\"Q74\",\"283 ACKLAM ROAD\",\"\",\"\",\"MIDDLESBROUGH\",\"CLEVELAND\",\"TS5 7BP\",\"20040401\",\"\",\"\",\"\",\"A81004\"";
        assert!(!epraccur_row(&fields(ebranchs)));
        assert!(ebranchs_row(&fields(ebranchs)));
        assert!(!ebranchs_row(&fields(epraccur)));
        assert!(codepoint_row("\"TS1 2NR\",10,449498,520298,\"E92000001\""));
        assert!(!codepoint_row(
            "Postcode,Positional_quality_indicator,Eastings,Northings"
        ));
        assert!(!codepoint_row(epraccur));
    }
}
