//! Benchmark: dissolve every LSOA in England, grouped by local authority
//! (~326 groups) and by PCN-sized chunks (~26 neighbouring LSOAs: LSOAs
//! sorted by code within their local authority, cut into near-equal
//! chunks). Reports times, the largest relative difference between a
//! group's dissolved area and the sum of its parts, and parts/holes counts.
//! It also times a cascaded pairwise union (a balanced tree of
//! `BooleanOps::union`, written here for comparison only) and 1 cm snapping.
//!
//! ```text
//! cargo build --release --example dissolve_england
//! /usr/bin/time -v target/release/examples/dissolve_england [DATA_DIR]
//! ```
//! DATA_DIR defaults to `$PCN_ATLAS_DATA`.

#[path = "../tests/support/lsoa.rs"]
mod lsoa_boundaries;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use geo::orient::{Direction, Orient};
use geo::{BooleanOps, MultiPolygon};
use pcn_atlas::check::dissolve::{
    DissolveOptions, area_m2, dissolve_groups, dissolve_groups_with, hole_count, make_valid,
};
use pcn_atlas::model::AreaId;
use rayon::prelude::*;

const PCN_PROXY_SIZE: usize = 26;

fn main() -> anyhow::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .or_else(|| std::env::var_os("PCN_ATLAS_DATA"))
        .map(PathBuf::from)
        .context("usage: dissolve_england DATA_DIR (or set PCN_ATLAS_DATA)")?;
    let path = dir.join("england/lsoa11_boundaries.geojson");

    let t = Instant::now();
    let lsoas = lsoa_boundaries::read_lsoa_boundaries(&path)?;
    let vertices: usize = lsoas
        .iter()
        .map(|l| geo::CoordsIter::coords_count(&l.geometry))
        .sum();
    eprintln!(
        "loaded {} LSOAs, {} vertices in {:.2} s (test-only reader)",
        lsoas.len(),
        vertices,
        t.elapsed().as_secs_f64()
    );

    // Ids in code order within each local authority.
    let mut by_lad: BTreeMap<&str, Vec<(&str, AreaId)>> = BTreeMap::new();
    for (i, l) in lsoas.iter().enumerate() {
        by_lad
            .entry(l.lad_code.as_str())
            .or_default()
            .push((l.code.as_str(), AreaId::from_idx(i)));
    }
    let lad_groups: Vec<Vec<AreaId>> = by_lad
        .values_mut()
        .map(|v| {
            v.sort();
            v.iter().map(|&(_, id)| id).collect()
        })
        .collect();
    let geoms: Vec<MultiPolygon<f64>> = lsoas.into_iter().map(|l| l.geometry).collect();
    // Each LSOA's own area, read as make_valid reads it (a polygon nested in
    // another of the same LSOA is a hole): the reference for "dissolved
    // area == sum of parts".
    let t = Instant::now();
    let valid_m2: Vec<f64> = geoms.par_iter().map(|g| area_m2(&make_valid(g))).collect();
    let changed: Vec<usize> = (0..geoms.len())
        .filter(|&i| (area_m2(&geoms[i]) - valid_m2[i]).abs() > 1.0)
        .collect();
    let smallest = valid_m2.iter().copied().fold(f64::INFINITY, f64::min);
    eprintln!(
        "make_valid on every LSOA: {:.2} s; {} LSOAs change area (nested polygon = hole); smallest LSOA {smallest:.0} m²",
        t.elapsed().as_secs_f64(),
        changed.len()
    );

    // PCN proxies: within each local authority, LSOAs in Hilbert-curve
    // order of their bounding-box centres, cut into near-equal chunks of
    // about 26, so that each chunk is a compact cluster of neighbours.
    let pcn_groups = pcn_proxy_groups(&lad_groups, &geoms);
    eprintln!(
        "{} threads; {} LAD groups, {} PCN-proxy groups",
        rayon::current_num_threads(),
        lad_groups.len(),
        pcn_groups.len()
    );

    let england = vec![(0..geoms.len()).map(AreaId::from_idx).collect::<Vec<_>>()];
    let t = Instant::now();
    let whole = dissolve_groups(&geoms, &england);
    report(
        "England",
        "default",
        t.elapsed().as_secs_f64(),
        &valid_m2,
        &england,
        &whole,
    );

    for (name, groups) in [("LAD", &lad_groups), ("PCN-proxy", &pcn_groups)] {
        let t = Instant::now();
        let out = dissolve_groups(&geoms, groups);
        let secs = t.elapsed().as_secs_f64();
        report(name, "default", secs, &valid_m2, groups, &out);

        // Determinism: one thread and reversed group order give the same.
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
        let t = Instant::now();
        let single = pool.install(|| dissolve_groups(&geoms, groups));
        eprintln!(
            "  {name}: 1 thread {:.2} s, identical to {} threads: {}",
            t.elapsed().as_secs_f64(),
            rayon::current_num_threads(),
            single == out
        );
        let reversed: Vec<Vec<AreaId>> = groups
            .iter()
            .map(|g| g.iter().rev().copied().collect())
            .collect();
        eprintln!(
            "  {name}: reversed input order identical: {}",
            dissolve_groups(&geoms, &reversed) == out
        );

        let raw_opts = DissolveOptions {
            min_hole_area_m2: 0.0,
            ..Default::default()
        };
        let t = Instant::now();
        let raw = dissolve_groups_with(&geoms, groups, &raw_opts);
        report(
            name,
            "keep holes",
            t.elapsed().as_secs_f64(),
            &valid_m2,
            groups,
            &raw,
        );
        let snap_opts = DissolveOptions {
            snap_grid_m: Some(0.01),
            min_hole_area_m2: 0.0,
        };
        let t = Instant::now();
        let snapped = dissolve_groups_with(&geoms, groups, &snap_opts);
        let secs = t.elapsed().as_secs_f64();
        report(name, "snap 1 cm", secs, &valid_m2, groups, &snapped);
        let differ = raw
            .iter()
            .zip(&snapped)
            .filter(|(a, b)| a.0.len() != b.0.len() || hole_count(a) != hole_count(b))
            .count();
        eprintln!(
            "  {name}: groups whose parts/holes change with 1 cm snap (holes kept): {differ}"
        );

        let t = Instant::now();
        let cascaded: Vec<MultiPolygon<f64>> = groups
            .par_iter()
            .map(|g| cascaded_union(g.iter().map(|id| &geoms[id.idx()])))
            .collect();
        let secs = t.elapsed().as_secs_f64();
        report(name, "cascaded", secs, &valid_m2, groups, &cascaded);
        let differ = raw
            .iter()
            .zip(&cascaded)
            .filter(|(a, b)| a.0.len() != b.0.len() || hole_count(a) != hole_count(b))
            .count();
        eprintln!("  {name}: groups whose parts/holes differ, cascaded vs unary: {differ}");
    }
    Ok(())
}

