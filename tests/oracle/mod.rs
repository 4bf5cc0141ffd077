//! The test oracle: an independent reading of the demo files and a plain
//! reference implementation of the checks the demo README states — list
//! sizes and bands, contiguity (queen and rook, by identical vertices),
//! practices outside their footprint, unassigned areas, rural shares and
//! drive-time metrics. `tests/demo_oracle.rs` compares the README, whose
//! figures pcn-atlas computes, with these.
//!
//! It works only from the files (serde_json and csv; of the main crate only
//! the WGS84 → BNG conversion), so it shares no loader, adjacency, router or
//! check with the library it checks.
//!
//! Drive times are computed twice, under a *slow* and a *fast* speed
//! profile that bracket any sensible defaults a router might pick. The demo
//! is designed so that every drive-time flag comes out the same under both.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::path::Path;

use anyhow::{Context, Result, bail};
use geo::{Contains, Coord, LineString, Polygon};
use serde_json::Value;

use pcn_atlas::coords::wgs84_to_bng;

/// Band and thresholds (the product's defaults).
pub const BAND_MIN: u64 = 30_000;
pub const BAND_MAX: u64 = 50_000;
pub const RURAL_SHARE_MIN: f64 = 0.5;
pub const HUB_MAX_MIN: f64 = 30.0;
pub const TOUR_MAX_MIN: f64 = 120.0;
pub const PATIENT_MINUTES: f64 = 30.0;
pub const PATIENT_SHARE_MAX: f64 = 0.2;

/// A speed profile: class speeds (km/h), how to use `maxspeed`, and the
/// speed of the off-road leg from a point to its nearest road node.
#[derive(Clone, Copy, Debug)]
pub struct Profile {
    /// motorway, trunk, primary, secondary, tertiary, unclassified, residential
    pub class_kph: [f64; 7],
    /// Slow: the lower of `maxspeed` and the class speed. Fast: `maxspeed`.
    pub maxspeed_caps_only: bool,
    pub offroad_kph: f64,
}

pub const SLOW: Profile = Profile {
    class_kph: [96.0, 80.0, 64.0, 56.0, 48.0, 40.0, 24.0],
    maxspeed_caps_only: true,
    offroad_kph: 5.0,
};
pub const FAST: Profile = Profile {
    class_kph: [112.0, 100.0, 90.0, 80.0, 70.0, 60.0, 40.0],
    maxspeed_caps_only: false,
    offroad_kph: 20.0,
};

/// Road classes, slowest last, as in [`Profile::class_kph`].
pub const CLASSES: [&str; 7] = [
    "motorway",
    "trunk",
    "primary",
    "secondary",
    "tertiary",
    "unclassified",
    "residential",
];

pub struct FArea {
    pub code: String,
    pub population: u64,
    pub ruc: String,
    /// Exterior rings (WGS84 as written).
    pub rings: Vec<Vec<[f64; 2]>>,
    pub centroid: Coord<f64>,
}

pub struct FPractice {
    pub code: String,
    pub pcn: usize,
    pub list_size: u64,
    pub location: Coord<f64>,
}

pub struct FRoad {
    pub highway: String,
    pub oneway: bool,
    pub speed_kph: Option<f64>,
    pub maxspeed_kph: Option<f64>,
    pub coords: Vec<[f64; 2]>,
}

/// The demo files as read back.
pub struct Files {
    pub areas: Vec<FArea>,
    pub pcn_codes: Vec<String>,
    pub pcn_names: Vec<String>,
    pub practices: Vec<FPractice>,
    /// (practice, area, patients)
    pub registrations: Vec<(usize, usize, u64)>,
    /// Footprint PCN of each area (None: not in footprints.csv).
    pub footprint: Vec<Option<usize>>,
    /// Areas listed more than once in footprints.csv.
    pub footprint_duplicates: Vec<String>,
    pub roads: Vec<FRoad>,
}

fn num(v: &Value, what: &str) -> Result<f64> {
    v.as_f64()
        .with_context(|| format!("{what} is not a number: {v}"))
}

