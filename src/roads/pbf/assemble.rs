//! From the two passes to a [`RoadNetwork`]: each kept way cut into runs of
//! nodes the file has (clipped extracts), then only the nodes some way
//! uses, numbered in OSM id order.

use super::nodes::NodeCoords;
use super::ways::KeptWay;
use crate::roads::RoadsReport;
use crate::roads::network::{RoadNetwork, Way};
use anyhow::{Context, Result, anyhow};
use rayon::prelude::*;
use std::path::Path;

/// Ways per parallel task.
const CHUNK: usize = 4096;

/// What cutting ways at missing nodes counted.
#[derive(Default)]
struct Tally {
    missing: u64,
    split: u64,
    dropped: u64,
    degenerate: u64,
    repeats: u64,
}

impl Tally {
    fn add(mut self, o: Tally) -> Tally {
        self.missing += o.missing;
        self.split += o.split;
        self.dropped += o.dropped;
        self.degenerate += o.degenerate;
        self.repeats += o.repeats;
        self
    }
}

/// Ways as runs of present nodes (node indices into `needed` for now), in
/// the order of `ways`; the counts go into `report`. Runs in parallel over
/// chunks of ways; the result is the same whatever the thread count.
pub(super) fn runs_of_present_nodes(
    path: &Path,
    ways: &[KeptWay],
    needed: &[i64],
    coords: &NodeCoords,
    report: &mut RoadsReport,
) -> Result<Vec<Way>> {
    let parts: Vec<(Vec<Way>, Tally)> = ways
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut out = (Vec::with_capacity(chunk.len()), Tally::default());
            for w in chunk {
                cut(path, w, needed, coords, &mut out)?;
            }
            Ok(out)
        })
        .collect::<Result<_>>()?;
    let mut net_ways = Vec::with_capacity(parts.iter().map(|p| p.0.len()).sum());
    let mut t = Tally::default();
    for (w, tally) in parts {
        net_ways.extend(w);
        t = t.add(tally);
    }
    for (why, n) in [
        ("all_nodes_missing", t.dropped),
        ("degenerate_geometry", t.degenerate),
    ] {
        if n > 0 {
            *report.excluded.entry(why.to_string()).or_insert(0) += n;
        }
    }
    report.count("missing_node_refs", t.missing);
    report.count("ways_clipped_at_missing_nodes", t.split);
    report.count("ways_with_no_nodes_in_file", t.dropped);
    report.count("repeated_node_refs", t.repeats);
    Ok(net_ways)
}

/// One way cut at the nodes the file lacks, its pieces of two or more
/// nodes pushed to `out`.
fn cut(
    path: &Path,
    w: &KeptWay,
    needed: &[i64],
    coords: &NodeCoords,
    (out, t): &mut (Vec<Way>, Tally),
) -> Result<()> {
    let mut pieces: Vec<Vec<u32>> = vec![Vec::new()];
    let mut had_missing = false;
    for r in &w.refs {
        let i = needed.binary_search(r).map_err(|_| {
            anyhow!(
                "{}: way {}: node {r} lost between passes",
                path.display(),
                w.id
            )
        })?;
        if coords.get(i).is_none() {
            t.missing += 1;
            had_missing = true;
            if !pieces.last().is_some_and(Vec::is_empty) {
                pieces.push(Vec::new());
            }
            continue;
        }
        let cur = pieces.last_mut().context("pieces is never empty")?;
        if cur.last() == Some(&(i as u32)) {
            t.repeats += 1;
        } else {
            cur.push(i as u32);
        }
    }
    pieces.retain(|p| p.len() >= 2);
    if pieces.is_empty() {
        if had_missing {
            t.dropped += 1;
        } else {
            t.degenerate += 1;
        }
        return Ok(());
    }
    if had_missing {
        t.split += 1;
    }
    for nodes in pieces {
        out.push(Way {
            id: w.id,
            class: w.attrs.class,
            nodes,
            direction: w.attrs.direction,
            speed_kph: w.attrs.speed_kph,
            fixed_seconds: w.attrs.fixed_seconds,
            name: w.attrs.name.clone(),
        });
    }
    Ok(())
}

/// Keep only nodes some way uses, in OSM id order.
pub(super) fn keep_used_nodes(mut net_ways: Vec<Way>, coords: &NodeCoords) -> Result<RoadNetwork> {
    let mut remap = vec![u32::MAX; coords.len()];
    for w in &net_ways {
        for &v in &w.nodes {
            remap[v as usize] = 0;
        }
    }
    let mut nodes = Vec::new();
    for (i, r) in remap.iter_mut().enumerate() {
        if *r == 0 {
            *r = nodes.len() as u32;
            nodes.push(coords.get(i).context("a used node has coordinates")?);
        }
    }
    net_ways.par_iter_mut().for_each(|w| {
        for v in &mut w.nodes {
            *v = remap[*v as usize];
        }
    });
    Ok(RoadNetwork {
        nodes,
        ways: net_ways,
    })
}
