//! Real data, as a new user would run it: `import` Rutland from the national
//! files, then `analyse` with the Rutland OpenStreetMap extract.

mod common;
use common::shared_data;

#[test]
fn rutland_import_then_analyse() {
    let Some(data) = shared_data("rutland_import_then_analyse") else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    common::rutland_with_roads(out.path(), &data, "analyse", "an");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("an/report.json")).unwrap())
            .unwrap();
    let m = &report["drive"]["matrices"][0];
    assert_eq!(m["pcn_code"], "U67590");
    let codes: Vec<&str> = m["practices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(codes, ["C82010", "C82044", "C82077", "C82649"]);
    let t = |i: usize, j: usize| m["minutes"][i][j].as_f64().unwrap();
    for i in 0..4 {
        assert_eq!(t(i, i), 0.0);
        for j in 0..4 {
            // Rutland is about 30 km across: every drive is under 40 minutes.
            assert!(t(i, j) < 40.0, "{i}->{j}: {}", t(i, j));
            if i != j {
                assert!(t(i, j) > 2.0, "{i}->{j}: {}", t(i, j));
            }
        }
    }
    // Oakham to Uppingham: about six miles by the A6003, 8–14 minutes.
    assert!(
        (8.0..=14.0).contains(&t(0, 2)),
        "Oakham→Uppingham {}",
        t(0, 2)
    );
    let pcns: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("an/pcns.geojson")).unwrap())
            .unwrap();
    let p = &pcns["features"][0]["properties"];
    // Oakham, the county town with the largest list, is the hub.
    assert_eq!(p["hub_practice"], "C82010");
    assert_eq!(p["staff_tour_exact"], true);
    // The tour is at least the longest out-and-back from the hub.
    let tour = p["staff_tour_min"].as_f64().unwrap();
    assert!(tour >= 2.0 * t(0, 3) - 0.1 && tour < 120.0, "tour {tour}");
    assert_eq!(
        p["patients"].as_f64().unwrap(),
        34_539.0 - p["patients_unroutable"].as_f64().unwrap()
    );
    let over30 = p["patients_share_over_30_min_to_hub"].as_f64().unwrap();
    assert!(over30 < 0.2, "share over 30 min {over30}");
    assert_eq!(report["drive"]["snapping"]["practices_unroutable"], 0);

    // Accessibility (docs/access.md). Every Rutland area reaches all four
    // practices within 30 minutes (23 × 4 = 92 pairs), so each practice's
    // 2SFCA catchment is the whole county and every area's score is the
    // same: total list size / total residents × 1000 (39,862 / 39,927).
    let acc = &report["drive"]["access"]["counts"];
    assert_eq!(acc["pairs_within_catchment"], 92, "{acc}");
    assert_eq!(acc["areas_without_practice"], 0);
    let (list, residents) = (
        p["list_size"].as_f64().unwrap(),
        p["resident_population"].as_f64().unwrap(),
    );
    let want = list / residents * 1000.0;
    let areas: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("an/areas.geojson")).unwrap(),
    )
    .unwrap();
    for f in areas["features"].as_array().unwrap() {
        let a = &f["properties"];
        let got = a["access_2sfca"].as_f64().unwrap();
        assert!(
            // 4 decimals in areas.geojson (docs/output.md).
            (got - want).abs() <= 0.5e-4 + 1e-9 * want,
            "{}: {got} vs {want}",
            a["area_code"]
        );
        // The decay methods move supply between areas but keep it: nearer
        // areas score above the 2SFCA level, farther ones below.
        assert!(a["access_e2sfca"].as_f64().unwrap() > 0.0);
    }
    // ... so the population-weighted mean of every method is that level too.
    for m in ["2sfca", "e2sfca", "gravity"] {
        let mean = p[format!("access_{m}_mean")].as_f64().unwrap();
        assert!((mean - want).abs() < 1e-3, "{m} mean {mean} vs {want}");
    }
}