fn pair(v: &Value, what: &str) -> Result<[f64; 2]> {
    let a = v
        .as_array()
        .with_context(|| format!("{what}: not an array"))?;
    if a.len() != 2 {
        bail!("{what}: position has {} numbers", a.len());
    }
    Ok([num(&a[0], what)?, num(&a[1], what)?])
}

fn features(path: &Path) -> Result<Vec<Value>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let v: Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    Ok(v.get("features")
        .and_then(Value::as_array)
        .with_context(|| format!("{}: no features array", path.display()))?
        .clone())
}

fn bng(p: [f64; 2]) -> Coord<f64> {
    wgs84_to_bng(p[0], p[1])
}

/// Parse `mph`/`km/h` OSM maxspeed values.
pub fn parse_maxspeed(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Some(n) = s.strip_suffix("mph") {
        return n.trim().parse::<f64>().ok().map(|x| x * 1.609_344);
    }
    s.parse::<f64>().ok()
}

/// Read the demo dataset in `dir`.
pub fn read(dir: &Path) -> Result<Files> {
    let (areas, area_index) = read_areas(dir)?;
    let (pcn_codes, pcn_names, practices, practice_index) = read_practices(dir)?;
    let registrations = read_registrations(dir, &practice_index, &area_index)?;
    let (footprint, footprint_duplicates) =
        read_footprints(dir, areas.len(), &area_index, &pcn_codes)?;
    let roads = read_roads(dir)?;
    Ok(Files {
        areas,
        pcn_codes,
        pcn_names,
        practices,
        registrations,
        footprint,
        footprint_duplicates,
        roads,
    })
}

type Index = BTreeMap<String, usize>;

/// `areas.geojson`: the areas and their row by code.
fn read_areas(dir: &Path) -> Result<(Vec<FArea>, Index)> {
    let mut areas = Vec::new();
    let mut area_index = BTreeMap::new();
    let apath = dir.join("areas.geojson");
    for (k, f) in features(&apath)?.iter().enumerate() {
        let what = format!("{} feature {k}", apath.display());
        let p = &f["properties"];
        let code = p["area_code"]
            .as_str()
            .with_context(|| format!("{what}: no area_code"))?
            .to_string();
        let g = &f["geometry"];
        let polys: Vec<&Value> = match g["type"].as_str() {
            Some("Polygon") => vec![&g["coordinates"]],
            Some("MultiPolygon") => g["coordinates"]
                .as_array()
                .with_context(|| format!("{what}: bad coordinates"))?
                .iter()
                .collect(),
            other => bail!("{what}: geometry type {other:?}"),
        };
        let mut rings = Vec::new();
        for poly in polys {
            let ext = poly
                .get(0)
                .and_then(Value::as_array)
                .with_context(|| format!("{what}: polygon without rings"))?;
            rings.push(
                ext.iter()
                    .map(|c| pair(c, &what))
                    .collect::<Result<Vec<_>>>()?,
            );
        }
        area_index.insert(code.clone(), areas.len());
        areas.push(FArea {
            code,
            population: p["population"]
                .as_u64()
                .with_context(|| format!("{what}: population"))?,
            ruc: p["ruc"].as_str().unwrap_or("").to_string(),
            rings,
            centroid: bng([
                num(&p["centroid_lon"], &what)?,
                num(&p["centroid_lat"], &what)?,
            ]),
        });
    }
    Ok((areas, area_index))
}

