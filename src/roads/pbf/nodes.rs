//! Pass 2: the coordinates of the nodes the kept ways use, and the named
//! places among all nodes.
//!
//! The needed ids are sorted, and so are a block's nodes in any sorted
//! file, so each block walks the needed ids alongside its own (galloping
//! from the last match) instead of a binary search per node: most nodes of
//! a national file are not on a road, and a binary search for each costs
//! more than decoding it. Coordinates go straight into one slot per needed
//! id (each id is in the file once, so every slot is written at most once,
//! whatever the thread order); there is no per-block list to merge.

use super::blocks::Directory;
use crate::coords::wgs84_to_bng;
use crate::model::Place;
use anyhow::Result;
use std::sync::atomic::{AtomicU64, Ordering};

/// "Not in the file": a NaN no conversion produces.
const ABSENT: u64 = u64::MAX;

/// BNG coordinates by index into the needed ids, as bits ([`ABSENT`]
/// where the file lacks the node): 16 bytes a node.
pub struct NodeCoords {
    x: Vec<u64>,
    y: Vec<u64>,
}

impl NodeCoords {
    /// The coordinates of needed node `i`, `None` if the file lacks it.
    pub fn get(&self, i: usize) -> Option<[f64; 2]> {
        let (x, y) = (self.x[i], self.y[i]);
        (x != ABSENT).then(|| [f64::from_bits(x), f64::from_bits(y)])
    }

    pub fn len(&self) -> usize {
        self.x.len()
    }
}

/// Slots being filled, one per needed id.
struct Slots {
    x: Vec<AtomicU64>,
    y: Vec<AtomicU64>,
}

/// What pass 2 found besides coordinates.
#[derive(Default)]
pub struct Found {
    /// The named places among the nodes read (unsorted).
    pub places: Vec<Place>,
    /// Blocks read that hold ways (the order of a file sorted by type
    /// allows one: the block where nodes end and ways begin).
    pub blocks_with_ways: Vec<usize>,
}

impl Found {
    fn merge(mut self, mut o: Found) -> Found {
        self.places.append(&mut o.places);
        self.blocks_with_ways.append(&mut o.blocks_with_ways);
        self
    }
}

/// The coordinates (BNG) of the nodes in `needed` (sorted, unique OSM ids),
/// `None` where the file lacks one; read from the blocks in `blocks` that
/// `keep` allows.
pub fn read(
    dir: &Directory,
    blocks: std::ops::Range<usize>,
    keep: impl Fn(usize) -> bool + Sync + Send,
    needed: &[i64],
) -> Result<(NodeCoords, Found)> {
    let slots = Slots {
        x: (0..needed.len()).map(|_| AtomicU64::new(ABSENT)).collect(),
        y: (0..needed.len()).map(|_| AtomicU64::new(ABSENT)).collect(),
    };
    let found = dir.par_blocks(
        blocks,
        keep,
        |i, block| block_nodes(i, block, needed, &slots),
        Found::merge,
    )?;
    // Collected in place: the same allocations, no copy.
    let coords = NodeCoords {
        x: slots.x.into_iter().map(AtomicU64::into_inner).collect(),
        y: slots.y.into_iter().map(AtomicU64::into_inner).collect(),
    };
    Ok((coords, found))
}

/// One block: fill the slots of its needed nodes; its places, and whether
/// it holds ways.
fn block_nodes(i: usize, block: &osmpbf::PrimitiveBlock, needed: &[i64], slots: &Slots) -> Found {
    let mut found = Found::default();
    let mut cursor = Cursor::default();
    let mut take = |id: i64, lon: f64, lat: f64| {
        if let Some(i) = cursor.find(needed, id) {
            let p = wgs84_to_bng(lon, lat);
            slots.x[i].store(p.x.to_bits(), Ordering::Relaxed);
            slots.y[i].store(p.y.to_bits(), Ordering::Relaxed);
        }
    };
    for g in block.groups() {
        for n in g.dense_nodes() {
            take(n.id(), n.lon(), n.lat());
            found
                .places
                .extend(super::node_place(n.tags(), n.lon(), n.lat()));
        }
        for n in g.nodes() {
            take(n.id(), n.lon(), n.lat());
            found
                .places
                .extend(super::node_place(n.tags(), n.lon(), n.lat()));
        }
        if g.ways().next().is_some() && found.blocks_with_ways.is_empty() {
            found.blocks_with_ways.push(i);
        }
    }
    found
}

/// A position in the needed ids that follows ascending node ids.
#[derive(Default)]
struct Cursor {
    /// Index of the first needed id ≥ the last id looked up.
    pos: usize,
    last: Option<i64>,
}

impl Cursor {
    /// The index of `id` in `needed`, if there. Gallops forward from the
    /// last lookup when ids ascend; starts over (a binary search) when not.
    fn find(&mut self, needed: &[i64], id: i64) -> Option<usize> {
        if self.last.is_some_and(|l| id < l) {
            self.pos = 0;
        }
        self.last = Some(id);
        let tail = &needed[self.pos..];
        let mut step = 1;
        while step < tail.len() && tail[step - 1] < id {
            step *= 2;
        }
        let lo = step / 2;
        let hi = step.min(tail.len());
        self.pos += lo + tail[lo..hi].partition_point(|&x| x < id);
        (needed.get(self.pos) == Some(&id)).then_some(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::Cursor;

    #[test]
    fn cursor_finds_what_binary_search_finds() {
        let needed: Vec<i64> = (0..500).map(|i| i * 7 + (i % 3)).collect();
        let probe = |ids: &[i64]| {
            let mut c = Cursor::default();
            for &id in ids {
                assert_eq!(
                    c.find(&needed, id),
                    needed.binary_search(&id).ok(),
                    "id {id}"
                );
            }
        };
        probe(&(-5..3600).collect::<Vec<_>>());
        probe(&(0..3600).step_by(13).collect::<Vec<_>>());
        probe(&[3000, 5, 7, 2000, 1, 1, 9999, -1, 3493]);
        probe(&[]);
        let mut c = Cursor::default();
        assert_eq!(c.find(&[], 4), None);
    }
}
