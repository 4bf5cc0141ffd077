//! `stop_times.txt` into each trip's calls: rows in `stop_sequence` order,
//! a missing arrival or departure filled from the other, untimed calls
//! interpolated by straight-line distance between their timed neighbours,
//! and trips whose times go backwards or that keep fewer than two calls
//! set aside, each with a notice.

use super::feed::Feed;
use super::report::Notices;
use super::source::{Table, field};
use crate::transit::{Call, Secs};
use anyhow::Result;

/// A GTFS time, `H:MM:SS` or `HH:MM:SS`; hours may pass 24.
pub fn parse_time(s: &str) -> Option<Secs> {
    let mut parts = s.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    let ok = |p: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    if parts.next().is_some() || !ok(h, 1..=3) || !ok(m, 2..=2) || !ok(sec, 2..=2) {
        return None;
    }
    let (h, m, sec): (Secs, Secs, Secs) = (h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?);
    (m < 60 && sec < 60).then_some(h * 3600 + m * 60 + sec)
}

/// A time as `HH:MM:SS` (hours past 24 kept).
pub fn format_time(t: Secs) -> String {
    format!("{:02}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
}

/// One row of `stop_times.txt` as read.
#[derive(Clone, Debug)]
struct Row {
    seq: u32,
    stop: u32,
    arrival: Option<Secs>,
    departure: Option<Secs>,
    pickup: bool,
    drop_off: bool,
    line: u64,
}

/// Read `stop_times.txt` into the feed's trips' calls.
pub fn read_stop_times(
    feed: &mut Feed,
    t: &Table,
    trips_file: &str,
    n: &mut Notices,
) -> Result<()> {
    let (trip, stop, seq) = (
        t.need("trip_id")?,
        t.need("stop_id")?,
        t.need("stop_sequence")?,
    );
    let (arr, dep) = (t.need("arrival_time")?, t.need("departure_time")?);
    let (pickup, drop_off) = (t.col("pickup_type"), t.col("drop_off_type"));
    let mut rows: Vec<Vec<Row>> = vec![Vec::new(); feed.trips.len()];
    let count = t.rows(|line, r| {
        let tid = field(r, Some(trip));
        let Some(&ti) = feed.trip_index.get(tid) else {
            return n.add(&t.file, line, "unknown_trip_id", tid);
        };
        let sid = field(r, Some(stop));
        let Some(&si) = feed.stop_index.get(sid) else {
            let kind = match feed.set_aside.contains_key(sid) {
                true => "call_at_set_aside_stop",
                false => "unknown_stop_id",
            };
            return n.add(&t.file, line, kind, sid);
        };
        let sq = field(r, Some(seq));
        let Ok(sq) = sq.parse::<u32>() else {
            return n.add(&t.file, line, "bad_stop_sequence", sq);
        };
        let mut times = [None, None];
        for (k, col) in [arr, dep].into_iter().enumerate() {
            let v = field(r, Some(col));
            if v.is_empty() {
                continue;
            }
            match parse_time(v) {
                Some(s) => times[k] = Some(s),
                None => return n.add(&t.file, line, "bad_time", v),
            }
        }
        rows[ti as usize].push(Row {
            seq: sq,
            stop: si,
            arrival: times[0].or(times[1]),
            departure: times[1].or(times[0]),
            pickup: field(r, pickup) != "1",
            drop_off: field(r, drop_off) != "1",
            line,
        });
    })?;
    feed.rows.insert("stop_times.txt".into(), count);
    for (i, trip_rows) in rows.into_iter().enumerate() {
        let files = [t.file.as_str(), trips_file];
        feed.trips[i].calls = calls_of(feed, i, trip_rows, files, n);
    }
    Ok(())
}

/// The calls of trip `i` from its rows, or nothing when it is set aside.
fn calls_of(
    feed: &Feed,
    i: usize,
    mut rows: Vec<Row>,
    files: [&str; 2],
    n: &mut Notices,
) -> Vec<Call> {
    let [file, trips_file] = files;
    let id = &feed.trips[i].id;
    rows.sort_by_key(|r| r.seq);
    rows.dedup_by(|b, a| {
        let dup = a.seq == b.seq;
        if dup {
            n.add(
                file,
                b.line,
                "duplicate_stop_sequence",
                &format!("{id} {}", b.seq),
            );
        }
        dup
    });
    if rows.len() < 2 {
        n.add(trips_file, feed.trips[i].line, "too_few_calls", id);
        return Vec::new();
    }
    for end in [0, rows.len() - 1] {
        if rows[end].arrival.is_none() {
            n.add(file, rows[end].line, "untimed_trip_end", id);
            return Vec::new();
        }
    }
    interpolate(feed, id, &mut rows, file, n);
    let mut last = 0;
    let mut calls = Vec::with_capacity(rows.len());
    for r in &rows {
        let (a, d) = (r.arrival.unwrap_or(last), r.departure.unwrap_or(last));
        if a < last || d < a {
            let v = format!(
                "{id} stop_sequence {}: {} after {}",
                r.seq,
                format_time(a.min(d)),
                format_time(last.max(a))
            );
            n.add(file, r.line, "times_backwards", &v);
            return Vec::new();
        }
        last = d;
        calls.push(Call {
            stop: r.stop,
            arrival: a,
            departure: d,
            pickup: r.pickup,
            drop_off: r.drop_off,
        });
    }
    calls
}

/// Fill untimed rows between timed ones in proportion to the straight-line
/// distance along the stops (evenly when the stops coincide).
fn interpolate(feed: &Feed, id: &str, rows: &mut [Row], file: &str, n: &mut Notices) {
    let at = |r: &Row| feed.stops[r.stop as usize].bng;
    let mut cum = vec![0.0; rows.len()];
    for k in 1..rows.len() {
        let (a, b) = (at(&rows[k - 1]), at(&rows[k]));
        cum[k] = cum[k - 1] + (a[0] - b[0]).hypot(a[1] - b[1]);
    }
    let mut prev = 0;
    for k in 1..rows.len() {
        if rows[k].arrival.is_none() {
            continue;
        }
        if k > prev + 1 {
            let (t0, t1) = (
                rows[prev].departure.unwrap_or(0),
                rows[k].arrival.unwrap_or(0),
            );
            let span = cum[k] - cum[prev];
            for m in prev + 1..k {
                let f = if span > 0.0 {
                    (cum[m] - cum[prev]) / span
                } else {
                    (m - prev) as f64 / (k - prev) as f64
                };
                let t = if t1 >= t0 {
                    t0 + ((t1 - t0) as f64 * f).round() as Secs
                } else {
                    t0
                };
                rows[m].arrival = Some(t);
                rows[m].departure = Some(t);
                let v = format!("{id} stop_sequence {}: {}", rows[m].seq, format_time(t));
                n.add(file, rows[m].line, "interpolated_time", &v);
            }
        }
        prev = k;
    }
}
