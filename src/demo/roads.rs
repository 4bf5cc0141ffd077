//! The road network of Demoshire.
//!
//! Every area has a road node (its village or street corner, 60–140 m from
//! its population-weighted centroid). Each pair of areas sharing a boundary
//! run is joined by a road from one node to the other through the lattice
//! vertex in the middle of the run, with a little wiggle either side. Drawn
//! this way roads are planar: two roads meet only at a shared node, and the
//! same rounded coordinates are used by every line through a node.
//!
//! Named routes then promote chains of those roads: the A4600 trunk road
//! between the towns, A roads out of the towns, B roads from each rural
//! practice to its network's main village, town streets. The motorway M17
//! runs north–south east of Demchester on its own alignment, crossing the
//! local roads on bridges (no shared vertex) except at three junctions,
//! where the crossing road and the motorway share a vertex. A roundabout (four one-way arcs, clockwise as in the UK)
//! stands at Demchester's Market Cross.
//!
//! The uplands (Upland Dales PCN) sit behind an escarpment: only the B6270
//! and one lane climb into them, and every upland road carries an explicit
//! `speed_kph` (30 on the B roads, 25 on single-track lanes), so drive
//! times there do not depend on the class defaults of whichever router
//! reads the file.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use anyhow::{Context, Result, bail};
use geo::Coord;

use super::county::{BLOCK_CELLS, County, Kind, ORIGIN_E, ORIGIN_N, to_wgs, vid};
use crate::rng::SplitMix64;

/// One road line as written to roads.geojson.
#[derive(Clone, Debug)]
pub(crate) struct Road {
    pub highway: &'static str,
    pub name: String,
    pub oneway: bool,
    pub roundabout: bool,
    pub speed_kph: Option<u32>,
    pub maxspeed: Option<&'static str>,
    /// WGS84, 7 decimals.
    pub coords: Vec<[f64; 2]>,
}

/// A point on a road: its BNG position and the rounded WGS84 copy.
#[derive(Clone, Copy, Debug)]
struct Pt {
    bng: Coord<f64>,
    wgs: [f64; 2],
}

/// A road between the nodes of two rook-adjacent areas.
struct DualEdge {
    a: usize,
    b: usize,
    /// From a's node to b's node.
    pts: Vec<Pt>,
    length_m: f64,
    upland: bool,
}

type Where = ((usize, usize), (usize, usize));

struct RouteSpec {
    name: &'static str,
    highway: &'static str,
    stops: Vec<Where>,
    upland: bool,
    speed_kph: Option<u32>,
}

/// Speeds on upland roads (explicit `speed_kph`).
pub(crate) const UPLAND_B_ROAD_KPH: u32 = 22;
pub(crate) const UPLAND_LANE_KPH: u32 = 18;
/// Motorway: x offset from the county's west edge (metres) and wiggle.
const MOTORWAY_X_M: f64 = 40_700.0;
const MOTORWAY_WIGGLE_M: f64 = 250.0;
/// The three roads that meet the motorway at a junction (sharing a vertex
/// where they cross it): each is the road between the nodes of these two
/// areas. Everywhere else the motorway bridges the roads it crosses.
const JUNCTIONS: [(Where, Where); 3] = [
    (((9, 8), (1, 0)), ((10, 8), (0, 0))),
    (((9, 5), (0, 0)), ((10, 5), (0, 0))),
    (((9, 1), (1, 0)), ((10, 1), (0, 0))),
];
/// The only two roads between the uplands and the lowlands.
const UPLAND_ENTRIES: [((usize, usize), (usize, usize)); 2] = [((2, 6), (1, 6)), ((6, 8), (5, 8))];

fn dem(u: usize, v: usize) -> Where {
    ((6 + u / 4, 5 + v / 4), (u % 4, v % 4))
}
fn mar(u: usize, v: usize) -> Where {
    ((3 + u / 4, 2), (u % 4, v))
}
fn blk(bx: usize, by: usize, sx: usize, sy: usize) -> Where {
    ((bx, by), (sx, sy))
}

/// A road route through `stops`.
fn route(name: &'static str, highway: &'static str, stops: Vec<Where>) -> RouteSpec {
    RouteSpec {
        name,
        highway,
        stops,
        upland: false,
        speed_kph: None,
    }
}

