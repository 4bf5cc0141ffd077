//! The short summary table printed on stdout at the end of a run.

use crate::check::run::{Band, CheckResult};
use crate::findings::{Code, Finding, Scope, Severity, join_codes};
use crate::model::Dataset;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

/// A plain-text summary: counts, bands, findings by code and the networks
/// with the most findings.
pub fn check_summary(ds: &Dataset, res: &CheckResult) -> String {
    let mut s = String::new();
    let n = res.pcns.len();
    let count = |b: Band| res.pcns.iter().filter(|c| c.band == b).count();
    let non_contig = res.pcns.iter().filter(|c| !c.contiguous()).count();
    let _ = writeln!(
        s,
        "{} PCNs, {} practices, {} areas; footprints: {}",
        n,
        ds.practices.len(),
        ds.areas.len(),
        if ds.footprints.is_some() {
            "footprints.csv"
        } else if !ds.registrations().is_empty() {
            "most registered patients"
        } else {
            "nearest practice"
        }
    );
    vintages_line(&mut s, ds);
    icb_lines(&mut s, ds, res);
    let o = &res.options;
    let _ = writeln!(
        s,
        "population band {}–{}: {} below, {} within, {} above",
        o.band_min,
        o.band_max,
        count(Band::Below),
        count(Band::Within),
        count(Band::Above)
    );
    let flagged = |code: Code| res.pcns.iter().filter(|c| c.flags.contains(&code)).count();
    let _ = writeln!(
        s,
        "contiguous: {}, non-contiguous: {}; rural: {}; rural waiver candidates: {}",
        n - non_contig,
        non_contig,
        flagged(Code::Rural),
        flagged(Code::RuralWaiverCandidate)
    );
    if res.findings.is_empty() {
        let _ = writeln!(s, "no findings");
    } else {
        let _ = writeln!(
            s,
            "\nfindings by severity (error: breaks a network rule or leaves data unusable; warning: a\ndrive-time or access burden; info: context, e.g. RURAL):"
        );
        s.push_str(&findings_table(ds, &res.findings));
    }
    let mut worst: Vec<_> = res.pcns.iter().filter(|c| !c.flags.is_empty()).collect();
    worst.sort_by(|a, b| {
        b.flags
            .len()
            .cmp(&a.flags.len())
            .then(ds.pcn(a.pcn).code.cmp(&ds.pcn(b.pcn).code))
    });
    if !worst.is_empty() {
        let _ = writeln!(s, "\nnetworks with the most findings:");
        for c in worst.iter().take(10) {
            let p = ds.pcn(c.pcn);
            let _ = writeln!(
                s,
                "  {:<7} {:<40} {:>7} registered patients  {}",
                p.code,
                truncate(&p.name, 40),
                c.list_size,
                join_codes(&c.flags, " ")
            );
        }
    }
    s
}

/// The data vintages in one line (`load::sources::vintage_line`), when
/// any is known: "data: list sizes: 1 Aug 2026; registrations: Oct 2025; …".
fn vintages_line(s: &mut String, ds: &Dataset) {
    if let Some(line) = crate::load::sources::vintage_line(ds) {
        let _ = writeln!(s, "data: {line}");
    }
}

/// The ICB(s) of the run (`ICB: QNC … (25 PCNs)`), when any PCN has one.
fn icb_lines(s: &mut String, ds: &Dataset, res: &CheckResult) {
    if res
        .pcns
        .iter()
        .any(|c| !ds.pcn(c.pcn).org.icb_code.is_empty())
    {
        let _ = writeln!(s, "{}", super::icb_summary::icb_line(ds, &res.pcns));
    }
}

