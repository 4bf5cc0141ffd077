//! The `check` stage: footprints, adjacency, contiguity, coverage,
//! population bands and rural shares, and their findings.

use super::adjacency::{Adjacency, AdjacencyOptions, build_adjacency};
use super::contiguity::components;
use super::footprint::{AssignRule, Footprints, Unallocated, assign};
use crate::findings::{Code, Finding, Scope};
use crate::model::{AreaId, Dataset, PcnId, PracticeId};
use crate::spatial::AreaIndex;
use geo::Area as _;
use serde::Serialize;
use std::collections::BTreeSet;

/// Thresholds and switches of `check`; every one is a command-line flag.
#[derive(Clone, Debug, Serialize)]
pub struct CheckOptions {
    pub adjacency: AdjacencyOptions,
    /// Lower limit of the population band (registered patients).
    pub band_min: u64,
    /// Upper limit of the population band.
    pub band_max: u64,
    /// A PCN is `RURAL` when at least this share of its patients (or
    /// residents) lives in rural areas.
    pub rural_threshold: f64,
    /// An area where practices with no PCN have the most patients goes to
    /// the PCN with the most of the rest only when that PCN has at least
    /// this share of all the area's patients; else it stays unassigned
    /// (`AREA_MOSTLY_UNALLOCATED`), so no network is split by an area it
    /// barely serves.
    pub min_footprint_share: f64,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            adjacency: AdjacencyOptions::default(),
            band_min: 30_000,
            band_max: 50_000,
            rural_threshold: 0.5,
            min_footprint_share: 0.25,
        }
    }
}

/// Where a PCN's registered population sits against the band.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Below,
    Within,
    Above,
}

impl Band {
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Below => "below",
            Band::Within => "within",
            Band::Above => "above",
        }
    }
}

/// What rural and sparse shares are measured over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareBasis {
    /// Registered patients of the PCN's practices, by area of residence.
    RegisteredPatients,
    /// Residents of the PCN's footprint (no registrations for its practices).
    Residents,
    /// Neither is available.
    None,
}

/// One connected piece of a footprint.
#[derive(Clone, Debug, Serialize)]
pub struct Component {
    pub areas: Vec<AreaId>,
    pub population: u64,
    pub area_km2: f64,
    /// Member practices located in this piece.
    pub practices: Vec<PracticeId>,
}

/// A member practice located outside its PCN's footprint.
#[derive(Clone, Debug, Serialize)]
pub struct OutsidePractice {
    pub practice: PracticeId,
    /// The area it lies in, if any.
    pub area: Option<AreaId>,
    /// The PCNs whose footprint holds that area.
    pub in_footprint_of: Vec<PcnId>,
}

/// Everything `check` measures for one PCN.
#[derive(Clone, Debug, Serialize)]
pub struct PcnCheck {
    pub pcn: PcnId,
    /// Registered population: sum of member list sizes (missing count as 0).
    pub list_size: u64,
    pub practices_without_list_size: usize,
    pub resident_population: u64,
    pub band: Band,
    pub rural_share: Option<f64>,
    pub sparse_share: Option<f64>,
    pub share_basis: ShareBasis,
    pub areas: Vec<AreaId>,
    pub area_km2: f64,
    /// Largest (by population, then areas) first.
    pub components: Vec<Component>,
    pub outside: Vec<OutsidePractice>,
    /// Finding codes, in the fixed order of [`PCN_FLAG_ORDER`].
    pub flags: Vec<Code>,
}

impl PcnCheck {
    pub fn contiguous(&self) -> bool {
        self.components.len() <= 1
    }
}

/// The order PCN flags are listed in.
pub const PCN_FLAG_ORDER: &[Code] = &[
    Code::PopulationBelowBand,
    Code::PopulationAboveBand,
    Code::RuralWaiverCandidate,
    Code::NonContiguous,
    Code::PracticeOutsideFootprint,
    Code::NoFootprint,
    Code::Rural,
];

