//! `pcn-atlas roads` and `pcn-atlas route` outputs: the loaded network as
//! GeoJSON (one LineString per way, WGS84, in load order, so the same input
//! gives the same bytes), the contracted routing graph as GeoJSON (one
//! LineString per edge, two-way roads once), the load and graph reports as
//! JSON, and one route with its snap legs.

use super::atomic::Staging;
use super::geojson::point_json;
use super::geojson::{FeatureWriter, linestring_json};
use crate::coords::bng_to_wgs84;
use crate::roads::RoadsReport;
use crate::roads::network::{Direction, RoadClass, RoadNetwork};
use crate::routing::graph::NO_EDGE;
use crate::routing::{GraphReport, Path as RoutePath, RoadGraph, Snap};
use anyhow::Result;
use geo::{Coord, LineString};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Serialize)]
struct WayProps<'a> {
    id: i64,
    class: RoadClass,
    speed_kph: f64,
    direction: Direction,
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed_seconds: Option<f64>,
    length_m: f64,
    name: &'a str,
}

fn round(v: f64, places: i32) -> f64 {
    let k = 10f64.powi(places);
    (v * k).round() / k
}

/// Write the network as a GeoJSON FeatureCollection.
pub fn write_roads_geojson<W: Write>(w: &mut W, net: &RoadNetwork) -> Result<usize> {
    let mut fw = FeatureWriter::new(w, "roads")?;
    for way in &net.ways {
        let ls = LineString(
            way.nodes
                .iter()
                .map(|&v| {
                    let [x, y] = net.nodes[v as usize];
                    Coord { x, y }
                })
                .collect(),
        );
        let props = WayProps {
            id: way.id,
            class: way.class,
            speed_kph: round(way.speed_kph, 3),
            direction: way.direction,
            fixed_seconds: way.fixed_seconds.map(|s| round(s, 3)),
            length_m: round(net.way_metres(way), 2),
            name: &way.name,
        };
        fw.feature(&props, &linestring_json(&ls))?;
    }
    fw.finish()
}

#[derive(Serialize)]
struct EdgeProps {
    edge: u32,
    /// The edge along the same road the other way, when the road is two-way
    /// (written once, in the direction of the lower edge id).
    #[serde(skip_serializing_if = "Option::is_none")]
    reverse_edge: Option<u32>,
    two_way: bool,
    tail: u32,
    head: u32,
    seconds: f64,
    metres: f64,
}

/// Write the contracted routing graph as a GeoJSON FeatureCollection: one
/// LineString per edge from tail to head, a two-way road once (its lower
/// edge id), with seconds (from the integer milliseconds) and metres.
pub fn write_graph_geojson<W: Write>(w: &mut W, g: &RoadGraph) -> Result<usize> {
    let mut fw = FeatureWriter::new(w, "graph")?;
    for e in 0..g.edge_count() as u32 {
        let r = g.reverse[e as usize];
        if r != NO_EDGE && r < e {
            continue;
        }
        let ls = LineString(g.geom_xy[g.geom_range(e)].iter().map(|&p| xy(p)).collect());
        let props = EdgeProps {
            edge: e,
            reverse_edge: (r != NO_EDGE).then_some(r),
            two_way: r != NO_EDGE,
            tail: g.tail[e as usize],
            head: g.head[e as usize],
            seconds: g.weight_ms[e as usize] as f64 / 1000.0,
            metres: round(g.length_m[e as usize], 2),
        };
        fw.feature(&props, &linestring_json(&ls))?;
    }
    fw.finish()
}

/// `roads_report.json`: the load report with the graph report beside it.
#[derive(Serialize)]
struct RoadsReportJson<'a> {
    #[serde(flatten)]
    roads: &'a RoadsReport,
    graph: &'a GraphReport,
}

/// Write `roads.geojson`, `roads_report.json` (load and graph reports) and,
/// when `graph` is given, `graph.geojson` into `out`, atomically.
pub fn write_roads(
    out: &Path,
    net: &RoadNetwork,
    report: &RoadsReport,
    graph_report: &GraphReport,
    graph: Option<&RoadGraph>,
) -> Result<Vec<PathBuf>> {
    let mut s = Staging::new(out)?;
    s.write("roads.geojson", |w| write_roads_geojson(w, net).map(|_| ()))?;
    if let Some(g) = graph {
        s.write("graph.geojson", |w| write_graph_geojson(w, g).map(|_| ()))?;
    }
    let mut json = serde_json::to_vec_pretty(&RoadsReportJson {
        roads: report,
        graph: graph_report,
    })?;
    json.push(b'\n');
    s.write_bytes("roads_report.json", &json)?;
    s.commit()
}

/// The graph statistics `pcn-atlas roads` prints after the load summary.
pub fn graph_summary(r: &GraphReport) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "graph: {} nodes, {} edges after contracting {} pass-through nodes \
         ({} kept as junctions to split loops or parallel chains)",
        r.nodes, r.edges, r.pass_through_nodes, r.split_nodes
    );
    let _ = writeln!(
        s,
        "  {} directed segments ({} parallel dropped, {} zero-length, {} invalid ways)",
        r.directed_segments, r.parallel_segments_dropped, r.zero_segments, r.invalid_ways
    );
    let _ = writeln!(
        s,
        "  {} strongly connected components; largest {} nodes kept",
        r.components, r.largest_component_nodes
    );
    let _ = writeln!(
        s,
        "  kept {:.1} km; discarded {} components, {} nodes, {} directed segments, {:.1} km",
        r.kept_km,
        r.discarded_components,
        r.discarded_nodes,
        r.discarded_directed_segments,
        r.discarded_km
    );
    if r.parallel_edges_kept > 0 {
        let _ = writeln!(
            s,
            "  {} slower parallel edges kept beside a faster chain (for snapping)",
            r.parallel_edges_kept
        );
    }
    s
}

