//! Benchmark input: a synthetic OpenStreetMap extract of England with the
//! structure of a real Geofabrik one, written as OPL text on stdout for
//! `osmium cat -F opl - -o FILE.osm.pbf` to pack. `bench/england_roads.sh`
//! drives it and caches the files; docs/performance-england-roads.md gives
//! its calibration against the Rutland and Isle of Wight extracts.
//!
//! ```text
//! cargo build --release --example synth_osm
//! target/release/examples/synth_osm CENTROIDS_CSV MAX_LAT [SEED] \
//!   | osmium cat -F opl - -o england.osm.pbf --overwrite
//! ```
//! CENTROIDS_CSV is the national LSOA population-weighted centroids file
//! (columns X = longitude, Y = latitude, lsoa11cd); only England's centroids
//! (codes E...) at or south of
//! MAX_LAT are used, so a fraction of England is its southern part at full
//! density. SEED defaults to 2026; the same arguments give the same bytes.
//!
//! What it makes, on a grid of 200 m cells over England's extent:
//! - land: the 1.4 km lattice cells within 8 km of a kept centroid; their
//!   sides are rural roads (every 8th lattice line primary, every 16th
//!   trunk or secondary, every 4th tertiary, the rest unclassified), and
//!   every 45th lattice line carries a motorway of two one-way carriageways
//!   (own nodes, so crossings are bridges) with links every 10 km;
//! - a town of residential streets on the 200 m grid around each centroid,
//!   some streets missing (T junctions), every 6th street one-way, and a
//!   road from its centre to the nearest lattice line;
//! - ways of 1–6 grid edges with winding shape nodes, service spurs
//!   (driveways, yards; some private) and footways off them, maxspeed on
//!   some;
//! - per town 520 buildings (closed ways of 4–7 corners), 150 tagged points,
//!   30 fences and walls and 12 footways; per land cell 26 landuse polygons (every 6th also a
//!   multipolygon relation), 6 paths and tracks, 8 streams, 12 hedges,
//!   40 tagged points and 5 farm buildings.
//!
//! Output is sorted like Geofabrik's: nodes by id, then ways, then
//! relations. It is made in three passes of the same generator (nodes,
//! ways, relations), so nothing but the grid plan is held in memory.
//! Counts go to stderr.

use anyhow::{Context, Result, bail};
use pcn_atlas::rng::SplitMix64 as Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufWriter, Write};

/// England's extent in degrees (west, south, east, north).
const EXTENT: [f64; 4] = [-5.8, 49.9, 1.8, 55.8];
/// Fine grid cell (town streets) in metres.
const CELL_M: f64 = 200.0;
/// Fine cells per lattice cell (rural roads every 1.4 km).
const LATTICE: i64 = 7;
/// Land: lattice cells within this many lattice cells of a kept centroid.
const LAND_RADIUS: i64 = 6;
/// Motorway every this many lattice lines; a junction every this many lattice cells.
const MOTORWAY_EVERY: i64 = 45;
const MOTORWAY_JUNCTION_EVERY: i64 = 7;
/// First id of the nodes that are not grid vertices.
const FREE_NODE_ID: u64 = 20_000_001;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Class {
    Trunk,
    Primary,
    Secondary,
    Tertiary,
    Unclassified,
    Residential,
}

impl Class {
    fn tag(self) -> &'static str {
        match self {
            Class::Trunk => "trunk",
            Class::Primary => "primary",
            Class::Secondary => "secondary",
            Class::Tertiary => "tertiary",
            Class::Unclassified => "unclassified",
            Class::Residential => "residential",
        }
    }
    /// Shape nodes inside one 200 m grid edge, and a maxspeed tag for some ways.
    fn shape_nodes(self) -> usize {
        match self {
            Class::Residential => 2,
            Class::Trunk | Class::Primary => 4,
            _ => 5,
        }
    }
    fn maxspeed(self) -> &'static str {
        match self {
            Class::Trunk | Class::Primary => "60%20%mph",
            Class::Secondary | Class::Tertiary => "50%20%mph",
            Class::Unclassified => "60%20%mph",
            Class::Residential => "30%20%mph",
        }
    }
    /// The class of a rural road on lattice line `i`.
    fn of_lattice_line(i: i64) -> Class {
        match i.rem_euclid(16) {
            0 | 8 => Class::Primary,
            4 => Class::Trunk,
            12 => Class::Secondary,
            2 | 6 | 10 | 14 => Class::Tertiary,
            _ => Class::Unclassified,
        }
    }
}

