//! The trips that run on one service day: `frequencies.txt` expanded into
//! one trip per departure, and the day before's trips that run past
//! midnight shifted back by 24 hours.
//!
//! Each frequency row (trip, start, end, headway) gives departures at
//! start, start + headway, … while before end; the template trip's times
//! are shifted so that its first departure is that departure, and the trip
//! gets `@HH:MM:SS` appended to its id. `exact_times` is ignored: 0 (a
//! headway-based service, where only the headway is promised) and 1 (an
//! exact schedule) expand the same way. A trip with frequencies does not
//! also run at its own times.

use super::calendar::Day;
use super::feed::{Feed, FeedTrip};
use super::report::Notices;
use super::source::{Table, field};
use super::trips::{format_time, parse_time};
use crate::transit::{Call, Secs};
use anyhow::Result;

/// The most departures one frequency row may give; more is a notice and
/// the row is left out (a headway of one second over a day is not a bus).
const MAX_DEPARTURES: u32 = 5000;

/// 24 hours in seconds.
const DAY: Secs = 86_400;

/// Read `frequencies.txt` into the feed's trips.
pub fn read_frequencies(feed: &mut Feed, t: &Table, n: &mut Notices) -> Result<()> {
    let trip = t.need("trip_id")?;
    let (start, end) = (t.need("start_time")?, t.need("end_time")?);
    let headway = t.need("headway_secs")?;
    let count = t.rows(|line, r| {
        let tid = field(r, Some(trip));
        let Some(&ti) = feed.trip_index.get(tid) else {
            return n.add(&t.file, line, "unknown_trip_id", tid);
        };
        let (a, b) = (field(r, Some(start)), field(r, Some(end)));
        let (Some(s), Some(e)) = (parse_time(a), parse_time(b)) else {
            return n.add(&t.file, line, "bad_time", &format!("{a}..{b}"));
        };
        let h = field(r, Some(headway));
        match h.parse::<u32>() {
            Ok(h) if h > 0 && e > s && (e - s).div_ceil(h) <= MAX_DEPARTURES => {
                feed.trips[ti as usize].frequencies.push((s, e, h));
            }
            _ => n.add(
                &t.file,
                line,
                "bad_frequency",
                &format!("{a}..{b} every {h}"),
            ),
        }
    })?;
    feed.rows.insert("frequencies.txt".into(), count);
    Ok(())
}

/// How many trips of the feed run on `day` by their own service (the day
/// before's not counted): what the default-date rule compares.
pub fn count_on(feed: &Feed, day: Day) -> usize {
    let running = feed.trips.iter().filter(|t| !t.calls.is_empty());
    running
        .filter(|t| feed.calendar.runs(&t.service, day))
        .map(|t| match t.frequencies.is_empty() {
            true => 1,
            false => (t.frequencies.iter())
                .map(|&(s, e, h)| (e - s).div_ceil(h) as usize)
                .sum(),
        })
        .sum()
}

/// A trip of the day: the feed's trip index, the suffix for its id and its
/// calls.
pub struct DayTrip {
    pub trip: usize,
    pub suffix: String,
    pub calls: Vec<Call>,
}

/// The feed's trips on `day`, with the day before's past midnight.
pub fn trips_on(feed: &Feed, day: Day) -> Vec<DayTrip> {
    let mut out = Vec::new();
    for (i, tr) in feed.trips.iter().enumerate() {
        if tr.calls.is_empty() {
            continue;
        }
        if feed.calendar.runs(&tr.service, day) {
            runs(tr, |suffix, calls| {
                out.push(DayTrip {
                    trip: i,
                    suffix,
                    calls,
                })
            });
        }
        if feed.calendar.runs(&tr.service, day - 1) {
            runs(tr, |suffix, calls| {
                let late: Vec<Call> = (calls.into_iter())
                    .filter(|c| c.arrival >= DAY)
                    .map(|c| Call {
                        arrival: c.arrival - DAY,
                        departure: c.departure - DAY,
                        ..c
                    })
                    .collect();
                if late.len() >= 2 {
                    let suffix = format!("{suffix}@-1d");
                    out.push(DayTrip {
                        trip: i,
                        suffix,
                        calls: late,
                    });
                }
            });
        }
    }
    out
}

/// Each run of a trip on a day it runs: itself, or one per frequency
/// departure (suffix `@HH:MM:SS`).
fn runs(tr: &FeedTrip, mut f: impl FnMut(String, Vec<Call>)) {
    if tr.frequencies.is_empty() {
        return f(String::new(), tr.calls.clone());
    }
    let first = tr.calls[0].departure;
    for &(start, end, headway) in &tr.frequencies {
        let mut t = start;
        while t < end {
            let shift = |s: Secs| (s + t).saturating_sub(first);
            let calls = (tr.calls.iter())
                .map(|c| Call {
                    arrival: shift(c.arrival),
                    departure: shift(c.departure),
                    ..*c
                })
                .collect();
            f(format!("@{}", format_time(t)), calls);
            t += headway;
        }
    }
}
