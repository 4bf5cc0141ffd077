//! Issue 14's headline check, end to end on today's files: Staffordshire and
//! Stoke-on-Trent ICB (QNC) imported with `--icb QNC` from the October 2025
//! practice → PCN map, LSOA 2021 boundaries, the ONS V3 centroid shapefile,
//! RUC 2021, Census 2021 residents, Code-Point Open 2025, epraccur 2025 and
//! the ICB's registrations by LSOA 2021 — and no list-size file, so every
//! list size is the sum of the practice's registrations. Every expected
//! figure is computed here from the published files, independently of the
//! tool.

mod common;
use common::{pcn_atlas, shared_data};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Rows of a CSV file as header → value maps (a leading BOM dropped).
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let head: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            head.iter()
                .cloned()
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

#[test]
fn staffordshire_icb_today_end_to_end() {
    let Some(data) = shared_data("staffordshire_icb_today_end_to_end") else {
        return;
    };
    let cur = data.join("current");
    let p = |n: &str| cur.join(n).to_str().unwrap().to_string();
    // What the published files say, worked out here.
    let map = rows(&cur.join("gp-reg-pat-prac-map-2025-10.csv"));
    let qnc: BTreeMap<String, String> = map
        .iter()
        .filter(|r| r["ICB_CODE"] == "QNC")
        .map(|r| (r["PRACTICE_CODE"].clone(), r["PCN_CODE"].clone()))
        .collect();
    let pcns: BTreeSet<&String> = qnc.values().collect();
    assert_eq!((qnc.len(), pcns.len()), (141, 25));
    let mut registered: BTreeMap<String, u64> = BTreeMap::new();
    for r in rows(&cur.join("gp-reg-pat-prac-lsoa-all-2025-10-staffordshire-icb.csv")) {
        *registered.entry(r["PRACTICE_CODE"].clone()).or_default() +=
            r["NUMBER_OF_PATIENTS"].parse::<u64>().unwrap();
    }
    let mut pcn_list: BTreeMap<String, u64> = BTreeMap::new();
    for (practice, pcn) in &qnc {
        *pcn_list.entry(pcn.clone()).or_default() += registered[practice];
    }
    assert_eq!(pcn_list.values().sum::<u64>(), 1_210_283);

    let d = tempfile::tempdir().unwrap();
    let r = pcn_atlas(
        d.path(),
        &[
            "import",
            "--map",
            &p("gp-reg-pat-prac-map-2025-10.csv"),
            "--epraccur",
            &p("epraccur-2025-09.csv"),
            "--postcodes",
            &p("codepoint-open-2025-practices"),
            "--boundaries",
            &p("lsoa21_boundaries_bgc.geojson"),
            "--centroids",
            &p("lsoa21_population_weighted_centroids_v3/LSOA_PopCentroids_EW_2021_V3.shp"),
            "--ruc",
            &p("lsoa21_rural_urban_2021.csv"),
            "--population",
            &p("lsoa21_census2021_usual_residents.csv"),
            "--registrations",
            &p("gp-reg-pat-prac-lsoa-all-2025-10-staffordshire-icb.csv"),
            "--icb",
            "QNC",
            "--out",
            "qnc",
        ],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    // The areas: the networks' footprints, close to the ICB's own 697 LSOAs
    // (ONS's lookup) — not every area where a QNC practice has one patient
    // (3,299 before the selection asked for a quarter of the residents).
    let icb_lsoas = rows(&cur.join("lsoa21_sub_icb_icb_2024_lookup.csv"))
        .iter()
        .filter(|r| r["icb24_code_nhs"] == "QNC")
        .count();
    assert_eq!(icb_lsoas, 697);
    let areas: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("qnc/areas.geojson")).unwrap())
            .unwrap();
    let features = areas["features"].as_array().unwrap();
    let n = features.len();
    assert!(
        n * 100 >= icb_lsoas * 95 && n * 100 <= icb_lsoas * 105,
        "{n} areas"
    );
    for f in features {
        let p = &f["properties"];
        assert!(p["population"].as_u64().is_some(), "{p}");
        assert!(
            p["ruc"].as_str().is_some_and(|r| r.len() >= 3),
            "RUC 2021: {p}"
        );
        assert!(
            p["centroid_lon"].as_f64().is_some(),
            "population-weighted: {p}"
        );
    }
    let practices = rows(&d.path().join("qnc/practices.csv"));
    assert_eq!(practices.len(), 141);
    for row in &practices {
        let code = &row["practice_code"];
        assert_eq!(row["icb_code"], "QNC", "{code}");
        assert_eq!(row["list_size"], registered[code].to_string(), "{code}");
    }

    let r = pcn_atlas(d.path(), &["check", "--dataset", "qnc", "--out", "out"]);
    assert!(r.code == 0 || r.code == 1, "{}\n{}", r.stdout, r.stderr);
    let summary = rows(&d.path().join("out/pcn_summary.csv"));
    assert_eq!(summary.len(), 25);
    for row in &summary {
        let code = &row["pcn_code"];
        assert_eq!(row["list_size"], pcn_list[code].to_string(), "{code}");
        assert_eq!(row["icb_code"], "QNC", "{code}");
    }
    let icb = rows(&d.path().join("out/icb_summary.csv"));
    let icb_rows: Vec<_> = icb.iter().filter(|r| r["level"] == "icb").collect();
    assert_eq!(icb_rows.len(), 1, "{icb:?}");
    let total = |col: &str| -> u64 {
        summary
            .iter()
            .map(|r| r[col].parse::<u64>().unwrap_or(0))
            .sum()
    };
    assert_eq!(icb_rows[0]["icb_code"], "QNC");
    assert_eq!(icb_rows[0]["networks"], "25");
    assert_eq!(icb_rows[0]["practices"], total("practices").to_string());
    assert_eq!(icb_rows[0]["patients"], total("list_size").to_string());
    // The six sub-ICB locations of QNC, with the practices the map gives them.
    let sub: Vec<_> = icb.iter().filter(|r| r["level"] == "sub_icb").collect();
    assert_eq!(sub.len(), 6, "{sub:?}");
}
