//! Hostile text in input names (issue 13 items 7 and 8): formula-leading
//! names never reach a CSV as formulas, no name can open a comment or a
//! script in map.html, and a control character in a name is a notice, not
//! the end of the run. docs/reliability/text.md lists each case.

mod common;
use common::{folder, pcn_atlas};
use std::path::Path;

/// Two areas; `name` is the first area's `area_name` (JSON-escaped).
fn areas(name: &str) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[
{{"type":"Feature","properties":{{"area_code":"E01000001","area_name":"{name}","population":1500,"ruc":"C1"}},
 "geometry":{{"type":"Polygon","coordinates":[[[-0.76,52.62],[-0.75,52.62],[-0.75,52.63],[-0.76,52.63],[-0.76,52.62]]]}}}},
{{"type":"Feature","properties":{{"area_code":"E01000002","area_name":"-1+1","population":1954,"ruc":"E1"}},
 "geometry":{{"type":"Polygon","coordinates":[[[-0.75,52.62],[-0.74,52.62],[-0.74,52.63],[-0.75,52.63],[-0.75,52.62]]]}}}}
]}}"#
    )
}

/// Names a spreadsheet would run as formulas.
const FORMULA_PRACTICES: &str = "practice_code,practice_name,pcn_code,pcn_name,list_size,lon,lat\n\
P1,\"=cmd|' /C calc'!A0\",U1,\"+HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",1000,-0.755,52.625\n\
P2,@SUM(1+1),U2,-2+3,2000,-0.745,52.625\n";

/// A dataset of formula-like names (and an area named `=1+1`), in `ds/`
/// (an output inside an input folder is refused).
fn formula_folder() -> tempfile::TempDir {
    folder(&[
        ("ds/practices.csv", FORMULA_PRACTICES),
        ("ds/areas.geojson", &areas("=1+1")),
    ])
}

/// Every cell of every CSV under `dir` (recursively), with its file.
fn csv_cells(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "csv") {
                let mut r = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .from_path(&p)
                    .unwrap();
                for rec in r.records() {
                    for cell in rec.unwrap().iter() {
                        out.push((p.display().to_string(), cell.to_string()));
                    }
                }
            }
        }
    }
    out
}

/// No cell starts a formula: a cell beginning with `=`, `+`, `-`, `@`,
/// tab or CR must be a plain number.
fn assert_no_formula(dir: &Path) {
    let cells = csv_cells(dir);
    assert!(!cells.is_empty(), "no CSV under {}", dir.display());
    for (file, cell) in cells {
        if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            let number = cell.parse::<f64>().is_ok()
                && cell[1..]
                    .chars()
                    .all(|c| c.is_ascii_digit() || ".eE+-".contains(c));
            assert!(number, "{file}: formula-leading cell `{cell}`");
        }
    }
}

/// The file's records, as strings, header included.
fn records(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn run_ok(cwd: &Path, args: &[&str]) -> common::Run {
    let r = pcn_atlas(cwd, args);
    assert_eq!(
        r.code, 0,
        "{args:?}\nstdout: {}\nstderr: {}",
        r.stdout, r.stderr
    );
    r
}

#[test]
fn check_csvs_neutralise_formula_names_and_keep_numbers() {
    let d = formula_folder();
    run_ok(
        d.path(),
        &["check", "--dataset", "ds", "--out", "out", "-q"],
    );
    let out = d.path().join("out");
    assert_no_formula(&out);
    let rows = records(&out.join("pcn_summary.csv"));
    assert_eq!(
        rows[1][..4],
        ["U1", "'+HYPERLINK(\"http://x\",\"y\")", "1", "1000"]
    );
    assert_eq!(rows[2][..4], ["U2", "'-2+3", "1", "2000"]);
    // JSON outputs keep the names as given.
    let pcns = std::fs::read_to_string(out.join("pcns.geojson")).unwrap();
    assert!(pcns.contains("\"-2+3\""), "{pcns}");
}

#[test]
fn propose_csvs_neutralise_formula_names() {
    let d = formula_folder();
    run_ok(
        d.path(),
        &["propose", "--dataset", "ds", "--out", "out", "-q"],
    );
    let out = d.path().join("out");
    assert_no_formula(&out);
    let practices = records(&out.join("practices.csv"));
    assert_eq!(practices[1][..2], ["P1", "'=cmd|' /C calc'!A0"]);
    assert_eq!(practices[2][..2], ["P2", "'@SUM(1+1)"]);
    // Read back, the dataset the proposal wrote still checks.
    run_ok(
        d.path(),
        &[
            "check",
            "--dataset",
            "ds",
            "--practices",
            "out/practices.csv",
            "--footprints",
            "out/footprints.csv",
            "--out",
            "again",
            "-q",
        ],
    );
}

#[test]
fn what_if_csvs_neutralise_formula_names() {
    let d = formula_folder();
    run_ok(
        d.path(),
        &[
            "what-if",
            "--dataset",
            "ds",
            "--out",
            "out",
            "-q",
            "--move-practice",
            "P1=U2",
        ],
    );
    let out = d.path().join("out");
    assert_no_formula(&out);
    let diff = records(&out.join("diff.csv"));
    let u2 = diff.iter().find(|r| r[0] == "U2").expect("U2 in diff.csv");
    assert_eq!(u2[3..5], ["'-2+3", "'-2+3"]);
    let geo = std::fs::read_to_string(out.join("diff.geojson")).unwrap();
    assert!(
        geo.contains("\"-2+3\""),
        "diff.geojson keeps the name: {geo}"
    );
}

/// The JSON between `<script type="application/json" id="data">` and the
/// first `</script` after it.
fn embedded_json(html: &str) -> &str {
    let open = "<script type=\"application/json\" id=\"data\">";
    let start = html.find(open).expect("data script") + open.len();
    let len = html[start..].find("</script").expect("script end");
    &html[start..start + len]
}

#[test]
fn map_html_names_open_no_comment_script_or_cdata() {
    let hostile = [
        "<!--<script>",
        "</script><script>alert(1)</script>",
        "]]> & \u{2028}line\u{2029}para",
    ];
    let practices = format!(
        "practice_code,practice_name,pcn_code,pcn_name,list_size,lon,lat\n\
         P1,\"{}\",U1,\"{}\",1000,-0.755,52.625\n\
         P2,plain,U2,plain,2000,-0.745,52.625\n",
        hostile[2], hostile[0]
    );
    let d = folder(&[
        ("ds/practices.csv", &practices),
        ("ds/areas.geojson", &areas(hostile[1])),
    ]);
    run_ok(
        d.path(),
        &["check", "--dataset", "ds", "--out", "out", "-q"],
    );
    let html = std::fs::read_to_string(d.path().join("out/map.html")).unwrap();
    let json = embedded_json(&html);
    for bad in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
        assert!(!json.contains(bad), "{bad:?} in the embedded JSON");
    }
    // The page has its two scripts and no comment, whatever the names.
    assert_eq!(html.matches("<script").count(), 2);
    assert!(!html.contains("<!--"));
    // And the script reads the names back exactly.
    let v: serde_json::Value = serde_json::from_str(json).expect("embedded JSON parses");
    let names: Vec<&str> = v["pcns"]
        .as_array()
        .unwrap()
        .iter()
        .chain(v["points"].as_array().unwrap())
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(names.contains(&hostile[0]), "{names:?}");
    assert!(names.contains(&hostile[2]), "{names:?}");
}

