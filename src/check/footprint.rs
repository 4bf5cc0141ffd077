//! Footprints: which areas belong to which PCN.
//!
//! The rule, in order (PRODUCT.md): the planner's `footprints.csv` when
//! given; otherwise each area goes to the PCN with the most patients
//! registered from it (ties broken by the lowest PCN code, and reported);
//! otherwise (no registrations from the area) to the PCN of the nearest
//! located practice in a straight line from the area's centroid. The
//! drive-time variant of the last rule belongs to the routing stage.

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
    /// Not assigned.
    Unassigned,
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

/// Assign every area of the dataset to PCNs.
pub fn assign(ds: &Dataset) -> Footprints {
    let n = ds.areas.len();
    let mut a = Assigning {
        area_pcns: vec![Vec::new(); n],
        area_rule: vec![AssignRule::Unassigned; n],
        ties: Vec::new(),
        nearest_m: BTreeMap::new(),
    };
    if let Some(rows) = &ds.footprints {
        for r in rows {
            a.area_pcns[r.area.idx()].push(r.pcn);
            a.area_rule[r.area.idx()] = AssignRule::Footprints;
        }
    } else {
        a.by_registrations(ds);
        a.by_nearest_practice(ds);
    }
    let Assigning {
        mut area_pcns,
        area_rule,
        ties,
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
        nearest_m,
    }
}

/// Footprints being assigned, area by area.
struct Assigning {
    area_pcns: Vec<Vec<PcnId>>,
    area_rule: Vec<AssignRule>,
    ties: Vec<Tie>,
    nearest_m: BTreeMap<AreaId, f64>,
}

impl Assigning {
    /// Each area to the PCN with most registered patients living in it.
    fn by_registrations(&mut self, ds: &Dataset) {
        let n = ds.areas.len();
        let (area_pcns, area_rule, ties) =
            (&mut self.area_pcns, &mut self.area_rule, &mut self.ties);
        // Patients per (area, PCN).
        let mut counts: Vec<BTreeMap<PcnId, u64>> = vec![BTreeMap::new(); n];
        for r in ds.registrations() {
            if let Some(pcn) = ds.practice(r.practice).pcn.filter(|_| r.patients > 0) {
                *counts[r.area.idx()].entry(pcn).or_insert(0) += r.patients;
            }
        }
        for (i, c) in counts.iter().enumerate() {
            let Some(&max) = c.values().max() else {
                continue;
            };
            // PCN ids are in code order, so the first tied id is the lowest code.
            let tied: Vec<PcnId> = c
                .iter()
                .filter(|(_, v)| **v == max)
                .map(|(k, _)| *k)
                .collect();
            area_pcns[i].push(tied[0]);
            area_rule[i] = AssignRule::Registrations;
            if tied.len() > 1 {
                ties.push(Tie {
                    area: AreaId::from_idx(i),
                    pcns: tied,
                    patients: max,
                });
            }
        }
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