/// `practices.csv`: PCN codes and names in order of first mention, the
/// practices and their row by code.
#[allow(clippy::type_complexity)]
fn read_practices(dir: &Path) -> Result<(Vec<String>, Vec<String>, Vec<FPractice>, Index)> {
    let mut pcn_codes: Vec<String> = Vec::new();
    let mut pcn_names: Vec<String> = Vec::new();
    let mut practices = Vec::new();
    let mut practice_index = BTreeMap::new();
    let ppath = dir.join("practices.csv");
    let mut rdr = csv::Reader::from_path(&ppath).with_context(|| format!("{}", ppath.display()))?;
    for (k, row) in rdr.deserialize::<BTreeMap<String, String>>().enumerate() {
        let row = row.with_context(|| format!("{} row {}", ppath.display(), k + 2))?;
        let get = |c: &str| {
            row.get(c)
                .cloned()
                .with_context(|| format!("{} row {}: no {c}", ppath.display(), k + 2))
        };
        let pcn_code = get("pcn_code")?;
        let pcn = match pcn_codes.iter().position(|c| *c == pcn_code) {
            Some(i) => i,
            None => {
                pcn_codes.push(pcn_code);
                pcn_names.push(get("pcn_name")?);
                pcn_codes.len() - 1
            }
        };
        let code = get("practice_code")?;
        practice_index.insert(code.clone(), practices.len());
        practices.push(FPractice {
            code,
            pcn,
            list_size: get("list_size")?.parse()?,
            location: bng([get("lon")?.parse()?, get("lat")?.parse()?]),
        });
    }
    Ok((pcn_codes, pcn_names, practices, practice_index))
}

/// `registrations.csv` as (practice, area, patients).
fn read_registrations(
    dir: &Path,
    practice_index: &Index,
    area_index: &Index,
) -> Result<Vec<(usize, usize, u64)>> {
    let mut registrations = Vec::new();
    let rpath = dir.join("registrations.csv");
    let mut rdr = csv::Reader::from_path(&rpath).with_context(|| format!("{}", rpath.display()))?;
    for (k, row) in rdr.records().enumerate() {
        let row = row.with_context(|| format!("{} row {}", rpath.display(), k + 2))?;
        let p = *practice_index
            .get(&row[0])
            .with_context(|| format!("{}: unknown practice {}", rpath.display(), &row[0]))?;
        let a = *area_index
            .get(&row[1])
            .with_context(|| format!("{}: unknown area {}", rpath.display(), &row[1]))?;
        registrations.push((p, a, row[2].parse()?));
    }
    Ok(registrations)
}

/// `footprints.csv`: each area's PCN, and the area codes listed twice.
fn read_footprints(
    dir: &Path,
    n_areas: usize,
    area_index: &Index,
    pcn_codes: &[String],
) -> Result<(Vec<Option<usize>>, Vec<String>)> {
    let mut footprint = vec![None; n_areas];
    let mut footprint_duplicates = Vec::new();
    let fpath = dir.join("footprints.csv");
    let mut rdr = csv::Reader::from_path(&fpath).with_context(|| format!("{}", fpath.display()))?;
    for row in rdr.records() {
        let row = row?;
        let a = *area_index
            .get(&row[0])
            .with_context(|| format!("{}: unknown area {}", fpath.display(), &row[0]))?;
        let p = pcn_codes
            .iter()
            .position(|c| c == &row[1])
            .with_context(|| format!("{}: unknown pcn {}", fpath.display(), &row[1]))?;
        if footprint[a].replace(p).is_some() {
            footprint_duplicates.push(row[0].to_string());
        }
    }
    Ok((footprint, footprint_duplicates))
}

/// `roads.geojson`.
fn read_roads(dir: &Path) -> Result<Vec<FRoad>> {
    let mut roads = Vec::new();
    let rpath = dir.join("roads.geojson");
    for (k, f) in features(&rpath)?.iter().enumerate() {
        let what = format!("{} feature {k}", rpath.display());
        let p = &f["properties"];
        let coords = f["geometry"]["coordinates"]
            .as_array()
            .with_context(|| format!("{what}: no coordinates"))?
            .iter()
            .map(|c| pair(c, &what))
            .collect::<Result<Vec<_>>>()?;
        roads.push(FRoad {
            highway: p["highway"].as_str().unwrap_or("").to_string(),
            oneway: p["oneway"].as_str() == Some("yes"),
            speed_kph: p["speed_kph"].as_f64(),
            maxspeed_kph: p["maxspeed"].as_str().and_then(parse_maxspeed),
            coords,
        });
    }
    Ok(roads)
}

