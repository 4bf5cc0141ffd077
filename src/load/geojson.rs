//! A fast, typed GeoJSON reader for FeatureCollections (areas and roads).
//!
//! Features are deserialised straight into compact coordinate vectors
//! rather than through a generic JSON tree, which matters for the 78 MB
//! national LSOA file. Positions with a third (height) value are accepted and
//! the height dropped. The legacy `crs` member that ONS files still carry is
//! honoured: CRS84/EPSG:4326 (longitude, latitude) or EPSG:27700 (British
//! National Grid); without one, RFC 7946 says WGS84.

use super::text::{check_encoding, line_column_at, show};
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
///
/// Deserialised by hand rather than with `#[serde(tag = "type")]`: serde's
/// internally tagged enums buffer the whole geometry in a generic tree first,
/// which for the national LSOA file cost more than the parsing itself. When
/// `type` comes before `coordinates` (as every writer we know puts it) the
/// coordinates go straight into their typed vectors; otherwise they are read
/// into a generic nested list and converted once the type is known.
#[derive(Debug)]
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

const GEOMETRY_TYPES: &[&str] = &[
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

/// Coordinates read before the geometry's `type`: numbers or nested lists.
enum Nested {
    Number(f64),
    List(Vec<Nested>),
}

impl<'de> Deserialize<'de> for Nested {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Nested;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a list of coordinates")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Nested, E> {
                Ok(Nested::Number(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Nested, E> {
                Ok(Nested::Number(v as f64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Nested, E> {
                Ok(Nested::Number(v as f64))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Nested, A::Error> {
                let mut items = Vec::new();
                while let Some(x) = seq.next_element()? {
                    items.push(x);
                }
                Ok(Nested::List(items))
            }
        }
        d.deserialize_any(V)
    }
}

impl Nested {
    fn list<E: de::Error>(self, what: &str) -> std::result::Result<Vec<Nested>, E> {
        match self {
            Nested::List(v) => Ok(v),
            Nested::Number(n) => Err(E::custom(format!("expected {what}, found the number {n}"))),
        }
    }

    fn position<E: de::Error>(self) -> std::result::Result<Position, E> {
        let items = self.list("a position [x, y]")?;
        let mut nums = items.into_iter().map(|x| match x {
            Nested::Number(n) => Ok(n),
            Nested::List(_) => Err(E::custom("expected a number in a position, found a list")),
        });
        match (nums.next(), nums.next()) {
            (Some(x), Some(y)) => {
                for z in nums {
                    z?;
                }
                Ok(Position([x?, y?]))
            }
            _ => Err(E::custom("a position needs at least 2 numbers")),
        }
    }

    fn positions<E: de::Error>(self) -> std::result::Result<Vec<Position>, E> {
        self.list("a list of positions")?
            .into_iter()
            .map(Nested::position)
            .collect()
    }

    fn rings<E: de::Error>(self) -> std::result::Result<Vec<Vec<Position>>, E> {
        self.list("a list of rings or lines")?
            .into_iter()
            .map(Nested::positions)
            .collect()
    }

    fn polygons<E: de::Error>(self) -> std::result::Result<Vec<Vec<Vec<Position>>>, E> {
        self.list("a list of polygons")?
            .into_iter()
            .map(Nested::rings)
            .collect()
    }
}

/// The members of a geometry object that we read.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum GeometryKey {
    Type,
    Coordinates,
    Geometries,
    #[serde(other)]
    Other,
}

/// Coordinates of a geometry, typed or still generic.
enum Coordinates {
    Typed(Geometry),
    Nested(Nested),
}

impl<'de> Deserialize<'de> for Geometry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_map(GeometryVisitor)
    }
}

/// Reads a geometry object: its coordinates straight into their type when
/// `type` comes first (the usual order), else generically and typed after.
struct GeometryVisitor;

impl<'de> Visitor<'de> for GeometryVisitor {
    type Value = Geometry;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON geometry object")
    }
    fn visit_map<A: de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Geometry, A::Error> {
        let mut kind: Option<String> = None;
        let mut coords: Option<Coordinates> = None;
        let mut geometries: Option<Vec<Geometry>> = None;
        while let Some(key) = map.next_key::<GeometryKey>()? {
            match key {
                GeometryKey::Type => {
                    if kind.is_some() {
                        return Err(de::Error::duplicate_field("type"));
                    }
                    let k: String = map.next_value()?;
                    if !GEOMETRY_TYPES.contains(&k.as_str()) {
                        return Err(de::Error::unknown_variant(&k, GEOMETRY_TYPES));
                    }
                    kind = Some(k);
                }
                GeometryKey::Coordinates => {
                    if coords.is_some() {
                        return Err(de::Error::duplicate_field("coordinates"));
                    }
                    coords = Some(coordinates(kind.as_deref(), &mut map)?);
                }
                GeometryKey::Geometries => {
                    if geometries.is_some() {
                        return Err(de::Error::duplicate_field("geometries"));
                    }
                    geometries = Some(map.next_value()?);
                }
                GeometryKey::Other => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        let kind = kind.ok_or_else(|| de::Error::missing_field("type"))?;
        if kind == "GeometryCollection" {
            let geometries = geometries.ok_or_else(|| de::Error::missing_field("geometries"))?;
            return Ok(Geometry::GeometryCollection { geometries });
        }
        match coords.ok_or_else(|| de::Error::missing_field("coordinates"))? {
            Coordinates::Typed(g) => Ok(g),
            Coordinates::Nested(n) => n.into_geometry(&kind),
        }
    }
}

/// The `coordinates` value: typed when the geometry's type is known.
fn coordinates<'de, A: de::MapAccess<'de>>(
    kind: Option<&str>,
    map: &mut A,
) -> std::result::Result<Coordinates, A::Error> {
    Ok(Coordinates::Typed(match kind {
        Some("Point") => Geometry::Point {
            coordinates: map.next_value()?,
        },
        Some("MultiPoint") => Geometry::MultiPoint {
            coordinates: map.next_value()?,
        },
        Some("LineString") => Geometry::LineString {
            coordinates: map.next_value()?,
        },
        Some("MultiLineString") => Geometry::MultiLineString {
            coordinates: map.next_value()?,
        },
        Some("Polygon") => Geometry::Polygon {
            coordinates: map.next_value()?,
        },
        Some("MultiPolygon") => Geometry::MultiPolygon {
            coordinates: map.next_value()?,
        },
        _ => return Ok(Coordinates::Nested(map.next_value()?)),
    }))
}

impl Nested {
    /// Generic coordinates typed by the geometry's `type`, read after them.
    fn into_geometry<E: de::Error>(self, kind: &str) -> std::result::Result<Geometry, E> {
        let n = self;
        Ok(match kind {
            "Point" => Geometry::Point {
                coordinates: n.position()?,
            },
            "MultiPoint" => Geometry::MultiPoint {
                coordinates: n.positions()?,
            },
            "LineString" => Geometry::LineString {
                coordinates: n.positions()?,
            },
            "MultiLineString" => Geometry::MultiLineString {
                coordinates: n.rings()?,
            },
            "Polygon" => Geometry::Polygon {
                coordinates: n.rings()?,
            },
            _ => Geometry::MultiPolygon {
                coordinates: n.polygons()?,
            },
        })
    }
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

/// A FeatureCollection whose features have been found but not yet parsed,
/// so that they can be parsed in parallel (and each turned into its final
/// form straight away, without holding every parsed feature at once).
///
/// A byte scanner walks the top-level object and the `features` array,
/// skipping strings (with their escapes) and counting brackets; it only
/// locates values. Each feature is then parsed strictly by serde_json, and
/// anything the scanner cannot follow is handed to serde_json whole, so a
/// malformed file gets serde_json's own error with its line and column.
pub struct SplitCollection<'a> {
    pub crs: Crs,
    body: &'a [u8],
    /// Byte ranges of the features within `body`, in file order.
    spans: Vec<(usize, usize)>,
}

impl SplitCollection<'_> {
    /// How many features there are.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there are no features.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Parse feature `i` (0-based, below [`Self::len`]); errors name the
    /// file, the feature (1-based) and the line and column in the file.
    pub fn parse(&self, path: &Path, i: usize) -> Result<Feature> {
        let Some(&(start, end)) = self.spans.get(i) else {
            bail!(
                "{}: feature {}: there are only {} features",
                path.display(),
                i + 1,
                self.spans.len()
            );
        };
        serde_json::from_slice(&self.body[start..end]).map_err(|e| {
            let (line, column) = line_column(self.body, start, &e);
            anyhow!(
                "{}: feature {}: not valid GeoJSON (line {line}, column {column}): {}",
                path.display(),
                i + 1,
                what(&e)
            )
        })
    }
}

/// What serde_json says is wrong, without its own ` at line L column C`
/// (which counts within the feature, not the file; ours is in front).
fn what(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(k) => s[..k].to_string(),
        None => s,
    }
}

/// The line and column in `body` of serde_json's error `e` in the value
/// that starts at byte `start`.
fn line_column(body: &[u8], start: usize, e: &serde_json::Error) -> (usize, usize) {
    let (line, column) = line_column_at(body, start);
    if e.line() <= 1 {
        (line, column - 1 + e.column())
    } else {
        (line - 1 + e.line(), e.column())
    }
}

/// Locate a FeatureCollection's features (see [`SplitCollection`]).
pub fn split_feature_collection<'a>(path: &Path, bytes: &'a [u8]) -> Result<SplitCollection<'a>> {
    check_encoding(path, bytes)?;
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let not_json = |e: serde_json::Error| {
        anyhow!(
            "{}: not valid GeoJSON (line {}, column {}): {}",
            path.display(),
            e.line(),
            e.column(),
            what(&e)
        )
    };
    let top = match scan_collection(body) {
        Ok(top) => top,
        Err(Stop::EndsInside { at, what }) => {
            let (line, column) = line_column_at(body, at);
            bail!(
                "{}: line {line}, column {column}: the file ends inside a {what}",
                path.display()
            );
        }
        Err(Stop::NotShaped) => {
            // serde_json says what is wrong, with its line and column.
            serde_json::from_slice::<de::IgnoredAny>(body).map_err(not_json)?;
            bail!(
                "{}: expected a GeoJSON FeatureCollection: an object with `type` and a `features` array",
                path.display()
            );
        }
    };
    if let Some(key) = top.duplicate {
        bail!(
            "{}: not valid GeoJSON: the member `{key}` appears twice",
            path.display()
        );
    }
    let kind: String = match top.kind {
        None => bail!(
            "{}: not valid GeoJSON: no `type` member (expected \"FeatureCollection\")",
            path.display()
        ),
        Some((a, b)) => serde_json::from_slice(&body[a..b]).map_err(|e| {
            let (line, column) = line_column(body, a, &e);
            anyhow!(
                "{}: not valid GeoJSON (line {line}, column {column}): `type`: {}",
                path.display(),
                what(&e)
            )
        })?,
    };
    if kind != "FeatureCollection" {
        bail!(
            "{}: expected a GeoJSON FeatureCollection, found type `{}`",
            path.display(),
            show(&kind)
        );
    }
    let crs = match top.crs {
        None => Crs::Wgs84,
        Some((a, b)) => {
            let v: Value = serde_json::from_slice(&body[a..b]).map_err(not_json)?;
            if v.is_null() {
                Crs::Wgs84
            } else {
                parse_crs(&v).with_context(|| format!("{}: `crs` member", path.display()))?
            }
        }
    };
    Ok(SplitCollection {
        crs,
        body,
        spans: top.features,
    })
}

