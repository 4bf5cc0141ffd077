//! Areas (LSOAs) from GeoJSON or a shapefile, with population, RUC class
//! and population-weighted centroids taken from properties or joined from
//! separate CSVs on the area code.

use super::columns as c;
use super::geojson::{
    Crs, Geometry, Position, SplitCollection, prop, split_feature_collection, value_text,
};
use super::table::{ColumnSpec, Table, parse_count, parse_f64};
use super::vintage::{self, Vintage};
use crate::coords::{check_bng, check_wgs84, wgs84_to_bng};
use crate::model::{Area, CentroidSource, InputFile, Notice, Ruc};
use anyhow::{Result, anyhow, bail};
use geo::{Area as _, Coord, InteriorPoint, LineString, MultiPolygon, Polygon};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

/// Optional CSVs joined onto the areas by code.
#[derive(Clone, Debug, Default)]
pub struct AreaJoins<'a> {
    pub population: Option<&'a Path>,
    pub ruc: Option<&'a Path>,
    pub centroids: Option<&'a Path>,
}

/// The areas and what was read.
pub struct LoadedAreas {
    pub areas: Vec<Area>,
    pub notices: Vec<Notice>,
    pub inputs: Vec<InputFile>,
    pub crs: Crs,
}

/// An area as read, before joins.
struct RawArea {
    code: String,
    name: Option<String>,
    lad_code: Option<String>,
    population: Option<u64>,
    ruc: Option<Ruc>,
    centroid: Option<Coord<f64>>,
    geometry: MultiPolygon<f64>,
    /// See [`Area::input_lonlat_e7`].
    input_lonlat_e7: Vec<[i32; 2]>,
    /// 1-based feature number, for messages.
    feature: usize,
}

/// Load areas from `path` (`.geojson`/`.json` or `.shp`) and apply joins.
pub fn load_areas(path: &Path, joins: &AreaJoins<'_>) -> Result<LoadedAreas> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let (crs, raw, input) = match ext.as_str() {
        "geojson" | "json" => read_geojson_areas(path)?,
        "shp" => read_shp_areas(path)?,
        _ => bail!(
            "{}: unknown areas format `.{ext}`: expected .geojson, .json or .shp",
            path.display()
        ),
    };
    finish(path, crs, raw, input, joins)
}

fn read_geojson_areas(path: &Path) -> Result<(Crs, Vec<RawArea>, InputFile)> {
    let bytes = std::fs::read(path).map_err(|e| anyhow!("{}: cannot read: {e}", path.display()))?;
    // Hash the file while its features are parsed.
    let (sha256, parsed) = rayon::join(
        || super::text::sha256_hex(&bytes),
        || -> Result<(Crs, Vec<Result<RawArea>>)> {
            let split = split_feature_collection(path, &bytes)?;
            let crs = split.crs;
            let raw = (0..split.len())
                .into_par_iter()
                .map(|i| geojson_area(path, &split, i))
                .collect();
            Ok((crs, raw))
        },
    );
    let (crs, raw) = parsed?;
    drop(bytes);
    // The first error in file order, whatever the thread count.
    let raw: Vec<RawArea> = raw.into_iter().collect::<Result<_>>()?;
    let input = InputFile {
        role: "areas".into(),
        path: path.display().to_string(),
        sha256,
        rows: raw.len() as u64,
        ..Default::default()
    };
    Ok((crs, raw, input))
}

/// Parse feature `i` and turn it into an area in BNG.
fn geojson_area(path: &Path, split: &SplitCollection<'_>, i: usize) -> Result<RawArea> {
    let crs = split.crs;
    let f = split.parse(path, i)?;
    let feature = i + 1;
    let props = f.properties.unwrap_or_default();
    let code = area_code(path, feature, &props)?;
    let at = || format!("{}: feature {feature} ({code})", path.display());
    let polys: Vec<Vec<Vec<Position>>> = match f.geometry {
        Some(Geometry::Polygon { coordinates }) => vec![coordinates],
        Some(Geometry::MultiPolygon { coordinates }) => coordinates,
        Some(other) => bail!(
            "{}: geometry is a {}, expected Polygon or MultiPolygon",
            at(),
            other.type_name()
        ),
        None => bail!("{}: has no geometry", at()),
    };
    let geometry = to_multipolygon(&polys, crs).map_err(|why| anyhow!("{}: {why}", at()))?;
    raw_area(path, feature, code, &props, geometry)
}

