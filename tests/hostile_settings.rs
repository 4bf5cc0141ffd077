//! Hostile numbers and settings (issue 13 items 5, 6 and the settings part
//! of 9): counts near `u64::MAX` or `1e308`, settings out of range from a
//! flag, a config file or the environment, implausible road speeds, a
//! missing required column, and messages that must be one line naming the
//! thing actually wrong. Every case: exit 2, one `error:` line naming the
//! file/line or the setting and where it came from, and nothing written.
//!
//! `PCN_ATLAS_TEST_BIN` runs these against another build (how they were seen to
//! fail on main before the fixes).

mod common;
use common::{Run, assert_one_line_error, demo, folder, pcn_atlas_env, shared_data};
use std::path::Path;

fn run(cwd: &Path, args: &[&str]) -> Run {
    pcn_atlas_env(cwd, args, &[])
}

const AREAS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"area_code":"E01000001","population":1500,"ruc":"C1"},
 "geometry":{"type":"Polygon","coordinates":[[[-0.76,52.62],[-0.75,52.62],[-0.75,52.63],[-0.76,52.63],[-0.76,52.62]]]}},
{"type":"Feature","properties":{"area_code":"E01000002","population":1954,"ruc":"E1"},
 "geometry":{"type":"Polygon","coordinates":[[[-0.75,52.62],[-0.74,52.62],[-0.74,52.63],[-0.75,52.63],[-0.75,52.62]]]}}
]}"#;

fn practices(list_a: &str, list_b: &str) -> String {
    format!(
        "practice_code,practice_name,pcn_code,pcn_name,list_size,lon,lat\n\
         P1,ONE,U1,PCN ONE,{list_a},-0.755,52.625\n\
         P2,TWO,U1,PCN ONE,{list_b},-0.745,52.625\n"
    )
}

/// `check` of a small dataset into `out`: exit 2, the error, no `out`.
fn check_rejects(files: &[(&str, &str)], needles: &[&str]) {
    // The dataset in `ds/`: an output inside an input folder is refused.
    let files: Vec<(String, &str)> = files.iter().map(|(n, b)| (format!("ds/{n}"), *b)).collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    let d = folder(&files);
    let r = run(
        d.path(),
        &["-q", "check", "--dataset", "ds", "--out", "out"],
    );
    assert_one_line_error(&r, needles);
    assert!(!d.path().join("out").exists(), "nothing may be written");
}

// ---- item 5: counts that would overflow the sums ----------------------

#[test]
fn list_sizes_near_u64_max_are_rejected_not_wrapped() {
    // Two lists that sum past u64::MAX wrapped to 30,000 (band "within").
    let p = practices("18446744073709551615", "30001");
    check_rejects(
        &[("practices.csv", &p), ("areas.geojson", AREAS)],
        &[
            "practices.csv:2",
            "list_size",
            "18446744073709551615",
            "at most 1000000",
        ],
    );
}

#[test]
fn a_population_of_1e308_is_rejected_not_clamped() {
    let areas = AREAS.replace("\"population\":1954", "\"population\":1e308");
    let p = practices("1000", "2000");
    check_rejects(
        &[("practices.csv", &p), ("areas.geojson", &areas)],
        &[
            "areas.geojson",
            "E01000002",
            "population",
            "1e+308",
            "at most",
        ],
    );
}

#[test]
fn registered_patients_near_u64_max_are_rejected() {
    let p = practices("1000", "2000");
    let regs =
        "practice_code,area_code,patients\nP1,E01000001,10\nP2,E01000002,18446744073709551615\n";
    check_rejects(
        &[
            ("practices.csv", &p),
            ("areas.geojson", AREAS),
            ("registrations.csv", regs),
        ],
        &["registrations.csv:3", "18446744073709551615"],
    );
}

#[test]
fn what_if_added_list_size_near_u64_max_is_rejected() {
    let add = "code=Z99999,name=HUGE,pcn=U00001,list_size=18446744073709551615,easting=450000,northing=300000";
    let dataset = demo();
    rejects(
        &["what-if", "--dataset", &dataset, "--add-practice", add],
        None,
        &[],
        &["--add-practice", "list_size", "18446744073709551615"],
    );
}

// ---- item 6: settings out of range, from flag, file and environment ----

/// Run `args` with `--out out` (after `--config team.toml` holding
/// `config`, when given; with `env`): exit 2 naming every needle, nothing
/// written.
fn rejects(args: &[&str], config: Option<&str>, env: &[(&str, &str)], needles: &[&str]) {
    let d = tempfile::tempdir().unwrap();
    let mut all = vec!["-q"];
    if let Some(text) = config {
        std::fs::write(d.path().join("team.toml"), text).unwrap();
        all.extend(["--config", "team.toml"]);
    }
    all.extend(args);
    all.extend(["--out", "out"]);
    let r = pcn_atlas_env(d.path(), &all, env);
    assert_one_line_error(&r, needles);
    assert!(!d.path().join("out").exists(), "nothing may be written");
}

