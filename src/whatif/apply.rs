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
use crate::model::{
    AreaId, Branch, BranchId, Dataset, FootprintRow, Pcn, PcnId, Practice, PracticeId, Registration,
};
use anyhow::{Context, Result, bail};
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
    /// Each baseline branch's id in the edited dataset (`None`: its
    /// practice closed).
    pub branch_map: Vec<Option<BranchId>>,
    /// The edited id of each baseline PCN (merged PCNs map to the merger).
    pub pcn_map: Vec<Option<PcnId>>,
    /// One line per edit saying what it did.
    pub log: Vec<String>,
}

/// `items` joined with `sep`, or `none` when there are none.
fn listed(items: &[String], sep: &str, none: &str) -> String {
    if items.is_empty() {
        none.to_string()
    } else {
        items.join(sep)
    }
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
    /// Sub-ICB, ICB and region: the base practice's; an added practice
    /// takes its PCN's in the base (empty for a new PCN).
    org: crate::model::OrgUnits,
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
            org: p.org.clone(),
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
            .registrations()
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
            listed(&before, " and ", "no PCN")
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
        crate::load::columns::within(
            &format!("{}: {}: list_size", e.origin, e.edit.describe()),
            &np.list_size.to_string(),
            np.list_size,
            crate::load::columns::MAX_LIST_SIZE,
        )?;
        self.by_code.insert(np.code.clone(), self.practices.len());
        self.practices.push(WPractice {
            code: np.code.clone(),
            name: np.name.clone(),
            pcn: Some(np.pcn.clone()),
            list_size: Some(np.list_size),
            postcode,
            location: Some(location),
            closed: false,
            org: self
                .base
                .pcns
                .iter()
                .find(|q| q.code == np.pcn)
                .map(|q| q.org.clone())
                .unwrap_or_default(),
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
            match self.registrations.iter_mut().find(|r| r.0 == t && r.1 == a) {
                Some(r) => {
                    r.2 = r.2.checked_add(n).with_context(|| {
                        format!(
                            "{}: {}: the registrations of area {} overflow when {n} patients move",
                            e.origin,
                            e.edit.describe(),
                            self.base.area(a).code
                        )
                    })?
                }
                None => self.registrations.push((t, a, n)),
            }
            self.grow(t, n, e)?;
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
            self.grow(t, rest, e)?;
            *to_whom.entry(self.practices[t].code.clone()).or_insert(0) += rest;
        }
        if let Some(pcn) = self.practices[i].pcn.clone() {
            self.note_if_emptied(&pcn, e);
        }
        let parts: Vec<String> = to_whom.iter().map(|(c, n)| format!("{c} {n}")).collect();
        Ok(format!(
            "practice {practice} closed; its patients went to {}",
            listed(&parts, ", ", "nobody (it had none)")
        ))
    }

    /// Add `n` moved patients to practice `i`'s list (a checked sum: an
    /// overflow is an error naming the edit, never a wrapped list).
    fn grow(&mut self, i: usize, n: u64, e: &EditAt) -> Result<()> {
        let p = &mut self.practices[i];
        let Some(sum) = p.list_size.unwrap_or(0).checked_add(n) else {
            bail!(
                "{}: {}: practice {}'s list size overflows when {n} patients move to it",
                e.origin,
                e.edit.describe(),
                p.code
            );
        };
        p.list_size = Some(sum);
        Ok(())
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
        let (pcn_id, pcns, practices) = self.pcns_and_practices(&kept);
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
        let footprints = self.footprint_rows(&pcn_id)?;
        let practice_map: Vec<Option<PracticeId>> = (0..base.practices.len())
            .map(|i| practice_of_work[i])
            .collect();
        let pcn_map = self.pcn_map(&pcn_id);
        // Branches follow their practice; a closed practice's are dropped.
        let mut branch_map: Vec<Option<BranchId>> = vec![None; base.branches.len()];
        let mut branches = Vec::new();
        for (i, b) in base.branches.iter().enumerate() {
            if let Some(p) = practice_map[b.practice.idx()] {
                branch_map[i] = Some(BranchId::from_idx(branches.len()));
                branches.push(Branch {
                    practice: p,
                    ..b.clone()
                });
            }
        }
        let mut ds = Dataset::default();
        ds.branches = branches;
        ds.sites_given = base.sites_given;
        ds.practices = practices;
        ds.pcns = pcns;
        ds.areas = base.areas.clone();
        *ds.registrations_mut() = registrations;
        ds.footprints = footprints;
        ds.links = base.links.clone();
        ds.inputs = base.inputs.clone();
        (ds.sources, ds.list_size_source) = (base.sources.clone(), base.list_size_source.clone());
        ds.notices = self.notices();
        Ok(Edited {
            ds,
            practice_map,
            branch_map,
            pcn_map,
            log: self.log,
        })
    }

    /// PCNs in code order, members in practice order (as the loader does).
    fn pcns_and_practices<'w>(
        &self,
        kept: &[&'w WPractice],
    ) -> (HashMap<&'w str, PcnId>, Vec<Pcn>, Vec<Practice>) {
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
                org: crate::model::OrgUnits::default(),
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
                    org: p.org.clone(),
                }
            })
            .collect();
        for pcn in &mut pcns {
            pcn.org = crate::model::pcn_org(&practices, &pcn.practices).0;
        }
        (pcn_id, pcns, practices)
    }

    /// The footprint rows in the edited PCNs' ids; an error when a PCN left
    /// with no practice still has areas.
    fn footprint_rows(&self, pcn_id: &HashMap<&str, PcnId>) -> Result<Option<Vec<FootprintRow>>> {
        let Some(rows) = &self.footprints else {
            return Ok(None);
        };
        let mut out = Vec::with_capacity(rows.len());
        for (area, code, line) in rows {
            let Some(&pcn) = pcn_id.get(code.as_str()) else {
                let by = self.emptied.get(code).map_or(String::new(), |o| {
                    format!(" ({o} left it with no practice)")
                });
                bail!(
                    "after the edits, PCN {code} has no practice{by} but the footprints still give it area {}: move its areas or merge it",
                    self.base.area(*area).code
                );
            };
            out.push(FootprintRow {
                area: *area,
                pcn,
                line: *line,
            });
        }
        Ok(Some(out))
    }

    /// The loader's notices that still hold: not about closed practices, nor
    /// "without a PCN" for practices moved into one.
    fn notices(&self) -> Vec<crate::model::Notice> {
        self.base
            .notices
            .iter()
            .filter(|n| {
                let closed = self.closed_codes.contains(&n.subject);
                let now_in_a_pcn =
                    n.code == "PRACTICE_WITHOUT_PCN" && self.moved_codes.contains(&n.subject);
                !(closed || now_in_a_pcn)
            })
            .cloned()
            .collect()
    }

    /// Each baseline PCN's id in the edited dataset, following renames and
    /// merges; `None` when it is gone.
    fn pcn_map(&self, pcn_id: &HashMap<&str, PcnId>) -> Vec<Option<PcnId>> {
        self.base
            .pcns
            .iter()
            .map(|p| {
                let mut c = p.code.as_str();
                while let Some(to) = self.renamed.get(c) {
                    c = to;
                }
                pcn_id.get(c).copied()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    //! Hand-made datasets; every expected value worked out by hand in the
    //! comments.
    use super::*;
    use crate::check::footprint::assign;
    use crate::model::Ruc;
    use crate::model::testutil::{add_pcn, reg, squares_in_a_row};
    use crate::whatif::edits::{
        parse_add_practice, parse_close_practice, parse_merge, parse_move_area, parse_move_practice,
    };

    /// Areas A | B | C, 1 km squares at x = 0, 1000, 2000 (centroids at
    /// x = 500, 1500, 2500). U1 has P1 (x 500, 100 patients) and P2 (x 1500,
    /// 70); U2 has P3 (x 2500, 100).
    fn row() -> Dataset {
        let mut ds = Dataset::default();
        squares_in_a_row(&mut ds, &["A", "B", "C"], Ruc::C1);
        add_pcn(
            &mut ds,
            "U1",
            &[("P1", 100, 500.0, 500.0), ("P2", 70, 1500.0, 500.0)],
        );
        add_pcn(&mut ds, "U2", &[("P3", 100, 2500.0, 500.0)]);
        ds
    }

    fn apply(ds: &Dataset, edits: &[EditAt]) -> Result<Edited> {
        let fp = assign(ds);
        let ctx = ApplyContext {
            baseline_footprints: &fp,
            drive: None,
            postcodes: None,
        };
        apply_edits(ds, edits, &ctx)
    }

    fn codes(ds: &Dataset, q: PcnId) -> Vec<&str> {
        ds.pcn(q)
            .practices
            .iter()
            .map(|p| ds.practice(*p).code.as_str())
            .collect()
    }

    #[test]
    fn move_practice_rebuilds_members_in_practice_order() {
        let ds = row();
        let e = apply(&ds, &[parse_move_practice("P2=U2").unwrap()]).unwrap();
        // P2 (id 1) comes before P3 (id 2) in U2, as a reload would list them.
        assert_eq!(codes(&e.ds, PcnId(0)), vec!["P1"]);
        assert_eq!(codes(&e.ds, PcnId(1)), vec!["P2", "P3"]);
        assert_eq!(e.ds.practices[1].pcn, Some(PcnId(1)));
        assert_eq!(
            e.practice_map,
            vec![
                Some(PracticeId(0)),
                Some(PracticeId(1)),
                Some(PracticeId(2))
            ]
        );
        assert_eq!(e.pcn_map, vec![Some(PcnId(0)), Some(PcnId(1))]);
    }

    #[test]
    fn unknown_codes_are_errors_naming_edit_and_value() {
        let ds = row();
        for (edit, want) in [
            (
                parse_move_practice("P2=U9").unwrap(),
                "--move-practice P2=U9: move-practice P2=U9: no PCN U9",
            ),
            (parse_move_practice("P7=U2").unwrap(), "no practice P7"),
            (parse_move_area("Z=U2").unwrap(), "no area Z"),
            (parse_close_practice("P8").unwrap(), "no practice P8"),
            (parse_merge("U1,U7").unwrap(), "no PCN U7"),
            (parse_merge("U1,U1").unwrap(), "listed twice"),
            (parse_merge("U1,U2=U2").unwrap(), "merged into U2"),
        ] {
            match apply(&ds, std::slice::from_ref(&edit)) {
                Err(err) => assert!(err.to_string().contains(want), "{err}"),
                // Merging into the second's code is allowed.
                Ok(e) => assert_eq!(want, "merged into U2", "{:?}", e.log),
            }
        }
        let add = parse_add_practice("code=P1,name=X,pcn=U1,list_size=1,easting=500,northing=500")
            .unwrap();
        let err = apply(&ds, &[add]).err().unwrap().to_string();
        assert!(
            err.contains("practice code P1 is already in the dataset"),
            "{err}"
        );
    }

    #[test]
    fn close_practice_reallocates_registrations_to_the_nearest_remaining() {
        let mut ds = row();
        // P2 has A 10, B 20, C 30 (60 of its 70 patients); P1 has A 5.
        *ds.registrations_mut() = vec![reg(1, 0, 10), reg(1, 1, 20), reg(1, 2, 30), reg(0, 0, 5)];
        let e = apply(&ds, &[parse_close_practice("P2").unwrap()]).unwrap();
        // A (x 1500 → centroid 500): P1 at 0 m → P1's A row grows to 15.
        // B (centroid 1500): P1 and P3 both 1000 m: the lower index, P1 → new row.
        // C (centroid 2500): P3 at 0 m → new row.
        // The 10 patients not in registrations go to the practice nearest P2
        // itself (x 1500): P1 and P3 tie at 1000 m → P1.
        let got: Vec<(&str, &str, u64)> =
            e.ds.registrations()
                .iter()
                .map(|r| {
                    (
                        e.ds.practice(r.practice).code.as_str(),
                        e.ds.area(r.area).code.as_str(),
                        r.patients,
                    )
                })
                .collect();
        assert_eq!(got, vec![("P1", "A", 15), ("P1", "B", 20), ("P3", "C", 30)]);
        // P1: 100 + 10 + 20 + 10 = 140; P3: 100 + 30 = 130; total kept (270).
        assert_eq!(e.ds.practices[0].list_size, Some(140));
        assert_eq!(e.ds.practices[1].list_size, Some(130));
        assert_eq!(
            e.practice_map,
            vec![Some(PracticeId(0)), None, Some(PracticeId(1))]
        );
        assert_eq!(codes(&e.ds, PcnId(0)), vec!["P1"]);
        assert!(e.log[0].contains("P1 40, P3 30"), "{}", e.log[0]);
    }

    #[test]
    fn close_practice_by_drive_time_uses_the_given_times() {
        let mut ds = row();
        *ds.registrations_mut() = vec![reg(1, 1, 20)];
        ds.practices[1].list_size = Some(20);
        let fp = assign(&ds);
        // A drive function that makes P3 (x 2500) the quicker from B.
        let drive = |_: Coord<f64>, to: &[Coord<f64>]| -> Vec<f64> {
            to.iter()
                .map(|c| if c.x == 2500.0 { 60.0 } else { 600.0 })
                .collect()
        };
        let ctx = ApplyContext {
            baseline_footprints: &fp,
            drive: Some(&drive),
            postcodes: None,
        };
        let e = apply_edits(&ds, &[parse_close_practice("P2").unwrap()], &ctx).unwrap();
        assert_eq!(e.ds.registrations()[0].practice, PracticeId(1));
        assert_eq!(e.ds.practices[1].code, "P3");
        assert_eq!(e.ds.practices[1].list_size, Some(120));
    }

    #[test]
    fn merge_under_a_new_code_renumbers_pcns_in_code_order() {
        let mut ds = row();
        add_pcn(&mut ds, "U3", &[("P4", 100, 2500.0, 500.0)]);
        ds.footprints = Some(vec![
            FootprintRow {
                area: AreaId(0),
                pcn: PcnId(0),
                line: 2,
            },
            FootprintRow {
                area: AreaId(0),
                pcn: PcnId(1),
                line: 3,
            },
            FootprintRow {
                area: AreaId(2),
                pcn: PcnId(2),
                line: 4,
            },
        ]);
        let e = apply(&ds, &[parse_merge("U1,U2=U0:NEW PCN").unwrap()]).unwrap();
        // U0 sorts first; U3 becomes id 1.
        assert_eq!(e.ds.pcns.len(), 2);
        assert_eq!(
            (e.ds.pcns[0].code.as_str(), e.ds.pcns[0].name.as_str()),
            ("U0", "NEW PCN")
        );
        assert_eq!(codes(&e.ds, PcnId(0)), vec!["P1", "P2", "P3"]);
        assert_eq!(
            e.pcn_map,
            vec![Some(PcnId(0)), Some(PcnId(0)), Some(PcnId(1))]
        );
        // Area A was listed under U1 and U2: one row for U0 now.
        let rows: Vec<(u32, u32, u64)> =
            e.ds.footprints
                .unwrap()
                .iter()
                .map(|r| (r.area.0, r.pcn.0, r.line))
                .collect();
        assert_eq!(rows, vec![(0, 0, 2), (2, 1, 4)]);
    }

    #[test]
    fn move_area_without_footprints_fixes_the_baseline_assignment() {
        let ds = row();
        // Baseline (nearest practice): A → U1 (P1), B → U1 (P2 at 0 m), C → U2.
        let e = apply(&ds, &[parse_move_area("B=U2").unwrap()]).unwrap();
        let rows: Vec<(u32, u32, u64)> =
            e.ds.footprints
                .unwrap()
                .iter()
                .map(|r| (r.area.0, r.pcn.0, r.line))
                .collect();
        assert_eq!(rows, vec![(0, 0, 2), (1, 1, 3), (2, 1, 4)]);
        assert!(
            e.log[0].contains("became the footprint table"),
            "{}",
            e.log[0]
        );
    }

    #[test]
    fn add_practice_appends_and_emptying_a_pcn_with_footprints_is_an_error() {
        let mut ds = row();
        let add = parse_add_practice(
            "code=P9,name=NEW,pcn=U2,list_size=50,easting=451000,northing=300000",
        )
        .unwrap();
        let e = apply(&ds, &[add]).unwrap();
        assert_eq!(e.ds.practices[3].code, "P9");
        assert_eq!(
            e.ds.practices[3].location,
            Some(Coord {
                x: 451000.0,
                y: 300000.0
            })
        );
        assert_eq!(codes(&e.ds, PcnId(1)), vec!["P3", "P9"]);

        ds.footprints = Some(vec![FootprintRow {
            area: AreaId(2),
            pcn: PcnId(1),
            line: 2,
        }]);
        let err = apply(&ds, &[parse_move_practice("P3=U1").unwrap()])
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("PCN U2 has no practice (--move-practice P3=U1 left it with no practice)")
                && err.contains("area C"),
            "{err}"
        );
    }
}