/// The result of `check`.
pub struct CheckResult {
    pub options: CheckOptions,
    pub footprints: Footprints,
    pub adjacency: Adjacency,
    /// The area each practice lies in.
    pub practice_area: Vec<Option<AreaId>>,
    /// Areas joined across water by a road network's bridges and ferries
    /// (empty without roads).
    pub road_links: Vec<super::road_links::RoadLink>,
    pub pcns: Vec<PcnCheck>,
    /// Sorted by scope, code, subject.
    pub findings: Vec<Finding>,
}

fn km2(m2: f64) -> f64 {
    m2 / 1e6
}

/// Run every check on a dataset (no roads). Commands run the checks
/// through [`crate::pipeline`]; this is the short way for tests.
pub fn run_check(ds: &Dataset, opts: &CheckOptions) -> CheckResult {
    let (adjacency, _) = adjacency(ds, opts, None);
    check_with_adjacency(ds, opts, adjacency)
}

/// The areas' adjacency: shared boundaries, the dataset's own links, and,
/// with a road network, areas joined across water where its bridges and
/// ferries link them ([`super::road_links`]), which are also returned.
pub fn adjacency(
    ds: &Dataset,
    opts: &CheckOptions,
    roads: Option<&crate::roads::network::RoadNetwork>,
) -> (Adjacency, Vec<super::road_links::RoadLink>) {
    let mut adjacency = build_adjacency(&ds.areas, &opts.adjacency);
    for l in &ds.links {
        adjacency.add_link(l.a, l.b);
    }
    let Some(net) = roads else {
        return (adjacency, Vec::new());
    };
    let links = super::road_links::road_links(
        net,
        &ds.areas,
        &adjacency,
        &super::road_links::RoadLinkOptions::default(),
    );
    for l in &links {
        adjacency.add_link(l.a, l.b);
    }
    (adjacency, links)
}

/// Run the checks given a ready adjacency (tests, benches, ferry links).
pub fn check_with_adjacency(
    ds: &Dataset,
    opts: &CheckOptions,
    adjacency: Adjacency,
) -> CheckResult {
    check_with_footprints(ds, opts, adjacency, assign(ds))
}

/// Run the checks given a ready adjacency and footprints (`analyse`
/// assigns by drive time when it has nothing better).
pub fn check_with_footprints(
    ds: &Dataset,
    opts: &CheckOptions,
    adjacency: Adjacency,
    footprints: Footprints,
) -> CheckResult {
    check_reusing(ds, opts, adjacency, footprints, &|_| None)
}

/// A PCN's check and its findings from an earlier run, when nothing it
/// depends on changed (`what-if`); `None` to check it afresh.
pub type ReuseCheck<'a> = dyn Fn(PcnId) -> Option<(PcnCheck, Vec<Finding>)> + 'a;

/// [`check_with_footprints`], taking each PCN's result from `reuse` when it
/// gives one. Dataset-wide findings are always recomputed.
pub fn check_reusing(
    ds: &Dataset,
    opts: &CheckOptions,
    adjacency: Adjacency,
    footprints: Footprints,
    reuse: &ReuseCheck,
) -> CheckResult {
    let index = AreaIndex::new(&ds.areas);
    let practice_area: Vec<Option<AreaId>> = ds
        .practices
        .iter()
        .map(|p| p.location.and_then(|c| index.locate(c)))
        .collect();
    let ctx = PcnContext {
        ds,
        opts,
        adjacency: &adjacency,
        footprints: &footprints,
        area_km2: area_km2s(ds),
        practice_area: &practice_area,
    };
    let mut findings: Vec<Finding> = Vec::new();
    let mut pcns = Vec::with_capacity(ds.pcns.len());
    for pcn_id in ds.pcn_ids() {
        if let Some((c, f)) = reuse(pcn_id) {
            findings.extend(f);
            pcns.push(c);
            continue;
        }
        let mut c = ctx.check(pcn_id);
        pcn_findings(ds, opts, &mut c, &mut findings);
        pcns.push(c);
    }
    dataset_findings(ds, &footprints, &adjacency, &mut findings);
    findings.sort();
    CheckResult {
        options: opts.clone(),
        footprints,
        adjacency,
        practice_area,
        road_links: Vec::new(),
        pcns,
        findings,
    }
}

