//! Benchmark: the whole `analyse` pipeline at England scale. Loads the real
//! national dataset (made by `pcn-atlas import`) and, because there is no
//! England road file, generates the synthetic road network
//! (`routing::synthetic`, a 360 km square, ≥ 2 M nodes) and stretches it by
//! an affine map onto the dataset's BNG bounding box. The stretch lengthens
//! every road, and so every drive time, by the stretch factor (printed).
//! Then it runs exactly what `pcn-atlas analyse` runs
//! (`pipeline::run_analyse`), printing each stage's wall and CPU
//! time, and the counts a reader can check for sanity.
//!
//! ```text
//! cargo build --release --bin pcn-atlas --features synthetic --example analyse_england
//! target/release/pcn-atlas import --from /work/shared/data/england --out /tmp/nb-england
//! /usr/bin/time -v target/release/examples/analyse_england /tmp/nb-england /tmp/nb-out [MAX_SNAP_M] [--access-export] [--cache DIR]
//! ```
//! MAX_SNAP_M defaults to the car profile's (1000 m). `--access-export`
//! also writes the accessibility matrix (as `analyse --access-export`), for
//! timing PySAL `access` on it (`scripts/access_pysal.py --case`).
//! `--cache DIR` keeps the prepared roads in DIR (as `analyse --cache`):
//! run twice to time a run that reads them.

use anyhow::{Context, Result};
use geo::BoundingRect;
use pcn_atlas::analyse::access::AccessOptions;
use pcn_atlas::analyse::network::DriveOptions;
use pcn_atlas::check::run::CheckOptions;
use pcn_atlas::load::dataset::{DatasetPaths, load_dataset};
use pcn_atlas::output::check::RunInfo;
use pcn_atlas::pipeline::{AnalyseOptions, Stages, run_analyse};
use pcn_atlas::roads::profile::CarProfile;
use pcn_atlas::routing::synthetic::{SyntheticOptions, generate};
use pcn_atlas::routing::{RoadCache, SnapOptions};
use std::path::PathBuf;
use std::time::Instant;

/// CPU seconds (user + system, all threads) of this process so far.
fn cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): state is
    // field 3, utime and stime are fields 14 and 15, in clock ticks (100 Hz).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / 100.0
}

/// A memory figure of this process from `/proc/self/status`, MB.
fn status_mb(key: &str) -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Peak resident set so far, MB.
fn peak_mb() -> f64 {
    status_mb("VmHWM:")
}

/// Resident set now, MB.
fn rss_mb() -> f64 {
    status_mb("VmRSS:")
}

struct Timed;

impl Timed {
    fn run<T>(name: &str, f: impl FnOnce() -> T) -> T {
        let (t, c) = (Instant::now(), cpu_s());
        let out = f();
        eprintln!(
            "{name:>15}: wall {:7.2} s  cpu {:7.2} s  peak RSS {:6.0} MB  RSS after {:6.0} MB",
            t.elapsed().as_secs_f64(),
            cpu_s() - c,
            peak_mb(),
            rss_mb()
        );
        out
    }
}

impl Stages for Timed {
    fn stage<T>(&self, name: &str, f: impl FnOnce() -> T) -> T {
        Timed::run(name, f)
    }

    fn notice(&self, message: &str) {
        eprintln!("{message}");
    }
}

fn main() -> Result<()> {
    let usage =
        "usage: analyse_england DATASET_DIR OUT_DIR [MAX_SNAP_M] [--access-export] [--cache DIR]";
    let mut export = false;
    let mut cache_dir: Option<PathBuf> = None;
    let mut positional = Vec::new();
    let mut all = std::env::args_os().skip(1);
    while let Some(a) = all.next() {
        match a.to_str() {
            Some("--access-export") => export = true,
            Some("--cache") => cache_dir = Some(PathBuf::from(all.next().context(usage)?)),
            _ => positional.push(a),
        }
    }
    let mut args = positional.into_iter();
    let dir = PathBuf::from(args.next().context(usage)?);
    let out = PathBuf::from(args.next().context(usage)?);
    let profile = CarProfile::default();
    let max_snap_m = match args.next() {
        Some(m) => m
            .to_string_lossy()
            .parse::<f64>()
            .with_context(|| format!("MAX_SNAP_M {m:?}: not a number"))?,
        None => profile.max_snap_m,
    };
    let t0 = Instant::now();
    let ds = Timed::run("load", || load_dataset(&DatasetPaths::dir(&dir)))?;
    let (mut minx, mut miny, mut maxx, mut maxy) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for a in &ds.areas {
        if let Some(r) = a.geometry.bounding_rect() {
            minx = minx.min(r.min().x);
            miny = miny.min(r.min().y);
            maxx = maxx.max(r.max().x);
            maxy = maxy.max(r.max().y);
        }
    }
    let synth = SyntheticOptions::default();
    let side_m = synth.side_km as f64 * 1000.0;
    let (sx, sy) = ((maxx - minx) / side_m, (maxy - miny) / side_m);
    let net = Timed::run("roads", || {
        let mut net = generate(&synth);
        for p in &mut net.nodes {
            *p = [minx + p[0] * sx, miny + p[1] * sy];
        }
        net
    });
    println!(
        "dataset: {} areas, {} practices, {} PCNs; bbox ({minx:.0}, {miny:.0})-({maxx:.0}, {maxy:.0})",
        ds.areas.len(),
        ds.practices.len(),
        ds.pcns.len()
    );
    println!(
        "synthetic roads: {} nodes, {} ways; stretch x {sx:.3}, y {sy:.3} (every road and time is longer by about this factor)",
        net.nodes.len(),
        net.ways.len()
    );
    // The generated roads have no file: the cache key names the generator
    // and the stretch instead (and fingerprints the network itself).
    let roads_id = format!("synthetic {synth:?} stretch {sx} {sy}");
    let cache = cache_dir.map(|dir| {
        let id = pcn_atlas::load::text::sha256_hex(roads_id.as_bytes());
        RoadCache::new(
            &dir,
            &id,
            &serde_json::to_value(&profile).unwrap_or_default(),
            &net,
        )
    });
    // The command's defaults (the same values as `pcn-atlas analyse`'s flags).
    let d = DriveOptions::default();
    let opts = AnalyseOptions {
        check: CheckOptions::default(),
        drive: d,
        snap: SnapOptions {
            off_road_kph: profile.off_road_kph,
            max_snap_m,
        },
        slow_factor: 0.8,
        routes: true,
        candidates: None,
        hubs: None,
        profile: serde_json::to_value(&profile)?,
        roads_report: serde_json::json!({"synthetic": format!("{synth:?}"), "stretch": [sx, sy]}),
        roads_name: "synthetic".into(),
        cache,
        access: Some(AccessOptions::default()),
        supply: None,
        access_export: export,
        places: Vec::new(),
        transit: None,
    };
    let info = RunInfo::now();
    let s = run_analyse(ds, &net, &opts, &out, &info, &Timed)?;
    eprintln!(
        "{:>15}: wall {:7.2} s  cpu {:7.2} s  peak RSS {:6.0} MB",
        "total",
        t0.elapsed().as_secs_f64(),
        cpu_s(),
        peak_mb()
    );
    println!(
        "graph nodes {}; PCNs {} with a hub {}; snapping {:?}",
        s.graph_nodes, s.pcns, s.pcns_with_hub, s.snapping
    );
    println!(
        "findings: check {}, drive {}; by code {:?}",
        s.check_findings, s.drive_findings, s.findings_by_code
    );
    if let Some(w) = s.dissolve_warning {
        println!("{w}");
    }
    Ok(())
}