/// Number of components of each PCN's footprint under rook adjacency
/// (areas sharing a boundary segment: two consecutive identical vertices).
pub fn rook_components(f: &Files) -> Vec<usize> {
    let mut by_edge: BTreeMap<[(u64, u64); 2], Vec<usize>> = BTreeMap::new();
    for (a, area) in f.areas.iter().enumerate() {
        for ring in &area.rings {
            for w in ring.windows(2) {
                let u = (w[0][0].to_bits(), w[0][1].to_bits());
                let v = (w[1][0].to_bits(), w[1][1].to_bits());
                by_edge.entry([u.min(v), u.max(v)]).or_default().push(a);
            }
        }
    }
    let mut parent: Vec<usize> = (0..f.areas.len()).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for owners in by_edge.values() {
        for w in owners.windows(2) {
            let (a, b) = (w[0], w[1]);
            if f.footprint[a].is_some() && f.footprint[a] == f.footprint[b] {
                let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
                parent[ra] = rb;
            }
        }
    }
    (0..f.pcn_codes.len())
        .map(|p| {
            let mut roots: Vec<usize> = (0..f.areas.len())
                .filter(|&a| f.footprint[a] == Some(p))
                .map(|a| root(&mut parent, a))
                .collect();
            roots.sort_unstable();
            roots.dedup();
            roots.len()
        })
        .collect()
}

/// Drive-time figures for one PCN under one profile.
#[derive(Clone, Debug)]
pub struct Drive {
    pub hub: usize,
    /// Each member as a hub: (practice, list-size-weighted minutes to the
    /// others); the hub has the least.
    pub hub_costs: Vec<(usize, f64)>,
    pub farthest: usize,
    pub max_member_min: f64,
    pub tour_min: f64,
    pub share_over_30_min: f64,
}

#[derive(Clone, Debug)]
pub struct PcnFacts {
    pub practices: Vec<usize>,
    pub list_size: u64,
    pub resident_population: u64,
    pub areas: usize,
    pub rural_share: f64,
    pub sparse_share: f64,
    /// Area indices per queen component, largest first.
    pub components: Vec<Vec<usize>>,
    /// Number of components under rook adjacency.
    pub rook_components: usize,
    pub outside_practices: Vec<usize>,
    /// Under [SLOW, FAST].
    pub drive: [Drive; 2],
}

impl PcnFacts {
    /// Findings (stable codes) under profile `k` (0 slow, 1 fast).
    pub fn flags(&self, k: usize) -> Vec<&'static str> {
        let mut f = Vec::new();
        let below = self.list_size < BAND_MIN;
        let rural = self.rural_share >= RURAL_SHARE_MIN;
        if below {
            f.push("POPULATION_BELOW_BAND");
            if rural || self.sparse_share >= RURAL_SHARE_MIN {
                f.push("RURAL_WAIVER_CANDIDATE");
            }
        }
        if self.list_size > BAND_MAX {
            f.push("POPULATION_ABOVE_BAND");
        }
        if self.components.len() > 1 {
            f.push("NON_CONTIGUOUS");
        }
        if !self.outside_practices.is_empty() {
            f.push("PRACTICE_OUTSIDE_FOOTPRINT");
        }
        if rural {
            f.push("RURAL");
        }
        let d = &self.drive[k];
        let hub = d.max_member_min > HUB_MAX_MIN;
        let tour = d.tour_min > TOUR_MAX_MIN;
        let pat = d.share_over_30_min > PATIENT_SHARE_MAX;
        if hub {
            f.push("HUB_IMPRACTICAL");
        }
        if tour {
            f.push("SHARED_ROLE_IMPRACTICAL");
        }
        if pat {
            f.push("PATIENT_ACCESS_BURDEN");
        }
        if rural && (hub || tour || pat) {
            f.push("RURAL_ACCESS_RISK");
        }
        f
    }
}