/// The fine grid over England's extent: cell sizes in degrees (at 52.5°N).
struct Grid {
    dlat: f64,
    dlon: f64,
    rows: i64,
    cols: i64,
}

impl Grid {
    fn new() -> Grid {
        let dlat = CELL_M / 111_320.0;
        let dlon = CELL_M / (111_320.0 * 52.5f64.to_radians().cos());
        Grid {
            dlat,
            dlon,
            rows: ((EXTENT[3] - EXTENT[1]) / dlat).ceil() as i64 + 1,
            cols: ((EXTENT[2] - EXTENT[0]) / dlon).ceil() as i64 + 1,
        }
    }
    fn vertex_id(&self, r: i64, c: i64) -> u64 {
        (r * self.cols + c + 1) as u64
    }
    /// A vertex's position, jittered by up to 30 m so roads are not ruled lines.
    fn vertex_pos(&self, r: i64, c: i64) -> (f64, f64) {
        let h = mix((r as u64) << 32 | c as u64);
        let jx = ((h & 0xffff) as f64 / 65535.0 - 0.5) * 0.3;
        let jy = (((h >> 16) & 0xffff) as f64 / 65535.0 - 0.5) * 0.3;
        self.pos(r as f64 + jy, c as f64 + jx)
    }
    /// (lon, lat) of a fractional grid position.
    fn pos(&self, r: f64, c: f64) -> (f64, f64) {
        (EXTENT[0] + c * self.dlon, EXTENT[1] + r * self.dlat)
    }
    fn cell_of(&self, lon: f64, lat: f64) -> (i64, i64) {
        (
            ((lat - EXTENT[1]) / self.dlat).floor() as i64,
            ((lon - EXTENT[0]) / self.dlon).floor() as i64,
        )
    }
    fn inside(&self, r: i64, c: i64) -> bool {
        r >= 0 && c >= 0 && r + 1 < self.rows && c + 1 < self.cols
    }
}

/// splitmix64's finaliser: a hash for per-vertex jitter and timestamps.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A grid edge: (0 = along a row, row, column) or (1 = along a column, column, row),
/// so that the edges of one line are consecutive in order.
type EdgeKey = (u8, i64, i64);

/// The road plan: which grid edges are roads, which vertices they use, the
/// land lattice cells and the towns (a centroid's grid cell).
struct Plan {
    grid: Grid,
    edges: BTreeMap<EdgeKey, Class>,
    vertices: BTreeSet<u64>,
    land: BTreeSet<(i64, i64)>,
    towns: Vec<(i64, i64)>,
}

fn read_centroids(path: &str, max_lat: f64) -> Result<Vec<(f64, f64)>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let mut f = line.split(',');
        let (x, y) = (f.next().unwrap_or(""), f.next().unwrap_or(""));
        // England's areas only (the file has Wales's too): codes E01...
        if !f.nth(1).is_some_and(|code| code.starts_with('E')) {
            continue;
        }
        let lon: f64 = x
            .trim()
            .parse()
            .with_context(|| format!("{path} line {}: X {x:?} is not a number", i + 1))?;
        let lat: f64 = y
            .trim()
            .parse()
            .with_context(|| format!("{path} line {}: Y {y:?} is not a number", i + 1))?;
        if lat <= max_lat {
            out.push((lon, lat));
        }
    }
    if out.is_empty() {
        bail!("{path}: no centroid at or south of latitude {max_lat}");
    }
    Ok(out)
}

impl Plan {
    fn new(centroids: &[(f64, f64)]) -> Plan {
        let grid = Grid::new();
        let mut plan = Plan {
            grid,
            edges: BTreeMap::new(),
            vertices: BTreeSet::new(),
            land: BTreeSet::new(),
            towns: Vec::new(),
        };
        for &(lon, lat) in centroids {
            let (r, c) = plan.grid.cell_of(lon, lat);
            if plan.grid.inside(r, c) {
                plan.towns.push((r, c));
            }
        }
        plan.mark_land();
        plan.mark_lattice();
        let towns = plan.towns.clone();
        for &(r, c) in &towns {
            plan.mark_town(r, c);
        }
        for &(dir, line, pos) in plan.edges.keys() {
            let (r, c) = if dir == 0 { (line, pos) } else { (pos, line) };
            let (r2, c2) = if dir == 0 { (r, c + 1) } else { (r + 1, c) };
            plan.vertices.insert(plan.grid.vertex_id(r, c));
            plan.vertices.insert(plan.grid.vertex_id(r2, c2));
        }
        plan
    }