/// `analyse` of the demo with `args`: see [`rejects`].
fn analyse_rejects(args: &[&str], config: Option<&str>, needles: &[&str]) {
    let dataset = demo();
    let mut all = vec!["analyse", "--dataset", &dataset];
    all.extend(args);
    rejects(&all, config, &[], needles);
}

#[test]
fn drive_settings_out_of_range_name_the_flag() {
    analyse_rejects(
        &["--off-road-kph", "1e308"],
        None,
        &["--off-road-kph", "1e308"],
    );
    analyse_rejects(
        &["--off-road-kph=1e-300"],
        None,
        &["--off-road-kph", "1e-300"],
    );
    analyse_rejects(&["--max-snap-m", "1e308"], None, &["--max-snap-m", "1e308"]);
    analyse_rejects(&["--max-snap-m", "0"], None, &["--max-snap-m", "0"]);
    analyse_rejects(&["--hub-max-min", "1e300"], None, &["--hub-max-min"]);
    analyse_rejects(&["--day-hours", "100"], None, &["--day-hours", "100"]);
}

#[test]
fn drive_settings_out_of_range_name_the_config_file_and_key() {
    analyse_rejects(
        &[],
        Some("[drive]\noff_road_kph = 1e308\n"),
        &["team.toml: [drive] off_road_kph", "1e308"],
    );
    // Already right on main (zero is not a speed); kept as a guard.
    analyse_rejects(
        &[],
        Some("[drive]\noff_road_kph = 0\n"),
        &["team.toml: [drive] off_road_kph = 0"],
    );
    analyse_rejects(
        &[],
        Some("[check]\ntolerance_m = 1e300\n"),
        &["team.toml: [check] tolerance_m", "1e300"],
    );
}

#[test]
fn thread_counts_are_capped() {
    analyse_rejects(
        &["--threads", "100000000"],
        None,
        &["--threads", "100000000", "256"],
    );
    analyse_rejects(
        &[],
        Some("threads = 100000\n"),
        &["team.toml: threads", "100000"],
    );
    let dataset = demo();
    rejects(
        &["check", "--dataset", &dataset],
        None,
        &[("RAYON_NUM_THREADS", "100000")],
        &["RAYON_NUM_THREADS", "100000", "256"],
    );
}

#[test]
fn config_does_not_print_a_thread_count_it_would_refuse() {
    let d = tempfile::tempdir().unwrap();
    let r = run(d.path(), &["config", "--threads", "100000"]);
    assert_one_line_error(&r, &["--threads", "100000", "256"]);
}

#[test]
fn propose_iterations_are_capped() {
    let dataset = demo();
    let args = ["propose", "--dataset", &dataset, "--no-roads"];
    let big = [&args[..], &["--iterations", "18446744073709551615"]].concat();
    rejects(&big, None, &[], &["--iterations", "18446744073709551615"]);
}

/// `roads` on the demo's roads with a profile file holding `text`.
fn roads_with_profile(text: &str) -> Run {
    let d = folder(&[("slow.toml", text)]);
    let roads = format!("{}/roads.geojson", demo());
    run(
        d.path(),
        &["roads", "--roads", &roads, "--profile", "slow.toml"],
    )
}

#[test]
fn profile_speeds_out_of_range_are_errors() {
    for v in ["1e308", "1e-300"] {
        let r = roads_with_profile(&format!("[speeds]\nresidential = {v}\n"));
        assert_one_line_error(&r, &["slow.toml", "speeds.residential", v]);
    }
}

// ---- implausible maxspeed: a counted notice and the class default ------

#[test]
fn maxspeed_9999_mph_is_a_counted_quirk_and_the_class_default() {
    let roads = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"highway":"residential","maxspeed":"9999 mph"},"geometry":{"type":"LineString","coordinates":[[-0.75,52.62],[-0.74,52.62]]}}
]}"#;
    let d = folder(&[("roads.geojson", roads)]);
    let r = run(
        d.path(),
        &[
            "roads",
            "--roads",
            "roads.geojson",
            "--out",
            "out",
            "--graph",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("maxspeed_implausible"), "{}", r.stdout);
    let graph = std::fs::read_to_string(d.path().join("out/graph.geojson")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&graph).unwrap();
    let p = &v["features"][0]["properties"];
    let kph = p["metres"].as_f64().unwrap() / p["seconds"].as_f64().unwrap() * 3.6;
    // Residential class default: 25 km/h (not 9999 mph × 0.85).
    assert!((kph - 25.0).abs() < 0.5, "{kph} km/h");
}

