//! The search: seeded region growing from today's hubs (`--start scratch`)
//! or today's footprint (`--start current`), then simulated annealing over
//! single-area moves, then a deterministic descent.
//!
//! A move gives one boundary area to a neighbouring network. It is scored
//! lexicographically: first the total violation ([`NetEval::violation`]:
//! extra pieces, then patients outside the band), which a move may never
//! raise; then the objective ([`NetEval::cost`]), where a worse move is
//! accepted with probability `exp(-Δ/T)` (Kirkpatrick et al. 1983) under a
//! geometric cooling schedule. Whether a move splits the giving network
//! (the area is an articulation point of its footprint) is found by
//! counting the pieces left, a walk over that network's areas. Moving an
//! area that holds practices moves them with it, and re-picks both
//! networks' hubs and tours. Everything runs on one thread from a
//! splitmix64 stream of the seed, so the same seed gives the same answer
//! whatever the thread count.

use super::ProposeOptions;
use super::problem::{HubCache, NetEval, Problem, Scratch, evaluate_areas};
use crate::rng::SplitMix64;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The search state: a label per area, each network's areas, its measures.
pub struct State<'p> {
    pub pb: &'p Problem,
    pub opts: &'p ProposeOptions,
    /// Network of each area.
    pub label: Vec<u32>,
    /// Today's network of each area (moves are counted against it).
    pub reference: Vec<u32>,
    /// Networks that may neither give nor take areas (repair keeps the
    /// networks far from the one it repairs as they are).
    pub closed: Vec<bool>,
    /// Most violation each network may have ([`NetEval::violation`]);
    /// repair keeps valid networks valid and failing ones no worse.
    pub cap: Vec<u64>,
    members: Vec<Vec<u32>>,
    pos: Vec<usize>,
    pub evals: Vec<NetEval>,
    area_practices: Vec<Vec<u32>>,
    cache: HubCache,
    scratch: Scratch,
}

/// A candidate move's effect.
struct Delta {
    from: NetEval,
    to: NetEval,
    violation: i128,
    /// Change in [`NetEval::soft_violation`].
    soft: f64,
    cost: f64,
}

impl<'p> State<'p> {
    pub fn new(
        pb: &'p Problem,
        opts: &'p ProposeOptions,
        label: Vec<u32>,
        reference: Vec<u32>,
    ) -> Self {
        Self::with_cache(pb, opts, label, reference, HubCache::default())
    }

    /// As [`State::new`], with hubs and tours already known (`cache`: they
    /// depend on the member set only).
    pub fn with_cache(
        pb: &'p Problem,
        opts: &'p ProposeOptions,
        label: Vec<u32>,
        reference: Vec<u32>,
        mut cache: HubCache,
    ) -> Self {
        let k = pb.n_networks();
        let mut members = vec![Vec::new(); k];
        let mut pos = vec![0; label.len()];
        for (a, &l) in label.iter().enumerate() {
            pos[a] = members[l as usize].len();
            members[l as usize].push(a as u32);
        }
        let area_practices = pb.area_practices();
        let mut scratch = Scratch::new(label.len());
        let evals = (0..k as u32)
            .map(|n| {
                evaluate_areas(
                    pb,
                    &members[n as usize],
                    &reference,
                    n,
                    &area_practices,
                    &mut cache,
                    &mut scratch,
                )
            })
            .collect();
        State {
            pb,
            opts,
            closed: vec![false; k],
            cap: vec![u64::MAX; k],
            label,
            reference,
            members,
            pos,
            evals,
            area_practices,
            cache,
            scratch,
        }
    }

    /// Total violation and objective.
    pub fn score(&self) -> (u64, f64) {
        (
            self.evals.iter().map(|e| e.violation(self.opts)).sum(),
            self.evals.iter().map(|e| e.cost(self.opts)).sum(),
        )
    }

    /// The hubs and tours computed so far, for the next state.
    pub fn take_cache(&mut self) -> HubCache {
        std::mem::take(&mut self.cache)
    }

    /// Give back hubs and tours taken with [`State::take_cache`].
    pub fn put_cache(&mut self, cache: HubCache) {
        self.cache = cache;
    }

