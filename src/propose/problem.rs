//! The proposal problem in plain numbers: areas with their neighbours and
//! residents, practices with the area they stand in, list sizes and
//! registered patients, and drive times. Built from a [`Dataset`] by
//! [`super::build`]; unit tests build it by hand.
//!
//! A network is a label on areas. A practice belongs to the network whose
//! footprint holds the area it stands in (so `check` never finds it
//! outside its footprint): moving an area that holds practices moves them
//! too. Practices that stand in no area keep their PCN (`fixed_*`).

use super::ProposeOptions;
use crate::analyse::hub::{HubCandidates, choose_hub};
use crate::analyse::tour::{Day, shortest_tour};
use std::collections::HashMap;

/// Registered patients of a practice (or a network): total, living in rural
/// areas, living in sparse areas — the basis of `check`'s rural share.
pub type Reg = [u64; 3];

/// Everything the search needs, indexed by area and practice number.
#[derive(Clone, Debug)]
pub struct Problem {
    /// Adjacent areas of each area (the adjacency `check` uses).
    pub neighbours: Vec<Vec<u32>>,
    /// Residents of each area.
    pub area_pop: Vec<u64>,
    /// Whether each area is rural / sparse (for residents-based shares).
    pub area_rural: Vec<bool>,
    pub area_sparse: Vec<bool>,
    /// The area each movable practice stands in.
    pub practice_area: Vec<u32>,
    /// Registered list size of each practice (missing counts as 0).
    pub practice_list: Vec<u64>,
    /// Registered patients of each practice by area of residence.
    pub practice_reg: Vec<Reg>,
    /// Per network: list size and registered patients of practices that
    /// stand in no area (they keep their PCN).
    pub fixed_list: Vec<u64>,
    pub fixed_reg: Vec<Reg>,
    /// Today's network of each movable practice (`None`: in no PCN).
    pub practice_today: Vec<Option<u32>>,
    /// Areas that may not move: without `--move-practices`, every area a
    /// practice stands in (so no practice changes network).
    pub locked: Vec<bool>,
    /// Drive seconds from area i's centroid to practice j: `[i * np + j]`.
    pub area_practice_s: Vec<f64>,
    /// Drive seconds from practice i to practice j: `[i * np + j]`.
    pub practice_practice_s: Vec<f64>,
}

impl Problem {
    pub fn n_areas(&self) -> usize {
        self.neighbours.len()
    }
    pub fn n_practices(&self) -> usize {
        self.practice_area.len()
    }
    pub fn n_networks(&self) -> usize {
        self.fixed_list.len()
    }
    pub fn area_to_practice_s(&self, a: u32, p: u32) -> f64 {
        self.area_practice_s[a as usize * self.n_practices() + p as usize]
    }
    pub fn practice_to_practice_s(&self, i: u32, j: u32) -> f64 {
        self.practice_practice_s[i as usize * self.n_practices() + j as usize]
    }
    /// Areas whose practices together have more patients than `band_max`:
    /// a practice must stand inside its network's footprint and an area is
    /// in one network, so no proposal can bring that network into the band.
    pub fn crowded_areas(&self, band_max: u64) -> Vec<(u32, u64)> {
        let mut list = vec![0u64; self.n_areas()];
        for (p, &a) in self.practice_area.iter().enumerate() {
            list[a as usize] += self.practice_list[p];
        }
        (0..self.n_areas() as u32)
            .filter(|&a| list[a as usize] > band_max)
            .map(|a| (a, list[a as usize]))
            .collect()
    }

    /// Practices standing in each area, by practice number.
    pub fn area_practices(&self) -> Vec<Vec<u32>> {
        let mut v = vec![Vec::new(); self.n_areas()];
        for (p, &a) in self.practice_area.iter().enumerate() {
            v[a as usize].push(p as u32);
        }
        v
    }
}

/// Hub and staff tour of a set of member practices.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HubTour {
    /// The 1-median member (practice number), as `analyse` chooses it.
    pub hub: u32,
    /// The shortest closed tour from the hub through every member, seconds.
    pub tour_s: f64,
}

/// Hubs and tours by member set (sorted practice numbers), computed once.
#[derive(Default)]
pub struct HubCache {
    map: HashMap<Vec<u32>, Option<HubTour>>,
}

impl HubCache {
    /// Hub and tour of `members` (sorted); `None` without members.
    pub fn get(&mut self, pb: &Problem, members: &[u32]) -> Option<HubTour> {
        if let Some(h) = self.map.get(members) {
            return *h;
        }
        let h = hub_tour(pb, members);
        self.map.insert(members.to_vec(), h);
        h
    }
}

