//! Branch sites through the whole `analyse` (issue 16 items 2–3): main-site
//! options reproduce the run without sites, branches only ever shorten the
//! patients' drive to their practice, asking for sites without a sites file
//! is an error, and Rutland's real branches (2017 ODS file, 2022 roads).

mod common;
use common::{demo, pcn_atlas};
use std::collections::BTreeMap;
use std::path::Path;

/// Two branches of Upland Dales practices (the demo's rural network with
/// drive-time findings): Fellside's in Upperdale's village, Coldwell's
/// between Coldwell and Dalehead; and one in the town of Demchester.
const SITES: &str = "site_code,practice_code,site_name,kind,lon,lat\n\
    D80035,D80035,FELLSIDE SURGERY,main,-1.143600,52.903218\n\
    D80035001,D80035,FELLSIDE AT UPPERDALE,branch,-1.37,52.865\n\
    D80037001,D80037,COLDWELL LOWER BRANCH,branch,-1.4155,52.7592\n\
    D80001001,D80001,CASTLE STREET BRANCH,branch,-1.07,52.76\n";

/// `pcn_summary.csv` by PCN code: column → value.
fn summary(p: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut rdr = csv::Reader::from_path(p).unwrap();
    let head: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            let row: BTreeMap<String, String> = head
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect();
            (row["pcn_code"].clone(), row)
        })
        .collect()
}

fn analyse(dir: &Path, out: &str, extra: &[&str]) {
    let d = demo();
    let mut args = vec!["analyse", "--dataset", &d, "--out", out, "-q", "--no-maps"];
    args.extend_from_slice(extra);
    let r = pcn_atlas(dir, &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn main_site_options_give_the_figures_without_sites() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sites.csv"), SITES).unwrap();
    analyse(dir.path(), "plain", &[]);
    analyse(
        dir.path(),
        "main",
        &[
            "--sites",
            "sites.csv",
            "--patient-site",
            "main",
            "--tour-sites",
            "main",
        ],
    );
    let plain = summary(&dir.path().join("plain/pcn_summary.csv"));
    let main = summary(&dir.path().join("main/pcn_summary.csv"));
    assert_eq!(plain.len(), main.len());
    for (pcn, row) in &plain {
        for (col, v) in row {
            assert_eq!(&main[pcn][col], v, "{pcn} {col}");
        }
    }
    // The findings are the same too: every branch is on the roads.
    let f = |d: &str| std::fs::read_to_string(dir.path().join(d).join("findings.csv")).unwrap();
    assert_eq!(f("plain"), f("main"));
}

#[test]
fn branches_only_shorten_the_drive_to_the_practice() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sites.csv"), SITES).unwrap();
    analyse(dir.path(), "plain", &[]);
    analyse(dir.path(), "sites", &["--sites", "sites.csv"]);
    let plain = summary(&dir.path().join("plain/pcn_summary.csv"));
    let sites = summary(&dir.path().join("sites/pcn_summary.csv"));
    let num = |s: &str| s.parse::<f64>().unwrap();
    let mut shorter = Vec::new();
    for (pcn, row) in &plain {
        let col = "patients_mean_min_to_practice";
        let (a, b) = (num(&row[col]), num(&sites[pcn][col]));
        assert!(b <= a, "{pcn}: {b} with branches > {a} without");
        if b < a {
            shorter.push(pcn.as_str());
        }
    }
    // The networks with branches: Demchester Central and Upland Dales.
    assert_eq!(shorter, vec!["U00001", "U00009"]);
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("sites/report.json")).unwrap(),
    )
    .unwrap();
    let opts = &report["drive"]["options"]["sites"];
    assert_eq!(opts["patient_site"], "nearest", "{report:#}");
    assert_eq!(opts["tour_sites"], "all");
}

#[test]
fn asking_for_sites_without_a_sites_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = demo();
    for (flag, value) in [("--patient-site", "nearest"), ("--tour-sites", "all")] {
        let r = pcn_atlas(
            dir.path(),
            &["analyse", "--dataset", &d, "--out", "o", "-q", flag, value],
        );
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!("{flag} {value}")) && r.stderr.contains("sites.csv"),
            "{}",
            r.stderr
        );
    }
}
