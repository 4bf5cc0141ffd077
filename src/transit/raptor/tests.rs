//! RAPTOR on hand-made timetables (answers worked out by hand in the
//! comments) and on seeded random ones against the time-expanded Dijkstra
//! of [`super::reference`].

use super::reference::Reference;
use super::*;
use crate::rng::SplitMix64;
use crate::transit::{Call, Route, Stop, Trip, UNREACHED};

/// `h:mm` as seconds of the day.
fn hm(h: u32, m: u32) -> Secs {
    h * 3600 + m * 60
}

/// A call that allows boarding and alighting.
fn call(stop: u32, arrival: Secs, departure: Secs) -> Call {
    Call {
        stop,
        arrival,
        departure,
        pickup: true,
        drop_off: true,
    }
}

/// Calls at `stops` at the given times (arrival = departure).
fn calls(stops: &[u32], times: &[Secs]) -> Vec<Call> {
    stops
        .iter()
        .zip(times)
        .map(|(&s, &t)| call(s, t, t))
        .collect()
}

/// A timetable of `n` stops 1 km apart on a line and the given (route, calls).
fn timetable(n: usize, trips: Vec<(u32, Vec<Call>)>) -> Timetable {
    let routes = trips.iter().map(|t| t.0 + 1).max().unwrap_or(0);
    Timetable {
        date: "2026-12-07".into(),
        stops: (0..n)
            .map(|i| Stop {
                id: format!("S{i}"),
                code: String::new(),
                name: format!("Stop {i}"),
                lon_lat: [-1.0, 52.0],
                bng: [400_000.0 + 1000.0 * i as f64, 300_000.0],
                feed: 0,
            })
            .collect(),
        routes: (0..routes)
            .map(|r| Route {
                id: format!("R{r}"),
                agency: "A".into(),
                short_name: format!("{r}"),
                long_name: String::new(),
                route_type: 3,
                feed: 0,
            })
            .collect(),
        trips: trips
            .into_iter()
            .enumerate()
            .map(|(i, (route, calls))| Trip {
                id: format!("T{i}"),
                route,
                calls,
            })
            .collect(),
    }
}

fn ride(trip: u32, route: u32, board: u32, alight: u32, depart: Secs, arrive: Secs) -> Leg {
    Leg::Ride {
        trip,
        route,
        board,
        alight,
        depart,
        arrive,
    }
}

fn walk(from: Place, to: Place, depart: Secs, arrive: Secs) -> Leg {
    Leg::Walk {
        from,
        to,
        depart,
        arrive,
    }
}

/// Two routes meeting at stop 2, a third reached by a walk from stop 1:
/// - T0 (route 0): 0 at 8:00, 1 at 8:10, 2 at 8:20;
/// - T1 (route 1): 2 at 8:20, 3 at 8:40; T2 (route 1): 2 at 8:50, 3 at 9:10;
/// - T3 (route 2): 4 at 8:15, 5 at 8:30; T4 (route 2): 4 at 8:25, 5 at 8:45;
/// - transfer 1 → 4: 5 minutes (300 s).
fn two_routes() -> (Timetable, Vec<Vec<(u32, Secs)>>) {
    let tt = timetable(
        6,
        vec![
            (0, calls(&[0, 1, 2], &[hm(8, 0), hm(8, 10), hm(8, 20)])),
            (1, calls(&[2, 3], &[hm(8, 20), hm(8, 40)])),
            (1, calls(&[2, 3], &[hm(8, 50), hm(9, 10)])),
            (2, calls(&[4, 5], &[hm(8, 15), hm(8, 30)])),
            (2, calls(&[4, 5], &[hm(8, 25), hm(8, 45)])),
        ],
    );
    let mut transfers = vec![Vec::new(); 6];
    transfers[1].push((4, 300));
    (tt, transfers)
}