/// The 1-median hub of `members` by list-size-weighted drive time (as
/// `analyse` picks it, [`choose_hub`]) and the staff tour from it
/// ([`shortest_tour`]: exact up to 15 sites).
pub fn hub_tour(pb: &Problem, members: &[u32]) -> Option<HubTour> {
    if members.is_empty() {
        return None;
    }
    let times: Vec<Vec<f64>> = members
        .iter()
        .map(|&i| {
            members
                .iter()
                .map(|&j| {
                    if i == j {
                        0.0
                    } else {
                        pb.practice_to_practice_s(i, j)
                    }
                })
                .collect()
        })
        .collect();
    let weights: Vec<f64> = members
        .iter()
        .map(|&p| pb.practice_list[p as usize] as f64)
        .collect();
    let h = choose_hub(&HubCandidates {
        times: &times,
        member_weights: &weights,
    })
    .map_or(0, |c| c.median);
    // Tour sites: the hub first, then the other members in order.
    let mut sites = vec![h];
    sites.extend((0..members.len()).filter(|&i| i != h));
    let d = |i: usize, j: usize| times[sites[i]][sites[j]];
    let day = Day {
        length_s: 7.5 * 3600.0,
        on_site_s: 3600.0,
    };
    let tour = shortest_tour(&d, sites.len(), day);
    Some(HubTour {
        hub: members[h],
        tour_s: tour.seconds,
    })
}

/// One network's measures for a given set of areas and practices.
#[derive(Clone, Debug, PartialEq)]
pub struct NetEval {
    pub areas: usize,
    pub practices: usize,
    /// Connected pieces of its areas.
    pub components: usize,
    /// Registered population: member list sizes.
    pub list_size: u64,
    /// Registered patients of its practices (total, rural, sparse).
    pub reg: Reg,
    /// Residents of its areas (total, rural, sparse).
    pub residents: Reg,
    pub hub: Option<HubTour>,
    /// Σ residents × drive seconds from their area to the hub.
    pub patient_s: f64,
    /// Areas whose label differs from the reference (today's) footprint.
    pub moved: usize,
    /// Member practices that were in another network (or none) today.
    pub practices_moved: usize,
}

/// Penalty weight of one extra piece (or a footprint with no practice):
/// above any possible band shortfall, so contiguity comes first.
pub const PIECE_PENALTY: u64 = 1 << 40;

/// While annealing, an extra piece weighs as this many patients outside
/// the band, so the search may cross a briefly split footprint.
pub const SOFT_PIECE_PATIENTS: u64 = 5_000;

impl NetEval {
    /// Rural and sparse shares the way `check` measures them: registered
    /// patients when the practices have any, else residents.
    pub fn shares(&self) -> Option<(f64, f64)> {
        let b = if self.reg[0] > 0 {
            self.reg
        } else {
            self.residents
        };
        (b[0] > 0).then(|| (b[1] as f64 / b[0] as f64, b[2] as f64 / b[0] as f64))
    }

    /// Below the band but rural or sparse (`RURAL_WAIVER_CANDIDATE`).
    pub fn waiver_candidate(&self, o: &ProposeOptions) -> bool {
        self.list_size < o.band_min
            && self
                .shares()
                .is_some_and(|(r, s)| r >= o.rural_threshold || s >= o.rural_threshold)
    }

    /// How far the network is from valid: [`PIECE_PENALTY`] per extra piece
    /// (and for areas without a practice), plus the patients below or above
    /// the band (below is waived for a rural network when asked). 0 = valid.
    pub fn violation(&self, o: &ProposeOptions) -> u64 {
        let (pieces, band) = self.violation_parts(o);
        pieces * PIECE_PENALTY + band
    }

    /// The violation in two parts: extra pieces (a footprint with areas but
    /// no practice, or practices but no areas, counts as one), and patients
    /// outside the band.
    pub fn violation_parts(&self, o: &ProposeOptions) -> (u64, u64) {
        if self.areas == 0 {
            // A network with no areas: dissolved (no practices) or, with
            // practices that stand in no area, no footprint at all.
            return (u64::from(self.list_size > 0), 0);
        }
        let mut pieces = self.components.saturating_sub(1) as u64;
        if self.practices == 0 {
            pieces += 1;
        }
        let mut band = 0;
        if self.list_size < o.band_min && !(o.rural_waiver && self.waiver_candidate(o)) {
            band += o.band_min - self.list_size;
        }
        if self.list_size > o.band_max {
            band += self.list_size - o.band_max;
        }
        (pieces, band)
    }

