//! The dataset folder's on-disk format: its file names, the canonical column
//! and property names, one `Serialize` row struct per file and the writers
//! that `import`, `demo` and `propose` all use. The loaders read the same
//! names (through [`super::columns`], which adds the aliases of the national
//! files) and stay tolerant of everything else.
//!
//! | file | row | written by |
//! |---|---|---|
//! | `practices.csv` | [`PracticeRow`] (BNG) or [`PracticeRowWgs84`] (demo) | import, propose, demo |
//! | `areas.geojson` | [`AreaProps`] + a polygon geometry | import, demo |
//! | `registrations.csv` | [`RegistrationRow`] | import, demo |
//! | `footprints.csv` | [`FootprintRow`] | propose, demo |
//! | `sites.csv` | [`SiteRow`] (BNG) | import (`--branches`) |

use anyhow::Result;
use serde::{Serialize, Serializer};
use std::io::Write;

pub const PRACTICES_CSV: &str = "practices.csv";
pub const AREAS_GEOJSON: &str = "areas.geojson";
pub const REGISTRATIONS_CSV: &str = "registrations.csv";
pub const FOOTPRINTS_CSV: &str = "footprints.csv";
pub const SITES_CSV: &str = "sites.csv";

/// Canonical column (and GeoJSON property) names.
pub mod col {
    pub const PRACTICE_CODE: &str = "practice_code";
    pub const PRACTICE_NAME: &str = "practice_name";
    pub const PCN_CODE: &str = "pcn_code";
    pub const PCN_NAME: &str = "pcn_name";
    pub const LIST_SIZE: &str = "list_size";
    pub const POSTCODE: &str = "postcode";
    pub const EASTING: &str = "easting";
    pub const NORTHING: &str = "northing";
    pub const LON: &str = "lon";
    pub const LAT: &str = "lat";
    pub const AREA_CODE: &str = "area_code";
    pub const AREA_NAME: &str = "area_name";
    pub const LAD_CODE: &str = "lad_code";
    pub const POPULATION: &str = "population";
    pub const RUC: &str = "ruc";
    pub const CENTROID_LON: &str = "centroid_lon";
    pub const CENTROID_LAT: &str = "centroid_lat";
    pub const PATIENTS: &str = "patients";
    pub const SUB_ICB_CODE: &str = "sub_icb_code";
    pub const SUB_ICB_NAME: &str = "sub_icb_name";
    pub const ICB_CODE: &str = "icb_code";
    pub const ICB_NAME: &str = "icb_name";
    pub const REGION_CODE: &str = "region_code";
    pub const SITE_CODE: &str = "site_code";
    pub const SITE_NAME: &str = "site_name";
    pub const SITE_KIND: &str = "kind";
}

/// Header of `practices.csv` located in British National Grid: the
/// practice, then its sub-ICB location, ICB and region (issue 14; the
/// loader accepts files without these last five columns).
pub const PRACTICES_HEADER: [&str; 13] = [
    col::PRACTICE_CODE,
    col::PRACTICE_NAME,
    col::PCN_CODE,
    col::PCN_NAME,
    col::LIST_SIZE,
    col::POSTCODE,
    col::EASTING,
    col::NORTHING,
    col::SUB_ICB_CODE,
    col::SUB_ICB_NAME,
    col::ICB_CODE,
    col::ICB_NAME,
    col::REGION_CODE,
];
/// Header of `practices.csv` located in WGS84 degrees (the demo).
pub const PRACTICES_WGS84_HEADER: [&str; 8] = [
    col::PRACTICE_CODE,
    col::PRACTICE_NAME,
    col::PCN_CODE,
    col::PCN_NAME,
    col::LIST_SIZE,
    col::POSTCODE,
    col::LON,
    col::LAT,
];
pub const REGISTRATIONS_HEADER: [&str; 3] = [col::PRACTICE_CODE, col::AREA_CODE, col::PATIENTS];
pub const FOOTPRINTS_HEADER: [&str; 2] = [col::AREA_CODE, col::PCN_CODE];
/// Header of `sites.csv`: a practice's main site and its branch surgeries,
/// located in British National Grid (or by postcode when the cells are empty).
pub const SITES_HEADER: [&str; 7] = [
    col::SITE_CODE,
    col::PRACTICE_CODE,
    col::SITE_NAME,
    col::SITE_KIND,
    col::POSTCODE,
    col::EASTING,
    col::NORTHING,
];

