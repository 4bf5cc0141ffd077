//! Issue 14 items 1–2: today's NHS England editions as published
//! (EXTRACT_DATE forms, the 7-column registrations with pseudo-LSOA codes,
//! `sing-age-regions` PCN totals) and list sizes summed from registrations
//! when no list-size file is given. Hand-made fixtures with answers worked
//! out by hand, then the real files in `../shared/data/current`.

mod common;
use common::{pcn_atlas, shared_data};
use pcn_atlas::coords::wgs84_to_bng;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const MAP_HEADER: &str = "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,ONS_SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME,ONS_ICB_CODE,ICB_CODE,ICB_NAME,ONS_COMM_REGION_CODE,COMM_REGION_CODE,COMM_REGION_NAME,SUPPLIER_NAME";

/// Four practices: P1, P2 in PCN U00001 (areas A and B), P3 in U00002 and
/// P4 in U00003 (both in area C).
const PRACTICES: [(&str, &str, &str, usize); 4] = [
    ("P00001", "AA1 1AA", "U00001", 0),
    ("P00002", "AA1 1AB", "U00001", 1),
    ("P00003", "AA1 1AC", "U00002", 2),
    ("P00004", "AA1 1AD", "U00003", 2),
];

/// The registrations, `SEX=ALL` rows with every pseudo-code kind, and a
/// `MALE` row that must be ignored. By hand: P1 100+20+3+2+5 = 130, P2
/// 200+4+1+1 = 206, P3 300+2+3 = 305, P4 50; PCN U00001 = 336.
const REGS: [(&str, &str, &str, u64); 14] = [
    ("P00001", "E01000001", "ALL", 100),
    ("P00001", "E01000001", "MALE", 60),
    ("P00001", "E01000002", "ALL", 20),
    ("P00001", "CLOSED", "ALL", 3),
    ("P00001", "EMPTY", "ALL", 2),
    ("P00001", "W01000001", "ALL", 5),
    ("P00002", "E01000002", "ALL", 200),
    ("P00002", "S01000001", "ALL", 4),
    ("P00002", "L99999999", "ALL", 1),
    ("P00002", "M99999999", "ALL", 1),
    ("P00003", "E01000003", "ALL", 300),
    ("P00003", "95AA01S1", "ALL", 2),
    ("P00003", "N21000001", "ALL", 3),
    ("P00004", "E01000003", "ALL", 50),
];

fn square(lon: f64, lat: f64) -> String {
    let d = 0.01;
    format!(
        "[[[{lon},{lat}],[{},{lat}],[{},{}],[{lon},{}],[{lon},{lat}]]]",
        lon + d,
        lon + d,
        lat + d,
        lat + d
    )
}