fn read_shp_areas(path: &Path) -> Result<(Crs, Vec<RawArea>, InputFile)> {
    let (crs, features) = super::shp::read_shapefile(path)?;
    let bytes = std::fs::read(path).map_err(|e| anyhow!("{}: cannot read: {e}", path.display()))?;
    let sha256 = super::text::sha256_hex(&bytes);
    let raw: Vec<RawArea> = features
        .into_par_iter()
        .enumerate()
        .map(|(i, f)| {
            let feature = i + 1;
            let code = area_code(path, feature, &f.properties)?;
            let at = || format!("{}: record {feature} ({code})", path.display());
            let polys = match f.shape {
                shapefile::Shape::Polygon(p) => shp_rings(p.rings(), |q| [q.x, q.y]),
                shapefile::Shape::PolygonM(p) => shp_rings(p.rings(), |q| [q.x, q.y]),
                shapefile::Shape::PolygonZ(p) => shp_rings(p.rings(), |q| [q.x, q.y]),
                shapefile::Shape::NullShape => bail!("{}: has no geometry", at()),
                other => bail!(
                    "{}: shape is a {}, expected Polygon",
                    at(),
                    other.shapetype()
                ),
            }
            .map_err(|why| anyhow!("{}: {why}", at()))?;
            let geometry =
                to_multipolygon(&polys, crs).map_err(|why| anyhow!("{}: {why}", at()))?;
            raw_area(path, feature, code, &f.properties, geometry)
        })
        .collect::<Result<_>>()?;
    let input = InputFile {
        role: "areas".into(),
        path: path.display().to_string(),
        sha256,
        rows: raw.len() as u64,
        ..Default::default()
    };
    Ok((crs, raw, input))
}

/// Group shapefile rings into polygons: each outer ring starts a polygon and
/// the inner rings after it are its holes (the ESRI specification's order).
fn shp_rings<P>(
    rings: &[shapefile::PolygonRing<P>],
    xy: impl Fn(&P) -> [f64; 2],
) -> std::result::Result<Vec<Vec<Vec<Position>>>, String> {
    let mut polys: Vec<Vec<Vec<Position>>> = Vec::new();
    for ring in rings {
        let pts: Vec<Position> = ring.points().iter().map(|q| Position(xy(q))).collect();
        match ring {
            shapefile::PolygonRing::Outer(_) => polys.push(vec![pts]),
            shapefile::PolygonRing::Inner(_) => match polys.last_mut() {
                Some(p) => p.push(pts),
                None => return Err("a hole (inner ring) comes before any outer ring".into()),
            },
        }
    }
    Ok(polys)
}

fn area_code(path: &Path, feature: usize, props: &Map<String, Value>) -> Result<String> {
    prop(props, c::AREA_CODE)
        .and_then(|(_, v)| value_text(v))
        .ok_or_else(|| {
            let keys: Vec<&str> = props.keys().map(String::as_str).collect();
            anyhow!(
                "{}: feature {feature}: no `area_code` (or LSOA11CD, LSOA21CD) property; it has: {}",
                path.display(),
                keys.join(", ")
            )
        })
}

