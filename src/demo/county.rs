//! The geography of Demoshire: a jittered lattice of areas, the PCNs and
//! their practices, populations and registrations. Everything here is in
//! British National Grid metres; WGS84 appears only as the rounded copies
//! written to the files (made once per point, reused by every feature that
//! uses the point).
//!
//! Layout: 12 × 10 blocks of 4 km (48 km × 40 km) from E 436000, N 296000.
//! A block is one countryside or upland area (4 km square), four fringe or
//! market-town areas (2 km) or sixteen town areas (1 km). Every area is a
//! union of 500 m lattice cells, and every ring lists *every* lattice vertex
//! along its sides, so where a big area meets two small ones the T-junction
//! vertex is in both rings and neighbours share identical vertices.

use anyhow::Context;
use geo::Coord;

use crate::coords::bng_to_wgs84;
use crate::rng::SplitMix64;

/// Lattice spacing.
pub(crate) const CELL_M: f64 = 500.0;
/// Lattice cells per block side (4 km).
pub(crate) const BLOCK_CELLS: usize = 8;
pub(crate) const BLOCKS_X: usize = 12;
pub(crate) const BLOCKS_Y: usize = 10;
pub(crate) const CELLS_X: usize = BLOCKS_X * BLOCK_CELLS;
pub(crate) const CELLS_Y: usize = BLOCKS_Y * BLOCK_CELLS;
/// South-west corner of the county (BNG metres).
pub(crate) const ORIGIN_E: f64 = 436_000.0;
pub(crate) const ORIGIN_N: f64 = 296_000.0;
/// Lattice vertices move by up to this much in each axis. Less than a sixth
/// of the spacing, so rings stay simple and areas that do not touch stay at
/// least 350 m apart (no accidental adjacency under any snap tolerance).
const JITTER_M: f64 = 75.0;

/// Which PCN each block belongs to, top row (northernmost, y = 9) first.
/// U upland dales, N Northfield, W Westmoor, E Eastwold, S Marlbury
/// villages, T Southbrook, D Demchester town (split between Central and
/// North by [`demchester_pcn`]), M Marlbury town.
pub(crate) const REGION_MAP: [&str; BLOCKS_Y] = [
    "UUUUUUNNNNNN",
    "UUUUUUNNNNNN",
    "UUWWWWNNNNNN",
    "UUWWWWDDEEEE",
    "UUWWWWDDEEEE",
    "WWWWWWWEEEEE",
    "SSSSSSTTEEEE",
    "SSSMMSTTTTTT",
    "SSSSSSTTTTTT",
    "SSSSSSTTTTTT",
];

/// Block kinds, top row first: u upland (one 4 km area, sparse), c
/// countryside (one 4 km area), f town fringe and k market town (four 2 km
/// areas), t town (sixteen 1 km areas).
const KIND_MAP: [&str; BLOCKS_Y] = [
    "uuuuuucccccc",
    "uuuuuuccckcc",
    "uuccccffcccc",
    "uucccfttfccc",
    "uucccfttfccc",
    "ccccccffcccc",
    "cccffccccccc",
    "ccfttfcccccc",
    "cccffcccckcc",
    "cccccccccccc",
];

/// PCN indices (codes U00001.. in this order).
pub(crate) const DEM_CENTRAL: usize = 0;
pub(crate) const DEM_NORTH: usize = 1;
pub(crate) const MARLBURY_TOWN: usize = 2;
pub(crate) const NORTHFIELD: usize = 3;
pub(crate) const WESTMOOR: usize = 4;
pub(crate) const EASTWOLD: usize = 5;
pub(crate) const MARLBURY_VILLAGES: usize = 6;
pub(crate) const SOUTHBROOK: usize = 7;
pub(crate) const UPLAND: usize = 8;

/// (name, resident population of the PCN's region). The region of Westmoor
/// includes the planted unassigned area; Demchester Central's is above the
/// band, Upland Dales' below it, all others well inside 30,000–50,000.
const PCNS: [(&str, u64); 9] = [
    ("DEMCHESTER CENTRAL PCN", 57_800),
    ("DEMCHESTER NORTH PCN", 39_500),
    ("MARLBURY TOWN PCN", 41_200),
    ("NORTHFIELD PCN", 38_600),
    ("WESTMOOR PCN", 37_900),
    ("EASTWOLD PCN", 40_300),
    ("MARLBURY VILLAGES PCN", 39_100),
    ("SOUTHBROOK PCN", 36_800),
    ("UPLAND DALES PCN", 18_400),
];

