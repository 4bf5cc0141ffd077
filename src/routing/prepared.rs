//! Prepared roads: the routing graph, its contraction hierarchy and its
//! snap index, built by one function from a [`RoadNetwork`] and owned
//! together, so a command builds them once and hands them on (or reads
//! them from the on-disk [`cache`](super::cache)). Queries go through two
//! cheap borrowed views, [`Router`] and [`Snapper`].
//!
//! The slower scenario is the same roads with every road speed scaled.
//! Asked for at build time, its times are computed in the same pass as the
//! free-flow graph's ([`RoadGraph::build_with_slower`]: exactly the times a
//! fresh [`RoadGraph::build`] of the scaled network gives) and its graph
//! shares the free-flow layout; otherwise, or when the scaling lays the
//! graph out differently, [`PreparedRoads::slower`] builds it on its own.
//! When its edges are the free-flow graph's it is contracted in the
//! free-flow hierarchy's order instead of searching for an order again, and
//! it shares the snap index when the geometry is the same.

use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::cache::RoadCache;
use super::ch::{Hierarchy, Router};
use super::graph::{GraphOptions, GraphReport, RoadGraph};
use super::snap::{SnapIndex, SnapOptions, Snapper};
use crate::roads::network::RoadNetwork;
use crate::stages::Stages;

/// How a prepared hierarchy was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Preparation {
    /// Contracted in order of priority.
    Contracted,
    /// Contracted in the free-flow hierarchy's order (the same edges at
    /// other speeds), with witness searches on the new weights.
    ReusedOrder,
    /// The slower graph's edges differ from free flow's: contracted in
    /// order of priority from scratch.
    ContractedEdgesDiffer,
    /// Read from the on-disk cache.
    Cached,
}

/// The road graph with its hierarchy and snap index, ready for queries.
pub struct PreparedRoads {
    pub graph: RoadGraph,
    pub graph_report: GraphReport,
    pub hierarchy: Hierarchy,
    /// Shared with the slower scenario's when the geometry is the same.
    pub(super) snap_index: Arc<SnapIndex>,
    pub snap_options: SnapOptions,
    pub graph_options: GraphOptions,
    pub how: Preparation,
    /// The slower scenario's graph from the same build pass, and its
    /// factor, until [`PreparedRoads::slower`] takes it.
    pub(super) pending_slower: Mutex<Option<(f64, RoadGraph)>>,
}

impl PreparedRoads {
    /// Build the graph from `net`, prepare its hierarchy and index it for
    /// snapping (stages `graph`, `prepare`, `snap-index`) — or read them
    /// from `cache` when it holds them, and write them there when not.
    /// With `slow_factor`, the slower scenario's times are computed in the
    /// same pass, for [`PreparedRoads::slower`].
    pub fn build(
        net: &RoadNetwork,
        graph_options: &GraphOptions,
        snap_options: SnapOptions,
        slow_factor: Option<f64>,
        cache: Option<&RoadCache>,
        stages: &impl Stages,
    ) -> PreparedRoads {
        if let Some(roads) = cache.and_then(|c| c.load(graph_options, snap_options, stages)) {
            return roads;
        }
        let roads = Self::prepare(net, graph_options, snap_options, slow_factor, stages);
        if let Some(c) = cache {
            c.save(&roads, stages);
        }
        roads
    }

    fn prepare(
        net: &RoadNetwork,
        graph_options: &GraphOptions,
        snap_options: SnapOptions,
        slow_factor: Option<f64>,
        stages: &impl Stages,
    ) -> PreparedRoads {
        let (graph, graph_report, slower) = stages.stage("graph", || match slow_factor {
            Some(f) => RoadGraph::build_with_slower(net, graph_options, f),
            None => {
                let (g, r) = RoadGraph::build(net, graph_options);
                (g, r, None)
            }
        });
        let hierarchy = stages.stage("prepare", || Hierarchy::prepare(&graph));
        let snap_index = Arc::new(stages.stage("snap-index", || SnapIndex::new(&graph)));
        PreparedRoads {
            graph,
            graph_report,
            hierarchy,
            snap_index,
            snap_options,
            graph_options: graph_options.clone(),
            how: Preparation::Contracted,
            pending_slower: Mutex::new(slow_factor.zip(slower)),
        }
    }

