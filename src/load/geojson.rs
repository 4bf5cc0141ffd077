//! A fast, typed GeoJSON reader for FeatureCollections (areas and roads).
//!
//! Features are deserialised straight into compact coordinate vectors
//! rather than through a generic JSON tree, which matters for the 78 MB
//! national LSOA file. Positions with a third (height) value are accepted and
//! the height dropped. The legacy `crs` member that ONS files still carry is
//! honoured: CRS84/EPSG:4326 (longitude, latitude) or EPSG:27700 (British
//! National Grid); without one, RFC 7946 says WGS84.

use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;
use std::path::Path;

/// A position: x (longitude or easting), y (latitude or northing).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Position(pub [f64; 2]);

impl<'de> Deserialize<'de> for Position {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Position;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a position [x, y] or [x, y, z]")
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Position, A::Error> {
                let x: f64 = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let y: f64 = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Position([x, y]))
            }
        }
        d.deserialize_seq(V)
    }
}

/// The geometries pcn-atlas reads.
#[derive(Debug, Deserialize)]
#[serde(tag = "type")]
pub enum Geometry {
    Point {
        coordinates: Position,
    },
    MultiPoint {
        coordinates: Vec<Position>,
    },
    LineString {
        coordinates: Vec<Position>,
    },
    MultiLineString {
        coordinates: Vec<Vec<Position>>,
    },
    Polygon {
        coordinates: Vec<Vec<Position>>,
    },
    MultiPolygon {
        coordinates: Vec<Vec<Vec<Position>>>,
    },
    GeometryCollection {
        geometries: Vec<Geometry>,
    },
}

impl Geometry {
    pub fn type_name(&self) -> &'static str {
        match self {
            Geometry::Point { .. } => "Point",
            Geometry::MultiPoint { .. } => "MultiPoint",
            Geometry::LineString { .. } => "LineString",
            Geometry::MultiLineString { .. } => "MultiLineString",
            Geometry::Polygon { .. } => "Polygon",
            Geometry::MultiPolygon { .. } => "MultiPolygon",
            Geometry::GeometryCollection { .. } => "GeometryCollection",
        }
    }
}

/// One feature: its properties and geometry (which may be null).
#[derive(Debug, Deserialize)]
pub struct Feature {
    #[serde(default)]
    pub properties: Option<Map<String, Value>>,
    pub geometry: Option<Geometry>,
}

#[derive(Deserialize)]
struct Collection {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    crs: Option<Value>,
    #[serde(default)]
    features: Vec<Feature>,
}

/// The coordinate reference system of a file's coordinates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Crs {
    /// WGS84 longitude, latitude (EPSG:4326 / OGC CRS84).
    Wgs84,
    /// British National Grid (EPSG:27700), metres.
    Bng,
}

/// A parsed FeatureCollection.
pub struct FeatureCollection {
    pub crs: Crs,
    pub features: Vec<Feature>,
}

/// Read a GeoJSON FeatureCollection from a file.
pub fn read_feature_collection(path: &Path, bytes: &[u8]) -> Result<FeatureCollection> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let c: Collection = serde_json::from_slice(body).map_err(|e| {
        anyhow!(
            "{}: not valid GeoJSON (line {}, column {}): {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if c.kind != "FeatureCollection" {
        bail!(
            "{}: expected a GeoJSON FeatureCollection, found type `{}`",
            path.display(),
            c.kind
        );
    }
    let crs = match &c.crs {
        None | Some(Value::Null) => Crs::Wgs84,
        Some(v) => parse_crs(v).with_context(|| format!("{}: `crs` member", path.display()))?,
    };
    Ok(FeatureCollection {
        crs,
        features: c.features,
    })
}

/// Interpret a legacy GeoJSON `crs` member (2008 spec).
pub fn parse_crs(v: &Value) -> Result<Crs> {
    let name = v
        .get("properties")
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            anyhow!("expected {{\"type\": \"name\", \"properties\": {{\"name\": ...}}}}, found {v}")
        })?;
    crs_from_name(name)
}

/// A CRS from an OGC URN or `EPSG:n` name.
pub fn crs_from_name(name: &str) -> Result<Crs> {
    let n = name.trim().to_ascii_uppercase();
    if n.ends_with("CRS84") || n.ends_with(":4326") || n == "EPSG:4326" {
        Ok(Crs::Wgs84)
    } else if n.ends_with(":27700") {
        Ok(Crs::Bng)
    } else {
        bail!(
            "unsupported coordinate reference system `{name}`: use WGS84 (EPSG:4326/CRS84) or British National Grid (EPSG:27700)"
        )
    }
}

/// Case-insensitive property lookup over a column spec's names.
pub fn prop(props: &Map<String, Value>, spec: super::table::ColumnSpec) -> Option<(&str, &Value)> {
    props
        .iter()
        .find(|(k, _)| spec.matches(k))
        .map(|(k, v)| (k.as_str(), v))
        .filter(|(_, v)| !v.is_null())
}

/// A property value as text (strings as they are, numbers printed).
pub fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => {
            let t = s.trim();
            (!t.is_empty()).then(|| t.to_string())
        }
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_3d_positions_and_legacy_crs() {
        let src = br#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},
          "features":[{"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coordinates":[1,2,3]}},
                      {"type":"Feature","properties":null,"geometry":null}]}"#;
        let fc = read_feature_collection(Path::new("x.geojson"), src).unwrap();
        assert_eq!(fc.crs, Crs::Bng);
        assert_eq!(fc.features.len(), 2);
        match &fc.features[0].geometry {
            Some(Geometry::Point { coordinates }) => assert_eq!(coordinates.0, [1.0, 2.0]),
            other => panic!("{other:?}"),
        }
        assert!(fc.features[1].geometry.is_none());
    }

    #[test]
    fn errors_name_the_file_and_position() {
        let err = read_feature_collection(
            Path::new("bad.geojson"),
            b"{\"type\":\"FeatureCollection\",\n\"features\":[{]}",
        )
        .err()
        .unwrap()
        .to_string();
        assert!(
            err.contains("bad.geojson") && err.contains("line 2"),
            "{err}"
        );
        let err = read_feature_collection(Path::new("b.geojson"), br#"{"type":"Feature"}"#)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("FeatureCollection"), "{err}");
        assert!(crs_from_name("EPSG:3857").is_err());
        assert_eq!(
            crs_from_name("urn:ogc:def:crs:OGC:1.3:CRS84").unwrap(),
            Crs::Wgs84
        );
    }
}
