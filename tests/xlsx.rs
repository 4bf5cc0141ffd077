//! `pcn-atlas.xlsx` and `staff_matrix.csv` (issue 15 item 8): the demo
//! analyse workbook read back with calamine (as a spreadsheet program
//! would), its number formats read from the zip's own XML, a hand-made
//! three-practice network whose staff matrix is worked out by hand, text
//! that looks like a formula, determinism, `--no-xlsx`, and Rutland.

mod common;
use calamine::{Data, Range, Reader, Xlsx, open_workbook};
use common::{demo, folder, pcn_atlas, pcn_atlas_env, shared_data};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

fn workbook(p: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn sheet(wb: &mut Xlsx<std::io::BufReader<std::fs::File>>, name: &str) -> Range<Data> {
    wb.worksheet_range(name).unwrap()
}

/// A cell as text (numbers as Rust prints them).
fn s(d: &Data) -> String {
    match d {
        Data::String(x) => x.clone(),
        Data::Float(x) => x.to_string(),
        Data::Int(x) => x.to_string(),
        Data::Bool(x) => x.to_string(),
        Data::Empty => String::new(),
        x => format!("{x:?}"),
    }
}

fn num(d: &Data) -> f64 {
    match d {
        Data::Float(x) => *x,
        Data::Int(x) => *x as f64,
        x => panic!("not a number: {x:?}"),
    }
}

/// The rows of a CSV file, header first.
fn csv_rows(p: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(p)
        .unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// One entry of a zip file, as text.
fn entry(p: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(p).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The value of attribute `attr` in the XML element starting at `tag`.
fn attr<'a>(xml: &'a str, tag: &str, attr: &str) -> Option<&'a str> {
    let start = xml.find(tag)?;
    let end = start + xml[start..].find('>')?;
    let el = &xml[start..end];
    let k = el.find(&format!(" {attr}=\""))? + attr.len() + 3;
    Some(&el[k..k + el[k..].find('"')?])
}

/// The number format (its code) of cell `cell` (e.g. `G2`) of worksheet
/// file `sheet` (e.g. `sheet1.xml`), from the workbook's styles.
fn format_code(p: &Path, sheet: &str, cell: &str) -> String {
    let ws = entry(p, &format!("xl/worksheets/{sheet}"));
    let styles = entry(p, "xl/styles.xml");
    let s: usize = attr(&ws, &format!("<c r=\"{cell}\""), "s")
        .unwrap_or_else(|| panic!("{cell} has no style"))
        .parse()
        .unwrap();
    let xfs = &styles[styles.find("<cellXfs").unwrap()..];
    let xf = xfs.match_indices("<xf ").nth(s).unwrap().0;
    let id = attr(&xfs[xf..], "<xf ", "numFmtId").unwrap();
    attr(&styles, &format!("<numFmt numFmtId=\"{id}\""), "formatCode")
        .unwrap_or_else(|| panic!("numFmt {id} not declared"))
        .to_string()
}

#[test]
fn demo_analyse_workbook_reads_back() {
    let t = tempfile::tempdir().unwrap();
    let r = pcn_atlas(t.path(), &["analyse", "-d", &demo(), "-o", "a", "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = t.path().join("a");
    let x = out.join("pcn-atlas.xlsx");
    let mut wb = workbook(&x);
    // The demo has no ICBs: no roll-up sheet.
    assert_eq!(
        wb.sheet_names(),
        [
            "Summary",
            "Findings",
            "Practices",
            "Staff matrices",
            "About"
        ]
    );

    // Summary: one row per PCN, titles with units, numbers as numbers.
    let summary = csv_rows(&out.join("pcn_summary.csv"));
    let sum = sheet(&mut wb, "Summary");
    assert_eq!(sum.height(), summary.len());
    let head: Vec<String> = sum.rows().next().unwrap().iter().map(s).collect();
    for t in [
        "PCN code",
        "Registered patients",
        "Rural share (%)",
        "Patients' mean drive to practice (min)",
    ] {
        assert!(head.iter().any(|h| h == t), "{t} missing: {head:?}");
    }
    let col = |t: &str| head.iter().position(|h| h == t).unwrap();
    // data/demo/README.md's table: U00003 MARLBURY TOWN PCN has 40,378
    // registered patients.
    let marlbury = sum
        .rows()
        .find(|r| s(&r[0]) == "U00003")
        .expect("U00003 in Summary");
    assert_eq!(num(&marlbury[col("Registered patients")]), 40_378.0);
    // Every PCN's list size and rural share equal pcn_summary.csv's.
    let csv_col = |n: &str| summary[0].iter().position(|h| h == n).unwrap();
    for (row, want) in sum.rows().skip(1).zip(&summary[1..]) {
        assert_eq!(s(&row[0]), want[csv_col("pcn_code")]);
        assert_eq!(
            num(&row[col("Registered patients")]),
            want[csv_col("list_size")].parse::<f64>().unwrap()
        );
        assert_eq!(
            num(&row[col("Rural share (%)")]),
            want[csv_col("rural_share")].parse::<f64>().unwrap()
        );
    }
    // Formats, from the workbook's own XML: Summary is sheet1; the share
    // column shows 0.0%, the list size #,##0, minutes one decimal.
    let letter = |c: usize| ((b'A' + c as u8) as char).to_string();
    assert_eq!(
        format_code(
            &x,
            "sheet1.xml",
            &format!("{}2", letter(col("Rural share (%)")))
        ),
        "0.0%"
    );
    assert_eq!(
        format_code(
            &x,
            "sheet1.xml",
            &format!("{}2", letter(col("Registered patients")))
        ),
        "#,##0"
    );
    assert_eq!(
        format_code(
            &x,
            "sheet1.xml",
            &format!("{}2", letter(col("Patients' mean drive to practice (min)")))
        ),
        "0.0"
    );
    let ws1 = entry(&x, "xl/worksheets/sheet1.xml");
    assert!(
        ws1.contains("<pane ") && ws1.contains("state=\"frozen\""),
        "no frozen pane"
    );
    assert!(ws1.contains("<autoFilter ref=\"A1:"), "no autofilter");

    // Findings: one row per findings.csv row, severity and label columns.
    let findings = csv_rows(&out.join("findings.csv"));
    let fs = sheet(&mut wb, "Findings");
    assert_eq!(fs.height(), findings.len());
    let fhead: Vec<String> = fs.rows().next().unwrap().iter().map(s).collect();
    assert_eq!(
        fhead,
        [
            "Severity",
            "Code",
            "Finding",
            "About a",
            "Subject",
            "PCN code",
            "PCN name",
            "Practice code",
            "Area code",
            "Detail"
        ]
    );
    for (row, want) in fs.rows().skip(1).zip(&findings[1..]) {
        // findings.csv: scope, code, subject, detail.
        assert_eq!(s(&row[1]), want[1]);
        assert_eq!(s(&row[4]), want[2]);
        assert!(["error", "warning", "info"].contains(&s(&row[0]).as_str()));
        if want[0] == "pcn" {
            assert_eq!(s(&row[5]), want[2], "a PCN finding names its PCN");
        }
    }

    // Practices: every practice, by code.
    let pr = sheet(&mut wb, "Practices");
    let practices = std::fs::read_to_string(out.join("practices.geojson")).unwrap();
    assert_eq!(
        pr.height() - 1,
        practices.matches("\"practice_code\"").count()
    );

    // Staff matrices: U00003's block equals staff_matrix.csv's rows.
    let staff = csv_rows(&out.join("staff_matrix.csv"));
    assert_eq!(
        staff[0],
        [
            "pcn_code",
            "pcn_name",
            "from_code",
            "from_name",
            "to_code",
            "to_name",
            "minutes",
            "km"
        ]
    );
    let mut want: HashMap<(String, String), String> = HashMap::new();
    for r in staff.iter().skip(1).filter(|r| r[0] == "U00003") {
        want.insert((r[2].clone(), r[4].clone()), r[6].clone());
    }
    // Four members: 4 × 3 ordered pairs.
    assert_eq!(want.len(), 12);
    let sm = sheet(&mut wb, "Staff matrices");
    let rows: Vec<&[Data]> = sm.rows().collect();
    let top = rows
        .iter()
        .position(|r| s(&r[0]).starts_with("U00003 "))
        .expect("U00003's block");
    assert!(
        s(&rows[top][0]).contains("MARLBURY TOWN PCN"),
        "title names the PCN"
    );
    let to: Vec<String> = rows[top + 1][2..]
        .iter()
        .map(s)
        .take_while(|c| !c.is_empty())
        .collect();
    assert_eq!(to.len(), 4);
    let mut seen = 0;
    for r in &rows[top + 3..top + 3 + to.len()] {
        let from = s(&r[0]);
        assert!(!s(&r[1]).is_empty(), "{from} has a name");
        for (j, t) in to.iter().enumerate() {
            let cell = &r[2 + j];
            if *t == from {
                assert_eq!(num(cell), 0.0);
                continue;
            }
            let w: f64 = want[&(from.clone(), t.clone())].parse().unwrap();
            assert_eq!(num(cell), w, "{from} → {t}");
            seen += 1;
        }
    }
    assert_eq!(seen, 12);

    // About: the command, the inputs with their hashes, the parameters;
    // no date.
    let about = sheet(&mut wb, "About");
    let cells: Vec<String> = about.rows().flat_map(|r| r.iter().map(s)).collect();
    for k in [
        "Tool",
        "Version",
        "Command",
        "Inputs",
        "SHA-256",
        "check.band_min",
    ] {
        assert!(cells.iter().any(|c| c == k), "{k} missing from About");
    }
    assert!(cells.iter().any(|c| c.contains("analyse")), "command");
    assert!(
        cells
            .iter()
            .any(|c| c.len() == 64 && c.bytes().all(|b| b.is_ascii_hexdigit()))
    );
}

/// Three practices on one straight road signed 60 km/h in one network; P2, in the
/// middle, is the hub (equal list sizes: the 1-median).
fn line_network() -> tempfile::TempDir {
    let area = |code: &str, w: f64| {
        format!(
            r#"{{"type":"Feature","properties":{{"area_code":"{code}","population":1000,"ruc":"E1"}},
 "geometry":{{"type":"Polygon","coordinates":[[[{w},52.62],[{e},52.62],[{e},52.63],[{w},52.63],[{w},52.62]]]}}}}"#,
            e = w + 0.01
        )
    };
    let areas = format!(
        r#"{{"type":"FeatureCollection","features":[{},{},{}]}}"#,
        area("E01000001", -0.76),
        area("E01000002", -0.75),
        area("E01000003", -0.74)
    );
    let roads = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"highway":"tertiary","maxspeed":"60"},"geometry":{"type":"LineString","coordinates":[[-0.76,52.625],[-0.755,52.625],[-0.745,52.625],[-0.735,52.625],[-0.73,52.625]]}}
]}"#;
    folder(&[
        (
            "ds/practices.csv",
            "practice_code,practice_name,pcn_code,pcn_name,list_size,lon,lat\n\
             P1,West Surgery,U1,Line PCN,1000,-0.755,52.625\n\
             P2,Middle Surgery,U1,Line PCN,1000,-0.745,52.625\n\
             P3,East Surgery,U1,Line PCN,1000,-0.735,52.625\n",
        ),
        ("ds/areas.geojson", &areas),
        ("ds/roads.geojson", roads),
    ])
}

