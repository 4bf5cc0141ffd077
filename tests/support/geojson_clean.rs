//! Checks that a GeoJSON file we wrote opens cleanly (issue 15 item 6,
//! docs/output.md "GeoJSON"): RFC 7946 winding, one geometry type per
//! layer, counts as integers, every float within its documented decimals,
//! no `from`/`to` keys. Shared by `tests/outputs_clean.rs` and the national
//! run in `tests/real_data.rs`.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Twice the signed area of a ring in lon/lat (shoelace, relative to the
/// first vertex): positive when counter-clockwise.
pub fn signed_area2(ring: &[serde_json::Value]) -> f64 {
    let p: Vec<[f64; 2]> = ring
        .iter()
        .map(|q| [q[0].as_f64().unwrap(), q[1].as_f64().unwrap()])
        .collect();
    let [x0, y0] = p[0];
    p.windows(2)
        .map(|w| (w[0][0] - x0) * (w[1][1] - y0) - (w[1][0] - x0) * (w[0][1] - y0))
        .sum()
}

/// What one file holds, for the assertions.
#[derive(Debug, Default)]
pub struct Layer {
    pub features: usize,
    /// Geometry types, null geometries left out.
    pub types: BTreeSet<String>,
    pub null_geometries: usize,
    pub polygons: usize,
    pub rings: usize,
    /// Rings wound the wrong way, as `feature index: ring`.
    pub bad_winding: Vec<String>,
    /// Each feature's property keys, when all features have the same.
    pub keys: Option<Vec<String>>,
}

/// Read a FeatureCollection and check the winding of every ring.
pub fn read_layer(file: &Path) -> (Layer, serde_json::Value) {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file:?}: {e}"));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut l = Layer::default();
    let mut keysets: BTreeSet<Vec<String>> = BTreeSet::new();
    for (i, f) in v["features"].as_array().unwrap().iter().enumerate() {
        l.features += 1;
        keysets.insert(
            f["properties"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect(),
        );
        let g = &f["geometry"];
        if g.is_null() {
            l.null_geometries += 1;
            continue;
        }
        let t = g["type"].as_str().unwrap().to_string();
        if t == "MultiPolygon" {
            for poly in g["coordinates"].as_array().unwrap() {
                l.polygons += 1;
                for (k, ring) in poly.as_array().unwrap().iter().enumerate() {
                    l.rings += 1;
                    let a = signed_area2(ring.as_array().unwrap());
                    if (k == 0 && a <= 0.0) || (k > 0 && a >= 0.0) {
                        l.bad_winding.push(format!("feature {i} ring {k}: {a:e}"));
                    }
                }
            }
        }
        l.types.insert(t);
    }
    if keysets.len() == 1 {
        l.keys = keysets.into_iter().next();
    }
    (l, v)
}

/// Every `"key":number` in the properties of each feature line (features
/// are written one a line), with the number's text as written.
pub fn property_numbers(file: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut out = Vec::new();
    for line in text.lines().filter(|l| l.contains("\"type\":\"Feature\"")) {
        let start = line.find("\"properties\":").unwrap();
        let end = line.rfind(",\"geometry\":").unwrap();
        scan_numbers(&line[start..end], &mut out);
    }
    out
}

/// A tiny scanner of JSON text: strings skipped (escapes honoured), each
/// number recorded with the last key before it.
fn scan_numbers(s: &str, out: &mut Vec<(String, String)>) {
    let b = s.as_bytes();
    let (mut i, mut key, mut last_string) = (0, String::new(), String::new());
    while i < b.len() {
        match b[i] {
            b'"' => {
                let mut j = i + 1;
                while b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                last_string = s[i + 1..j].to_string();
                i = j + 1;
            }
            b':' => {
                key = last_string.clone();
                i += 1;
            }
            c if c == b'-' || c.is_ascii_digit() => {
                let j = (i..b.len())
                    .find(|&j| !matches!(b[j], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                    .unwrap_or(b.len());
                out.push((key.clone(), s[i..j].to_string()));
                i = j;
            }
            _ => i += 1,
        }
    }
}

/// Properties that are counts: written without a decimal point.
pub const INTEGER_KEYS: &[&str] = &[
    "practices",
    "list_size",
    "resident_population",
    "areas",
    "components",
    "population",
    "neighbours",
    "component",
    "practices_routable",
    "practices_unroutable",
    "visits_per_day",
    "patients",
    "patients_unroutable",
    "patient_minutes_per_1000",
    "residents",
    "areas_moved",
    "areas_other_network_nearer",
    // roads.geojson and graph.geojson
    "id",
    "edge",
    "reverse_edge",
    "tail",
    "head",
];

/// A property's name without what-if's `_before`/`_after` suffix.
fn base_key(key: &str) -> &str {
    key.strip_suffix("_before")
        .or_else(|| key.strip_suffix("_after"))
        .unwrap_or(key)
}

/// The documented decimals of a float property (docs/output.md), `None`
/// for a key that is not documented.
pub fn max_decimals(key: &str) -> Option<usize> {
    Some(match key {
        "snap_m" => 1,
        "length_m" | "metres" => 2,
        "speed_kph" | "fixed_seconds" | "seconds" => 3,
        "area_km2" => 3,
        "km" => 2,
        "slow_speed_factor" | "staff_tour_gap" => 4,
        k if k.contains("share") => 4,
        k if k.starts_with("access_") => 4,
        k if k.contains("min") => 2,
        // propose's objective: 2 decimals like its minutes.
        "objective" => 2,
        _ => return None,
    })
}

/// Check the numbers of a file: counts as integers, floats within their
/// decimals; returns the offending `key=value`s.
pub fn number_problems(file: &Path) -> Vec<String> {
    let mut bad = BTreeMap::new();
    for (k, v) in property_numbers(file) {
        let k = base_key(&k).to_string();
        let ok = if INTEGER_KEYS.contains(&k.as_str()) {
            !v.contains(['.', 'e', 'E'])
        } else if v.contains(['e', 'E']) {
            false
        } else {
            let decimals = v.split_once('.').map_or(0, |(_, d)| d.len());
            max_decimals(&k).is_some_and(|m| decimals <= m)
        };
        if !ok {
            bad.entry(k).or_insert(v);
        }
    }
    bad.into_iter().map(|(k, v)| format!("{k}={v}")).collect()
}

/// Keys named `from` or `to` (SQL keywords) anywhere in the properties.
pub fn sql_keyword_keys(v: &serde_json::Value) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    if k.eq_ignore_ascii_case("from") || k.eq_ignore_ascii_case("to") {
                        out.push(k.clone());
                    }
                    walk(x, out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for f in v["features"].as_array().unwrap() {
        walk(&f["properties"], &mut out);
    }
    out
}
