//! Vintage safety for the registrations file: a file on the other LSOA
//! edition from the boundaries is translated through the ONS LSOA 2011 →
//! LSOA 2021 lookup (`--lsoa-lookup`), or is an error saying which edition
//! each file is and how to fix it (docs/input.md, "LSOA 2021 and vintages").
//!
//! The lookup is read as pairs (LSOA 2011 code, LSOA 2021 code, `CHGIND`):
//! a row's area with one partner is rewritten (U unchanged; M merged, the
//! rows of one practice landing in one area are added); with several
//! partners (S split, X complex) its patients are shared among them in
//! proportion to the partners' residents (`--population`) when every
//! partner has a resident count above 0 between them, else in equal shares,
//! as whole patients by largest remainder (ties to the lower code), so the
//! shares sum to the row's patients exactly.

use super::national::RegRow;
use super::{ImportSources, Log, National};
use crate::load::table::{ColumnSpec, Table};
use crate::load::vintage::{self, FEW, LOOKUP_PRODUCT, Vintage};
use crate::model::InputFile;
use anyhow::{Result, bail};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

const LSOA11: ColumnSpec = ColumnSpec::new("LSOA11CD", &["lsoa11_code", "lsoa11cd"]);
const LSOA21: ColumnSpec = ColumnSpec::new("LSOA21CD", &["lsoa21_code", "lsoa21cd"]);
const CHGIND: ColumnSpec = ColumnSpec::new("CHGIND", &["change_indicator"]);

/// The lookup as partner lists both ways, each sorted by code.
pub struct Lookup {
    /// LSOA 2011 code → (LSOA 2021 code, CHGIND).
    to_2021: HashMap<String, Vec<(String, char)>>,
    /// LSOA 2021 code → (LSOA 2011 code, CHGIND).
    to_2011: HashMap<String, Vec<(String, char)>>,
}

impl Lookup {
    /// Read the ONS lookup (`LSOA11CD, LSOA21CD, CHGIND`, other columns
    /// ignored). A `CHGIND` other than U, S, M, X is an error naming the line.
    pub fn read(path: &Path, inputs: &mut Vec<InputFile>) -> Result<Lookup> {
        let t = Table::open(path)?;
        let (a, b, k) = (t.require(LSOA11)?, t.require(LSOA21)?, t.require(CHGIND)?);
        let mut to_2021: HashMap<String, Vec<(String, char)>> = HashMap::new();
        let mut to_2011: HashMap<String, Vec<(String, char)>> = HashMap::new();
        let mut rows = 0;
        for row in t.rows() {
            let row = row?;
            rows += 1;
            let (old, new) = (row.required_str(a)?, row.required_str(b)?);
            let chg = match row.required_str(k)?.trim() {
                "U" | "u" => 'U',
                "S" | "s" => 'S',
                "M" | "m" => 'M',
                "X" | "x" => 'X',
                other => bail!(
                    "{}: CHGIND `{}` is not U (unchanged), S (split), M (merged) or X (complex)",
                    row.at(),
                    crate::safe_text::escape_controls(other, 20)
                ),
            };
            to_2021
                .entry(old.to_string())
                .or_default()
                .push((new.to_string(), chg));
            to_2011
                .entry(new.to_string())
                .or_default()
                .push((old.to_string(), chg));
        }
        for v in to_2021.values_mut().chain(to_2011.values_mut()) {
            v.sort();
            v.dedup();
        }
        inputs.push(t.input_file("lsoa_lookup", rows));
        Ok(Lookup { to_2021, to_2011 })
    }

    fn partners(&self, to: Vintage) -> &HashMap<String, Vec<(String, char)>> {
        match to {
            Vintage::Lsoa2021 => &self.to_2021,
            Vintage::Lsoa2011 => &self.to_2011,
        }
    }

    /// Distinct codes that exist only in 2011 and only in 2021, by the lookup.
    fn only_in_each<'a>(&self, codes: impl Iterator<Item = &'a str>) -> (usize, usize) {
        let distinct: BTreeSet<&str> = codes.collect();
        let old = distinct
            .iter()
            .filter(|c| self.to_2021.contains_key(**c) && !self.to_2011.contains_key(**c))
            .count();
        let new = distinct
            .iter()
            .filter(|c| self.to_2011.contains_key(**c) && !self.to_2021.contains_key(**c))
            .count();
        (old, new)
    }
}

