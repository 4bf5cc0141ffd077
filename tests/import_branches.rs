//! Issue 16 item 1 (import half): `import --branches ebranchs.csv` writes
//! `sites.csv` (a main row per practice, a branch row per branch kept) and
//! counts and lists every branch not kept with its own code. A hand-made
//! national set with one branch of each fate (answers worked out by hand),
//! then Rutland's seven branches and the national counts of the real 2017
//! file, compared with the independent pandas count in
//! `scripts/branch_counts.py` (figures in docs/import.md).

mod common;
use common::{assert_one_line_error, pcn_atlas, shared_data};
use pcn_atlas::load::dataset::{DatasetPaths, load_dataset};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// One ebranchs row as ODS publishes it: 27 quoted fields, status columns
/// 13–14 empty, the parent in column 15.
fn ebr(code: &str, name: &str, postcode: &str, close: &str, parent: &str) -> String {
    let mut f = vec![""; 27];
    f[0] = code;
    f[1] = name;
    f[2] = "Y54";
    f[3] = "Q74";
    f[4] = "HIGH STREET";
    f[7] = "SOMEWHERE";
    f[9] = postcode;
    f[10] = "20040401";
    f[11] = close;
    f[14] = parent;
    f[15] = "20040401";
    f[16] = close;
    f[21] = "0";
    f[23] = "A";
    let q: Vec<String> = f.iter().map(|s| format!("\"{s}\"")).collect();
    q.join(",") + "\r\n"
}

/// The branches, one of each fate (lines 1–7). By hand, with
/// `--branch-postcodes bcp`:
/// 1 P00001001 open, parent P00001, AA1 2AA in cp → written (Latin-1 name)
/// 2 P00001002 closed 2016-06-30 → BRANCH_CLOSED
/// 3 P00001001 again → BRANCH_DUPLICATE (first on line 1)
/// 4 Q00009001 parent Q00009 not in the map → BRANCH_PARENT_NOT_IN_DATASET
/// 5 P00003001 parent P00003 closed (C) in epraccur → BRANCH_PARENT_CLOSED
/// 6 P00002001 ZZ9 9ZZ in no Code-Point folder → BRANCH_UNLOCATED
/// 7 P00002002 BB1 1BB only in bcp → written (without bcp: BRANCH_UNLOCATED)
fn ebranchs() -> Vec<u8> {
    let text = [
        ebr("P00001001", "CAF\u{C9} SURGERY", "AA1 2AA", "", "P00001"),
        ebr("P00001002", "OLD SURGERY", "AA1 2AB", "20160630", "P00001"),
        ebr("P00001001", "COPY", "AA1 2AA", "", "P00001"),
        ebr("Q00009001", "ORPHAN SURGERY", "AA1 2AA", "", "Q00009"),
        ebr("P00003001", "SHUT PARENT", "AA1 2AC", "", "P00003"),
        ebr("P00002001", "NOWHERE", "ZZ9 9ZZ", "", "P00002"),
        ebr("P00002002", "NEWER POSTCODE", "BB1 1BB", "", "P00002"),
    ]
    .concat();
    // Latin-1, as ODS files are encoded ("CAFÉ": É = 0xC9).
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect()
}

fn square(lon0: f64, lon1: f64) -> String {
    let (a, b) = (52.5, 52.8);
    format!("[[[{lon0},{a}],[{lon1},{a}],[{lon1},{b}],[{lon0},{b}],[{lon0},{a}]]]")
}

