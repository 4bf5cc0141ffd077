//! Repair: the fewest area moves that make a failing network valid (one
//! piece, in band or waived) while every other network stays as valid as
//! it was (a valid one stays valid; a failing one gets no worse).
//!
//! Exact for small cases: every set of up to `depth` moves drawn from the
//! network's own areas (to a neighbouring network) and its neighbours'
//! areas that touch it (into it) is tried, smallest sets first; among the
//! valid sets of the smallest size the one with the least objective wins
//! (ties: the first in enumeration order). So the answer is the fewest
//! moves *among moves of areas in or touching the network*: a repair
//! needing a chain of moves further out is not seen at this stage.
//! Otherwise (no valid set within `depth`, or too many sets to try) a
//! heuristic: the annealing search of [`super::search`] over the network
//! and its neighbours, charged a large cost per area moved, so it finds a
//! small repair but cannot prove it the smallest. A repair it cannot
//! complete is reported (`fixed` false) and not applied.

use super::ProposeOptions;
use super::problem::{HubCache, NetEval, Problem, Scratch, evaluate_areas};
use super::search::State;

/// Sets of moves tried per network at most, before falling back to the
/// heuristic.
pub const EXACT_SET_LIMIT: u64 = 2_000_000;

/// How one network was repaired.
#[derive(Clone, Debug, PartialEq)]
pub struct Repair {
    pub network: u32,
    /// `(area, to network)` in area order.
    pub moves: Vec<(u32, u32)>,
    /// Proved the fewest (exact search) or found by the heuristic.
    pub exact: bool,
    /// The network is valid afterwards.
    pub fixed: bool,
    /// Sets of moves tried by the exact search.
    pub sets_tried: u64,
    /// Annealing steps the heuristic ran (0 when the exact search found it).
    pub steps: u64,
}

fn n_choose_k(n: u64, k: u64) -> u64 {
    (0..k).fold(1u64, |acc, i| acc.saturating_mul(n - i) / (i + 1))
}

/// Repair every failing network of `label` in network order; returns the
/// new labelling and one [`Repair`] per network that was failing. Hubs and
/// tours are computed once for the whole run (they depend on the member
/// set only), and the networks evaluated afresh only after a repair moved
/// something.
pub fn repair_all(pb: &Problem, opts: &ProposeOptions, label: Vec<u32>) -> (Vec<u32>, Vec<Repair>) {
    let mut label = label;
    let mut out = Vec::new();
    let mut st = State::new(pb, opts, label.clone(), label.clone());
    for f in 0..pb.n_networks() as u32 {
        let e = &st.evals[f as usize];
        if e.violation(opts) <= e.floor(opts) {
            continue;
        }
        let mut cache = st.take_cache();
        let r = repair_one_with(pb, opts, &label, f, &mut cache);
        for &(a, to) in &r.moves {
            label[a as usize] = to;
        }
        st = if r.moves.is_empty() {
            let mut st = st;
            st.put_cache(cache);
            st
        } else {
            State::with_cache(pb, opts, label.clone(), label.clone(), cache)
        };
        out.push(r);
    }
    (label, out)
}

/// Repair network `f` of `label`.
pub fn repair_one(pb: &Problem, opts: &ProposeOptions, label: &[u32], f: u32) -> Repair {
    repair_one_with(pb, opts, label, f, &mut HubCache::default())
}

/// [`repair_one`] with hubs and tours already known.
fn repair_one_with(
    pb: &Problem,
    opts: &ProposeOptions,
    label: &[u32],
    f: u32,
    cache: &mut HubCache,
) -> Repair {
    if let Some(r) = exact(pb, opts, label, f, cache) {
        return r;
    }
    heuristic(pb, opts, label, f, cache)
}

/// The candidate moves: `f`'s areas to each neighbouring network, and
/// neighbouring areas into `f`.
fn candidates(pb: &Problem, label: &[u32], f: u32) -> Vec<(u32, u32)> {
    let mut c = Vec::new();
    for a in 0..label.len() as u32 {
        if pb.locked[a as usize] {
            continue;
        }
        let own = label[a as usize];
        for &b in &pb.neighbours[a as usize] {
            let lb = label[b as usize];
            if own == f && lb != f {
                c.push((a, lb));
            } else if own != f && lb == f {
                c.push((a, f));
            }
        }
    }
    c.sort_unstable();
    c.dedup();
    c
}

/// The networks as they are, and what a set of moves would make them.
struct Trial<'a> {
    pb: &'a Problem,
    opts: &'a ProposeOptions,
    label: &'a [u32],
    /// The failing network.
    f: u32,
    areas_of: Vec<Vec<u32>>,
    /// Each network as it is, evaluated when a trial first touches it.
    before: Vec<Option<NetEval>>,
    area_practices: Vec<Vec<u32>>,
    cache: &'a mut HubCache,
    scratch: Scratch,
}

impl<'a> Trial<'a> {
    fn new(
        pb: &'a Problem,
        opts: &'a ProposeOptions,
        label: &'a [u32],
        f: u32,
        cache: &'a mut HubCache,
    ) -> Self {
        let area_practices = pb.area_practices();
        let scratch = Scratch::new(label.len());
        let k = pb.n_networks();
        let mut areas_of: Vec<Vec<u32>> = vec![Vec::new(); k];
        for (a, &l) in label.iter().enumerate() {
            areas_of[l as usize].push(a as u32);
        }
        Trial {
            pb,
            opts,
            label,
            f,
            areas_of,
            before: vec![None; k],
            area_practices,
            cache,
            scratch,
        }
    }

