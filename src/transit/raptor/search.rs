//! One RAPTOR query: round 0 (the access walks), then one round per ride,
//! with the labels of every round kept so that [`super::journey`] can read
//! the journey back. Every stop has two labels per round: its *ride* label
//! (arrival by a ride of this round, or in round 0 by the access walk),
//! the only one a transfer walk or the egress walk may leave from, and its
//! *arrival* label (the earliest arrival with at most this many rides, a
//! transfer walk included), from which the next round boards.

use super::Raptor;
use super::patterns::{DROP_OFF, PICKUP};
use crate::transit::{Secs, UNREACHED};

/// Pattern not queued (in [`Workspace`]'s per-pattern start index).
const NONE: u32 = u32::MAX;

/// How a stop's arrival label of a round was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum How {
    /// Not improved in this round: the same as the round before.
    Earlier,
    /// By the stop's ride label of this round.
    Ride,
    /// By a transfer walk from the ride label of this stop, same round.
    Walk(u32),
}

/// Where a ride label came from.
#[derive(Clone, Copy, Debug)]
pub(super) enum RideFrom {
    None,
    /// Round 0: the access walk from the origin.
    Access,
    /// A ride on trip `trip` of `pattern` from pattern stop `board` to
    /// pattern stop `alight` (indices within the pattern).
    Trip {
        pattern: u32,
        trip: u32,
        board: u32,
        alight: u32,
    },
}

/// Buffers for queries: sized once for the timetable, reset after each
/// query by visiting only the stops that query touched. One per thread.
#[derive(Clone, Debug)]
pub struct Workspace {
    n: usize,
    /// Rounds the label arrays hold, and the last round the last query wrote.
    rounds: usize,
    used: usize,
    /// Per round and stop (`round * n + stop`): arrival label, how it was
    /// reached, ride label, what the ride label came from.
    arr: Vec<Secs>,
    how: Vec<How>,
    ride: Vec<Secs>,
    ride_from: Vec<RideFrom>,
    /// Per stop, over all rounds so far: best arrival and best ride label.
    best: Vec<Secs>,
    best_ride: Vec<Secs>,
    touched: Vec<u32>,
    is_touched: Vec<bool>,
    /// Stops whose arrival label improved in the current round.
    marked: Vec<u32>,
    is_marked: Vec<bool>,
    /// Stops whose ride label was set in the current round.
    ridden: Vec<u32>,
    is_ridden: Vec<bool>,
    /// Patterns to scan this round, and the first pattern stop to scan from.
    queue: Vec<u32>,
    from: Vec<u32>,
    /// Best arrival at the destination so far, and (round, stop, egress
    /// secs) of the ride label it came from (`None`: the direct walk).
    pub(super) target: Secs,
    pub(super) target_at: Option<(usize, u32, Secs)>,
}

impl Workspace {
    pub(super) fn new(n: usize, n_patterns: usize) -> Workspace {
        let rounds = super::MAX_RIDES + 1;
        Workspace {
            n,
            rounds,
            used: 0,
            arr: vec![UNREACHED; rounds * n],
            how: vec![How::Earlier; rounds * n],
            ride: vec![UNREACHED; rounds * n],
            ride_from: vec![RideFrom::None; rounds * n],
            best: vec![UNREACHED; n],
            best_ride: vec![UNREACHED; n],
            touched: Vec::with_capacity(n),
            is_touched: vec![false; n],
            marked: Vec::with_capacity(n),
            is_marked: vec![false; n],
            ridden: Vec::with_capacity(n),
            is_ridden: vec![false; n],
            queue: Vec::with_capacity(n_patterns),
            from: vec![NONE; n_patterns],
            target: UNREACHED,
            target_at: None,
        }
    }

