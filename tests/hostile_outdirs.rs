//! Hostile output folders (issue 13 items 2 and 3): `--out` never writes
//! over an input of the run, and an output folder always holds the files of
//! exactly one run — no stale file of an earlier run, no mix of two runs, a
//! killed run leaves the previous output as it was, and a second run into
//! the same folder fails at once.
//!
//! Every case spawns the built binary (`PCN_ATLAS_TEST_BIN` runs another
//! build instead, to see a case fail on an older binary).

mod common;
use common::{Run, bin};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

fn run_in(cwd: &Path, args: &[&str]) -> Run {
    let mut args = args.to_vec();
    args.push("--quiet");
    common::pcn_atlas(cwd, &args)
}

/// A run that must fail with exit 2 and one line naming every `needle`.
fn refused(cwd: &Path, args: &[&str], needles: &[&str]) {
    let r = run_in(cwd, args);
    assert_eq!(
        r.code, 2,
        "{args:?}\nstdout: {}\nstderr: {}",
        r.stdout, r.stderr
    );
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line expected: {}", r.stderr);
    for n in needles {
        assert!(lines[0].contains(n), "`{n}` missing from: {}", lines[0]);
    }
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

fn ok(cwd: &Path, args: &[&str]) -> Run {
    let r = run_in(cwd, args);
    assert_eq!(r.code, 0, "{args:?}\nstderr: {}", r.stderr);
    r
}

/// A temporary folder with a copy of the demo dataset in `ds/`.
fn demo_copy() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
    std::fs::create_dir(t.path().join("ds")).unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), t.path().join("ds").join(e.file_name())).unwrap();
    }
    t
}

/// Every file below `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                out.insert(p.strip_prefix(dir).unwrap().to_path_buf(), bytes);
            }
        }
    }
    out
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Every command refuses an `--out` that is, holds or is inside one of its
/// inputs, and leaves the inputs as they were.
#[test]
fn out_over_an_input_is_refused_for_every_command() {
    let t = demo_copy();
    let (root, before) = (t.path(), snapshot(t.path()));
    let is_input = ["ds", "is an input of this run"];
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (
            vec!["check", "--dataset", "ds", "--out", "ds"],
            is_input.to_vec(),
        ),
        (
            vec!["check", "--dataset", "ds", "--out", "ds/out"],
            vec!["ds/out", "is inside an input folder"],
        ),
        (
            vec!["check", "--dataset", "ds", "--out", "."],
            vec!["holds an input"],
        ),
        (
            vec!["check", "--dataset", "ds", "--out", "./ds/../ds/"],
            vec!["is an input of this run"],
        ),
        (
            vec![
                "check",
                "--practices",
                "ds/practices.csv",
                "--areas",
                "ds/areas.geojson",
                "--out",
                "ds",
            ],
            vec!["holds an input", "ds/practices.csv"],
        ),
        (
            vec!["analyse", "--dataset", "ds", "--out", "ds"],
            is_input.to_vec(),
        ),
        (
            vec!["propose", "--dataset", "ds", "--out", "ds"],
            is_input.to_vec(),
        ),
        (
            vec![
                "what-if",
                "--dataset",
                "ds",
                "--move-practice",
                "D80010=U00001",
                "--out",
                "ds",
            ],
            is_input.to_vec(),
        ),
        (
            vec!["roads", "--roads", "ds/roads.geojson", "--out", "ds"],
            vec!["holds an input", "ds/roads.geojson"],
        ),
        (
            vec![
                "route",
                "--roads",
                "ds/roads.geojson",
                "--from",
                "-0.5,52.5",
                "--to",
                "-0.4,52.5",
                "--out",
                "ds/roads.geojson",
            ],
            vec!["is an input of this run"],
        ),
        (
            vec![
                "import",
                "--map",
                "ds/practices.csv",
                "--list-sizes",
                "ds/practices.csv",
                "--postcodes",
                "ds",
                "--boundaries",
                "ds/areas.geojson",
                "--out",
                "ds",
            ],
            vec!["ds", "an input of this run"],
        ),
    ];
    for (args, needles) in cases {
        refused(root, &args, &needles);
        assert!(
            snapshot(root) == before,
            "{args:?} changed the inputs: {:?}",
            names(root)
        );
    }
}

