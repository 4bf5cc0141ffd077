//! Data vintages (issue 14 item 6): the national sources behind an imported
//! dataset in `report.json` (product, edition, rows, sha256), the vintages
//! line in the summary, `map.html` and `map.svg`, and `INPUTS_MONTHS_APART`
//! for editions more than six months apart.

mod common;
use common::{folder, pcn_atlas, shared_data};
use pcn_atlas::load::dataset::DatasetPaths;
use pcn_atlas::load::edition::Date;
use pcn_atlas::model::{Dataset, InputFile};
use serde_json::Value;
use std::path::Path;

const AREAS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"area_code":"E01033769","population":1500,"ruc":"C1"},
 "geometry":{"type":"Polygon","coordinates":[[[-0.76,52.62],[-0.75,52.62],[-0.75,52.63],[-0.76,52.63],[-0.76,52.62]]]}},
{"type":"Feature","properties":{"area_code":"E01000002","population":1954,"ruc":"E1"},
 "geometry":{"type":"Polygon","coordinates":[[[-0.75,52.62],[-0.74,52.62],[-0.74,52.63],[-0.75,52.63],[-0.75,52.62]]]}}
]}"#;
const PRACTICES: &str = "practice_code,practice_name,pcn_code,pcn_name,list_size,lon,lat\n\
P1,ONE,U1,PCN ONE,1000,-0.755,52.625\n\
P2,TWO,U1,PCN ONE,2000,-0.745,52.625\n";

/// A hand-written `import_report.json` naming a list-size file of edition
/// `list_sizes` and a PCN map of `map`, plus `extra` JSON members.
fn import_report(list_sizes: &str, map: &str, extra: &str) -> String {
    format!(
        r#"{{"version":"0.1.0","inputs":[
  {{"role":"pcn_map","path":"/nhs/gp-reg-pat-prac-map.csv","sha256":"aa","rows":6129,"edition":"{map}"}},
  {{"role":"list_sizes","path":"/nhs/gp-reg-pat-prac-all.csv","sha256":"bb","rows":211,"edition":"{list_sizes}"}},
  {{"role":"registrations","path":"/nhs/lsoa-all.csv","sha256":"cc","rows":16864,"edition":"01Oct2025"}}
]{extra}}}"#
    )
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).expect("read json")).expect("json")
}

/// Run `check` on the fixture with `report` as its import report; the
/// output folder.
fn check_with(report: &str) -> (tempfile::TempDir, common::Run) {
    let d = folder(&[
        ("ds/practices.csv", PRACTICES),
        ("ds/areas.geojson", AREAS),
        ("ds/import_report.json", report),
    ]);
    let r = pcn_atlas(d.path(), &["check", "--dataset", "ds", "--out", "out"]);
    (d, r)
}

/// The `INPUTS_MONTHS_APART` rows of `findings.csv`: scope, code, subject
/// and detail (its first four columns) joined by commas.
fn months_apart_rows(out: &Path) -> Vec<String> {
    let mut r = csv::Reader::from_path(out.join("findings.csv")).expect("findings.csv");
    r.records()
        .map(|x| x.expect("a findings.csv row"))
        .filter(|x| &x[1] == "INPUTS_MONTHS_APART")
        .map(|x| x.iter().take(4).collect::<Vec<_>>().join(","))
        .collect()
}

