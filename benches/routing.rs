//! Routing benchmark on the synthetic England-scale network
//! (`routing::synthetic`, ≥ 2 million input nodes): generation, graph build,
//! contraction-hierarchy preparation (time and peak memory), plain-Dijkstra
//! one-to-all times, and a 5,000 × 5,000 matrix. Timed by hand (single runs
//! take long enough).
//!
//!     cargo bench --features synthetic --bench routing                       # writes target/routing-bench/
//!     ROUTING_BENCH_SIDE_KM=60 cargo bench --features synthetic --bench routing   # a quick small run
//!     RAYON_NUM_THREADS=1 cargo bench --features synthetic --bench routing
//!     ROUTING_BENCH_ROUNDS=2 cargo bench --features synthetic --bench routing   # CH prepared in rounds of nodes least within 2 hops (or 1)
//!     python3 bench/routing_compare.py target/routing-bench  # scipy + igraph on the same graph
//!
//! It writes, for the Python side: `edges.npy` (tail, head, ms as uint32),
//! `nodes.npy` (the 5,000 matrix nodes), `one_to_all.npy` (our Dijkstra times
//! from the first sources to every node, uint64 ms) and `matrix.npy` (the
//! CH matrix, uint64 ms, `u64::MAX` unreachable). Like the a-b-street
//! benches it also asserts what it can: the CH rows for the one-to-all
//! sources equal the reference Dijkstra. Figures: docs/performance-routing.md.

use std::path::PathBuf;
use std::time::Instant;

use pcn_atlas::output::atomic::{Kind, Replace, Staging};
use pcn_atlas::routing::export::{write_edges_npy, write_u32_npy, write_u64_npy};
use pcn_atlas::routing::snap::{SnapIndex, SnapOptions, Snapper, snap_at_node};
use pcn_atlas::routing::synthetic::{Rng, SyntheticOptions, generate};
use pcn_atlas::routing::{
    GraphOptions, Hierarchy, RoadGraph, Router, Snap, UNREACHED_MS, dijkstra,
};

/// Peak resident memory so far (Linux `VmHWM`), in MB.
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// CPU seconds used by this process so far (user + system, all threads),
/// from `/proc/self/stat`: the machine is shared, so wall time alone
/// overstates our cost when other jobs run.
fn cpu_s() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
            Some(ticks / 100.0)
        })
        .unwrap_or(f64::NAN)
}