/// A symbolic link to the dataset is the dataset.
#[cfg(unix)]
#[test]
fn out_through_a_symlink_to_an_input_is_refused() {
    let t = demo_copy();
    std::os::unix::fs::symlink(t.path().join("ds"), t.path().join("link")).unwrap();
    let before = snapshot(&t.path().join("ds"));
    refused(
        t.path(),
        &["check", "--dataset", "ds", "--out", "link"],
        &["link", "is an input of this run"],
    );
    refused(
        t.path(),
        &["check", "--dataset", "link", "--out", "ds/x"],
        &["ds/x", "is inside an input folder"],
    );
    assert!(snapshot(&t.path().join("ds")) == before);
}

/// `demo` writes only into an empty folder or an earlier demo, unless
/// `--force`.
#[test]
fn demo_refuses_a_real_dataset_unless_forced() {
    let t = tempfile::tempdir().unwrap();
    let real = t.path().join("real");
    std::fs::create_dir(&real).unwrap();
    std::fs::write(real.join("practices.csv"), "practice_code\nA81001\n").unwrap();
    std::fs::write(real.join("notes.txt"), "mine").unwrap();
    let before = snapshot(&real);
    refused(
        t.path(),
        &["demo", "--out", "real"],
        &["real", "not written by pcn-atlas", "--force", "notes.txt"],
    );
    assert!(snapshot(&real) == before);
    // An earlier demo is replaced; a demo with a file of the user's is not.
    ok(t.path(), &["demo", "--out", "d"]);
    ok(t.path(), &["demo", "--out", "d", "--seed", "7"]);
    std::fs::write(t.path().join("d/mine.txt"), "x").unwrap();
    refused(
        t.path(),
        &["demo", "--out", "d"],
        &["did not write", "mine.txt"],
    );
    ok(t.path(), &["demo", "--out", "real", "--force"]);
    assert!(!real.join("notes.txt").exists());
    assert!(real.join("README.md").exists());
    // Results never replace a dataset (import's or the demo's).
    refused(
        t.path(),
        &["check", "--dataset", "real", "--out", "d"],
        &["d", "demo dataset"],
    );
}

/// The current folder cannot be replaced under the user's feet.
#[test]
fn out_current_folder_is_refused() {
    let t = demo_copy();
    let work = t.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let ds = t.path().join("ds");
    let ds = ds.to_str().unwrap();
    refused(
        &work,
        &["check", "--dataset", ds, "--out", "."],
        &["current folder"],
    );
    refused(
        &work,
        &["check", "--dataset", ds, "--out", ".."],
        &["holds an input"],
    );
    assert_eq!(names(&work), Vec::<String>::new());
}

/// A folder holding files pcn-atlas did not write is not replaced.
#[test]
fn foreign_files_in_out_are_kept_and_the_run_refused() {
    let t = demo_copy();
    let out = t.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    refused(
        t.path(),
        &["check", "--dataset", "ds", "--out", "out"],
        &["out", "not written by pcn-atlas", "notes.txt"],
    );
    assert_eq!(names(&out), ["notes.txt"]);
    // After a run, a file added by hand is not thrown away either.
    std::fs::remove_file(out.join("notes.txt")).unwrap();
    ok(t.path(), &["check", "--dataset", "ds", "--out", "out"]);
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    refused(
        t.path(),
        &["check", "--dataset", "ds", "--out", "out"],
        &["did not write", "notes.txt"],
    );
    assert_eq!(std::fs::read(out.join("notes.txt")).unwrap(), b"mine");
}

