//! `--cache DIR`: the prepared roads are written on the first run and read
//! on the next, and every output is byte-identical to a run without the
//! cache (report.json apart from the command line it quotes); a damaged
//! cache file is named in one line and rebuilt, never a failure.

mod common;
use common::{demo, pcn_atlas};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every file below `dir` by relative path; in the JSON files, the quoted
/// command line blanked.
fn outputs(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for e in std::fs::read_dir(dir.join(&rel)).unwrap() {
            let e = e.unwrap();
            let r = rel.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                stack.push(r);
                continue;
            }
            let mut bytes = std::fs::read(e.path()).unwrap();
            if r.extension().is_some_and(|x| x == "json") {
                let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                if v.get("command").is_some() {
                    v["command"] = serde_json::Value::Null;
                }
                bytes = serde_json::to_vec_pretty(&v).unwrap();
            }
            if r.extension().is_some_and(|x| x == "xlsx") {
                bytes = workbook_without_about(&bytes);
            }
            out.insert(r, bytes);
        }
    }
    out
}

/// The cells of every sheet of a workbook but About (which holds the
/// command, as report.json does).
fn workbook_without_about(bytes: &[u8]) -> Vec<u8> {
    use calamine::Reader;
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        if name != "About" {
            let range = wb.worksheet_range(&name).unwrap();
            out.extend(format!("{name}\n{:?}\n", range.rows().collect::<Vec<_>>()).into_bytes());
        }
    }
    out
}

fn assert_same(a: &Path, b: &Path) {
    let (x, y) = (outputs(a), outputs(b));
    assert_eq!(
        x.keys().collect::<Vec<_>>(),
        y.keys().collect::<Vec<_>>(),
        "{} and {} hold different files",
        a.display(),
        b.display()
    );
    for (k, v) in &x {
        assert!(
            v == &y[k],
            "{} differs between {} and {}",
            k.display(),
            a.display(),
            b.display()
        );
    }
}

/// The cache files, sorted.
fn cache_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Run `pcn-atlas` with `args` in `cwd/name`, writing to `cwd/name/o`
/// (the same output folder name each time: the map's title quotes it);
/// return stderr.
fn run(cwd: &Path, args: &[&str], name: &str) -> String {
    let dir = cwd.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--out", "o"]);
    let r = pcn_atlas(&dir, &all);
    assert_eq!(r.code, 0, "{all:?}: {}", r.stderr);
    r.stderr
}

/// The outputs of the run `name`.
fn out(cwd: &Path, name: &str) -> PathBuf {
    cwd.join(name).join("o")
}

#[test]
fn analyse_with_a_cache_gives_the_same_bytes_and_reads_it_the_second_time() {
    let tmp = tempfile::tempdir().unwrap();
    let w = tmp.path();
    let ds = demo();
    let base = ["analyse", "--dataset", ds.as_str()];
    let c = w.join("c").to_string_lossy().into_owned();
    let cached = ["analyse", "--dataset", ds.as_str(), "--cache", c.as_str()];
    run(w, &base, "plain");
    let first = run(w, &cached, "first");
    assert!(!first.contains("cache-load"), "{first}");
    assert!(first.contains("cache-save"), "{first}");
    let files = cache_files(&w.join("c"));
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files[0].starts_with("roads-") && files[1].starts_with("slow-"));
    let second = run(w, &cached, "second");
    assert!(second.contains("cache-load"), "{second}");
    assert!(!second.contains("prepare:"), "{second}");
    assert!(!second.contains("cache-save"), "{second}");
    assert_same(&out(w, "plain"), &out(w, "first"));
    assert_same(&out(w, "plain"), &out(w, "second"));
    assert_eq!(cache_files(&w.join("c")), files, "nothing new written");

    // Without the slower scenario: the free-flow file is read, no slow file.
    let third = [
        "analyse",
        "--dataset",
        &ds,
        "--cache",
        &c,
        "--slow-factor",
        "1",
    ];
    let e = run(w, &third, "third");
    assert!(e.contains("cache-load") && !e.contains("prepare:"), "{e}");
    assert_eq!(cache_files(&w.join("c")), files);

    // Another slower factor: the free-flow file is read, a second slow file
    // is prepared and written.
    let other = [
        "analyse",
        "--dataset",
        &ds,
        "--cache",
        &c,
        "--slow-factor",
        "0.7",
    ];
    let plain_other = ["analyse", "--dataset", &ds, "--slow-factor", "0.7"];
    let e = run(w, &other, "other");
    assert!(
        e.contains("slow-prepare") && !e.contains(" prepare:"),
        "{e}"
    );
    assert_eq!(cache_files(&w.join("c")).len(), 3);
    run(w, &plain_other, "plain-other");
    assert_same(&out(w, "plain-other"), &out(w, "other"));
}

