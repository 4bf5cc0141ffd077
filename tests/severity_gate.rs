//! `--fail-on-findings[=error|warning|info]` and `fail_on_findings` in
//! `pcn-atlas.toml`, on the hand-made `checkerboard` fixture (see
//! fixtures/README.md): with queen contiguity (the default) both networks
//! are `RURAL` and nothing else — info only — and with `--contiguity rook`
//! both are also `NON_CONTIGUOUS` — an error.

mod common;
use common::pcn_atlas;
use std::path::{Path, PathBuf};

fn fixture() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/checkerboard")
        .display()
        .to_string()
}

/// The exit code of `check` on the fixture with `extra` arguments, run in `dir`.
fn check(dir: &Path, out: &str, extra: &[&str]) -> common::Run {
    let ds = fixture();
    let mut args = vec!["check", "--dataset", ds.as_str(), "--out", out, "-q"];
    args.extend_from_slice(extra);
    pcn_atlas(dir, &args)
}

#[test]
fn a_rural_only_run_passes_the_default_gate_and_fails_info() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let cases: [(&[&str], i32); 5] = [
        (&[], 0),
        // Bare flag = warning: RURAL is info, so the gate passes.
        (&["--fail-on-findings"], 0),
        (&["--fail-on-findings=warning"], 0),
        (&["--fail-on-findings=error"], 0),
        (&["--fail-on-findings=info"], 1),
    ];
    for (i, (extra, want)) in cases.iter().enumerate() {
        let r = check(d, &format!("o{i}"), extra);
        assert_eq!(r.code, *want, "{extra:?}: {}{}", r.stdout, r.stderr);
        // The summary tags the finding with its severity.
        assert!(
            r.stdout
                .lines()
                .any(|l| l.trim_start().starts_with("info") && l.contains("RURAL")),
            "{}",
            r.stdout
        );
    }
}

