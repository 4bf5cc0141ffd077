//! A synthetic England-scale road network for benchmarks: deterministic
//! from a seed, emitted as a [`RoadNetwork`] so it goes through the same
//! [`crate::routing::RoadGraph::build`] as real roads.
//!
//! The mix (defaults, about 2.3 million nodes over 360 km × 360 km):
//! - a jittered lattice of rural junctions every 1 km joined by winding
//!   lanes (40–60 km/h, 6 shape points each, 7% missing);
//! - every 5th lattice line a B road (65 km/h), every 15th an A road
//!   (80 km/h), both through the lattice junctions;
//! - every 40th lattice line a motorway (112 km/h = 70 mph) of two one-way
//!   carriageways with junctions only every 10 km;
//! - 650 towns: square street grids at 100 m spacing (10 to 60 streets a
//!   side, most small) at 48 km/h (30 mph), every 4th street one-way
//!   (alternating), joined at their corners to the nearest rural junction;
//! - a few small islands of streets with no link (dropped by the SCC step).

use crate::roads::network::{Direction, RoadClass, RoadNetwork, Way};

/// Generator parameters.
#[derive(Clone, Debug)]
pub struct SyntheticOptions {
    pub seed: u64,
    /// Side of the square region in km.
    pub side_km: usize,
    pub towns: usize,
    /// Shape points inside each rural lane.
    pub lane_shape_points: usize,
    pub islands: usize,
}

impl Default for SyntheticOptions {
    fn default() -> Self {
        SyntheticOptions {
            seed: 2026,
            side_km: 360,
            towns: 650,
            lane_shape_points: 6,
            islands: 5,
        }
    }
}

impl SyntheticOptions {
    /// A small network for tests (about `side_km²` × 20 nodes).
    pub fn small(seed: u64, side_km: usize) -> SyntheticOptions {
        SyntheticOptions {
            seed,
            side_km,
            towns: side_km.div_ceil(3),
            lane_shape_points: 2,
            islands: 1,
        }
    }
}

/// The generator the synthetic graphs draw from (the crate's one RNG).
pub use crate::rng::SplitMix64 as Rng;

struct Builder {
    net: RoadNetwork,
}

impl Builder {
    fn node(&mut self, xy: [f64; 2]) -> u32 {
        self.net.nodes.push(xy);
        (self.net.nodes.len() - 1) as u32
    }

    fn way(&mut self, nodes: Vec<u32>, class: RoadClass, speed_kph: f64, direction: Direction) {
        let id = self.net.ways.len() as i64;
        self.net.ways.push(Way {
            id,
            class,
            nodes,
            direction,
            speed_kph,
            fixed_seconds: None,
            name: String::new(),
        });
    }

    /// A way from node `a` to node `b` through `k` new shape points, each
    /// pushed sideways by up to `wiggle` metres.
    fn chain(&mut self, a: u32, b: u32, k: usize, wiggle: f64, rng: &mut Rng) -> Vec<u32> {
        let (pa, pb) = (self.net.nodes[a as usize], self.net.nodes[b as usize]);
        let (dx, dy) = (pb[0] - pa[0], pb[1] - pa[1]);
        let len = dx.hypot(dy).max(1e-9);
        let (nx, ny) = (-dy / len, dx / len);
        let mut nodes = vec![a];
        for i in 1..=k {
            let t = i as f64 / (k + 1) as f64;
            let off = (rng.unit() * 2.0 - 1.0) * wiggle;
            nodes.push(self.node([pa[0] + t * dx + off * nx, pa[1] + t * dy + off * ny]));
        }
        nodes.push(b);
        nodes
    }
}

/// Origin of the lattice, BNG metres.
const X0: f64 = 100_000.0;
const Y0: f64 = 50_000.0;

/// Node id of lattice junction `(i, j)` on a lattice `side` km across.
fn lat(side: usize, i: usize, j: usize) -> u32 {
    (i * (side + 1) + j) as u32
}

/// Generate the network: the lattice and its roads, motorways, towns and
/// islands, in that order (one random stream, so always the same network).
pub fn generate(opts: &SyntheticOptions) -> RoadNetwork {
    let mut rng = Rng::new(opts.seed);
    let mut b = Builder {
        net: RoadNetwork::default(),
    };
    b.lattice(opts, &mut rng);
    b.motorways(opts.side_km);
    for _ in 0..opts.towns {
        if opts.side_km < 3 {
            break;
        }
        b.town(opts.side_km, &mut rng);
    }
    b.islands(opts.islands);
    b.net
}

impl Builder {
    /// Jittered lattice junctions every 1 km, joined by lanes, B roads and
    /// A roads along the lattice lines.
    fn lattice(&mut self, opts: &SyntheticOptions, rng: &mut Rng) {
        let b = self;
        let (x0, y0) = (X0, Y0);
        let side = opts.side_km;
        let lat = |i: usize, j: usize| lat(side, i, j);
        for i in 0..=side {
            for j in 0..=side {
                let jx = (rng.unit() - 0.5) * 600.0;
                let jy = (rng.unit() - 0.5) * 600.0;
                b.node([x0 + i as f64 * 1000.0 + jx, y0 + j as f64 * 1000.0 + jy]);
            }
        }
        // Lattice lines: lanes, B roads, A roads.
        for i in 0..=side {
            for j in 0..=side {
                for (di, dj) in [(1usize, 0usize), (0, 1)] {
                    let (i2, j2) = (i + di, j + dj);
                    if i2 > side || j2 > side {
                        continue;
                    }
                    let line = if di == 1 { j } else { i };
                    let (class, speed, k) = if line % 15 == 0 {
                        (RoadClass::Primary, 80.0, 3)
                    } else if line % 5 == 0 {
                        (RoadClass::Secondary, 65.0, 3)
                    } else {
                        if rng.unit() < 0.07 {
                            continue;
                        }
                        let speed = 40.0 + 5.0 * rng.below(5) as f64;
                        (RoadClass::Unclassified, speed, opts.lane_shape_points)
                    };
                    let nodes = b.chain(lat(i, j), lat(i2, j2), k, 60.0, rng);
                    b.way(nodes, class, speed, Direction::Both);
                }
            }
        }
    }

