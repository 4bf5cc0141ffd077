//! Golden outputs: every output file of `check`, `analyse`, `what-if`,
//! `propose`, `roads` and `import` on the demo county (and on the real
//! Rutland files when `../shared/data` is present), compared byte for byte
//! with the copies committed in `tests/golden/<case>/`.
//!
//! A change that alters any output fails here with the first differing line
//! of each file. When the change is intended, rewrite the goldens with
//!
//! ```sh
//! BLESS=1 cargo test --test golden
//! ```
//!
//! review the diff (`git diff tests/golden`), and commit it on its own with
//! a message that says why the outputs changed.
//!
//! Before comparing, the few strings that depend on where the test runs are
//! replaced by placeholders: the binary's path by `pcn-atlas`, the
//! temporary output root by `{OUT}` and the real-data folder by `{DATA}`.
//! Binary files (`map.png`, `pcn-atlas.gpkg`) are kept as their SHA-256 in `<file>.sha256`
//! (`pcn-atlas.xlsx`: of its zip entries' names and normalised contents);
//! the PNG's text is drawn with the system's fonts, so bless on the
//! machine CI runs on. The summary printed on stdout is kept as
//! `stdout.txt`.

mod common;

use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One golden case: a name (its folder under `tests/golden`) and the
/// arguments, where `{OUT}` is the temporary root, `{DATA}` the real data.
struct Case {
    name: &'static str,
    args: &'static [&'static str],
}

const DEMO: &[Case] = &[
    Case {
        name: "demo-check",
        args: &[
            "check",
            "--dataset",
            "data/demo",
            "--out",
            "{OUT}/demo-check",
        ],
    },
    Case {
        name: "demo-analyse",
        args: &[
            "analyse",
            "--dataset",
            "data/demo",
            "--out",
            "{OUT}/demo-analyse",
        ],
    },
    Case {
        name: "demo-roads",
        args: &[
            "roads",
            "--roads",
            "data/demo/roads.geojson",
            "--graph",
            "--out",
            "{OUT}/demo-roads",
        ],
    },
    Case {
        name: "demo-whatif-roads",
        args: &[
            "what-if",
            "--dataset",
            "data/demo",
            "--roads",
            "data/demo/roads.geojson",
            "--move-practice",
            "D80010=U00001",
            "--out",
            "{OUT}/demo-whatif-roads",
        ],
    },
    Case {
        name: "demo-whatif-check",
        args: &[
            "what-if",
            "--dataset",
            "data/demo",
            "--no-roads",
            "--merge",
            "U00008,U00009",
            "--close-practice",
            "D80001",
            "--move-area",
            "E01900001=U00002",
            "--out",
            "{OUT}/demo-whatif-check",
        ],
    },
    Case {
        name: "demo-propose",
        args: &[
            "propose",
            "--dataset",
            "data/demo",
            "--rural-waiver",
            "--out",
            "{OUT}/demo-propose",
        ],
    },
    Case {
        name: "demo-propose-driving",
        args: &[
            "propose",
            "--dataset",
            "data/demo",
            "--rural-waiver",
            "--objective",
            "driving",
            "--move-practices",
            "--allow-worse",
            "--out",
            "{OUT}/demo-propose-driving",
        ],
    },
    Case {
        name: "demo-propose-repair",
        args: &[
            "propose",
            "--dataset",
            "data/demo",
            "--repair",
            "--out",
            "{OUT}/demo-propose-repair",
        ],
    },
];

const RUTLAND: &[Case] = &[
    Case {
        name: "rutland-import",
        args: &[
            "import",
            "--from",
            "{DATA}/england",
            "--lad",
            "E06000017",
            "--out",
            "{OUT}/rutland-import",
        ],
    },
    Case {
        name: "rutland-analyse",
        args: &[
            "analyse",
            "--dataset",
            "{OUT}/rutland-import",
            "--roads",
            "{DATA}/rutland/rutland-2022-07.osm.pbf",
            "--out",
            "{OUT}/rutland-analyse",
        ],
    },
    Case {
        name: "rutland-check-shp",
        args: &[
            "check",
            "--dataset",
            "{OUT}/rutland-import",
            "--roads",
            "{DATA}/rutland/osm-roads-2022/gis_osm_roads_free_1.shp",
            "--out",
            "{OUT}/rutland-check-shp",
        ],
    },
];

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bless() -> bool {
    std::env::var("BLESS").is_ok_and(|v| v == "1")
}