#[test]
fn staff_matrix_of_a_hand_made_network() {
    let t = line_network();
    let r = pcn_atlas(
        t.path(),
        &[
            "analyse",
            "-d",
            "ds",
            "--roads",
            "ds/roads.geojson",
            "-o",
            "a",
            "-q",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = t.path().join("a");
    let rows = csv_rows(&out.join("staff_matrix.csv"));
    // Three members: 3 × 2 ordered pairs, by origin then destination code.
    let pairs: Vec<(&str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[2].as_str(), r[4].as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("P1", "P2"),
            ("P1", "P3"),
            ("P2", "P1"),
            ("P2", "P3"),
            ("P3", "P1"),
            ("P3", "P2")
        ]
    );
    assert!(rows[1..].iter().all(|r| r[0] == "U1" && r[1] == "Line PCN"));
    assert_eq!(
        (rows[1][3].as_str(), rows[1][5].as_str()),
        ("West Surgery", "Middle Surgery")
    );
    // By hand: 0.01° of longitude at 52.625°N is 111.32 km × cos(52.625°)
    // = 0.676 km; a signed 60 km/h is driven at 0.85 × 60 = 51 km/h
    // (docs/car-profile.md), so 0.676 km takes 0.676 / 51 × 60 = 0.795 min.
    let m: HashMap<(&str, &str), (f64, Option<f64>)> = rows[1..]
        .iter()
        .map(|r| {
            (
                (r[2].as_str(), r[4].as_str()),
                (r[6].parse().unwrap(), r[7].parse().ok()),
            )
        })
        .collect();
    for ((from, to), (min, _)) in &m {
        let hops = (from.as_bytes()[1] as i32 - to.as_bytes()[1] as i32).abs() as f64;
        let want = 0.676 / 51.0 * 60.0 * hops;
        assert!(
            (min - want).abs() < 0.02,
            "{from}→{to}: {min} min, want {want}"
        );
        // Two decimals.
        let cell = &rows[1..]
            .iter()
            .find(|r| r[2] == *from && r[4] == *to)
            .unwrap()[6];
        assert_eq!(cell.split('.').nth(1).map(str::len), Some(2), "{cell}");
    }
    // The hub's routes: minutes and km equal routes.geojson's; the pairs
    // no route was traced for have no km.
    let routes: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("routes.geojson")).unwrap())
            .unwrap();
    let feats = routes["features"].as_array().unwrap();
    assert_eq!(feats.len(), 2);
    for f in feats {
        let p = &f["properties"];
        let key = (
            p["from_code"].as_str().unwrap(),
            p["to_code"].as_str().unwrap(),
        );
        assert_eq!(key.0, "P2", "the hub is the middle practice");
        let (min, km) = m[&key];
        assert_eq!(min, p["minutes"].as_f64().unwrap(), "{key:?}");
        assert_eq!(km, p["km"].as_f64(), "{key:?}");
        assert!((km.unwrap() - 0.676).abs() < 0.01);
    }
    for key in [("P1", "P2"), ("P1", "P3"), ("P3", "P1"), ("P3", "P2")] {
        assert_eq!(m[&key].1, None, "{key:?}: no route traced, no km");
    }
    // The workbook's block: a square 3 × 3 with zeros on the diagonal.
    let mut wb = workbook(&out.join("pcn-atlas.xlsx"));
    let sm = sheet(&mut wb, "Staff matrices");
    let rows: Vec<&[Data]> = sm.rows().collect();
    assert_eq!(
        s(&rows[0][0]),
        "U1 Line PCN (hub P2): drive minutes from the row's site to the column's"
    );
    assert_eq!(
        rows[1].iter().map(s).collect::<Vec<_>>(),
        ["From code", "From name", "P1", "P2", "P3"]
    );
    assert_eq!(
        rows[2][2..].iter().map(s).collect::<Vec<_>>(),
        ["West Surgery", "Middle Surgery", "East Surgery"]
    );
    for i in 0..3 {
        assert_eq!(num(&rows[3 + i][2 + i]), 0.0);
        for j in 0..3 {
            if i != j {
                let (f, t) = (format!("P{}", i + 1), format!("P{}", j + 1));
                assert_eq!(num(&rows[3 + i][2 + j]), m[&(f.as_str(), t.as_str())].0);
            }
        }
    }
}

