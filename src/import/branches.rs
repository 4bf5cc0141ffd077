//! Branch surgeries (`import --branches`): NHS ODS `ebranchs.csv` read, and
//! each branch's fate decided — written to `sites.csv`, or counted and
//! listed in the import report with its own code.
//!
//! `ebranchs.csv` has epraccur's layout (no header, 27 quoted columns,
//! Latin-1): column 1 the branch code (9 characters), 2 its name, 10 its
//! postcode, 11 the open date, 12 the close date (blank while open), 15 the
//! parent practice's code. Columns 13–14 (status) are empty.
//!
//! Each branch has exactly one fate, the first that applies:
//!
//! | fate | code in the report | listed |
//! |---|---|---|
//! | its code was already given on an earlier line | `BRANCH_DUPLICATE` | yes |
//! | with `--lad/--pcn/--icb/--sub-icb/--region/--bbox`: its parent is not among the practices selected | — (`branches_out_of_selection`) | no: out of scope |
//! | a close date is set | `BRANCH_CLOSED` | yes |
//! | its parent is not in the PCN map | `BRANCH_PARENT_NOT_IN_DATASET` | yes |
//! | its parent is closed (C) or dormant (D) in the `--epraccur` given | `BRANCH_PARENT_CLOSED` | yes |
//! | its postcode is not in Code-Point Open (`--branch-postcodes`, then `--postcodes`) | `BRANCH_UNLOCATED` | yes |
//! | otherwise | written to `sites.csv` | — |

use super::national::OdsRecord;
use super::{Log, National};
use crate::load::codepoint::PostcodeLookup;
use crate::load::text::show;
use crate::model::InputFile;
use anyhow::{Context, Result, bail};
use geo::Coord;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The publisher's name of `ebranchs.csv` (as `InputFile.product`).
pub const PRODUCT_EBRANCHS: &str = "NHS ODS: GP branch surgeries (ebranchs)";

/// The branch surgeries to import and where their postcodes are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BranchSources {
    /// NHS ODS `ebranchs.csv`.
    pub ebranchs: PathBuf,
    /// A Code-Point Open folder searched for branch postcodes before the
    /// practices' (`--postcodes`); `None`: the practices' only.
    pub postcodes: Option<PathBuf>,
}

/// One row of `ebranchs.csv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct EbranchRow {
    pub line: u64,
    pub code: String,
    pub name: String,
    pub postcode: String,
    /// The close date as `YYYY-MM-DD`; `None` while open.
    pub closed: Option<String>,
    pub parent: String,
}

/// How many branches met each fate (their sum is `branches_in_file`), and
/// how many of the file's rows are open. Written into `import_report.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BranchCounts {
    pub branches_in_file: usize,
    /// Rows without a close date, whatever their fate.
    pub branches_open: usize,
    pub branches_duplicate: usize,
    /// With a selection: branches whose parent is not selected (not listed).
    pub branches_out_of_selection: usize,
    pub branches_closed: usize,
    pub branches_parent_not_in_dataset: usize,
    pub branches_parent_closed: usize,
    pub branches_unlocated: usize,
    pub branches_written: usize,
}

/// The branches read and the ones kept, with their location.
pub(super) struct Branches {
    pub rows: Vec<EbranchRow>,
    /// Index into `rows` and location (BNG) of each branch written.
    pub kept: Vec<(usize, Coord<f64>)>,
    pub counts: BranchCounts,
}

/// An ODS branch code: a letter and eight letters or digits (the parent's
/// code and a three-digit number, as published).
pub(super) fn is_branch_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 9 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_alphanumeric)
}

/// An ODS practice code: a letter and five letters or digits.
fn is_parent_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 6 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_alphanumeric)
}

/// `YYYYMMDD` as `YYYY-MM-DD`, or `None` when it is not such a date.
fn ods_date(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let ok = b.len() == 8
        && b.iter().all(u8::is_ascii_digit)
        && (1..=12).contains(&s[4..6].parse::<u8>().ok()?)
        && (1..=31).contains(&s[6..8].parse::<u8>().ok()?);
    ok.then(|| format!("{}-{}-{}", &s[..4], &s[4..6], &s[6..]))
}

/// The line a record starts on, from its byte offset. (The csv crate's own
/// line number lags by one after a CRLF, as ODS files end their lines: a
/// record there "starts" at the `\n` of the line before.)
#[derive(Default)]
struct LineCounter {
    byte: usize,
    line: u64,
}

