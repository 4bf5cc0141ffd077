//! `proposal.html`, written by `propose` beside its other outputs, on the
//! demo: a footprint for every network on both panels (today and
//! proposed), every moved area of `moves.csv` hatched on the proposal and
//! outlined today with the sentence saying where it went, an arrow for
//! every moved practice (and none for any other), a table row per network
//! with `proposal.csv`'s figures — for the minimal change and for the
//! least-driving search that renames networks; the same bytes on a second run, and
//! nothing fetched from anywhere. What Chromium draws (panels panned and
//! zoomed together, hatch and hover) is `tests/browser/proposal.test.mjs`,
//! run by `proposal_in_a_real_browser` when a browser is installed.

mod common;
use common::{csv_rows, demo, pcn_atlas};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `propose --rural-waiver --move-practices` on the demo, with `extra`
/// flags, into `dir/out`.
fn propose(dir: &Path, out: &str, threads: &str, extra: &[&str]) -> PathBuf {
    let demo = demo();
    let mut args = vec![
        "propose",
        "--dataset",
        &demo,
        "--out",
        out,
        "--rural-waiver",
        "--move-practices",
        "--threads",
        threads,
        "-q",
    ];
    args.extend_from_slice(extra);
    let r = pcn_atlas(dir, &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    dir.join(out)
}

/// The text of the element opened by `open` up to its `close`.
fn section<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    let start = html.find(open).unwrap_or_else(|| panic!("{open} missing"));
    let end = start + html[start..].find(close).unwrap();
    &html[start..end]
}

/// The value of attribute `name` in the tag starting at `tag`.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let tag = &tag[..tag.find('>')?];
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    Some(&tag[i..i + tag[i..].find('"')?])
}

/// The tags in `html` that start with `<path` and carry `key="value"`.
fn paths_with<'a>(html: &'a str, key: &str, value: &str) -> Vec<&'a str> {
    html.match_indices("<path ")
        .map(|(i, _)| &html[i..])
        .filter(|t| attr(t, key) == Some(value))
        .collect()
}

#[test]
fn demo_minimal_change_drawn_whole() {
    // The default objective on the demo: a few areas and practices move.
    let tmp = tempfile::tempdir().unwrap();
    let moves = check_page(&propose(tmp.path(), "p", "2", &[]));
    assert!(moves.0 > 0 && moves.1 > 0, "{moves:?}");
}

#[test]
fn demo_driving_with_renamed_networks_drawn_whole() {
    // The least-driving search moves many areas and practices, and some
    // networks keep under half their patients: they are NEW-… on the
    // proposal, still keyed by today's code.
    let tmp = tempfile::tempdir().unwrap();
    let extra = ["--objective", "driving", "--allow-worse"];
    let out = propose(tmp.path(), "d", "2", &extra);
    check_page(&out);
    let proposal = csv_rows(&out.join("proposal.csv"));
    let renamed: Vec<_> = proposal.iter().filter(|r| r["status"] == "new").collect();
    assert!(
        !renamed.is_empty(),
        "the driving proposal renames a network"
    );
    let html = std::fs::read_to_string(out.join("proposal.html")).unwrap();
    let after = section(&html, "<svg id=\"after\"", "</svg>");
    for r in renamed {
        let new = &r["proposed_code"];
        assert!(new.starts_with("NEW-"), "{new}");
        assert!(
            after.contains(&format!(">{new}</text>")),
            "{new} not labelled"
        );
    }
}

