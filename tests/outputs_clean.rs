//! Outputs that open cleanly (issue 15 items 6, 8 and 9; docs/output.md):
//! every GeoJSON pcn-atlas writes on the demo — `check`, `analyse`,
//! `what-if`, `propose`, `roads` — has RFC 7946 winding, one geometry type
//! per layer (read back by GDAL too), counts as integers, floats within
//! their documented decimals, the same keys after `check` and `analyse`,
//! and no `from`/`to` keys; `findings.csv` names each finding's network,
//! practice, area and severity, worked out by hand from data/demo/README.md.

mod common;
#[path = "support/geojson_clean.rs"]
mod geojson_clean;

use common::{csv_rows, demo, pcn_atlas};
use geojson_clean::{Layer, number_problems, read_layer, sql_keyword_keys};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// `check` and `analyse` of the demo, run once for every test here.
fn demo_runs() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        for (cmd, o) in [("check", "check"), ("analyse", "analyse")] {
            let r = pcn_atlas(
                out.path(),
                &[cmd, "--dataset", &demo(), "--out", o, "--no-maps", "-q"],
            );
            assert_eq!(r.code, 0, "{cmd}: {}", r.stderr);
        }
        out
    })
    .path()
}

/// Assert everything item 6 asks of one file; give back what it holds.
fn assert_clean(file: &Path, geometry: &str) -> (Layer, serde_json::Value) {
    let (l, v) = read_layer(file);
    assert!(l.features > 0, "{file:?}: no features");
    assert_eq!(
        l.types.iter().collect::<Vec<_>>(),
        vec![geometry],
        "{file:?}: one geometry type"
    );
    assert!(l.bad_winding.is_empty(), "{file:?}: {:?}", l.bad_winding);
    assert!(
        l.keys.is_some(),
        "{file:?}: every feature has the same keys"
    );
    let bad = number_problems(file);
    assert!(
        bad.is_empty(),
        "{file:?}: numbers off their format: {bad:?}"
    );
    let sql = sql_keyword_keys(&v);
    assert!(sql.is_empty(), "{file:?}: keys {sql:?}");
    (l, v)
}

/// GDAL's summary of a file: (geometry line, feature count).
fn ogr_summary(ogrinfo: &Path, file: &Path) -> (String, usize) {
    let out = std::process::Command::new(ogrinfo)
        .args(["-ro", "-al", "-so"])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = |k: &str| {
        let mut v: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix(k))
            .map(str::trim)
            .collect();
        assert_eq!(v.len(), 1, "{file:?}: one layer, one {k}\n{text}");
        v.remove(0).to_string()
    };
    (line("Geometry:"), line("Feature Count:").parse().unwrap())
}

#[test]
fn check_and_analyse_geojson_open_cleanly() {
    let dir = demo_runs();
    let mut keys: BTreeMap<(&str, &str), Vec<String>> = BTreeMap::new();
    for run in ["check", "analyse"] {
        for (name, geometry) in [
            ("pcns", "MultiPolygon"),
            ("areas", "MultiPolygon"),
            ("practices", "Point"),
        ] {
            let (l, _) = assert_clean(&dir.join(run).join(format!("{name}.geojson")), geometry);
            keys.insert((name, run), l.keys.unwrap());
        }
    }
    // The demo's counts (data/demo/README.md): 9 networks, 258 areas.
    let (pcns, _) = read_layer(&dir.join("check/pcns.geojson"));
    assert_eq!((pcns.features, pcns.null_geometries), (9, 0));
    let (areas, _) = read_layer(&dir.join("check/areas.geojson"));
    assert_eq!(areas.features, 258);
    // A real test of the winding: every area's ring was looked at.
    assert!(areas.rings >= 258, "{}", areas.rings);
    for name in ["pcns", "areas", "practices"] {
        assert_eq!(
            keys[&(name, "check")],
            keys[&(name, "analyse")],
            "{name}: check and analyse write the same keys"
        );
    }
    // The drive keys are there after `check`, as null.
    let (_, v) = read_layer(&dir.join("check/pcns.geojson"));
    let p = &v["features"][0]["properties"];
    for k in [
        "hub_practice",
        "staff_max_min",
        "patients",
        "patients_share_over_30_min_to_hub",
        "access_2sfca_mean",
    ] {
        assert!(p[k].is_null() && p.get(k).is_some(), "{k}: {p}");
    }
    let routes = dir.join("analyse/routes.geojson");
    let (_, v) = assert_clean(&routes, "LineString");
    let r = &v["features"][0]["properties"];
    assert!(
        r["from_code"].is_string() && r["to_code"].is_string(),
        "{r}"
    );
}