#[test]
fn a_truncated_or_damaged_cache_is_rebuilt_with_a_notice() {
    let tmp = tempfile::tempdir().unwrap();
    let w = tmp.path();
    let ds = demo();
    let c = w.join("c").to_string_lossy().into_owned();
    let cached = [
        "analyse",
        "--dataset",
        ds.as_str(),
        "--cache",
        c.as_str(),
        "-q",
    ];
    run(w, &["analyse", "--dataset", &ds, "-q"], "plain");
    run(w, &cached, "first");
    let files = cache_files(&w.join("c"));
    let sizes: Vec<u64> = files
        .iter()
        .map(|f| std::fs::metadata(w.join("c").join(f)).unwrap().len())
        .collect();
    for (k, f) in files.iter().enumerate() {
        let p = w.join("c").join(f);
        let good = std::fs::read(&p).unwrap();
        // Truncated, then one byte changed in the middle.
        let mut flipped = good.clone();
        flipped[good.len() / 2] ^= 0x10;
        for (what, bytes) in [
            ("truncated", good[..good.len() / 3].to_vec()),
            ("flipped", flipped),
        ] {
            std::fs::write(&p, &bytes).unwrap();
            let name = format!("{what}-{k}");
            let e = run(w, &cached, &name);
            // One line, even with --quiet, naming the file.
            let lines: Vec<&str> = e.lines().collect();
            assert_eq!(lines.len(), 1, "{what} {f}: {e}");
            assert!(
                lines[0].contains(f.as_str()) && lines[0].contains("unusable"),
                "{e}"
            );
            assert_same(&out(w, "plain"), &out(w, &name));
            assert_eq!(std::fs::read(&p).unwrap(), good, "{what} {f}: rewritten");
        }
    }
    let after: Vec<u64> = files
        .iter()
        .map(|f| std::fs::metadata(w.join("c").join(f)).unwrap().len())
        .collect();
    assert_eq!(sizes, after);
    assert_eq!(cache_files(&w.join("c")), files, "no temporary file left");
}

#[test]
fn what_if_and_propose_share_the_cache_and_the_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let w = tmp.path();
    let ds = demo();
    let roads = format!("{ds}/roads.geojson");
    let whatif = [
        "what-if",
        "--dataset",
        ds.as_str(),
        "--roads",
        roads.as_str(),
        "--move-practice",
        "D80010=U00001",
    ];
    let with_cache = |args: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        v.extend(["--cache".into(), w.join("c").to_string_lossy().into_owned()]);
        v
    };
    run(w, &whatif, "w-plain");
    let a = with_cache(&whatif);
    let e = run(w, &refs(&a), "w-first");
    assert!(e.contains("cache-save"), "{e}");
    let e = run(w, &refs(&a), "w-second");
    assert!(e.contains("cache-load") && !e.contains("prepare:"), "{e}");
    assert_same(&out(w, "w-plain"), &out(w, "w-first"));
    assert_same(&out(w, "w-plain"), &out(w, "w-second"));

    // propose reads the free-flow file what-if wrote (the same roads,
    // profile and options).
    let propose = ["propose", "--dataset", ds.as_str(), "--rural-waiver"];
    run(w, &propose, "p-plain");
    let b = with_cache(&propose);
    let e = run(w, &refs(&b), "p-cached");
    assert!(e.contains("cache-load") && !e.contains("prepare:"), "{e}");
    assert_same(&out(w, "p-plain"), &out(w, "p-cached"));
}

#[test]
fn the_config_file_names_the_cache_folder_relative_to_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let w = tmp.path();
    std::fs::create_dir_all(w.join("conf")).unwrap();
    std::fs::write(
        w.join("conf/pcn-atlas.toml"),
        "[drive]\ncache = \"roads-cache\"\n",
    )
    .unwrap();
    let ds = demo();
    let conf = w.join("conf/pcn-atlas.toml").to_string_lossy().into_owned();
    let args = [
        "--config",
        conf.as_str(),
        "analyse",
        "--dataset",
        ds.as_str(),
        "-q",
    ];
    run(w, &args, "o");
    assert_eq!(cache_files(&w.join("conf/roads-cache")).len(), 2);
    // The flag wins over the file.
    let mut flagged = args.to_vec();
    flagged.extend(["--cache", "elsewhere"]);
    run(w, &flagged, "o2");
    assert_eq!(cache_files(&w.join("o2/elsewhere")).len(), 2);
}

#[test]
fn rutland_real_roads_with_a_cache_give_the_same_bytes() {
    let Some(data) = common::shared_data("rutland_real_roads_with_a_cache_give_the_same_bytes")
    else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let w = tmp.path();
    let england = data.join("england").to_string_lossy().into_owned();
    let ds = w.join("rutland").to_string_lossy().into_owned();
    let r = pcn_atlas(
        w,
        &[
            "import",
            "--from",
            &england,
            "--lad",
            "E06000017",
            "--out",
            &ds,
            "-q",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pbf = data
        .join("rutland/rutland-2022-07.osm.pbf")
        .to_string_lossy()
        .into_owned();
    let c = w.join("c").to_string_lossy().into_owned();
    let plain = ["analyse", "--dataset", ds.as_str(), "--roads", pbf.as_str()];
    let mut cached = plain.to_vec();
    cached.extend(["--cache", c.as_str()]);
    run(w, &plain, "plain");
    run(w, &cached, "first");
    let e = run(w, &cached, "second");
    assert!(e.contains("cache-load") && !e.contains("prepare:"), "{e}");
    assert_same(&out(w, "plain"), &out(w, "first"));
    assert_same(&out(w, "plain"), &out(w, "second"));
}
