//! Export random stop-to-stop queries and RAPTOR's earliest arrivals for
//! `scripts/pt_reference.py`, an independent connection scan in Python that
//! parses the same GTFS feed itself (issue 19, "Checks").
//!
//! Run:
//!   cargo run --release --example pt_pairs -- FEED[,FEED…] OUT_FOLDER [PAIRS] [DATE]
//!   python3 scripts/pt_reference.py FEED OUT_FOLDER
//!
//! Loads the feed(s) with `transit::gtfs::load_feeds` for DATE (default:
//! the loader's default day), makes straight-line transfers (stops within
//! 300 m, `ceil(metres × 1.3 / (4.8 / 3.6))` seconds), draws PAIRS (default
//! 1,000) seeded random (from stop, to stop, departure 06:00–20:00) and
//! writes into OUT_FOLDER:
//! - `date.txt`       the service day;
//! - `transfers.csv`  from_stop_id, to_stop_id, secs;
//! - `pairs.csv`      from_stop_id, to_stop_id, depart, arrival (RAPTOR's
//!   earliest arrival in seconds with up to 64 rides, empty for none);
//! - `summary.txt`    counts and timings: load, layout, one-to-all queries
//!   and single-destination journeys per second (one thread).

use anyhow::{Context, Result};
use pcn_atlas::transit::gtfs::load_feeds;
use pcn_atlas::transit::raptor::{MAX_RIDES, Raptor, check};
use pcn_atlas::transit::{Timetable, UNREACHED};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn create(dir: &Path, name: &str) -> Result<BufWriter<File>> {
    let p = dir.join(name);
    Ok(BufWriter::new(File::create(&p).with_context(|| {
        format!("{}: cannot create", p.display())
    })?))
}

fn write_transfers(dir: &Path, tt: &Timetable, transfers: &[Vec<(u32, u32)>]) -> Result<usize> {
    let mut f = create(dir, "transfers.csv")?;
    writeln!(f, "from_stop_id,to_stop_id,secs")?;
    let mut n = 0;
    for (a, row) in transfers.iter().enumerate() {
        for &(b, secs) in row {
            writeln!(f, "{},{},{secs}", tt.stops[a].id, tt.stops[b as usize].id)?;
            n += 1;
        }
    }
    f.flush()?;
    Ok(n)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(feeds), Some(out)) = (args.first(), args.get(1)) else {
        anyhow::bail!("usage: pt_pairs FEED[,FEED…] OUT_FOLDER [PAIRS] [DATE]");
    };
    let n: usize = match args.get(2) {
        Some(a) => a
            .parse()
            .with_context(|| format!("PAIRS {a:?} is not a count"))?,
        None => 1000,
    };
    let out = PathBuf::from(out);
    std::fs::create_dir_all(&out).with_context(|| format!("{}", out.display()))?;
    let paths: Vec<PathBuf> = feeds.split(',').map(PathBuf::from).collect();

    let t = Instant::now();
    let (tt, report) = load_feeds(&paths, args.get(3).map(String::as_str))?;
    let load_s = t.elapsed().as_secs_f64();
    let transfers = check::straight_line_transfers(&tt, check::TRANSFER_M);
    let t = Instant::now();
    let raptor = Raptor::new(&tt, &transfers);
    let layout_s = t.elapsed().as_secs_f64();
    let n_transfers = write_transfers(&out, &tt, &transfers)?;
    std::fs::write(out.join("date.txt"), format!("{}\n", report.date))?;

    let pairs = check::random_pairs(
        &tt,
        n,
        check::PAIRS_SEED,
        check::PAIRS_FROM,
        check::PAIRS_TO,
    );
    let mut ws = raptor.workspace();
    let mut f = create(&out, "pairs.csv")?;
    writeln!(f, "from_stop_id,to_stop_id,depart,arrival")?;
    let mut reachable = 0;
    for p in &pairs {
        let a =
            raptor.arrivals(&[(p.from, 0)], p.depart, check::CHECK_RIDES, &mut ws)[p.to as usize];
        let (from, to) = (&tt.stops[p.from as usize].id, &tt.stops[p.to as usize].id);
        if a == UNREACHED {
            writeln!(f, "{from},{to},{},", p.depart)?;
        } else {
            reachable += 1;
            writeln!(f, "{from},{to},{},{a}", p.depart)?;
        }
    }
    f.flush()?;

    // Speed, one thread: one-to-all queries, then journeys to one stop
    // (target pruning), both with the default ride limit.
    let t = Instant::now();
    for p in &pairs {
        std::hint::black_box(raptor.arrivals(&[(p.from, 0)], p.depart, MAX_RIDES, &mut ws));
    }
    let all_qps = pairs.len() as f64 / t.elapsed().as_secs_f64();
    let t = Instant::now();
    for p in &pairs {
        let egress = [(p.to, 0)];
        std::hint::black_box(raptor.journey(
            &[(p.from, 0)],
            p.depart,
            &egress,
            None,
            MAX_RIDES,
            &mut ws,
        ));
    }
    let journey_qps = pairs.len() as f64 / t.elapsed().as_secs_f64();

    let summary = format!(
        "feeds {feeds}\ndate {} ({}, {})\nstops {} trips {} calls {}\npatterns {}\n\
         transfers {n_transfers} (within {} m)\npairs {} reachable {reachable}\n\
         load_s {load_s:.3}\nlayout_s {layout_s:.4}\n\
         one_to_all_queries_per_s {all_qps:.0}\njourneys_per_s {journey_qps:.0}\n",
        report.date,
        report.weekday,
        report.date_source,
        tt.stops.len(),
        tt.trips.len(),
        tt.trips.iter().map(|t| t.calls.len()).sum::<usize>(),
        raptor.pattern_count(),
        check::TRANSFER_M,
        pairs.len(),
    );
    std::fs::write(out.join("summary.txt"), &summary)?;
    print!("{summary}");
    Ok(())
}
