//! Which LSOA edition a set of area codes is on: 2011 (32,844 in England,
//! `E01000001`–`E01033768`) or 2021 (33,755 in England; the 1,700-odd new
//! areas numbered from `E01033769`). Most codes are the same in both, so a
//! file is told by its codes that exist in only one edition.
//!
//! [`vintage_of_codes`] names the edition of a set of codes (the boundaries');
//! [`survey`] and [`verdict`] tell whether a file's codes are on the other
//! edition from the boundaries' (docs/input.md, "LSOA 2021 and vintages").

use super::columns as c;
use super::table::Table;
use anyhow::{Result, anyhow};
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::Path;

/// An LSOA edition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Vintage {
    #[serde(rename = "LSOA 2011")]
    Lsoa2011,
    #[serde(rename = "LSOA 2021")]
    Lsoa2021,
}

impl std::fmt::Display for Vintage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Vintage::Lsoa2011 => "LSOA 2011",
            Vintage::Lsoa2021 => "LSOA 2021",
        })
    }
}

/// The last English LSOA 2011 code: every higher `E01` code is LSOA 2021.
pub const LAST_ENGLISH_LSOA11: u32 = 33_768;

/// The last English LSOA 2021 code: higher `E01` numbers are no real LSOA
/// (the demo's synthetic county uses `E019…` codes).
pub const LAST_ENGLISH_LSOA21: u32 = 35_762;

/// The number of an English LSOA code of either edition (`E01012345` →
/// 12345), if it is one: `E01000001`–`E01035762`.
pub fn english_lsoa_number(code: &str) -> Option<u32> {
    let rest = code.strip_prefix("E01")?;
    (rest.len() == 6 && rest.bytes().all(|b| b.is_ascii_digit()))
        .then(|| rest.parse().ok())
        .flatten()
        .filter(|&n| (1..=LAST_ENGLISH_LSOA21).contains(&n))
}

/// Whether a code can only be an LSOA 2021 code.
pub fn is_only_2021(code: &str) -> bool {
    english_lsoa_number(code).is_some_and(|n| n > LAST_ENGLISH_LSOA11)
}

/// Up to this many codes off are tolerated (reported as any unknown code
/// is), not taken for a file on the other edition.
pub const FEW: usize = 5;

/// Fewer English codes than this, none of them 2021-only, cannot tell the
/// edition: 2021-only codes are about 5% of England's (1,700-odd of 33,755),
/// so 200 codes of 2021 without one is very unlikely.
pub const MIN_CODES_FOR_2011: usize = 200;

/// The edition of a set of area codes (the boundaries'): LSOA 2021 when any
/// code is 2021-only, LSOA 2011 when at least [`MIN_CODES_FOR_2011`] English
/// LSOA codes and none 2021-only, else `None` (too few to tell, or not
/// English LSOA codes).
pub fn vintage_of_codes<'a>(codes: impl Iterator<Item = &'a str>) -> Option<Vintage> {
    let mut english = 0usize;
    for code in codes {
        if let Some(n) = english_lsoa_number(code) {
            if n > LAST_ENGLISH_LSOA11 {
                return Some(Vintage::Lsoa2021);
            }
            english += 1;
        }
    }
    (english >= MIN_CODES_FOR_2011).then_some(Vintage::Lsoa2011)
}

/// A file's distinct area codes measured against the boundaries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileCodes {
    /// Distinct codes in the file.
    pub distinct: usize,
    /// Distinct 2021-only codes ([`is_only_2021`]), in the boundaries or not.
    pub only_2021: usize,
    /// Distinct codes not in the boundaries.
    pub unmatched: usize,
    /// Distinct English codes up to `E01033768` not in the boundaries.
    pub unmatched_2011_range: usize,
    /// Distinct 2021-only codes not in the boundaries.
    pub unmatched_only_2021: usize,
    /// The first few unmatched English LSOA codes, sorted.
    pub examples: Vec<String>,
}

