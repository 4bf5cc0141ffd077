//! Where `pcn-atlas.toml` settings come from, every level of the precedence
//! flag > `--config` > `$PCN_ATLAS_CONFIG` > the dataset folder's file >
//! `./pcn-atlas.toml` > defaults, in temp folders; files merge key by key
//! (a key a higher file does not set keeps the lower file's value).

mod common;
use common::{Run, pcn_atlas_env};
use std::path::Path;

/// The `key = value` line of `pcn-atlas config` output, or panic.
fn line<'a>(r: &'a Run, key: &str) -> &'a str {
    r.stdout
        .lines()
        .find(|l| l.starts_with(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("no {key} in\n{}{}", r.stdout, r.stderr))
}

/// The value and the source comment of `key`.
fn value_and_source(r: &Run, key: &str) -> (String, String) {
    let l = line(r, key);
    let (kv, src) = l.split_once(" # ").unwrap();
    let v = kv.split_once(" = ").unwrap().1.trim().to_string();
    (v, src.trim().to_string())
}

/// Copy the small hand-made `checkerboard` fixture (three files) into `dir`.
fn fixture_into(dir: &Path) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/checkerboard");
    std::fs::create_dir_all(dir).unwrap();
    for f in ["areas.geojson", "footprints.csv", "practices.csv"] {
        std::fs::copy(src.join(f), dir.join(f)).unwrap();
    }
}

#[test]
fn every_level_of_the_precedence_and_key_by_key_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path().join("work");
    let ds = tmp.path().join("ds");
    fixture_into(&ds);
    std::fs::create_dir_all(&cwd).unwrap();
    let w = |p: &Path, text: &str| std::fs::write(p, text).unwrap();
    let ds_arg = ds.display().to_string();
    let env_file = tmp.path().join("env.toml");
    let flag_file = tmp.path().join("flag.toml");
    let env_arg = env_file.display().to_string();
    let flag_arg = flag_file.display().to_string();

    // Defaults only.
    let r = pcn_atlas_env(&cwd, &["config", "--dataset", &ds_arg], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        value_and_source(&r, "band_min"),
        ("30000".into(), "default".into())
    );
    assert!(r.stdout.contains("# config file: none"), "{}", r.stdout);

    // Each level sets band_min (the one that wins must change) and one key
    // of its own (which must survive every higher level that does not set it).
    w(
        &cwd.join("pcn-atlas.toml"),
        "[check]\nband_min = 1000\nrural_threshold = 0.3\n",
    );
    let r = pcn_atlas_env(&cwd, &["config", "--dataset", &ds_arg], &[]);
    assert_eq!(
        value_and_source(&r, "band_min"),
        ("1000".into(), "pcn-atlas.toml".into())
    );

    w(
        &ds.join("pcn-atlas.toml"),
        "[check]\nband_min = 2000\nband_max = 90000\n",
    );
    let ds_file = ds.join("pcn-atlas.toml").display().to_string();
    let r = pcn_atlas_env(&cwd, &["config", "--dataset", &ds_arg], &[]);
    assert_eq!(
        value_and_source(&r, "band_min"),
        ("2000".into(), ds_file.clone())
    );
    assert_eq!(
        value_and_source(&r, "band_max"),
        ("90000".into(), ds_file.clone())
    );
    assert_eq!(
        value_and_source(&r, "rural_threshold"),
        ("0.3".into(), "pcn-atlas.toml".into())
    );
    // Without --dataset the dataset folder's file is not read.
    let r = pcn_atlas_env(&cwd, &["config"], &[]);
    assert_eq!(value_and_source(&r, "band_min").0, "1000");

    w(
        &env_file,
        "[check]\nband_min = 3000\nmin_footprint_share = 0.4\n",
    );
    let env = [("PCN_ATLAS_CONFIG", env_arg.as_str())];
    let r = pcn_atlas_env(&cwd, &["config", "--dataset", &ds_arg], &env);
    assert_eq!(
        value_and_source(&r, "band_min"),
        ("3000".into(), env_arg.clone())
    );
    assert_eq!(value_and_source(&r, "band_max").1, ds_file);
    assert_eq!(value_and_source(&r, "rural_threshold").0, "0.3");

    w(&flag_file, "[check]\nband_min = 4000\n");
    let args = ["--config", &flag_arg, "config", "--dataset", &ds_arg];
    let r = pcn_atlas_env(&cwd, &args, &env);
    assert_eq!(
        value_and_source(&r, "band_min"),
        ("4000".into(), flag_arg.clone())
    );
    assert_eq!(
        value_and_source(&r, "min_footprint_share"),
        ("0.4".into(), env_arg.clone())
    );
    assert_eq!(value_and_source(&r, "band_max").0, "90000");
    assert_eq!(value_and_source(&r, "rural_threshold").0, "0.3");
    // The header lists every file, highest first.
    let files: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("# config file: "))
        .collect();
    assert_eq!(files.len(), 4, "{files:?}");
    assert!(files[0].contains("flag.toml") && files[0].contains("--config"));
    assert!(files[1].contains("env.toml") && files[1].contains("PCN_ATLAS_CONFIG"));
    assert!(files[2].contains("dataset folder"));
    assert!(files[3].contains("working folder"));

    // A flag beats them all.
    let args = [
        "--config",
        &flag_arg,
        "config",
        "--dataset",
        &ds_arg,
        "--band-min",
        "5000",
    ];
    let r = pcn_atlas_env(&cwd, &args, &env);
    assert_eq!(
        value_and_source(&r, "band_min"),
        ("5000".into(), "flag".into())
    );
}

