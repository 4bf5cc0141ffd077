//! `pcn-atlas check` on the hand-made fixtures in `fixtures/`, whose right
//! answers are worked out in `fixtures/README.md`.

mod common;
use common::pcn_atlas;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Findings as sorted `scope code subject` strings, and summary rows by PCN.
struct Outcome {
    findings: Vec<String>,
    summary: BTreeMap<String, BTreeMap<String, String>>,
    out: tempfile::TempDir,
}

fn check(name: &str, extra: &[&str]) -> Outcome {
    let out = tempfile::tempdir().unwrap();
    let dir = fixture(name);
    let mut args = vec![
        "check",
        "--dataset",
        dir.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "-q",
    ];
    args.extend_from_slice(extra);
    let r = pcn_atlas(&dir, &args);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let mut rdr = csv::Reader::from_path(out.path().join("findings.csv")).unwrap();
    let mut findings: Vec<String> = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            format!("{} {} {}", &r[0], &r[1], &r[2])
        })
        .collect();
    findings.sort();
    let mut rdr = csv::Reader::from_path(out.path().join("pcn_summary.csv")).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let summary = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            let row: BTreeMap<String, String> = headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect();
            (row["pcn_code"].clone(), row)
        })
        .collect();
    Outcome {
        findings,
        summary,
        out,
    }
}

fn s(v: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = v.iter().map(|x| x.to_string()).collect();
    v.sort();
    v
}

#[test]
fn grid3x3_one_network_split_in_two() {
    for rule in ["queen", "rook"] {
        let o = check("grid3x3", &["--contiguity", rule]);
        assert_eq!(
            o.findings,
            s(&["pcn NON_CONTIGUOUS U1", "pcn POPULATION_ABOVE_BAND U2"]),
            "{rule}"
        );
        let u1 = &o.summary["U1"];
        assert_eq!(u1["components"], "2");
        assert_eq!(u1["contiguous"], "false");
        assert_eq!(u1["list_size"], "35000");
        assert_eq!(u1["band"], "within");
        assert_eq!(u1["resident_population"], "5000");
        assert_eq!(u1["area_km2"], "5.000");
        assert_eq!(o.summary["U2"]["flags"], "POPULATION_ABOVE_BAND");
        assert_eq!(o.summary["U1"]["flags"], "NON_CONTIGUOUS");
    }
    // The report lists each piece with its areas, residents and practices.
    let o = check("grid3x3", &[]);
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(o.out.path().join("report.json")).unwrap()).unwrap();
    let u1 = report["pcns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["pcn_code"] == "U1")
        .unwrap();
    let comps = u1["components"].as_array().unwrap();
    assert_eq!(comps[0]["areas"], serde_json::json!(["Ga1", "Ga2", "Ga3"]));
    assert_eq!(comps[0]["population"], 3000);
    assert_eq!(comps[0]["practices"], serde_json::json!(["P1"]));
    assert_eq!(comps[1]["areas"], serde_json::json!(["Gc1", "Gc2"]));
    assert_eq!(comps[1]["practices"], serde_json::json!(["P2"]));
    assert_eq!(comps[1]["area_km2"], 2.0);
}

#[test]
fn checkerboard_queen_joins_rook_does_not() {
    let o = check("checkerboard", &[]);
    assert_eq!(o.findings, s(&["pcn RURAL U1", "pcn RURAL U2"]));
    assert_eq!(o.summary["U1"]["rural_share"], "1.0000");
    let o = check("checkerboard", &["--contiguity", "rook"]);
    assert_eq!(
        o.findings,
        s(&[
            "pcn NON_CONTIGUOUS U1",
            "pcn NON_CONTIGUOUS U2",
            "pcn RURAL U1",
            "pcn RURAL U2"
        ])
    );
    assert_eq!(o.summary["U1"]["flags"], "NON_CONTIGUOUS;RURAL");
}

#[test]
fn half_metre_gap_is_closed_by_the_tolerance() {
    let o = check("gap", &[]);
    assert!(o.findings.is_empty(), "{:?}", o.findings);
    let o = check("gap", &["--tolerance-m", "0.1"]);
    assert_eq!(
        o.findings,
        s(&[
            "area AREA_ISLAND He",
            "area AREA_ISLAND Hw",
            "pcn NON_CONTIGUOUS U1"
        ])
    );
}

#[test]
fn island_is_broken_until_a_ferry_links_it() {
    let o = check("island", &[]);
    assert_eq!(
        o.findings,
        s(&[
            "area AREA_ISLAND Iisle",
            "area AREA_ISLAND Imain",
            "pcn NON_CONTIGUOUS U1"
        ])
    );
    assert_eq!(o.summary["U1"]["rural_share"], "0.0909");
    let o = check("island-linked", &[]);
    assert!(o.findings.is_empty(), "{:?}", o.findings);
    assert_eq!(o.summary["U1"]["contiguous"], "true");
}