/// Upland Dales (U00009) in `analyse`: counts as integers in the text (a
/// float count would read back as an f64 with `.0`).
#[test]
fn counts_are_integers_in_the_text() {
    let text = std::fs::read_to_string(demo_runs().join("analyse/pcns.geojson")).unwrap();
    let line = text.lines().find(|l| l.contains("\"U00009\"")).unwrap();
    // 18,766 registered patients (data/demo/README.md).
    assert!(line.contains("\"list_size\":18766,"), "{line}");
    let v: serde_json::Value = serde_json::from_str(line.trim_end_matches(',')).unwrap();
    let p = &v["properties"];
    assert!(p["patients"].is_u64(), "{}", p["patients"]);
    assert!(
        p["patients_unroutable"].is_u64(),
        "{}",
        p["patients_unroutable"]
    );
    assert!(p["patient_minutes_per_1000"].is_u64());
    assert_eq!(p["practices_routable"], 5);
    assert_eq!(p["worst_severity"], "error");
}

/// GDAL reads each file as one layer of one geometry type, every feature.
#[test]
fn gdal_reads_one_geometry_type_per_layer() {
    let Some(ogrinfo) = common::ogrinfo("gdal_reads_one_geometry_type_per_layer") else {
        return;
    };
    let dir = demo_runs();
    for (file, geometry) in [
        ("check/pcns.geojson", "Multi Polygon"),
        ("check/areas.geojson", "Multi Polygon"),
        ("check/practices.geojson", "Point"),
        ("analyse/pcns.geojson", "Multi Polygon"),
        ("analyse/areas.geojson", "Multi Polygon"),
        ("analyse/practices.geojson", "Point"),
        ("analyse/routes.geojson", "Line String"),
    ] {
        let path = dir.join(file);
        let (l, _) = read_layer(&path);
        let (g, n) = ogr_summary(&ogrinfo, &path);
        assert_eq!((g.as_str(), n), (geometry, l.features), "{file}");
    }
}

/// `findings.csv` on the demo `analyse` run, against data/demo/README.md's
/// list of every expected finding.
#[test]
fn findings_csv_names_network_practice_area_and_severity() {
    let file = demo_runs().join("analyse/findings.csv");
    let header = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        header.lines().next().unwrap(),
        "scope,code,subject,detail,severity,label,pcn_code,pcn_name,practice_code,area_code"
    );
    let rows = csv_rows(&file);
    let find = |code: &str, subject: &str| {
        rows.iter()
            .find(|r| r["code"] == code && r["subject"] == subject)
            .unwrap_or_else(|| panic!("{code} {subject} in {rows:?}"))
    };
    let cols = |r: &BTreeMap<String, String>| {
        [
            r["severity"].clone(),
            r["pcn_code"].clone(),
            r["pcn_name"].clone(),
            r["practice_code"].clone(),
            r["area_code"].clone(),
        ]
    };
    // Expected finding 4: D80025 RIVERSIDE PRACTICE of U00006 EASTWOLD PCN
    // stands outside its footprint.
    assert_eq!(
        cols(find("PRACTICE_OUTSIDE_FOOTPRINT", "U00006")),
        ["error", "U00006", "EASTWOLD PCN", "D80025", ""]
    );
    // Expected finding 2: the farthest member of Upland Dales is D80035.
    assert_eq!(
        cols(find("HUB_IMPRACTICAL", "U00009")),
        ["warning", "U00009", "UPLAND DALES PCN", "D80035", ""]
    );
    assert_eq!(
        cols(find("RURAL_WAIVER_CANDIDATE", "U00009")),
        ["info", "U00009", "UPLAND DALES PCN", "", ""]
    );
    // The unassigned area is a dataset finding about an area.
    assert_eq!(
        cols(find("AREA_UNASSIGNED", "E01900103")),
        ["error", "", "", "", "E01900103"]
    );
    // Every row's severity is its code's; labels are filled.
    for r in &rows {
        assert!(
            ["error", "warning", "info"].contains(&r["severity"].as_str())
                && !r["label"].is_empty(),
            "{r:?}"
        );
    }
    // The same in report.json: the practice in its own field, only there.
    let rep: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(demo_runs().join("analyse/report.json")).unwrap(),
    )
    .unwrap();
    let with_practice: Vec<(&str, &str)> = rep["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| Some((f["code"].as_str()?, f.get("practice")?.as_str()?)))
        .collect();
    assert_eq!(
        with_practice,
        vec![
            ("HUB_IMPRACTICAL", "D80035"),
            ("PRACTICE_OUTSIDE_FOOTPRINT", "D80025")
        ]
    );
}

