//! `pcn-atlas.gpkg`: every layer and table of a run in one OGC GeoPackage
//! 1.3 file that QGIS opens styled like the map.
//!
//! The GeoPackage is built from the files already staged — `pcns`,
//! `areas`, `practices` and (for `analyse`) `routes` from their GeoJSON,
//! `findings`, `pcn_summary` and `icb_summary` from their CSV — with each
//! table's columns inferred from the rows ([`schema`]), so it follows those
//! files without a list of columns of its own. Geometries stay in WGS84
//! (EPSG:4326), the GeoJSON's own coordinates, so both carry the same
//! positions. Each feature layer gets an R-tree index (with the GeoPackage
//! triggers that keep it in step when a user edits the layer) and a
//! default style in QGIS's `layer_styles` table ([`style`]).
//!
//! The bytes depend only on the inputs: no clock is read (every
//! `last_change` is the newest edition date among the run's input files,
//! or 1970-01-01 when none has one), rows are written in the files' order,
//! and SQLite is the bundled build, written in one transaction without a
//! journal.

pub mod geom;
pub mod schema;
pub mod style;

use super::atomic::Staging;
use crate::findings::{Finding, Scope};
use crate::model::Dataset;
use anyhow::{Context, Result};
use geom::{Geometry, LayerType};
use rusqlite::{Connection, params, params_from_iter};
use schema::{Column, Row};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The file name.
pub const FILE: &str = "pcn-atlas.gpkg";

/// EPSG:4326, as the GeoJSON.
const SRS_ID: i32 = 4326;
const WGS84_WKT: &str = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,\
AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],\
UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],\
AUTHORITY[\"EPSG\",\"4326\"]]";

/// `PRAGMA application_id`: "GPKG".
const APPLICATION_ID: i32 = 0x4750_4B47;
/// `PRAGMA user_version`: GeoPackage 1.3.0.
const USER_VERSION: i32 = 10300;

/// Where a layer comes from.
enum Source {
    /// A staged GeoJSON file, and the geometry type when it has no feature.
    Features(&'static str, LayerType),
    /// A staged CSV file.
    Table(&'static str),
}

/// The layers, in the order they are written. A layer whose file was not
/// written (`routes` in `check`) is left out.
const LAYERS: [(&str, Source, &str); 8] = [
    (
        "pcns",
        Source::Features("pcns.geojson", LayerType::MultiPolygon),
        "Primary care networks: dissolved footprints with their metrics and worst finding",
    ),
    (
        "areas",
        Source::Features("areas.geojson", LayerType::MultiPolygon),
        "Areas (LSOAs) with their network and component",
    ),
    (
        "practices",
        Source::Features("practices.geojson", LayerType::Point),
        "GP practices",
    ),
    (
        "sites",
        Source::Features("sites.geojson", LayerType::Point),
        "Practice sites: each practice's main site and its branch surgeries (with sites.csv)",
    ),
    (
        "routes",
        Source::Features("routes.geojson", LayerType::LineString),
        "Hub to member routes along the roads",
    ),
    ("findings", Source::Table("findings.csv"), "Every finding"),
    (
        "pcn_summary",
        Source::Table("pcn_summary.csv"),
        "One row per network",
    ),
    (
        "icb_summary",
        Source::Table("icb_summary.csv"),
        "One row per integrated care board",
    ),
];

#[derive(Deserialize)]
struct Feature<G> {
    #[serde(default)]
    properties: Row,
    geometry: Option<G>,
}

/// A geometry's type alone, for the first reading.
#[derive(Deserialize)]
struct Kind {
    #[serde(rename = "type")]
    _type: String,
}

/// Call `f` on each feature of a GeoJSON feature collection, read as a
/// stream: one feature in memory at a time.
fn for_each_feature<G, F>(path: &Path, f: F) -> Result<()>
where
    G: serde::de::DeserializeOwned,
    F: FnMut(Feature<G>) -> Result<()>,
{
    use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use std::marker::PhantomData;

    struct Collection<G, F>(F, PhantomData<G>);
    struct Features<'f, G, F>(&'f mut F, PhantomData<G>);

    impl<'de, G: serde::de::DeserializeOwned, F: FnMut(Feature<G>) -> Result<()>> Visitor<'de>
        for Features<'_, G, F>
    {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an array of features")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while let Some(feature) = seq.next_element::<Feature<G>>()? {
                (self.0)(feature).map_err(|e| A::Error::custom(format!("{e:#}")))?;
            }
            Ok(())
        }
    }
    impl<'de, G: serde::de::DeserializeOwned, F: FnMut(Feature<G>) -> Result<()>>
        DeserializeSeed<'de> for Features<'_, G, F>
    {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }
    impl<'de, G: serde::de::DeserializeOwned, F: FnMut(Feature<G>) -> Result<()>> Visitor<'de>
        for Collection<G, F>
    {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a GeoJSON feature collection")
        }
        fn visit_map<A: MapAccess<'de>>(mut self, mut m: A) -> Result<(), A::Error> {
            while let Some(key) = m.next_key::<String>()? {
                if key == "features" {
                    m.next_value_seed(Features(&mut self.0, PhantomData::<G>))?;
                } else {
                    m.next_value::<IgnoredAny>()?;
                }
            }
            Ok(())
        }
    }

    let file =
        std::fs::File::open(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let mut de =
        serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(1 << 20, file));
    serde::Deserializer::deserialize_map(&mut de, Collection(f, PhantomData::<G>))
        .and_then(|()| de.end())
        .with_context(|| format!("{}: cannot read back", path.display()))
}

