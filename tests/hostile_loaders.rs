//! Hostile input to the loaders (issue 13 items 1, 4 and the loader parts of
//! 9): every bad file is exit 2 with one line naming the file, the line or
//! feature and the value (shortened, control characters escaped) — never a
//! panic, never rows dropped without a word, never an input file changed.
//! The property tests at the end run every truncation of a small real
//! GeoJSON file and mutations of shapefiles, PBF and TOML; set
//! `PCN_ATLAS_FUZZ_CASES` for a longer run (see docs/reliability/loaders.md).

mod common;

use common::{demo, pcn_atlas};
use pcn_atlas::load::areas::{AreaJoins, load_areas};
use pcn_atlas::load::dataset::{DatasetPaths, load_dataset};
use pcn_atlas::load::geojson::read_feature_collection;
use pcn_atlas::roads::load_roads;
use pcn_atlas::roads::profile::CarProfile;
use proptest::prelude::*;
use shapefile::dbase::{FieldName, FieldValue, Record, TableWriterBuilder};
use shapefile::{Point, Polygon, PolygonRing};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------- helpers

/// A copy of the demo dataset (without its roads) in a temporary folder,
/// with `replace` written over (or beside) its files.
fn demo_with(replace: &[(&str, &[u8])]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let src = PathBuf::from(demo());
    for f in [
        "practices.csv",
        "areas.geojson",
        "registrations.csv",
        "footprints.csv",
    ] {
        std::fs::copy(src.join(f), d.path().join(f)).unwrap();
    }
    for (name, bytes) in replace {
        std::fs::write(d.path().join(name), bytes).unwrap();
    }
    d
}

fn demo_file(name: &str) -> String {
    std::fs::read_to_string(Path::new(&demo()).join(name)).unwrap()
}

/// Every file of a folder with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect()
}

