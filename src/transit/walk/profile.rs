//! The walking profile: which OSM ways a pedestrian may use and how fast.
//! It implements [`WayRules`], so the road loaders read the walking network
//! from the same files as the car network. The rules, with their reasons,
//! are in `docs/public-transport.md` ("Walking").

use crate::roads::network::{Direction, RoadClass};
use crate::roads::profile::{CarProfile, Exclusion, Quirk, WayAttrs, way_name};
use crate::roads::rules::WayRules;
use serde::Serialize;

/// `highway` values of paths a car may not use: kept as [`RoadClass::Other`].
const PATHS: [&str; 6] = [
    "footway",
    "path",
    "pedestrian",
    "steps",
    "cycleway",
    "bridleway",
];

/// `foot` values that keep pedestrians off a way.
const FOOT_NO: [&str; 3] = ["no", "private", "use_sidepath"];
/// `foot` values that let pedestrians on whatever `access` says.
const FOOT_YES: [&str; 3] = ["yes", "designated", "permissive"];
/// `access` values that keep pedestrians off unless `foot` lets them on.
const ACCESS_NO: [&str; 2] = ["no", "private"];

/// How a pedestrian uses the road network.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FootProfile {
    /// Walking speed, km/h, on every way but steps.
    pub speed_kph: f64,
    /// Walking speed on `highway=steps`, km/h (half `speed_kph`).
    pub steps_kph: f64,
    /// The car profile whose ferry rules time ferries (duration + wait).
    #[serde(skip)]
    pub ferries: CarProfile,
}

impl FootProfile {
    /// Walking at `speed_kph`, steps at half that, ferries as the default
    /// car profile times them.
    pub fn new(speed_kph: f64) -> FootProfile {
        FootProfile {
            speed_kph,
            steps_kph: speed_kph / 2.0,
            ferries: CarProfile::default(),
        }
    }
}

/// Does the tag `key` hold one of `values` (a list `a;b` when every part does)?
fn tag_in<'t>(tag: &impl Fn(&str) -> Option<&'t str>, key: &str, values: &[&str]) -> bool {
    tag(key)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .is_some_and(|v| {
            v.split(';')
                .all(|p| values.contains(&p.trim().to_ascii_lowercase().as_str()))
        })
}

/// Why pedestrians may not use a way by its access tags, if they may not:
/// `foot=no`, or `access=no|private` without `foot=yes|designated|permissive`.
fn foot_forbidden<'t>(tag: &impl Fn(&str) -> Option<&'t str>) -> Option<Exclusion> {
    if tag_in(tag, "foot", &FOOT_NO) {
        Some(Exclusion::FootNo)
    } else if !tag_in(tag, "foot", &FOOT_YES) && tag_in(tag, "access", &ACCESS_NO) {
        Some(Exclusion::Access)
    } else {
        None
    }
}

/// The class of a walkable `highway`, or why it is not walkable.
fn foot_class(highway: &str) -> Result<RoadClass, Exclusion> {
    if PATHS.contains(&highway) {
        return Ok(RoadClass::Other);
    }
    match RoadClass::parse(highway) {
        Some(RoadClass::Motorway | RoadClass::MotorwayLink) => Err(Exclusion::Motorway),
        Some(RoadClass::Ferry | RoadClass::Other) | None => Err(Exclusion::NotFootClass),
        Some(c) => Ok(c),
    }
}

impl WayRules for FootProfile {
    /// Every way both ways; `speed_kph` (a road speed) is ignored.
    fn classify<'t>(
        &self,
        tag: impl Fn(&str) -> Option<&'t str>,
        _speed_kph: Option<f64>,
        quirks: &mut Vec<Quirk>,
    ) -> Result<WayAttrs, Exclusion> {
        let highway = tag("highway").map(str::trim).filter(|s| !s.is_empty());
        let class = highway.map_or(Err(Exclusion::NotFootClass), foot_class);
        let is_ferry = tag("route").is_some_and(|r| r.trim() == "ferry");
        let class = match class {
            Err(Exclusion::NotFootClass) if is_ferry => {
                if foot_forbidden(&tag).is_some() {
                    return Err(Exclusion::FerryNoFoot);
                }
                return Ok(self.ferries.ferry_attrs(&tag, Direction::Both, quirks));
            }
            c => c?,
        };
        if tag("area").is_some_and(|a| a.trim() == "yes") {
            return Err(Exclusion::Area);
        }
        if let Some(e) = foot_forbidden(&tag) {
            return Err(e);
        }
        let steps = highway == Some("steps");
        Ok(WayAttrs {
            class,
            direction: Direction::Both,
            speed_kph: if steps {
                self.steps_kph
            } else {
                self.speed_kph
            },
            fixed_seconds: None,
            name: way_name(&tag),
        })
    }

    fn car_profile(&self) -> &CarProfile {
        &self.ferries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(kv: &[(&str, &str)]) -> Result<WayAttrs, Exclusion> {
        let tag = |k: &str| kv.iter().find(|(kk, _)| *kk == k).map(|(_, v)| *v);
        FootProfile::new(4.8).classify(tag, None, &mut Vec::new())
    }

    #[test]
    fn the_rules_by_hand() {
        let ok = |kv: &[(&str, &str)]| classify(kv).map(|a| (a.class, a.speed_kph));
        assert_eq!(ok(&[("highway", "footway")]), Ok((RoadClass::Other, 4.8)));
        assert_eq!(ok(&[("highway", "steps")]), Ok((RoadClass::Other, 2.4)));
        assert_eq!(
            ok(&[("highway", "trunk"), ("oneway", "yes")]),
            Ok((RoadClass::Trunk, 4.8))
        );
        assert_eq!(
            ok(&[("highway", "primary_link")]),
            Ok((RoadClass::PrimaryLink, 4.8))
        );
        assert_eq!(ok(&[("highway", "motorway")]), Err(Exclusion::Motorway));
        assert_eq!(
            ok(&[("highway", "motorway_link"), ("foot", "yes")]),
            Err(Exclusion::Motorway)
        );
        assert_eq!(
            ok(&[("highway", "construction")]),
            Err(Exclusion::NotFootClass)
        );
        assert_eq!(
            ok(&[("highway", "cycleway"), ("foot", "no")]),
            Err(Exclusion::FootNo)
        );
        assert_eq!(
            ok(&[("highway", "service"), ("access", "private")]),
            Err(Exclusion::Access)
        );
        assert_eq!(
            ok(&[
                ("highway", "track"),
                ("access", "no"),
                ("foot", "permissive")
            ]),
            Ok((RoadClass::Track, 4.8))
        );
        assert_eq!(
            ok(&[("highway", "pedestrian"), ("area", "yes")]),
            Err(Exclusion::Area)
        );
        assert_eq!(
            ok(&[("route", "ferry"), ("foot", "no")]),
            Err(Exclusion::FerryNoFoot)
        );
        let f = classify(&[("route", "ferry"), ("duration", "00:20")]).unwrap();
        // 20 minutes and the car profile's flat 10-minute wait.
        assert_eq!((f.class, f.fixed_seconds), (RoadClass::Ferry, Some(1800.0)));
        assert_eq!(f.direction, Direction::Both);
    }
}
