//! One public-transport journey for `pcn-atlas route --gtfs`: its legs as
//! text (walk, wait, ride, transfer) and as GeoJSON (a LineString per leg:
//! a ride through the stops it calls at, a walk as the straight line
//! between its ends, and the origin and destination as points), for
//! checking a journey by hand against the operator's timetable.

use super::geojson::{FeatureWriter, linestring_json, point_json};
use crate::transit::Timetable;
use crate::transit::raptor::{Journey, Leg, Place};
use anyhow::Result;
use geo::{Coord, LineString};
use serde::Serialize;
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

/// A journey with what is needed to describe it.
pub struct JourneyView<'a> {
    pub timetable: &'a Timetable,
    /// BNG metres.
    pub from: [f64; 2],
    pub to: [f64; 2],
    pub from_label: &'a str,
    pub to_label: &'a str,
    /// When the traveller is ready to leave, seconds of the service day.
    pub depart: u32,
    /// The service day, `YYYY-MM-DD`.
    pub date: &'a str,
}

/// `HH:MM:SS` of a time of the service day (hours may pass 24).
pub fn hms(s: u32) -> String {
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// Minutes to 0.1.
fn min1(s: u32) -> f64 {
    (s as f64 / 6.0).round() / 10.0
}

impl JourneyView<'_> {
    fn place(&self, p: Place) -> String {
        match p {
            Place::Origin => format!("the origin ({})", self.from_label),
            Place::Destination => format!("the destination ({})", self.to_label),
            Place::Stop(s) => {
                let st = &self.timetable.stops[s as usize];
                format!("stop {} ({})", st.name, st.id)
            }
        }
    }

    fn xy(&self, p: Place) -> [f64; 2] {
        match p {
            Place::Origin => self.from,
            Place::Destination => self.to,
            Place::Stop(s) => self.timetable.stops[s as usize].bng,
        }
    }

    fn route_name(&self, route: u32) -> String {
        let r = &self.timetable.routes[route as usize];
        let name = match (r.short_name.is_empty(), r.long_name.is_empty()) {
            (false, false) => format!("{} \"{}\"", r.short_name, r.long_name),
            (false, true) => r.short_name.clone(),
            _ => format!("\"{}\"", r.long_name),
        };
        format!("route {name} ({})", r.agency)
    }

    /// The journey leg by leg, or why there is none.
    pub fn text(&self, j: Option<&Journey>) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "public transport on {}: from {} to {}, ready to leave at {}",
            self.date,
            self.from_label,
            self.to_label,
            hms(self.depart)
        );
        let Some(j) = j else {
            let _ = writeln!(
                o,
                "no journey: no bus or walking route reaches the destination that day"
            );
            return o;
        };
        let mut clock = j.depart;
        let (mut wait, mut walk, mut rides) = (0, 0, 0);
        for leg in &j.legs {
            let (start, end) = leg_times(leg);
            if start > clock {
                let _ = writeln!(
                    o,
                    "  {}–{}  wait {} min",
                    hms(clock),
                    hms(start),
                    min1(start - clock)
                );
                wait += start - clock;
            }
            let what = match *leg {
                Leg::Walk { from, to, .. } => {
                    walk += end - start;
                    format!(
                        "walk {} min from {} to {}",
                        min1(end - start),
                        self.place(from),
                        self.place(to)
                    )
                }
                Leg::Ride {
                    trip,
                    route,
                    board,
                    alight,
                    ..
                } => {
                    rides += 1;
                    format!(
                        "ride {} from {} to {} ({} min, trip {})",
                        self.route_name(route),
                        self.place(Place::Stop(board)),
                        self.place(Place::Stop(alight)),
                        min1(end - start),
                        self.timetable.trips[trip as usize].id
                    )
                }
            };
            let _ = writeln!(o, "  {}–{}  {what}", hms(start), hms(end));
            clock = end;
        }
        let _ = writeln!(
            o,
            "arrive {}: {} min after {} ({} min walking, {} min waiting, {} ride{})",
            hms(j.arrive),
            min1(j.arrive - self.depart),
            hms(self.depart),
            min1(walk),
            min1(wait + j.depart.saturating_sub(self.depart)),
            rides,
            if rides == 1 { "" } else { "s" }
        );
        o
    }

    /// The leg's line: a ride through its calls, a walk straight.
    fn leg_line(&self, leg: &Leg) -> LineString<f64> {
        let c = |p: [f64; 2]| Coord { x: p[0], y: p[1] };
        match *leg {
            Leg::Walk { from, to, .. } => LineString(vec![c(self.xy(from)), c(self.xy(to))]),
            Leg::Ride {
                trip,
                board,
                alight,
                depart,
                ..
            } => {
                let calls = &self.timetable.trips[trip as usize].calls;
                let start = calls
                    .iter()
                    .position(|k| k.stop == board && k.departure == depart)
                    .unwrap_or(0);
                let mut pts = Vec::new();
                for k in &calls[start..] {
                    pts.push(c(self.timetable.stops[k.stop as usize].bng));
                    if k.stop == alight && pts.len() > 1 {
                        break;
                    }
                }
                LineString(pts)
            }
        }
    }
}

fn leg_times(leg: &Leg) -> (u32, u32) {
    match *leg {
        Leg::Walk { depart, arrive, .. } | Leg::Ride { depart, arrive, .. } => (depart, arrive),
    }
}

/// Properties of one feature of the journey's GeoJSON.
#[derive(Serialize)]
struct LegProps<'a> {
    kind: &'a str,
    leg: Option<usize>,
    from: Option<String>,
    to: Option<String>,
    depart: Option<String>,
    arrive: Option<String>,
    minutes: Option<f64>,
    route: Option<String>,
    trip: Option<&'a str>,
    label: Option<&'a str>,
}

/// Write the journey as GeoJSON (WGS84), atomically.
pub fn write_journey(file: &Path, v: &JourneyView, j: &Journey) -> Result<()> {
    super::atomic::write_file(file, |w| journey_geojson(w, v, j).map(|_| ()))?;
    Ok(())
}

fn journey_geojson<W: Write>(w: &mut W, v: &JourneyView, j: &Journey) -> Result<usize> {
    let mut fw = FeatureWriter::new(w, "journey")?;
    for (i, leg) in j.legs.iter().enumerate() {
        let (start, end) = leg_times(leg);
        let (kind, from, to, route, trip) = match *leg {
            Leg::Walk { from, to, .. } => ("walk", from, to, None, None),
            Leg::Ride {
                trip,
                route,
                board,
                alight,
                ..
            } => (
                "ride",
                Place::Stop(board),
                Place::Stop(alight),
                Some(v.route_name(route)),
                Some(v.timetable.trips[trip as usize].id.as_str()),
            ),
        };
        let props = LegProps {
            kind,
            leg: Some(i + 1),
            from: Some(v.place(from)),
            to: Some(v.place(to)),
            depart: Some(hms(start)),
            arrive: Some(hms(end)),
            minutes: Some(min1(end - start)),
            route,
            trip,
            label: None,
        };
        fw.feature(&props, &linestring_json(&v.leg_line(leg)))?;
    }
    for (kind, label, p) in [("from", v.from_label, v.from), ("to", v.to_label, v.to)] {
        let props = LegProps {
            kind,
            leg: None,
            from: None,
            to: None,
            depart: (kind == "from").then(|| hms(v.depart)),
            arrive: (kind == "to").then(|| hms(j.arrive)),
            minutes: None,
            route: None,
            trip: None,
            label: Some(label),
        };
        fw.feature(&props, &point_json(Coord { x: p[0], y: p[1] }))?;
    }
    fw.finish()
}
