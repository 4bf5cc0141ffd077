//! Areas from an ESRI shapefile (`.shp` + `.dbf` + `.prj`) load like the
//! same areas from GeoJSON, and `check` gives the same findings.

mod common;
use common::pcn_atlas;
use geo::Area;
use pcn_atlas::load::areas::{AreaJoins, load_areas};
use shapefile::dbase::{FieldName, FieldValue, Record, TableWriterBuilder};
use shapefile::{Point, Polygon, PolygonRing};
use std::path::Path;

const BNG_WKT: &str = r#"PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936",DATUM["D_OSGB_1936",SPHEROID["Airy_1830",6377563.396,299.3249646]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",400000.0],PARAMETER["False_Northing",-100000.0],PARAMETER["Central_Meridian",-2.0],PARAMETER["Scale_Factor",0.9996012717],PARAMETER["Latitude_Of_Origin",49.0],UNIT["Meter",1.0]]"#;

fn ring(ls: &geo::LineString<f64>) -> Vec<Point> {
    ls.0.iter().map(|c| Point::new(c.x, c.y)).collect()
}

/// Write the enclave fixture's areas as a shapefile with ONS-style field names.
fn write_shapefile(dir: &Path) -> std::path::PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/enclave");
    let loaded = load_areas(&src.join("areas.geojson"), &AreaJoins::default()).unwrap();
    let shp = dir.join("areas.shp");
    let table = TableWriterBuilder::new()
        .add_character_field(FieldName::try_from("LSOA11CD").unwrap(), 12)
        .add_numeric_field(FieldName::try_from("pop").unwrap(), 10, 0)
        .add_character_field(FieldName::try_from("RUC11CD").unwrap(), 2);
    let mut w = shapefile::Writer::from_path(&shp, table).unwrap();
    for a in &loaded.areas {
        let mut rings = Vec::new();
        for p in &a.geometry.0 {
            rings.push(PolygonRing::Outer(ring(p.exterior())));
            for h in p.interiors() {
                rings.push(PolygonRing::Inner(ring(h)));
            }
        }
        let mut rec = Record::default();
        rec.insert(
            "LSOA11CD".into(),
            FieldValue::Character(Some(a.code.clone())),
        );
        rec.insert(
            "pop".into(),
            FieldValue::Numeric(a.population.map(|p| p as f64)),
        );
        rec.insert(
            "RUC11CD".into(),
            FieldValue::Character(a.ruc.map(|r| r.code().to_string())),
        );
        w.write_shape_and_record(&Polygon::with_rings(rings), &rec)
            .unwrap();
    }
    drop(w);
    std::fs::write(shp.with_extension("prj"), BNG_WKT).unwrap();
    std::fs::copy(src.join("practices.csv"), dir.join("practices.csv")).unwrap();
    std::fs::copy(src.join("footprints.csv"), dir.join("footprints.csv")).unwrap();
    shp
}

#[test]
fn shapefile_areas_match_geojson() {
    let d = tempfile::tempdir().unwrap();
    let shp = write_shapefile(d.path());
    let from_shp = load_areas(&shp, &AreaJoins::default()).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/enclave/areas.geojson");
    let from_json = load_areas(&src, &AreaJoins::default()).unwrap();
    assert_eq!(from_shp.areas.len(), 2);
    for (a, b) in from_shp.areas.iter().zip(&from_json.areas) {
        assert_eq!(a.code, b.code);
        assert_eq!(a.population, b.population);
        assert_eq!(a.ruc, b.ruc);
        assert!((a.geometry.unsigned_area() - b.geometry.unsigned_area()).abs() < 1e-6);
    }
    // The ring with a hole keeps its hole: 9 km² − 1 km².
    assert!((from_shp.areas[0].geometry.unsigned_area() - 8e6).abs() < 1e-3);

    let out = tempfile::tempdir().unwrap();
    let r = pcn_atlas(
        d.path(),
        &["check", "-d", ".", "-o", out.path().to_str().unwrap(), "-q"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let findings = std::fs::read_to_string(out.path().join("findings.csv")).unwrap();
    assert_eq!(findings.lines().count(), 2, "{findings}");
    assert!(
        findings.contains("PRACTICE_OUTSIDE_FOOTPRINT,U1"),
        "{findings}"
    );
}

#[test]
fn shapefile_without_prj_is_an_error_naming_it() {
    let d = tempfile::tempdir().unwrap();
    let shp = write_shapefile(d.path());
    std::fs::remove_file(shp.with_extension("prj")).unwrap();
    let r = pcn_atlas(d.path(), &["validate", "-d", "."]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("areas.prj"), "{}", r.stderr);
}
