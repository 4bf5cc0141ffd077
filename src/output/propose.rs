//! Writing a proposal: `footprints.csv` and `practices.csv` (the dataset
//! layout, so `pcn-atlas check --practices DIR/practices.csv --footprints
//! DIR/footprints.csv` verifies them), `proposal.csv` (each network today
//! and proposed), `moves.csv`, `repairs.csv` (with `--repair`),
//! `proposal.geojson` and `proposal.json`, staged and moved into place
//! together.

use super::atomic::Staging;
use super::geojson::{FeatureWriter, multipolygon_json};
use crate::check::run::CheckResult;
use crate::findings::{Finding, Scope};
use crate::load::format::{self, FootprintRow, Metres, PracticeRow};
use crate::model::{Dataset, PcnId};
use crate::output::check::RunInfo;
use crate::output::diff::{DiffRow, diff_rows, write_diff, write_scenario};
use crate::pipeline::Run;
use crate::propose::ProposeOptions;
use crate::propose::build::{Built, Identity, Outcome};
use crate::propose::problem::NetEval;
use anyhow::Result;
use geo::MultiPolygon;
use serde::Serialize;
use std::path::Path;

/// Columns of `proposal.csv`, in order.
pub const PROPOSAL_COLUMNS: &[&str] = &[
    "pcn_code",
    "pcn_name",
    "practices_today",
    "practices_proposed",
    "list_size_today",
    "list_size_proposed",
    "band_today",
    "band_proposed",
    "waiver_candidate_proposed",
    "areas_today",
    "areas_proposed",
    "components_today",
    "components_proposed",
    "residents_today",
    "residents_proposed",
    "hub_today",
    "hub_proposed",
    "residents_mean_min_to_hub_today",
    "residents_mean_min_to_hub_proposed",
    "tour_min_today",
    "tour_min_proposed",
    "objective_today",
    "objective_proposed",
    "areas_moved",
    "flags_proposed",
    "status",
    "proposed_code",
    "proposed_name",
    "patients_kept_share",
    "practices_moved",
    "findings_added",
    "findings_removed",
    "new_drive_findings",
];

fn r2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Everything the writer needs.
pub struct ProposalOutput<'a> {
    pub ds: &'a Dataset,
    pub built: &'a Built,
    pub outcome: &'a Outcome,
    pub opts: &'a ProposeOptions,
    /// `check` on today's footprint and on the proposal.
    pub check_today: &'a CheckResult,
    pub check_proposed: &'a CheckResult,
    /// Dissolved proposed footprint of each network.
    pub dissolved: &'a [MultiPolygon<f64>],
    /// Today and the proposal run through `analyse`'s stages (with roads)
    /// or `check`'s (without): written to `before/` and `after/`, compared
    /// in `diff.csv` and `diff_findings.csv`.
    pub today_run: &'a Run,
    pub proposed_run: &'a Run,
    /// Each network's proposed code and name (kept, or new).
    pub identity: Vec<Identity>,
    /// Drive-time findings of the proposal today's footprints do not have.
    pub new_drive_findings: &'a [Finding],
    /// Refused for them (no `--allow-worse`): `footprints.csv` and
    /// `practices.csv` are not written.
    pub refused: bool,
    /// How drive times were measured (roads file, or straight line).
    pub times: String,
    /// Command line and version, and which files `before/`, `after/` get.
    pub info: RunInfo,
    /// Also write `problem.json` (areas, adjacency, populations, practices,
    /// drive times) for comparisons such as scripts/propose_spopt.py.
    pub export_problem: bool,
}

#[derive(Serialize)]
struct ProblemExport<'a> {
    areas: Vec<&'a str>,
    population: &'a [u64],
    /// Area centroids, British National Grid metres.
    centroid_bng: Vec<[f64; 2]>,
    neighbours: &'a [Vec<u32>],
    practices: Vec<&'a str>,
    practice_area: &'a [u32],
    practice_list: &'a [u64],
    /// Seconds, rows = areas, columns = practices.
    area_practice_s: Vec<&'a [f64]>,
    /// Seconds, rows and columns = practices.
    practice_practice_s: Vec<&'a [f64]>,
    lambda: f64,
    band_min: u64,
    band_max: u64,
}