    fn mark_land(&mut self) {
        let (lr, lc) = (self.grid.rows / LATTICE, self.grid.cols / LATTICE);
        for &(r, c) in &self.towns {
            let (tr, tc) = (r / LATTICE, c / LATTICE);
            for dr in -LAND_RADIUS..=LAND_RADIUS {
                for dc in -LAND_RADIUS..=LAND_RADIUS {
                    let (a, b) = (tr + dr, tc + dc);
                    if dr * dr + dc * dc <= LAND_RADIUS * LAND_RADIUS
                        && a >= 0
                        && b >= 0
                        && a < lr
                        && b < lc
                    {
                        self.land.insert((a, b));
                    }
                }
            }
        }
    }

    /// The four sides of every land lattice cell, each side seven grid edges.
    fn mark_lattice(&mut self) {
        let land: Vec<(i64, i64)> = self.land.iter().copied().collect();
        for (a, b) in land {
            let (r0, c0) = (a * LATTICE, b * LATTICE);
            for k in 0..LATTICE {
                for (line, i) in [(r0, a), (r0 + LATTICE, a + 1)] {
                    self.edges
                        .insert((0, line, c0 + k), Class::of_lattice_line(i));
                }
                for (line, i) in [(c0, b), (c0 + LATTICE, b + 1)] {
                    self.edges
                        .insert((1, line, r0 + k), Class::of_lattice_line(i + 5));
                }
            }
        }
    }

    /// Residential streets on the cells within 1.5 cells of (r, c), some
    /// missing, and a road along row r to the nearest lattice column.
    fn mark_town(&mut self, r: i64, c: i64) {
        for dr in -2..=1 {
            for dc in -2..=1 {
                let (cr, cc) = (r + dr, c + dc);
                let d2 = (2 * dr + 1) * (2 * dr + 1) + (2 * dc + 1) * (2 * dc + 1);
                if d2 > 10 || !self.grid.inside(cr + 1, cc + 1) {
                    continue;
                }
                for key in [(0, cr, cc), (0, cr + 1, cc), (1, cc, cr), (1, cc + 1, cr)] {
                    let h = mix((key.0 as u64) << 60 ^ (key.1 as u64) << 30 ^ key.2 as u64);
                    if h % 100 >= 12 {
                        self.edges.entry(key).or_insert(Class::Residential);
                    }
                }
            }
        }
        let target = (c + LATTICE / 2).div_euclid(LATTICE) * LATTICE;
        for cc in c.min(target)..c.max(target) {
            self.edges.entry((0, r, cc)).or_insert(Class::Unclassified);
        }
    }
}

/// Which objects a pass writes; every pass runs the same generator so ids agree.
#[derive(Clone, Copy, PartialEq)]
enum Pass {
    Nodes,
    Ways,
    Relations,
}

/// The OPL writer: hands out ids and writes only what its pass writes.
struct Sink<W: Write> {
    out: W,
    pass: Pass,
    next_node: u64,
    next_way: u64,
    next_relation: u64,
    car_ways: u64,
    buf: String,
}

impl<W: Write> Sink<W> {
    /// Version and timestamp from the id, like an extract's metadata.
    fn meta(id: u64) -> String {
        let h = mix(id);
        let day = h % 5000; // 2009-01-01 + up to ~13.7 years
        let (y, d) = (2009 + day / 365, day % 365);
        format!(
            "v{} t{}-{:02}-{:02}T{:02}:{:02}:00Z",
            1 + (h >> 20) % 9,
            y,
            1 + d / 31 % 12,
            1 + d % 28,
            (h >> 32) % 24,
            (h >> 40) % 60
        )
    }

    fn node(&mut self, (lon, lat): (f64, f64), tags: &str) -> Result<u64> {
        let id = self.next_node;
        self.next_node += 1;
        if self.pass == Pass::Nodes {
            self.write_node(id, (lon, lat), tags)?;
        }
        Ok(id)
    }