/// Routes in priority order: where two share a road, the first names it.
fn routes() -> Vec<RouteSpec> {
    let up = |name, stops: Vec<Where>| RouteSpec {
        name,
        highway: "secondary",
        stops,
        upland: true,
        speed_kph: Some(UPLAND_B_ROAD_KPH),
    };
    vec![
        route("A4600", "trunk", vec![dem(3, 3), mar(4, 1)]),
        route(
            "A512",
            "primary",
            vec![dem(4, 4), blk(9, 8, 0, 0), blk(9, 9, 0, 0)],
        ),
        route(
            "A47",
            "primary",
            vec![dem(4, 3), blk(9, 5, 0, 0), blk(10, 5, 0, 0)],
        ),
        route(
            "A606",
            "primary",
            vec![
                mar(4, 1),
                blk(9, 1, 0, 0),
                blk(9, 1, 1, 0),
                blk(10, 1, 0, 0),
            ],
        ),
        route("A6003", "primary", vec![mar(3, 1), blk(0, 2, 0, 0)]),
        up(
            "B6270",
            vec![
                blk(2, 6, 0, 0),
                blk(1, 6, 0, 0),
                blk(1, 8, 0, 0),
                blk(3, 9, 0, 0),
                blk(5, 9, 0, 0),
            ],
        ),
        up("B6271", vec![blk(1, 6, 0, 0), blk(1, 5, 0, 0)]),
        route("B5001", "secondary", vec![blk(7, 7, 1, 1), blk(9, 8, 1, 0)]),
        route("B5002", "secondary", vec![blk(7, 9, 0, 0), blk(9, 8, 1, 0)]),
        route(
            "B5003",
            "secondary",
            vec![blk(11, 8, 0, 0), blk(9, 8, 1, 0)],
        ),
        route(
            "B5004",
            "secondary",
            vec![blk(9, 8, 1, 0), blk(10, 8, 0, 0)],
        ),
        route(
            "B5010",
            "secondary",
            vec![blk(2, 4, 0, 0), blk(3, 6, 0, 0), blk(5, 5, 0, 1), dem(0, 4)],
        ),
        route("B5020", "secondary", vec![blk(8, 6, 1, 0), blk(9, 5, 0, 0)]),
        route(
            "B5021",
            "secondary",
            vec![blk(10, 3, 0, 0), blk(9, 5, 0, 0)],
        ),
        route(
            "B5030",
            "secondary",
            vec![blk(1, 0, 0, 0), blk(2, 2, 0, 1), mar(0, 1)],
        ),
        route("B5031", "secondary", vec![blk(4, 1, 0, 0), mar(4, 0)]),
        route("B5032", "secondary", vec![blk(5, 2, 1, 0), mar(7, 1)]),
        route("B5040", "secondary", vec![blk(6, 2, 0, 0), blk(9, 1, 0, 1)]),
        route(
            "B5041",
            "secondary",
            vec![blk(11, 0, 0, 0), blk(9, 1, 1, 0)],
        ),
        route("B5042", "secondary", vec![blk(6, 2, 0, 0), dem(3, 0)]),
    ]
    .into_iter()
    .chain(town_streets())
    .collect()
}

/// Town streets from each town practice's area to the centre.
fn town_streets() -> Vec<RouteSpec> {
    vec![
        route("Castle Street", "tertiary", vec![dem(1, 3), dem(3, 3)]),
        route("Eastgate", "tertiary", vec![dem(6, 4), dem(4, 4)]),
        route("Southgate", "tertiary", vec![dem(3, 0), dem(3, 3)]),
        route("St Mary's Road", "tertiary", vec![dem(6, 1), dem(4, 3)]),
        route("Westgate", "tertiary", vec![dem(0, 1), dem(3, 3)]),
        route("Northgate", "tertiary", vec![dem(1, 6), dem(3, 4)]),
        route("Abbey Road", "tertiary", vec![dem(4, 7), dem(4, 4)]),
        route("Park Road", "tertiary", vec![dem(6, 5), dem(4, 4)]),
        route("Bridge Street", "tertiary", vec![dem(2, 1), dem(3, 3)]),
        route("Riverside", "tertiary", vec![dem(7, 2), dem(4, 3)]),
        route("Church Lane", "tertiary", vec![mar(3, 2), mar(4, 1)]),
        route("Well Street", "tertiary", vec![mar(5, 1), mar(4, 1)]),
        route("Orchard Way", "tertiary", vec![mar(6, 3), mar(4, 1)]),
        route("Sheep Street", "tertiary", vec![mar(1, 1), mar(4, 1)]),
    ]
}

fn length_m(pts: &[Pt]) -> f64 {
    pts.windows(2)
        .map(|w| ((w[1].bng.x - w[0].bng.x).powi(2) + (w[1].bng.y - w[0].bng.y).powi(2)).sqrt())
        .sum()
}