fn xy(p: [f64; 2]) -> Coord<f64> {
    Coord { x: p[0], y: p[1] }
}

/// One routed origin–destination pair, for `pcn-atlas route`.
#[derive(Clone, Debug)]
pub struct RouteResult {
    pub from_label: String,
    pub to_label: String,
    pub from: Snap,
    pub to: Snap,
    pub path: RoutePath,
}

impl RouteResult {
    /// Straight-line kilometres between the two input points.
    pub fn straight_km(&self) -> f64 {
        let (a, b) = (self.from.point, self.to.point);
        (a[0] - b[0]).hypot(a[1] - b[1]) / 1000.0
    }

    /// The part of the path along roads (without the off-road legs).
    pub fn road_coords(&self) -> Vec<[f64; 2]> {
        let mut c: &[[f64; 2]] = &self.path.coords;
        if c.len() > 1 && c[0] == self.from.point && self.from.point != self.from.on_road {
            c = &c[1..];
        }
        if c.len() > 1 && c[c.len() - 1] == self.to.point && self.to.point != self.to.on_road {
            c = &c[..c.len() - 1];
        }
        let mut v = c.to_vec();
        if v.len() == 1 {
            v.push(v[0]);
        }
        v
    }
}

/// Lines printed by `pcn-atlas route`.
pub fn route_summary(r: &RouteResult) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    for (role, label, snap) in [("from", &r.from_label, &r.from), ("to", &r.to_label, &r.to)] {
        let (lon, lat) = bng_to_wgs84(xy(snap.on_road));
        let _ = writeln!(
            s,
            "{role:<4} {label}: snapped {:.1} m to the road at {lon:.6},{lat:.6} ({:.1} s off-road)",
            snap.snap_m, snap.off_road_s
        );
    }
    let _ = writeln!(
        s,
        "drive time {:.2} min; road {:.2} km; straight line {:.2} km",
        r.path.seconds / 60.0,
        r.path.metres / 1000.0,
        r.straight_km()
    );
    s
}

#[derive(Serialize)]
struct RouteProps<'a> {
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    minutes: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    km: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    straight_km: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snap_m: Option<f64>,
}

/// The route as a GeoJSON FeatureCollection (WGS84): the road path
/// (`kind` `route`, minutes and km including the off-road legs' time but
/// only road km), the two snap legs (`snap_from`, `snap_to`: the straight
/// off-road line, its metres and minutes) and the two input points.
pub fn write_route_geojson<W: Write>(w: &mut W, r: &RouteResult) -> Result<usize> {
    let mut fw = FeatureWriter::new(w, "route")?;
    let none = RouteProps {
        kind: "",
        label: None,
        minutes: None,
        km: None,
        straight_km: None,
        snap_m: None,
    };
    let road = LineString(r.road_coords().into_iter().map(xy).collect());
    fw.feature(
        &RouteProps {
            kind: "route",
            minutes: Some(round(r.path.seconds / 60.0, 3)),
            km: Some(round(r.path.metres / 1000.0, 3)),
            straight_km: Some(round(r.straight_km(), 3)),
            ..none
        },
        &linestring_json(&road),
    )?;
    for (kind, label, snap) in [
        ("snap_from", &r.from_label, &r.from),
        ("snap_to", &r.to_label, &r.to),
    ] {
        let leg = LineString(vec![xy(snap.point), xy(snap.on_road)]);
        fw.feature(
            &RouteProps {
                kind,
                label: Some(label),
                minutes: Some(round(snap.off_road_s / 60.0, 3)),
                km: Some(round(snap.snap_m / 1000.0, 4)),
                snap_m: Some(round(snap.snap_m, 1)),
                ..none
            },
            &linestring_json(&leg),
        )?;
    }
    for (kind, label, snap) in [("from", &r.from_label, &r.from), ("to", &r.to_label, &r.to)] {
        fw.feature(
            &RouteProps {
                kind,
                label: Some(label),
                snap_m: Some(round(snap.snap_m, 1)),
                ..none
            },
            &point_json(xy(snap.point)),
        )?;
    }
    fw.finish()
}

/// Write the route GeoJSON to `file`, atomically (a temporary file beside
/// it, renamed over it: the folder around it is not replaced).
pub fn write_route(file: &Path, r: &RouteResult) -> Result<PathBuf> {
    super::atomic::write_file(file, |w| write_route_geojson(w, r).map(|_| ()))
}

/// The summary `pcn-atlas roads` prints.
pub fn roads_summary(r: &RoadsReport) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} ({}): {} ways read, {} kept; {} nodes ({} junctions); {:.1} km",
        r.input.path, r.format, r.ways_read, r.ways_kept, r.nodes, r.junctions, r.total_km
    );
    let _ = writeln!(s, "km by class:");
    for c in RoadClass::ALL {
        if let Some(km) = r.km_by_class.get(c.as_str()) {
            let n = r.ways_by_class.get(c.as_str()).copied().unwrap_or(0);
            let _ = writeln!(s, "  {:<15} {:>10.1} km {:>8} ways", c.as_str(), km, n);
        }
    }
    let excluded: u64 = r.excluded.values().sum();
    let _ = writeln!(s, "excluded: {excluded} ways");
    for (k, v) in &r.excluded {
        let _ = writeln!(s, "  {k:<30} {v:>8}");
    }
    let notes: Vec<_> = r.counts.iter().filter(|(k, _)| !k.contains(':')).collect();
    if !notes.is_empty() {
        let _ = writeln!(s, "notes:");
        for (k, v) in notes {
            let _ = writeln!(s, "  {k:<30} {v:>8}");
        }
    }
    s
}
