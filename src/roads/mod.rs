//! Road networks: loaders for OSM PBF, Geofabrik shapefiles and GeoJSON, and
//! the car profile that gives each way its speed and direction.
//!
//! [`load_roads`] picks the loader from the file name and returns the
//! [`RoadNetwork`] with a [`RoadsReport`] of what was read, kept and left out.

pub mod geojson;
pub mod network;
pub mod pbf;
pub mod places;
pub mod profile;
pub mod rules;
pub mod shp;

use crate::coords::{check_bng, check_wgs84, wgs84_to_bng};
use crate::load::geojson::Crs;
use crate::model::InputFile;
use anyhow::{Result, bail};
use network::{RoadClass, RoadNetwork, Way};
use profile::{CarProfile, Quirk, WayAttrs};
use rules::WayRules;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// What a road loader read, kept and left out. Written as `roads_report.json`.
#[derive(Clone, Debug, Serialize)]
pub struct RoadsReport {
    pub input: InputFile,
    /// `osm.pbf`, `shapefile` or `geojson`.
    pub format: String,
    /// Ways (OSM) or features/records (shapefile, GeoJSON) read that carry a
    /// line geometry or node list, before any exclusion.
    pub ways_read: u64,
    /// Ways in the network (a way split at missing nodes counts once per piece).
    pub ways_kept: u64,
    pub nodes: u64,
    /// Nodes that are a way's end or are shared by two or more ways.
    pub junctions: u64,
    /// Ways left out, by reason (`not_car_class`, `access`, `reversible`,
    /// `ferry_no_cars`, `area`, `degenerate_geometry`, `all_nodes_missing`;
    /// walking: `not_foot_class`, `motorway`, `foot_no`, `ferry_no_foot`).
    pub excluded: BTreeMap<String, u64>,
    /// Things carried on with, by kind (`maxspeed_unparsed`,
    /// `missing_node_refs`, `ways_split_at_missing_nodes`, ...).
    pub counts: BTreeMap<String, u64>,
    /// Length of the kept ways by class, km.
    pub km_by_class: BTreeMap<String, f64>,
    pub ways_by_class: BTreeMap<String, u64>,
    pub total_km: f64,
    /// The car profile the network was built with (for a walking network:
    /// the one whose ferry rules time its ferries).
    pub profile: CarProfile,
    /// Named places (OSM `place=city|town|village`) found in the file, in
    /// [`places::sort`] order; not written to `roads_report.json`.
    #[serde(skip)]
    pub places: Vec<crate::model::Place>,
}

impl RoadsReport {
    pub(crate) fn new(input: InputFile, format: &str, profile: &CarProfile) -> Self {
        RoadsReport {
            input,
            format: format.into(),
            ways_read: 0,
            ways_kept: 0,
            nodes: 0,
            junctions: 0,
            excluded: BTreeMap::new(),
            counts: BTreeMap::new(),
            km_by_class: BTreeMap::new(),
            ways_by_class: BTreeMap::new(),
            total_km: 0.0,
            profile: profile.clone(),
            places: Vec::new(),
        }
    }

    pub(crate) fn exclude(&mut self, why: &str) {
        *self.excluded.entry(why.to_string()).or_insert(0) += 1;
    }

    pub(crate) fn count(&mut self, what: &str, n: u64) {
        if n > 0 {
            *self.counts.entry(what.to_string()).or_insert(0) += n;
        }
    }

    pub(crate) fn quirks(&mut self, q: &[Quirk]) {
        for q in q {
            self.count(q.as_str(), 1);
        }
    }