impl ProposalOutput<'_> {
    fn hub_code(&self, e: &NetEval) -> String {
        e.hub.map_or(String::new(), |h| {
            self.ds
                .practice(self.built.practices[h.hub as usize])
                .code
                .clone()
        })
    }

    fn mean_min(e: &NetEval) -> Option<f64> {
        (e.residents[0] > 0 && e.hub.is_some())
            .then(|| r2(e.patient_s / 60.0 / e.residents[0] as f64))
    }

    /// One `proposal.csv` row per network, by code.
    pub fn rows(&self) -> Vec<Vec<String>> {
        let o = self.opts;
        let mut rows = Vec::new();
        for k in self.ds.pcn_ids() {
            let t = &self.outcome.today[k.idx()];
            let p = &self.outcome.proposed[k.idx()];
            let ct = &self.check_today.pcns[k.idx()];
            let cp = &self.check_proposed.pcns[k.idx()];
            let pcn = self.ds.pcn(k);
            let opt = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
            let mut row = vec![
                pcn.code.clone(),
                pcn.name.clone(),
                self.ds.pcn(k).practices.len().to_string(),
                self.check_proposed_practices(k).to_string(),
                ct.list_size.to_string(),
                cp.list_size.to_string(),
                ct.band.as_str().into(),
                cp.band.as_str().into(),
                p.waiver_candidate(o).to_string(),
                ct.areas.len().to_string(),
                cp.areas.len().to_string(),
                ct.components.len().to_string(),
                cp.components.len().to_string(),
                ct.resident_population.to_string(),
                cp.resident_population.to_string(),
                self.hub_code(t),
                self.hub_code(p),
                opt(Self::mean_min(t)),
                opt(Self::mean_min(p)),
                opt(t.hub.map(|h| r2(h.tour_s / 60.0))),
                opt(p.hub.map(|h| r2(h.tour_s / 60.0))),
                r2(t.cost(o) - o.move_cost * t.moved as f64).to_string(),
                r2(p.cost(o)).to_string(),
                p.moved.to_string(),
                crate::findings::join_codes(&cp.flags, ";"),
            ];
            row.extend(self.identity_cells(k));
            rows.push(row);
        }
        rows
    }

    /// The cells after `flags_proposed`: status, proposed code and name,
    /// share of patients kept, practices moved, finding codes added and
    /// removed (every finding of the network, check and drive), and the
    /// drive-time findings that are new.
    fn identity_cells(&self, k: PcnId) -> Vec<String> {
        let id = &self.identity[k.idx()];
        let today_code = &self.ds.pcn(k).code;
        let codes = |run: &Run, code: &str| -> std::collections::BTreeSet<&'static str> {
            run.findings()
                .iter()
                .filter(|f| f.scope == Scope::Pcn && f.subject == code)
                .map(|f| f.code.as_str())
                .collect()
        };
        let before = codes(self.today_run, today_code);
        let after = codes(self.proposed_run, &id.code);
        let join = |v: Vec<&&str>| v.into_iter().copied().collect::<Vec<_>>().join(";");
        let worse: Vec<&str> = self
            .new_drive_findings
            .iter()
            .filter(|f| f.scope == Scope::Pcn && f.subject == id.code)
            .map(|f| f.code.as_str())
            .collect();
        vec![
            if id.kept { "kept" } else { "new" }.into(),
            id.code.clone(),
            id.name.clone(),
            format!("{:.4}", id.kept_share),
            self.outcome.proposed[k.idx()].practices_moved.to_string(),
            join(after.difference(&before).collect()),
            join(before.difference(&after).collect()),
            worse.join(";"),
        ]
    }

    /// Areas whose practices alone exceed `band_max`, by code.
    pub fn crowded_areas(&self) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = self
            .built
            .problem
            .crowded_areas(self.opts.band_max)
            .into_iter()
            .map(|(a, n)| (self.ds.areas[a as usize].code.clone(), n))
            .collect();
        v.sort();
        v
    }

    fn check_proposed_practices(&self, k: PcnId) -> usize {
        self.built
            .practices
            .iter()
            .enumerate()
            .filter(|(i, _)| self.built.problem.network_of(*i, &self.outcome.label) == Some(k.0))
            .count()
    }

    /// Moves from today: `(kind, code, name, from, to)` sorted by kind and code.
    pub fn moves(&self) -> Vec<[String; 5]> {
        let ds = self.ds;
        let code = |k: Option<u32>| k.map_or(String::new(), |k| ds.pcn(PcnId(k)).code.clone());
        let to_code = |k: u32| self.identity[k as usize].code.clone();
        let mut v = Vec::new();
        for (a, &l) in self.outcome.label.iter().enumerate() {
            if self.built.today[a] != Some(l) {
                let area = &ds.areas[a];
                v.push([
                    "area".into(),
                    area.code.clone(),
                    area.name.clone().unwrap_or_default(),
                    code(self.built.today[a]),
                    to_code(l),
                ]);
            }
        }
        for (i, &p) in self.built.practices.iter().enumerate() {
            let to = self.built.problem.network_of(i, &self.outcome.label);
            let pr = ds.practice(p);
            if pr.pcn.map(|k| k.0) != to {
                v.push([
                    "practice".into(),
                    pr.code.clone(),
                    pr.name.clone(),
                    code(pr.pcn.map(|k| k.0)),
                    to.map_or(String::new(), to_code),
                ]);
            }
        }
        v.sort();
        v
    }
}