pub struct Facts {
    pub pcns: Vec<PcnFacts>,
    pub unassigned: Vec<usize>,
    /// Area codes listed more than once in footprints.csv.
    pub in_two_pcns: Vec<String>,
    /// Largest distance from a practice or centroid to its road node (m).
    pub max_snap_m: f64,
    /// Every road node reachable from every other (directed).
    pub roads_connected: bool,
}

fn ring_polygon(ring: &[[f64; 2]]) -> Polygon<f64> {
    Polygon::new(
        LineString::from(ring.iter().map(|&p| bng(p)).collect::<Vec<_>>()),
        vec![],
    )
}

struct Graph {
    nodes: Vec<Coord<f64>>,
    fwd: Vec<Vec<(usize, u64)>>,
    rev: Vec<Vec<(usize, u64)>>,
}

fn graph(roads: &[FRoad], prof: &Profile) -> Graph {
    let mut ids: BTreeMap<(u64, u64), usize> = BTreeMap::new();
    let mut nodes = Vec::new();
    let mut fwd: Vec<Vec<(usize, u64)>> = Vec::new();
    let mut rev: Vec<Vec<(usize, u64)>> = Vec::new();
    for r in roads {
        let class = CLASSES.iter().position(|c| *c == r.highway).unwrap_or(5);
        let mut kph = prof.class_kph[class];
        if let Some(m) = r.maxspeed_kph {
            kph = if prof.maxspeed_caps_only {
                kph.min(m)
            } else {
                m
            };
        }
        if let Some(s) = r.speed_kph {
            kph = s;
        }
        let mut prev: Option<usize> = None;
        for &c in &r.coords {
            let key = (c[0].to_bits(), c[1].to_bits());
            let id = *ids.entry(key).or_insert_with(|| {
                nodes.push(bng(c));
                fwd.push(Vec::new());
                rev.push(Vec::new());
                nodes.len() - 1
            });
            if let Some(u) = prev {
                let (a, b) = (nodes[u], nodes[id]);
                let len = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
                let ms = (len / (kph / 3.6) * 1000.0).round() as u64;
                fwd[u].push((id, ms));
                rev[id].push((u, ms));
                if !r.oneway {
                    fwd[id].push((u, ms));
                    rev[u].push((id, ms));
                }
            }
            prev = Some(id);
        }
    }
    Graph { nodes, fwd, rev }
}

/// Milliseconds from `s` to every node over `adj`.
fn dijkstra(adj: &[Vec<(usize, u64)>], s: usize) -> Vec<u64> {
    let mut dist = vec![u64::MAX; adj.len()];
    let mut heap = BinaryHeap::new();
    dist[s] = 0;
    heap.push(Reverse((0u64, s)));
    while let Some(Reverse((d, u))) = heap.pop() {
        if d > dist[u] {
            continue;
        }
        for &(v, w) in &adj[u] {
            let nd = d + w;
            if nd < dist[v] {
                dist[v] = nd;
                heap.push(Reverse((nd, v)));
            }
        }
    }
    dist
}

fn dist_m(a: Coord<f64>, b: Coord<f64>) -> f64 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

/// Nearest road node and the off-road distance to it.
fn snap(g: &Graph, p: Coord<f64>) -> (usize, f64) {
    let mut best = (0, f64::INFINITY);
    for (k, &n) in g.nodes.iter().enumerate() {
        let d = dist_m(p, n);
        if d < best.1 {
            best = (k, d);
        }
    }
    best
}

/// Shortest closed tour from `hub` through all `others` (exhaustive; the
/// demo's networks have at most six practices).
fn best_tour(t: &dyn Fn(usize, usize) -> f64, hub: usize, others: &mut Vec<usize>) -> f64 {
    fn go(
        t: &dyn Fn(usize, usize) -> f64,
        hub: usize,
        at: usize,
        rest: &mut Vec<usize>,
        acc: f64,
        best: &mut f64,
    ) {
        if acc >= *best {
            return;
        }
        if rest.is_empty() {
            *best = best.min(acc + t(at, hub));
            return;
        }
        for k in 0..rest.len() {
            let next = rest.remove(k);
            go(t, hub, next, rest, acc + t(at, next), best);
            rest.insert(k, next);
        }
    }
    let mut best = f64::INFINITY;
    go(t, hub, hub, others, 0.0, &mut best);
    best
}