#[test]
fn same_stop_transfer_needs_no_buffer() {
    // Walk 1 minute to stop 0 (7:54 → 7:55), T0 8:00 → stop 2 at 8:20, and
    // T1 leaves stop 2 at 8:20: caught (no buffer), at stop 3 at 8:40.
    // Egress 2 minutes: at the destination 8:42.
    let (tt, transfers) = two_routes();
    let r = Raptor::new(&tt, &transfers);
    let mut ws = r.workspace();
    let j = r
        .journey(&[(0, 60)], hm(7, 54), &[(3, 120)], None, MAX_RIDES, &mut ws)
        .unwrap();
    let expected = vec![
        walk(Place::Origin, Place::Stop(0), hm(7, 54), hm(7, 55)),
        ride(0, 0, 0, 2, hm(8, 0), hm(8, 20)),
        ride(1, 1, 2, 3, hm(8, 20), hm(8, 40)),
        walk(Place::Stop(3), Place::Destination, hm(8, 40), hm(8, 42)),
    ];
    assert_eq!(j.legs, expected);
    assert_eq!((j.depart, j.arrive), (hm(7, 54), hm(8, 42)));
    // With one ride only, stop 3 is out of reach.
    let a = r.arrivals(&[(0, 60)], hm(7, 54), 1, &mut ws);
    assert_eq!(a[3], UNREACHED);
    assert_eq!(a[2], hm(8, 20));
}

#[test]
fn walking_transfer_between_routes() {
    // T0 to stop 1 at 8:10, walk 5 minutes to stop 4 (8:15), T3 leaves 4 at
    // 8:15: at stop 5 at 8:30. Stop 4 itself is reached at 8:15 by the walk.
    let (tt, transfers) = two_routes();
    let r = Raptor::new(&tt, &transfers);
    let mut ws = r.workspace();
    let a = r
        .arrivals(&[(0, 0)], hm(7, 55), MAX_RIDES, &mut ws)
        .to_vec();
    let expected = [
        hm(7, 55),
        hm(8, 10),
        hm(8, 20),
        hm(8, 40),
        hm(8, 15),
        hm(8, 30),
    ];
    assert_eq!(a, expected);
    let j = r
        .journey(&[(0, 0)], hm(7, 55), &[(5, 0)], None, MAX_RIDES, &mut ws)
        .unwrap();
    let expected = vec![
        walk(Place::Origin, Place::Stop(0), hm(7, 55), hm(7, 55)),
        ride(0, 0, 0, 1, hm(8, 0), hm(8, 10)),
        walk(Place::Stop(1), Place::Stop(4), hm(8, 10), hm(8, 15)),
        ride(3, 2, 4, 5, hm(8, 15), hm(8, 30)),
        walk(Place::Stop(5), Place::Destination, hm(8, 30), hm(8, 30)),
    ];
    assert_eq!(j.legs, expected);
    // Without the transfer, stop 5 cannot be reached at all.
    let r = Raptor::new(&tt, &[]);
    assert_eq!(
        r.arrivals(&[(0, 0)], hm(7, 55), MAX_RIDES, &mut r.workspace())[5],
        UNREACHED
    );
}

#[test]
fn frequent_route_boards_the_next_bus() {
    // Buses 0 → 1 every 10 minutes from 6:00 to 9:00, 15 minutes' ride.
    // Leaving at 7:31: the 7:40 bus, at stop 1 at 7:55. At 7:40 exactly: the
    // same bus. At 9:01: none left.
    let trips = (0..19)
        .map(|i| {
            (
                0,
                calls(&[0, 1], &[hm(6, 0) + 600 * i, hm(6, 15) + 600 * i]),
            )
        })
        .collect();
    let tt = timetable(2, trips);
    let r = Raptor::new(&tt, &[]);
    assert_eq!(r.pattern_count(), 1);
    let mut ws = r.workspace();
    for (depart, at_1) in [
        (hm(7, 31), hm(7, 55)),
        (hm(7, 40), hm(7, 55)),
        (hm(9, 1), UNREACHED),
    ] {
        assert_eq!(r.arrivals(&[(0, 0)], depart, MAX_RIDES, &mut ws)[1], at_1);
    }
    let j = r
        .journey(&[(0, 0)], hm(7, 31), &[(1, 0)], None, MAX_RIDES, &mut ws)
        .unwrap();
    // 7:40 is the 11th bus (6:00 + 10 × 10 minutes): trip index 10.
    assert_eq!(j.legs[1], ride(10, 0, 0, 1, hm(7, 40), hm(7, 55)));
}

