//! What the loader read and what it set aside: one [`FeedReport`] per feed,
//! the chosen service day, the counts in the timetable, and the notices
//! (bad rows counted by kind, each listed with its file, line and value).

use crate::model::InputFile;
use crate::safe_text::escape_controls;
use serde::Serialize;
use std::collections::BTreeMap;

/// How many notices are listed one by one; past this they are only counted.
pub const NOTICES_LISTED: usize = 1000;

/// The loader's account of the feeds and the day.
#[derive(Clone, Debug, Serialize)]
pub struct GtfsReport {
    /// One per path, in the order given.
    pub feeds: Vec<FeedReport>,
    /// The service day, `YYYY-MM-DD`.
    pub date: String,
    /// Its weekday, e.g. `Wednesday`.
    pub weekday: String,
    /// `--pt-date` or `first full weekday of the feed`.
    pub date_source: String,
    /// Counts in the [`crate::transit::Timetable`].
    pub stops: usize,
    pub routes: usize,
    pub trips: usize,
    pub calls: usize,
    /// Stop, route and trip ids found in more than one feed and so
    /// prefixed `{feed_index}:` (each prefixed id counted once per feed).
    pub ids_prefixed: u64,
    /// Every notice counted by kind.
    pub notices_by_kind: BTreeMap<String, u64>,
    /// The first [`NOTICES_LISTED`] notices, in the order met.
    pub notices: Vec<Notice>,
    /// Notices counted in `notices_by_kind` but not listed (past the first
    /// [`NOTICES_LISTED`]).
    pub notices_not_listed: u64,
}

/// One feed as read.
#[derive(Clone, Debug, Serialize)]
pub struct FeedReport {
    /// Role `gtfs`; the SHA-256 of the zip, or of the folder's files in
    /// name order; `rows` is the number of stop times.
    pub input: InputFile,
    /// `zip` or `folder`.
    pub format: String,
    /// Data rows read per file, e.g. `stop_times.txt`.
    pub rows: BTreeMap<String, u64>,
    /// The first and last day of service in calendar and calendar_dates,
    /// `YYYY-MM-DD` (empty when there is none).
    pub start_date: String,
    pub end_date: String,
    /// Agency names (or ids when a name is missing), in file order.
    pub agencies: Vec<String>,
    /// Stations, entrances and other locations not boarded directly
    /// (`location_type` other than 0); not made stops.
    pub stations_skipped: u64,
    /// Trips of this feed in the timetable (expanded frequencies and those
    /// of the day before included).
    pub trips_on_date: usize,
}

/// A bad row the loader counted and set aside, or a value it filled in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// e.g. `chester.zip:stops.txt` or `feed/stop_times.txt`.
    pub file: String,
    /// 1-based line as a text editor shows it.
    pub line: u64,
    /// e.g. `stop_outside_gb`, `unknown_stop_id`, `times_backwards`.
    pub kind: String,
    /// The value in question, control characters escaped.
    pub value: String,
}

/// Notices as they are met: counted by kind, the first ones kept.
#[derive(Debug, Default)]
pub struct Notices {
    pub by_kind: BTreeMap<String, u64>,
    pub list: Vec<Notice>,
    pub not_listed: u64,
}

impl Notices {
    /// Count one notice, and list it while fewer than [`NOTICES_LISTED`] are.
    pub fn add(&mut self, file: &str, line: u64, kind: &str, value: &str) {
        *self.by_kind.entry(kind.to_string()).or_default() += 1;
        if self.list.len() < NOTICES_LISTED {
            self.list.push(Notice {
                file: file.to_string(),
                line,
                kind: kind.to_string(),
                value: escape_controls(value, 200),
            });
        } else {
            self.not_listed += 1;
        }
    }
}