fn drive(f: &Files, g: &Graph, prof: &Profile, members: &[usize]) -> Drive {
    let off_ms = |d_m: f64| d_m / (prof.offroad_kph / 3.6) * 1000.0;
    let snaps: Vec<(usize, f64)> = members
        .iter()
        .map(|&m| snap(g, f.practices[m].location))
        .collect();
    let fwd: Vec<Vec<u64>> = snaps.iter().map(|s| dijkstra(&g.fwd, s.0)).collect();
    // Minutes from member i to member j.
    let t = |i: usize, j: usize| -> f64 {
        if i == j {
            return 0.0;
        }
        let d = fwd[i][snaps[j].0];
        if d == u64::MAX {
            return f64::INFINITY;
        }
        (off_ms(snaps[i].1) + d as f64 + off_ms(snaps[j].1)) / 60_000.0
    };
    let n = members.len();
    let hub_costs: Vec<f64> = (0..n)
        .map(|h| {
            (0..n)
                .map(|m| f.practices[members[m]].list_size as f64 * t(h, m))
                .sum()
        })
        .collect();
    let mut hub = 0;
    for h in 1..n {
        if hub_costs[h] < hub_costs[hub] {
            hub = h;
        }
    }
    let (mut farthest, mut max_member_min) = (hub, 0.0);
    for m in 0..n {
        if t(hub, m) > max_member_min {
            max_member_min = t(hub, m);
            farthest = m;
        }
    }
    let mut others: Vec<usize> = (0..n).filter(|&m| m != hub).collect();
    let tour_min = best_tour(&t, hub, &mut others);
    // Patients: area centroid to the hub.
    let to_hub = dijkstra(&g.rev, snaps[hub].0);
    let (mut over, mut all) = (0u64, 0u64);
    for &(p, a, n) in &f.registrations {
        if !members.contains(&p) {
            continue;
        }
        let (node, d) = snap(g, f.areas[a].centroid);
        let ms = to_hub[node] as f64 + off_ms(d) + off_ms(snaps[hub].1);
        all += n;
        if to_hub[node] == u64::MAX || ms / 60_000.0 > PATIENT_MINUTES {
            over += n;
        }
    }
    Drive {
        hub: members[hub],
        hub_costs: members.iter().copied().zip(hub_costs).collect(),
        farthest: members[farthest],
        max_member_min,
        tour_min,
        share_over_30_min: if all == 0 {
            0.0
        } else {
            over as f64 / all as f64
        },
    }
}

fn is_rural(ruc: &str) -> bool {
    matches!(ruc, "D1" | "D2" | "E1" | "E2")
}
fn is_sparse(ruc: &str) -> bool {
    matches!(ruc, "C2" | "D2" | "E2")
}

