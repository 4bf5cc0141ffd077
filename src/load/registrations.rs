//! `registrations.csv` (patients registered at each practice by area of
//! residence), `footprints.csv` (a planner's area → PCN assignment) and
//! `links.csv` (explicit bridge/ferry links between areas).

use super::columns as c;
use super::table::Table;
use super::text::show;
use crate::model::{
    AreaId, AreaLink, FootprintRow, InputFile, Notice, PcnId, PracticeId, Registration,
};
use anyhow::{Result, bail};
use std::collections::HashMap;
use std::path::Path;

/// Code → id maps for resolving references (practice codes in upper case:
/// see [`super::practices`]).
pub struct CodeIndex<'a> {
    pub practices: &'a HashMap<String, PracticeId>,
    pub areas: &'a HashMap<String, AreaId>,
    pub pcns: &'a HashMap<String, PcnId>,
}

/// Load registrations. Every practice and area code must be known: an
/// unknown code is an error naming the line (use `pcn-atlas import` to cut
/// the national file down to a dataset's areas and practices).
pub fn load_registrations(
    path: &Path,
    ix: &CodeIndex<'_>,
) -> Result<(Vec<Registration>, InputFile)> {
    let t = Table::open(path)?;
    let pc = t.require(c::PRACTICE_CODE)?;
    let ac = t.require(c::AREA_CODE)?;
    let nc = t.require(c::PATIENTS)?;
    let mut out = Vec::new();
    let mut seen: HashMap<(PracticeId, AreaId), u64> = HashMap::new();
    let mut rows = 0;
    for row in t.rows() {
        let row = row?;
        rows += 1;
        let p = row.required_str(pc)?;
        let a = row.required_str(ac)?;
        let Some(&practice) = ix.practices.get(&p.to_ascii_uppercase()) else {
            bail!(
                "{}: practice_code `{}` is not in the practices file",
                row.at(),
                show(p)
            );
        };
        let Some(&area) = ix.areas.get(a) else {
            bail!(
                "{}: area_code `{}` is not in the areas file",
                row.at(),
                show(a)
            );
        };
        let patients = c::at_most(&row, nc, row.count(nc)?, c::MAX_PATIENTS)?;
        if let Some(first) = seen.insert((practice, area), row.line) {
            bail!(
                "{}: practice {} and area {} appear twice (first on line {first})",
                row.at(),
                show(p),
                show(a)
            );
        }
        out.push(Registration {
            practice,
            area,
            patients,
        });
    }
    Ok((out, t.input_file("registrations", rows)))
}

/// Load a footprint proposal. An area listed under two PCNs is kept (it is a
/// finding, `AREA_IN_TWO_PCNS`); an exact repeat is a notice.
pub fn load_footprints(
    path: &Path,
    ix: &CodeIndex<'_>,
    notices: &mut Vec<Notice>,
) -> Result<(Vec<FootprintRow>, InputFile)> {
    let t = Table::open(path)?;
    let ac = t.require(c::AREA_CODE)?;
    let pc = t.require(c::PCN_CODE)?;
    let mut out = Vec::new();
    let mut seen: HashMap<(AreaId, PcnId), u64> = HashMap::new();
    let mut rows = 0;
    for row in t.rows() {
        let row = row?;
        rows += 1;
        let a = row.required_str(ac)?;
        let p = row.required_str(pc)?;
        let Some(&area) = ix.areas.get(a) else {
            bail!(
                "{}: area_code `{}` is not in the areas file",
                row.at(),
                show(a)
            );
        };
        let Some(&pcn) = ix.pcns.get(p) else {
            bail!(
                "{}: pcn_code `{}` is not the PCN of any practice in the practices file",
                row.at(),
                show(p)
            );
        };
        if let Some(first) = seen.insert((area, pcn), row.line) {
            notices.push(Notice {
                code: crate::findings::Code::DuplicateCode,
                subject: a.to_string(),
                detail: format!("{}: area {a} → {p} repeats line {first}; ignored", row.at()),
            });
            continue;
        }
        out.push(FootprintRow {
            area,
            pcn,
            line: row.line,
        });
    }
    Ok((out, t.input_file("footprints", rows)))
}

/// The kinds a `links.csv` row may give (any case); an empty kind is
/// `link`.
pub const LINK_KINDS: &[&str] = &["bridge", "ferry", "tunnel", "causeway", "road", "link"];

/// Load explicit links between areas (bridges, ferries).
pub fn load_links(path: &Path, ix: &CodeIndex<'_>) -> Result<(Vec<AreaLink>, InputFile)> {
    let t = Table::open(path)?;
    let ac = t.require(c::AREA_CODE_A)?;
    let bc = t.require(c::AREA_CODE_B)?;
    let kc = t.optional(c::LINK_KIND);
    let mut out = Vec::new();
    let mut rows = 0;
    for row in t.rows() {
        let row = row?;
        rows += 1;
        let mut ids = [AreaId(0); 2];
        for (k, col) in [ac, bc].into_iter().enumerate() {
            let code = row.required_str(col)?;
            ids[k] = *ix.areas.get(code).ok_or_else(|| {
                anyhow::anyhow!("{}: `{}` is not in the areas file", row.at(), show(code))
            })?;
        }
        if ids[0] == ids[1] {
            bail!(
                "{}: a link joins area {} to itself",
                row.at(),
                show(row.str(ac))
            );
        }
        let kind = match row.opt_str(kc) {
            None => "link".to_string(),
            Some(k) => LINK_KINDS
                .iter()
                .find(|known| known.eq_ignore_ascii_case(k.trim()))
                .map(|known| known.to_string())
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "{}: kind `{}` is not a link kind: use one of {}",
                        row.at(),
                        crate::safe_text::escape_controls(k, 40),
                        LINK_KINDS.join(", ")
                    )
                })?,
        };
        out.push(AreaLink {
            a: ids[0].min(ids[1]),
            b: ids[0].max(ids[1]),
            kind,
        });
    }
    Ok((out, t.input_file("links", rows)))
}
