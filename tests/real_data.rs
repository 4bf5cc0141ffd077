//! Tests on the real public files in `../shared/data` (see its README). They
//! skip with a message when the folder is absent, and fail when
//! `PCN_ATLAS_REQUIRE_DATA=1` (as in CI).

mod common;
#[path = "support/geojson_clean.rs"]
mod geojson_clean;
use common::{pcn_atlas, shared_data};
use pcn_atlas::coords::{bng_to_wgs84, wgs84_to_bng};
use std::collections::{BTreeMap, BTreeSet};

/// The Rutland LSOA file gives each area's centroid in both systems
/// (`BNG_E`/`BNG_N` whole metres, `LONG`/`LAT` to 5 decimals): our
/// conversion must agree with Ordnance Survey's to within 5 m.
#[test]
fn wgs84_bng_agrees_with_ons_published_pairs() {
    let Some(data) = shared_data("wgs84_bng_agrees_with_ons_published_pairs") else {
        return;
    };
    let text = std::fs::read_to_string(data.join("rutland/lsoa11_boundaries.geojson")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut worst_fwd: f64 = 0.0;
    let mut worst_inv: f64 = 0.0;
    let features = v["features"].as_array().unwrap();
    assert_eq!(features.len(), 23);
    for f in features {
        let p = &f["properties"];
        let (e, n) = (p["BNG_E"].as_f64().unwrap(), p["BNG_N"].as_f64().unwrap());
        let (lon, lat) = (p["LONG"].as_f64().unwrap(), p["LAT"].as_f64().unwrap());
        let c = wgs84_to_bng(lon, lat);
        worst_fwd = worst_fwd.max(((c.x - e).powi(2) + (c.y - n).powi(2)).sqrt());
        let (lon2, lat2) = bng_to_wgs84(geo::Coord { x: e, y: n });
        let back = wgs84_to_bng(lon2, lat2);
        let dx = (lon2 - lon) * 111_320.0 * lat.to_radians().cos();
        let dy = (lat2 - lat) * 110_574.0;
        worst_inv = worst_inv.max((dx * dx + dy * dy).sqrt());
        assert!(((back.x - e).abs() + (back.y - n).abs()) < 1e-4);
    }
    eprintln!(
        "WGS84→BNG worst {worst_fwd:.2} m, BNG→WGS84 worst {worst_inv:.2} m over 23 Rutland centroids"
    );
    assert!(worst_fwd < 5.0, "worst forward error {worst_fwd} m");
    assert!(worst_inv < 5.0, "worst inverse error {worst_inv} m");
}

fn report_entries(dir: &std::path::Path) -> Vec<(String, String, String)> {
    let mut rdr = csv::Reader::from_path(dir.join("import_report.csv")).unwrap();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].to_string(), r[2].to_string())
        })
        .collect()
}

/// Practices in the map whose postcode is absent from the Code-Point cut,
/// worked out here independently of the tool.
fn practices_not_in_codepoint(data: &std::path::Path) -> BTreeSet<String> {
    let mut postcodes = BTreeSet::new();
    let dir = data.join("england/codepoint-open-2018-practices/Data/CSV");
    for f in std::fs::read_dir(dir).unwrap() {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(f.unwrap().path())
            .unwrap();
        for r in rdr.records() {
            postcodes.insert(r.unwrap()[0].replace(' ', ""));
        }
    }
    let mut rdr =
        csv::Reader::from_path(data.join("england/gp-reg-pat-prac-map-2022-01.csv")).unwrap();
    let h = rdr.headers().unwrap().clone();
    let pc = h.iter().position(|x| x == "PRACTICE_POSTCODE").unwrap();
    let code = h.iter().position(|x| x == "PRACTICE_CODE").unwrap();
    rdr.records()
        .map(|r| r.unwrap())
        .filter(|r| !postcodes.contains(&r[pc].replace(' ', "")))
        .map(|r| r[code].to_string())
        .collect()
}

