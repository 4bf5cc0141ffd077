//! One feed read into memory: agencies, stops, routes, services and trips,
//! each keyed by its GTFS id within the feed; stop times are read by
//! [`super::trips`]. Bad rows become notices and are left out.

use super::calendar::Calendar;
use super::report::Notices;
use super::source::{Source, Table, field};
use crate::transit::{Call, Route, Stop};
use anyhow::{Result, bail};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// A trip of `trips.txt`, with its calls once stop times are read.
#[derive(Debug)]
pub struct FeedTrip {
    pub id: String,
    /// Index into [`Feed::routes`].
    pub route: u32,
    pub service: String,
    /// Its line in `trips.txt`.
    pub line: u64,
    /// Valid calls (at least two, times never decreasing), or empty when
    /// the trip was set aside.
    pub calls: Vec<Call>,
    /// `frequencies.txt` rows: (start, end, headway) in seconds.
    pub frequencies: Vec<(u32, u32, u32)>,
}

/// One feed as read, before a day is chosen.
#[derive(Debug)]
pub struct Feed {
    pub index: u16,
    pub path: String,
    pub format: &'static str,
    pub sha256: String,
    pub rows: BTreeMap<String, u64>,
    pub agencies: Vec<String>,
    pub stations_skipped: u64,
    pub stops: Vec<Stop>,
    pub stop_index: HashMap<String, u32>,
    /// Stop ids read but not made stops (stations, bad or outside GB).
    pub set_aside: HashMap<String, &'static str>,
    pub routes: Vec<Route>,
    pub calendar: Calendar,
    pub trips: Vec<FeedTrip>,
    pub trip_index: HashMap<String, u32>,
}

/// Read a feed's files (not yet its stop times: see [`super::trips`]).
pub fn read(index: u16, path: &Path, notices: &mut Notices) -> Result<(Feed, Source)> {
    let mut src = Source::open(path)?;
    let mut feed = Feed {
        index,
        path: src.path.clone(),
        format: src.format,
        sha256: src.sha256.clone(),
        rows: BTreeMap::new(),
        agencies: Vec::new(),
        stations_skipped: 0,
        stops: Vec::new(),
        stop_index: HashMap::new(),
        set_aside: HashMap::new(),
        routes: Vec::new(),
        calendar: Calendar::default(),
        trips: Vec::new(),
        trip_index: HashMap::new(),
    };
    let stops = src.required("stops.txt")?;
    let routes = src.required("routes.txt")?;
    let trips = src.required("trips.txt")?;
    let calendar = src.table("calendar.txt")?;
    let dates = src.table("calendar_dates.txt")?;
    if calendar.is_none() && dates.is_none() {
        bail!(
            "GTFS feed {}: neither calendar.txt nor calendar_dates.txt (one is required)",
            feed.path
        );
    }
    let agencies = match src.table("agency.txt")? {
        Some(t) => feed.read_agencies(&t)?,
        None => HashMap::new(),
    };
    feed.read_stops(&stops, notices)?;
    feed.read_routes(&routes, &agencies, notices)?;
    if let Some(t) = calendar {
        let n = feed.calendar.read_calendar(&t, notices)?;
        feed.rows.insert("calendar.txt".into(), n);
    }
    if let Some(t) = dates {
        let n = feed.calendar.read_dates(&t, notices)?;
        feed.rows.insert("calendar_dates.txt".into(), n);
    }
    feed.read_trips(&trips, notices)?;
    Ok((feed, src))
}

/// A name from the feed with control characters made spaces (names are
/// one line of text in every output).
fn clean(name: &str) -> String {
    crate::safe_text::clean_name(name).unwrap_or_else(|| name.to_string())
}

impl Feed {
    fn read_agencies(&mut self, t: &Table) -> Result<HashMap<String, String>> {
        let (id, name) = (t.col("agency_id"), t.col("agency_name"));
        let mut names = HashMap::new();
        let n = t.rows(|_, r| {
            let (i, n) = (field(r, id), field(r, name));
            let shown = clean(if n.is_empty() { i } else { n });
            self.agencies.push(shown.clone());
            names.insert(i.to_string(), shown);
        })?;
        self.rows.insert("agency.txt".into(), n);
        Ok(names)
    }

