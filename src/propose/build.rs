//! From a dataset, `check`'s result and drive times to a [`Problem`], and
//! from a proposed labelling back to a dataset `check` can verify.

use super::problem::{HubCache, NetEval, Problem, Reg, Scratch, evaluate_parts, hub_tour};
use super::repair::{Repair, repair_all};
use super::search::{State, grow};
use super::{Objective, ProposeOptions, Start};
use crate::analyse::network::{DriveTimes, Site};
use crate::check::run::CheckResult;
use crate::model::{AreaId, Dataset, FootprintRow, PcnId, PracticeId};

/// Drive times as the straight line at a fixed speed (when no roads are
/// given): practices at their location, areas at their centroid.
pub struct StraightLine<'a> {
    pub ds: &'a Dataset,
    pub kph: f64,
}

impl StraightLine<'_> {
    fn point(&self, s: Site) -> Option<geo::Coord<f64>> {
        match s {
            Site::Practice(p) => self.ds.practice(p).location,
            Site::Area(a) => Some(self.ds.area(a).centroid),
            Site::Branch(b) => self.ds.branch(b).location,
            Site::Candidate(_) => None,
        }
    }
}

impl DriveTimes for StraightLine<'_> {
    fn times(&self, from: &[Site], to: &[Site]) -> Vec<f64> {
        let mps = self.kph / 3.6;
        let mut out = Vec::with_capacity(from.len() * to.len());
        for &f in from {
            for &t in to {
                out.push(match (self.point(f), self.point(t)) {
                    (Some(a), Some(b)) => (a.x - b.x).hypot(a.y - b.y) / mps,
                    _ => f64::INFINITY,
                });
            }
        }
        out
    }
    fn routable(&self, site: Site) -> bool {
        self.point(site).is_some()
    }
}

/// The problem with the ids that tie it back to the dataset.
pub struct Built {
    pub problem: Problem,
    /// Dataset practice of each problem practice.
    pub practices: Vec<PracticeId>,
    /// Today's PCN of each area (`None`: unassigned; the first when in two).
    pub today: Vec<Option<u32>>,
    /// Today's footprint with each unassigned area given to the network
    /// most of its neighbours are in.
    pub filled: Vec<u32>,
    /// Practices standing in no area (kept in their PCN), and those with
    /// neither an area nor a PCN (left out).
    pub fixed_practices: usize,
    pub dropped_practices: usize,
    /// Area–practice and practice–practice pairs with no road route, timed
    /// as the straight line instead.
    pub straight_fallbacks: usize,
}

/// Build the problem from `check`'s result (its adjacency, footprints and
/// practice locations) and drive times.
pub fn build(ds: &Dataset, res: &CheckResult, times: &dyn DriveTimes, straight_kph: f64) -> Built {
    let n_areas = ds.areas.len();
    let reg = registered_by_practice(ds);
    let m = Members::split(ds, res, &reg);
    let (area_practice_s, practice_practice_s, straight_fallbacks) =
        drive_times(ds, &m.practices, times, straight_kph);
    let practices = m.practices;
    let practice_area = m.practice_area;
    let (fixed_list, fixed_reg) = (m.fixed_list, m.fixed_reg);
    let problem = Problem {
        neighbours: res
            .adjacency
            .neighbours
            .iter()
            .map(|v| v.iter().map(|a| a.0).collect())
            .collect(),
        area_pop: ds.areas.iter().map(|a| a.population.unwrap_or(0)).collect(),
        area_rural: ds
            .areas
            .iter()
            .map(|a| a.ruc.is_some_and(|c| c.is_rural()))
            .collect(),
        area_sparse: ds
            .areas
            .iter()
            .map(|a| a.ruc.is_some_and(|c| c.is_sparse()))
            .collect(),
        practice_list: practices
            .iter()
            .map(|&p| ds.practice(p).list_size.unwrap_or(0))
            .collect(),
        practice_reg: practices.iter().map(|&p| reg[p.idx()]).collect(),
        practice_today: practices
            .iter()
            .map(|&p| ds.practice(p).pcn.map(|k| k.0))
            .collect(),
        locked: vec![false; n_areas],
        pinned: vec![false; practices.len()],
        practice_area,
        fixed_list,
        fixed_reg,
        area_practice_s,
        practice_practice_s,
    };
    let today: Vec<Option<u32>> = (0..n_areas)
        .map(|a| res.footprints.area_pcns[a].first().map(|p| p.0))
        .collect();
    let filled = fill(&problem, ds, &today);
    Built {
        problem,
        practices,
        today,
        filled,
        fixed_practices: m.fixed_practices,
        dropped_practices: m.dropped_practices,
        straight_fallbacks,
    }
}

