//! Real data: `what-if` on two Stockton PCNs imported from the national
//! files (`import --pcn U89141,U07032`), moving THE DENSHAM SURGERY (A81001)
//! from STOCKTON PCN (U89141) to NORTH STOCKTON PCN (U07032), equals a full
//! `check` on a practices.csv edited by hand. `findings.csv` is compared
//! without the dataset notices, whose details name the input file's path.

mod common;
use common::{pcn_atlas, shared_data};

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
