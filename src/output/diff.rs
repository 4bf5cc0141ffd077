//! Writing a scenario's full outputs (the files `check` or `analyse`
//! writes) and the before/after comparison: `diff.csv`, `diff.geojson` and
//! `diff_findings.csv` (columns in docs/what-if.md).

use crate::findings::{Code, Finding, Scope};
use crate::output::atomic::Staging;
use crate::output::check::{RunInfo, write_check_into};
use crate::output::geojson::{FeatureWriter, multipolygon_json};
use crate::output::pcn_summary::{summary_cells, summary_columns};
use crate::pipeline::Run;
use anyhow::Result;
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::collections::{BTreeMap, BTreeSet};

/// What a scenario's `pcn_summary.csv` and `findings.csv` hold, for the diff.
pub struct Table {
    /// `pcn_summary.csv` rows by PCN code.
    pub rows: BTreeMap<String, Vec<String>>,
    /// Every finding (check and drive), sorted.
    pub findings: Vec<Finding>,
    /// The dissolve self-check's warning, if any.
    pub dissolve_warning: Option<String>,
}

/// Write a scenario's outputs into `out` (a subfolder of what-if's staging,
/// [`Staging::child`]), exactly as `check` (no roads) or `analyse` would,
/// and return what the diff compares.
pub fn write_scenario(mut out: Staging, run: &Run, info: &RunInfo) -> Result<Table> {
    write_check_into(&mut out, run, info)?;
    out.commit()?;
    let (_, rows) = summary_cells(&run.ds, &run.check.pcns, run.drive.as_ref())?;
    Ok(Table {
        rows: rows.into_iter().map(|r| (r[0].clone(), r)).collect(),
        findings: run.findings(),
        dissolve_warning: run.dissolve_check.warning(),
    })
}

/// Columns of `diff.csv`, in order: every `pcn_summary.csv` column but the
/// code, before and after (with the site columns when the scenarios have
/// sites).
pub fn diff_columns(sites: bool) -> Result<Vec<String>> {
    let mut c = vec!["pcn_code".to_string(), "change".into(), "recomputed".into()];
    for m in summary_columns(sites)?.iter().skip(1) {
        c.push(format!("{m}_before"));
        c.push(format!("{m}_after"));
    }
    c.push("findings_added".into());
    c.push("findings_removed".into());
    Ok(c)
}

/// One row of `diff.csv`: a touched PCN.
pub struct DiffRow {
    pub pcn_code: String,
    /// `added`, `removed`, `changed` or `unchanged` (recomputed, same numbers).
    pub change: &'static str,
    pub recomputed: bool,
    pub before: Option<Vec<String>>,
    pub after: Option<Vec<String>>,
    pub findings_added: Vec<&'static str>,
    pub findings_removed: Vec<&'static str>,
}

impl DiffRow {
    /// Cells in [`diff_columns`] order.
    pub fn cells(&self) -> Vec<String> {
        let mut out = vec![
            self.pcn_code.clone(),
            self.change.to_string(),
            self.recomputed.to_string(),
        ];
        let columns = [&self.before, &self.after]
            .iter()
            .find_map(|r| r.as_ref().map(Vec::len))
            .unwrap_or(0);
        for k in 1..columns {
            for side in [&self.before, &self.after] {
                out.push(side.as_ref().map_or(String::new(), |r| r[k].clone()));
            }
        }
        out.push(self.findings_added.join(";"));
        out.push(self.findings_removed.join(";"));
        out
    }
}

fn pcn_codes(findings: &[Finding], pcn: &str) -> BTreeSet<&'static str> {
    findings
        .iter()
        .filter(|f| f.scope == Scope::Pcn && f.subject == pcn)
        .map(|f| f.code.as_str())
        .collect()
}

