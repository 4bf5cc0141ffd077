//! Helpers for checking journeys against other implementations
//! (`examples/pt_pairs.rs`, `scripts/pt_reference.py` and the real-feed
//! test): simple straight-line transfers and seeded random queries.

use crate::rng::SplitMix64;
use crate::transit::{Secs, Timetable};

/// Transfers of the checks: stops within 300 m in a straight line.
pub const TRANSFER_M: f64 = 300.0;
/// Random query departures of the checks: 06:00 to 20:00.
pub const PAIRS_FROM: Secs = 6 * 3600;
pub const PAIRS_TO: Secs = 20 * 3600;
/// Seed of the checks' random pairs.
pub const PAIRS_SEED: u64 = 19;
/// Rides allowed in the checks: enough never to bind, as the references
/// have no limit.
pub const CHECK_RIDES: usize = 64;

/// Walking speed of the straight-line transfers: 4.8 km/h.
pub const WALK_M_PER_S: f64 = 4.8 / 3.6;
/// Straight lines are stretched by this to stand for the streets walked.
pub const DETOUR: f64 = 1.3;

/// Transfers between stops within `max_m` metres in a straight line
/// (British National Grid), `secs = ceil(metres × 1.3 / (4.8 / 3.6))`,
/// each stop's list sorted by stop. A stop is not its own transfer.
pub fn straight_line_transfers(tt: &Timetable, max_m: f64) -> Vec<Vec<(u32, Secs)>> {
    let mut order: Vec<usize> = (0..tt.stops.len()).collect();
    order.sort_by(|&a, &b| {
        tt.stops[a].bng[0]
            .total_cmp(&tt.stops[b].bng[0])
            .then(a.cmp(&b))
    });
    let mut out = vec![Vec::new(); tt.stops.len()];
    for (oi, &a) in order.iter().enumerate() {
        let [ax, ay] = tt.stops[a].bng;
        for &b in &order[oi + 1..] {
            let [bx, by] = tt.stops[b].bng;
            if bx - ax > max_m {
                break;
            }
            let m = (bx - ax).hypot(by - ay);
            if m <= max_m {
                let secs = (m * DETOUR / WALK_M_PER_S).ceil() as Secs;
                out[a].push((b as u32, secs));
                out[b].push((a as u32, secs));
            }
        }
    }
    for row in &mut out {
        row.sort_unstable();
    }
    out
}

/// One random query: from stop, to stop, departure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pair {
    pub from: u32,
    pub to: u32,
    pub depart: Secs,
}

/// `n` seeded random pairs of stops that some trip calls at, departing
/// uniformly between `from_secs` and `to_secs` (whole seconds).
pub fn random_pairs(
    tt: &Timetable,
    n: usize,
    seed: u64,
    from_secs: Secs,
    to_secs: Secs,
) -> Vec<Pair> {
    let mut served = vec![false; tt.stops.len()];
    for c in tt.trips.iter().flat_map(|t| &t.calls) {
        if let Some(x) = served.get_mut(c.stop as usize) {
            *x = true;
        }
    }
    let stops: Vec<u32> = (0..tt.stops.len() as u32)
        .filter(|&s| served[s as usize])
        .collect();
    if stops.is_empty() {
        return Vec::new();
    }
    let mut rng = SplitMix64::stream(seed, "transit pairs");
    let span = (to_secs.saturating_sub(from_secs) as usize).max(1);
    (0..n)
        .map(|_| Pair {
            from: stops[rng.below(stops.len())],
            to: stops[rng.below(stops.len())],
            depart: from_secs + rng.below(span) as Secs,
        })
        .collect()
}
