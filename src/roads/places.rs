//! Named places for orienting a map: OpenStreetMap `place=city|town|village`
//! points with their `name` and `population`. They come from the road file
//! itself (an `.osm.pbf`'s nodes, read in the same pass as the road nodes'
//! coordinates; a road GeoJSON's Point features with a `place` property) or
//! from `--places FILE`: a Geofabrik places layer (`gis_osm_places_free_1.shp`,
//! fields `fclass`, `name`, `population`), another `.osm.pbf`, or a GeoJSON
//! of points. Hamlets, suburbs, localities and unnamed places are left out.
//! Places are sorted by name, then kind, then position, so every output that
//! draws them is the same whatever the thread count.

use crate::coords::{check_bng, check_wgs84, wgs84_to_bng};
use crate::load::geojson::{Crs, Geometry, read_feature_collection, value_text};
use crate::model::{Place, PlaceKind};
use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Map, Value};
use std::path::Path;

/// The kind of an OSM `place=*` value (or a Geofabrik `fclass`) a map
/// names: `city`, `town` or `village`.
pub fn kind_of(value: &str) -> Option<PlaceKind> {
    match value.trim() {
        "city" => Some(PlaceKind::City),
        "town" => Some(PlaceKind::Town),
        "village" => Some(PlaceKind::Village),
        _ => None,
    }
}

/// An OSM `population=*` value: a whole number, perhaps with thousands
/// separators (`8055`, `8,055`, `8 055`); `None` for anything else
/// (`~5000`, `approx 300`, `0`), which OSM also has.
pub fn population(value: &str) -> Option<u64> {
    let v = value.trim();
    let digits: String = v.chars().filter(|c| !matches!(c, ',' | ' ')).collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok().filter(|&n| n > 0)
}

/// A place from a point's tags, if it is a named city, town or village.
pub(crate) fn from_tags<'t>(
    tags: impl Iterator<Item = (&'t str, &'t str)>,
    location: [f64; 2],
) -> Option<Place> {
    let (mut kind, mut name, mut pop) = (None, None, None);
    for (k, v) in tags {
        match k {
            "place" => kind = Some(kind_of(v)?),
            "name" => name = Some(v.trim()),
            "population" => pop = population(v),
            _ => {}
        }
    }
    let name = name.filter(|n| !n.is_empty())?;
    Some(Place {
        name: name.to_string(),
        kind: kind?,
        location,
        population: pop,
    })
}

/// Sort places by name, then kind, then position (and drop exact
/// duplicates), the order every output uses.
pub fn sort(places: &mut Vec<Place>) {
    places.sort_by(|a, b| {
        a.name
            .cmp(&b.name)
            .then(a.kind.cmp(&b.kind))
            .then(a.location[0].total_cmp(&b.location[0]))
            .then(a.location[1].total_cmp(&b.location[1]))
            .then(a.population.cmp(&b.population))
    });
    places.dedup();
}

/// Read `--places FILE`, choosing the reader by its name: `.osm.pbf`/`.pbf`,
/// `.shp` (a Geofabrik places layer), `.geojson`/`.json`. An error is one
/// line naming the file (and the record).
pub fn load_places(path: &Path) -> Result<Vec<Place>> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if !path.is_file() {
        bail!("{}: cannot read: no such file", path.display());
    }
    let places = if name.ends_with(".pbf") {
        super::pbf::read_places(path)
    } else if name.ends_with(".shp") {
        read_shp(path)
    } else if name.ends_with(".geojson") || name.ends_with(".json") {
        read_geojson(path)
    } else {
        Err(anyhow!(
            "{}: unknown places file type; use a Geofabrik places layer (.shp), an .osm.pbf or a .geojson of points",
            path.display()
        ))
    };
    places.map_err(crate::load::text::plain_error)
}

/// A point in `crs` as BNG, after checking it is in Great Britain.
fn project(c: [f64; 2], crs: Crs) -> Result<[f64; 2]> {
    let problem = match crs {
        Crs::Wgs84 => check_wgs84(c[0], c[1]),
        Crs::Bng => check_bng(c[0], c[1]),
    };
    if let Some(p) = problem {
        bail!("{p}");
    }
    Ok(match crs {
        Crs::Wgs84 => {
            let p = wgs84_to_bng(c[0], c[1]);
            [p.x, p.y]
        }
        Crs::Bng => c,
    })
}