/// A coordinate in metres written as Rust prints it (shortest round trip,
/// no trailing `.0`), or an empty cell when the practice is not located.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Metres(pub Option<f64>);

impl Serialize for Metres {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(x) => s.collect_str(&x),
            None => s.serialize_none(),
        }
    }
}

/// Degrees written with six decimals (about 10 cm).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Degrees(pub f64);

impl Serialize for Degrees {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:.6}", self.0))
    }
}

/// One row of `practices.csv`, located in British National Grid.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PracticeRow<'a> {
    pub practice_code: &'a str,
    pub practice_name: &'a str,
    pub pcn_code: &'a str,
    pub pcn_name: &'a str,
    pub list_size: Option<u64>,
    pub postcode: &'a str,
    pub easting: Metres,
    pub northing: Metres,
    pub sub_icb_code: &'a str,
    pub sub_icb_name: &'a str,
    pub icb_code: &'a str,
    pub icb_name: &'a str,
    pub region_code: &'a str,
}

impl<'a> PracticeRow<'a> {
    /// The row with `org`'s five columns filled in.
    pub fn with_org(self, org: &'a crate::model::OrgUnits) -> PracticeRow<'a> {
        PracticeRow {
            sub_icb_code: &org.sub_icb_code,
            sub_icb_name: &org.sub_icb_name,
            icb_code: &org.icb_code,
            icb_name: &org.icb_name,
            region_code: &org.region_code,
            ..self
        }
    }
}

/// One row of `practices.csv`, located in WGS84 (the demo's form).
#[derive(Clone, Debug, Default, Serialize)]
pub struct PracticeRowWgs84<'a> {
    pub practice_code: &'a str,
    pub practice_name: &'a str,
    pub pcn_code: &'a str,
    pub pcn_name: &'a str,
    pub list_size: Option<u64>,
    pub postcode: &'a str,
    pub lon: Degrees,
    pub lat: Degrees,
}

/// One row of `registrations.csv`: patients of a practice living in an area.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RegistrationRow<'a> {
    pub practice_code: &'a str,
    pub area_code: &'a str,
    pub patients: u64,
}

/// One row of `footprints.csv`: an area in a PCN's footprint.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FootprintRow<'a> {
    pub area_code: &'a str,
    pub pcn_code: &'a str,
}

/// One row of `sites.csv`: `kind` is `main` (the practice's own location,
/// `site_code` = `practice_code`) or `branch`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SiteRow<'a> {
    pub site_code: &'a str,
    pub practice_code: &'a str,
    pub site_name: &'a str,
    pub kind: &'a str,
    pub postcode: &'a str,
    pub easting: Metres,
    pub northing: Metres,
}

/// The properties of one feature of `areas.geojson`. The centroid is
/// written only when it is population-weighted.
#[derive(Clone, Debug, Default, Serialize)]
pub struct AreaProps<'a> {
    pub area_code: &'a str,
    pub area_name: Option<&'a str>,
    pub lad_code: Option<&'a str>,
    pub population: Option<u64>,
    pub ruc: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub centroid_lon: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub centroid_lat: Option<f64>,
    /// The area's sub-ICB location and ICB (NHS codes), when `import` was
    /// given an area lookup (`--area-lookup`) that lists the area.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_icb_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icb_code: Option<&'a str>,
}

/// Write a CSV file of the dataset: `header`, then one record per row
/// (also when there are none), formula-like text cells neutralised
/// (`safe_text::csv_cell`).
fn write_rows<T: Serialize>(
    w: impl Write,
    header: &[&str],
    rows: impl IntoIterator<Item = T>,
) -> Result<()> {
    let mut cw = crate::safe_text::csv_writer(w);
    cw.write_record(header)?;
    for row in crate::safe_text::serialized_cells(rows)? {
        cw.write_record(row)?;
    }
    cw.flush()?;
    Ok(())
}

/// `practices.csv` in British National Grid (import, propose).
pub fn write_practices<'a>(
    w: impl Write,
    rows: impl IntoIterator<Item = PracticeRow<'a>>,
) -> Result<()> {
    write_rows(w, &PRACTICES_HEADER, rows)
}