#[derive(Serialize)]
struct PolygonProps<'a> {
    pcn_code: &'a str,
    pcn_name: &'a str,
    practices: usize,
    list_size: u64,
    band: &'a str,
    waiver_candidate: bool,
    areas: usize,
    components: usize,
    residents: u64,
    hub: String,
    residents_mean_min_to_hub: Option<f64>,
    tour_min: Option<f64>,
    objective: f64,
    areas_moved: usize,
    flags: String,
}

#[derive(Serialize)]
struct Report<'a> {
    command: &'a str,
    version: &'a str,
    options: &'a ProposeOptions,
    /// Refused: the proposal raises drive-time findings today's footprints
    /// do not have (`new_drive_findings`) and `--allow-worse` was not given.
    refused: bool,
    new_drive_findings: &'a [Finding],
    /// Networks that keep less than half their patients: new codes.
    networks_new: Vec<&'a str>,
    times: &'a str,
    method: &'a str,
    iterations: u64,
    objective_today: f64,
    objective_proposed: f64,
    /// The driving part alone: resident-minutes to the hub + λ × tour
    /// minutes (the objective adds the move costs).
    driving_today: f64,
    driving_proposed: f64,
    violation_proposed: u64,
    networks_valid: usize,
    networks: usize,
    area_moves: usize,
    practice_moves: usize,
    practices_kept_in_their_pcn_without_an_area: usize,
    practices_left_out: usize,
    straight_line_fallbacks: usize,
    /// Areas whose practices alone exceed the band's maximum (no valid
    /// proposal exists for their network), with those practices' patients.
    crowded_areas: Vec<(String, u64)>,
}

/// Write every proposal output into `out`.
pub fn write_proposal(out: &Path, w: &ProposalOutput) -> Result<Written> {
    let mut st = Staging::new(out)?;
    if !w.refused {
        write_dataset_files(&mut st, w)?;
    }
    let diff = write_before_after(&mut st, w)?;
    let rows = w.rows();
    st.write("proposal.csv", |f| {
        let mut cw = crate::safe_text::csv_writer(f);
        cw.write_record(PROPOSAL_COLUMNS)?;
        for r in &rows {
            cw.write_record(r)?;
        }
        cw.flush()?;
        Ok(())
    })?;
    let moves = w.moves();
    st.write("moves.csv", |f| {
        let mut cw = crate::safe_text::csv_writer(f);
        cw.write_record(["kind", "code", "name", "from_pcn", "to_pcn"])?;
        for m in &moves {
            cw.write_record(m)?;
        }
        cw.flush()?;
        Ok(())
    })?;
    if !w.outcome.repairs.is_empty() {
        st.write("repairs.csv", |f| write_repairs(f, w))?;
    }
    st.write("proposal.geojson", |f| write_polygons(f, w))?;
    super::map::proposal::write_proposal_html(&mut st, w, w.today_run, w.proposed_run)?;
    if w.export_problem {
        st.write("problem.json", |f| {
            serde_json::to_writer(&mut *f, &problem_export(w))?;
            std::io::Write::write_all(f, b"\n")?;
            Ok(())
        })?;
    }
    let report = w.report(&moves);
    st.write("proposal.json", |f| {
        serde_json::to_writer_pretty(&mut *f, &report)?;
        std::io::Write::write_all(f, b"\n")?;
        Ok(())
    })?;
    st.commit()?;
    Ok(Written { diff })
}