/// Registered patients by practice: total, rural, sparse.
fn registered_by_practice(ds: &Dataset) -> Vec<Reg> {
    let mut reg: Vec<Reg> = vec![[0; 3]; ds.practices.len()];
    for r in ds.registrations() {
        let ruc = ds.area(r.area).ruc;
        let x = &mut reg[r.practice.idx()];
        x[0] += r.patients;
        if ruc.is_some_and(|c| c.is_rural()) {
            x[1] += r.patients;
        }
        if ruc.is_some_and(|c| c.is_sparse()) {
            x[2] += r.patients;
        }
    }
    reg
}

/// Practices standing in an area (the problem's members) and those kept
/// in their network without one (fixed) or left out (no area, no PCN).
struct Members {
    practices: Vec<PracticeId>,
    practice_area: Vec<u32>,
    /// List sizes and registrations of each network's fixed practices.
    fixed_list: Vec<u64>,
    fixed_reg: Vec<Reg>,
    fixed_practices: usize,
    dropped_practices: usize,
}

impl Members {
    fn split(ds: &Dataset, res: &CheckResult, reg: &[Reg]) -> Members {
        let k = ds.pcns.len();
        let mut practices = Vec::new();
        let mut practice_area = Vec::new();
        let mut fixed_list = vec![0u64; k];
        let mut fixed_reg: Vec<Reg> = vec![[0; 3]; k];
        let (mut fixed_practices, mut dropped_practices) = (0, 0);
        for p in ds.practice_ids() {
            let pr = ds.practice(p);
            match (res.practice_area[p.idx()], pr.pcn) {
                (Some(a), _) => {
                    practices.push(p);
                    practice_area.push(a.0);
                }
                (None, Some(pcn)) => {
                    fixed_practices += 1;
                    fixed_list[pcn.idx()] += pr.list_size.unwrap_or(0);
                    for (f, x) in fixed_reg[pcn.idx()].iter_mut().zip(reg[p.idx()]) {
                        *f += x;
                    }
                }
                (None, None) => dropped_practices += 1,
            }
        }
        Members {
            practices,
            practice_area,
            fixed_list,
            fixed_reg,
            fixed_practices,
            dropped_practices,
        }
    }
}

/// Area → practice and practice → practice drive times (s), with the
/// straight line where no road route exists, and how often that was.
fn drive_times(
    ds: &Dataset,
    practices: &[PracticeId],
    times: &dyn DriveTimes,
    straight_kph: f64,
) -> (Vec<f64>, Vec<f64>, usize) {
    let area_sites: Vec<Site> = ds.area_ids().map(Site::Area).collect();
    let practice_sites: Vec<Site> = practices.iter().map(|&p| Site::Practice(p)).collect();
    let straight = StraightLine {
        ds,
        kph: straight_kph,
    };
    let mut straight_fallbacks = 0;
    let mut timed = |from: &[Site], to: &[Site]| -> Vec<f64> {
        let mut t = times.times(from, to);
        if t.iter().any(|x| !x.is_finite()) {
            let s = straight.times(from, to);
            for (x, y) in t.iter_mut().zip(s) {
                if !x.is_finite() {
                    *x = y;
                    straight_fallbacks += 1;
                }
            }
        }
        t
    };
    let area_practice_s = timed(&area_sites, &practice_sites);
    let practice_practice_s = timed(&practice_sites, &practice_sites);
    (area_practice_s, practice_practice_s, straight_fallbacks)
}

/// Give each unassigned area the network most of its assigned neighbours
/// are in (ties: the lowest), repeating until none is left; areas that
/// touch no assigned area go to the network of the nearest assigned area.
fn fill(pb: &Problem, ds: &Dataset, today: &[Option<u32>]) -> Vec<u32> {
    let mut label: Vec<Option<u32>> = today.to_vec();
    loop {
        let mut changed = false;
        for a in 0..label.len() {
            if label[a].is_some() {
                continue;
            }
            let mut counts: std::collections::BTreeMap<u32, usize> = Default::default();
            for &b in &pb.neighbours[a] {
                if let Some(l) = label[b as usize] {
                    *counts.entry(l).or_insert(0) += 1;
                }
            }
            let best = counts
                .iter()
                .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
                .map(|(l, _)| *l);
            if best.is_some() {
                label[a] = best;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let assigned: Vec<usize> = (0..label.len()).filter(|&a| label[a].is_some()).collect();
    (0..label.len())
        .map(|a| {
            label[a].unwrap_or_else(|| {
                let c = ds.areas[a].centroid;
                assigned
                    .iter()
                    .map(|&b| {
                        let d = ds.areas[b].centroid;
                        ((c.x - d.x).hypot(c.y - d.y), b)
                    })
                    .min_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)))
                    .and_then(|(_, b)| label[b])
                    .unwrap_or(0)
            })
        })
        .collect()
}