    /// The slower scenario: `net` (the network these roads were built
    /// from) with every road speed times `factor` — the graph from the
    /// build pass when it was asked for there, else built as
    /// [`RoadGraph::build`] builds it (stages `slow-net`, `slow-graph`) —
    /// contracted in this hierarchy's order when the edges are the same
    /// (stage `slow-prepare`). When they differ it is prepared from scratch
    /// and a notice says so. Read from `cache` when it holds it, and
    /// written there when not.
    pub fn slower(
        &self,
        net: &RoadNetwork,
        factor: f64,
        cache: Option<&RoadCache>,
        stages: &impl Stages,
    ) -> PreparedRoads {
        if let Some(slow) = cache.and_then(|c| c.load_slower(self, factor, stages)) {
            return slow;
        }
        let pending = self
            .pending_slower
            .lock()
            .ok()
            .and_then(|mut p| p.take())
            .filter(|(f, _)| f.to_bits() == factor.to_bits());
        let (graph, graph_report) = match pending {
            // The same layout, so the same report.
            Some((_, g)) => (g, self.graph_report.clone()),
            None => {
                let slow_net = stages.stage("slow-net", || net.with_speed_factor(factor));
                stages.stage("slow-graph", || {
                    RoadGraph::build(&slow_net, &self.graph_options)
                })
            }
        };
        let slow = self.reweighted(graph, graph_report, stages);
        if slow.how == Preparation::ContractedEdgesDiffer {
            stages.notice(&format!(
                "slower scenario (speeds × {factor}): its graph's edges differ from free flow's, \
                 so its hierarchy was prepared from scratch"
            ));
        }
        if let Some(c) = cache {
            c.save_slower(self, &slow, factor, stages);
        }
        slow
    }

    /// Prepare `graph`, the same roads as this one at other speeds:
    /// contracted in this hierarchy's order when it has the same edges,
    /// sharing this snap index when it has the same geometry.
    pub fn reweighted(
        &self,
        graph: RoadGraph,
        graph_report: GraphReport,
        stages: &impl Stages,
    ) -> PreparedRoads {
        let reused = graph.same_edges(&self.graph).then(|| {
            stages.stage("slow-prepare", || {
                let free = &self.hierarchy;
                Hierarchy::prepare_with_rounds(&graph, free.order(), free.rounds()).ok()
            })
        });
        let (hierarchy, how) = match reused.flatten() {
            Some(h) => (h, Preparation::ReusedOrder),
            None => (
                stages.stage("slow-prepare", || Hierarchy::prepare(&graph)),
                Preparation::ContractedEdgesDiffer,
            ),
        };
        let snap_index = if graph.same_layout(&self.graph) {
            Arc::clone(&self.snap_index)
        } else {
            Arc::new(stages.stage("slow-snap-index", || SnapIndex::new(&graph)))
        };
        PreparedRoads {
            graph,
            graph_report,
            hierarchy,
            snap_index,
            snap_options: self.snap_options,
            graph_options: self.graph_options.clone(),
            how,
            pending_slower: Mutex::new(None),
        }
    }

    /// Drive-time queries on these roads.
    pub fn router(&self) -> Router<'_> {
        Router::new(&self.graph, &self.hierarchy)
    }

    /// Snapping points onto these roads.
    pub fn snapper(&self) -> Snapper<'_> {
        Snapper::new(&self.graph, &self.snap_index, self.snap_options)
    }

    /// Whether the snap index is shared with `other` (tests, benchmarks).
    pub fn shares_snap_index(&self, other: &PreparedRoads) -> bool {
        Arc::ptr_eq(&self.snap_index, &other.snap_index)
    }
}