/// Check and convert rings to BNG; with WGS84 input, also the positions as
/// read in units of 1e-7 degree, vertex for vertex ([`Area::input_lonlat_e7`]).
fn to_multipolygon(
    polys: &[Vec<Vec<Position>>],
    crs: Crs,
) -> std::result::Result<(MultiPolygon<f64>, Vec<[i32; 2]>), String> {
    if polys.is_empty() {
        return Err("has an empty geometry".into());
    }
    let mut out = Vec::with_capacity(polys.len());
    let mut lonlat_e7 = Vec::new();
    if crs == Crs::Wgs84 {
        lonlat_e7.reserve_exact(polys.iter().flatten().map(Vec::len).sum());
    }
    for (pi, rings) in polys.iter().enumerate() {
        if rings.is_empty() {
            return Err(format!("polygon {} has no rings", pi + 1));
        }
        let mut converted = Vec::with_capacity(rings.len());
        for (ri, ring) in rings.iter().enumerate() {
            let label = format!("polygon {} ring {}", pi + 1, ri + 1);
            if ring.len() < 4 {
                return Err(format!(
                    "{label} has {} positions; a ring needs at least 4",
                    ring.len()
                ));
            }
            if ring.first() != ring.last() {
                return Err(format!(
                    "{label} is not closed: first position {:?} differs from last {:?}",
                    ring[0].0,
                    ring[ring.len() - 1].0
                ));
            }
            let mut coords = Vec::with_capacity(ring.len());
            for p in ring {
                let [x, y] = p.0;
                let c = match crs {
                    Crs::Wgs84 => {
                        if let Some(why) = check_wgs84(x, y) {
                            return Err(format!("{label}: {why}"));
                        }
                        lonlat_e7.push([degrees_e7(x), degrees_e7(y)]);
                        wgs84_to_bng(x, y)
                    }
                    Crs::Bng => {
                        if let Some(why) = check_bng(x, y) {
                            return Err(format!("{label}: {why}"));
                        }
                        Coord { x, y }
                    }
                };
                coords.push(c);
            }
            converted.push(LineString(coords));
        }
        let exterior = converted.remove(0);
        out.push(Polygon::new(exterior, converted));
    }
    let mp = MultiPolygon(out);
    if mp.unsigned_area() <= 0.0 {
        return Err("is an empty polygon (zero area)".into());
    }
    Ok((mp, lonlat_e7))
}

/// Degrees (checked to be within Great Britain) in units of 1e-7 degree,
/// rounded as the GeoJSON writer rounds.
fn degrees_e7(v: f64) -> i32 {
    (v * 1e7).round() as i32
}

fn raw_area(
    path: &Path,
    feature: usize,
    code: String,
    props: &Map<String, Value>,
    (geometry, input_lonlat_e7): (MultiPolygon<f64>, Vec<[i32; 2]>),
) -> Result<RawArea> {
    let at = || format!("{}: feature {feature} ({code})", path.display());
    let text = |spec: ColumnSpec| prop(props, spec).and_then(|(_, v)| value_text(v));
    let population = match prop(props, c::POPULATION) {
        None => None,
        Some((k, v)) => {
            let n = value_count(v).map_err(|why| anyhow!("{}: property `{k}`: {why}", at()))?;
            let at = format!("{}: property `{k}`", at());
            Some(c::within(&at, &v.to_string(), n, c::MAX_POPULATION)?)
        }
    };
    let ruc = match text(c::RUC) {
        None => None,
        Some(s) => Some(Ruc::parse(&s).ok_or_else(|| {
            anyhow!(
                "{}: RUC `{s}` is not a Rural-Urban Classification code (2011: A1 B1 C1 C2 D1 D2 E1 E2; 2021: UN1 UF1 RLN1 RLF1 RSN1 RSF1)",
                at()
            )
        })?),
    };
    let num = |spec: ColumnSpec| -> Result<Option<f64>> {
        match prop(props, spec) {
            None => Ok(None),
            Some((k, v)) => value_f64(v)
                .map(Some)
                .map_err(|why| anyhow!("{}: property `{k}`: {why}", at())),
        }
    };
    let centroid = match (num(c::CENTROID_LON)?, num(c::CENTROID_LAT)?) {
        (Some(lon), Some(lat)) => {
            if let Some(why) = check_wgs84(lon, lat) {
                bail!("{}: centroid: {why}", at());
            }
            Some(wgs84_to_bng(lon, lat))
        }
        (None, None) => match (num(c::CENTROID_E)?, num(c::CENTROID_N)?) {
            (Some(e), Some(n)) => {
                if let Some(why) = check_bng(e, n) {
                    bail!("{}: centroid: {why}", at());
                }
                Some(Coord { x: e, y: n })
            }
            (None, None) => None,
            _ => bail!(
                "{}: only one of centroid_easting/centroid_northing is given",
                at()
            ),
        },
        _ => bail!("{}: only one of centroid_lon/centroid_lat is given", at()),
    };
    Ok(RawArea {
        name: text(c::AREA_NAME),
        lad_code: text(c::LAD_CODE),
        code,
        population,
        ruc,
        centroid,
        geometry,
        input_lonlat_e7,
        feature,
    })
}

