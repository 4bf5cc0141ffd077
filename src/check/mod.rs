//! `check`: adjacency, footprints, contiguity, coverage and population bands.

pub mod adjacency;
pub mod contiguity;
pub mod dissolve;
pub mod footprint;
pub mod road_links;
pub mod run;
pub mod sliver;
