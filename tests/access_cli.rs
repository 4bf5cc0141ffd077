//! `analyse`'s accessibility scores through the binary on the demo county:
//! a `--supply` file, `--no-access`, and bad flags and files.

mod common;
use common::{demo, pcn_atlas};
use std::collections::BTreeMap;
use std::path::Path;

/// `area_code → [access_2sfca, access_e2sfca, access_gravity]` from areas.geojson.
fn area_scores(dir: &Path) -> BTreeMap<String, [Option<f64>; 3]> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("areas.geojson")).unwrap()).unwrap();
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            let g = |k: &str| p[k].as_f64();
            (
                p["area_code"].as_str().unwrap().to_string(),
                [g("access_2sfca"), g("access_e2sfca"), g("access_gravity")],
            )
        })
        .collect()
}

/// The same from `access_scores.csv` (`--access-export`), parsed by Rust's
/// correctly rounded `str::parse` (serde_json's float parsing may be 1 ulp off).
fn exported_scores(dir: &Path) -> BTreeMap<String, [f64; 3]> {
    let mut r = csv::Reader::from_path(dir.join("access_scores.csv")).unwrap();
    r.records()
        .map(|x| {
            let x = x.unwrap();
            let f = |k: usize| x[k].parse::<f64>().unwrap();
            (x[0].to_string(), [f(1), f(2), f(3)])
        })
        .collect()
}

fn summary(dir: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(dir.join("pcn_summary.csv")).unwrap();
    r.deserialize().map(|x| x.unwrap()).collect()
}

#[test]
fn supply_file_of_twice_the_list_sizes_doubles_every_score_exactly() {
    let out = tempfile::tempdir().unwrap();
    // Supply = 2 × list size, and one row for a practice not in the dataset.
    let mut rdr = csv::Reader::from_path(Path::new(&demo()).join("practices.csv")).unwrap();
    let mut text = String::from("practice_code,supply\n");
    for r in rdr.deserialize::<BTreeMap<String, String>>() {
        let r = r.unwrap();
        let n: f64 = r["list_size"].parse().unwrap();
        text += &format!("{},{}\n", r["practice_code"], 2.0 * n);
    }
    text += "Z99999,5\n";
    std::fs::write(out.path().join("supply.csv"), text).unwrap();
    let a = pcn_atlas(
        out.path(),
        &["analyse", "-d", &demo(), "-o", "a", "-q", "--access-export"],
    );
    assert_eq!(a.code, 0, "{}", a.stderr);
    let b = pcn_atlas(
        out.path(),
        &[
            "analyse",
            "-d",
            &demo(),
            "-o",
            "b",
            "-q",
            "--supply",
            "supply.csv",
            "--access-export",
        ],
    );
    assert_eq!(b.code, 0, "{}", b.stderr);
    let ga = area_scores(&out.path().join("a"));
    let sa = exported_scores(&out.path().join("a"));
    let sb = exported_scores(&out.path().join("b"));
    assert_eq!(sa.len(), 258);
    for (code, va) in &sa {
        for k in 0..3 {
            let x = va[k];
            assert!(x > 0.0, "{code}: every demo area reaches a practice");
            // Doubling is exact in floating point: the same sums, twice.
            assert_eq!(sb[code][k], 2.0 * x, "{code} method {k}");
            // areas.geojson carries the same number to its 4 decimals
            // (docs/output.md).
            let g = ga[code][k].unwrap_or_else(|| panic!("{code}: no score"));
            assert!(
                (g - x).abs() <= 0.5e-4 + 1e-12 * x,
                "{code}: geojson {g}, csv {x}"
            );
        }
    }
    // The per-PCN columns are filled, p10 ≤ mean.
    for row in summary(&out.path().join("a")) {
        for m in ["2sfca", "e2sfca", "gravity"] {
            let mean: f64 = row[&format!("access_{m}_mean")].parse().unwrap();
            let p10: f64 = row[&format!("access_{m}_p10")].parse().unwrap();
            assert!(
                p10 <= mean + 1e-4 && p10 > 0.0,
                "{}: {m} p10 {p10} mean {mean}",
                row["pcn_code"]
            );
        }
    }
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("b/report.json")).unwrap())
            .unwrap();
    let s = &report["drive"]["access"]["supply"];
    assert_eq!(s["rows_unknown_practice"], 1);
    assert_eq!(s["unknown_examples"][0], "Z99999");
    assert_eq!(s["practices_missing"], 0);
}

#[test]
fn no_access_leaves_the_scores_out() {
    let out = tempfile::tempdir().unwrap();
    let r = pcn_atlas(
        out.path(),
        &["analyse", "-d", &demo(), "-o", "o", "-q", "--no-access"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        area_scores(&out.path().join("o"))
            .values()
            .all(|v| v == &[None; 3])
    );
    assert!(
        summary(&out.path().join("o"))
            .iter()
            .all(|r| r["access_2sfca_mean"].is_empty())
    );
}

#[test]
fn bad_access_flags_and_supply_files_are_clear_errors() {
    let out = tempfile::tempdir().unwrap();
    std::fs::write(
        out.path().join("neg.csv"),
        "practice_code,supply\nD80001,-3\n",
    )
    .unwrap();
    std::fs::write(
        out.path().join("dup.csv"),
        "practice_code,fte\nD80001,3\nD80001,4\n",
    )
    .unwrap();
    std::fs::write(
        out.path().join("nocol.csv"),
        "practice_code,staff\nD80001,3\n",
    )
    .unwrap();
    let cases: [(&[&str], &str); 6] = [
        (&["--access-decay", "wobble"], "--access-decay \"wobble\""),
        (&["--access-decay", "step:20=1,10=0.5"], "must increase"),
        (&["--access-catchment-min", "0"], "--access-catchment-min 0"),
        (
            &["--supply", "neg.csv"],
            "neg.csv:2: practice D80001: supply -3 is negative",
        ),
        (
            &["--supply", "dup.csv"],
            "dup.csv:3: practice D80001 is given a supply twice",
        ),
        (&["--supply", "nocol.csv"], "supply"),
    ];
    let demo = demo();
    for (flags, want) in cases {
        let mut args = vec!["analyse", "-d", &demo, "-o", "o", "-q"];
        args.extend_from_slice(flags);
        let r = pcn_atlas(out.path(), &args);
        assert_eq!(r.code, 2, "{flags:?}: {}", r.stderr);
        assert!(r.stderr.contains(want), "{flags:?}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{flags:?}: {}", r.stderr);
    }
}