/// Check the registrations' edition against the boundaries'; translate them
/// with the lookup when they differ, or fail saying how to fix it.
pub(super) fn registrations(
    src: &ImportSources,
    nat: &mut National,
    inputs: &mut Vec<InputFile>,
    log: &mut Log,
) -> Result<()> {
    let (Some(regs), Some(reg_path)) = (nat.regs.as_mut(), src.registrations.as_ref()) else {
        return Ok(());
    };
    let file = reg_path.display().to_string();
    let bfile = src.boundaries.display().to_string();
    let codes: BTreeSet<&str> = nat.areas.iter().map(|a| a.code.as_str()).collect();
    let b = vintage::vintage_of_codes(codes.iter().copied());
    let Some(lookup_path) = &src.lsoa_lookup else {
        let s = vintage::survey(regs.iter().map(|r| r.area.as_str()), |k| codes.contains(k));
        vintage::check_edition(&file, "the registrations file", &bfile, b, &s, &|b, _| {
            format!(
                "give the {LOOKUP_PRODUCT} with --lsoa-lookup FILE to translate it, or use the {b} edition of the registrations"
            )
        })?;
        return Ok(());
    };
    let lookup = Lookup::read(lookup_path, inputs)?;
    let (old, new) = lookup.only_in_each(regs.iter().map(|r| r.area.as_str()));
    if old > FEW && new > FEW {
        bail!(
            "{file}: the registrations file mixes LSOA editions: {old} area codes exist only in LSOA 2011 and {new} only in LSOA 2021 (by {}); use one edition",
            lookup_path.display()
        );
    }
    let to = match b {
        Some(Vintage::Lsoa2021) if old > FEW => Vintage::Lsoa2021,
        Some(Vintage::Lsoa2011) if new > FEW => Vintage::Lsoa2011,
        _ => return Ok(()),
    };
    let population: HashMap<&str, u64> = nat
        .areas
        .iter()
        .filter_map(|a| Some((a.code.as_str(), a.population?)))
        .collect();
    let (rows, tally) = translate(std::mem::take(regs), lookup.partners(to), &population);
    *regs = rows;
    let from = match to {
        Vintage::Lsoa2021 => Vintage::Lsoa2011,
        Vintage::Lsoa2011 => Vintage::Lsoa2021,
    };
    for (chg, t) in tally {
        let how = match chg {
            'U' => "unchanged: the same code",
            'M' => "merged: each to its one new area, rows of a practice landing in one area added",
            'S' => "split: patients shared among the new areas",
            _ => "complex: patients shared among the partner areas",
        };
        let shares = if t.rows_out > t.rows_in {
            if t.equal_shares > 0 {
                format!(
                    " ({} rows out; {} split in equal shares for want of residents)",
                    t.rows_out, t.equal_shares
                )
            } else {
                format!(" ({} rows out, shared by residents)", t.rows_out)
            }
        } else {
            String::new()
        };
        log.add(
            "REGISTRATIONS_LSOA_TRANSLATED",
            &format!("CHGIND {chg}"),
            format!(
                "{file}: {} rows ({} patients) on {from} codes translated to {to} through {} — {how}{shares}",
                t.rows_in,
                t.patients,
                lookup_path.display()
            ),
        );
    }
    Ok(())
}

/// Rows and patients translated under one `CHGIND`.
#[derive(Default, Debug, PartialEq, Eq)]
pub struct Tally {
    pub rows_in: u64,
    pub patients: u64,
    /// Rows written for them before rows of one practice and area are added.
    pub rows_out: u64,
    /// Rows split in equal shares (partners without residents).
    pub equal_shares: u64,
}