fn pt(p: Coord<f64>) -> Pt {
    Pt {
        bng: p,
        wgs: to_wgs(p, 7),
    }
}

/// Points strictly between `from` and `to`: `n` evenly spaced, each pushed
/// sideways by up to `amp` × the segment length.
fn wiggles(from: Coord<f64>, to: Coord<f64>, n: usize, amp: f64, rng: &mut SplitMix64) -> Vec<Pt> {
    let (dx, dy) = (to.x - from.x, to.y - from.y);
    (1..=n)
        .map(|k| {
            let t = k as f64 / (n + 1) as f64;
            let s = rng.range(-amp, amp);
            // Perpendicular (-dy, dx) has the segment's length, so s is a
            // fraction of it.
            pt(Coord {
                x: from.x + t * dx - s * dy,
                y: from.y + t * dy + s * dx,
            })
        })
        .collect()
}

fn is_upland(c: &County, a: usize) -> bool {
    c.areas[a].kind == Kind::Upland
}

fn node_pt(c: &County, a: usize) -> Pt {
    Pt {
        bng: c.areas[a].road_node,
        wgs: c.areas[a].road_node_wgs,
    }
}

fn dual_edges(c: &County, seed: u64) -> Vec<DualEdge> {
    let mut rng = SplitMix64::stream(seed, "road-wiggles");
    let mut edges = Vec::new();
    for (a, b, m) in c.rook_pairs() {
        let (ua, ub) = (is_upland(c, a), is_upland(c, b));
        if ua != ub {
            let ba = c.areas[a].block;
            let bb = c.areas[b].block;
            let entry = UPLAND_ENTRIES
                .iter()
                .any(|&(x, y)| (x == ba && y == bb) || (x == bb && y == ba));
            if !entry {
                continue;
            }
        }
        let upland = ua || ub;
        // Upland roads wind (three wiggles a side, up to 15%); lowland
        // roads bend once a side (up to 6%).
        let (n, amp) = if upland { (3, 0.15) } else { (1, 0.06) };
        let mid = Pt {
            bng: c.lattice.bng[m],
            wgs: c.lattice.wgs[m],
        };
        let pa = node_pt(c, a);
        let pb = node_pt(c, b);
        let mut pts = vec![pa];
        pts.extend(wiggles(pa.bng, mid.bng, n, amp, &mut rng));
        pts.push(mid);
        pts.extend(wiggles(mid.bng, pb.bng, n, amp, &mut rng));
        pts.push(pb);
        let length_m = length_m(&pts);
        edges.push(DualEdge {
            a,
            b,
            pts,
            length_m,
            upland,
        });
    }
    edges
}

/// Shortest chain of dual edges from area `s` to area `t` (by length),
/// avoiding upland areas unless `upland`. Returns (edge, forward) pairs.
fn shortest_path(
    c: &County,
    edges: &[DualEdge],
    adj: &[Vec<usize>],
    s: usize,
    t: usize,
    upland: bool,
) -> Option<Vec<(usize, bool)>> {
    let n = c.areas.len();
    let mut dist = vec![u64::MAX; n];
    let mut via: Vec<Option<usize>> = vec![None; n];
    let mut heap = BinaryHeap::new();
    dist[s] = 0;
    heap.push(Reverse((0u64, s)));
    while let Some(Reverse((d, u))) = heap.pop() {
        if d > dist[u] {
            continue;
        }
        if u == t {
            break;
        }
        for &e in &adj[u] {
            let v = if edges[e].a == u {
                edges[e].b
            } else {
                edges[e].a
            };
            if !upland && is_upland(c, v) {
                continue;
            }
            let nd = d + (edges[e].length_m * 1000.0).round() as u64;
            if nd < dist[v] {
                dist[v] = nd;
                via[v] = Some(e);
                heap.push(Reverse((nd, v)));
            }
        }
    }
    if dist[t] == u64::MAX {
        return None;
    }
    let mut path = Vec::new();
    let mut v = t;
    while v != s {
        let e = via[v]?;
        let from = if edges[e].a == v {
            edges[e].b
        } else {
            edges[e].a
        };
        path.push((e, edges[e].a == from));
        v = from;
    }
    path.reverse();
    Some(path)
}

fn oriented(e: &DualEdge, forward: bool) -> Vec<Pt> {
    let mut p = e.pts.clone();
    if !forward {
        p.reverse();
    }
    p
}

fn road(highway: &'static str, name: String, pts: &[Pt]) -> Road {
    Road {
        highway,
        name,
        oneway: false,
        roundabout: false,
        speed_kph: None,
        maxspeed: None,
        coords: pts.iter().map(|p| p.wgs).collect(),
    }
}

