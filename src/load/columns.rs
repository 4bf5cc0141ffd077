//! Column (and GeoJSON/shapefile property) names the loaders accept: the
//! canonical name from [`super::format`] (the dataset's on-disk format), with
//! the aliases used by the real NHS Digital, NHS ODS and ONS files.

use super::format::col;
use super::table::{Col, ColumnSpec, Row};
use anyhow::{Result, anyhow};

/// The largest plausible list size of one practice (the largest in England
/// is about 100,000 patients): a bigger one is a broken file, and would
/// make population sums meaningless (docs/input.md).
pub const MAX_LIST_SIZE: u64 = 1_000_000;
/// The largest plausible resident population of one area (an LSOA has
/// about 1,500; the largest about 10,000).
pub const MAX_POPULATION: u64 = 1_000_000;
/// The largest plausible number of patients of one practice in one area.
pub const MAX_PATIENTS: u64 = 1_000_000;

/// A count no larger than `max`: an error naming the file, line, column and
/// value otherwise.
pub fn at_most(row: &Row<'_>, col: Col, v: u64, max: u64) -> Result<u64> {
    let at = format!("{}: column `{}`", row.at(), col.spec.name);
    within(&at, row.str(col), v, max)
}

/// The same for an optional count.
pub fn opt_at_most(
    row: &Row<'_>,
    col: Option<Col>,
    v: Option<u64>,
    max: u64,
) -> Result<Option<u64>> {
    match (col, v) {
        (Some(c), Some(v)) => at_most(row, c, v, max).map(Some),
        _ => Ok(v),
    }
}

/// A count no larger than `max`; `at` names the place, `shown` is the value
/// as written.
pub fn within(at: &str, shown: &str, v: u64, max: u64) -> Result<u64> {
    if v <= max {
        return Ok(v);
    }
    Err(anyhow!(
        "{at}: `{shown}` is implausible: at most {max} is accepted"
    ))
}

/// The header closest to a missing column's name or aliases, for "did you
/// mean": equal once case, `_`, `-` and spaces are ignored, or within two
/// edits of it.
pub fn closest<'h>(spec: &ColumnSpec, headers: &'h [String]) -> Option<&'h str> {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let names: Vec<String> = std::iter::once(spec.name)
        .chain(spec.aliases.iter().copied())
        .map(norm)
        .collect();
    headers
        .iter()
        .filter(|h| !h.trim().is_empty())
        .map(|h| {
            let n = norm(h);
            let d = names
                .iter()
                .map(|m| edits(m, &n))
                .min()
                .unwrap_or(usize::MAX);
            (d, h.as_str())
        })
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, h)| h)
}

/// Levenshtein distance.
pub fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

pub const PRACTICE_CODE: ColumnSpec = ColumnSpec::new(
    col::PRACTICE_CODE,
    &["CODE", "PRACTICE_CODE", "ods_code", "org_code"],
);
pub const PRACTICE_NAME: ColumnSpec =
    ColumnSpec::new(col::PRACTICE_NAME, &["name", "PRACTICE_NAME"]);
pub const PCN_CODE: ColumnSpec = ColumnSpec::new(col::PCN_CODE, &["PCN_CODE"]);
pub const PCN_NAME: ColumnSpec = ColumnSpec::new(col::PCN_NAME, &["PCN_NAME"]);
/// NHS England's map names the sub-ICB location (since July 2022) or the
/// CCG (before); the ICB or the STP; and the commissioning region.
pub const SUB_ICB_CODE: ColumnSpec = ColumnSpec::new(
    "sub_icb_code",
    &["SUB_ICB_LOCATION_CODE", "SUB_ICB_CODE", "CCG_CODE"],
);
pub const SUB_ICB_NAME: ColumnSpec = ColumnSpec::new(
    "sub_icb_name",
    &["SUB_ICB_LOCATION_NAME", "SUB_ICB_NAME", "CCG_NAME"],
);
pub const ICB_CODE: ColumnSpec = ColumnSpec::new("icb_code", &["ICB_CODE", "STP_CODE"]);
pub const ICB_NAME: ColumnSpec = ColumnSpec::new("icb_name", &["ICB_NAME", "STP_NAME"]);
pub const REGION_CODE: ColumnSpec =
    ColumnSpec::new("region_code", &["COMM_REGION_CODE", "REGION_CODE"]);
/// The optional org-unit columns of a table (sub-ICB code and name, ICB
/// code and name, region code), for [`read_org`].
pub fn org_columns(t: &super::table::Table) -> [Option<Col>; 5] {
    [SUB_ICB_CODE, SUB_ICB_NAME, ICB_CODE, ICB_NAME, REGION_CODE].map(|spec| t.optional(spec))
}

/// A row's org units from [`org_columns`] (empty strings when absent).
pub fn read_org(row: &Row<'_>, cols: &[Option<Col>; 5]) -> crate::model::OrgUnits {
    let [a, b, c, d, e] = cols.map(|col| row.opt_str(col).unwrap_or("").to_string());
    crate::model::OrgUnits {
        sub_icb_code: a,
        sub_icb_name: b,
        icb_code: c,
        icb_name: d,
        region_code: e,
    }
}