/// Run one case; return the differences found (empty when it matches).
fn run_case(case: &Case, out_root: &Path, data: Option<&Path>) -> Vec<String> {
    let out_s = out_root.to_str().expect("UTF-8 temp path");
    let data_s = data.map(|d| d.to_str().expect("UTF-8 data path").to_string());
    let args: Vec<String> = case
        .args
        .iter()
        .map(|a| {
            let a = a.replace("{OUT}", out_s);
            match &data_s {
                Some(d) => a.replace("{DATA}", d),
                None => a,
            }
        })
        .collect();
    let bin = env!("CARGO_BIN_EXE_pcn-atlas");
    let run = Command::new(bin)
        .args(&args)
        .arg("--quiet")
        .current_dir(manifest())
        .output()
        .expect("run pcn-atlas");
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    let code = run.status.code().unwrap_or(-1);
    if code != 0 {
        return vec![format!(
            "{}: exit {code}\nstdout: {stdout}\nstderr: {}",
            case.name,
            String::from_utf8_lossy(&run.stderr)
        )];
    }
    let normalise = |text: &str| -> String {
        let mut t = text.replace(bin, "pcn-atlas").replace(out_s, "{OUT}");
        if let Some(d) = &data_s {
            t = t.replace(d.as_str(), "{DATA}");
        }
        t
    };
    let produced = out_root.join(case.name);
    let golden = manifest().join("tests/golden").join(case.name);
    let mut files: Vec<(PathBuf, Vec<u8>)> =
        vec![(PathBuf::from("stdout.txt"), normalise(&stdout).into_bytes())];
    for rel in walk(&produced) {
        let bytes = std::fs::read(produced.join(&rel)).expect("read output");
        if rel.to_string_lossy().ends_with(".xlsx") {
            // The workbook's About sheet holds the command and input paths:
            // hash its zip entries with the placeholders put in.
            files.push((png_name(&rel), sha_line(&zip_text(&bytes, &normalise))));
            continue;
        }
        match String::from_utf8(bytes) {
            Ok(text)
                if ![".png", ".gpkg"]
                    .iter()
                    .any(|x| rel.to_string_lossy().ends_with(x)) =>
            {
                files.push((rel, normalise(&text).into_bytes()))
            }
            Ok(text) => files.push((png_name(&rel), sha_line(text.as_bytes()))),
            Err(e) => files.push((png_name(&rel), sha_line(e.as_bytes()))),
        }
    }
    if bless() {
        let _ = std::fs::remove_dir_all(&golden);
        for (rel, bytes) in &files {
            let p = golden.join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir golden");
            std::fs::write(&p, bytes).expect("write golden");
        }
        eprintln!("blessed {} ({} files)", case.name, files.len());
        return Vec::new();
    }
    compare(case.name, &golden, &files)
}

/// A zip file (the workbook) as text: each entry's name, compressed size
/// left out, and its contents normalised, in the archive's order.
fn zip_text(bytes: &[u8], normalise: &dyn Fn(&str) -> String) -> Vec<u8> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip file");
    let mut out = Vec::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i).expect("zip entry");
        let mut body = Vec::new();
        e.read_to_end(&mut body).expect("read zip entry");
        out.extend(format!("{}\n", e.name().expect("zip entry name")).into_bytes());
        match String::from_utf8(body) {
            Ok(t) => out.extend(normalise(&t).into_bytes()),
            Err(b) => out.extend(b.into_bytes()),
        }
        out.push(b'\n');
    }
    out
}

/// The golden name of a binary file: its SHA-256 beside it.
fn png_name(rel: &Path) -> PathBuf {
    PathBuf::from(format!("{}.sha256", rel.display()))
}

fn sha_line(bytes: &[u8]) -> Vec<u8> {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}\n").into_bytes()
}

/// Every file below `dir`, as paths relative to it, sorted.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let entries = std::fs::read_dir(dir.join(&rel)).expect("read_dir");
        for e in entries {
            let e = e.expect("dir entry");
            let r = rel.join(e.file_name());
            if e.file_type().expect("file type").is_dir() {
                stack.push(r);
            } else {
                out.push(r);
            }
        }
    }
    out.sort();
    out
}

fn compare(name: &str, golden: &Path, files: &[(PathBuf, Vec<u8>)]) -> Vec<String> {
    let mut diffs = Vec::new();
    if !golden.is_dir() {
        return vec![format!(
            "{name}: no goldens in {} (run BLESS=1 cargo test --test golden)",
            golden.display()
        )];
    }
    let expected: BTreeSet<PathBuf> = walk(golden).into_iter().collect();
    let got: BTreeSet<PathBuf> = files.iter().map(|(r, _)| r.clone()).collect();
    for missing in expected.difference(&got) {
        diffs.push(format!(
            "{name}: {} is no longer written",
            missing.display()
        ));
    }
    for extra in got.difference(&expected) {
        diffs.push(format!("{name}: {} is new", extra.display()));
    }
    for (rel, bytes) in files {
        let Ok(want) = std::fs::read(golden.join(rel)) else {
            continue;
        };
        if &want != bytes {
            diffs.push(format!(
                "{name}: {} differs: {}",
                rel.display(),
                first_difference(&want, bytes)
            ));
        }
    }
    diffs
}

/// The first differing line, golden then produced, shortened.
fn first_difference(want: &[u8], got: &[u8]) -> String {
    let w = String::from_utf8_lossy(want);
    let g = String::from_utf8_lossy(got);
    let short = |s: &str| -> String {
        let s: String = s.chars().take(300).collect();
        s
    };
    for (i, (a, b)) in w.lines().zip(g.lines()).enumerate() {
        if a != b {
            return format!(
                "line {}\n  golden:   {}\n  produced: {}",
                i + 1,
                short(a),
                short(b)
            );
        }
    }
    format!(
        "{} lines golden, {} produced",
        w.lines().count(),
        g.lines().count()
    )
}

fn check_all(cases: &[Case], out_root: &Path, data: Option<&Path>) {
    let mut diffs = Vec::new();
    for case in cases {
        diffs.extend(run_case(case, out_root, data));
    }
    assert!(
        diffs.is_empty(),
        "outputs differ from tests/golden (if intended: BLESS=1 cargo test --test golden, \
         review `git diff tests/golden`, commit saying why):\n{}",
        diffs.join("\n")
    );
}

#[test]
fn demo_outputs_equal_goldens() {
    let tmp = tempfile::tempdir().expect("tempdir");
    check_all(DEMO, tmp.path(), None);
}

#[test]
fn rutland_outputs_equal_goldens() {
    let Some(data) = common::shared_data("rutland_outputs_equal_goldens") else {
        return;
    };
    let data = data.canonicalize().expect("canonical data path");
    let tmp = tempfile::tempdir().expect("tempdir");
    check_all(RUTLAND, tmp.path(), Some(&data));
}