    fn read_stops(&mut self, t: &Table, notices: &mut Notices) -> Result<()> {
        let id = t.need("stop_id")?;
        let (lat, lon) = (t.need("stop_lat")?, t.need("stop_lon")?);
        let (code, name) = (t.col("stop_code"), t.col("stop_name"));
        let kind = t.col("location_type");
        let mut at = Vec::new();
        let n = t.rows(|line, r| {
            let sid = field(r, Some(id));
            if self.stop_index.contains_key(sid) || self.set_aside.contains_key(sid) {
                return notices.add(&t.file, line, "duplicate_id", sid);
            }
            if !matches!(field(r, kind), "" | "0") {
                self.stations_skipped += 1;
                self.set_aside.insert(sid.to_string(), "not boardable");
                return;
            }
            let (la, lo) = (field(r, Some(lat)), field(r, Some(lon)));
            let parsed = la.parse::<f64>().ok().zip(lo.parse::<f64>().ok());
            let Some((y, x)) = parsed.filter(|(y, x)| y.is_finite() && x.is_finite()) else {
                self.set_aside.insert(sid.to_string(), "bad coordinates");
                return notices.add(&t.file, line, "bad_coordinates", &format!("{la},{lo}"));
            };
            if crate::coords::check_wgs84(x, y).is_some() {
                self.set_aside
                    .insert(sid.to_string(), "outside Great Britain");
                return notices.add(&t.file, line, "stop_outside_gb", &format!("{la},{lo}"));
            }
            let b = crate::coords::wgs84_to_bng(x, y);
            at.push((line, format!("{la},{lo}")));
            self.stop_index
                .insert(sid.to_string(), self.stops.len() as u32);
            self.stops.push(Stop {
                id: sid.to_string(),
                code: field(r, code).to_string(),
                name: clean(field(r, name)),
                lon_lat: [x, y],
                bng: [b.x, b.y],
                feed: self.index,
            });
        })?;
        self.rows.insert("stops.txt".into(), n);
        self.set_aside_isolated(&t.file, &at, notices);
        Ok(())
    }

    /// Set aside the stops far from all others (see [`super::isolated`]);
    /// `at` is each stop's line and coordinates as given.
    fn set_aside_isolated(&mut self, file: &str, at: &[(u64, String)], notices: &mut Notices) {
        let points: Vec<[f64; 2]> = self.stops.iter().map(|s| s.bng).collect();
        let far = super::isolated::isolated(&points);
        if far.is_empty() {
            return;
        }
        let mut keep = vec![true; self.stops.len()];
        for (i, nearest) in far {
            keep[i] = false;
            let km = super::isolated::ISOLATED_KM;
            let how = match nearest {
                Some(d) => format!("{:.0} km from the nearest other stop", d / 1000.0),
                None => format!("no other stop within {km} km"),
            };
            let (line, value) = &at[i];
            notices.add(file, *line, "stop_isolated", &format!("{value}: {how}"));
            self.set_aside.insert(self.stops[i].id.clone(), "isolated");
        }
        let stops = std::mem::take(&mut self.stops);
        self.stops = (stops.into_iter().zip(keep))
            .filter_map(|(s, k)| k.then_some(s))
            .collect();
        self.stop_index = (self.stops.iter().enumerate())
            .map(|(i, s)| (s.id.clone(), i as u32))
            .collect();
    }

    fn read_routes(
        &mut self,
        t: &Table,
        agencies: &HashMap<String, String>,
        notices: &mut Notices,
    ) -> Result<()> {
        let id = t.need("route_id")?;
        let kind = t.need("route_type")?;
        let (agency, short, long) = (
            t.col("agency_id"),
            t.col("route_short_name"),
            t.col("route_long_name"),
        );
        let only = (agencies.len() == 1)
            .then(|| agencies.values().next())
            .flatten();
        let mut seen = HashMap::new();
        let n = t.rows(|line, r| {
            let rid = field(r, Some(id));
            if seen.contains_key(rid) {
                return notices.add(&t.file, line, "duplicate_id", rid);
            }
            let rt = field(r, Some(kind));
            let Ok(route_type) = rt.parse::<u16>() else {
                return notices.add(&t.file, line, "bad_route_type", rt);
            };
            let a = field(r, agency);
            let agency = match agencies.get(a) {
                Some(name) => name.clone(),
                None if a.is_empty() => only.cloned().unwrap_or_default(),
                None => {
                    notices.add(&t.file, line, "unknown_agency_id", a);
                    a.to_string()
                }
            };
            seen.insert(rid.to_string(), self.routes.len());
            self.routes.push(Route {
                id: rid.to_string(),
                agency,
                short_name: clean(field(r, short)),
                long_name: clean(field(r, long)),
                route_type,
                feed: self.index,
            });
        })?;
        self.rows.insert("routes.txt".into(), n);
        Ok(())
    }

    fn read_trips(&mut self, t: &Table, notices: &mut Notices) -> Result<()> {
        let (route, service, id) = (
            t.need("route_id")?,
            t.need("service_id")?,
            t.need("trip_id")?,
        );
        let routes: HashMap<&str, u32> = (self.routes.iter().enumerate())
            .map(|(i, r)| (r.id.as_str(), i as u32))
            .collect();
        let n = t.rows(|line, r| {
            let (rid, sid, tid) = (
                field(r, Some(route)),
                field(r, Some(service)),
                field(r, Some(id)),
            );
            if self.trip_index.contains_key(tid) {
                return notices.add(&t.file, line, "duplicate_id", tid);
            }
            let Some(&route) = routes.get(rid) else {
                return notices.add(&t.file, line, "unknown_route_id", rid);
            };
            if !self.calendar.has(sid) {
                return notices.add(&t.file, line, "unknown_service_id", sid);
            }
            self.trip_index
                .insert(tid.to_string(), self.trips.len() as u32);
            self.trips.push(FeedTrip {
                id: tid.to_string(),
                route,
                service: sid.to_string(),
                line,
                calls: Vec::new(),
                frequencies: Vec::new(),
            });
        })?;
        self.rows.insert("trips.txt".into(), n);
        Ok(())
    }
}