/// A staged GeoJSON layer's columns and geometry type (`default` when it has
/// no geometry), read once without the coordinates.
fn feature_schema(
    path: &Path,
    default: LayerType,
    extra: &[&str],
) -> Result<(Vec<Column>, LayerType)> {
    let mut inf = schema::Infer::default();
    let mut ty: Option<LayerType> = None;
    for_each_feature::<Kind, _>(path, |f| {
        inf.add(&f.properties);
        if let Some(k) = f.geometry {
            let t = LayerType::from_name(&k._type);
            ty = Some(match ty {
                None => t,
                Some(o) if o == t => o,
                Some(_) => LayerType::Geometry,
            });
        }
        Ok(())
    })?;
    let extra_row = Row(extra
        .iter()
        .map(|k| (k.to_string(), serde_json::Value::from("")))
        .collect());
    inf.add(&extra_row);
    Ok((inf.columns(), ty.unwrap_or(default)))
}

fn read_table(path: &Path) -> Result<Vec<Row>> {
    let mut r = csv::ReaderBuilder::new()
        .from_path(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let header: Vec<String> = r.headers()?.iter().map(str::to_string).collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.with_context(|| format!("{}: cannot read", path.display()))?;
        rows.push(Row(header
            .iter()
            .zip(rec.iter())
            .map(|(h, c)| (h.clone(), schema::csv_value(c)))
            .collect()));
    }
    Ok(rows)
}

/// Write `pcn-atlas.gpkg` into `staging` from the files staged there;
/// `findings` are the run's, for each network's map class.
pub fn write_gpkg(staging: &mut Staging, ds: &Dataset, findings: &[Finding]) -> Result<()> {
    let dir = staging.staged().to_path_buf();
    let classes = pcn_classes(findings);
    let last_change = last_change(ds);
    staging.write_at(FILE, |path| {
        write_file(path, &dir, &classes, &last_change)
            .with_context(|| format!("{}: cannot write", staging_name(path)))
    })
}

fn staging_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// Each network's map class (its worst drawn finding), by PCN code.
fn pcn_classes(findings: &[Finding]) -> BTreeMap<&str, &'static str> {
    let mut codes: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.scope == Scope::Pcn) {
        codes
            .entry(f.subject.as_str())
            .or_default()
            .push(f.code.as_str());
    }
    codes
        .into_iter()
        .map(|(k, v)| (k, style::map_class(v.into_iter())))
        .collect()
}

