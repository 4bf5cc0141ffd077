//! Journeys from one origin over the departure window: one RAPTOR search
//! per departure gives the earliest arrival at every stop; each
//! destination's arrival is the best stop reached by a ride (or the access
//! walk) plus its walk, or the walk all the way when that is no later —
//! what [`Raptor::journey`] gives for the same query, so `analyse` and
//! `route --gtfs` agree.

use crate::transit::raptor::{Raptor, Workspace};
use crate::transit::walk::WalkLinks;
use crate::transit::{Secs, UNREACHED};

use serde::Serialize;

/// One origin–destination pair over the window: journey times from each
/// departure (leaving the origin at the departure time, so any wait at the
/// stop is included).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WindowTimes {
    /// The median journey, seconds (the lower middle of an even count);
    /// `None` when at least half the departures have no journey.
    pub median_s: Option<Secs>,
    /// The longest journey; `None` when some departure has no journey.
    pub worst_s: Option<Secs>,
    /// Departures with no journey at all.
    pub no_journey: u32,
    pub departures: u32,
}

impl WindowTimes {
    /// Summarise the journey times of each departure (`None`: none).
    pub fn of(times: &[Option<Secs>]) -> WindowTimes {
        let mut t: Vec<Secs> = times.iter().map(|t| t.unwrap_or(UNREACHED)).collect();
        t.sort_unstable();
        let real = |v: Secs| (v != UNREACHED).then_some(v);
        let n = t.len();
        WindowTimes {
            median_s: if n == 0 { None } else { real(t[(n - 1) / 2]) },
            worst_s: t.last().copied().and_then(real),
            no_journey: times.iter().filter(|t| t.is_none()).count() as u32,
            departures: n as u32,
        }
    }
}

/// Journey times from origin `o` to each of `dests` (destination indices
/// of `links`), over `departures`.
pub fn origin_times(
    raptor: &Raptor,
    links: &WalkLinks,
    o: usize,
    dests: &[u32],
    departures: &[Secs],
    max_rides: usize,
    ws: &mut Workspace,
) -> Vec<WindowTimes> {
    let mut per_dest: Vec<Vec<Option<Secs>>> =
        vec![Vec::with_capacity(departures.len()); dests.len()];
    let direct = &links.direct[o];
    for &t in departures {
        raptor.arrivals(&links.access[o], t, max_rides, ws);
        for (k, &d) in dests.iter().enumerate() {
            let walk = direct
                .binary_search_by_key(&d, |x| x.0)
                .ok()
                .map(|i| direct[i].1);
            let best = raptor.destination_arrival(t, &links.egress[d as usize], walk, ws);
            per_dest[k].push(best.map(|b| b - t));
        }
    }
    per_dest.iter().map(|v| WindowTimes::of(v)).collect()
}
