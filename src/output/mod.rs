//! Writing results: atomic output folders, GeoJSON, CSV and JSON reports.

pub mod access;
pub mod atomic;
pub mod check;
pub mod drive;
pub mod geojson;
pub mod pcn_summary;
pub mod propose;
pub mod roads;
pub mod summary;
pub mod table;