/// Each area's area in km². A few real ONS multipolygons write a hole as
/// a separate nested part (5 LSOAs); those are read even-odd, as the
/// dissolve does, so the hole is not counted as land.
fn area_km2s(ds: &Dataset) -> Vec<f64> {
    ds.areas
        .iter()
        .map(|a| {
            let rings: usize = a.geometry.0.iter().map(|p| 1 + p.interiors().len()).sum();
            if rings > 1 {
                km2(super::dissolve::area_m2(&super::dissolve::make_valid(
                    &a.geometry,
                )))
            } else {
                km2(a.geometry.unsigned_area())
            }
        })
        .collect()
}

/// What checking one network reads.
struct PcnContext<'a> {
    ds: &'a Dataset,
    opts: &'a CheckOptions,
    adjacency: &'a Adjacency,
    footprints: &'a Footprints,
    area_km2: Vec<f64>,
    practice_area: &'a [Option<AreaId>],
}

impl PcnContext<'_> {
    fn pop(&self, a: AreaId) -> u64 {
        self.ds.area(a).population.unwrap_or(0)
    }

    /// One network's metrics (its findings come after, from
    /// [`pcn_findings`]).
    fn check(&self, pcn_id: PcnId) -> PcnCheck {
        let (ds, opts) = (self.ds, self.opts);
        let pcn = ds.pcn(pcn_id);
        let areas = self.footprints.pcn_areas[pcn_id.idx()].clone();
        let list_size: u64 = pcn
            .practices
            .iter()
            .map(|&p| ds.practice(p).list_size.unwrap_or(0))
            .sum();
        let practices_without_list_size = pcn
            .practices
            .iter()
            .filter(|&&p| ds.practice(p).list_size.is_none())
            .count();
        let band = if list_size < opts.band_min {
            Band::Below
        } else if list_size > opts.band_max {
            Band::Above
        } else {
            Band::Within
        };
        let (rural_share, sparse_share, share_basis) = self.shares(&pcn.practices, &areas);
        PcnCheck {
            pcn: pcn_id,
            list_size,
            practices_without_list_size,
            resident_population: areas.iter().map(|&a| self.pop(a)).sum(),
            band,
            rural_share,
            sparse_share,
            share_basis,
            area_km2: areas.iter().map(|a| self.area_km2[a.idx()]).sum(),
            components: self.components(&pcn.practices, &areas),
            outside: self.outside(&pcn.practices, &areas),
            areas,
            flags: Vec::new(),
        }
    }

    /// Rural and sparse shares: registered patients by area of residence
    /// when the network's practices have registrations, else residents.
    fn shares(
        &self,
        practices: &[PracticeId],
        areas: &[AreaId],
    ) -> (Option<f64>, Option<f64>, ShareBasis) {
        let ds = self.ds;
        let members: BTreeSet<PracticeId> = practices.iter().copied().collect();
        let registered = members
            .iter()
            .flat_map(|&p| ds.registrations_of(p))
            .map(|r| (r.area, r.patients));
        let mut basis = ShareBasis::RegisteredPatients;
        let mut t = rural_sparse(ds, registered);
        if t.0 == 0 {
            basis = ShareBasis::Residents;
            t = rural_sparse(ds, areas.iter().map(|&a| (a, self.pop(a))));
        }
        let (tot, rural, sparse) = t;
        if tot == 0 {
            return (None, None, ShareBasis::None);
        }
        (
            Some(rural as f64 / tot as f64),
            Some(sparse as f64 / tot as f64),
            basis,
        )
    }

    /// The footprint's connected pieces, largest first, with the practices
    /// located in each.
    fn components(&self, practices: &[PracticeId], areas: &[AreaId]) -> Vec<Component> {
        let mut comps: Vec<Component> = components(areas, &self.adjacency.neighbours)
            .into_iter()
            .map(|c| {
                let set: BTreeSet<AreaId> = c.iter().copied().collect();
                Component {
                    population: c.iter().map(|&a| self.pop(a)).sum(),
                    area_km2: c.iter().map(|a| self.area_km2[a.idx()]).sum(),
                    practices: practices
                        .iter()
                        .copied()
                        .filter(|p| self.practice_area[p.idx()].is_some_and(|a| set.contains(&a)))
                        .collect(),
                    areas: c,
                }
            })
            .collect();
        comps.sort_by(|a, b| {
            b.population
                .cmp(&a.population)
                .then(b.areas.len().cmp(&a.areas.len()))
                .then(a.areas[0].cmp(&b.areas[0]))
        });
        comps
    }

    /// Located members standing outside the footprint, and whose footprint
    /// they stand in.
    fn outside(&self, practices: &[PracticeId], areas: &[AreaId]) -> Vec<OutsidePractice> {
        let area_set: BTreeSet<AreaId> = areas.iter().copied().collect();
        practices
            .iter()
            .filter(|p| self.ds.practice(**p).location.is_some())
            .filter(|p| !self.practice_area[p.idx()].is_some_and(|a| area_set.contains(&a)))
            .map(|&p| {
                let area = self.practice_area[p.idx()];
                OutsidePractice {
                    practice: p,
                    area,
                    in_footprint_of: area
                        .map(|a| self.footprints.area_pcns[a.idx()].clone())
                        .unwrap_or_default(),
                }
            })
            .collect()
    }
}