    fn write_node(&mut self, id: u64, (lon, lat): (f64, f64), tags: &str) -> Result<()> {
        writeln!(
            self.out,
            "n{id} {} T{tags} x{lon:.7} y{lat:.7}",
            Self::meta(id)
        )?;
        Ok(())
    }

    fn way(&mut self, tags: &str, nodes: &[u64]) -> Result<u64> {
        let id = self.next_way;
        self.next_way += 1;
        if self.pass == Pass::Ways {
            self.buf.clear();
            for (i, n) in nodes.iter().enumerate() {
                if i > 0 {
                    self.buf.push(',');
                }
                self.buf.push('n');
                self.buf.push_str(&n.to_string());
            }
            writeln!(self.out, "w{id} {} T{tags} N{}", Self::meta(id), self.buf)?;
        }
        Ok(id)
    }

    fn relation(&mut self, tags: &str, outer: u64) -> Result<()> {
        let id = self.next_relation;
        self.next_relation += 1;
        if self.pass == Pass::Relations {
            writeln!(self.out, "r{id} {} T{tags} Mw{outer}@outer", Self::meta(id))?;
        }
        Ok(())
    }
}

/// One pass of the generator over the plan.
struct Gen<'a, W: Write> {
    plan: &'a Plan,
    sink: Sink<W>,
    rng: Rng,
}