/// `analyse` then `check` into the same folder: `routes.geojson` of the
/// first run does not survive beside the second's files.
#[test]
fn check_after_analyse_leaves_no_stale_file() {
    let t = demo_copy();
    ok(t.path(), &["analyse", "--dataset", "ds", "--out", "out"]);
    assert!(t.path().join("out/routes.geojson").exists());
    ok(t.path(), &["check", "--dataset", "ds", "--out", "out"]);
    let left = names(&t.path().join("out"));
    assert!(!left.contains(&"routes.geojson".to_string()), "{left:?}");
    assert!(left.contains(&"pcn_summary.csv".to_string()), "{left:?}");
    // Nothing else is left beside the folder.
    assert_eq!(names(t.path()), ["ds", "out"]);
}

/// A run held just before its swap (test hook), started in the background.
fn held(cwd: &Path, args: &[&str]) -> Child {
    Command::new(bin())
        .args(args)
        .arg("--quiet")
        .current_dir(cwd)
        .env("PCN_ATLAS_TEST_HOLD_BEFORE_SWAP_S", "600")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn pcn-atlas")
}

/// Wait until a staging folder for `name` in `dir` holds its marker (all
/// files staged, the run waiting to swap); its path.
fn staged(dir: &Path, name: &str, child: &mut Child) -> PathBuf {
    let prefix = format!(".{name}.pcn-atlas-staging-");
    loop {
        for n in names(dir) {
            let p = dir.join(&n);
            if n.starts_with(&prefix) && p.join(".pcn-atlas-output").exists() {
                return p;
            }
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the held run ended before staging: {status}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn kill(mut child: Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

/// what-if's before/, after/ and diff land as one unit: a run killed after
/// staging everything leaves the previous what-if output whole, and the next
/// run removes the dead run's staging folder and takes over its lock.
#[test]
fn whatif_killed_before_its_swap_leaves_the_previous_output_whole() {
    let t = demo_copy();
    let out = t.path().join("out");
    let first = [
        "what-if",
        "--dataset",
        "ds",
        "--move-practice",
        "D80010=U00001",
        "--out",
        "out",
    ];
    ok(t.path(), &first);
    let before = snapshot(&out);
    for part in [
        "before/pcn_summary.csv",
        "after/pcn_summary.csv",
        "diff.csv",
    ] {
        assert!(before.contains_key(Path::new(part)), "{part}");
    }
    let second = [
        "what-if",
        "--dataset",
        "ds",
        "--close-practice",
        "D80001",
        "--out",
        "out",
    ];
    let mut child = held(t.path(), &second);
    let staging = staged(t.path(), "out", &mut child);
    kill(child);
    assert!(snapshot(&out) == before, "the killed run changed out/");
    assert!(staging.exists());
    // The next run cleans up after the dead one and commits the whole unit.
    ok(t.path(), &second);
    assert!(!staging.exists(), "stale staging folder left");
    assert_eq!(names(t.path()), ["ds", "out"]);
    let after = snapshot(&out);
    assert_ne!(after[Path::new("diff.csv")], before[Path::new("diff.csv")]);
    assert_eq!(
        after[Path::new("before/pcn_summary.csv")],
        before[Path::new("before/pcn_summary.csv")]
    );
    assert_ne!(
        after[Path::new("after/pcn_summary.csv")],
        before[Path::new("after/pcn_summary.csv")]
    );
}

/// Two runs into one folder: the second fails at once naming the folder;
/// the first's output is not mixed with anything.
#[test]
fn a_second_concurrent_run_into_the_same_out_fails_fast() {
    let t = demo_copy();
    let mut a = held(t.path(), &["check", "--dataset", "ds", "--out", "out"]);
    staged(t.path(), "out", &mut a);
    refused(
        t.path(),
        &["analyse", "--dataset", "ds", "--out", "out"],
        &["out", "another pcn-atlas run"],
    );
    assert!(!t.path().join("out").exists());
    kill(a);
    // The dead run's lock is stale: the next run takes it over.
    ok(t.path(), &["check", "--dataset", "ds", "--out", "out"]);
    assert_eq!(names(t.path()), ["ds", "out"]);
}