#[test]
fn an_error_fails_every_level() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for (i, level) in [
        "--fail-on-findings",
        "--fail-on-findings=error",
        "--fail-on-findings=info",
    ]
    .iter()
    .enumerate()
    {
        let r = check(d, &format!("o{i}"), &["--contiguity", "rook", level]);
        assert_eq!(r.code, 1, "{level}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stdout.lines().any(|l| l.trim_start().starts_with("error")
                && l.contains("NON_CONTIGUOUS")
                && l.contains("2 networks")),
            "{}",
            r.stdout
        );
    }
    // Without the flag the same findings exit 0.
    let r = check(d, "plain", &["--contiguity", "rook"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn the_gate_can_come_from_the_settings_file_and_a_flag_overrides_it() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("pcn-atlas.toml"), "fail_on_findings = \"info\"\n").unwrap();
    let r = check(d, "file", &[]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let r = check(d, "bare", &["--fail-on-findings"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = check(d, "never", &["--fail-on-findings=never"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // `config` shows it and where it came from.
    let r = pcn_atlas(d, &["config"]);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("fail_on_findings = \"info\"") && l.ends_with("pcn-atlas.toml")),
        "{}",
        r.stdout
    );
    // A bad level is a one-line error naming the file, line and value (exit 2).
    std::fs::write(d.join("pcn-atlas.toml"), "fail_on_findings = \"loud\"\n").unwrap();
    let r = check(d, "bad", &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("pcn-atlas.toml:1") && r.stderr.contains("loud"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_bad_level_on_the_command_line_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let r = check(tmp.path(), "o", &["--fail-on-findings=loud"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("loud"), "{}", r.stderr);
}

#[test]
fn help_documents_the_levels_and_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    for cmd in ["check", "analyse"] {
        let r = pcn_atlas(tmp.path(), &[cmd, "--help"]);
        assert_eq!(r.code, 0);
        for needle in [
            "--fail-on-findings",
            "warning",
            "info",
            "Exit codes: 0",
            "2 bad input",
        ] {
            assert!(r.stdout.contains(needle), "{cmd} --help lacks {needle:?}");
        }
    }
}

/// The what-if example of `check --help` and friends only name files in the
/// repository: every path-like argument in every subcommand's `--help`
/// examples that is under `data/` or `fixtures/` exists, and none names a
/// file that is not in the repository without saying where it comes from.
#[test]
fn help_examples_reference_files_that_exist() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let r = pcn_atlas(&root, &["--help"]);
    let commands: Vec<String> = r
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 10, "{commands:?}");
    let mut missing = Vec::new();
    let mut checked = 0;
    for cmd in &commands {
        let help = pcn_atlas(&root, &[cmd, "--help"]).stdout;
        for line in help
            .lines()
            .filter(|l| l.trim_start().starts_with("pcn-atlas "))
        {
            for w in line.split_whitespace() {
                let w = w.trim_matches(|c| c == '"' || c == '\'' || c == '\\');
                let looks_like_file = w.contains('/')
                    || [".csv", ".toml", ".geojson", ".pbf", ".shp"]
                        .iter()
                        .any(|e| w.ends_with(e));
                // Output folders (after --out/-o) and `../shared/data` (the
                // real-data folder beside the repository) are not inputs.
                let output = line
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .windows(2)
                    .any(|p| (p[0] == "--out" || p[0] == "-o" || p[0] == ">") && p[1] == w);
                // `out/…` is written by an earlier example.
                if !looks_like_file
                    || output
                    || w.starts_with("--")
                    || w.starts_with('~')
                    || w.starts_with("out/")
                {
                    continue;
                }
                let p = if let Some(rest) = w.strip_prefix("../shared/data/") {
                    match common::shared_data("help_examples_reference_files_that_exist") {
                        Some(d) => d.join(rest),
                        None => continue,
                    }
                } else {
                    root.join(w)
                };
                checked += 1;
                if !p.exists() {
                    missing.push(format!("{cmd}: {w}"));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "help examples name missing files: {missing:#?}"
    );
    // data/demo, docs/examples and the real-data paths at least.
    assert!(checked >= 8, "only {checked} paths checked");
}

/// The summary counts like with like: a per-practice code whose rows name
/// their network is counted as practices in networks, whatever the numbers;
/// a per-network code as networks; up to three networks are named.
#[test]
fn summary_counts_rows_against_distinct_subjects() {
    use pcn_atlas::findings::{Code, Finding, Scope};
    let paths = pcn_atlas::load::dataset::DatasetPaths {
        dir: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo")),
        ..Default::default()
    };
    let ds = pcn_atlas::load::dataset::load_dataset(&paths).unwrap();
    let f = |scope, code, subject: &str| Finding {
        scope,
        code,
        subject: subject.to_string(),
        detail: String::new(),
        practice: None,
    };
    // Three practices outside their footprints, in two networks; one network
    // below the band; two areas in no footprint (dataset scope).
    let findings = vec![
        f(Scope::Pcn, Code::PracticeOutsideFootprint, "U00006"),
        f(Scope::Pcn, Code::PracticeOutsideFootprint, "U00006"),
        f(Scope::Pcn, Code::PracticeOutsideFootprint, "U00001"),
        f(Scope::Pcn, Code::PopulationBelowBand, "U00009"),
        f(Scope::Dataset, Code::AreaUnassigned, "E01900132"),
        f(Scope::Dataset, Code::AreaUnassigned, "E01900133"),
        f(Scope::Pcn, Code::Rural, "U00004"),
    ];
    let t = pcn_atlas::output::summary::findings_table(&ds, &findings);
    let lines: Vec<Vec<&str>> = t.lines().map(|l| l.split_whitespace().collect()).collect();
    let text = |code: &str| {
        let l = lines.iter().find(|l| l[1] == code).unwrap();
        (l[0].to_string(), l[2..].join(" "))
    };
    assert_eq!(
        text("PRACTICE_OUTSIDE_FOOTPRINT"),
        (
            "error".into(),
            "3 practices in 2 networks: U00001 DEMCHESTER CENTRAL PCN, U00006 EASTWOLD PCN".into()
        )
    );
    assert_eq!(
        text("POPULATION_BELOW_BAND"),
        ("error".into(), "1 network: U00009 UPLAND DALES PCN".into())
    );
    assert_eq!(text("AREA_UNASSIGNED"), ("error".into(), "2 areas".into()));
    assert_eq!(
        text("RURAL"),
        ("info".into(), "1 network: U00004 NORTHFIELD PCN".into())
    );
    // Errors before info.
    assert_eq!(lines.last().unwrap()[0], "info", "{t}");
}