    /// Areas of network `k` (unordered).
    pub fn areas_of(&self, k: u32) -> &[u32] {
        &self.members[k as usize]
    }

    /// Networks other than the area's own that it touches and may take it,
    /// ascending (none when its own network is closed).
    pub fn neighbour_labels(&self, a: u32) -> Vec<u32> {
        let own = self.label[a as usize];
        if self.closed[own as usize] {
            return Vec::new();
        }
        let mut v: Vec<u32> = self.pb.neighbours[a as usize]
            .iter()
            .map(|&b| self.label[b as usize])
            .filter(|&l| l != own && !self.closed[l as usize])
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The effect of giving area `a` to network `to`; `None` when the area
    /// is locked or the move would leave a footprint with areas but no
    /// practice.
    fn delta(&mut self, a: u32, to: u32) -> Option<Delta> {
        if self.pb.locked[a as usize] {
            return None;
        }
        let from = self.label[a as usize];
        let old_f = &self.evals[from as usize];
        let has_practices = !self.area_practices[a as usize].is_empty();
        if has_practices
            && old_f.practices == self.area_practices[a as usize].len()
            && old_f.areas > 1
        {
            return None;
        }
        let (new_f, new_t) = if has_practices {
            self.reevaluate(a, from, to)
        } else {
            self.shift_area(a, from, to)
        };
        let o = self.opts;
        if new_f.violation(o) > self.cap[from as usize]
            || new_t.violation(o) > self.cap[to as usize]
        {
            return None;
        }
        let old_t = &self.evals[to as usize];
        let old_f = &self.evals[from as usize];
        let violation = i128::from(new_f.violation(o)) + i128::from(new_t.violation(o))
            - i128::from(old_f.violation(o))
            - i128::from(old_t.violation(o));
        let cost = new_f.cost(o) + new_t.cost(o) - old_f.cost(o) - old_t.cost(o);
        let soft = new_f.soft_violation(o) + new_t.soft_violation(o)
            - old_f.soft_violation(o)
            - old_t.soft_violation(o);
        Some(Delta {
            from: new_f,
            to: new_t,
            violation,
            soft,
            cost,
        })
    }

    /// Networks `from` and `to` evaluated afresh after moving area `a`
    /// (which has practices, so hubs and tours may change).
    fn reevaluate(&mut self, a: u32, from: u32, to: u32) -> (NetEval, NetEval) {
        let pb = self.pb;
        let f_areas: Vec<u32> = self.members[from as usize]
            .iter()
            .copied()
            .filter(|&x| x != a)
            .collect();
        let mut t_areas = self.members[to as usize].clone();
        t_areas.push(a);
        let nf = evaluate_areas(
            pb,
            &f_areas,
            &self.reference,
            from,
            &self.area_practices,
            &mut self.cache,
            &mut self.scratch,
        );
        let nt = evaluate_areas(
            pb,
            &t_areas,
            &self.reference,
            to,
            &self.area_practices,
            &mut self.cache,
            &mut self.scratch,
        );
        (nf, nt)
    }

    /// Networks `from` and `to` after moving area `a`, which has no
    /// practices: hubs stay; update the sums and count the pieces.
    fn shift_area(&mut self, a: u32, from: u32, to: u32) -> (NetEval, NetEval) {
        let pb = self.pb;
        let label = &self.label;
        let old_f = &self.evals[from as usize];
        let pop = pb.area_pop[a as usize];
        let mut nf = old_f.clone();
        let mut nt = self.evals[to as usize].clone();
        nf.areas -= 1;
        nt.areas += 1;
        nf.residents[0] -= pop;
        nt.residents[0] += pop;
        if pb.area_rural[a as usize] {
            nf.residents[1] -= pop;
            nt.residents[1] += pop;
        }
        if pb.area_sparse[a as usize] {
            nf.residents[2] -= pop;
            nt.residents[2] += pop;
        }
        if let Some(h) = nf.hub {
            nf.patient_s -= pop as f64 * pb.area_to_practice_s(a, h.hub);
        }
        if let Some(h) = nt.hub {
            nt.patient_s += pop as f64 * pb.area_to_practice_s(a, h.hub);
        }
        let r = self.reference[a as usize];
        if r == from {
            nt.moved += 1;
        } else if r == to {
            nf.moved -= 1;
        } else {
            nf.moved -= 1;
            nt.moved += 1;
        }
        nf.components = self.scratch.pieces(
            pb,
            self.members[from as usize]
                .iter()
                .copied()
                .filter(|&x| x != a),
            |y| y != a && label[y as usize] == from,
        );
        nt.components = self.scratch.pieces(
            pb,
            self.members[to as usize].iter().copied().chain([a]),
            |y| y == a || label[y as usize] == to,
        );
        (nf, nt)
    }

    fn apply(&mut self, a: u32, to: u32, d: Delta) {
        let from = self.label[a as usize];
        // Swap-remove from the old list, push onto the new.
        let i = self.pos[a as usize];
        let list = &mut self.members[from as usize];
        let last = list.len() - 1;
        list.swap(i, last);
        list.pop();
        if i < list.len() {
            let moved = list[i];
            self.pos[moved as usize] = i;
        }
        self.pos[a as usize] = self.members[to as usize].len();
        self.members[to as usize].push(a);
        self.label[a as usize] = to;
        self.evals[from as usize] = d.from;
        self.evals[to as usize] = d.to;
    }

    /// Give area `a` to network `to` if allowed; returns whether it moved.
    pub fn force_move(&mut self, a: u32, to: u32) -> bool {
        match self.delta(a, to) {
            Some(d) => {
                self.apply(a, to, d);
                true
            }
            None => false,
        }
    }

    /// Simulated annealing, then a descent; leaves the best labelling found.
    pub fn anneal(&mut self, iterations: u64, seed: u64) {
        let n = self.label.len() as u32;
        if n == 0 || self.pb.n_networks() < 2 {
            return;
        }
        let mut rng = SplitMix64::stream(seed, "propose-anneal");
        let t0 = self.start_temperature(&mut rng, n);
        let mut run = Run {
            rng,
            best: self.score(),
            best_label: self.label.clone(),
            t_lo: t0 * 1e-3,
        };
        // With penalties (`weights`), a patient outside the band weighs
        // from a thousandth of a typical move up to a thousand typical
        // moves, so the early search may pass through invalid footprints;
        // without, a move may never raise the violation.
        let half = iterations / 2;
        // Run A: the violation may never rise, all the steps. Run B, from
        // the same start: half the steps with rising penalties, half as A
        // from the best found. The best of both is kept.
        let start = self.label.clone();
        self.phase(&mut run, iterations, t0, None);
        self.reset(start);
        self.phase(&mut run, half, t0, Some((t0 * 1e-3, t0 * 1e3)));
        self.reset(run.best_label.clone());
        self.phase(&mut run, iterations - half, t0 * 0.1, None);
        self.reset(run.best_label);
        self.descend();
    }

    /// Starting temperature: the mean worsening among sampled moves.
    fn start_temperature(&mut self, rng: &mut SplitMix64, n: u32) -> f64 {
        let (mut worse_sum, mut worse_n) = (0.0, 0u32);
        for _ in 0..(4 * n).min(2000) {
            let a = rng.below(n as usize) as u32;
            let ls = self.neighbour_labels(a);
            if ls.is_empty() {
                continue;
            }
            let to = ls[rng.below(ls.len())];
            if let Some(d) = self
                .delta(a, to)
                .filter(|d| d.violation == 0 && d.cost > 0.0)
            {
                worse_sum += d.cost;
                worse_n += 1;
            }
        }
        if worse_n > 0 {
            worse_sum / f64::from(worse_n)
        } else {
            1.0
        }
    }

    /// One annealing phase of `steps` moves cooling from `t_hi` to the
    /// run's `t_lo`; with `weights` (from, to) the soft violation is
    /// charged at a weight rising geometrically between them.
    fn phase(&mut self, run: &mut Run, steps: u64, t_hi: f64, weights: Option<(f64, f64)>) {
        let n = self.label.len() as u32;
        let t_lo = run.t_lo;
        let rng = &mut run.rng;
        let per = |hi: f64, lo: f64| {
            if steps > 1 {
                (lo / hi).powf(1.0 / steps as f64)
            } else {
                1.0
            }
        };
        let cool = per(t_hi, t_lo);
        let (mut w, rise) = weights.map_or((0.0, 1.0), |(w0, w1)| (w0, per(w0, w1)));
        let mut t = t_hi;
        for _ in 0..steps {
            t *= cool;
            w *= rise;
            let a = rng.below(n as usize) as u32;
            let ls = self.neighbour_labels(a);
            if ls.is_empty() {
                continue;
            }
            let to = ls[rng.below(ls.len())];
            let Some(d) = self.delta(a, to) else {
                continue;
            };
            let accept = if weights.is_some() {
                let change = d.cost + w * d.soft;
                change <= 0.0 || rng.unit() < (-change / t).exp()
            } else {
                d.violation < 0
                    || (d.violation == 0 && (d.cost <= 0.0 || rng.unit() < (-d.cost / t).exp()))
            };
            if !accept {
                continue;
            }
            self.apply(a, to, d);
            let s = self.score();
            if better(s, run.best) {
                run.best = s;
                run.best_label.clone_from(&self.label);
            }
        }
    }

    /// Replace the labelling (recomputing every network).
    pub fn reset(&mut self, label: Vec<u32>) {
        let fresh = State::with_cache(
            self.pb,
            self.opts,
            label,
            std::mem::take(&mut self.reference),
            self.take_cache(),
        );
        let closed = std::mem::take(&mut self.closed);
        let cap = std::mem::take(&mut self.cap);
        *self = fresh;
        self.closed = closed;
        self.cap = cap;
    }

    /// Take every improving move (areas in id order, networks ascending)
    /// until none is left.
    pub fn descend(&mut self) {
        let n = self.label.len() as u32;
        loop {
            let mut improved = false;
            for a in 0..n {
                for to in self.neighbour_labels(a) {
                    let Some(d) = self.delta(a, to) else {
                        continue;
                    };
                    if d.violation < 0 || (d.violation == 0 && d.cost < -1e-9) {
                        self.apply(a, to, d);
                        improved = true;
                        break;
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }
}

/// Lexicographic: less violation, then less objective.
fn better(a: (u64, f64), b: (u64, f64)) -> bool {
    a.0 < b.0 || (a.0 == b.0 && a.1 < b.1 - 1e-9)
}

/// Grow networks from seed areas: repeatedly give the unassigned area
/// nearest (drive time to its hub practice) to a network it touches.
/// `seeds[k]` is network k's seed area and hub practice; `None` leaves the
/// network empty. Areas no network reaches (another piece of the map) go to
/// the network with the nearest hub.
pub fn grow(pb: &Problem, seeds: &[Option<(u32, u32)>]) -> Vec<u32> {
    let n = pb.n_areas();
    let mut label = vec![u32::MAX; n];
    let mut heap = BinaryHeap::new();
    let ms = |a: u32, p: u32| (pb.area_to_practice_s(a, p) * 1000.0).round() as u64;
    for (k, s) in seeds.iter().enumerate() {
        if let Some((a, p)) = *s {
            heap.push(Reverse((0u64, a, k as u32, p)));
        }
    }
    while let Some(Reverse((_, a, k, p))) = heap.pop() {
        if label[a as usize] != u32::MAX {
            continue;
        }
        label[a as usize] = k;
        for &b in &pb.neighbours[a as usize] {
            if label[b as usize] == u32::MAX {
                heap.push(Reverse((ms(b, p), b, k, p)));
            }
        }
    }
    for a in 0..n as u32 {
        if label[a as usize] == u32::MAX {
            label[a as usize] = seeds
                .iter()
                .enumerate()
                .filter_map(|(k, s)| s.map(|(_, p)| (ms(a, p), k as u32)))
                .min()
                .map_or(0, |x| x.1);
        }
    }
    label
}
/// The state an annealing run carries across its phases.
struct Run {
    rng: SplitMix64,
    /// Best score and labelling found so far.
    best: (u64, f64),
    best_label: Vec<u32>,
    /// Temperature every phase cools to.
    t_lo: f64,
}
