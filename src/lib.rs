//! pcn-atlas: check NHS England primary care network footprints and measure
//! the drive-time burden they put on staff and patients.
//!
//! The modules follow the pipeline (docs/architecture.md has the picture and
//! the import rules):
//!
//! - [`coords`] — WGS84 ↔ British National Grid, once at load and once at write.
//! - [`rng`] — the one seeded random generator (demo, propose, synthetic graphs).
//! - [`safe_text`] — input text made safe for every output: names, CSV cells, HTML, XML.
//! - [`findings`] — every finding code with its severity, label and map colour.
//! - [`model`] — the in-memory dataset: ids indexing `Vec`s, registrations indexed once.
//! - [`spatial`] — point-in-area lookup on an R-tree.
//! - [`load`] — a dataset folder (CSV, GeoJSON, shapefile) into the [`model`];
//!   [`load::format`] owns the folder's on-disk format that import, demo and propose write.
//! - [`roads`] — road files (OSM PBF, shapefile, GeoJSON) through the car profile.
//! - [`routing`] — road graph, contraction hierarchy, snapping, prepared roads and their cache.
//! - [`check`] — adjacency, footprints, contiguity, dissolve, bands and their findings.
//! - [`analyse`] — hubs, staff tours, patients' drive times, accessibility.
//! - [`settings`] — every setting of `check` and `analyse` declared once: key, flag, default, rule.
//! - [`pipeline`] — the stage order of every command, and the one [`pipeline::Run`] outputs read.
//! - [`output`] — every file written (GeoJSON, CSV, report.json, maps), atomically.
//! - [`transit`] — public transport: GTFS timetables, the walking network, RAPTOR journeys.
//! - [`whatif`] — edited scenarios re-run incrementally, with a before/after diff.
//! - [`propose`] — proposed footprints: seeded annealing and the fewest-moves repair.
//! - [`import`] — the national NHS/ONS/OS files into a dataset folder.
//! - [`demo`] — the synthetic demo county, Demoshire.

pub mod analyse;
pub mod check;
pub mod coords;
pub mod demo;
pub mod findings;
pub mod import;
pub mod load;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod propose;
pub mod rng;
pub mod roads;
pub mod routing;
pub mod safe_text;
pub mod settings;
pub mod spatial;
pub mod stages;
pub mod transit;
pub mod whatif;
