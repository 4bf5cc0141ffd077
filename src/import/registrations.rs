//! Registrations within the selection; every row that cannot be used is
//! counted by kind, with examples, in the import report.

use super::national::RegRow;
use super::select::Selection;
use super::{ImportSources, Log, National};
use crate::model::Area;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A registrations area code that is no English LSOA: NHS England's
/// pseudo-codes and the small areas of the other nations. Such rows are
/// counted by kind in the import report (they stay in the practices'
/// list sizes), never reported one by one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum AreaKind {
    /// `CLOSED`.
    Closed,
    /// `EMPTY`.
    Empty,
    /// `NO2011` / `NO2021`: no LSOA for the patient's postcode.
    NoLsoa,
    /// `L99999999`: the ONS pseudo-code of the Channel Islands.
    ChannelIslands,
    /// `M99999999`: the ONS pseudo-code of the Isle of Man.
    IsleOfMan,
    /// `W01…`: a Welsh LSOA.
    Wales,
    /// `S01…`: a Scottish data zone.
    Scotland,
    /// `95…` (super output areas) or `N2…` (2021 data zones): Northern Ireland.
    NorthernIreland,
}

impl AreaKind {
    pub fn of(code: &str) -> Option<AreaKind> {
        let c = code.trim();
        let upper = c.to_ascii_uppercase();
        Some(match upper.as_str() {
            "CLOSED" => AreaKind::Closed,
            "EMPTY" => AreaKind::Empty,
            "NO2011" | "NO2021" => AreaKind::NoLsoa,
            "L99999999" => AreaKind::ChannelIslands,
            "M99999999" => AreaKind::IsleOfMan,
            u if u.starts_with("W01") => AreaKind::Wales,
            u if u.starts_with("S01") => AreaKind::Scotland,
            u if u.starts_with("95") || u.starts_with("N2") => AreaKind::NorthernIreland,
            _ => return None,
        })
    }

    pub fn describe(self) -> &'static str {
        match self {
            AreaKind::Closed => "CLOSED",
            AreaKind::Empty => "EMPTY",
            AreaKind::NoLsoa => "NO2011/NO2021 (no LSOA for the postcode)",
            AreaKind::ChannelIslands => "L99999999 (Channel Islands)",
            AreaKind::IsleOfMan => "M99999999 (Isle of Man)",
            AreaKind::Wales => "of a Welsh LSOA (W01…)",
            AreaKind::Scotland => "of a Scottish data zone (S01…)",
            AreaKind::NorthernIreland => "of a Northern Irish area (95…, N2…)",
        }
    }
}

/// The rows joining a selected practice and a selected area.
pub(super) fn within_selection<'a>(
    src: &ImportSources,
    nat: &'a National,
    area_ix: &HashMap<&str, usize>,
    sel: &Selection,
    areas: &[&Area],
    log: &mut Log,
) -> Vec<&'a RegRow> {
    let mut reg_rows: Vec<&RegRow> = Vec::new();
    let Some(regs) = &nat.regs else {
        return reg_rows;
    };
    let map_codes = nat.practice_codes(|_| true);
    let sel_area_codes: BTreeSet<&str> = areas.iter().map(|a| a.code.as_str()).collect();
    let sel_practice_codes = nat.practice_codes(|i| sel.practice[i]);
    let mut unknown_practice = Tally::default();
    let mut unknown_area = Tally::default();
    let mut by_kind: BTreeMap<AreaKind, Tally> = BTreeMap::new();
    let mut outside = Tally::default();
    let mut lives_outside = Tally::default();
    let mut other_practice = Tally::default();
    for r in regs {
        if !map_codes.contains(r.practice.as_str()) {
            unknown_practice.add(&r.practice, r.patients);
        } else if !area_ix.contains_key(r.area.as_str()) {
            // Pseudo-codes are counted for the selected practices only:
            // another practice's are rows outside the selection.
            match AreaKind::of(&r.area) {
                Some(k) if sel_practice_codes.contains(r.practice.as_str()) => {
                    by_kind.entry(k).or_default().add(&r.practice, r.patients)
                }
                Some(_) => outside.add(&r.practice, r.patients),
                None => unknown_area.add(&r.area, r.patients),
            }
        } else {
            let (p_in, a_in) = (
                sel_practice_codes.contains(r.practice.as_str()),
                sel_area_codes.contains(r.area.as_str()),
            );
            match (p_in, a_in) {
                (true, true) => reg_rows.push(r),
                (true, false) => lives_outside.add(&r.area, r.patients),
                (false, true) => other_practice.add(&r.practice, r.patients),
                (false, false) => outside.add(&r.practice, r.patients),
            }
        }
    }
    let file = src
        .registrations
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    unknown_practice.report(
        log,
        "REGISTRATIONS_PRACTICE_NOT_IN_MAP",
        &file,
        "name practices not in the PCN map (e.g. {})",
    );
    for (kind, t) in &by_kind {
        t.report(
            log,
            "REGISTRATIONS_AREA_NOT_AN_ENGLISH_LSOA",
            &file,
            &format!(
                "have the area code {} (e.g. practice {{}})",
                kind.describe()
            ),
        );
    }
    unknown_area.report(
        log,
        "REGISTRATIONS_AREA_NOT_IN_BOUNDARIES",
        &file,
        "name areas not in the boundaries file (e.g. {})",
    );
    lives_outside.report(
        log,
        "REGISTRATIONS_LIVING_OUTSIDE_SELECTION",
        &file,
        "are patients of selected practices living in areas outside the selection (e.g. {})",
    );
    other_practice.report(
        log,
        "REGISTRATIONS_AT_UNSELECTED_PRACTICES",
        &file,
        "are residents of selected areas registered at practices outside the selection (e.g. {})",
    );
    outside.report(
        log,
        "REGISTRATIONS_OUTSIDE_SELECTION",
        &file,
        "join a practice and an area both outside the selection (e.g. practice {})",
    );
    reg_rows
}

/// Counts rows and patients of one kind of unusable registration.
#[derive(Default)]
struct Tally {
    rows: u64,
    patients: u64,
    examples: BTreeSet<String>,
}

impl Tally {
    fn add(&mut self, example: &str, patients: u64) {
        self.rows += 1;
        self.patients += patients;
        if self.examples.len() < 5 {
            self.examples.insert(example.to_string());
        }
    }

    fn report(&self, log: &mut Log, code: &str, file: &str, what: &str) {
        if self.rows == 0 {
            return;
        }
        let ex: Vec<&str> = self.examples.iter().map(String::as_str).collect();
        log.add(
            code,
            file,
            format!(
                "{} rows ({} patients) {}: not written",
                self.rows,
                self.patients,
                what.replace("{}", &ex.join(", "))
            ),
        );
    }
}
