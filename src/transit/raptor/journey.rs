//! The earliest journey to one destination, read back from the labels a
//! query left in its [`Workspace`]: from the egress stop's ride label back
//! through the rides and transfer walks to the access walk.

use super::search::{How, RideFrom};
use super::{Journey, Leg, Place, Raptor, Workspace};
use crate::transit::Secs;

impl Raptor {
    /// The earliest journey to a destination reached from stops by `egress`
    /// walks (stop, secs), or by walking all the way in `direct` secs (used
    /// only when it arrives no later). `None`: no journey within
    /// `max_rides` rides and no direct walk. Among journeys arriving at the
    /// same time, the one with the fewest rides.
    pub fn journey(
        &self,
        access: &[(u32, Secs)],
        depart: Secs,
        egress: &[(u32, Secs)],
        direct: Option<Secs>,
        max_rides: usize,
        ws: &mut Workspace,
    ) -> Option<Journey> {
        self.run(access, depart, egress, direct, max_rides, ws);
        let Some((k, s, w)) = ws.target_at else {
            let arrive = depart.saturating_add(direct?);
            let walk = Leg::Walk {
                from: Place::Origin,
                to: Place::Destination,
                depart,
                arrive,
            };
            return Some(Journey {
                depart,
                arrive,
                legs: vec![walk],
            });
        };
        let alight = ws.ride(k, s);
        let mut legs = vec![Leg::Walk {
            from: Place::Stop(s),
            to: Place::Destination,
            depart: alight,
            arrive: alight.saturating_add(w),
        }];
        self.legs_back(ws, k, s, depart, &mut legs)?;
        legs.reverse();
        Some(Journey {
            depart,
            arrive: ws.target,
            legs,
        })
    }

    /// After [`Raptor::arrivals`] from an origin, the earliest arrival at one
    /// destination reached by `egress` walks or the `direct` walk, as
    /// [`Raptor::journey`] would give it with the same query (`None`: no
    /// journey). One `arrivals` query then serves many destinations.
    pub fn destination_arrival(
        &self,
        depart: Secs,
        egress: &[(u32, Secs)],
        direct: Option<Secs>,
        ws: &Workspace,
    ) -> Option<Secs> {
        let by_stop = egress.iter().filter_map(|&(s, w)| {
            let t = ws.best_ride(s)?;
            Some(t.saturating_add(w))
        });
        by_stop
            .chain(direct.map(|d| depart.saturating_add(d)))
            .min()
    }

    /// Push, last first, the legs that reach the ride label of stop `s` in
    /// round `k`. `None` only if the labels were inconsistent (a bug).
    fn legs_back(
        &self,
        ws: &Workspace,
        mut k: usize,
        mut s: u32,
        depart: Secs,
        legs: &mut Vec<Leg>,
    ) -> Option<()> {
        loop {
            let RideFrom::Trip {
                pattern,
                trip,
                board,
                alight,
            } = ws.ride_from(k, s)
            else {
                legs.push(Leg::Walk {
                    from: Place::Origin,
                    to: Place::Stop(s),
                    depart,
                    arrive: ws.ride(k, s),
                });
                return Some(());
            };
            let pat = self.patterns[pattern as usize];
            let (trip, board, alight) = (trip as usize, board as usize, alight as usize);
            let b = self.pattern_stops[pat.stops + board];
            legs.push(Leg::Ride {
                trip: self.trip_ids[pat.trips + trip],
                route: self.trip_routes[pat.trips + trip],
                board: b,
                alight: s,
                depart: self.departures[pat.times + board * pat.n_trips + trip],
                arrive: self.arrivals[pat.times + alight * pat.n_trips + trip],
            });
            // The round in which the boarding stop got the label boarded from.
            k = (0..k).rev().find(|&r| ws.how(r, b) != How::Earlier)?;
            s = match ws.how(k, b) {
                How::Walk(p) => {
                    legs.push(Leg::Walk {
                        from: Place::Stop(p),
                        to: Place::Stop(b),
                        depart: ws.ride(k, p),
                        arrive: ws.arr(k, b),
                    });
                    p
                }
                _ => b,
            };
        }
    }
}
