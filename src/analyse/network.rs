//! The drive-time analysis of one network: hub, staff matrix and tour,
//! patients' drive times, and the findings they raise. Times come through
//! the [`DriveTimes`] trait, so the analysis is tested on hand-made times
//! and run on the road graph alike.

use super::hub::{HubCandidates, choose_hub};
use super::site_plan::{SitePlan, staff_weights, stops};
use super::stats::{WeightedSample, WeightedSummary};
use super::tour::{Day, Tour, shortest_tour};
use crate::findings::Code;
use crate::model::{AreaId, BranchId, Dataset, PcnId, PracticeId};
use serde::Serialize;

/// A place drive times are needed between.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Site {
    Practice(PracticeId),
    /// An area's population-weighted centroid.
    Area(AreaId),
    /// A candidate hub site that is not a practice (index into the caller's list).
    Candidate(u32),
    /// A practice's branch surgery (its main site is `Practice`).
    Branch(BranchId),
}

impl Site {
    /// The practice whose site this is: a practice (its main site) or one
    /// of its branches.
    pub fn practice(self, ds: &Dataset) -> Option<PracticeId> {
        match self {
            Site::Practice(p) => Some(p),
            Site::Branch(b) => Some(ds.branch(b).practice),
            Site::Area(_) | Site::Candidate(_) => None,
        }
    }

    /// The code of a site: practice, area, branch or candidate site code.
    pub fn code(self, ds: &Dataset, candidates: &[super::road_times::CandidateSite]) -> String {
        match self {
            Site::Practice(p) => ds.practice(p).code.clone(),
            Site::Area(a) => ds.area(a).code.clone(),
            Site::Candidate(i) => candidates
                .get(i as usize)
                .map_or_else(|| format!("candidate-{i}"), |c| c.code.clone()),
            Site::Branch(b) => ds.branch(b).code.clone(),
        }
    }
}

/// Drive times between sites, in seconds.
pub trait DriveTimes: Sync {
    /// Row-major `from.len() × to.len()` seconds; `f64::INFINITY` where no
    /// route exists or a site is unroutable.
    fn times(&self, from: &[Site], to: &[Site]) -> Vec<f64>;
    /// Whether a site snapped to the road network.
    fn routable(&self, site: Site) -> bool;
}

/// Which hub the analysis uses when none is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HubRule {
    /// 1-median: least list-size-weighted drive time to the members.
    Median,
    /// 1-centre: least worst drive time to a member.
    Centre,
}

/// Thresholds and settings (defaults from PRODUCT.md; every one a flag).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DriveOptions {
    pub hub_rule: HubRule,
    /// `HUB_IMPRACTICAL` when a member is more than this from the hub.
    pub hub_max_min: f64,
    /// `SHARED_ROLE_IMPRACTICAL` when the staff tour is longer than this.
    pub tour_max_min: f64,
    /// `PATIENT_ACCESS_BURDEN` when more than `patient_share_max` of
    /// patients are more than `patient_max_min` from the hub.
    pub patient_max_min: f64,
    pub patient_share_max: f64,
    /// Shares of patients over these times are reported (minutes).
    pub share_thresholds_min: Vec<f64>,
    /// A rotating role's working day and time on site per visit.
    pub day_hours: f64,
    pub on_site_min: f64,
    /// How branch surgeries are used, once resolved for a dataset with
    /// sites ([`DriveOptions::for_dataset`]); `None` without sites, so
    /// every practice is one point (and the report is as before sites).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sites: Option<SiteOptions>,
    /// What the settings asked for (`--patient-site`, `--tour-sites`,
    /// `--site-merge-min`), before resolving against the dataset.
    #[serde(skip)]
    pub site_request: SiteRequest,
}

/// Which site of their practice patients are taken to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PatientSite {
    /// The practice's main site (one point per practice, as without sites).
    Main,
    /// The site of their practice nearest by drive time.
    Nearest,
}

/// Which sites the staff tour (and the hub's member times) run over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TourSites {
    /// Main sites only.
    Main,
    /// Every site; a practice's sites within `merge_min` of each other
    /// count as one stop.
    All,
}

/// How sites are used in a run on a dataset with sites.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SiteOptions {
    pub patient_site: PatientSite,
    pub tour_sites: TourSites,
    /// A branch within this many minutes' drive (both ways) of another
    /// stop of its practice is the same stop of the tour.
    pub merge_min: f64,
}

/// The site settings as given (`None`: the default for the dataset).
#[derive(Clone, Debug, PartialEq)]
pub struct SiteRequest {
    pub patient_site: Option<PatientSite>,
    pub tour_sites: Option<TourSites>,
    pub merge_min: f64,
}

/// Branch sites this close to another stop of their practice are merged.
pub const DEFAULT_SITE_MERGE_MIN: f64 = 5.0;

impl Default for SiteRequest {
    fn default() -> Self {
        SiteRequest {
            patient_site: None,
            tour_sites: None,
            merge_min: DEFAULT_SITE_MERGE_MIN,
        }
    }
}

