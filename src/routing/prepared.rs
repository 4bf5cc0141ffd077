//! Prepared roads: the routing graph, its contraction hierarchy and its
//! snap index, built by one function from a [`RoadNetwork`] and owned
//! together, so a command builds them once and hands them on (or reads
//! them from the on-disk [`cache`](super::cache)). Queries go through two
//! cheap borrowed views, [`Router`] and [`Snapper`].
//!
//! The slower scenario is the same roads with every road speed scaled:
//! [`PreparedRoads::slower`] builds its graph as [`RoadGraph::build`] does
//! (so every weight is exactly what a fresh build gives), and when its
//! edges are the free-flow graph's (they are unless the scaling changes
//! which of two parallel roads is faster) contracts it in the free-flow
//! hierarchy's order instead of searching for an order again, and shares
//! the snap index when the geometry is the same.

use std::sync::Arc;

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
}

impl PreparedRoads {
    /// Build the graph from `net`, prepare its hierarchy and index it for
    /// snapping (stages `graph`, `prepare`, `snap-index`) — or read them
    /// from `cache` when it holds them, and write them there when not.
    pub fn build(
        net: &RoadNetwork,
        graph_options: &GraphOptions,
        snap_options: SnapOptions,
        cache: Option<&RoadCache>,
        stages: &impl Stages,
    ) -> PreparedRoads {
        if let Some(roads) = cache.and_then(|c| c.load(graph_options, snap_options, stages)) {
            return roads;
        }
        let roads = Self::prepare(net, graph_options, snap_options, stages);
        if let Some(c) = cache {
            c.save(&roads, stages);
        }
        roads
    }

    fn prepare(
        net: &RoadNetwork,
        graph_options: &GraphOptions,
        snap_options: SnapOptions,
        stages: &impl Stages,
    ) -> PreparedRoads {
        let (graph, graph_report) = stages.stage("graph", || RoadGraph::build(net, graph_options));
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
        }
    }

    /// The slower scenario: `net` (the network these roads were built
    /// from) with every road speed times `factor`, built as
    /// [`RoadGraph::build`] builds it and contracted in this hierarchy's
    /// order when the edges are the same (stages `slow-net`, `slow-graph`,
    /// `slow-prepare`). When they differ it is prepared from scratch and
    /// a notice says so. Read from `cache` when it holds it, and written
    /// there when not.
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
        let slow_net = stages.stage("slow-net", || net.with_speed_factor(factor));
        let (graph, graph_report) = stages.stage("slow-graph", || {
            RoadGraph::build(&slow_net, &self.graph_options)
        });
        drop(slow_net);
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
                Hierarchy::prepare_with_order(&graph, self.hierarchy.order()).ok()
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
