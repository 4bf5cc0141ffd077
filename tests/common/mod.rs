//! Helpers shared by the integration tests: the real-data folder and running
//! the built binary in a temporary folder.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Say that a test (or part of one) did not run. Written to the process's
/// standard error directly, not with `eprintln!`: the test harness captures
/// `eprintln!` of a passing test, and a skipped test must be seen, e.g.
/// `SKIP rutland_outputs_equal_goldens: real data not found at …` in the
/// middle of `cargo test`'s output.
#[allow(dead_code)]
pub fn skip(msg: &str) {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{msg}");
}

/// The real public data folder (`../shared/data`), from `PCN_ATLAS_DATA`.
/// When absent the test prints why and is skipped — unless
/// `PCN_ATLAS_REQUIRE_DATA=1` (set by `.ci/run`), when it fails.
pub fn shared_data(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("PCN_ATLAS_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    if dir.join("england").is_dir() {
        return Some(dir);
    }
    let msg = format!(
        "SKIP {test}: real data not found at {} (set PCN_ATLAS_DATA to the shared/data folder)",
        dir.display()
    );
    if std::env::var("PCN_ATLAS_REQUIRE_DATA").is_ok_and(|v| v == "1") {
        panic!("{msg}, and PCN_ATLAS_REQUIRE_DATA=1");
    }
    skip(&msg);
    None
}

/// The output of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The binary under test; `PCN_ATLAS_TEST_BIN` runs another build instead
/// (to see a test fail on an older binary).
pub fn bin() -> PathBuf {
    std::env::var_os("PCN_ATLAS_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_pcn-atlas")))
}

/// Run `pcn-atlas` with arguments, in `cwd`.
pub fn pcn_atlas(cwd: &Path, args: &[&str]) -> Run {
    pcn_atlas_env(cwd, args, &[])
}

/// Run `pcn-atlas` in `cwd` with `env` added to an environment cleared of
/// the variables that would change its settings (`RAYON_NUM_THREADS`,
/// `PCN_ATLAS_CONFIG`).
pub fn pcn_atlas_env(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = Command::new(bin())
        .args(args)
        .current_dir(cwd)
        .env_remove("RAYON_NUM_THREADS")
        .env_remove("PCN_ATLAS_CONFIG")
        .envs(env.iter().copied())
        .output()
        .expect("run pcn-atlas");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Exit 2 and exactly one `error:` line on stderr holding every needle.
pub fn assert_one_line_error(r: &Run, needles: &[&str]) {
    assert_eq!(r.code, 2, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line expected: {}", r.stderr);
    assert!(lines[0].starts_with("error: "), "{}", lines[0]);
    for n in needles {
        assert!(lines[0].contains(n), "`{n}` missing from: {}", lines[0]);
    }
}

/// A temporary folder holding the given files.
pub fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    for (name, body) in files {
        let p = d.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, body).expect("write");
    }
    d
}

/// Apply byte edits `(position, operation, character)` to a valid file:
/// replace, insert or delete one byte, characters drawn from `alphabet`.
pub fn mutate(base: &str, edits: &[(usize, u8, u8)], alphabet: &[u8]) -> Vec<u8> {
    let mut b = base.as_bytes().to_vec();
    for &(pos, op, ch) in edits {
        if b.is_empty() {
            break;
        }
        let i = pos % b.len();
        let c = alphabet[ch as usize % alphabet.len()];
        match op % 3 {
            0 => b[i] = c,
            1 => b.insert(i, c),
            _ => {
                b.remove(i);
            }
        }
    }
    b
}

/// The committed demo county, `data/demo`, as a path string.
pub fn demo() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/demo")
        .to_str()
        .expect("a UTF-8 path")
        .to_string()
}