// ---- a missing required column -----------------------------------------

#[test]
fn a_missing_list_size_column_is_an_error_with_the_closest_header() {
    let p = practices("1000", "2000").replace("list_size", "listsize");
    check_rejects(
        &[("practices.csv", &p), ("areas.geojson", AREAS)],
        &[
            "practices.csv",
            "missing column `list_size`",
            "did you mean `listsize`?",
        ],
    );
}

// ---- item 9: one line, naming the thing actually wrong -----------------

#[test]
fn a_toml_error_is_one_line_with_line_and_column() {
    let d = folder(&[("team.toml", "threads = 2\n[check\nband_min = 1\n")]);
    let r = run(d.path(), &["--config", "team.toml", "config"]);
    assert_one_line_error(&r, &["team.toml:2:"]);
    let r = roads_with_profile("[speeds]\nresidential = = 3\n");
    assert_one_line_error(&r, &["slow.toml:2:"]);
}

#[test]
fn a_toml_error_in_an_edits_file_is_one_line() {
    let d = folder(&[("edits.toml", "[[move_practice]\npractice = \"D80010\"\n")]);
    let dataset = demo();
    let edits = d.path().join("edits.toml");
    let edits = edits.to_str().unwrap();
    rejects(
        &["what-if", "--dataset", &dataset, "--edits", edits],
        None,
        &[],
        &["edits.toml:1:"],
    );
}

#[test]
fn a_missing_pcn_code_column_names_the_closest_header() {
    let p = practices("1000", "2000").replace("pcn_code", "pcn-cod");
    check_rejects(
        &[("practices.csv", &p), ("areas.geojson", AREAS)],
        &["missing column `pcn_code`", "did you mean `pcn-cod`?"],
    );
}

#[test]
fn a_huge_catchment_blames_the_catchment_not_the_decay() {
    // Before: "--access-decay: zone bounds must be positive ...".
    analyse_rejects(
        &["--access-catchment-min", "1e308"],
        None,
        &["error: --access-catchment-min 1e308"],
    );
}

#[test]
fn bbox_nan_names_the_bad_number() {
    let Some(data) = shared_data("bbox_nan_names_the_bad_number") else {
        return;
    };
    let from = data.join("england").to_str().unwrap().to_string();
    let args = ["import", "--from", &from, "--bbox=NaN,52.5,-0.4,52.8"];
    rejects(&args, None, &[], &["--bbox", "`NaN`"]);
}

#[test]
fn bbox_accepts_the_documented_comma_form_and_four_values() {
    let Some(data) = shared_data("bbox_accepts_the_documented_comma_form") else {
        return;
    };
    let from = data.join("england");
    let from = from.to_str().unwrap();
    let d = tempfile::tempdir().unwrap();
    let comma = run(
        d.path(),
        &[
            "-q",
            "import",
            "--from",
            from,
            "--bbox=-0.8,52.5,-0.4,52.8",
            "--out",
            "comma",
        ],
    );
    assert_eq!(comma.code, 0, "{}", comma.stderr);
    let four = run(
        d.path(),
        &[
            "-q", "import", "--from", from, "--bbox", "-0.8", "52.5", "-0.4", "52.8", "--out",
            "four",
        ],
    );
    assert_eq!(four.code, 0, "{}", four.stderr);
    // A comma list after a space, starting with a minus sign: clap alone
    // takes it for a flag (`unexpected argument '-0'`).
    let spaced = run(
        d.path(),
        &[
            "-q",
            "import",
            "--from",
            from,
            "--bbox",
            "-0.8,52.5,-0.4,52.8",
            "--out",
            "spaced",
        ],
    );
    assert_eq!(spaced.code, 0, "{}", spaced.stderr);
    for f in ["practices.csv", "areas.geojson"] {
        let a = std::fs::read(d.path().join("comma").join(f)).unwrap();
        for other in ["four", "spaced"] {
            let b = std::fs::read(d.path().join(other).join(f)).unwrap();
            assert!(a == b, "{f} differs between the comma and {other} forms");
        }
    }
    // A bad number in the spaced form is named, not taken for a flag.
    let bad = run(
        d.path(),
        &[
            "import",
            "--from",
            from,
            "--bbox",
            "-0.8,x,1,2",
            "--out",
            "bad",
        ],
    );
    assert_one_line_error(&bad, &["--bbox", "`x` is not a latitude"]);
}