/// Write the fixture national files into `dir`; `reg_date` is the
/// registrations' EXTRACT_DATE of every row.
fn national(dir: &Path, reg_date: &str) {
    let lons = [-1.00, -0.99, -0.98];
    let features: Vec<String> = (0..3)
        .map(|i| {
            format!(
                r#"{{"type":"Feature","properties":{{"LSOA21CD":"E0100000{}","LSOA21NM":"Area {i}","LADCD_ACTIVE":"E06000001"}},"geometry":{{"type":"Polygon","coordinates":{}}}}}"#,
                i + 1,
                square(lons[i], 52.50)
            )
        })
        .collect();
    std::fs::write(
        dir.join("areas.geojson"),
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        ),
    )
    .unwrap();
    let mut map = format!("{MAP_HEADER}\r\n");
    let mut cp = String::new();
    for (k, (code, pc, pcn, area)) in PRACTICES.iter().enumerate() {
        map += &format!(
            "GP_PRAC_PAT_LIST,01Oct2025,{code},PRACTICE {k},{pc},{pcn},NETWORK {pcn},E38000001,05D,NHS Somewhere ICB - 05D,E54000010,QNC,NHS Somewhere Integrated Care Board,E40000011,Y60,Midlands,EMIS\r\n"
        );
        let c = wgs84_to_bng(lons[*area] + 0.003 + 0.001 * k as f64, 52.505);
        cp += &format!("\"{pc}\",10,{:.0},{:.0},\"E92000001\"\n", c.x, c.y);
    }
    std::fs::write(dir.join("map.csv"), map).unwrap();
    std::fs::create_dir_all(dir.join("cp/Data/CSV")).unwrap();
    std::fs::write(dir.join("cp/Data/CSV/aa.csv"), cp).unwrap();
    let mut regs = String::from(
        "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,NUMBER_OF_PATIENTS\r\n",
    );
    for (p, a, sex, n) in REGS {
        regs += &format!("GP_PRAC_PAT_LIST,{reg_date},{p},SOME PRACTICE,{a},{sex},{n}\r\n");
    }
    std::fs::write(dir.join("regs.csv"), regs).unwrap();
    // NHS England's totals: U00001 340 (ours 336), U00002 305 (equal), no U00003.
    let sing = "PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,SEX,AGE,NUMBER_OF_PATIENTS\r\n\
        GP_PRAC_PAT_LIST,2026-08-01,Comm Region,Y60,E40000011,ALL,ALL,999999\r\n\
        GP_PRAC_PAT_LIST,2026-08-01,ICB,QNC,E54000010,ALL,ALL,700\r\n\
        GP_PRAC_PAT_LIST,2026-08-01,PCN,U00001,,ALL,ALL,340\r\n\
        GP_PRAC_PAT_LIST,2026-08-01,PCN,U00001,,MALE,ALL,170\r\n\
        GP_PRAC_PAT_LIST,2026-08-01,PCN,U00001,,ALL,0,3\r\n\
        GP_PRAC_PAT_LIST,2026-08-01,PCN,U00002,,ALL,ALL,305\r\n\
        GP_PRAC_PAT_LIST,2026-08-01,PCN,U00002,,FEMALE,95+,1\r\n";
    std::fs::write(dir.join("sing.csv"), sing).unwrap();
}

fn import(dir: &Path, extra: &[&str]) -> common::Run {
    let mut args = vec![
        "import",
        "--map",
        "map.csv",
        "--postcodes",
        "cp",
        "--boundaries",
        "areas.geojson",
        "--out",
        "out",
    ];
    args.extend_from_slice(extra);
    pcn_atlas(dir, &args)
}

/// `import_report.csv` rows (code, subject, detail).
fn report(dir: &Path) -> Vec<(String, String, String)> {
    let mut rdr = csv::Reader::from_path(dir.join("import_report.csv")).unwrap();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].to_string(), r[2].to_string())
        })
        .collect()
}

/// `practices.csv`: list size per practice code ("" when empty).
fn list_sizes(dir: &Path) -> BTreeMap<String, String> {
    let mut rdr = csv::Reader::from_path(dir.join("practices.csv")).unwrap();
    let h = rdr.headers().unwrap().clone();
    let (ci, li) = (
        h.iter().position(|x| x == "practice_code").unwrap(),
        h.iter().position(|x| x == "list_size").unwrap(),
    );
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (r[ci].to_string(), r[li].to_string())
        })
        .collect()
}

fn report_json(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("import_report.json")).unwrap()).unwrap()
}

fn input<'a>(r: &'a serde_json::Value, role: &str) -> &'a serde_json::Value {
    r["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["role"] == role)
        .unwrap_or_else(|| panic!("no input {role}"))
}

#[test]
fn every_extract_date_form_is_the_files_edition() {
    for (form, iso) in [
        ("01JAN2021", "2021-01-01"),
        ("01Jan2022", "2022-01-01"),
        ("01Oct2025", "2025-10-01"),
        ("2026-04-01", "2026-04-01"),
        ("01/07/2026", "2026-07-01"),
    ] {
        let t = tempfile::tempdir().unwrap();
        national(t.path(), form);
        let r = import(t.path(), &["--registrations", "regs.csv"]);
        assert_eq!(r.code, 0, "{form}: {}", r.stderr);
        let j = report_json(&t.path().join("out"));
        let regs = input(&j, "registrations");
        assert_eq!(regs["edition"], iso, "{form}");
        assert_eq!(regs["rows"], 14, "every row read, the MALE one too");
        assert!(
            regs["product"]
                .as_str()
                .unwrap()
                .contains("by LSOA of residence")
        );
        let map = input(&j, "pcn_map");
        assert_eq!(map["edition"], "2025-10-01");
        assert!(map["product"].as_str().unwrap().contains("PCN mapping"));
    }
}

