//! Roads from OpenStreetMap `.osm.pbf`, in two passes so that memory follows
//! the road network, not the file: pass 1 keeps the ways a car may use (tags
//! through the car profile) with their node ids; pass 2 reads only the
//! coordinates of the nodes those ways need. Both passes decode blobs in
//! parallel (rayon); results are sorted by OSM id, so the network is the
//! same whatever the thread count.
//!
//! Every node is kept (the routing graph contracts pass-through nodes).
//! A way that references nodes absent from the file (clipped extracts) is
//! split at them: each run of two or more present nodes becomes a way with
//! the same OSM id, and the missing references are counted.

use super::RoadsReport;
use super::network::{RoadNetwork, Way};
use super::profile::{CarProfile, Quirk, WayAttrs};
use crate::coords::wgs84_to_bng;
use crate::load::text::sha256_hex;
use crate::model::{InputFile, Place};
use anyhow::{Context, Result, anyhow};
use osmpbf::{BlobDecode, BlobReader};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// A way kept by pass 1.
struct KeptWay {
    id: i64,
    attrs: WayAttrs,
    refs: Vec<i64>,
}

/// What one blob (or a merge of blobs) gave in pass 1.
#[derive(Default)]
struct Pass1 {
    ways: Vec<KeptWay>,
    ways_read: u64,
    excluded: BTreeMap<String, u64>,
    counts: BTreeMap<String, u64>,
}

impl Pass1 {
    fn merge(mut self, mut o: Pass1) -> Pass1 {
        if self.ways.len() < o.ways.len() {
            std::mem::swap(&mut self.ways, &mut o.ways);
        }
        self.ways.append(&mut o.ways);
        self.ways_read += o.ways_read;
        for (k, v) in o.excluded {
            *self.excluded.entry(k).or_insert(0) += v;
        }
        for (k, v) in o.counts {
            *self.counts.entry(k).or_insert(0) += v;
        }
        self
    }

    fn way(&mut self, profile: &CarProfile, w: &osmpbf::Way<'_>) {
        let tags: Vec<(&str, &str)> = w.tags().collect();
        let tag = |k: &str| tags.iter().find(|(kk, _)| *kk == k).map(|(_, v)| *v);
        let highway = tag("highway");
        if highway.is_none() && tag("route") != Some("ferry") {
            return;
        }
        self.ways_read += 1;
        let mut quirks: Vec<Quirk> = Vec::new();
        match profile.classify(tag, None, &mut quirks) {
            Ok(attrs) => {
                for q in quirks {
                    *self.counts.entry(q.as_str().to_string()).or_insert(0) += 1;
                }
                self.ways.push(KeptWay {
                    id: w.id(),
                    attrs,
                    refs: w.refs().collect(),
                });
            }
            Err(e) => {
                *self.excluded.entry(e.as_str().to_string()).or_insert(0) += 1;
                if let (super::profile::Exclusion::NotCarClass, Some(h)) = (e, highway) {
                    *self
                        .counts
                        .entry(format!("highway_not_for_cars:{h}"))
                        .or_insert(0) += 1;
                }
            }
        }
    }
}

fn blobs(path: &Path) -> Result<BlobReader<std::io::BufReader<std::fs::File>>> {
    BlobReader::from_path(path).map_err(|e| anyhow!("{}: cannot open: {e}", path.display()))
}

/// Run `f` on every data block of the file, in parallel, and reduce.
fn par_blocks<T: Send + Default>(
    path: &Path,
    f: impl Fn(&osmpbf::PrimitiveBlock) -> T + Sync + Send,
    merge: impl Fn(T, T) -> T + Sync + Send,
) -> Result<T> {
    blobs(path)?
        .par_bridge()
        .map(|blob| {
            let blob = blob.map_err(|e| anyhow!("{}: {e}", path.display()))?;
            match blob
                .decode()
                .map_err(|e| anyhow!("{}: cannot decode a block: {e}", path.display()))?
            {
                BlobDecode::OsmData(block) => Ok(f(&block)),
                _ => Ok(T::default()),
            }
        })
        .try_reduce(T::default, |a, b| Ok(merge(a, b)))
}

/// Load an `.osm.pbf` file: the ways the profile keeps (pass 1), the
/// coordinates of their nodes (pass 2), the ways cut where nodes are
/// missing, and only the nodes some way uses.
/// An error is one line with control characters escaped.
pub fn load_pbf(path: &Path, profile: &CarProfile) -> Result<(RoadNetwork, RoadsReport)> {
    read_pbf(path, profile).map_err(crate::load::text::plain_error)
}

