//! The reference for RAPTOR's tests: a plain Dijkstra over the
//! time-expanded graph of the timetable, under the same walking rules as
//! RAPTOR (one transfer walk after the access walk and after each ride) and
//! with no limit on rides. Slow (a graph of every event, a heap per query);
//! kept simple so that it is obviously right.
//!
//! Nodes are events with fixed times: at each stop, one *wait* node per
//! departure a passenger may board there (chained in time order by waiting
//! arcs); per trip call, an *arrive* node and a *depart* node. Arcs: wait →
//! depart (boarding, where pickup is allowed), depart(i) → arrive(i + 1)
//! (riding), arrive(i) → depart(i) (staying on), and from an arrive node
//! where drop-off is allowed (alighting) to the first wait node at the same
//! stop, and through each transfer walk to the first wait node at that stop
//! that the walker can catch. Every arc costs the time between its events.

use crate::transit::{Secs, Timetable, UNREACHED};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The time-expanded graph of one timetable with its transfers.
pub struct Reference<'a> {
    tt: &'a Timetable,
    transfers: &'a [Vec<(u32, Secs)>],
    /// Wait nodes of stop `s`: `waits[s]` = (time, node), sorted.
    waits: Vec<Vec<(Secs, usize)>>,
    /// First arrive node of each trip (depart node = arrive node + 1; call
    /// `i` of trip `t` at `call_node[t] + 2 * i`).
    call_node: Vec<usize>,
    time: Vec<Secs>,
    arcs: Vec<Vec<usize>>,
}

/// Earliest arrivals from the reference: at every stop (`best`), and by a
/// ride or the access walk only (`ride`, where an egress walk may leave).
pub struct Answer {
    pub best: Vec<Secs>,
    pub ride: Vec<Secs>,
}

impl<'a> Reference<'a> {
    /// Build the graph. Calls and transfers naming unknown stops are left out.
    pub fn new(tt: &'a Timetable, transfers: &'a [Vec<(u32, Secs)>]) -> Self {
        let mut r = Reference {
            tt,
            transfers,
            waits: vec![Vec::new(); tt.stops.len()],
            call_node: Vec::new(),
            time: Vec::new(),
            arcs: Vec::new(),
        };
        for trip in &tt.trips {
            r.call_node.push(r.time.len());
            for c in &trip.calls {
                r.time.extend([c.arrival, c.departure]);
            }
        }
        r.arcs = vec![Vec::new(); r.time.len()];
        for (t, trip) in tt.trips.iter().enumerate() {
            let base = r.call_node[t];
            for (i, c) in trip.calls.iter().enumerate() {
                if i + 1 < trip.calls.len() {
                    r.arcs[base + 2 * i].push(base + 2 * i + 1);
                    r.arcs[base + 2 * i + 1].push(base + 2 * i + 2);
                    if c.pickup
                        && let Some(w) = r.waits.get_mut(c.stop as usize)
                    {
                        r.time.push(c.departure);
                        r.arcs.push(vec![base + 2 * i + 1]);
                        w.push((c.departure, r.time.len() - 1));
                    }
                }
            }
        }
        for w in &mut r.waits {
            w.sort_unstable();
            for pair in w.windows(2) {
                r.arcs[pair[0].1].push(pair[1].1);
            }
        }
        r
    }

    /// The first wait node at `s` at or after `t`.
    fn wait_at(&self, s: u32, t: Secs) -> Option<usize> {
        let w = self.waits.get(s as usize)?;
        w.get(w.partition_point(|&(d, _)| d < t)).map(|&(_, n)| n)
    }

    /// Being at stop `s` at `t` (alighted or walked from the origin): wait
    /// there or walk once. Seeds the heap and records the arrivals.
    fn arrive(&self, s: u32, t: Secs, ans: &mut Answer, heap: &mut Vec<(Secs, usize)>) {
        let (Some(ride), Some(best)) = (ans.ride.get_mut(s as usize), ans.best.get_mut(s as usize))
        else {
            return;
        };
        *ride = (*ride).min(t);
        *best = (*best).min(t);
        heap.extend(self.wait_at(s, t).map(|n| (self.time[n], n)));
        for &(q, w) in self.transfers.get(s as usize).map_or(&[][..], |v| v) {
            let tq = t.saturating_add(w);
            if let Some(b) = ans.best.get_mut(q as usize) {
                *b = (*b).min(tq);
                heap.extend(self.wait_at(q, tq).map(|n| (self.time[n], n)));
            }
        }
    }

    /// Earliest arrivals leaving at `depart` with `access` walks
    /// (unknown stops skipped).
    pub fn query(&self, access: &[(u32, Secs)], depart: Secs) -> Answer {
        let n = self.tt.stops.len();
        let mut ans = Answer {
            best: vec![UNREACHED; n],
            ride: vec![UNREACHED; n],
        };
        let mut seeds = Vec::new();
        for &(s, w) in access {
            self.arrive(s, depart.saturating_add(w), &mut ans, &mut seeds);
        }
        let mut dist = vec![UNREACHED; self.time.len()];
        let mut heap: BinaryHeap<Reverse<(Secs, usize)>> = BinaryHeap::new();
        for (d, v) in seeds {
            if d < dist[v] {
                dist[v] = d;
                heap.push(Reverse((d, v)));
            }
        }
        // Arrive node → (stop, drop-off allowed), for alighting.
        let mut alight = vec![None; self.time.len()];
        for (t, trip) in self.tt.trips.iter().enumerate() {
            for (i, c) in trip.calls.iter().enumerate() {
                alight[self.call_node[t] + 2 * i] = c.drop_off.then_some(c.stop);
            }
        }
        while let Some(Reverse((d, v))) = heap.pop() {
            if d > dist[v] {
                continue;
            }
            let mut next: Vec<(Secs, usize)> = self.arcs[v]
                .iter()
                .map(|&u| {
                    (
                        d.saturating_add(self.time[u].saturating_sub(self.time[v])),
                        u,
                    )
                })
                .collect();
            if let Some(s) = alight[v] {
                self.arrive(s, d, &mut ans, &mut next);
            }
            for (du, u) in next {
                if du < dist[u] {
                    dist[u] = du;
                    heap.push(Reverse((du, u)));
                }
            }
        }
        ans
    }
}