#[test]
fn an_unknown_or_second_extract_date_is_exit_2_naming_file_line_and_value() {
    let t = tempfile::tempdir().unwrap();
    national(t.path(), "Oct 2025");
    let r = import(t.path(), &["--registrations", "regs.csv"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("regs.csv:2"), "{}", r.stderr);
    assert!(r.stderr.contains("`Oct 2025`"), "{}", r.stderr);
    assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
    // Two dates in one file: the later line and both values.
    national(t.path(), "01Oct2025");
    let regs = std::fs::read_to_string(t.path().join("regs.csv")).unwrap();
    let mut lines: Vec<&str> = regs.lines().collect();
    let changed = lines[5].replace("01Oct2025", "2025-11-01");
    lines[5] = &changed;
    std::fs::write(t.path().join("regs.csv"), lines.join("\n")).unwrap();
    let r = import(t.path(), &["--registrations", "regs.csv"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    for needle in ["regs.csv:6", "`2025-11-01`", "`01Oct2025`", "line 2"] {
        assert!(r.stderr.contains(needle), "{needle}: {}", r.stderr);
    }
    assert!(!r.stderr.contains("panicked"));
}

#[test]
fn list_sizes_are_summed_from_registrations_and_pseudo_codes_counted_by_kind() {
    let t = tempfile::tempdir().unwrap();
    national(t.path(), "01Oct2025");
    let r = import(t.path(), &["--registrations", "regs.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = t.path().join("out");
    let sizes = list_sizes(&out);
    let want: BTreeMap<String, String> = [
        ("P00001", "130"),
        ("P00002", "206"),
        ("P00003", "305"),
        ("P00004", "50"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(sizes, want);
    let rep = report(&out);
    assert!(rep.iter().any(|(c, _, d)| c == "LIST_SIZE_SOURCE"
        && d.starts_with("sum of registrations by area")
        && d.ends_with("regs.csv")));
    let j = report_json(&out);
    assert!(
        j["list_size_source"]
            .as_str()
            .unwrap()
            .starts_with("sum of registrations by area")
    );
    assert!(
        j["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["role"] != "list_sizes")
    );
    // Every kind, its rows and patients (the MALE row not among them).
    let kinds: Vec<&String> = rep
        .iter()
        .filter(|(c, _, _)| c == "REGISTRATIONS_AREA_NOT_AN_ENGLISH_LSOA")
        .map(|(_, _, d)| d)
        .collect();
    for (rows_patients, kind) in [
        ("1 rows (3 patients)", "CLOSED"),
        ("1 rows (2 patients)", "EMPTY"),
        ("1 rows (5 patients)", "Welsh LSOA"),
        ("1 rows (4 patients)", "Scottish data zone"),
        ("1 rows (1 patients)", "L99999999 (Channel Islands)"),
        ("1 rows (1 patients)", "M99999999 (Isle of Man)"),
        ("2 rows (5 patients)", "Northern Irish"),
    ] {
        assert!(
            kinds
                .iter()
                .any(|d| d.starts_with(rows_patients) && d.contains(kind)),
            "{kind}: {kinds:?}"
        );
    }
    assert_eq!(kinds.len(), 7, "{kinds:?}");
    assert!(
        !rep.iter()
            .any(|(c, _, _)| c == "REGISTRATIONS_AREA_NOT_IN_BOUNDARIES"),
        "{rep:?}"
    );
    // 100 + 20 + 200 + 300 + 50 written: the pseudo rows only in list sizes.
    assert!(
        r.stdout.contains("5 registration rows (670 patients)"),
        "{}",
        r.stdout
    );
}

#[test]
fn pcn_list_sizes_are_compared_with_nhs_englands_totals() {
    let t = tempfile::tempdir().unwrap();
    national(t.path(), "01Oct2025");
    let r = import(
        t.path(),
        &["--registrations", "regs.csv", "--sing-age", "sing.csv"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = t.path().join("out");
    let rep = report(&out);
    let differs: Vec<_> = rep
        .iter()
        .filter(|(c, _, _)| c == "PCN_LIST_SIZE_DIFFERS")
        .collect();
    assert_eq!(differs.len(), 1, "{rep:?}");
    assert_eq!(differs[0].1, "U00001");
    assert!(
        differs[0].2.contains(
            "list size 336 (registrations, 1 Oct 2025) vs NHS England 340 (1 Aug 2026): -4 (-1.2%)"
        ),
        "{}",
        differs[0].2
    );
    let absent: Vec<_> = rep
        .iter()
        .filter(|(c, _, _)| c == "PCN_NOT_IN_NHS_TOTALS")
        .collect();
    assert_eq!(absent.len(), 1, "{rep:?}");
    assert_eq!(absent[0].1, "U00003");
    assert!(absent[0].2.contains("list size 50"), "{}", absent[0].2);
    // The code is a finding code, a dataset-level notice.
    let c = pcn_atlas::findings::Code::parse("PCN_LIST_SIZE_DIFFERS").unwrap();
    assert_eq!(c.severity(), pcn_atlas::findings::Severity::Info);
    let s = input(&report_json(&out), "sing_age").clone();
    assert_eq!(s["edition"], "2026-08-01");
    assert_eq!(s["rows"], 7);
}

#[test]
fn no_list_sizes_and_no_registrations_is_exit_2_naming_both_flags() {
    let t = tempfile::tempdir().unwrap();
    national(t.path(), "01Oct2025");
    let r = import(t.path(), &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("--list-sizes") && r.stderr.contains("--registrations"),
        "{}",
        r.stderr
    );
    assert!(!t.path().join("out").exists());
}

/// `all.csv` in the gp-reg-pat-prac-all 2026 layout (1 Apr 2026, sub-ICB
/// 05D): rows of practice, postcode, sex (AGE=ALL) and patients.
fn list_size_file(dir: &Path, rows: &[(&str, &str, &str, u64)]) {
    let mut text = String::from(
        "PUBLICATION,EXTRACT_DATE,TYPE,SUB_ICB_LOCATION_CODE,ONS_SUB_ICB_LOCATION_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\n",
    );
    for (code, postcode, sex, n) in rows {
        text.push_str(&format!(
            "GP_PRAC_PAT_LIST,2026-04-01,GP,05D,E38000001,{code},{postcode},{sex},ALL,{n}\n"
        ));
    }
    std::fs::write(dir.join("all.csv"), text).unwrap();
}

#[test]
fn a_list_size_file_wins_and_differences_beyond_the_tolerance_are_counted() {
    let t = tempfile::tempdir().unwrap();
    national(t.path(), "01Oct2025");
    // gp-reg-pat-prac-all 2026 layout. P2: 300 vs 206 (94 apart: over 5%
    // of 300 = 15 and over 50); P3: 320 vs 305 (15 apart: within 50).
    list_size_file(
        t.path(),
        &[
            ("P00001", "AA1 1AA", "ALL", 130),
            ("P00001", "AA1 1AA", "MALE", 70),
            ("P00002", "AA1 1AB", "ALL", 300),
            ("P00003", "AA1 1AC", "ALL", 320),
            ("P00004", "AA1 1AD", "ALL", 50),
        ],
    );
    let r = import(
        t.path(),
        &[
            "--registrations",
            "regs.csv",
            "--list-sizes",
            "all.csv",
            "--sing-age",
            "sing.csv",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = t.path().join("out");
    let sizes = list_sizes(&out);
    assert_eq!(sizes["P00002"], "300");
    assert_eq!(sizes["P00003"], "320");
    let rep = report(&out);
    let d: Vec<_> = rep
        .iter()
        .filter(|(c, _, _)| c == "LIST_SIZE_DIFFERS_FROM_REGISTRATIONS")
        .collect();
    assert_eq!(d.len(), 1, "{rep:?}");
    assert!(d[0].1.ends_with("all.csv"));
    assert!(d[0].2.starts_with("1 of 4 practices"), "{}", d[0].2);
    assert!(d[0].2.contains("P00002 300 vs 206"), "{}", d[0].2);
    assert!(!d[0].2.contains("P00003"), "{}", d[0].2);
    // PCN totals now from the file and its date: 430 vs 340, 320 vs 305.
    let pcn: BTreeMap<&str, &str> = rep
        .iter()
        .filter(|(c, _, _)| c == "PCN_LIST_SIZE_DIFFERS")
        .map(|(_, s, d)| (s.as_str(), d.as_str()))
        .collect();
    assert!(
        pcn["U00001"].contains(
            "list size 430 (list sizes file, 1 Apr 2026) vs NHS England 340 (1 Aug 2026): +90"
        ),
        "{pcn:?}"
    );
    assert!(pcn["U00002"].contains("list size 320"), "{pcn:?}");
    let j = report_json(&out);
    assert_eq!(input(&j, "list_sizes")["edition"], "2026-04-01");
    assert!(
        j["list_size_source"]
            .as_str()
            .unwrap()
            .starts_with("list sizes file")
    );
}

#[test]
fn the_three_column_registrations_of_2022_still_read_without_an_edition() {
    let t = tempfile::tempdir().unwrap();
    national(t.path(), "01Oct2025");
    let mut regs = String::from("PRACTICE_CODE,LSOA_CODE,NUMBER_OF_PATIENTS\n");
    for (p, a, sex, n) in REGS {
        if sex == "ALL" {
            regs += &format!("{p},{a},{n}\n");
        }
    }
    std::fs::write(t.path().join("regs.csv"), regs).unwrap();
    let r = import(t.path(), &["--registrations", "regs.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = t.path().join("out");
    assert_eq!(list_sizes(&out)["P00001"], "130");
    let j = report_json(&out);
    assert!(input(&j, "registrations").get("edition").is_none());
}

// ---- real data ----------------------------------------------------------

const STAFFS_LADS: &str =
    "E06000021,E07000192,E07000193,E07000194,E07000195,E07000196,E07000197,E07000198,E07000199";

/// `import` of files in `cur` (flag, file name), with Code-Point 2025 and
/// the LSOA 2021 boundaries, of the local authorities `lads`, into `dir/out`.
fn import_current(dir: &Path, cur: &Path, files: &[(&str, &str)], lads: &str) -> common::Run {
    let mut args: Vec<String> = vec!["import".into()];
    for (flag, name) in files.iter().chain(&[
        ("--postcodes", "codepoint-open-2025-practices"),
        ("--boundaries", "lsoa21_boundaries_bgc.geojson"),
    ]) {
        args.push(flag.to_string());
        args.push(cur.join(name).to_str().unwrap().to_string());
    }
    args.extend(["--lad".into(), lads.into(), "--out".into(), "out".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    pcn_atlas(dir, &args)
}

/// Each practice's SEX=ALL rows summed, and each non-LSOA code's rows and
/// patients, read independently of pcn-atlas.
fn staffs_sums(path: &Path) -> (BTreeMap<String, u64>, BTreeMap<String, (u64, u64)>) {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (p, a, s, n) = (
        col("PRACTICE_CODE"),
        col("LSOA_CODE"),
        col("SEX"),
        col("NUMBER_OF_PATIENTS"),
    );
    let mut sums = BTreeMap::new();
    let mut pseudo: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for r in rdr.records() {
        let r = r.unwrap();
        if &r[s] != "ALL" {
            continue;
        }
        let v: u64 = r[n].parse().unwrap();
        *sums.entry(r[p].to_string()).or_insert(0) += v;
        if !r[a].starts_with("E01") {
            let kind = match &r[a] {
                k if k.starts_with("W01") => "W01",
                k if k.starts_with("S01") => "S01",
                k if k.starts_with("95") || k.starts_with("N2") => "NI",
                k => k,
            };
            let e = pseudo.entry(kind.to_string()).or_default();
            e.0 += 1;
            e.1 += v;
        }
    }
    (sums, pseudo)
}

#[test]
fn staffordshire_list_sizes_are_the_sums_of_their_registrations() {
    let Some(data) = shared_data("staffordshire_list_sizes_are_the_sums_of_their_registrations")
    else {
        return;
    };
    let cur = data.join("current");
    let regs = cur.join("gp-reg-pat-prac-lsoa-all-2025-10-staffordshire-icb.csv");
    let t = tempfile::tempdir().unwrap();
    let r = import_current(
        t.path(),
        &cur,
        &[
            ("--map", "gp-reg-pat-prac-map-2025-10.csv"),
            (
                "--registrations",
                "gp-reg-pat-prac-lsoa-all-2025-10-staffordshire-icb.csv",
            ),
            ("--epraccur", "epraccur-2025-09.csv"),
            ("--sing-age", "gp-reg-pat-prac-sing-age-regions-2026-08.csv"),
        ],
        STAFFS_LADS,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = t.path().join("out");
    let (sums, pseudo) = staffs_sums(&regs);
    let sizes = list_sizes(&out);
    assert_eq!(sizes.len(), 141, "the ICB's 141 practices");
    assert_eq!(sums.len(), 141);
    for (code, size) in &sizes {
        assert_eq!(size, &sums[code].to_string(), "{code}");
    }
    assert_eq!(sums.values().sum::<u64>(), 1_210_283);
    // Pseudo-codes by kind: rows and patients as counted here.
    let rep = report(&out);
    let kinds: Vec<&String> = rep
        .iter()
        .filter(|(c, _, _)| c == "REGISTRATIONS_AREA_NOT_AN_ENGLISH_LSOA")
        .map(|(_, _, d)| d)
        .collect();
    assert_eq!(kinds.len(), pseudo.len(), "{kinds:?} vs {pseudo:?}");
    for (kind, label) in [
        ("CLOSED", "CLOSED"),
        ("EMPTY", "EMPTY"),
        ("L99999999", "L99999999"),
        ("M99999999", "M99999999"),
        ("W01", "Welsh"),
        ("S01", "Scottish"),
        ("NI", "Northern Irish"),
    ] {
        let (rows, patients) = pseudo[kind];
        let head = format!("{rows} rows ({patients} patients)");
        assert!(
            kinds
                .iter()
                .any(|d| d.starts_with(&head) && d.contains(label)),
            "{kind} {head}: {kinds:?}"
        );
    }
    // Every one of the 25 PCNs compared with NHS England's August 2026 total.
    let pcns: BTreeSet<&str> = rep
        .iter()
        .filter(|(c, _, d)| {
            c == "PCN_LIST_SIZE_DIFFERS"
                && d.contains("(registrations, 1 Oct 2025) vs NHS England")
                && d.contains("(1 Aug 2026)")
        })
        .map(|(_, s, _)| s.as_str())
        .collect();
    let absent = rep
        .iter()
        .filter(|(c, _, _)| c == "PCN_NOT_IN_NHS_TOTALS")
        .count();
    assert_eq!(pcns.len() + absent, 25, "{rep:?}");
    assert!(
        r.stdout.contains("141 practices (141 located) in 25 PCNs"),
        "{}",
        r.stdout
    );
    let j = report_json(&out);
    assert_eq!(input(&j, "registrations")["edition"], "2025-10-01");
    assert_eq!(input(&j, "sing_age")["edition"], "2026-08-01");
}

#[test]
fn the_august_2026_map_and_sing_age_totals_cover_all_england() {
    let Some(data) = shared_data("the_august_2026_map_and_sing_age_totals_cover_all_england")
    else {
        return;
    };
    let cur = data.join("current");
    let totals = pcn_atlas::import::read_nhs_totals(
        &cur.join("gp-reg-pat-prac-sing-age-regions-2026-08.csv"),
    )
    .unwrap();
    assert_eq!(totals.edition.unwrap().to_string(), "2026-08-01");
    assert_eq!(totals.input.rows, 282_253);
    assert_eq!(totals.icb.len(), 36, "36 ICBs after the April 2026 mergers");
    assert_eq!(totals.pcn.len(), 1299);
    // The map's ICBs and PCNs, read here with the csv crate.
    let mut rdr = csv::Reader::from_path(cur.join("gp-reg-pat-prac-map-2026-08.csv")).unwrap();
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| {
        h.iter()
            .position(|x| x.trim_start_matches('\u{feff}') == n)
            .unwrap()
    };
    let (icb, pcn) = (col("ICB_CODE"), col("PCN_CODE"));
    let mut icbs = BTreeSet::new();
    let mut pcns = BTreeSet::new();
    for r in rdr.records() {
        let r = r.unwrap();
        icbs.insert(r[icb].to_string());
        if &r[pcn] != "U" {
            pcns.insert(r[pcn].to_string());
        }
    }
    assert_eq!(icbs.len(), 36);
    assert!(icbs.iter().any(|c| c.len() == 5), "5-character ICB codes");
    let nhs_icbs: BTreeSet<String> = totals.icb.keys().cloned().collect();
    assert_eq!(icbs, nhs_icbs);
    let joined = pcns.iter().filter(|p| totals.pcn.contains_key(*p)).count();
    assert_eq!(
        joined,
        pcns.len(),
        "every PCN of the map has NHS England's total"
    );
    // The whole map reads with its edition (17 columns, CRLF, BOM).
    let t = tempfile::tempdir().unwrap();
    let r = import_current(
        t.path(),
        &cur,
        &[
            ("--map", "gp-reg-pat-prac-map-2026-08.csv"),
            (
                "--list-sizes",
                "gp-reg-pat-prac-all-2026-04-first211rows.csv",
            ),
            ("--sing-age", "gp-reg-pat-prac-sing-age-regions-2026-08.csv"),
        ],
        "E06000001",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = report_json(&t.path().join("out"));
    assert_eq!(input(&j, "pcn_map")["edition"], "2026-08-01");
    assert_eq!(input(&j, "pcn_map")["rows"], 6129);
    assert_eq!(input(&j, "list_sizes")["edition"], "2026-04-01");
}

/// A list-size file with no row for a practice the registrations have (an
/// excerpt, or a practice opened since), the two files 6 months apart
/// (Apr 2026, Oct 2025): that practice's list size is the sum of its
/// registrations (305 for P00003, worked in
/// `list_sizes_are_summed_from_registrations…`), said per practice and in
/// the list-size source; the others keep the file's. The 2022 registrations
/// have no date, so the England import fills nothing (its figures stay).
#[test]
fn a_practice_missing_from_the_list_size_file_takes_its_registrations() {
    let t = tempfile::tempdir().unwrap();
    national(t.path(), "01Oct2025");
    list_size_file(
        t.path(),
        &[
            ("P00001", "AA1 1AA", "ALL", 130),
            ("P00002", "AA1 1AB", "ALL", 300),
            ("P00004", "AA1 1AD", "ALL", 50),
        ],
    );
    let r = import(
        t.path(),
        &["--registrations", "regs.csv", "--list-sizes", "all.csv"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = t.path().join("out");
    let sizes = list_sizes(&out);
    assert_eq!(
        (
            &sizes["P00001"][..],
            &sizes["P00002"][..],
            &sizes["P00003"][..]
        ),
        ("130", "300", "305")
    );
    let rep = report(&out);
    let filled: Vec<_> = rep
        .iter()
        .filter(|(c, _, _)| c == "LIST_SIZE_FROM_REGISTRATIONS")
        .collect();
    assert_eq!(filled.len(), 1, "{rep:?}");
    assert_eq!(filled[0].1, "P00003");
    assert!(filled[0].2.ends_with("by area, 305"), "{}", filled[0].2);
    assert!(!rep.iter().any(|(c, _, _)| c == "NO_LIST_SIZE"), "{rep:?}");
    let j = report_json(&out);
    let source = j["list_size_source"].as_str().unwrap();
    assert!(
        source.starts_with("list sizes file") && source.contains("LIST_SIZE_FROM_REGISTRATIONS"),
        "{source}"
    );
}
