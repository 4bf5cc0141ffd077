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

/// Rutland end to end: the 2022 national files with the May 2017 branch
/// file (branch postcodes from the 2025 Code-Point cut) and the 2022
/// OpenStreetMap extract. Its four practices have seven branches; Gretton
/// (Northamptonshire) and Somerby (Leicestershire) lie beyond the clipped
/// extract, more than 1 km from any road in it: `SITE_UNROUTABLE`.
#[test]
fn rutland_with_its_branches() {
    let Some(data) = common::shared_data("rutland_with_its_branches") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let r = pcn_atlas(
        dir.path(),
        &[
            "import",
            "--from",
            &s(&data.join("england")),
            "--lad",
            "E06000017",
            "--branches",
            &s(&data.join("england/ebranchs-2017-05.csv")),
            "--branch-postcodes",
            &s(&data.join("current/codepoint-open-2025-practices")),
            "--out",
            "rut",
            "-q",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pbf = s(&data.join("rutland/rutland-2022-07.osm.pbf"));
    for (out, extra) in [
        (
            "main",
            vec!["--tour-sites", "main", "--patient-site", "main"],
        ),
        ("sites", vec![]),
    ] {
        let mut args = vec![
            "analyse",
            "-d",
            "rut",
            "--roads",
            &pbf,
            "-o",
            out,
            "-q",
            "--no-maps",
        ];
        args.extend(extra);
        let r = pcn_atlas(dir.path(), &args);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let findings = std::fs::read_to_string(dir.path().join("sites/findings.csv")).unwrap();
    let unroutable: Vec<&str> = findings
        .lines()
        .filter(|l| l.starts_with("dataset,SITE_UNROUTABLE,"))
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    assert_eq!(unroutable, vec!["C82077002", "C82649001"], "{findings}");
    let main = &summary(&dir.path().join("main/pcn_summary.csv"))["U67590"];
    let sites = &summary(&dir.path().join("sites/pcn_summary.csv"))["U67590"];
    let num = |row: &BTreeMap<String, String>, c: &str| row[c].parse::<f64>().unwrap();
    // Patients' mean drive to their practice's nearest site is below the
    // main-site figure (Ketton's, Barrowden's and Exton's villages), and the
    // tour, now through the five routable branches too, is longer.
    let col = "patients_mean_min_to_practice";
    assert!(
        num(sites, col) < num(main, col),
        "{} vs {}",
        sites[col],
        main[col]
    );
    let tour = "staff_tour_min";
    assert!(
        num(sites, tour) > num(main, tour),
        "{} vs {}",
        sites[tour],
        main[tour]
    );
    // The figures in the README.
    assert_eq!((main[col].as_str(), sites[col].as_str()), ("5.64", "4.88"));
    assert_eq!(
        (main[tour].as_str(), sites[tour].as_str()),
        ("52.11", "62.63")
    );
    // The staff matrix covers every tour stop: the four practices, the
    // hub (Oakham School's sanatorium) and Barrowden, Ketton and Exton.
    let mut rdr = csv::Reader::from_path(dir.path().join("sites/staff_matrix.csv")).unwrap();
    let mut codes: Vec<String> = rdr.records().map(|r| r.unwrap()[2].to_string()).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(
        codes,
        vec![
            "C82010",
            "C82010001",
            "C82044",
            "C82044002",
            "C82077",
            "C82077001",
            "C82077003",
            "C82649"
        ]
    );
    // Two branches are school surgeries (Oakham School's sanatorium,
    // Uppingham School): as open sites they draw the towns' patients (and
    // the hub, to the sanatorium); marked `patients = no` they are tour
    // stops only — merged with their main sites, a few minutes away.
    assert_eq!(sites["hub_practice"], "C82010001");
    let text = std::fs::read_to_string(dir.path().join("rut/sites.csv")).unwrap();
    let mut marked = String::new();
    for (i, line) in text.lines().enumerate() {
        let extra = match (i, line.split(',').next()) {
            (0, _) => ",patients",
            (_, Some("C82010001" | "C82077004")) => ",no",
            _ => ",",
        };
        marked.push_str(&format!("{line}{extra}\n"));
    }
    std::fs::write(dir.path().join("schools.csv"), marked).unwrap();
    let r = pcn_atlas(
        dir.path(),
        &[
            "analyse",
            "-d",
            "rut",
            "--sites",
            "schools.csv",
            "--roads",
            &pbf,
            "-o",
            "schools",
            "-q",
            "--no-maps",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let schools = &summary(&dir.path().join("schools/pcn_summary.csv"))["U67590"];
    assert_eq!(schools["hub_practice"], "C82010");
    assert_eq!(
        (schools[col].as_str(), schools[tour].as_str()),
        ("5.22", "63.83")
    );
}

/// `what-if` with sites reuses the baseline's untouched networks (their
/// branch sites mapped to the edited ids) and re-analyses the touched ones:
/// moving Fellside (which has a branch) to Northfield equals a full
/// `analyse` of the edited files; closing Castle Street drops its branch.
#[test]
fn what_if_with_sites_equals_a_full_rerun() {
    let dir = tempfile::tempdir().unwrap();
    let demo_dir = std::path::PathBuf::from(demo());
    std::fs::write(dir.path().join("sites.csv"), SITES).unwrap();
    let roads = demo_dir.join("roads.geojson");
    let roads = roads.to_str().unwrap();
    let what_if = |edit: &[&str], out: &str| {
        let d = demo();
        let mut args = vec![
            "what-if",
            "--dataset",
            &d,
            "--sites",
            "sites.csv",
            "--roads",
            roads,
            "--out",
            out,
            "-q",
        ];
        args.extend_from_slice(edit);
        let r = pcn_atlas(dir.path(), &args);
        assert_eq!(r.code, 0, "{}", r.stderr);
    };
    what_if(&["--move-practice", "D80035=U00004"], "wi");
    // The edited dataset by hand: Fellside in Northfield PCN.
    let edited = dir.path().join("edited");
    std::fs::create_dir_all(&edited).unwrap();
    for f in ["areas.geojson", "registrations.csv", "footprints.csv"] {
        std::fs::copy(demo_dir.join(f), edited.join(f)).unwrap();
    }
    let practices = std::fs::read_to_string(demo_dir.join("practices.csv")).unwrap();
    let practices: String = practices
        .lines()
        .map(|l| {
            if l.starts_with("D80035,") {
                l.replace("U00009,UPLAND DALES PCN", "U00004,NORTHFIELD PCN")
            } else {
                l.to_string()
            }
        })
        .map(|l| l + "\n")
        .collect();
    std::fs::write(edited.join("practices.csv"), practices).unwrap();
    let r = pcn_atlas(
        dir.path(),
        &[
            "analyse",
            "--dataset",
            "edited",
            "--sites",
            "sites.csv",
            "--roads",
            roads,
            "--out",
            "full",
            "-q",
            "--no-maps",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = summary(&dir.path().join("wi/after/pcn_summary.csv"));
    let full = summary(&dir.path().join("full/pcn_summary.csv"));
    assert_eq!(after, full);
    let f = |p: &str| std::fs::read_to_string(dir.path().join(p)).unwrap();
    assert_eq!(f("wi/after/findings.csv"), f("full/findings.csv"));
    // Closing Castle Street takes its branch with it: no site of D80001
    // is left, and Upland Dales (untouched) is as before but for its
    // accessibility scores (recomputed in full: the closed practice's
    // patients re-register and its supply moves with them).
    what_if(&["--close-practice", "D80001"], "closed");
    let not_access = |p: &str| {
        let mut m = summary(&dir.path().join(p)).remove("U00009").unwrap();
        m.retain(|k, _| !k.starts_with("access_"));
        m
    };
    assert_eq!(
        not_access("closed/before/pcn_summary.csv"),
        not_access("closed/after/pcn_summary.csv")
    );
    assert!(!f("closed/after/findings.csv").contains("D80001001"));
}