impl LineCounter {
    /// Offsets must not decrease between calls.
    fn line_at(&mut self, text: &[u8], at: u64) -> u64 {
        let mut at = usize::try_from(at).unwrap_or(usize::MAX).min(text.len());
        while at < text.len() && matches!(text[at], b'\r' | b'\n') {
            at += 1;
        }
        self.line += memchr::memchr_iter(b'\n', &text[self.byte.min(at)..at]).count() as u64;
        self.byte = at;
        self.line + 1
    }
}

/// Columns of `ebranchs.csv` (1-based, as documented).
const MIN_COLUMNS: usize = 15;

/// Read `ebranchs.csv`; any row that is not the layout is an error naming
/// the file, line and value.
pub(super) fn read_ebranchs(path: &Path, inputs: &mut Vec<InputFile>) -> Result<Vec<EbranchRow>> {
    let text = crate::load::text::read_text(path)?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.text.as_bytes());
    let mut out = Vec::new();
    let mut lines = LineCounter::default();
    for rec in rdr.records() {
        let rec = rec.with_context(|| format!("{}: malformed CSV", path.display()))?;
        let line = lines.line_at(text.text.as_bytes(), rec.position().map_or(0, |p| p.byte()));
        let at = format!("{}:{line}", path.display());
        if rec.len() < MIN_COLUMNS {
            bail!(
                "{at}: expected the ebranchs layout (27 columns, the parent practice in column 15), found {} column(s)",
                rec.len()
            );
        }
        let code = rec[0].trim();
        if !is_branch_code(code) {
            bail!(
                "{at}: column 1 `{}` is not an ODS branch code (a letter and 8 letters or digits, e.g. A81004001)",
                show(code)
            );
        }
        let parent = rec[14].trim();
        if !is_parent_code(parent) {
            bail!(
                "{at}: column 15 (parent practice of branch {code}) `{}` is not a practice code (a letter and 5 letters or digits)",
                show(parent)
            );
        }
        for (col, what) in [(10, "open date"), (11, "close date")] {
            let v = rec[col].trim();
            if !v.is_empty() && ods_date(v).is_none() {
                bail!(
                    "{at}: column {} ({what} of branch {code}) `{}` is not a date YYYYMMDD",
                    col + 1,
                    show(v)
                );
            }
        }
        out.push(EbranchRow {
            line,
            code: code.to_string(),
            name: rec[1].trim().to_string(),
            postcode: rec[9].trim().to_string(),
            closed: ods_date(rec[11].trim()),
            parent: parent.to_string(),
        });
    }
    inputs.push(InputFile {
        role: "branches".into(),
        path: path.display().to_string(),
        sha256: text.sha256,
        rows: out.len() as u64,
        product: Some(PRODUCT_EBRANCHS.into()),
        edition: None,
    });
    Ok(out)
}

/// Read the branch sources: the rows and, when given, the branches'
/// Code-Point Open folder (recorded in `inputs` as `branch_postcodes`).
pub(super) fn read(
    src: &BranchSources,
    inputs: &mut Vec<InputFile>,
) -> Result<(Vec<EbranchRow>, Option<PostcodeLookup>)> {
    let rows = read_ebranchs(&src.ebranchs, inputs)?;
    let lookup = match &src.postcodes {
        Some(p) => {
            let mut l = PostcodeLookup::load(p)?;
            if let Some(mut i) = l.input.take() {
                i.role = "branch_postcodes".into();
                i.product = crate::load::sources::product_of("postcodes").map(str::to_string);
                inputs.push(i);
            }
            Some(l)
        }
        None => None,
    };
    Ok((rows, lookup))
}

/// What a branch's fate is decided against.
pub(super) struct Scope<'a> {
    pub nat: &'a National,
    /// Codes of the practices written.
    pub written: BTreeSet<&'a str>,
    /// A selection (`--lad` …) was given.
    pub filtered: bool,
    pub branch_lookup: Option<&'a PostcodeLookup>,
    pub src: &'a BranchSources,
    /// The practices' Code-Point Open folder and the PCN map (for details).
    pub postcodes: &'a Path,
    pub map: &'a Path,
    pub epraccur: Option<&'a Path>,
}

impl Scope<'_> {
    fn locate(&self, postcode: &str) -> Option<Coord<f64>> {
        self.branch_lookup
            .and_then(|l| l.get(postcode))
            .or_else(|| self.nat.lookup.get(postcode))
    }

    fn folders(&self) -> String {
        match &self.src.postcodes {
            Some(b) => format!("{} or {}", b.display(), self.postcodes.display()),
            None => self.postcodes.display().to_string(),
        }
    }

    fn parent_inactive(&self, parent: &str) -> Option<&OdsRecord> {
        self.nat
            .ods
            .as_ref()
            .and_then(|o| o.get(parent))
            .filter(|r| r.status == "C" || r.status == "D")
    }
}