/// The PCNs to list: those recomputed in the edited scenario, those gone
/// from it, and any other whose `pcn_summary.csv` row differs (an untouched
/// network's accessibility scores, which depend on practices beyond it).
pub fn diff_rows(before: &Table, after: &Table, recomputed: &BTreeSet<String>) -> Vec<DiffRow> {
    let mut codes: BTreeSet<&String> = recomputed.iter().collect();
    codes.extend(
        before
            .rows
            .iter()
            .filter(|(c, r)| after.rows.get(*c) != Some(*r))
            .map(|(c, _)| c),
    );
    codes
        .into_iter()
        .map(|code| {
            let b = before.rows.get(code);
            let a = after.rows.get(code);
            let fb = pcn_codes(&before.findings, code);
            let fa = pcn_codes(&after.findings, code);
            let change = match (b, a) {
                (None, _) => "added",
                (_, None) => "removed",
                (Some(x), Some(y)) if x == y => "unchanged",
                _ => "changed",
            };
            DiffRow {
                pcn_code: code.clone(),
                change,
                recomputed: recomputed.contains(code),
                before: b.cloned(),
                after: a.cloned(),
                findings_added: fa.difference(&fb).copied().collect(),
                findings_removed: fb.difference(&fa).copied().collect(),
            }
        })
        .collect()
}

/// What a finding is about: two findings with the same key on both sides
/// are one finding whose numbers (detail) may have changed.
type FindingKey<'a> = (Scope, Code, &'a str, Option<&'a str>);

fn finding_key(f: &Finding) -> FindingKey<'_> {
    (f.scope, f.code, f.subject.as_str(), f.practice.as_deref())
}

/// One row of `diff_findings.csv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingChange<'a> {
    /// `added`, `removed` or `changed` (same scope, code, subject and
    /// practice on both sides, different detail).
    pub status: &'static str,
    pub scope: Scope,
    pub code: Code,
    pub subject: &'a str,
    /// The practice a network finding is about ([`Finding::practice`]).
    pub practice: Option<&'a str>,
    pub detail_before: Option<&'a str>,
    pub detail_after: Option<&'a str>,
}

/// Every finding that differs between the scenarios, sorted by scope, code,
/// subject and practice. Identical findings are left out; under one key the
/// details found on one side only are paired in sorted order as `changed`,
/// and what is left over is `removed` or `added`.
pub fn finding_changes<'a>(before: &'a [Finding], after: &'a [Finding]) -> Vec<FindingChange<'a>> {
    let mut by_key: BTreeMap<FindingKey<'a>, [Vec<&'a str>; 2]> = BTreeMap::new();
    for (side, findings) in [before, after].into_iter().enumerate() {
        for f in findings {
            by_key.entry(finding_key(f)).or_default()[side].push(&f.detail);
        }
    }
    let mut out = Vec::new();
    for ((scope, code, subject, practice), [mut b, mut a]) in by_key {
        b.sort_unstable();
        a.sort_unstable();
        let (b, a) = without_common(&b, &a);
        let row = |status, detail_before, detail_after| FindingChange {
            status,
            scope,
            code,
            subject,
            practice,
            detail_before,
            detail_after,
        };
        let n = b.len().max(a.len());
        for k in 0..n {
            out.push(match (b.get(k), a.get(k)) {
                (Some(x), Some(y)) => row("changed", Some(*x), Some(*y)),
                (Some(x), None) => row("removed", Some(*x), None),
                (None, y) => row("added", None, y.copied()),
            });
        }
    }
    out
}

/// Two sorted lists without the items they share (as multisets).
fn without_common<'a>(b: &[&'a str], a: &[&'a str]) -> (Vec<&'a str>, Vec<&'a str>) {
    let (mut i, mut j) = (0, 0);
    let (mut ob, mut oa) = (Vec::new(), Vec::new());
    while i < b.len() || j < a.len() {
        match (b.get(i), a.get(j)) {
            (Some(x), Some(y)) if x == y => {
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => {
                ob.push(*x);
                i += 1;
            }
            (Some(x), None) => {
                ob.push(*x);
                i += 1;
            }
            (_, Some(y)) => {
                oa.push(*y);
                j += 1;
            }
            (None, None) => break,
        }
    }
    (ob, oa)
}

/// The header of `diff_findings.csv`.
pub const DIFF_FINDINGS_COLUMNS: [&str; 8] = [
    "status",
    "scope",
    "code",
    "subject",
    "detail_before",
    "detail_after",
    "severity",
    "practice_code",
];

impl FindingChange<'_> {
    /// Cells in [`DIFF_FINDINGS_COLUMNS`] order.
    pub fn cells(&self) -> [&str; 8] {
        [
            self.status,
            self.scope.as_str(),
            self.code.as_str(),
            self.subject,
            self.detail_before.unwrap_or(""),
            self.detail_after.unwrap_or(""),
            self.code.severity().as_str(),
            self.practice.unwrap_or(""),
        ]
    }
}

