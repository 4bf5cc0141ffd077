//! The outputs with sites (issue 16): `sites.geojson`, the site columns of
//! `pcn_summary.csv` and `pcns.geojson`, report.json's `drive.main_only`,
//! branch sites on the maps and the GeoPackage's `sites` layer — and,
//! without sites, nothing of them.
//!
//! The fixture `fixtures/sites/demo-sites.csv` (see fixtures/README.md)
//! gives the demo county four branch surgeries and one `main` row:
//! D80035 FELLSIDE SURGERY (U00009 UPLAND DALES PCN) two branches, D80037
//! COLDWELL SURGERY (U00009) one, D80001 CASTLE STREET SURGERY (U00001
//! DEMCHESTER CENTRAL PCN) one. Every demo practice is located, so each
//! network has its practices' main sites plus those branches: U00001 6 + 1
//! = 7, U00009 5 + 3 = 8, the others their practice count.

mod common;
#[path = "support/geojson_clean.rs"]
mod geojson_clean;

use common::{demo, ogrinfo, pcn_atlas};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn sites_csv() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sites/demo-sites.csv")
        .to_str()
        .unwrap()
        .to_string()
}

/// Branches of the fixture: code, practice, PCN, lon/lat the fixture's
/// easting/northing were made from (fixtures/README.md).
const BRANCHES: [(&str, &str, &str, [f64; 2]); 4] = [
    ("D80001001", "D80001", "U00001", [-1.0750, 52.7750]),
    ("D80035001", "D80035", "U00009", [-1.168214, 52.900608]),
    ("D80035002", "D80035", "U00009", [-1.246004, 52.864336]),
    ("D80037001", "D80037", "U00009", [-1.40898, 52.794393]),
];

/// Run a command into `dir/name`, with or without the fixture's sites.
fn run(dir: &Path, command: &str, name: &str, sites: bool, extra: &[&str]) -> PathBuf {
    let demo = demo();
    let sites_file = sites_csv();
    let mut args = vec![command, "--dataset", &demo, "--out", name, "-q"];
    if sites {
        args.extend(["--sites", &sites_file]);
    }
    args.extend(extra);
    let r = pcn_atlas(dir, &args);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    dir.join(name)
}

