//! Column (and GeoJSON/shapefile property) names the loaders accept, with
//! the aliases used by the real NHS Digital, NHS ODS and ONS files.

use super::table::ColumnSpec;

pub const PRACTICE_CODE: ColumnSpec = ColumnSpec::new(
    "practice_code",
    &["CODE", "PRACTICE_CODE", "ods_code", "org_code"],
);
pub const PRACTICE_NAME: ColumnSpec = ColumnSpec::new("practice_name", &["name", "PRACTICE_NAME"]);
pub const PCN_CODE: ColumnSpec = ColumnSpec::new("pcn_code", &["PCN_CODE"]);
pub const PCN_NAME: ColumnSpec = ColumnSpec::new("pcn_name", &["PCN_NAME"]);
pub const LIST_SIZE: ColumnSpec =
    ColumnSpec::new("list_size", &["NUMBER_OF_PATIENTS", "registered_patients"]);
pub const POSTCODE: ColumnSpec = ColumnSpec::new(
    "postcode",
    &["PRACTICE_POSTCODE", "POSTCODE", "pcds", "pcd"],
);
pub const LON: ColumnSpec = ColumnSpec::new("lon", &["longitude", "lng", "long"]);
pub const LAT: ColumnSpec = ColumnSpec::new("lat", &["latitude"]);
pub const EASTING: ColumnSpec = ColumnSpec::new("easting", &["eastings", "bng_e", "oseast1m"]);
pub const NORTHING: ColumnSpec = ColumnSpec::new("northing", &["northings", "bng_n", "osnrth1m"]);

/// Header of the `practices.csv` the tool writes (`import`, `propose`): the
/// canonical names of the columns above, located in British National Grid.
/// The dataset format is owned here, beside the names the loaders accept.
pub const PRACTICES_HEADER: [&str; 8] = [
    PRACTICE_CODE.name,
    PRACTICE_NAME.name,
    PCN_CODE.name,
    PCN_NAME.name,
    LIST_SIZE.name,
    POSTCODE.name,
    EASTING.name,
    NORTHING.name,
];

pub const AREA_CODE: ColumnSpec = ColumnSpec::new(
    "area_code",
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
    ColumnSpec::new("area_name", &["LSOA11NM", "LSOA21NM", "lsoa_name"]);
pub const LAD_CODE: ColumnSpec = ColumnSpec::new(
    "lad_code",
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
    "population",
    &["pop", "all_ages", "All Ages", "usual_residents"],
);
pub const RUC: ColumnSpec = ColumnSpec::new("ruc", &["RUC11CD", "RUC21CD", "ruc11", "ruc21"]);
pub const CENTROID_LON: ColumnSpec = ColumnSpec::new("centroid_lon", &["pwc_lon"]);
pub const CENTROID_LAT: ColumnSpec = ColumnSpec::new("centroid_lat", &["pwc_lat"]);
pub const CENTROID_E: ColumnSpec = ColumnSpec::new("centroid_easting", &["pwc_easting"]);
pub const CENTROID_N: ColumnSpec = ColumnSpec::new("centroid_northing", &["pwc_northing"]);
/// ONS centroid files name their coordinate columns plain `X`/`Y`; whether
/// they are degrees or metres is decided from their range.
pub const CENTROID_X: ColumnSpec = ColumnSpec::new("x", &[]);
pub const CENTROID_Y: ColumnSpec = ColumnSpec::new("y", &[]);

pub const PATIENTS: ColumnSpec =
    ColumnSpec::new("patients", &["NUMBER_OF_PATIENTS", "registered_patients"]);

pub const AREA_CODE_A: ColumnSpec = ColumnSpec::new("area_code_a", &["from", "a"]);
pub const AREA_CODE_B: ColumnSpec = ColumnSpec::new("area_code_b", &["to", "b"]);
pub const LINK_KIND: ColumnSpec = ColumnSpec::new("kind", &["type"]);