    /// The violation as the annealing weighs it: an extra piece as
    /// [`SOFT_PIECE_PATIENTS`] patients outside the band.
    pub fn soft_violation(&self, o: &ProposeOptions) -> f64 {
        let (pieces, band) = self.violation_parts(o);
        (pieces * SOFT_PIECE_PATIENTS + band) as f64
    }

    /// The objective: residents × minutes to the hub + λ × tour minutes,
    /// plus the costs per area and per practice moved from today.
    pub fn cost(&self, o: &ProposeOptions) -> f64 {
        self.driving(o)
            + o.move_cost * self.moved as f64
            + o.practice_move_cost * self.practices_moved as f64
    }

    /// The driving part of the objective: residents × minutes to the hub +
    /// λ × tour minutes.
    pub fn driving(&self, o: &ProposeOptions) -> f64 {
        self.patient_s / 60.0 + o.lambda * self.hub.map_or(0.0, |h| h.tour_s) / 60.0
    }

    /// The violation no area move can remove while practices stay put: the
    /// patients outside the band (members, hence list size, are fixed).
    pub fn floor(&self, o: &ProposeOptions) -> u64 {
        if o.move_practices {
            0
        } else {
            self.violation_parts(o).1
        }
    }
}

/// Scratch space for counting pieces without allocating.
pub struct Scratch {
    stamp: Vec<u32>,
    generation: u32,
    stack: Vec<u32>,
}

impl Scratch {
    pub fn new(n: usize) -> Self {
        Self {
            stamp: vec![0; n],
            generation: 0,
            stack: Vec::new(),
        }
    }

    /// Connected pieces of the areas for which `inside` holds, walking from
    /// each of `members` (which must be exactly those areas).
    pub fn pieces(
        &mut self,
        pb: &Problem,
        members: impl Iterator<Item = u32>,
        inside: impl Fn(u32) -> bool,
    ) -> usize {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
        let g = self.generation;
        let mut n = 0;
        for a in members {
            if self.stamp[a as usize] == g {
                continue;
            }
            n += 1;
            self.stamp[a as usize] = g;
            self.stack.push(a);
            while let Some(x) = self.stack.pop() {
                for &y in &pb.neighbours[x as usize] {
                    if self.stamp[y as usize] != g && inside(y) {
                        self.stamp[y as usize] = g;
                        self.stack.push(y);
                    }
                }
            }
        }
        n
    }
}

/// Evaluate network `k` holding exactly `areas`.
pub fn evaluate_areas(
    pb: &Problem,
    areas: &[u32],
    reference: &[u32],
    k: u32,
    area_practices: &[Vec<u32>],
    cache: &mut HubCache,
    scratch: &mut Scratch,
) -> NetEval {
    let mut members: Vec<u32> = areas
        .iter()
        .flat_map(|&a| area_practices[a as usize].iter().copied())
        .collect();
    members.sort_unstable();
    evaluate_parts(pb, areas, &members, reference, k, cache, scratch)
}

/// Evaluate network `k` holding `areas` with member practices `members`
/// (sorted; today's members need not stand in its areas).
pub fn evaluate_parts(
    pb: &Problem,
    areas: &[u32],
    members: &[u32],
    reference: &[u32],
    k: u32,
    cache: &mut HubCache,
    scratch: &mut Scratch,
) -> NetEval {
    let mut list_size = pb.fixed_list[k as usize];
    let mut reg = pb.fixed_reg[k as usize];
    for &p in members {
        list_size += pb.practice_list[p as usize];
        for (r, x) in reg.iter_mut().zip(pb.practice_reg[p as usize]) {
            *r += x;
        }
    }
    let mut residents = [0u64; 3];
    let mut moved = 0;
    for &a in areas {
        let pop = pb.area_pop[a as usize];
        residents[0] += pop;
        if pb.area_rural[a as usize] {
            residents[1] += pop;
        }
        if pb.area_sparse[a as usize] {
            residents[2] += pop;
        }
        if reference[a as usize] != k {
            moved += 1;
        }
    }
    let practices_moved = members
        .iter()
        .filter(|&&p| pb.practice_today[p as usize] != Some(k))
        .count();
    let hub = cache.get(pb, members);
    let patient_s = hub.map_or(0.0, |h| {
        areas
            .iter()
            .map(|&a| pb.area_pop[a as usize] as f64 * pb.area_to_practice_s(a, h.hub))
            .sum()
    });
    let set: std::collections::HashSet<u32> = areas.iter().copied().collect();
    let components = scratch.pieces(pb, areas.iter().copied(), |y| set.contains(&y));
    NetEval {
        areas: areas.len(),
        practices: members.len(),
        components,
        list_size,
        reg,
        residents,
        hub,
        patient_s,
        moved,
        practices_moved,
    }
}
