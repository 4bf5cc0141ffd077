//! Preparing a [`Hierarchy`]: by priority one node at a time (the
//! default), by priority in rounds of independent nodes contracted in
//! parallel (measured, not the default: a worse hierarchy), or in a given
//! order, replaying a hierarchy's rounds when it has them.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use anyhow::{Result, bail};
use rayon::prelude::*;

use super::Hierarchy;
use super::contraction::{Contraction, PARALLEL_MIN};
use crate::routing::graph::RoadGraph;

impl Hierarchy {
    /// Prepare by priority one node at a time (deterministic whatever the
    /// thread count): the node with the least `edge difference + deleted
    /// neighbours` goes next, ties to the lower id, priorities updated
    /// lazily. Its rounds are unknown (empty).
    pub fn prepare(graph: &RoadGraph) -> Hierarchy {
        Self::prepare_sequential_from(graph, PARALLEL_MIN)
    }

    /// Prepare by priority in rounds (deterministic whatever the thread
    /// count): each round contracts, together and in parallel, every node
    /// whose `(edge difference + deleted neighbours, id)` is less than that
    /// of every node within `hops` (1 or 2) of it, ranked among themselves
    /// by that key; then the priorities of their neighbours are computed
    /// again. Not the default: on the England-scale graph its hierarchy
    /// has a third more shortcuts and costs twice the CPU time of
    /// [`Hierarchy::prepare`] (docs/performance-routing.md).
    pub fn prepare_in_rounds(graph: &RoadGraph, hops: usize) -> Hierarchy {
        Self::prepare_in_rounds_from(graph, PARALLEL_MIN, hops)
    }

    /// [`Hierarchy::prepare_in_rounds`] with the witness searches of one node and the
    /// priorities of a round's neighbours in parallel from `parallel_min`
    /// on (tests: 1 runs every batch in parallel, `usize::MAX` none).
    pub(in crate::routing) fn prepare_in_rounds_from(
        graph: &RoadGraph,
        parallel_min: usize,
        hops: usize,
    ) -> Hierarchy {
        let n = graph.node_count();
        let mut c = Contraction::new(graph, parallel_min);
        let mut deleted = vec![0i64; n];
        let mut left: Vec<u32> = (0..n as u32).collect();
        let mut prio: Vec<i64> = left.par_iter().map(|&v| c.priority(&deleted, v)).collect();
        let mut rank = vec![u32::MAX; n];
        let mut rounds = Vec::new();
        let mut next_rank = 0u32;
        while !left.is_empty() {
            let mut round: Vec<u32> = left
                .par_iter()
                .copied()
                .filter(|&v| c.is_local_min(&prio, v, hops))
                .collect();
            round.sort_unstable_by_key(|&v| (prio[v as usize], v));
            rounds.push(next_rank);
            for &v in &round {
                rank[v as usize] = next_rank;
                next_rank += 1;
            }
            let mut touched: Vec<u32> = Vec::new();
            for nbs in c.contract_round(&round) {
                for &nb in &nbs {
                    deleted[nb as usize] += 1;
                }
                touched.extend(nbs);
            }
            touched.sort_unstable();
            touched.dedup();
            // A neighbour's priority reads only the graph and its own count
            // of deleted neighbours, both final for this round.
            for (&nb, p) in touched.iter().zip(c.priorities(&deleted, &touched)) {
                prio[nb as usize] = p;
            }
            left.retain(|&v| rank[v as usize] == u32::MAX);
        }
        c.finish(graph, rank, rounds)
    }

    /// [`Hierarchy::prepare`] with batches run in parallel from
    /// `parallel_min` on (tests: 1 runs every batch in parallel).
    pub(in crate::routing) fn prepare_sequential_from(
        graph: &RoadGraph,
        parallel_min: usize,
    ) -> Hierarchy {
        let n = graph.node_count();
        let mut c = Contraction::new(graph, parallel_min);
        let mut deleted = vec![0i64; n];
        let all: Vec<u32> = (0..n as u32).collect();
        let mut prio = c.priorities(&deleted, &all);
        drop(all);
        let mut heap = BinaryHeap::with_capacity(n);
        for v in 0..n as u32 {
            heap.push(Reverse((prio[v as usize], v)));
        }
        let mut rank = vec![u32::MAX; n];
        let mut next_rank = 0u32;
        while let Some(Reverse((p, v))) = heap.pop() {
            if rank[v as usize] != u32::MAX || p != prio[v as usize] {
                continue;
            }
            let np = c.priority(&deleted, v);
            if let Some(Reverse((top, _))) = heap.peek()
                && np > *top
            {
                prio[v as usize] = np;
                heap.push(Reverse((np, v)));
                continue;
            }
            rank[v as usize] = next_rank;
            next_rank += 1;
            let nbs = c.contract(v);
            for &nb in &nbs {
                deleted[nb as usize] += 1;
            }
            // A neighbour's priority reads only its own count of deleted
            // neighbours, so counting them all first changes nothing.
            for (&nb, p) in nbs.iter().zip(c.priorities(&deleted, &nbs)) {
                prio[nb as usize] = p;
                heap.push(Reverse((p, nb)));
            }
        }
        c.finish(graph, rank, Vec::new())
    }