/// Run the binary in `dir`, expecting exit 2 and one line on stderr that
/// holds every needle, no raw control character and no panic; the folder's
/// files are unchanged. Returns the line.
fn expect_one_line(dir: &Path, args: &[&str], needles: &[&str]) -> String {
    let before = snapshot(dir);
    let r = pcn_atlas(dir, args);
    assert_eq!(r.code, 2, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line expected, got:\n{}", r.stderr);
    let line = lines[0];
    assert!(line.starts_with("error: "), "{line}");
    assert!(
        !line.chars().any(|c| c.is_control()),
        "a raw control character reached the terminal: {line:?}"
    );
    for n in needles {
        assert!(line.contains(n), "`{n}` missing from: {line}");
    }
    assert_eq!(snapshot(dir), before, "an input file changed");
    line.to_string()
}

fn validate_error(d: &tempfile::TempDir, needles: &[&str]) -> String {
    expect_one_line(d.path(), &["validate", "--dataset", "."], needles)
}

// ------------------------------------------- 1. GeoJSON cut inside an escape

#[test]
fn geojson_ending_after_a_backslash_is_exit_2_not_a_panic() {
    let d = demo_with(&[(
        "areas.geojson",
        br#"{"type":"FeatureCollection","features":[{"\"#,
    )]);
    let line = validate_error(&d, &["areas.geojson: line 1, column 43"]);
    assert!(
        line.ends_with("the file ends inside a string escape"),
        "{line}"
    );
}

#[test]
fn geojson_cut_inside_a_unicode_escape_names_line_and_column() {
    let areas = demo_file("areas.geojson");
    // Line 3 of the demo file, cut inside `\u00e9` in its name.
    let mut lines: Vec<String> = areas.lines().take(3).map(str::to_string).collect();
    let name_at = lines[2].find("\"area_name\":\"").unwrap() + "\"area_name\":\"".len();
    lines[2] = format!("{}Caf\\u00", &lines[2][..name_at]);
    let cut = lines.join("\n");
    let d = demo_with(&[("areas.geojson", cut.as_bytes())]);
    let col = lines[2].find("\\u00").unwrap() + 1;
    validate_error(
        &d,
        &[&format!(
            "areas.geojson: line 3, column {col}: the file ends inside a string escape"
        )],
    );
    // The same cut in a road file and in `import --boundaries` goes
    // through the same reader.
    let roads = demo_file("roads.geojson");
    let cut = format!("{}{{\"name\":\"A\\", roads.lines().next().unwrap());
    let d = demo_with(&[("roads.geojson", cut.as_bytes())]);
    expect_one_line(
        d.path(),
        &["roads", "-q", "--roads", "roads.geojson"],
        &["roads.geojson: line 1", "ends inside a string escape"],
    );
}

/// A slice of the demo's areas and roads (header and first features, byte
/// for byte) with escapes of every kind added to a name.
fn small_real_geojson(name: &str, features: usize) -> String {
    let text = demo_file(name);
    let mut lines: Vec<&str> = text.lines().take(1 + features).collect();
    let last = lines.pop().unwrap().trim_end_matches(',');
    let mut out = lines.join("\n");
    out.push('\n');
    out.push_str(last);
    out.push_str("\n]}\n");
    out.replacen(
        "\"properties\":{",
        r#""properties":{"note":"Caf\u00e9 \"quoted\" back\\slash \/ \n\t\ud83d\ude00","#,
        1,
    )
}

/// Every truncation of a small real file: an error (one line, naming the
/// file) or, for the whole file, the features — never a panic; a cut inside
/// an escape says so.
#[test]
fn every_truncation_of_a_real_geojson_is_an_error_or_ok_never_a_panic() {
    for (name, features) in [("areas.geojson", 2), ("roads.geojson", 3)] {
        let text = small_real_geojson(name, features);
        let bytes = text.as_bytes();
        let whole = read_feature_collection(Path::new(name), bytes).unwrap();
        assert_eq!(whole.features.len(), features);
        // Cut points that fall inside an escape: after its `\`, or inside
        // the four hex digits of `\u`.
        let mut in_escape = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'\\' {
                let len = if bytes.get(i + 1) == Some(&b'u') {
                    6
                } else {
                    2
                };
                in_escape.extend(i + 1..i + len);
                i += len;
            } else {
                i += 1;
            }
        }
        assert!(in_escape.len() > 20);
        let complete = text.trim_end().len();
        for cut in 0..bytes.len() {
            let r = read_feature_collection(Path::new(name), &bytes[..cut]);
            if cut >= complete {
                assert_eq!(r.unwrap().features.len(), features);
                continue;
            }
            let e = format!("{:#}", r.err().expect("a truncated file is an error"));
            assert!(e.starts_with(name) && !e.contains('\n'), "cut {cut}: {e}");
            // One position, the file's (serde_json's own counts within a
            // feature and contradicted it).
            assert!(!e.contains(" at line "), "cut {cut}: {e}");
            if in_escape.contains(&cut) {
                assert!(
                    e.ends_with("the file ends inside a string escape"),
                    "cut {cut}: {e}"
                );
            }
        }
        // The loaders themselves on a sample of the cuts.
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join(name);
        for cut in (0..bytes.len())
            .step_by(97)
            .chain(in_escape.iter().copied())
        {
            std::fs::write(&p, &bytes[..cut]).unwrap();
            let e = if name.starts_with("areas") {
                load_areas(&p, &AreaJoins::default())
                    .err()
                    .map(|e| e.to_string())
            } else {
                load_roads(&p, &CarProfile::default())
                    .err()
                    .map(|e| e.to_string())
            };
            assert!(e.is_some(), "cut {cut} loaded");
        }
    }
}

// --------------------------------------------------------------- 2. CSV

#[test]
fn unterminated_quote_is_exit_2_naming_line_and_value_not_half_a_file() {
    let text = demo_file("practices.csv");
    let mut lines: Vec<&str> = text.lines().collect();
    let bad = lines[5].replacen(',', ",\"", 1);
    lines[5] = &bad;
    let body = lines.join("\n") + "\n";
    let d = demo_with(&[("practices.csv", body.as_bytes())]);
    let col = bad.find('"').unwrap() + 1;
    let line = validate_error(
        &d,
        &[
            &format!("practices.csv:6:{col}: a quoted value is never closed"),
            &format!(": \"{}", &bad[col..col + 20]),
        ],
    );
    // The value is shortened, not the rest of the file.
    assert!(line.ends_with('…') && line.len() < 240, "{line}");
}

#[test]
fn unterminated_quote_in_footprints_is_one_line() {
    let text = demo_file("footprints.csv");
    let body = text.replacen("\nE01900003,", "\nE01900003,\"", 1);
    assert_ne!(body, text);
    let d = demo_with(&[("footprints.csv", body.as_bytes())]);
    validate_error(&d, &["footprints.csv:4:11: a quoted value is never closed"]);
}