#[test]
fn trip_past_midnight() {
    // T0 (the day before, shifted back 24 h): 0 at 0:10, 1 at 0:30.
    // T1: 0 at 23:50, 1 at 24:20 (87,600 s). Leaving 0:05 → 0:30;
    // leaving 23:45 → 87,600, past the end of the day.
    let tt = timetable(
        2,
        vec![
            (0, calls(&[0, 1], &[hm(0, 10), hm(0, 30)])),
            (0, calls(&[0, 1], &[hm(23, 50), hm(24, 20)])),
        ],
    );
    let r = Raptor::new(&tt, &[]);
    let mut ws = r.workspace();
    assert_eq!(
        r.arrivals(&[(0, 0)], hm(0, 5), MAX_RIDES, &mut ws)[1],
        hm(0, 30)
    );
    assert_eq!(
        r.arrivals(&[(0, 0)], hm(23, 45), MAX_RIDES, &mut ws)[1],
        87_600
    );
    assert_eq!(
        r.arrivals(&[(0, 0)], hm(23, 51), MAX_RIDES, &mut ws)[1],
        UNREACHED
    );
}

#[test]
fn pickup_and_drop_off_forbidden() {
    // T0: 0 at 8:00, 1 at 8:10 (no drop-off), 2 at 8:20 (no pickup),
    // 3 at 8:30. From 0: stop 1 not reached (cannot alight), 2 and 3 are.
    // From 1 (boarding allowed): 2 and 3. From 2 nothing (cannot board).
    let mut c = calls(&[0, 1, 2, 3], &[hm(8, 0), hm(8, 10), hm(8, 20), hm(8, 30)]);
    c[1].drop_off = false;
    c[2].pickup = false;
    let tt = timetable(4, vec![(0, c)]);
    let r = Raptor::new(&tt, &[]);
    let mut ws = r.workspace();
    let a = r.arrivals(&[(0, 0)], hm(7, 0), MAX_RIDES, &mut ws).to_vec();
    assert_eq!(a, [hm(7, 0), UNREACHED, hm(8, 20), hm(8, 30)]);
    let a = r.arrivals(&[(1, 0)], hm(7, 0), MAX_RIDES, &mut ws).to_vec();
    assert_eq!(a, [UNREACHED, hm(7, 0), hm(8, 20), hm(8, 30)]);
    let a = r.arrivals(&[(2, 0)], hm(7, 0), MAX_RIDES, &mut ws).to_vec();
    assert_eq!(a, [UNREACHED, UNREACHED, hm(7, 0), UNREACHED]);
}

#[test]
fn overtaking_trip_gets_its_own_pattern() {
    // Slow T0: 0 at 8:00, 1 at 8:30, 2 at 9:00. Fast T1 leaves later and
    // overtakes: 0 at 8:10, 1 at 8:20, 2 at 8:30. One pattern would board
    // the first bus (T0) and say 9:00; split, stop 2 is reached at 8:30 and
    // stop 1 at 8:20.
    let tt = timetable(
        3,
        vec![
            (0, calls(&[0, 1, 2], &[hm(8, 0), hm(8, 30), hm(9, 0)])),
            (0, calls(&[0, 1, 2], &[hm(8, 10), hm(8, 20), hm(8, 30)])),
        ],
    );
    let r = Raptor::new(&tt, &[]);
    assert_eq!(r.pattern_count(), 2);
    let a = r
        .arrivals(&[(0, 0)], hm(7, 55), MAX_RIDES, &mut r.workspace())
        .to_vec();
    assert_eq!(a, [hm(7, 55), hm(8, 20), hm(8, 30)]);
}

