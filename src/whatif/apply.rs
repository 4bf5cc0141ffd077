//! Applying edits to a dataset: the edited dataset is built as if its files
//! had been edited and loaded again (PCN ids in code order, members in
//! practice order), so that running `check` or `analyse` on it is exactly a
//! full re-run on edited files.
//!
//! Closing a practice re-allocates its patients: each of its registration
//! rows (an area and a number of patients) goes to the remaining practice
//! nearest to that area's centroid — by drive time when roads are given
//! (among the 8 remaining practices nearest in a straight line, as
//! [`crate::analyse::nearest`] does), in a straight line otherwise — and
//! that practice's list size grows by the same number. Any part of the
//! closed practice's list size not covered by registration rows goes to the
//! remaining practice nearest to the closed practice itself.

use super::edits::{Edit, EditAt, NewLocation, NewPractice};
use crate::check::footprint::Footprints;
use crate::load::codepoint::PostcodeLookup;
use crate::model::{AreaId, Dataset, FootprintRow, Pcn, PcnId, Practice, PracticeId, Registration};
use anyhow::{Result, bail};
use geo::Coord;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Drive times in seconds from one point to several (BNG metres);
/// `f64::INFINITY` where there is no route. `None` in [`ApplyContext`]
/// means straight-line distances.
pub type DriveFn<'a> = dyn Fn(Coord<f64>, &[Coord<f64>]) -> Vec<f64> + 'a;

/// What applying edits needs besides the dataset.
pub struct ApplyContext<'a> {
    /// The baseline's footprints: a moved area in a dataset without
    /// `footprints.csv` turns the baseline assignment into the footprint
    /// table first.
    pub baseline_footprints: &'a Footprints,
    /// Drive times for re-allocating a closed practice's patients.
    pub drive: Option<&'a DriveFn<'a>>,
    /// Code-Point Open, for a new practice located by postcode.
    pub postcodes: Option<&'a PostcodeLookup>,
}

/// The edited dataset and how its ids relate to the baseline's.
pub struct Edited {
    pub ds: Dataset,
    /// The edited id of each baseline practice (`None`: closed).
    pub practice_map: Vec<Option<PracticeId>>,
    /// The edited id of each baseline PCN (merged PCNs map to the merger).
    pub pcn_map: Vec<Option<PcnId>>,
    /// One line per edit saying what it did.
    pub log: Vec<String>,
}

/// How many straight-line candidates the drive-time re-allocation looks at.
const DRIVE_CANDIDATES: usize = 8;

#[derive(Clone)]
struct WPractice {
    code: String,
    name: String,
    pcn: Option<String>,
    list_size: Option<u64>,
    postcode: Option<String>,
    location: Option<Coord<f64>>,
    closed: bool,
}

struct Work<'a> {
    base: &'a Dataset,
    ctx: &'a ApplyContext<'a>,
    practices: Vec<WPractice>,
    by_code: HashMap<String, usize>,
    pcn_names: BTreeMap<String, String>,
    /// (working practice index, area, patients).
    registrations: Vec<(usize, AreaId, u64)>,
    footprints: Option<Vec<(AreaId, String, u64)>>,
    /// PCN codes merged away → the code they became.
    renamed: BTreeMap<String, String>,
    /// PCNs left with no practice, and the edit that emptied them.
    emptied: BTreeMap<String, String>,
    closed_codes: BTreeSet<String>,
    moved_codes: BTreeSet<String>,
    log: Vec<String>,
}

