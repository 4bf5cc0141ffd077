//! Pass 1: the ways the car profile keeps, with their node ids, and counts
//! of those it does not; and which kinds of element each block it read
//! holds, so the node pass decodes only blocks with nodes.

use super::blocks::{Directory, block_kinds};
use crate::roads::profile::{Exclusion, Quirk, WayAttrs};
use crate::roads::rules::WayRules;
use anyhow::Result;
use std::collections::BTreeMap;

/// A way kept by pass 1.
pub(super) struct KeptWay {
    pub(super) id: i64,
    pub(super) attrs: WayAttrs,
    pub(super) refs: Vec<i64>,
}

/// What one blob (or a merge of blobs) gave in pass 1.
#[derive(Default)]
pub(super) struct Pass1 {
    pub(super) ways: Vec<KeptWay>,
    pub(super) ways_read: u64,
    pub(super) excluded: BTreeMap<String, u64>,
    pub(super) counts: BTreeMap<String, u64>,
    /// (block, kinds of element) for every block read.
    pub(super) kinds: Vec<(usize, u8)>,
}

impl Pass1 {
    fn merge(mut self, mut o: Pass1) -> Pass1 {
        if self.ways.len() < o.ways.len() {
            std::mem::swap(&mut self.ways, &mut o.ways);
        }
        self.ways.append(&mut o.ways);
        self.ways_read += o.ways_read;
        self.kinds.append(&mut o.kinds);
        for (k, v) in o.excluded {
            *self.excluded.entry(k).or_insert(0) += v;
        }
        for (k, v) in o.counts {
            *self.counts.entry(k).or_insert(0) += v;
        }
        self
    }

    fn way(&mut self, profile: &impl WayRules, w: &osmpbf::Way<'_>) {
        let tags: Vec<(&str, &str)> = w.tags().collect();
        let tag = |k: &str| tags.iter().find(|(kk, _)| *kk == k).map(|(_, v)| *v);
        let highway = tag("highway");
        if highway.is_none() && tag("route") != Some("ferry") {
            return;
        }
        self.ways_read += 1;
        let mut quirks: Vec<Quirk> = Vec::new();
        match profile.classify(tag, None, &mut quirks) {
            Ok(attrs) => {
                for q in quirks {
                    *self.counts.entry(q.as_str().to_string()).or_insert(0) += 1;
                }
                self.ways.push(KeptWay {
                    id: w.id(),
                    attrs,
                    refs: w.refs().collect(),
                });
            }
            Err(e) => {
                *self.excluded.entry(e.as_str().to_string()).or_insert(0) += 1;
                let mode = match e {
                    Exclusion::NotCarClass => Some("cars"),
                    Exclusion::NotFootClass => Some("walking"),
                    _ => None,
                };
                if let (Some(mode), Some(h)) = (mode, highway) {
                    *self
                        .counts
                        .entry(format!("highway_not_for_{mode}:{h}"))
                        .or_insert(0) += 1;
                }
            }
        }
    }
}

/// Pass 1 over the blocks `from..` the end, and the kinds of element in
/// each block read (by block index; 0 for blocks not read).
pub(super) fn read(
    dir: &Directory,
    from: usize,
    profile: &impl WayRules,
) -> Result<(Pass1, Vec<u8>)> {
    let mut p1 = dir.par_blocks(
        from..dir.len(),
        |_| true,
        |i, block| {
            let mut p = Pass1::default();
            p.kinds.push((i, block_kinds(block)));
            for g in block.groups() {
                for w in g.ways() {
                    p.way(profile, &w);
                }
            }
            p
        },
        Pass1::merge,
    )?;
    let mut kinds = vec![0u8; dir.len()];
    for &(i, k) in &p1.kinds {
        kinds[i] = k;
    }
    p1.kinds = Vec::new();
    Ok((p1, kinds))
}
