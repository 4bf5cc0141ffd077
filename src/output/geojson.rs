//! Writing RFC 7946 GeoJSON (WGS84, longitude first) from BNG geometry.
//! Coordinates are rounded to 7 decimal places (about 1 cm), so the same
//! geometry always gives the same bytes, and features are written in the
//! order given (callers sort by code).
//!
//! Polygons are always written as MultiPolygons (one geometry type per
//! layer, as GDAL and GeoPackage want), and every ring is wound as RFC 7946
//! §3.1.6 asks: exteriors counter-clockwise, holes clockwise, judged on the
//! rounded positions as written (ONS boundaries come clockwise).
//!
//! Areas read from WGS84 keep their input positions
//! ([`Area::input_lonlat_e7`]); [`area_json`] and [`footprint_json`] write
//! those back instead of transforming each vertex from BNG (the inverse
//! transform was the most expensive step of writing `check`'s outputs). For
//! positions given with at most 7 decimals, as `import` writes them, the
//! bytes are the same either way: the round trip moves a position by less
//! than 1e-9 degree.

use crate::coords::bng_to_wgs84;
use crate::model::Area;
use anyhow::Result;
use geo::{Coord, LineString, MultiPolygon};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;

/// Round a degree value to 7 decimal places.
pub fn round7(v: f64) -> f64 {
    let r = (v * 1e7).round() / 1e7;
    if r == 0.0 { 0.0 } else { r }
}

/// Append `k` × 1e-7 as the shortest decimal that reads back as
/// `k as f64 / 1e7`: the integer part, then up to 7 decimals without
/// trailing zeros. For |k| < 10¹⁵ this is exactly what `{}` prints for that
/// double (no shorter decimal lies within half a unit in the last place of
/// it, which is under 1e-8 there), only several times faster.
fn push_e7(out: &mut String, k: i64) {
    let mut buf = [0u8; 32];
    let mut at = buf.len();
    let a = k.unsigned_abs();
    let (int, mut frac) = (a / 10_000_000, a % 10_000_000);
    if frac != 0 {
        let mut digits = 7;
        while frac % 10 == 0 {
            frac /= 10;
            digits -= 1;
        }
        for _ in 0..digits {
            at -= 1;
            buf[at] = b'0' + (frac % 10) as u8;
            frac /= 10;
        }
        at -= 1;
        buf[at] = b'.';
    }
    let mut int = int;
    loop {
        at -= 1;
        buf[at] = b'0' + (int % 10) as u8;
        int /= 10;
        if int == 0 {
            break;
        }
    }
    if k < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    // Only ASCII digits, '.' and '-' were written.
    out.push_str(std::str::from_utf8(&buf[at..]).unwrap_or_default());
}

/// Append a degree value rounded to 7 decimals, as `{}` prints [`round7`]`(v)`.
fn push_degrees(out: &mut String, v: f64) {
    let r = (v * 1e7).round();
    if r.abs() < 1e15 {
        push_e7(out, r as i64);
    } else {
        out.push_str(&round7(v).to_string());
    }
}

/// Append `[lon,lat]` for a BNG coordinate, transformed to WGS84.
fn push_bng(out: &mut String, c: Coord<f64>) {
    let (lon, lat) = bng_to_wgs84(c);
    out.push('[');
    push_degrees(out, lon);
    out.push(',');
    push_degrees(out, lat);
    out.push(']');
}

/// A BNG coordinate as a WGS84 position string `[lon,lat]`.
pub fn position(c: Coord<f64>) -> String {
    let mut out = String::with_capacity(24);
    push_bng(&mut out, c);
    out
}

/// A degree value in units of 1e-7 degree (rounded: the 7 decimals written).
fn e7(v: f64) -> i64 {
    // Saturating cast; degrees are far inside i64 once multiplied by 1e7.
    (v * 1e7).round() as i64
}

/// A BNG coordinate as a WGS84 position in units of 1e-7 degree.
fn bng_e7(c: Coord<f64>) -> [i64; 2] {
    let (lon, lat) = bng_to_wgs84(c);
    [e7(lon), e7(lat)]
}

/// Twice the signed area of a ring of positions (shoelace, exact in
/// integers): positive when the ring runs counter-clockwise in lon/lat.
fn signed_area2(ring: &[[i64; 2]]) -> i128 {
    let Some(&[x0, y0]) = ring.first() else {
        return 0;
    };
    // Relative to the first vertex, so the products stay small.
    ring.windows(2)
        .map(|w| {
            let (ax, ay) = (i128::from(w[0][0] - x0), i128::from(w[0][1] - y0));
            let (bx, by) = (i128::from(w[1][0] - x0), i128::from(w[1][1] - y0));
            ax * by - bx * ay
        })
        .sum()
}

