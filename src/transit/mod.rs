//! Public transport for patients without a car: GTFS timetables
//! ([`gtfs`]) loaded into one service day's [`Timetable`], the walking
//! network from the same OSM file ([`walk`]), and earliest-arrival
//! journeys over the timetable with RAPTOR ([`raptor`]).
//!
//! ```text
//! GTFS feed(s) ─▶ gtfs ─▶ Timetable (one service day, trips expanded) ─┐
//! OSM roads ─▶ walk (foot profile, snapping, stop transfers) ──────────┼─▶ raptor ─▶ journeys
//! areas, practices, hubs ─▶ walk (access, egress, direct walks) ───────┘
//! ```

pub mod gtfs;
pub mod raptor;
pub mod timetable;
pub mod walk;

pub use timetable::{Call, Route, Secs, Stop, Timetable, Trip, UNREACHED};
