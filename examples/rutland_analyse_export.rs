//! Export the road graph and every snapped site exactly as `pcn-atlas
//! analyse` builds them, for `scripts/analyse_reference.py` (issue 5: a
//! reference pipeline in Python with identical numbers).
//!
//! Run:
//!   cargo build --release --example rutland_analyse_export
//!   target/release/pcn-atlas import --from ../shared/data/england --lad E06000017 --out /tmp/py-rut
//!   target/release/examples/rutland_analyse_export /tmp/py-rut \
//!       ../shared/data/rutland/rutland-2022-07.osm.pbf target/analyse_export [SLOW_FACTOR]
//!   python3 scripts/analyse_reference.py /tmp/py-rut target/analyse_export /tmp/py-rut-an
//!
//! The graph and snaps come from the same calls as `analyse`: the default
//! `CarProfile`, `GraphOptions::default()`, `SnapOptions` from the profile,
//! and `SiteSnaps::snap_all` (every located practice and every area's
//! centroid). Writes into the output folder:
//! - `edges.npy`   (edges, 3) uint32: tail, head, weight in ms (`routing::export`);
//! - `anchors.npy` (anchors, 4) uint32: snap index, edge, from_tail_ms, to_head_ms;
//! - `snaps.csv`   snap, kind (practice|area), code, off_road_s, snap_m, easting, northing
//!   (`off_road_s` printed with Rust's shortest round-trip form, so Python reads
//!   the same f64); unroutable sites are listed with an empty snap;
//! - `summary.txt` counts;
//! - `slow/` the same files for `analyse`'s slower scenario (every road
//!   speed times SLOW_FACTOR, default 0.8 like `--slow-factor`).
//!
//! `anchors.npy` has the layout of `examples/rutland_pairs.rs` and
//! `snaps.csv` shares its `snap` and `off_road_s` columns, so
//! `scripts/nx_snapgraph.py` reads both exports.

use anyhow::{Context, Result};
use pcn_atlas::analyse::network::Site;
use pcn_atlas::analyse::road_times::SiteSnaps;
use pcn_atlas::load::dataset::{DatasetPaths, load_dataset};
use pcn_atlas::model::Dataset;
use pcn_atlas::roads::load_roads;
use pcn_atlas::roads::network::RoadNetwork;
use pcn_atlas::roads::profile::CarProfile;
use pcn_atlas::routing::{GraphOptions, RoadGraph, SnapIndex, SnapOptions, Snapper, export};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

fn create(dir: &Path, name: &str) -> Result<BufWriter<File>> {
    let p = dir.join(name);
    Ok(BufWriter::new(File::create(&p).with_context(|| {
        format!("{}: cannot create", p.display())
    })?))
}

/// Build the graph of `net`, snap every site and write the files into `out`.
fn export_scenario(
    ds: &Dataset,
    net: &RoadNetwork,
    profile: &CarProfile,
    out: &Path,
) -> Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("{}", out.display()))?;
    let (g, rep) = RoadGraph::build(net, &GraphOptions::default());
    let index = SnapIndex::new(&g);
    let snapper = Snapper::new(
        &g,
        &index,
        SnapOptions {
            off_road_kph: profile.off_road_kph,
            max_snap_m: profile.max_snap_m,
        },
    );
    let snaps = SiteSnaps::snap_all(ds, &snapper, &[]);

    let mut w = create(out, "edges.npy")?;
    export::write_edges_npy(&g, &mut w)?;
    w.flush()?;

    // Practices then areas, in dataset order: a fixed order for the files.
    let mut sites: Vec<(Site, &str, &str)> = ds
        .practice_ids()
        .map(|p| (Site::Practice(p), "practice", ds.practice(p).code.as_str()))
        .collect();
    sites.extend(
        ds.area_ids()
            .map(|a| (Site::Area(a), "area", ds.area(a).code.as_str())),
    );
    let mut anchors = Vec::new();
    let mut w = create(out, "snaps.csv")?;
    writeln!(w, "snap,kind,code,off_road_s,snap_m,easting,northing")?;
    let mut snapped = 0;
    for &(site, kind, code) in &sites {
        match snaps.snaps.get(&site) {
            Some(s) => {
                let i = snapped as u32;
                for a in &s.anchors {
                    anchors.extend([i, a.edge, a.from_tail_ms, a.to_head_ms]);
                }
                writeln!(
                    w,
                    "{i},{kind},{code},{:?},{:?},{:?},{:?}",
                    s.off_road_s, s.snap_m, s.point[0], s.point[1]
                )?;
                snapped += 1;
            }
            None => writeln!(w, ",{kind},{code},,,,")?,
        }
    }
    w.flush()?;
    let mut w = create(out, "anchors.npy")?;
    export::write_u32_npy(&anchors, &mut w)?;
    w.flush()?;

    let summary = format!(
        "graph: {} nodes, {} edges, {:.1} km kept\nsites: {} practices, {} areas, {} snapped, {} unroutable\n",
        g.node_count(),
        g.edge_count(),
        rep.kept_km,
        ds.practice_ids().count(),
        ds.area_ids().count(),
        snapped,
        snaps.unroutable.len(),
    );
    print!("{summary}");
    std::fs::write(out.join("summary.txt"), &summary)?;
    println!("wrote {}", out.display());
    Ok(())
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: rutland_analyse_export DATASET_DIR ROADS_FILE OUT_DIR [SLOW_FACTOR]";
    let dataset = PathBuf::from(args.next().context(usage)?);
    let roads = PathBuf::from(args.next().context(usage)?);
    let out = PathBuf::from(args.next().context(usage)?);
    let factor: f64 = match args.next() {
        Some(f) => f
            .parse()
            .with_context(|| format!("SLOW_FACTOR {f:?}: not a number"))?,
        None => 0.8,
    };

    let ds = load_dataset(&DatasetPaths {
        dir: Some(dataset),
        ..DatasetPaths::default()
    })?;
    let profile = CarProfile::default();
    let (net, _) = load_roads(&roads, &profile)?;
    export_scenario(&ds, &net, &profile, &out)?;
    export_scenario(
        &ds,
        &net.with_speed_factor(factor),
        &profile,
        &out.join("slow"),
    )
}