/// `fixtures/island/ferry.geojson` (BNG): a road to the harbour at
/// (480990, 300500) just inside Imain, a car ferry (25 min) over 5 km of
/// water to (486020, 300500) just inside Iisle, and a road on the island.
/// With `--roads` the ferry joins the two areas: the same answer as the
/// hand-written links.csv of `island-linked`.
#[test]
fn island_is_joined_by_a_ferry_from_the_road_network() {
    let roads = fixture("island").join("ferry.geojson");
    let o = check("island", &["--roads", roads.to_str().unwrap()]);
    assert_eq!(o.findings, Vec::<String>::new());
    assert_eq!(o.summary["U1"]["components"], "1");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(o.out.path().join("report.json")).unwrap())
            .unwrap();
    let links = report["road_links"].as_array().unwrap();
    assert_eq!(links.len(), 1, "{links:?}");
    assert_eq!(links[0]["kind"], "ferry");
    let pair = [
        links[0]["area_code_a"].as_str().unwrap(),
        links[0]["area_code_b"].as_str().unwrap(),
    ];
    assert!(
        pair == ["Imain", "Iisle"] || pair == ["Iisle", "Imain"],
        "{pair:?}"
    );
    // Without roads: broken, as before.
    let o = check("island", &[]);
    assert!(o.findings.contains(&"pcn NON_CONTIGUOUS U1".to_string()));
}

#[test]
fn enclave_touches_its_ring_and_a_practice_in_it_is_outside() {
    for rule in ["queen", "rook"] {
        let o = check("enclave", &["--contiguity", rule]);
        assert_eq!(
            o.findings,
            s(&["pcn PRACTICE_OUTSIDE_FOOTPRINT U1"]),
            "{rule}"
        );
        assert_eq!(o.summary["U1"]["area_km2"], "8.000");
        assert_eq!(o.summary["U1"]["list_size"], "40000");
    }
    let o = check("enclave", &[]);
    let text = std::fs::read_to_string(o.out.path().join("findings.csv")).unwrap();
    assert!(
        text.contains("P3") && text.contains("Ehole") && text.contains("footprint of U2"),
        "{text}"
    );
}

