//! The synthetic demo county, "Demoshire", that the README's quick start
//! runs on: `pcn-atlas demo --out data/demo [--seed N]`.
//!
//! [`generate`] writes a complete dataset (practices, areas, registrations,
//! footprints, roads) plus a README listing every planted problem and the
//! findings the checks should report, with pcn-atlas's own figures
//! (`demo/figures.rs`; `tests/demo_oracle.rs` checks them against an
//! independent oracle). The same seed always gives the same bytes: the
//! generator uses its own PRNG (splitmix64), fixed tables and sorted
//! output, and the folder is replaced as a whole (`output::atomic`).
//!
//! The design (see `demo/county.rs` and `demo/roads.rs`): a 48 km × 40 km county on a
//! jittered 500 m lattice, two towns (Demchester, Marlbury), countryside,
//! and a remote upland corner; nine PCNs, 38 practices, 258 areas. Five
//! problems are planted on purpose; everything else is clean.

mod county;
mod figures;
mod readme;
mod roads;

use std::path::Path;

use crate::load::format::{
    self, AreaProps, Degrees, FootprintRow, PracticeRowWgs84, RegistrationRow,
};
use crate::output::atomic::{Kind, Replace, Staging};
use anyhow::{Context, Result};
use serde::Serialize;

/// Options for [`generate`].
#[derive(Clone, Debug)]
pub struct DemoOptions {
    /// Seed for jitter, populations, names and road classes. The structure
    /// (PCNs, practices, planted problems) does not depend on it.
    pub seed: u64,
}

/// The default seed: the year PCNs began.
pub const DEFAULT_SEED: u64 = 2019;

impl Default for DemoOptions {
    fn default() -> Self {
        Self { seed: DEFAULT_SEED }
    }
}

/// What [`generate`] wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DemoSummary {
    /// Features in `areas.geojson`.
    pub areas: usize,
    /// Rows in `practices.csv`.
    pub practices: usize,
    /// Distinct PCNs.
    pub pcns: usize,
    /// Features in `roads.geojson`.
    pub road_segments: usize,
}

/// Files written by [`generate`], in writing order.
pub const DEMO_FILES: [&str; 6] = [
    format::PRACTICES_CSV,
    format::AREAS_GEOJSON,
    format::REGISTRATIONS_CSV,
    format::FOOTPRINTS_CSV,
    "roads.geojson",
    "README.md",
];

/// Write the demo dataset into `out_dir` (created if missing), replacing the
/// folder as a whole when the run succeeds (`output::atomic`). An existing
/// folder is replaced only when it is empty or an earlier demo (its
/// `.pcn-atlas-output` marker says so); see [`generate_replacing`]. The
/// same seed gives byte-identical files.
pub fn generate(out_dir: &Path, opts: &DemoOptions) -> Result<DemoSummary> {
    generate_as(out_dir, opts, Replace::kind(Kind::Demo))
}

/// [`generate`], replacing whatever `out_dir` holds (`demo --force`).
pub fn generate_replacing(out_dir: &Path, opts: &DemoOptions) -> Result<DemoSummary> {
    generate_as(
        out_dir,
        opts,
        Replace {
            kind: Kind::Demo,
            force: true,
        },
    )
}

fn generate_as(out_dir: &Path, opts: &DemoOptions, how: Replace) -> Result<DemoSummary> {
    let mut st = Staging::replacing(out_dir, how)?;
    let c = county::build(opts.seed)?;
    let roads = roads::build(&c, opts.seed)?;

    st.write_bytes(format::PRACTICES_CSV, &practices_csv(&c)?)?;
    st.write_bytes(format::AREAS_GEOJSON, &areas_geojson(&c)?)?;
    st.write_bytes(format::REGISTRATIONS_CSV, &registrations_csv(&c)?)?;
    st.write_bytes(format::FOOTPRINTS_CSV, &footprints_csv(&c)?)?;
    st.write_bytes("roads.geojson", &roads_geojson(&roads)?)?;

    // The README's figures are pcn-atlas's own, run on the files just
    // written (tests/oracle recomputes them independently).
    let figures = figures::compute(st.staged()).with_context(|| {
        format!(
            "running pcn-atlas on the demo files in {}",
            out_dir.display()
        )
    })?;
    let text = readme::render(&c, &figures, roads.len(), opts.seed);
    st.write_bytes("README.md", text.as_bytes())?;
    st.commit()?;

    Ok(DemoSummary {
        areas: c.areas.len(),
        practices: c.practices.len(),
        pcns: c.pcns.len(),
        road_segments: roads.len(),
    })
}

