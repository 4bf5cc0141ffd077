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
        ".",
        "-q",
    ];
    args.extend_from_slice(extra);
    let r = pcn_atlas(out.path(), &args);
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
        out.path(),
        &[
            "check",
            "-d",
            dir.to_str().unwrap(),
            "-o",
            ".",
            "-q",
            "--fail-on-findings",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let dir = fixture("island-linked");
    let r = pcn_atlas(
        out.path(),
        &[
            "check",
            "-d",
            dir.to_str().unwrap(),
            "-o",
            ".",
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
