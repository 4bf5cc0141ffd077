//! Tests of the demo generator: same seed, same bytes; the committed
//! `data/demo/` is what it writes. The planted problems, the files'
//! invariants and the README's figures are checked against an independent
//! oracle in `tests/demo_oracle.rs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::*;

fn generated(seed: u64) -> (tempfile::TempDir, DemoSummary) {
    let dir = tempfile::tempdir().unwrap();
    let s = generate(dir.path(), &DemoOptions { seed }).unwrap();
    (dir, s)
}

fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join("demo")
}

fn read_all(dir: &Path) -> BTreeMap<&'static str, Vec<u8>> {
    DEMO_FILES
        .iter()
        .map(|&n| (n, std::fs::read(dir.join(n)).unwrap()))
        .collect()
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let (a, sa) = generated(DEFAULT_SEED);
    let (b, sb) = generated(DEFAULT_SEED);
    assert_eq!(sa, sb);
    assert_eq!(read_all(a.path()), read_all(b.path()));
    let (c, _) = generated(DEFAULT_SEED + 1);
    assert_ne!(
        read_all(a.path())["areas.geojson"],
        read_all(c.path())["areas.geojson"]
    );
    // Nothing but the listed files and the output marker is left behind
    // (no stray temp files).
    let mut names: Vec<String> = std::fs::read_dir(a.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.retain(|n| n != crate::output::atomic::MARKER);
    assert_eq!(names.len(), DEMO_FILES.len(), "{names:?}");
}

#[test]
fn regenerating_into_an_existing_folder_overwrites() {
    let (dir, _) = generated(DEFAULT_SEED + 5);
    generate(dir.path(), &DemoOptions::default()).unwrap();
    let (fresh, _) = generated(DEFAULT_SEED);
    assert_eq!(read_all(dir.path()), read_all(fresh.path()));
}

/// The committed `data/demo/` is exactly what the generator writes with
/// the default seed. `PCN_ATLAS_BLESS=1` rewrites it instead.
#[test]
fn committed_demo_matches_generator() {
    let dir = committed_dir();
    if std::env::var("PCN_ATLAS_BLESS").as_deref() == Ok("1") {
        generate(&dir, &DemoOptions::default()).unwrap();
        return;
    }
    let (fresh, _) = generated(DEFAULT_SEED);
    for name in DEMO_FILES {
        let want = std::fs::read(fresh.path().join(name)).unwrap();
        let have = std::fs::read(dir.join(name)).unwrap_or_default();
        assert!(
            want == have,
            "data/demo/{name} differs from the generator's output; if the change is intended, \
             regenerate with PCN_ATLAS_BLESS=1 cargo test --lib committed_demo and review the diff"
        );
    }
    let total: u64 = DEMO_FILES
        .iter()
        .map(|n| std::fs::metadata(dir.join(n)).unwrap().len())
        .sum();
    assert!(total < 600_000, "data/demo is {total} bytes");
}

#[test]
fn unwritable_output_is_an_error_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let out = file.join("demo");
    let err = generate(&out, &DemoOptions::default()).unwrap_err();
    assert!(format!("{err:#}").contains("not-a-folder"), "{err:#}");
}

#[test]
fn apportion_is_exact_and_proportional() {
    // 10 in thirds: 3.33 each, one left over goes to the first (ties to the
    // lower index).
    assert_eq!(county::apportion(10, &[1.0, 1.0, 1.0]), [4, 3, 3]);
    // 7 as 1:2:4 is exact.
    assert_eq!(county::apportion(7, &[1.0, 2.0, 4.0]), [1, 2, 4]);
    // 100 as 0.05 : 0.95 with a zero weight in between.
    assert_eq!(county::apportion(100, &[0.05, 0.0, 0.95]), [5, 0, 95]);
    assert_eq!(county::apportion(5, &[]), Vec::<u64>::new());
}
