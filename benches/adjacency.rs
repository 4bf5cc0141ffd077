//! All-England adjacency benchmark (32,844 LSOAs): times `build_adjacency`
//! for queen and rook at the default 1 m tolerance (and at 0 m), timed by
//! hand (a single run takes long enough; criterion's sampling adds nothing).
//!
//!     PCN_ATLAS_DATA=/path/to/shared/data cargo bench --bench adjacency
//!     RAYON_NUM_THREADS=1 PCN_ATLAS_DATA=... cargo bench --bench adjacency
//!
//! Peak memory: run the built binary under `/usr/bin/time -v`. Compare with
//! `python3 scripts/adjacency_libpysal.py --all` (libpysal's
//! `Queen.from_dataframe` on the same file). Figures: docs/performance-adjacency.md.
//! Like the a-b-street benches it also asserts what it can: every run gives
//! the same result, and at 0 m tolerance there are at least libpysal's pairs
//! (every shared vertex is a contact; ours adds touches without a shared
//! vertex, see docs/performance-adjacency.md). `ADJACENCY_BENCH_DUMP=DIR`
//! writes each pair list to DIR for a line-by-line comparison.

#[path = "../tests/support/lsoa.rs"]
mod lsoa_geojson;

use std::time::Instant;

use geo::MultiPolygon;
use pcn_atlas::check::adjacency::{AdjacencyOptions, Contiguity, build_adjacency};

/// libpysal 4.14.1 on the same file (scripts/adjacency_libpysal.py --all --rook).
const LIBPYSAL_QUEEN_PAIRS: usize = 96_206;
const LIBPYSAL_ROOK_PAIRS: usize = 94_741;

fn main() {
    // `cargo test --all-targets` runs bench targets without `--bench`: do
    // nothing then (this is a benchmark, not a test).
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("adjacency bench: run with `cargo bench --bench adjacency`");
        return;
    }
    let Some(data) = lsoa_geojson::data_dir("adjacency bench") else {
        return;
    };
    let t0 = Instant::now();
    let areas = match lsoa_geojson::read_lsoas(&lsoa_geojson::england_boundaries(&data), |_| true) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("adjacency bench: {e:#}");
            std::process::exit(2);
        }
    };
    let codes: Vec<String> = areas.iter().map(|a| a.code.clone()).collect();
    let geoms: Vec<MultiPolygon<f64>> = areas.into_iter().map(|a| a.geometry).collect();
    let vertices: usize = geoms
        .iter()
        .flat_map(|m| m.iter())
        .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
        .sum();
    println!(
        "read {} areas, {} vertices (test-only GeoJSON reader, WGS84 -> BNG) in {:.2} s; threads {}",
        geoms.len(),
        vertices,
        t0.elapsed().as_secs_f64(),
        rayon::current_num_threads()
    );

    let runs = 5;
    for (rule, tolerance_m) in [
        (Contiguity::Queen, 1.0),
        (Contiguity::Rook, 1.0),
        (Contiguity::Queen, 0.0),
        (Contiguity::Rook, 0.0),
    ] {
        let opts = AdjacencyOptions { rule, tolerance_m };
        let mut times_s = Vec::new();
        let mut result = None;
        for _ in 0..runs {
            let t = Instant::now();
            let adj = build_adjacency(&geoms, &opts);
            times_s.push(t.elapsed().as_secs_f64());
            if let Some(prev) = &result {
                assert_eq!(prev, &adj, "results differ between runs");
            }
            result = Some(adj);
        }
        times_s.sort_by(f64::total_cmp);
        let Some(adj) = result else { return };
        let pairs = adj.pairs().len();
        println!(
            "{rule:?} {tolerance_m} m: min {:.3} s, median {:.3} s over {runs} runs; {pairs} pairs, {} islands",
            times_s[0],
            times_s[runs / 2],
            adj.islands().len()
        );
        if let Some(dir) = std::env::var_os("ADJACENCY_BENCH_DUMP") {
            let path = std::path::Path::new(&dir).join(format!("ours_{rule:?}_{tolerance_m}.csv"));
            let mut rows: Vec<String> = adj
                .pairs()
                .iter()
                .map(|(a, b)| {
                    let (x, y) = (&codes[a.idx()], &codes[b.idx()]);
                    if x < y {
                        format!("{x},{y}\n")
                    } else {
                        format!("{y},{x}\n")
                    }
                })
                .collect();
            rows.sort();
            if let Err(e) = std::fs::write(&path, rows.concat()) {
                eprintln!("adjacency bench: writing {}: {e}", path.display());
            }
        }
        if tolerance_m == 0.0 {
            let want = match rule {
                Contiguity::Queen => LIBPYSAL_QUEEN_PAIRS,
                Contiguity::Rook => LIBPYSAL_ROOK_PAIRS,
            };
            println!("  libpysal (exact vertex matching): {want} pairs");
            assert!(pairs >= want, "{rule:?} at 0 m: fewer pairs than libpysal");
        }
    }
}
