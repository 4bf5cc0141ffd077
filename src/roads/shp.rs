//! Roads from the Geofabrik "free" shapefile road layer
//! (`gis_osm_roads_free_1.shp`): fields `osm_id`, `fclass`, `name`, `ref`,
//! `oneway` (`F` forward, `T` backward, `B` both), `maxspeed` (km/h, 0 =
//! unknown), `layer`, `bridge`, `tunnel`. The `.prj` says WGS84 or British
//! National Grid. Geofabrik `fclass` values map to OSM `highway` values
//! ([`highway_for_fclass`]) and then go through the same car profile as OSM.
//! Lines meet only where they share a vertex with identical input coordinates.

use super::rules::WayRules;
use super::{CoordNetworkBuilder, RoadNetwork, RoadsReport, classify_counted};
use crate::load::shp::{for_each_shape, read_prj};
use crate::load::text::sha256_hex;
use crate::model::InputFile;
use anyhow::{Context, Result, anyhow};
use shapefile::dbase::{FieldValue, Record};
use shapefile::{Point, Shape};
use std::path::Path;

/// The OSM `highway` value for a Geofabrik `fclass`, or `None` for classes no
/// car uses (`footway`, `path`, `cycleway`, `bridleway`, `steps`,
/// `pedestrian`, `busway`, `unknown`, ...). `track_grade1`..`track_grade5`
/// are tracks (`tracktype=grade1`..`grade5`).
pub fn highway_for_fclass(fclass: &str) -> Option<&'static str> {
    use super::network::RoadClass;
    if fclass.starts_with("track_grade") {
        return Some("track");
    }
    RoadClass::parse(fclass)
        .filter(|c| !matches!(c, RoadClass::Other | RoadClass::Ferry))
        .map(RoadClass::as_str)
}

pub(crate) fn text(r: &Record, field: &str) -> Option<String> {
    match r.get(field)? {
        FieldValue::Character(Some(s)) | FieldValue::Memo(s) => {
            let t = s.trim();
            (!t.is_empty()).then(|| t.to_string())
        }
        FieldValue::Numeric(Some(v)) => Some(v.to_string()),
        FieldValue::Integer(v) => Some(v.to_string()),
        FieldValue::Double(v) | FieldValue::Currency(v) => Some(v.to_string()),
        FieldValue::Float(Some(v)) => Some(v.to_string()),
        _ => None,
    }
}

/// Load the Geofabrik shapefile road layer.
pub fn load_shp(path: &Path, profile: &impl WayRules) -> Result<(RoadNetwork, RoadsReport)> {
    let crs = read_prj(path)?;
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let sha256 = sha256_hex(&bytes);
    drop(bytes);
    let mut report = RoadsReport::new(
        InputFile {
            role: "roads".into(),
            path: path.display().to_string(),
            sha256,
            rows: 0,
            ..Default::default()
        },
        "shapefile",
        profile.car_profile(),
    );
    let mut b = CoordNetworkBuilder::new();
    let records = for_each_shape(path, |i, shape, record| {
        let at = || format!("{}: record {}", path.display(), i + 1);
        let parts: Vec<Vec<[f64; 2]>> = match shape {
            Shape::Polyline(p) => xy_parts(p.parts(), |q: &Point| [q.x, q.y]),
            Shape::PolylineM(p) => xy_parts(p.parts(), |q| [q.x, q.y]),
            Shape::PolylineZ(p) => xy_parts(p.parts(), |q| [q.x, q.y]),
            Shape::NullShape => {
                report.count("null_shapes", 1);
                return Ok(());
            }
            other => {
                return Err(anyhow!(
                    "expected a line (PolyLine) shape, found {}",
                    other.shapetype()
                ))
                .with_context(at);
            }
        };
        report.ways_read += 1;
        let fclass = text(&record, "fclass").unwrap_or_default();
        let highway = highway_for_fclass(&fclass);
        if highway.is_none() {
            report.count(&format!("fclass_not_for_cars:{fclass}"), 1);
        }
        let oneway = text(&record, "oneway");
        // Geofabrik writes 0 for an unknown maxspeed.
        let maxspeed = text(&record, "maxspeed").filter(|m| m.parse::<f64>() != Ok(0.0));
        let name = text(&record, "name");
        let rf = text(&record, "ref");
        let tag = |k: &str| match k {
            "highway" => highway,
            "oneway" => oneway.as_deref(),
            "maxspeed" => maxspeed.as_deref(),
            "name" => name.as_deref(),
            "ref" => rf.as_deref(),
            _ => None,
        };
        let Some(attrs) = classify_counted(profile, tag, None, &mut report) else {
            return Ok(());
        };
        for part in parts {
            b.add_checked(i as i64, &attrs, &part, crs, &mut report)
                .with_context(at)?;
        }
        Ok(())
    })
    .map_err(crate::load::text::plain_error)?;
    report.input.rows = records;
    let mut net = b.finish();
    report.finish(&mut net);
    Ok((net, report))
}

fn xy_parts<P>(parts: &[Vec<P>], xy: impl Fn(&P) -> [f64; 2]) -> Vec<Vec<[f64; 2]>> {
    parts.iter().map(|p| p.iter().map(&xy).collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fclass_mapping() {
        assert_eq!(highway_for_fclass("motorway_link"), Some("motorway_link"));
        assert_eq!(highway_for_fclass("track_grade3"), Some("track"));
        assert_eq!(highway_for_fclass("unclassified"), Some("unclassified"));
        for no in ["footway", "path", "unknown", "steps", "ferry", "other", ""] {
            assert_eq!(highway_for_fclass(no), None, "{no}");
        }
    }
}