    /// Earliest arrival at every stop of the last query.
    pub(super) fn best(&self) -> &[Secs] {
        &self.best
    }
    /// The earliest ride (or access) label of stop `s` in the last query.
    pub(super) fn best_ride(&self, s: u32) -> Option<Secs> {
        self.best_ride
            .get(s as usize)
            .copied()
            .filter(|&t| t != UNREACHED)
    }
    pub(super) fn arr(&self, k: usize, s: u32) -> Secs {
        self.arr[k * self.n + s as usize]
    }
    pub(super) fn how(&self, k: usize, s: u32) -> How {
        self.how[k * self.n + s as usize]
    }
    pub(super) fn ride(&self, k: usize, s: u32) -> Secs {
        self.ride[k * self.n + s as usize]
    }
    pub(super) fn ride_from(&self, k: usize, s: u32) -> RideFrom {
        self.ride_from[k * self.n + s as usize]
    }

    /// Clear what the last query wrote and make room for `max_rides` rounds
    /// (allocating only if a query asks for more rounds than ever before).
    fn reset(&mut self, max_rides: usize) {
        for &s in &self.touched {
            let s = s as usize;
            for k in 0..=self.used {
                let i = k * self.n + s;
                self.arr[i] = UNREACHED;
                self.how[i] = How::Earlier;
                self.ride[i] = UNREACHED;
                self.ride_from[i] = RideFrom::None;
            }
            self.best[s] = UNREACHED;
            self.best_ride[s] = UNREACHED;
            self.is_touched[s] = false;
        }
        self.touched.clear();
        for &s in &self.marked {
            self.is_marked[s as usize] = false;
        }
        self.marked.clear();
        self.used = 0;
        if max_rides + 1 > self.rounds {
            self.rounds = max_rides + 1;
            let len = self.rounds * self.n;
            self.arr.resize(len, UNREACHED);
            self.how.resize(len, How::Earlier);
            self.ride.resize(len, UNREACHED);
            self.ride_from.resize(len, RideFrom::None);
        }
    }

    fn touch(&mut self, s: u32) {
        if !self.is_touched[s as usize] {
            self.is_touched[s as usize] = true;
            self.touched.push(s);
        }
    }

    fn mark(&mut self, s: u32) {
        if !self.is_marked[s as usize] {
            self.is_marked[s as usize] = true;
            self.marked.push(s);
        }
    }

    /// Offer a ride label (round `k`, stop `s`, time `t`); kept only if it
    /// beats every earlier ride label of the stop and the destination.
    fn set_ride(&mut self, k: usize, s: u32, t: Secs, from: RideFrom) {
        let su = s as usize;
        if t >= self.best_ride[su] || t >= self.target {
            return;
        }
        let i = k * self.n + su;
        self.ride[i] = t;
        self.ride_from[i] = from;
        self.best_ride[su] = t;
        self.touch(s);
        if !self.is_ridden[su] {
            self.is_ridden[su] = true;
            self.ridden.push(s);
        }
        if t < self.best[su] {
            self.best[su] = t;
            self.arr[i] = t;
            self.how[i] = How::Ride;
            self.mark(s);
        }
    }

    /// Start round `k`: every reached stop's arrival label as in round `k - 1`.
    fn begin_round(&mut self, k: usize) {
        for &s in &self.touched {
            let i = k * self.n + s as usize;
            self.arr[i] = self.arr[i - self.n];
            self.how[i] = How::Earlier;
        }
        self.used = k;
    }
}

impl Raptor {
    /// The rounds of one query; results stay in `ws`.
    pub(super) fn run(
        &self,
        access: &[(u32, Secs)],
        depart: Secs,
        egress: &[(u32, Secs)],
        direct: Option<Secs>,
        max_rides: usize,
        ws: &mut Workspace,
    ) {
        ws.reset(max_rides);
        ws.target = direct.map_or(UNREACHED, |d| depart.saturating_add(d));
        ws.target_at = None;
        for &(s, w) in access {
            if (s as usize) < self.n_stops {
                ws.set_ride(0, s, depart.saturating_add(w), RideFrom::Access);
            }
        }
        self.relax(ws, 0);
        self.egress(ws, 0, egress);
        for k in 1..=max_rides {
            if ws.marked.is_empty() {
                break;
            }
            ws.begin_round(k);
            self.collect(ws);
            for qi in 0..ws.queue.len() {
                let p = ws.queue[qi];
                self.scan(ws, k, p);
            }
            self.relax(ws, k);
            self.egress(ws, k, egress);
        }
    }

