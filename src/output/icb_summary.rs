//! `icb_summary.csv`: the PCNs of a run rolled up by integrated care board
//! and by sub-ICB location. One row per ICB (`level` = `icb`) followed by
//! one row per sub-ICB location in it (`level` = `sub_icb`), ICBs by code
//! and sub-ICBs by code within each. A PCN counts where its own org units
//! put it ([`crate::model::pcn_org`]); PCNs without an ICB (or sub-ICB) go
//! in a row with an empty code named `unknown`. Both levels add up to
//! `pcn_summary.csv`'s totals. Every column: docs/output.md.

use super::pcn_summary::pcn_flags;
use super::table;
use crate::check::run::{Band, PcnCheck};
use crate::findings::Code;
use crate::model::Dataset;
use crate::pipeline::Drive;
use anyhow::Result;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

/// How many of the networks with the most findings a row names.
pub const WORST: usize = 3;

/// One row of `icb_summary.csv`.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct IcbRow {
    /// `icb` or `sub_icb`.
    pub level: &'static str,
    /// The ICB's or sub-ICB location's NHS code (empty: unknown).
    pub code: String,
    pub name: String,
    /// The ICB the row belongs to (its own code on an `icb` row).
    pub icb_code: String,
    pub networks: usize,
    pub practices: usize,
    /// Registered patients: the networks' list sizes.
    pub patients: u64,
    pub below_band: usize,
    pub within_band: usize,
    pub above_band: usize,
    pub non_contiguous: usize,
    pub rural: usize,
    pub waiver_candidates: usize,
    /// Drive-time findings of the networks (`analyse`; empty for `check`).
    pub drive_time_findings: Option<usize>,
    /// Up to three networks with the most findings (ties by code), `;`-separated.
    pub worst_networks: String,
}

/// One network's part in a row.
struct Net<'a> {
    code: &'a str,
    check: &'a PcnCheck,
    practices: usize,
    findings: usize,
    drive_findings: Option<usize>,
}

/// The rows of `icb_summary.csv`.
pub fn icb_rows(ds: &Dataset, pcns: &[PcnCheck], drive: Option<&Drive>) -> Vec<IcbRow> {
    // ICB code → (name, sub-ICB code → (name, networks)).
    type Subs<'a> = BTreeMap<&'a str, (&'a str, Vec<Net<'a>>)>;
    let mut icbs: BTreeMap<&str, (&str, Subs)> = BTreeMap::new();
    for (k, c) in pcns.iter().enumerate() {
        let pcn = ds.pcn(c.pcn);
        let d = drive.map(|d| &d.run.pcns[k]);
        let net = Net {
            code: &pcn.code,
            check: c,
            practices: pcn.practices.len(),
            findings: pcn_flags(c, d).len(),
            drive_findings: d.map(|d| d.flags.len()),
        };
        let o = &pcn.org;
        let icb = icbs
            .entry(o.icb_code.as_str())
            .or_insert((o.icb_name.as_str(), BTreeMap::new()));
        icb.1
            .entry(o.sub_icb_code.as_str())
            .or_insert((o.sub_icb_name.as_str(), Vec::new()))
            .1
            .push(net);
    }
    let mut out = Vec::new();
    for (icb, (icb_name, subs)) in &icbs {
        let all: Vec<&Net> = subs.values().flat_map(|(_, v)| v).collect();
        out.push(row("icb", icb, icb_name, icb, &all, drive.is_some()));
        for (sub, (sub_name, nets)) in subs {
            let nets: Vec<&Net> = nets.iter().collect();
            out.push(row("sub_icb", sub, sub_name, icb, &nets, drive.is_some()));
        }
    }
    out
}

fn row(
    level: &'static str,
    code: &str,
    name: &str,
    icb: &str,
    nets: &[&Net],
    drive: bool,
) -> IcbRow {
    let band = |b: Band| nets.iter().filter(|n| n.check.band == b).count();
    let flagged = |f: Code| nets.iter().filter(|n| n.check.flags.contains(&f)).count();
    let mut worst: Vec<&&Net> = nets.iter().filter(|n| n.findings > 0).collect();
    worst.sort_by(|a, b| b.findings.cmp(&a.findings).then(a.code.cmp(b.code)));
    IcbRow {
        level,
        code: code.to_string(),
        name: if code.is_empty() {
            "unknown".to_string()
        } else {
            name.to_string()
        },
        icb_code: icb.to_string(),
        networks: nets.len(),
        practices: nets.iter().map(|n| n.practices).sum(),
        patients: nets.iter().map(|n| n.check.list_size).sum(),
        below_band: band(Band::Below),
        within_band: band(Band::Within),
        above_band: band(Band::Above),
        non_contiguous: nets.iter().filter(|n| !n.check.contiguous()).count(),
        rural: flagged(Code::Rural),
        waiver_candidates: flagged(Code::RuralWaiverCandidate),
        drive_time_findings: drive.then(|| nets.iter().filter_map(|n| n.drive_findings).sum()),
        worst_networks: worst
            .iter()
            .take(WORST)
            .map(|n| n.code)
            .collect::<Vec<_>>()
            .join(";"),
    }
}

/// Up to this many ICBs are named one by one in the summary; more (a
/// national run has 42) are counted, each being in `icb_summary.csv`.
const ICBS_NAMED: usize = 4;

/// The ICBs of a run for the stderr summary: `QNC Staffordshire and
/// Stoke-on-Trent (25 PCNs)`, by code, `unknown` for PCNs without one; for
/// more than [`ICBS_NAMED`], their number.
pub fn icb_line(ds: &Dataset, pcns: &[PcnCheck]) -> String {
    let mut by: BTreeMap<&str, (&str, usize)> = BTreeMap::new();
    for c in pcns {
        let o = &ds.pcn(c.pcn).org;
        by.entry(o.icb_code.as_str())
            .or_insert((o.icb_name.as_str(), 0))
            .1 += 1;
    }
    if by.len() > ICBS_NAMED {
        let unknown = by.get("").map_or(String::new(), |(_, n)| {
            format!(" and {n} PCN{} with none", if *n == 1 { "" } else { "s" })
        });
        let known = by.len() - usize::from(by.contains_key(""));
        return format!("ICBs: {known}{unknown}, each in icb_summary.csv");
    }
    let parts: Vec<String> = by
        .iter()
        .map(|(code, (name, n))| {
            let pcns = if *n == 1 { "PCN" } else { "PCNs" };
            if code.is_empty() {
                format!("unknown ({n} {pcns})")
            } else if name.is_empty() {
                format!("{code} ({n} {pcns})")
            } else {
                format!("{code} {name} ({n} {pcns})")
            }
        })
        .collect();
    format!(
        "ICB{}: {}",
        if by.len() == 1 { "" } else { "s" },
        parts.join(", ")
    )
}

/// Write `icb_summary.csv`.
pub fn write_icb_summary(w: impl Write, rows: &[IcbRow]) -> Result<()> {
    table::write_csv(w, rows)
}