/// Decide each branch's fate, logging every one not written (but those
/// out of the selection, which are only counted).
pub(super) fn decide(rows: Vec<EbranchRow>, scope: &Scope, log: &mut Log) -> Branches {
    let in_map: BTreeSet<&str> = scope.nat.map.iter().map(|p| p.code.as_str()).collect();
    let mut c = BranchCounts {
        branches_in_file: rows.len(),
        branches_open: rows.iter().filter(|r| r.closed.is_none()).count(),
        ..BranchCounts::default()
    };
    let mut kept = Vec::new();
    let mut first_line: HashMap<&str, u64> = HashMap::new();
    let file = scope.src.ebranchs.display();
    for (i, r) in rows.iter().enumerate() {
        let what = format!(
            "{} (branch of {}, {file} line {})",
            r.name, r.parent, r.line
        );
        if let Some(first) = first_line.get(r.code.as_str()) {
            c.branches_duplicate += 1;
            log.add(
                "BRANCH_DUPLICATE",
                &r.code,
                format!(
                    "{what}: the code is given again (first on line {first}); the first row is used"
                ),
            );
            continue;
        }
        first_line.insert(&r.code, r.line);
        let parent_written = scope.written.contains(r.parent.as_str());
        if scope.filtered && !parent_written {
            c.branches_out_of_selection += 1;
            continue;
        }
        if let Some(d) = &r.closed {
            c.branches_closed += 1;
            log.add("BRANCH_CLOSED", &r.code, format!("{what}: closed on {d}"));
            continue;
        }
        if !parent_written {
            c.branches_parent_not_in_dataset += 1;
            let why = if in_map.contains(r.parent.as_str()) {
                "is not among the practices written".to_string()
            } else {
                format!("is not in the PCN map {}", scope.map.display())
            };
            log.add(
                "BRANCH_PARENT_NOT_IN_DATASET",
                &r.code,
                format!("{what}: its parent practice {} {why}; left out", r.parent),
            );
            continue;
        }
        if let Some(p) = scope.parent_inactive(&r.parent) {
            c.branches_parent_closed += 1;
            let state = if p.status == "C" { "closed" } else { "dormant" };
            let ep = scope.epraccur.map(|p| p.display().to_string());
            log.add(
                "BRANCH_PARENT_CLOSED",
                &r.code,
                format!(
                    "{what}: its parent practice {} ({}) is {state} (status {}) in epraccur {}; left out",
                    r.parent,
                    p.name,
                    p.status,
                    ep.unwrap_or_default()
                ),
            );
            continue;
        }
        match scope.locate(&r.postcode) {
            Some(at) => kept.push((i, at)),
            None => {
                c.branches_unlocated += 1;
                let why = if r.postcode.is_empty() {
                    "has no postcode".to_string()
                } else {
                    format!(
                        "postcode {} is not in Code-Point Open ({})",
                        r.postcode,
                        scope.folders()
                    )
                };
                log.add(
                    "BRANCH_UNLOCATED",
                    &r.code,
                    format!("{what}: {why}; left out"),
                );
            }
        }
    }
    c.branches_written = kept.len();
    Branches {
        rows,
        kept,
        counts: c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_through_crlf_and_lf() {
        let t = b"\"a\"\r\n\"b\"\n\"c\"\r\n\"d\"";
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&t[..]);
        let mut c = LineCounter::default();
        let got: Vec<u64> = rdr
            .records()
            .map(|r| c.line_at(t, r.unwrap().position().unwrap().byte()))
            .collect();
        assert_eq!(got, [1, 2, 3, 4]);
    }

    #[test]
    fn codes_and_dates() {
        assert!(is_branch_code("A81004001"));
        assert!(!is_branch_code("A81004"));
        assert!(!is_branch_code("a81004001"));
        assert!(!is_branch_code("A8100400 "));
        assert!(is_parent_code("L83647"));
        assert!(!is_parent_code("L836470"));
        assert_eq!(ods_date("20160630").as_deref(), Some("2016-06-30"));
        assert_eq!(ods_date("20161331"), None);
        assert_eq!(ods_date("2016-06-30"), None);
        assert_eq!(ods_date(""), None);
    }
}