/// Apply `edits` in order to `base`. Every edit that cannot be applied is
/// an error naming the edit, where it was given and the value.
pub fn apply_edits(base: &Dataset, edits: &[EditAt], ctx: &ApplyContext) -> Result<Edited> {
    let practices: Vec<WPractice> = base
        .practices
        .iter()
        .map(|p| WPractice {
            code: p.code.clone(),
            name: p.name.clone(),
            pcn: p.pcn.map(|q| base.pcn(q).code.clone()),
            list_size: p.list_size,
            postcode: p.postcode.clone(),
            location: p.location,
            closed: false,
        })
        .collect();
    let mut w = Work {
        base,
        ctx,
        by_code: practices
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.clone(), i))
            .collect(),
        practices,
        pcn_names: base
            .pcns
            .iter()
            .map(|p| (p.code.clone(), p.name.clone()))
            .collect(),
        registrations: base
            .registrations
            .iter()
            .map(|r| (r.practice.idx(), r.area, r.patients))
            .collect(),
        footprints: base.footprints.as_ref().map(|rows| {
            rows.iter()
                .map(|r| (r.area, base.pcn(r.pcn).code.clone(), r.line))
                .collect()
        }),
        renamed: BTreeMap::new(),
        emptied: BTreeMap::new(),
        closed_codes: BTreeSet::new(),
        moved_codes: BTreeSet::new(),
        log: Vec::new(),
    };
    for e in edits {
        let msg = match &e.edit {
            Edit::MovePractice { practice, to_pcn } => w.move_practice(practice, to_pcn, e),
            Edit::MoveArea { area, to_pcn } => w.move_area(area, to_pcn, e),
            Edit::AddPractice(np) => w.add_practice(np, e),
            Edit::ClosePractice { practice } => w.close_practice(practice, e),
            Edit::Merge { pcns, code, name } => w.merge(pcns, code.as_deref(), name.as_deref(), e),
        }?;
        w.log.push(format!("{}: {msg}", e.origin));
    }
    w.finish()
}