fn report(
    grouping: &str,
    method: &str,
    secs: f64,
    valid_m2: &[f64],
    groups: &[Vec<AreaId>],
    out: &[MultiPolygon<f64>],
) {
    let mut max_rel = 0.0f64;
    let mut worst = 0;
    for (i, (g, d)) in groups.iter().zip(out).enumerate() {
        let parts_m2: f64 = g.iter().map(|id| valid_m2[id.idx()]).sum();
        let rel = (area_m2(d) - parts_m2).abs() / parts_m2;
        if rel > max_rel {
            max_rel = rel;
            worst = i;
        }
    }
    let parts: usize = out.iter().map(|m| m.0.len()).sum();
    let multi = out.iter().filter(|m| m.0.len() > 1).count();
    let holes: Vec<f64> = out
        .iter()
        .flat_map(|m| m.0.iter().flat_map(|p| p.interiors()))
        .map(|r| geo::Area::unsigned_area(&geo::Polygon::new(r.clone(), vec![])))
        .collect();
    let small = |t: f64| holes.iter().filter(|&&a| a < t).count();
    eprintln!(
        "{grouping:>9} {method:<12} {secs:7.2} s  groups {:4}  parts {:5} (multi-part groups {:4})  holes {:4} (<0.1 m² {}, <100 m² {})  max rel area diff {max_rel:.2e} (group {worst})",
        groups.len(),
        parts,
        multi,
        holes.len(),
        small(0.1),
        small(100.0),
    );
}

/// Comparison only: pairwise union in a balanced tree.
fn cascaded_union<'a>(parts: impl Iterator<Item = &'a MultiPolygon<f64>>) -> MultiPolygon<f64> {
    let mut layer: Vec<MultiPolygon<f64>> = parts.map(|p| p.orient(Direction::Default)).collect();
    while layer.len() > 1 {
        let mut next = Vec::with_capacity(layer.len().div_ceil(2));
        let mut it = layer.into_iter();
        while let Some(a) = it.next() {
            match it.next() {
                Some(b) => next.push(a.union(&b)),
                None => next.push(a),
            }
        }
        layer = next;
    }
    layer.pop().unwrap_or_else(|| MultiPolygon(vec![]))
}

fn pcn_proxy_groups(lad_groups: &[Vec<AreaId>], geoms: &[MultiPolygon<f64>]) -> Vec<Vec<AreaId>> {
    let mut out = Vec::new();
    for g in lad_groups {
        let centres: Vec<(f64, f64)> = g
            .iter()
            .map(|id| {
                geo::BoundingRect::bounding_rect(&geoms[id.idx()])
                    .map_or((0.0, 0.0), |r| (r.center().x, r.center().y))
            })
            .collect();
        let (x0, y0) = centres.iter().fold((f64::INFINITY, f64::INFINITY), |a, c| {
            (a.0.min(c.0), a.1.min(c.1))
        });
        let (x1, y1) = centres
            .iter()
            .fold((f64::NEG_INFINITY, f64::NEG_INFINITY), |a, c| {
                (a.0.max(c.0), a.1.max(c.1))
            });
        let span = (x1 - x0).max(y1 - y0).max(1.0);
        const SIDE: u32 = 1 << 16;
        let mut keyed: Vec<(u64, AreaId)> = g
            .iter()
            .zip(&centres)
            .map(|(&id, c)| {
                let x = (((c.0 - x0) / span) * f64::from(SIDE - 1)) as u32;
                let y = (((c.1 - y0) / span) * f64::from(SIDE - 1)) as u32;
                (hilbert_index(SIDE, x, y), id)
            })
            .collect();
        keyed.sort();
        let chunks = g.len().div_ceil(PCN_PROXY_SIZE).max(1);
        for k in 0..chunks {
            out.push(
                keyed[k * g.len() / chunks..(k + 1) * g.len() / chunks]
                    .iter()
                    .map(|&(_, id)| id)
                    .collect(),
            );
        }
    }
    out
}

/// Position of cell (x, y) along the Hilbert curve filling a side×side
/// grid (side a power of two).
fn hilbert_index(side: u32, mut x: u32, mut y: u32) -> u64 {
    let mut d = 0u64;
    let mut s = side / 2;
    while s > 0 {
        let rx = u32::from(x & s > 0);
        let ry = u32::from(y & s > 0);
        d += u64::from(s) * u64::from(s) * u64::from((3 * rx) ^ ry);
        if ry == 0 {
            if rx == 1 {
                x = side - 1 - x;
                y = side - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    d
}
