//! GeoJSON geometries read back from the staged layers, and their
//! GeoPackage encoding: StandardGeoPackageBinary (the `GP` header with the
//! SRS id and an `[minx, maxx, miny, maxy]` envelope) followed by
//! little-endian ISO WKB.

use serde::Deserialize;

type Pos = [f64; 2];

/// A GeoJSON geometry, as the layers write them (`type` and `coordinates`;
/// a third ordinate, if any, is not read).
#[derive(Debug, Deserialize)]
#[serde(tag = "type", content = "coordinates")]
pub enum Geometry {
    Point(Pos),
    MultiPoint(Vec<Pos>),
    LineString(Vec<Pos>),
    MultiLineString(Vec<Vec<Pos>>),
    Polygon(Vec<Vec<Pos>>),
    MultiPolygon(Vec<Vec<Vec<Pos>>>),
}

/// The GeoPackage geometry type of a layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayerType {
    Point,
    MultiPoint,
    LineString,
    MultiLineString,
    MultiPolygon,
    Geometry,
}

impl LayerType {
    /// The name in `gpkg_geometry_columns.geometry_type_name`.
    pub fn name(self) -> &'static str {
        match self {
            LayerType::Point => "POINT",
            LayerType::MultiPoint => "MULTIPOINT",
            LayerType::LineString => "LINESTRING",
            LayerType::MultiLineString => "MULTILINESTRING",
            LayerType::MultiPolygon => "MULTIPOLYGON",
            LayerType::Geometry => "GEOMETRY",
        }
    }

    /// The layer type of a GeoJSON geometry type: polygons are written as
    /// multipolygons, so a layer that mixes the two is one type; a type
    /// not read here is `GEOMETRY` (and fails to read).
    pub fn from_name(geojson_type: &str) -> LayerType {
        match geojson_type {
            "Point" => LayerType::Point,
            "MultiPoint" => LayerType::MultiPoint,
            "LineString" => LayerType::LineString,
            "MultiLineString" => LayerType::MultiLineString,
            "Polygon" | "MultiPolygon" => LayerType::MultiPolygon,
            _ => LayerType::Geometry,
        }
    }
}

/// `[minx, maxx, miny, maxy]` of a geometry, `None` when it has no
/// position.
pub fn envelope(g: &Geometry) -> Option<[f64; 4]> {
    let mut e: Option<[f64; 4]> = None;
    let mut add = |p: &Pos| {
        let v = e.get_or_insert([p[0], p[0], p[1], p[1]]);
        v[0] = v[0].min(p[0]);
        v[1] = v[1].max(p[0]);
        v[2] = v[2].min(p[1]);
        v[3] = v[3].max(p[1]);
    };
    match g {
        Geometry::Point(p) => add(p),
        Geometry::MultiPoint(ps) | Geometry::LineString(ps) => ps.iter().for_each(add),
        Geometry::MultiLineString(ls) | Geometry::Polygon(ls) => ls.iter().flatten().for_each(add),
        Geometry::MultiPolygon(ps) => ps.iter().flatten().flatten().for_each(add),
    }
    e
}

/// Grow `total` to cover `e`.
pub fn extend(total: &mut Option<[f64; 4]>, e: [f64; 4]) {
    let t = total.get_or_insert(e);
    t[0] = t[0].min(e[0]);
    t[1] = t[1].max(e[1]);
    t[2] = t[2].min(e[2]);
    t[3] = t[3].max(e[3]);
}

const WKB_POINT: u32 = 1;
const WKB_LINESTRING: u32 = 2;
const WKB_POLYGON: u32 = 3;
const WKB_MULTIPOINT: u32 = 4;
const WKB_MULTILINESTRING: u32 = 5;
const WKB_MULTIPOLYGON: u32 = 6;

struct Wkb(Vec<u8>);

impl Wkb {
    fn head(&mut self, kind: u32) {
        self.0.push(1); // little endian
        self.0.extend_from_slice(&kind.to_le_bytes());
    }
    fn count(&mut self, n: usize) {
        // Counts above u32::MAX cannot come from a GeoJSON file we wrote.
        self.0
            .extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
    }
    fn pos(&mut self, p: &Pos) {
        self.0.extend_from_slice(&p[0].to_le_bytes());
        self.0.extend_from_slice(&p[1].to_le_bytes());
    }
    fn ring(&mut self, r: &[Pos]) {
        self.count(r.len());
        r.iter().for_each(|p| self.pos(p));
    }
    fn polygon(&mut self, rings: &[Vec<Pos>]) {
        self.head(WKB_POLYGON);
        self.count(rings.len());
        rings.iter().for_each(|r| self.ring(r));
    }
}