#[test]
fn control_characters_in_names_are_a_notice_not_an_abort() {
    // A form feed in a PCN name, an escape sequence in a practice name, a
    // bell in an area name.
    let practices = "practice_code,practice_name,pcn_code,pcn_name,list_size,lon,lat\n\
         P1,\"RED\u{1b}[31mTEXT\",U1,\"NORTH\u{c}PCN\",1000,-0.755,52.625\n\
         P2,TWO,U2,SOUTH,2000,-0.745,52.625\n";
    let d = folder(&[
        ("ds/practices.csv", practices),
        ("ds/areas.geojson", &areas("BELL\\u0007AREA")),
    ]);
    let r = run_ok(d.path(), &["check", "--dataset", "ds", "--out", "out"]);
    assert!(!r.stdout.contains('\u{1b}') && !r.stderr.contains('\u{1b}'));
    let out = d.path().join("out");
    for f in ["map.svg", "map.html", "map.png"] {
        assert!(out.join(f).is_file(), "{f} written");
    }
    // No output file holds a control character other than tab and line
    // breaks (JSON escapes such as \u000c would be caught as text).
    for e in std::fs::read_dir(&out).unwrap() {
        let p = e.unwrap().path();
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue; // map.png
        };
        let bad = text
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
        assert_eq!(bad, None, "{}", p.display());
        assert!(
            !text.contains("\\u000c") && !text.contains("\\u001b"),
            "{}",
            p.display()
        );
    }
    let summary = std::fs::read_to_string(out.join("pcn_summary.csv")).unwrap();
    assert!(summary.contains("U1,NORTH PCN,"), "{summary}");
    // One notice per name, naming file and line (or feature) and the value.
    let findings = records(&out.join("findings.csv"));
    let notices: Vec<&Vec<String>> = findings
        .iter()
        .filter(|r| r[1] == "NAME_CONTROL_CHARACTERS")
        .collect();
    assert_eq!(notices.len(), 3, "{findings:?}");
    let detail = |subject: &str| {
        notices
            .iter()
            .find(|r| r[2] == subject)
            .map(|r| r[3].clone())
            .unwrap_or_default()
    };
    assert!(
        detail("P1").contains("practices.csv:2: practice P1's name")
            && detail("P1").contains("`RED\\u{1b}[31mTEXT`"),
        "{notices:?}"
    );
    assert!(
        detail("U1").contains("practices.csv:2: PCN U1's name")
            && detail("U1").contains("`NORTH\\u{c}PCN`"),
        "{notices:?}"
    );
    assert!(
        detail("E01000001").contains("areas.geojson: feature 1: area E01000001's name")
            && detail("E01000001").contains("`BELL\\u{7}AREA`"),
        "{notices:?}"
    );
}

#[test]
fn svg_text_with_any_character_still_renders() {
    use pcn_atlas::output::map::{png::render_png, svg::esc};
    let mut text: String = (0u8..0x20).map(char::from).collect();
    text.push_str("\u{7f}\u{85}\u{fffe}\u{ffff}<&>\"'");
    let escaped = esc(&text);
    let xml_ok = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
    };
    assert!(escaped.chars().all(xml_ok), "{escaped:?}");
    let svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><title>{escaped}</title><text x="1" y="10" data-n="{escaped}">{escaped}</text></svg>"#
    );
    render_png(&svg, 1.0).expect("renders");
}
