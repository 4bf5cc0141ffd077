//! LSOA 2021 geography end to end (issue 14 item 3): centroids from a point
//! shapefile, Census 2021 population headers, RUC 2021, and vintage safety —
//! files on LSOA 2011 codes with LSOA 2021 boundaries (and the reverse)
//! translated through the ONS lookup or refused with exit 2.

mod common;

use common::{folder, pcn_atlas, shared_data};
use pcn_atlas::load::areas::{AreaJoins, load_areas};
use pcn_atlas::load::vintage::{Vintage, vintage_of_codes};
use pcn_atlas::model::CentroidSource;
use shapefile::Point;
use shapefile::dbase::{FieldName, FieldValue, Record, TableWriterBuilder};
use std::collections::BTreeMap;
use std::path::Path;

const BNG_WKT: &str = r#"PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936",DATUM["D_OSGB_1936",SPHEROID["Airy_1830",6377563.396,299.3249646]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],UNIT["Meter",1.0]]"#;
const WGS84_WKT: &str = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["Degree",0.017453292519943295]]"#;

/// 1 km squares in a row near Stafford, in BNG, one per code.
fn squares_geojson(codes: &[String]) -> String {
    let feats: Vec<String> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (x, y) = (390_000 + 1000 * (i as i64 % 40), 320_000 + 1000 * (i as i64 / 40));
            format!(
                r#"{{"type":"Feature","properties":{{"LSOA21CD":"{c}","LSOA21NM":"Area {c}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x},{y1}],[{x1},{y1}],[{x1},{y}],[{x},{y}]]]}}}}"#,
                y1 = y + 1000,
                x1 = x + 1000
            )
        })
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::27700"}}}},"features":[{}]}}"#,
        feats.join(",")
    )
}

fn e01(n: u32) -> String {
    format!("E01{n:06}")
}

/// The 2021 areas of the fixture: one unchanged, two splits, two merges.
/// 2011 → 2021: E01000001 → itself (U); E01000002 → E01033770 + E01033771
/// (S); E01000005 → E01033773 + E01033774 (S); E01000003 + E01000004 →
/// E01033772 (M); E01000006 + E01000007 → E01033775 (M).
fn areas_2021() -> Vec<String> {
    [1, 33_770, 33_771, 33_772, 33_773, 33_774, 33_775]
        .into_iter()
        .map(e01)
        .collect()
}

/// The ONS lookup for the fixture, with the published BOM, CRLF and columns.
fn lookup_csv() -> String {
    let rows = [
        (1, 1, 'U'),
        (2, 33_770, 'S'),
        (2, 33_771, 'S'),
        (5, 33_773, 'S'),
        (5, 33_774, 'S'),
        (3, 33_772, 'M'),
        (4, 33_772, 'M'),
        (6, 33_775, 'M'),
        (7, 33_775, 'M'),
    ];
    let mut s = String::from(
        "\u{feff}LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,CHGIND,LAD22CD,LAD22NM,LAD22NMW,ObjectId\r\n",
    );
    for (i, (a, b, c)) in rows.iter().enumerate() {
        s.push_str(&format!(
            "{},\"Stafford, old {a}\",{},Stafford new {b},{c},E07000197,Stafford,,{}\r\n",
            e01(*a),
            e01(*b),
            i + 1
        ));
    }
    s
}

/// Registrations by LSOA 2011 for two practices (NHS Digital's columns).
const REGS_2011: &str = "PRACTICE_CODE,LSOA_CODE,NUMBER_OF_PATIENTS
P00001,E01000001,10
P00001,E01000002,10
P00001,E01000003,3
P00001,E01000004,4
P00001,E01000005,7
P00001,E01000006,1
P00001,E01000007,2
P00002,E01000002,1
P00002,E01000005,5
P00002,CLOSED,2
";

/// The NHS files of the fixture: two practices in one PCN.
fn nhs_files() -> Vec<(&'static str, String)> {
    vec![
        (
            "map.csv",
            "PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME\n\
             P00001,First Surgery,ST16 1AA,U00001,Stafford PCN\n\
             P00002,Second Surgery,ST16 1AB,U00001,Stafford PCN\n"
                .into(),
        ),
        (
            "list.csv",
            "PRACTICE_CODE,NUMBER_OF_PATIENTS\nP00001,37\nP00002,8\n".into(),
        ),
        (
            "codepoint.csv",
            "\"ST16 1AA\",10,390500,320500\n\"ST16 1AB\",10,392500,320500\n".into(),
        ),
    ]
}

