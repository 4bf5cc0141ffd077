//! Loading a dataset from real public formats into the [`crate::model`];
//! [`format`] owns the dataset folder's on-disk format that import, demo and
//! propose write.

pub mod areas;
pub mod codepoint;
pub mod columns;
pub mod dataset;
pub mod edition;
pub mod format;
pub mod geojson;
pub mod practices;
pub mod registrations;
pub mod shp;
pub mod sites;
pub mod sources;
pub mod table;
pub mod text;
pub mod validity;
pub mod vintage;
