//! Earliest-arrival journeys over one day's [`Timetable`] with RAPTOR
//! (Delling, Pajor and Werneck, "Round-Based Public Transit Routing", 2012).
//!
//! Trips with the same stops (and the same pickup and drop-off flags at
//! each) form a *pattern*; a pattern is split where one trip overtakes
//! another, so the trips of every pattern keep their order at every stop
//! and the earliest catchable trip is found by binary search on the
//! departures ([`patterns`]). A query runs in rounds ([`search`]): round
//! `k` knows the earliest arrival at every stop with at most `k` rides; it
//! scans only the patterns through stops improved in round `k - 1`, then
//! relaxes the walking transfers from the stops a ride improved.
//!
//! Walking rules (the reference checks use the same ones):
//! - the first walk (`access`) leaves the origin at the departure time;
//! - after the access walk and after every ride, at most one transfer walk
//!   (from the caller's per-stop lists, taken as given: walks are not
//!   chained, so the lists should already hold every stop worth walking to);
//! - changing buses at the same stop needs no buffer: a bus arriving at
//!   10:00 connects with one leaving at 10:00;
//! - the last walk (`egress`) leaves the stop where the last ride ends (or,
//!   without a ride, where the access walk ends: a walk through a stop,
//!   which a `direct` walk along the same streets usually beats).
//!
//! [`Raptor::journey`] answers one destination with its legs;
//! [`Raptor::arrivals`] then [`Raptor::destination_arrival`] answer many
//! destinations from one query (arrival times only).
//!
//! Among journeys arriving at the same time the one with fewer rides wins;
//! the direct walk wins a tie with any ride.
//!
//! Checked against [`reference`] (a plain Dijkstra over the time-expanded
//! graph, kept for tests) on random timetables and the Isle of Wight feed,
//! and against `scripts/pt_reference.py` (a connection scan in Python that
//! parses the GTFS itself) on the Isle of Wight and Chester feeds: see
//! `docs/public-transport.md`.

mod journey;
mod patterns;
mod search;

pub mod check;
pub mod reference;

#[cfg(test)]
mod tests;

pub use search::Workspace;

use super::{Secs, Timetable};

/// Default limit on rides per journey (so seven changes): more than any
/// sensible journey to a GP practice, and it bounds the rounds.
pub const MAX_RIDES: usize = 8;

/// The timetable in RAPTOR's layout, with the walking transfers; built once,
/// queried from many threads (each with its own [`Workspace`]).
#[derive(Clone, Debug)]
pub struct Raptor {
    n_stops: usize,
    patterns: Vec<patterns::Pattern>,
    /// The stops of every pattern, pattern after pattern.
    pattern_stops: Vec<u32>,
    /// Per pattern stop: [`patterns::PICKUP`] and [`patterns::DROP_OFF`] bits.
    flags: Vec<u8>,
    /// Departure and arrival times of every pattern, stop-major (stop `i`,
    /// trip `j` of pattern `p` at `p.times + i * p.n_trips + j`), so the
    /// departures of one stop are contiguous and sorted.
    departures: Vec<Secs>,
    arrivals: Vec<Secs>,
    /// The [`Timetable::trips`] index of every pattern trip, pattern after
    /// pattern, and its route.
    trip_ids: Vec<u32>,
    trip_routes: Vec<u32>,
    /// Patterns through each stop with the stop's index in the pattern
    /// (compressed rows: stop `s` at `stop_patterns[stop_start[s]..stop_start[s + 1]]`).
    stop_start: Vec<u32>,
    stop_patterns: Vec<(u32, u32)>,
    /// Walking transfers in compressed rows, as given, sorted by stop.
    transfer_start: Vec<u32>,
    transfers: Vec<(u32, Secs)>,
    ignored_transfers: usize,
}

/// The earliest journey from an origin to a destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Journey {
    /// When the traveller leaves the origin (the query's departure time).
    pub depart: Secs,
    /// Earliest arrival at the destination.
    pub arrive: Secs,
    /// Walks and rides in order; waiting at a stop is the gap between one
    /// leg's `arrive` and the next leg's `depart`.
    pub legs: Vec<Leg>,
}

/// One leg of a [`Journey`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Leg {
    /// A walk, leaving as soon as the traveller is there.
    Walk {
        from: Place,
        to: Place,
        depart: Secs,
        arrive: Secs,
    },
    /// A ride on `trip` ([`Timetable::trips`] index) of `route`, boarding
    /// at stop `board` and alighting at stop `alight`.
    Ride {
        trip: u32,
        route: u32,
        board: u32,
        alight: u32,
        depart: Secs,
        arrive: Secs,
    },
}

/// Where a walk starts or ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Origin,
    /// A [`Timetable::stops`] index.
    Stop(u32),
    Destination,
}

impl Raptor {
    /// Lay out `tt` for RAPTOR. `transfers[stop]` lists (other stop, walk
    /// seconds); an empty slice means no transfers, a shorter one none for
    /// the stops beyond it. Transfers to a stop not in the timetable are
    /// left out and counted ([`Raptor::ignored_transfers`]).
    pub fn new(tt: &Timetable, transfers: &[Vec<(u32, Secs)>]) -> Raptor {
        let n_stops = tt.stops.len();
        let mut r = patterns::build(tt);
        r.n_stops = n_stops;
        r.transfer_start = Vec::with_capacity(n_stops + 1);
        r.transfer_start.push(0);
        for s in 0..n_stops {
            let mut row: Vec<(u32, Secs)> = transfers.get(s).cloned().unwrap_or_default();
            let before = row.len();
            row.retain(|&(q, _)| (q as usize) < n_stops);
            r.ignored_transfers += before - row.len();
            row.sort_unstable();
            r.transfers.extend(row);
            r.transfer_start.push(r.transfers.len() as u32);
        }
        r.ignored_transfers += transfers.iter().skip(n_stops).map(Vec::len).sum::<usize>();
        r
    }

    /// Transfers left out by [`Raptor::new`] (to or from unknown stops).
    pub fn ignored_transfers(&self) -> usize {
        self.ignored_transfers
    }

    /// Number of patterns (routes of identical stop sequences, split where
    /// trips overtake).
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// Reusable buffers for queries, one per thread.
    pub fn workspace(&self) -> Workspace {
        Workspace::new(self.n_stops, self.patterns.len())
    }

    /// Earliest arrival at every stop ([`super::UNREACHED`] if none within
    /// `max_rides`), leaving the origin at `depart` and walking `access` =
    /// (stop, secs) to the first stops. Unknown stops in `access` are skipped.
    pub fn arrivals<'w>(
        &self,
        access: &[(u32, Secs)],
        depart: Secs,
        max_rides: usize,
        ws: &'w mut Workspace,
    ) -> &'w [Secs] {
        self.run(access, depart, &[], None, max_rides, ws);
        ws.best()
    }

    fn transfers_of(&self, s: u32) -> &[(u32, Secs)] {
        let s = s as usize;
        &self.transfers[self.transfer_start[s] as usize..self.transfer_start[s + 1] as usize]
    }
}