/// Check the page of a propose output folder against its CSVs; the
/// numbers of areas and practices moved.
fn check_page(out: &Path) -> (usize, usize) {
    let html = std::fs::read_to_string(out.join("proposal.html")).unwrap();
    let before = section(&html, "<svg id=\"before\"", "</svg>");
    let after = section(&html, "<svg id=\"after\"", "</svg>");
    let proposal = csv_rows(&out.join("proposal.csv"));
    assert_eq!(proposal.len(), 9, "the demo has nine networks");

    // A footprint for each network on both panels, in the same fill.
    for row in &proposal {
        let code = &row["pcn_code"];
        let (b, a) = (
            paths_with(before, "data-pcn", code),
            paths_with(after, "data-pcn", code),
        );
        assert_eq!((b.len(), a.len()), (1, 1), "{code}: one path per panel");
        for t in [b[0], a[0]] {
            assert!(attr(t, "d").unwrap().starts_with('M'), "{code}: empty path");
        }
        assert_eq!(attr(b[0], "fill"), attr(a[0], "fill"), "{code}: same fill");
        let named = format!(
            "<title>{} {} proposed:",
            row["proposed_code"], row["proposed_name"]
        );
        assert!(a[0].contains(&named), "{code}: {named} missing");
    }
    let fills: std::collections::BTreeSet<_> = before
        .match_indices("<path data-pcn")
        .filter_map(|(i, _)| attr(&before[i..], "fill"))
        .collect();
    assert_eq!(fills.len(), 9, "nine networks, nine fills: {fills:?}");
    let moves = csv_rows(&out.join("moves.csv"));
    let counts = check_moves(&html, &proposal, &moves);
    check_table(&html, &proposal);
    counts
}

/// Every moved area hatched on the proposal and outlined today, every
/// moved practice arrowed, each with its sentence; the numbers of each.
fn check_moves(
    html: &str,
    proposal: &[BTreeMap<String, String>],
    moves: &[BTreeMap<String, String>],
) -> (usize, usize) {
    let before = section(html, "<svg id=\"before\"", "</svg>");
    let after = section(html, "<svg id=\"after\"", "</svg>");
    // Networks by today's code and by their proposed code (NEW-… when
    // renamed).
    let mut name_of: BTreeMap<&str, &str> = BTreeMap::new();
    for r in proposal {
        name_of.insert(&r["pcn_code"], &r["pcn_name"]);
        name_of.insert(&r["proposed_code"], &r["proposed_name"]);
    }
    let areas: Vec<_> = moves.iter().filter(|m| m["kind"] == "area").collect();
    assert!(!areas.is_empty(), "the demo proposal moves areas");
    for m in &areas {
        let code = &m["code"];
        let a = paths_with(after, "data-area", code);
        assert_eq!(a.len(), 1, "{code} not drawn on the proposal");
        assert_eq!(attr(a[0], "fill"), Some("url(#proposal-hatch)"), "{code}");
        assert!(attr(a[0], "d").unwrap().starts_with('M'), "{code}");
        let b = paths_with(before, "data-area", code);
        assert_eq!(b.len(), 1, "{code} not outlined today");
        assert_eq!(attr(b[0], "class"), Some("moved-before"), "{code}");
        // An area in no footprint today (the demo's E01900103) moves from
        // "no network".
        let network = |c: &str| match name_of.get(c) {
            Some(name) => format!("{c} {name}"),
            None => "no network".to_string(),
        };
        let sentence = format!(
            "<title>{code} {} moved from {} to {}</title>",
            m["name"],
            network(&m["from_pcn"]),
            network(&m["to_pcn"])
        );
        assert!(a[0].contains(&sentence), "{code}: {sentence} missing");
    }
    let hatched = after.matches("fill=\"url(#proposal-hatch)\"").count();
    assert_eq!(hatched, areas.len(), "only moved areas are hatched");
    assert!(html.contains("<pattern id=\"proposal-hatch\""));

    // An arrow for each moved practice, and no other.
    let practices: Vec<_> = moves.iter().filter(|m| m["kind"] == "practice").collect();
    for m in &practices {
        let code = &m["code"];
        let arrows: Vec<_> = paths_with(after, "data-practice", code)
            .into_iter()
            .filter(|t| attr(t, "class") == Some("arrow"))
            .collect();
        assert_eq!(arrows.len(), 1, "{code}: no arrow");
        let d = attr(arrows[0], "d").unwrap();
        assert_eq!(d.matches('L').count(), 3, "{code}: shaft and head: {d}");
        assert!(
            arrows[0].contains(&format!("to {} ", m["to_pcn"])),
            "{code}"
        );
    }
    assert_eq!(after.matches("class=\"arrow\"").count(), practices.len());
    assert_eq!(before.matches("class=\"arrow\"").count(), 0);
    (areas.len(), practices.len())
}