#[test]
fn row_with_more_fields_than_the_header_is_exit_2() {
    let text = demo_file("registrations.csv");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[2].push_str(",17");
    let body = lines.join("\n") + "\n";
    let d = demo_with(&[("registrations.csv", body.as_bytes())]);
    validate_error(
        &d,
        &[
            "registrations.csv:3: 4 fields, but the header has 3 columns",
            "`17`",
        ],
    );
}

#[test]
fn quotes_that_merge_rows_are_exit_2_not_rows_lost() {
    // A quote opened on line 6 and closed on line 8 would make lines 6-8
    // one short row: practices 6 and 7 gone without a word.
    let text = demo_file("practices.csv");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[5] = lines[5].replacen(',', ",\"", 1);
    lines[7] = lines[7].replacen(',', "\",", 1);
    let body = lines.join("\n") + "\n";
    let d = demo_with(&[("practices.csv", body.as_bytes())]);
    validate_error(
        &d,
        &[
            "practices.csv:6: a quoted value runs over 3 lines",
            ": ST MARY'S SURGERY,U00001,",
        ],
    );
}

#[test]
fn practice_codes_differing_only_in_case_are_one_practice_with_a_notice() {
    let text = demo_file("practices.csv");
    let lines: Vec<&str> = text.lines().collect();
    let first = lines[1];
    let code = first.split(',').next().unwrap();
    let lower = first.replacen(code, &code.to_ascii_lowercase(), 1);
    let body = format!("{text}{lower}\n");
    let n = lines.len() + 1; // the line of the repeat
    // Registrations may name the practice in either case.
    let regs = demo_file("registrations.csv");
    let regs = regs.replacen(code, &code.to_ascii_lowercase(), 1);
    let d = demo_with(&[
        ("practices.csv", body.as_bytes()),
        ("registrations.csv", regs.as_bytes()),
    ]);
    let ds = load_dataset(&DatasetPaths::dir(d.path())).unwrap();
    assert_eq!(ds.practices.len(), lines.len() - 1, "one practice, not two");
    assert!(ds.practices.iter().all(|p| p.code == p.code.to_uppercase()));
    let notice = ds
        .notices
        .iter()
        .find(|x| x.code.as_str() == "DUPLICATE_CODE")
        .expect("a notice");
    assert!(
        notice.detail.contains(&format!("practices.csv:{n}"))
            && notice.detail.contains("line 2")
            && notice.detail.contains(&code.to_ascii_lowercase())
            && notice.detail.contains(code),
        "{}",
        notice.detail
    );
    let r = pcn_atlas(d.path(), &["validate", "--dataset", "."]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("DUPLICATE_CODE: 1"), "{}", r.stdout);
    // Different values under the two spellings: an error naming both.
    let conflict = format!("{text}{}\n", lower.replacen(",U0", ",U9", 1));
    let d = demo_with(&[("practices.csv", conflict.as_bytes())]);
    validate_error(
        &d,
        &[
            &format!("practices.csv:{n}"),
            "first on line 2",
            "case-insensitive",
        ],
    );
}

// ---------------------------------------------------------- 3. Shapefiles

const BNG_WKT: &str = r#"PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936",DATUM["D_OSGB_1936",SPHEROID["Airy_1830",6377563.396,299.3249646]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],UNIT["Meter",1.0]]"#;

/// Three 1 km squares as an areas shapefile (with `.shx`, `.dbf`, `.prj`)
/// beside the demo's practices.
fn three_area_shapefile(dir: &Path) -> PathBuf {
    let shp = dir.join("areas.shp");
    let table = TableWriterBuilder::new()
        .add_character_field(FieldName::try_from("LSOA11CD").unwrap(), 12)
        .add_numeric_field(FieldName::try_from("pop").unwrap(), 10, 0);
    let mut w = shapefile::Writer::from_path(&shp, table).unwrap();
    for i in 0..3 {
        let (x, y) = (480_000.0 + 1000.0 * i as f64, 300_000.0);
        let ring = vec![
            Point::new(x, y),
            Point::new(x, y + 1000.0),
            Point::new(x + 1000.0, y + 1000.0),
            Point::new(x + 1000.0, y),
            Point::new(x, y),
        ];
        let mut rec = Record::default();
        rec.insert(
            "LSOA11CD".into(),
            FieldValue::Character(Some(format!("E0100000{i}"))),
        );
        rec.insert("pop".into(), FieldValue::Numeric(Some(1500.0)));
        w.write_shape_and_record(&Polygon::with_rings(vec![PolygonRing::Outer(ring)]), &rec)
            .unwrap();
    }
    drop(w);
    std::fs::write(shp.with_extension("prj"), BNG_WKT).unwrap();
    std::fs::copy(
        Path::new(&demo()).join("practices.csv"),
        dir.join("practices.csv"),
    )
    .unwrap();
    shp
}