impl Built {
    /// Lock every area a practice stands in (no practice changes network),
    /// and return the labelling to start from: today's (filled), with each
    /// such area given to its practices' network today — so a practice
    /// standing outside its footprint brings its area home (one area
    /// moved). Practices of two networks in one area: the area stays where
    /// it is when that is one of theirs, else goes to the one with the
    /// larger list there (ties: the lower); the others are pinned to their
    /// own network (outside its footprint, as today). Practices in no
    /// network stay in none.
    pub fn lock_practice_areas(&mut self) -> Vec<u32> {
        let pb = &mut self.problem;
        let mut start = self.filled.clone();
        let mut by_area: Vec<std::collections::BTreeMap<u32, u64>> =
            vec![Default::default(); pb.n_areas()];
        for (p, &a) in pb.practice_area.iter().enumerate() {
            pb.locked[a as usize] = true;
            if let Some(k) = pb.practice_today[p] {
                *by_area[a as usize].entry(k).or_insert(0) += pb.practice_list[p];
            }
        }
        for (a, lists) in by_area.iter().enumerate() {
            if lists.contains_key(&start[a]) {
                continue;
            }
            let best = lists
                .iter()
                .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
                .map(|(k, _)| *k);
            if let Some(k) = best {
                start[a] = k;
            }
        }
        for p in 0..pb.n_practices() {
            let a = pb.practice_area[p] as usize;
            let today = pb.practice_today[p];
            if today == Some(start[a]) {
                continue;
            }
            pb.pinned[p] = true;
            if let Some(k) = today {
                pb.fixed_list[k as usize] += pb.practice_list[p];
                for (f, x) in pb.fixed_reg[k as usize].iter_mut().zip(pb.practice_reg[p]) {
                    *f += x;
                }
            }
        }
        start
    }
}

/// What `propose` found.
pub struct Outcome {
    /// The proposed network of each area.
    pub label: Vec<u32>,
    /// Today's measures of each network (today's members and footprint).
    pub today: Vec<NetEval>,
    /// The proposal's measures of each network.
    pub proposed: Vec<NetEval>,
    /// Per failing network, with `--repair` or a minimal change.
    pub repairs: Vec<Repair>,
    /// Run as `--repair`.
    pub repair: bool,
    /// Annealing steps run (the search, or the repair heuristics together).
    pub iterations: u64,
}

/// Today's members (problem practice numbers) of each network.
fn today_members(ds: &Dataset, b: &Built) -> Vec<Vec<u32>> {
    let mut index = vec![None; ds.practices.len()];
    for (i, p) in b.practices.iter().enumerate() {
        index[p.idx()] = Some(i as u32);
    }
    ds.pcns
        .iter()
        .map(|pcn| {
            let mut m: Vec<u32> = pcn
                .practices
                .iter()
                .filter_map(|p| index[p.idx()])
                .collect();
            m.sort_unstable();
            m
        })
        .collect()
}

/// Run the proposal (or, with `repair`, the repair) on a built problem,
/// from `start` (today's footprint, [`Built::lock_practice_areas`]'s when
/// practices stay put).
pub fn propose(
    ds: &Dataset,
    b: &Built,
    opts: &ProposeOptions,
    repair: bool,
    start: Vec<u32>,
) -> Outcome {
    let pb = &b.problem;
    let members = today_members(ds, b);
    // Today's measures, with today's membership and footprint.
    let mut cache = HubCache::default();
    let mut scratch = Scratch::new(pb.n_areas());
    let reference: Vec<u32> = b.filled.clone();
    let today: Vec<NetEval> = (0..pb.n_networks())
        .map(|k| {
            let areas: Vec<u32> = (0..pb.n_areas() as u32)
                .filter(|&a| b.today[a as usize] == Some(k as u32))
                .collect();
            evaluate_parts(
                pb,
                &areas,
                &members[k],
                &reference,
                k as u32,
                &mut cache,
                &mut scratch,
            )
        })
        .collect();
    let (label, repairs, iterations) = if repair || opts.objective == Objective::MinimalChange {
        // Fewest moves for each failing network; for a minimal change, then
        // every move that lowers (violation, practices moved, areas moved,
        // driving).
        let (l, r) = repair_all(pb, opts, start);
        let steps = r.iter().map(|r| r.steps).sum();
        if repair {
            (l, r, steps)
        } else {
            let mut st = State::new(pb, opts, l, reference.clone());
            // No network may end worse than the repairs left it.
            st.cap = st.evals.iter().map(|e| e.violation(opts)).collect();
            st.descend();
            (st.label, r, steps)
        }
    } else {
        let start = match opts.start {
            Start::Current => start,
            Start::Scratch => grow(pb, &scratch_seeds(pb, &members)),
        };
        let iterations = opts.iterations_for(pb.n_areas());
        let mut st = State::new(pb, opts, start, reference.clone());
        st.anneal(iterations, opts.seed);
        (st.label, Vec::new(), iterations)
    };
    let st = State::new(pb, opts, label.clone(), reference);
    Outcome {
        label,
        today,
        proposed: st.evals,
        repairs,
        repair,
        iterations,
    }
}