fn import_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "import",
        "--map",
        "map.csv",
        "--list-sizes",
        "list.csv",
        "--postcodes",
        "codepoint.csv",
        "--boundaries",
        "areas.geojson",
        "--out",
        "ds",
    ];
    v.extend_from_slice(extra);
    v
}

fn fixture(extra: &[(&str, String)]) -> tempfile::TempDir {
    let mut files = nhs_files();
    files.push(("areas.geojson", squares_geojson(&areas_2021())));
    files.push(("regs2011.csv", REGS_2011.into()));
    files.push(("lookup.csv", lookup_csv()));
    // Residents of the split S1 areas only: E01000002's patients go 3:1;
    // E01000005's have no residents to go by and are shared equally.
    files.push((
        "population.csv",
        "LSOA21CD,census2021_usual_residents\nE01033770,300\nE01033771,100\n".into(),
    ));
    files.extend(extra.iter().cloned());
    let files: Vec<(&str, &str)> = files.iter().map(|(n, b)| (*n, b.as_str())).collect();
    folder(&files)
}

/// Run `args` in `dir`: exit 2 with `want` in its one-line error.
fn refused(dir: &Path, args: &[&str], want: &str) {
    let r = pcn_atlas(dir, args);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains(want), "missing `{want}` in: {}", r.stderr);
}

fn registrations(dir: &Path) -> BTreeMap<(String, String), u64> {
    let text = std::fs::read_to_string(dir.join("registrations.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("practice_code,area_code,patients"));
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            ((f[0].into(), f[1].into()), f[2].parse().unwrap())
        })
        .collect()
}