/// Build every road of the county: the named routes (first route wins
/// where two share a road), then every other edge as a street or lane,
/// the M17 and the roundabout.
pub(crate) fn build(c: &County, seed: u64) -> Result<Vec<Road>> {
    let mut edges = dual_edges(c, seed);
    let m17 = add_junctions(c, seed, &mut edges)?;
    let specs = routes();
    let (owner, paths) = route_all(c, &edges, &specs)?;
    let mut roads = Vec::new();
    let mut emitted = vec![false; edges.len()];
    for (ri, (spec, path)) in specs.iter().zip(&paths).enumerate() {
        let mut run: Vec<Pt> = Vec::new();
        let flush = |run: &mut Vec<Pt>, roads: &mut Vec<Road>| {
            if run.len() >= 2 {
                let mut r = road(spec.highway, spec.name.to_string(), run);
                r.speed_kph = spec.speed_kph;
                roads.push(r);
            }
            run.clear();
        };
        for &(e, fwd) in path {
            if owner[e] == Some(ri) && !emitted[e] {
                emitted[e] = true;
                let p = oriented(&edges[e], fwd);
                if run.is_empty() {
                    run.extend(p);
                } else {
                    run.extend(p.into_iter().skip(1));
                }
            } else {
                flush(&mut run, &mut roads);
            }
        }
        flush(&mut run, &mut roads);
    }

    minor_roads(c, seed, &edges, &emitted, &mut roads);
    roads.push(road("motorway", "M17".to_string(), &m17));
    roads.extend(roundabout(c)?);
    Ok(roads)
}

/// The area at a block and sub-block.
fn find(c: &County, w: Where) -> Result<usize> {
    c.area_at(w.0, w.1)
        .with_context(|| format!("no area at block {:?} sub {:?}", w.0, w.1))
}

/// The M17, with a junction on each edge of `JUNCTIONS`.
fn add_junctions(c: &County, seed: u64, edges: &mut [DualEdge]) -> Result<Vec<Pt>> {
    let mut m17 = motorway_line(seed);
    for (wa, wb) in JUNCTIONS {
        let (a, b) = (find(c, wa)?, find(c, wb)?);
        let edge = edges
            .iter_mut()
            .find(|e| (e.a, e.b) == (a.min(b), a.max(b)))
            .with_context(|| format!("no road between {wa:?} and {wb:?}"))?;
        add_junction(edge, &mut m17)?;
    }
    Ok(m17)
}

/// Route every spec and claim its edges (first route wins): each edge's
/// owning route, and each route's path of (edge, forward).
#[allow(clippy::type_complexity)]
fn route_all(
    c: &County,
    edges: &[DualEdge],
    specs: &[RouteSpec],
) -> Result<(Vec<Option<usize>>, Vec<Vec<(usize, bool)>>)> {
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); c.areas.len()];
    for (k, e) in edges.iter().enumerate() {
        adj[e.a].push(k);
        adj[e.b].push(k);
    }
    let mut owner: Vec<Option<usize>> = vec![None; edges.len()];
    let mut paths: Vec<Vec<(usize, bool)>> = Vec::new();
    for (ri, spec) in specs.iter().enumerate() {
        let mut path = Vec::new();
        for w in spec.stops.windows(2) {
            let (s, t) = (find(c, w[0])?, find(c, w[1])?);
            let leg = shortest_path(c, edges, &adj, s, t, spec.upland)
                .with_context(|| format!("route {} has no path from {s} to {t}", spec.name))?;
            path.extend(leg);
        }
        for &(e, _) in &path {
            owner[e].get_or_insert(ri);
        }
        paths.push(path);
    }
    Ok((owner, paths))
}

/// Everything else: streets, lanes and minor roads.
fn minor_roads(c: &County, seed: u64, edges: &[DualEdge], emitted: &[bool], roads: &mut Vec<Road>) {
    let mut rng = SplitMix64::stream(seed, "road-classes");
    let mut street = super::county::street_namer(seed);
    const SUFFIX: [&str; 5] = ["Road", "Street", "Avenue", "Close", "Lane"];
    for (k, e) in edges.iter().enumerate() {
        if emitted[k] {
            continue;
        }
        let (ka, kb) = (c.areas[e.a].kind, c.areas[e.b].kind);
        let r = if ka == Kind::Town && kb == Kind::Town {
            let name = format!("{} {}", street(), SUFFIX[rng.below(SUFFIX.len())]);
            let mut r = road("residential", name, &e.pts);
            // Marlbury's streets carry OSM-style limits.
            if c.areas[e.a].lad == 1 {
                r.maxspeed = Some("30 mph");
            }
            r
        } else {
            let village = if ka == Kind::Town {
                &c.areas[e.b].village
            } else {
                &c.areas[e.a].village
            };
            if e.upland {
                let mut r = road("unclassified", format!("{village} Moor Lane"), &e.pts);
                r.speed_kph = Some(UPLAND_LANE_KPH);
                r
            } else if rng.unit() < 0.25 {
                road("tertiary", format!("{village} Road"), &e.pts)
            } else {
                road("unclassified", format!("{village} Lane"), &e.pts)
            }
        };
        roads.push(r);
    }
}