#[test]
fn national_import_reports_every_unusable_practice() {
    let Some(data) = shared_data("national_import_reports_every_unusable_practice") else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let eng = data.join("england");
    let r = pcn_atlas(
        out.path(),
        &[
            "import",
            "--from",
            eng.to_str().unwrap(),
            "--out",
            "england",
            "--quiet",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let dir = out.path().join("england");
    assert!(
        r.stdout.contains("6527 practices")
            && r.stdout.contains("1254 PCNs")
            && r.stdout.contains("32844 areas"),
        "{}",
        r.stdout
    );
    let entries = report_entries(&dir);
    let missing = practices_not_in_codepoint(&data);
    assert_eq!(
        missing.len(),
        20,
        "20 map practices (15 postcodes) are not in the 2018 cut"
    );
    for code in &missing {
        assert!(
            entries.iter().any(|(k, s, _)| s == code
                && (k == "POSTCODE_NOT_FOUND" || k == "POSTCODE_FROM_EPRACCUR")),
            "{code} not reported"
        );
    }
    let count = |k: &str| entries.iter().filter(|e| e.0 == k).count();
    assert_eq!(count("NO_LIST_SIZE"), 4);
    // 68 practices are "Unallocated" (PCN code U) in the map; 135 have a
    // 2021 list size but no row in the 2022 map.
    assert_eq!(count("NO_PCN"), 68 + 135);

    // The dataset loads, and its practices add up.
    let r = pcn_atlas(out.path(), &["validate", "--dataset", "england", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("PRACTICE_WITHOUT_PCN: 68"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("PRACTICE_UNLOCATED: 12"), "{}", r.stdout);

    // 64 areas have most of their patients at those Unallocated practices
    // (issue 13 item 10). Each is a finding with every PCN's share; 38 of
    // them have no PCN with a quarter of their patients and stay out of
    // every footprint — St Neots (U20640) no longer gets E01018245 for 7 of
    // its 1,752 patients.
    let r = pcn_atlas(
        out.path(),
        &["check", "--dataset", "england", "--out", "check", "--quiet"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let findings = std::fs::read_to_string(out.path().join("check/findings.csv")).unwrap();
    let mostly: Vec<&str> = findings
        .lines()
        .filter(|l| l.contains(",AREA_MOSTLY_UNALLOCATED,"))
        .collect();
    assert_eq!(mostly.len(), 64);
    assert_eq!(
        mostly
            .iter()
            .filter(|l| l.contains("left in no footprint"))
            .count(),
        38
    );
    let st_neots = mostly.iter().find(|l| l.contains("E01018245")).unwrap();
    assert!(
        st_neots.contains("1734 of 1752") && st_neots.contains("U20640 7 (0.4 %)"),
        "{st_neots}"
    );
    assert!(st_neots.contains("left in no footprint"), "{st_neots}");
    assert!(!findings.contains(",AREA_UNASSIGNED,E01018245,"));
    // Its GeoPackage opens in GDAL with every area (issue 15; tests/gpkg.rs
    // reads the demo's in detail).
    if let Some(ogr) = common::ogrinfo("national_import_reports_every_unusable_practice (gpkg)") {
        let o = std::process::Command::new(ogr)
            .args(["-ro", "-so"])
            .arg(out.path().join("check/pcn-atlas.gpkg"))
            .arg("areas")
            .output()
            .unwrap();
        let s = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(s.contains("Geometry: Multi Polygon"), "{s}");
        assert!(s.contains("Feature Count: 32844"), "{s}");
    }

    // RFC 7946 winding on every polygon of the national run, one geometry
    // type per layer (issue 15 item 6; tests/outputs_clean.rs on the demo).
    for (name, features) in [("areas", 32844), ("pcns", 1254)] {
        let (l, _) = geojson_clean::read_layer(&out.path().join(format!("check/{name}.geojson")));
        assert_eq!(l.features, features, "{name}");
        assert_eq!(
            l.types.iter().collect::<Vec<_>>(),
            vec!["MultiPolygon"],
            "{name}"
        );
        assert!(l.rings >= features - l.null_geometries, "{name}: {l:?}");
        assert!(
            l.bad_winding.is_empty(),
            "{name}: {} of {} rings wound the wrong way: {:?}",
            l.bad_winding.len(),
            l.rings,
            &l.bad_winding[..l.bad_winding.len().min(5)]
        );
        eprintln!(
            "{name}: {} polygons, {} rings, all RFC 7946",
            l.polygons, l.rings
        );
    }

    // Without epraccur there is no fallback: all 20 are POSTCODE_NOT_FOUND.
    let r = pcn_atlas(
        out.path(),
        &[
            "import",
            "--map",
            eng.join("gp-reg-pat-prac-map-2022-01.csv")
                .to_str()
                .unwrap(),
            "--list-sizes",
            eng.join("gp-reg-pat-prac-all-2021-01.csv")
                .to_str()
                .unwrap(),
            "--postcodes",
            eng.join("codepoint-open-2018-practices").to_str().unwrap(),
            "--boundaries",
            eng.join("lsoa11_boundaries.geojson").to_str().unwrap(),
            "--lad",
            "E06000017,E06000046",
            "--out",
            "no-epraccur",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn rutland_import_has_its_one_network() {
    let Some(data) = shared_data("rutland_import_has_its_one_network") else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let eng = data.join("england");
    let r = pcn_atlas(
        out.path(),
        &[
            "import",
            "--from",
            eng.to_str().unwrap(),
            "--lad",
            "E06000017",
            "--out",
            "rutland",
            "-q",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let dir = out.path().join("rutland");
    let mut rdr = csv::Reader::from_path(dir.join("practices.csv")).unwrap();
    let codes: Vec<String> = rdr.records().map(|r| r.unwrap()[0].to_string()).collect();
    assert_eq!(codes, ["C82010", "C82044", "C82077", "C82649"]);

    let ds =
        pcn_atlas::load::dataset::load_dataset(&pcn_atlas::load::dataset::DatasetPaths::dir(&dir))
            .unwrap();
    assert_eq!(ds.pcns.len(), 1);
    assert_eq!(ds.pcns[0].code, "U67590");
    assert_eq!(ds.pcns[0].name, "RUTLAND HEALTH PCN");
    assert_eq!(ds.areas.len(), 23);
    let pop: u64 = ds.areas.iter().map(|a| a.population.unwrap()).sum();
    assert_eq!(pop, 39_927);
    let mut ruc = BTreeMap::new();
    for a in &ds.areas {
        *ruc.entry(a.ruc.unwrap().code()).or_insert(0) += 1;
    }
    assert_eq!(ruc, BTreeMap::from([("C1", 6), ("D1", 8), ("E1", 9)]));
    assert!(
        ds.areas
            .iter()
            .all(|a| a.centroid_source == pcn_atlas::model::CentroidSource::PopulationWeighted)
    );
    // The one notice: the 2021 list sizes with the 2022 map (issue 14 item 6).
    let codes: Vec<&str> = ds.notices.iter().map(|n| n.code.as_str()).collect();
    assert_eq!(codes, ["INPUTS_MONTHS_APART"], "{:?}", ds.notices);
    // Every registration joins a Rutland practice and a Rutland area.
    assert!(!ds.registrations().is_empty());

    // Same inputs, same bytes.
    let r = pcn_atlas(
        out.path(),
        &[
            "import",
            "--from",
            eng.to_str().unwrap(),
            "--lad",
            "E06000017",
            "--out",
            "again",
            "-q",
        ],
    );
    assert_eq!(r.code, 0);
    for f in [
        "practices.csv",
        "areas.geojson",
        "registrations.csv",
        "import_report.csv",
    ] {
        assert_eq!(
            std::fs::read(dir.join(f)).unwrap(),
            std::fs::read(out.path().join("again").join(f)).unwrap(),
            "{f} differs between runs"
        );
    }
}

/// The shapefile and the GeoJSON readers agree on real geometry: the
/// Rutland boundaries written as a shapefile by our own writer are not
/// available, so we check the Geofabrik road layer's `.prj` and records load.
#[test]
fn geofabrik_shapefile_prj_is_understood() {
    let Some(data) = shared_data("geofabrik_shapefile_prj_is_understood") else {
        return;
    };
    let shp = data.join("rutland/osm-roads-2022/gis_osm_roads_free_1.shp");
    let (crs, features) = pcn_atlas::load::shp::read_shapefile(&shp).unwrap();
    assert_eq!(crs, pcn_atlas::load::geojson::Crs::Wgs84);
    assert_eq!(features.len(), 6665);
    assert!(features[0].properties.contains_key("fclass"));
}
