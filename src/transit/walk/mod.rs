//! The walking network: the ways a pedestrian may use ([`profile`]), read
//! from the same OSM file as the roads, as a routing graph with its snap
//! index; and the walking times the journey planner needs ([`links`]):
//! from areas to stops (access), from stops to practices and hubs
//! (egress), between nearby stops (transfers) and walk-only journeys.
//!
//! Without a road file with footpaths (the demo's GeoJSON roads, Chester)
//! [`WalkNetwork::straight_line`] stands in: straight-line distance times a
//! detour factor at walking speed, named as such in the [`WalkReport`].
//! The defaults and their reasons are in `docs/public-transport.md`.

pub mod links;
pub mod profile;

pub use links::{Unsnapped, WalkLinks, walk_links};
pub use profile::FootProfile;

use crate::roads::RoadsReport;
use crate::roads::load_roads;
use crate::routing::{GraphOptions, GraphReport, RoadGraph, SnapIndex};
use anyhow::{Result, bail};
use serde::Serialize;
use std::path::Path;

/// Walking parameters. Times are walked at `speed_kph` (steps at half).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct WalkOptions {
    /// Walking speed, km/h (default 4.8: 3 mph, the DfT/TfL planning figure).
    pub speed_kph: f64,
    /// Longest access walk (area to stop) or egress walk (stop to practice or
    /// hub), minutes (default 20).
    pub max_walk_min: f64,
    /// Longest walk between two stops, metres (default 500), as walking
    /// time at `speed_kph` (steps count double).
    pub max_transfer_m: f64,
    /// Points further than this from every walkable way are unsnapped,
    /// metres (default 400).
    pub max_snap_m: f64,
    /// Straight-line fallback only: walked distance over straight-line
    /// distance (default 1.3).
    pub detour: f64,
    /// Longest walk-only journey considered, minutes (default 120).
    pub direct_max_min: f64,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            speed_kph: 4.8,
            max_walk_min: 20.0,
            max_transfer_m: 500.0,
            max_snap_m: 400.0,
            detour: 1.3,
            direct_max_min: 120.0,
        }
    }
}

impl WalkOptions {
    /// An error naming the first value out of its range: speed 1–10 km/h,
    /// detour 1–3, the rest finite and not negative.
    pub fn check(&self) -> Result<()> {
        let within = |what: &str, v: f64, lo: f64, hi: f64| {
            if v.is_finite() && (lo..=hi).contains(&v) {
                Ok(())
            } else {
                bail!("walking option {what} = {v}: must be in [{lo}, {hi}]")
            }
        };
        within("speed_kph", self.speed_kph, 1.0, 10.0)?;
        within("detour", self.detour, 1.0, 3.0)?;
        within("max_walk_min", self.max_walk_min, 0.0, 1440.0)?;
        within("max_transfer_m", self.max_transfer_m, 0.0, 100_000.0)?;
        within("max_snap_m", self.max_snap_m, 0.0, 100_000.0)?;
        within("direct_max_min", self.direct_max_min, 0.0, 1440.0)
    }

    /// Metres per second at `speed_kph`.
    pub fn speed_mps(&self) -> f64 {
        self.speed_kph / 3.6
    }
}

/// The walking network: a routing graph of the walkable ways, or the
/// straight-line stand-in.
pub struct WalkNetwork {
    /// `None` for the straight-line stand-in.
    graph: Option<(RoadGraph, SnapIndex)>,
    /// The options it was built with (its speed is the graph's).
    options: WalkOptions,
}

/// What the walking network was made of. `mode` is `osm` (walkable ways of
/// a road file) or `straight_line` (no road file with footpaths: distance
/// times `detour`).
#[derive(Clone, Debug, Serialize)]
pub struct WalkReport {
    pub mode: String,
    pub options: WalkOptions,
    /// Walking speed on steps, km/h.
    pub steps_kph: f64,
    /// The road loader's report with the walking rules: ways read, kept and
    /// excluded by reason (`motorway`, `foot_no`, `access`, ...), km by
    /// class (paths are `other`). `None` in straight-line mode.
    pub roads: Option<RoadsReport>,
    /// The graph build: components, nodes, edges. `None` in straight-line mode.
    pub graph: Option<GraphReport>,
    pub nodes: usize,
    pub edges: usize,
}

impl WalkNetwork {
    /// The walking network of a road file (`.osm.pbf`, `.shp`, `.geojson`,
    /// as for the car roads) under the walking rules of [`FootProfile`];
    /// only its largest connected part is kept.
    pub fn from_roads(path: &Path, opts: &WalkOptions) -> Result<(WalkNetwork, WalkReport)> {
        opts.check()?;
        let profile = FootProfile::new(opts.speed_kph);
        let (net, roads) = load_roads(path, &profile)?;
        if net.ways.is_empty() {
            bail!(
                "{}: no way a pedestrian may use ({} read)",
                path.display(),
                roads.ways_read
            );
        }
        let (graph, graph_report) = RoadGraph::build(&net, &GraphOptions::default());
        drop(net);
        let index = SnapIndex::new(&graph);
        let report = WalkReport {
            mode: "osm".into(),
            options: *opts,
            steps_kph: profile.steps_kph,
            roads: Some(roads),
            nodes: graph.node_count(),
            edges: graph.edge_count(),
            graph: Some(graph_report),
        };
        let walk = WalkNetwork {
            graph: Some((graph, index)),
            options: *opts,
        };
        Ok((walk, report))
    }

    /// The straight-line stand-in: distance times `opts.detour`, walked at
    /// `opts.speed_kph`; every point is "snapped". `opts` should have passed
    /// [`WalkOptions::check`].
    pub fn straight_line(opts: &WalkOptions) -> WalkNetwork {
        WalkNetwork {
            graph: None,
            options: *opts,
        }
    }

    /// The report of a straight-line network.
    pub fn straight_line_report(opts: &WalkOptions) -> WalkReport {
        WalkReport {
            mode: "straight_line".into(),
            options: *opts,
            steps_kph: opts.speed_kph,
            roads: None,
            graph: None,
            nodes: 0,
            edges: 0,
        }
    }

    /// The options the network was built with.
    pub fn options(&self) -> &WalkOptions {
        &self.options
    }

    /// The walking graph and its snap index (`None` in straight-line mode).
    pub fn graph(&self) -> Option<(&RoadGraph, &SnapIndex)> {
        self.graph.as_ref().map(|(g, i)| (g, i))
    }
}