#[test]
fn lsoa_2011_registrations_with_2021_boundaries_need_the_lookup() {
    let d = fixture(&[]);
    let r = pcn_atlas(
        d.path(),
        &import_args(&[
            "--registrations",
            "regs2011.csv",
            "--population",
            "population.csv",
        ]),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let err = r.stderr.trim();
    assert_eq!(err.lines().count(), 1, "{err}");
    for want in [
        "regs2011.csv: the registrations file is on LSOA 2011 codes",
        "the boundaries (areas.geojson) are LSOA 2021",
        // E01000002–E01000007 and CLOSED are not areas; 9 distinct codes.
        "7 of its 8 area codes are not in the boundaries (e.g. E01000002, E01000003, E01000004)",
        "0 are 2021-only codes",
        "--lsoa-lookup FILE",
        "LSOA (2011) to LSOA (2021)",
    ] {
        assert!(err.contains(want), "missing `{want}` in: {err}");
    }
    assert!(!d.path().join("ds").exists());
}

#[test]
fn lsoa_2011_registrations_translated_split_merge_unchanged() {
    let d = fixture(&[]);
    let r = pcn_atlas(
        d.path(),
        &import_args(&[
            "--registrations",
            "regs2011.csv",
            "--population",
            "population.csv",
            "--lsoa-lookup",
            "lookup.csv",
        ]),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got = registrations(&d.path().join("ds"));
    let want: BTreeMap<(String, String), u64> = [
        // Unchanged.
        ("P00001", 1, 10),
        // Split 300:100 — 7.5 and 2.5, the tie to the lower code.
        ("P00001", 33_770, 8),
        ("P00001", 33_771, 2),
        // Merged: 3 + 4.
        ("P00001", 33_772, 7),
        // Split without residents: equal shares, 3.5 and 3.5.
        ("P00001", 33_773, 4),
        ("P00001", 33_774, 3),
        // Merged: 1 + 2.
        ("P00001", 33_775, 3),
        // 1 patient 3:1 — 0.75 rounds up, 0.25 writes no row.
        ("P00002", 33_770, 1),
        // 5 in equal shares: 2.5 and 2.5.
        ("P00002", 33_773, 3),
        ("P00002", 33_774, 2),
    ]
    .into_iter()
    .map(|(p, a, n)| ((p.to_string(), e01(a)), n))
    .collect();
    assert_eq!(got, want);
    // Every patient kept: 37 and 6 (CLOSED is reported, not written).
    let by_practice = |p: &str| -> u64 {
        got.iter()
            .filter(|((q, _), _)| q == p)
            .map(|(_, n)| n)
            .sum()
    };
    assert_eq!((by_practice("P00001"), by_practice("P00002")), (37, 6));
    let report = std::fs::read_to_string(d.path().join("ds/import_report.csv")).unwrap();
    let translated: Vec<&str> = report
        .lines()
        .filter(|l| l.starts_with("REGISTRATIONS_LSOA_TRANSLATED"))
        .collect();
    assert_eq!(translated.len(), 3, "{report}");
    for (chg, what) in [
        (
            "CHGIND M",
            "4 rows (10 patients) on LSOA 2011 codes translated to LSOA 2021",
        ),
        ("CHGIND S", "4 rows (23 patients)"),
        ("CHGIND U", "1 rows (10 patients)"),
    ] {
        assert!(
            translated
                .iter()
                .any(|l| l.contains(chg) && l.contains(what)),
            "{chg}: {what} not in {translated:?}"
        );
    }
    assert!(
        translated
            .iter()
            .any(|l| l.contains("8 rows out; 2 split in equal shares")),
        "{translated:?}"
    );
    let json = std::fs::read_to_string(d.path().join("ds/import_report.json")).unwrap();
    assert!(
        json.contains("\"lsoa_lookup\""),
        "lookup listed as an input"
    );
}

/// 200 areas of LSOA 2011 (E01000001–E01000200): enough to tell the edition.
fn areas_2011() -> Vec<String> {
    (1..=200).map(e01).collect()
}

#[test]
fn lsoa_2021_registrations_with_2011_boundaries_and_back() {
    let codes = areas_2011();
    assert_eq!(
        vintage_of_codes(codes.iter().map(String::as_str)),
        Some(Vintage::Lsoa2011)
    );
    let regs = "PRACTICE_CODE,LSOA_CODE,NUMBER_OF_PATIENTS\n\
                P00001,E01000001,10\n\
                P00001,E01033770,6\n\
                P00001,E01033771,2\n\
                P00001,E01033772,9\n\
                P00001,E01033773,1\n\
                P00001,E01033774,1\n\
                P00001,E01033775,4\n";
    // 2011 residents of the two areas merged into E01033772 and E01033775.
    let pop = "LSOA11CD,All Ages\nE01000003,100\nE01000004,200\nE01000006,1\nE01000007,1\n";
    let d = fixture(&[
        ("areas.geojson", squares_geojson(&codes)),
        ("regs2021.csv", regs.into()),
        ("pop2011.csv", pop.into()),
    ]);
    refused(
        d.path(),
        &import_args(&["--registrations", "regs2021.csv"]),
        "regs2021.csv: the registrations file is on LSOA 2021 codes but the boundaries (areas.geojson) are LSOA 2011: 6 of its 7 area codes are not in the boundaries (e.g. E01033770, E01033771, E01033772) and 6 are 2021-only codes",
    );
    let r = pcn_atlas(
        d.path(),
        &import_args(&[
            "--registrations",
            "regs2021.csv",
            "--population",
            "pop2011.csv",
            "--lsoa-lookup",
            "lookup.csv",
        ]),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got = registrations(&d.path().join("ds"));
    let want: BTreeMap<(String, String), u64> = [
        ("P00001", 1, 10),
        // The split reversed: both halves back into E01000002, added.
        ("P00001", 2, 8),
        // The merge reversed: 9 shared 100:200 — 3 and 6.
        ("P00001", 3, 3),
        ("P00001", 4, 6),
        ("P00001", 5, 2),
        // 4 shared 1:1.
        ("P00001", 6, 2),
        ("P00001", 7, 2),
    ]
    .into_iter()
    .map(|(p, a, n)| ((p.to_string(), e01(a)), n))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn a_file_mixing_editions_is_refused_with_counts() {
    let mut regs = String::from(REGS_2011);
    for n in 33_770..=33_775 {
        regs.push_str(&format!("P00001,{},1\n", e01(n)));
    }
    let d = fixture(&[("mixed.csv", regs)]);
    // Without the lookup: every 2021-only code is an area, six 2011 codes are not.
    refused(
        d.path(),
        &import_args(&["--registrations", "mixed.csv"]),
        "mixed.csv: the registrations file mixes LSOA editions: 6 of its 14 area codes are 2021-only, and 6 codes of the 2011 range are not in the LSOA 2021 boundaries (areas.geojson) (e.g. E01000002, E01000003, E01000004)",
    );
    let r = pcn_atlas(
        d.path(),
        &import_args(&[
            "--registrations",
            "mixed.csv",
            "--lsoa-lookup",
            "lookup.csv",
        ]),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("mixed.csv: the registrations file mixes LSOA editions: 6 area codes exist only in LSOA 2011 and 6 only in LSOA 2021"),
        "{}",
        r.stderr
    );
}

#[test]
fn dataset_files_on_the_wrong_edition_are_refused_at_load() {
    let d = fixture(&[]);
    let r = pcn_atlas(
        d.path(),
        &import_args(&[
            "--registrations",
            "regs2011.csv",
            "--lsoa-lookup",
            "lookup.csv",
        ]),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ds = d.path().join("ds");
    let r = pcn_atlas(d.path(), &["check", "--dataset", "ds", "--out", "out"]);
    assert_eq!(r.code, 0, "the translated dataset checks: {}", r.stderr);
    // A planner's footprints drawn on 2011 areas.
    let mut fp = String::from("area_code,pcn_code\n");
    for n in 1..=7 {
        fp.push_str(&format!("{},U00001\n", e01(n)));
    }
    std::fs::write(ds.join("footprints.csv"), fp).unwrap();
    let r = pcn_atlas(d.path(), &["check", "--dataset", "ds", "--out", "out2"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("footprints.csv: footprints is on LSOA 2011 codes but the boundaries (ds/areas.geojson) are LSOA 2021: 6 of its 7 area codes are not in the boundaries"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--lsoa-lookup"), "{}", r.stderr);
    std::fs::remove_file(ds.join("footprints.csv")).unwrap();
    // The untranslated registrations put in place by hand.
    std::fs::write(
        ds.join("registrations.csv"),
        REGS_2011.replace("P00002,CLOSED,2\n", ""),
    )
    .unwrap();
    let r = pcn_atlas(d.path(), &["check", "--dataset", "ds", "--out", "out3"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("registrations.csv: registrations is on LSOA 2011 codes"),
        "{}",
        r.stderr
    );
}

#[test]
fn joined_files_on_the_wrong_edition_are_refused() {
    let mut pop = String::from("LSOA11CD,All Ages\n");
    for n in 1..=7 {
        pop.push_str(&format!("{},1500\n", e01(n)));
    }
    let d = fixture(&[("pop2011.csv", pop)]);
    refused(
        d.path(),
        &import_args(&["--population", "pop2011.csv"]),
        "pop2011.csv: the population file is on LSOA 2011 codes but the boundaries (areas.geojson) are LSOA 2021: 6 of its 7 area codes are not in the boundaries",
    );
}

#[test]
fn every_population_header() {
    let codes = areas_2021();
    for header in [
        "population",
        "census2021_usual_residents",
        "Total: All usual residents",
        "All usual residents",
        "Usual residents",
        "usual_residents",
        "Residence type: Total; measures: Value",
        "All Ages",
    ] {
        // Nomis's bulk TS001 names the code `geography code`.
        let code = if header.starts_with("Residence") {
            "geography code"
        } else {
            "LSOA21CD"
        };
        let mut csv = format!("date,{code},\"{header}\"\n");
        for (i, c) in codes.iter().enumerate() {
            csv.push_str(&format!("2021,{c},{}\n", 1000 + i));
        }
        let d = folder(&[
            ("areas.geojson", &squares_geojson(&codes)),
            ("pop.csv", &csv),
        ]);
        let pop = d.path().join("pop.csv");
        let loaded = load_areas(
            &d.path().join("areas.geojson"),
            &AreaJoins {
                population: Some(&pop),
                ..AreaJoins::default()
            },
        )
        .unwrap_or_else(|e| panic!("{header}: {e}"));
        let got: Vec<Option<u64>> = loaded.areas.iter().map(|a| a.population).collect();
        let want: Vec<Option<u64>> = (0..codes.len() as u64).map(|i| Some(1000 + i)).collect();
        assert_eq!(got, want, "{header}");
    }
    // A bare `Total` could be any count: refused, naming the column wanted.
    let d = folder(&[
        ("areas.geojson", &squares_geojson(&codes)),
        ("pop.csv", "LSOA21CD,Total\nE01000001,5\n"),
    ]);
    let pop = d.path().join("pop.csv");
    let err = load_areas(
        &d.path().join("areas.geojson"),
        &AreaJoins {
            population: Some(&pop),
            ..AreaJoins::default()
        },
    )
    .err()
    .expect("a bare Total is refused")
    .to_string();
    assert!(err.contains("missing column `population`"), "{err}");
}

/// A centroid shapefile as ONS publishes it: points, `LSOA21CD` and
/// `GlobalID` only.
fn write_centroids(dir: &Path, wkt: &str, points: &[(&str, f64, f64)]) -> std::path::PathBuf {
    let shp = dir.join("centroids.shp");
    let table = TableWriterBuilder::new()
        .add_character_field(FieldName::try_from("LSOA21CD").unwrap(), 9)
        .add_character_field(FieldName::try_from("GlobalID").unwrap(), 38);
    let mut w = shapefile::Writer::from_path(&shp, table).unwrap();
    for (i, (code, x, y)) in points.iter().enumerate() {
        let mut rec = Record::default();
        rec.insert(
            "LSOA21CD".into(),
            FieldValue::Character(Some(code.to_string())),
        );
        rec.insert(
            "GlobalID".into(),
            FieldValue::Character(Some(format!("{{0000000{i}-0000-0000-0000-000000000000}}"))),
        );
        w.write_shape_and_record(&Point::new(*x, *y), &rec).unwrap();
    }
    drop(w);
    std::fs::write(shp.with_extension("prj"), wkt).unwrap();
    shp
}

#[test]
fn centroids_from_a_point_shapefile() {
    let codes = areas_2021();
    let d = folder(&[("areas.geojson", &squares_geojson(&codes))]);
    let areas = d.path().join("areas.geojson");
    // BNG: the first two areas, one Welsh code outside the boundaries.
    let shp = write_centroids(
        d.path(),
        BNG_WKT,
        &[
            ("E01000001", 390_250.0, 320_750.0),
            ("W01000001", 300_000.0, 250_000.0),
            ("E01033770", 391_100.0, 320_100.0),
        ],
    );
    let loaded = load_areas(
        &areas,
        &AreaJoins {
            centroids: Some(&shp),
            ..AreaJoins::default()
        },
    )
    .unwrap();
    let a = &loaded.areas;
    assert_eq!((a[0].centroid.x, a[0].centroid.y), (390_250.0, 320_750.0));
    assert_eq!(a[0].centroid_source, CentroidSource::PopulationWeighted);
    assert_eq!((a[1].centroid.x, a[1].centroid.y), (391_100.0, 320_100.0));
    assert_eq!(a[2].centroid_source, CentroidSource::InteriorPoint);
    let input = loaded
        .inputs
        .iter()
        .find(|i| i.role == "centroids")
        .unwrap();
    assert_eq!(input.rows, 3);
    assert!(
        loaded.notices.iter().any(|n| n
            .detail
            .contains("1 of 3 rows name areas not in the areas file (e.g. W01000001)")),
        "the Welsh row is counted"
    );
    // WGS84: converted to BNG (the point of 52.8°N 2.15°W is within metres
    // of what coords gives).
    let d2 = folder(&[("areas.geojson", &squares_geojson(&codes))]);
    let shp = write_centroids(d2.path(), WGS84_WKT, &[("E01000001", -2.15, 52.8)]);
    let loaded = load_areas(
        &d2.path().join("areas.geojson"),
        &AreaJoins {
            centroids: Some(&shp),
            ..AreaJoins::default()
        },
    )
    .unwrap();
    let want = pcn_atlas::coords::wgs84_to_bng(-2.15, 52.8);
    assert_eq!(loaded.areas[0].centroid, want);
    // A missing shapefile is an error naming it.
    let err = load_areas(
        &d2.path().join("areas.geojson"),
        &AreaJoins {
            centroids: Some(&d2.path().join("nope.shp")),
            ..AreaJoins::default()
        },
    )
    .err()
    .expect("missing shapefile")
    .to_string();
    assert!(err.contains("nope"), "{err}");
}

// ------------------------------------------------------------ real data

const STAFFS_LADS: &str =
    "E06000021,E07000192,E07000193,E07000194,E07000195,E07000196,E07000197,E07000198,E07000199";

#[test]
fn real_staffordshire_lsoa_2021_import_and_check() {
    let Some(data) = shared_data("real_staffordshire_lsoa_2021_import_and_check") else {
        return;
    };
    let cur = data.join("current");
    let p = |n: &str| cur.join(n).display().to_string();
    let out = tempfile::tempdir().unwrap();
    let ds = out.path().join("ds");
    let (map, list, pc, b, cen, ruc, pop) = (
        p("gp-reg-pat-prac-map-2025-10.csv"),
        p("gp-reg-pat-prac-all-2026-04-first211rows.csv"),
        p("codepoint-open-2025-practices"),
        p("lsoa21_boundaries_bgc.geojson"),
        p("lsoa21_population_weighted_centroids_v3/LSOA_PopCentroids_EW_2021_V3.shp"),
        p("lsoa21_rural_urban_2021.csv"),
        p("lsoa21_census2021_usual_residents.csv"),
    );
    let r = pcn_atlas(
        out.path(),
        &[
            "import",
            "--map",
            &map,
            "--list-sizes",
            &list,
            "--postcodes",
            &pc,
            "--boundaries",
            &b,
            "--centroids",
            &cen,
            "--ruc",
            &ruc,
            "--population",
            &pop,
            "--lad",
            STAFFS_LADS,
            "--out",
            "ds",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("141 practices (141 located) in 25 PCNs, 697 areas"),
        "{}",
        r.stdout
    );
    let report = std::fs::read_to_string(ds.join("import_report.csv")).unwrap();
    // England and Wales files joined onto England's boundaries: exactly the
    // 1,917 Welsh rows are unmatched in each.
    assert_eq!(
        report
            .lines()
            .filter(|l| l.contains("1917 of 35672 rows name areas not in the areas file"))
            .count(),
        3,
        "{report}"
    );
    let areas: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ds.join("areas.geojson")).unwrap()).unwrap();
    let feats = areas["features"].as_array().unwrap();
    assert_eq!(feats.len(), 697);
    let mut ruc: BTreeMap<String, usize> = BTreeMap::new();
    for f in feats {
        let p = &f["properties"];
        let code = p["area_code"].as_str().unwrap();
        assert!(p["centroid_lon"].is_number(), "{code} has no centroid");
        assert!(p["population"].as_u64().is_some_and(|n| n > 0), "{code}");
        *ruc.entry(p["ruc"].as_str().unwrap().to_string())
            .or_default() += 1;
        assert!(
            ["UN1", "UF1", "RLN1", "RLF1", "RSN1", "RSF1"].contains(&p["ruc"].as_str().unwrap()),
            "{code}"
        );
    }
    assert_eq!(ruc.values().sum::<usize>(), 697);
    let r = pcn_atlas(out.path(), &["check", "--dataset", "ds", "--out", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let checked: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("out/areas.geojson")).unwrap())
            .unwrap();
    let sources: Vec<&str> = checked["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["centroid_source"].as_str().unwrap())
        .collect();
    assert_eq!(sources.len(), 697);
    assert!(sources.iter().all(|s| *s == "population_weighted"));
}

#[test]
fn real_2011_registrations_with_2021_boundaries() {
    let Some(data) = shared_data("real_2011_registrations_with_2021_boundaries") else {
        return;
    };
    let cur = data.join("current");
    let p = |n: &str| cur.join(n).display().to_string();
    let regs = data
        .join("england/gp-reg-pat-prac-lsoa-2022.csv")
        .display()
        .to_string();
    let out = tempfile::tempdir().unwrap();
    let (map, list, pc, b, pop, lookup) = (
        p("gp-reg-pat-prac-map-2025-10.csv"),
        p("gp-reg-pat-prac-all-2026-04-first211rows.csv"),
        p("codepoint-open-2025-practices"),
        p("lsoa21_boundaries_bgc.geojson"),
        p("lsoa21_census2021_usual_residents.csv"),
        p("lsoa11_lsoa21_lad22_lookup.csv"),
    );
    let mut args = vec![
        "import",
        "--map",
        &map,
        "--list-sizes",
        &list,
        "--postcodes",
        &pc,
        "--boundaries",
        &b,
        "--population",
        &pop,
        "--registrations",
        &regs,
        "--lad",
        STAFFS_LADS,
        "--out",
        "ds",
    ];
    let r = pcn_atlas(out.path(), &args);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the registrations file is on LSOA 2011 codes but the boundaries")
            && r.stderr
                .contains("are LSOA 2021: 1130 of its 32940 area codes are not in the boundaries")
            && r.stderr.contains("--lsoa-lookup"),
        "{}",
        r.stderr
    );
    args.extend(["--lsoa-lookup", &lookup]);
    let r = pcn_atlas(out.path(), &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = std::fs::read_to_string(out.path().join("ds/import_report.csv")).unwrap();
    let translated: u64 = report
        .lines()
        .filter(|l| l.starts_with("REGISTRATIONS_LSOA_TRANSLATED"))
        .map(|l| {
            let rows = l.split(": ").nth(1).unwrap().split(' ').next().unwrap();
            rows.parse::<u64>().unwrap()
        })
        .sum();
    // Every row of the national file whose code is in the lookup (English and Welsh).
    assert_eq!(translated, 824_221 + 32_305 + 4_874 + 117, "{report}");
}