/// `practices.csv` in WGS84 (the demo).
pub fn write_practices_wgs84<'a>(
    w: impl Write,
    rows: impl IntoIterator<Item = PracticeRowWgs84<'a>>,
) -> Result<()> {
    write_rows(w, &PRACTICES_WGS84_HEADER, rows)
}

/// `registrations.csv`.
pub fn write_registrations<'a>(
    w: impl Write,
    rows: impl IntoIterator<Item = RegistrationRow<'a>>,
) -> Result<()> {
    write_rows(w, &REGISTRATIONS_HEADER, rows)
}

/// `footprints.csv`.
pub fn write_footprints<'a>(
    w: impl Write,
    rows: impl IntoIterator<Item = FootprintRow<'a>>,
) -> Result<()> {
    write_rows(w, &FOOTPRINTS_HEADER, rows)
}

/// `sites.csv` (import `--branches`).
pub fn write_sites<'a>(w: impl Write, rows: impl IntoIterator<Item = SiteRow<'a>>) -> Result<()> {
    write_rows(w, &SITES_HEADER, rows)
}

/// `areas.geojson`: a FeatureCollection with one feature a line, from each
/// area's properties and its geometry already rendered as JSON. `name`
/// becomes the collection's `name` member when given.
pub fn write_areas<'a>(
    w: &mut impl Write,
    name: Option<&str>,
    features: impl IntoIterator<Item = (AreaProps<'a>, &'a str)>,
) -> Result<usize> {
    match name {
        Some(n) => writeln!(
            w,
            "{{\"type\":\"FeatureCollection\",\"name\":{},\"features\":[",
            serde_json::to_string(n)?
        )?,
        None => writeln!(w, "{{\"type\":\"FeatureCollection\",\"features\":[")?,
    }
    let mut n = 0;
    for (props, geometry) in features {
        if n > 0 {
            w.write_all(b",\n")?;
        }
        write!(
            w,
            "{{\"type\":\"Feature\",\"properties\":{},\"geometry\":{geometry}}}",
            serde_json::to_string(&props)?
        )?;
        n += 1;
    }
    w.write_all(b"\n]}\n")?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header written is the row struct's field names, in order.
    fn field_names<T: Serialize + Default>() -> Vec<String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(T::default()).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let first = text.lines().next().unwrap().to_string();
        first.split(',').map(str::to_string).collect()
    }

    #[test]
    fn headers_are_the_row_structs_field_names() {
        assert_eq!(field_names::<PracticeRow>(), PRACTICES_HEADER);
        assert_eq!(field_names::<PracticeRowWgs84>(), PRACTICES_WGS84_HEADER);
        assert_eq!(field_names::<RegistrationRow>(), REGISTRATIONS_HEADER);
        assert_eq!(field_names::<FootprintRow>(), FOOTPRINTS_HEADER);
        assert_eq!(field_names::<SiteRow>(), SITES_HEADER);
        let props = serde_json::to_value(AreaProps {
            centroid_lon: Some(0.0),
            centroid_lat: Some(0.0),
            ..AreaProps::default()
        })
        .unwrap();
        let keys: Vec<&str> = props
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for k in [
            col::AREA_CODE,
            col::AREA_NAME,
            col::LAD_CODE,
            col::POPULATION,
            col::RUC,
            col::CENTROID_LON,
            col::CENTROID_LAT,
        ] {
            assert!(keys.contains(&k), "{k} not in {keys:?}");
        }
    }

    #[test]
    fn practices_written_as_before() {
        let mut buf = Vec::new();
        write_practices(
            &mut buf,
            [PracticeRow {
                practice_code: "A1",
                practice_name: "The \"Surgery\", Oakham",
                pcn_code: "U1",
                pcn_name: "North",
                list_size: None,
                postcode: "LE15 6AA",
                easting: Metres(Some(485_000.0)),
                northing: Metres(Some(308_123.45)),
                icb_code: "QNC",
                ..PracticeRow::default()
            }],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "practice_code,practice_name,pcn_code,pcn_name,list_size,postcode,easting,northing,\
             sub_icb_code,sub_icb_name,icb_code,icb_name,region_code\n\
             A1,\"The \"\"Surgery\"\", Oakham\",U1,North,,LE15 6AA,485000,308123.45,,,QNC,,\n"
        );
    }
}
