//! Routing: the directed road graph built from a [`crate::roads::network::RoadNetwork`]
//! ([`graph`]), snapping points onto it ([`snap`]), the plain Dijkstra kept
//! as the reference ([`dijkstra`]), the contraction hierarchy that answers
//! many-to-many matrices fast ([`ch`]), and a synthetic England-scale
//! network for benchmarks ([`synthetic`]).
//!
//! Weights are integer milliseconds (`u32` per edge, `u64` sums) so every
//! method gives bit-identical answers whatever the order of summation or the
//! thread count; see `docs/routing.md`.

pub mod ch;
pub mod dijkstra;
pub mod export;
pub mod graph;
pub mod snap;
pub mod synthetic;
#[cfg(test)]
mod tests;

pub use ch::{Matrix, Path, Router};
pub use graph::{GraphOptions, GraphReport, RoadGraph};
pub use snap::{Anchor, Snap, SnapOptions, Snapper};

/// Distance value for "not reached" in millisecond arrays.
pub const UNREACHED_MS: u64 = u64::MAX;
