//! One service day's timetable, as the journey planner reads it: stops,
//! routes and the trips that run that day, each with its calls in order.
//! This is the seam between the GTFS loader ([`super::gtfs`]) and the
//! journey planner ([`super::raptor`]).

use serde::Serialize;

/// A time of the service day: seconds after midnight at its start. GTFS
/// times past 24:00 stay above 86,400; trips of the day before that run
/// past midnight appear shifted back by 24 hours (only their calls at or
/// after midnight).
pub type Secs = u32;

/// "Not reached" for a [`Secs`].
pub const UNREACHED: Secs = Secs::MAX;

/// A place where passengers board or alight (GTFS `stops.txt`, location
/// type 0 or empty; stations are not boarded directly).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stop {
    /// `stop_id`; prefixed `FEED:` when several feeds are merged and the
    /// same id appears in more than one (see the loader's report).
    pub id: String,
    pub code: String,
    pub name: String,
    /// WGS84 longitude, latitude as given.
    pub lon_lat: [f64; 2],
    /// British National Grid metres.
    pub bng: [f64; 2],
    /// Index of the feed it came from (order of `--gtfs`).
    pub feed: u16,
}

/// A GTFS route: what a rider sees on the front of the bus.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Route {
    pub id: String,
    /// `agency_name` (or `agency_id` when the name is missing).
    pub agency: String,
    pub short_name: String,
    pub long_name: String,
    /// GTFS `route_type` (3 = bus; extended types such as 700 kept as given).
    pub route_type: u16,
    pub feed: u16,
}

/// One stop of a trip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    /// Index into [`Timetable::stops`].
    pub stop: u32,
    pub arrival: Secs,
    pub departure: Secs,
    /// Passengers may board here (GTFS `pickup_type` not 1).
    pub pickup: bool,
    /// Passengers may alight here (GTFS `drop_off_type` not 1).
    pub drop_off: bool,
}

/// One vehicle journey that runs on the service day. A GTFS frequency
/// becomes one trip per departure.
#[derive(Clone, Debug, PartialEq)]
pub struct Trip {
    /// `trip_id`; a trip expanded from `frequencies.txt` gets `@HH:MM:SS`
    /// (its first departure) appended; one from the day before gets `@-1d`.
    pub id: String,
    /// Index into [`Timetable::routes`].
    pub route: u32,
    /// At least two calls, in `stop_sequence` order; times never decrease
    /// (`arrival <= departure <= next arrival`).
    pub calls: Vec<Call>,
}

/// The day's timetable of one or more merged feeds.
#[derive(Clone, Debug, Default)]
pub struct Timetable {
    /// The service day, `YYYY-MM-DD`.
    pub date: String,
    pub stops: Vec<Stop>,
    pub routes: Vec<Route>,
    /// Sorted by first departure, then id: the same order whatever the
    /// order of the files.
    pub trips: Vec<Trip>,
}
