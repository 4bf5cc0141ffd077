//! `pcn-atlas.toml`, `pcn-atlas config` and `pcn-atlas completions` from the
//! built binary: the file changes what `check` finds, flags beat the file,
//! a bad key is an error naming the file and key (exit 2).

mod common;
use common::{demo, pcn_atlas};

fn findings(dir: &std::path::Path) -> Vec<String> {
    let mut r = csv::Reader::from_path(dir.join("findings.csv")).unwrap();
    r.records()
        .map(|r| {
            let r = r.unwrap();
            format!("{} {}", &r[1], &r[2])
        })
        .collect()
}

#[test]
fn config_file_sets_thresholds_and_flags_override_it() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // Demoshire's U00009 (18,766 patients) is below the default band.
    let r = pcn_atlas(d, &["check", "--dataset", &demo(), "--out", "base", "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(findings(&d.join("base")).contains(&"POPULATION_BELOW_BAND U00009".to_string()));

    // ./pcn-atlas.toml lowers the band: no longer below.
    std::fs::write(d.join("pcn-atlas.toml"), "[check]\nband_min = 15000\n").unwrap();
    let r = pcn_atlas(d, &["check", "--dataset", &demo(), "--out", "cfg", "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !findings(&d.join("cfg"))
            .iter()
            .any(|f| f.starts_with("POPULATION_BELOW_BAND"))
    );
    let report = std::fs::read_to_string(d.join("cfg/report.json")).unwrap();
    assert!(report.contains("\"band_min\": 15000"), "{report}");

    // A flag beats the file.
    let r = pcn_atlas(
        d,
        &[
            "check",
            "--dataset",
            &demo(),
            "--out",
            "flag",
            "--band-min",
            "30000",
            "-q",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(findings(&d.join("flag")).contains(&"POPULATION_BELOW_BAND U00009".to_string()));

    // `config` says where each value came from.
    let r = pcn_atlas(d, &["config", "--band-max", "60000"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("# config file: pcn-atlas.toml"),
        "{}",
        r.stdout
    );
    let line = |k: &str| {
        r.stdout
            .lines()
            .find(|l| l.starts_with(k))
            .unwrap()
            .to_string()
    };
    assert!(line("band_min = 15000").ends_with("# pcn-atlas.toml"));
    assert!(line("band_max = 60000").ends_with("# flag"));
    assert!(line("rural_threshold = 0.5").ends_with("# default"));
}

#[test]
fn bad_config_is_an_error_naming_file_and_key() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("team.toml"), "[drive]\nhub_max_minutes = 20\n").unwrap();
    let r = pcn_atlas(d, &["--config", "team.toml", "config"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("team.toml") && r.stderr.contains("hub_max_minutes"),
        "{}",
        r.stderr
    );
    std::fs::write(d.join("rule.toml"), "[check]\ncontiguity = \"bishop\"\n").unwrap();
    let r = pcn_atlas(d, &["--config", "rule.toml", "config"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("rule.toml") && r.stderr.contains("bishop"),
        "{}",
        r.stderr
    );
    // An out-of-range value names where it came from: the file and key, or the flag.
    std::fs::write(
        d.join("band.toml"),
        "[check]\nband_min = 60000\n[drive]\nslow_factor = 1.5\n",
    )
    .unwrap();
    let r = pcn_atlas(d, &["--config", "band.toml", "config"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("band.toml: [check] band_min = 60000")
            && r.stderr.contains("--band-max (default) = 50000"),
        "{}",
        r.stderr
    );
    let r = pcn_atlas(
        d,
        &["--config", "band.toml", "config", "--band-min", "1000"],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("band.toml: [drive] slow_factor = 1.5"),
        "{}",
        r.stderr
    );
    let r = pcn_atlas(d, &["config", "--hub-max-min", "-3"]);
    assert_eq!(r.code, 2);
    let r = pcn_atlas(d, &["config", "--hub-max-min=0"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--hub-max-min = 0"), "{}", r.stderr);
    let r = pcn_atlas(d, &["--config", "missing.toml", "config"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("missing.toml"), "{}", r.stderr);
}

#[test]
fn completions_for_each_shell() {
    let tmp = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let r = pcn_atlas(tmp.path(), &["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(
            r.stdout.contains("pcn-atlas") && r.stdout.contains("analyse"),
            "{shell}"
        );
    }
}
