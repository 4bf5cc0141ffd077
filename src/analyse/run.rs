//! Drive-time analysis of every network, in parallel, on top of a `check`
//! result: one [`PcnDrive`] per PCN and the findings they raise.

use super::network::{DriveOptions, DriveTimes, PcnDrive, PcnInput, Site, analyse_pcn};
use crate::check::run::CheckResult;
use crate::findings::{Code, Finding, Scope};
use crate::model::{Dataset, PcnId};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Hubs the user gave, and candidate hub sites other than practices.
#[derive(Clone, Debug, Default)]
pub struct HubInputs {
    pub given: BTreeMap<PcnId, Site>,
    pub candidates: BTreeMap<PcnId, Vec<Site>>,
}

/// Every network's drive-time results, in PCN order, and their findings
/// (sorted like `check`'s).
pub struct DriveRun {
    pub options: DriveOptions,
    pub pcns: Vec<PcnDrive>,
    pub findings: Vec<Finding>,
}

/// Analyse every network. Networks are independent, so they run in
/// parallel; results are collected in PCN order, so the output does not
/// depend on the thread count.
pub fn run_drive(
    ds: &Dataset,
    check: &CheckResult,
    times: &dyn DriveTimes,
    opts: &DriveOptions,
    hubs: &HubInputs,
) -> DriveRun {
    run_drive_with_progress(ds, check, times, opts, hubs, &|| {})
}

/// [`run_drive`], calling `on_pcn_done` once per network as it finishes
/// (from any thread), for a progress bar.
pub fn run_drive_with_progress(
    ds: &Dataset,
    check: &CheckResult,
    times: &dyn DriveTimes,
    opts: &DriveOptions,
    hubs: &HubInputs,
    on_pcn_done: &(dyn Fn() + Sync),
) -> DriveRun {
    run_drive_reusing(ds, check, times, opts, hubs, on_pcn_done, &|_| None)
}

/// A network's drive-time result from an earlier run, when nothing it
/// depends on changed (`what-if`); `None` to analyse it afresh.
pub type ReuseDrive<'a> = dyn Fn(PcnId) -> Option<PcnDrive> + Sync + 'a;

/// [`run_drive_with_progress`], taking each network's result from `reuse`
/// when it gives one.
pub fn run_drive_reusing(
    ds: &Dataset,
    check: &CheckResult,
    times: &dyn DriveTimes,
    opts: &DriveOptions,
    hubs: &HubInputs,
    on_pcn_done: &(dyn Fn() + Sync),
    reuse: &ReuseDrive,
) -> DriveRun {
    let inputs: Vec<PcnInput> = check
        .pcns
        .iter()
        .map(|c| {
            let mut members = ds.pcn(c.pcn).practices.clone();
            members.sort_by(|a, b| ds.practice(*a).code.cmp(&ds.practice(*b).code));
            PcnInput {
                pcn: c.pcn,
                members,
                footprint: c.areas.clone(),
                given_hub: hubs.given.get(&c.pcn).copied(),
                candidates: hubs.candidates.get(&c.pcn).cloned().unwrap_or_default(),
                rural: c.flags.contains(&Code::Rural),
            }
        })
        .collect();
    let pcns: Vec<PcnDrive> = inputs
        .par_iter()
        .map(|i| {
            let d = reuse(i.pcn).unwrap_or_else(|| analyse_pcn(ds, i, times, opts));
            on_pcn_done();
            d
        })
        .collect();
    let mut findings: Vec<Finding> = pcns
        .iter()
        .flat_map(|d| {
            d.flags
                .iter()
                .zip(&d.details)
                .map(|(code, detail)| Finding {
                    scope: Scope::Pcn,
                    code: *code,
                    subject: ds.pcn(d.pcn).code.clone(),
                    detail: detail.clone(),
                    // The member farthest from the hub.
                    practice: (*code == Code::HubImpractical)
                        .then(|| d.staff_farthest.map(|p| ds.practice(p).code.clone()))
                        .flatten(),
                })
        })
        .collect();
    findings.sort();
    DriveRun {
        options: opts.clone(),
        pcns,
        findings,
    }
}