fn practices_csv(c: &county::County) -> Result<Vec<u8>> {
    let mut list = vec![0u64; c.practices.len()];
    for r in &c.registrations {
        list[r.practice] += r.patients;
    }
    let rows = c.practices.iter().enumerate().map(|(k, p)| {
        let pcn = &c.pcns[p.pcn];
        PracticeRowWgs84 {
            practice_code: &p.code,
            practice_name: &p.name,
            pcn_code: &pcn.code,
            pcn_name: &pcn.name,
            list_size: Some(list[k]),
            postcode: &p.postcode,
            lon: Degrees(p.wgs[0]),
            lat: Degrees(p.wgs[1]),
        }
    });
    let mut out = Vec::new();
    format::write_practices_wgs84(&mut out, rows)?;
    Ok(out)
}

fn registrations_csv(c: &county::County) -> Result<Vec<u8>> {
    let mut rows: Vec<RegistrationRow> = c
        .registrations
        .iter()
        .map(|r| RegistrationRow {
            practice_code: &c.practices[r.practice].code,
            area_code: &c.areas[r.area].code,
            patients: r.patients,
        })
        .collect();
    rows.sort_by_key(|r| (r.practice_code, r.area_code, r.patients));
    let mut out = Vec::new();
    format::write_registrations(&mut out, rows)?;
    Ok(out)
}

fn footprints_csv(c: &county::County) -> Result<Vec<u8>> {
    let rows = c.areas.iter().enumerate().filter_map(|(k, a)| {
        c.footprint(k).map(|p| FootprintRow {
            area_code: &a.code,
            pcn_code: &c.pcns[p].code,
        })
    });
    let mut out = Vec::new();
    format::write_footprints(&mut out, rows)?;
    Ok(out)
}

#[derive(Serialize)]
struct Feature<P: Serialize, G: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    properties: P,
    geometry: G,
}

#[derive(Serialize)]
struct Geometry<C: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    coordinates: C,
}

#[derive(Serialize)]
struct RoadProps<'a> {
    highway: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    oneway: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    junction: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    speed_kph: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    maxspeed: Option<&'a str>,
}

/// A FeatureCollection with one feature per line (reviewable by diff).
fn collection<T: Serialize>(features: &[T]) -> Result<Vec<u8>> {
    let mut out = b"{\"type\":\"FeatureCollection\",\"features\":[\n".to_vec();
    for (k, f) in features.iter().enumerate() {
        serde_json::to_writer(&mut out, f)?;
        out.extend_from_slice(if k + 1 < features.len() {
            b",\n"
        } else {
            b"\n"
        });
    }
    out.extend_from_slice(b"]}\n");
    Ok(out)
}

fn areas_geojson(c: &county::County) -> Result<Vec<u8>> {
    let geometries = c
        .areas
        .iter()
        .map(|a| {
            let ring: Vec<[f64; 2]> = a.ring.iter().map(|&v| c.lattice.wgs[v]).collect();
            serde_json::to_string(&Geometry {
                kind: "Polygon",
                coordinates: vec![ring],
            })
        })
        .collect::<serde_json::Result<Vec<String>>>()?;
    let features = c.areas.iter().zip(&geometries).map(|(a, g)| {
        let props = AreaProps {
            area_code: &a.code,
            area_name: Some(a.name.as_str()),
            lad_code: Some(county::LADS[a.lad].0),
            population: Some(a.population),
            ruc: Some(a.ruc),
            centroid_lon: Some(a.centroid_wgs[0]),
            centroid_lat: Some(a.centroid_wgs[1]),
            ..AreaProps::default()
        };
        (props, g.as_str())
    });
    let mut out = Vec::new();
    format::write_areas(&mut out, None, features)?;
    Ok(out)
}

fn roads_geojson(roads: &[roads::Road]) -> Result<Vec<u8>> {
    let features: Vec<_> = roads
        .iter()
        .map(|r| Feature {
            kind: "Feature",
            properties: RoadProps {
                highway: r.highway,
                name: &r.name,
                oneway: r.oneway.then_some("yes"),
                junction: r.roundabout.then_some("roundabout"),
                speed_kph: r.speed_kph,
                maxspeed: r.maxspeed,
            },
            geometry: Geometry {
                kind: "LineString",
                coordinates: &r.coords,
            },
        })
        .collect();
    collection(&features)
}

#[cfg(test)]
mod tests;
