//! `what-if` on the demo county: each edit's result is what a full re-run
//! gives (issues 7 and 17). For every edit kind the test builds the edited
//! dataset files itself (its own reference editor on the CSV text, below),
//! runs the full `check` (no roads) and `analyse` (demo roads, with
//! accessibility) on them, and compares with what-if's `after/` byte for
//! byte: `pcn_summary.csv` (with roads: its `access_*` columns),
//! `findings.csv`, `pcns.geojson`, `areas.geojson` (with roads: each area's
//! 2SFCA, E2SFCA and gravity scores), `practices.geojson` and, with roads,
//! `routes.geojson` (`report.json` differs: it names the input files). It
//! also checks that `diff.csv` lists every PCN whose full-run row changed,
//! with the full runs' rows as its before and after cells.

mod common;
use common::{csv_rows, pcn_atlas};
use pcn_atlas::load::dataset::{DatasetPaths, load_dataset};
use pcn_atlas::model::Dataset;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo")
}

fn s(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

/// The demo's files as text, to be edited.
struct Files {
    practices: String,
    registrations: String,
    footprints: String,
}

impl Files {
    fn demo() -> Files {
        let r = |n: &str| std::fs::read_to_string(demo().join(n)).unwrap();
        Files {
            practices: r("practices.csv"),
            registrations: r("registrations.csv"),
            footprints: r("footprints.csv"),
        }
    }

    /// Write an edited dataset folder (areas copied unchanged).
    fn write(&self, dir: &Path) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::copy(demo().join("areas.geojson"), dir.join("areas.geojson")).unwrap();
        std::fs::write(dir.join("practices.csv"), &self.practices).unwrap();
        std::fs::write(dir.join("registrations.csv"), &self.registrations).unwrap();
        std::fs::write(dir.join("footprints.csv"), &self.footprints).unwrap();
    }

    /// Apply `f` to every data line of a CSV text (fields split on commas;
    /// the demo's files have no quoted commas); `None` drops the line.
    fn map_lines(text: &str, f: impl Fn(Vec<String>) -> Option<Vec<String>>) -> String {
        let mut out = String::new();
        for (i, line) in text.lines().enumerate() {
            if i == 0 {
                out.push_str(line);
                out.push('\n');
                continue;
            }
            let cells: Vec<String> = line.split(',').map(str::to_string).collect();
            if let Some(c) = f(cells) {
                out.push_str(&c.join(","));
                out.push('\n');
            }
        }
        out
    }
}

/// practices.csv columns: practice_code, practice_name, pcn_code, pcn_name, list_size, postcode, lon, lat.
fn pcn_name(files: &Files, pcn: &str) -> String {
    files
        .practices
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|c| c[2] == pcn)
        .map(|c| c[3].to_string())
        .unwrap()
}

fn move_practice(f: &mut Files, practice: &str, to: &str) {
    let name = pcn_name(f, to);
    f.practices = Files::map_lines(&f.practices, |mut c| {
        if c[0] == practice {
            c[2] = to.into();
            c[3] = name.clone();
        }
        Some(c)
    });
}

fn move_area(f: &mut Files, area: &str, to: &str) {
    f.footprints = Files::map_lines(&f.footprints, |mut c| {
        if c[0] == area {
            c[1] = to.into();
        }
        Some(c)
    });
}

fn merge(f: &mut Files, pcns: &[&str], code: &str, name: &str) {
    f.practices = Files::map_lines(&f.practices, |mut c| {
        if pcns.contains(&c[2].as_str()) {
            c[2] = code.into();
            c[3] = name.into();
        }
        Some(c)
    });
    f.footprints = Files::map_lines(&f.footprints, |mut c| {
        if pcns.contains(&c[1].as_str()) {
            c[1] = code.into();
        }
        Some(c)
    });
}