/// Append a ring of positions (units of 1e-7 degree) wound as RFC 7946
/// asks: counter-clockwise when `exterior`, clockwise for a hole. The
/// winding is taken from the positions as written, so it holds for the
/// rounded coordinates a reader sees; a ring of no area is written as given.
fn ring_e7(out: &mut String, ring: &mut [[i64; 2]], exterior: bool) {
    let a = signed_area2(ring);
    if (exterior && a < 0) || (!exterior && a > 0) {
        ring.reverse();
    }
    out.push('[');
    for (i, p) in ring.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        push_e7(out, p[0]);
        out.push(',');
        push_e7(out, p[1]);
        out.push(']');
    }
    out.push(']');
}

/// A MultiPolygon as a GeoJSON MultiPolygon (also when it has one part:
/// one geometry type per layer), each vertex's position (units of 1e-7
/// degree) given by `pos` (vertex, index in `geometry`'s order), every
/// ring wound as RFC 7946 asks ([`ring_e7`]).
fn multipolygon_with(
    mp: &MultiPolygon<f64>,
    mut pos: impl FnMut(Coord<f64>, usize) -> [i64; 2],
) -> String {
    // 24 bytes a vertex in Great Britain ("[-1.2345678,52.3456789],"), a
    // few more for each ring: enough to write without growing (which would
    // double the capacity of the national areas' strings).
    let rings: usize = mp.0.iter().map(|p| 1 + p.interiors().len()).sum();
    let mut out = String::with_capacity(48 + 24 * vertex_count(mp) + 4 * rings);
    let mut n = 0;
    let mut buf: Vec<[i64; 2]> = Vec::new();
    let mut ring = |out: &mut String, ls: &LineString<f64>, exterior: bool| {
        buf.clear();
        for c in &ls.0 {
            buf.push(pos(*c, n));
            n += 1;
        }
        ring_e7(out, &mut buf, exterior);
    };
    out.push_str("{\"type\":\"MultiPolygon\",\"coordinates\":[");
    for (i, p) in mp.0.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        ring(&mut out, p.exterior(), true);
        for h in p.interiors() {
            out.push(',');
            ring(&mut out, h, false);
        }
        out.push(']');
    }
    out.push_str("]}");
    out
}

/// A MultiPolygon as a GeoJSON MultiPolygon, RFC 7946 winding.
pub fn multipolygon_json(mp: &MultiPolygon<f64>) -> String {
    multipolygon_with(mp, |c, _| bng_e7(c))
}

fn vertex_count(mp: &MultiPolygon<f64>) -> usize {
    mp.0.iter()
        .map(|p| p.exterior().0.len() + p.interiors().iter().map(|h| h.0.len()).sum::<usize>())
        .sum()
}

/// An area's boundary as a GeoJSON geometry object: its input positions
/// when it has them, else [`multipolygon_json`].
pub fn area_json(a: &Area) -> String {
    let e7 = &a.input_lonlat_e7;
    if e7.is_empty() || e7.len() != vertex_count(&a.geometry) {
        return multipolygon_json(&a.geometry);
    }
    multipolygon_with(&a.geometry, |_, i| {
        [i64::from(e7[i][0]), i64::from(e7[i][1])]
    })
}

/// A dissolved footprint as a GeoJSON geometry object. Its vertices are its
/// areas' own vertices (dissolve moves each back to the input vertex it came
/// from), so each is written as that vertex's input position; a vertex found
/// in none of `areas` (or an area without input positions) is transformed
/// from BNG as [`multipolygon_json`] does.
pub fn footprint_json<'a>(mp: &MultiPolygon<f64>, areas: impl Iterator<Item = &'a Area>) -> String {
    let mut input: HashMap<[u64; 2], [i32; 2]> = HashMap::new();
    for a in areas {
        if a.input_lonlat_e7.len() != vertex_count(&a.geometry) {
            continue;
        }
        let vertices = a.geometry.0.iter().flat_map(|p| {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .flat_map(|r| &r.0)
        });
        for (c, e7) in vertices.zip(&a.input_lonlat_e7) {
            input.insert([c.x.to_bits(), c.y.to_bits()], *e7);
        }
    }
    multipolygon_with(mp, |c, _| {
        match input.get(&[c.x.to_bits(), c.y.to_bits()]) {
            Some(e7) => [i64::from(e7[0]), i64::from(e7[1])],
            None => bng_e7(c),
        }
    })
}

/// A point geometry.
pub fn point_json(c: Coord<f64>) -> String {
    format!("{{\"type\":\"Point\",\"coordinates\":{}}}", position(c))
}

