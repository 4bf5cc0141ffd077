//! map.html on the demo (and with `--basemap`): every network finding code
//! in the layer list with the number of networks findings.csv names for it,
//! the coverage-gap area drawn and listed, dataset findings located, the
//! details panel's hub name, members and CSV rounding, and a basemap only
//! when asked for. The browser half (what Chromium draws and marks) is
//! tests/browser/map.test.mjs, run here on a `--basemap` map and by
//! tests/maps.rs on the plain ones.

mod common;
use common::{csv_rows, demo, pcn_atlas};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn run(dir: &Path, cmd: &str, out: &str, extra: &[&str]) -> PathBuf {
    let d = demo();
    let mut args = vec![cmd, "--dataset", &d, "--out", out, "-q"];
    args.extend_from_slice(extra);
    let r = pcn_atlas(dir, &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    dir.join(out)
}

/// The page's data (the JSON in `<script id="data">`).
fn page_data(dir: &Path) -> serde_json::Value {
    let page = std::fs::read_to_string(dir.join("map.html")).unwrap();
    let start = page.find("id=\"data\">").unwrap() + "id=\"data\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).unwrap()
}

#[test]
fn demo_map_shows_every_finding_gap_and_note() {
    let tmp = tempfile::tempdir().unwrap();
    let a = run(tmp.path(), "analyse", "a", &[]);
    let d = page_data(&a);
    let rows = csv_rows(&a.join("findings.csv"));

    // Layer counts: networks per code, from findings.csv.
    let mut want: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r["scope"] == "pcn") {
        want.entry(r["code"].clone())
            .or_default()
            .insert(r["subject"].clone());
    }
    let got: BTreeMap<String, usize> = d["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["code"].as_str().unwrap().to_string(),
                l["networks"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    let want_n: BTreeMap<String, usize> = want.iter().map(|(k, v)| (k.clone(), v.len())).collect();
    assert_eq!(got, want_n);
    // By hand (data/demo/README.md): six rural networks, Upland Dales alone
    // a rural access risk.
    assert_eq!(got["RURAL"], 6);
    assert_eq!(got["RURAL_ACCESS_RISK"], 1);

    // Upland Dales: seven findings, hub named, five members.
    let u9 = d["pcns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "U00009")
        .unwrap();
    assert_eq!(u9["findings"].as_array().unwrap().len(), 7);
    assert_eq!(u9["hub"], "D80034");
    assert_eq!(u9["hub_name"], "UPPERDALE HEALTH CENTRE");
    let members = u9["members"].as_array().unwrap();
    assert_eq!(members.len(), 5);
    assert!(members.iter().any(|m| m[0] == "D80035"));

    // Numbers as pcn_summary.csv writes them.
    let summary = csv_rows(&a.join("pcn_summary.csv"));
    for s in &summary {
        let p = d["pcns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["code"].as_str() == Some(s["pcn_code"].as_str()))
            .unwrap();
        let f = |k: &str, n: usize| {
            p[k].as_f64()
                .map_or_else(String::new, |v| format!("{v:.n$}"))
        };
        assert_eq!(f("rural_share", 4), s["rural_share"]);
        assert_eq!(f("area_km2", 3), s["area_km2"]);
        for k in ["staff_max_min", "staff_tour_min", "patients_p90_min_to_hub"] {
            assert_eq!(f(k, 2), s[k], "{k} of {}", s["pcn_code"]);
            // No more digits than the CSV.
            let raw = p[k].to_string();
            assert!(
                raw.split('.').nth(1).is_none_or(|x| x.len() <= 2),
                "{k}: {raw}"
            );
        }
    }

    // The unassigned area: drawn, its finding listed, and located as a note.
    assert_eq!(d["areas"][0]["code"], "E01900103");
    assert_eq!(d["areas"][0]["findings"][0][0], "AREA_UNASSIGNED");
    let html = std::fs::read_to_string(a.join("map.html")).unwrap();
    assert!(html.contains("<path data-a=\"0\" d=\"M"));
    let notes = d["notes"].as_array().unwrap();
    let non_pcn = rows.iter().filter(|r| r["scope"] != "pcn").count();
    assert_eq!(notes.len(), non_pcn);
    assert_eq!(notes[0]["subject"], "E01900103");
    assert!(notes[0]["at"].is_array());
    // No basemap unless asked for.
    assert!(d.get("basemap").is_none());
}

/// `--basemap`: the template reaches the page, and in Chromium the page asks
/// for tiles of that template only (answered locally by the test), places
/// them under the footprints and credits them.
#[test]
fn basemap_only_when_given() {
    let tmp = tempfile::tempdir().unwrap();
    let tpl = "https://tile.example.org/{z}/{x}/{y}.png";
    let c = run(tmp.path(), "check", "c", &["--basemap", tpl]);
    assert_eq!(page_data(&c)["basemap"], tpl);

    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let require = std::env::var("PCN_ATLAS_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    if !Path::new(&chromium).exists() || !here.join("node_modules/playwright-core").is_dir() {
        assert!(!require, "no browser, and PCN_ATLAS_REQUIRE_BROWSER=1");
        common::skip("SKIP basemap_only_when_given (browser half): no Chromium or node_modules");
        return;
    }
    let out = std::process::Command::new("node")
        .arg(here.join("map.test.mjs"))
        .arg(&c)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("running node");
    let text = String::from_utf8_lossy(&out.stdout);
    eprintln!("{text}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        out.status.code(),
        Some(0),
        "map browser test failed:\n{text}"
    );
    assert!(text.contains("basemap tiles under the footprints"));
    assert!(text.contains("all map checks passed"));
}