/// Measure a file's area codes against the boundaries (`in_boundaries`).
pub fn survey<'a>(
    codes: impl Iterator<Item = &'a str>,
    in_boundaries: impl Fn(&str) -> bool,
) -> FileCodes {
    let distinct: BTreeSet<&str> = codes.collect();
    let mut s = FileCodes {
        distinct: distinct.len(),
        ..FileCodes::default()
    };
    for code in distinct {
        let new = is_only_2021(code);
        s.only_2021 += usize::from(new);
        if in_boundaries(code) {
            continue;
        }
        s.unmatched += 1;
        if let Some(n) = english_lsoa_number(code) {
            if n > LAST_ENGLISH_LSOA11 {
                s.unmatched_only_2021 += 1;
            } else {
                s.unmatched_2011_range += 1;
            }
            if s.examples.len() < 3 {
                s.examples.push(code.to_string());
            }
        }
    }
    s
}

/// The edition a file is on when it is not the boundaries' `b`: with 2021
/// boundaries, a file with more than [`FEW`] codes of the 2011 range missing
/// from them and at most [`FEW`] 2021-only codes is LSOA 2011 (a real 2011
/// file has none); with 2011 boundaries, a file with more than [`FEW`]
/// 2021-only codes is LSOA 2021. `None`: the same edition, or cannot tell.
pub fn verdict(b: Option<Vintage>, s: &FileCodes) -> Option<Vintage> {
    match b? {
        Vintage::Lsoa2021 => {
            (s.unmatched_2011_range > FEW && s.only_2021 <= FEW).then_some(Vintage::Lsoa2011)
        }
        Vintage::Lsoa2011 => (s.unmatched_only_2021 > FEW).then_some(Vintage::Lsoa2021),
    }
}

/// The ONS product that translates between the editions.
pub const LOOKUP_PRODUCT: &str = "ONS \"LSOA (2011) to LSOA (2021) to Local Authority District (2022) Exact Fit Lookup for EW\" (lsoa11_lsoa21_lad22_lookup.csv)";

/// Whether a file mixes the editions, told without the lookup: with 2021
/// boundaries, more than [`FEW`] of its codes are 2021-only and every one of
/// them is in the boundaries (so they cover the file's extent), yet more
/// than [`FEW`] codes of the 2011 range are not — retired 2011 codes.
pub fn is_mixed(b: Option<Vintage>, s: &FileCodes) -> bool {
    b == Some(Vintage::Lsoa2021)
        && s.only_2021 > FEW
        && s.unmatched_only_2021 == 0
        && s.unmatched_2011_range > FEW
}

/// A file's edition checked against the boundaries' (`b`, of the file
/// `boundaries`): a file on the other edition ([`verdict`]) or mixing both
/// ([`is_mixed`]) is a one-line error saying which edition each is, how
/// many codes are unmatched (with examples), and `fix(boundaries' edition,
/// file's edition)`.
pub fn check_edition(
    file: &str,
    what: &str,
    boundaries: &str,
    b: Option<Vintage>,
    s: &FileCodes,
    fix: &dyn Fn(Vintage, Vintage) -> String,
) -> Result<()> {
    let Some(bv) = b else { return Ok(()) };
    if is_mixed(b, s) {
        return Err(anyhow!(
            "{file}: {what} mixes LSOA editions: {} of its {} area codes are 2021-only, and {} codes of the 2011 range are not in the {bv} boundaries ({boundaries}) (e.g. {}); use one edition",
            s.only_2021,
            s.distinct,
            s.unmatched_2011_range,
            s.examples.join(", ")
        ));
    }
    let Some(fv) = verdict(b, s) else {
        return Ok(());
    };
    Err(anyhow!(
        "{file}: {what} is on {fv} codes but the boundaries ({boundaries}) are {bv}: {} of its {} area codes are not in the boundaries (e.g. {}) and {} are 2021-only codes; {}",
        s.unmatched,
        s.distinct,
        s.examples.join(", "),
        s.only_2021,
        fix(bv, fv)
    ))
}

/// At load time (`check`, `analyse`, …): a dataset's `registrations.csv` or
/// `footprints.csv` (`what`) on the other edition from the areas is an
/// error saying so (called by [`explain`] when the file does not load).
pub fn guard_dataset_file(
    path: &Path,
    what: &str,
    areas_file: &Path,
    area_codes: &std::collections::HashMap<String, crate::model::AreaId>,
) -> Result<()> {
    let b = vintage_of_codes(area_codes.keys().map(String::as_str));
    if b.is_none() {
        return Ok(());
    }
    let t = Table::open(path)?;
    let Some(col) = t.optional(c::AREA_CODE) else {
        return Ok(()); // the loader names the missing column
    };
    let mut codes: Vec<String> = Vec::new();
    for row in t.rows() {
        codes.push(row?.str(col).to_string());
    }
    let s = survey(codes.iter().map(String::as_str), |k| {
        area_codes.contains_key(k)
    });
    check_edition(
        &t.display(),
        what,
        &areas_file.display().to_string(),
        b,
        &s,
        &|_, _| {
            format!(
                "re-run `pcn-atlas import` with --lsoa-lookup FILE (the {LOOKUP_PRODUCT}) to translate the registrations, or give areas of the same edition"
            )
        },
    )
}