/// Severity in `pcn_summary.csv` and in each finding of `pcns.geojson`.
#[test]
fn severity_in_the_summary_and_the_footprints() {
    let rows = csv_rows(&demo_runs().join("analyse/pcn_summary.csv"));
    let worst: BTreeMap<&str, &str> = rows
        .iter()
        .map(|r| (r["pcn_code"].as_str(), r["worst_severity"].as_str()))
        .collect();
    // data/demo/README.md: U00003 has no finding; U00004 only RURAL;
    // U00006 a practice outside; U00009 below the band.
    assert_eq!(worst["U00003"], "");
    assert_eq!(worst["U00004"], "info");
    assert_eq!(worst["U00006"], "error");
    assert_eq!(worst["U00009"], "error");
    let (_, v) = read_layer(&demo_runs().join("analyse/pcns.geojson"));
    let u6 = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["pcn_code"] == "U00006")
        .unwrap();
    let fs: Vec<(String, String, String)> = u6["properties"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().into(),
                f["severity"].as_str().unwrap().into(),
                f["practice_code"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert_eq!(
        fs,
        vec![
            (
                "PRACTICE_OUTSIDE_FOOTPRINT".into(),
                "error".into(),
                "D80025".into()
            ),
            ("RURAL".into(), "info".into(), String::new()),
        ]
    );
}

/// what-if's `diff.geojson`, propose's `proposal.geojson` and roads'
/// `roads.geojson` open cleanly too.
#[test]
fn whatif_propose_and_roads_geojson_open_cleanly() {
    let out = tempfile::tempdir().unwrap();
    let d = demo();
    let roads: PathBuf = Path::new(&d).join("roads.geojson");
    for args in [
        vec![
            "what-if",
            "--dataset",
            &d,
            "--move-practice",
            "D80010=U00001",
            "--out",
            "w",
            "-q",
        ],
        vec![
            "propose",
            "--dataset",
            &d,
            "--rural-waiver",
            "--out",
            "p",
            "-q",
        ],
        vec!["roads", "--roads", roads.to_str().unwrap(), "--out", "r"],
    ] {
        let r = pcn_atlas(out.path(), &args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    }
    let (diff, v) = assert_clean(&out.path().join("w/diff.geojson"), "MultiPolygon");
    // Two networks changed, a before and an after feature each.
    assert_eq!(diff.features, 4);
    assert_eq!(v["features"][1]["properties"]["list_size_after"], 60750);
    assert!(v["features"][1]["properties"]["list_size_after"].is_u64());
    let (p, _) = assert_clean(&out.path().join("p/proposal.geojson"), "MultiPolygon");
    assert_eq!(p.features, 9);
    assert_clean(&out.path().join("r/roads.geojson"), "LineString");
    for sub in ["w/before", "w/after"] {
        for (name, g) in [("pcns", "MultiPolygon"), ("areas", "MultiPolygon")] {
            assert_clean(&out.path().join(sub).join(format!("{name}.geojson")), g);
        }
    }
}
