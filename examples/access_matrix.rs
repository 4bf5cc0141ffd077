//! Accessibility (2SFCA, E2SFCA, gravity) on a cost matrix given as CSV, the
//! layout `pcn-atlas analyse --access-export` writes, timed: the Rust side
//! of `scripts/access_pysal.py`.
//!
//! ```text
//! cargo build --release --example access_matrix
//! target/release/examples/access_matrix MATRIX.csv DEMAND.csv SUPPLY.csv OUT.csv \
//!     [CATCHMENT_MIN [DECAY [BETA [FLOOR_MIN]]]]
//! ```
//! Defaults are `analyse`'s: 30 min, `step` (Luo & Qi), β = 1, floor 1 min.
//! Writes `area_code, access_2sfca, access_e2sfca, access_gravity` (per
//! 1,000 residents, full precision) and prints the load and compute times.

use anyhow::{Context, Result};
use pcn_atlas::analyse::access::{AccessOptions, Decay, scores, table, validate};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: access_matrix MATRIX.csv DEMAND.csv SUPPLY.csv OUT.csv [CATCHMENT_MIN [DECAY [BETA [FLOOR_MIN]]]]";
    if args.len() < 4 {
        anyhow::bail!(usage);
    }
    let num = |k: usize, default: f64| -> Result<f64> {
        args.get(k).map_or(Ok(default), |v| {
            v.parse::<f64>()
                .with_context(|| format!("{v:?}: not a number ({usage})"))
        })
    };
    let d0 = num(4, 30.0)?;
    let mut o = AccessOptions {
        catchment_min: d0,
        decay: Decay::luo_qi(d0),
        gravity_beta: num(6, 1.0)?,
        gravity_floor_min: num(7, 1.0)?,
    };
    validate(&o)?;
    if let Some(spec) = args.get(5) {
        o.decay = Decay::parse(spec, d0)?;
    }
    let t0 = Instant::now();
    let m = table::load(
        &PathBuf::from(&args[0]),
        &PathBuf::from(&args[1]),
        &PathBuf::from(&args[2]),
    )?;
    let load_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let r = scores(&m.matrix, &m.demand, &m.supply, &o);
    let compute_s = t1.elapsed().as_secs_f64();
    let mut w = csv::Writer::from_path(&args[3]).with_context(|| args[3].clone())?;
    w.write_record([
        "area_code",
        "access_2sfca",
        "access_e2sfca",
        "access_gravity",
    ])?;
    for (i, code) in m.area_codes.iter().enumerate() {
        w.write_record([
            code.clone(),
            r.two_sfca[i].to_string(),
            r.e2sfca[i].to_string(),
            r.gravity[i].to_string(),
        ])?;
    }
    w.flush()?;
    println!(
        "areas {} practices {} pairs {}; load {load_s:.3} s; compute (3 methods) {compute_s:.4} s",
        m.area_codes.len(),
        m.practice_codes.len(),
        m.matrix.pairs()
    );
    Ok(())
}