#[test]
fn fail_on_findings_gives_exit_code_1() {
    let out = tempfile::tempdir().unwrap();
    let dir = fixture("grid3x3");
    let r = pcn_atlas(
        &dir,
        &[
            "check",
            "-d",
            dir.to_str().unwrap(),
            "-o",
            out.path().to_str().unwrap(),
            "-q",
            "--fail-on-findings",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let dir = fixture("island-linked");
    let r = pcn_atlas(
        &dir,
        &[
            "check",
            "-d",
            dir.to_str().unwrap(),
            "-o",
            out.path().to_str().unwrap(),
            "-q",
            "--fail-on-findings",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn outputs_are_identical_whatever_the_thread_count() {
    let one = check("enclave", &["--threads", "1"]);
    let two = check("enclave", &["--threads", "2"]);
    for f in [
        "pcns.geojson",
        "areas.geojson",
        "practices.geojson",
        "pcn_summary.csv",
        "findings.csv",
    ] {
        assert_eq!(
            std::fs::read(one.out.path().join(f)).unwrap(),
            std::fs::read(two.out.path().join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn a_failed_run_leaves_no_output() {
    let out = tempfile::tempdir().unwrap();
    let d = common::folder(&[
        (
            "practices.csv",
            "practice_code,pcn_code,list_size,easting,northing\nP1,U1,1,480500,300500\n",
        ),
        (
            "areas.geojson",
            "{\"type\":\"FeatureCollection\",\"features\":[{]}",
        ),
    ]);
    let r = pcn_atlas(
        out.path(),
        &[
            "check",
            "-d",
            d.path().to_str().unwrap(),
            "-o",
            "result",
            "-q",
        ],
    );
    assert_eq!(r.code, 2);
    let left: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    // The output folder is not even created before the inputs load.
    assert!(
        left.iter().all(|p| !p.join("findings.csv").exists()),
        "{left:?}"
    );
}

/// `practices.geojson` `inside_footprint`: true / false only for a practice
/// with both a PCN and a location; null when either is missing (a practice
/// without a location cannot be said to be outside). Answers by hand on the
/// enclave fixture: P1 stands in Eouter (U1's) → true; P3 (U1) stands in
/// Ehole (U2's) → false; P4 (U1) has no coordinates → null; P5 has no PCN
/// → null.
#[test]
fn inside_footprint_is_null_for_a_practice_without_a_location() {
    let areas = std::fs::read_to_string(fixture("enclave").join("areas.geojson")).unwrap();
    let footprints = std::fs::read_to_string(fixture("enclave").join("footprints.csv")).unwrap();
    let d = common::folder(&[
        (
            "practices.csv",
            "practice_code,practice_name,pcn_code,pcn_name,list_size,postcode,easting,northing\n\
             P1,RING SURGERY,U1,RING PCN,31000,,480500,300500\n\
             P2,TOWN SURGERY,U2,TOWN PCN,35000,,481500,301500\n\
             P3,TOWN BRANCH,U1,RING PCN,9000,,481600,301600\n\
             P4,NOWHERE SURGERY,U1,RING PCN,100,ZZ1 1ZZ,,\n\
             P5,LONE SURGERY,,,100,,480600,300600\n",
        ),
        ("areas.geojson", &areas),
        ("footprints.csv", &footprints),
    ]);
    let out = tempfile::tempdir().unwrap();
    let r = pcn_atlas(
        d.path(),
        &["check", "-d", ".", "-o", out.path().to_str().unwrap(), "-q"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(out.path().join("practices.geojson")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let inside: BTreeMap<String, serde_json::Value> = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["practice_code"].as_str().unwrap().to_string(),
                p["inside_footprint"].clone(),
            )
        })
        .collect();
    use serde_json::Value::{Bool, Null};
    assert_eq!(inside["P1"], Bool(true));
    assert_eq!(inside["P2"], Bool(true));
    assert_eq!(inside["P3"], Bool(false));
    assert_eq!(inside["P4"], Null, "{text}");
    assert_eq!(inside["P5"], Null);
}

/// The `PRACTICE_UNLOCATED` detail states the real reason: a row whose
/// coordinate cells are empty was not geocoded where the file was written
/// (not "no --postcodes lookup given"); in a dataset made by `import`, the
/// import report's `POSTCODE_NOT_FOUND` reason is quoted.
#[test]
fn unlocated_practice_detail_states_the_real_reason() {
    let areas = std::fs::read_to_string(fixture("enclave").join("areas.geojson")).unwrap();
    let practices = "practice_code,practice_name,pcn_code,pcn_name,list_size,postcode,easting,northing\n\
         P1,RING SURGERY,U1,RING PCN,31000,,480500,300500\n\
         P4,NOWHERE SURGERY,U1,RING PCN,100,ZZ1 1ZZ,,\n";
    let detail = |files: &[(&str, &str)]| -> String {
        let d = common::folder(files);
        let out = tempfile::tempdir().unwrap();
        let r = pcn_atlas(
            d.path(),
            &["check", "-d", ".", "-o", out.path().to_str().unwrap(), "-q"],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let mut rdr = csv::Reader::from_path(out.path().join("findings.csv")).unwrap();
        rdr.records()
            .map(|r| r.unwrap())
            .find(|r| &r[1] == "PRACTICE_UNLOCATED" && &r[2] == "P4")
            .map(|r| r[3].to_string())
            .unwrap()
    };
    let plain = detail(&[("practices.csv", practices), ("areas.geojson", &areas)]);
    assert!(!plain.contains("no --postcodes lookup given"), "{plain}");
    assert!(
        plain.contains("practices.csv:3")
            && plain.contains("easting/northing cells are empty")
            && plain.contains("ZZ1 1ZZ"),
        "{plain}"
    );
    let imported = detail(&[
        ("practices.csv", practices),
        ("areas.geojson", &areas),
        (
            "import_report.csv",
            "code,subject,detail\n\
             POSTCODE_NOT_FOUND,P4,postcode ZZ1 1ZZ of NOWHERE SURGERY (U1) is not in Code-Point Open (cpo): written without coordinates\n",
        ),
    ]);
    assert!(
        imported.contains("practices.csv:3")
            && imported.contains("could not geocode")
            && imported.contains("is not in Code-Point Open")
            && imported.contains("import_report.csv"),
        "{imported}"
    );
}

/// The dissolve sliver check: `report.json` says what is measured and the
/// limit; a dissolved footprint that lost area is named and warned about.
#[test]
fn dissolve_check_names_pcns_over_the_limit() {
    use pcn_atlas::check::run::{CheckOptions, run_check};
    use pcn_atlas::check::sliver::{DISSOLVE_RELATIVE_LIMIT, DissolveCheck};
    use pcn_atlas::load::dataset::{DatasetPaths, load_dataset};
    let ds = load_dataset(&DatasetPaths::dir(fixture("enclave"))).unwrap();
    let res = run_check(&ds, &CheckOptions::default());
    let groups: Vec<_> = res.pcns.iter().map(|c| c.areas.clone()).collect();
    let mut dissolved = pcn_atlas::check::dissolve::dissolve_groups(&ds.areas, &groups);
    let ok = DissolveCheck::measure(&ds, &res, &dissolved);
    assert!(ok.max_relative_difference <= 1e-12, "{ok:?}");
    assert!(ok.pcns_over_limit.is_empty() && ok.warning().is_none());
    assert_eq!(ok.limit, DISSOLVE_RELATIVE_LIMIT);
    // Drop U2's footprint (the 1 km² hole): all its area is missing.
    dissolved[1] = geo::MultiPolygon(vec![]);
    let bad = DissolveCheck::measure(&ds, &res, &dissolved);
    assert_eq!(bad.pcns_over_limit, vec!["U2".to_string()]);
    assert_eq!(bad.worst_pcn.as_deref(), Some("U2"));
    assert!((bad.max_relative_difference - 1.0).abs() < 1e-12);
    assert!(bad.warning().unwrap().contains("U2"));

    let o = check("enclave", &[]);
    let text = std::fs::read_to_string(o.out.path().join("report.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v["dissolve"]["limit"].as_f64(),
        Some(DISSOLVE_RELATIVE_LIMIT)
    );
    assert_eq!(v["dissolve"]["pcns_over_limit"], serde_json::json!([]));
}
