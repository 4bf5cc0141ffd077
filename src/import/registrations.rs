//! Registrations within the selection; every row that cannot be used is
//! counted by kind, with examples, in the import report.

use super::national::RegRow;
use super::select::Selection;
use super::{ImportSources, Log, National};
use crate::model::Area;
use std::collections::{BTreeSet, HashMap};

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
    let mut outside = Tally::default();
    let mut lives_outside = Tally::default();
    let mut other_practice = Tally::default();
    for r in regs {
        if !map_codes.contains(r.practice.as_str()) {
            unknown_practice.add(&r.practice, r.patients);
        } else if !area_ix.contains_key(r.area.as_str()) {
            unknown_area.add(&r.area, r.patients);
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
    unknown_area.report(
        log,
        "REGISTRATIONS_AREA_NOT_IN_BOUNDARIES",
        &file,
        "name areas not in the boundaries file, such as Welsh (W01) codes (e.g. {})",
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