/// Work out every figure the README states.
pub fn analyse(f: &Files) -> Result<Facts> {
    // Queen adjacency from identical vertices.
    let neighbours = queen_neighbours(f);
    let polygons: Vec<Vec<Polygon<f64>>> = f
        .areas
        .iter()
        .map(|a| a.rings.iter().map(|r| ring_polygon(r)).collect())
        .collect();
    let containing = |p: Coord<f64>| -> Option<usize> {
        (0..f.areas.len()).find(|&a| polygons[a].iter().any(|poly| poly.contains(&p)))
    };

    let rook = rook_components(f);
    let graphs = [graph(&f.roads, &SLOW), graph(&f.roads, &FAST)];
    let mut pcns = Vec::new();
    for (p, &rook_components) in rook.iter().enumerate() {
        let members: Vec<usize> = (0..f.practices.len())
            .filter(|&k| f.practices[k].pcn == p)
            .collect();
        let list_size: u64 = members.iter().map(|&k| f.practices[k].list_size).sum();
        let fp: Vec<usize> = (0..f.areas.len())
            .filter(|&a| f.footprint[a] == Some(p))
            .collect();
        let resident_population = fp.iter().map(|&a| f.areas[a].population).sum();
        let (mut rural, mut sparse) = (0u64, 0u64);
        for &(k, a, n) in &f.registrations {
            if f.practices[k].pcn == p {
                if is_rural(&f.areas[a].ruc) {
                    rural += n;
                }
                if is_sparse(&f.areas[a].ruc) {
                    sparse += n;
                }
            }
        }
        let components = components(f, &neighbours, &fp, p);
        let outside_practices = members
            .iter()
            .copied()
            .filter(|&k| {
                containing(f.practices[k].location).and_then(|a| f.footprint[a]) != Some(p)
            })
            .collect();
        let share = |x: u64| {
            if list_size == 0 {
                0.0
            } else {
                x as f64 / list_size as f64
            }
        };
        pcns.push(PcnFacts {
            practices: members.clone(),
            list_size,
            resident_population,
            areas: fp.len(),
            rural_share: share(rural),
            sparse_share: share(sparse),
            components,
            rook_components,
            outside_practices,
            drive: [
                drive(f, &graphs[0], &SLOW, &members),
                drive(f, &graphs[1], &FAST, &members),
            ],
        });
    }

    let unassigned = (0..f.areas.len())
        .filter(|&a| f.footprint[a].is_none())
        .collect();
    let (max_snap_m, roads_connected) = road_facts(f, &graphs[0]);
    Ok(Facts {
        pcns,
        unassigned,
        in_two_pcns: f.footprint_duplicates.clone(),
        max_snap_m,
        roads_connected,
    })
}

/// Queen adjacency from identical vertices.
fn queen_neighbours(f: &Files) -> Vec<Vec<usize>> {
    let mut at_vertex: BTreeMap<(u64, u64), Vec<usize>> = BTreeMap::new();
    for (a, area) in f.areas.iter().enumerate() {
        for ring in &area.rings {
            for p in ring {
                let v = at_vertex
                    .entry((p[0].to_bits(), p[1].to_bits()))
                    .or_default();
                if v.last() != Some(&a) {
                    v.push(a);
                }
            }
        }
    }
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); f.areas.len()];
    for v in at_vertex.values() {
        for &a in v {
            for &b in v {
                if a != b && !neighbours[a].contains(&b) {
                    neighbours[a].push(b);
                }
            }
        }
    }
    neighbours
}

/// Components of PCN `p`'s footprint `fp` by breadth-first search, largest
/// first.
fn components(f: &Files, neighbours: &[Vec<usize>], fp: &[usize], p: usize) -> Vec<Vec<usize>> {
    let mut seen = vec![false; f.areas.len()];
    let mut components = Vec::new();
    for &s in fp {
        if seen[s] {
            continue;
        }
        seen[s] = true;
        let mut comp = vec![s];
        let mut k = 0;
        while k < comp.len() {
            for &b in &neighbours[comp[k]] {
                if !seen[b] && f.footprint[b] == Some(p) {
                    seen[b] = true;
                    comp.push(b);
                }
            }
            k += 1;
        }
        comp.sort_unstable();
        components.push(comp);
    }
    components.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    components
}

/// The largest distance from a practice or centroid to its road node (m),
/// and whether every road node reaches every other.
fn road_facts(f: &Files, g: &Graph) -> (f64, bool) {
    let mut max_snap_m: f64 = 0.0;
    for p in &f.practices {
        max_snap_m = max_snap_m.max(snap(g, p.location).1);
    }
    for a in &f.areas {
        max_snap_m = max_snap_m.max(snap(g, a.centroid).1);
    }
    let roads_connected = !g.nodes.is_empty()
        && dijkstra(&g.fwd, 0).iter().all(|&d| d != u64::MAX)
        && dijkstra(&g.rev, 0).iter().all(|&d| d != u64::MAX);
    (max_snap_m, roads_connected)
}