/// GDAL's `ogrinfo` (Debian's gdal-bin), for reading our GeoJSON and
/// GeoPackage outputs as QGIS would. When absent the test prints why and is
/// skipped — unless `PCN_ATLAS_REQUIRE_GDAL=1` (set by `.ci/run` once it
/// has installed gdal-bin), when it fails.
pub fn ogrinfo(test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("ogrinfo"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let msg =
            format!("SKIP {test}: GDAL's ogrinfo not found on PATH (apt-get install gdal-bin)");
        if std::env::var("PCN_ATLAS_REQUIRE_GDAL").is_ok_and(|v| v == "1") {
            panic!("{msg}, and PCN_ATLAS_REQUIRE_GDAL=1");
        }
        skip(&msg);
    }
    found
}

/// Rutland as a new user makes it: `import` from the national files in
/// `data/england` into `dir/rut`, then `command` (`check` or `analyse`)
/// on it with the Rutland OpenStreetMap extract into `dir/out`. Panics with
/// the binary's stderr when either step fails.
pub fn rutland_with_roads(dir: &Path, data: &Path, command: &str, out: &str) {
    import_lad(dir, data, "E06000017", "rut");
    let pbf = data.join("rutland/rutland-2022-07.osm.pbf");
    let r = pcn_atlas(
        dir,
        &[
            command,
            "-d",
            "rut",
            "--roads",
            pbf.to_str().unwrap(),
            "-o",
            out,
            "-q",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// `import` one local authority (`--lad`) from the national files in
/// `data/england` into `dir/out`; panics with the binary's stderr on failure.
pub fn import_lad(dir: &Path, data: &Path, lad: &str, out: &str) {
    let england = data.join("england");
    let from = england.to_str().unwrap();
    let r = pcn_atlas(
        dir,
        &["import", "--from", from, "--lad", lad, "--out", out, "-q"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// A CSV file's rows as column → cell maps, in file order.
pub fn csv_rows(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let head = r.headers().unwrap().clone();
    r.records()
        .map(|x| {
            let x = x.unwrap();
            head.iter()
                .zip(x.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// A page is self-contained: no URL but the SVG namespace, no external
/// script, stylesheet or import, and `url(...)` only for its own patterns.
pub fn assert_offline(html: &str, name: &str) {
    let urls: Vec<&str> = html
        .match_indices("http")
        .map(|(i, _)| &html[i..(i + 40).min(html.len())])
        .filter(|u| !u.starts_with("http://www.w3.org/2000/svg"))
        .collect();
    assert!(urls.is_empty(), "external URLs in {name}: {urls:?}");
    for bad in ["<script src", "<link", "@import", "<img", "<iframe"] {
        assert!(!html.contains(bad), "{name} contains {bad}");
    }
    let external = html
        .match_indices("url(")
        .any(|(i, _)| !html[i + 4..].starts_with('#'));
    assert!(!external, "{name} has a url(...) that is not url(#...)");
}

/// Run a script of `tests/browser` in headless Chromium on `dirs`, and
/// return what it printed, after asserting it passed. `None` (with a SKIP
/// note naming `test`) when Chromium or `tests/browser/node_modules` is
/// missing — unless PCN_ATLAS_REQUIRE_BROWSER=1 (set by `.ci/run` once it
/// has installed them), when it fails.
pub fn browser_test(test: &str, script: &str, dirs: &[&Path]) -> Option<String> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let require = std::env::var("PCN_ATLAS_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let missing = if !Path::new(&chromium).exists() {
        Some(format!("no Chromium at {chromium}"))
    } else if !here.join("node_modules/playwright-core").is_dir() {
        Some("tests/browser/node_modules missing (run `npm ci --prefix tests/browser`)".into())
    } else {
        None
    };
    if let Some(why) = missing {
        assert!(!require, "{test}: {why}, and PCN_ATLAS_REQUIRE_BROWSER=1");
        skip(&format!("SKIP {test}: {why}"));
        return None;
    }
    let out = Command::new("node")
        .arg(here.join(script))
        .args(dirs)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("running node");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    eprintln!("{text}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{script} failed:\n{text}");
    Some(text)
}
