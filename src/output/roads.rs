//! `pcn-atlas roads` outputs: the loaded network as GeoJSON (one LineString
//! per way, WGS84, in load order, so the same input gives the same bytes)
//! and the load report as JSON.

use super::atomic::Staging;
use super::geojson::{FeatureWriter, linestring_json};
use crate::roads::RoadsReport;
use crate::roads::network::{Direction, RoadClass, RoadNetwork};
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

/// Write `roads.geojson` and `roads_report.json` into `out`, atomically.
pub fn write_roads(out: &Path, net: &RoadNetwork, report: &RoadsReport) -> Result<Vec<PathBuf>> {
    let mut s = Staging::new(out)?;
    s.write("roads.geojson", |w| write_roads_geojson(w, net).map(|_| ()))?;
    let mut json = serde_json::to_vec_pretty(report)?;
    json.push(b'\n');
    s.write_bytes("roads_report.json", &json)?;
    s.commit()
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
