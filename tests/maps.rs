//! The maps every run writes: `map.html` is self-contained (no network
//! request, no third-party script), lists every network, and is
//! byte-identical across runs and thread counts like every other output;
//! `map.svg` carries the legend, scale bar, north arrow and attribution;
//! `map.png` is a real PNG. The browser half — what Chromium actually draws —
//! is `tests/browser/map.test.mjs`, run by `map_in_a_real_browser` below when
//! a browser is installed (`.ci/run` installs one).

mod common;
use common::{demo, pcn_atlas};
use std::path::{Path, PathBuf};

fn run(dir: &Path, cmd: &str, out: &str, threads: &str) -> PathBuf {
    let r = pcn_atlas(
        dir,
        &[
            cmd,
            "--dataset",
            &demo(),
            "--out",
            out,
            "--threads",
            threads,
            "-q",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    dir.join(out)
}

#[test]
fn maps_are_self_contained_complete_and_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    // Same folder name (it is the map's title), different parents.
    let a = run(tmp.path(), "analyse", "a/demo", "1");
    let b = run(tmp.path(), "analyse", "b/demo", "2");
    for f in ["map.html", "map.svg", "map.png"] {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(x == y, "{f} differs between 1 and 2 threads");
    }
    let html = std::fs::read_to_string(a.join("map.html")).unwrap();
    // No external resource of any kind: the only URL is the SVG namespace.
    common::assert_offline(&html, "map.html");
    // Every network of pcns.geojson is drawn, with its worst-finding colour.
    let pcns: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(a.join("pcns.geojson")).unwrap()).unwrap();
    let feats = pcns["features"].as_array().unwrap();
    assert_eq!(feats.len(), 9);
    for f in feats {
        let code = f["properties"]["pcn_code"].as_str().unwrap();
        assert!(
            html.contains(&format!("id=\"pcn-{code}\"")),
            "{code} not drawn"
        );
    }
    // U00002 is the planted non-contiguous network: red; U00003 has no
    // finding: the no-findings colour (data/demo/README.md).
    let red = ::pcn_atlas::findings::Code::NonContiguous.colour().unwrap();
    let none = ::pcn_atlas::output::map::style::finding_colour(None);
    assert!(html.contains(&format!("id=\"pcn-U00002\" fill=\"{red}\"")));
    assert!(html.contains(&format!("id=\"pcn-U00003\" fill=\"{none}\"")));
    // Hub routes are drawn for analyse.
    assert!(html.contains("<g id=\"routes\">\n<path"));

    let svg = std::fs::read_to_string(a.join("map.svg")).unwrap();
    for want in [
        "Worst finding per network",
        ">N</text>",
        "km</text>",
        "OpenStreetMap",
        "Crown copyright",
        "Not contiguous (1)",
    ] {
        assert!(svg.contains(want), "map.svg lacks {want}");
    }
    let png = std::fs::read(a.join("map.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
}

#[test]
fn check_maps_have_no_drive_layers() {
    let tmp = tempfile::tempdir().unwrap();
    let c = run(tmp.path(), "check", "c", "2");
    let html = std::fs::read_to_string(c.join("map.html")).unwrap();
    assert!(html.contains("<g id=\"routes\">\n</g>"));
    assert!(html.contains("\"drive\":false"));
    let svg = std::fs::read_to_string(c.join("map.svg")).unwrap();
    assert!(!svg.contains("OpenStreetMap") && !svg.contains("Network hub"));
}

/// Runs tests/browser/map.test.mjs on the demo's `analyse` and `check`
/// maps in headless Chromium. Skipped with a message when Chromium or
/// `tests/browser/node_modules` (npm ci) is missing, unless
/// PCN_ATLAS_REQUIRE_BROWSER=1 (set by `.ci/run` once it has installed them).
#[test]
fn map_in_a_real_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let a = run(tmp.path(), "analyse", "analyse", "2");
    let c = run(tmp.path(), "check", "check", "2");
    if let Some(text) = common::browser_test("map_in_a_real_browser", "map.test.mjs", &[&a, &c]) {
        assert!(text.contains("all map checks passed"));
    }
}