fn value_count(v: &Value) -> std::result::Result<u64, String> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                    .map(|f| f as u64)
            })
            .ok_or_else(|| format!("`{n}` is not a whole number of 0 or more")),
        Value::String(s) => parse_count(s),
        other => Err(format!("`{other}` is not a number")),
    }
}

fn value_f64(v: &Value) -> std::result::Result<f64, String> {
    match v {
        Value::Number(n) => n.as_f64().ok_or_else(|| format!("`{n}` is not a number")),
        Value::String(s) => parse_f64(s),
        other => Err(format!("`{other}` is not a number")),
    }
}

/// Joins, duplicate handling, centroids and notices.
fn finish(
    path: &Path,
    crs: Crs,
    raw: Vec<RawArea>,
    input: InputFile,
    joins: &AreaJoins<'_>,
) -> Result<LoadedAreas> {
    let mut notices = Vec::new();
    let mut inputs = vec![input];
    let (index, mut kept) = dedupe(path, raw, &mut notices)?;
    clean_area_names(path, &mut kept, &mut notices);
    let mut j = Joined {
        index: &index,
        areas_file: path.display().to_string(),
        boundaries: vintage::vintage_of_codes(index.keys().map(String::as_str)),
        kept: &mut kept,
        notices: &mut notices,
    };
    inputs.extend(j.population(joins.population)?);
    inputs.extend(j.ruc(joins.ruc)?);
    inputs.extend(j.centroids(joins.centroids)?);
    let areas = to_areas(path, kept)?;
    area_notices(path, &areas, &mut notices);
    Ok(LoadedAreas {
        areas,
        notices,
        inputs,
        crs,
    })
}

/// Area names with control characters replaced by spaces
/// (`safe_text::clean_name`), a notice naming file, feature and value each.
fn clean_area_names(path: &Path, kept: &mut [RawArea], notices: &mut Vec<Notice>) {
    for r in kept {
        let Some(clean) = r.name.as_deref().and_then(crate::safe_text::clean_name) else {
            continue;
        };
        let at = format!("{}: feature {}", path.display(), r.feature);
        let what = format!("area {}'s name", r.code);
        let raw = r.name.replace(clean).unwrap_or_default();
        notices.push(Notice {
            code: crate::findings::Code::NameControlCharacters,
            subject: r.code.clone(),
            detail: crate::safe_text::clean_name_detail(&at, &what, &raw),
        });
    }
}

/// Duplicate codes: an exact repeat is a notice, a conflicting one an
/// error. Returns each kept area's index by code, and the kept areas.
fn dedupe(
    path: &Path,
    raw: Vec<RawArea>,
    notices: &mut Vec<Notice>,
) -> Result<(HashMap<String, usize>, Vec<RawArea>)> {
    let mut index: HashMap<String, usize> = HashMap::with_capacity(raw.len());
    let mut kept: Vec<RawArea> = Vec::with_capacity(raw.len());
    for r in raw {
        if let Some(&i) = index.get(&r.code) {
            let first = &kept[i];
            if first.geometry == r.geometry
                && first.population == r.population
                && first.ruc == r.ruc
            {
                notices.push(Notice {
                    code: crate::findings::Code::DuplicateCode,
                    subject: r.code.clone(),
                    detail: format!(
                        "{}: feature {} repeats area {} (feature {}) exactly; the repeat is ignored",
                        path.display(),
                        r.feature,
                        r.code,
                        first.feature
                    ),
                });
                continue;
            }
            bail!(
                "{}: feature {}: duplicate area code `{}` (first at feature {}) with a different geometry or values",
                path.display(),
                r.feature,
                r.code,
                first.feature
            );
        }
        index.insert(r.code.clone(), kept.len());
        kept.push(r);
    }
    if kept.is_empty() {
        bail!("{}: no area features", path.display());
    }

    Ok((index, kept))
}

