//! Footprints: which areas belong to which PCN.
//!
//! The rule, in order (PRODUCT.md): the planner's `footprints.csv` when
//! given; otherwise each area goes to the PCN with the most patients
//! registered from it (ties broken by the lowest PCN code, and reported);
//! otherwise (no registrations from the area) to the PCN of the nearest
//! located practice in a straight line from the area's centroid. The
//! drive-time variant of the last rule belongs to the routing stage.
//!
//! Patients registered at practices with no PCN (ODS's *Unallocated*, PCN
//! code `U`) count towards an area's patients but belong to no footprint.
//! Where they are the most, the PCN with the most of the rest takes the
//! area only when it has at least `min_footprint_share` of all the area's
//! patients; otherwise the area stays unassigned (rule
//! `mostly_unallocated`). Either way the area is a finding naming each
//! PCN's share, so no network is split by an area it barely serves
//! without a word.

use crate::model::{AreaId, Dataset, PcnId, PracticeId};
use geo::Coord;
use rstar::RTree;
use rstar::primitives::GeomWithData;
use serde::Serialize;
use std::collections::BTreeMap;

/// How one area's PCN was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignRule {
    /// Listed in `footprints.csv`.
    Footprints,
    /// The PCN with the most registered patients from the area.
    Registrations,
    /// The PCN of the nearest practice (straight line).
    NearestPractice,
    /// The PCN of the practice nearest by drive time (`analyse`, no
    /// footprints and no registrations).
    NearestPracticeByDrive,
    /// Not assigned: most of its patients are at practices with no PCN,
    /// and no PCN has `min_footprint_share` of them.
    MostlyUnallocated,
    /// Not assigned.
    Unassigned,
}

/// An area where practices with no PCN have the most registered patients.
#[derive(Clone, Debug, Serialize)]
pub struct Unallocated {
    pub area: AreaId,
    /// All patients registered from the area.
    pub patients: u64,
    /// Of them, at practices with no PCN.
    pub unallocated: u64,
    /// The rest by PCN, most first (ties: lowest code).
    pub pcns: Vec<(PcnId, u64)>,
    /// The PCN given the area (`None`: left unassigned).
    pub assigned: Option<PcnId>,
    /// The `min_footprint_share` it was judged by.
    pub min_share: f64,
}

/// An area whose registrations tie between PCNs.
#[derive(Clone, Debug, Serialize)]
pub struct Tie {
    pub area: AreaId,
    /// The tied PCNs, lowest code first (the first is chosen).
    pub pcns: Vec<PcnId>,
    pub patients: u64,
}

/// The footprint of every PCN.
#[derive(Clone, Debug)]
pub struct Footprints {
    /// PCNs each area belongs to (sorted; usually one; several only from
    /// `footprints.csv`, which is the `AREA_IN_TWO_PCNS` finding).
    pub area_pcns: Vec<Vec<PcnId>>,
    /// How each area was assigned.
    pub area_rule: Vec<AssignRule>,
    /// Areas of each PCN, sorted.
    pub pcn_areas: Vec<Vec<AreaId>>,
    pub ties: Vec<Tie>,
    /// Areas where practices with no PCN have the most patients.
    pub unallocated: Vec<Unallocated>,
    /// Straight-line distance to the nearest practice, for areas assigned
    /// by that rule.
    pub nearest_m: BTreeMap<AreaId, f64>,
}

impl Footprints {
    /// The overall rule, for the report: the rule of the first area source
    /// (`footprints.csv` or registrations with the nearest-practice fallback).
    pub fn rule_description(&self, ds: &Dataset) -> String {
        if ds.footprints.is_some() {
            "footprints.csv: each area belongs to the PCN(s) it is listed under".into()
        } else if !ds.registrations().is_empty() {
            "registrations: each area belongs to the PCN with the most patients registered from it (ties: lowest PCN code); areas with no registrations go to the PCN of the nearest practice in a straight line".into()
        } else if self.area_rule.contains(&AssignRule::NearestPracticeByDrive) {
            "nearest practice by drive time: each area belongs to the PCN of the practice with the shortest drive from its centroid (areas that cannot be routed: the nearest in a straight line)".into()
        } else {
            "nearest practice: each area belongs to the PCN of the practice nearest its centroid in a straight line".into()
        }
    }