#[test]
fn check_reads_the_dataset_folders_file_and_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = tmp.path().join("ds");
    fixture_into(&ds);
    let ds_arg = ds.display().to_string();
    // Queen (default): the checkerboard's networks are whole; rook splits
    // both (fixtures/README.md).
    let r = pcn_atlas_env(
        tmp.path(),
        &["check", "--dataset", &ds_arg, "--out", "a", "-q"],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("NON_CONTIGUOUS"), "{}", r.stdout);
    assert!(
        r.stdout.contains("settings: built-in defaults"),
        "{}",
        r.stdout
    );

    std::fs::write(
        ds.join("pcn-atlas.toml"),
        "fail_on_findings = \"error\"\n[check]\ncontiguity = \"rook\"\n",
    )
    .unwrap();
    let r = pcn_atlas_env(
        tmp.path(),
        &["check", "--dataset", &ds_arg, "--out", "b", "-q"],
        &[],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("NON_CONTIGUOUS"), "{}", r.stdout);
    let settings = r
        .stdout
        .lines()
        .find(|l| l.starts_with("settings: "))
        .unwrap();
    assert!(
        settings.contains(&ds.join("pcn-atlas.toml").display().to_string())
            && settings.contains("dataset folder"),
        "{settings}"
    );

    // ./pcn-atlas.toml under it, merged: its key the dataset file does not
    // set applies (queen again would be overridden by rook, so set the band).
    std::fs::write(
        tmp.path().join("pcn-atlas.toml"),
        "[check]\nband_min = 40000\ncontiguity = \"queen\"\n",
    )
    .unwrap();
    let r = pcn_atlas_env(
        tmp.path(),
        &["check", "--dataset", &ds_arg, "--out", "c", "-q"],
        &[],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    // rook from the dataset folder still wins over the working folder's queen.
    assert!(r.stdout.contains("NON_CONTIGUOUS"), "{}", r.stdout);
    // the band from the working folder applies: 32,000 and 33,000 are below 40,000.
    assert!(r.stdout.contains("POPULATION_BELOW_BAND"), "{}", r.stdout);
    assert!(
        r.stdout.contains("working folder") && r.stdout.contains("merged key by key"),
        "{}",
        r.stdout
    );

    // Running inside the dataset folder reads its file once.
    let r = pcn_atlas_env(&ds, &["config", "--dataset", "."], &[]);
    let n = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("# config file: "))
        .count();
    assert_eq!(n, 1, "{}", r.stdout);
}

#[test]
fn a_missing_env_file_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let r = pcn_atlas_env(
        tmp.path(),
        &["config"],
        &[("PCN_ATLAS_CONFIG", "nowhere.toml")],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("nowhere.toml") && r.stderr.contains("PCN_ATLAS_CONFIG"),
        "{}",
        r.stderr
    );
}

#[test]
fn profile_tables_merge_key_by_key() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = tmp.path().join("ds");
    std::fs::create_dir_all(&ds).unwrap();
    std::fs::write(
        tmp.path().join("pcn-atlas.toml"),
        "[profile]\nspeed_factor = 0.7\n",
    )
    .unwrap();
    std::fs::write(
        ds.join("pcn-atlas.toml"),
        "[profile]\nferry_speed_kph = 9.0\n",
    )
    .unwrap();
    let r = pcn_atlas_env(tmp.path(), &["config", "--dataset", "ds"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("speed_factor = 0.7"), "{}", r.stdout);
    assert!(r.stdout.contains("ferry_speed_kph = 9.0"), "{}", r.stdout);
}
