//! `pcn-atlas what-if`: apply edits to a dataset (move a practice or an
//! area to another PCN, add or close a practice, merge PCNs), re-run only
//! what the edits touch, and compare the edited scenario with the baseline.
//!
//! [`edits`] reads the edits from flags or a TOML file; [`apply`] builds the
//! edited dataset; [`run`] runs both scenarios through the pipeline, reusing
//! the baseline for every PCN whose inputs did not change;
//! [`crate::output::diff`] writes `diff.csv` and `diff.geojson`.
//! docs/what-if.md documents all of it.

pub mod apply;
pub mod edits;
pub mod run;