/// Wall and CPU seconds since `(t, c)`.
fn since(t: Instant, c: f64) -> String {
    format!(
        "{:.2} s wall, {:.2} s CPU",
        t.elapsed().as_secs_f64(),
        cpu_s() - c
    )
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> anyhow::Result<()> {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("routing bench: run with `cargo bench --features synthetic --bench routing`");
        return Ok(());
    }
    let out = PathBuf::from(
        std::env::var("ROUTING_BENCH_DIR").unwrap_or_else(|_| "target/routing-bench".into()),
    );
    let default = SyntheticOptions::default();
    let side_km = env_usize("ROUTING_BENCH_SIDE_KM", default.side_km);
    // Towns in proportion to the area.
    let opts = SyntheticOptions {
        side_km,
        towns: default.towns * side_km * side_km / (default.side_km * default.side_km),
        ..default
    };
    let k = env_usize("ROUTING_BENCH_MATRIX", 5000);
    let one_to_all_sources = env_usize("ROUTING_BENCH_ONE_TO_ALL", 10);
    println!("threads {}", rayon::current_num_threads());

    let (t, c) = (Instant::now(), cpu_s());
    let net = generate(&opts);
    let ways_nodes: usize = net.ways.iter().map(|w| w.nodes.len()).sum();
    println!(
        "generate: {} nodes, {} ways ({} way-node refs) in {}; peak {:.0} MB",
        net.nodes.len(),
        net.ways.len(),
        ways_nodes,
        since(t, c),
        peak_mb()
    );

    let (t, c) = (Instant::now(), cpu_s());
    let (g, rep) = RoadGraph::build(&net, &GraphOptions::default());
    println!(
        "graph build: {}; {} nodes, {} edges ({} pass-through contracted, {} components, {} discarded nodes, {:.1} km kept); peak {:.0} MB",
        since(t, c),
        g.node_count(),
        g.edge_count(),
        rep.pass_through_nodes,
        rep.components,
        rep.discarded_nodes,
        rep.kept_km,
        peak_mb()
    );
    drop(net);

    // The matrix nodes: k distinct random graph nodes, fixed seed.
    let mut rng = Rng::new(42);
    let n = g.node_count() as u32;
    let mut picked = vec![false; n as usize];
    let mut nodes: Vec<u32> = Vec::with_capacity(k);
    while nodes.len() < k.min(n as usize) {
        let v = rng.below(n as usize) as u32;
        if !picked[v as usize] {
            picked[v as usize] = true;
            nodes.push(v);
        }
    }
    let snaps: Vec<Snap> = nodes.iter().filter_map(|&v| snap_at_node(&g, v)).collect();
    assert_eq!(snaps.len(), nodes.len(), "every kept node has an out-edge");

    // One-to-all: the plain Dijkstra (the reference) from the first nodes.
    let (t, c) = (Instant::now(), cpu_s());
    let mut rows = Vec::new();
    for s in snaps.iter().take(one_to_all_sources) {
        rows.push(dijkstra::one_to_all(&g, s));
    }
    let per = t.elapsed().as_secs_f64() / one_to_all_sources.max(1) as f64;
    let per_cpu = (cpu_s() - c) / one_to_all_sources.max(1) as f64;
    println!(
        "one-to-all (binary-heap Dijkstra, u32 ms): {per:.3} s wall, {per_cpu:.3} s CPU per source over {one_to_all_sources} sources"
    );

    // One node at a time (the default), or in rounds of independent nodes.
    let rounds_hops = env_usize("ROUTING_BENCH_ROUNDS", 0);
    let sequential = rounds_hops == 0;
    let (t, c) = (Instant::now(), cpu_s());
    let ch = if sequential {
        Hierarchy::prepare(&g)
    } else {
        Hierarchy::prepare_in_rounds(&g, rounds_hops)
    };
    let router = Router::new(&g, &ch);
    println!(
        "CH preparation ({}): {}, {} shortcuts, {} rounds; peak {:.0} MB",
        if sequential {
            "one node at a time".to_string()
        } else {
            format!("in rounds, {rounds_hops} hops")
        },
        since(t, c),
        ch.report.shortcuts,
        ch.rounds().len(),
        peak_mb()
    );
    // The slower scenario's way: the same roads at 0.8 times the speed,
    // contracted in the free-flow order (witness searches only).
    // (The network was dropped to measure the peaks: generated again.)
    let slow_net = generate(&opts).with_speed_factor(0.8);
    let (slow_g, _) = RoadGraph::build(&slow_net, &GraphOptions::default());
    drop(slow_net);
    assert!(slow_g.same_edges(&g), "scaled speeds keep the edges");
    let (t, c) = (Instant::now(), cpu_s());
    let slow_ch =
        Hierarchy::prepare_with_rounds(&slow_g, ch.order(), ch.rounds()).expect("same nodes");
    println!(
        "CH preparation at 0.8x speeds in the free-flow order: {}, {} shortcuts, {} rounds; peak {:.0} MB",
        since(t, c),
        slow_ch.report.shortcuts,
        slow_ch.rounds().len(),
        peak_mb()
    );
    drop((slow_ch, slow_g));

    let (t, c) = (Instant::now(), cpu_s());
    let m = router.matrix_ms(&snaps, &snaps, UNREACHED_MS - 1);
    let secs = t.elapsed().as_secs_f64();
    let reached = m.iter().filter(|&&d| d != UNREACHED_MS).count();
    println!(
        "matrix {k} x {k}: {} ({:.1} µs wall per cell); {} of {} reachable; peak {:.0} MB",
        since(t, c),
        secs * 1e6 / (k * k) as f64,
        reached,
        k * k,
        peak_mb()
    );
    // What we can assert: CH rows equal the reference on the one-to-all sources.
    for (i, row) in rows.iter().enumerate() {
        for (j, &v) in nodes.iter().enumerate() {
            assert_eq!(m[i * k + j], row[v as usize], "CH vs Dijkstra {i} -> {j}");
        }
    }
    println!("CH matrix rows == Dijkstra for {} sources", rows.len());

    // Paths with geometry (CH search + unpacking) between the first pairs.
    let (t, c) = (Instant::now(), cpu_s());
    let pairs = 20.min(snaps.len() / 2);
    let mut points = 0usize;
    for i in 0..pairs {
        let p = router.path(&snaps[i], &snaps[pairs + i]);
        let want = m[i * k + pairs + i];
        assert_eq!(
            p.as_ref().map(|p| p.seconds),
            (want != UNREACHED_MS).then(|| want as f64 / 1000.0)
        );
        points += p.map_or(0, |p| p.coords.len());
    }
    println!(
        "path (CH, unpacked): {} for {pairs} paths ({points} points)",
        since(t, c)
    );

    // Snapping: R-tree over every edge segment, then 5,000 random points.
    let (t, c) = (Instant::now(), cpu_s());
    let index = SnapIndex::new(&g);
    let snapper = Snapper::new(&g, &index, SnapOptions::default());
    println!("snapper build: {}", since(t, c));
    let (t, c) = (Instant::now(), cpu_s());
    let (lo, hi) = g
        .node_xy
        .iter()
        .fold(([f64::MAX; 2], [f64::MIN; 2]), |(lo, hi), p| {
            (
                [lo[0].min(p[0]), lo[1].min(p[1])],
                [hi[0].max(p[0]), hi[1].max(p[1])],
            )
        });
    let snapped = (0..5000)
        .filter_map(|_| {
            snapper.snap([
                lo[0] + rng.unit() * (hi[0] - lo[0]),
                lo[1] + rng.unit() * (hi[1] - lo[1]),
            ])
        })
        .count();
    println!(
        "snap 5000 random points: {} ({snapped} within 1000 m)",
        since(t, c)
    );

    let t = Instant::now();
    // A scratch folder of the benchmark's: replaced whatever it holds.
    let how = Replace {
        kind: Kind::Results,
        force: true,
    };
    let mut st = Staging::replacing(&out, how)?;
    st.write("edges.npy", |w| write_edges_npy(&g, w))?;
    st.write("nodes.npy", |w| write_u32_npy(&nodes, w))?;
    let flat: Vec<u64> = rows.concat();
    st.write("one_to_all.npy", |w| {
        write_u64_npy(&flat, rows.len(), n as usize, w)
    })?;
    st.write("matrix.npy", |w| write_u64_npy(&m, k, k, w))?;
    st.commit()?;
    println!(
        "wrote {} in {:.1} s",
        out.display(),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
