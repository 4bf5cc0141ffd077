//! GTFS feeds (zip or folder) into one service day's [`Timetable`].
//!
//! - [`source`]: opening a zip or folder and reading its CSV files;
//! - [`feed`]: agencies, stops, routes, services and trips of one feed;
//! - [`isolated`]: stops far from every other stop (misplaced) set aside;
//! - [`calendar`]: dates, `calendar.txt` and `calendar_dates.txt`;
//! - [`trips`]: `stop_times.txt` into calls (validation, interpolation);
//! - [`day`]: the trips of the chosen day (frequencies, past midnight);
//! - [`report`]: what was read and every bad row as a counted notice.
//!
//! The service day is `--pt-date` when given, else the first full weekday
//! of the feeds: the first Monday–Friday, from the earliest start date,
//! whose number of running trips equals the largest weekday count over the
//! first 28 days (so a bank holiday or a week the feed starts part-way
//! through is skipped). Several feeds are merged; an id found in more than
//! one of them is prefixed `{feed_index}:` in every feed it is in.

pub mod calendar;
pub mod day;
pub mod feed;
pub mod isolated;
pub mod report;
pub mod source;
pub mod trips;

pub use report::{FeedReport, GtfsReport, Notice};

use super::{Timetable, Trip};
use anyhow::{Result, anyhow, bail};
use calendar::{Day, WEEKDAYS, iso, parse_iso, weekday};
use feed::Feed;
use report::Notices;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// How the default date is described in the report.
pub const DEFAULT_DATE_SOURCE: &str = "first full weekday of the feed";

/// How many days from the earliest start date the default rule looks at.
const DEFAULT_WINDOW_DAYS: Day = 28;

/// Load `paths` (zips or folders, in order) for the day `date`
/// (`YYYY-MM-DD`), or the first full weekday when `None`.
pub fn load_feeds(paths: &[PathBuf], date: Option<&str>) -> Result<(Timetable, GtfsReport)> {
    if paths.is_empty() {
        bail!("no GTFS feed given");
    }
    if paths.len() > usize::from(u16::MAX) {
        bail!("{} GTFS feeds given: at most {}", paths.len(), u16::MAX);
    }
    let mut notices = Notices::default();
    let feeds = (paths.iter().enumerate())
        .map(|(i, p)| read_feed(i as u16, p, &mut notices))
        .collect::<Result<Vec<_>>>()?;
    let (day, date_source) = choose_day(&feeds, date)?;
    let (timetable, per_feed, ids_prefixed) = merge(&feeds, day);
    if timetable.trips.is_empty() {
        bail!(
            "the GTFS feeds run no trip on {} ({date_source}); they run {}",
            iso(day),
            ranges(&feeds)
        );
    }
    let report = GtfsReport {
        feeds: feeds
            .iter()
            .zip(per_feed)
            .map(|(f, n)| feed_report(f, n))
            .collect(),
        date: iso(day),
        weekday: WEEKDAYS[weekday(day)].to_string(),
        date_source: date_source.to_string(),
        stops: timetable.stops.len(),
        routes: timetable.routes.len(),
        trips: timetable.trips.len(),
        calls: timetable.trips.iter().map(|t| t.calls.len()).sum(),
        ids_prefixed,
        notices_by_kind: notices.by_kind,
        notices: notices.list,
        notices_not_listed: notices.not_listed,
    };
    Ok((timetable, report))
}

fn read_feed(index: u16, path: &Path, notices: &mut Notices) -> Result<Feed> {
    let (mut feed, mut src) = feed::read(index, path, notices)?;
    let stop_times = src.required("stop_times.txt")?;
    trips::read_stop_times(&mut feed, &stop_times, &src.label("trips.txt"), notices)?;
    if let Some(t) = src.table("frequencies.txt")? {
        day::read_frequencies(&mut feed, &t, notices)?;
    }
    Ok(feed)
}

fn feed_report(f: &Feed, trips_on_date: usize) -> FeedReport {
    let span = f.calendar.span();
    FeedReport {
        input: crate::model::InputFile {
            role: "gtfs".into(),
            path: f.path.clone(),
            sha256: f.sha256.clone(),
            rows: f.rows.get("stop_times.txt").copied().unwrap_or(0),
            product: None,
            edition: None,
        },
        format: f.format.into(),
        rows: f.rows.clone(),
        start_date: span.map(|s| iso(s.0)).unwrap_or_default(),
        end_date: span.map(|s| iso(s.1)).unwrap_or_default(),
        agencies: f.agencies.clone(),
        stations_skipped: f.stations_skipped,
        trips_on_date,
    }
}