impl Work<'_> {
    fn live_practice(&self, code: &str, e: &EditAt) -> Result<usize> {
        match self.by_code.get(code) {
            Some(&i) if !self.practices[i].closed => Ok(i),
            Some(_) => bail!(
                "{}: {}: practice {code} was closed by an earlier edit",
                e.origin,
                e.edit.describe()
            ),
            None => bail!(
                "{}: {}: no practice {code} in the dataset",
                e.origin,
                e.edit.describe()
            ),
        }
    }

    fn existing_pcn(&self, code: &str, e: &EditAt) -> Result<()> {
        if self.pcn_names.contains_key(code) {
            return Ok(());
        }
        let hint = match self.renamed.get(code) {
            Some(to) => format!(" (an earlier merge made it {to})"),
            None => String::new(),
        };
        bail!(
            "{}: {}: no PCN {code} in the dataset{hint}; to make a new PCN, merge (`--merge A,B=NEWCODE`) or add a practice to an existing one",
            e.origin,
            e.edit.describe()
        )
    }

    /// The PCN codes that still have a practice.
    fn note_if_emptied(&mut self, code: &str, e: &EditAt) {
        let any = self
            .practices
            .iter()
            .any(|p| !p.closed && p.pcn.as_deref() == Some(code));
        if !any {
            self.pcn_names.remove(code);
            self.emptied.insert(code.to_string(), e.origin.clone());
        }
    }

    fn move_practice(&mut self, practice: &str, to: &str, e: &EditAt) -> Result<String> {
        let i = self.live_practice(practice, e)?;
        self.existing_pcn(to, e)?;
        let from = self.practices[i].pcn.clone();
        if from.as_deref() == Some(to) {
            bail!(
                "{}: {}: practice {practice} is already in {to}",
                e.origin,
                e.edit.describe()
            );
        }
        self.practices[i].pcn = Some(to.to_string());
        self.moved_codes.insert(practice.to_string());
        if let Some(f) = &from {
            self.note_if_emptied(f, e);
        }
        Ok(format!(
            "practice {practice} moved from {} to {to}",
            from.as_deref().unwrap_or("no PCN")
        ))
    }

    fn move_area(&mut self, area: &str, to: &str, e: &EditAt) -> Result<String> {
        let Some(a) = self
            .base
            .areas
            .iter()
            .position(|x| x.code == area)
            .map(AreaId::from_idx)
        else {
            bail!(
                "{}: {}: no area {area} in the dataset",
                e.origin,
                e.edit.describe()
            );
        };
        self.existing_pcn(to, e)?;
        let mut note = String::new();
        if self.footprints.is_none() {
            // Fix the footprint as the baseline assigned it, then move.
            let fp = self.ctx.baseline_footprints;
            let mut rows = Vec::new();
            for (i, pcns) in fp.area_pcns.iter().enumerate() {
                for p in pcns {
                    rows.push((AreaId::from_idx(i), self.base.pcn(*p).code.clone(), 0));
                }
            }
            for (k, r) in rows.iter_mut().enumerate() {
                r.2 = k as u64 + 2;
            }
            self.footprints = Some(rows);
            note = " (the baseline footprints, as assigned, became the footprint table)".into();
        }
        let rows = self.footprints.get_or_insert_with(Vec::new);
        let before: Vec<String> = rows
            .iter()
            .filter(|r| r.0 == a)
            .map(|r| r.1.clone())
            .collect();
        if before.len() == 1 && before[0] == to {
            bail!(
                "{}: {}: area {area} is already in {to}'s footprint",
                e.origin,
                e.edit.describe()
            );
        }
        match rows.iter().position(|r| r.0 == a) {
            Some(k) => {
                rows[k].1 = to.to_string();
                let mut seen = false;
                rows.retain(|r| {
                    if r.0 != a {
                        return true;
                    }
                    let keep = !seen;
                    seen = true;
                    keep
                });
            }
            None => {
                let line = rows.iter().map(|r| r.2).max().unwrap_or(1) + 1;
                rows.push((a, to.to_string(), line));
            }
        }
        Ok(format!(
            "area {area} moved from {} to {to}{note}",
            if before.is_empty() {
                "no PCN".to_string()
            } else {
                before.join(" and ")
            }
        ))
    }

    fn add_practice(&mut self, np: &NewPractice, e: &EditAt) -> Result<String> {
        if self.by_code.contains_key(&np.code) {
            bail!(
                "{}: {}: practice code {} is already in the dataset",
                e.origin,
                e.edit.describe(),
                np.code
            );
        }
        self.existing_pcn(&np.pcn, e)?;
        let (location, postcode) = match &np.location {
            NewLocation::LonLat { lon, lat } => {
                if let Some(why) = crate::coords::check_wgs84(*lon, *lat) {
                    bail!("{}: {}: {why}", e.origin, e.edit.describe());
                }
                (crate::coords::wgs84_to_bng(*lon, *lat), None)
            }
            NewLocation::EastingNorthing { easting, northing } => {
                if let Some(why) = crate::coords::check_bng(*easting, *northing) {
                    bail!("{}: {}: {why}", e.origin, e.edit.describe());
                }
                (
                    Coord {
                        x: *easting,
                        y: *northing,
                    },
                    None,
                )
            }
            NewLocation::Postcode(pc) => {
                let Some(lookup) = self.ctx.postcodes else {
                    bail!(
                        "{}: {}: postcode {pc} needs a Code-Point Open folder (--postcodes DIR)",
                        e.origin,
                        e.edit.describe()
                    );
                };
                let Some(c) = lookup.get(pc) else {
                    bail!(
                        "{}: {}: postcode {pc} is not in the Code-Point Open folder",
                        e.origin,
                        e.edit.describe()
                    );
                };
                (c, Some(pc.clone()))
            }
        };
        self.by_code.insert(np.code.clone(), self.practices.len());
        self.practices.push(WPractice {
            code: np.code.clone(),
            name: np.name.clone(),
            pcn: Some(np.pcn.clone()),
            list_size: Some(np.list_size),
            postcode,
            location: Some(location),
            closed: false,
        });
        Ok(format!(
            "practice {} ({}) added to {} with {} patients",
            np.code, np.name, np.pcn, np.list_size
        ))
    }

    /// The remaining practice (with a PCN and a location) nearest `from`.
    fn nearest_remaining(&self, from: Coord<f64>) -> Option<usize> {
        let d2 = |c: Coord<f64>| (c.x - from.x).powi(2) + (c.y - from.y).powi(2);
        let mut cands: Vec<(f64, usize)> = self
            .practices
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.closed && p.pcn.is_some())
            .filter_map(|(i, p)| Some((d2(p.location?), i)))
            .collect();
        cands.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let straight = cands.first().map(|c| c.1);
        let Some(drive) = self.ctx.drive else {
            return straight;
        };
        cands.truncate(DRIVE_CANDIDATES);
        let to: Vec<Coord<f64>> = cands
            .iter()
            .filter_map(|c| self.practices[c.1].location)
            .collect();
        let t = drive(from, &to);
        let mut best: Option<(f64, usize)> = None;
        for (k, &s) in t.iter().enumerate() {
            if s.is_finite() && best.is_none_or(|b| s < b.0) {
                best = Some((s, cands[k].1));
            }
        }
        best.map(|b| b.1).or(straight)
    }

    fn close_practice(&mut self, practice: &str, e: &EditAt) -> Result<String> {
        let i = self.live_practice(practice, e)?;
        self.practices[i].closed = true;
        self.closed_codes.insert(practice.to_string());
        let rows: Vec<(usize, AreaId, u64)> = self
            .registrations
            .iter()
            .copied()
            .filter(|r| r.0 == i)
            .collect();
        self.registrations.retain(|r| r.0 != i);
        let mut to_whom: BTreeMap<String, u64> = BTreeMap::new();
        let mut moved = 0u64;
        for (_, a, n) in rows {
            let Some(t) = self.nearest_remaining(self.base.area(a).centroid) else {
                bail!(
                    "{}: {}: no remaining practice with a PCN and a location to take the patients of area {}",
                    e.origin,
                    e.edit.describe(),
                    self.base.area(a).code
                );
            };
            match self
                .registrations
                .iter_mut()
                .find(|r| r.0 == t && r.1 == a)
            {
                Some(r) => r.2 += n,
                None => self.registrations.push((t, a, n)),
            }
            self.grow(t, n);
            moved += n;
            *to_whom.entry(self.practices[t].code.clone()).or_insert(0) += n;
        }
        let rest = self.practices[i]
            .list_size
            .unwrap_or(0)
            .saturating_sub(moved);
        if rest > 0 {
            let Some(t) = self.practices[i]
                .location
                .and_then(|c| self.nearest_remaining(c))
            else {
                bail!(
                    "{}: {}: {rest} patients of {practice} are not in registrations and the practice has no location to find the nearest practice from",
                    e.origin,
                    e.edit.describe()
                );
            };
            self.grow(t, rest);
            *to_whom.entry(self.practices[t].code.clone()).or_insert(0) += rest;
        }
        if let Some(pcn) = self.practices[i].pcn.clone() {
            self.note_if_emptied(&pcn, e);
        }
        let parts: Vec<String> = to_whom.iter().map(|(c, n)| format!("{c} {n}")).collect();
        Ok(format!(
            "practice {practice} closed; its patients went to {}",
            if parts.is_empty() {
                "nobody (it had none)".to_string()
            } else {
                parts.join(", ")
            }
        ))
    }

    fn grow(&mut self, i: usize, n: u64) {
        let p = &mut self.practices[i];
        p.list_size = Some(p.list_size.unwrap_or(0) + n);
    }

    fn merge(
        &mut self,
        pcns: &[String],
        code: Option<&str>,
        name: Option<&str>,
        e: &EditAt,
    ) -> Result<String> {
        let mut seen = BTreeSet::new();
        for p in pcns {
            self.existing_pcn(p, e)?;
            if !seen.insert(p.as_str()) {
                bail!(
                    "{}: {}: PCN {p} is listed twice",
                    e.origin,
                    e.edit.describe()
                );
            }
        }
        let target = code.unwrap_or(&pcns[0]).to_string();
        if self.pcn_names.contains_key(&target) && !seen.contains(target.as_str()) {
            bail!(
                "{}: {}: the new code {target} is already another PCN's; list it among the PCNs to merge",
                e.origin,
                e.edit.describe()
            );
        }
        let name = match name {
            Some(n) => n.to_string(),
            None => self
                .pcn_names
                .get(&target)
                .or_else(|| self.pcn_names.get(&pcns[0]))
                .cloned()
                .unwrap_or_else(|| target.clone()),
        };
        for p in self.practices.iter_mut() {
            if p.pcn.as_ref().is_some_and(|c| seen.contains(c.as_str())) {
                p.pcn = Some(target.clone());
            }
        }
        if let Some(rows) = &mut self.footprints {
            for r in rows.iter_mut() {
                if seen.contains(r.1.as_str()) {
                    r.1 = target.clone();
                }
            }
            // An area listed under two of the merged PCNs: keep its first row.
            let mut have = BTreeSet::new();
            rows.retain(|r| have.insert((r.0, r.1.clone())));
        }
        for p in pcns {
            self.pcn_names.remove(p);
            if *p != target {
                self.renamed.insert(p.clone(), target.clone());
            }
        }
        self.renamed.remove(&target);
        self.pcn_names.insert(target.clone(), name.clone());
        Ok(format!("{} merged into {target} ({name})", pcns.join(", ")))
    }

    fn finish(self) -> Result<Edited> {
        let base = self.base;
        // Practices, closed ones dropped.
        let mut practice_of_work: Vec<Option<PracticeId>> = vec![None; self.practices.len()];
        let mut kept: Vec<&WPractice> = Vec::new();
        for (i, p) in self.practices.iter().enumerate() {
            if !p.closed {
                practice_of_work[i] = Some(PracticeId::from_idx(kept.len()));
                kept.push(p);
            }
        }
        // PCNs in code order, members in practice order (as the loader does).
        let codes: BTreeSet<&str> = kept.iter().filter_map(|p| p.pcn.as_deref()).collect();
        let pcn_id: HashMap<&str, PcnId> = codes
            .iter()
            .enumerate()
            .map(|(i, c)| (*c, PcnId::from_idx(i)))
            .collect();
        let mut pcns: Vec<Pcn> = codes
            .iter()
            .map(|c| Pcn {
                code: c.to_string(),
                name: self
                    .pcn_names
                    .get(*c)
                    .cloned()
                    .unwrap_or_else(|| c.to_string()),
                practices: Vec::new(),
            })
            .collect();
        let practices: Vec<Practice> = kept
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let pcn = p.pcn.as_deref().and_then(|c| pcn_id.get(c).copied());
                if let Some(q) = pcn {
                    pcns[q.idx()].practices.push(PracticeId::from_idx(i));
                }
                Practice {
                    code: p.code.clone(),
                    name: p.name.clone(),
                    pcn,
                    list_size: p.list_size,
                    postcode: p.postcode.clone(),
                    location: p.location,
                }
            })
            .collect();
        let registrations: Vec<Registration> = self
            .registrations
            .iter()
            .filter_map(|&(i, area, patients)| {
                Some(Registration {
                    practice: practice_of_work[i]?,
                    area,
                    patients,
                })
            })
            .collect();
        let footprints = match &self.footprints {
            None => None,
            Some(rows) => {
                let mut out = Vec::with_capacity(rows.len());
                for (area, code, line) in rows {
                    let Some(&pcn) = pcn_id.get(code.as_str()) else {
                        let by = self.emptied.get(code).map_or(String::new(), |o| {
                            format!(" ({o} left it with no practice)")
                        });
                        bail!(
                            "after the edits, PCN {code} has no practice{by} but the footprints still give it area {}: move its areas or merge it",
                            base.area(*area).code
                        );
                    };
                    out.push(FootprintRow {
                        area: *area,
                        pcn,
                        line: *line,
                    });
                }
                Some(out)
            }
        };
        let notices = base
            .notices
            .iter()
            .filter(|n| {
                !self.closed_codes.contains(&n.subject)
                    && !(n.code == "PRACTICE_WITHOUT_PCN" && self.moved_codes.contains(&n.subject))
            })
            .cloned()
            .collect();
        let practice_map: Vec<Option<PracticeId>> = (0..base.practices.len())
            .map(|i| practice_of_work[i])
            .collect();
        let pcn_map: Vec<Option<PcnId>> = base
            .pcns
            .iter()
            .map(|p| {
                let mut c = p.code.as_str();
                while let Some(to) = self.renamed.get(c) {
                    c = to;
                }
                pcn_id.get(c).copied()
            })
            .collect();
        Ok(Edited {
            ds: Dataset {
                practices,
                pcns,
                areas: base.areas.clone(),
                registrations,
                footprints,
                links: base.links.clone(),
                inputs: base.inputs.clone(),
                notices,
            },
            practice_map,
            pcn_map,
            log: self.log,
        })
    }
}
