//! The ICB as a unit of work (issue 14 item 5): practices and PCNs carry
//! their sub-ICB location, ICB and region; `icb_summary.csv` rolls the PCNs
//! up by ICB and sub-ICB; `import --icb` selects an ICB's networks.

mod common;
use common::{csv_rows, demo, folder, pcn_atlas, shared_data};
use std::collections::BTreeMap;
use std::path::Path;

/// A 0.01° square area at column `i` of a row starting at 1°W, 52°N.
fn square(code: &str, i: usize) -> String {
    let (x0, y0) = (-1.0 + 0.01 * i as f64, 52.0);
    let (x1, y1) = (x0 + 0.01, y0 + 0.01);
    format!(
        r#"{{"type":"Feature","properties":{{"area_code":"{code}","population":10000,"ruc":"C1"}},"geometry":{{"type":"Polygon","coordinates":[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}}}"#
    )
}

/// Four PCNs in six areas in a row (E1 … E6), footprints given:
///
/// | PCN | practices (list size, sub-ICB/ICB) | areas | band 30–50k |
/// |---|---|---|---|
/// | P1 | A1 20,000 01A/AAA, A2 5,000 01A/AAA | E1, E2, E5 (two pieces) | below |
/// | P2 | B1 25,000 01B/AAA, B2 20,000 01A/AAA | E3 | within |
/// | P3 | C1 60,000 02A/BBB | E4 | above |
/// | P4 | D1 40,000, no org | E6 | within |
///
/// P2 spans two sub-ICBs: it takes 01B, whose practice has the larger
/// list (25,000 > 20,000), with a `PCN_SPANS_SUB_ICBS` notice.
fn fixture() -> tempfile::TempDir {
    let centre = |i: usize| (-1.0 + 0.01 * i as f64 + 0.005, 52.005);
    let prac = |code: &str, pcn: &str, n: u64, i: usize, org: &str| {
        let (lon, lat) = centre(i);
        format!("{code},{code} SURGERY,{pcn},{pcn} PCN,{n},{lon},{lat},{org}\n")
    };
    let aaa = |sub: &str| format!("{sub},{sub} LOCATION,AAA,ICB AAA,Y60");
    let mut practices = String::from(
        "practice_code,practice_name,pcn_code,pcn_name,list_size,lon,lat,sub_icb_code,sub_icb_name,icb_code,icb_name,region_code\n",
    );
    practices += &prac("A1", "P1", 20000, 0, &aaa("01A"));
    practices += &prac("A2", "P1", 5000, 1, &aaa("01A"));
    practices += &prac("B1", "P2", 25000, 2, &aaa("01B"));
    practices += &prac("B2", "P2", 20000, 2, &aaa("01A"));
    practices += &prac("C1", "P3", 60000, 3, "02A,02A LOCATION,BBB,ICB BBB,Y61");
    practices += &prac("D1", "P4", 40000, 5, ",,,,");
    let areas: Vec<String> = (0..6).map(|i| square(&format!("E{}", i + 1), i)).collect();
    let areas = format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}\n",
        areas.join(",\n")
    );
    let footprints = "area_code,pcn_code\nE1,P1\nE2,P1\nE3,P2\nE4,P3\nE5,P1\nE6,P4\n";
    folder(&[
        ("ds/practices.csv", &practices),
        ("ds/areas.geojson", &areas),
        ("ds/footprints.csv", footprints),
    ])
}