/// Local authority districts: (code, name).
pub(crate) const LADS: [(&str, &str); 3] = [
    ("E06900001", "Demchester"),
    ("E06900002", "Marlbury"),
    ("E06900003", "High Dales"),
];

/// The planted unassigned area: the countryside block at (3, 4), in
/// Westmoor's region on its border with Marlbury Villages. Removing it
/// leaves Westmoor connected (rook and queen) through (2,4)–(2,5) and
/// (4,4)–(4,5).
pub(crate) const UNASSIGNED_BLOCK: (usize, usize) = (3, 4);

/// Share of an area's residents registered at the nearest practice of a
/// neighbouring PCN, when the area borders one.
const CROSS_BORDER_SHARE: f64 = 0.06;
/// Share of an area's residents registered at a practice of another PCN
/// that stands inside the area (the planted outside practice).
const HOSTED_PRACTICE_SHARE: f64 = 0.30;

/// Kind of block or area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Upland,
    Country,
    Fringe,
    Market,
    Town,
}

impl Kind {
    fn from_char(c: char) -> Kind {
        match c {
            'u' => Kind::Upland,
            'f' => Kind::Fringe,
            'k' => Kind::Market,
            't' => Kind::Town,
            _ => Kind::Country,
        }
    }
    /// Side of one area of this kind, in lattice cells.
    pub(crate) fn side_cells(self) -> usize {
        match self {
            Kind::Upland | Kind::Country => 8,
            Kind::Fringe | Kind::Market => 4,
            Kind::Town => 2,
        }
    }
    /// Relative residents per area (before a ±20% random factor).
    fn weight(self) -> f64 {
        match self {
            Kind::Country => 1.35,
            Kind::Market => 1.15,
            Kind::Upland | Kind::Fringe | Kind::Town => 1.0,
        }
    }
}

/// The jittered lattice: positions in BNG and their WGS84 copies rounded to
/// 7 decimals (~1 cm) once.
pub(crate) struct Lattice {
    pub bng: Vec<Coord<f64>>,
    pub wgs: Vec<[f64; 2]>,
}

pub(crate) fn vid(i: usize, j: usize) -> usize {
    j * (CELLS_X + 1) + i
}

/// Round to `places` decimals. `k / 10^places` is the double nearest the
/// decimal, so it prints with at most `places` decimals.
pub(crate) fn round_to(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

/// WGS84 (lon, lat) of a BNG point, rounded to `places` decimals.
pub(crate) fn to_wgs(p: Coord<f64>, places: i32) -> [f64; 2] {
    let (lon, lat) = bng_to_wgs84(p);
    [round_to(lon, places), round_to(lat, places)]
}

/// One small area (LSOA-like).
pub(crate) struct AreaSpec {
    pub code: String,
    pub name: String,
    pub lad: usize,
    pub block: (usize, usize),
    pub sub: (usize, usize),
    pub kind: Kind,
    pub ruc: &'static str,
    /// PCN whose region the area is in: its footprint PCN, except the
    /// unassigned area (which is in no footprint).
    pub pcn: usize,
    /// Closed ring of lattice vertex ids, counter-clockwise.
    pub ring: Vec<usize>,
    /// Population-weighted centroid (BNG) and its rounded WGS84 copy.
    pub centroid: Coord<f64>,
    pub centroid_wgs: [f64; 2],
    /// The village/street node where the area's roads meet.
    pub road_node: Coord<f64>,
    pub road_node_wgs: [f64; 2],
    pub population: u64,
    /// Name of the settlement, for road names.
    pub village: String,
}

/// One GP practice.
pub(crate) struct PracticeSpec {
    pub code: String,
    pub name: String,
    pub pcn: usize,
    pub area: usize,
    pub location: Coord<f64>,
    /// Rounded to 6 decimals, as written.
    pub wgs: [f64; 2],
    pub postcode: String,
}

pub(crate) struct PcnSpec {
    pub code: String,
    pub name: String,
}

/// Patients registered at `practice` who live in `area`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Reg {
    pub practice: usize,
    pub area: usize,
    pub patients: u64,
}