    /// Network `g` as it is.
    fn before(&mut self, g: u32) -> NetEval {
        if let Some(e) = &self.before[g as usize] {
            return e.clone();
        }
        let e = evaluate_areas(
            self.pb,
            &self.areas_of[g as usize],
            self.label,
            g,
            &self.area_practices,
            self.cache,
            &mut self.scratch,
        );
        self.before[g as usize] = Some(e.clone());
        e
    }

    /// The change in objective if `set` (one move per area) repairs `f`
    /// and leaves no other network worse; `None` otherwise.
    fn cost(&mut self, set: &[(u32, u32)]) -> Option<f64> {
        let (f, opts) = (self.f, self.opts);
        let mut touched: Vec<u32> = vec![f];
        for &(a, to) in set {
            touched.push(self.label[a as usize]);
            touched.push(to);
        }
        touched.sort_unstable();
        touched.dedup();
        let mut dcost = 0.0;
        for &g in &touched {
            let mut areas: Vec<u32> = self.areas_of[g as usize]
                .iter()
                .copied()
                .filter(|a| !set.iter().any(|m| m.0 == *a))
                .collect();
            areas.extend(set.iter().filter(|m| m.1 == g).map(|m| m.0));
            let e = evaluate_areas(
                self.pb,
                &areas,
                self.label,
                g,
                &self.area_practices,
                self.cache,
                &mut self.scratch,
            );
            let before = &self.before(g);
            let limit = if g == f {
                before.floor(opts)
            } else {
                before.violation(opts)
            };
            if e.violation(opts) > limit
                || (e.areas > 0 && e.practices == 0 && before.practices > 0)
            {
                return None;
            }
            dcost += e.cost(opts) - before.cost(opts);
        }
        Some(dcost)
    }
}

/// Advance `idx` (strictly increasing indices below `n`) to the next
/// combination in lexicographic order; false after the last.
fn next_combination(idx: &mut [usize], n: usize) -> bool {
    let depth = idx.len();
    for i in (0..depth).rev() {
        if idx[i] < n - depth + i {
            idx[i] += 1;
            for j in i + 1..depth {
                idx[j] = idx[j - 1] + 1;
            }
            return true;
        }
    }
    false
}

fn exact(
    pb: &Problem,
    opts: &ProposeOptions,
    label: &[u32],
    f: u32,
    cache: &mut HubCache,
) -> Option<Repair> {
    let cands = candidates(pb, label, f);
    let mut trial = Trial::new(pb, opts, label, f, cache);
    let mut tried = 0u64;
    let mut found: Option<(f64, Vec<(u32, u32)>)> = None;
    for depth in 1..=opts.repair_depth {
        if n_choose_k(cands.len() as u64, depth as u64) > EXACT_SET_LIMIT {
            break;
        }
        let mut best: Option<(f64, Vec<(u32, u32)>)> = None;
        let mut idx: Vec<usize> = (0..depth).collect();
        if depth > cands.len() {
            break;
        }
        loop {
            let set: Vec<(u32, u32)> = idx.iter().map(|&i| cands[i]).collect();
            // One move per area.
            if set.windows(2).all(|w| w[0].0 != w[1].0) {
                tried += 1;
                if let Some(dcost) = trial.cost(&set)
                    && best.as_ref().is_none_or(|(c, _)| dcost < *c - 1e-9)
                {
                    best = Some((dcost, set));
                }
            }
            if !next_combination(&mut idx, cands.len()) {
                break;
            }
        }
        // Charged for moving practices, a larger set that moves none may
        // still be cheaper: look further (to the depth) while the best moves any.
        if let Some((c, set)) = best
            && found.as_ref().is_none_or(|(fc, _)| c < *fc - 1e-9)
        {
            found = Some((c, set));
        }
        let moves_practices = |set: &[(u32, u32)]| {
            set.iter()
                .any(|&(a, _)| !trial.area_practices[a as usize].is_empty())
        };
        if let Some((_, set)) = &found
            && (opts.practice_move_cost == 0.0 || !moves_practices(set))
        {
            break;
        }
    }
    found.map(|(_, moves)| Repair {
        network: f,
        moves,
        exact: true,
        fixed: true,
        sets_tried: tried,
        steps: 0,
    })
}

fn heuristic(
    pb: &Problem,
    opts: &ProposeOptions,
    label: &[u32],
    f: u32,
    cache: &mut HubCache,
) -> Repair {
    // A move costs far more than any change in driving: fewest moves first.
    let mut o = opts.clone();
    o.move_cost = 1e9;
    if o.practice_move_cost > 0.0 {
        o.practice_move_cost = 1e11;
    }
    // Only the network and the networks it touches may change.
    let mut near = vec![false; pb.n_networks()];
    near[f as usize] = true;
    for (a, &l) in label.iter().enumerate() {
        if l == f {
            for &b in &pb.neighbours[a] {
                near[label[b as usize] as usize] = true;
            }
        }
    }
    let mut st = State::with_cache(
        pb,
        &o,
        label.to_vec(),
        label.to_vec(),
        std::mem::take(cache),
    );
    st.closed = near.iter().map(|&n| !n).collect();
    st.cap = st.evals.iter().map(|e| e.violation(&o)).collect();
    st.cap[f as usize] = u64::MAX;
    // Steps in proportion to the areas that may move, not the whole map.
    let open = label.iter().filter(|&&l| near[l as usize]).count();
    let steps = o.iterations_for(open);
    st.anneal(steps, o.seed);
    *cache = st.take_cache();
    let e = &st.evals[f as usize];
    let fixed = e.violation(&o) <= e.floor(&o);
    // A partial repair is not applied.
    let moves: Vec<(u32, u32)> = (0..label.len())
        .filter(|&a| fixed && st.label[a] != label[a])
        .map(|a| (a as u32, st.label[a]))
        .collect();
    Repair {
        network: f,
        fixed,
        moves,
        exact: false,
        sets_tried: 0,
        steps,
    }
}