/// A tiny national set: P00001 and P00002 (PCN U00001) in area E01000001
/// of E06000001, P00003 (PCN U00002) in area E01000002 of E06000002;
/// P00003 is closed in epraccur.
fn national(dir: &Path) {
    let areas = [
        ("E01000001", "E06000001", -1.0, -0.65),
        ("E01000002", "E06000002", -0.65, -0.3),
    ];
    let features: Vec<String> = areas
        .iter()
        .map(|(code, lad, x0, x1)| {
            format!(
                r#"{{"type":"Feature","properties":{{"LSOA11CD":"{code}","LSOA11NM":"Area {code}","LAD_CODE":"{lad}"}},"geometry":{{"type":"Polygon","coordinates":{}}}}}"#,
                square(*x0, *x1)
            )
        })
        .collect();
    let files: [(&str, String); 6] = [
        (
            "areas.geojson",
            format!(
                r#"{{"type":"FeatureCollection","features":[{}]}}"#,
                features.join(",")
            ),
        ),
        (
            "map.csv",
            "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME\n\
             GP_PRAC_PAT_LIST,01Jan2022,P00001,PRACTICE ONE,AA1 1AA,U00001,NETWORK ONE\n\
             GP_PRAC_PAT_LIST,01Jan2022,P00002,PRACTICE TWO,AA1 1AB,U00001,NETWORK ONE\n\
             GP_PRAC_PAT_LIST,01Jan2022,P00003,PRACTICE THREE,AA1 1AC,U00002,NETWORK TWO\n"
                .into(),
        ),
        (
            "sizes.csv",
            "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\n\
             GP_PRAC_PAT_LIST,01JAN2022,GP,00L,E38000130,P00001,AA1 1AA,ALL,ALL,1000\n\
             GP_PRAC_PAT_LIST,01JAN2022,GP,00L,E38000130,P00002,AA1 1AB,ALL,ALL,2000\n\
             GP_PRAC_PAT_LIST,01JAN2022,GP,00L,E38000130,P00003,AA1 1AC,ALL,ALL,3000\n"
                .into(),
        ),
        (
            "epraccur.csv",
            "\"P00001\",\"PRACTICE ONE\",\"Y54\",\"Q74\",\"\",\"\",\"\",\"\",\"\",\"AA1 1AA\",\"19740401\",\"\",\"A\"\n\
             \"P00002\",\"PRACTICE TWO\",\"Y54\",\"Q74\",\"\",\"\",\"\",\"\",\"\",\"AA1 1AB\",\"19740401\",\"\",\"A\"\n\
             \"P00003\",\"PRACTICE THREE\",\"Y54\",\"Q74\",\"\",\"\",\"\",\"\",\"\",\"AA1 1AC\",\"19740401\",\"20200331\",\"C\"\n"
                .into(),
        ),
        (
            "cp/Data/CSV/aa.csv",
            "\"AA1 1AA\",10,480000,305000,\"E92000001\"\n\
             \"AA1 1AB\",10,485000,305000,\"E92000001\"\n\
             \"AA1 1AC\",10,505000,305000,\"E92000001\"\n\
             \"AA1 2AA\",10,481000,306000,\"E92000001\"\n\
             \"AA1 2AC\",10,506000,305500,\"E92000001\"\n"
                .into(),
        ),
        (
            "bcp/Data/CSV/bb.csv",
            "\"BB1 1BB\",10,486000,304000,\"E92000001\"\n".into(),
        ),
    ];
    for (name, body) in files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    std::fs::write(dir.join("ebranchs.csv"), ebranchs()).unwrap();
}

fn import(dir: &Path, out: &str, extra: &[&str]) -> common::Run {
    let mut args = vec![
        "import",
        "--map",
        "map.csv",
        "--list-sizes",
        "sizes.csv",
        "--epraccur",
        "epraccur.csv",
        "--postcodes",
        "cp",
        "--boundaries",
        "areas.geojson",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    pcn_atlas(dir, &args)
}

fn report(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("import_report.json")).unwrap()).unwrap()
}

/// The report's branch totals, by key.
fn branch_counts(r: &Value) -> BTreeMap<String, u64> {
    r.as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.starts_with("branches_"))
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect()
}

