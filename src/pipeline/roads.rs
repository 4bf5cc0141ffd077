//! The roads a run drives on: prepared once (graph, contraction hierarchy,
//! snapper), the slower scenario's prepared on first use and shared by
//! every scenario of the command.

use crate::roads::network::RoadNetwork;
use crate::routing::{GraphOptions, PreparedRoads, RoadCache, Snap, SnapOptions};
use crate::stages::Stages;
use anyhow::{Result, bail};
use geo::Coord;
use std::sync::OnceLock;

/// The JSON reports of the roads, echoed in `report.json`'s `drive` section.
#[derive(Clone, Debug)]
pub struct RoadReports {
    /// The car profile.
    pub profile: serde_json::Value,
    /// The road loader's report.
    pub roads: serde_json::Value,
    /// The road graph's report.
    pub graph: serde_json::Value,
    /// The contraction hierarchy's preparation report.
    pub prepare: serde_json::Value,
}

/// Prepared roads for one command.
pub struct Roads<'a> {
    pub net: &'a RoadNetwork,
    pub prepared: PreparedRoads,
    pub reports: RoadReports,
    /// Speed factor of the slower scenario (< 1), if any.
    pub slow_factor: Option<f64>,
    slow: OnceLock<PreparedRoads>,
    cache: Option<RoadCache>,
}

/// How to prepare [`Roads`].
pub struct RoadsSpec<'a> {
    pub net: &'a RoadNetwork,
    /// The road file, named in errors.
    pub name: String,
    pub snap: SnapOptions,
    /// The slower scenario's speed factor; 1 (or more) turns it off.
    pub slow_factor: f64,
    pub cache: Option<RoadCache>,
    pub profile: serde_json::Value,
    pub roads_report: serde_json::Value,
}

impl<'a> Roads<'a> {
    /// Build (or load from the cache) the graph, hierarchy and snapper.
    /// Fails when no road is usable by a car.
    pub fn prepare(spec: RoadsSpec<'a>, stages: &impl Stages) -> Result<Roads<'a>> {
        let slow_factor = (spec.slow_factor < 1.0).then_some(spec.slow_factor);
        let prepared = PreparedRoads::build(
            spec.net,
            &GraphOptions::default(),
            spec.snap,
            slow_factor,
            spec.cache.as_ref(),
            stages,
        );
        if prepared.graph.node_count() == 0 {
            bail!(
                "{}: no usable roads for a car (see roads_report in `pcn-atlas roads --roads {}`)",
                spec.name,
                spec.name
            );
        }
        let reports = RoadReports {
            profile: spec.profile,
            roads: spec.roads_report,
            graph: serde_json::to_value(&prepared.graph_report)?,
            prepare: serde_json::to_value(&prepared.hierarchy.report)?,
        };
        Ok(Roads {
            net: spec.net,
            prepared,
            reports,
            slow_factor,
            slow: OnceLock::new(),
            cache: spec.cache,
        })
    }

    /// The slower scenario's roads, prepared on first use.
    pub fn slow(&self, stages: &impl Stages) -> Option<&PreparedRoads> {
        let factor = self.slow_factor?;
        Some(self.slow.get_or_init(|| {
            self.prepared
                .slower(self.net, factor, self.cache.as_ref(), stages)
        }))
    }

    /// Drive times in seconds from one point to several (BNG metres), each
    /// snapped as a site is; `f64::INFINITY` where a point does not snap or
    /// there is no route. Used to re-allocate a closed practice's patients.
    pub fn times_from(&self, from: Coord<f64>, to: &[Coord<f64>]) -> Vec<f64> {
        let snapper = self.prepared.snapper();
        let Some(a) = snapper.snap([from.x, from.y]) else {
            return vec![f64::INFINITY; to.len()];
        };
        let snaps: Vec<Option<Snap>> = to.iter().map(|c| snapper.snap([c.x, c.y])).collect();
        let ok: Vec<Snap> = snaps.iter().flatten().cloned().collect();
        let m = self.prepared.router().matrix(std::slice::from_ref(&a), &ok);
        let mut k = 0;
        snaps
            .iter()
            .map(|s| match s {
                Some(_) => {
                    k += 1;
                    m.get(0, k - 1)
                }
                None => f64::INFINITY,
            })
            .collect()
    }
}