/// The StandardGeoPackageBinary of `g` in SRS `srs_id`, as the layer of
/// type `layer` stores it (a polygon in a multipolygon layer becomes a
/// multipolygon of one). A geometry without positions is written with the
/// empty flag and no envelope.
pub fn gpkg_blob(g: &Geometry, srs_id: i32, layer: LayerType) -> Vec<u8> {
    let env = envelope(g);
    let mut w = Wkb(Vec::with_capacity(64));
    w.0.extend_from_slice(b"GP");
    w.0.push(0); // version 1
    // Flags: little endian (bit 0), envelope [minx,maxx,miny,maxy] (1 in
    // bits 1-3) or none, empty (bit 4).
    w.0.push(match env {
        Some(_) => 0b0000_0011,
        None => 0b0001_0001,
    });
    w.0.extend_from_slice(&srs_id.to_le_bytes());
    if let Some(e) = env {
        e.iter()
            .for_each(|v| w.0.extend_from_slice(&v.to_le_bytes()));
    }
    match g {
        Geometry::Point(p) => {
            w.head(WKB_POINT);
            w.pos(p);
        }
        Geometry::MultiPoint(ps) => {
            w.head(WKB_MULTIPOINT);
            w.count(ps.len());
            for p in ps {
                w.head(WKB_POINT);
                w.pos(p);
            }
        }
        Geometry::LineString(ps) => {
            w.head(WKB_LINESTRING);
            w.ring(ps);
        }
        Geometry::MultiLineString(ls) => {
            w.head(WKB_MULTILINESTRING);
            w.count(ls.len());
            for l in ls {
                w.head(WKB_LINESTRING);
                w.ring(l);
            }
        }
        Geometry::Polygon(rings) if layer == LayerType::MultiPolygon => {
            w.head(WKB_MULTIPOLYGON);
            w.count(1);
            w.polygon(rings);
        }
        Geometry::Polygon(rings) => w.polygon(rings),
        Geometry::MultiPolygon(ps) => {
            w.head(WKB_MULTIPOLYGON);
            w.count(ps.len());
            ps.iter().for_each(|p| w.polygon(p));
        }
    }
    w.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_blob_by_hand() {
        let g: Geometry =
            serde_json::from_str(r#"{"type":"Point","coordinates":[-1.5,52.25]}"#).unwrap();
        let b = gpkg_blob(&g, 4326, LayerType::Point);
        // 8 header + 32 envelope + 21 WKB.
        assert_eq!(b.len(), 8 + 32 + 21);
        assert_eq!(&b[..4], &[b'G', b'P', 0, 3]);
        assert_eq!(i32::from_le_bytes(b[4..8].try_into().unwrap()), 4326);
        let f = |i: usize| f64::from_le_bytes(b[i..i + 8].try_into().unwrap());
        assert_eq!([f(8), f(16), f(24), f(32)], [-1.5, -1.5, 52.25, 52.25]);
        assert_eq!(&b[40..45], &[1, 1, 0, 0, 0]);
        assert_eq!([f(45), f(53)], [-1.5, 52.25]);
    }

    #[test]
    fn polygon_becomes_multipolygon_in_a_multipolygon_layer() {
        let g: Geometry =
            serde_json::from_str(r#"{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,1],[0,0]]]}"#)
                .unwrap();
        let t = LayerType::from_name("Polygon");
        assert_eq!(t, LayerType::MultiPolygon);
        let b = gpkg_blob(&g, 4326, t);
        // header 40, multipolygon head 9, polygon head 9, ring count 4, 4 points.
        assert_eq!(b.len(), 40 + 9 + 9 + 4 + 4 * 16);
        assert_eq!(&b[40..49], &[1, 6, 0, 0, 0, 1, 0, 0, 0]);
        assert_eq!(&b[49..58], &[1, 3, 0, 0, 0, 1, 0, 0, 0]);
        assert_eq!(envelope(&g), Some([0.0, 2.0, 0.0, 1.0]));
    }

    #[test]
    fn empty_geometry_has_the_empty_flag_and_no_envelope() {
        let g: Geometry =
            serde_json::from_str(r#"{"type":"MultiPolygon","coordinates":[]}"#).unwrap();
        let b = gpkg_blob(&g, 4326, LayerType::MultiPolygon);
        assert_eq!(&b[..4], &[b'G', b'P', 0, 0b0001_0001]);
        assert_eq!(&b[8..], &[1, 6, 0, 0, 0, 0, 0, 0, 0]);
    }
}