fn expect(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// `import_report.csv` rows whose code starts with BRANCH_: (code, subject).
fn branch_entries(dir: &Path) -> Vec<(String, String)> {
    let mut rdr = csv::Reader::from_path(dir.join("import_report.csv")).unwrap();
    rdr.records()
        .map(|r| r.unwrap())
        .filter(|r| r[0].starts_with("BRANCH_"))
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect()
}

/// Loading `sites.csv` back raised no `SITE_*` notice.
fn assert_no_site_notice(ds: &pcn_atlas::model::Dataset) {
    let site: Vec<_> = ds
        .notices
        .iter()
        .filter(|n| n.code.as_str().starts_with("SITE_"))
        .collect();
    assert!(site.is_empty(), "{site:?}");
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn each_fate_is_counted_and_listed_and_the_kept_branches_written() {
    let d = tempfile::tempdir().unwrap();
    national(d.path());
    let r = import(
        d.path(),
        "out",
        &["--branches", "ebranchs.csv", "--branch-postcodes", "bcp"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("sites.csv: 2 branches written of 7 in the branch file (6 open)"),
        "{}",
        r.stdout
    );
    let out = d.path().join("out");
    // Sorted by practice code then site code; the Latin-1 name decoded.
    assert_eq!(
        std::fs::read_to_string(out.join("sites.csv")).unwrap(),
        "site_code,practice_code,site_name,kind,postcode,easting,northing\n\
         P00001,P00001,PRACTICE ONE,main,AA1 1AA,480000,305000\n\
         P00001001,P00001,CAF\u{C9} SURGERY,branch,AA1 2AA,481000,306000\n\
         P00002,P00002,PRACTICE TWO,main,AA1 1AB,485000,305000\n\
         P00002002,P00002,NEWER POSTCODE,branch,BB1 1BB,486000,304000\n\
         P00003,P00003,PRACTICE THREE,main,AA1 1AC,505000,305000\n"
    );
    let rep = report(&out);
    assert_eq!(
        branch_counts(&rep),
        expect(&[
            ("branches_in_file", 7),
            ("branches_open", 6),
            ("branches_duplicate", 1),
            ("branches_out_of_selection", 0),
            ("branches_closed", 1),
            ("branches_parent_not_in_dataset", 1),
            ("branches_parent_closed", 1),
            ("branches_unlocated", 1),
            ("branches_written", 2),
        ])
    );
    assert_eq!(
        branch_entries(&out),
        pairs(&[
            ("BRANCH_CLOSED", "P00001002"),
            ("BRANCH_DUPLICATE", "P00001001"),
            ("BRANCH_PARENT_CLOSED", "P00003001"),
            ("BRANCH_PARENT_NOT_IN_DATASET", "Q00009001"),
            ("BRANCH_UNLOCATED", "P00002001"),
        ])
    );
    let csv = std::fs::read_to_string(out.join("import_report.csv")).unwrap();
    for needle in [
        "closed on 2016-06-30",
        "first on line 1",
        "parent practice Q00009 is not in the PCN map",
        "parent practice P00003 (PRACTICE THREE) is closed (status C)",
        "postcode ZZ9 9ZZ is not in Code-Point Open (bcp or cp)",
    ] {
        assert!(csv.contains(needle), "`{needle}` missing: {csv}");
    }
    assert_eq!(rep["counts"]["BRANCH_CLOSED"], 1);
    let roles: Vec<&str> = rep["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["role"].as_str().unwrap())
        .collect();
    assert!(roles.contains(&"branches") && roles.contains(&"branch_postcodes"));

    // Loaded back: both branches, with their parent, and no SITE_* notice.
    let ds = load_dataset(&DatasetPaths::dir(&out)).unwrap();
    assert!(ds.sites_given);
    let got: Vec<(&str, &str)> = ds
        .branches
        .iter()
        .map(|b| (b.code.as_str(), ds.practice(b.practice).code.as_str()))
        .collect();
    assert_eq!(got, [("P00001001", "P00001"), ("P00002002", "P00002")]);
    assert_no_site_notice(&ds);
    // And `check` runs on it.
    let r = pcn_atlas(d.path(), &["check", "--dataset", "out", "-o", "chk", "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let findings = std::fs::read_to_string(d.path().join("chk/findings.csv")).unwrap();
    assert!(!findings.contains("SITE_"), "{findings}");
}

#[test]
fn without_branch_postcodes_the_newer_postcode_is_unlocated() {
    let d = tempfile::tempdir().unwrap();
    national(d.path());
    let r = import(d.path(), "out", &["--branches", "ebranchs.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c = branch_counts(&report(&d.path().join("out")));
    assert_eq!(c["branches_unlocated"], 2);
    assert_eq!(c["branches_written"], 1);
    let e = branch_entries(&d.path().join("out"));
    assert!(e.contains(&("BRANCH_UNLOCATED".into(), "P00002002".into())));
}

/// With a selection, branches whose parent is not selected are out of
/// scope: counted (`branches_out_of_selection`), not listed.
#[test]
fn a_selection_counts_branches_of_unselected_parents_without_listing_them() {
    let d = tempfile::tempdir().unwrap();
    national(d.path());
    let r = import(
        d.path(),
        "out",
        &[
            "--branches",
            "ebranchs.csv",
            "--branch-postcodes",
            "bcp",
            "--lad",
            "E06000001",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = d.path().join("out");
    // Q00009001 (parent not in the map) and P00003001 (parent in area 2).
    assert_eq!(
        branch_counts(&report(&out)),
        expect(&[
            ("branches_in_file", 7),
            ("branches_open", 6),
            ("branches_duplicate", 1),
            ("branches_out_of_selection", 2),
            ("branches_closed", 1),
            ("branches_parent_not_in_dataset", 0),
            ("branches_parent_closed", 0),
            ("branches_unlocated", 1),
            ("branches_written", 2),
        ])
    );
    assert_eq!(
        branch_entries(&out),
        pairs(&[
            ("BRANCH_CLOSED", "P00001002"),
            ("BRANCH_DUPLICATE", "P00001001"),
            ("BRANCH_UNLOCATED", "P00002001"),
        ])
    );
    let sites = std::fs::read_to_string(out.join("sites.csv")).unwrap();
    let codes: Vec<&str> = sites
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(codes, ["P00001", "P00001001", "P00002", "P00002002"]);
}

/// Without `--branches` nothing changes: no sites.csv, no branch totals,
/// even with an ebranchs file in `--from`; the other files are the same
/// bytes with and without it.
#[test]
fn without_branches_the_import_is_todays() {
    let d = tempfile::tempdir().unwrap();
    national(d.path());
    assert_eq!(import(d.path(), "plain", &[]).code, 0);
    let r = import(d.path(), "with", &["--branches", "ebranchs.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (plain, with) = (d.path().join("plain"), d.path().join("with"));
    assert!(!plain.join("sites.csv").exists());
    assert!(branch_counts(&report(&plain)).is_empty());
    for f in ["practices.csv", "areas.geojson"] {
        assert_eq!(
            std::fs::read(plain.join(f)).unwrap(),
            std::fs::read(with.join(f)).unwrap(),
            "{f}"
        );
    }
    // --from sees the ebranchs file, says it is used only with --branches,
    // and does not use it.
    let from = tempfile::tempdir().unwrap();
    std::fs::create_dir(from.path().join("nat")).unwrap();
    for f in [
        "map.csv",
        "sizes.csv",
        "epraccur.csv",
        "areas.geojson",
        "ebranchs.csv",
    ] {
        std::fs::copy(d.path().join(f), from.path().join("nat").join(f)).unwrap();
    }
    let cp = from.path().join("nat/cp/Data/CSV");
    std::fs::create_dir_all(&cp).unwrap();
    std::fs::copy(d.path().join("cp/Data/CSV/aa.csv"), cp.join("aa.csv")).unwrap();
    let r = pcn_atlas(from.path(), &["import", "--from", "nat", "--out", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("ebranchs.csv: NHS ODS branch surgeries (ebranchs; first row: branch P00001001 of practice P00001): read only when given as --branches FILE"),
        "{}",
        r.stderr
    );
    assert!(!from.path().join("out/sites.csv").exists());
    let r = pcn_atlas(
        from.path(),
        &[
            "import",
            "--from",
            "nat",
            "--branches",
            "nat/ebranchs.csv",
            "--out",
            "out2",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(from.path().join("out2/sites.csv").exists());
}

#[test]
fn a_bad_ebranchs_row_is_one_line_naming_file_line_and_value() {
    let d = tempfile::tempdir().unwrap();
    national(d.path());
    let good = ebr("P00001001", "A SURGERY", "AA1 2AA", "", "P00001");
    let cases: [(String, &[&str]); 5] = [
        (
            good.clone() + "\"P00001002\",\"SHORT\",\"Y54\"\n",
            &["bad.csv:2", "27 columns", "found 3 column(s)"],
        ),
        (
            ebr("Organisation Code", "Name", "Postcode", "", "Parent"),
            &["bad.csv:1", "not an ODS branch code", "Organisation Code"],
        ),
        (
            ebr("P00001", "A PRACTICE", "AA1 1AA", "", "P00001"),
            &["bad.csv:1", "column 1", "P00001", "not an ODS branch code"],
        ),
        (
            good.clone() + &ebr("P00001002", "B", "AA1 2AA", "2016-06-30", "P00001"),
            &[
                "bad.csv:2",
                "column 12 (close date of branch P00001002)",
                "2016-06-30",
            ],
        ),
        (
            ebr("P00001001", "A SURGERY", "AA1 2AA", "", ""),
            &["bad.csv:1", "column 15", "not a practice code"],
        ),
    ];
    for (body, needles) in cases {
        std::fs::write(d.path().join("bad.csv"), &body).unwrap();
        let r = import(d.path(), "out", &["--branches", "bad.csv"]);
        assert_one_line_error(&r, needles);
        assert!(!d.path().join("out").exists(), "nothing written on error");
    }
    // --branch-postcodes needs --branches.
    let r = import(d.path(), "out", &["--branch-postcodes", "bcp"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--branches"), "{}", r.stderr);
}

/// Rutland's four practices run seven branch surgeries in the 2017 file
/// (issue 16: Ketton, Gretton, Barrowden, Exton, Somerby and two school
/// sites): all seven open and, with the 2025 Code-Point folder, located.
#[test]
fn rutland_has_its_seven_branches() {
    let Some(data) = shared_data("rutland_has_its_seven_branches") else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let eng = data.join("england");
    let ebranchs = eng.join("ebranchs-2017-05.csv");
    let cp25 = data.join("current/codepoint-open-2025-practices");
    let rutland = |out: &str, extra: &[&str]| {
        let mut args = vec![
            "import",
            "--from",
            eng.to_str().unwrap(),
            "--lad",
            "E06000017",
            "--branches",
            ebranchs.to_str().unwrap(),
            "--out",
            out,
            "-q",
        ];
        args.extend_from_slice(extra);
        pcn_atlas(d.path(), &args)
    };
    let r = rutland("rut", &["--branch-postcodes", cp25.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = d.path().join("rut");
    let sites = std::fs::read_to_string(out.join("sites.csv")).unwrap();
    let rows: Vec<Vec<&str>> = sites
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let branches: Vec<(&str, &str, &str)> = rows
        .iter()
        .filter(|r| r[3] == "branch")
        .map(|r| (r[0], r[1], r[2]))
        .collect();
    assert_eq!(
        branches,
        [
            ("C82010001", "C82010", "OAKHAM SCHOOL SANATORIUM"),
            ("C82044002", "C82044", "EXTON SURGERY"),
            ("C82077001", "C82077", "KETTON SURGERY"),
            ("C82077002", "C82077", "GRETTON SURGERY"),
            ("C82077003", "C82077", "BARROWDEN SURGERY"),
            ("C82077004", "C82077", "UPPINGHAM SCHOOL"),
            ("C82649001", "C82649", "SOMERBY SURGERY"),
        ]
    );
    let mains: Vec<&str> = rows
        .iter()
        .filter(|r| r[3] == "main")
        .map(|r| r[0])
        .collect();
    assert_eq!(mains, ["C82010", "C82044", "C82077", "C82649"]);
    // Somerby (Leicestershire) is outside the county but its parent is not.
    let somerby = rows.iter().find(|r| r[0] == "C82649001").unwrap();
    assert_eq!((somerby[5], somerby[6]), ("478314", "310372"));
    let c = branch_counts(&report(&out));
    assert_eq!(c["branches_written"], 7);
    assert_eq!(c["branches_out_of_selection"], 2702 - 7);
    assert!(branch_entries(&out).is_empty());
    let ds = load_dataset(&DatasetPaths::dir(&out)).unwrap();
    assert_eq!(ds.branches.len(), 7);
    assert_no_site_notice(&ds);

    // The 2018 Code-Point folder is cut to practice postcodes: without the
    // 2025 one, none of the seven is located, and each is listed.
    let r = rutland("rut18", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let e = branch_entries(&d.path().join("rut18"));
    assert_eq!(e.len(), 7, "{e:?}");
    assert!(e.iter().all(|(c, _)| c == "BRANCH_UNLOCATED"));
}

/// The national counts, as `scripts/branch_counts.py` printed them
/// (docs/import.md): the 2022 map, 2019 epraccur, 2018 Code-Point for the
/// practices and 2025 for the branches.
const NATIONAL_2019: [(&str, u64); 9] = [
    ("branches_in_file", 2702),
    ("branches_open", 2615),
    ("branches_duplicate", 0),
    ("branches_out_of_selection", 0),
    ("branches_closed", 87),
    ("branches_parent_not_in_dataset", 234),
    ("branches_parent_closed", 0),
    ("branches_unlocated", 42),
    ("branches_written", 2339),
];

/// The same with the 2025 epraccur: 72 parents closed since.
const NATIONAL_2025: [(&str, u64); 9] = [
    ("branches_in_file", 2702),
    ("branches_open", 2615),
    ("branches_duplicate", 0),
    ("branches_out_of_selection", 0),
    ("branches_closed", 87),
    ("branches_parent_not_in_dataset", 234),
    ("branches_parent_closed", 72),
    ("branches_unlocated", 40),
    ("branches_written", 2269),
];

/// pandas' counts for these files, when python3 with pandas is here.
fn pandas_counts(data: &Path, epraccur: &Path) -> Option<BTreeMap<String, u64>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/branch_counts.py");
    let out = std::process::Command::new("python3")
        .arg(&script)
        .arg("--data")
        .arg(data)
        .arg("--epraccur")
        .arg(epraccur)
        .arg("--json")
        .output();
    match out {
        Ok(o) if o.status.success() => {
            let v: Value = serde_json::from_slice(&o.stdout).unwrap();
            Some(branch_counts(&v))
        }
        Ok(o) => {
            common::skip(&format!(
                "SKIP the pandas half of national_counts_match_the_pandas_count: {}",
                String::from_utf8_lossy(&o.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            ));
            None
        }
        Err(e) => {
            common::skip(&format!(
                "SKIP the pandas half of national_counts_match_the_pandas_count: python3: {e}"
            ));
            None
        }
    }
}

#[test]
fn national_counts_match_the_pandas_count() {
    let Some(data) = shared_data("national_counts_match_the_pandas_count") else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let eng = data.join("england");
    let s = |p: &Path| p.to_str().unwrap().to_string();
    for (epraccur, want, out) in [
        (eng.join("epraccur-2019-12.csv"), &NATIONAL_2019, "nat"),
        (
            data.join("current/epraccur-2025-09.csv"),
            &NATIONAL_2025,
            "nat25",
        ),
    ] {
        let args = [
            "import".to_string(),
            "--map".into(),
            s(&eng.join("gp-reg-pat-prac-map-2022-01.csv")),
            "--list-sizes".into(),
            s(&eng.join("gp-reg-pat-prac-all-2021-01.csv")),
            "--epraccur".into(),
            s(&epraccur),
            "--postcodes".into(),
            s(&eng.join("codepoint-open-2018-practices")),
            "--boundaries".into(),
            s(&eng.join("lsoa11_boundaries.geojson")),
            "--branches".into(),
            s(&eng.join("ebranchs-2017-05.csv")),
            "--branch-postcodes".into(),
            s(&data.join("current/codepoint-open-2025-practices")),
            "--out".into(),
            out.into(),
            "-q".into(),
        ];
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = pcn_atlas(d.path(), &args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let dir = d.path().join(out);
        let ours = branch_counts(&report(&dir));
        assert_eq!(ours, expect(want), "{out}");
        if let Some(mut theirs) = pandas_counts(&data, &epraccur) {
            // The script has no selection; the rest must agree key by key.
            theirs.insert("branches_out_of_selection".into(), 0);
            assert_eq!(ours, theirs, "{out}: ours against pandas");
        }
        // Every entry listed, one per branch not written.
        let listed = branch_entries(&dir).len() as u64;
        assert_eq!(listed, ours["branches_in_file"] - ours["branches_written"]);
        // sites.csv: a main row per practice written and a row per branch.
        let rep = report(&dir);
        let sites = std::fs::read_to_string(dir.join("sites.csv")).unwrap();
        assert_eq!(
            sites.lines().count() as u64 - 1,
            rep["practices_written"].as_u64().unwrap() + ours["branches_written"]
        );
    }
}
