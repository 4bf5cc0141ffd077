//! The part of the country to import (`--lad`, `--pcn`, `--icb`,
//! `--sub-icb`, `--region`, `--bbox`): areas first, then the practices
//! located in them, then whole PCNs.

use super::national::MapPractice;
use super::{ImportFilter, ImportSources, Log, National};
use crate::coords::bng_to_wgs84;
use crate::model::Area;
use crate::spatial::AreaIndex;
use anyhow::{Result, bail};
use geo::Coord;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Which areas (in the boundaries file's order) and practices (in the
/// map's order) are imported.
pub(super) struct Selection {
    pub area: Vec<bool>,
    pub practice: Vec<bool>,
}

pub(super) fn select(
    src: &ImportSources,
    filter: &ImportFilter,
    nat: &National,
    area_ix: &HashMap<&str, usize>,
    located: &[Option<Coord<f64>>],
    log: &mut Log,
) -> Result<Selection> {
    let mut sel = Selection {
        area: vec![filter.is_empty(); nat.areas.len()],
        practice: vec![filter.is_empty(); nat.map.len()],
    };
    if filter.is_empty() {
        return Ok(sel);
    }
    check_filter_codes(src, filter, nat)?;
    sel.areas_by_lad_and_box(filter, &nat.areas);
    if !filter.pcns.is_empty() {
        sel.by_pcn(&filter.pcns, nat, area_ix, |_| true, 0.0)?;
    }
    // Practices located in a selected area, then whole PCNs.
    let index = AreaIndex::new(&nat.areas);
    for (i, loc) in located.iter().enumerate() {
        if loc
            .and_then(|c| index.locate(c))
            .is_some_and(|a| sel.area[a.idx()])
        {
            sel.practice[i] = true;
        }
    }
    // --icb, --sub-icb, --region: the units' practices and PCNs and the
    // PCNs' footprint areas, but not the other networks' practices that
    // stand in those areas (a registrations file cut to the unit's
    // practices makes the unit the plurality wherever it has a patient).
    let org_pcns = pcns_in_orgs(filter, nat);
    if !org_pcns.is_empty() {
        let in_unit = |a: usize| area_in_selected_org(filter, nat, a);
        sel.by_pcn(&org_pcns, nat, area_ix, in_unit, MIN_RESIDENT_SHARE)?;
    }
    sel.practices_by_org(filter, nat);
    sel.complete_pcns(nat, log);
    Ok(sel)
}

/// Every `--lad` and `--pcn` code must exist in the files.
fn check_filter_codes(src: &ImportSources, filter: &ImportFilter, nat: &National) -> Result<()> {
    let known_lads: BTreeSet<&str> = nat
        .areas
        .iter()
        .filter_map(|a| a.lad_code.as_deref())
        .collect();
    for l in &filter.lads {
        if !known_lads.contains(l.as_str()) {
            bail!(
                "--lad {l}: no area in {} has that local authority code",
                src.boundaries.display()
            );
        }
    }
    let known_pcns: BTreeSet<&str> = nat.map.iter().map(|p| p.pcn_code.as_str()).collect();
    for p in &filter.pcns {
        if !known_pcns.contains(p.as_str()) {
            bail!(
                "--pcn {p}: no practice in {} has that PCN code",
                src.map.display()
            );
        }
    }
    check_org_codes(src, filter, nat)
}

/// Which org unit of a practice an org flag selects by.
#[derive(Clone, Copy)]
enum OrgFlag {
    Icb,
    SubIcb,
    Region,
}

impl OrgFlag {
    const ALL: [OrgFlag; 3] = [OrgFlag::Icb, OrgFlag::SubIcb, OrgFlag::Region];

    fn flag(self) -> &'static str {
        match self {
            OrgFlag::Icb => "--icb",
            OrgFlag::SubIcb => "--sub-icb",
            OrgFlag::Region => "--region",
        }
    }

    fn what(self) -> &'static str {
        match self {
            OrgFlag::Icb => "ICB",
            OrgFlag::SubIcb => "sub-ICB location",
            OrgFlag::Region => "commissioning region",
        }
    }

    /// The codes given with the flag.
    fn wanted(self, filter: &ImportFilter) -> &[String] {
        match self {
            OrgFlag::Icb => &filter.icbs,
            OrgFlag::SubIcb => &filter.sub_icbs,
            OrgFlag::Region => &filter.regions,
        }
    }

    /// The practice's code for this unit.
    fn code(self, p: &MapPractice) -> &str {
        match self {
            OrgFlag::Icb => &p.org.icb_code,
            OrgFlag::SubIcb => &p.org.sub_icb_code,
            OrgFlag::Region => &p.org.region_code,
        }
    }
}