/// Read a GeoJSON FeatureCollection from a file's bytes, parsing the
/// features in parallel. The first error in file order is returned.
pub fn read_feature_collection(path: &Path, bytes: &[u8]) -> Result<FeatureCollection> {
    use rayon::prelude::*;
    let split = split_feature_collection(path, bytes)?;
    let parsed: Vec<Result<Feature>> = (0..split.len())
        .into_par_iter()
        .map(|i| split.parse(path, i))
        .collect();
    Ok(FeatureCollection {
        crs: split.crs,
        features: parsed.into_iter().collect::<Result<_>>()?,
    })
}

/// What the scanner found in the top-level object.
struct TopLevel {
    kind: Option<(usize, usize)>,
    crs: Option<(usize, usize)>,
    features: Vec<(usize, usize)>,
    duplicate: Option<&'static str>,
}

/// Why the scanner stopped short of a whole top-level object.
enum Stop {
    /// Not shaped like a JSON object (serde_json then explains).
    NotShaped,
    /// The bytes end inside a string or a string escape that starts at `at`.
    EndsInside { at: usize, what: &'static str },
}

/// Walk the top-level object.
fn scan_collection(b: &[u8]) -> std::result::Result<TopLevel, Stop> {
    let mut s = Scanner {
        b,
        pos: 0,
        cut: None,
    };
    let mut top = TopLevel {
        kind: None,
        crs: None,
        features: Vec::new(),
        duplicate: None,
    };
    match scan_top(&mut s, &mut top) {
        Some(()) if s.pos == b.len() => Ok(top),
        _ => Err(s
            .cut
            .map_or(Stop::NotShaped, |(at, what)| Stop::EndsInside { at, what })),
    }
}

/// The members of the top-level object, into `top`; `None` where the
/// scanner cannot follow.
fn scan_top(s: &mut Scanner<'_>, top: &mut TopLevel) -> Option<()> {
    let b = s.b;
    let mut seen_features = false;
    s.ws();
    s.expect(b'{')?;
    s.ws();
    if s.peek()? == b'}' {
        s.pos += 1;
    } else {
        loop {
            s.ws();
            let (ks, ke) = s.string()?;
            let raw_key = &b[ks + 1..ke - 1];
            let key: std::borrow::Cow<[u8]> = if raw_key.contains(&b'\\') {
                let k: String = serde_json::from_slice(&b[ks..ke]).ok()?;
                k.into_bytes().into()
            } else {
                raw_key.into()
            };
            s.ws();
            s.expect(b':')?;
            s.ws();
            match &key[..] {
                b"features" => {
                    if seen_features {
                        top.duplicate.get_or_insert("features");
                    }
                    seen_features = true;
                    top.features.clear();
                    s.expect(b'[')?;
                    s.ws();
                    if s.peek()? == b']' {
                        s.pos += 1;
                    } else {
                        loop {
                            top.features.push(s.value()?);
                            s.ws();
                            match s.next()? {
                                b',' => s.ws(),
                                b']' => break,
                                _ => return None,
                            }
                        }
                    }
                }
                b"type" => {
                    let v = s.value()?;
                    if top.kind.replace(v).is_some() {
                        top.duplicate.get_or_insert("type");
                    }
                }
                b"crs" => {
                    let v = s.value()?;
                    if top.crs.replace(v).is_some() {
                        top.duplicate.get_or_insert("crs");
                    }
                }
                _ => {
                    s.value()?;
                }
            }
            s.ws();
            match s.next()? {
                b',' => continue,
                b'}' => break,
                _ => return None,
            }
        }
    }
    s.ws();
    Some(())
}

/// Is `c` one of the bytes that matter inside a JSON array or object
/// (outside strings): a quote or a bracket?
fn is_structural(c: u8) -> bool {
    matches!(c, b'"' | b'[' | b']' | b'{' | b'}')
}

/// The index of the first quote or bracket in `b`. Eight bytes at a time:
/// `[`, `]`, `{` and `}` (0x5B 0x5D 0x7B 0x7D) are exactly the bytes with
/// `c & 0xD9 == 0x59` apart from `Y _ y DEL`, so one masked compare and one
/// for `"` find candidates with the usual zero-byte test; the lowest flagged
/// byte of a word is always a true match of the masked compare, and is
/// checked against the five.
fn next_structural(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_bytes = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let mut i = 0;
    while i + 8 <= b.len() {
        let mut word = [0u8; 8];
        word.copy_from_slice(&b[i..i + 8]);
        let w = u64::from_le_bytes(word);
        let hits = zero_bytes((w & (ONES * 0xD9)) ^ (ONES * 0x59)) | zero_bytes(w ^ (ONES * 0x22));
        if hits != 0 {
            let k = i + (hits.trailing_zeros() / 8) as usize;
            if is_structural(b[k]) {
                return Some(k);
            }
            // `Y`, `_`, `y` or DEL: go on after it.
            i = k + 1;
            continue;
        }
        i += 8;
    }
    b[i..].iter().position(|&c| is_structural(c)).map(|k| i + k)
}

/// A cursor that locates JSON values without parsing them.
struct Scanner<'a> {
    b: &'a [u8],
    pos: usize,
    /// Where a string or escape starts that the bytes end inside.
    cut: Option<(usize, &'static str)>,
}

impl Scanner<'_> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }

    /// A string starting here; its span including the quotes. At the end of
    /// the bytes inside it, `cut` says where the string or escape began.
    fn string(&mut self) -> Option<(usize, usize)> {
        let start = self.pos;
        self.expect(b'"')?;
        loop {
            let rest = self.b.get(self.pos..).unwrap_or_default();
            let Some(k) = memchr::memchr2(b'"', b'\\', rest) else {
                self.cut = Some((start, "string"));
                return None;
            };
            self.pos += k;
            if self.b[self.pos] == b'\\' {
                if escape_is_cut(&self.b[self.pos..]) {
                    self.cut = Some((self.pos, "string escape"));
                    return None;
                }
                self.pos += 2;
            } else {
                self.pos += 1;
                return Some((start, self.pos));
            }
        }
    }

    /// Any value starting here; its span.
    fn value(&mut self) -> Option<(usize, usize)> {
        let start = self.pos;
        match self.peek()? {
            b'"' => {
                self.string()?;
            }
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    self.pos += next_structural(&self.b[self.pos..])?;
                    match self.b[self.pos] {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        // `next_structural` stops only at these five bytes.
                        _ => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                break;
                            }
                        }
                    }
                    self.pos += 1;
                }
            }
            _ => {
                while let Some(c) = self.peek() {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.pos += 1;
                }
                if self.pos == start {
                    return None;
                }
            }
        }
        Some((start, self.pos))
    }
}

