//! Choosing a network's hub from drive times: the 1-median (least
//! list-size-weighted drive time from the hub to the members) and the
//! 1-centre (least worst drive time), side by side.

use serde::Serialize;

/// Drive times from candidate hub sites to the member practices, in
/// seconds: `times[c][m]` from candidate `c` to member `m`
/// (`f64::INFINITY` where unreachable).
pub struct HubCandidates<'a> {
    pub times: &'a [Vec<f64>],
    /// Weight of each member (its registered list size).
    pub member_weights: &'a [f64],
}

/// The chosen hubs, as indices into the candidates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HubChoice {
    /// 1-median: minimises Σ weight × time from the hub to each member.
    pub median: usize,
    /// Its weighted mean drive time to the members, seconds.
    pub median_weighted_mean_s: f64,
    /// Its worst drive time to a member, seconds.
    pub median_max_s: f64,
    /// 1-centre: minimises the worst drive time to a member.
    pub centre: usize,
    /// The 1-centre's worst drive time to a member, seconds.
    pub centre_max_s: f64,
}

/// Pick the 1-median and the 1-centre. Candidates that cannot reach every
/// member are not eligible; `None` when no candidate reaches them all (or
/// there are no members). Ties go to the lower objective on the other
/// criterion, then to the lower index — callers order candidates by code,
/// so the choice is deterministic.
pub fn choose_hub(c: &HubCandidates) -> Option<HubChoice> {
    let n_members = c.member_weights.len();
    if n_members == 0 {
        return None;
    }
    let total_w: f64 = c.member_weights.iter().sum();
    let mut scores = Vec::new();
    for (i, row) in c.times.iter().enumerate() {
        if row.len() != n_members || row.iter().any(|t| !t.is_finite()) {
            continue;
        }
        let weighted: f64 = row.iter().zip(c.member_weights).map(|(t, w)| t * w).sum();
        let worst = row.iter().copied().fold(0.0, f64::max);
        // With all list sizes 0 the median falls back to the plain mean.
        let mean = if total_w > 0.0 {
            weighted / total_w
        } else {
            row.iter().sum::<f64>() / n_members as f64
        };
        scores.push((i, mean, worst));
    }
    let median = scores.iter().min_by(|a, b| {
        a.1.total_cmp(&b.1)
            .then(a.2.total_cmp(&b.2))
            .then(a.0.cmp(&b.0))
    })?;
    let centre = scores.iter().min_by(|a, b| {
        a.2.total_cmp(&b.2)
            .then(a.1.total_cmp(&b.1))
            .then(a.0.cmp(&b.0))
    })?;
    Some(HubChoice {
        median: median.0,
        median_weighted_mean_s: median.1,
        median_max_s: median.2,
        centre: centre.0,
        centre_max_s: centre.2,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const INF: f64 = f64::INFINITY;

    #[test]
    fn median_and_centre_differ() {
        // Three practices on a line: A at 0 km, B at 10, C at 30; times are
        // one second per 100 m. Lists: A 10,000, B 1,000, C 1,000.
        //   from A: 0, 100, 300 → weighted (0 + 100k + 300k)/12k = 33.3, max 300
        //   from B: 100, 0, 200 → (1,000k + 0 + 200k)/12k = 100, max 200
        //   from C: 300, 200, 0 → (3,000k + 200k)/12k = 266.7, max 300
        // 1-median A (the big practice pulls it), 1-centre B.
        let t = vec![
            vec![0.0, 100.0, 300.0],
            vec![100.0, 0.0, 200.0],
            vec![300.0, 200.0, 0.0],
        ];
        let w = [10_000.0, 1_000.0, 1_000.0];
        let h = choose_hub(&HubCandidates {
            times: &t,
            member_weights: &w,
        })
        .unwrap();
        assert_eq!(h.median, 0);
        assert!((h.median_weighted_mean_s - 400_000.0 / 12_000.0).abs() < 1e-12);
        assert_eq!(h.median_max_s, 300.0);
        assert_eq!(h.centre, 1);
        assert_eq!(h.centre_max_s, 200.0);
    }

    #[test]
    fn unreachable_candidates_are_skipped_and_ties_are_deterministic() {
        // Candidate 0 cannot reach member 2. Candidates 1 and 2 tie on both
        // criteria: the lower index wins.
        let t = vec![
            vec![0.0, 10.0, INF],
            vec![10.0, 0.0, 10.0],
            vec![10.0, 10.0, 0.0],
        ];
        let w = [1.0, 1.0, 1.0];
        let h = choose_hub(&HubCandidates {
            times: &t,
            member_weights: &w,
        })
        .unwrap();
        assert_eq!((h.median, h.centre), (1, 1));
        let none = vec![vec![0.0, INF]];
        assert!(
            choose_hub(&HubCandidates {
                times: &none,
                member_weights: &[1.0, 1.0]
            })
            .is_none()
        );
        assert!(
            choose_hub(&HubCandidates {
                times: &[],
                member_weights: &[]
            })
            .is_none()
        );
    }

    #[test]
    fn a_candidate_that_is_not_a_member() {
        // Two members 600 s apart; a community hospital halfway (300 s to
        // each) is both the 1-median and the 1-centre.
        let t = vec![vec![0.0, 600.0], vec![600.0, 0.0], vec![300.0, 300.0]];
        let h = choose_hub(&HubCandidates {
            times: &t,
            member_weights: &[5.0, 1.0],
        })
        .unwrap();
        // Member 0 as hub: weighted mean 600·1/6 = 100 < hospital 300.
        assert_eq!(h.median, 0);
        assert_eq!(h.centre, 2);
        assert_eq!(h.centre_max_s, 300.0);
    }
}