/// `gpkg_contents.last_change`: the newest edition date of the run's input
/// files (and the national files an imported dataset came from), or the
/// epoch when none has one — never the clock, so the bytes repeat.
fn last_change(ds: &Dataset) -> String {
    ds.inputs
        .iter()
        .chain(&ds.sources)
        .filter_map(|i| i.edition)
        .max()
        .map_or_else(
            || "1970-01-01T00:00:00.000Z".to_string(),
            |d| format!("{:04}-{:02}-{:02}T00:00:00.000Z", d.year, d.month, d.day),
        )
}

/// A quoted SQL identifier.
fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

const CORE: &str = "
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE,
  min_y DOUBLE,
  max_x DOUBLE,
  max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);
CREATE TABLE layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  f_table_catalog TEXT(256),
  f_table_schema TEXT(256),
  f_table_name TEXT(256),
  f_geometry_column TEXT(256),
  styleName TEXT(30),
  styleQML TEXT,
  styleSLD TEXT,
  useAsDefault BOOLEAN,
  description TEXT,
  owner TEXT(30),
  ui TEXT(30),
  update_time DATETIME
);
";

/// The R-tree triggers of the GeoPackage 1.3 `gpkg_rtree_index` extension
/// (`<t>`, `<c>`, `<i>`: table, geometry column, primary key; `<upsert>`:
/// [`RTREE_UPSERT`]).
const RTREE_TRIGGERS: &str = "
CREATE TRIGGER \"rtree_<t>_<c>_insert\" AFTER INSERT ON \"<t>\"
  WHEN (new.\"<c>\" NOT NULL AND NOT ST_IsEmpty(NEW.\"<c>\"))
BEGIN
  <upsert>
END;
CREATE TRIGGER \"rtree_<t>_<c>_update1\" AFTER UPDATE OF \"<c>\" ON \"<t>\"
  WHEN OLD.\"<i>\" = NEW.\"<i>\" AND
       (NEW.\"<c>\" NOTNULL AND NOT ST_IsEmpty(NEW.\"<c>\"))
BEGIN
  <upsert>
END;
CREATE TRIGGER \"rtree_<t>_<c>_update2\" AFTER UPDATE OF \"<c>\" ON \"<t>\"
  WHEN OLD.\"<i>\" = NEW.\"<i>\" AND
       (NEW.\"<c>\" ISNULL OR ST_IsEmpty(NEW.\"<c>\"))
BEGIN
  DELETE FROM \"rtree_<t>_<c>\" WHERE id = OLD.\"<i>\";
END;
CREATE TRIGGER \"rtree_<t>_<c>_update3\" AFTER UPDATE ON \"<t>\"
  WHEN OLD.\"<i>\" != NEW.\"<i>\" AND
       (NEW.\"<c>\" NOTNULL AND NOT ST_IsEmpty(NEW.\"<c>\"))
BEGIN
  DELETE FROM \"rtree_<t>_<c>\" WHERE id = OLD.\"<i>\";
  <upsert>
END;
CREATE TRIGGER \"rtree_<t>_<c>_update4\" AFTER UPDATE ON \"<t>\"
  WHEN OLD.\"<i>\" != NEW.\"<i>\" AND
       (NEW.\"<c>\" ISNULL OR ST_IsEmpty(NEW.\"<c>\"))
BEGIN
  DELETE FROM \"rtree_<t>_<c>\" WHERE id IN (OLD.\"<i>\", NEW.\"<i>\");
END;
CREATE TRIGGER \"rtree_<t>_<c>_delete\" AFTER DELETE ON \"<t>\"
  WHEN old.\"<c>\" NOT NULL
BEGIN
  DELETE FROM \"rtree_<t>_<c>\" WHERE id = OLD.\"<i>\";
END;
";

/// The statement that (re)indexes a row, in three of the triggers.
const RTREE_UPSERT: &str = "INSERT OR REPLACE INTO \"rtree_<t>_<c>\" VALUES (
    NEW.\"<i>\",
    ST_MinX(NEW.\"<c>\"), ST_MaxX(NEW.\"<c>\"),
    ST_MinY(NEW.\"<c>\"), ST_MaxY(NEW.\"<c>\")
  );";

fn write_file(
    path: &Path,
    dir: &Path,
    classes: &BTreeMap<&str, &'static str>,
    last_change: &str,
) -> Result<()> {
    let mut db = Connection::open(path)?;
    db.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID};
         PRAGMA user_version = {USER_VERSION};
         PRAGMA page_size = 4096;
         PRAGMA journal_mode = OFF;
         PRAGMA synchronous = OFF;
         PRAGMA locking_mode = EXCLUSIVE;
         PRAGMA temp_store = MEMORY;"
    ))?;
    let tx = db.transaction()?;
    tx.execute_batch(CORE)?;
    tx.execute_batch(&format!(
        "INSERT INTO gpkg_spatial_ref_sys VALUES
           ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
           ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
           ('WGS 84 geodetic', {SRS_ID}, 'EPSG', 4326, '{WGS84_WKT}',
            'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');"
    ))?;
    let mut styles = Vec::new();
    for (name, source, description) in &LAYERS {
        let st = match source {
            Source::Features(file, default) => {
                let p = dir.join(file);
                if !p.exists() {
                    continue;
                }
                let is_pcns = *name == "pcns";
                let extra: &[&str] = if is_pcns { &[style::CLASS_COLUMN] } else { &[] };
                let (cols, ty) = feature_schema(&p, *default, extra)?;
                let mut layer = LayerWriter::new(&tx, name, Some(ty), &cols)?;
                let mut pcn_classes = Vec::new();
                for_each_feature::<Geometry, _>(&p, |mut f| {
                    if is_pcns {
                        let class = f
                            .properties
                            .get("pcn_code")
                            .and_then(|v| v.as_str())
                            .and_then(|c| classes.get(c).copied())
                            .unwrap_or(crate::output::map::style::NONE);
                        pcn_classes.push(class);
                        f.properties
                            .0
                            .push((style::CLASS_COLUMN.to_string(), class.into()));
                    }
                    layer.add(&f.properties, f.geometry.as_ref())
                })?;
                layer.finish(description, last_change)?;
                match *name {
                    "pcns" => Some(style::pcns(&pcn_classes)),
                    "areas" => Some(style::areas()),
                    // Hubs only when the run has them: after `check` the drive
                    // keys, `is_hub` among them, are present but null.
                    "practices" => {
                        Some(style::practices(cols.iter().any(|c| {
                            c.name == "is_hub" && c.ty == schema::Type::Boolean
                        })))
                    }
                    "sites" => {
                        Some(style::sites(cols.iter().any(|c| {
                            c.name == "is_hub" && c.ty == schema::Type::Boolean
                        })))
                    }
                    "routes" => Some(style::routes()),
                    _ => None,
                }
            }
            Source::Table(file) => {
                let p = dir.join(file);
                if !p.exists() {
                    continue;
                }
                let rows = read_table(&p)?;
                let cols = schema::infer(rows.iter());
                let mut layer = LayerWriter::new(&tx, name, None, &cols)?;
                for r in &rows {
                    layer.add(r, None)?;
                }
                layer.finish(description, last_change)?;
                None
            }
        };
        if let Some(st) = st {
            styles.push((*name, st));
        }
    }
    for (name, st) in &styles {
        tx.execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name,
               f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description,
               owner, ui, update_time)
             VALUES ('', '', ?1, 'geom', ?2, ?3, ?4, 1, ?5, '', NULL, ?6)",
            params![
                name,
                st.name,
                style::qml(st),
                style::sld(name, st),
                format!("pcn-atlas default style of {name}"),
                last_change
            ],
        )?;
    }
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change)
         VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles', ?1)",
        params![last_change],
    )?;
    tx.commit()?;
    db.close().map_err(|(_, e)| e)?;
    Ok(())
}

