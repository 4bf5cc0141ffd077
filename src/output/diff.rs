//! Writing a scenario's full outputs (the files `check` or `analyse`
//! writes) and the before/after comparison: `diff.csv`, `diff.geojson` and
//! `diff_findings.csv` (columns in docs/what-if.md).

use crate::findings::{Finding, Scope};
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

/// The touched PCNs: recomputed in the edited scenario, or gone from it.
pub fn diff_rows(before: &Table, after: &Table, recomputed: &BTreeSet<String>) -> Vec<DiffRow> {
    let mut codes: BTreeSet<&String> = recomputed.iter().collect();
    codes.extend(before.rows.keys().filter(|c| !after.rows.contains_key(*c)));
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
        cw.write_record(["change", "scope", "code", "subject", "detail"])?;
        let b: BTreeSet<&Finding> = before.findings.iter().collect();
        let a: BTreeSet<&Finding> = after.findings.iter().collect();
        let mut all: Vec<(&Finding, &str)> = b.difference(&a).map(|f| (*f, "removed")).collect();
        all.extend(a.difference(&b).map(|f| (*f, "added")));
        all.sort();
        for (f, change) in all {
            cw.write_record([
                change,
                f.scope.as_str(),
                f.code.as_str(),
                &f.subject,
                &f.detail,
            ])?;
        }
        cw.flush()?;
        Ok(())
    })
}