    /// Reassign the areas placed by the straight-line rule to the PCN of
    /// the practice nearest by drive time: `nearest[i]` is area i's
    /// drive-nearest practice and the drive in seconds (`None`: keep the
    /// straight-line choice).
    pub fn reassign_by_drive(&mut self, ds: &Dataset, nearest: &[Option<(PracticeId, f64)>]) {
        for (i, n) in nearest.iter().enumerate() {
            if self.area_rule[i] != AssignRule::NearestPractice {
                continue;
            }
            if let Some(pcn) = n.and_then(|(p, _)| ds.practice(p).pcn) {
                self.area_pcns[i] = vec![pcn];
                self.area_rule[i] = AssignRule::NearestPracticeByDrive;
            }
        }
        let mut pcn_areas: Vec<Vec<AreaId>> = vec![Vec::new(); ds.pcns.len()];
        for (i, pcns) in self.area_pcns.iter().enumerate() {
            for p in pcns {
                pcn_areas[p.idx()].push(AreaId::from_idx(i));
            }
        }
        self.pcn_areas = pcn_areas;
    }

    /// Count areas by rule.
    pub fn rule_counts(&self) -> BTreeMap<AssignRule, usize> {
        let mut m = BTreeMap::new();
        for r in &self.area_rule {
            *m.entry(*r).or_insert(0) += 1;
        }
        m
    }
}

/// Assign every area of the dataset to PCNs, with the default
/// `min_footprint_share`.
pub fn assign(ds: &Dataset) -> Footprints {
    assign_with(
        ds,
        crate::check::run::CheckOptions::default().min_footprint_share,
    )
}

/// Assign every area of the dataset to PCNs; `min_share` is the
/// `min_footprint_share` of the module comment.
pub fn assign_with(ds: &Dataset, min_share: f64) -> Footprints {
    let n = ds.areas.len();
    let mut a = Assigning {
        area_pcns: vec![Vec::new(); n],
        area_rule: vec![AssignRule::Unassigned; n],
        ties: Vec::new(),
        unallocated: Vec::new(),
        nearest_m: BTreeMap::new(),
    };
    if let Some(rows) = &ds.footprints {
        for r in rows {
            a.area_pcns[r.area.idx()].push(r.pcn);
            a.area_rule[r.area.idx()] = AssignRule::Footprints;
        }
    } else {
        a.by_registrations(ds, min_share);
        a.by_nearest_practice(ds);
    }
    let Assigning {
        mut area_pcns,
        area_rule,
        ties,
        unallocated,
        nearest_m,
    } = a;
    let mut pcn_areas: Vec<Vec<AreaId>> = vec![Vec::new(); ds.pcns.len()];
    for (i, pcns) in area_pcns.iter_mut().enumerate() {
        pcns.sort();
        pcns.dedup();
        for p in pcns.iter() {
            pcn_areas[p.idx()].push(AreaId::from_idx(i));
        }
    }
    Footprints {
        area_pcns,
        area_rule,
        pcn_areas,
        ties,
        unallocated,
        nearest_m,
    }
}

/// Footprints being assigned, area by area.
struct Assigning {
    area_pcns: Vec<Vec<PcnId>>,
    area_rule: Vec<AssignRule>,
    ties: Vec<Tie>,
    unallocated: Vec<Unallocated>,
    nearest_m: BTreeMap<AreaId, f64>,
}

impl Assigning {
    /// Each area to the PCN with most registered patients living in it
    /// (unless practices with no PCN have more: see the module comment).
    fn by_registrations(&mut self, ds: &Dataset, min_share: f64) {
        let n = ds.areas.len();
        // Patients per (area, PCN), and per area at practices with no PCN.
        let mut counts: Vec<BTreeMap<PcnId, u64>> = vec![BTreeMap::new(); n];
        let mut no_pcn = vec![0u64; n];
        for r in ds.registrations().iter().filter(|r| r.patients > 0) {
            match ds.practice(r.practice).pcn {
                Some(pcn) => *counts[r.area.idx()].entry(pcn).or_insert(0) += r.patients,
                None => no_pcn[r.area.idx()] += r.patients,
            }
        }
        for (i, c) in counts.iter().enumerate() {
            let max = c.values().max().copied().unwrap_or(0);
            if no_pcn[i] > max {
                self.mostly_unallocated(AreaId::from_idx(i), c, no_pcn[i], min_share);
                continue;
            }
            if max == 0 {
                continue;
            }
            // PCN ids are in code order, so the first tied id is the lowest code.
            let tied: Vec<PcnId> = c
                .iter()
                .filter(|(_, v)| **v == max)
                .map(|(k, _)| *k)
                .collect();
            self.area_pcns[i].push(tied[0]);
            self.area_rule[i] = AssignRule::Registrations;
            if tied.len() > 1 {
                self.ties.push(Tie {
                    area: AreaId::from_idx(i),
                    pcns: tied,
                    patients: max,
                });
            }
        }
    }

