//! Real data. `what-if` on two Stockton PCNs imported from the national
//! files (`import --pcn U89141,U07032`), moving THE DENSHAM SURGERY (A81001)
//! from STOCKTON PCN (U89141) to NORTH STOCKTON PCN (U07032), equals a full
//! `check` on a practices.csv edited by hand. `findings.csv` is compared
//! without the dataset notices, whose details name the input file's path.
//! On the Isle of Wight with its OpenStreetMap roads, a practice move and an
//! addition equal full `analyse` runs, accessibility included.

mod common;
use common::{csv_rows, pcn_atlas, shared_data};

#[test]
fn stockton_move_practice_equals_a_full_check() {
    let Some(data) = shared_data("stockton_move_practice_equals_a_full_check") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let england = data.join("england");
    let r = pcn_atlas(
        w,
        &[
            "import",
            "--from",
            england.to_str().unwrap(),
            "--pcn",
            "U89141,U07032",
            "--out",
            "base",
            "-q",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = pcn_atlas(
        w,
        &[
            "what-if",
            "--dataset",
            "base",
            "--no-roads",
            "--move-practice",
            "A81001=U07032",
            "--out",
            "wi",
            "-q",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);

    // The same edit by hand: A81001's pcn_code and pcn_name.
    std::fs::create_dir_all(w.join("edited")).unwrap();
    for f in std::fs::read_dir(w.join("base")).unwrap() {
        let f = f.unwrap().path();
        let name = f.file_name().unwrap().to_owned();
        if name != "practices.csv" {
            std::fs::copy(&f, w.join("edited").join(name)).unwrap();
        }
    }
    let practices = std::fs::read_to_string(w.join("base/practices.csv")).unwrap();
    let north_name = practices
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|c| c[2] == "U07032")
        .map(|c| c[3].to_string())
        .unwrap();
    let mut edited = String::new();
    let mut moved = 0;
    for line in practices.lines() {
        let mut c: Vec<String> = line.split(',').map(str::to_string).collect();
        if c[0] == "A81001" {
            c[2] = "U07032".into();
            c[3] = north_name.clone();
            moved += 1;
        }
        edited.push_str(&c.join(","));
        edited.push('\n');
    }
    assert_eq!(moved, 1);
    std::fs::write(w.join("edited/practices.csv"), edited).unwrap();
    let r = pcn_atlas(w, &["check", "--dataset", "edited", "--out", "full", "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    for f in [
        "pcn_summary.csv",
        "pcns.geojson",
        "areas.geojson",
        "practices.geojson",
    ] {
        let a = std::fs::read_to_string(w.join("wi/after").join(f)).unwrap();
        let b = std::fs::read_to_string(w.join("full").join(f)).unwrap();
        assert!(a == b, "after/{f} differs from a full re-run");
    }
    let not_dataset = |p: &str| -> Vec<String> {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with("dataset,"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        not_dataset(w.join("wi/after/findings.csv").to_str().unwrap()),
        not_dataset(w.join("full/findings.csv").to_str().unwrap())
    );
    let diff = std::fs::read_to_string(w.join("wi/diff.csv")).unwrap();
    assert_eq!(diff.lines().count(), 3, "{diff}");
}

/// Real data with real roads: the Isle of Wight's three networks (`import
/// --lad E06000046`, 12 practices) on its OpenStreetMap extract. Moving
/// TOWER HOUSE SURGERY (J84012) from NORTH & EAST (U75079) to CENTRAL &
/// WEST (U24247), and adding a 9,000-patient surgery to SOUTH (U01198) near
/// Godshill (with its network's sub-ICB, ICB and region, as what-if gives
/// it), each equal a full `analyse` of hand-edited files byte for byte,
/// accessibility included. The addition touches only SOUTH, yet its supply
/// changes the other two networks' access scores: diff.csv lists them with
/// `recomputed` false and different `access_*` cells.
#[test]
fn isle_of_wight_edits_with_roads_equal_a_full_analyse() {
    let Some(data) = shared_data("isle_of_wight_edits_with_roads_equal_a_full_analyse") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let roads = data.join("iow/isle-of-wight-2015-01.osm.pbf");
    let roads = roads.to_str().unwrap();
    common::import_lad(w, &data, "E06000046", "base");
    let add =
        "code=Z99001,name=NEW SURGERY,pcn=U01198,list_size=9000,easting=452000,northing=83000";
    let cases: [(&str, [&str; 2]); 2] = [
        ("move", ["--move-practice", "J84012=U24247"]),
        ("add", ["--add-practice", add]),
    ];
    for (name, edit) in cases {
        let wi = format!("{name}-wi");
        let mut argv = vec!["what-if", "--dataset", "base", "--roads", roads];
        argv.extend(["--out", &wi, "-q"]);
        argv.extend(edit);
        let r = pcn_atlas(w, &argv);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let edited = w.join(format!("{name}-data"));
        edit_practices(&w.join("base"), &edited, name);
        let full = format!("{name}-full");
        let e = edited.to_str().unwrap();
        let argv = [
            "analyse",
            "--dataset",
            e,
            "--roads",
            roads,
            "--out",
            &full,
            "-q",
        ];
        let r = pcn_atlas(w, &argv);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        for f in [
            "pcn_summary.csv",
            "pcns.geojson",
            "areas.geojson",
            "practices.geojson",
            "routes.geojson",
        ] {
            let a = std::fs::read_to_string(w.join(&wi).join("after").join(f)).unwrap();
            let b = std::fs::read_to_string(w.join(&full).join(f)).unwrap();
            assert!(a == b, "{name}: after/{f} differs from a full analyse");
        }
        let summary = csv_rows(&w.join(&wi).join("after/pcn_summary.csv"));
        assert!(summary.iter().all(|r| !r["access_e2sfca_mean"].is_empty()));
    }
    let diff = csv_rows(&w.join("add-wi/diff.csv"));
    let listed: Vec<(&str, &str)> = diff
        .iter()
        .map(|r| (r["pcn_code"].as_str(), r["recomputed"].as_str()))
        .collect();
    assert_eq!(
        listed,
        vec![("U01198", "true"), ("U24247", "false"), ("U75079", "false")]
    );
    for r in &diff[1..] {
        assert_ne!(r["access_2sfca_mean_before"], r["access_2sfca_mean_after"]);
        assert_eq!(r["list_size_before"], r["list_size_after"]);
    }
}

/// The dataset folder `from` copied to `to` with practices.csv edited as
/// `case` says (`move` or `add`, the edits of the test above).
fn edit_practices(from: &std::path::Path, to: &std::path::Path, case: &str) {
    std::fs::create_dir_all(to).unwrap();
    for f in std::fs::read_dir(from).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, to.join(f.file_name().unwrap())).unwrap();
    }
    let mut r = csv::Reader::from_path(from.join("practices.csv")).unwrap();
    let head = r.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let mut rows: Vec<Vec<String>> = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    let central = rows
        .iter()
        .find(|x| x[col("pcn_code")] == "U24247")
        .unwrap()
        .clone();
    if case == "move" {
        let p = rows.iter_mut().find(|x| x[0] == "J84012").unwrap();
        p[col("pcn_code")] = "U24247".into();
        p[col("pcn_name")] = central[col("pcn_name")].clone();
    } else {
        let south = rows
            .iter()
            .find(|x| x[col("pcn_code")] == "U01198")
            .unwrap();
        let mut p = vec![String::new(); head.len()];
        for (k, v) in [
            ("practice_code", "Z99001"),
            ("practice_name", "NEW SURGERY"),
            ("pcn_code", "U01198"),
            ("list_size", "9000"),
            ("easting", "452000"),
            ("northing", "83000"),
        ] {
            p[col(k)] = v.into();
        }
        // The new practice takes its network's sub-ICB, ICB and region.
        for k in [
            "pcn_name",
            "sub_icb_code",
            "sub_icb_name",
            "icb_code",
            "icb_name",
            "region_code",
        ] {
            p[col(k)] = south[col(k)].clone();
        }
        rows.push(p);
    }
    let mut out = csv::Writer::from_path(to.join("practices.csv")).unwrap();
    out.write_record(&head).unwrap();
    for x in rows {
        out.write_record(&x).unwrap();
    }
    out.flush().unwrap();
}
