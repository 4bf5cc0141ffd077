//! Writing RFC 7946 GeoJSON (WGS84, longitude first) from BNG geometry.
//! Coordinates are rounded to 7 decimal places (about 1 cm), so the same
//! geometry always gives the same bytes, and features are written in the
//! order given (callers sort by code).

use crate::coords::bng_to_wgs84;
use anyhow::Result;
use geo::{Coord, LineString, MultiPolygon};
use serde::Serialize;
use std::io::Write;

/// Round a degree value to 7 decimal places.
pub fn round7(v: f64) -> f64 {
    let r = (v * 1e7).round() / 1e7;
    if r == 0.0 { 0.0 } else { r }
}

/// A BNG coordinate as a WGS84 position string `[lon,lat]`.
pub fn position(c: Coord<f64>) -> String {
    let (lon, lat) = bng_to_wgs84(c);
    format!("[{},{}]", round7(lon), round7(lat))
}

fn ring(out: &mut String, ls: &LineString<f64>) {
    out.push('[');
    for (i, c) in ls.0.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&position(*c));
    }
    out.push(']');
}

/// A MultiPolygon as a GeoJSON geometry object (a Polygon when it has one part).
pub fn multipolygon_json(mp: &MultiPolygon<f64>) -> String {
    let mut out = String::new();
    let poly = |out: &mut String, p: &geo::Polygon<f64>| {
        out.push('[');
        ring(out, p.exterior());
        for h in p.interiors() {
            out.push(',');
            ring(out, h);
        }
        out.push(']');
    };
    if mp.0.len() == 1 {
        out.push_str("{\"type\":\"Polygon\",\"coordinates\":");
        poly(&mut out, &mp.0[0]);
    } else {
        out.push_str("{\"type\":\"MultiPolygon\",\"coordinates\":[");
        for (i, p) in mp.0.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            poly(&mut out, p);
        }
        out.push(']');
    }
    out.push('}');
    out
}

/// A point geometry.
pub fn point_json(c: Coord<f64>) -> String {
    format!("{{\"type\":\"Point\",\"coordinates\":{}}}", position(c))
}

/// A LineString geometry.
pub fn linestring_json(ls: &LineString<f64>) -> String {
    let mut out = String::from("{\"type\":\"LineString\",\"coordinates\":");
    ring(&mut out, ls);
    out.push('}');
    out
}

/// Writes a FeatureCollection one feature at a time.
pub struct FeatureWriter<'w, W: Write> {
    w: &'w mut W,
    n: usize,
}

impl<'w, W: Write> FeatureWriter<'w, W> {
    /// Start a collection; `name` becomes the collection's `name` member.
    pub fn new(w: &'w mut W, name: &str) -> Result<Self> {
        writeln!(
            w,
            "{{\"type\":\"FeatureCollection\",\"name\":{},\"features\":[",
            serde_json::to_string(name)?
        )?;
        Ok(Self { w, n: 0 })
    }

    /// Add a feature with serialisable properties and a pre-rendered geometry.
    pub fn feature<P: Serialize>(&mut self, properties: &P, geometry_json: &str) -> Result<()> {
        if self.n > 0 {
            self.w.write_all(b",\n")?;
        }
        write!(
            self.w,
            "{{\"type\":\"Feature\",\"properties\":{},\"geometry\":{}}}",
            serde_json::to_string(properties)?,
            geometry_json
        )?;
        self.n += 1;
        Ok(())
    }

    /// Close the collection.
    pub fn finish(self) -> Result<usize> {
        self.w.write_all(b"\n]}\n")?;
        Ok(self.n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coords::wgs84_to_bng;

    #[test]
    fn writes_valid_geojson_round_tripping_to_a_centimetre() {
        let c = wgs84_to_bng(-0.7578, 52.62265);
        let mut buf = Vec::new();
        let mut fw = FeatureWriter::new(&mut buf, "t").unwrap();
        fw.feature(&serde_json::json!({"code": "A"}), &point_json(c))
            .unwrap();
        fw.finish().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        let xy = &v["features"][0]["geometry"]["coordinates"];
        assert!((xy[0].as_f64().unwrap() + 0.7578).abs() < 2e-7);
        assert!((xy[1].as_f64().unwrap() - 52.62265).abs() < 2e-7);
    }
}