/// One layer being written: its table created, rows added one at a time,
/// then registered and indexed by [`LayerWriter::finish`].
struct LayerWriter<'t> {
    tx: &'t rusqlite::Transaction<'t>,
    name: &'t str,
    ty: Option<LayerType>,
    cols: &'t [Column],
    insert: rusqlite::Statement<'t>,
    fid: i64,
    rtree: Vec<(i64, [f64; 4])>,
    extent: Option<[f64; 4]>,
}

impl<'t> LayerWriter<'t> {
    /// Create the table: `fid`, `geom` of type `ty` for a feature layer, and
    /// `cols`.
    fn new(
        tx: &'t rusqlite::Transaction<'t>,
        name: &'t str,
        ty: Option<LayerType>,
        cols: &'t [Column],
    ) -> Result<LayerWriter<'t>> {
        let t = ident(name);
        let mut ddl = format!("CREATE TABLE {t} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL");
        let mut names = vec!["fid".to_string()];
        if let Some(ty) = ty {
            ddl.push_str(&format!(", geom {}", ty.name()));
            names.push("geom".into());
        }
        for c in cols {
            ddl.push_str(&format!(", {} {}", ident(&c.name), c.ty.sql()));
            names.push(ident(&c.name));
        }
        ddl.push(')');
        tx.execute_batch(&ddl)?;
        let holders: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
        let insert = tx.prepare(&format!(
            "INSERT INTO {t} ({}) VALUES ({})",
            names.join(", "),
            holders.join(", ")
        ))?;
        Ok(LayerWriter {
            tx,
            name,
            ty,
            cols,
            insert,
            fid: 0,
            rtree: Vec::new(),
            extent: None,
        })
    }

    /// Add one row (its geometry, for a feature layer).
    fn add(&mut self, row: &Row, g: Option<&Geometry>) -> Result<()> {
        self.fid += 1;
        let mut values: Vec<rusqlite::types::Value> = Vec::with_capacity(self.cols.len() + 2);
        values.push(self.fid.into());
        if let Some(ty) = self.ty {
            match g {
                Some(g) => {
                    if let Some(e) = geom::envelope(g) {
                        geom::extend(&mut self.extent, e);
                        self.rtree.push((self.fid, e));
                    }
                    values.push(geom::gpkg_blob(g, SRS_ID, ty).into());
                }
                None => values.push(rusqlite::types::Value::Null),
            }
        }
        values.extend(self.cols.iter().map(|c| schema::value(c, row)));
        self.insert.execute(params_from_iter(values))?;
        Ok(())
    }

    /// Register the layer in `gpkg_contents` (and a feature layer in
    /// `gpkg_geometry_columns`, with its R-tree, triggers and extension).
    fn finish(self, description: &str, last_change: &str) -> Result<()> {
        let LayerWriter {
            tx,
            name,
            ty,
            insert,
            rtree,
            extent,
            ..
        } = self;
        drop(insert);
        let Some(ty) = ty else {
            tx.execute(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change)
                 VALUES (?1, 'attributes', ?1, ?2, ?3)",
                params![name, description, last_change],
            )?;
            return Ok(());
        };
        // gpkg_contents holds min_x, min_y, max_x, max_y.
        let e = extent.map(|e| [e[0], e[2], e[1], e[3]]);
        tx.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description,
               last_change, min_x, min_y, max_x, max_y, srs_id)
             VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                name,
                description,
                last_change,
                e.map(|e| e[0]),
                e.map(|e| e[1]),
                e.map(|e| e[2]),
                e.map(|e| e[3]),
                SRS_ID
            ],
        )?;
        tx.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, ?3, 0, 0)",
            params![name, ty.name(), SRS_ID],
        )?;
        let rt = ident(&format!("rtree_{name}_geom"));
        tx.execute_batch(&format!(
            "CREATE VIRTUAL TABLE {rt} USING rtree(id, minx, maxx, miny, maxy)"
        ))?;
        let mut ins = tx.prepare(&format!("INSERT INTO {rt} VALUES (?1, ?2, ?3, ?4, ?5)"))?;
        for (fid, e) in rtree {
            ins.execute(params![fid, e[0], e[1], e[2], e[3]])?;
        }
        drop(ins);
        tx.execute_batch(
            &RTREE_TRIGGERS
                .replace("<upsert>", RTREE_UPSERT)
                .replace("<t>", name)
                .replace("<c>", "geom")
                .replace("<i>", "fid"),
        )?;
        tx.execute(
            "INSERT INTO gpkg_extensions VALUES (?1, 'geom', 'gpkg_rtree_index',
               'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
            params![name],
        )?;
        Ok(())
    }
}