/// The error of a dataset file that did not load, replaced by the edition
/// error when the file is on the other LSOA edition ([`guard_dataset_file`]).
pub fn explain(
    err: anyhow::Error,
    path: &Path,
    what: &str,
    areas_file: &Path,
    area_codes: &std::collections::HashMap<String, crate::model::AreaId>,
) -> anyhow::Error {
    match guard_dataset_file(path, what, areas_file, area_codes) {
        Err(edition) => edition,
        Ok(()) => err,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_told_apart_by_number() {
        assert_eq!(english_lsoa_number("E01033768"), Some(33_768));
        assert!(!is_only_2021("E01033768"));
        assert!(is_only_2021("E01033769"));
        assert!(is_only_2021("E01035722"));
        assert!(!is_only_2021("E01035763"));
        assert_eq!(english_lsoa_number("E01900001"), None);
        assert_eq!(english_lsoa_number("E01000000"), None);
        assert!(!is_only_2021("W01000001"));
        assert!(!is_only_2021("E0103377"));
        assert!(!is_only_2021("CLOSED"));
        assert_eq!(Vintage::Lsoa2021.to_string(), "LSOA 2021");
    }

    #[test]
    fn vintage_of_a_set_of_codes() {
        let codes: Vec<String> = (1..=MIN_CODES_FOR_2011)
            .map(|i| format!("E01{i:06}"))
            .collect();
        let it = || codes.iter().map(String::as_str);
        assert_eq!(vintage_of_codes(it()), Some(Vintage::Lsoa2011));
        assert_eq!(vintage_of_codes(it().skip(1)), None);
        assert_eq!(
            vintage_of_codes(it().chain(["E01033769"])),
            Some(Vintage::Lsoa2021)
        );
        assert_eq!(vintage_of_codes(["W01000001", "CLOSED"].into_iter()), None);
    }

    #[test]
    fn a_2011_file_against_2021_boundaries_and_back() {
        let gone: Vec<String> = (1..=6).map(|i| format!("E01000{i:03}")).collect();
        let s = survey(gone.iter().map(String::as_str), |_| false);
        assert_eq!(s.unmatched_2011_range, 6);
        assert_eq!(s.examples, ["E01000001", "E01000002", "E01000003"]);
        assert_eq!(
            verdict(Some(Vintage::Lsoa2021), &s),
            Some(Vintage::Lsoa2011)
        );
        // Five off is tolerated.
        let s5 = survey(gone.iter().skip(1).map(String::as_str), |_| false);
        assert_eq!(verdict(Some(Vintage::Lsoa2021), &s5), None);
        // With 2021-only codes in it, the file is 2021 (areas outside the boundaries).
        let mut mixed = gone.clone();
        mixed.extend((33_770..33_776).map(|i| format!("E01{i:06}")));
        let sm = survey(mixed.iter().map(String::as_str), is_only_2021);
        assert_eq!(sm.only_2021, 6);
        assert_eq!(verdict(Some(Vintage::Lsoa2021), &sm), None);
        assert_eq!(verdict(Some(Vintage::Lsoa2011), &sm), None);
        let s21 = survey(mixed.iter().map(String::as_str), |c| !is_only_2021(c));
        assert_eq!(
            verdict(Some(Vintage::Lsoa2011), &s21),
            Some(Vintage::Lsoa2021)
        );
        assert_eq!(verdict(None, &s21), None);
        // All six 2021-only codes inside 2021 boundaries, six retired codes
        // outside them: mixed.
        assert!(is_mixed(Some(Vintage::Lsoa2021), &sm));
        assert!(!is_mixed(Some(Vintage::Lsoa2021), &s));
        assert!(!is_mixed(Some(Vintage::Lsoa2011), &sm));
    }
}
