//! What public-transport journeys cost on a county-size feed (issue 19):
//! the Chester BODS feed (1,320 stops, 804 trips; its default day has 1,292
//! stops and 806 trips), N origins spread over its stops like area
//! centroids and 40 destinations like practices, every origin needing every
//! destination, departures 08:00–10:00 every 10 min, timed stage by stage
//! the way `analyse` runs them.
//!
//! ```text
//! cargo build --release --example pt_bench
//! PCN_ATLAS_DATA=/work/shared/data target/release/examples/pt_bench [N ...]
//! ```
//! N defaults to 250 500 1000 2000 4000. Chester has no OSM file, so the
//! walking network is the straight-line stand-in
//! ([`WalkNetwork::straight_line`]). Origins are random stops jittered up to
//! ±800 m on each axis, destinations random stops jittered ±300 m, all
//! seeded: the N origins of a row are the first N of the next. Each row is
//! timed from a fresh start: walk links, the RAPTOR layout, then the journeys
//! in parallel (rayon `map_init` with one workspace a thread and
//! `origin_times`, as `src/analyse/transit/run.rs` does), with wall and CPU
//! time and the peak resident memory of the row (`VmHWM`, reset first). The
//! checksum (sum of the median journeys found) is the same whatever the
//! thread count. A search is one RAPTOR query (an origin at one
//! departure); a journey is one origin, destination and departure.

use anyhow::{Context, Result, bail};
use pcn_atlas::analyse::transit::{PtOptions, WindowTimes, origin_times};
use pcn_atlas::rng::SplitMix64;
use pcn_atlas::transit::gtfs::load_feeds;
use pcn_atlas::transit::raptor::Raptor;
use pcn_atlas::transit::walk::{WalkNetwork, WalkOptions, walk_links};
use rayon::prelude::*;
use std::path::PathBuf;
use std::time::Instant;

/// Destinations (practices and hubs) every origin needs.
const DESTINATIONS: usize = 40;
const SEED: u64 = 19;
const ORIGIN_JITTER_M: f64 = 800.0;
const DEST_JITTER_M: f64 = 300.0;
const DEFAULT_N: [usize; 5] = [250, 500, 1000, 2000, 4000];

fn main() -> Result<()> {
    let ns = sizes()?;
    let data = std::env::var_os("PCN_ATLAS_DATA")
        .context("set PCN_ATLAS_DATA to the shared data folder")?;
    let feed = PathBuf::from(data).join("chester/chester-20230816-small_gtfs.zip");
    println!("machine: {}", machine());
    println!("load average at start: {}", loadavg());
    println!("threads: {}", rayon::current_num_threads());

    let (w0, c0) = (Instant::now(), cpu_seconds());
    let (tt, report) = load_feeds(std::slice::from_ref(&feed), None)?;
    println!(
        "load: {} stops, {} trips, {} calls on {} ({}): {:.3} s (cpu {:.3} s, peak {} MB)",
        tt.stops.len(),
        tt.trips.len(),
        report.calls,
        report.date,
        report.weekday,
        w0.elapsed().as_secs_f64(),
        cpu_seconds() - c0,
        peak_kb() / 1024
    );
    let stops: Vec<[f64; 2]> = tt.stops.iter().map(|s| s.bng).collect();
    let opts = WalkOptions::default();
    let walk = WalkNetwork::straight_line(&opts);
    let pt = PtOptions::default();
    let departures = pt.departures();
    let max_n = ns.iter().copied().max().unwrap_or(0);
    let all_origins = jittered(&stops, max_n, ORIGIN_JITTER_M, "pt_bench origins");
    let dests = jittered(&stops, DESTINATIONS, DEST_JITTER_M, "pt_bench destinations");
    let needs: Vec<u32> = (0..DESTINATIONS as u32).collect();
    println!(
        "walking: straight line (no OSM file for Chester), detour {}, {} km/h; \
         {} destinations, {} departures, max {} rides\n",
        opts.detour,
        opts.speed_kph,
        DESTINATIONS,
        departures.len(),
        pt.max_rides
    );
    println!(
        "| N | walk_links s | Raptor::new s | journeys wall s | journeys CPU s | peak MB \
         | searches | journeys/s | µs/search (CPU) | ms/origin (wall) | reached | checksum |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut fit = Vec::new();
    for &n in &ns {
        reset_peak();
        let origins = &all_origins[..n];
        let t = Instant::now();
        let links = walk_links(&walk, &stops, origins, &dests, &opts);
        let walk_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let raptor = Raptor::new(&tt, &links.transfers);
        let raptor_s = t.elapsed().as_secs_f64();
        let (t, c) = (Instant::now(), cpu_seconds());
        let times: Vec<Vec<WindowTimes>> = (0..n)
            .into_par_iter()
            .map_init(
                || raptor.workspace(),
                |ws, o| origin_times(&raptor, &links, o, &needs, &departures, pt.max_rides, ws),
            )
            .collect();
        let (wall, cpu) = (t.elapsed().as_secs_f64(), cpu_seconds() - c);
        let searches = (n * departures.len()) as f64;
        let journeys = searches * DESTINATIONS as f64;
        let found = times.iter().flatten().filter_map(|w| w.median_s);
        let reached = times.iter().flatten().filter(|w| w.median_s.is_some());
        println!(
            "| {n} | {walk_s:.3} | {raptor_s:.3} | {wall:.3} | {cpu:.3} | {} | {searches} \
             | {:.0} | {:.1} | {:.2} | {} | {} |",
            peak_kb() / 1024,
            journeys / wall,
            cpu / searches * 1e6,
            wall / n as f64 * 1e3,
            reached.count(),
            found.map(u64::from).sum::<u64>()
        );
        fit.push((n as f64, wall, cpu));
    }
    println!();
    print_fit("wall", &fit.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>());
    print_fit("CPU", &fit.iter().map(|r| (r.0, r.2)).collect::<Vec<_>>());
    Ok(())
}

/// The N list from the command line, or [`DEFAULT_N`].
fn sizes() -> Result<Vec<usize>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        return Ok(DEFAULT_N.to_vec());
    }
    args.iter()
        .map(|a| match a.parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => bail!("{a:?}: not a positive number of origins (usage: pt_bench [N ...])"),
        })
        .collect()
}