/// What one finding of each code counts, by the code's subject and the
/// thing its name is about: for each code (by severity, then code) the
/// rows and the distinct subjects they concern — "564 practices in 348
/// networks" when several rows share a subject, "113 networks" when each
/// row is its own subject — and, for up to three networks, their codes and
/// names.
pub fn findings_table(ds: &Dataset, findings: &[Finding]) -> String {
    struct Count<'a> {
        rows: usize,
        subjects: BTreeSet<&'a str>,
        kind: &'static str,
        pcns: BTreeMap<&'a str, &'a str>,
    }
    let pcn_names: HashMap<&str, &str> = ds
        .pcns
        .iter()
        .map(|p| (p.code.as_str(), p.name.as_str()))
        .collect();
    let rows = super::findings_table::finding_rows(ds, findings);
    let mut by_code: BTreeMap<(Severity, Code), Count> = BTreeMap::new();
    for (f, r) in findings.iter().zip(&rows) {
        // The subject's kind: a PCN-scope finding is about its network even
        // when it also names a practice (`practice_code`).
        let kind = if f.scope == Scope::Pcn && !r.pcn_code.is_empty() {
            "network"
        } else if f.code.as_str().starts_with("SITE_") {
            // A branch surgery, which also names its practice.
            "site"
        } else if !r.practice_code.is_empty() {
            "practice"
        } else if !r.area_code.is_empty() {
            "area"
        } else if !r.pcn_code.is_empty() {
            "network"
        } else {
            "finding"
        };
        let c = by_code
            .entry((f.code.severity(), f.code))
            .or_insert_with(|| Count {
                rows: 0,
                subjects: BTreeSet::new(),
                kind,
                pcns: BTreeMap::new(),
            });
        c.rows += 1;
        c.subjects.insert(f.subject.as_str());
        if f.scope == Scope::Pcn
            && let Some(name) = pcn_names.get(f.subject.as_str())
        {
            c.pcns.insert(f.subject.as_str(), name);
        }
    }
    let mut s = String::new();
    for ((sev, code), c) in &by_code {
        let subjects = plural(c.subjects.len(), c.kind);
        let per = row_kind(*code);
        let mut text = if c.kind == "finding" {
            plural(c.rows, "finding")
        } else if per != c.kind && per != "finding" {
            format!("{} in {subjects}", plural(c.rows, per))
        } else if c.rows == c.subjects.len() {
            subjects
        } else {
            format!("{} on {subjects}", plural(c.rows, "finding"))
        };
        if !c.pcns.is_empty() && c.pcns.len() <= 3 {
            let named: Vec<String> = c
                .pcns
                .iter()
                .map(|(code, name)| format!("{code} {name}"))
                .collect();
            let _ = write!(text, ": {}", named.join(", "));
        }
        let _ = writeln!(s, "  {:<8} {:<28} {text}", sev.as_str(), code.as_str());
    }
    s
}

/// What one row of a code counts, from the code's name: a practice for
/// `PRACTICE_…`, an area for `AREA_…`, a network for `PCN_…`, a site for
/// `SITE_…`, else a
/// finding.
fn row_kind(code: Code) -> &'static str {
    let name = code.as_str();
    if name.starts_with("PRACTICE_") {
        "practice"
    } else if name.starts_with("AREA_") {
        "area"
    } else if name.starts_with("PCN_") {
        "network"
    } else if name.starts_with("SITE_") {
        "site"
    } else {
        "finding"
    }
}

/// "1 network", "348 networks".
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// The drive-time part of the summary: routability, findings by code and
/// the networks with the longest staff tours.
pub fn drive_summary(
    ds: &Dataset,
    run: &crate::analyse::run::DriveRun,
    findings: &[Finding],
    snaps: &crate::analyse::road_times::SnapSummary,
) -> String {
    let mut s = String::new();
    let with_hub = run.pcns.iter().filter(|d| d.hub.is_some()).count();
    let _ = writeln!(
        s,
        "\ndrive times: {} of {} PCNs have a hub; {} practices and {} areas snapped to the roads ({} and {} unroutable, mean snap {:.0} m)",
        with_hub,
        run.pcns.len(),
        snaps.practices_snapped,
        snaps.areas_snapped,
        snaps.practices_unroutable,
        snaps.areas_unroutable,
        snaps.mean_snap_m
    );
    if let Some(so) = &run.options.sites {
        use crate::analyse::network::{PatientSite, TourSites};
        let ok = snaps.branches_snapped.unwrap_or(0);
        let off = snaps.branches_unroutable.unwrap_or(0);
        let _ = writeln!(
            s,
            "branch sites: {} of {} snapped ({off} off the roads); patients go to {}; the staff tour visits {} (sites within {} min of each other are one stop)",
            ok,
            ds.branches.len(),
            match so.patient_site {
                PatientSite::Nearest => "their practice's nearest site",
                PatientSite::Main => "their practice's main site",
            },
            match so.tour_sites {
                TourSites::All => "every site",
                TourSites::Main => "main sites only",
            },
            so.merge_min
        );
    }
    s.push_str(&findings_table(ds, findings));
    let mut worst: Vec<(&crate::analyse::network::PcnDrive, f64)> = run
        .pcns
        .iter()
        .filter_map(|d| d.tour.as_ref().map(|t| (d, t.seconds / 60.0)))
        .filter(|(_, m)| m.is_finite())
        .collect();
    worst.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.pcn.cmp(&b.0.pcn)));
    if !worst.is_empty() {
        let _ = writeln!(s, "longest staff tours:");
    }
    for (d, m) in worst.iter().take(5) {
        let pcn = ds.pcn(d.pcn);
        let p90 = d
            .patients
            .to_hub
            .as_ref()
            .map_or("-".to_string(), |h| format!("{:.1}", h.p90));
        let _ = writeln!(
            s,
            "  {:<8} {:<40} tour {:>6.1} min, hub to farthest {:>5.1} min, patients p90 to hub {} min  {}",
            pcn.code,
            pcn.name,
            m,
            d.staff_max_min.unwrap_or(f64::NAN),
            p90,
            join_codes(&d.flags, " ")
        );
    }
    s
}