#[test]
fn editions_seven_months_apart_are_a_notice() {
    // 1 Jan 2026 → 1 Aug 2026: seven whole months (and registrations of
    // 1 Oct 2025 are three months before the list sizes, ten before the map).
    let (d, r) = check_with(&import_report("2026-01-01", "01Aug2026", ""));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = d.path().join("out");
    let rows = months_apart_rows(&out);
    assert_eq!(
        rows,
        vec![
            "dataset,INPUTS_MONTHS_APART,list_sizes/pcn_map,list sizes 1 Jan 2026 \
             (gp-reg-pat-prac-all.csv) and PCN map 1 Aug 2026 (gp-reg-pat-prac-map.csv) \
             are 7 months apart",
            "dataset,INPUTS_MONTHS_APART,registrations/pcn_map,registrations 1 Oct 2025 \
             (lsoa-all.csv) and PCN map 1 Aug 2026 (gp-reg-pat-prac-map.csv) are 10 months apart",
        ],
        "{rows:#?}"
    );
    let rep = read_json(&out.join("report.json"));
    let from = rep["imported_from"].as_array().expect("imported_from");
    assert_eq!(from.len(), 3);
    assert_eq!(from[0]["role"], "pcn_map");
    assert_eq!(from[0]["edition"], "2026-08-01");
    assert_eq!(from[0]["rows"], 6129);
    assert_eq!(from[0]["sha256"], "aa");
    assert!(
        from[0]["product"]
            .as_str()
            .is_some_and(|p| p.contains("gp-reg-pat-prac-map")),
        "{}",
        from[0]
    );
    assert_eq!(from[1]["edition"], "2026-01-01");
    // The dataset's own files are still listed, first, without a product.
    assert_eq!(rep["inputs"][0]["role"], "practices");
    assert!(rep["inputs"][0].get("product").is_none());
    let line = "list sizes: 1 Jan 2026; PCN map: 1 Aug 2026; registrations: Oct 2025; LSOA 2021";
    assert_eq!(rep["vintages"], line);
    assert!(
        r.stdout.contains(&format!("data: {line}\n")),
        "{}",
        r.stdout
    );
    let html = std::fs::read_to_string(out.join("map.html")).unwrap();
    assert!(html.contains(&format!(">{line}</span>")), "map.html");
    // map.svg: the line wrapped at its `; ` into lines that fit the panel.
    let svg = std::fs::read_to_string(out.join("map.svg")).unwrap();
    let lines = subtitle_lines(&svg);
    assert_eq!(lines.join("; "), line, "{lines:?}");
}

/// The `<text>` lines of the SVG's subtitle (grey 12 px, or smaller to fit),
/// each checked to fit the legend panel.
fn subtitle_lines(svg: &str) -> Vec<String> {
    let width: f64 = attr(svg.lines().next().unwrap(), "width").parse().unwrap();
    svg.lines()
        .filter(|l| l.starts_with("<text") && l.contains(r##"fill="#52606d""##))
        .filter(|l| {
            let f: f64 = attr(l, "font-size").parse().unwrap();
            f <= 12.0 && !l.contains("font-size=\"11\"")
        })
        .map(|l| {
            let x: f64 = attr(l, "x").parse().unwrap();
            let font: f64 = attr(l, "font-size").parse().unwrap();
            let text = &l[l.find('>').unwrap() + 1..l.rfind("</text>").unwrap()];
            let w = pcn_atlas::output::map::svg::text_width(text, font);
            assert!(w <= 360.0 && x + w <= width, "clipped: {l} ({w} px)");
            text.to_string()
        })
        .collect()
}

fn attr<'a>(tag: &'a str, name: &str) -> &'a str {
    let k = format!(" {name}=\"");
    let i = tag.find(&k).unwrap_or_else(|| panic!("{name} in {tag}")) + k.len();
    &tag[i..i + tag[i..].find('"').unwrap()]
}

#[test]
fn editions_five_months_apart_are_not() {
    let (d, r) = check_with(&import_report("2026-03-01", "2026-08-01", ""));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = months_apart_rows(&d.path().join("out"));
    // Only registrations (Oct 2025) and the map (Aug 2026) are far apart.
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains("registrations/pcn_map"), "{rows:?}");
    assert!(!rows[0].contains("list sizes"), "{rows:?}");
}

#[test]
fn import_entries_that_are_dataset_findings_are_lifted() {
    // As `import` writes it: the months-apart entry (recomputed at load:
    // kept once), an entry no one recomputes, an area loader notice (the
    // dataset's own load reports those) and an import-only code.
    let extra = r#",
"list_size_source": "registrations",
"entries": [
 {"code":"INPUTS_MONTHS_APART","subject":"list_sizes/pcn_map","detail":"list sizes 1 Jan 2021 (gp-reg-pat-prac-all.csv) and PCN map 1 Jan 2022 (gp-reg-pat-prac-map.csv) are 12 months apart"},
 {"code":"INPUTS_MONTHS_APART","subject":"sing_age/pcn_map","detail":"lifted as written"},
 {"code":"AREA_WITHOUT_RUC","subject":"E01000009","detail":"not lifted"},
 {"code":"POSTCODE_NOT_FOUND","subject":"P9","detail":"not a finding code"}
]"#;
    let (d, r) = check_with(&import_report("01JAN2021", "01Jan2022", extra));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = d.path().join("out");
    let rows = months_apart_rows(&out);
    // Recomputed from the editions: the map and the list sizes 12 months
    // apart (once, though the report has it too), each 45 and 57 months
    // before the registrations of Oct 2025.
    assert_eq!(rows.len(), 4, "{rows:#?}");
    assert!(rows.iter().any(|r| r.contains("are 45 months apart")));
    assert!(rows.iter().any(|r| r.contains("are 57 months apart")));
    assert_eq!(
        rows.iter()
            .filter(|r| r.contains("12 months apart"))
            .count(),
        1
    );
    assert!(
        rows.iter()
            .any(|r| r.ends_with("sing_age/pcn_map,lifted as written"))
    );
    let findings = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    assert!(!findings.contains("not lifted") && !findings.contains("P9"));
    let rep = read_json(&out.join("report.json"));
    assert_eq!(rep["list_size_source"], "registrations");
}

