//! `pcn-atlas.gpkg`: the GeoPackage beside the GeoJSON. Read back through
//! SQLite (tables, counts, column types, geometry blobs, the R-tree, the
//! styles) on the hand-made `grid3x3` fixture (answers in
//! `fixtures/README.md`) and the demo, and through GDAL's `ogrinfo` as QGIS
//! would open it.

mod common;
use common::{demo, ogrinfo, pcn_atlas, pcn_atlas_env};
use rusqlite::{Connection, OpenFlags};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const GPKG: &str = "pcn-atlas.gpkg";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Run a command of pcn-atlas into `out/<name>`, which it returns.
fn run(out: &Path, name: &str, args: &[&str]) -> PathBuf {
    let dir = out.join(name);
    let mut a: Vec<&str> = args.to_vec();
    let d = dir.to_str().unwrap().to_string();
    a.extend(["--out", &d, "-q"]);
    let r = pcn_atlas(out, &a);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    dir
}

fn open(dir: &Path) -> Connection {
    Connection::open_with_flags(dir.join(GPKG), OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

fn q_i64(db: &Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Every row of a query, each value as text (`NULL` for null).
fn table(db: &Connection, sql: &str) -> Vec<Vec<String>> {
    use rusqlite::types::ValueRef;
    let mut st = db.prepare(sql).unwrap();
    let n = st.column_count();
    st.query_map([], |r| {
        (0..n)
            .map(|i| {
                Ok(match r.get_ref(i)? {
                    ValueRef::Null => "NULL".to_string(),
                    ValueRef::Integer(v) => v.to_string(),
                    ValueRef::Real(v) => v.to_string(),
                    ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    ValueRef::Blob(b) => format!("<{} bytes>", b.len()),
                })
            })
            .collect()
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// Column name → declared type of a table.
fn columns(db: &Connection, table: &str) -> Vec<(String, String)> {
    let mut st = db
        .prepare(&format!(
            "SELECT name, type FROM pragma_table_info('{table}')"
        ))
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn col_type(cols: &[(String, String)], name: &str) -> String {
    cols.iter()
        .find(|(n, _)| n == name)
        .map(|(_, t)| t.clone())
        .unwrap_or_else(|| panic!("no column {name} in {cols:?}"))
}

fn geojson_count(path: &Path) -> i64 {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["features"].as_array().unwrap().len() as i64
}

fn csv_count(path: &Path) -> i64 {
    csv::Reader::from_path(path).unwrap().records().count() as i64
}

/// gpkg_contents: table → (data_type, extent).
fn contents(db: &Connection) -> BTreeMap<String, (String, Option<[f64; 4]>)> {
    let mut st = db
        .prepare("SELECT table_name, data_type, min_x, min_y, max_x, max_y FROM gpkg_contents")
        .unwrap();
    st.query_map([], |r| {
        let e: [Option<f64>; 4] = [r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?];
        let ext = e[0].map(|_| [e[0].unwrap(), e[1].unwrap(), e[2].unwrap(), e[3].unwrap()]);
        Ok((r.get::<_, String>(0)?, (r.get::<_, String>(1)?, ext)))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// A geometry blob's header: flags, SRS id and envelope
/// `[minx, maxx, miny, maxy]`, and the WKB after it.
fn blob_header(b: &[u8]) -> (u8, i32, [f64; 4], &[u8]) {
    assert_eq!(&b[..3], b"GP\0", "magic and version");
    let flags = b[3];
    let srs = i32::from_le_bytes(b[4..8].try_into().unwrap());
    let f = |i: usize| f64::from_le_bytes(b[i..i + 8].try_into().unwrap());
    assert_eq!(flags & 0b1110, 0b0010, "envelope [minx,maxx,miny,maxy]");
    (flags, srs, [f(8), f(16), f(24), f(32)], &b[40..])
}

/// A QML or SLD document (QML starts with QGIS's DOCTYPE).
fn xml(text: &str) -> roxmltree::Document<'_> {
    let opt = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(text, opt).unwrap()
}

fn wgs84(e: f64, n: f64) -> (f64, f64) {
    pcn_atlas::coords::bng_to_wgs84(pcn_atlas::coords::Bng { x: e, y: n })
}

/// The files of `dir` and the layers and tables of its GeoPackage agree:
/// one row per feature or CSV row.
fn assert_counts_match(dir: &Path, db: &Connection, routes: bool) {
    let c = contents(db);
    let mut want = vec![
        ("pcns", "features", geojson_count(&dir.join("pcns.geojson"))),
        (
            "areas",
            "features",
            geojson_count(&dir.join("areas.geojson")),
        ),
        (
            "practices",
            "features",
            geojson_count(&dir.join("practices.geojson")),
        ),
        (
            "findings",
            "attributes",
            csv_count(&dir.join("findings.csv")),
        ),
        (
            "pcn_summary",
            "attributes",
            csv_count(&dir.join("pcn_summary.csv")),
        ),
        (
            "icb_summary",
            "attributes",
            csv_count(&dir.join("icb_summary.csv")),
        ),
    ];
    if routes {
        want.push((
            "routes",
            "features",
            geojson_count(&dir.join("routes.geojson")),
        ));
    }
    for (t, kind, n) in &want {
        assert_eq!(c[*t].0, *kind, "{t}");
        assert_eq!(q_i64(db, &format!("SELECT count(*) FROM {t}")), *n, "{t}");
    }
    assert_eq!(c.contains_key("routes"), routes);
    assert_eq!(c.len(), want.len() + 1, "and layer_styles: {c:?}");
    assert_eq!(c["layer_styles"].0, "attributes");
}

#[test]
fn grid3x3_by_hand() {
    let t = tempfile::tempdir().unwrap();
    let fx = fixture("grid3x3");
    let dir = run(
        t.path(),
        "check",
        &["check", "--dataset", fx.to_str().unwrap()],
    );
    let db = open(&dir);
    // The GeoPackage 1.3 header fields.
    assert_eq!(q_i64(&db, "PRAGMA application_id"), 0x4750_4B47);
    assert_eq!(q_i64(&db, "PRAGMA user_version"), 10300);
    assert_eq!(
        db.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
            .unwrap(),
        "ok"
    );
    assert_counts_match(&dir, &db, false);
    // 9 areas, 2 networks, 3 practices, 2 findings (fixtures/README.md).
    assert_eq!(q_i64(&db, "SELECT count(*) FROM areas"), 9);
    assert_eq!(q_i64(&db, "SELECT count(*) FROM pcns"), 2);
    assert_eq!(q_i64(&db, "SELECT count(*) FROM practices"), 3);
    assert_eq!(q_i64(&db, "SELECT count(*) FROM findings"), 2);

    // Geometry columns: types and SRS.
    let gc = table(
        &db,
        "SELECT table_name, column_name, geometry_type_name, srs_id, z, m \
         FROM gpkg_geometry_columns ORDER BY table_name",
    );
    let g = |t: &str, ty: &str| -> Vec<String> {
        [t, "geom", ty, "4326", "0", "0"].map(String::from).to_vec()
    };
    assert_eq!(
        gc,
        vec![
            g("areas", "MULTIPOLYGON"),
            g("pcns", "MULTIPOLYGON"),
            g("practices", "POINT")
        ]
    );
    let wkt: String = db
        .query_row(
            "SELECT definition FROM gpkg_spatial_ref_sys WHERE srs_id = 4326",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(wkt.starts_with("GEOGCS[\"WGS 84\"") && wkt.ends_with("AUTHORITY[\"EPSG\",\"4326\"]]"));
    assert_eq!(
        q_i64(
            &db,
            "SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id IN (-1, 0)"
        ),
        2
    );

    // The areas' extent: the 3 km × 3 km grid from E 480000, N 300000, its
    // corners in WGS84 (the grid's extremes are at its corners' longitudes
    // and latitudes to well under the GeoJSON's 1e-7).
    let corners = [
        wgs84(480000.0, 300000.0),
        wgs84(483000.0, 300000.0),
        wgs84(480000.0, 303000.0),
        wgs84(483000.0, 303000.0),
    ];
    let minx = corners.iter().map(|c| c.0).fold(f64::MAX, f64::min);
    let maxx = corners.iter().map(|c| c.0).fold(f64::MIN, f64::max);
    let miny = corners.iter().map(|c| c.1).fold(f64::MAX, f64::min);
    let maxy = corners.iter().map(|c| c.1).fold(f64::MIN, f64::max);
    let ext = contents(&db)["areas"].1.unwrap();
    for (got, want) in ext.iter().zip([minx, miny, maxx, maxy]) {
        assert!(
            (got - want).abs() < 2e-7,
            "{ext:?} vs {minx} {miny} {maxx} {maxy}"
        );
    }
    assert!(contents(&db)["findings"].1.is_none());

    // Typed columns.
    let pc = columns(&db, "pcns");
    assert_eq!(pc[0], ("fid".into(), "INTEGER".into()));
    assert_eq!(pc[1], ("geom".into(), "MULTIPOLYGON".into()));
    for (name, ty) in [
        ("pcn_code", "TEXT"),
        ("list_size", "INTEGER"),
        ("practices", "INTEGER"),
        ("area_km2", "REAL"),
        ("contiguous", "BOOLEAN"),
        ("practice_codes", "TEXT"),
        ("practice_codes_json", "TEXT"),
        ("findings", "TEXT"),
        ("findings_json", "TEXT"),
        ("map_class", "TEXT"),
    ] {
        assert_eq!(col_type(&pc, name), ty, "pcns.{name}");
    }
    let pr = columns(&db, "practices");
    assert_eq!(col_type(&pr, "inside_footprint"), "BOOLEAN");
    assert_eq!(col_type(&pr, "list_size"), "INTEGER");
    let fc = columns(&db, "findings");
    assert_eq!(col_type(&fc, "code"), "TEXT");
    assert!(!fc.iter().any(|(n, _)| n == "geom"));
    let sc = columns(&db, "pcn_summary");
    assert_eq!(col_type(&sc, "list_size"), "INTEGER");
    assert_eq!(col_type(&sc, "area_km2"), "REAL");
    assert_eq!(col_type(&sc, "contiguous"), "BOOLEAN");

    // U1 SPLIT PCN: 35,000 patients, 2 pieces (a multipolygon of two), not
    // contiguous; U2 BIG PCN 60,000, above the band, one piece.
    let row = |code: &str| -> (i64, i64, String, String, Vec<u8>) {
        db.query_row(
            "SELECT list_size, contiguous, map_class, practice_codes, geom FROM pcns WHERE pcn_code = ?1",
            [code],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap()
    };
    let (ls, contiguous, class, codes, blob) = row("U1");
    assert_eq!(
        (ls, contiguous, class.as_str()),
        (35000, 0, "NON_CONTIGUOUS")
    );
    assert_eq!(codes, "P1;P2");
    let (flags, srs, env, wkb) = blob_header(&blob);
    assert_eq!((flags, srs), (0b11, 4326));
    assert_eq!(&wkb[..9], &[1, 6, 0, 0, 0, 2, 0, 0, 0], "multipolygon of 2");
    // U1 spans the whole grid's width, rows a and c: its envelope is the
    // grid's.
    assert!((env[0] - minx).abs() < 2e-7 && (env[3] - maxy).abs() < 2e-7);
    let (ls, contiguous, class, codes, blob) = row("U2");
    assert_eq!(
        (ls, contiguous, class.as_str()),
        (60000, 1, "POPULATION_ABOVE_BAND")
    );
    assert_eq!(codes, "P3");
    let (_, _, _, wkb) = blob_header(&blob);
    assert_eq!(&wkb[..9], &[1, 6, 0, 0, 0, 1, 0, 0, 0], "multipolygon of 1");
    // P1 at E 480500 N 300500: a point whose envelope is itself.
    let blob: Vec<u8> = db
        .query_row(
            "SELECT geom FROM practices WHERE practice_code = 'P1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let (_, _, env, wkb) = blob_header(&blob);
    let (lon, lat) = wgs84(480500.0, 300500.0);
    assert!(
        (env[0] - lon).abs() < 1e-7 && (env[2] - lat).abs() < 1e-7,
        "{env:?}"
    );
    assert_eq!((env[0], env[2]), (env[1], env[3]));
    assert_eq!(&wkb[..5], &[1, 1, 0, 0, 0]);

    // One R-tree entry per feature, matching its blob's envelope (to the
    // R-tree's single precision), and its extension registered.
    for t in ["pcns", "areas", "practices"] {
        assert_eq!(
            q_i64(&db, &format!("SELECT count(*) FROM rtree_{t}_geom")),
            q_i64(
                &db,
                &format!("SELECT count(*) FROM {t} WHERE geom IS NOT NULL")
            ),
            "{t}"
        );
        assert_eq!(
            q_i64(
                &db,
                &format!(
                    "SELECT count(*) FROM gpkg_extensions WHERE table_name = '{t}' \
                     AND column_name = 'geom' AND extension_name = 'gpkg_rtree_index'"
                )
            ),
            1
        );
        assert_eq!(
            q_i64(
                &db,
                &format!(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rtree_{t}_geom_%'"
                )
            ),
            6,
            "{t}"
        );
    }
    let (minx_r, maxy_r): (f64, f64) = db
        .query_row(
            "SELECT r.minx, r.maxy FROM rtree_pcns_geom r JOIN pcns p ON p.fid = r.id WHERE p.pcn_code = 'U1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(minx_r <= minx && (minx_r - minx).abs() < 1e-5, "{minx_r}");
    assert!(maxy_r >= maxy && (maxy_r - maxy).abs() < 1e-5, "{maxy_r}");

    // last_change is fixed: the fixture's files have no edition.
    assert_eq!(
        q_i64(
            &db,
            "SELECT count(*) FROM gpkg_contents WHERE last_change != '1970-01-01T00:00:00.000Z'"
        ),
        0
    );

    // Styles: pcns by worst finding in the map's colours, in the map
    // legend's order; practices as markers; areas as outlines.
    let styles = table(
        &db,
        "SELECT f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault \
         FROM layer_styles ORDER BY id",
    );
    let tables: Vec<&str> = styles.iter().map(|s| s[0].as_str()).collect();
    assert_eq!(tables, ["pcns", "areas", "practices"]);
    assert!(styles.iter().all(|s| s[1] == "geom" && s[5] == "1"));
    let qml = xml(&styles[0][3]);
    let rules: Vec<(String, String, String)> = qml
        .descendants()
        .filter(|n| n.has_tag_name("rule"))
        .map(|n| {
            (
                n.attribute("filter").unwrap_or("").to_string(),
                n.attribute("symbol").unwrap().to_string(),
                n.attribute("label").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rules.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
        [
            "\"map_class\" = 'NON_CONTIGUOUS'",
            "\"map_class\" = 'POPULATION_ABOVE_BAND'"
        ]
    );
    assert!(rules[0].2.ends_with("(1)"), "{:?}", rules[0]);
    // Each rule's symbol is filled with the map's colour for its code.
    for (code, (_, sym, _)) in [
        pcn_atlas::findings::Code::NonContiguous,
        pcn_atlas::findings::Code::PopulationAboveBand,
    ]
    .iter()
    .zip(&rules)
    {
        let hex = code.colour().unwrap().trim_start_matches('#');
        let rgb: Vec<String> = (0..3)
            .map(|i| {
                u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
                    .unwrap()
                    .to_string()
            })
            .collect();
        let symbol = qml
            .descendants()
            .find(|n| n.has_tag_name("symbol") && n.attribute("name") == Some(sym))
            .unwrap();
        let colour = symbol
            .descendants()
            .find(|n| n.has_tag_name("Option") && n.attribute("name") == Some("color"))
            .and_then(|n| n.attribute("value"))
            .unwrap();
        assert!(
            colour.starts_with(&format!("{},", rgb.join(","))),
            "{code}: {colour}"
        );
    }
    let sld = xml(&styles[0][4]);
    let literals: Vec<&str> = sld
        .descendants()
        .filter(|n| n.has_tag_name("Literal"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(literals, ["NON_CONTIGUOUS", "POPULATION_ABOVE_BAND"]);
    // check has no hubs: practices are circles, those outside in red.
    let pq = xml(&styles[2][3]);
    let names: Vec<&str> = pq
        .descendants()
        .filter(|n| n.has_tag_name("Option") && n.attribute("name") == Some("name"))
        .filter_map(|n| n.attribute("value"))
        .collect();
    assert_eq!(names, ["circle", "circle"]);
}

#[test]
fn no_gpkg_skips_it() {
    let t = tempfile::tempdir().unwrap();
    let fx = fixture("grid3x3");
    let dir = run(
        t.path(),
        "check",
        &["check", "--dataset", fx.to_str().unwrap(), "--no-gpkg"],
    );
    assert!(dir.join("pcns.geojson").is_file());
    assert!(!dir.join(GPKG).exists());
}

#[test]
fn demo_analyse_has_routes_hubs_and_the_same_bytes_on_one_thread() {
    let t = tempfile::tempdir().unwrap();
    let d = demo();
    let dir = run(
        t.path(),
        "analyse",
        &["analyse", "--dataset", &d, "--no-maps"],
    );
    let db = open(&dir);
    assert_counts_match(&dir, &db, true);
    assert_eq!(q_i64(&db, "SELECT count(*) FROM areas"), 258);
    assert_eq!(q_i64(&db, "SELECT count(*) FROM practices"), 38);
    let ty: String = db
        .query_row(
            "SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = 'routes'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(ty, "LINESTRING");
    // The demo README's figures: U00001's list size and hub, U00006's worst
    // finding (a practice outside, before rural).
    let (ls, class): (i64, String) = db
        .query_row(
            "SELECT list_size, map_class FROM pcns WHERE pcn_code = 'U00001'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((ls, class.as_str()), (56674, "POPULATION_ABOVE_BAND"));
    let class: String = db
        .query_row(
            "SELECT map_class FROM pcns WHERE pcn_code = 'U00006'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(class, "PRACTICE_OUTSIDE_FOOTPRINT");
    let hub: i64 = db
        .query_row(
            "SELECT is_hub FROM practices WHERE practice_code = 'D80002'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hub, 1);
    assert_eq!(
        q_i64(&db, "SELECT count(*) FROM practices WHERE is_hub = 1"),
        q_i64(
            &db,
            "SELECT count(*) FROM pcns WHERE hub_practice IS NOT NULL"
        )
    );
    // Practices' style: hubs as stars first.
    let qml: String = db
        .query_row(
            "SELECT styleQML FROM layer_styles WHERE f_table_name = 'practices'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let doc = xml(&qml);
    let first = doc.descendants().find(|n| n.has_tag_name("rule")).unwrap();
    assert_eq!(first.attribute("filter"), Some("\"is_hub\" = 1"));
    assert_eq!(
        q_i64(
            &db,
            "SELECT count(*) FROM layer_styles WHERE f_table_name = 'routes'"
        ),
        1
    );
    drop(db);

    // Same inputs, one thread: the same bytes.
    let dir1 = t.path().join("one");
    let r = pcn_atlas_env(
        t.path(),
        &[
            "analyse",
            "--dataset",
            &d,
            "--no-maps",
            "--out",
            dir1.to_str().unwrap(),
            "-q",
        ],
        &[("RAYON_NUM_THREADS", "1")],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        std::fs::read(dir.join(GPKG)).unwrap() == std::fs::read(dir1.join(GPKG)).unwrap(),
        "pcn-atlas.gpkg differs between runs"
    );
}

/// `ogrinfo` with arguments; its stdout, and stderr with GDAL's warnings.
fn ogr(bin: &Path, args: &[&str]) -> (String, String) {
    let o = Command::new(bin).args(args).output().unwrap();
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    );
    assert!(o.status.success(), "ogrinfo {args:?}: {err}");
    (out, err)
}

/// `Feature Count: N` of `ogrinfo -so`.
fn feature_count(summary: &str) -> i64 {
    summary
        .lines()
        .find_map(|l| l.strip_prefix("Feature Count: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no feature count in {summary}"))
}

#[test]
fn demo_check_opens_in_gdal() {
    let Some(bin) = ogrinfo("demo_check_opens_in_gdal") else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let d = demo();
    let dir = run(t.path(), "check", &["check", "--dataset", &d, "--no-maps"]);
    let file = dir.join(GPKG);
    let f = file.to_str().unwrap();
    let (list, err) = ogr(&bin, &["-ro", f]);
    assert!(!err.contains("Warning") && !err.contains("ERROR"), "{err}");
    assert!(list.contains("using driver `GPKG'"), "{list}");
    // Every layer with its geometry type.
    for (layer, ty) in [
        ("pcns", "(Multi Polygon)"),
        ("areas", "(Multi Polygon)"),
        ("practices", "(Point)"),
        ("findings", "(None)"),
        ("pcn_summary", "(None)"),
        ("icb_summary", "(None)"),
    ] {
        assert!(
            list.lines()
                .any(|l| l.ends_with(&format!(": {layer} {ty}"))),
            "{layer} {ty} in {list}"
        );
    }
    assert!(!list.contains("routes"), "{list}");
    for (layer, n) in [
        ("pcns", geojson_count(&dir.join("pcns.geojson"))),
        ("areas", geojson_count(&dir.join("areas.geojson"))),
        ("practices", geojson_count(&dir.join("practices.geojson"))),
        ("findings", csv_count(&dir.join("findings.csv"))),
        ("pcn_summary", csv_count(&dir.join("pcn_summary.csv"))),
        ("icb_summary", csv_count(&dir.join("icb_summary.csv"))),
    ] {
        let (s, err) = ogr(&bin, &["-ro", "-so", f, layer]);
        assert!(!err.contains("Warning") && !err.contains("ERROR"), "{err}");
        assert_eq!(feature_count(&s), n, "{layer}: {s}");
        if layer == "pcns" {
            // Field types as GDAL reads them.
            for want in [
                "list_size: Integer64",
                "area_km2: Real",
                "contiguous: Integer(Boolean)",
                "pcn_code: String",
                "map_class: String",
            ] {
                assert!(s.contains(want), "{want} in {s}");
            }
            assert!(s.contains("Geometry Column = geom"), "{s}");
            assert!(s.contains("ID[\"EPSG\",4326]"), "{s}");
        }
    }
    // A known feature's values (the demo README).
    let (s, _) = ogr(
        &bin,
        &["-ro", "-al", "-where", "pcn_code = 'U00001'", f, "pcns"],
    );
    assert!(s.contains("list_size (Integer64) = 56674"), "{s}");
    assert!(
        s.contains("map_class (String) = POPULATION_ABOVE_BAND"),
        "{s}"
    );
    assert!(s.contains("MULTIPOLYGON ((("), "{s}");
    // GDAL's own reading of the metadata tables.
    let (s, _) = ogr(
        &bin,
        &[
            "-ro",
            "-sql",
            "SELECT count(*) AS n FROM gpkg_contents WHERE data_type = 'features' AND min_x IS NOT NULL AND srs_id = 4326",
            f,
        ],
    );
    assert!(s.contains("n (Integer") && s.contains(") = 3"), "{s}");
    // The spatial index answers: the demo's bounding box holds every area.
    let (s, _) = ogr(
        &bin,
        &["-ro", "-so", "-spat", "-3", "50", "1", "54", f, "areas"],
    );
    assert_eq!(feature_count(&s), 258);
    let (s, _) = ogr(
        &bin,
        &["-ro", "-sql", "SELECT HasSpatialIndex('areas', 'geom')", f],
    );
    assert!(s.contains("HasSpatialIndex (Integer) = 1"), "{s}");

    // GDAL's GeoPackage validator (python3-gdal, which gdal-bin recommends).
    let validator =
        Path::new("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py");
    let python = Path::new("/usr/bin/python3");
    if validator.is_file() && python.is_file() {
        let o = Command::new(python)
            .arg(validator)
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            o.status.success() && o.stdout.is_empty() && o.stderr.is_empty(),
            "validate_gpkg.py: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    } else {
        common::skip(
            "SKIP part of demo_check_opens_in_gdal: GDAL's validate_gpkg.py not found (python3-gdal)",
        );
    }
}
