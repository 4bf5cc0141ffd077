//! `check` on the committed demo county finds every planted problem and
//! nothing else (data/demo/README.md, "Every expected finding", minus the
//! drive-time codes that need `analyse`).

mod common;
use common::pcn_atlas;
use std::path::Path;

#[test]
fn demo_check_finds_exactly_the_planted_problems() {
    let out = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
    let r = pcn_atlas(
        out.path(),
        &[
            "check",
            "--dataset",
            demo.to_str().unwrap(),
            "--out",
            "o",
            "-q",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut rdr = csv::Reader::from_path(out.path().join("o/findings.csv")).unwrap();
    let mut got: Vec<String> = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            format!("{} {} {}", &r[0], &r[1], &r[2])
        })
        .collect();
    got.sort();
    let mut want = vec![
        "pcn POPULATION_ABOVE_BAND U00001",
        "pcn NON_CONTIGUOUS U00002",
        "pcn RURAL U00004",
        "pcn RURAL U00005",
        "pcn PRACTICE_OUTSIDE_FOOTPRINT U00006",
        "pcn RURAL U00006",
        "pcn RURAL U00007",
        "pcn RURAL U00008",
        "pcn POPULATION_BELOW_BAND U00009",
        "pcn RURAL_WAIVER_CANDIDATE U00009",
        "pcn RURAL U00009",
        "dataset AREA_UNASSIGNED E01900103",
    ];
    want.sort();
    assert_eq!(got, want);
    let findings = std::fs::read_to_string(out.path().join("o/findings.csv")).unwrap();
    assert!(
        findings.contains("D80025") && findings.contains("E01900154"),
        "{findings}"
    );
    assert!(
        r.stdout.contains("1 below, 7 within, 1 above"),
        "{}",
        r.stdout
    );
    // Same under rook adjacency.
    let r = pcn_atlas(
        out.path(),
        &[
            "check",
            "-d",
            demo.to_str().unwrap(),
            "-o",
            "rook",
            "-q",
            "--contiguity",
            "rook",
        ],
    );
    assert_eq!(r.code, 0);
    assert_eq!(
        std::fs::read(out.path().join("o/findings.csv")).unwrap(),
        std::fs::read(out.path().join("rook/findings.csv")).unwrap()
    );
}