/// Set the record count a `.dbf` header declares (bytes 4..8).
fn set_dbf_records(shp: &Path, n: u32) {
    let dbf = shp.with_extension("dbf");
    let mut b = std::fs::read(&dbf).unwrap();
    b[4..8].copy_from_slice(&n.to_le_bytes());
    std::fs::write(&dbf, b).unwrap();
}

#[test]
fn shapefile_baseline_loads_three_areas() {
    let d = tempfile::tempdir().unwrap();
    let shp = three_area_shapefile(d.path());
    assert_eq!(
        load_areas(&shp, &AreaJoins::default()).unwrap().areas.len(),
        3
    );
}

#[test]
fn dbf_with_fewer_records_than_shapes_is_exit_2_naming_both_counts() {
    let d = tempfile::tempdir().unwrap();
    let shp = three_area_shapefile(d.path());
    set_dbf_records(&shp, 2);
    expect_one_line(
        d.path(),
        &["validate", "--dataset", "."],
        &["areas.shp: 3 shapes, but", "areas.dbf has 2 records"],
    );
    // More records than shapes (a .shx that lost its tail) likewise.
    let d = tempfile::tempdir().unwrap();
    let shp = three_area_shapefile(d.path());
    let shx = shp.with_extension("shx");
    let b = std::fs::read(&shx).unwrap();
    let mut cut = b[..b.len() - 8].to_vec();
    // The .shx header's file length, in 16-bit words, big-endian.
    let words = (cut.len() / 2) as u32;
    cut[24..28].copy_from_slice(&words.to_be_bytes());
    std::fs::write(&shx, cut).unwrap();
    let e = load_areas(&shp, &AreaJoins::default())
        .err()
        .expect("an error")
        .to_string();
    assert!(
        e.contains("2 shapes, but") && e.contains("3 records"),
        "{e}"
    );
}

#[test]
fn dbf_declaring_more_records_than_it_holds_is_an_error_not_a_hang() {
    // Found by shapefile_mutations_never_panic_or_drop_areas: counting the
    // records left after the last shape never ended (the .dbf reader repeats
    // its read error for ever).
    let d = tempfile::tempdir().unwrap();
    let shp = three_area_shapefile(d.path());
    set_dbf_records(&shp, 1_000_000);
    validate_error(&d, &["areas.dbf: record 4: the file ends early"]);
}

#[test]
fn dbf_mismatch_in_a_road_shapefile_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    let shp = d.path().join("roads.shp");
    let table =
        TableWriterBuilder::new().add_character_field(FieldName::try_from("fclass").unwrap(), 20);
    let mut w = shapefile::Writer::from_path(&shp, table).unwrap();
    for i in 0..3 {
        let x = -0.75 + 0.01 * i as f64;
        let line = shapefile::Polyline::new(vec![Point::new(x, 52.6), Point::new(x, 52.61)]);
        let mut rec = Record::default();
        rec.insert(
            "fclass".into(),
            FieldValue::Character(Some("primary".into())),
        );
        w.write_shape_and_record(&line, &rec).unwrap();
    }
    drop(w);
    std::fs::write(
        shp.with_extension("prj"),
        r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]]]"#,
    )
    .unwrap();
    assert_eq!(
        load_roads(&shp, &CarProfile::default())
            .unwrap()
            .1
            .ways_read,
        3
    );
    set_dbf_records(&shp, 1);
    expect_one_line(
        d.path(),
        &["roads", "-q", "--roads", "roads.shp"],
        &["roads.shp: 3 shapes, but", "roads.dbf has 1 records"],
    );
}

#[test]
fn truncated_dbf_is_one_line_not_a_debug_dump() {
    let d = tempfile::tempdir().unwrap();
    let shp = three_area_shapefile(d.path());
    let dbf = shp.with_extension("dbf");
    let b = std::fs::read(&dbf).unwrap();
    std::fs::write(&dbf, &b[..b.len() - 10]).unwrap();
    let line = validate_error(&d, &["areas.dbf: record 3", "the file ends early"]);
    assert!(
        !line.contains("Error {") && !line.contains("kind:"),
        "{line}"
    );
}

