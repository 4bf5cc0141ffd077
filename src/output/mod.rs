//! Writing results: atomic output folders, GeoJSON, CSV and JSON reports,
//! and the maps (`map.html`, `map.svg`, `map.png`). Output reads the
//! results of the stages; no stage imports it.

pub mod access;
pub mod atomic;
pub mod check;
pub mod diff;
pub mod drive;
pub mod findings_table;
pub mod geojson;
pub mod gpkg;
pub mod icb_summary;
pub mod journey;
pub mod map;
pub mod pcn_summary;
pub mod propose;
pub mod roads;
pub mod sites;
pub mod staff_matrix;
pub mod summary;
pub mod table;
pub mod transit;
pub mod xlsx;