pub const LIST_SIZE: ColumnSpec = ColumnSpec::new(
    col::LIST_SIZE,
    &["NUMBER_OF_PATIENTS", "registered_patients"],
);
pub const POSTCODE: ColumnSpec = ColumnSpec::new(
    col::POSTCODE,
    &["PRACTICE_POSTCODE", "POSTCODE", "pcds", "pcd"],
);
pub const LON: ColumnSpec = ColumnSpec::new(col::LON, &["longitude", "lng", "long"]);
pub const LAT: ColumnSpec = ColumnSpec::new(col::LAT, &["latitude"]);
pub const EASTING: ColumnSpec = ColumnSpec::new(col::EASTING, &["eastings", "bng_e", "oseast1m"]);
pub const NORTHING: ColumnSpec =
    ColumnSpec::new(col::NORTHING, &["northings", "bng_n", "osnrth1m"]);

pub const AREA_CODE: ColumnSpec = ColumnSpec::new(
    col::AREA_CODE,
    &[
        "LSOA11CD",
        "LSOA21CD",
        "LSOA_CODE",
        "lsoa11cd",
        "lsoa21cd",
        "lsoa",
        "lsoa_code",
    ],
);
pub const AREA_NAME: ColumnSpec =
    ColumnSpec::new(col::AREA_NAME, &["LSOA11NM", "LSOA21NM", "lsoa_name"]);
pub const LAD_CODE: ColumnSpec = ColumnSpec::new(
    col::LAD_CODE,
    &[
        "LAD_CODE",
        "LAD11CD",
        "LAD21CD",
        "LAD22CD",
        "LADCD",
        "LADCD_ACTIVE",
    ],
);
/// The area code of a joined table (population, RUC, centroids): the
/// dataset's names, and the Census 2021 bulk tables' `geography code`
/// (Nomis `census2021-ts001-lsoa.csv`) and ONS custom downloads' `Lower
/// layer Super Output Areas Code`.
pub const JOIN_AREA_CODE: ColumnSpec = ColumnSpec::new(
    col::AREA_CODE,
    &[
        "LSOA11CD",
        "LSOA21CD",
        "LSOA_CODE",
        "lsoa11cd",
        "lsoa21cd",
        "lsoa",
        "lsoa_code",
        "geography code",
        "Lower layer Super Output Areas Code",
        "Lower Layer Super Output Areas Code",
    ],
);
/// Resident population: mid-year estimates (`All Ages`), Census 2021 usual
/// residents as published (Nomis TS001 bulk: `Residence type: Total;
/// measures: Value`; the ONS table's `Total: All usual residents`; `All
/// usual residents`), and two-column extracts (`census2021_usual_residents`).
/// A bare `Total` or `Observation` is not accepted: it could be any count.
pub const POPULATION: ColumnSpec = ColumnSpec::new(
    col::POPULATION,
    &[
        "pop",
        "all_ages",
        "All Ages",
        "usual_residents",
        "census2021_usual_residents",
        "Usual residents",
        "All usual residents",
        "Total: All usual residents",
        "Residence type: Total; measures: Value",
    ],
);
pub const RUC: ColumnSpec = ColumnSpec::new(col::RUC, &["RUC11CD", "RUC21CD", "ruc11", "ruc21"]);
pub const CENTROID_LON: ColumnSpec = ColumnSpec::new(col::CENTROID_LON, &["pwc_lon"]);
pub const CENTROID_LAT: ColumnSpec = ColumnSpec::new(col::CENTROID_LAT, &["pwc_lat"]);
pub const CENTROID_E: ColumnSpec = ColumnSpec::new("centroid_easting", &["pwc_easting"]);
pub const CENTROID_N: ColumnSpec = ColumnSpec::new("centroid_northing", &["pwc_northing"]);
/// ONS centroid files name their coordinate columns plain `X`/`Y`; whether
/// they are degrees or metres is decided from their range.
pub const CENTROID_X: ColumnSpec = ColumnSpec::new("x", &[]);
pub const CENTROID_Y: ColumnSpec = ColumnSpec::new("y", &[]);

pub const PATIENTS: ColumnSpec = ColumnSpec::new(
    col::PATIENTS,
    &["NUMBER_OF_PATIENTS", "registered_patients"],
);

pub const AREA_CODE_A: ColumnSpec = ColumnSpec::new("area_code_a", &["from", "a"]);
pub const AREA_CODE_B: ColumnSpec = ColumnSpec::new("area_code_b", &["to", "b"]);
pub const LINK_KIND: ColumnSpec = ColumnSpec::new("kind", &["type"]);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_header_forgives_case_separators_and_typos() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let headers = h(&["practice_code", "pcn_code", "listsize", "lon", "lat"]);
        assert_eq!(closest(&LIST_SIZE, &headers), Some("listsize"));
        assert_eq!(closest(&LIST_SIZE, &h(&["list_sise"])), Some("list_sise"));
        assert_eq!(closest(&LIST_SIZE, &h(&["lon", "lat"])), None);
        assert_eq!(edits("kitten", "sitting"), 3);
    }
}