fn read_pbf(path: &Path, profile: &CarProfile) -> Result<(RoadNetwork, RoadsReport)> {
    if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) {
        anyhow::bail!("{}: the file is empty: not an OSM PBF file", path.display());
    }
    let sha256 = file_sha256(path)?;
    let p1 = read_ways(path, profile)?;
    let mut ways = p1.ways;
    ways.sort_by_key(|w| w.id);
    let mut report = RoadsReport::new(
        InputFile {
            role: "roads".into(),
            path: path.display().to_string(),
            sha256,
            rows: p1.ways_read,
            product: Some(OSM_PRODUCT.into()),
            edition: header_edition(path)?,
        },
        "osm.pbf",
        profile,
    );
    report.ways_read = p1.ways_read;
    report.excluded = p1.excluded;
    report.counts = p1.counts;

    let mut needed: Vec<i64> = ways.iter().flat_map(|w| w.refs.iter().copied()).collect();
    needed.par_sort_unstable();
    needed.dedup();
    let (coords, mut places) = node_coords(path, &needed)?;
    super::places::sort(&mut places);
    let net_ways = runs_of_present_nodes(path, ways, &needed, &coords, &mut report)?;
    let mut net = keep_used_nodes(net_ways, &coords)?;
    report.finish(&mut net);
    report.places = places;
    Ok((net, report))
}

/// The product an `.osm.pbf` file is, for the report.
pub const OSM_PRODUCT: &str = "OpenStreetMap contributors: OSM extract (.osm.pbf)";

/// The file's edition: the day (UTC) of the header's
/// `osmosis_replication_timestamp`, which extract services (Geofabrik,
/// osmium, osmosis) write; `None` when the header has none.
fn header_edition(path: &Path) -> Result<Option<crate::load::edition::Date>> {
    let Some(blob) = blobs(path)?.next() else {
        return Ok(None);
    };
    let blob = blob.map_err(|e| anyhow!("{}: {e}", path.display()))?;
    match blob
        .decode()
        .map_err(|e| anyhow!("{}: cannot decode the header: {e}", path.display()))?
    {
        BlobDecode::OsmHeader(h) => Ok(h.osmosis_replication_timestamp().and_then(utc_date)),
        _ => Ok(None),
    }
}

/// The UTC calendar day of a Unix time in seconds (days to civil date,
/// H. Hinnant's algorithm); `None` outside the years `Date` allows.
fn utc_date(secs: i64) -> Option<crate::load::edition::Date> {
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    crate::load::edition::Date::new(
        u16::try_from(year).ok()?,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
    )
}

/// Pass 1: the ways the profile keeps, with counts of those it does not.
fn read_ways(path: &Path, profile: &CarProfile) -> Result<Pass1> {
    par_blocks(
        path,
        |block| {
            let mut p = Pass1::default();
            for g in block.groups() {
                for w in g.ways() {
                    p.way(profile, &w);
                }
            }
            p
        },
        Pass1::merge,
    )
}

/// BNG coordinates by index into the needed node ids (`None`: not in the file).
type NodeCoords = Vec<Option<[f64; 2]>>;

/// Found in pass 2: node coordinates by index into `needed`, and places.
#[derive(Default)]
struct Pass2 {
    coords: Vec<(u32, [f64; 2])>,
    places: Vec<Place>,
}

impl Pass2 {
    fn merge(mut self, mut o: Pass2) -> Pass2 {
        if self.coords.len() < o.coords.len() {
            std::mem::swap(&mut self.coords, &mut o.coords);
        }
        self.coords.append(&mut o.coords);
        self.places.append(&mut o.places);
        self
    }
}

/// A node's place (`place=city|town|village` with a name), if it is one.
fn node_place<'t>(
    mut tags: impl Iterator<Item = (&'t str, &'t str)> + Clone,
    lon: f64,
    lat: f64,
) -> Option<Place> {
    // Most nodes have no tags and few of the rest a `place`: look first.
    tags.clone().find(|(k, _)| *k == "place")?;
    let p = wgs84_to_bng(lon, lat);
    super::places::from_tags(&mut tags, [p.x, p.y])
}

/// Pass 2: the coordinates (BNG) of the nodes in `needed` (sorted OSM
/// ids), `None` where the file lacks a node; and the named places among
/// the file's nodes (unsorted).
fn node_coords(path: &Path, needed: &[i64]) -> Result<(NodeCoords, Vec<Place>)> {
    let found = par_blocks(
        path,
        |block| {
            let mut out = Pass2::default();
            let mut take = |id: i64, lon: f64, lat: f64, place: Option<Place>| {
                if let Ok(i) = needed.binary_search(&id) {
                    let p = wgs84_to_bng(lon, lat);
                    out.coords.push((i as u32, [p.x, p.y]));
                }
                out.places.extend(place);
            };
            for g in block.groups() {
                for n in g.dense_nodes() {
                    let (lon, lat) = (n.lon(), n.lat());
                    take(n.id(), lon, lat, node_place(n.tags(), lon, lat));
                }
                for n in g.nodes() {
                    let (lon, lat) = (n.lon(), n.lat());
                    take(n.id(), lon, lat, node_place(n.tags(), lon, lat));
                }
            }
            out
        },
        Pass2::merge,
    )?;
    let mut coords: Vec<Option<[f64; 2]>> = vec![None; needed.len()];
    for (i, c) in found.coords {
        coords[i as usize] = Some(c);
    }
    Ok((coords, found.places))
}