impl<W: Write> Gen<'_, W> {
    fn run(&mut self) -> Result<()> {
        if self.sink.pass == Pass::Nodes {
            let grid = &self.plan.grid;
            for &id in &self.plan.vertices {
                let idx = id as i64 - 1;
                let pos = grid.vertex_pos(idx / grid.cols, idx % grid.cols);
                self.sink.write_node(id, pos, "")?;
            }
        }
        self.roads()?;
        self.motorways()?;
        for i in 0..self.plan.towns.len() {
            self.town_content(self.plan.towns[i])?;
        }
        let land: Vec<(i64, i64)> = self.plan.land.iter().copied().collect();
        for cell in land {
            self.land_content(cell)?;
        }
        Ok(())
    }

    /// The grid's roads: runs of same-class edges along a line, cut into
    /// ways of 1–6 edges.
    fn roads(&mut self) -> Result<()> {
        let edges: Vec<(EdgeKey, Class)> = self.plan.edges.iter().map(|(k, v)| (*k, *v)).collect();
        let mut i = 0;
        while i < edges.len() {
            let take = 1 + self.rng.below(6);
            let mut j = i + 1;
            while j < edges.len() && j - i < take {
                let ((d0, l0, p0), c0) = edges[j - 1];
                let ((d1, l1, p1), c1) = edges[j];
                if d0 != d1 || l0 != l1 || p1 != p0 + 1 || c0 != c1 {
                    break;
                }
                j += 1;
            }
            self.road_way(&edges[i..j])?;
            i = j;
        }
        Ok(())
    }

    fn road_way(&mut self, edges: &[(EdgeKey, Class)]) -> Result<()> {
        let grid = &self.plan.grid;
        let class = edges[0].1;
        let (dir, line, _) = edges[0].0;
        let at = |p: i64| if dir == 0 { (line, p) } else { (p, line) };
        let mut nodes = Vec::new();
        let mut shapes = Vec::new();
        for (k, &((_, _, p), _)) in edges.iter().enumerate() {
            let (r, c) = at(p);
            nodes.push(grid.vertex_id(r, c));
            let (r2, c2) = at(p + 1);
            let (a, b) = (grid.vertex_pos(r, c), grid.vertex_pos(r2, c2));
            let n = class.shape_nodes();
            for s in 1..=n {
                let t = s as f64 / (n + 1) as f64;
                let w = self.rng.range(-0.00008, 0.00008);
                let pos = (a.0 + (b.0 - a.0) * t + w, a.1 + (b.1 - a.1) * t - w);
                let id = self.sink.node(pos, "")?;
                nodes.push(id);
                shapes.push((id, pos));
            }
            if k + 1 == edges.len() {
                nodes.push(grid.vertex_id(r2, c2));
            }
        }
        let mut tags = format!("highway={}", class.tag());
        if class == Class::Residential && line % 6 == 0 {
            tags.push_str(",oneway=yes");
        }
        if self.rng.below(100) < 25 {
            tags.push_str(",maxspeed=");
            tags.push_str(class.maxspeed());
        }
        self.sink.way(&tags, &nodes)?;
        self.sink.car_ways += 1;
        for (id, pos) in shapes {
            self.spur(id, pos, dir)?;
        }
        Ok(())
    }

    /// Off a shape node, sometimes: a service road, a private drive or a footway.
    fn spur(&mut self, from: u64, (lon, lat): (f64, f64), dir: u8) -> Result<()> {
        let roll = self.rng.below(100);
        if roll >= 26 {
            return Ok(());
        }
        let tags = match roll {
            0..=2 => "highway=service,access=private",
            3..=6 => "highway=footway",
            7..=9 => "highway=track",
            10..=14 => "highway=service,service=driveway",
            _ => "highway=service",
        };
        let side = if self.rng.below(2) == 0 { 1.0 } else { -1.0 };
        let len = 1 + self.rng.below(3);
        let step = side * self.rng.range(0.0003, 0.0006);
        let mut nodes = vec![from];
        for k in 1..=len {
            let d = step * k as f64;
            let w = self.rng.range(-0.0001, 0.0001);
            let pos = if dir == 0 {
                (lon + w, lat + d)
            } else {
                (lon + d, lat + w)
            };
            nodes.push(self.sink.node(pos, "")?);
        }
        self.sink.way(tags, &nodes)?;
        if tags.starts_with("highway=service") && !tags.contains("private") {
            self.sink.car_ways += 1;
        }
        Ok(())
    }

    /// Motorways along every 45th lattice row and column: two one-way
    /// carriageways beside the lattice line (own nodes, so roads crossing
    /// them pass over), one way per lattice cell, slip roads every 10 km.
    fn motorways(&mut self) -> Result<()> {
        let land: Vec<(i64, i64)> = self.plan.land.iter().copied().collect();
        for dir in [0u8, 1] {
            let mut cells: Vec<(i64, i64)> = land
                .iter()
                .map(|&(a, b)| if dir == 0 { (a, b) } else { (b, a) })
                .filter(|&(line, _)| line % MOTORWAY_EVERY == MOTORWAY_EVERY / 2)
                .collect();
            cells.sort_unstable();
            let mut prev: Option<(i64, i64, [u64; 2])> = None;
            for (line, pos) in cells {
                let join = match prev {
                    Some((l, p, ends)) if l == line && p + 1 == pos => Some(ends),
                    _ => None,
                };
                let ends = self.motorway_cell(dir, line, pos, join)?;
                prev = Some((line, pos, ends));
            }
        }
        Ok(())
    }

    /// One lattice cell's length of both carriageways, starting from `join`
    /// (the previous cell's end nodes) when there is one; returns its end nodes.
    fn motorway_cell(
        &mut self,
        dir: u8,
        line: i64,
        pos: i64,
        join: Option<[u64; 2]>,
    ) -> Result<[u64; 2]> {
        let grid = &self.plan.grid;
        let across = (line * LATTICE) as f64;
        let at = |a: f64, along: f64| {
            if dir == 0 {
                grid.pos(a, along)
            } else {
                grid.pos(along, a)
            }
        };
        let vertex = if dir == 0 {
            grid.vertex_id(line * LATTICE, pos * LATTICE)
        } else {
            grid.vertex_id(pos * LATTICE, line * LATTICE)
        };
        let mut ends = [0; 2];
        for (side, offset) in [(0, 0.4), (1, 0.6)] {
            let mut nodes = Vec::new();
            for k in 0..=2 * LATTICE {
                let along = (pos * LATTICE) as f64 + k as f64 * 0.5;
                let id = match join {
                    Some(j) if k == 0 => j[side],
                    _ => self.sink.node(at(across + offset, along), "")?,
                };
                nodes.push(id);
            }
            ends[side] = nodes[nodes.len() - 1];
            if side == 1 {
                nodes.reverse();
            }
            self.sink
                .way("highway=motorway,oneway=yes,maxspeed=70%20%mph", &nodes)?;
            self.sink.car_ways += 1;
            if pos % MOTORWAY_JUNCTION_EVERY == 0 {
                // Slip roads between the lattice vertex beside the way's start and the carriageway.
                let off = self
                    .sink
                    .node(at(across + offset * 0.5, (pos * LATTICE) as f64 + 0.3), "")?;
                // The nodes half and one cell along the carriageway from the cell's start.
                let n = nodes.len();
                let (on, from) = if side == 0 {
                    (nodes[1], nodes[2])
                } else {
                    (nodes[n - 2], nodes[n - 3])
                };
                self.sink
                    .way("highway=motorway_link,oneway=yes", &[vertex, off, on])?;
                self.sink.car_ways += 1;
                let back = self
                    .sink
                    .node(at(across + offset * 0.5, (pos * LATTICE) as f64 + 0.6), "")?;
                self.sink
                    .way("highway=motorway_link,oneway=yes", &[from, back, vertex])?;
                self.sink.car_ways += 1;
            }
        }
        Ok(ends)
    }
}