/// Seeds for growing from scratch: each network's hub practice's area;
/// when another network already holds it, its nearest other member's.
fn scratch_seeds(pb: &Problem, members: &[Vec<u32>]) -> Vec<Option<(u32, u32)>> {
    let mut used = vec![false; pb.n_areas()];
    members
        .iter()
        .map(|m| {
            let h = hub_tour(pb, m)?.hub;
            let mut order: Vec<u32> = m.clone();
            order.sort_by(|&x, &y| {
                pb.practice_to_practice_s(h, x)
                    .total_cmp(&pb.practice_to_practice_s(h, y))
                    .then(x.cmp(&y))
            });
            order.retain(|&p| p == h || pb.practice_to_practice_s(h, p).is_finite());
            order.sort_by_key(|&p| p != h);
            let p = order
                .into_iter()
                .find(|&p| !used[pb.practice_area[p as usize] as usize])?;
            let a = pb.practice_area[p as usize];
            used[a as usize] = true;
            Some((a, p))
        })
        .collect()
}

/// Whether a proposed network is still today's: it keeps its code and name
/// only if it keeps the majority of its registered patients (today's
/// members' list sizes); otherwise it is a new network, `NEW-<code>`.
#[derive(Clone, Debug, PartialEq)]
pub struct Identity {
    pub code: String,
    pub name: String,
    /// Share of today's registered patients whose practice stays in it
    /// (1 when it had none).
    pub kept_share: f64,
    pub kept: bool,
}

/// The proposed network of each practice (its area's label; practices in
/// no area keep their PCN).
pub fn proposed_pcn(ds: &Dataset, b: &Built, label: &[u32]) -> Vec<Option<PcnId>> {
    let mut v: Vec<Option<PcnId>> = ds.practices.iter().map(|p| p.pcn).collect();
    for (i, &p) in b.practices.iter().enumerate() {
        v[p.idx()] = b.problem.network_of(i, label).map(PcnId);
    }
    v
}

/// The [`Identity`] of every network under `label`.
pub fn identities(ds: &Dataset, b: &Built, label: &[u32]) -> Vec<Identity> {
    let to = proposed_pcn(ds, b, label);
    ds.pcn_ids()
        .map(|k| {
            let pcn = ds.pcn(k);
            let list = |p: &PracticeId| ds.practice(*p).list_size.unwrap_or(0);
            let total: u64 = pcn.practices.iter().map(list).sum();
            let kept: u64 = pcn
                .practices
                .iter()
                .filter(|p| to[p.idx()] == Some(k))
                .map(list)
                .sum();
            let kept_share = if total == 0 {
                1.0
            } else {
                kept as f64 / total as f64
            };
            let keeps = 2 * kept > total || total == 0;
            Identity {
                code: if keeps {
                    pcn.code.clone()
                } else {
                    format!("NEW-{}", pcn.code)
                },
                name: if keeps {
                    pcn.name.clone()
                } else {
                    format!("New network (was {})", pcn.name)
                },
                kept_share,
                kept: keeps,
            }
        })
        .collect()
}

/// The dataset as proposed: each practice in the network of the area it
/// stands in, the proposed footprints, and each network under its
/// [`Identity`] — for `check` (and `analyse`) to verify.
pub fn proposed_dataset(ds: &Dataset, b: &Built, label: &[u32]) -> Dataset {
    let mut out = ds.clone();
    let to = proposed_pcn(ds, b, label);
    for (p, k) in out.practices.iter_mut().zip(to) {
        p.pcn = k;
    }
    for (pcn, id) in out.pcns.iter_mut().zip(identities(ds, b, label)) {
        pcn.practices.clear();
        pcn.code = id.code;
        pcn.name = id.name;
    }
    for i in 0..out.practices.len() {
        if let Some(k) = out.practices[i].pcn {
            out.pcns[k.idx()].practices.push(PracticeId::from_idx(i));
        }
    }
    for k in 0..out.pcns.len() {
        out.pcns[k].org = crate::model::pcn_org(&out.practices, &out.pcns[k].practices).0;
    }
    out.footprints = Some(
        label
            .iter()
            .enumerate()
            .map(|(a, &k)| FootprintRow {
                area: AreaId::from_idx(a),
                pcn: PcnId(k),
                line: a as u64 + 2,
            })
            .collect(),
    );
    out
}