/// A Geofabrik places layer: point records with `fclass` (`city`, `town`,
/// `village`, `hamlet`, `suburb`, `locality`, ...), `name` and `population`
/// (0 when unknown); the `.prj` says WGS84 or British National Grid.
fn read_shp(path: &Path) -> Result<Vec<Place>> {
    use shapefile::Shape;
    let crs = crate::load::shp::read_prj(path)?;
    let mut out = Vec::new();
    let mut has_fclass = None;
    crate::load::shp::for_each_shape(path, |i, shape, record| {
        let at = || format!("{}: record {}", path.display(), i + 1);
        if has_fclass.is_none() {
            has_fclass = Some(record.get("fclass").is_some());
        }
        if has_fclass == Some(false) {
            return Err(anyhow!(
                "no fclass field: not a Geofabrik places layer (gis_osm_places_free_1.shp)"
            ))
            .with_context(at);
        }
        let xy = match shape {
            Shape::Point(p) => [p.x, p.y],
            Shape::PointM(p) => [p.x, p.y],
            Shape::PointZ(p) => [p.x, p.y],
            Shape::NullShape => return Ok(()),
            other => {
                return Err(anyhow!(
                    "expected a point shape, found {}",
                    other.shapetype()
                ))
                .with_context(at);
            }
        };
        let text = |f: &str| super::shp::text(&record, f);
        let Some(kind) = text("fclass").as_deref().and_then(kind_of) else {
            return Ok(());
        };
        let Some(name) = text("name") else {
            return Ok(());
        };
        let location = project(xy, crs).with_context(at)?;
        out.push(Place {
            name,
            kind,
            location,
            population: text("population").as_deref().and_then(population),
        });
        Ok(())
    })?;
    sort(&mut out);
    Ok(out)
}

/// Point features with a `place` property (and `name`, `population`).
fn read_geojson(path: &Path) -> Result<Vec<Place>> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let fc = read_feature_collection(path, &bytes)?;
    let mut out = Vec::new();
    for (i, f) in fc.features.iter().enumerate() {
        if let Some(p) =
            geojson_place(f, fc.crs).with_context(|| format!("{}: feature {i}", path.display()))?
        {
            out.push(p);
        }
    }
    sort(&mut out);
    Ok(out)
}

/// The place of one GeoJSON feature: a Point with a `place` property of
/// `city`, `town` or `village` and a name; `None` for any other feature.
pub(crate) fn geojson_place(f: &crate::load::geojson::Feature, crs: Crs) -> Result<Option<Place>> {
    let Some(Geometry::Point { coordinates }) = &f.geometry else {
        return Ok(None);
    };
    let empty = Map::new();
    let props = f.properties.as_ref().unwrap_or(&empty);
    let tags: Vec<(String, String)> = props
        .iter()
        .filter(|(_, v)| !matches!(v, Value::Null))
        .filter_map(|(k, v)| value_text(v).map(|t| (k.to_ascii_lowercase(), t)))
        .collect();
    if !tags.iter().any(|(k, _)| k == "place") {
        return Ok(None);
    }
    let location = project(coordinates.0, crs)?;
    Ok(from_tags(
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        location,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_populations() {
        assert_eq!(kind_of("town"), Some(PlaceKind::Town));
        assert_eq!(kind_of("hamlet"), None);
        assert_eq!(kind_of("suburb"), None);
        assert_eq!(population("8055"), Some(8055));
        assert_eq!(population("8,055"), Some(8055));
        assert_eq!(population(" 12 400 "), Some(12_400));
        for bad in ["~5000", "approx 300", "", "0", "-4", "1.5"] {
            assert_eq!(population(bad), None, "{bad}");
        }
    }

    #[test]
    fn tags_make_a_place_only_when_named_and_kept() {
        let at = [1.0, 2.0];
        let p = from_tags(
            [
                ("name", "Oakham"),
                ("place", "town"),
                ("population", "10,922"),
            ]
            .into_iter(),
            at,
        )
        .unwrap();
        assert_eq!(
            (p.name.as_str(), p.kind, p.population),
            ("Oakham", PlaceKind::Town, Some(10_922))
        );
        assert_eq!(from_tags([("place", "town")].into_iter(), at), None);
        assert_eq!(
            from_tags([("place", "hamlet"), ("name", "X")].into_iter(), at),
            None
        );
        assert_eq!(from_tags([("name", "Y")].into_iter(), at), None);
        assert_eq!(
            from_tags([("place", "village"), ("name", " ")].into_iter(), at),
            None
        );
    }

    #[test]
    fn sorted_by_name_then_kind_and_deduplicated() {
        let p = |n: &str, k, x| Place {
            name: n.into(),
            kind: k,
            location: [x, 0.0],
            population: None,
        };
        let mut v = vec![
            p("Newport", PlaceKind::Village, 1.0),
            p("Cowes", PlaceKind::Town, 2.0),
            p("Newport", PlaceKind::Town, 3.0),
            p("Cowes", PlaceKind::Town, 2.0),
        ];
        sort(&mut v);
        let got: Vec<(&str, PlaceKind)> = v.iter().map(|p| (p.name.as_str(), p.kind)).collect();
        assert_eq!(
            got,
            vec![
                ("Cowes", PlaceKind::Town),
                ("Newport", PlaceKind::Town),
                ("Newport", PlaceKind::Village)
            ]
        );
    }
}