    /// Two one-way carriageways 20 m apart every 40th lattice line,
    /// junctions every 10 km.
    fn motorways(&mut self, side: usize) {
        let b = self;
        let lat = |i: usize, j: usize| lat(side, i, j);
        for line in (20..side).step_by(40) {
            for start in (0..side.saturating_sub(9)).step_by(10) {
                for horizontal in [true, false] {
                    let (a, z) = if horizontal {
                        (lat(start, line), lat(start + 10, line))
                    } else {
                        (lat(line, start), lat(line, start + 10))
                    };
                    for (dir, off) in [(Direction::Forward, 10.0), (Direction::Backward, -10.0)] {
                        let (pa, pz) = (b.net.nodes[a as usize], b.net.nodes[z as usize]);
                        let mut nodes = vec![a];
                        for s in 1..10 {
                            let t = s as f64 / 10.0;
                            let (ox, oy) = if horizontal { (0.0, off) } else { (off, 0.0) };
                            nodes.push(b.node([
                                pa[0] + t * (pz[0] - pa[0]) + ox,
                                pa[1] + t * (pz[1] - pa[1]) + oy,
                            ]));
                        }
                        nodes.push(z);
                        b.way(nodes, RoadClass::Motorway, 112.0, dir);
                    }
                }
            }
        }
    }

    /// One town: a square street grid at 100 m spacing, some streets one
    /// way, its corners joined to the nearest rural junctions.
    fn town(&mut self, side: usize, rng: &mut Rng) {
        let b = self;
        let (x0, y0) = (X0, Y0);
        let lat = |i: usize, j: usize| lat(side, i, j);
        let r = rng.unit();
        let k = 10 + (r * r * 50.0) as usize;
        let ci = 1 + rng.below(side.saturating_sub(2).max(1));
        let cj = 1 + rng.below(side.saturating_sub(2).max(1));
        let c = b.net.nodes[lat(ci, cj) as usize];
        let origin = [
            c[0] + 300.0 - k as f64 * 50.0,
            c[1] + 300.0 - k as f64 * 50.0,
        ];
        let first = b.net.nodes.len() as u32;
        for a in 0..k {
            for d in 0..k {
                b.node([origin[0] + a as f64 * 100.0, origin[1] + d as f64 * 100.0]);
            }
        }
        let t = |a: usize, d: usize| first + (a * k + d) as u32;
        for a in 0..k {
            // Street `a` running one way, and street `a` running the other.
            for horizontal in [true, false] {
                let dir = if a % 4 == 2 {
                    if (a / 4) % 2 == 0 {
                        Direction::Forward
                    } else {
                        Direction::Backward
                    }
                } else {
                    Direction::Both
                };
                let nodes: Vec<u32> = (0..k)
                    .map(|d| if horizontal { t(d, a) } else { t(a, d) })
                    .collect();
                let (class, speed) = if a == k / 2 {
                    (RoadClass::Tertiary, 48.0)
                } else {
                    (RoadClass::Residential, 48.0)
                };
                // Split every street at each crossing (real data has a node
                // at each junction; ways are cut at a few of them).
                for part in nodes.chunks(8).enumerate().map(|(p, ch)| {
                    let start = p * 8;
                    nodes[start.saturating_sub(if p > 0 { 1 } else { 0 })..start + ch.len()]
                        .to_vec()
                }) {
                    if part.len() >= 2 {
                        b.way(part, class, speed, dir);
                    }
                }
            }
        }
        // Corners to the nearest rural junctions.
        for (a, d) in [(0, 0), (0, k - 1), (k - 1, 0), (k - 1, k - 1)] {
            let p = b.net.nodes[t(a, d) as usize];
            let gi = ((p[0] - x0) / 1000.0).round().clamp(0.0, side as f64) as usize;
            let gj = ((p[1] - y0) / 1000.0).round().clamp(0.0, side as f64) as usize;
            let nodes = b.chain(t(a, d), lat(gi, gj), 1, 30.0, rng);
            b.way(nodes, RoadClass::Tertiary, 60.0, Direction::Both);
        }
    }

    /// Islands: a 5 × 5 grid offshore with no link to the mainland.
    fn islands(&mut self, islands: usize) {
        let b = self;
        let (x0, y0) = (X0, Y0);
        for s in 0..islands {
            let origin = [x0 - 20_000.0 - s as f64 * 5_000.0, y0];
            let first = b.net.nodes.len() as u32;
            for a in 0..5 {
                for d in 0..5 {
                    b.node([origin[0] + a as f64 * 100.0, origin[1] + d as f64 * 100.0]);
                }
            }
            for a in 0..5u32 {
                b.way(
                    (0..5).map(|d| first + a * 5 + d).collect(),
                    RoadClass::Residential,
                    48.0,
                    Direction::Both,
                );
                b.way(
                    (0..5).map(|d| first + d * 5 + a).collect(),
                    RoadClass::Residential,
                    48.0,
                    Direction::Both,
                );
            }
        }
    }
}
