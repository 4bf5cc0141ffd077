//! Routing: the directed road graph built from a [`crate::roads::network::RoadNetwork`]
//! ([`graph`]), snapping points onto it ([`snap`]), the plain Dijkstra kept
//! as the reference ([`dijkstra`]), the contraction hierarchy that answers
//! many-to-many matrices fast ([`ch`]), all three built once and owned
//! together as [`PreparedRoads`] ([`prepared`]). A synthetic England-scale
//! network for benchmarks (`synthetic`) is compiled only for tests and with
//! the cargo feature `synthetic` (the England example and the routing bench).
//!
//! Weights are integer milliseconds (`u32` per edge, `u64` sums) so every
//! method gives bit-identical answers whatever the order of summation or the
//! thread count; see `docs/routing.md`.

pub mod cache;
pub mod ch;
pub mod dijkstra;
pub mod export;
pub mod graph;
pub mod prepared;
pub mod snap;
#[cfg(any(test, feature = "synthetic"))]
pub mod synthetic;
#[cfg(test)]
mod tests;

pub use cache::RoadCache;
pub use ch::{Hierarchy, Matrix, Path, PrepareReport, Router};
pub use graph::{GraphOptions, GraphReport, RoadGraph};
pub use prepared::{Preparation, PreparedRoads};
pub use snap::{Anchor, Snap, SnapIndex, SnapOptions, Snapper};

/// Distance value for "not reached" in millisecond arrays.
pub const UNREACHED_MS: u64 = u64::MAX;
