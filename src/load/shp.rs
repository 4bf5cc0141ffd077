//! ESRI shapefiles (`.shp` + `.shx` + `.dbf`, with the CRS from `.prj`).
//!
//! Shapes and attribute records are read in step ([`for_each_shape`]): a
//! `.dbf` with fewer or more records than the `.shp` has shapes is an error
//! naming both files and both counts, never shapes silently left out.

use super::geojson::Crs;
use super::text::{check_encoding, one_line, show};
use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Map, Number, Value};
use shapefile::dbase::{self, FieldValue, Record};
use shapefile::{Shape, ShapeReader};
use std::io::ErrorKind;
use std::path::Path;

/// One shapefile record: attributes as JSON values and the shape.
pub struct ShpFeature {
    pub properties: Map<String, Value>,
    pub shape: shapefile::Shape,
}

/// Read every record of a shapefile.
pub fn read_shapefile(path: &Path) -> Result<(Crs, Vec<ShpFeature>)> {
    let crs = read_prj(path)?;
    let mut out = Vec::new();
    for_each_shape(path, |_, shape, record| {
        let mut properties = Map::new();
        for (k, v) in record {
            properties.insert(k, field_to_json(v));
        }
        out.push(ShpFeature { properties, shape });
        Ok(())
    })?;
    Ok((crs, out))
}

/// One point record: its attributes and its coordinates as written.
pub type ShpPoint = (Map<String, Value>, [f64; 2]);

/// A point shapefile (population-weighted centroids): each record's
/// attributes and its point, with the CRS from the `.prj`. A shape that is
/// not a point is an error naming the record.
pub fn read_points(path: &Path) -> Result<(Crs, Vec<ShpPoint>)> {
    let crs = read_prj(path)?;
    let mut out = Vec::new();
    for_each_shape(path, |i, shape, record| {
        let xy = match shape {
            Shape::Point(p) => [p.x, p.y],
            Shape::PointM(p) => [p.x, p.y],
            Shape::PointZ(p) => [p.x, p.y],
            other => bail!(
                "{}: record {}: shape is a {}, expected Point (a centroid shapefile)",
                path.display(),
                i + 1,
                other.shapetype()
            ),
        };
        let properties = record
            .into_iter()
            .map(|(k, v)| (k, field_to_json(v)))
            .collect();
        out.push((properties, xy));
        Ok(())
    })?;
    Ok((crs, out))
}

/// Call `f` with each shape (0-based index) and its `.dbf` record, in file
/// order; the number of shapes. The `.shp` and `.dbf` must hold the same
/// number of records; a file that ends early is an error naming it.
pub fn for_each_shape(
    path: &Path,
    mut f: impl FnMut(usize, Shape, Record) -> Result<()>,
) -> Result<u64> {
    let dbf_path = path.with_extension("dbf");
    let mut shapes = ShapeReader::from_path(path).map_err(|e| {
        anyhow!(
            "{}: cannot open shapefile: {}",
            path.display(),
            shp_error(e)
        )
    })?;
    if !dbf_path.is_file() {
        bail!(
            "{}: no attribute table: {} is missing",
            path.display(),
            dbf_path.display()
        );
    }
    let mut dbf = dbase::Reader::from_path(&dbf_path).map_err(|e| {
        anyhow!(
            "{}: cannot read the attribute table: {}",
            dbf_path.display(),
            dbf_error(&e)
        )
    })?;
    let declared = dbf.header().num_records;
    let mut shape_iter = shapes.iter_shapes();
    let mut record_iter = dbf.iter_records();
    let mut n = 0usize;
    let mismatch = |shapes: usize, records: usize| {
        anyhow!(
            "{}: {shapes} shapes, but {} has {records} records (the .dbf declares {declared}): each shape needs its record",
            path.display(),
            dbf_path.display()
        )
    };
    loop {
        let shape = match shape_iter.next() {
            None => break,
            Some(s) => {
                s.map_err(|e| anyhow!("{}: shape {}: {}", path.display(), n + 1, shp_error(e)))?
            }
        };
        let record = match record_iter.next() {
            None => return Err(mismatch(n + 1 + readable(shape_iter), n)),
            Some(r) => r.map_err(|e| {
                anyhow!(
                    "{}: record {}: {}",
                    dbf_path.display(),
                    n + 1,
                    dbf_error(&e)
                )
            })?,
        };
        f(n, shape, record)?;
        n += 1;
    }
    match record_iter.next() {
        None => {}
        Some(Ok(_)) => return Err(mismatch(n, n + 1 + readable(record_iter))),
        Some(Err(e)) => bail!(
            "{}: record {}: {}",
            dbf_path.display(),
            n + 1,
            dbf_error(&e)
        ),
    }
    Ok(n as u64)
}

