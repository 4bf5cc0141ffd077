//! Test-only helpers shared by the integration tests and benches.
pub mod lsoa;