fn json(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn features(p: &Path) -> Vec<serde_json::Value> {
    json(p)["features"].as_array().unwrap().clone()
}

/// `pcn_summary.csv` as (header, rows).
fn summary(p: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(p.join("pcn_summary.csv")).unwrap();
    let h = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (h, rows)
}

fn files(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect()
}

/// Sites worked out from the fixture: practices per PCN from the demo's
/// practices.csv, plus the fixture's branches.
fn expected_sites() -> BTreeMap<String, usize> {
    let mut n = BTreeMap::new();
    let mut r = csv::Reader::from_path(Path::new(&demo()).join("practices.csv")).unwrap();
    for row in r.records() {
        *n.entry(row.unwrap()[2].to_string()).or_insert(0) += 1;
    }
    for (_, _, pcn, _) in BRANCHES {
        *n.get_mut(pcn).unwrap() += 1;
    }
    assert_eq!((n["U00001"], n["U00009"], n["U00002"]), (7, 8, 4));
    n
}

/// Without sites nothing of them is written; with sites the check's other
/// files are the same bytes and pcn_summary.csv is the same with three
/// columns appended.
#[test]
fn check_with_and_without_sites() {
    let t = tempfile::tempdir().unwrap();
    let plain = run(t.path(), "check", "plain", false, &[]);
    let with = run(t.path(), "check", "with", true, &[]);
    let mut want = files(&plain);
    assert!(!want.contains("sites.geojson"));
    want.insert("sites.geojson".into());
    assert_eq!(files(&with), want);
    for f in ["practices.geojson", "areas.geojson", "icb_summary.csv"] {
        assert!(
            std::fs::read(plain.join(f)).unwrap() == std::fs::read(with.join(f)).unwrap(),
            "{f} differs with sites"
        );
    }
    let (h0, r0) = summary(&plain);
    let (h1, r1) = summary(&with);
    assert!(!h0.iter().any(|c| c == "sites"));
    assert_eq!(h1[..h0.len()], h0[..]);
    assert_eq!(
        h1[h0.len()..],
        [
            "sites",
            "patients_mean_min_to_practice_main_site",
            "staff_tour_min_main_sites"
        ]
    );
    let want = expected_sites();
    for (a, b) in r0.iter().zip(&r1) {
        assert_eq!(b[..a.len()], a[..]);
        assert_eq!(b[a.len()], want[&a[0]].to_string(), "{}", a[0]);
        // After check the drive figures are empty.
        assert_eq!(b[a.len() + 1..], ["", ""]);
    }
    // pcns.geojson: the same count, and the main-site keys present but null.
    for f in features(&with.join("pcns.geojson")) {
        let p = &f["properties"];
        let code = p["pcn_code"].as_str().unwrap();
        assert_eq!(p["sites"], want[code], "{code}");
        assert!(p["staff_tour_min_main_sites"].is_null());
        assert!(
            p.as_object()
                .unwrap()
                .contains_key("patients_mean_min_to_practice_main_site")
        );
    }
    for f in features(&plain.join("pcns.geojson")) {
        let p = f["properties"].as_object().unwrap();
        assert!(!p.contains_key("sites") && !p.contains_key("staff_tour_min_main_sites"));
    }
    // The map: no branch layer or script without sites; one ring per
    // branch with them.
    let page = std::fs::read_to_string(plain.join("map.html")).unwrap();
    assert!(!page.contains("id=\"branches\"") && !page.contains("data-site=\"branch\""));
    let page = std::fs::read_to_string(with.join("map.html")).unwrap();
    assert_eq!(page.matches("<path data-b=").count(), BRANCHES.len());
    assert!(
        page.contains("data-site=\"branch\""),
        "the legend's branch row"
    );
    let svg = std::fs::read_to_string(with.join("map.svg")).unwrap();
    assert!(svg.contains(">Branch site</text>"));
    let svg = std::fs::read_to_string(plain.join("map.svg")).unwrap();
    assert!(!svg.contains("Branch site"));
}

/// `sites.geojson` after check: every located practice's main site and
/// every branch, with its practice and network, at the fixture's place;
/// RFC 7946 points, numbers within their decimals, the drive keys null.
#[test]
fn sites_geojson_after_check() {
    let t = tempfile::tempdir().unwrap();
    let out = run(t.path(), "check", "c", true, &["--no-maps", "--no-xlsx"]);
    let file = out.join("sites.geojson");
    let (layer, _) = geojson_clean::read_layer(&file);
    assert_eq!(layer.types, BTreeSet::from(["Point".to_string()]));
    assert_eq!(layer.null_geometries, 0);
    assert!(layer.keys.is_some(), "every feature has the same keys");
    assert_eq!(geojson_clean::number_problems(&file), Vec::<String>::new());
    let fs = features(&file);
    assert_eq!(fs.len(), 38 + BRANCHES.len());
    let practices: BTreeMap<String, serde_json::Value> = features(&out.join("practices.geojson"))
        .into_iter()
        .map(|f| {
            (
                f["properties"]["practice_code"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                f,
            )
        })
        .collect();
    let mut codes = Vec::new();
    for f in &fs {
        let p = &f["properties"];
        let code = p["site_code"].as_str().unwrap();
        codes.push(code.to_string());
        for k in ["routable", "snap_m", "patients", "is_hub", "tour_stop"] {
            assert!(p[k].is_null(), "{code} {k} after check");
        }
        let xy = &f["geometry"]["coordinates"];
        match p["kind"].as_str().unwrap() {
            "main" => {
                let pr = &practices[code];
                assert_eq!(p["practice_code"], code);
                assert_eq!(p["pcn_code"], pr["properties"]["pcn_code"]);
                assert_eq!(p["site_name"], pr["properties"]["practice_name"]);
                assert_eq!(xy, &pr["geometry"]["coordinates"], "{code}");
            }
            "branch" => {
                let (_, practice, pcn, at) = BRANCHES
                    .iter()
                    .find(|b| b.0 == code)
                    .unwrap_or_else(|| panic!("{code} is no branch of the fixture"));
                assert_eq!(p["practice_code"], *practice);
                assert_eq!(p["pcn_code"], *pcn);
                assert_eq!(
                    p["practice_name"],
                    practices[*practice]["properties"]["practice_name"]
                );
                // Easting/northing rounded to the metre: within 2e-5°.
                let d = [
                    xy[0].as_f64().unwrap() - at[0],
                    xy[1].as_f64().unwrap() - at[1],
                ];
                assert!(d[0].abs() < 2e-5 && d[1].abs() < 2e-5, "{code} {xy}");
            }
            k => panic!("kind {k}"),
        }
    }
    // By practice code, each main site before its branches.
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted);
    assert_eq!(
        fs.iter()
            .filter(|f| f["properties"]["kind"] == "branch")
            .count(),
        BRANCHES.len()
    );
}

/// The GeoPackage has a `sites` point layer (with a default style) only
/// with sites, as GDAL reads it.
#[test]
fn gpkg_sites_layer() {
    let Some(ogr) = ogrinfo("gpkg_sites_layer") else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let with = run(t.path(), "check", "with", true, &["--no-maps", "--no-xlsx"]);
    let plain = run(
        t.path(),
        "check",
        "plain",
        false,
        &["--no-maps", "--no-xlsx"],
    );
    let info = |dir: &Path, args: &[&str]| {
        let o = std::process::Command::new(&ogr)
            .args(args)
            .arg(dir.join("pcn-atlas.gpkg"))
            .args(["sites"].iter().filter(|_| args.contains(&"-so")))
            .output()
            .unwrap();
        (
            o.status.success(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    let (ok, list) = info(&with, &["-ro", "-q"]);
    assert!(ok && list.contains("sites (Point)"), "{list}");
    let (ok, summary) = info(&with, &["-ro", "-so"]);
    assert!(ok, "{summary}");
    assert!(
        summary.contains(&format!("Feature Count: {}", 38 + BRANCHES.len())),
        "{summary}"
    );
    for col in ["site_code", "practice_code", "pcn_code", "kind", "snap_m"] {
        assert!(summary.contains(&format!("{col}: ")), "{col}: {summary}");
    }
    let (_, list) = info(&plain, &["-ro", "-q"]);
    assert!(!list.contains("sites"), "{list}");
    // Its style, beside the other layers'.
    let db = rusqlite::Connection::open(with.join("pcn-atlas.gpkg")).unwrap();
    let sld: String = db
        .query_row(
            "SELECT styleSLD FROM layer_styles WHERE f_table_name = 'sites'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        sld.contains("Branch site") && sld.contains("Main site"),
        "{sld}"
    );
}

/// The writers against hand-set site figures: the demo analysed through
/// the library with the fixture's sites, then one network's site figures
/// set by hand (patients at three sites, a hub at a branch, that branch a
/// tour stop, main-only figures), written, and read back from every file
/// that shows them.
#[test]
fn analyse_site_figures_written_where_documented() {
    use pcn_atlas::analyse::network::{DriveOptions, MainOnly, Site};
    use pcn_atlas::load::dataset::{DatasetPaths, load_dataset};
    use pcn_atlas::pipeline::{DrivePlan, Fresh, Plan, Roads, RoadsSpec, Silent};

    let paths = DatasetPaths {
        sites: Some(sites_csv().into()),
        ..DatasetPaths::dir(demo())
    };
    let ds = load_dataset(&paths).unwrap();
    assert!(ds.sites_given);
    let prof = pcn_atlas::roads::profile::CarProfile::default();
    let (net, _) =
        pcn_atlas::roads::load_roads(&Path::new(&demo()).join("roads.geojson"), &prof).unwrap();
    let roads = Roads::prepare(
        RoadsSpec {
            net: &net,
            name: "roads.geojson".into(),
            snap: pcn_atlas::routing::SnapOptions {
                off_road_kph: prof.off_road_kph,
                max_snap_m: prof.max_snap_m,
            },
            slow_factor: 1.0,
            cache: None,
            profile: serde_json::Value::Null,
            roads_report: serde_json::Value::Null,
        },
        &Silent,
    )
    .unwrap();
    let check = pcn_atlas::check::run::CheckOptions::default();
    let opts = DriveOptions::default();
    let plan = Plan {
        check: &check,
        links: None,
        drive: Some(DrivePlan::new(&roads, &opts, false)),
    };
    let mut run = pcn_atlas::pipeline::run(ds, &plan, &mut Fresh, &Silent).unwrap();
    let ds = &run.ds;
    let practice = |c: &str| {
        Site::Practice(
            ds.practice_ids()
                .find(|&p| ds.practice(p).code == c)
                .unwrap(),
        )
    };
    let branch = |c: &str| Site::Branch(ds.branch_ids().find(|&b| ds.branch(b).code == c).unwrap());
    let k = ds.pcns.iter().position(|p| p.code == "U00009").unwrap();
    let (fellside, hollins, kirk, upper) = (
        practice("D80035"),
        branch("D80035001"),
        branch("D80035002"),
        practice("D80034"),
    );
    let drive = run.drive.as_mut().unwrap();
    let d = &mut drive.run.pcns[k];
    d.site_patients = vec![(fellside, 1000.4), (hollins, 600.0), (kirk, 1511.6)];
    d.hub = Some(kirk);
    d.tour_sites.push(kirk);
    let mut patients = d.patients.clone();
    patients.to_practice.as_mut().unwrap().mean = 21.234;
    patients.to_practice.as_mut().unwrap().p90 = 40.5;
    d.main_only = Some(Box::new(MainOnly {
        hub: Some(upper),
        staff_max_min: Some(56.004),
        tour_min: Some(203.666),
        patients,
    }));
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("a");
    let info = pcn_atlas::output::check::RunInfo {
        xlsx: false,
        ..pcn_atlas::output::check::RunInfo::now()
    };
    pcn_atlas::output::check::write_check(&out, &run, &info).unwrap();

    // sites.geojson
    let file = out.join("sites.geojson");
    assert_eq!(geojson_clean::number_problems(&file), Vec::<String>::new());
    let by: BTreeMap<String, serde_json::Value> = features(&file)
        .into_iter()
        .map(|f| {
            (
                f["properties"]["site_code"].as_str().unwrap().to_string(),
                f["properties"].clone(),
            )
        })
        .collect();
    assert_eq!(by["D80035"]["patients"], 1000);
    assert_eq!(by["D80035001"]["patients"], 600);
    assert_eq!(by["D80035002"]["patients"], 1512);
    assert!(by["D80036"]["patients"].is_null());
    assert_eq!(by["D80035002"]["is_hub"], true);
    assert_eq!(by["D80034"]["is_hub"], false);
    assert_eq!(by["D80035002"]["tour_stop"], true);
    for (code, p) in &by {
        assert!(p["routable"].is_boolean(), "{code}");
        assert_eq!(p["routable"], true, "{code}: the demo's sites all snap");
        assert!(p["snap_m"].as_f64().unwrap() <= 1000.0);
        let hub_here = code == "D80035002";
        // The other networks keep their hub (one main site each).
        if p["pcn_code"] == "U00009" {
            assert_eq!(p["is_hub"], hub_here, "{code}");
        }
    }
    let hubs = by.values().filter(|p| p["is_hub"] == true).count();
    assert_eq!(hubs, 9, "one hub per demo network");

    // pcn_summary.csv and pcns.geojson
    let (h, rows) = summary(&out);
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let row = rows.iter().find(|r| r[0] == "U00009").unwrap();
    assert_eq!(row[col("sites")], "8");
    assert_eq!(row[col("patients_mean_min_to_practice_main_site")], "21.23");
    assert_eq!(row[col("staff_tour_min_main_sites")], "203.67");
    assert_eq!(row[col("hub_practice")], "D80035002");
    let pcn = features(&out.join("pcns.geojson"))
        .into_iter()
        .find(|f| f["properties"]["pcn_code"] == "U00009")
        .unwrap();
    let p = &pcn["properties"];
    assert_eq!(p["sites"], 8);
    assert_eq!(p["patients_mean_min_to_practice_main_site"], 21.23);
    assert_eq!(p["staff_tour_min_main_sites"], 203.67);

    // report.json: drive.main_only, one block per network.
    let rep = json(&out.join("report.json"));
    let blocks = rep["drive"]["main_only"].as_array().unwrap();
    assert_eq!(blocks.len(), 9);
    let b = blocks.iter().find(|b| b["pcn_code"] == "U00009").unwrap();
    assert_eq!(b["hub"], "D80034");
    assert_eq!(b["staff_max_min"], 56.0);
    assert_eq!(b["staff_tour_min"], 203.67);
    assert_eq!(b["patients_mean_min_to_practice"], 21.23);
    assert_eq!(b["patients_p90_min_to_practice"], 40.5);

    // The map: each branch a ring, the branch hub also drawn as a hub,
    // its data with the practice, patients and both positions.
    let page = std::fs::read_to_string(out.join("map.html")).unwrap();
    let start = page.find("id=\"data\">").unwrap() + "id=\"data\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    let data: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
    let branches = data["branches"].as_array().unwrap();
    let codes: Vec<&str> = branches
        .iter()
        .map(|b| b["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, BRANCHES.map(|b| b.0));
    let kirk = &branches[2];
    assert_eq!(kirk["practice"], "D80035");
    assert_eq!(kirk["practice_name"], "FELLSIDE SURGERY");
    assert_eq!(kirk["patients"], 1512);
    assert_eq!(kirk["hub"], true);
    assert!(kirk["at"].is_array() && kirk["practice_at"].is_array());
    let hub_point = data["points"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "D80035002")
        .expect("the hub at a branch is a hub point");
    assert_eq!(hub_point["hub"], true);
    assert_eq!(page.matches("<path data-b=").count(), 4);
}

/// The page in a browser (tests/browser/map.test.mjs) on the demo analysed
/// with the fixture's sites: every branch of sites.geojson drawn where the
/// file puts it, its hover, the legend row, no network request — and all
/// the page's other checks.
#[test]
fn map_in_a_browser_draws_every_branch() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let require = std::env::var("PCN_ATLAS_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    if !Path::new(&chromium).exists() || !here.join("node_modules/playwright-core").is_dir() {
        assert!(!require, "no browser, and PCN_ATLAS_REQUIRE_BROWSER=1");
        common::skip("SKIP map_in_a_browser_draws_every_branch: no Chromium or node_modules");
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let out = run(t.path(), "analyse", "a", true, &["--no-gpkg", "--no-xlsx"]);
    let o = std::process::Command::new("node")
        .arg(here.join("map.test.mjs"))
        .arg(&out)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("running node");
    let text = String::from_utf8_lossy(&o.stdout);
    eprintln!("{text}{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.status.code(), Some(0), "map browser test failed:\n{text}");
    assert!(text.contains("4 branch markers for the 4 branches of sites.geojson"));
    assert!(text.contains("each branch drawn where sites.geojson puts it"));
    assert!(text.contains("all map checks passed"));
}

/// `analyse` with the fixture's sites, end to end: in each network exactly
/// one site is the hub and it is `hub_practice`; the tour stops are the
/// sites of `staff_tour_order`; the patients the sites serve add up to the
/// network's `patients` (each site's count rounded, so within one per
/// site); report.json's `main_only` agrees with the summary's main-site
/// columns.
#[test]
fn analyse_with_sites_end_to_end() {
    let t = tempfile::tempdir().unwrap();
    let out = run(
        t.path(),
        "analyse",
        "a",
        true,
        &["--no-maps", "--no-gpkg", "--no-xlsx"],
    );
    let sites = features(&out.join("sites.geojson"));
    let (h, rows) = summary(&out);
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let main_only = json(&out.join("report.json"))["drive"]["main_only"].clone();
    for f in features(&out.join("pcns.geojson")) {
        let p = &f["properties"];
        let code = p["pcn_code"].as_str().unwrap();
        let mine: Vec<&serde_json::Value> = sites
            .iter()
            .map(|s| &s["properties"])
            .filter(|s| s["pcn_code"] == code)
            .collect();
        assert_eq!(mine.len(), expected_sites()[code], "{code}");
        let hubs: Vec<&str> = mine
            .iter()
            .filter(|s| s["is_hub"] == true)
            .map(|s| s["site_code"].as_str().unwrap())
            .collect();
        assert_eq!(hubs, [p["hub_practice"].as_str().unwrap()], "{code}");
        let stops: BTreeSet<&str> = mine
            .iter()
            .filter(|s| s["tour_stop"] == true)
            .map(|s| s["site_code"].as_str().unwrap())
            .collect();
        let order: BTreeSet<&str> = p["staff_tour_order"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        assert_eq!(stops, order, "{code}");
        let served: u64 = mine.iter().filter_map(|s| s["patients"].as_u64()).sum();
        let total = p["patients"].as_u64().unwrap();
        assert!(
            served.abs_diff(total) <= mine.len() as u64,
            "{code}: sites serve {served}, the network counts {total}"
        );
        let row = rows.iter().find(|r| r[0] == code).unwrap();
        let m = main_only
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["pcn_code"] == code)
            .unwrap();
        let fixed = |v: &serde_json::Value| v.as_f64().map_or(String::new(), |x| format!("{x:.2}"));
        assert_eq!(
            row[col("staff_tour_min_main_sites")],
            fixed(&m["staff_tour_min"])
        );
        assert_eq!(
            row[col("patients_mean_min_to_practice_main_site")],
            fixed(&m["patients_mean_min_to_practice"])
        );
    }
    // Branches bring Upland Dales' patients nearer their practice's site.
    let u9 = rows.iter().find(|r| r[0] == "U00009").unwrap();
    let with: f64 = u9[col("patients_mean_min_to_practice")].parse().unwrap();
    let main: f64 = u9[col("patients_mean_min_to_practice_main_site")]
        .parse()
        .unwrap();
    assert!(with < main, "{with} < {main}");
}

/// what-if with sites: a practice moves with its branch, so `diff.csv`'s
/// site columns count it in its new network (D80037 and its branch
/// D80037001: U00005 3 → 5 sites, U00009 8 → 6), and every row has as many
/// cells as the header.
#[test]
fn whatif_diff_counts_sites_before_and_after() {
    let t = tempfile::tempdir().unwrap();
    let demo = demo();
    let sites = sites_csv();
    let roads = format!("{demo}/roads.geojson");
    let args = [
        "what-if",
        "--dataset",
        &demo,
        "--sites",
        &sites,
        "--roads",
        &roads,
        "--move-practice",
        "D80037=U00005",
        "--out",
        "w",
        "-q",
    ];
    let r = pcn_atlas(t.path(), &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut rd = csv::Reader::from_path(t.path().join("w/diff.csv")).unwrap();
    let h: Vec<String> = rd.headers().unwrap().iter().map(str::to_string).collect();
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    let mut got = BTreeMap::new();
    for row in &rows {
        assert_eq!(row.len(), h.len());
        got.insert(
            row[0].to_string(),
            (
                row[col("sites_before")].to_string(),
                row[col("sites_after")].to_string(),
            ),
        );
    }
    let want: BTreeMap<String, (String, String)> = [("U00005", ("3", "5")), ("U00009", ("8", "6"))]
        .into_iter()
        .map(|(k, (a, b))| (k.to_string(), (a.to_string(), b.to_string())))
        .collect();
    assert_eq!(got, want);
    assert!(t.path().join("w/after/sites.geojson").is_file());
}