/// People in all, in rural areas and in sparse areas, from (area, people).
fn rural_sparse(ds: &Dataset, people: impl Iterator<Item = (AreaId, u64)>) -> (u64, u64, u64) {
    let (mut tot, mut rural, mut sparse) = (0u64, 0u64, 0u64);
    for (area, n) in people {
        let ruc = ds.area(area).ruc;
        tot += n;
        if ruc.is_some_and(|c| c.is_rural()) {
            rural += n;
        }
        if ruc.is_some_and(|c| c.is_sparse()) {
            sparse += n;
        }
    }
    (tot, rural, sparse)
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A network's findings and flags, collected together: each finding's
/// code is flagged once, in the order first found.
struct PcnFindings<'a> {
    subject: &'a str,
    flags: Vec<Code>,
    out: &'a mut Vec<Finding>,
}

impl PcnFindings<'_> {
    fn add(&mut self, code: Code, detail: String) {
        self.add_about(code, detail, None);
    }

    /// A finding about one member practice (its code in `practice`).
    fn add_about(&mut self, code: Code, detail: String, practice: Option<String>) {
        if !self.flags.contains(&code) {
            self.flags.push(code);
        }
        self.out.push(Finding {
            scope: Scope::Pcn,
            code,
            subject: self.subject.to_string(),
            detail,
            practice,
        });
    }
}

fn pcn_findings(ds: &Dataset, opts: &CheckOptions, c: &mut PcnCheck, out: &mut Vec<Finding>) {
    let mut f = PcnFindings {
        subject: &ds.pcn(c.pcn).code,
        flags: Vec::new(),
        out,
    };
    band_findings(ds, opts, c, &mut f);
    if c.components.len() > 1 {
        f.add(Code::NonContiguous, pieces(ds, c));
    }
    outside_findings(ds, c, &mut f);
    if c.areas.is_empty() {
        f.add(Code::NoFootprint, "no area is assigned to this PCN".into());
    }
    if c.rural_share.is_some_and(|s| s >= opts.rural_threshold) {
        f.add(
            Code::Rural,
            format!(
                "rural share {} of {} (threshold {}); sparse share {}",
                c.rural_share.map_or("n/a".into(), pct),
                match c.share_basis {
                    ShareBasis::RegisteredPatients => "registered patients",
                    ShareBasis::Residents => "residents",
                    ShareBasis::None => "nobody",
                },
                pct(opts.rural_threshold),
                c.sparse_share.map_or("n/a".into(), pct)
            ),
        );
    }
    c.flags = f.flags;
}

