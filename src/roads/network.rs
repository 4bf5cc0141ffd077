//! The road network as loaded, before it becomes a routing graph: junction
//! nodes in British National Grid metres and the ways between them, each with
//! the class, direction and speed the car profile gave it. This is the seam
//! between the road loaders ([`crate::roads`]) and the routing graph
//! ([`crate::routing`]).

use serde::Serialize;

/// Road classes a car profile knows (OSM `highway` values, Geofabrik
/// `fclass`), plus ferries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoadClass {
    Motorway,
    MotorwayLink,
    Trunk,
    TrunkLink,
    Primary,
    PrimaryLink,
    Secondary,
    SecondaryLink,
    Tertiary,
    TertiaryLink,
    Unclassified,
    Residential,
    LivingStreet,
    Service,
    Track,
    /// A road whose class is unknown but whose speed was given (`speed_kph`).
    Other,
    /// `route=ferry`.
    Ferry,
}

impl RoadClass {
    /// Every class, in the order above.
    pub const ALL: [RoadClass; 17] = [
        RoadClass::Motorway,
        RoadClass::MotorwayLink,
        RoadClass::Trunk,
        RoadClass::TrunkLink,
        RoadClass::Primary,
        RoadClass::PrimaryLink,
        RoadClass::Secondary,
        RoadClass::SecondaryLink,
        RoadClass::Tertiary,
        RoadClass::TertiaryLink,
        RoadClass::Unclassified,
        RoadClass::Residential,
        RoadClass::LivingStreet,
        RoadClass::Service,
        RoadClass::Track,
        RoadClass::Other,
        RoadClass::Ferry,
    ];

    /// The OSM tag value (`motorway_link`, `ferry`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            RoadClass::Motorway => "motorway",
            RoadClass::MotorwayLink => "motorway_link",
            RoadClass::Trunk => "trunk",
            RoadClass::TrunkLink => "trunk_link",
            RoadClass::Primary => "primary",
            RoadClass::PrimaryLink => "primary_link",
            RoadClass::Secondary => "secondary",
            RoadClass::SecondaryLink => "secondary_link",
            RoadClass::Tertiary => "tertiary",
            RoadClass::TertiaryLink => "tertiary_link",
            RoadClass::Unclassified => "unclassified",
            RoadClass::Residential => "residential",
            RoadClass::LivingStreet => "living_street",
            RoadClass::Service => "service",
            RoadClass::Track => "track",
            RoadClass::Other => "other",
            RoadClass::Ferry => "ferry",
        }
    }

    /// Parse an OSM `highway` value or Geofabrik `fclass` (the same names).
    pub fn parse(s: &str) -> Option<RoadClass> {
        RoadClass::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Which way a car may travel along a way, relative to its node order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Both,
    /// Only in node order (`oneway=yes`, Geofabrik `F`).
    Forward,
    /// Only against node order (`oneway=-1`, Geofabrik `T`).
    Backward,
}

/// One drivable way: a polyline through nodes of [`RoadNetwork::nodes`].
/// Two ways meet only where they share a node index.
#[derive(Clone, Debug, PartialEq)]
pub struct Way {
    /// OSM way id, or the 0-based feature index for shapefile/GeoJSON input.
    pub id: i64,
    pub class: RoadClass,
    /// At least two indices into [`RoadNetwork::nodes`]; consecutive indices differ.
    pub nodes: Vec<u32>,
    pub direction: Direction,
    /// The speed a car travels at along this way, in km/h, after the profile
    /// (maxspeed, class default, any speed factor) has been applied. > 0.
    pub speed_kph: f64,
    /// A whole-way travel time in seconds that replaces length / speed
    /// (ferries with a `duration`); split over the segments by length.
    pub fixed_seconds: Option<f64>,
    /// `name` or `ref`, for path descriptions; may be empty.
    pub name: String,
}

/// A loaded road network. Node coordinates are BNG (EPSG:27700) metres.
#[derive(Clone, Debug, Default)]
pub struct RoadNetwork {
    pub nodes: Vec<[f64; 2]>,
    pub ways: Vec<Way>,
}

impl RoadNetwork {
    /// Straight-line length in metres of segment `i` of `way` (from
    /// `way.nodes[i]` to `way.nodes[i + 1]`).
    pub fn segment_metres(&self, way: &Way, i: usize) -> f64 {
        let a = self.nodes[way.nodes[i] as usize];
        let b = self.nodes[way.nodes[i + 1] as usize];
        (a[0] - b[0]).hypot(a[1] - b[1])
    }

    /// A copy with every road speed (not ferries) multiplied by `factor`:
    /// the slower scenario `analyse` reports beside free flow.
    pub fn with_speed_factor(&self, factor: f64) -> RoadNetwork {
        let mut n = self.clone();
        for w in &mut n.ways {
            if w.class != RoadClass::Ferry {
                w.speed_kph *= factor;
            }
        }
        n
    }

    /// Length in metres of a whole way.
    pub fn way_metres(&self, way: &Way) -> f64 {
        (0..way.nodes.len() - 1)
            .map(|i| self.segment_metres(way, i))
            .sum()
    }
}
