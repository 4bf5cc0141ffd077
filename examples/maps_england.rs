//! Benchmark: the maps of a national `check` — gathering, shared-boundary
//! simplification, `map.html`, `map.svg` and `map.png` — timed stage by
//! stage, with sizes and vertex counts.
//!
//! ```text
//! cargo run --release -- import --from ../shared/data/england --out /tmp/england
//! cargo build --release --example maps_england
//! /usr/bin/time -v target/release/examples/maps_england /tmp/england
//! ```

use anyhow::Context;
use pcn_atlas::check::run::CheckOptions;
use pcn_atlas::load::dataset::{DatasetPaths, load_dataset};
use pcn_atlas::output::map;
use pcn_atlas::pipeline;
use std::path::PathBuf;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .context("usage: maps_england DATASET_DIR (made by `pcn-atlas import`)")?;
    let ds = load_dataset(&DatasetPaths {
        dir: Some(dir),
        ..Default::default()
    })?;
    let opts = CheckOptions::default();
    let run = pipeline::run(
        ds,
        &pipeline::Plan::check(&opts),
        &mut pipeline::Fresh,
        &pipeline::Silent,
    )?;

    let t = Instant::now();
    let input = map::build::from_run(&run, &run.check.findings, "England");
    let t_build = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let prep = map::svg::prepare(&input);
    let t_prep = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let html = map::html::html(&input, &prep, (30_000, 50_000));
    let t_html = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let svg = map::svg::static_svg(&input, &prep);
    let t_svg = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let png = map::png::render_png(&svg, 2.0)?;
    let t_png = t.elapsed().as_secs_f64();
    let s = &prep.simplified;
    println!(
        "{} networks, {} points; tolerance {:.1} m; {} arcs; vertices {} -> {} ({:.1}%)",
        input.pcns.len(),
        input.points.len(),
        prep.tolerance,
        s.arcs,
        s.vertices_in,
        s.vertices_out,
        100.0 * s.vertices_out as f64 / s.vertices_in.max(1) as f64
    );
    println!("gather      {t_build:.3} s");
    println!("simplify    {t_prep:.3} s");
    println!(
        "map.html    {t_html:.3} s  {:.2} MB",
        html.len() as f64 / 1e6
    );
    println!("map.svg     {t_svg:.3} s  {:.2} MB", svg.len() as f64 / 1e6);
    println!("map.png     {t_png:.3} s  {:.2} MB", png.len() as f64 / 1e6);
    Ok(())
}