/// The feeds' date ranges, for messages.
fn ranges(feeds: &[Feed]) -> String {
    let each = feeds.iter().map(|f| match f.calendar.span() {
        Some((a, b)) => format!("{}: {} to {}", f.path, iso(a), iso(b)),
        None => format!("{}: no service dates", f.path),
    });
    each.collect::<Vec<_>>().join("; ")
}

fn count_on(feeds: &[Feed], day: Day) -> usize {
    feeds.iter().map(|f| day::count_on(f, day)).sum()
}

/// The service day and how it was chosen.
fn choose_day(feeds: &[Feed], date: Option<&str>) -> Result<(Day, &'static str)> {
    if let Some(d) = date {
        let shown = crate::load::text::show(d);
        let day =
            parse_iso(d).ok_or_else(|| anyhow!("--pt-date {shown}: not a date YYYY-MM-DD"))?;
        return Ok((day, "--pt-date"));
    }
    let start = feeds
        .iter()
        .filter_map(|f| f.calendar.span())
        .map(|s| s.0)
        .min();
    let Some(start) = start else {
        bail!("the GTFS feeds have no service dates ({})", ranges(feeds));
    };
    let counts: Vec<(Day, usize)> = (start..start + DEFAULT_WINDOW_DAYS)
        .filter(|&d| weekday(d) < 5)
        .map(|d| (d, count_on(feeds, d)))
        .collect();
    let most = counts.iter().map(|c| c.1).max().unwrap_or(0);
    match counts.iter().find(|c| c.1 == most && most > 0) {
        Some(&(d, _)) => Ok((d, DEFAULT_DATE_SOURCE)),
        None => bail!(
            "the GTFS feeds run no weekday trip in the {DEFAULT_WINDOW_DAYS} days from {} ({}); give --pt-date",
            iso(start),
            ranges(feeds)
        ),
    }
}

/// Ids found in more than one feed.
fn shared_ids<'a>(lists: impl Iterator<Item = Vec<&'a str>>) -> HashMap<&'a str, u32> {
    let mut seen: HashMap<&str, u32> = HashMap::new();
    for ids in lists {
        let mut ids = ids;
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            *seen.entry(id).or_default() += 1;
        }
    }
    seen.retain(|_, n| *n > 1);
    seen
}

/// The feeds' stops, routes and day's trips in one timetable; also the
/// trips per feed and how many ids were prefixed.
fn merge(feeds: &[Feed], day: Day) -> (Timetable, Vec<usize>, u64) {
    let stop_ids = shared_ids(
        feeds
            .iter()
            .map(|f| f.stops.iter().map(|s| s.id.as_str()).collect()),
    );
    let route_ids = shared_ids(
        feeds
            .iter()
            .map(|f| f.routes.iter().map(|r| r.id.as_str()).collect()),
    );
    let trip_ids = shared_ids(
        feeds
            .iter()
            .map(|f| f.trips.iter().map(|t| t.id.as_str()).collect()),
    );
    let mut prefixed = 0u64;
    let mut name = |shared: &HashMap<&str, u32>, feed: u16, id: &str| {
        if shared.contains_key(id) {
            prefixed += 1;
            format!("{feed}:{id}")
        } else {
            id.to_string()
        }
    };
    let mut tt = Timetable {
        date: iso(day),
        ..Timetable::default()
    };
    let mut per_feed = Vec::with_capacity(feeds.len());
    for f in feeds {
        let (stop0, route0) = (tt.stops.len() as u32, tt.routes.len() as u32);
        for s in &f.stops {
            let id = name(&stop_ids, f.index, &s.id);
            tt.stops.push(super::Stop { id, ..s.clone() });
        }
        for r in &f.routes {
            let id = name(&route_ids, f.index, &r.id);
            tt.routes.push(super::Route { id, ..r.clone() });
        }
        let mut counted = HashMap::new();
        let day_trips = day::trips_on(f, day);
        per_feed.push(day_trips.len());
        for dt in day_trips {
            let base = &f.trips[dt.trip];
            let id = counted
                .entry(dt.trip)
                .or_insert_with(|| name(&trip_ids, f.index, &base.id))
                .clone();
            let calls = (dt.calls.into_iter())
                .map(|c| super::Call {
                    stop: c.stop + stop0,
                    ..c
                })
                .collect();
            tt.trips.push(Trip {
                id: format!("{id}{}", dt.suffix),
                route: base.route + route0,
                calls,
            });
        }
    }
    tt.trips
        .sort_by(|a, b| (a.calls[0].departure, &a.id).cmp(&(b.calls[0].departure, &b.id)));
    (tt, per_feed, prefixed)
}