impl DriveOptions {
    /// These options for a dataset with (`sites_given`) or without sites:
    /// with sites, patients default to their practice's nearest site and
    /// the tour to every site; without, asking for either is an error
    /// (nothing to use), and `main` is today's behaviour.
    pub fn for_dataset(&self, sites_given: bool) -> anyhow::Result<DriveOptions> {
        let r = &self.site_request;
        let mut o = self.clone();
        if sites_given {
            o.sites = Some(SiteOptions {
                patient_site: r.patient_site.unwrap_or(PatientSite::Nearest),
                tour_sites: r.tour_sites.unwrap_or(TourSites::All),
                merge_min: r.merge_min,
            });
        } else {
            if r.patient_site == Some(PatientSite::Nearest) {
                anyhow::bail!(
                    "--patient-site nearest needs the practices' sites: the dataset has no sites.csv (give --sites FILE, or make one with `pcn-atlas import --branches`)"
                );
            }
            if r.tour_sites == Some(TourSites::All) {
                anyhow::bail!(
                    "--tour-sites all needs the practices' sites: the dataset has no sites.csv (give --sites FILE, or make one with `pcn-atlas import --branches`)"
                );
            }
            o.sites = None;
        }
        Ok(o)
    }
}

impl Default for DriveOptions {
    fn default() -> Self {
        Self {
            hub_rule: HubRule::Median,
            hub_max_min: 30.0,
            tour_max_min: 120.0,
            patient_max_min: 30.0,
            patient_share_max: 0.2,
            share_thresholds_min: vec![15.0, 30.0, 45.0],
            day_hours: 7.5,
            on_site_min: 60.0,
            sites: None,
            site_request: SiteRequest::default(),
        }
    }
}

/// What one network's analysis needs beyond the dataset.
pub struct PcnInput {
    pub pcn: PcnId,
    /// Member practices, sorted by code.
    pub members: Vec<PracticeId>,
    /// The PCN's footprint areas, sorted (patients' areas when there are
    /// no registrations; per-area times for every one).
    pub footprint: Vec<AreaId>,
    /// A hub given by the user, instead of choosing one.
    pub given_hub: Option<Site>,
    /// Candidate hub sites other than the practices.
    pub candidates: Vec<Site>,
    /// The check found the network `RURAL`.
    pub rural: bool,
}

/// How patients were weighted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PatientBasis {
    /// Registered patients by (area, practice).
    Registrations,
    /// No registrations: each footprint area's residents at their nearest member.
    PopulationNearest,
}

/// Patients' drive times in minutes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PatientDrive {
    pub basis: PatientBasis,
    /// From each area's centroid to the practice its patients are registered at.
    pub to_practice: Option<WeightedSummary>,
    /// To the nearest member practice (the geographic ideal).
    pub to_nearest: Option<WeightedSummary>,
    pub to_hub: Option<WeightedSummary>,
    /// Mean extra minutes from where patients are registered rather than
    /// their nearest member: `to_practice.mean - to_nearest.mean`.
    pub excess_mean_min: Option<f64>,
    /// Share of patients more than `patient_max_min` from the hub (the
    /// `PATIENT_ACCESS_BURDEN` measure).
    pub hub_share_over_limit: Option<f64>,
    /// Patients whose area or practice did not snap to the roads, or with
    /// no route: left out of the statistics above and counted here.
    pub unroutable_patients: f64,
    /// Each area with patients counted above, in area order: its drive to
    /// the nearest member site, seconds, and its patients (for comparing
    /// with the nearest practice of any network).
    #[serde(skip)]
    pub nearest_by_area: Vec<(AreaId, f64, f64)>,
}

/// Drive times from one footprint area's centroid, seconds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AreaTimes {
    pub area: AreaId,
    /// To the nearest routable member practice.
    pub to_nearest_s: f64,
    /// That practice (the first patient site on a tie; with sites, the
    /// practice whose site it is).
    pub nearest_member: Option<PracticeId>,
    pub to_hub_s: Option<f64>,
    /// Patient-weighted mean to the member practices its patients are
    /// registered at (registrations basis; `None` without any).
    pub mean_to_practice_s: Option<f64>,
    /// Patients registered from this area at member practices.
    pub patients: f64,
}

/// The drive-time results of one network.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PcnDrive {
    pub pcn: PcnId,
    /// Routable members, sorted by code: the matrix's rows and columns.
    pub members: Vec<PracticeId>,
    pub unroutable_members: Vec<PracticeId>,
    /// Member-to-member drive times, seconds, row-major (row = from).
    pub matrix_s: Vec<f64>,
    pub hub: Option<Site>,
    /// How the hub was picked: `median`, `centre` or `given`.
    pub hub_rule: &'static str,
    /// The 1-median and 1-centre, side by side (when chosen, not given).
    pub median: Option<Site>,
    pub centre: Option<Site>,
    /// Worst drive time from the hub to a member, minutes.
    pub staff_max_min: Option<f64>,
    /// The member at that worst time.
    pub staff_farthest: Option<PracticeId>,
    /// The site at that worst time (the member's main site or a branch).
    pub staff_farthest_site: Option<Site>,
    /// List-size-weighted mean drive time from the hub to the members, minutes.
    pub staff_mean_min: Option<f64>,
    /// Closed tour from the hub through every member; `order` indexes
    /// `tour_sites`.
    pub tour: Option<Tour>,
    pub tour_sites: Vec<Site>,
    /// Seconds from the hub to each of `tour_sites` (0 for the hub itself).
    pub from_hub_s: Vec<f64>,
    /// Seconds between the tour sites, row-major (row = from).
    pub tour_matrix_s: Vec<f64>,
    pub patients: PatientDrive,
    /// Times from each footprint area (sorted by id); unroutable areas left out.
    pub area_times: Vec<AreaTimes>,
    /// Finding codes in a fixed order.
    pub flags: Vec<Code>,
    /// Human-readable details of each flag, same order.
    pub details: Vec<String>,
    /// With sites: every routable site of the routable members (main sites
    /// in member order, each followed by its branches in `sites.csv`
    /// order) and the patients it serves under the run's `patient_site`
    /// (the hub's weights). Empty without sites.
    pub site_patients: Vec<(Site, f64)>,
    /// With sites: the same network analysed on main sites only (patients
    /// at the main site, tour over main sites), so that the effect of
    /// branches is visible. `None` without sites.
    pub main_only: Option<Box<MainOnly>>,
}