/// The non-road objects: buildings, points, footways, landuse, paths, streams.
impl<W: Write> Gen<'_, W> {
    /// A closed way of `n` corners around `centre`, radius `rad` degrees of latitude.
    fn ring(&mut self, centre: (f64, f64), rad: f64, n: usize, tags: &str) -> Result<u64> {
        let mut nodes = Vec::with_capacity(n + 1);
        let (ux, uy) = self.rng.direction();
        for k in 0..n {
            // Corners on a circle: rotate (ux, uy) by k/n of a turn (recurrence, no trig per corner).
            let a = std::f64::consts::TAU * k as f64 / n as f64;
            let (s, c) = a.sin_cos();
            let (x, y) = (ux * c - uy * s, ux * s + uy * c);
            let r = rad * self.rng.range(0.8, 1.2);
            nodes.push(
                self.sink
                    .node((centre.0 + x * r * 1.64, centre.1 + y * r), "")?,
            );
        }
        nodes.push(nodes[0]);
        self.sink.way(tags, &nodes)
    }

    /// An open line of `n` nodes wandering from `start`.
    fn line(&mut self, start: (f64, f64), step: f64, n: usize, tags: &str) -> Result<()> {
        let (mut x, mut y) = start;
        let (mut dx, mut dy) = self.rng.direction();
        let mut nodes = Vec::with_capacity(n);
        for _ in 0..n {
            nodes.push(self.sink.node((x, y), "")?);
            let (tx, ty) = self.rng.direction();
            (dx, dy) = (0.8 * dx + 0.2 * tx, 0.8 * dy + 0.2 * ty);
            (x, y) = (x + dx * step * 1.64, y + dy * step);
        }
        self.sink.way(tags, &nodes)?;
        Ok(())
    }

    /// A random point within `cells` grid cells of cell (r, c)'s centre.
    fn near(&mut self, (r, c): (i64, i64), cells: f64) -> (f64, f64) {
        let dr = self.rng.range(-cells, cells);
        let dc = self.rng.range(-cells, cells);
        self.plan.grid.pos(r as f64 + 0.5 + dr, c as f64 + 0.5 + dc)
    }

    fn town_content(&mut self, cell: (i64, i64)) -> Result<()> {
        const BUILDINGS: [&str; 6] = [
            "building=yes",
            "building=house",
            "building=yes",
            "building=residential",
            "building=detached",
            "building=garage",
        ];
        const POINTS: [&str; 6] = [
            "highway=street_lamp",
            "amenity=bench",
            "natural=tree",
            "amenity=post_box",
            "barrier=gate",
            "shop=convenience,name=Corner%20%Shop",
        ];
        const FENCES: [&str; 3] = ["barrier=fence", "barrier=wall", "barrier=hedge"];
        for _ in 0..520 {
            let p = self.near(cell, 1.8);
            let n = 4 + self.rng.below(4);
            let tags = BUILDINGS[self.rng.below(BUILDINGS.len())];
            let rad = self.rng.range(0.00005, 0.00012);
            self.ring(p, rad, n, tags)?;
        }
        for _ in 0..150 {
            let p = self.near(cell, 1.8);
            let tags = POINTS[self.rng.below(POINTS.len())];
            self.sink.node(p, tags)?;
        }
        for _ in 0..30 {
            let p = self.near(cell, 1.8);
            let tags = FENCES[self.rng.below(FENCES.len())];
            let n = 2 + self.rng.below(5);
            self.line(p, 0.0001, n, tags)?;
        }
        for _ in 0..12 {
            let p = self.near(cell, 1.8);
            let tags = if self.rng.below(4) == 0 {
                "highway=cycleway"
            } else {
                "highway=footway"
            };
            let n = 2 + self.rng.below(8);
            self.line(p, 0.0002, n, tags)?;
        }
        Ok(())
    }

    fn land_content(&mut self, (a, b): (i64, i64)) -> Result<()> {
        const LANDUSE: [&str; 6] = [
            "landuse=farmland",
            "landuse=meadow",
            "natural=wood",
            "landuse=grass",
            "landuse=farmland",
            "natural=water",
        ];
        const PATHS: [&str; 4] = [
            "highway=track",
            "highway=path",
            "highway=footway",
            "highway=bridleway",
        ];
        const FIELD_POINTS: [&str; 5] = [
            "natural=tree",
            "barrier=gate",
            "power=pole",
            "barrier=stile",
            "place=locality,name=Field%20%End",
        ];
        let centre = (a * LATTICE + LATTICE / 2, b * LATTICE + LATTICE / 2);
        let half = LATTICE as f64 / 2.0;
        for _ in 0..26 {
            let p = self.near(centre, half);
            let tags = LANDUSE[self.rng.below(LANDUSE.len())];
            let rad = self.rng.range(0.0008, 0.002);
            let n = 10 + self.rng.below(30);
            let way = self.ring(p, rad, n, tags)?;
            if way % 6 == 0 {
                self.sink
                    .relation("type=multipolygon,landuse=farmland", way)?;
            }
        }
        for _ in 0..6 {
            let p = self.near(centre, half);
            let n = 4 + self.rng.below(12);
            let tags = PATHS[self.rng.below(PATHS.len())];
            self.line(p, 0.0004, n, tags)?;
        }
        for _ in 0..8 {
            let p = self.near(centre, half);
            let n = 10 + self.rng.below(11);
            self.line(p, 0.0006, n, "waterway=stream")?;
        }
        for _ in 0..12 {
            let p = self.near(centre, half);
            let n = 5 + self.rng.below(8);
            self.line(p, 0.0003, n, "barrier=hedge")?;
        }
        for _ in 0..40 {
            let p = self.near(centre, half);
            let tags = FIELD_POINTS[self.rng.below(FIELD_POINTS.len())];
            self.sink.node(p, tags)?;
        }
        for _ in 0..5 {
            let p = self.near(centre, half);
            let n = 4 + self.rng.below(4);
            self.ring(p, 0.0001, n, "building=farm_auxiliary")?;
        }
        Ok(())
    }
}