/// A LineString geometry.
pub fn linestring_json(ls: &LineString<f64>) -> String {
    let mut out = String::from("{\"type\":\"LineString\",\"coordinates\":[");
    for (i, c) in ls.0.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_bng(&mut out, *c);
    }
    out.push_str("]}");
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

    fn degrees(v: f64) -> String {
        let mut s = String::new();
        push_degrees(&mut s, v);
        s
    }

    /// The integer formatting prints what `{}` prints for the rounded double.
    #[test]
    fn degrees_print_as_display_of_round7() {
        let mut rng = crate::rng::SplitMix64::new(7);
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            1e-7,
            -1e-7,
            4e-8,
            -4e-8,
            0.5,
            52.62265,
            -0.7578,
            180.0,
            -180.0,
            90.0,
            1e7,
            -9.99e7,
            1e8,
            1e12,
            -3e15,
            f64::NAN,
            f64::INFINITY,
        ];
        for _ in 0..200_000 {
            values.push(rng.range(-180.0, 180.0));
            // Values on and next to the 7th decimal.
            let k = (rng.range(-1.8e9, 1.8e9)).round();
            values.push(k / 1e7);
            values.push(k / 1e7 + 5e-8);
        }
        for v in values {
            assert_eq!(degrees(v), format!("{}", round7(v)), "{v:e}");
        }
    }

    /// An area read from WGS84 writes its input positions, the same as the
    /// round trip through BNG does at 7 decimals; a footprint looks its
    /// vertices up among its areas' and transforms the others.
    #[test]
    fn input_positions_are_written_back() {
        let lonlat = [
            [-0.7578, 52.62265],
            [-0.7478, 52.62265],
            [-0.7478, 52.63],
            [-0.7578, 52.62265],
        ];
        let ring: Vec<Coord<f64>> = lonlat.iter().map(|p| wgs84_to_bng(p[0], p[1])).collect();
        let mp = MultiPolygon(vec![geo::Polygon::new(LineString(ring), vec![])]);
        let mut area = crate::model::Area {
            code: "A".into(),
            name: None,
            lad_code: None,
            geometry: mp.clone(),
            input_lonlat_e7: lonlat
                .iter()
                .map(|p| [(p[0] * 1e7).round() as i32, (p[1] * 1e7).round() as i32])
                .collect(),
            population: None,
            ruc: None,
            centroid: Coord { x: 0.0, y: 0.0 },
            centroid_source: crate::model::CentroidSource::InteriorPoint,
        };
        let want = multipolygon_json(&mp);
        assert!(want.contains("[-0.7578,52.62265]"), "{want}");
        assert!(
            want.starts_with("{\"type\":\"MultiPolygon\",\"coordinates\":[[["),
            "{want}"
        );
        assert_eq!(area_json(&area), want);
        assert_eq!(footprint_json(&mp, std::iter::once(&area)), want);
        // Another position stored for the first vertex shows which is used.
        area.input_lonlat_e7[0] = [-1, 1];
        area.input_lonlat_e7[3] = [-1, 1];
        assert!(area_json(&area).contains("[-0.0000001,0.0000001]"));
        assert!(footprint_json(&mp, std::iter::once(&area)).contains("[-0.0000001,0.0000001]"));
        // A footprint vertex that is no area's is transformed.
        assert_eq!(footprint_json(&mp, std::iter::empty()), want);
        // Positions that do not match the geometry are not used.
        area.input_lonlat_e7.pop();
        assert_eq!(area_json(&area), want);
    }

    /// A clockwise exterior (as ONS gives them) with a counter-clockwise
    /// hole is written reversed, both rings; a ring already wound right
    /// keeps its order; a single polygon is still a MultiPolygon.
    #[test]
    fn rings_are_wound_as_rfc_7946_asks() {
        let c = |x: f64, y: f64| Coord {
            x: 400_000.0 + x,
            y: 300_000.0 + y,
        };
        // Exterior clockwise (north, east, south), hole counter-clockwise.
        let ext = LineString(vec![
            c(0., 0.),
            c(0., 100.),
            c(100., 100.),
            c(100., 0.),
            c(0., 0.),
        ]);
        let hole = LineString(vec![
            c(10., 10.),
            c(20., 10.),
            c(20., 20.),
            c(10., 20.),
            c(10., 10.),
        ]);
        let mp = MultiPolygon(vec![geo::Polygon::new(ext, vec![hole])]);
        let v: serde_json::Value = serde_json::from_str(&multipolygon_json(&mp)).unwrap();
        assert_eq!(v["type"], "MultiPolygon");
        let rings = v["coordinates"][0].as_array().unwrap();
        let area = |r: &serde_json::Value| {
            let p: Vec<[f64; 2]> = r
                .as_array()
                .unwrap()
                .iter()
                .map(|q| [q[0].as_f64().unwrap(), q[1].as_f64().unwrap()])
                .collect();
            p.windows(2)
                .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
                .sum::<f64>()
        };
        assert!(area(&rings[0]) > 0.0, "exterior counter-clockwise");
        assert!(area(&rings[1]) < 0.0, "hole clockwise");
        // The first vertex stays first; the second is now the eastern one.
        let first = position(c(0., 0.));
        let east = position(c(100., 0.));
        let text = rings[0].to_string();
        assert!(text.starts_with(&format!("[{first},{east},")), "{text}");
        // Already right: unchanged order.
        let mut ok = vec![[0, 0], [10, 0], [10, 10], [0, 0]];
        let mut out = String::new();
        ring_e7(&mut out, &mut ok, true);
        assert_eq!(out, "[[0,0],[0.000001,0],[0.000001,0.000001],[0,0]]");
        out.clear();
        ring_e7(&mut out, &mut ok, false);
        assert_eq!(out, "[[0,0],[0.000001,0.000001],[0.000001,0],[0,0]]");
    }
}
