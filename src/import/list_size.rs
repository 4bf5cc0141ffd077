//! Each practice's list size and where it comes from: the list-size file
//! (`gp-reg-pat-prac-all`) when given, otherwise the sum of the practice's
//! rows in the registrations file (`gp-reg-pat-prac-lsoa-all`: every row,
//! pseudo-codes such as `CLOSED` or Welsh LSOAs included, as they are the
//! practice's patients too). When both are given the file wins and the
//! practices whose two figures differ by more than [`TOLERANCE_PERCENT`]
//! are reported; with NHS England's PCN totals (`sing-age-regions`) each
//! PCN's list size is compared with NHS England's.

use super::national::{MapPractice, RegRow};
use super::select::Selection;
use super::{Log, National};
use crate::findings::Code;
use crate::load::edition::Date;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// A practice's list size and its registrations' sum may differ by this
/// share of the list size (and at least [`TOLERANCE_PATIENTS`]) before it
/// is reported: the two files are often extracts of different months.
pub const TOLERANCE_PERCENT: f64 = 5.0;
/// …and by at least this many patients (small practices).
pub const TOLERANCE_PATIENTS: u64 = 50;

/// A list-size file and registrations at most this many months apart: a
/// practice missing from the first takes its sum in the second.
pub const FILL_MONTHS: i32 = 6;

/// Where the list sizes come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Source {
    /// `--list-sizes`.
    File,
    /// The sum of each practice's rows in `--registrations`.
    Registrations,
}

/// List size and postcode per practice code, and their source.
pub(super) struct ListSizes {
    pub sizes: BTreeMap<String, (u64, String)>,
    pub source: Source,
    pub path: PathBuf,
    pub edition: Option<Date>,
    /// With a list-size file: the practices it has no row for whose list
    /// size is the sum of their registrations instead, and that file (with
    /// its edition).
    pub filled: BTreeMap<String, u64>,
    pub filled_from: Option<(PathBuf, Option<Date>)>,
}

impl ListSizes {
    /// The source as the import report states it.
    pub fn describe(&self) -> String {
        match self.source {
            Source::File => match &self.filled_from {
                Some((regs, _)) if !self.filled.is_empty() => format!(
                    "list sizes file {}; for practices without a row there (LIST_SIZE_FROM_REGISTRATIONS), the sum of their registrations by area {}",
                    self.path.display(),
                    regs.display()
                ),
                _ => format!("list sizes file {}", self.path.display()),
            },
            Source::Registrations => {
                format!("sum of registrations by area {}", self.path.display())
            }
        }
    }

    /// "registrations, 1 Oct 2025": what and which edition, in a detail.
    pub fn short(&self) -> String {
        let what = match self.source {
            Source::File => "list sizes file",
            Source::Registrations => "registrations",
        };
        let mut s = format!("{what}, {}", date_or_unknown(self.edition));
        if let Some((_, ed)) = self
            .filled_from
            .as_ref()
            .filter(|_| !self.filled.is_empty())
        {
            s.push_str(&format!(" or registrations, {}", date_or_unknown(*ed)));
        }
        s
    }

    /// With a list-size file: each map practice it has no row for but the
    /// registrations have takes the sum of its registrations (the same
    /// patients, as the published totals are), recorded in `filled` — when
    /// both files are dated and at most [`FILL_MONTHS`] apart; otherwise
    /// nothing is filled (a practice missing from a list-size file of
    /// another year is a practice of another year).
    pub fn fill_from_registrations(
        &mut self,
        regs: &[RegRow],
        map: &[MapPractice],
        path: PathBuf,
        edition: Option<Date>,
    ) {
        let close = match (self.edition, edition) {
            (Some(a), Some(b)) => a.months_until(b).abs() <= FILL_MONTHS,
            _ => false,
        };
        if !close {
            return;
        }
        let sums = sum_by_practice(regs);
        for p in map {
            if self.sizes.contains_key(&p.code) {
                continue;
            }
            if let Some(&n) = sums.get(p.code.as_str()) {
                self.sizes.insert(p.code.clone(), (n, p.postcode.clone()));
                self.filled.insert(p.code.clone(), n);
            }
        }
        self.filled_from = Some((path, edition));
    }

    /// Each map practice's registrations summed (practices without a row
    /// get none, and are reported as having no list size).
    pub fn from_registrations(
        regs: &[RegRow],
        map: &[MapPractice],
        path: PathBuf,
        edition: Option<Date>,
    ) -> ListSizes {
        let sums = sum_by_practice(regs);
        let sizes = map
            .iter()
            .filter_map(|p| {
                let n = *sums.get(p.code.as_str())?;
                Some((p.code.clone(), (n, p.postcode.clone())))
            })
            .collect();
        ListSizes {
            sizes,
            source: Source::Registrations,
            path,
            edition,
            filled: BTreeMap::new(),
            filled_from: None,
        }
    }
}