/// Below or above the band, and the rural waiver.
fn band_findings(ds: &Dataset, opts: &CheckOptions, c: &PcnCheck, f: &mut PcnFindings) {
    let practices = ds.pcn(c.pcn).practices.len();
    let missing = if c.practices_without_list_size > 0 {
        format!(
            " ({} practice(s) without a list size count as 0)",
            c.practices_without_list_size
        )
    } else {
        String::new()
    };
    let rural = c.rural_share.is_some_and(|s| s >= opts.rural_threshold);
    let sparse = c.sparse_share.is_some_and(|s| s >= opts.rural_threshold);
    match c.band {
        Band::Below => {
            f.add(
                Code::PopulationBelowBand,
                format!(
                    "{} registered patients across {practices} practice(s), below the {} minimum by {}{missing}",
                    c.list_size,
                    opts.band_min,
                    opts.band_min - c.list_size
                ),
            );
            if rural || sparse {
                f.add(
                    Code::RuralWaiverCandidate,
                    format!(
                        "below the band ({} < {}) with rural share {} and sparse share {} (threshold {}): the minimum may be waived for a natural community in a sparse rural area",
                        c.list_size,
                        opts.band_min,
                        c.rural_share.map_or("n/a".into(), pct),
                        c.sparse_share.map_or("n/a".into(), pct),
                        pct(opts.rural_threshold)
                    ),
                );
            }
        }
        Band::Above => f.add(
            Code::PopulationAboveBand,
            format!(
                "{} registered patients across {practices} practice(s), above the {} maximum by {}{missing}",
                c.list_size,
                opts.band_max,
                c.list_size - opts.band_max
            ),
        ),
        Band::Within => {}
    }
}

/// The pieces of a non-contiguous footprint.
fn pieces(ds: &Dataset, c: &PcnCheck) -> String {
    let parts: Vec<String> = c
        .components
        .iter()
        .map(|k| {
            let practices: Vec<&str> = k
                .practices
                .iter()
                .map(|p| ds.practice(*p).code.as_str())
                .collect();
            format!(
                "{} area(s) ({}), {} residents, {:.2} km², practices: {}",
                k.areas.len(),
                summarise_codes(ds, &k.areas),
                k.population,
                k.area_km2,
                if practices.is_empty() {
                    "none".into()
                } else {
                    practices.join(" ")
                }
            )
        })
        .collect();
    format!(
        "footprint is in {} pieces: {}",
        c.components.len(),
        parts.join("; ")
    )
}

/// One finding per member practice standing outside the footprint.
fn outside_findings(ds: &Dataset, c: &PcnCheck, f: &mut PcnFindings) {
    for o in &c.outside {
        let p = ds.practice(o.practice);
        let where_ = match o.area {
            None => "outside every area of the dataset".to_string(),
            Some(a) => {
                let owners: Vec<&str> = o
                    .in_footprint_of
                    .iter()
                    .map(|q| ds.pcn(*q).code.as_str())
                    .collect();
                if owners.is_empty() {
                    format!(
                        "in area {}, which no PCN's footprint holds",
                        ds.area(a).code
                    )
                } else {
                    format!(
                        "in area {}, in the footprint of {}",
                        ds.area(a).code,
                        owners.join(" and ")
                    )
                }
            }
        };
        f.add_about(
            Code::PracticeOutsideFootprint,
            format!("member practice {} ({}) lies {where_}", p.code, p.name),
            Some(p.code.clone()),
        );
    }
}

/// Up to six codes of a set of areas, then a count.
fn summarise_codes(ds: &Dataset, areas: &[AreaId]) -> String {
    let mut codes: Vec<&str> = areas.iter().map(|a| ds.area(*a).code.as_str()).collect();
    codes.sort();
    if codes.len() > 6 {
        format!("{} … and {} more", codes[..6].join(" "), codes.len() - 6)
    } else {
        codes.join(" ")
    }
}