/// A network's figures on main sites only (one point per practice), beside
/// the figures with branches.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MainOnly {
    pub hub: Option<Site>,
    pub staff_max_min: Option<f64>,
    pub tour_min: Option<f64>,
    pub patients: PatientDrive,
}

/// The order drive-time flags are listed in.
pub const DRIVE_FLAG_ORDER: &[Code] = &[
    Code::HubImpractical,
    Code::SharedRoleImpractical,
    Code::PatientAccessBurden,
    Code::RuralAccessRisk,
];

fn minutes(s: f64) -> f64 {
    s / 60.0
}

/// Analyse one network. With sites (`opts.sites`), the network is
/// analysed twice: with its branches as the options say, and on main sites
/// only (`main_only`), and each drive-time finding's detail says when the
/// branches change its figure.
pub fn analyse_pcn(
    ds: &Dataset,
    input: &PcnInput,
    times: &dyn DriveTimes,
    opts: &DriveOptions,
) -> PcnDrive {
    let Some(sites) = &opts.sites else {
        return analyse_with(ds, input, times, opts, None);
    };
    let main_sites = SiteOptions {
        patient_site: PatientSite::Main,
        tour_sites: TourSites::Main,
        merge_min: sites.merge_min,
    };
    let main = analyse_with(ds, input, times, opts, Some(&main_sites));
    let mut out = analyse_with(ds, input, times, opts, Some(sites));
    super::branch_effect::annotate(&mut out, &main);
    out.main_only = Some(Box::new(MainOnly {
        hub: main.hub,
        staff_max_min: main.staff_max_min,
        tour_min: main.tour.as_ref().map(|t| minutes(t.seconds)),
        patients: main.patients,
    }));
    out
}

/// One analysis of a network over the sites `sites` says (`None`: one
/// point per practice, as without a sites file).
fn analyse_with(
    ds: &Dataset,
    input: &PcnInput,
    times: &dyn DriveTimes,
    opts: &DriveOptions,
    sites: Option<&SiteOptions>,
) -> PcnDrive {
    let (members, unroutable_members): (Vec<PracticeId>, Vec<PracticeId>) = input
        .members
        .iter()
        .partition(|&&p| times.routable(Site::Practice(p)));
    let member_sites: Vec<Site> = members.iter().map(|&p| Site::Practice(p)).collect();
    let n = members.len();
    let matrix_s = times.times(&member_sites, &member_sites);
    let list_sizes: Vec<f64> = members
        .iter()
        .map(|&p| ds.practice(p).list_size.unwrap_or(0) as f64)
        .collect();
    let plan = SitePlan::new(ds, &members, times, sites);
    // With sites: the patients each site serves (where patients go does not
    // depend on the hub), which weigh the sites for the hub.
    let first: Option<(Vec<f64>, Vec<f64>)> = sites.map(|_| {
        let (_, _, served, t) = patients(ds, input, times, &plan, None, opts, None);
        (served, t)
    });
    let (served, prior) = first.unzip();
    let staff_all = sites.is_some_and(|s| s.tour_sites == TourSites::All);
    let (staff_matrix, staff_weights) = if staff_all {
        let w = served
            .as_deref()
            .map(|sv| staff_weights(&plan, &list_sizes, sv))
            .unwrap_or_default();
        (times.times(&plan.staff_sites, &plan.staff_sites), w)
    } else {
        (matrix_s.clone(), list_sizes.clone())
    };

    // The hub: given, or chosen among the members and candidate sites.
    let mut out = PcnDrive::empty(input.pcn, members.clone(), unroutable_members, matrix_s);
    let day = Day {
        length_s: opts.day_hours * 3600.0,
        on_site_s: opts.on_site_min * 60.0,
    };
    let staff = Staff {
        ds,
        sites: &plan.staff_sites,
        matrix_s: &staff_matrix,
        weights: &staff_weights,
    };
    let hub = pick_hub(input, times, &staff, opts, &mut out);
    out.hub = hub;

    if let Some(hub) = hub.filter(|_| n > 0) {
        // Tour stops: each site its own stop, or (with branches) a
        // practice's sites within the merge time grouped.
        let groups: Vec<Vec<usize>> = match sites.filter(|_| staff_all) {
            Some(so) => stops(&plan.staff_owner, &staff_matrix, so.merge_min * 60.0),
            None => (0..plan.staff_sites.len()).map(|i| vec![i]).collect(),
        };
        staff_and_tour(ds, times, hub, &staff, &groups, day, &mut out);
    }

    let (patients, area_times, _, _) =
        patients(ds, input, times, &plan, hub, opts, prior.as_deref());
    (out.patients, out.area_times) = (patients, area_times);
    if let Some(sv) = served {
        out.site_patients = plan.patient_sites.iter().copied().zip(sv).collect();
        // Sites staff visit but no patient goes to (`--patient-site main`).
        for &s in &plan.staff_sites {
            if !plan.patient_sites.contains(&s) {
                out.site_patients.push((s, 0.0));
            }
        }
    }
    flags(ds, input, opts, &mut out);
    out
}