/// A `diff.csv` row as GeoJSON properties: numbers as numbers, `true` and
/// `false` as booleans, empty cells as null, in column order.
struct Props<'a> {
    scenario: &'static str,
    columns: &'a [String],
    cells: Vec<String>,
}

impl Serialize for Props<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.cells.len() + 1))?;
        m.serialize_entry("scenario", self.scenario)?;
        for (k, v) in self.columns.iter().zip(&self.cells) {
            let text_column = k.starts_with("pcn_code")
                || k.starts_with("pcn_name")
                || k.contains("_practice_")
                || k.starts_with("findings_");
            if v.is_empty() {
                m.serialize_entry(k, &serde_json::Value::Null)?;
            } else if v == "true" || v == "false" {
                m.serialize_entry(k, &(v == "true"))?;
            } else if let (false, Ok(n)) = (text_column, v.parse::<i64>()) {
                // A count stays an integer (`56674`, not `56674.0`).
                m.serialize_entry(k, &n)?;
            } else if let (false, Ok(x)) = (text_column, v.parse::<f64>()) {
                m.serialize_entry(k, &x)?;
            } else {
                m.serialize_entry(k, v)?;
            }
        }
        m.end()
    }
}

/// Write `diff.csv`, `diff.geojson` and `diff_findings.csv` into what-if's
/// staging, which the caller commits with `before/` and `after/` as one unit.
pub fn write_diff(
    st: &mut Staging,
    before_run: &Run,
    after_run: &Run,
    rows: &[DiffRow],
    before: &Table,
    after: &Table,
) -> Result<()> {
    let columns = diff_columns(before_run.ds.sites_given || after_run.ds.sites_given)?;
    st.write("diff.csv", |w| {
        let mut cw = crate::safe_text::csv_writer(w);
        cw.write_record(&columns)?;
        for r in rows {
            cw.write_record(r.cells())?;
        }
        cw.flush()?;
        Ok(())
    })?;
    let geometry = |run: &Run, code: &str| -> Option<String> {
        let q = run.ds.pcns.iter().position(|p| p.code == code)?;
        if run.check.pcns[q].areas.is_empty() {
            return Some("null".into());
        }
        Some(multipolygon_json(&run.dissolved[q]))
    };
    st.write("diff.geojson", |w| {
        let mut fw = FeatureWriter::new(w, "diff")?;
        for r in rows {
            for (scenario, run) in [("before", before_run), ("after", after_run)] {
                if let Some(g) = geometry(run, &r.pcn_code) {
                    let p = Props {
                        scenario,
                        columns: &columns,
                        cells: r.cells(),
                    };
                    fw.feature(&p, &g)?;
                }
            }
        }
        fw.finish()?;
        Ok(())
    })?;
    st.write("diff_findings.csv", |w| {
        let mut cw = crate::safe_text::csv_writer(w);
        cw.write_record(DIFF_FINDINGS_COLUMNS)?;
        for c in finding_changes(&before.findings, &after.findings) {
            cw.write_record(c.cells())?;
        }
        cw.flush()?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(code: Code, subject: &str, practice: Option<&str>, detail: &str) -> Finding {
        Finding {
            scope: Scope::Pcn,
            code,
            subject: subject.into(),
            detail: detail.into(),
            practice: practice.map(str::to_string),
        }
    }

    fn rows(c: &[FindingChange]) -> Vec<[String; 8]> {
        c.iter().map(|x| x.cells().map(str::to_string)).collect()
    }

    #[test]
    fn a_finding_whose_numbers_changed_is_one_changed_row_and_identical_ones_are_left_out() {
        let before = vec![
            f(Code::PopulationAboveBand, "U1", None, "56674 patients"),
            f(Code::NonContiguous, "U2", None, "2 pieces"),
            f(Code::NonContiguous, "U3", None, "2 pieces"),
        ];
        let after = vec![
            f(Code::NonContiguous, "U3", None, "2 pieces"),
            f(Code::PopulationAboveBand, "U1", None, "60750 patients"),
            f(Code::NonContiguous, "U4", None, "3 pieces"),
        ];
        let got = rows(&finding_changes(&before, &after));
        let want: Vec<[String; 8]> = [
            [
                "removed",
                "pcn",
                "NON_CONTIGUOUS",
                "U2",
                "2 pieces",
                "",
                "error",
                "",
            ],
            [
                "added",
                "pcn",
                "NON_CONTIGUOUS",
                "U4",
                "",
                "3 pieces",
                "error",
                "",
            ],
            [
                "changed",
                "pcn",
                "POPULATION_ABOVE_BAND",
                "U1",
                "56674 patients",
                "60750 patients",
                "error",
                "",
            ],
        ]
        .iter()
        .map(|r| r.map(str::to_string))
        .collect();
        assert_eq!(got, want);
    }

    /// Two findings of one network about different practices are two keys;
    /// under one key the details pair up in sorted order, the extra one
    /// added (keys sorted by code: FOOTPRINT_TIE first).
    #[test]
    fn practices_keep_findings_apart_and_repeated_keys_pair_in_order() {
        let p = Code::PracticeOutsideFootprint;
        let before = vec![
            f(p, "U1", Some("P1"), "P1 in U2"),
            f(p, "U1", Some("P2"), "P2 in U2"),
            f(Code::FootprintTie, "U1", None, "b"),
        ];
        let after = vec![
            f(p, "U1", Some("P2"), "P2 in U3"),
            f(p, "U1", Some("P1"), "P1 in U2"),
            f(Code::FootprintTie, "U1", None, "c"),
            f(Code::FootprintTie, "U1", None, "a"),
        ];
        let got: Vec<(String, String, String, String)> = rows(&finding_changes(&before, &after))
            .into_iter()
            .map(|r| (r[0].clone(), r[4].clone(), r[5].clone(), r[7].clone()))
            .collect();
        let s = |a: &str, b: &str, c: &str, d: &str| (a.into(), b.into(), c.into(), d.into());
        assert_eq!(
            got,
            vec![
                s("changed", "b", "a", ""),
                s("added", "", "c", ""),
                s("changed", "P2 in U2", "P2 in U3", "P2"),
            ]
        );
    }

    #[test]
    fn without_common_removes_shared_items_as_multisets() {
        let (b, a) = without_common(&["a", "a", "b", "d"], &["a", "c", "d", "d"]);
        assert_eq!((b, a), (vec!["a", "b"], vec!["c", "d"]));
    }

    /// An untouched network whose row differs (its access scores) is listed,
    /// not recomputed; untouched equal rows are not.
    #[test]
    fn diff_rows_list_untouched_networks_whose_row_changed() {
        let table = |rows: &[(&str, &str)]| Table {
            rows: rows
                .iter()
                .map(|(c, v)| (c.to_string(), vec![c.to_string(), v.to_string()]))
                .collect(),
            findings: Vec::new(),
            dissolve_warning: None,
        };
        let before = table(&[("U1", "1"), ("U2", "2"), ("U3", "3"), ("U4", "4")]);
        let after = table(&[("U1", "1"), ("U2", "2.5"), ("U3", "3")]);
        let recomputed: BTreeSet<String> = ["U1".to_string()].into();
        let got: Vec<(String, &str, bool)> = diff_rows(&before, &after, &recomputed)
            .into_iter()
            .map(|r| (r.pcn_code, r.change, r.recomputed))
            .collect();
        assert_eq!(
            got,
            vec![
                ("U1".into(), "unchanged", true),
                ("U2".into(), "changed", false),
                ("U4".into(), "removed", false),
            ]
        );
    }
}