    /// Fill the totals from the finished network.
    pub(crate) fn finish(&mut self, net: &mut RoadNetwork) {
        finish_ways(net, &self.profile);
        self.ways_kept = net.ways.len() as u64;
        self.nodes = net.nodes.len() as u64;
        self.junctions = net.junctions().iter().filter(|&&j| j).count() as u64;
        let mut km: BTreeMap<RoadClass, f64> = BTreeMap::new();
        let mut n: BTreeMap<RoadClass, u64> = BTreeMap::new();
        for w in &net.ways {
            *km.entry(w.class).or_insert(0.0) += net.way_metres(w) / 1000.0;
            *n.entry(w.class).or_insert(0) += 1;
        }
        self.total_km = round3(km.values().sum());
        self.km_by_class = km
            .into_iter()
            .map(|(c, v)| (c.as_str().to_string(), round3(v)))
            .collect();
        self.ways_by_class = n
            .into_iter()
            .map(|(c, v)| (c.as_str().to_string(), v))
            .collect();
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// A ferry without a `duration` gets a fixed time too: its length at
/// `ferry_speed_kph` plus the flat `ferry_wait_min`. Then every ferry gets the
/// speed its fixed time implies, so `speed_kph` is always the speed actually
/// travelled, waiting included.
fn finish_ways(net: &mut RoadNetwork, profile: &CarProfile) {
    let lengths: Vec<f64> = net.ways.iter().map(|w| net.way_metres(w)).collect();
    for (w, m) in net.ways.iter_mut().zip(lengths) {
        if w.class == RoadClass::Ferry && w.fixed_seconds.is_none() && w.speed_kph > 0.0 {
            w.fixed_seconds = Some(m / (w.speed_kph / 3.6) + profile.ferry_wait_s(None));
        }
        if let Some(s) = w.fixed_seconds
            && m > 0.0
            && s > 0.0
        {
            w.speed_kph = m / s * 3.6;
        }
    }
}

impl RoadNetwork {
    /// For each node: is it a junction (a way's end, or on two or more ways,
    /// or visited twice by one way)? Pass-through nodes are the others.
    pub fn junctions(&self) -> Vec<bool> {
        let mut uses = vec![0u8; self.nodes.len()];
        let mut j = vec![false; self.nodes.len()];
        for w in &self.ways {
            for &v in &w.nodes {
                uses[v as usize] = uses[v as usize].saturating_add(1);
            }
            if let (Some(&a), Some(&b)) = (w.nodes.first(), w.nodes.last()) {
                j[a as usize] = true;
                j[b as usize] = true;
            }
        }
        for (j, u) in j.iter_mut().zip(uses) {
            *j |= u >= 2;
        }
        j
    }
}

/// Load a road file, picking the format from its name: `.osm.pbf`/`.pbf`,
/// `.shp`, `.geojson`/`.json`. `profile` is the car profile, or any other
/// [`WayRules`] (walking).
pub fn load_roads(path: &Path, profile: &impl WayRules) -> Result<(RoadNetwork, RoadsReport)> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.ends_with(".pbf") {
        pbf::load_pbf(path, profile)
    } else if name.ends_with(".shp") {
        shp::load_shp(path, profile)
    } else if name.ends_with(".geojson") || name.ends_with(".json") {
        geojson::load_geojson(path, profile)
    } else {
        bail!(
            "{}: unknown road file type; use .osm.pbf, .shp (Geofabrik roads layer) or .geojson",
            path.display()
        )
    }
}

/// Run the profile on one way's tags, counting an exclusion or the quirks
/// in the report; `None` when the way is excluded.
pub(crate) fn classify_counted<'t>(
    profile: &impl WayRules,
    tag: impl Fn(&str) -> Option<&'t str>,
    speed_kph: Option<f64>,
    report: &mut RoadsReport,
) -> Option<WayAttrs> {
    let mut quirks = Vec::new();
    match profile.classify(tag, speed_kph, &mut quirks) {
        Ok(a) => {
            report.quirks(&quirks);
            Some(a)
        }
        Err(e) => {
            report.exclude(e.as_str());
            None
        }
    }
}

/// Builds a network from lines whose ways meet only where they share a
/// vertex with exactly the same input coordinates (shapefile, GeoJSON).
pub(crate) struct CoordNetworkBuilder {
    pub net: RoadNetwork,
    index: HashMap<[u64; 2], u32>,
}

/// Why a line could not become a way.
pub(crate) enum LineProblem {
    /// Fewer than two distinct vertices.
    Degenerate,
}

impl CoordNetworkBuilder {
    pub fn new() -> Self {
        CoordNetworkBuilder {
            net: RoadNetwork::default(),
            index: HashMap::new(),
        }
    }

    /// Add one line in `crs` after checking every coordinate is in Great
    /// Britain (the error says which value is wrong; the caller names the
    /// feature). A degenerate line is counted as excluded.
    pub fn add_checked(
        &mut self,
        id: i64,
        attrs: &WayAttrs,
        coords: &[[f64; 2]],
        crs: Crs,
        report: &mut RoadsReport,
    ) -> Result<()> {
        for c in coords {
            let problem = match crs {
                Crs::Wgs84 => check_wgs84(c[0], c[1]),
                Crs::Bng => check_bng(c[0], c[1]),
            };
            if let Some(p) = problem {
                bail!("{p}");
            }
        }
        let project = |c: [f64; 2]| match crs {
            Crs::Wgs84 => {
                let p = wgs84_to_bng(c[0], c[1]);
                [p.x, p.y]
            }
            Crs::Bng => c,
        };
        let mut repeats = 0;
        if self
            .add_line(id, attrs, coords, project, &mut repeats)
            .is_err()
        {
            report.exclude("degenerate_geometry");
        }
        report.count("repeated_vertices", repeats);
        Ok(())
    }

    /// The finished network.
    pub fn finish(self) -> RoadNetwork {
        self.net
    }

    /// Add one line: `input` are the coordinates as read (their bits are the
    /// node key), `project` gives BNG metres. Consecutive repeated vertices
    /// are dropped and counted in `repeats`.
    pub fn add_line(
        &mut self,
        id: i64,
        attrs: &WayAttrs,
        input: &[[f64; 2]],
        project: impl Fn([f64; 2]) -> [f64; 2],
        repeats: &mut u64,
    ) -> std::result::Result<(), LineProblem> {
        // +0.0 and -0.0 are the same place.
        let key = |c: [f64; 2]| [(c[0] + 0.0).to_bits(), (c[1] + 0.0).to_bits()];
        let mut keep: Vec<[f64; 2]> = Vec::with_capacity(input.len());
        for &c in input {
            if keep.last().is_some_and(|&l| key(l) == key(c)) {
                *repeats += 1;
            } else {
                keep.push(c);
            }
        }
        if keep.len() < 2 {
            return Err(LineProblem::Degenerate);
        }
        let mut nodes: Vec<u32> = Vec::with_capacity(keep.len());
        for c in keep {
            let next = self.net.nodes.len() as u32;
            let v = *self.index.entry(key(c)).or_insert(next);
            if v == next {
                self.net.nodes.push(project(c));
            }
            nodes.push(v);
        }
        self.net.ways.push(Way {
            id,
            class: attrs.class,
            nodes,
            direction: attrs.direction,
            speed_kph: attrs.speed_kph,
            fixed_seconds: attrs.fixed_seconds,
            name: attrs.name.clone(),
        });
        Ok(())
    }
}