/// Names a spreadsheet would run as formulas.
const FORMULA_PRACTICES: &str = "practice_code,practice_name,pcn_code,pcn_name,list_size,lon,lat\n\
P1,\"=cmd|' /C calc'!A0\",U1,\"+HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",1000,-0.755,52.625\n\
P2,@SUM(1+1),U2,-2+3,2000,-0.745,52.625\n";

#[test]
fn formula_like_names_are_text_and_check_has_no_staff_sheet() {
    let t = line_network();
    std::fs::write(t.path().join("ds/practices.csv"), FORMULA_PRACTICES).unwrap();
    let r = pcn_atlas(t.path(), &["check", "-d", "ds", "-o", "c", "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let x = t.path().join("c/pcn-atlas.xlsx");
    assert!(
        !t.path().join("c/staff_matrix.csv").exists(),
        "check has no drive times"
    );
    let mut wb = workbook(&x);
    assert_eq!(
        wb.sheet_names(),
        ["Summary", "Findings", "Practices", "About"]
    );
    let pr = sheet(&mut wb, "Practices");
    let names: Vec<&Data> = pr.rows().skip(1).map(|r| &r[1]).collect();
    assert_eq!(
        names,
        [
            &Data::String("=cmd|' /C calc'!A0".into()),
            &Data::String("@SUM(1+1)".into())
        ]
    );
    let pcns: Vec<&Data> = pr.rows().skip(1).map(|r| &r[3]).collect();
    assert_eq!(
        pcns,
        [
            &Data::String("+HYPERLINK(\"http://x\",\"y\")".into()),
            &Data::String("-2+3".into())
        ]
    );
    // No sheet holds a formula.
    for n in 1..=4 {
        let ws = entry(&x, &format!("xl/worksheets/sheet{n}.xml"));
        assert!(
            !ws.contains("<f>") && !ws.contains("<f "),
            "sheet{n} has a formula"
        );
    }
}

#[test]
fn same_bytes_any_thread_count_no_clock_and_no_xlsx_skips() {
    let t = tempfile::tempdir().unwrap();
    let run = |threads: &str| {
        let r = pcn_atlas_env(
            t.path(),
            &["analyse", "-d", &demo(), "-o", "a", "-q"],
            &[("RAYON_NUM_THREADS", threads)],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        std::fs::read(t.path().join("a/pcn-atlas.xlsx")).unwrap()
    };
    let one = run("1");
    let two = run("2");
    assert!(
        one == two,
        "the workbook's bytes depend on the thread count"
    );
    // Every zip entry carries the constant 1980-01-01 00:00 time, and the
    // document's creation date is the constant one.
    let x = t.path().join("a/pcn-atlas.xlsx");
    let mut z = zip::ZipArchive::new(std::fs::File::open(&x).unwrap()).unwrap();
    for i in 0..z.len() {
        let e = z.by_index(i).unwrap();
        let m = e.last_modified().unwrap();
        assert_eq!(
            (
                m.year(),
                m.month(),
                m.day(),
                m.hour(),
                m.minute(),
                m.second()
            ),
            (1980, 1, 1, 0, 0, 0),
            "{:?}",
            e.name()
        );
    }
    drop(z);
    let core = entry(&x, "docProps/core.xml");
    assert!(core.contains("2000-01-01T00:00:00Z"), "{core}");

    let r = pcn_atlas(
        t.path(),
        &["analyse", "-d", &demo(), "-o", "n", "-q", "--no-xlsx"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!t.path().join("n/pcn-atlas.xlsx").exists());
    assert!(t.path().join("n/staff_matrix.csv").exists());
}

#[test]
fn rutland_analyse_workbook() {
    let Some(data) = shared_data("rutland_analyse_workbook") else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    common::rutland_with_roads(out.path(), &data, "analyse", "an");
    let mut wb = workbook(&out.path().join("an/pcn-atlas.xlsx"));
    assert_eq!(
        wb.sheet_names(),
        [
            "Summary",
            "Findings",
            "Practices",
            "Staff matrices",
            "ICB roll-up",
            "About"
        ]
    );
    let sum = sheet(&mut wb, "Summary");
    assert!(sum.rows().any(|r| s(&r[0]) == "U67590"), "Rutland's PCN");
    let sm = sheet(&mut wb, "Staff matrices");
    assert!(sm.rows().any(|r| s(&r[0]).starts_with("U67590 ")));
    let icb = sheet(&mut wb, "ICB roll-up");
    assert!(
        icb.rows()
            .skip(1)
            .any(|r| s(&r[0]) == "icb" && !s(&r[1]).is_empty())
    );
    let about = sheet(&mut wb, "About");
    let cells: Vec<String> = about.rows().flat_map(|r| r.iter().map(s)).collect();
    assert!(cells.iter().any(|c| c == "Data vintages"), "{cells:?}");
    assert!(cells.iter().any(|c| c == "Imported from"));
}