/// How many more items an iterator yields before its first error: the
/// crates' iterators repeat a read error for ever rather than end, so a
/// plain `count()` after a `.dbf` that ends early never returns.
fn readable<T, E>(items: impl Iterator<Item = std::result::Result<T, E>>) -> usize {
    items.take_while(std::result::Result::is_ok).count()
}

/// A shapefile reading error in one line of our own words where the crate
/// would print a `Debug` dump.
fn shp_error(e: shapefile::Error) -> String {
    match e {
        shapefile::Error::IoError(io) if io.kind() == ErrorKind::UnexpectedEof => {
            "the file ends early (cut short?)".into()
        }
        shapefile::Error::DbaseError(d) => dbf_error(&d),
        shapefile::Error::MissingDbf => "no .dbf file beside it".into(),
        shapefile::Error::MissingIndexFile => "no .shx file beside it".into(),
        e => one_line(&e.to_string()),
    }
}

/// A `.dbf` reading error in one line.
fn dbf_error(e: &dbase::Error) -> String {
    match e.kind() {
        dbase::ErrorKind::IoError(io) if io.kind() == ErrorKind::UnexpectedEof => {
            "the file ends early (cut short?)".into()
        }
        _ => one_line(&e.to_string()),
    }
}

fn field_to_json(v: FieldValue) -> Value {
    let num = |f: f64| Number::from_f64(f).map_or(Value::Null, Value::Number);
    match v {
        FieldValue::Character(s) => s.map_or(Value::Null, |s| Value::String(s.trim().to_string())),
        FieldValue::Memo(s) => Value::String(s),
        FieldValue::Numeric(n) => n.map_or(Value::Null, |f| {
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                Value::Number(Number::from(f as i64))
            } else {
                num(f)
            }
        }),
        FieldValue::Float(n) => n.map_or(Value::Null, |f| num(f as f64)),
        FieldValue::Integer(i) => Value::Number(i.into()),
        FieldValue::Double(f) | FieldValue::Currency(f) => num(f),
        FieldValue::Logical(b) => b.map_or(Value::Null, Value::Bool),
        FieldValue::Date(d) => d.map_or(Value::Null, |d| {
            Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }),
        FieldValue::DateTime(_) => Value::Null,
    }
}

/// The CRS named by the `.prj` beside a shapefile (WKT). British National
/// Grid or geographic WGS84/ETRS89 are accepted; a missing `.prj` is an
/// error, because guessing a CRS silently is how maps end up in the sea.
pub fn read_prj(shp: &Path) -> Result<Crs> {
    let prj = shp.with_extension("prj");
    let bytes = std::fs::read(&prj).map_err(|e| {
        anyhow!(
            "{}: cannot read the .prj that says which coordinate system the shapefile uses: {e}",
            prj.display()
        )
    })?;
    check_encoding(&prj, &bytes)?;
    crs_from_wkt(&String::from_utf8_lossy(&bytes)).with_context(|| format!("{}", prj.display()))
}

/// Interpret WKT: projected British National Grid, or geographic WGS84.
pub fn crs_from_wkt(wkt: &str) -> Result<Crs> {
    let w = wkt.to_ascii_uppercase();
    if w.contains("BRITISH_NATIONAL_GRID")
        || w.contains("BRITISH NATIONAL GRID")
        || w.contains("27700")
        || (w.contains("OSGB") && w.contains("PROJCS"))
    {
        return Ok(Crs::Bng);
    }
    if !w.contains("PROJCS")
        && w.contains("GEOGCS")
        && (w.contains("WGS_1984")
            || w.contains("WGS 84")
            || w.contains("WGS84")
            || w.contains("ETRS"))
    {
        return Ok(Crs::Wgs84);
    }
    bail!(
        "unsupported coordinate system (use WGS84 or British National Grid, EPSG:27700): {}",
        show(wkt.trim())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wkt_detection() {
        let geofabrik = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["Degree",0.017453292519943295]]"#;
        assert_eq!(crs_from_wkt(geofabrik).unwrap(), Crs::Wgs84);
        let ons = r#"PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936",DATUM["D_OSGB_1936"]]]"#;
        assert_eq!(crs_from_wkt(ons).unwrap(), Crs::Bng);
        assert!(
            crs_from_wkt(r#"PROJCS["WGS_84_Pseudo_Mercator",GEOGCS["GCS_WGS_1984"]]"#).is_err()
        );
    }
}
