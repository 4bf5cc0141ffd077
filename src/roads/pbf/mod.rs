//! Roads from OpenStreetMap `.osm.pbf`, in two passes so that memory follows
//! the road network, not the file: pass 1 keeps the ways a car may use (tags
//! through the car profile) with their node ids; pass 2 reads only the
//! coordinates of the nodes those ways need.
//!
//! The file is read front to back once first ([`blocks`]): every blob's
//! offset, and the SHA-256 on the way. In a file sorted by type (nodes,
//! ways, relations: every extract service's order) pass 1 decodes only the
//! blocks from the first with ways on and pass 2 only those before it, so
//! every block is decoded once; both passes check the order as they go, and
//! a file found unsorted is read again with every block in pass 1 and every
//! block with nodes in pass 2.
//! Both passes decode blocks in parallel (rayon); results are sorted by OSM
//! id, so the network is the same whatever the thread count.
//!
//! Every node is kept (the routing graph contracts pass-through nodes).
//! A way that references nodes absent from the file (clipped extracts) is
//! split at them: each run of two or more present nodes becomes a way with
//! the same OSM id, and the missing references are counted.

mod assemble;
mod blocks;
mod nodes;
mod ways;

use super::RoadsReport;
use super::network::RoadNetwork;
use super::rules::WayRules;
use crate::coords::wgs84_to_bng;
use crate::model::{InputFile, Place};
use anyhow::{Context, Result};
use blocks::Directory;
use rayon::prelude::*;
use std::path::Path;

/// Load an `.osm.pbf` file: the ways the profile keeps (pass 1), the
/// coordinates of their nodes (pass 2), the ways cut where nodes are
/// missing, and only the nodes some way uses.
/// An error is one line with control characters escaped.
pub fn load_pbf(path: &Path, profile: &impl WayRules) -> Result<(RoadNetwork, RoadsReport)> {
    let loaded = read_pbf(path, profile, true).map_err(crate::load::text::plain_error);
    give_back_freed_memory();
    loaded
}

/// Hand the memory the passes freed (way node lists, the needed ids, the
/// coordinate slots: millions of small blocks) back to the system, so the
/// graph build that comes next does not start on top of it (glibc keeps
/// freed heap memory otherwise).
fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of the allocator's own.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// [`load_pbf`], optionally reading every block in both passes as for a
/// file not sorted by type: the same network either way (tests).
#[doc(hidden)]
pub fn load_pbf_with(
    path: &Path,
    profile: &impl WayRules,
    by_type: bool,
) -> Result<(RoadNetwork, RoadsReport)> {
    read_pbf(path, profile, by_type).map_err(crate::load::text::plain_error)
}

fn read_pbf(
    path: &Path,
    profile: &impl WayRules,
    by_type: bool,
) -> Result<(RoadNetwork, RoadsReport)> {
    let dir = open(path)?;
    if by_type {
        let first = dir.first(blocks::WAYS | blocks::RELATIONS)?;
        if let Some(loaded) = read_blocks(path, &dir, profile, Some(first))? {
            return Ok(loaded);
        }
    }
    read_blocks(path, &dir, profile, None)?
        .context("reading every block in both passes always gives a network")
}

/// The two passes. With `first_ways` (the first block holding ways or
/// relations, if the file is sorted by type), pass 1 reads only the blocks
/// from there on and pass 2 only those up to it; `None` when they find the
/// file is not sorted after all (nodes after that block, ways before it),
/// and the caller reads again without. Without, pass 1 reads every block
/// and pass 2 every block with nodes.
fn read_blocks(
    path: &Path,
    dir: &Directory,
    profile: &impl WayRules,
    first_ways: Option<usize>,
) -> Result<Option<(RoadNetwork, RoadsReport)>> {
    let n = dir.len();
    let (p1, kinds) = ways::read(dir, first_ways.unwrap_or(0), profile)?;
    let node_blocks = match first_ways {
        Some(w) if kinds.iter().skip(w + 1).any(|k| k & blocks::NODES != 0) => return Ok(None),
        Some(w) => 0..(w + 1).min(n),
        None => 0..n,
    };
    let mut report = new_report(path, dir, &p1, profile)?;
    let mut ways = p1.ways;
    ways.par_sort_unstable_by_key(|w| w.id);
    let mut needed: Vec<i64> = ways.iter().flat_map(|w| w.refs.iter().copied()).collect();
    needed.par_sort_unstable();
    needed.dedup();
    let keep = |i: usize| first_ways.is_some_and(|w| i < w) || kinds[i] & blocks::NODES != 0;
    let (coords, found) = nodes::read(dir, node_blocks, keep, &needed)?;
    if first_ways.is_some_and(|w| found.blocks_with_ways.iter().any(|&i| i != w)) {
        return Ok(None);
    }
    let mut places = found.places;
    super::places::sort(&mut places);
    let net_ways = assemble::runs_of_present_nodes(path, &ways, &needed, &coords, &mut report)?;
    drop((ways, needed));
    let mut net = assemble::keep_used_nodes(net_ways, &coords)?;
    report.finish(&mut net);
    report.places = places;
    Ok(Some((net, report)))
}

/// The report of what pass 1 read: the file (hash, edition), ways read,
/// left out and counted.
fn new_report(
    path: &Path,
    dir: &Directory,
    p1: &ways::Pass1,
    profile: &impl WayRules,
) -> Result<RoadsReport> {
    let edition = dir
        .header()?
        .and_then(|h| h.osmosis_replication_timestamp())
        .and_then(utc_date);
    let mut report = RoadsReport::new(
        InputFile {
            role: "roads".into(),
            path: path.display().to_string(),
            sha256: dir.sha256.clone(),
            rows: p1.ways_read,
            product: Some(OSM_PRODUCT.into()),
            edition,
        },
        "osm.pbf",
        profile.car_profile(),
    );
    report.ways_read = p1.ways_read;
    report.excluded = p1.excluded.clone();
    report.counts = p1.counts.clone();
    Ok(report)
}

/// The file's blob directory; an empty file is an error that says so.
fn open(path: &Path) -> Result<Directory> {
    if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) {
        anyhow::bail!("{}: the file is empty: not an OSM PBF file", path.display());
    }
    Directory::scan(path)
}

/// The product an `.osm.pbf` file is, for the report.
pub const OSM_PRODUCT: &str = "OpenStreetMap contributors: OSM extract (.osm.pbf)";

/// The UTC calendar day of a Unix time in seconds (days to civil date,
/// H. Hinnant's algorithm); `None` outside the years `Date` allows.
/// The file's edition is this day of the header's
/// `osmosis_replication_timestamp`, which extract services (Geofabrik,
/// osmium, osmosis) write.
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

/// Only the named places of an `.osm.pbf` (for `--places`), sorted.
pub fn read_places(path: &Path) -> Result<Vec<Place>> {
    let dir = open(path)?;
    let (_, found) = nodes::read(&dir, 0..dir.len(), |_| true, &[])?;
    let mut places = found.places;
    super::places::sort(&mut places);
    Ok(places)
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
        assert_eq!(d(-86_400 * 365 * 80), None);
        assert_eq!(d(1_709_251_199).as_deref(), Some("2024-02-29"));
    }
}
