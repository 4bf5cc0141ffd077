//! Roads from GeoJSON: LineString and MultiLineString features with OSM-style
//! properties (`highway`, `maxspeed`, `oneway`, `junction`, access tags,
//! `route=ferry` + `duration`, `name`, `ref`) and/or `speed_kph`, which when
//! present overrides the class default (alone it makes a road of class
//! `other`). Lines meet only where they share a vertex with identical input
//! coordinates. WGS84 unless the legacy `crs` member says EPSG:27700.

use super::rules::WayRules;
use super::{CoordNetworkBuilder, RoadsReport, classify_counted};
use crate::load::geojson::{Geometry, read_feature_collection, value_text};
use crate::load::text::sha256_hex;
use crate::model::InputFile;
use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};
use std::path::Path;

/// Load a GeoJSON road file. An error is one line with control characters
/// escaped.
pub fn load_geojson(
    path: &Path,
    profile: &impl WayRules,
) -> Result<(super::RoadNetwork, RoadsReport)> {
    read_geojson(path, profile).map_err(crate::load::text::plain_error)
}

fn read_geojson(path: &Path, profile: &impl WayRules) -> Result<(super::RoadNetwork, RoadsReport)> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let fc = read_feature_collection(path, &bytes)?;
    let input = InputFile {
        role: "roads".into(),
        path: path.display().to_string(),
        sha256: sha256_hex(&bytes),
        rows: fc.features.len() as u64,
        ..Default::default()
    };
    drop(bytes);
    let mut report = RoadsReport::new(input, "geojson", profile.car_profile());
    let mut b = CoordNetworkBuilder::new();
    for (i, f) in fc.features.iter().enumerate() {
        let parts: Vec<&Vec<crate::load::geojson::Position>> = match &f.geometry {
            Some(Geometry::LineString { coordinates }) => vec![coordinates],
            Some(Geometry::MultiLineString { coordinates }) => coordinates.iter().collect(),
            Some(_) | None => {
                match super::places::geojson_place(f, fc.crs).with_context(|| {
                    feature_label(path, i, f.properties.as_ref().unwrap_or(&Map::new()))
                })? {
                    Some(p) => report.places.push(p),
                    None => report.count("features_not_lines", 1),
                }
                continue;
            }
        };
        report.ways_read += 1;
        let empty = Map::new();
        let props = f.properties.as_ref().unwrap_or(&empty);
        let at = || feature_label(path, i, props);
        let tags: Vec<(String, String)> = props
            .iter()
            .filter_map(|(k, v)| value_text(v).map(|t| (k.to_ascii_lowercase(), t)))
            .collect();
        let speed = speed_kph(props).with_context(at)?;
        let tag = |k: &str| tags.iter().find(|(kk, _)| kk == k).map(|(_, v)| v.as_str());
        let Some(attrs) = classify_counted(profile, tag, speed, &mut report) else {
            continue;
        };
        for part in parts {
            let coords: Vec<[f64; 2]> = part.iter().map(|p| p.0).collect();
            b.add_checked(i as i64, &attrs, &coords, fc.crs, &mut report)
                .with_context(at)?;
        }
    }
    let mut net = b.finish();
    report.finish(&mut net);
    super::places::sort(&mut report.places);
    Ok((net, report))
}

/// `file: feature N (name)` for error messages.
fn feature_label(path: &Path, i: usize, props: &Map<String, Value>) -> String {
    let name = props
        .get("name")
        .or_else(|| props.get("ref"))
        .and_then(value_text)
        .map(|n| format!(" ({})", crate::load::text::show(&n)))
        .unwrap_or_default();
    format!("{}: feature {}{name}", path.display(), i)
}

/// An explicit `speed_kph`: a number (or numeric text) above 0, or absent.
fn speed_kph(props: &Map<String, Value>) -> Result<Option<f64>> {
    let Some((_, v)) = props
        .iter()
        .find(|(k, v)| k.eq_ignore_ascii_case("speed_kph") && !v.is_null())
    else {
        return Ok(None);
    };
    let n = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) if s.trim().is_empty() => return Ok(None),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match n {
        Some(x) if x.is_finite() && x > 0.0 => Ok(Some(x)),
        _ => bail!("speed_kph = {v} is not a speed in km/h above 0"),
    }
}