/// Do the bytes end inside the escape (`\\` then one character, or `\\u` then
/// four hex digits) that starts `esc`?
fn escape_is_cut(esc: &[u8]) -> bool {
    match esc.get(1) {
        None => true,
        Some(b'u') => {
            let digits = &esc[2..];
            digits.len() < 4 && digits.iter().all(u8::is_ascii_hexdigit)
        }
        Some(_) => false,
    }
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
    fn next_structural_agrees_with_a_byte_loop() {
        // Random bytes drawn mostly from JSON's alphabet plus the four
        // look-alikes of the masked compare (Y _ y DEL).
        let alphabet = b"0123456789.,-e []{}\"Y_y\x7fZ:";
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for len in 0..300 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    alphabet[(x % alphabet.len() as u64) as usize]
                })
                .collect();
            for start in 0..bytes.len().min(9) {
                let b = &bytes[start..];
                let want = b.iter().position(|&c| is_structural(c));
                assert_eq!(next_structural(b), want, "{:?}", String::from_utf8_lossy(b));
            }
        }
    }

    #[test]
    fn split_handles_escapes_nesting_and_other_members() {
        let src = br#"{"name":"a \"quoted\" [name]","type":"FeatureCollection","bbox":[0,1,2,3],
          "features":[
            {"type":"Feature","properties":{"k":"}{]["},"geometry":{"coordinates":[[1,2],[3,4]],"type":"LineString"}},
            {"type":"Feature","properties":{"Yy_":[{"x":[]}]},"geometry":null}
          ]}"#;
        let fc = read_feature_collection(Path::new("x.geojson"), src).unwrap();
        assert_eq!(fc.crs, Crs::Wgs84);
        assert_eq!(fc.features.len(), 2);
        match &fc.features[0].geometry {
            Some(Geometry::LineString { coordinates }) => {
                assert_eq!(coordinates, &[Position([1.0, 2.0]), Position([3.0, 4.0])])
            }
            other => panic!("{other:?}"),
        }
        // A feature that is not valid JSON names its feature and line.
        let bad = b"{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\"},\n{\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,]}}]}";
        let err = read_feature_collection(Path::new("b.geojson"), bad)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("feature 2") && err.contains("line 3"), "{err}");
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