impl PcnDrive {
    /// A network's result before its hub, tour and patients are worked out.
    fn empty(
        pcn: PcnId,
        members: Vec<PracticeId>,
        unroutable_members: Vec<PracticeId>,
        matrix_s: Vec<f64>,
    ) -> PcnDrive {
        PcnDrive {
            pcn,
            members,
            unroutable_members,
            matrix_s,
            hub: None,
            hub_rule: "median",
            median: None,
            centre: None,
            staff_max_min: None,
            staff_farthest: None,
            staff_farthest_site: None,
            staff_mean_min: None,
            tour: None,
            tour_sites: Vec::new(),
            from_hub_s: Vec::new(),
            tour_matrix_s: Vec::new(),
            patients: PatientDrive {
                basis: PatientBasis::PopulationNearest,
                to_practice: None,
                to_nearest: None,
                to_hub: None,
                excess_mean_min: None,
                hub_share_over_limit: None,
                unroutable_patients: 0.0,
                nearest_by_area: Vec::new(),
            },
            area_times: Vec::new(),
            flags: Vec::new(),
            details: Vec::new(),
            site_patients: Vec::new(),
            main_only: None,
        }
    }
}

/// The sites staff visit, their square drive-time matrix (row = from) and
/// their weights for the hub.
struct Staff<'a> {
    ds: &'a Dataset,
    sites: &'a [Site],
    matrix_s: &'a [f64],
    weights: &'a [f64],
}

/// The hub: given (if routable), or chosen among the staff sites and the
/// routable candidate sites by `opts.hub_rule`, with the median and the
/// centre noted in `out`.
fn pick_hub(
    input: &PcnInput,
    times: &dyn DriveTimes,
    staff: &Staff,
    opts: &DriveOptions,
    out: &mut PcnDrive,
) -> Option<Site> {
    let n = staff.sites.len();
    if let Some(h) = input.given_hub {
        out.hub_rule = "given";
        times.routable(h).then_some(h)
    } else if n > 0 {
        let mut cands: Vec<Site> = staff.sites.to_vec();
        cands.extend(input.candidates.iter().filter(|&&c| times.routable(c)));
        let extra = times.times(&cands[n..], staff.sites);
        let rows: Vec<Vec<f64>> = (0..cands.len())
            .map(|c| {
                if let Site::Branch(b) = cands[c]
                    && !staff.ds.branch(b).serves_patients
                {
                    // Not a hub: no row reaches every site.
                    vec![f64::INFINITY; n]
                } else if c < n {
                    staff.matrix_s[c * n..(c + 1) * n].to_vec()
                } else {
                    extra[(c - n) * n..(c - n + 1) * n].to_vec()
                }
            })
            .collect();
        choose_hub(&HubCandidates {
            times: &rows,
            member_weights: staff.weights,
        })
        .map(|h| {
            out.median = Some(cands[h.median]);
            out.centre = Some(cands[h.centre]);
            match opts.hub_rule {
                HubRule::Median => cands[h.median],
                HubRule::Centre => {
                    out.hub_rule = "centre";
                    cands[h.centre]
                }
            }
        })
    } else {
        None
    }
}

/// Staff measures from the hub (worst and weighted mean drive to a stop)
/// and the shortest tour from the hub through every stop. `groups` are the
/// stops as lists of staff sites, the first standing for the stop; the
/// stop holding the hub is the hub.
fn staff_and_tour(
    ds: &Dataset,
    times: &dyn DriveTimes,
    hub: Site,
    staff: &Staff,
    groups: &[Vec<usize>],
    day: Day,
    out: &mut PcnDrive,
) {
    // Tour sites: the hub first, then every other stop, with its weight.
    let mut sites = vec![hub];
    let hub_group = groups
        .iter()
        .position(|g| g.iter().any(|&i| staff.sites[i] == hub));
    let group_weight = |g: &[usize]| g.iter().map(|&i| staff.weights[i]).sum::<f64>();
    // A hub outside the stops (a candidate site, or a given practice that
    // is not a member) weighs its own list size if it is a practice.
    let mut weights = vec![hub_group.map(|g| group_weight(&groups[g])).or(match hub {
        Site::Practice(p) => Some(ds.practice(p).list_size.unwrap_or(0) as f64),
        _ => None,
    })];
    for (gi, g) in groups.iter().enumerate() {
        if Some(gi) != hub_group {
            sites.push(staff.sites[g[0]]);
            weights.push(Some(group_weight(g)));
        }
    }
    let d = times.times(&sites, &sites);
    let k = sites.len();
    let from_hub = &d[0..k];
    let (mut worst, mut farthest, mut wsum, mut wtot) = (0.0f64, None, 0.0, 0.0);
    for (j, s) in sites.iter().enumerate() {
        let (Some(p), Some(w)) = (s.practice(ds), weights[j]) else {
            continue;
        };
        let t = from_hub[j];
        if t > worst || farthest.is_none() {
            worst = t;
            farthest = Some((p, *s));
        }
        wsum += w * t;
        wtot += w;
    }
    out.staff_max_min = Some(minutes(worst));
    out.staff_farthest = farthest.map(|f| f.0);
    out.staff_farthest_site = farthest.map(|f| f.1);
    out.staff_mean_min = (wtot > 0.0).then(|| minutes(wsum / wtot));
    out.tour = Some(shortest_tour(&|i, j| d[i * k + j], k, day));
    out.tour_sites = sites;
    out.from_hub_s = from_hub.to_vec();
    out.tour_matrix_s = d;
}