fn main() {
    if let Err(e) = run() {
        eprintln!("synth_osm: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        bail!("usage: synth_osm CENTROIDS_CSV MAX_LAT [SEED]");
    }
    let max_lat: f64 = args[2]
        .parse()
        .with_context(|| format!("MAX_LAT {:?} is not a number", args[2]))?;
    let seed: u64 = match args.get(3) {
        Some(s) => s
            .parse()
            .with_context(|| format!("SEED {s:?} is not a whole number"))?,
        None => 2026,
    };
    let centroids = read_centroids(&args[1], max_lat)?;
    let plan = Plan::new(&centroids);
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    let mut counts = (0, 0, 0, 0);
    for pass in [Pass::Nodes, Pass::Ways, Pass::Relations] {
        let sink = Sink {
            out: &mut out,
            pass,
            next_node: FREE_NODE_ID,
            next_way: 1,
            next_relation: 1,
            car_ways: 0,
            buf: String::new(),
        };
        let mut g = Gen {
            plan: &plan,
            sink,
            rng: Rng::stream(seed, "synth_osm"),
        };
        g.run()?;
        counts = (
            plan.vertices.len() as u64 + g.sink.next_node - FREE_NODE_ID,
            g.sink.next_way - 1,
            g.sink.next_relation - 1,
            g.sink.car_ways,
        );
    }
    out.flush()?;
    eprintln!(
        "synth_osm: {} centroids, {} land cells of 1.4 km: {} nodes, {} ways ({} car), {} relations",
        plan.towns.len(),
        plan.land.len(),
        counts.0,
        counts.1,
        counts.3,
        counts.2
    );
    Ok(())
}