pub(crate) struct County {
    pub lattice: Lattice,
    pub areas: Vec<AreaSpec>,
    pub pcns: Vec<PcnSpec>,
    pub practices: Vec<PracticeSpec>,
    pub registrations: Vec<Reg>,
    /// Area index owning each lattice cell (`cj * CELLS_X + ci`).
    pub cell_owner: Vec<usize>,
    /// The planted problems, by index.
    pub unassigned_area: usize,
    pub outside_practice: usize,
}

impl County {
    /// Index of the area of `block` at sub-position `sub`.
    pub(crate) fn area_at(&self, block: (usize, usize), sub: (usize, usize)) -> Option<usize> {
        self.areas
            .iter()
            .position(|a| a.block == block && a.sub == sub)
    }

    /// PCN each area is assigned to in footprints.csv.
    pub(crate) fn footprint(&self, area: usize) -> Option<usize> {
        (area != self.unassigned_area).then(|| self.areas[area].pcn)
    }

    /// Pairs of areas (a < b) that share at least one lattice vertex (queen).
    pub(crate) fn queen_pairs(&self) -> Vec<(usize, usize)> {
        let mut pairs = Vec::new();
        for j in 0..=CELLS_Y {
            for i in 0..=CELLS_X {
                let mut owners: Vec<usize> = Vec::with_capacity(4);
                for (di, dj) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                    if i >= di && j >= dj && i - di < CELLS_X && j - dj < CELLS_Y {
                        owners.push(self.cell_owner[(j - dj) * CELLS_X + (i - di)]);
                    }
                }
                owners.sort_unstable();
                owners.dedup();
                for x in 0..owners.len() {
                    for y in x + 1..owners.len() {
                        pairs.push((owners[x], owners[y]));
                    }
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }

    /// Pairs of areas (a < b) sharing a boundary run, with the lattice
    /// vertex in the middle of the run (where a road crosses).
    pub(crate) fn rook_pairs(&self) -> Vec<(usize, usize, usize)> {
        use std::collections::BTreeMap;
        let mut runs: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
        // Vertical unit edges: between cells (i-1, j) and (i, j).
        for j in 0..CELLS_Y {
            for i in 1..CELLS_X {
                let a = self.cell_owner[j * CELLS_X + i - 1];
                let b = self.cell_owner[j * CELLS_X + i];
                if a != b {
                    let e = runs.entry((a.min(b), a.max(b))).or_default();
                    e.push(vid(i, j));
                    e.push(vid(i, j + 1));
                }
            }
        }
        // Horizontal unit edges: between cells (i, j-1) and (i, j).
        for j in 1..CELLS_Y {
            for i in 0..CELLS_X {
                let a = self.cell_owner[(j - 1) * CELLS_X + i];
                let b = self.cell_owner[j * CELLS_X + i];
                if a != b {
                    let e = runs.entry((a.min(b), a.max(b))).or_default();
                    e.push(vid(i, j));
                    e.push(vid(i + 1, j));
                }
            }
        }
        runs.into_iter()
            .map(|((a, b), mut vs)| {
                // Runs lie on one lattice line, so vertex ids sort along it.
                vs.sort_unstable();
                vs.dedup();
                (a, b, vs[vs.len() / 2])
            })
            .collect()
    }
}

fn region_char(bx: usize, by: usize) -> char {
    REGION_MAP[BLOCKS_Y - 1 - by]
        .as_bytes()
        .get(bx)
        .map_or('c', |&b| b as char)
}

fn kind_at(bx: usize, by: usize) -> Kind {
    Kind::from_char(
        KIND_MAP[BLOCKS_Y - 1 - by]
            .as_bytes()
            .get(bx)
            .map_or('c', |&b| b as char),
    )
}

/// Demchester town is 8 × 8 areas of 1 km at blocks (6..=7, 5..=6); local
/// (u, v) counts areas from its south-west corner. Demchester North holds
/// the top three rows and, as the planted exclave, (1,1) and (2,1): those two
/// are ringed by Central's areas, at least two rows (2 km) from North's main
/// part, so they touch it neither along a side nor at a corner.
fn demchester_pcn(u: usize, v: usize) -> usize {
    if v >= 5 || (v == 1 && (u == 1 || u == 2)) {
        DEM_NORTH
    } else {
        DEM_CENTRAL
    }
}

fn pcn_of(bx: usize, by: usize, sub: (usize, usize)) -> usize {
    match region_char(bx, by) {
        'D' => demchester_pcn((bx - 6) * 4 + sub.0, (by - 5) * 4 + sub.1),
        'M' => MARLBURY_TOWN,
        'N' => NORTHFIELD,
        'W' => WESTMOOR,
        'E' => EASTWOLD,
        'S' => MARLBURY_VILLAGES,
        'T' => SOUTHBROOK,
        _ => UPLAND,
    }
}

fn lad_of(bx: usize, by: usize) -> usize {
    match region_char(bx, by) {
        'D' | 'N' | 'E' => 0,
        'M' | 'S' | 'T' => 1,
        _ => 2,
    }
}

/// Block and sub-position of Demchester's local area (u, v).
fn dem(u: usize, v: usize) -> ((usize, usize), (usize, usize)) {
    ((6 + u / 4, 5 + v / 4), (u % 4, v % 4))
}

/// Block and sub-position of Marlbury's local area (u, v) (8 × 4 areas).
fn mar(u: usize, v: usize) -> ((usize, usize), (usize, usize)) {
    ((3 + u / 4, 2), (u % 4, v))
}

fn blk(bx: usize, by: usize, sx: usize, sy: usize) -> ((usize, usize), (usize, usize)) {
    ((bx, by), (sx, sy))
}

type Placement = (usize, ((usize, usize), (usize, usize)), &'static str);

/// Every practice: (PCN, where, name). Codes D80001.. in this order.
fn practice_table() -> Vec<Placement> {
    vec![
        (DEM_CENTRAL, dem(1, 3), "CASTLE STREET SURGERY"),
        (DEM_CENTRAL, dem(4, 3), "MARKET CROSS MEDICAL CENTRE"),
        (DEM_CENTRAL, dem(6, 4), "EASTGATE PRACTICE"),
        (DEM_CENTRAL, dem(3, 0), "SOUTHGATE HEALTH CENTRE"),
        (DEM_CENTRAL, dem(6, 1), "ST MARY'S SURGERY"),
        (DEM_CENTRAL, dem(0, 1), "WESTGATE SURGERY"),
        (DEM_NORTH, dem(1, 6), "NORTHGATE SURGERY"),
        (DEM_NORTH, dem(4, 7), "ABBEY FIELDS MEDICAL PRACTICE"),
        (DEM_NORTH, dem(6, 5), "PARK VIEW SURGERY"),
        // Planted: the practice in Demchester North's exclave.
        (DEM_NORTH, dem(2, 1), "BRIDGE END SURGERY"),
        (MARLBURY_TOWN, mar(1, 1), "MARLBURY HEALTH CENTRE"),
        (MARLBURY_TOWN, mar(3, 2), "CHURCH LANE SURGERY"),
        (MARLBURY_TOWN, mar(5, 1), "THE WELL HOUSE PRACTICE"),
        (MARLBURY_TOWN, mar(6, 3), "ORCHARD MEDICAL CENTRE"),
        (NORTHFIELD, blk(9, 8, 1, 0), "NORTHFIELD MEDICAL CENTRE"),
        (NORTHFIELD, blk(7, 7, 1, 1), "KNIGHTSTONE SURGERY"),
        (NORTHFIELD, blk(7, 9, 0, 0), "HARROWBY SURGERY"),
        (NORTHFIELD, blk(11, 8, 0, 0), "EASTHORPE SURGERY"),
        (WESTMOOR, blk(3, 6, 0, 0), "WESTMOOR SURGERY"),
        (WESTMOOR, blk(5, 5, 0, 1), "THORNLEY MEDICAL PRACTICE"),
        (WESTMOOR, blk(2, 4, 0, 0), "ASHCOTE SURGERY"),
        (EASTWOLD, blk(8, 6, 1, 0), "FENBY SURGERY"),
        (EASTWOLD, blk(9, 5, 0, 0), "EASTWOLD MEDICAL CENTRE"),
        (EASTWOLD, blk(10, 3, 0, 0), "LANGWORTH SURGERY"),
        // Planted: an Eastwold practice standing in Demchester Central's
        // footprint, on the east edge of the town.
        (EASTWOLD, dem(7, 2), "RIVERSIDE PRACTICE"),
        (MARLBURY_VILLAGES, blk(2, 2, 0, 1), "WESTLEY SURGERY"),
        (MARLBURY_VILLAGES, blk(5, 2, 1, 0), "BROOKFIELD SURGERY"),
        (
            MARLBURY_VILLAGES,
            blk(4, 1, 0, 0),
            "SOUTH MARLBURY PRACTICE",
        ),
        (MARLBURY_VILLAGES, blk(1, 0, 0, 0), "KIRKBY WOLD SURGERY"),
        (SOUTHBROOK, blk(9, 1, 0, 1), "SOUTHBROOK SURGERY"),
        (SOUTHBROOK, blk(9, 1, 1, 0), "SOUTHBROOK MEDICAL PRACTICE"),
        (SOUTHBROOK, blk(6, 2, 0, 0), "STANWELL SURGERY"),
        (SOUTHBROOK, blk(11, 0, 0, 0), "OXBY SURGERY"),
        (UPLAND, blk(1, 8, 0, 0), "UPPERDALE HEALTH CENTRE"),
        (UPLAND, blk(5, 9, 0, 0), "FELLSIDE SURGERY"),
        (UPLAND, blk(3, 9, 0, 0), "HIGH MOOR SURGERY"),
        (UPLAND, blk(0, 6, 0, 0), "COLDWELL SURGERY"),
        (UPLAND, blk(1, 5, 0, 0), "DALEHEAD SURGERY"),
    ]
}

/// Index of the planted practice outside its footprint in [`practice_table`].
const OUTSIDE_PRACTICE: usize = 24;
/// The upland town (RUC C2, urban in a sparse setting).
const UPLAND_TOWN_BLOCK: (usize, usize) = (1, 8);

const SYLLABLES_A: [&str; 24] = [
    "Ash", "Bar", "Cold", "Dun", "Elm", "Fen", "Gren", "Hol", "Kirk", "Lang", "Mar", "Nor", "Ock",
    "Pres", "Red", "Stan", "Thorn", "Ul", "Whit", "Wold", "Brom", "Cran", "Hart", "Sax",
];
const SYLLABLES_B: [&str; 12] = [
    "by", "ton", "ham", "ley", "thorpe", "field", "well", "worth", "stead", "cote", "ford", "wick",
];
const STREETS: [&str; 20] = [
    "Albion", "Balmoral", "Cedar", "Chapel", "Clarence", "Dale", "Elm", "Foundry", "George",
    "Hawthorn", "Kingsway", "Linden", "Mill", "Nelson", "Orchard", "Priory", "Queens", "Rectory",
    "Victoria", "Willow",
];

/// Apportion `total` in proportion to `weights` (largest remainder, ties
/// to the lower index), so the parts sum to `total` exactly.
pub(crate) fn apportion(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    if weights.is_empty() || sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut parts: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
    let given: u64 = parts.iter().sum();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let fa = exact[a] - exact[a].floor();
        let fb = exact[b] - exact[b].floor();
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    for &k in order.iter().take(total.saturating_sub(given) as usize) {
        parts[k] += 1;
    }
    parts
}

fn dist_m(a: Coord<f64>, b: Coord<f64>) -> f64 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

/// Build the county for `seed`: areas, practices, PCNs, residents and
/// their registrations.
pub(crate) fn build(seed: u64) -> anyhow::Result<County> {
    let lattice = build_lattice(seed);
    let table = practice_table();
    let (mut areas, cell_owner) = build_areas(seed, &table);
    let practices = build_practices(seed, &table, &areas)?;
    let pcns: Vec<PcnSpec> = PCNS
        .iter()
        .enumerate()
        .map(|(k, (name, _))| PcnSpec {
            code: format!("U{:05}", k + 1),
            name: (*name).to_string(),
        })
        .collect();

    set_populations(seed, &mut areas);
    let unassigned_area = areas
        .iter()
        .position(|a| a.block == UNASSIGNED_BLOCK)
        .context("no area in the unassigned block")?;
    let mut county = County {
        lattice,
        areas,
        pcns,
        practices,
        registrations: Vec::new(),
        cell_owner,
        unassigned_area,
        outside_practice: OUTSIDE_PRACTICE,
    };
    county.registrations = registrations(&county);
    Ok(county)
}

/// Areas, in block order (south to north, west to east), then sub-areas;
/// and the area owning each lattice cell.
fn build_areas(seed: u64, table: &[Placement]) -> (Vec<AreaSpec>, Vec<usize>) {
    let mut rng = SplitMix64::stream(seed, "areas");
    let mut areas: Vec<AreaSpec> = Vec::new();
    let mut cell_owner = vec![usize::MAX; CELLS_X * CELLS_Y];
    let mut msoa_counter = [0usize; 3];
    let mut names = NameMaker::new(seed);
    for by in 0..BLOCKS_Y {
        for bx in 0..BLOCKS_X {
            let kind = kind_at(bx, by);
            let side = kind.side_cells();
            let per = BLOCK_CELLS / side;
            let lad = lad_of(bx, by);
            msoa_counter[lad] += 1;
            let mut letter = 0u8;
            for sy in 0..per {
                for sx in 0..per {
                    let cell0 = (bx * BLOCK_CELLS + sx * side, by * BLOCK_CELLS + sy * side);
                    let practice_here = table
                        .iter()
                        .any(|(_, (b, s), _)| *b == (bx, by) && *s == (sx, sy));
                    let ruc = ruc_of(kind, (bx, by), practice_here);
                    let idx = areas.len();
                    for cj in cell0.1..cell0.1 + side {
                        for ci in cell0.0..cell0.0 + side {
                            cell_owner[cj * CELLS_X + ci] = idx;
                        }
                    }
                    let ring = ring_of(cell0, side);
                    let (centroid, road_node) = place_centroid(&mut rng, kind, cell0, side);
                    let lad_name = LADS[lad].1;
                    let name = format!(
                        "{lad_name} {:03}{}",
                        msoa_counter[lad],
                        (b'A' + letter) as char
                    );
                    letter += 1;
                    let village = if kind == Kind::Town {
                        lad_name.to_string()
                    } else {
                        names.village()
                    };
                    areas.push(AreaSpec {
                        code: format!("E019{:05}", idx + 1),
                        name,
                        lad,
                        block: (bx, by),
                        sub: (sx, sy),
                        kind,
                        ruc,
                        pcn: pcn_of(bx, by, (sx, sy)),
                        ring,
                        centroid,
                        centroid_wgs: to_wgs(centroid, 7),
                        road_node,
                        road_node_wgs: to_wgs(road_node, 7),
                        population: 0,
                        village,
                    });
                }
            }
        }
    }
    (areas, cell_owner)
}

/// An area's rural-urban class from its kind and block.
fn ruc_of(kind: Kind, block: (usize, usize), practice_here: bool) -> &'static str {
    let (bx, by) = block;
    match kind {
        Kind::Upland if (bx, by) == UPLAND_TOWN_BLOCK => "C2",
        Kind::Upland if practice_here => "D2",
        Kind::Upland => "E2",
        Kind::Country => "E1",
        Kind::Fringe | Kind::Market => "D1",
        Kind::Town if region_char(bx, by) == 'D' => "B1",
        Kind::Town => "C1",
    }
}

/// An area's population-weighted centroid and its road node.
///
/// The centroid is off-centre by up to 15% of the side (10% in town), then
/// the road node and (if any) the practice nearby. Worst case for a 1 km
/// town area: 100 + 140 + 120 m from the centre, against 500 m to the
/// nominal edge less 75 m jitter, so all stay inside (checked by a test).
fn place_centroid(
    rng: &mut SplitMix64,
    kind: Kind,
    cell0: (usize, usize),
    side: usize,
) -> (Coord<f64>, Coord<f64>) {
    let side_m = side as f64 * CELL_M;
    let frac = if kind == Kind::Town { 0.10 } else { 0.15 };
    let nominal = Coord {
        x: ORIGIN_E + (cell0.0 as f64 + side as f64 / 2.0) * CELL_M,
        y: ORIGIN_N + (cell0.1 as f64 + side as f64 / 2.0) * CELL_M,
    };
    let centroid = Coord {
        x: nominal.x + rng.range(-frac, frac) * side_m,
        y: nominal.y + rng.range(-frac, frac) * side_m,
    };
    let (dx, dy) = rng.direction();
    let r = rng.range(60.0, 140.0);
    let road_node = Coord {
        x: centroid.x + dx * r,
        y: centroid.y + dy * r,
    };
    (centroid, road_node)
}

/// Practices near their area's road node.
fn build_practices(
    seed: u64,
    table: &[Placement],
    areas: &[AreaSpec],
) -> anyhow::Result<Vec<PracticeSpec>> {
    let mut prng = SplitMix64::stream(seed, "practices");
    let mut practices = Vec::new();
    for (k, (pcn, (block, sub), name)) in table.iter().enumerate() {
        let area = areas
            .iter()
            .position(|a| a.block == *block && a.sub == *sub)
            .with_context(|| format!("practice {name}: no area at block {block:?} sub {sub:?}"))?;
        let (dx, dy) = prng.direction();
        let r = prng.range(50.0, 120.0);
        let base = areas[area].road_node;
        let location = Coord {
            x: base.x + dx * r,
            y: base.y + dy * r,
        };
        practices.push(PracticeSpec {
            code: format!("D8{:04}", k + 1),
            name: (*name).to_string(),
            pcn: *pcn,
            area,
            location,
            wgs: to_wgs(location, 6),
            postcode: postcode(*pcn, k),
        });
    }
    Ok(practices)
}

/// Residents: each PCN region's total shared among its areas by kind
/// weight × a ±20% random factor, apportioned exactly.
fn set_populations(seed: u64, areas: &mut [AreaSpec]) {
    let mut wrng = SplitMix64::stream(seed, "population");
    let weights: Vec<f64> = areas
        .iter()
        .map(|a| {
            let base = match a.ruc {
                "C2" => 1.6,
                "D2" => 1.5,
                _ => a.kind.weight(),
            };
            base * wrng.range(0.8, 1.2)
        })
        .collect();
    for (p, (_, target)) in PCNS.iter().enumerate() {
        let members: Vec<usize> = (0..areas.len()).filter(|&a| areas[a].pcn == p).collect();
        let w: Vec<f64> = members.iter().map(|&a| weights[a]).collect();
        for (&a, n) in members.iter().zip(apportion(*target, &w)) {
            areas[a].population = n;
        }
    }
}

/// Where each area's residents are registered (every resident exactly once):
/// * 30% at a practice of another PCN standing inside the area (only the
///   planted outside practice's host area has one);
/// * 6% at the nearest practice of a neighbouring PCN, if the area touches
///   another PCN's region;
/// * the rest at the three nearest practices of its own PCN, weighted by
///   1 / (distance_km + 0.5)².
fn registrations(c: &County) -> Vec<Reg> {
    let mut neighbour_pcns: Vec<Vec<usize>> = vec![Vec::new(); c.areas.len()];
    for (a, b) in c.queen_pairs() {
        let (pa, pb) = (c.areas[a].pcn, c.areas[b].pcn);
        if pa != pb {
            neighbour_pcns[a].push(pb);
            neighbour_pcns[b].push(pa);
        }
    }
    let mut regs = Vec::new();
    for (ai, area) in c.areas.iter().enumerate() {
        let mut shares: Vec<(usize, f64)> = Vec::new();
        let mut own_share = 1.0;
        let hosted: Vec<usize> = (0..c.practices.len())
            .filter(|&p| c.practices[p].area == ai && c.practices[p].pcn != area.pcn)
            .collect();
        for &p in &hosted {
            shares.push((p, HOSTED_PRACTICE_SHARE));
            own_share -= HOSTED_PRACTICE_SHARE;
        }
        let nearest_other = (0..c.practices.len())
            .filter(|&p| neighbour_pcns[ai].contains(&c.practices[p].pcn))
            .min_by(|&p, &q| {
                dist_m(area.centroid, c.practices[p].location)
                    .total_cmp(&dist_m(area.centroid, c.practices[q].location))
                    .then(p.cmp(&q))
            });
        if let Some(p) = nearest_other {
            shares.push((p, CROSS_BORDER_SHARE));
            own_share -= CROSS_BORDER_SHARE;
        }
        let mut own: Vec<(usize, f64)> = (0..c.practices.len())
            .filter(|&p| c.practices[p].pcn == area.pcn)
            .map(|p| (p, dist_m(area.centroid, c.practices[p].location)))
            .collect();
        own.sort_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
        own.truncate(3);
        let wsum: f64 = own
            .iter()
            .map(|(_, d)| 1.0 / (d / 1000.0 + 0.5).powi(2))
            .sum();
        for (p, d) in &own {
            shares.push((*p, own_share * (1.0 / (d / 1000.0 + 0.5).powi(2)) / wsum));
        }
        let w: Vec<f64> = shares.iter().map(|s| s.1).collect();
        let mut merged: std::collections::BTreeMap<usize, u64> = Default::default();
        for ((p, _), n) in shares.iter().zip(apportion(area.population, &w)) {
            *merged.entry(*p).or_default() += n;
        }
        for (p, n) in merged {
            if n > 0 {
                regs.push(Reg {
                    practice: p,
                    area: ai,
                    patients: n,
                });
            }
        }
    }
    regs.sort();
    regs
}

fn build_lattice(seed: u64) -> Lattice {
    let mut rng = SplitMix64::stream(seed, "lattice");
    let mut bng = Vec::with_capacity((CELLS_X + 1) * (CELLS_Y + 1));
    for j in 0..=CELLS_Y {
        for i in 0..=CELLS_X {
            let jx = rng.range(-JITTER_M, JITTER_M);
            let jy = rng.range(-JITTER_M, JITTER_M);
            bng.push(Coord {
                x: ORIGIN_E + i as f64 * CELL_M + jx,
                y: ORIGIN_N + j as f64 * CELL_M + jy,
            });
        }
    }
    let wgs = bng.iter().map(|&p| to_wgs(p, 7)).collect();
    Lattice { bng, wgs }
}

/// Closed counter-clockwise ring of every lattice vertex on the square's
/// sides.
fn ring_of(cell0: (usize, usize), side: usize) -> Vec<usize> {
    let (i0, j0) = cell0;
    let mut ring = Vec::with_capacity(4 * side + 1);
    for k in 0..side {
        ring.push(vid(i0 + k, j0));
    }
    for k in 0..side {
        ring.push(vid(i0 + side, j0 + k));
    }
    for k in 0..side {
        ring.push(vid(i0 + side - k, j0 + side));
    }
    for k in 0..side {
        ring.push(vid(i0, j0 + side - k));
    }
    ring.push(vid(i0, j0));
    ring
}

/// A synthetic but well-formed postcode: district by PCN, inward code by
/// practice (unique).
fn postcode(pcn: usize, k: usize) -> String {
    const LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
    let a = LETTERS[k % LETTERS.len()] as char;
    let b = LETTERS[(k * 7 + 3) % LETTERS.len()] as char;
    format!("DM{} {}{a}{b}", pcn + 1, 1 + k % 9)
}

/// Village names from two syllables, unique, from their own stream.
struct NameMaker {
    rng: SplitMix64,
    used: std::collections::BTreeSet<String>,
}

impl NameMaker {
    fn new(seed: u64) -> Self {
        Self {
            rng: SplitMix64::stream(seed, "names"),
            used: Default::default(),
        }
    }
    fn village(&mut self) -> String {
        for _ in 0..64 {
            let a = SYLLABLES_A[self.rng.below(SYLLABLES_A.len())];
            let b = SYLLABLES_B[self.rng.below(SYLLABLES_B.len())];
            let name = format!("{a}{b}");
            if self.used.insert(name.clone()) {
                return name;
            }
        }
        // Name space nearly exhausted: number the rest.
        let name = format!("Newton {}", self.used.len());
        self.used.insert(name.clone());
        name
    }
    /// A street name for town roads.
    pub(crate) fn street(&mut self) -> &'static str {
        STREETS[self.rng.below(STREETS.len())]
    }
}

/// Street names for town roads, from the seed.
pub(crate) fn street_namer(seed: u64) -> impl FnMut() -> &'static str {
    let mut n = NameMaker {
        rng: SplitMix64::stream(seed, "streets"),
        used: Default::default(),
    };
    move || n.street()
}
