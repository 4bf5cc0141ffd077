//! Chains: the paths of segments between two junctions that become the
//! graph's edges, kept flat (one array of points for all chains, one entry
//! per chain for its totals) rather than three small vectors a chain: at
//! national scale that is a quarter of the graph build's peak memory.

use super::{NO_EDGE, Seg};
use std::collections::HashMap;

/// Every chain, flat. Chain `c`'s points are `first[c]..first[c + 1]` of
/// `nodes` and `cum_s` (and of `cum_s2`, when the slower times are kept).
pub(super) struct Chains {
    first: Vec<usize>,
    /// Input node indices, tail first.
    nodes: Vec<u32>,
    /// Seconds from the tail to each point.
    cum_s: Vec<f64>,
    /// The same at the slower speeds (empty when not asked for).
    cum_s2: Vec<f64>,
    /// Each chain's seconds, slower seconds and metres.
    pub(super) s: Vec<f64>,
    pub(super) s2: Vec<f64>,
    pub(super) m: Vec<f64>,
}

impl Chains {
    fn new() -> Chains {
        Chains {
            first: vec![0],
            nodes: Vec::new(),
            cum_s: Vec::new(),
            cum_s2: Vec::new(),
            s: Vec::new(),
            s2: Vec::new(),
            m: Vec::new(),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.s.len()
    }

    /// Points in all chains.
    pub(super) fn points(&self) -> usize {
        self.nodes.len()
    }

    pub(super) fn nodes(&self, c: usize) -> &[u32] {
        &self.nodes[self.first[c]..self.first[c + 1]]
    }

    pub(super) fn cum_s(&self, c: usize) -> &[f64] {
        &self.cum_s[self.first[c]..self.first[c + 1]]
    }

    /// Empty when the slower times were not asked for.
    pub(super) fn cum_s2(&self, c: usize) -> &[f64] {
        self.cum_s2
            .get(self.first[c]..self.first[c + 1])
            .unwrap_or(&[])
    }

    /// Input node indices of the tail and the head.
    pub(super) fn ends(&self, c: usize) -> (u32, u32) {
        let n = self.nodes(c);
        (n[0], n[n.len() - 1])
    }

    /// Walk one chain from junction `u` along `seg`, `next` giving the
    /// segment on from a pass-through node (or `None` at a junction).
    fn walk(
        &mut self,
        (u, mut seg): (u32, Seg),
        (nodes, slower): (&[[f64; 2]], bool),
        mut next: impl FnMut(&Seg) -> Option<Seg>,
    ) {
        let (mut s, mut s2, mut m) = (0.0, 0.0, 0.0);
        self.nodes.push(u);
        self.cum_s.push(0.0);
        if slower {
            self.cum_s2.push(0.0);
        }
        loop {
            s += seg.s;
            s2 += seg.s2;
            m += seg.metres(nodes);
            self.nodes.push(seg.v);
            self.cum_s.push(s);
            if slower {
                self.cum_s2.push(s2);
            }
            match next(&seg) {
                Some(n) => seg = n,
                None => break,
            }
        }
        self.first.push(self.nodes.len());
        self.s.push(s);
        self.s2.push(s2);
        self.m.push(m);
    }
}

/// Follow every chain out of every junction. Returns the chains and the
/// pass-through nodes to promote to junctions: the middle node of a chain
/// that comes back to its start, of a slower chain parallel to a faster one,
/// and one node of each cycle with no junction at all; with `slower`, also
/// the nodes the slower times would promote.
pub(super) fn walk_chains(
    segs: &[Seg],
    first: &[u32],
    (keep, junction): (&[bool], &[bool]),
    nodes: &[[f64; 2]],
    slower: bool,
) -> (Chains, Vec<u32>, Option<Vec<u32>>) {
    let n = keep.len();
    let out_of = |v: u32| &segs[first[v as usize] as usize..first[v as usize + 1] as usize];
    let mut visited = vec![false; n];
    let mut chains = Chains::new();
    for u in 0..n as u32 {
        if !(keep[u as usize] && junction[u as usize]) {
            continue;
        }
        for s0 in out_of(u) {
            let mut steps = 0usize;
            chains.walk((u, *s0), (nodes, slower), |seg| {
                let cur = seg.v;
                if junction[cur as usize] || steps > n {
                    return None;
                }
                steps += 1;
                visited[cur as usize] = true;
                let outs = out_of(cur);
                Some(if outs.len() == 2 && outs[0].v == seg.u {
                    outs[1]
                } else {
                    outs[0]
                })
            });
        }
    }
    // Cycles without a junction: promote their lowest node.
    let mut cycles = Vec::new();
    for u in 0..n as u32 {
        if keep[u as usize] && !junction[u as usize] && !visited[u as usize] {
            cycles.push(u);
            // Mark the whole cycle (all its nodes are pass-through).
            let mut todo = vec![u];
            visited[u as usize] = true;
            while let Some(v) = todo.pop() {
                for s in out_of(v) {
                    if !junction[s.v as usize] && !visited[s.v as usize] {
                        visited[s.v as usize] = true;
                        todo.push(s.v);
                    }
                }
            }
        }
    }
    let (promote, promote2) = promotions(&chains, &cycles, slower);
    (chains, promote, promote2)
}

/// A chain's time: free flow or slower.
type TimeOf = fn(&Chains, usize) -> f64;

/// The nodes to promote to junctions: the `cycles`' nodes, and the middle
/// node of each self-loop and of each parallel chain with interior nodes
/// but the fastest (by time, then length, then nodes: a total order);
/// sorted. With `slower`, also the same by the slower times.
fn promotions(chains: &Chains, cycles: &[u32], slower: bool) -> (Vec<u32>, Option<Vec<u32>>) {
    let mut order: Vec<usize> = (0..chains.len()).collect();
    order.sort_unstable_by_key(|&i| chains.ends(i));
    let mut promote = cycles.to_vec();
    let mut promote2 = slower.then(|| cycles.to_vec());
    let faster = |x: usize, y: usize, time: TimeOf| {
        time(chains, x)
            .total_cmp(&time(chains, y))
            .then(chains.m[x].total_cmp(&chains.m[y]))
            .then(chains.nodes(x).cmp(chains.nodes(y)))
    };
    let split = |group: &[usize], time: TimeOf, out: &mut Vec<u32>| {
        let fastest = group.iter().copied().min_by(|&a, &b| faster(a, b, time));
        for &i in group {
            let nodes = chains.nodes(i);
            let (a, b) = chains.ends(i);
            if (a == b || Some(i) != fastest) && nodes.len() > 2 {
                out.push(nodes[nodes.len() / 2]);
            }
        }
    };
    for group in order.chunk_by(|&a, &b| chains.ends(a) == chains.ends(b)) {
        split(group, |c, i| c.s[i], &mut promote);
        if let Some(p2) = promote2.as_mut() {
            split(group, |c, i| c.s2[i], p2);
        }
    }
    for p in std::iter::once(&mut promote).chain(promote2.as_mut()) {
        p.sort_unstable();
        p.dedup();
    }
    (promote, promote2)
}

/// Each edge's reverse: the chain along the same nodes the other way, or
/// [`NO_EDGE`]. `order` lists the chains in edge order, so edge ids are
/// positions in it.
pub(super) fn reverse_edges(chains: &Chains, order: &[u32]) -> Vec<u32> {
    let mut by_start: HashMap<(u32, u32), u32> = HashMap::with_capacity(order.len());
    for (e, &c) in order.iter().enumerate() {
        let nodes = chains.nodes(c as usize);
        by_start.insert((nodes[0], nodes[1]), e as u32);
    }
    order
        .iter()
        .map(|&c| {
            let nodes = chains.nodes(c as usize);
            let k = nodes.len();
            match by_start.get(&(nodes[k - 1], nodes[k - 2])) {
                Some(&r) if chains.nodes(order[r as usize] as usize).len() == k => r,
                _ => NO_EDGE,
            }
        })
        .collect()
}