/// Close a practice: each of its registration rows goes to the remaining
/// practice nearest the area's centroid by `nearest`; list sizes follow.
fn close(f: &mut Files, ds: &Dataset, practice: &str, nearest: Nearest) {
    let pid = ds
        .practices
        .iter()
        .position(|p| p.code == practice)
        .unwrap();
    let remaining: Vec<usize> = (0..ds.practices.len()).filter(|&i| i != pid).collect();
    // Registrations as (practice, area, patients) in file order.
    let mut rows: Vec<(String, String, u64)> = f
        .registrations
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[0].to_string(), c[1].to_string(), c[2].parse().unwrap())
        })
        .collect();
    let mine: Vec<(String, String, u64)> =
        rows.iter().filter(|r| r.0 == practice).cloned().collect();
    rows.retain(|r| r.0 != practice);
    let mut gained: BTreeMap<String, u64> = BTreeMap::new();
    for (_, area, n) in mine {
        let a = ds.areas.iter().position(|x| x.code == area).unwrap();
        let to = ds.practices[nearest(a, &remaining)].code.clone();
        match rows.iter_mut().find(|r| r.0 == to && r.1 == area) {
            Some(r) => r.2 += n,
            None => rows.push((to.clone(), area.clone(), n)),
        }
        *gained.entry(to).or_insert(0) += n;
    }
    let mut text = String::from("practice_code,area_code,patients\n");
    for (p, a, n) in rows {
        text.push_str(&format!("{p},{a},{n}\n"));
    }
    f.registrations = text;
    f.practices = Files::map_lines(&f.practices, |mut c| {
        if c[0] == practice {
            return None;
        }
        if let Some(g) = gained.get(&c[0]) {
            c[4] = (c[4].parse::<u64>().unwrap() + g).to_string();
        }
        Some(c)
    });
}

fn straight_nearest(ds: &Dataset) -> impl Fn(usize, &[usize]) -> usize + '_ {
    move |a: usize, cands: &[usize]| {
        let c = ds.areas[a].centroid;
        let d = |i: usize| {
            let p = ds.practices[i].location.unwrap();
            (p.x - c.x).powi(2) + (p.y - c.y).powi(2)
        };
        *cands
            .iter()
            .min_by(|&&x, &&y| d(x).total_cmp(&d(y)).then(x.cmp(&y)))
            .unwrap()
    }
}

/// The point (lon, lat text) where the test adds a practice: in the
/// uplands, 3 km east and 2 km north of the demo's south-west corner of
/// the UPLAND DALES block (E 438000, N 330000).
fn new_practice_lonlat() -> (String, String) {
    let (lon, lat) = pcn_atlas::coords::bng_to_wgs84(geo::Coord {
        x: 438_000.0,
        y: 330_000.0,
    });
    (format!("{lon:.6}"), format!("{lat:.6}"))
}

/// Picks the remaining practice (index) nearest an area (index).
type Nearest<'a> = &'a dyn Fn(usize, &[usize]) -> usize;

/// Edits the files; gets the drive-time nearest with roads.
type EditFiles = Box<dyn Fn(&mut Files, &Dataset, Option<Nearest>)>;

struct Case {
    name: &'static str,
    flags: Vec<String>,
    edit: EditFiles,
}

fn cases() -> Vec<Case> {
    let (lon, lat) = new_practice_lonlat();
    let (lon2, lat2) = (lon.clone(), lat.clone());
    vec![
        Case {
            name: "move-practice",
            flags: vec!["--move-practice".into(), "D80010=U00001".into()],
            edit: Box::new(|f, _, _| move_practice(f, "D80010", "U00001")),
        },
        Case {
            name: "move-area",
            flags: vec!["--move-area".into(), "E01900132=U00001".into()],
            edit: Box::new(|f, _, _| move_area(f, "E01900132", "U00001")),
        },
        Case {
            name: "merge-new-code",
            flags: vec![
                "--merge".into(),
                "U00001,U00002=U00000:DEMCHESTER PCN".into(),
            ],
            edit: Box::new(|f, _, _| merge(f, &["U00001", "U00002"], "U00000", "DEMCHESTER PCN")),
        },
        Case {
            name: "merge-keep-first",
            flags: vec!["--merge".into(), "U00009,U00005".into()],
            edit: Box::new(|f, _, _| {
                let name = pcn_name(f, "U00009");
                merge(f, &["U00009", "U00005"], "U00009", &name)
            }),
        },
        Case {
            name: "add-practice",
            flags: vec![
                "--add-practice".into(),
                format!(
                    "code=D89001,name=NEW DALES SURGERY,pcn=U00009,list_size=12000,lon={lon},lat={lat}"
                ),
            ],
            edit: Box::new(move |f, _, _| {
                f.practices.push_str(&format!(
                    "D89001,NEW DALES SURGERY,U00009,UPLAND DALES PCN,12000,,{lon2},{lat2}\n"
                ));
            }),
        },
        Case {
            name: "close-practice",
            flags: vec!["--close-practice".into(), "D80036".into()],
            edit: Box::new(|f, ds, nearest| match nearest {
                Some(n) => close(f, ds, "D80036", n),
                None => close(f, ds, "D80036", &straight_nearest(ds)),
            }),
        },
    ]
}