/// Is the practice in an ICB, sub-ICB location or region given (codes
/// compare case-insensitively)?
fn in_selected_org(filter: &ImportFilter, p: &MapPractice) -> bool {
    OrgFlag::ALL.iter().any(|&f| {
        let c = f.code(p);
        !c.is_empty() && f.wanted(filter).iter().any(|w| w.eq_ignore_ascii_case(c))
    })
}

/// Every `--icb`, `--sub-icb` and `--region` code must be one the map has;
/// an unknown one is an error listing the map's codes, closest first.
fn check_org_codes(src: &ImportSources, filter: &ImportFilter, nat: &National) -> Result<()> {
    for f in OrgFlag::ALL {
        let known: BTreeSet<&str> = nat
            .map
            .iter()
            .map(|p| f.code(p))
            .filter(|c| !c.is_empty())
            .collect();
        for w in f.wanted(filter) {
            if known.iter().any(|k| k.eq_ignore_ascii_case(w)) {
                continue;
            }
            if known.is_empty() {
                bail!(
                    "{}: {} {}: the map has no {} codes (SUB_ICB_LOCATION_CODE, ICB_CODE, COMM_REGION_CODE or the older CCG_CODE, STP_CODE columns)",
                    src.map.display(),
                    f.flag(),
                    crate::load::text::show(w),
                    f.what()
                );
            }
            let up = w.to_ascii_uppercase();
            let mut near: Vec<&str> = known.iter().copied().collect();
            near.sort_by_key(|k| {
                (
                    crate::load::columns::edits(&up, &k.to_ascii_uppercase()),
                    *k,
                )
            });
            let shown: Vec<&str> = near.iter().take(20).copied().collect();
            bail!(
                "{}: {} {}: no practice in the map has that {} code; the map has {} ({}, closest first{})",
                src.map.display(),
                f.flag(),
                crate::load::text::show(w),
                f.what(),
                known.len(),
                shown.join(", "),
                if near.len() > shown.len() {
                    ", …"
                } else {
                    ""
                }
            );
        }
    }
    Ok(())
}

/// For `--icb`, `--sub-icb` and `--region`: an area joins the selection only
/// when its plurality PCN's patients there are at least this share of its
/// residents (when its residents are known). NHS England publishes the
/// registrations by area per ICB too, and a file cut to one ICB's practices
/// makes that ICB the plurality wherever it has a single patient: 3,299
/// areas for Staffordshire and Stoke-on-Trent (QNC) instead of its 696. The
/// same quarter as `[check] min_footprint_share`.
pub const MIN_RESIDENT_SHARE: f64 = 0.25;

/// With an area lookup (`--area-lookup`), is the area in a selected ICB or
/// sub-ICB location? Without one (or for `--region`, which the lookup does
/// not give), every area may be.
fn area_in_selected_org(filter: &ImportFilter, nat: &National, a: usize) -> bool {
    let Some(lookup) = &nat.area_org else {
        return true;
    };
    if !filter.regions.is_empty() {
        return true;
    }
    lookup.get(&nat.areas[a].code).is_some_and(|o| {
        filter
            .icbs
            .iter()
            .any(|w| w.eq_ignore_ascii_case(&o.icb_code))
            || filter
                .sub_icbs
                .iter()
                .any(|w| w.eq_ignore_ascii_case(&o.sub_icb_code))
    })
}

/// The PCNs with a practice in a selected ICB, sub-ICB location or region
/// (sorted, without repeats).
fn pcns_in_orgs(filter: &ImportFilter, nat: &National) -> Vec<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    for p in &nat.map {
        if !p.pcn_code.is_empty() && in_selected_org(filter, p) {
            out.insert(p.pcn_code.clone());
        }
    }
    out.into_iter().collect()
}

impl Selection {
    /// Practices in a selected ICB, sub-ICB location or region, also those
    /// without a PCN (whose PCNs `by_pcn` has already selected).
    fn practices_by_org(&mut self, filter: &ImportFilter, nat: &National) {
        for (i, p) in nat.map.iter().enumerate() {
            if in_selected_org(filter, p) {
                self.practice[i] = true;
            }
        }
    }