/// The table: one row per network, its figures as in proposal.csv.
fn check_table(html: &str, proposal: &[BTreeMap<String, String>]) {
    let table = section(html, "<table id=\"changes\"", "</table>");
    assert_eq!(table.matches("<tr data-pcn=").count(), proposal.len());
    for row in proposal {
        let tr = section(
            table,
            &format!("<tr data-pcn=\"{}\">", row["pcn_code"]),
            "</tr>",
        );
        for col in ["list_size", "practices", "band", "components", "tour_min"] {
            let cell = section(tr, &format!("<td data-col=\"{col}\""), "</td>");
            assert_eq!(
                (attr(cell, "data-today"), attr(cell, "data-proposed")),
                (
                    Some(row[&format!("{col}_today")].as_str()),
                    Some(row[&format!("{col}_proposed")].as_str())
                ),
                "{} {col}",
                row["pcn_code"]
            );
            assert!(cell.ends_with(&format!(
                "{} → {}",
                row[&format!("{col}_today")],
                row[&format!("{col}_proposed")]
            )));
        }
    }
}

#[test]
fn proposal_html_same_bytes_and_offline() {
    let tmp = tempfile::tempdir().unwrap();
    let a = std::fs::read(propose(tmp.path(), "a", "1", &[]).join("proposal.html")).unwrap();
    let b = std::fs::read(propose(tmp.path(), "b", "2", &[]).join("proposal.html")).unwrap();
    assert!(a == b, "proposal.html differs between two runs");
    common::assert_offline(&String::from_utf8(a).unwrap(), "proposal.html");
}

/// The browser half, `tests/browser/proposal.test.mjs`; skipped (with a
/// note) when Chromium or `tests/browser/node_modules` is missing, unless
/// PCN_ATLAS_REQUIRE_BROWSER=1.
#[test]
fn proposal_in_a_real_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let p = propose(tmp.path(), "p", "2", &[]);
    let d = propose(
        tmp.path(),
        "d",
        "2",
        &["--objective", "driving", "--allow-worse"],
    );
    let test = "proposal_in_a_real_browser";
    if let Some(text) = common::browser_test(test, "proposal.test.mjs", &[&p, &d]) {
        assert!(text.contains("all proposal checks passed"));
    }
}

/// Names that would end a `<title>`, open a script or a comment are text
/// on the page: every `<` of a name arrives as `&lt;`.
#[test]
fn hostile_names_stay_text() {
    let bad = "</title><script>alert(1)</script><!--";
    let square = |code: &str, name: &str, x0: f64| {
        format!(
            r#"{{"type":"Feature","properties":{{"area_code":"{code}","area_name":"{name}","population":1500}},"geometry":{{"type":"Polygon","coordinates":[[[{x0},52.62],[{x1},52.62],[{x1},52.63],[{x0},52.63],[{x0},52.62]]]}}}}"#,
            x1 = x0 + 0.01
        )
    };
    let areas = format!(
        r#"{{"type":"FeatureCollection","features":[{},{}]}}"#,
        square("E01000001", bad, -0.76),
        square("E01000002", "B", -0.75)
    );
    let practices = format!(
        "practice_code,practice_name,pcn_code,pcn_name,list_size,lon,lat\n\
         P1,\"{bad}\",U1,\"{bad}\",1000,-0.755,52.625\nP2,TWO,U2,\"{bad}\",2000,-0.745,52.625\n"
    );
    let d = common::folder(&[
        ("ds/practices.csv", &practices),
        ("ds/areas.geojson", &areas),
    ]);
    let r = pcn_atlas(
        d.path(),
        &["propose", "--dataset", "ds", "--out", "out", "-q"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(d.path().join("out/proposal.html")).unwrap();
    assert!(!html.contains("<script>alert"), "a name opened a script");
    assert!(!html.contains("<!--"), "a name opened a comment");
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "only the page's own script"
    );
    assert!(html.contains("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!--"));
}
