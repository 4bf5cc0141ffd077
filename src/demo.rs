//! The synthetic demo county, "Demoshire", that the README's quick start
//! runs on: `pcn-atlas demo --out data/demo [--seed N]`.
//!
//! [`generate`] writes a complete dataset (practices, areas, registrations,
//! footprints, roads) plus a README listing every planted problem and the
//! findings the checks should report. The same seed always gives the same
//! bytes: the generator uses its own PRNG (splitmix64), fixed tables and sorted
//! output, and every file is written atomically.
//!
//! The design (see `demo/county.rs` and `demo/roads.rs`): a 48 km × 40 km county on a
//! jittered 500 m lattice, two towns (Demchester, Marlbury), countryside,
//! and a remote upland corner; nine PCNs, 38 practices, 258 areas. Five
//! problems are planted on purpose; everything else is clean.

mod county;
mod readme;
mod roads;
mod verify;

use std::io::Write;
use std::path::Path;

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
    "practices.csv",
    "areas.geojson",
    "registrations.csv",
    "footprints.csv",
    "roads.geojson",
    "README.md",
];

/// Write the demo dataset into `out_dir` (created if missing). Every file is
/// written atomically (a temporary file in the same folder, then renamed).
/// The same seed gives byte-identical files.
pub fn generate(out_dir: &Path, opts: &DemoOptions) -> Result<DemoSummary> {
    std::fs::create_dir_all(out_dir)
        .with_context(|| format!("creating output folder {}", out_dir.display()))?;
    let c = county::build(opts.seed)?;
    let roads = roads::build(&c, opts.seed)?;

    write_atomic(out_dir, "practices.csv", &practices_csv(&c)?)?;
    write_atomic(out_dir, "areas.geojson", &areas_geojson(&c)?)?;
    write_atomic(out_dir, "registrations.csv", &registrations_csv(&c)?)?;
    write_atomic(out_dir, "footprints.csv", &footprints_csv(&c)?)?;
    write_atomic(out_dir, "roads.geojson", &roads_geojson(&roads)?)?;

    // The README's figures come from reading the files just written.
    let files = verify::read(out_dir)
        .with_context(|| format!("reading back the demo files in {}", out_dir.display()))?;
    let facts = verify::analyse(&files)?;
    let text = readme::render(&c, &files, &facts, opts.seed);
    write_atomic(out_dir, "README.md", text.as_bytes())?;

    Ok(DemoSummary {
        areas: c.areas.len(),
        practices: c.practices.len(),
        pcns: c.pcns.len(),
        road_segments: roads.len(),
    })
}

fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let path = dir.join(name);
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    // Temporary files are private (0600); data files are for everyone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .with_context(|| format!("setting permissions for {}", path.display()))?;
    }
    tmp.write_all(bytes)
        .and_then(|()| tmp.flush())
        .with_context(|| format!("writing {}", path.display()))?;
    tmp.persist(&path)
        .map_err(|e| e.error)
        .with_context(|| format!("renaming the temporary file to {}", path.display()))?;
    Ok(())
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

fn finish(w: csv::Writer<Vec<u8>>, what: &str) -> Result<Vec<u8>> {
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("finishing {what}: {}", e.error()))
}

fn practices_csv(c: &county::County) -> Result<Vec<u8>> {
    let mut list = vec![0u64; c.practices.len()];
    for r in &c.registrations {
        list[r.practice] += r.patients;
    }
    let mut w = csv_writer();
    w.write_record([
        "practice_code",
        "practice_name",
        "pcn_code",
        "pcn_name",
        "list_size",
        "postcode",
        "lon",
        "lat",
    ])?;
    for (k, p) in c.practices.iter().enumerate() {
        let pcn = &c.pcns[p.pcn];
        w.write_record([
            p.code.as_str(),
            &p.name,
            &pcn.code,
            &pcn.name,
            &list[k].to_string(),
            &p.postcode,
            &format!("{:.6}", p.wgs[0]),
            &format!("{:.6}", p.wgs[1]),
        ])?;
    }
    finish(w, "practices.csv")
}

fn registrations_csv(c: &county::County) -> Result<Vec<u8>> {
    let mut rows: Vec<(&str, &str, u64)> = c
        .registrations
        .iter()
        .map(|r| {
            (
                c.practices[r.practice].code.as_str(),
                c.areas[r.area].code.as_str(),
                r.patients,
            )
        })
        .collect();
    rows.sort();
    let mut w = csv_writer();
    w.write_record(["practice_code", "area_code", "patients"])?;
    for (p, a, n) in rows {
        w.write_record([p, a, &n.to_string()])?;
    }
    finish(w, "registrations.csv")
}

fn footprints_csv(c: &county::County) -> Result<Vec<u8>> {
    let mut w = csv_writer();
    w.write_record(["area_code", "pcn_code"])?;
    for (k, a) in c.areas.iter().enumerate() {
        if let Some(p) = c.footprint(k) {
            w.write_record([a.code.as_str(), c.pcns[p].code.as_str()])?;
        }
    }
    finish(w, "footprints.csv")
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
struct AreaProps<'a> {
    area_code: &'a str,
    area_name: &'a str,
    lad_code: &'a str,
    population: u64,
    ruc: &'a str,
    centroid_lon: f64,
    centroid_lat: f64,
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
    let features: Vec<_> = c
        .areas
        .iter()
        .map(|a| Feature {
            kind: "Feature",
            properties: AreaProps {
                area_code: &a.code,
                area_name: &a.name,
                lad_code: county::LADS[a.lad].0,
                population: a.population,
                ruc: a.ruc,
                centroid_lon: a.centroid_wgs[0],
                centroid_lat: a.centroid_wgs[1],
            },
            geometry: Geometry {
                kind: "Polygon",
                coordinates: vec![
                    a.ring
                        .iter()
                        .map(|&v| c.lattice.wgs[v])
                        .collect::<Vec<[f64; 2]>>(),
                ],
            },
        })
        .collect();
    collection(&features)
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