/// The patients' drive times (to the site of their practice the plan sends
/// them to, to the nearest member site, to the hub), each footprint area's
/// times, and the patients each patient site serves.
fn patients(
    ds: &Dataset,
    input: &PcnInput,
    times: &dyn DriveTimes,
    plan: &SitePlan,
    hub: Option<Site>,
    opts: &DriveOptions,
    prior: Option<&[f64]>,
) -> (PatientDrive, Vec<AreaTimes>, Vec<f64>, Vec<f64>) {
    let (mut pairs, basis) = patient_pairs(ds, input);
    pairs.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    // Every area with patients, and every footprint area (for its times).
    let mut areas: Vec<AreaId> = pairs.iter().map(|p| p.0).collect();
    areas.extend(input.footprint.iter().copied());
    areas.sort_unstable();
    areas.dedup();
    let area_sites: Vec<Site> = areas.iter().map(|&a| Site::Area(a)).collect();
    // Columns: the patient sites, then the hub if it is not one of them.
    let mut cols: Vec<Site> = plan.patient_sites.clone();
    let ns = cols.len();
    let hub_col = hub.map(|h| match cols.iter().position(|&c| c == h) {
        Some(i) => i,
        None => {
            cols.push(h);
            cols.len() - 1
        }
    });
    let m = cols.len();
    // The areas × patient sites times from a first pass (`prior`, with
    // sites: where patients go does not depend on the hub) are reused, and
    // only the hub's column asked for: each pair's time does not depend on
    // the other columns of a query.
    let t = match prior {
        Some(pt) if m == ns => pt.to_vec(),
        Some(pt) if ns > 0 => {
            let hub_t = times.times(&area_sites, &cols[ns..]);
            let mut t = Vec::with_capacity(areas.len() * m);
            for (row, h) in pt.chunks(ns).zip(&hub_t) {
                t.extend_from_slice(&row[..ns]);
                t.push(*h);
            }
            t
        }
        _ => times.times(&area_sites, &cols),
    };
    let owner_practice: Vec<Option<PracticeId>> =
        plan.patient_sites.iter().map(|s| s.practice(ds)).collect();
    let [mut to_practice, mut to_nearest, mut to_hub] = [(); 3].map(|_| WeightedSample::new());
    let mut unroutable = 0.0;
    let mut served = vec![0.0; ns];
    // Per area: (Σ w·t to the registered practice, Σ w); (nearest, Σ w routable).
    let mut own_sum = vec![(0.0f64, 0.0f64); areas.len()];
    let mut near = own_sum.clone();
    for (a, practice, w) in &pairs {
        let row = areas.binary_search(a).unwrap_or(0);
        let r = &t[row * m..(row + 1) * m];
        // The nearest of the given sites (the first on a tie).
        let best = |pick: &dyn Fn(usize) -> bool| {
            (0..ns)
                .filter(|&j| pick(j))
                .fold((f64::INFINITY, None), |(bt, bj), j| {
                    if r[j] < bt { (r[j], Some(j)) } else { (bt, bj) }
                })
        };
        let (nearest, nearest_j) = best(&|_| true);
        let (own, own_j) = match practice {
            Some(p) => best(&|j| owner_practice[j] == Some(*p)),
            None => (nearest, nearest_j),
        };
        let hub_t = hub_col.map_or(f64::INFINITY, |c| r[c]);
        if !(own.is_finite() && nearest.is_finite() && (hub.is_none() || hub_t.is_finite())) {
            unroutable += w;
            continue;
        }
        if let Some(j) = own_j {
            served[j] += *w;
        }
        near[row] = (nearest, near[row].1 + w);
        if practice.is_some() {
            own_sum[row].0 += own * w;
            own_sum[row].1 += w;
        }
        // Values are finite and weights positive here, so pushes succeed.
        let _ = to_practice.push(minutes(own), *w);
        let _ = to_nearest.push(minutes(nearest), *w);
        if hub.is_some() {
            let _ = to_hub.push(minutes(hub_t), *w);
        }
    }
    let area_times =
        footprint_area_times(input, &areas, (&t, m), &owner_practice, hub_col, &own_sum);
    let samples = (to_practice, to_nearest, to_hub);
    let mut drive = summarise_patients(basis, samples, unroutable, opts);
    drive.nearest_by_area = with_patients(&areas, near);
    (drive, area_times, served, t)
}

/// The areas with routable patients: (area, time to the nearest member
/// site, patients), from each area's `(time, patients)`.
fn with_patients(areas: &[AreaId], near: Vec<(f64, f64)>) -> Vec<(AreaId, f64, f64)> {
    areas
        .iter()
        .zip(near)
        .filter(|(_, (_, w))| *w > 0.0)
        .map(|(&a, (s, w))| (a, s, w))
        .collect()
}