/// The areas read so far, being joined with the population, RUC and
/// centroid tables.
struct Joined<'a> {
    index: &'a HashMap<String, usize>,
    /// The boundaries' file and LSOA edition ([`vintage::vintage_of_codes`]).
    areas_file: String,
    boundaries: Option<Vintage>,
    kept: &'a mut Vec<RawArea>,
    notices: &'a mut Vec<Notice>,
}

impl Joined<'_> {
    /// Resident population by area code.
    fn population(&mut self, path: Option<&Path>) -> Result<Option<InputFile>> {
        let Some(p) = path else { return Ok(None) };
        let t = Table::open(p)?;
        let code = t.require(c::JOIN_AREA_CODE)?;
        let pop = t.require(c::POPULATION)?;
        let rows = self.join_table(&t, code, "the population file", |row, area| {
            area.population = Some(c::at_most(row, pop, row.count(pop)?, c::MAX_POPULATION)?);
            Ok(())
        })?;
        Ok(Some(input_file("population", &t, rows)))
    }

    /// Rural-Urban Classification by area code.
    fn ruc(&mut self, path: Option<&Path>) -> Result<Option<InputFile>> {
        let Some(p) = path else { return Ok(None) };
        let t = Table::open(p)?;
        let code = t.require(c::JOIN_AREA_CODE)?;
        let ruc = t.require(c::RUC)?;
        let rows = self.join_table(
            &t,
            code,
            "the Rural-Urban Classification file",
            |row, area| {
                let s = row.required_str(ruc)?;
                area.ruc = Some(Ruc::parse(s).ok_or_else(|| {
                    anyhow!(
                        "{}: `{s}` is not a Rural-Urban Classification code",
                        row.at()
                    )
                })?);
                Ok(())
            },
        )?;
        Ok(Some(input_file("ruc", &t, rows)))
    }

    /// Population-weighted centroids by area code, in degrees or metres.
    fn centroids(&mut self, path: Option<&Path>) -> Result<Option<InputFile>> {
        let Some(p) = path else { return Ok(None) };
        if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("shp")) {
            return self.centroid_points(p).map(Some);
        }
        let t = Table::open(p)?;
        let code = t.require(c::JOIN_AREA_CODE)?;
        let lonlat = t.optional(c::CENTROID_LON).zip(t.optional(c::CENTROID_LAT));
        let en = t.optional(c::CENTROID_E).zip(t.optional(c::CENTROID_N));
        let xy = t.optional(c::CENTROID_X).zip(t.optional(c::CENTROID_Y));
        let (cx, cy) = lonlat.or(en).or(xy).ok_or_else(|| {
            anyhow!(
                "{}: no centroid columns: expected centroid_lon/centroid_lat, centroid_easting/centroid_northing or X/Y; the header has: {}",
                t.display(),
                t.headers.join(", ")
            )
        })?;
        let rows = self.join_table(&t, code, "the centroid file", |row, area| {
            let x = row
                .opt_f64(Some(cx))?
                .ok_or_else(|| anyhow!("{}: centroid is empty", row.at()))?;
            let y = row
                .opt_f64(Some(cy))?
                .ok_or_else(|| anyhow!("{}: centroid is empty", row.at()))?;
            // X/Y columns: degrees when they fit longitude/latitude, else metres.
            let degrees = lonlat.is_some() || (en.is_none() && x.abs() <= 180.0 && y.abs() <= 90.0);
            let p = if degrees {
                if let Some(why) = check_wgs84(x, y) {
                    bail!("{}: centroid: {why}", row.at());
                }
                wgs84_to_bng(x, y)
            } else {
                if let Some(why) = check_bng(x, y) {
                    bail!("{}: centroid: {why}", row.at());
                }
                Coord { x, y }
            };
            area.centroid = Some(p);
            Ok(())
        })?;
        Ok(Some(input_file("centroids", &t, rows)))
    }
}