#[test]
fn direct_walk_when_no_later() {
    // Bus 0 → 1: 8:30 → 8:40. Access and egress 1 minute each, leaving
    // 8:00: by bus at the destination 8:41. Walking 30 minutes (8:30) wins;
    // walking 41 minutes ties and still wins; 42 minutes loses to the bus.
    let tt = timetable(2, vec![(0, calls(&[0, 1], &[hm(8, 30), hm(8, 40)]))]);
    let r = Raptor::new(&tt, &[]);
    let mut ws = r.workspace();
    let go = |direct: Option<Secs>, ws: &mut Workspace| {
        r.journey(&[(0, 60)], hm(8, 0), &[(1, 60)], direct, MAX_RIDES, ws)
    };
    for direct in [1800, 2460] {
        let j = go(Some(direct), &mut ws).unwrap();
        let arrive = hm(8, 0) + direct;
        assert_eq!(j.arrive, arrive);
        assert_eq!(
            j.legs,
            [walk(Place::Origin, Place::Destination, hm(8, 0), arrive)]
        );
    }
    let j = go(Some(2520), &mut ws).unwrap();
    assert_eq!((j.arrive, j.legs.len()), (hm(8, 41), 3));
    // No bus after 8:30 and no direct walk: no journey.
    assert_eq!(
        r.journey(&[(0, 60)], hm(8, 30), &[(1, 60)], None, MAX_RIDES, &mut ws),
        None
    );
}

#[test]
fn equal_arrival_prefers_fewer_rides() {
    // T0: 0 at 8:00 → 2 at 9:00 (one ride). T1: 0 at 8:00 → 1 at 8:20 and
    // T2: 1 at 8:30 → 2 at 9:00 (two rides, same arrival). One ride wins.
    let tt = timetable(
        3,
        vec![
            (0, calls(&[0, 2], &[hm(8, 0), hm(9, 0)])),
            (1, calls(&[0, 1], &[hm(8, 0), hm(8, 20)])),
            (2, calls(&[1, 2], &[hm(8, 30), hm(9, 0)])),
        ],
    );
    let r = Raptor::new(&tt, &[]);
    let j = r
        .journey(
            &[(0, 0)],
            hm(7, 50),
            &[(2, 0)],
            None,
            MAX_RIDES,
            &mut r.workspace(),
        )
        .unwrap();
    let rides = j
        .legs
        .iter()
        .filter(|l| matches!(l, Leg::Ride { .. }))
        .count();
    assert_eq!((j.arrive, rides), (hm(9, 0), 1));
}

/// A random timetable: `n` stops, routes of 2–6 distinct stops with trips
/// at random times (some faster, so some overtake), 1 in 10 calls without
/// pickup or drop-off, some times past midnight; random one-way transfers.
fn random_case(seed: u64) -> (Timetable, Vec<Vec<(u32, Secs)>>) {
    let mut rng = SplitMix64::stream(seed, "raptor random timetable");
    let n = 8 + rng.below(20);
    let mut trips = Vec::new();
    for route in 0..(2 + rng.below(7)) as u32 {
        let len = 2 + rng.below(5);
        let mut stops: Vec<u32> = Vec::new();
        while stops.len() < len {
            let s = rng.below(n) as u32;
            if !stops.contains(&s) {
                stops.push(s);
            }
        }
        for _ in 0..(1 + rng.below(8)) {
            let mut t = hm(6, 0) + rng.below(19 * 3600) as Secs;
            let mut c = Vec::new();
            for &s in &stops {
                let dwell = if rng.below(3) == 0 {
                    rng.below(120) as Secs
                } else {
                    0
                };
                let mut call = call(s, t, t + dwell);
                call.pickup = rng.below(10) != 0;
                call.drop_off = rng.below(10) != 0;
                c.push(call);
                t += dwell + 60 + rng.below(1200) as Secs;
            }
            trips.push((route, c));
        }
    }
    let mut tt = timetable(n, trips);
    tt.trips.sort_by_key(|t| t.calls[0].departure);
    let mut transfers = vec![Vec::new(); n];
    for _ in 0..rng.below(2 * n) {
        let (a, b) = (rng.below(n), rng.below(n) as u32);
        transfers[a].push((b, rng.below(900) as Secs));
    }
    (tt, transfers)
}

