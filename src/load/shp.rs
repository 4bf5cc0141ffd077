//! ESRI shapefiles (`.shp` + `.shx` + `.dbf`, with the CRS from `.prj`).

use super::geojson::Crs;
use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Map, Number, Value};
use shapefile::dbase::FieldValue;
use std::path::Path;

/// One shapefile record: attributes as JSON values and the shape.
pub struct ShpFeature {
    pub properties: Map<String, Value>,
    pub shape: shapefile::Shape,
}

/// Read every record of a shapefile.
pub fn read_shapefile(path: &Path) -> Result<(Crs, Vec<ShpFeature>)> {
    let crs = read_prj(path)?;
    let mut reader = shapefile::Reader::from_path(path)
        .map_err(|e| anyhow!("{}: cannot open shapefile: {e}", path.display()))?;
    let mut out = Vec::new();
    for (i, item) in reader.iter_shapes_and_records().enumerate() {
        let (shape, record) =
            item.map_err(|e| anyhow!("{}: record {}: {e}", path.display(), i + 1))?;
        let mut properties = Map::new();
        for (k, v) in record {
            properties.insert(k, field_to_json(v));
        }
        out.push(ShpFeature { properties, shape });
    }
    Ok((crs, out))
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
    let wkt = std::fs::read_to_string(&prj).with_context(|| {
        format!(
            "{}: cannot read the .prj that says which coordinate system the shapefile uses",
            prj.display()
        )
    })?;
    crs_from_wkt(&wkt).with_context(|| format!("{}", prj.display()))
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
        "unsupported coordinate system: {}; use WGS84 or British National Grid (EPSG:27700)",
        wkt.chars().take(120).collect::<String>()
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