/// The areas, each with its centroid: population-weighted when joined,
/// else a point inside its geometry.
fn to_areas(path: &Path, kept: Vec<RawArea>) -> Result<Vec<Area>> {
    kept.into_par_iter()
        .map(|r| {
            let (centroid, centroid_source) = match r.centroid {
                Some(p) => (p, CentroidSource::PopulationWeighted),
                None => {
                    let p = r.geometry.interior_point().map(|p| p.0).ok_or_else(|| {
                        anyhow!(
                            "{}: feature {} ({}): no interior point",
                            path.display(),
                            r.feature,
                            r.code
                        )
                    })?;
                    (p, CentroidSource::InteriorPoint)
                }
            };
            Ok(Area {
                code: r.code,
                name: r.name,
                lad_code: r.lad_code,
                geometry: r.geometry,
                input_lonlat_e7: r.input_lonlat_e7,
                population: r.population,
                ruc: r.ruc,
                centroid,
                centroid_source,
            })
        })
        .collect()
}

/// Invalid geometries, and areas without a population or a RUC.
fn area_notices(path: &Path, areas: &[Area], notices: &mut Vec<Notice>) {
    // OGC validity (self-intersections, overlapping parts). Real ONS files
    // have a handful of multipolygons whose parts share an edge; the tool
    // can carry on with those, so they are reported, not fatal.
    let invalid: Vec<(usize, String)> = areas
        .par_iter()
        .enumerate()
        .filter_map(|(i, a)| super::validity::invalid_reason(&a.geometry).map(|why| (i, why)))
        .collect();
    for (i, why) in invalid {
        notices.push(Notice {
            code: crate::findings::Code::AreaInvalidGeometry,
            subject: areas[i].code.clone(),
            detail: format!(
                "{}: area {} is not a valid OGC polygon ({why}); it is used as it is",
                path.display(),
                areas[i].code
            ),
        });
    }
    for a in areas {
        if a.population.is_none() {
            notices.push(Notice {
                code: crate::findings::Code::AreaWithoutPopulation,
                subject: a.code.clone(),
                detail: format!("area {} has no resident population; it counts as 0", a.code),
            });
        }
        if a.ruc.is_none() {
            notices.push(Notice {
                code: crate::findings::Code::AreaWithoutRuc,
                subject: a.code.clone(),
                detail: format!(
                    "area {} has no Rural-Urban Classification; it counts as urban in rural shares",
                    a.code
                ),
            });
        }
    }
}

fn input_file(role: &str, t: &Table, rows: u64) -> InputFile {
    InputFile {
        role: role.into(),
        path: t.display(),
        sha256: t.file.sha256.clone(),
        rows,
        ..Default::default()
    }
}