fn row(cells: &[(&str, &str)]) -> BTreeMap<String, String> {
    cells
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn icb_row(
    level: &str,
    code: &str,
    name: &str,
    icb: &str,
    nums: [&str; 9],
    worst: &str,
) -> BTreeMap<String, String> {
    let keys = [
        "networks",
        "practices",
        "patients",
        "below_band",
        "within_band",
        "above_band",
        "non_contiguous",
        "rural",
        "waiver_candidates",
    ];
    let mut r = row(&[
        ("level", level),
        ("code", code),
        ("name", name),
        ("icb_code", icb),
        ("drive_time_findings", ""),
        ("worst_networks", worst),
    ]);
    for (k, v) in keys.iter().zip(nums) {
        r.insert(k.to_string(), v.to_string());
    }
    r
}

/// Rolled-up numbers worked by hand from the table on [`fixture`].
#[test]
fn icb_summary_of_a_hand_made_dataset() {
    let d = fixture();
    let run = pcn_atlas(d.path(), &["check", "--dataset", "ds", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = d.path().join("out");
    let got = csv_rows(&out.join("icb_summary.csv"));
    let want = vec![
        icb_row(
            "icb",
            "",
            "unknown",
            "",
            ["1", "1", "40000", "0", "1", "0", "0", "0", "0"],
            "",
        ),
        icb_row(
            "sub_icb",
            "",
            "unknown",
            "",
            ["1", "1", "40000", "0", "1", "0", "0", "0", "0"],
            "",
        ),
        icb_row(
            "icb",
            "AAA",
            "ICB AAA",
            "AAA",
            ["2", "4", "70000", "1", "1", "0", "1", "0", "0"],
            "P1",
        ),
        icb_row(
            "sub_icb",
            "01A",
            "01A LOCATION",
            "AAA",
            ["1", "2", "25000", "1", "0", "0", "1", "0", "0"],
            "P1",
        ),
        icb_row(
            "sub_icb",
            "01B",
            "01B LOCATION",
            "AAA",
            ["1", "2", "45000", "0", "1", "0", "0", "0", "0"],
            "",
        ),
        icb_row(
            "icb",
            "BBB",
            "ICB BBB",
            "BBB",
            ["1", "1", "60000", "0", "0", "1", "0", "0", "0"],
            "P3",
        ),
        icb_row(
            "sub_icb",
            "02A",
            "02A LOCATION",
            "BBB",
            ["1", "1", "60000", "0", "0", "1", "0", "0", "0"],
            "P3",
        ),
    ];
    assert_eq!(got, want);

    // The PCNs' org columns, P2 taking 01B, and the notice saying so.
    let pcns = csv_rows(&out.join("pcn_summary.csv"));
    let org: Vec<(&str, &str, &str, &str)> = pcns
        .iter()
        .map(|r| {
            (
                r["pcn_code"].as_str(),
                r["sub_icb_code"].as_str(),
                r["icb_code"].as_str(),
                r["region_code"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        org,
        [
            ("P1", "01A", "AAA", "Y60"),
            ("P2", "01B", "AAA", "Y60"),
            ("P3", "02A", "BBB", "Y61"),
            ("P4", "", "", "")
        ]
    );
    let findings = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    let spans: Vec<&str> = findings
        .lines()
        .filter(|l| l.contains("PCN_SPANS_SUB_ICBS"))
        .collect();
    assert_eq!(spans.len(), 1, "{findings}");
    assert!(
        spans[0].contains("P2") && spans[0].contains("01A/AAA, 01B/AAA"),
        "{}",
        spans[0]
    );

    // Both levels add up to pcn_summary.csv's totals.
    totals_match(&out);

    // practices.geojson and pcns.geojson carry the columns.
    let pj: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("practices.geojson")).unwrap())
            .unwrap();
    let b2 = pj["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["practice_code"] == "B2")
        .unwrap();
    assert_eq!(b2["properties"]["sub_icb_code"], "01A");
    assert_eq!(b2["properties"]["icb_name"], "ICB AAA");
    let nj: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("pcns.geojson")).unwrap()).unwrap();
    let p2 = &nj["features"][1]["properties"];
    assert_eq!(
        (p2["pcn_code"].as_str(), p2["sub_icb_code"].as_str()),
        (Some("P2"), Some("01B"))
    );

    // map.html lists the ICBs for its colouring and filter, with their networks.
    let html = std::fs::read_to_string(out.join("map.html")).unwrap();
    let data = html
        .split("<script type=\"application/json\" id=\"data\">")
        .nth(1)
        .and_then(|t| t.split("</script>").next())
        .unwrap();
    let data: serde_json::Value = serde_json::from_str(data).unwrap();
    let icbs: Vec<(String, u64)> = data["icbs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_string(),
                c["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(icbs, [("AAA".to_string(), 2), ("BBB".to_string(), 1)]);
    assert_eq!(data["pcns"][1]["icb_code"], "AAA");
    assert!(data["pcns"][3].get("icb_code").is_none());

    // The summary names the ICBs.
    assert!(
        run.stdout
            .contains("ICBs: unknown (1 PCN), AAA ICB AAA (2 PCNs), BBB ICB BBB (1 PCN)"),
        "{}",
        run.stdout
    );
}

/// Each level of `icb_summary.csv` adds up to `pcn_summary.csv`.
fn totals_match(out: &Path) {
    let pcns = csv_rows(&out.join("pcn_summary.csv"));
    let icbs = csv_rows(&out.join("icb_summary.csv"));
    let sum_pcn = |col: &str| -> u64 { pcns.iter().map(|r| r[col].parse::<u64>().unwrap()).sum() };
    let count_band = |b: &str| pcns.iter().filter(|r| r["band"] == b).count() as u64;
    let non_contig = pcns.iter().filter(|r| r["contiguous"] == "false").count() as u64;
    for level in ["icb", "sub_icb"] {
        let sum = |col: &str| -> u64 {
            icbs.iter()
                .filter(|r| r["level"] == level)
                .map(|r| r[col].parse::<u64>().unwrap())
                .sum()
        };
        assert_eq!(sum("networks"), pcns.len() as u64, "{level}");
        assert_eq!(sum("practices"), sum_pcn("practices"), "{level}");
        assert_eq!(sum("patients"), sum_pcn("list_size"), "{level}");
        assert_eq!(sum("below_band"), count_band("below"), "{level}");
        assert_eq!(sum("within_band"), count_band("within"), "{level}");
        assert_eq!(sum("above_band"), count_band("above"), "{level}");
        assert_eq!(sum("non_contiguous"), non_contig, "{level}");
    }
}

/// A practices file without the org columns (the demo) still loads; the
/// columns are there, empty, and every PCN is in the `unknown` row.
#[test]
fn demo_without_org_columns_gives_empty_columns() {
    let d = folder(&[]);
    let run = pcn_atlas(d.path(), &["check", "--dataset", &demo(), "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = d.path().join("out");
    let pcns = csv_rows(&out.join("pcn_summary.csv"));
    assert!(!pcns.is_empty());
    for r in &pcns {
        for c in [
            "sub_icb_code",
            "sub_icb_name",
            "icb_code",
            "icb_name",
            "region_code",
        ] {
            assert_eq!(r.get(c).map(String::as_str), Some(""), "{c}");
        }
    }
    let icbs = csv_rows(&out.join("icb_summary.csv"));
    assert_eq!(icbs.len(), 2);
    assert_eq!(icbs[0]["name"], "unknown");
    totals_match(&out);
    assert!(!run.stdout.contains("ICB"), "{}", run.stdout);
    let html = std::fs::read_to_string(out.join("map.html")).unwrap();
    assert!(!html.contains("\"icbs\":"), "the demo has no ICBs");
}

/// The national files of Staffordshire and Stoke-on-Trent ICB (QNC).
fn staffs_import(dir: &Path, data: &Path, extra: &[&str], out: &str) -> common::Run {
    let cur = data.join("current");
    let p = |f: &str| cur.join(f).to_str().unwrap().to_string();
    let mut args: Vec<String> = vec![
        "import".into(),
        "--map".into(),
        p("gp-reg-pat-prac-map-2025-10.csv"),
        "--registrations".into(),
        p("gp-reg-pat-prac-lsoa-all-2025-10-staffordshire-icb.csv"),
        "--boundaries".into(),
        p("lsoa21_boundaries_bgc.geojson"),
        "--postcodes".into(),
        p("codepoint-open-2025-practices"),
        "--epraccur".into(),
        p("epraccur-2025-09.csv"),
        "--list-sizes".into(),
        p("gp-reg-pat-prac-all-2026-04-first211rows.csv"),
        "--out".into(),
        out.into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    pcn_atlas(dir, &args)
}

/// `import --icb QNC`: the ICB's 141 practices in 25 PCNs; `check` runs and
/// `icb_summary.csv` has the one ICB with pcn_summary.csv's totals. With
/// `--area-lookup`, every area written is in QNC.
#[test]
fn staffordshire_icb_import_and_summary() {
    let Some(data) = shared_data("staffordshire_icb_import_and_summary") else {
        return;
    };
    if !data.join("current").is_dir() {
        common::skip(&format!(
            "SKIP staffordshire_icb_import_and_summary: no current/ folder in {}",
            data.display()
        ));
        return;
    }
    let d = folder(&[]);
    let lookup = data.join("current/lsoa21_sub_icb_icb_2024_lookup.csv");
    let lookup = lookup.to_str().unwrap();
    let run = staffs_import(
        d.path(),
        &data,
        &["--icb", "QNC", "--area-lookup", lookup],
        "qnc",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(d.path().join("qnc/import_report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["practices_written"], 141);
    assert_eq!(report["pcns_written"], 25);
    let practices = csv_rows(&d.path().join("qnc/practices.csv"));
    assert!(practices.iter().all(|r| r["icb_code"] == "QNC"));
    let areas: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("qnc/areas.geojson")).unwrap())
            .unwrap();
    let features = areas["features"].as_array().unwrap();
    assert!(!features.is_empty());
    assert!(
        features
            .iter()
            .all(|f| f["properties"]["icb_code"] == "QNC")
    );
    eprintln!("QNC with --area-lookup: {} areas", features.len());

    let run = pcn_atlas(d.path(), &["check", "--dataset", "qnc", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("ICB: QNC "), "{}", run.stdout);
    let out = d.path().join("out");
    let icbs = csv_rows(&out.join("icb_summary.csv"));
    let icb_rows: Vec<_> = icbs.iter().filter(|r| r["level"] == "icb").collect();
    assert_eq!(icb_rows.len(), 1);
    assert_eq!(icb_rows[0]["code"], "QNC");
    assert_eq!(icb_rows[0]["networks"], "25");
    assert_eq!(icb_rows[0]["practices"], "141");
    totals_match(&out);

    // Without the lookup: the same practices and PCNs (areas by registrations only).
    let run = staffs_import(d.path(), &data, &["--icb", "QNC"], "qnc-nolookup");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(d.path().join("qnc-nolookup/import_report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["practices_written"], 141);
    assert_eq!(report["pcns_written"], 25);
    assert!(report["areas_written"].as_u64().unwrap() >= features.len() as u64);

    // An unknown code: exit 2, the map's ICB codes listed closest first.
    let run = staffs_import(d.path(), &data, &["--icb", "QNCX"], "bad");
    assert_eq!(run.code, 2, "{}", run.stderr);
    let msg = run.stderr.trim();
    assert_eq!(msg.lines().count(), 1, "{msg}");
    assert!(
        msg.contains("--icb QNCX: no practice in the map has that ICB code"),
        "{msg}"
    );
    let listed = msg.split("closest first").next().unwrap();
    let first = listed
        .rsplit('(')
        .next()
        .unwrap()
        .split(',')
        .next()
        .unwrap();
    assert_eq!(first, "QNC", "closest first: {msg}");
    assert!(!d.path().join("bad").exists());
}