fn read_summary(p: &Path) -> BTreeMap<String, Vec<String>> {
    let mut r = csv::Reader::from_path(p).unwrap();
    r.records()
        .map(|x| {
            let x = x.unwrap();
            (x[0].to_string(), x.iter().map(str::to_string).collect())
        })
        .collect()
}

/// Run `case` through what-if and through a full run on edited files, both
/// with the flags `extra`, and compare (`base_run`: the full run on the
/// demo with the same flags).
fn run_case(case: &Case, roads: bool, extra: &[&str], base_run: &Path, work: &Path) {
    let ds = load_dataset(&DatasetPaths::dir(demo())).unwrap();
    let mut files = Files::demo();
    let roads_file = s(&demo().join("roads.geojson"));
    // The reference editor's drive-nearest, with roads: among the 8
    // practices nearest in a straight line, the least drive time.
    let (net, _) = pcn_atlas::roads::load_roads(
        &demo().join("roads.geojson"),
        &pcn_atlas::roads::profile::CarProfile::default(),
    )
    .unwrap();
    let prof = pcn_atlas::roads::profile::CarProfile::default();
    let r = pcn_atlas::pipeline::Roads::prepare(
        pcn_atlas::pipeline::RoadsSpec {
            net: &net,
            name: roads_file.clone(),
            snap: pcn_atlas::routing::SnapOptions {
                off_road_kph: prof.off_road_kph,
                max_snap_m: prof.max_snap_m,
            },
            slow_factor: 1.0,
            cache: None,
            profile: serde_json::Value::Null,
            roads_report: serde_json::Value::Null,
        },
        &pcn_atlas::stages::Silent,
    )
    .unwrap();
    let by_drive = |a: usize, cands: &[usize]| -> usize {
        let c = ds.areas[a].centroid;
        let mut near: Vec<usize> = cands.to_vec();
        let d = |i: usize| {
            let p = ds.practices[i].location.unwrap();
            (p.x - c.x).powi(2) + (p.y - c.y).powi(2)
        };
        near.sort_by(|&x, &y| d(x).total_cmp(&d(y)).then(x.cmp(&y)));
        near.truncate(8);
        let to: Vec<_> = near
            .iter()
            .map(|&i| ds.practices[i].location.unwrap())
            .collect();
        let t = r.times_from(c, &to);
        let mut best = (f64::INFINITY, near[0]);
        for (k, &x) in t.iter().enumerate() {
            if x < best.0 {
                best = (x, near[k]);
            }
        }
        best.1
    };
    (case.edit)(&mut files, &ds, if roads { Some(&by_drive) } else { None });
    let edited = work.join(format!("{}-data", case.name));
    files.write(&edited);

    let wi = work.join(format!("{}-whatif", case.name));
    let full = work.join(format!("{}-full", case.name));
    let mut args = vec![
        "what-if".to_string(),
        "--dataset".into(),
        s(&demo()),
        "--out".into(),
        s(&wi),
        "-q".into(),
    ];
    if roads {
        args.extend(["--roads".to_string(), roads_file.clone()]);
    } else {
        args.push("--no-roads".into());
    }
    args.extend(extra.iter().map(|x| x.to_string()));
    args.extend(case.flags.iter().cloned());
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = pcn_atlas(work, &argv);
    assert_eq!(out.code, 0, "{}: {}", case.name, out.stderr);

    let mut full_args = vec![
        if roads { "analyse" } else { "check" },
        "--dataset",
        edited.to_str().unwrap(),
        "--out",
        full.to_str().unwrap(),
        "-q",
    ];
    if roads {
        full_args.extend(["--roads", roads_file.as_str()]);
    }
    full_args.extend(extra);
    let out = pcn_atlas(work, &full_args);
    assert_eq!(out.code, 0, "{}: {}", case.name, out.stderr);

    let mut files_cmp = vec![
        "pcn_summary.csv",
        "findings.csv",
        "pcns.geojson",
        "areas.geojson",
        "practices.geojson",
    ];
    if roads {
        files_cmp.push("routes.geojson");
    }
    if roads {
        // Accessibility ran in both: the comparison below covers it.
        let after = read_summary(&wi.join("after/pcn_summary.csv"));
        let head = read_header(&wi.join("after/pcn_summary.csv"));
        let k = head.iter().position(|h| h == "access_e2sfca_mean").unwrap();
        assert!(
            after.values().all(|r| !r[k].is_empty()),
            "{}: access_e2sfca_mean empty in after/pcn_summary.csv",
            case.name
        );
        let areas = std::fs::read_to_string(wi.join("after/areas.geojson")).unwrap();
        assert!(areas.contains("\"access_gravity\""), "{}", case.name);
    }
    for f in files_cmp {
        let a = std::fs::read_to_string(wi.join("after").join(f)).unwrap();
        let b = std::fs::read_to_string(full.join(f)).unwrap();
        assert!(
            a == b,
            "{} (roads: {roads}): after/{f} differs from a full re-run",
            case.name
        );
    }
    // The baseline: what-if's before/ is the full run on the demo.
    for f in ["pcn_summary.csv", "findings.csv"] {
        let a = std::fs::read_to_string(wi.join("before").join(f)).unwrap();
        let b = std::fs::read_to_string(base_run.join(f)).unwrap();
        assert!(
            a == b,
            "{}: before/{f} differs from the baseline run",
            case.name
        );
    }

    // diff.csv: every PCN whose full-run row changed is listed, with the
    // full runs' rows as before and after.
    let before = read_summary(&base_run.join("pcn_summary.csv"));
    let after = read_summary(&full.join("pcn_summary.csv"));
    let mut rdr = csv::Reader::from_path(wi.join("diff.csv")).unwrap();
    let head = rdr.headers().unwrap().clone();
    let mut listed = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        listed.insert(rec[0].to_string(), rec);
    }
    let mut codes: Vec<&String> = before.keys().chain(after.keys()).collect();
    codes.sort();
    codes.dedup();
    for code in codes {
        let (b, a) = (before.get(code), after.get(code));
        if b == a {
            continue;
        }
        let rec = listed
            .get(code)
            .unwrap_or_else(|| panic!("{}: {code} changed but is not in diff.csv", case.name));
        let summary_head = read_header(&base_run.join("pcn_summary.csv"));
        for (k, col) in summary_head.iter().enumerate().skip(1) {
            let cell = |side: &str| {
                let i = head
                    .iter()
                    .position(|h| h == format!("{col}_{side}"))
                    .unwrap();
                rec[i].to_string()
            };
            assert_eq!(
                cell("before"),
                b.map_or(String::new(), |r| r[k].clone()),
                "{} {code} {col}",
                case.name
            );
            assert_eq!(
                cell("after"),
                a.map_or(String::new(), |r| r[k].clone()),
                "{} {code} {col}",
                case.name
            );
        }
    }
}