/// Translate `rows` through `partners`; rows whose area has no partner
/// (pseudo codes, other countries) are kept as they are. Rows of one
/// practice landing in one area are added, in first-seen order.
pub(super) fn translate(
    rows: Vec<RegRow>,
    partners: &HashMap<String, Vec<(String, char)>>,
    population: &HashMap<&str, u64>,
) -> (Vec<RegRow>, BTreeMap<char, Tally>) {
    let mut tally: BTreeMap<char, Tally> = BTreeMap::new();
    let mut out: Vec<RegRow> = Vec::with_capacity(rows.len());
    let mut at: HashMap<(String, String), usize> = HashMap::new();
    let mut push = |out: &mut Vec<RegRow>, practice: &str, area: &str, patients: u64| match at
        .get(&(practice.to_string(), area.to_string()))
    {
        Some(&i) => out[i].patients += patients,
        None => {
            at.insert((practice.to_string(), area.to_string()), out.len());
            out.push(RegRow {
                practice: practice.to_string(),
                area: area.to_string(),
                patients,
            });
        }
    };
    for r in rows {
        let Some(p) = partners.get(&r.area) else {
            push(&mut out, &r.practice, &r.area, r.patients);
            continue;
        };
        let chg = p
            .iter()
            .map(|(_, c)| *c)
            .max_by_key(|c| change_rank(*c))
            .unwrap_or('U');
        let t = tally.entry(chg).or_default();
        t.rows_in += 1;
        t.patients += r.patients;
        t.rows_out += p.len() as u64;
        let codes: Vec<&str> = p.iter().map(|(c, _)| c.as_str()).collect();
        let weights: Option<Vec<u64>> = codes.iter().map(|c| population.get(c).copied()).collect();
        let weights = match weights.filter(|w| w.iter().sum::<u64>() > 0) {
            Some(w) => w,
            None => {
                if codes.len() > 1 {
                    t.equal_shares += 1;
                }
                vec![1; codes.len()]
            }
        };
        for (code, n) in codes.iter().zip(largest_remainder(r.patients, &weights)) {
            if n > 0 || codes.len() == 1 {
                push(&mut out, &r.practice, code, n);
            }
        }
    }
    (out, tally)
}

/// The most telling change of a code's partners: X over S over M over U.
fn change_rank(c: char) -> u8 {
    match c {
        'X' => 3,
        'S' => 2,
        'M' => 1,
        _ => 0,
    }
}

/// `total` shared in proportion to `weights` (not all 0) as whole numbers
/// summing to `total`: each its floor, then one more to the largest
/// remainders, ties to the earlier (lower code).
pub fn largest_remainder(total: u64, weights: &[u64]) -> Vec<u64> {
    let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let mut shares: Vec<u64> = Vec::with_capacity(weights.len());
    let mut rems: Vec<(u128, usize)> = Vec::with_capacity(weights.len());
    for (i, &w) in weights.iter().enumerate() {
        let q = u128::from(total) * u128::from(w);
        shares.push((q / sum) as u64);
        rems.push((q % sum, i));
    }
    let left = total - shares.iter().sum::<u64>();
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in rems.iter().take(left as usize) {
        shares[i] += 1;
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainder_sums_exactly() {
        assert_eq!(largest_remainder(10, &[1, 1, 1]), [4, 3, 3]);
        assert_eq!(largest_remainder(7, &[1500, 500]), [5, 2]); // 5.25, 1.75
        assert_eq!(largest_remainder(1, &[1, 1]), [1, 0]);
        assert_eq!(largest_remainder(0, &[3, 4]), [0, 0]);
        assert_eq!(largest_remainder(5, &[0, 2]), [0, 5]);
    }

    #[test]
    fn split_merge_unchanged() {
        let pairs = |v: &[(&str, &str, char)]| {
            let mut m: HashMap<String, Vec<(String, char)>> = HashMap::new();
            for (a, b, c) in v {
                m.entry(a.to_string())
                    .or_default()
                    .push((b.to_string(), *c));
            }
            m
        };
        let p = pairs(&[
            ("A", "A", 'U'),
            ("S", "S1", 'S'),
            ("S", "S2", 'S'),
            ("M1", "M", 'M'),
            ("M2", "M", 'M'),
        ]);
        let row = |a: &str, n| RegRow {
            practice: "P".into(),
            area: a.into(),
            patients: n,
        };
        let pop: HashMap<&str, u64> = [("S1", 300), ("S2", 100)].into_iter().collect();
        let (out, t) = translate(
            vec![
                row("A", 5),
                row("S", 10),
                row("M1", 3),
                row("M2", 4),
                row("W", 2),
            ],
            &p,
            &pop,
        );
        let got: Vec<(&str, u64)> = out.iter().map(|r| (r.area.as_str(), r.patients)).collect();
        // 10 × 3/4 = 7.5 → 8 (tie to the lower code), 2.5 → 2.
        assert_eq!(got, [("A", 5), ("S1", 8), ("S2", 2), ("M", 7), ("W", 2)]);
        assert_eq!(t[&'M'].rows_in, 2);
        assert_eq!(t[&'S'].rows_out, 2);
        assert_eq!(t[&'U'].patients, 5);
    }
}
