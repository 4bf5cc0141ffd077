//! Loading a dataset from real public formats into the [`crate::model`].

pub mod areas;
pub mod codepoint;
pub mod columns;
pub mod dataset;
pub mod geojson;
pub mod practices;
pub mod registrations;
pub mod shp;
pub mod table;
pub mod text;
pub mod validity;
