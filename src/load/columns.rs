//! Column (and GeoJSON/shapefile property) names the loaders accept: the
//! canonical name from [`super::format`] (the dataset's on-disk format), with
//! the aliases used by the real NHS Digital, NHS ODS and ONS files.

use super::format::col;
use super::table::ColumnSpec;

pub const PRACTICE_CODE: ColumnSpec = ColumnSpec::new(
    col::PRACTICE_CODE,
    &["CODE", "PRACTICE_CODE", "ods_code", "org_code"],
);
pub const PRACTICE_NAME: ColumnSpec =
    ColumnSpec::new(col::PRACTICE_NAME, &["name", "PRACTICE_NAME"]);
pub const PCN_CODE: ColumnSpec = ColumnSpec::new(col::PCN_CODE, &["PCN_CODE"]);
pub const PCN_NAME: ColumnSpec = ColumnSpec::new(col::PCN_NAME, &["PCN_NAME"]);
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
pub const POPULATION: ColumnSpec = ColumnSpec::new(
    col::POPULATION,
    &["pop", "all_ages", "All Ages", "usual_residents"],
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
