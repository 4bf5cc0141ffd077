//! Export the Rutland routing graph, 1,000 snapped random points and our
//! times for 1,000 random pairs of them, for `scripts/route_networkx.py`
//! (issue 4, "How it is checked": our times equal networkx's on the same
//! exported graph).
//!
//! Run:
//!   cargo run --release --example rutland_pairs -- ../shared/data target/rutland_pairs
//!   python3 scripts/route_networkx.py target/rutland_pairs
//!   # the same from the Geofabrik shapefile layer
//!   cargo run --release --example rutland_pairs -- ../shared/data target/rutland_pairs_shp shp
//!
//! Writes into the output folder:
//! - `edges.npy`   (edges, 3) uint32: tail, head, weight in ms (`routing::export`);
//! - `anchors.npy` (anchors, 4) uint32: snap index, edge, from_tail_ms, to_head_ms;
//! - `snaps.csv`   snap index, off_road_s, snap_m, easting, northing;
//! - `pairs.npy`   (pairs, 3) uint64: source snap, target snap, our network ms
//!   (contraction-hierarchy matrix; u64::MAX when unreachable);
//! - `summary.txt` counts and timings.
//!
//! Points: uniform in the bounding box of the graph's nodes (seed 4),
//! snapped with the default profile (max 1,000 m), drawn until 1,000 have
//! snapped (the rest are counted); pairs: 1,000 random pairs of the snapped
//! points (seed 44).

#[path = "../tests/support/route_rutland.rs"]
mod route_rutland;

use anyhow::{Context, Result};
use pcn_atlas::routing::{Hierarchy, Router, UNREACHED_MS, export};
use route_rutland::*;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

fn create(dir: &std::path::Path, name: &str) -> Result<BufWriter<File>> {
    let p = dir.join(name);
    Ok(BufWriter::new(File::create(&p).with_context(|| {
        format!("{}: cannot create", p.display())
    })?))
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let data = PathBuf::from(args.next().unwrap_or_else(|| "../shared/data".into()));
    let out = PathBuf::from(args.next().unwrap_or_else(|| "target/rutland_pairs".into()));
    std::fs::create_dir_all(&out).with_context(|| format!("{}", out.display()))?;

    let file = match args.next().as_deref() {
        Some("shp") => rutland_shp(&data),
        _ => rutland_pbf(&data),
    };
    let t = Instant::now();
    let (g, rep, profile) = graph(&file)?;
    let load_s = t.elapsed().as_secs_f64();
    let (snaps, unroutable) = random_snaps(&g, snap_options(&profile), 1000, 4);
    let pairs = random_pairs(snaps.len(), 1000, 44);

    let t = Instant::now();
    let ch = Hierarchy::prepare(&g);
    let router = Router::new(&g, &ch);
    let prep_s = t.elapsed().as_secs_f64();
    let sources: Vec<_> = pairs.iter().map(|&(i, _)| snaps[i].clone()).collect();
    let targets: Vec<_> = pairs.iter().map(|&(_, j)| snaps[j].clone()).collect();
    let t = Instant::now();
    let ms = router.matrix_ms(&sources, &targets, UNREACHED_MS - 1);
    let matrix_s = t.elapsed().as_secs_f64();
    let n = pairs.len();

    let mut w = create(&out, "edges.npy")?;
    export::write_edges_npy(&g, &mut w)?;
    w.flush()?;

    let mut anchors = Vec::new();
    for (i, s) in snaps.iter().enumerate() {
        for a in &s.anchors {
            anchors.extend([i as u32, a.edge, a.from_tail_ms, a.to_head_ms]);
        }
    }
    // A (k, 4) uint32 array: write it as k*4 and let Python reshape.
    let mut w = create(&out, "anchors.npy")?;
    export::write_u32_npy(&anchors, &mut w)?;
    w.flush()?;

    let mut w = create(&out, "snaps.csv")?;
    writeln!(w, "snap,off_road_s,snap_m,easting,northing")?;
    for (i, s) in snaps.iter().enumerate() {
        writeln!(
            w,
            "{i},{:?},{:?},{:?},{:?}",
            s.off_road_s, s.snap_m, s.point[0], s.point[1]
        )?;
    }
    w.flush()?;

    let mut rows = Vec::with_capacity(n * 3);
    for (k, &(i, j)) in pairs.iter().enumerate() {
        rows.extend([i as u64, j as u64, ms[k * n + k]]);
    }
    let mut w = create(&out, "pairs.npy")?;
    export::write_u64_npy(&rows, n, 3, &mut w)?;
    w.flush()?;

    let summary = format!(
        "{}\ngraph: {} nodes, {} edges, {:.1} km kept ({} components, {} nodes discarded)\n\
         points: {} drawn, {} snapped, {} beyond {} m\n\
         pairs: {n}, {} unreachable\n\
         load+build {load_s:.2} s, CH preparation {prep_s:.2} s, {n}x{n} matrix {matrix_s:.3} s\n",
        file.display(),
        g.node_count(),
        g.edge_count(),
        rep.kept_km,
        rep.components,
        rep.discarded_nodes,
        snaps.len() + unroutable,
        snaps.len(),
        unroutable,
        profile.max_snap_m,
        rows.chunks(3).filter(|r| r[2] == UNREACHED_MS).count(),
    );
    print!("{summary}");
    std::fs::write(out.join("summary.txt"), &summary)?;
    println!("wrote {}", out.display());
    Ok(())
}