#[test]
fn an_old_import_report_still_loads() {
    // Written before products, editions and list_size_source existed.
    let old = r#"{"version":"0.1.0","filter":{"lads":["E06000017"]},
"inputs":[{"role":"pcn_map","path":"m.csv","sha256":"aa","rows":3},
          {"role":"boundaries?","path":"b.geojson","sha256":"bb","rows":2}],
"practices_written":2,"counts":{},"entries":[]}"#;
    let (d, r) = check_with(old);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rep = read_json(&d.path().join("out/report.json"));
    let from = rep["imported_from"].as_array().unwrap();
    assert_eq!(from.len(), 2);
    assert!(from[0]["product"].is_string() && from[0].get("edition").is_none());
    assert!(from[1].get("product").is_none(), "unknown role: no product");
    assert!(rep.get("list_size_source").is_none());
    // Only the areas' codes tell a vintage.
    assert_eq!(rep["vintages"], "LSOA 2021");
    // A report with none of the fields at all.
    let (d, r) = check_with("{}");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        read_json(&d.path().join("out/report.json"))
            .get("imported_from")
            .is_none()
    );
}

#[test]
fn a_malformed_import_report_is_exit_2_naming_it() {
    for (bad, needle) in [
        (
            r#"{"inputs": [{"role": "pcn_map""#,
            "not a valid import report",
        ),
        (r#"{"inputs": "none"}"#, "not a valid import report"),
        (
            r#"{"inputs": [{"role": "pcn_map", "edition": "Aug\u001b2026"}]}"#,
            "edition is not a date: `Aug\\u{1b}2026`",
        ),
    ] {
        let (_d, r) = check_with(bad);
        assert_eq!(r.code, 2, "{bad}: {}", r.stderr);
        // One error line (after the load stage's progress line).
        let lines: Vec<&str> = r.stderr.lines().filter(|l| !l.starts_with(' ')).collect();
        assert_eq!(lines.len(), 1, "{}", r.stderr);
        assert!(lines[0].starts_with("error: "), "{}", lines[0]);
        assert!(lines[0].contains("import_report.json"), "{}", lines[0]);
        assert!(lines[0].contains(needle), "{}", lines[0]);
        assert!(!r.stderr.contains("panicked"));
    }
}

#[test]
fn the_line_with_every_part_known() {
    let input = |role: &str, product: Option<&str>, ed: &str| InputFile {
        role: role.into(),
        path: format!("{role}.csv"),
        product: product.map(str::to_string),
        edition: Date::parse_extract(ed),
        ..Default::default()
    };
    let d = folder(&[("practices.csv", PRACTICES), ("areas.geojson", AREAS)]);
    let mut ds: Dataset =
        pcn_atlas::load::dataset::load_dataset(&DatasetPaths::dir(d.path())).unwrap();
    ds.inputs = vec![input(
        "roads",
        Some(pcn_atlas::roads::pbf::OSM_PRODUCT),
        "2022-07-20",
    )];
    ds.sources = vec![
        input("pcn_map", None, "01Aug2026"),
        input("list_sizes", None, "2026-08-01"),
        input("registrations", None, "01Oct2025"),
    ];
    assert_eq!(
        pcn_atlas::load::sources::vintage_line(&ds).as_deref(),
        Some(
            "list sizes: 1 Aug 2026; PCN map: 1 Aug 2026; registrations: Oct 2025; \
             LSOA 2021; roads: OSM 2022-07-20"
        )
    );
    // Without a list-size file, the registrations' edition when the list
    // sizes came from them.
    ds.sources.remove(1);
    ds.list_size_source = Some("registrations".into());
    let line = pcn_atlas::load::sources::vintage_line(&ds).unwrap();
    assert!(line.starts_with("list sizes: 1 Oct 2025; "), "{line}");
    // Wrapped for the SVG's legend panel, every line fits.
    let parts: Vec<&str> = line.split("; ").collect();
    let lines = pcn_atlas::output::map::svg::wrap_parts(&parts, "; ", 12.0, 360.0);
    assert!(lines.len() >= 2, "{lines:?}");
    assert_eq!(lines.join("; "), line);
    for l in &lines {
        assert!(
            pcn_atlas::output::map::svg::text_width(l, 12.0) <= 360.0,
            "{l}"
        );
    }
}

#[test]
fn rutland_from_the_england_files() {
    let Some(data) = shared_data("rutland_from_the_england_files") else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let from = data.join("england");
    let r = pcn_atlas(
        t.path(),
        &[
            "import",
            "--from",
            from.to_str().unwrap(),
            "--lad",
            "E06000017",
            "--out",
            "imp",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let imp = read_json(&t.path().join("imp/import_report.json"));
    assert_eq!(imp["counts"]["INPUTS_MONTHS_APART"], 1, "{}", imp["counts"]);
    let pbf = data.join("rutland/rutland-2022-07.osm.pbf");
    let r = pcn_atlas(
        t.path(),
        &[
            "check",
            "--dataset",
            "imp",
            "--roads",
            pbf.to_str().unwrap(),
            "--out",
            "out",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rep = read_json(&t.path().join("out/report.json"));
    let from = rep["imported_from"].as_array().unwrap();
    let of = |role: &str| from.iter().find(|i| i["role"] == role).unwrap().clone();
    assert_eq!(of("pcn_map")["edition"], "2022-01-01");
    assert_eq!(of("pcn_map")["rows"], 6527);
    assert_eq!(of("list_sizes")["edition"], "2021-01-01");
    assert_eq!(of("list_sizes")["rows"], 6658);
    assert!(of("list_sizes")["sha256"].as_str().unwrap().len() == 64);
    for i in from {
        assert!(i["product"].is_string(), "{i}");
    }
    let roads = rep["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["role"] == "roads")
        .unwrap();
    assert_eq!(roads["edition"], "2022-07-20");
    assert_eq!(
        rep["vintages"],
        "list sizes: 1 Jan 2021; PCN map: 1 Jan 2022; roads: OSM 2022-07-20"
    );
    let rows = months_apart_rows(&t.path().join("out"));
    assert_eq!(
        rows,
        vec![
            "dataset,INPUTS_MONTHS_APART,list_sizes/pcn_map,list sizes 1 Jan 2021 \
             (gp-reg-pat-prac-all-2021-01.csv) and PCN map 1 Jan 2022 \
             (gp-reg-pat-prac-map-2022-01.csv) are 12 months apart"
        ]
    );
}

#[test]
fn staffordshire_from_todays_files() {
    let Some(data) = shared_data("staffordshire_from_todays_files") else {
        return;
    };
    let c = data.join("current");
    if !c.is_dir() {
        common::skip(&format!(
            "SKIP staffordshire_from_todays_files: {} not found",
            c.display()
        ));
        return;
    }
    let f = |n: &str| c.join(n).to_str().unwrap().to_string();
    let t = tempfile::tempdir().unwrap();
    let args = [
        "import",
        "--map",
        &f("gp-reg-pat-prac-map-2025-10.csv"),
        "--list-sizes",
        &f("gp-reg-pat-prac-all-2026-04-first211rows.csv"),
        "--epraccur",
        &f("epraccur-2025-09.csv"),
        "--postcodes",
        &f("codepoint-open-2025-practices"),
        "--boundaries",
        &f("lsoa21_boundaries_bgc.geojson"),
        "--ruc",
        &f("lsoa21_rural_urban_2021.csv"),
        "--registrations",
        &f("gp-reg-pat-prac-lsoa-all-2025-10-staffordshire-icb.csv"),
        "--lad",
        "E06000021,E07000192,E07000193,E07000194,E07000195,E07000196,E07000197,E07000198,E07000199",
        "--out",
        "imp",
    ];
    let r = pcn_atlas(t.path(), &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = pcn_atlas(t.path(), &["check", "--dataset", "imp", "--out", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rep = read_json(&t.path().join("out/report.json"));
    // The list sizes of 1 Apr 2026 are exactly six months after the map and
    // the registrations of 1 Oct 2025: not more than six, so no notice.
    let line = "list sizes: 1 Apr 2026; PCN map: 1 Oct 2025; registrations: Oct 2025; LSOA 2021";
    assert_eq!(rep["vintages"], line);
    assert!(
        r.stdout.contains(&format!("data: {line}\n")),
        "{}",
        r.stdout
    );
    assert!(months_apart_rows(&t.path().join("out")).is_empty());
    let from = rep["imported_from"].as_array().unwrap();
    let reg = from.iter().find(|i| i["role"] == "registrations").unwrap();
    assert_eq!(reg["edition"], "2025-10-01");
    assert_eq!(reg["rows"], 16864);
}