/// The patients' summaries from their weighted samples of minutes (to the
/// registered practice, to the nearest member, to the hub).
fn summarise_patients(
    basis: PatientBasis,
    (to_practice, to_nearest, to_hub): (WeightedSample, WeightedSample, WeightedSample),
    unroutable: f64,
    opts: &DriveOptions,
) -> PatientDrive {
    let th = &opts.share_thresholds_min;
    let to_practice = to_practice.summary(th);
    let to_nearest = to_nearest.summary(th);
    let hub_share_over_limit = to_hub
        .summary(&[opts.patient_max_min])
        .map(|s| s.share_over[0]);
    PatientDrive {
        basis,
        excess_mean_min: match (&to_practice, &to_nearest) {
            (Some(a), Some(b)) => Some(a.mean - b.mean),
            _ => None,
        },
        to_practice,
        to_nearest,
        to_hub: to_hub.summary(th),
        hub_share_over_limit,
        unroutable_patients: unroutable,
        nearest_by_area: Vec::new(),
    }
}

/// Patients by (area, registered practice or `None` for "nearest"): the
/// registrations at the members when there are any, else each footprint
/// area's population going to its nearest member.
pub(crate) fn patient_pairs(
    ds: &Dataset,
    input: &PcnInput,
) -> (Vec<(AreaId, Option<PracticeId>, f64)>, PatientBasis) {
    // (area, practice or None for "nearest", patients)
    let member_set: std::collections::BTreeSet<PracticeId> =
        input.members.iter().copied().collect();
    // Practice by practice, each in file order; the stable sort below puts
    // them in (area, practice) order, as a scan of the whole table would.
    let mut pairs: Vec<(AreaId, Option<PracticeId>, f64)> = member_set
        .iter()
        .flat_map(|&p| ds.registrations_of(p))
        .filter(|r| r.patients > 0)
        .map(|r| (r.area, Some(r.practice), r.patients as f64))
        .collect();
    let basis = if pairs.is_empty() {
        pairs = input
            .footprint
            .iter()
            .map(|&a| (a, None, ds.area(a).population.unwrap_or(0) as f64))
            .filter(|p| p.2 > 0.0)
            .collect();
        PatientBasis::PopulationNearest
    } else {
        PatientBasis::Registrations
    };
    (pairs, basis)
}

/// Times from each footprint area that reaches a member: `t` is the
/// areas × `m` columns matrix (the patient sites first, whose practices are
/// `site_practice`, then the hub if not one of them),
/// `own_sum` each area's patient-weighted sum to the registered practice
/// and its patients.
fn footprint_area_times(
    input: &PcnInput,
    areas: &[AreaId],
    (t, m): (&[f64], usize),
    site_practice: &[Option<PracticeId>],
    hub_col: Option<usize>,
    own_sum: &[(f64, f64)],
) -> Vec<AreaTimes> {
    let n_members = site_practice.len();
    areas
        .iter()
        .enumerate()
        .filter(|(_, a)| input.footprint.binary_search(a).is_ok())
        .filter_map(|(row, &area)| {
            let r = &t[row * m..(row + 1) * m];
            let (nearest, nearest_j) = r[..n_members].iter().enumerate().fold(
                (f64::INFINITY, None),
                |(bt, bj), (j, &tj)| {
                    if tj < bt { (tj, Some(j)) } else { (bt, bj) }
                },
            );
            nearest.is_finite().then(|| AreaTimes {
                area,
                to_nearest_s: nearest,
                nearest_member: nearest_j.and_then(|j| site_practice[j]),
                to_hub_s: hub_col.map(|c| r[c]).filter(|t| t.is_finite()),
                mean_to_practice_s: (own_sum[row].1 > 0.0).then(|| own_sum[row].0 / own_sum[row].1),
                patients: own_sum[row].1,
            })
        })
        .collect()
}