fn date_or_unknown(d: Option<Date>) -> String {
    d.map_or_else(|| "date unknown".into(), Date::human)
}

fn sum_by_practice(regs: &[RegRow]) -> HashMap<&str, u64> {
    let mut sums: HashMap<&str, u64> = HashMap::new();
    for r in regs {
        *sums.entry(r.practice.as_str()).or_insert(0) += r.patients;
    }
    sums
}

/// Both a list-size file and registrations: the selected practices whose
/// list size and registrations' sum differ by more than the tolerance are
/// one `LIST_SIZE_DIFFERS_FROM_REGISTRATIONS` entry, counted, with the
/// five largest differences as examples (a year between the two files
/// moves a quarter of England's practices by more than 5%).
pub(super) fn compare_with_registrations(nat: &National, sel: &Selection, log: &mut Log) {
    let (Some(regs), Source::File) = (&nat.regs, nat.list_sizes.source) else {
        return;
    };
    let sums = sum_by_practice(regs);
    let mut compared = 0;
    let mut over: Vec<(u64, &str, u64, u64)> = Vec::new();
    for (p, _) in nat.map.iter().zip(&sel.practice).filter(|(_, s)| **s) {
        let Some(&(size, _)) = nat.list_sizes.sizes.get(&p.code) else {
            continue;
        };
        compared += 1;
        let summed = sums.get(p.code.as_str()).copied().unwrap_or(0);
        let diff = size.abs_diff(summed);
        let allowed = (size as f64 * TOLERANCE_PERCENT / 100.0).max(TOLERANCE_PATIENTS as f64);
        if diff as f64 > allowed {
            over.push((diff, &p.code, size, summed));
        }
    }
    if over.is_empty() {
        return;
    }
    over.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let examples: Vec<String> = over
        .iter()
        .take(5)
        .map(|(_, code, size, summed)| format!("{code} {size} vs {summed}"))
        .collect();
    log.add(
        "LIST_SIZE_DIFFERS_FROM_REGISTRATIONS",
        &nat.list_sizes.path.display().to_string(),
        format!(
            "{} of {compared} practices have a list size ({}) more than {TOLERANCE_PERCENT}% \
             (and {TOLERANCE_PATIENTS} patients) away from the sum of their registrations ({}, {}); \
             the list sizes are used (largest: {})",
            over.len(),
            nat.list_sizes.short(),
            nat.regs_path.display(),
            date_or_unknown(nat.regs_edition),
            examples.join(", ")
        ),
    );
}

/// `--sing-age`: each selected PCN's list size (the sum of its practices')
/// against NHS England's own total; a difference is a
/// `PCN_LIST_SIZE_DIFFERS` entry with both numbers and both dates, a PCN
/// NHS England has no total for is `PCN_NOT_IN_NHS_TOTALS`.
pub(super) fn compare_with_nhs(nat: &National, sel: &Selection, log: &mut Log) {
    let Some(nhs) = &nat.nhs_totals else {
        return;
    };
    let mut pcns: BTreeMap<&str, (&str, u64)> = BTreeMap::new();
    for (p, _) in nat.map.iter().zip(&sel.practice).filter(|(_, s)| **s) {
        if p.pcn_code.is_empty() {
            continue;
        }
        let e = pcns.entry(&p.pcn_code).or_insert((&p.pcn_name, 0));
        e.1 += nat.list_sizes.sizes.get(&p.code).map_or(0, |(n, _)| *n);
    }
    let theirs = date_or_unknown(nhs.edition);
    for (code, (name, ours)) in pcns {
        match nhs.pcn.get(code) {
            Some(&n) if n != ours => log.add(
                Code::PcnListSizeDiffers.as_str(),
                code,
                format!(
                    "{name}: list size {ours} ({}) vs NHS England {n} ({theirs}): {}{} ({:+.1}%)",
                    nat.list_sizes.short(),
                    if ours > n { "+" } else { "-" },
                    ours.abs_diff(n),
                    percent(ours, n)
                ),
            ),
            Some(_) => {}
            None => log.add(
                "PCN_NOT_IN_NHS_TOTALS",
                code,
                format!(
                    "{name} (list size {ours}, {}) has no PCN total in {} ({theirs}): not compared",
                    nat.list_sizes.short(),
                    nhs.input.path
                ),
            ),
        }
    }
}

/// `ours` relative to `theirs`, in percent.
fn percent(ours: u64, theirs: u64) -> f64 {
    if theirs == 0 {
        return 0.0;
    }
    (ours as f64 - theirs as f64) / theirs as f64 * 100.0
}
