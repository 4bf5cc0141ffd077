//! Which sites a network's analysis runs over. Without `sites.csv` every
//! practice is one point, its main site. With it (docs/methods.md, "Branch
//! sites"):
//!
//! - **patients** (`--patient-site nearest`) go to the site of their
//!   practice nearest by drive time, main or branch;
//! - **staff** (`--tour-sites all`) visit every site: the hub is chosen among
//!   all sites (and candidate sites) as the 1-median weighted by the
//!   patients each site serves, and the tour runs through every *stop* — a
//!   practice's sites within `merge_min` minutes of each other, both ways,
//!   being one stop.
//!
//! A branch marked `patients = no` (a school or prison surgery) is a stop of
//! the tour but neither a patient site nor a hub.
//!
//! Only routable sites of routable members take part: a practice whose main
//! site is off the roads is an unroutable member (as without sites), and an
//! unroutable branch is left out with `SITE_UNROUTABLE`.

use super::network::{DriveTimes, PatientSite, Site, SiteOptions, TourSites};
use crate::model::{Dataset, PracticeId};

/// The sites of a network's routable members, for patients and for staff.
#[derive(Clone, Debug, PartialEq)]
pub struct SitePlan {
    /// Sites patients go to: each member's main site, followed (with
    /// `--patient-site nearest`) by its routable branches.
    pub patient_sites: Vec<Site>,
    /// The member (index into the routable members) of each patient site.
    pub patient_owner: Vec<usize>,
    /// Sites the staff visit and the hub serves: main sites, or (with
    /// `--tour-sites all`) every routable site, in the same order.
    pub staff_sites: Vec<Site>,
    pub staff_owner: Vec<usize>,
}

impl SitePlan {
    /// The plan for `members` (routable, sorted by code); `sites` `None`
    /// (no sites file) is main sites for both.
    pub fn new(
        ds: &Dataset,
        members: &[PracticeId],
        times: &dyn DriveTimes,
        sites: Option<&SiteOptions>,
    ) -> SitePlan {
        let patient_branches = sites.is_some_and(|s| s.patient_site == PatientSite::Nearest);
        let staff_branches = sites.is_some_and(|s| s.tour_sites == TourSites::All);
        let (patient_sites, patient_owner) =
            member_sites(ds, members, times, patient_branches, true);
        let (staff_sites, staff_owner) = member_sites(ds, members, times, staff_branches, false);
        SitePlan {
            patient_sites,
            patient_owner,
            staff_sites,
            staff_owner,
        }
    }
}

/// Each member's main site, followed by its routable branches when
/// `branches` (only those open to patients when `for_patients`); with the
/// member index of each.
fn member_sites(
    ds: &Dataset,
    members: &[PracticeId],
    times: &dyn DriveTimes,
    branches: bool,
    for_patients: bool,
) -> (Vec<Site>, Vec<usize>) {
    let mut sites = Vec::new();
    let mut owner = Vec::new();
    for (m, &p) in members.iter().enumerate() {
        sites.push(Site::Practice(p));
        owner.push(m);
        if branches {
            for b in ds.branches_of(p) {
                let s = Site::Branch(b);
                if times.routable(s) && (ds.branch(b).serves_patients || !for_patients) {
                    sites.push(s);
                    owner.push(m);
                }
            }
        }
    }
    (sites, owner)
}

/// Each staff site's weight for the hub's 1-median: its practice's list size
/// shared among the practice's sites in proportion to the patients each
/// serves (`served`, by patient site). A practice none of whose patients
/// were placed keeps its whole list at its main site.
pub fn staff_weights(plan: &SitePlan, list_sizes: &[f64], served: &[f64]) -> Vec<f64> {
    let mut total = vec![0.0; list_sizes.len()];
    for (j, &m) in plan.patient_owner.iter().enumerate() {
        total[m] += served[j];
    }
    plan.staff_sites
        .iter()
        .zip(&plan.staff_owner)
        .map(|(s, &m)| {
            let here = plan
                .patient_sites
                .iter()
                .position(|p| p == s)
                .map_or(0.0, |j| served[j]);
            if total[m] > 0.0 {
                list_sizes[m] * here / total[m]
            } else if matches!(s, Site::Practice(_)) {
                list_sizes[m]
            } else {
                0.0
            }
        })
        .collect()
}

/// Group the staff sites into tour stops: walking each practice's sites in
/// order (main first), a site joins the first earlier stop of the same
/// practice whose first site is within `merge_s` seconds of it both ways,
/// else it starts a stop. `d` is the staff sites' square matrix (row =
/// from). Returns the stops, each a list of staff-site indices, first the
/// site that stands for it.
pub fn stops(owner: &[usize], d: &[f64], merge_s: f64) -> Vec<Vec<usize>> {
    let k = owner.len();
    let mut stops: Vec<Vec<usize>> = Vec::new();
    for i in 0..k {
        let joined = stops.iter_mut().find(|g| {
            let r = g[0];
            owner[r] == owner[i] && d[i * k + r].max(d[r * k + i]) <= merge_s
        });
        match joined {
            Some(g) => g.push(i),
            None => stops.push(vec![i]),
        }
    }
    stops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_merge_a_practice_sites_within_the_limit_both_ways() {
        // Practice 0: main (0), branch 1 three minutes away both ways,
        // branch 2 four minutes out but six back (one-way streets);
        // practice 1: main (3), and its branch 4 two minutes from it.
        let owner = [0, 0, 0, 1, 1];
        let m = |a: f64| a * 60.0;
        let mut d = vec![m(30.0); 25];
        let mut set = |i: usize, j: usize, v: f64| d[i * 5 + j] = m(v);
        set(0, 1, 3.0);
        set(1, 0, 3.0);
        set(0, 2, 4.0);
        set(2, 0, 6.0);
        set(3, 4, 2.0);
        set(4, 3, 2.0);
        for i in 0..5 {
            set(i, i, 0.0);
        }
        assert_eq!(
            stops(&owner, &d, m(5.0)),
            vec![vec![0, 1], vec![2], vec![3, 4]]
        );
        // With a limit of 6 minutes branch 2 joins its main site too; a
        // limit of 0 keeps every site a stop.
        assert_eq!(stops(&owner, &d, m(6.0)), vec![vec![0, 1, 2], vec![3, 4]]);
        assert_eq!(stops(&owner, &d, 0.0).len(), 5);
    }

    #[test]
    fn weights_share_the_list_size_by_patients_served() {
        let plan = SitePlan {
            patient_sites: vec![
                Site::Practice(PracticeId(0)),
                Site::Branch(crate::model::BranchId(0)),
                Site::Practice(PracticeId(1)),
            ],
            patient_owner: vec![0, 0, 1],
            staff_sites: vec![
                Site::Practice(PracticeId(0)),
                Site::Branch(crate::model::BranchId(0)),
                Site::Practice(PracticeId(1)),
                Site::Branch(crate::model::BranchId(1)),
            ],
            staff_owner: vec![0, 0, 1, 1],
        };
        // Practice 0 (list 9,000): 200 patients placed at the main site,
        // 100 at the branch → 6,000 and 3,000. Practice 1 (list 4,000): no
        // patients placed → all at its main site; its branch (not a patient
        // site) 0.
        let w = staff_weights(&plan, &[9000.0, 4000.0], &[200.0, 100.0, 0.0]);
        assert_eq!(w, vec![6000.0, 3000.0, 4000.0, 0.0]);
    }
}