impl Joined<'_> {
    /// Population-weighted centroids from a point shapefile (ONS publishes
    /// them so: `LSOA21CD` and `GlobalID` only), in BNG or WGS84 by its `.prj`.
    fn centroid_points(&mut self, p: &Path) -> Result<InputFile> {
        let (crs, points) = super::shp::read_points(p)?;
        let file = p.display().to_string();
        let records = points.into_iter().enumerate().map(|(i, (props, xy))| {
            let code = prop(&props, c::JOIN_AREA_CODE)
                .and_then(|(_, v)| value_text(v))
                .ok_or_else(|| {
                    let keys: Vec<&str> = props.keys().map(String::as_str).collect();
                    anyhow!(
                        "{file}: record {}: no `area_code` (or LSOA21CD, LSOA11CD) attribute; it has: {}",
                        i + 1,
                        keys.join(", ")
                    )
                })?;
            Ok((code, i as u64 + 1, xy))
        });
        let kept = &mut *self.kept;
        let at = |n: u64| format!("{file}: record {n}");
        let rows = join(
            &file,
            "the centroid shapefile",
            records,
            &at,
            self.index,
            (&self.areas_file, self.boundaries),
            self.notices,
            |[x, y], n, i| {
                let why = match crs {
                    Crs::Wgs84 => check_wgs84(x, y),
                    Crs::Bng => check_bng(x, y),
                };
                if let Some(why) = why {
                    bail!("{}: centroid: {why}", at(n));
                }
                kept[i].centroid = Some(match crs {
                    Crs::Wgs84 => wgs84_to_bng(x, y),
                    Crs::Bng => Coord { x, y },
                });
                Ok(())
            },
        )?;
        let bytes = std::fs::read(p).map_err(|e| anyhow!("{file}: cannot read: {e}"))?;
        Ok(InputFile {
            role: "centroids".into(),
            path: file,
            sha256: super::text::sha256_hex(&bytes),
            rows,
            ..Default::default()
        })
    }

    /// [`join`] over a table's rows.
    fn join_table(
        &mut self,
        t: &Table,
        code: super::table::Col,
        what: &str,
        mut f: impl FnMut(&super::table::Row<'_>, &mut RawArea) -> Result<()>,
    ) -> Result<u64> {
        let kept = &mut *self.kept;
        let records = t.rows().map(|row| {
            let row = row?;
            let k = row.required_str(code)?.to_string();
            Ok((k, row.line, row))
        });
        let file = t.display();
        let at = |line: u64| format!("{file}:{line}");
        join(
            &file,
            what,
            records,
            &at,
            self.index,
            (&self.areas_file, self.boundaries),
            self.notices,
            |row, _, i| f(&row, &mut kept[i]),
        )
    }
}

/// Apply `f` to every record whose code names a known area. Codes not among
/// the areas (other countries' codes in ONS UK-wide files) are counted in
/// one notice, not errors; a file on the other LSOA edition from the
/// boundaries (`boundaries`) is an error saying so ([`vintage::check_edition`]).
#[allow(clippy::too_many_arguments)]
fn join<R>(
    file: &str,
    what: &str,
    records: impl Iterator<Item = Result<(String, u64, R)>>,
    at: &dyn Fn(u64) -> String,
    index: &HashMap<String, usize>,
    (areas_file, boundaries): (&str, Option<Vintage>),
    notices: &mut Vec<Notice>,
    mut f: impl FnMut(R, u64, usize) -> Result<()>,
) -> Result<u64> {
    let mut rows = 0;
    let mut unmatched = 0u64;
    let mut examples = Vec::new();
    let mut seen: HashMap<usize, u64> = HashMap::new();
    let mut codes: Vec<String> = Vec::new();
    for rec in records {
        let (k, line, r) = rec?;
        rows += 1;
        match index.get(&k) {
            Some(&i) => {
                if let Some(first) = seen.insert(i, line) {
                    bail!(
                        "{}: area {k} appears twice (first at {})",
                        at(line),
                        at(first)
                    );
                }
                f(r, line, i)?;
            }
            None => {
                unmatched += 1;
                if examples.len() < 5 {
                    examples.push(k.clone());
                }
            }
        }
        codes.push(k);
    }
    let s = vintage::survey(codes.iter().map(String::as_str), |k| index.contains_key(k));
    vintage::check_edition(file, what, areas_file, boundaries, &s, &|b, v| {
        format!("use the {b} edition of this file, or boundaries of the {v} edition")
    })?;
    if unmatched > 0 {
        notices.push(Notice {
            code: crate::findings::Code::JoinRowsUnmatched,
            subject: file.to_string(),
            detail: format!(
                "{file}: {unmatched} of {rows} rows name areas not in the areas file (e.g. {}); they are ignored",
                examples.join(", ")
            ),
        });
    }
    Ok(rows)
}
