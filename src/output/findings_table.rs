//! The findings as a table: one row per finding with the network, practice
//! and area it concerns in their own columns, and its severity and label —
//! the rows of `findings.csv`, the workbook's Findings sheet and the
//! GeoPackage's findings table.

use crate::findings::{Finding, Scope};
use crate::model::Dataset;
use serde::Serialize;
use std::collections::HashMap;

/// One row of the findings table (and of `findings.csv`, in this column
/// order).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FindingRow {
    pub scope: &'static str,
    pub code: &'static str,
    pub subject: String,
    /// Kept fourth, where `findings.csv` always had it: readers by position
    /// go on working; the new columns follow.
    pub detail: String,
    /// `error` (breaks a rule), `warning` (drive-time or access burden) or
    /// `info` (context).
    pub severity: &'static str,
    /// A short human label of the code.
    pub label: &'static str,
    pub pcn_code: String,
    pub pcn_name: String,
    pub practice_code: String,
    pub area_code: String,
}

/// The rows of `findings` (in their order), the network, practice and area
/// of each resolved from its subject; a network finding about one practice
/// ([`Finding::practice`]) names it in `practice_code`.
pub fn finding_rows(ds: &Dataset, findings: &[Finding]) -> Vec<FindingRow> {
    let pcn_names: HashMap<&str, &str> = ds
        .pcns
        .iter()
        .map(|p| (p.code.as_str(), p.name.as_str()))
        .collect();
    let practice_pcn: HashMap<&str, Option<&str>> = ds
        .practices
        .iter()
        .map(|p| (p.code.as_str(), p.pcn.map(|q| ds.pcn(q).code.as_str())))
        .collect();
    let areas: std::collections::HashSet<&str> = ds.areas.iter().map(|a| a.code.as_str()).collect();
    findings
        .iter()
        .map(|f| {
            let s = f.subject.as_str();
            let mut row = FindingRow {
                scope: f.scope.as_str(),
                code: f.code.as_str(),
                severity: f.code.severity().as_str(),
                label: f.code.label(),
                subject: f.subject.clone(),
                detail: f.detail.clone(),
                ..FindingRow::default()
            };
            let pcn = if f.scope == Scope::Pcn || pcn_names.contains_key(s) && !areas.contains(s) {
                pcn_names.contains_key(s).then_some(s)
            } else if let Some(p) = practice_pcn.get(s) {
                row.practice_code = s.to_string();
                *p
            } else {
                if areas.contains(s) {
                    row.area_code = s.to_string();
                }
                None
            };
            // A network finding about one member practice names it.
            if let Some(p) = &f.practice {
                row.practice_code = p.clone();
            }
            if let Some(code) = pcn {
                row.pcn_code = code.to_string();
                row.pcn_name = pcn_names
                    .get(code)
                    .map_or_else(String::new, |n| n.to_string());
            }
            row
        })
        .collect()
}