/// What the writer found worth printing.
pub struct Written {
    /// One `diff.csv` row per network (today's and proposed codes).
    pub diff: Vec<DiffRow>,
}

/// `before/` and `after/` (today and the proposal, as `analyse` or `check`
/// writes them), `diff.csv`, `diff.geojson` and `diff_findings.csv` over
/// every network.
fn write_before_after(st: &mut Staging, w: &ProposalOutput) -> Result<Vec<DiffRow>> {
    let tb = write_scenario(st.child("before")?, w.today_run, &w.info)?;
    let ta = write_scenario(st.child("after")?, w.proposed_run, &w.info)?;
    let all: std::collections::BTreeSet<String> =
        tb.rows.keys().chain(ta.rows.keys()).cloned().collect();
    let rows = diff_rows(&tb, &ta, &all);
    write_diff(st, w.today_run, w.proposed_run, &rows, &tb, &ta)?;
    Ok(rows)
}

/// `footprints.csv` (by area code) and `practices.csv` with the proposed
/// membership, in the dataset's format; BNG coordinates written in full so
/// every practice stands in the same area when read back.
fn write_dataset_files(st: &mut Staging, w: &ProposalOutput) -> Result<()> {
    let ds = w.ds;
    let label = &w.outcome.label;
    let mut order: Vec<usize> = (0..ds.areas.len()).collect();
    order.sort_by(|&a, &b| ds.areas[a].code.cmp(&ds.areas[b].code));
    let footprints = order.iter().map(|&a| FootprintRow {
        area_code: &ds.areas[a].code,
        pcn_code: &w.identity[label[a] as usize].code,
    });
    st.write(format::FOOTPRINTS_CSV, |f| {
        format::write_footprints(f, footprints)
    })?;
    let prac = crate::propose::build::proposed_pcn(ds, w.built, label);
    let practices = ds.practices.iter().enumerate().map(|(i, p)| {
        let pcn = prac[i].map(|k| &w.identity[k.idx()]);
        PracticeRow {
            practice_code: &p.code,
            practice_name: &p.name,
            pcn_code: pcn.map_or("", |x| x.code.as_str()),
            pcn_name: pcn.map_or("", |x| x.name.as_str()),
            list_size: p.list_size,
            postcode: p.postcode.as_deref().unwrap_or(""),
            easting: Metres(p.location.map(|c| c.x)),
            northing: Metres(p.location.map(|c| c.y)),
            ..PracticeRow::default()
        }
        .with_org(&p.org)
    });
    st.write(format::PRACTICES_CSV, |f| {
        format::write_practices(f, practices)
    })
}

/// `repairs.csv`: one row per network `--repair` worked on.
fn write_repairs(f: &mut impl std::io::Write, w: &ProposalOutput) -> Result<()> {
    let ds = w.ds;
    let mut cw = crate::safe_text::csv_writer(f);
    cw.write_record([
        "pcn_code",
        "method",
        "fixed",
        "moves",
        "sets_tried",
        "area_moves",
    ])?;
    for r in &w.outcome.repairs {
        let list: Vec<String> = r
            .moves
            .iter()
            .map(|&(a, to)| format!("{}>{}", ds.areas[a as usize].code, ds.pcn(PcnId(to)).code))
            .collect();
        cw.write_record([
            ds.pcn(PcnId(r.network)).code.clone(),
            if r.exact {
                format!("exact (fewest within {} moves)", w.opts.repair_depth)
            } else {
                "heuristic (annealing, a move costs 1e9)".into()
            },
            r.fixed.to_string(),
            r.moves.len().to_string(),
            r.sets_tried.to_string(),
            list.join(" "),
        ])?;
    }
    cw.flush()?;
    Ok(())
}