    /// Prepare by contracting the nodes in a given `order` (graph node ids,
    /// first contracted first), one at a time, as fast_paths'
    /// `prepare_with_order` does: no priorities, only the witness searches,
    /// on this graph's weights. Meant for the order of a hierarchy on the
    /// same roads at other speeds (the slower scenario). Any order gives
    /// exact times — a witness search only ever saves a shortcut that a
    /// path no longer makes needless — and a good one keeps the hierarchy
    /// small. Fails unless `order` is a permutation of the graph's nodes.
    pub fn prepare_with_order(graph: &RoadGraph, order: &[u32]) -> Result<Hierarchy> {
        Self::prepare_with_rounds(graph, order, &[])
    }

    /// [`Hierarchy::prepare_with_order`] replaying `rounds` (the first rank
    /// of each, as [`Hierarchy::rounds`] gives them; empty: one node at a
    /// time). The weights may differ from those the rounds were found on,
    /// so shortcuts may differ and join two nodes of one round: each round
    /// is cut, in order, wherever a node is a neighbour of an earlier node
    /// of its part, and each part is contracted in parallel. The order is
    /// kept exactly; the parts become the new hierarchy's rounds. Fails
    /// unless `order` is a permutation of the graph's nodes and `rounds`
    /// starts at 0 and increases within it.
    pub fn prepare_with_rounds(
        graph: &RoadGraph,
        order: &[u32],
        rounds: &[u32],
    ) -> Result<Hierarchy> {
        let n = graph.node_count();
        let rank = ranks_of_order(order, n)?;
        check_rounds(rounds, n)?;
        let mut c = Contraction::new(graph, PARALLEL_MIN);
        if rounds.is_empty() {
            for &v in order {
                c.contract(v);
            }
            return Ok(c.finish(graph, rank, Vec::new()));
        }
        let mut parts = Vec::with_capacity(rounds.len());
        let ends = rounds.iter().skip(1).copied().chain([n as u32]);
        for (start, end) in rounds.iter().copied().zip(ends) {
            let round = &order[start as usize..end as usize];
            let mut i = 0;
            while i < round.len() {
                let mut j = i;
                while j < round.len() && c.free_of_round(round[j]) {
                    c.mark(round[j]);
                    j += 1;
                }
                parts.push(start + i as u32);
                c.contract_round(&round[i..j]);
                i = j;
            }
        }
        Ok(c.finish(graph, rank, parts))
    }
}

/// The rank of each node of a contraction `order` over `n` nodes, or why
/// it is not a permutation.
fn ranks_of_order(order: &[u32], n: usize) -> Result<Vec<u32>> {
    if order.len() != n {
        bail!("contraction order has {} nodes, the graph {n}", order.len());
    }
    let mut rank = vec![u32::MAX; n];
    for (r, &v) in order.iter().enumerate() {
        match rank.get_mut(v as usize) {
            Some(slot) if *slot == u32::MAX => *slot = r as u32,
            Some(_) => bail!("contraction order names node {v} twice"),
            None => bail!("contraction order names node {v}, beyond the graph's {n}"),
        }
    }
    Ok(rank)
}

/// Round starts over `n` ranks: empty, or from 0, increasing, below `n`.
pub(in crate::routing) fn check_rounds(rounds: &[u32], n: usize) -> Result<()> {
    if let Some(&first) = rounds.first()
        && first != 0
    {
        bail!("contraction rounds start at rank {first}, not 0");
    }
    if let Some(w) = rounds.windows(2).find(|w| w[0] >= w[1]) {
        bail!("contraction rounds do not increase: {} then {}", w[0], w[1]);
    }
    if let Some(&last) = rounds.last()
        && last as usize >= n
    {
        bail!("contraction round starts at rank {last}, beyond the graph's {n} nodes");
    }
    Ok(())
}