/// The legs of `j` are a journey the timetable and transfers allow.
fn check_legs(tt: &Timetable, transfers: &[Vec<(u32, Secs)>], j: &Journey) {
    let mut now = j.depart;
    for leg in &j.legs {
        match *leg {
            Leg::Walk {
                from,
                to,
                depart,
                arrive,
            } => {
                assert_eq!(depart, now, "{j:?}");
                if let (Place::Stop(a), Place::Stop(b)) = (from, to) {
                    assert!(
                        transfers[a as usize].contains(&(b, arrive - depart)),
                        "{j:?}"
                    );
                }
                now = arrive;
            }
            Leg::Ride {
                trip,
                board,
                alight,
                depart,
                arrive,
                ..
            } => {
                assert!(depart >= now, "{j:?}");
                let c = &tt.trips[trip as usize].calls;
                let b = c
                    .iter()
                    .position(|c| c.stop == board && c.departure == depart && c.pickup);
                let a = c
                    .iter()
                    .rposition(|c| c.stop == alight && c.arrival == arrive && c.drop_off);
                assert!(matches!((b, a), (Some(b), Some(a)) if b < a), "{j:?}");
                now = arrive;
            }
        }
    }
    assert_eq!(now, j.arrive, "{j:?}");
}

#[test]
fn random_timetables_equal_time_expanded_dijkstra() {
    let mut queries = 0;
    for seed in 0..60 {
        let (tt, transfers) = random_case(seed);
        let raptor = Raptor::new(&tt, &transfers);
        let reference = Reference::new(&tt, &transfers);
        let mut ws = raptor.workspace();
        let mut rng = SplitMix64::stream(seed, "raptor random queries");
        let n = tt.stops.len();
        for _ in 0..30 {
            let access: Vec<(u32, Secs)> = (0..1 + rng.below(2))
                .map(|_| (rng.below(n) as u32, rng.below(600) as Secs))
                .collect();
            let egress: Vec<(u32, Secs)> = (0..1 + rng.below(3))
                .map(|_| (rng.below(n) as u32, rng.below(600) as Secs))
                .collect();
            let depart = hm(5, 0) + rng.below(20 * 3600) as Secs;
            let want = reference.query(&access, depart);
            let got = raptor.arrivals(&access, depart, 1000, &mut ws);
            assert_eq!(got, &want.best[..], "seed {seed}, {access:?} at {depart}");
            let direct = (rng.below(2) == 0).then(|| rng.below(4 * 3600) as Secs);
            let by_stop = egress
                .iter()
                .map(|&(s, w)| want.ride[s as usize].saturating_add(w));
            let want_arrive = by_stop
                .chain(direct.map(|d| depart + d))
                .min()
                .unwrap_or(UNREACHED);
            let many = raptor.destination_arrival(depart, &egress, direct, &ws);
            assert_eq!(many.unwrap_or(UNREACHED), want_arrive, "seed {seed}");
            let j = raptor.journey(&access, depart, &egress, direct, 1000, &mut ws);
            assert_eq!(
                j.as_ref().map_or(UNREACHED, |j| j.arrive),
                want_arrive,
                "seed {seed}"
            );
            if let Some(j) = j {
                check_legs(&tt, &transfers, &j);
            }
            queries += 1;
        }
    }
    assert_eq!(queries, 1800);
}

#[test]
fn fewer_rides_allowed_never_arrive_sooner() {
    // Rounds are monotone: allowing one more ride never makes an arrival later.
    for seed in 0..20 {
        let (tt, transfers) = random_case(seed);
        let r = Raptor::new(&tt, &transfers);
        let mut ws = r.workspace();
        let mut before = vec![UNREACHED; tt.stops.len()];
        for rides in 0..6 {
            let a = r.arrivals(&[(0, 0)], hm(6, 0), rides, &mut ws).to_vec();
            assert!(a.iter().zip(&before).all(|(x, y)| x <= y), "seed {seed}");
            before = a;
        }
    }
}

#[test]
fn unknown_stops_and_transfers_are_ignored() {
    let (tt, mut transfers) = two_routes();
    transfers[0].push((99, 10));
    transfers.push(vec![(1, 10)]);
    let r = Raptor::new(&tt, &transfers);
    assert_eq!(r.ignored_transfers(), 2);
    let a = r
        .arrivals(&[(99, 0), (0, 0)], hm(7, 55), MAX_RIDES, &mut r.workspace())
        .to_vec();
    assert_eq!(a[3], hm(8, 40));
}