/// `proposal.geojson`: each proposed network's dissolved footprint.
fn write_polygons(f: &mut impl std::io::Write, w: &ProposalOutput) -> Result<()> {
    let ds = w.ds;
    let mut fw = FeatureWriter::new(f, "proposal")?;
    for k in ds.pcn_ids() {
        let p = &w.outcome.proposed[k.idx()];
        let cp = &w.check_proposed.pcns[k.idx()];
        if cp.areas.is_empty() {
            continue;
        }
        let pcn = ds.pcn(k);
        let props = PolygonProps {
            pcn_code: &pcn.code,
            pcn_name: &pcn.name,
            practices: w.check_proposed_practices(k),
            list_size: cp.list_size,
            band: cp.band.as_str(),
            waiver_candidate: p.waiver_candidate(w.opts),
            areas: cp.areas.len(),
            components: cp.components.len(),
            residents: cp.resident_population,
            hub: w.hub_code(p),
            residents_mean_min_to_hub: ProposalOutput::mean_min(p),
            tour_min: p.hub.map(|h| r2(h.tour_s / 60.0)),
            objective: r2(p.cost(w.opts)),
            areas_moved: p.moved,
            flags: crate::findings::join_codes(&cp.flags, ";"),
        };
        fw.feature(&props, &multipolygon_json(&w.dissolved[k.idx()]))?;
    }
    fw.finish()?;
    Ok(())
}

/// The arrays of the partition problem (`--export-problem`).
fn problem_export<'a>(w: &'a ProposalOutput) -> ProblemExport<'a> {
    let ds = w.ds;
    let o = w.opts;
    let pb = &w.built.problem;
    let np = pb.n_practices().max(1);
    ProblemExport {
        areas: ds.areas.iter().map(|a| a.code.as_str()).collect(),
        population: &pb.area_pop,
        centroid_bng: ds
            .areas
            .iter()
            .map(|a| [a.centroid.x, a.centroid.y])
            .collect(),
        neighbours: &pb.neighbours,
        practices: w
            .built
            .practices
            .iter()
            .map(|&p| ds.practice(p).code.as_str())
            .collect(),
        practice_area: &pb.practice_area,
        practice_list: &pb.practice_list,
        area_practice_s: pb.area_practice_s.chunks(np).collect(),
        practice_practice_s: pb.practice_practice_s.chunks(np).collect(),
        lambda: o.lambda,
        band_min: o.band_min,
        band_max: o.band_max,
    }
}

impl ProposalOutput<'_> {
    /// `proposal.json`'s summary.
    /// How the proposal was found, in words.
    fn method(&self) -> &'static str {
        use crate::propose::Objective;
        match (self.outcome.repair, self.opts.objective) {
            (true, _) => {
                "repair: exact search of the fewest area moves, heuristic where it says so (repairs.csv)"
            }
            (false, Objective::MinimalChange) => {
                "minimal change: fewest-moves repair of each failing network (repairs.csv), then descent on (violation, practices moved, areas moved, driving)"
            }
            (false, Objective::Driving) => {
                "seeded simulated annealing over single-area moves, then descent (docs/propose.md)"
            }
        }
    }

    fn report(&self, moves: &[[String; 5]]) -> Report<'_> {
        let w = self;
        let ds = w.ds;
        let o = w.opts;
        Report {
            command: &w.info.command,
            version: &w.info.version,
            options: o,
            refused: w.refused,
            new_drive_findings: w.new_drive_findings,
            networks_new: w
                .identity
                .iter()
                .filter(|i| !i.kept)
                .map(|i| i.code.as_str())
                .collect(),
            times: &w.times,
            method: w.method(),
            iterations: w.outcome.iterations,
            objective_today: r2(w
                .outcome
                .today
                .iter()
                .map(|e| e.cost(o) - o.move_cost * e.moved as f64)
                .sum()),
            objective_proposed: r2(w.outcome.proposed.iter().map(|e| e.cost(o)).sum()),
            driving_today: r2(w.outcome.today.iter().map(|e| e.driving(o)).sum()),
            driving_proposed: r2(w.outcome.proposed.iter().map(|e| e.driving(o)).sum()),
            violation_proposed: w.outcome.proposed.iter().map(|e| e.violation(o)).sum(),
            networks_valid: w
                .outcome
                .proposed
                .iter()
                .filter(|e| e.violation(o) == 0)
                .count(),
            networks: ds.pcns.len(),
            area_moves: moves.iter().filter(|m| m[0] == "area").count(),
            practice_moves: moves.iter().filter(|m| m[0] == "practice").count(),
            practices_kept_in_their_pcn_without_an_area: w.built.fixed_practices,
            practices_left_out: w.built.dropped_practices,
            straight_line_fallbacks: w.built.straight_fallbacks,
            crowded_areas: w.crowded_areas(),
        }
    }
}
