//! Trips grouped into patterns for RAPTOR: the same stops with the same
//! pickup and drop-off flags, split where a trip overtakes another (a
//! faster bus leaving later but arriving sooner), so every pattern's trips
//! are in the same order at every stop (FIFO) and binary search on one
//! stop's departures finds the earliest catchable trip.

use super::Raptor;
use crate::transit::{Secs, Timetable, Trip};
use std::collections::HashMap;

/// Flag bit: passengers may board at this pattern stop.
pub const PICKUP: u8 = 1;
/// Flag bit: passengers may alight at this pattern stop.
pub const DROP_OFF: u8 = 2;

/// One pattern: offsets into the [`Raptor`] arrays.
#[derive(Clone, Copy, Debug)]
pub struct Pattern {
    /// First stop in `pattern_stops` and `flags`.
    pub stops: usize,
    pub n_stops: usize,
    /// First trip in `trip_ids`.
    pub trips: usize,
    pub n_trips: usize,
    /// First time in `departures` and `arrivals`.
    pub times: usize,
}

/// What makes trips one pattern: (stop, flags) of every call.
type Key = Vec<(u32, u8)>;

fn key(trip: &Trip) -> Key {
    trip.calls
        .iter()
        .map(|c| {
            let flags = if c.pickup { PICKUP } else { 0 } | if c.drop_off { DROP_OFF } else { 0 };
            (c.stop, flags)
        })
        .collect()
}

/// Does trip `b` never run ahead of trip `a` (every arrival and departure
/// no earlier)?
fn not_ahead(a: &Trip, b: &Trip) -> bool {
    a.calls
        .iter()
        .zip(&b.calls)
        .all(|(x, y)| y.arrival >= x.arrival && y.departure >= x.departure)
}

/// Split one group of trips with the same stops into FIFO groups: trips in
/// order of their times, each into the first group whose last trip it does
/// not overtake.
fn fifo_groups(tt: &Timetable, mut trips: Vec<u32>) -> Vec<Vec<u32>> {
    let times = |t: u32| -> Vec<(Secs, Secs)> {
        tt.trips[t as usize]
            .calls
            .iter()
            .map(|c| (c.departure, c.arrival))
            .collect()
    };
    trips.sort_by_cached_key(|&t| (times(t), t));
    let mut groups: Vec<Vec<u32>> = Vec::new();
    for t in trips {
        let trip = &tt.trips[t as usize];
        let fits = groups.iter_mut().find(|g| {
            let last = &tt.trips[*g.last().unwrap_or(&t) as usize];
            not_ahead(last, trip)
        });
        match fits {
            Some(g) => g.push(t),
            None => groups.push(vec![t]),
        }
    }
    groups
}

/// Group the trips of `tt` into FIFO patterns and lay them out (the
/// transfer fields are left empty for [`Raptor::new`]). Patterns are numbered
/// in order of their first trip, so the layout does not depend on hashing.
pub fn build(tt: &Timetable) -> Raptor {
    let mut index: HashMap<Key, usize> = HashMap::new();
    let mut groups: Vec<(Key, Vec<u32>)> = Vec::new();
    let n = tt.stops.len();
    for (t, trip) in tt.trips.iter().enumerate() {
        // The loader never makes these; skipped rather than trusted.
        if trip.calls.len() < 2 || trip.calls.iter().any(|c| c.stop as usize >= n) {
            continue;
        }
        let k = key(trip);
        let g = *index.entry(k.clone()).or_insert_with(|| {
            groups.push((k, Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(t as u32);
    }
    let mut r = Raptor {
        n_stops: tt.stops.len(),
        patterns: Vec::new(),
        pattern_stops: Vec::new(),
        flags: Vec::new(),
        departures: Vec::new(),
        arrivals: Vec::new(),
        trip_ids: Vec::new(),
        trip_routes: Vec::new(),
        stop_start: Vec::new(),
        stop_patterns: Vec::new(),
        transfer_start: Vec::new(),
        transfers: Vec::new(),
        ignored_transfers: 0,
    };
    for (k, trips) in groups {
        for fifo in fifo_groups(tt, trips) {
            push_pattern(&mut r, tt, &k, &fifo);
        }
    }
    index_stops(&mut r);
    r
}

fn push_pattern(r: &mut Raptor, tt: &Timetable, key: &[(u32, u8)], trips: &[u32]) {
    let p = Pattern {
        stops: r.pattern_stops.len(),
        n_stops: key.len(),
        trips: r.trip_ids.len(),
        n_trips: trips.len(),
        times: r.departures.len(),
    };
    r.pattern_stops.extend(key.iter().map(|&(s, _)| s));
    r.flags.extend(key.iter().map(|&(_, f)| f));
    for i in 0..key.len() {
        for &t in trips {
            let c = &tt.trips[t as usize].calls[i];
            r.departures.push(c.departure);
            r.arrivals.push(c.arrival);
        }
    }
    r.trip_ids.extend_from_slice(trips);
    r.trip_routes
        .extend(trips.iter().map(|&t| tt.trips[t as usize].route));
    r.patterns.push(p);
}

/// The stop → (pattern, index in pattern) rows.
fn index_stops(r: &mut Raptor) {
    let mut rows: Vec<Vec<(u32, u32)>> = vec![Vec::new(); r.n_stops];
    for (pi, p) in r.patterns.iter().enumerate() {
        for i in 0..p.n_stops {
            let s = r.pattern_stops[p.stops + i] as usize;
            if let Some(row) = rows.get_mut(s) {
                row.push((pi as u32, i as u32));
            }
        }
    }
    r.stop_start = Vec::with_capacity(r.n_stops + 1);
    r.stop_start.push(0);
    for row in rows {
        r.stop_patterns.extend(row);
        r.stop_start.push(r.stop_patterns.len() as u32);
    }
}