/// The named places among one block's nodes.
fn block_places(block: &osmpbf::PrimitiveBlock) -> Vec<Place> {
    let mut places = Vec::new();
    for g in block.groups() {
        for n in g.dense_nodes() {
            places.extend(node_place(n.tags(), n.lon(), n.lat()));
        }
        for n in g.nodes() {
            places.extend(node_place(n.tags(), n.lon(), n.lat()));
        }
    }
    places
}

/// Only the named places of an `.osm.pbf` (for `--places`), sorted.
pub fn read_places(path: &Path) -> Result<Vec<Place>> {
    if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) {
        anyhow::bail!("{}: the file is empty: not an OSM PBF file", path.display());
    }
    let mut places = par_blocks(path, block_places, |mut a, mut b| {
        a.append(&mut b);
        a
    })?;
    super::places::sort(&mut places);
    Ok(places)
}

/// Ways as runs of present nodes; node indices into `needed` for now.
fn runs_of_present_nodes(
    path: &Path,
    ways: Vec<KeptWay>,
    needed: &[i64],
    coords: &[Option<[f64; 2]>],
    report: &mut RoadsReport,
) -> Result<Vec<Way>> {
    let mut net_ways: Vec<Way> = Vec::with_capacity(ways.len());
    let (mut missing, mut split, mut dropped) = (0u64, 0u64, 0u64);
    let mut repeats = 0u64;
    for w in ways {
        let mut pieces: Vec<Vec<u32>> = vec![Vec::new()];
        let mut had_missing = false;
        for r in &w.refs {
            let i = needed.binary_search(r).map_err(|_| {
                anyhow!(
                    "{}: way {}: node {r} lost between passes",
                    path.display(),
                    w.id
                )
            })?;
            if coords[i].is_none() {
                missing += 1;
                had_missing = true;
                if !pieces.last().is_some_and(Vec::is_empty) {
                    pieces.push(Vec::new());
                }
                continue;
            }
            let cur = pieces.last_mut().context("pieces is never empty")?;
            if cur.last() == Some(&(i as u32)) {
                repeats += 1;
            } else {
                cur.push(i as u32);
            }
        }
        pieces.retain(|p| p.len() >= 2);
        if pieces.is_empty() {
            if had_missing {
                dropped += 1;
                report.exclude("all_nodes_missing");
            } else {
                report.exclude("degenerate_geometry");
            }
            continue;
        }
        if had_missing {
            split += 1;
        }
        for nodes in pieces {
            net_ways.push(Way {
                id: w.id,
                class: w.attrs.class,
                nodes,
                direction: w.attrs.direction,
                speed_kph: w.attrs.speed_kph,
                fixed_seconds: w.attrs.fixed_seconds,
                name: w.attrs.name.clone(),
            });
        }
    }
    report.count("missing_node_refs", missing);
    report.count("ways_clipped_at_missing_nodes", split);
    report.count("ways_with_no_nodes_in_file", dropped);
    report.count("repeated_node_refs", repeats);
    Ok(net_ways)
}

/// Keep only nodes some way uses, in OSM id order.
fn keep_used_nodes(mut net_ways: Vec<Way>, coords: &[Option<[f64; 2]>]) -> Result<RoadNetwork> {
    let mut remap = vec![u32::MAX; coords.len()];
    for w in &net_ways {
        for &v in &w.nodes {
            remap[v as usize] = 0;
        }
    }
    let mut nodes = Vec::new();
    for (i, r) in remap.iter_mut().enumerate() {
        if *r == 0 {
            *r = nodes.len() as u32;
            nodes.push(coords[i].context("a used node has coordinates")?);
        }
    }
    for w in &mut net_ways {
        for v in &mut w.nodes {
            *v = remap[*v as usize];
        }
    }
    Ok(RoadNetwork {
        nodes,
        ways: net_ways,
    })
}

/// SHA-256 of a file, streamed.
fn file_sha256(path: &Path) -> Result<String> {
    let mut f =
        std::fs::File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    Ok(sha256_hex(&bytes))
}

#[cfg(test)]
mod tests {
    use super::utc_date;

    #[test]
    fn unix_seconds_to_utc_day() {
        let d = |s: i64| utc_date(s).map(|d| d.to_string());
        assert_eq!(d(0).as_deref(), Some("1970-01-01"));
        // 2022-07-20T20:21:02Z.
        assert_eq!(d(1_658_348_462).as_deref(), Some("2022-07-20"));
        assert_eq!(d(951_782_400).as_deref(), Some("2000-02-29"));
        assert_eq!(d(1_709_251_199).as_deref(), Some("2024-02-29"));
        assert_eq!(d(-86_400 * 365 * 80), None);
    }
}