    /// Egress walks from the ride labels of round `k` (in round 0 the
    /// access labels: a walk through a stop).
    fn egress(&self, ws: &mut Workspace, k: usize, egress: &[(u32, Secs)]) {
        for &(s, w) in egress {
            if (s as usize) < self.n_stops && ws.ride(k, s) != UNREACHED {
                let t = ws.ride(k, s).saturating_add(w);
                if t < ws.target {
                    ws.target = t;
                    ws.target_at = Some((k, s, w));
                }
            }
        }
    }

    /// Queue the patterns through the marked stops, each from its first
    /// marked stop, in pattern order; unmark the stops.
    fn collect(&self, ws: &mut Workspace) {
        ws.queue.clear();
        for mi in 0..ws.marked.len() {
            let s = ws.marked[mi] as usize;
            ws.is_marked[s] = false;
            let row = self.stop_start[s] as usize..self.stop_start[s + 1] as usize;
            for &(p, i) in &self.stop_patterns[row] {
                let f = &mut ws.from[p as usize];
                if *f == NONE {
                    ws.queue.push(p);
                    *f = i;
                } else {
                    *f = (*f).min(i);
                }
            }
        }
        ws.marked.clear();
        ws.queue.sort_unstable();
    }

    /// Scan pattern `p` in round `k`: ride the current trip, alighting where
    /// allowed, and switch to an earlier trip wherever round `k - 1`
    /// reached a stop in time to board one.
    fn scan(&self, ws: &mut Workspace, k: usize, p: u32) {
        let pat = self.patterns[p as usize];
        let first = std::mem::replace(&mut ws.from[p as usize], NONE) as usize;
        let mut trip: Option<usize> = None;
        let mut board = 0;
        for i in first..pat.n_stops {
            let s = self.pattern_stops[pat.stops + i];
            let flags = self.flags[pat.stops + i];
            let row = pat.times + i * pat.n_trips;
            if let Some(j) = trip
                && flags & DROP_OFF != 0
            {
                let from = RideFrom::Trip {
                    pattern: p,
                    trip: j as u32,
                    board: board as u32,
                    alight: i as u32,
                };
                ws.set_ride(k, s, self.arrivals[row + j], from);
            }
            let ready = ws.arr(k - 1, s);
            if flags & PICKUP == 0 || ready == UNREACHED {
                continue;
            }
            // Only a trip before the current one can be better.
            let end = match trip {
                Some(j) if ready <= self.departures[row + j] => j,
                Some(_) => continue,
                None => pat.n_trips,
            };
            let j = self.departures[row..row + end].partition_point(|&d| d < ready);
            if j < end {
                trip = Some(j);
                board = i;
            }
        }
    }

    /// Transfer walks from the stops a ride (or in round 0 the access walk)
    /// reached in round `k`.
    fn relax(&self, ws: &mut Workspace, k: usize) {
        for ri in 0..ws.ridden.len() {
            let s = ws.ridden[ri];
            ws.is_ridden[s as usize] = false;
            let t0 = ws.ride(k, s);
            for &(q, w) in self.transfers_of(s) {
                let t = t0.saturating_add(w);
                let qu = q as usize;
                if t < ws.best[qu] && t < ws.target {
                    ws.best[qu] = t;
                    let i = k * ws.n + qu;
                    ws.arr[i] = t;
                    ws.how[i] = How::Walk(s);
                    ws.touch(q);
                    ws.mark(q);
                }
            }
        }
        ws.ridden.clear();
    }
}
