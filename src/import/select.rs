//! The part of the country to import (`--lad`, `--pcn`, `--bbox`): areas
//! first, then the practices located in them, then whole PCNs.

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
    if !(filter.icbs.is_empty() && filter.sub_icbs.is_empty() && filter.regions.is_empty()) {
        anyhow::bail!("--icb, --sub-icb and --region are not implemented yet");
    }
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
        sel.by_pcn(filter, nat, area_ix)?;
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
    Ok(())
}

impl Selection {
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

    /// `--pcn`: the PCNs' practices, and the areas where they have the most
    /// registered patients (each area's plurality PCN; ties: lowest code).
    fn by_pcn(
        &mut self,
        filter: &ImportFilter,
        nat: &National,
        area_ix: &HashMap<&str, usize>,
    ) -> Result<()> {
        let Some(regs) = &nat.regs else {
            bail!("--pcn needs registrations (gp-reg-pat-prac-lsoa) to choose the PCNs' areas");
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
            let best = counts
                .iter()
                .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
                .map(|(k, _)| *k);
            if best.is_some_and(|b| filter.pcns.iter().any(|p| p == b)) {
                self.area[a] = true;
            }
        }
        for (i, p) in nat.map.iter().enumerate() {
            if filter.pcns.contains(&p.pcn_code) {
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