/// `AREA_MOSTLY_UNALLOCATED`: each PCN's share of the area's patients and
/// what the rule made of it.
fn unallocated_finding(ds: &Dataset, u: &Unallocated) -> Finding {
    let share = |v: u64| format!("{:.1} %", 100.0 * v as f64 / u.patients.max(1) as f64);
    let code = |p: PcnId| ds.pcn(p).code.as_str();
    let mut shares: Vec<String> = u
        .pcns
        .iter()
        .take(5)
        .map(|&(p, v)| format!("{} {v} ({})", code(p), share(v)))
        .collect();
    if u.pcns.len() > 5 {
        shares.push(format!("{} more PCNs", u.pcns.len() - 5));
    }
    let outcome = match u.assigned {
        Some(p) => format!(
            "assigned to {} (at least {} of its patients)",
            code(p),
            pct(u.min_share)
        ),
        None => format!(
            "left in no footprint: no PCN has {} of its patients (min_footprint_share)",
            pct(u.min_share)
        ),
    };
    let area = &ds.area(u.area).code;
    Finding {
        scope: Scope::Area,
        code: Code::AreaMostlyUnallocated,
        subject: area.clone(),
        detail: format!(
            "area {area}: {} of {} registered patients ({}) are at practices with no PCN; the rest: {}; {outcome}",
            u.unallocated,
            u.patients,
            share(u.unallocated),
            if shares.is_empty() {
                "none".to_string()
            } else {
                shares.join(", ")
            }
        ),
        practice: None,
    }
}

fn dataset_findings(ds: &Dataset, fp: &Footprints, adj: &Adjacency, out: &mut Vec<Finding>) {
    for n in &ds.notices {
        out.push(Finding {
            scope: Scope::Dataset,
            code: n.code,
            subject: n.subject.clone(),
            detail: n.detail.clone(),
            practice: None,
        });
    }
    for (i, pcns) in fp.area_pcns.iter().enumerate() {
        let a = &ds.areas[i];
        if fp.area_rule[i] == AssignRule::Unassigned {
            let mut near: BTreeSet<&str> = BTreeSet::new();
            for b in &adj.neighbours[i] {
                for p in &fp.area_pcns[b.idx()] {
                    near.insert(ds.pcn(*p).code.as_str());
                }
            }
            out.push(Finding {
                scope: Scope::Dataset,
                code: Code::AreaUnassigned,
                subject: a.code.clone(),
                detail: format!(
                    "area {} ({} residents) is in no PCN's footprint; neighbouring PCNs: {}",
                    a.code,
                    a.population.unwrap_or(0),
                    if near.is_empty() {
                        "none".into()
                    } else {
                        near.into_iter().collect::<Vec<_>>().join(" ")
                    }
                ),
                practice: None,
            });
        }
        if pcns.len() > 1 {
            let names: Vec<&str> = pcns.iter().map(|p| ds.pcn(*p).code.as_str()).collect();
            out.push(Finding {
                scope: Scope::Dataset,
                code: Code::AreaInTwoPcns,
                subject: a.code.clone(),
                detail: format!(
                    "area {} is in the footprints of {}",
                    a.code,
                    names.join(" and ")
                ),
                practice: None,
            });
        }
    }
    for t in &fp.ties {
        let names: Vec<&str> = t.pcns.iter().map(|p| ds.pcn(*p).code.as_str()).collect();
        out.push(Finding {
            scope: Scope::Area,
            code: Code::FootprintTie,
            subject: ds.area(t.area).code.clone(),
            detail: format!(
                "{} patients each registered with {}: assigned to {} (lowest code)",
                t.patients,
                names.join(" and "),
                names[0]
            ),
            practice: None,
        });
    }
    for u in &fp.unallocated {
        out.push(unallocated_finding(ds, u));
    }
    for a in adj.islands() {
        out.push(Finding {
            scope: Scope::Area,
            code: Code::AreaIsland,
            subject: ds.area(a).code.clone(),
            detail: format!(
                "area {} touches no other area and nothing joins it, so no network holding it can be contiguous: if a bridge or ferry reaches it, add a links.csv row joining it to the area across the water (or run with --roads, which joins areas by their bridges and ferries); if it does border a neighbour on the ground, the boundaries miss by a gap: raise --tolerance-m",
                ds.area(a).code
            ),
            practice: None,
        });
    }
}