fn flags(ds: &Dataset, input: &PcnInput, opts: &DriveOptions, out: &mut PcnDrive) {
    let code = |p: PracticeId| ds.practice(p).code.as_str();
    let site = |s: Site| match s {
        Site::Practice(p) => code(p).to_string(),
        Site::Area(a) => ds.area(a).code.clone(),
        Site::Candidate(i) => format!("candidate site {i}"),
        Site::Branch(b) => ds.branch(b).code.clone(),
    };
    let mut any = Vec::new();
    if let (Some(max), Some(far), Some(hub)) = (out.staff_max_min, out.staff_farthest, out.hub)
        && max > opts.hub_max_min
    {
        out.flags.push(Code::HubImpractical);
        let who = match out.staff_farthest_site {
            Some(Site::Branch(b)) => format!(
                "member {}'s branch {} ({})",
                code(far),
                ds.branch(b).code,
                ds.branch(b).name
            ),
            _ => format!("member {}", code(far)),
        };
        out.details.push(format!(
            "{who} is {max:.1} min from hub {} (limit {} min)",
            site(hub),
            opts.hub_max_min
        ));
        any.push(Code::HubImpractical);
    }
    if let Some(t) = &out.tour
        && minutes(t.seconds) > opts.tour_max_min
    {
        out.flags.push(Code::SharedRoleImpractical);
        out.details.push(format!(
            "staff tour through {} sites takes {:.1} min{} (limit {} min); {} visits fit in a {} h day with {} min on site",
            out.tour_sites.len(),
            minutes(t.seconds),
            if t.exact { "" } else { " (heuristic)" },
            opts.tour_max_min,
            t.visits_per_day,
            opts.day_hours,
            opts.on_site_min
        ));
        any.push(Code::SharedRoleImpractical);
    }
    if let Some(share) = out.patients.hub_share_over_limit
        && share > opts.patient_share_max
    {
        out.flags.push(Code::PatientAccessBurden);
        out.details.push(format!(
            "{:.1}% of patients are more than {} min from the hub (limit {:.1}%)",
            share * 100.0,
            opts.patient_max_min,
            opts.patient_share_max * 100.0
        ));
        any.push(Code::PatientAccessBurden);
    }
    if input.rural && !any.is_empty() {
        out.flags.push(Code::RuralAccessRisk);
        out.details.push(format!(
            "RURAL and {}",
            crate::findings::join_codes(&any, ", ")
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testutil::{add_pcn, square_area};
    use crate::model::{Registration, Ruc};
    use std::collections::{BTreeMap, BTreeSet};

    /// Sites on a straight road, one minute per kilometre both ways.
    struct Line {
        km: BTreeMap<Site, f64>,
        off_road: BTreeSet<Site>,
    }

    impl DriveTimes for Line {
        fn times(&self, from: &[Site], to: &[Site]) -> Vec<f64> {
            let mut out = Vec::new();
            for f in from {
                for t in to {
                    out.push(if self.routable(*f) && self.routable(*t) {
                        (self.km[f] - self.km[t]).abs() * 60.0
                    } else {
                        f64::INFINITY
                    });
                }
            }
            out
        }
        fn routable(&self, s: Site) -> bool {
            self.km.contains_key(&s) && !self.off_road.contains(&s)
        }
    }

    /// Worked by hand (minutes = kilometres along the road):
    ///   practices P1 at 0 km (list 12,000), P2 at 10 (5,000), P3 at 40 (5,000);
    ///   areas A1 at 2, A2 at 12, A3 at 38;
    ///   registrations A1→P1 1,000, A2→P2 500, A2→P1 300, A3→P3 200.
    fn fixture() -> (Dataset, PcnInput, Line) {
        let mut ds = Dataset::default();
        let pcn = add_pcn(
            &mut ds,
            "PCN1",
            &[
                ("P1", 12_000, 0.0, 0.0),
                ("P2", 5_000, 10_000.0, 0.0),
                ("P3", 5_000, 40_000.0, 0.0),
            ],
        );
        for (i, x) in [2.0, 12.0, 38.0].iter().enumerate() {
            ds.areas.push(square_area(
                &format!("A{}", i + 1),
                x * 1000.0,
                0.0,
                100.0,
                1500,
                Ruc::E1,
            ));
        }
        let reg = |a: u32, p: u32, n: u64| Registration {
            practice: PracticeId(p),
            area: AreaId(a),
            patients: n,
        };
        *ds.registrations_mut() = vec![
            reg(0, 0, 1000),
            reg(1, 1, 500),
            reg(1, 0, 300),
            reg(2, 2, 200),
        ];
        let mut km = BTreeMap::new();
        for (i, x) in [0.0, 10.0, 40.0].iter().enumerate() {
            km.insert(Site::Practice(PracticeId(i as u32)), *x);
        }
        for (i, x) in [2.0, 12.0, 38.0].iter().enumerate() {
            km.insert(Site::Area(AreaId(i as u32)), *x);
        }
        let input = PcnInput {
            pcn,
            members: ds.pcns[0].practices.clone(),
            footprint: vec![AreaId(0), AreaId(1), AreaId(2)],
            given_hub: None,
            candidates: Vec::new(),
            rural: true,
        };
        (
            ds,
            input,
            Line {
                km,
                off_road: BTreeSet::new(),
            },
        )
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn worked_network() {
        let (ds, input, line) = fixture();
        let r = analyse_pcn(&ds, &input, &line, &DriveOptions::default());
        let p = |i: u32| Site::Practice(PracticeId(i));
        // 1-median: P1 (0·12k + 10·5k + 40·5k)/22k = 11.36 min beats
        // P2 (10·12k + 30·5k)/22k = 12.27 and P3; 1-centre: P2 (worst 30).
        assert_eq!(r.median, Some(p(0)));
        assert_eq!(r.centre, Some(p(1)));
        assert_eq!(r.hub, Some(p(0)));
        assert_eq!(r.staff_max_min, Some(40.0));
        assert_eq!(r.staff_farthest, Some(PracticeId(2)));
        assert!(close(r.staff_mean_min.unwrap(), 250_000.0 / 22_000.0));
        // Tour 10 + 30 + 40 = 80 min; all three sites fit a 7.5 h day with
        // 60 min on site (80 + 180 ≤ 450).
        let t = r.tour.as_ref().unwrap();
        assert!(close(t.seconds, 80.0 * 60.0));
        assert_eq!(t.visits_per_day, 3);
        assert_eq!(r.matrix_s.len(), 9);
        assert_eq!(r.matrix_s[2], 40.0 * 60.0);
        // Patients, 2,000 in all.
        //   to practice: 2 (1000), 2 (500), 12 (300), 2 (200): mean 7000/2000 = 3.5
        //   to nearest: 2 for everyone; excess 1.5
        //   to hub P1: 2 (1000), 12 (800), 38 (200): mean 19,200/2000 = 9.6,
        //   median 2, p90 12, max 38, over 15/30/45: 0.1, 0.1, 0
        let pt = &r.patients;
        assert_eq!(pt.basis, PatientBasis::Registrations);
        assert!(close(pt.to_practice.as_ref().unwrap().mean, 3.5));
        assert!(close(pt.to_nearest.as_ref().unwrap().mean, 2.0));
        assert!(close(pt.excess_mean_min.unwrap(), 1.5));
        let h = pt.to_hub.as_ref().unwrap();
        assert!(close(h.mean, 9.6));
        assert_eq!((h.median, h.p90, h.max), (2.0, 12.0, 38.0));
        assert_eq!(h.share_over, vec![0.1, 0.1, 0.0]);
        assert_eq!(pt.hub_share_over_limit, Some(0.1));
        assert_eq!(pt.unroutable_patients, 0.0);
        // Per area: A2's 800 patients average (500·2 + 300·12)/800 = 5.75 min.
        let at: Vec<(f64, Option<f64>, Option<f64>, f64)> = r
            .area_times
            .iter()
            .map(|a| (a.to_nearest_s, a.to_hub_s, a.mean_to_practice_s, a.patients))
            .collect();
        assert_eq!(
            at,
            vec![
                (120.0, Some(120.0), Some(120.0), 1000.0),
                (120.0, Some(720.0), Some(345.0), 800.0),
                (120.0, Some(2280.0), Some(120.0), 200.0),
            ]
        );
        // A member 40 min from the hub: HUB_IMPRACTICAL, and RURAL with it.
        assert_eq!(r.flags, vec![Code::HubImpractical, Code::RuralAccessRisk]);
        assert_eq!(
            r.details[0],
            "member P3 is 40.0 min from hub P1 (limit 30 min)"
        );
    }

    #[test]
    fn thresholds_are_options() {
        let (ds, mut input, line) = fixture();
        let opts = DriveOptions {
            hub_max_min: 45.0,
            tour_max_min: 60.0,
            patient_max_min: 10.0,
            hub_rule: HubRule::Centre,
            ..DriveOptions::default()
        };
        input.rural = false;
        let r = analyse_pcn(&ds, &input, &line, &opts);
        // Hub P2 (the centre): worst 30 ≤ 45; tour 80 > 60; patients to P2:
        // A1 10 (1000), A2 2 (800), A3 28 (200): over 10 min only A3's 200 = 10%.
        assert_eq!(r.hub, Some(Site::Practice(PracticeId(1))));
        assert_eq!(r.hub_rule, "centre");
        assert_eq!(r.flags, vec![Code::SharedRoleImpractical]);
        assert_eq!(r.patients.hub_share_over_limit, Some(0.1));
    }

    #[test]
    fn unroutable_practice_and_candidate_hub() {
        let (ds, mut input, mut line) = fixture();
        line.off_road.insert(Site::Practice(PracticeId(2)));
        // A community hospital at 5 km: the 1-median of P1 and P2 by
        // (5·12k + 5·5k)/17k = 5 min vs P1's 50k/17k = 2.94 → P1 still;
        // but it is the 1-centre (worst 5 vs 10).
        line.km.insert(Site::Candidate(0), 5.0);
        input.candidates = vec![Site::Candidate(0)];
        let r = analyse_pcn(&ds, &input, &line, &DriveOptions::default());
        assert_eq!(r.members, vec![PracticeId(0), PracticeId(1)]);
        assert_eq!(r.unroutable_members, vec![PracticeId(2)]);
        assert_eq!(r.median, Some(Site::Practice(PracticeId(0))));
        assert_eq!(r.centre, Some(Site::Candidate(0)));
        // A3's 200 patients are registered at the unroutable P3.
        assert_eq!(r.patients.unroutable_patients, 200.0);
        assert!(r.flags.is_empty());
        // A given hub is used as given.
        input.given_hub = Some(Site::Candidate(0));
        let g = analyse_pcn(&ds, &input, &line, &DriveOptions::default());
        assert_eq!((g.hub, g.hub_rule), (Some(Site::Candidate(0)), "given"));
        assert_eq!(g.tour_sites[0], Site::Candidate(0));
        // Hospital → P1 → P2 → hospital: 5 + 10 + 5 = 20 min.
        assert!(close(g.tour.unwrap().seconds, 20.0 * 60.0));
    }

    #[test]
    fn without_registrations_residents_go_to_the_nearest_member() {
        let (mut ds, input, line) = fixture();
        ds.registrations_mut().clear();
        let r = analyse_pcn(&ds, &input, &line, &DriveOptions::default());
        // 1,500 residents in each area, each 2 min from its nearest member.
        let pt = &r.patients;
        assert_eq!(pt.basis, PatientBasis::PopulationNearest);
        assert_eq!(pt.to_practice.as_ref().unwrap().weight, 4500.0);
        assert!(close(pt.to_practice.as_ref().unwrap().mean, 2.0));
        assert!(close(pt.excess_mean_min.unwrap(), 0.0));
        // To hub P1: 2, 12, 38 min, 1,500 each: one third over 30 min.
        assert!(close(pt.hub_share_over_limit.unwrap(), 1.0 / 3.0));
        assert!(r.flags.contains(&Code::PatientAccessBurden));
    }
}
