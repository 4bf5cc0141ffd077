//! `check`: adjacency, footprints, contiguity, coverage and population bands.

pub mod contiguity;
pub mod dissolve;
pub mod footprint;