    /// An area where practices with no PCN have the most patients: to the
    /// PCN with the most of the rest when it has `min_share` of them all.
    fn mostly_unallocated(
        &mut self,
        area: AreaId,
        counts: &BTreeMap<PcnId, u64>,
        unallocated: u64,
        min_share: f64,
    ) {
        let mut pcns: Vec<(PcnId, u64)> = counts.iter().map(|(p, v)| (*p, *v)).collect();
        pcns.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let patients = unallocated + pcns.iter().map(|p| p.1).sum::<u64>();
        let assigned = pcns
            .first()
            .filter(|(_, v)| *v as f64 >= min_share * patients as f64)
            .map(|(p, _)| *p);
        let i = area.idx();
        match assigned {
            Some(p) => {
                self.area_pcns[i].push(p);
                self.area_rule[i] = AssignRule::Registrations;
            }
            None => self.area_rule[i] = AssignRule::MostlyUnallocated,
        }
        self.unallocated.push(Unallocated {
            area,
            patients,
            unallocated,
            pcns,
            assigned,
            min_share,
        });
    }

    /// The areas left, to the PCN of the nearest located practice.
    fn by_nearest_practice(&mut self, ds: &Dataset) {
        let n = ds.areas.len();
        let (area_pcns, area_rule, nearest_m) = (
            &mut self.area_pcns,
            &mut self.area_rule,
            &mut self.nearest_m,
        );
        // Nearest located practice with a PCN, for the rest.
        let points: Vec<GeomWithData<[f64; 2], (u32, PcnId)>> = ds
            .practices
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                Some(GeomWithData::new(
                    [p.location?.x, p.location?.y],
                    (i as u32, p.pcn?),
                ))
            })
            .collect();
        let tree = RTree::bulk_load(points);
        for i in 0..n {
            if area_rule[i] != AssignRule::Unassigned {
                continue;
            }
            let Coord { x, y } = ds.areas[i].centroid;
            // Nearest; equal distances broken by the lower practice index.
            let mut best: Option<(f64, u32, PcnId)> = None;
            for (p, d2) in tree.nearest_neighbor_iter_with_distance_2(&[x, y]) {
                match best {
                    Some((bd, _, _)) if d2 > bd => break,
                    Some((bd, bi, _)) if d2 == bd && p.data.0 >= bi => {}
                    _ => best = Some((d2, p.data.0, p.data.1)),
                }
            }
            if let Some((d2, _, pcn)) = best {
                area_pcns[i].push(pcn);
                area_rule[i] = AssignRule::NearestPractice;
                nearest_m.insert(AreaId::from_idx(i), d2.sqrt());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Ruc;
    use crate::model::testutil::{add_pcn, reg, square_area};

    /// Three 1 km squares in a row, A | B | C (x = 0, 1000, 2000).
    /// PCN U1 has practice P1 in A; PCN U2 has practice P2 in C.
    fn row() -> Dataset {
        let mut ds = Dataset::default();
        for (i, code) in ["A", "B", "C"].iter().enumerate() {
            ds.areas.push(square_area(
                code,
                i as f64 * 1000.0,
                0.0,
                1000.0,
                1000,
                Ruc::C1,
            ));
        }
        add_pcn(&mut ds, "U1", &[("P1", 100, 500.0, 500.0)]);
        add_pcn(&mut ds, "U2", &[("P2", 100, 2500.0, 500.0)]);
        ds
    }

    #[test]
    fn nearest_practice_without_registrations() {
        // A's centroid (500, 500) is 0 m from P1; C's is 0 m from P2; B's
        // (1500, 500) is 1000 m from both: the tie goes to the lower
        // practice index, P1, so B joins U1.
        let f = assign(&row());
        assert_eq!(
            f.area_pcns,
            vec![vec![PcnId(0)], vec![PcnId(0)], vec![PcnId(1)]]
        );
        assert!(
            f.area_rule
                .iter()
                .all(|r| *r == AssignRule::NearestPractice)
        );
        assert_eq!(f.nearest_m[&AreaId(1)], 1000.0);
        assert_eq!(
            f.pcn_areas,
            vec![vec![AreaId(0), AreaId(1)], vec![AreaId(2)]]
        );
    }

    #[test]
    fn most_registered_patients_wins_and_ties_are_reported() {
        let mut ds = row();
        // A: 30 at P1, 10 at P2 → U1. B: 20 and 20 → tie, U1 (lower code).
        // C: 5 at P1, 50 at P2 → U2.
        *ds.registrations_mut() = vec![
            reg(0, 0, 30),
            reg(1, 0, 10),
            reg(0, 1, 20),
            reg(1, 1, 20),
            reg(0, 2, 5),
            reg(1, 2, 50),
        ];
        let f = assign(&ds);
        assert_eq!(
            f.area_pcns,
            vec![vec![PcnId(0)], vec![PcnId(0)], vec![PcnId(1)]]
        );
        assert!(f.area_rule.iter().all(|r| *r == AssignRule::Registrations));
        assert_eq!(f.ties.len(), 1);
        assert_eq!(f.ties[0].area, AreaId(1));
        assert_eq!(f.ties[0].pcns, vec![PcnId(0), PcnId(1)]);
        assert_eq!(f.ties[0].patients, 20);
    }

    /// `row()` with practice P3 (index 2) in B belonging to no PCN, as
    /// ODS's Unallocated practices do.
    fn row_with_unallocated() -> Dataset {
        let mut ds = row();
        let mut p3 = ds.practices[1].clone();
        p3.code = "P3".into();
        p3.pcn = None;
        ds.practices.push(p3);
        ds
    }

    #[test]
    fn an_area_mostly_at_practices_without_a_pcn_goes_only_above_the_share() {
        let mut ds = row_with_unallocated();
        // A: 60 at P3, 30 at P1, 10 at P2: U1 has 30 % ≥ 25 % → U1.
        // B: 80 at P3, 15 at P1, 5 at P2: U1 has 15 % < 25 % → no footprint,
        //    and not the nearest practice's either.
        // C: 10 at P3, 10 at P2: no-PCN only ties the best PCN → U2 as usual.
        *ds.registrations_mut() = vec![
            reg(2, 0, 60),
            reg(0, 0, 30),
            reg(1, 0, 10),
            reg(2, 1, 80),
            reg(0, 1, 15),
            reg(1, 1, 5),
            reg(2, 2, 10),
            reg(1, 2, 10),
        ];
        let f = assign_with(&ds, 0.25);
        assert_eq!(f.area_pcns, vec![vec![PcnId(0)], vec![], vec![PcnId(1)]]);
        assert_eq!(
            f.area_rule,
            vec![
                AssignRule::Registrations,
                AssignRule::MostlyUnallocated,
                AssignRule::Registrations
            ]
        );
        assert_eq!(f.pcn_areas, vec![vec![AreaId(0)], vec![AreaId(2)]]);
        let got: Vec<_> = f
            .unallocated
            .iter()
            .map(|u| {
                (
                    u.area,
                    u.patients,
                    u.unallocated,
                    u.pcns.clone(),
                    u.assigned,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    AreaId(0),
                    100,
                    60,
                    vec![(PcnId(0), 30), (PcnId(1), 10)],
                    Some(PcnId(0))
                ),
                (
                    AreaId(1),
                    100,
                    80,
                    vec![(PcnId(0), 15), (PcnId(1), 5)],
                    None
                ),
            ]
        );
        // A share of 0 keeps the old rule: the best PCN takes every area.
        let f = assign_with(&ds, 0.0);
        assert_eq!(
            f.area_pcns,
            vec![vec![PcnId(0)], vec![PcnId(0)], vec![PcnId(1)]]
        );
        assert_eq!(f.unallocated.len(), 2);
        // Above 30 %, A is left out too.
        let f = assign_with(&ds, 0.31);
        assert_eq!(f.area_rule[0], AssignRule::MostlyUnallocated);
    }

    #[test]
    fn an_area_registered_only_at_practices_without_a_pcn_is_left_out() {
        let mut ds = row_with_unallocated();
        *ds.registrations_mut() = vec![reg(2, 1, 50)];
        let f = assign(&ds);
        assert_eq!(f.area_rule[1], AssignRule::MostlyUnallocated);
        assert!(f.area_pcns[1].is_empty());
        assert_eq!(f.unallocated[0].pcns, vec![]);
        // A and C, with no registrations, by the nearest practice.
        assert_eq!(f.area_rule[0], AssignRule::NearestPractice);
    }

    #[test]
    fn areas_without_registrations_fall_back_to_nearest() {
        let mut ds = row();
        *ds.registrations_mut() = vec![reg(1, 0, 10)];
        let f = assign(&ds);
        // A → U2 by registrations even though P1 is nearer; B, C by distance.
        assert_eq!(f.area_pcns[0], vec![PcnId(1)]);
        assert_eq!(f.area_rule[0], AssignRule::Registrations);
        assert_eq!(f.area_rule[1], AssignRule::NearestPractice);
    }

    #[test]
    fn footprints_file_overrides_and_can_list_an_area_twice() {
        let mut ds = row();
        *ds.registrations_mut() = vec![reg(0, 2, 100)];
        ds.footprints = Some(vec![
            crate::model::FootprintRow {
                area: AreaId(0),
                pcn: PcnId(1),
                line: 2,
            },
            crate::model::FootprintRow {
                area: AreaId(0),
                pcn: PcnId(0),
                line: 3,
            },
            crate::model::FootprintRow {
                area: AreaId(2),
                pcn: PcnId(1),
                line: 4,
            },
        ]);
        let f = assign(&ds);
        assert_eq!(f.area_pcns[0], vec![PcnId(0), PcnId(1)]);
        assert_eq!(f.area_rule[1], AssignRule::Unassigned);
        assert!(f.area_pcns[1].is_empty());
        assert_eq!(f.area_pcns[2], vec![PcnId(1)]);
    }
}