fn read_header(p: &Path) -> Vec<String> {
    let mut r = csv::Reader::from_path(p).unwrap();
    r.headers().unwrap().iter().map(str::to_string).collect()
}

#[test]
fn every_edit_equals_a_full_check_rerun() {
    let work = tempfile::tempdir().unwrap();
    let base = work.path().join("base");
    let r = pcn_atlas(
        work.path(),
        &["check", "--dataset", &s(&demo()), "--out", &s(&base), "-q"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for case in cases() {
        run_case(&case, false, &[], &base, work.path());
    }
}

#[test]
fn every_edit_equals_a_full_analyse_rerun() {
    let work = tempfile::tempdir().unwrap();
    let base = work.path().join("base");
    let roads = s(&demo().join("roads.geojson"));
    let r = pcn_atlas(
        work.path(),
        &[
            "analyse",
            "--dataset",
            &s(&demo()),
            "--roads",
            &roads,
            "--out",
            &s(&base),
            "-q",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for case in cases() {
        run_case(&case, true, &[], &base, work.path());
    }
}

/// The accessibility flags mean in what-if what they mean in `analyse`: a
/// supply file (every practice's list size / 1000 + its row number, so the
/// scores differ from list sizes; an added practice is not in it and has
/// supply 0, a closed one's row is ignored), a Gaussian decay and a 20-minute
/// catchment give the full runs' bytes for an addition and a closure.
#[test]
fn access_flags_equal_a_full_analyse_rerun_with_the_same_flags() {
    let work = tempfile::tempdir().unwrap();
    let mut supply = String::from("practice_code,supply\n");
    for (i, line) in Files::demo().practices.lines().skip(1).enumerate() {
        let c: Vec<&str> = line.split(',').collect();
        let list: f64 = c[4].parse().unwrap();
        supply.push_str(&format!("{},{}\n", c[0], list / 1000.0 + i as f64));
    }
    let supply_file = work.path().join("supply.csv");
    std::fs::write(&supply_file, supply).unwrap();
    let sf = s(&supply_file);
    let extra = [
        "--supply",
        sf.as_str(),
        "--access-decay",
        "gaussian",
        "--access-catchment-min",
        "20",
    ];
    let base = work.path().join("base");
    let roads = s(&demo().join("roads.geojson"));
    let (d, b) = (s(&demo()), s(&base));
    let mut argv = vec![
        "analyse",
        "--dataset",
        &d,
        "--roads",
        &roads,
        "--out",
        &b,
        "-q",
    ];
    argv.extend(extra);
    let r = pcn_atlas(work.path(), &argv);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for case in cases()
        .into_iter()
        .filter(|c| c.name == "add-practice" || c.name == "close-practice")
    {
        run_case(&case, true, &extra, &base, work.path());
    }
}

#[test]
fn bad_edits_are_errors_naming_the_edit_and_value() {
    let work = tempfile::tempdir().unwrap();
    let edits = work.path().join("edits.toml");
    std::fs::write(
        &edits,
        "[[move_practice]]\npractice = \"D80010\"\nto = \"U00001\"\n\n[[move_practice]]\npractice = \"D80011\"\nto = \"U99999\"\n",
    )
    .unwrap();
    let d = s(&demo());
    for (args, want) in [
        (
            vec!["--move-practice", "X00000=U00001"],
            vec!["--move-practice X00000=U00001", "no practice X00000"],
        ),
        (
            vec!["--move-area", "E01900132=U99999"],
            vec!["--move-area E01900132=U99999", "no PCN U99999"],
        ),
        (
            vec!["--close-practice", "Q12345"],
            vec!["--close-practice Q12345", "no practice Q12345"],
        ),
        (
            vec!["--merge", "U00001,U77777"],
            vec!["--merge U00001,U77777", "no PCN U77777"],
        ),
        (
            vec!["--edits", edits.to_str().unwrap()],
            vec!["edits.toml line 5", "no PCN U99999"],
        ),
    ] {
        let mut argv = vec![
            "what-if",
            "--dataset",
            d.as_str(),
            "--no-roads",
            "--out",
            "o",
            "-q",
        ];
        argv.extend(args.iter().copied());
        let r = pcn_atlas(work.path(), &argv);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        for w in want {
            assert!(r.stderr.contains(w), "{args:?}: `{w}` not in {}", r.stderr);
        }
        assert!(!work.path().join("o/diff.csv").exists());
    }
}

/// Without footprints.csv and registrations.csv, with roads, areas go to
/// the PCN of the practice nearest by drive time: a practice move reuses
/// the baseline's drive-nearest practices, an added practice re-routes
/// them. Both equal a full `analyse` on the edited files.
#[test]
fn drive_nearest_footprints_equal_a_full_analyse_rerun() {
    let work = tempfile::tempdir().unwrap();
    let plain = work.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    for f in ["practices.csv", "areas.geojson"] {
        std::fs::copy(demo().join(f), plain.join(f)).unwrap();
    }
    let roads = s(&demo().join("roads.geojson"));
    let (lon, lat) = new_practice_lonlat();
    let practices = std::fs::read_to_string(demo().join("practices.csv")).unwrap();
    let cases: Vec<(&str, Vec<String>, String)> = vec![
        (
            "move",
            vec!["--move-practice".into(), "D80010=U00001".into()],
            Files::map_lines(&practices, |mut c| {
                if c[0] == "D80010" {
                    c[2] = "U00001".into();
                    c[3] = "DEMCHESTER CENTRAL PCN".into();
                }
                Some(c)
            }),
        ),
        (
            "add",
            vec![
                "--add-practice".into(),
                format!(
                    "code=D89001,name=NEW DALES SURGERY,pcn=U00005,list_size=12000,lon={lon},lat={lat}"
                ),
            ],
            format!("{practices}D89001,NEW DALES SURGERY,U00005,WESTMOOR PCN,12000,,{lon},{lat}\n"),
        ),
    ];
    for (name, flags, edited_practices) in cases {
        let edited = work.path().join(format!("{name}-data"));
        std::fs::create_dir_all(&edited).unwrap();
        std::fs::copy(demo().join("areas.geojson"), edited.join("areas.geojson")).unwrap();
        std::fs::write(edited.join("practices.csv"), edited_practices).unwrap();
        let wi = work.path().join(format!("{name}-whatif"));
        let full = work.path().join(format!("{name}-full"));
        let mut argv = vec![
            "what-if",
            "--dataset",
            plain.to_str().unwrap(),
            "--roads",
            roads.as_str(),
            "--out",
            wi.to_str().unwrap(),
            "-q",
        ];
        argv.extend(flags.iter().map(String::as_str));
        let r = pcn_atlas(work.path(), &argv);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let r = pcn_atlas(
            work.path(),
            &[
                "analyse",
                "--dataset",
                edited.to_str().unwrap(),
                "--roads",
                roads.as_str(),
                "--out",
                full.to_str().unwrap(),
                "-q",
            ],
        );
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        for f in [
            "pcn_summary.csv",
            "findings.csv",
            "pcns.geojson",
            "areas.geojson",
            "practices.geojson",
            "routes.geojson",
        ] {
            let a = std::fs::read_to_string(wi.join("after").join(f)).unwrap();
            let b = std::fs::read_to_string(full.join(f)).unwrap();
            assert!(a == b, "{name}: after/{f} differs from a full re-run");
        }
    }
}

/// The diff of moving D80010 (4,076 patients, practices.csv) from
/// DEMCHESTER NORTH PCN (39,954) to DEMCHESTER CENTRAL PCN (56,674), by
/// hand: U00001 60,750 with 7 practices and a new PRACTICE_OUTSIDE_FOOTPRINT
/// (D80010 stands in U00002's exclave); U00002 35,878 with 3 practices, still
/// NON_CONTIGUOUS (footprints.csv keeps its areas). Only those two rows; the
/// same bytes whatever the thread count. In diff_findings.csv the two
/// findings that stay (U00001 above the band, U00002 in two pieces) are one
/// `changed` row each with the old and new numbers.
#[test]
fn move_practice_diff_by_hand_and_identical_across_threads() {
    let work = tempfile::tempdir().unwrap();
    let d = s(&demo());
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        let o = format!("o{threads}");
        let r = pcn_atlas(
            work.path(),
            &[
                "what-if",
                "--dataset",
                &d,
                "--no-roads",
                "--move-practice",
                "D80010=U00001",
                "--threads",
                threads,
                "--out",
                &o,
                "-q",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        outs.push(work.path().join(o));
    }
    for f in [
        "diff.csv",
        "diff.geojson",
        "diff_findings.csv",
        "after/pcns.geojson",
    ] {
        assert_eq!(
            std::fs::read(outs[0].join(f)).unwrap(),
            std::fs::read(outs[1].join(f)).unwrap(),
            "{f} differs between --threads 1 and 2"
        );
    }
    let mut rdr = csv::Reader::from_path(outs[0].join("diff.csv")).unwrap();
    let head = rdr.headers().unwrap().clone();
    let col = |rec: &csv::StringRecord, name: &str| {
        rec[head.iter().position(|h| h == name).unwrap()].to_string()
    };
    let recs: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(recs.len(), 2);
    let (u1, u2) = (&recs[0], &recs[1]);
    assert_eq!(
        (col(u1, "pcn_code"), col(u1, "change")),
        ("U00001".into(), "changed".into())
    );
    assert_eq!(
        (col(u1, "list_size_before"), col(u1, "list_size_after")),
        ("56674".into(), "60750".into())
    );
    assert_eq!(
        (col(u1, "practices_before"), col(u1, "practices_after")),
        ("6".into(), "7".into())
    );
    assert_eq!(col(u1, "findings_added"), "PRACTICE_OUTSIDE_FOOTPRINT");
    assert_eq!(col(u1, "findings_removed"), "");
    assert_eq!(
        (col(u2, "list_size_before"), col(u2, "list_size_after")),
        ("39954".into(), "35878".into())
    );
    assert_eq!(col(u2, "flags_after"), "NON_CONTIGUOUS");
    // diff.geojson: a before and an after feature per row, with the row's
    // properties typed.
    let g: serde_json::Value =
        serde_json::from_slice(&std::fs::read(outs[0].join("diff.geojson")).unwrap()).unwrap();
    let feats = g["features"].as_array().unwrap();
    assert_eq!(feats.len(), 4);
    assert_eq!(feats[0]["properties"]["scenario"], "before");
    assert_eq!(feats[1]["properties"]["scenario"], "after");
    assert_eq!(feats[1]["properties"]["list_size_after"], 60750.0);
    assert_eq!(feats[1]["properties"]["contiguous_after"], true);
    assert_eq!(feats[1]["geometry"]["type"], "MultiPolygon");

    let f = csv_rows(&outs[0].join("diff_findings.csv"));
    let got: Vec<[&str; 4]> = f
        .iter()
        .map(|r| [&r["status"], &r["code"], &r["subject"], &r["practice_code"]].map(String::as_str))
        .collect();
    assert_eq!(
        got,
        vec![
            ["changed", "NON_CONTIGUOUS", "U00002", ""],
            ["changed", "POPULATION_ABOVE_BAND", "U00001", ""],
            ["added", "PRACTICE_OUTSIDE_FOOTPRINT", "U00001", "D80010"],
        ]
    );
    let above = &f[1];
    assert!(above["detail_before"].starts_with("56674 registered patients across 6"));
    assert!(above["detail_after"].starts_with("60750 registered patients across 7"));
    assert_eq!(above["severity"], "error");
    assert!(f[0]["detail_before"].ends_with("practices: D80010"));
    assert!(f[0]["detail_after"].ends_with("practices: none"));
    assert_eq!(f[2]["detail_before"], "");
}

/// The README's example, exactly as given there:
/// `what-if --dataset data/demo --edits fixtures/whatif/readme-edits.toml`
/// (the dataset's own roads). Moving D80010 with the two areas of its
/// exclave makes DEMCHESTER NORTH whole: diff_findings.csv creates no
/// NON_CONTIGUOUS or PRACTICE_OUTSIDE_FOOTPRINT, removes U00002's
/// NON_CONTIGUOUS, and every finding present before and after (U00001 above
/// the band: 56,674 → 60,750) is one `changed` row — never a removed and an
/// added row for one finding. diff.csv carries the drive-time and access
/// columns on both sides.
#[test]
fn readme_example_makes_the_network_whole_and_shows_kept_findings_as_changed() {
    let work = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = work.path().join("whatif");
    let r = pcn_atlas(
        root,
        &[
            "what-if",
            "--dataset",
            "data/demo",
            "--edits",
            "fixtures/whatif/readme-edits.toml",
            "--out",
            &s(&out),
            "-q",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let f = csv_rows(&out.join("diff_findings.csv"));
    let got: Vec<[&str; 3]> = f
        .iter()
        .map(|r| [&r["status"], &r["code"], &r["subject"]].map(String::as_str))
        .collect();
    assert_eq!(
        got,
        vec![
            ["removed", "NON_CONTIGUOUS", "U00002"],
            ["changed", "POPULATION_ABOVE_BAND", "U00001"],
        ]
    );
    assert!(f[1]["detail_before"].starts_with("56674 registered patients"));
    assert!(f[1]["detail_after"].starts_with("60750 registered patients"));
    // The property in general: a finding (scope, code, subject, practice)
    // on both sides is never listed as removed or added.
    let key = |r: &BTreeMap<String, String>| {
        ["scope", "code", "subject", "practice_code"].map(|k| r[k].clone())
    };
    let findings = |side: &str| -> std::collections::BTreeSet<[String; 4]> {
        csv_rows(&out.join(side).join("findings.csv"))
            .iter()
            .map(key)
            .collect()
    };
    let (before, after) = (findings("before"), findings("after"));
    for r in &f {
        let both = before.contains(&key(r)) && after.contains(&key(r));
        assert_eq!(r["status"] == "changed", both, "{r:?}");
    }
    // The dataset's roads were used: drive times and accessibility on both
    // sides.
    let d = csv_rows(&out.join("diff.csv"));
    assert_eq!(d.len(), 2);
    for row in &d {
        for col in ["staff_tour_min", "access_2sfca_mean", "access_gravity_p10"] {
            for side in ["before", "after"] {
                assert!(!row[&format!("{col}_{side}")].is_empty(), "{col}_{side}");
            }
        }
    }
    assert_eq!(d[1]["contiguous_before"], "false");
    assert_eq!(d[1]["contiguous_after"], "true");
    assert!(out.join("after/routes.geojson").is_file());
}

/// One rule for roads, as `analyse`: the dataset's own road file by default
/// (drive times and routes), `--no-roads` skips it, `--roads FILE`
/// overrides it, and the old `--dataset-roads` is accepted and changes
/// nothing. A dataset folder without a road file gives check metrics only.
#[test]
fn roads_come_from_the_dataset_unless_no_roads() {
    let work = tempfile::tempdir().unwrap();
    let d = s(&demo());
    let roads = s(&demo().join("roads.geojson"));
    let run = |out: &str, extra: &[&str]| -> PathBuf {
        let o = work.path().join(out);
        let mut argv = vec!["what-if", "--dataset", d.as_str(), "--out", out, "-q"];
        argv.extend_from_slice(extra);
        argv.extend(["--move-practice", "D80010=U00001"]);
        let r = pcn_atlas(work.path(), &argv);
        assert_eq!(r.code, 0, "{extra:?}: {}", r.stderr);
        o
    };
    let default = run("default", &[]);
    let given = run("given", &["--roads", &roads]);
    let alias = run("alias", &["--dataset-roads"]);
    let none = run("none", &["--no-roads"]);
    let read = |o: &Path, f: &str| std::fs::read(o.join(f)).unwrap();
    for f in ["diff.csv", "diff_findings.csv", "after/pcn_summary.csv"] {
        assert!(
            read(&default, f) == read(&given, f),
            "{f}: default vs --roads"
        );
        assert!(
            read(&default, f) == read(&alias, f),
            "{f}: default vs alias"
        );
    }
    assert!(default.join("after/routes.geojson").is_file());
    assert!(!none.join("after/routes.geojson").exists());
    let tour = |o: &Path| csv_rows(&o.join("diff.csv"))[0]["staff_tour_min_after"].clone();
    assert!(!tour(&default).is_empty());
    assert_eq!(tour(&none), "");
    // --no-roads and --roads together are refused.
    let r = pcn_atlas(
        work.path(),
        &[
            "what-if",
            "--dataset",
            &d,
            "--no-roads",
            "--roads",
            &roads,
            "--out",
            "x",
            "-q",
            "--move-practice",
            "D80010=U00001",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    // A folder without a road file: check metrics only, said on stderr.
    let plain = work.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    for f in [
        "practices.csv",
        "areas.geojson",
        "registrations.csv",
        "footprints.csv",
    ] {
        std::fs::copy(demo().join(f), plain.join(f)).unwrap();
    }
    let r = pcn_atlas(
        work.path(),
        &[
            "what-if",
            "--dataset",
            "plain",
            "--out",
            "p",
            "--move-practice",
            "D80010=U00001",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("no road file in"), "{}", r.stderr);
    assert!(
        read(&none, "diff.csv") == read(&work.path().join("p"), "diff.csv"),
        "a folder without roads equals --no-roads"
    );
}

/// `--no-access` leaves the `access_*` columns empty (drive times stay);
/// a bad accessibility flag and `--access-export` are one-line errors
/// (exit 2) before anything is written.
#[test]
fn no_access_and_bad_access_flags() {
    let work = tempfile::tempdir().unwrap();
    let d = s(&demo());
    let base = ["what-if", "--dataset", d.as_str(), "-q"];
    let edit = ["--move-practice", "D80010=U00001"];
    let r = pcn_atlas(
        work.path(),
        &[&base[..], &edit, &["--no-access", "--out", "n"]].concat(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let diff = csv_rows(&work.path().join("n/diff.csv"));
    assert_eq!(diff[0]["access_e2sfca_mean_after"], "");
    assert_eq!(diff[0]["staff_tour_min_after"], "36.03");
    for (flags, want) in [
        (vec!["--access-decay", "bogus"], "--access-decay \"bogus\""),
        (
            vec!["--access-export"],
            "--access-export is not supported by what-if",
        ),
    ] {
        let argv = [&base[..], &edit, &flags, &["--out", "x"]].concat();
        let r = pcn_atlas(work.path(), &argv);
        assert_eq!(r.code, 2, "{flags:?}: {}", r.stderr);
        assert!(r.stderr.contains(want), "{flags:?}: {}", r.stderr);
        assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
        assert!(!work.path().join("x").exists());
    }
}
