//! pcn-atlas: check NHS England primary care network footprints and measure
//! the drive-time burden they put on staff and patients.
//!
//! The modules follow the pipeline: [`load`] reads a dataset into the
//! [`model`]; [`check`] computes adjacency, footprints, contiguity and
//! population bands and their [`findings`]; [`output`] writes GeoJSON, CSV
//! and the JSON report. [`import`] builds a dataset folder from the national
//! NHS/ONS/OS files and [`demo`] generates the synthetic demo county.

pub mod analyse;
pub mod check;
pub mod coords;
pub mod demo;
pub mod findings;
pub mod import;
pub mod load;
pub mod map;
pub mod model;
pub mod output;
pub mod propose;
pub mod roads;
pub mod routing;
pub mod spatial;
pub mod stages;
pub mod whatif;
