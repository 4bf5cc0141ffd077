//! Maps of a run: `map.html` (an offline, interactive SVG map with its own
//! small script) and `map.svg` / `map.png` (static maps for a paper or a
//! slide). Both draw footprints simplified along shared boundaries
//! ([`topology`]), so neighbours never gap or overlap.

pub mod build;
pub mod html;
pub mod png;
pub mod proposal;
pub mod style;
pub mod svg;
pub mod topology;

use serde::Serialize;

/// One network on the map: footprint (BNG), worst finding and metrics.
#[derive(Clone, Debug, Serialize)]
pub struct MapPcn {
    pub code: String,
    pub name: String,
    /// Stable finding codes of this PCN, most severe first.
    pub findings: Vec<(crate::findings::Code, String)>,
    pub band: &'static str,
    pub practices: usize,
    pub list_size: u64,
    pub resident_population: u64,
    pub rural_share: Option<f64>,
    pub area_km2: f64,
    pub components: usize,
    pub hub: Option<String>,
    /// The hub practice's (or hub site's) name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hub_name: Option<String>,
    /// Member practices in code order: code, name, registered patients.
    pub members: Vec<(String, String, Option<u64>)>,
    pub staff_max_min: Option<f64>,
    pub staff_tour_min: Option<f64>,
    pub patients_p90_min_to_hub: Option<f64>,
    pub patients_mean_min_to_practice: Option<f64>,
    /// With `--gtfs`: patients' median public-transport journey to the hub
    /// (null when at least half have none) and the share with no journey
    /// within 90 minutes; omitted without.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pt_median_min_to_hub: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pt_share_no_journey_90_min_to_hub: Option<f64>,
    /// The PCN's ICB (NHS code and name; omitted when unknown), for
    /// colouring and filtering by ICB.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub icb_code: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub icb_name: String,
    #[serde(skip)]
    pub geometry: geo::MultiPolygon<f64>,
}

impl MapPcn {
    /// The most severe finding code, if any.
    pub fn worst(&self) -> Option<crate::findings::Code> {
        self.findings.first().map(|(c, _)| *c)
    }
}

/// A point on the map: a practice or a hub site that is not a practice.
#[derive(Clone, Debug, Serialize)]
pub struct MapPoint {
    pub code: String,
    pub name: String,
    pub pcn: Option<String>,
    pub list_size: Option<u64>,
    pub hub: bool,
    /// A candidate hub site rather than a practice.
    pub site: bool,
    #[serde(skip)]
    pub location: [f64; 2],
}

/// A branch surgery on the map (only with sites): drawn as a small hollow
/// circle, joined to its practice on hover.
#[derive(Clone, Debug, Serialize)]
pub struct MapBranch {
    pub code: String,
    pub name: String,
    /// Its practice: code and name.
    pub practice: String,
    pub practice_name: String,
    pub pcn: Option<String>,
    /// Patients it serves (after `analyse`).
    pub patients: Option<u64>,
    /// The hub of its network (also drawn as a hub).
    pub hub: bool,
    #[serde(skip)]
    pub location: [f64; 2],
    /// Its practice's main site, when located.
    #[serde(skip)]
    pub practice_location: Option<[f64; 2]>,
}

/// A hub-to-member route (BNG polyline).
#[derive(Clone, Debug)]
pub struct MapRoute {
    pub pcn: String,
    pub coords: Vec<[f64; 2]>,
}

/// Everything drawn on a map.
#[derive(Clone, Debug, Default)]
pub struct MapInput {
    pub title: String,
    /// The data vintages in one line, under the title (`None` when no
    /// input's edition is known).
    pub subtitle: Option<String>,
    pub pcns: Vec<MapPcn>,
    pub points: Vec<MapPoint>,
    /// Branch surgeries, in site code order (empty without sites).
    pub branches: Vec<MapBranch>,
    pub routes: Vec<MapRoute>,
    /// Drive-time metrics present (`analyse`), not only `check`.
    pub drive: bool,
    /// Attribution lines for the data sources.
    pub attribution: Vec<String>,
    /// The same in one short line, for the corner of `map.html`.
    pub attribution_short: String,
    /// Areas drawn on their own (hatched): in no footprint, in two
    /// footprints, or mostly at practices with no PCN — coverage gaps.
    pub areas: Vec<MapArea>,
    /// Dataset-level findings (unlocated practices, practices with no PCN,
    /// inputs months apart ...), listed in a panel.
    pub notes: Vec<MapNote>,
    /// Named places for orientation, in name order.
    pub places: Vec<crate::model::Place>,
    /// Tile URL template of an optional basemap (`--basemap`); `None`
    /// keeps the map offline.
    pub basemap: Option<String>,
}

/// An area drawn on its own because of an area finding (a coverage gap).
#[derive(Clone, Debug, Serialize)]
pub struct MapArea {
    pub code: String,
    pub name: Option<String>,
    /// Its area findings (`AREA_UNASSIGNED`, `AREA_IN_TWO_PCNS`,
    /// `AREA_MOSTLY_UNALLOCATED` ...), with their details.
    pub findings: Vec<(crate::findings::Code, String)>,
    #[serde(skip)]
    pub geometry: geo::MultiPolygon<f64>,
}

/// A finding not about a network (dataset, practice or area scope) for the
/// map's panel; `location` (BNG) when its subject is on the map.
#[derive(Clone, Debug, Serialize)]
pub struct MapNote {
    pub code: crate::findings::Code,
    pub scope: crate::findings::Scope,
    pub subject: String,
    pub detail: String,
    #[serde(skip)]
    pub location: Option<[f64; 2]>,
}

/// The map's extent in BNG: min x, min y, max x, max y (footprints and
/// points), or `None` for an empty map.
pub fn extent(input: &MapInput) -> Option<[f64; 4]> {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    let mut add = |x: f64, y: f64| {
        b[0] = b[0].min(x);
        b[1] = b[1].min(y);
        b[2] = b[2].max(x);
        b[3] = b[3].max(y);
    };
    for p in &input.pcns {
        for poly in &p.geometry.0 {
            for c in &poly.exterior().0 {
                add(c.x, c.y);
            }
        }
    }
    for p in &input.points {
        add(p.location[0], p.location[1]);
    }
    for p in &input.branches {
        add(p.location[0], p.location[1]);
    }
    (b[0] <= b[2] && b[1] <= b[3]).then_some(b)
}

/// A point inside the largest piece of `g` (BNG), where its label goes;
/// `None` when it has no piece.
pub fn label_point(g: &geo::MultiPolygon<f64>) -> Option<[f64; 2]> {
    use geo::{Area, InteriorPoint};
    let largest = g.0.iter().max_by(|a, b| {
        a.unsigned_area()
            .partial_cmp(&b.unsigned_area())
            .unwrap_or(std::cmp::Ordering::Equal)
    })?;
    let c = largest.interior_point()?;
    Some([c.x(), c.y()])
}

/// The simplification tolerance for a map of this extent: a 1/12,000th of
/// its larger side (about 55 m for England, 3 m for a county of 40 km),
/// at least 1 m — under a pixel until the map is zoomed in ten times.
pub fn tolerance(ext: [f64; 4]) -> f64 {
    ((ext[2] - ext[0]).max(ext[3] - ext[1]) / 12_000.0).max(1.0)
}