/// `n` points: random stops of `stops` moved up to `jitter` metres on each
/// axis, from the seeded stream `label`.
fn jittered(stops: &[[f64; 2]], n: usize, jitter: f64, label: &str) -> Vec<[f64; 2]> {
    let mut rng = SplitMix64::stream(SEED, label);
    (0..n)
        .map(|_| {
            let s = stops[rng.below(stops.len())];
            [
                s[0] + rng.range(-jitter, jitter),
                s[1] + rng.range(-jitter, jitter),
            ]
        })
        .collect()
}

/// Least squares of the journeys' time (`what`: wall or CPU) on N:
/// `t = a + b N`.
fn print_fit(what: &str, rows: &[(f64, f64)]) {
    if rows.len() < 2 {
        return;
    }
    let k = rows.len() as f64;
    let mx = rows.iter().map(|r| r.0).sum::<f64>() / k;
    let my = rows.iter().map(|r| r.1).sum::<f64>() / k;
    let sxy: f64 = rows.iter().map(|r| (r.0 - mx) * (r.1 - my)).sum();
    let sxx: f64 = rows.iter().map(|r| (r.0 - mx) * (r.0 - mx)).sum();
    let b = sxy / sxx;
    let a = my - b * mx;
    let syy: f64 = rows.iter().map(|r| (r.1 - my) * (r.1 - my)).sum();
    let r2 = if syy > 0.0 {
        sxy * sxy / (sxx * syy)
    } else {
        1.0
    };
    println!(
        "journeys {what} s = {a:.4} + {:.4} ms × N (R² = {r2:.4})",
        b * 1e3
    );
}

/// CPU seconds of the whole process so far, every thread
/// (`CLOCK_PROCESS_CPUTIME_ID`: user and system, nanosecond resolution).
fn cpu_seconds() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec it is given.
    if unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) } != 0 {
        return 0.0;
    }
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

/// Reset the resident high-water mark (Linux; ignored elsewhere).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The resident high-water mark in kB (`VmHWM`), 0 where unknown.
fn peak_kb() -> u64 {
    proc_field("/proc/self/status", "VmHWM:")
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// The CPU model, for the output.
fn machine() -> String {
    proc_field("/proc/cpuinfo", "model name").map_or_else(
        || "unknown".into(),
        |m| m.trim_start_matches([' ', '\t', ':']).to_string(),
    )
}

/// The 1, 5 and 15 minute load averages.
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// The rest of the first line of `path` starting with `key`.
fn proc_field(path: &str, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    Some(line[key.len()..].trim().to_string())
}