#[test]
fn unsupported_prj_is_one_line() {
    let d = tempfile::tempdir().unwrap();
    let shp = three_area_shapefile(d.path());
    std::fs::write(
        shp.with_extension("prj"),
        "PROJCS[\"WGS_84_Pseudo_Mercator\",\r\n  GEOGCS[\"GCS_WGS_1984\"]]\r\n",
    )
    .unwrap();
    validate_error(
        &d,
        &[
            "areas.prj: unsupported coordinate system",
            "Pseudo_Mercator",
            "\\u{d}\\u{a}",
        ],
    );
}

#[test]
fn an_empty_pbf_is_an_error_not_an_empty_network() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("roads.osm.pbf"), b"").unwrap();
    expect_one_line(
        d.path(),
        &["roads", "-q", "--roads", "roads.osm.pbf"],
        &["roads.osm.pbf: the file is empty"],
    );
}

// ------------------------------------------- 4. Encodings and control text

fn utf16(text: &str, le: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let units = (if bom { "\u{feff}" } else { "" })
        .encode_utf16()
        .chain(text.encode_utf16());
    for u in units {
        out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

#[test]
fn utf16_and_utf32_files_are_named_as_such() {
    let practices = demo_file("practices.csv");
    for (bytes, enc) in [
        (utf16(&practices, true, true), "UTF-16 LE"),
        (utf16(&practices, false, false), "UTF-16 BE"),
        (
            practices
                .chars()
                .flat_map(|c| (c as u32).to_le_bytes())
                .collect(),
            "UTF-32 LE",
        ),
    ] {
        let d = demo_with(&[("practices.csv", &bytes)]);
        validate_error(
            &d,
            &[&format!(
                "practices.csv: encoded as {enc}; save it as UTF-8"
            )],
        );
    }
    let areas = demo_file("areas.geojson");
    let d = demo_with(&[("areas.geojson", &utf16(&areas, true, true))]);
    validate_error(
        &d,
        &["areas.geojson: encoded as UTF-16 LE; save it as UTF-8"],
    );
    // A binary file given as CSV (NUL bytes) says so too.
    let d = demo_with(&[("footprints.csv", b"PK\x03\x04\x14\x00\x00\x00area_code")]);
    validate_error(&d, &["footprints.csv:1:6: not a text file"]);
}

#[test]
fn control_characters_from_input_are_escaped_in_errors() {
    let text = demo_file("practices.csv");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let fields: Vec<&str> = lines[1].split(',').collect();
    let list = fields[4].to_string();
    lines[1] = lines[1].replacen(&list, "12\x1b[2J\x1b]0;pwned\x07", 1);
    let body = lines.join("\n") + "\n";
    let d = demo_with(&[("practices.csv", body.as_bytes())]);
    validate_error(
        &d,
        &["practices.csv:2", "`12\\u{1b}[2J\\u{1b}]0;pwned\\u{7}`"],
    );
    // In GeoJSON: a geometry type with an ESC in it (serde_json's message
    // quotes it verbatim).
    let areas = demo_file("areas.geojson").replacen(
        "\"type\":\"Polygon\"",
        "\"type\":\"\\u001b[31mPolygon\"",
        1,
    );
    let d = demo_with(&[("areas.geojson", areas.as_bytes())]);
    validate_error(&d, &["areas.geojson: feature 1", "\\u{1b}[31mPolygon"]);
    // In a header that lacks a required column.
    let d = demo_with(&[("footprints.csv", b"area\x1b[8m_code,pcn\n")]);
    validate_error(
        &d,
        &["footprints.csv: missing column", "area\\u{1b}[8m_code"],
    );
}

// --------------------------------------------- 5. Property tests (fuzzing)

/// Cases per property: `PCN_ATLAS_FUZZ_CASES`, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PCN_ATLAS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Byte edits (position, value) applied to `base`, then a cut at `cut`
/// (modulo the length + 1).
fn edited(base: &[u8], edits: &[(usize, u8)], cut: usize) -> Vec<u8> {
    let mut b = base.to_vec();
    for &(pos, v) in edits {
        if !b.is_empty() {
            let i = pos % b.len();
            b[i] = v;
        }
    }
    b.truncate(cut % (b.len() + 1));
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(48)))]

    /// Any truncation of the whole demo areas file: an error, never a panic.
    #[test]
    fn demo_areas_cut_anywhere_is_an_error(cut in any::<usize>()) {
        let text = demo_file("areas.geojson");
        let b = &text.as_bytes()[..cut % text.trim_end().len()];
        let r = read_feature_collection(Path::new("areas.geojson"), b);
        prop_assert!(r.is_err());
    }

    /// A shapefile with bytes of its `.shp`, `.shx` or `.dbf` changed or
    /// cut: an error, or all three areas — never a panic, never fewer areas.
    #[test]
    fn shapefile_mutations_never_panic_or_drop_areas(
        which in 0usize..3,
        edits in prop::collection::vec((any::<usize>(), any::<u8>()), 0..6),
        cut in any::<usize>(),
    ) {
        let d = tempfile::tempdir().unwrap();
        let shp = three_area_shapefile(d.path());
        let f = shp.with_extension(["shp", "shx", "dbf"][which]);
        let b = std::fs::read(&f).unwrap();
        let cut = if cut % 4 == 0 { cut } else { b.len() };
        std::fs::write(&f, edited(&b, &edits, cut)).unwrap();
        if let Ok(l) = load_areas(&shp, &AreaJoins::default()) {
            prop_assert_eq!(l.areas.len(), 3);
        }
    }

    /// A CSV with one quote inserted anywhere: an error, or every practice.
    #[test]
    fn a_stray_quote_never_drops_practices(at in any::<usize>()) {
        let text = demo_file("practices.csv");
        let mut b = text.into_bytes();
        let i = at % (b.len() + 1);
        b.insert(i, b'"');
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("practices.csv");
        std::fs::write(&p, &b).unwrap();
        if let Ok(l) = pcn_atlas::load::practices::load_practices(&p, None) {
            prop_assert_eq!(l.practices.len(), 38);
        }
    }

    /// Settings and profile TOML with bytes changed: parsed, resolved and
    /// validated, or an error — never a panic.
    #[test]
    fn toml_mutations_never_panic(
        edits in prop::collection::vec((any::<usize>(), any::<u8>()), 0..6),
        cut in any::<usize>(),
    ) {
        let config = "[check]\ncontiguity = \"queen\"\nband_min = 30000\nband_max = 50000\n\n[drive]\nhub_rule = \"median\"\noff_road_kph = 15.0\nslow_factor = 0.7\n";
        let b = edited(config.as_bytes(), &edits, cut);
        let text = String::from_utf8_lossy(&b);
        if let Ok(t) = toml::from_str::<toml::Table>(&text) {
            let mut values = pcn_atlas::settings::FileValues::default();
            let mut ok = true;
            for section in ["check", "drive"] {
                if let Some(toml::Value::Table(s)) = t.get(section) {
                    ok &= values.read_section(Path::new("pcn-atlas.toml"), section, s).is_ok();
                }
            }
            if ok && let Ok(s) = pcn_atlas::settings::Settings::resolve(&[], &values) {
                let _ = s.check_options();
                let _ = s.drive_options();
            }
        }
        let profile = "ferry_speed_kph = 15.0\nmaxspeed_factor = 0.9\n[speeds]\nmotorway = 100\nprimary = 70\n[classes]\ntrack = false\n";
        let b = edited(profile.as_bytes(), &edits, cut);
        let _ = CarProfile::from_toml_str(&String::from_utf8_lossy(&b));
    }
}

/// The Rutland PBF cut short and with bytes changed: an error or a network,
/// never a panic (real data; skipped without it).
#[test]
fn pbf_mutations_never_panic() {
    let Some(data) = common::shared_data("pbf_mutations_never_panic") else {
        return;
    };
    let full = std::fs::read(data.join("rutland/rutland-2022-07.osm.pbf")).unwrap();
    let head = &full[..full.len().min(300_000)];
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("cut.osm.pbf");
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(cases(24)));
    runner
        .run(
            &(
                prop::collection::vec((any::<usize>(), any::<u8>()), 0..4),
                any::<usize>(),
            ),
            |(edits, cut)| {
                std::fs::write(&p, edited(head, &edits, cut)).unwrap();
                let _ = load_roads(&p, &CarProfile::default());
                Ok(())
            },
        )
        .unwrap();
}