    /// Areas in a selected local authority or with their centroid in the box.
    fn areas_by_lad_and_box(&mut self, filter: &ImportFilter, areas: &[Area]) {
        for (i, a) in areas.iter().enumerate() {
            if a.lad_code.as_ref().is_some_and(|l| filter.lads.contains(l)) {
                self.area[i] = true;
            }
            if let Some([x0, y0, x1, y1]) = filter.bbox {
                let (lon, lat) = bng_to_wgs84(a.centroid);
                if lon >= x0 && lon <= x1 && lat >= y0 && lat <= y1 {
                    self.area[i] = true;
                }
            }
        }
    }

    /// `--pcn` (and the PCNs of `--icb`, `--sub-icb`, `--region`): the
    /// PCNs' practices, and the areas where they have the most registered
    /// patients (each area's plurality PCN; ties: lowest code) that
    /// `keep_area` keeps, and whose patients there are at least
    /// `min_resident_share` of the area's residents when those are known.
    fn by_pcn(
        &mut self,
        pcns: &[String],
        nat: &National,
        area_ix: &HashMap<&str, usize>,
        keep_area: impl Fn(usize) -> bool,
        min_resident_share: f64,
    ) -> Result<()> {
        let Some(regs) = &nat.regs else {
            bail!(
                "--pcn, --icb, --sub-icb and --region need registrations (gp-reg-pat-prac-lsoa, --registrations) to choose the PCNs' areas"
            );
        };
        let practice_pcn: HashMap<&str, &str> = nat
            .map
            .iter()
            .map(|p| (p.code.as_str(), p.pcn_code.as_str()))
            .collect();
        let mut by_area: HashMap<usize, BTreeMap<&str, u64>> = HashMap::new();
        for r in regs {
            if let (Some(&a), Some(&pcn)) = (
                area_ix.get(r.area.as_str()),
                practice_pcn.get(r.practice.as_str()),
            ) {
                *by_area.entry(a).or_default().entry(pcn).or_insert(0) += r.patients;
            }
        }
        for (a, counts) in by_area {
            let best = counts.iter().max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)));
            let enough = |n: u64| {
                nat.areas[a]
                    .population
                    .is_none_or(|pop| n as f64 >= min_resident_share * pop as f64)
            };
            if best.is_some_and(|(b, &n)| pcns.iter().any(|p| p == b) && enough(n)) && keep_area(a)
            {
                self.area[a] = true;
            }
        }
        for (i, p) in nat.map.iter().enumerate() {
            if pcns.contains(&p.pcn_code) {
                self.practice[i] = true;
            }
        }
        Ok(())
    }

    /// Practices outside the selected areas whose PCN has practices inside,
    /// so that every PCN's list size is complete.
    fn complete_pcns(&mut self, nat: &National, log: &mut Log) {
        let sel_pcns: BTreeSet<&str> = nat
            .map
            .iter()
            .zip(&self.practice)
            .filter(|(_, s)| **s)
            .map(|(p, _)| p.pcn_code.as_str())
            .filter(|c| !c.is_empty())
            .collect();
        for (i, p) in nat.map.iter().enumerate() {
            if !self.practice[i] && sel_pcns.contains(p.pcn_code.as_str()) {
                self.practice[i] = true;
                log.add(
                    "PRACTICE_ADDED_WITH_ITS_PCN",
                    &p.code,
                    format!(
                        "{} lies outside the selected areas but its PCN {} has practices inside: imported so the PCN's list size is complete",
                        p.name, p.pcn_code
                    ),
                );
            }
        }
    }
}

/// Practices with a list size but no row in the map: reported when they
/// lie in the selection (all of them when nothing is filtered).
pub(super) fn report_unmapped_list_sizes(
    src: &ImportSources,
    filter: &ImportFilter,
    nat: &National,
    sel: &Selection,
    log: &mut Log,
) {
    let map_codes: BTreeSet<&str> = nat.practice_codes(|_| true);
    let index = AreaIndex::new(&nat.areas);
    for (code, (size, pc)) in &nat.list_sizes.sizes {
        if map_codes.contains(code.as_str()) {
            continue;
        }
        let area = nat.lookup.get(pc).and_then(|c| index.locate(c));
        if filter.is_empty() || area.is_some_and(|a| sel.area[a.idx()]) {
            log.add(
                "NO_PCN",
                code,
                format!(
                    "has a list size ({size}, postcode {pc}) in {} but no row in the PCN map {}: not imported",
                    nat.list_sizes.path.display(),
                    src.map.display()
                ),
            );
        }
    }
}