/// The M17's alignment: a vertex every kilometre from 500 m south of the
/// county to 500 m north, wandering ±250 m either side of its line.
fn motorway_line(seed: u64) -> Vec<Pt> {
    let mut rng = SplitMix64::stream(seed, "motorway");
    (0..=41)
        .map(|k| {
            pt(Coord {
                x: ORIGIN_E + MOTORWAY_X_M + rng.range(-MOTORWAY_WIGGLE_M, MOTORWAY_WIGGLE_M),
                y: ORIGIN_N - 500.0 + 1000.0 * k as f64,
            })
        })
        .collect()
}

/// Where segments pq and rs cross, if they do.
fn intersection(p: Coord<f64>, q: Coord<f64>, r: Coord<f64>, s: Coord<f64>) -> Option<Coord<f64>> {
    let (d1x, d1y) = (q.x - p.x, q.y - p.y);
    let (d2x, d2y) = (s.x - r.x, s.y - r.y);
    let den = d1x * d2y - d1y * d2x;
    if den.abs() < 1e-9 {
        return None;
    }
    let t = ((r.x - p.x) * d2y - (r.y - p.y) * d2x) / den;
    let u = ((r.x - p.x) * d1y - (r.y - p.y) * d1x) / den;
    ((0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u)).then_some(Coord {
        x: p.x + t * d1x,
        y: p.y + t * d1y,
    })
}

/// Put a shared vertex where the road between the two junction areas
/// crosses the motorway, in both lines.
fn add_junction(edge: &mut DualEdge, motorway: &mut Vec<Pt>) -> Result<()> {
    for i in 0..edge.pts.len() - 1 {
        for j in 0..motorway.len() - 1 {
            if let Some(x) = intersection(
                edge.pts[i].bng,
                edge.pts[i + 1].bng,
                motorway[j].bng,
                motorway[j + 1].bng,
            ) {
                let jp = pt(x);
                edge.pts.insert(i + 1, jp);
                motorway.insert(j + 1, jp);
                edge.length_m = length_m(&edge.pts);
                return Ok(());
            }
        }
    }
    bail!(
        "the road between areas {} and {} does not cross the motorway",
        edge.a,
        edge.b
    )
}

/// Market Cross roundabout at Demchester's centre: four spokes from the
/// nodes of the four areas meeting at the town's central lattice vertex, and
/// four one-way arcs circulating clockwise.
fn roundabout(c: &County) -> Result<Vec<Road>> {
    const R_M: f64 = 40.0;
    let d = R_M / std::f64::consts::SQRT_2;
    let x = c.lattice.bng[vid(6 * BLOCK_CELLS + 8, 5 * BLOCK_CELLS + 8)];
    let at = |dx: f64, dy: f64| {
        pt(Coord {
            x: x.x + dx,
            y: x.y + dy,
        })
    };
    let (ne, se, sw, nw) = (at(d, d), at(d, -d), at(-d, -d), at(-d, d));
    let (e, s, w, n) = (at(R_M, 0.0), at(0.0, -R_M), at(-R_M, 0.0), at(0.0, R_M));
    let mut out = Vec::new();
    for arc in [[ne, e, se], [se, s, sw], [sw, w, nw], [nw, n, ne]] {
        let mut r = road("primary", "Market Cross".to_string(), &arc);
        r.oneway = true;
        r.roundabout = true;
        out.push(r);
    }
    let spokes = [
        (dem(4, 4), ne, "High Street"),
        (dem(4, 3), se, "Sheep Street"),
        (dem(3, 3), sw, "Market Street"),
        (dem(3, 4), nw, "Corn Street"),
    ];
    for (w, end, name) in spokes {
        let a = c
            .area_at(w.0, w.1)
            .with_context(|| format!("no area at {w:?}"))?;
        let mut r = road("tertiary", name.to_string(), &[node_pt(c, a), end]);
        r.maxspeed = Some("20 mph");
        out.push(r);
    }
    Ok(out)
}
