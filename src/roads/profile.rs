//! The car profile: which roads a car may use, in which direction, and how
//! fast. Every road loader turns a way's tags (OSM tags, Geofabrik fields
//! mapped to OSM tags, GeoJSON properties) into a [`WayAttrs`] through
//! [`CarProfile::classify`], so the three formats obey one set of rules.
//!
//! Every default below is documented, with its reasoning, in
//! `docs/car-profile.md`, and every one can be overridden from a TOML or JSON
//! file ([`CarProfile::from_file`]).

use super::network::{Direction, RoadClass};
use anyhow::{Context, Result, anyhow, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// One mile in kilometres.
pub const KM_PER_MILE: f64 = 1.609_344;
/// One knot in km/h.
const KPH_PER_KNOT: f64 = 1.852;
/// The fastest plausible road speed, km/h: a `maxspeed` or `speed_kph`
/// above it (the UK limit is 70 mph, 113 km/h) is a counted quirk and the
/// class default is used; a profile speed above it is an error.
pub const SPEED_MAX_KPH: f64 = 130.0;
/// The slowest plausible speed, km/h (below walking pace every drive time
/// through the road would be meaningless).
pub const SPEED_MIN_KPH: f64 = 1.0;
/// The largest factor of the profile (`speed_factor`, `class_factors`,
/// `maxspeed_factor`).
pub const FACTOR_MAX: f64 = 2.0;
/// The largest ferry wait, minutes (a day).
pub const FERRY_WAIT_MAX_MIN: f64 = 1440.0;
/// The largest snapping distance, metres.
pub const SNAP_MAX_M: f64 = 100_000.0;

/// A number for a one-line message: short (`1e308`, not 309 digits).
pub fn number(v: f64) -> String {
    if v != 0.0 && v.is_finite() && !(1e-4..1e15).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Is a speed plausible for a road, km/h?
pub fn plausible_kph(v: f64) -> bool {
    (SPEED_MIN_KPH..=SPEED_MAX_KPH).contains(&v)
}

/// How a car uses the road network.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CarProfile {
    /// Which classes a car may use (a class missing here is not usable).
    pub classes: BTreeMap<RoadClass, bool>,
    /// Speed in km/h on a way of this class without a usable `maxspeed`.
    /// These are realistic average speeds, already below the limits.
    pub speeds_kph: BTreeMap<RoadClass, f64>,
    /// Multiplier applied to a signed `maxspeed` (a limit, not an average).
    pub maxspeed_factor: f64,
    /// Multiplier applied to every road speed (not to ferries): below 1 for a
    /// slower (e.g. rural, winter, peak-hour) scenario.
    pub speed_factor: f64,
    /// Further multiplier per class (default 1 for every class).
    pub class_factors: BTreeMap<RoadClass, f64>,
    /// National speed limit on single carriageways (`GB:nsl_single`), km/h.
    pub nsl_single_kph: f64,
    /// National speed limit on dual carriageways (`GB:nsl_dual`), km/h.
    pub nsl_dual_kph: f64,
    /// Motorway limit (`GB:motorway`), km/h.
    pub motorway_limit_kph: f64,
    /// Restricted roads (`GB:nsl_restricted`, street lighting), km/h.
    pub nsl_restricted_kph: f64,
    /// `maxspeed=walk`, km/h.
    pub walk_kph: f64,
    /// Speed of a ferry without a parsable `duration`, km/h.
    pub ferry_speed_kph: f64,
    /// Boarding and waiting time added to every ferry crossing, minutes,
    /// when the ferry has no usable `interval` (with one, half the interval
    /// is used instead: see [`CarProfile::ferry_wait_s`]).
    pub ferry_wait_min: f64,
    /// Speed of the off-road leg from a point to its snap point, km/h.
    pub off_road_kph: f64,
    /// Points further than this from any usable road are unroutable, metres.
    pub max_snap_m: f64,
}

impl Default for CarProfile {
    fn default() -> Self {
        use RoadClass::*;
        let mph = |v: f64| v * KM_PER_MILE;
        // Average speeds, km/h, for England: see docs/car-profile.md.
        let speeds = [
            (Motorway, 105.0),
            (MotorwayLink, 60.0),
            (Trunk, 85.0),
            (TrunkLink, 50.0),
            (Primary, 65.0),
            (PrimaryLink, 45.0),
            (Secondary, 55.0),
            (SecondaryLink, 40.0),
            (Tertiary, 50.0),
            (TertiaryLink, 35.0),
            (Unclassified, 40.0),
            (Residential, 25.0),
            (LivingStreet, 10.0),
            (Service, 15.0),
            (Track, 10.0),
            (Other, 30.0),
            (Ferry, 15.0),
        ];
        CarProfile {
            classes: RoadClass::ALL.iter().map(|&c| (c, c != Track)).collect(),
            speeds_kph: speeds.into_iter().collect(),
            maxspeed_factor: 0.85,
            speed_factor: 1.0,
            class_factors: RoadClass::ALL.iter().map(|&c| (c, 1.0)).collect(),
            nsl_single_kph: mph(60.0),
            nsl_dual_kph: mph(70.0),
            motorway_limit_kph: mph(70.0),
            nsl_restricted_kph: mph(30.0),
            walk_kph: 8.0,
            ferry_speed_kph: 15.0,
            ferry_wait_min: 10.0,
            off_road_kph: 15.0,
            max_snap_m: 1000.0,
        }
    }
}

/// A signed speed limit as read from `maxspeed`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MaxSpeed {
    /// A number, converted to km/h.
    Kph(f64),
    /// `national`: the national limit for the road's class.
    National,
    NslSingle,
    NslDual,
    Motorway,
    NslRestricted,
    Walk,
    /// `none`: no limit (not used in the UK); the class default applies.
    NoLimit,
}

/// Parse an OSM `maxspeed` value. Lists (`30;40`, `30 mph; 40 mph`) give the
/// lower limit; `None` means unparsable (`signals`, `variable`, typos), and
/// the caller falls back to the class default and counts it.
pub fn parse_maxspeed(raw: &str) -> Option<MaxSpeed> {
    let s = raw.trim();
    if s.contains(';') || s.contains('|') {
        let parts: Vec<MaxSpeed> = s
            .split([';', '|'])
            .filter(|p| !p.trim().is_empty())
            .map(parse_maxspeed)
            .collect::<Option<Vec<_>>>()?;
        // Compare only plain numbers; a list mixing a word and a number is
        // resolved by the number, a list of words by the first.
        let lowest = parts
            .iter()
            .filter_map(|p| match p {
                MaxSpeed::Kph(v) => Some(*v),
                _ => None,
            })
            .fold(f64::INFINITY, f64::min);
        return if lowest.is_finite() {
            Some(MaxSpeed::Kph(lowest))
        } else {
            parts.first().copied()
        };
    }
    let lower = s.to_ascii_lowercase();
    let word = lower
        .strip_prefix("gb:")
        .or_else(|| lower.strip_prefix("uk:"))
        .unwrap_or(&lower);
    match word {
        "national" | "nsl" => return Some(MaxSpeed::National),
        "nsl_single" => return Some(MaxSpeed::NslSingle),
        "nsl_dual" => return Some(MaxSpeed::NslDual),
        "motorway" => return Some(MaxSpeed::Motorway),
        "nsl_restricted" | "urban" => return Some(MaxSpeed::NslRestricted),
        "walk" => return Some(MaxSpeed::Walk),
        "none" => return Some(MaxSpeed::NoLimit),
        _ => {}
    }
    // A number with an optional unit.
    let end = word
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(word.len());
    let (num, unit) = word.split_at(end);
    let v: f64 = num.parse().ok()?;
    let kph = match unit.trim() {
        "" | "km/h" | "kmh" | "kph" | "kmph" => v,
        "mph" => v * KM_PER_MILE,
        "knots" | "knot" | "kn" => v * KPH_PER_KNOT,
        _ => return None,
    };
    (kph.is_finite() && kph > 0.0).then_some(MaxSpeed::Kph(kph))
}

/// What `oneway` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Oneway {
    Direction(Direction),
    /// `reversible`: direction changes during the day; not usable.
    Reversible,
}

/// Parse a `oneway` value (OSM values, Geofabrik `F`/`T`/`B`, booleans as
/// text). `None` means unrecognised.
pub fn parse_oneway(raw: &str) -> Option<Oneway> {
    let s = raw.trim();
    let d = match s.to_ascii_lowercase().as_str() {
        "yes" | "true" | "1" => Direction::Forward,
        "-1" | "reverse" => Direction::Backward,
        "no" | "false" | "0" | "alternating" => Direction::Both,
        "reversible" => return Some(Oneway::Reversible),
        // Geofabrik: F = only in digitising direction, T = only against, B = both.
        // Case-sensitive, so `f`/`t` are not taken for false/true.
        _ => match s {
            "F" => Direction::Forward,
            "T" => Direction::Backward,
            "B" => Direction::Both,
            _ => return None,
        },
    };
    Some(Oneway::Direction(d))
}

/// Parse a ferry `duration` into seconds: `HH:MM`, `HH:MM:SS`, `MM`
/// (minutes), or ISO 8601 `PT1H5M` / `P1DT2H` / `PT30S`.
pub fn parse_duration_s(raw: &str) -> Option<f64> {
    let s = raw.trim();
    let secs = if let Some(iso) = s.strip_prefix('P').or_else(|| s.strip_prefix('p')) {
        let mut total = 0.0;
        let mut num = String::new();
        let mut in_time = false;
        let mut any = false;
        for c in iso.chars() {
            match c.to_ascii_uppercase() {
                'T' if num.is_empty() && !in_time => in_time = true,
                d if d.is_ascii_digit() || d == '.' || d == ',' => {
                    num.push(if d == ',' { '.' } else { d })
                }
                u => {
                    let v: f64 = num.parse().ok()?;
                    num.clear();
                    total += v * match (u, in_time) {
                        ('D', false) => 86_400.0,
                        ('W', false) => 604_800.0,
                        ('H', true) => 3600.0,
                        ('M', true) => 60.0,
                        ('S', true) => 1.0,
                        _ => return None,
                    };
                    any = true;
                }
            }
        }
        if !num.is_empty() || !any {
            return None;
        }
        total
    } else {
        let parts: Vec<&str> = s.split(':').collect();
        let nums: Vec<f64> = parts
            .iter()
            .map(|p| {
                let p = p.trim();
                if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit() || c == '.') {
                    None
                } else {
                    p.parse::<f64>().ok()
                }
            })
            .collect::<Option<Vec<_>>>()?;
        match nums[..] {
            [m] => m * 60.0,
            [h, m] if m < 60.0 => h * 3600.0 + m * 60.0,
            [h, m, sec] if m < 60.0 && sec < 60.0 => h * 3600.0 + m * 60.0 + sec,
            _ => return None,
        }
    };
    (secs.is_finite() && secs > 0.0).then_some(secs)
}

/// Why a way is not in the network. The names are the report's keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// No `highway` a car may use (footway, path, cycleway, ...; also
    /// `route=ferry` absent), or a class switched off in the profile.
    NotCarClass,
    /// `access`/`vehicle`/`motor_vehicle`/`motorcar` forbid cars.
    Access,
    /// `oneway=reversible`.
    Reversible,
    /// A ferry that does not carry cars by `vehicle` or `access` (`vehicle=no`,
    /// `access=private`, ...).
    FerryNoCars,
    /// A ferry whose `motorcar` forbids cars (`motorcar=no`, ...).
    FerryMotorcarNo,
    /// A ferry whose `motor_vehicle` forbids cars (`motor_vehicle=no`, ...).
    FerryMotorVehicleNo,
    /// A hovercraft (`transport=hovercraft` or `hovercraft=yes`): passengers only.
    FerryHovercraft,
    /// `foot=yes` (or `designated`) with none of `motorcar`, `motor_vehicle`,
    /// `vehicle` `yes` or `designated`: a passenger ferry.
    FerryFootOnly,
    /// `area=yes`: the outline of a square, car park or pedestrian area, not a road line.
    Area,
    /// Walking: no `highway` a pedestrian may use (`construction`,
    /// `proposed`, `bus_guideway`, `raceway`, ... or none at all).
    NotFootClass,
    /// Walking: a motorway or motorway slip road.
    Motorway,
    /// Walking: `foot=no` (or `private`, `use_sidepath`).
    FootNo,
    /// Walking: a ferry that does not carry foot passengers (`foot=no`, or
    /// `access=no`/`private` without `foot=yes`).
    FerryNoFoot,
}

impl Exclusion {
    pub fn as_str(self) -> &'static str {
        match self {
            Exclusion::NotCarClass => "not_car_class",
            Exclusion::Access => "access",
            Exclusion::Reversible => "reversible",
            Exclusion::FerryNoCars => "ferry_no_cars",
            Exclusion::FerryMotorcarNo => "ferry_motorcar_no",
            Exclusion::FerryMotorVehicleNo => "ferry_motor_vehicle_no",
            Exclusion::FerryHovercraft => "ferry_hovercraft",
            Exclusion::FerryFootOnly => "ferry_foot_only",
            Exclusion::Area => "area",
            Exclusion::NotFootClass => "not_foot_class",
            Exclusion::Motorway => "motorway",
            Exclusion::FootNo => "foot_no",
            Exclusion::FerryNoFoot => "ferry_no_foot",
        }
    }
}

/// Tag values that, on the most specific access tag present, keep cars out.
const NO_CARS: [&str; 6] = [
    "no",
    "private",
    "agricultural",
    "forestry",
    "delivery",
    "discouraged_no",
];

/// True when the most specific access tag present forbids cars. From most to
/// least specific: `motorcar`, `motor_vehicle`, `vehicle`, `access`. A list
/// (`agricultural;forestry`) forbids only when every part does.
pub fn access_forbids<'t>(tag: &impl Fn(&str) -> Option<&'t str>) -> bool {
    forbidding_key(tag).is_some()
}

/// The access key that keeps cars out ([`access_forbids`]'s rule), if any.
fn forbidding_key<'t>(tag: &impl Fn(&str) -> Option<&'t str>) -> Option<&'static str> {
    for key in ["motorcar", "motor_vehicle", "vehicle", "access"] {
        if let Some(v) = tag(key) {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            let forbids = v
                .split(';')
                .all(|p| NO_CARS.contains(&p.trim().to_ascii_lowercase().as_str()));
            return forbids.then_some(key);
        }
    }
    None
}

/// Why a ferry carries no cars, if it does not: a hovercraft; an access tag
/// forbidding cars (the reason names the key: `motorcar`, `motor_vehicle`,
/// else `ferry_no_cars`); or `foot=yes`/`designated` with no vehicle key
/// (`motorcar`, `motor_vehicle`, `vehicle`) saying `yes` or `designated`.
fn ferry_exclusion<'t>(tag: &impl Fn(&str) -> Option<&'t str>) -> Option<Exclusion> {
    let is = |key: &str, values: &[&str]| {
        tag(key).is_some_and(|v| values.contains(&v.trim().to_ascii_lowercase().as_str()))
    };
    if is("transport", &["hovercraft"]) || is("hovercraft", &["yes"]) {
        return Some(Exclusion::FerryHovercraft);
    }
    match forbidding_key(tag) {
        Some("motorcar") => return Some(Exclusion::FerryMotorcarNo),
        Some("motor_vehicle") => return Some(Exclusion::FerryMotorVehicleNo),
        Some(_) => return Some(Exclusion::FerryNoCars),
        None => {}
    }
    let allowed = ["yes", "designated"];
    let cars = ["motorcar", "motor_vehicle", "vehicle"]
        .iter()
        .any(|k| is(k, &allowed));
    (is("foot", &allowed) && !cars).then_some(Exclusion::FerryFootOnly)
}

/// The attributes a usable way gets from the profile.
#[derive(Clone, Debug, PartialEq)]
pub struct WayAttrs {
    pub class: RoadClass,
    pub direction: Direction,
    pub speed_kph: f64,
    /// A ferry's `duration` plus its wait ([`CarProfile::ferry_wait_s`]);
    /// `None` for roads and for ferries without a `duration`, whose time the
    /// network's finishing step sets from the length.
    pub fixed_seconds: Option<f64>,
    pub name: String,
}

/// Things about a usable way that were carried on with, counted in the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quirk {
    /// `maxspeed` present but not understood: class default used.
    MaxspeedUnparsed,
    /// `oneway` present but not understood: both directions.
    OnewayUnparsed,
    /// A ferry without a parsable `duration`: `ferry_speed_kph` used (and the
    /// flat `ferry_wait_min`, added when the network is finished).
    FerryWithoutDuration,
    /// A ferry with a `duration` and a parsable `interval`: half the
    /// interval is its wait.
    FerryWaitFromInterval,
    /// A ferry whose `interval` is present but not understood: the flat
    /// `ferry_wait_min` is its wait.
    FerryIntervalUnparsed,
    /// Speed from a signed `maxspeed`.
    SpeedFromMaxspeed,
    /// Speed from an explicit `speed_kph`.
    SpeedFromSpeedKph,
    /// Speed from the class default.
    SpeedFromClassDefault,
    /// A `maxspeed` outside [`SPEED_MIN_KPH`]–[`SPEED_MAX_KPH`] (`9999 mph`):
    /// class default used.
    MaxspeedImplausible,
    /// A `speed_kph` outside [`SPEED_MIN_KPH`]–[`SPEED_MAX_KPH`]: class
    /// default used.
    SpeedKphImplausible,
}

impl Quirk {
    pub fn as_str(self) -> &'static str {
        match self {
            Quirk::MaxspeedUnparsed => "maxspeed_unparsed",
            Quirk::OnewayUnparsed => "oneway_unparsed",
            Quirk::FerryWithoutDuration => "ferry_without_duration",
            Quirk::FerryWaitFromInterval => "ferry_wait_from_interval",
            Quirk::FerryIntervalUnparsed => "ferry_interval_unparsed",
            Quirk::SpeedFromMaxspeed => "speed_from_maxspeed",
            Quirk::SpeedFromSpeedKph => "speed_from_speed_kph",
            Quirk::SpeedFromClassDefault => "speed_from_class_default",
            Quirk::MaxspeedImplausible => "maxspeed_implausible",
            Quirk::SpeedKphImplausible => "speed_kph_implausible",
        }
    }
}

impl CarProfile {
    pub fn usable(&self, class: RoadClass) -> bool {
        self.classes.get(&class).copied().unwrap_or(false)
    }

    /// Class default speed in km/h (before factors).
    pub fn class_speed_kph(&self, class: RoadClass) -> f64 {
        self.speeds_kph.get(&class).copied().unwrap_or(30.0)
    }

    fn factor(&self, class: RoadClass) -> f64 {
        self.speed_factor * self.class_factors.get(&class).copied().unwrap_or(1.0)
    }

    /// The limit in km/h a `maxspeed` stands for on a road of `class`
    /// (`None` for `none`: use the class default).
    pub fn limit_kph(&self, m: MaxSpeed, class: RoadClass) -> Option<f64> {
        Some(match m {
            MaxSpeed::Kph(v) => v,
            MaxSpeed::National => match class {
                RoadClass::Motorway | RoadClass::MotorwayLink => self.motorway_limit_kph,
                _ => self.nsl_single_kph,
            },
            MaxSpeed::NslSingle => self.nsl_single_kph,
            MaxSpeed::NslDual => self.nsl_dual_kph,
            MaxSpeed::Motorway => self.motorway_limit_kph,
            MaxSpeed::NslRestricted => self.nsl_restricted_kph,
            MaxSpeed::Walk => self.walk_kph,
            MaxSpeed::NoLimit => return None,
        })
    }

    /// The boarding and waiting time of a ferry crossing, seconds: half its
    /// `interval` (the headway between departures, OSM key `interval`, same
    /// formats as `duration`) when known, else `ferry_wait_min`.
    pub fn ferry_wait_s(&self, interval_s: Option<f64>) -> f64 {
        interval_s.map_or(self.ferry_wait_min * 60.0, |i| i / 2.0)
    }

    /// Decide whether a way is usable and with what attributes, from its tags.
    /// `tag(key)` looks a tag up (OSM keys: `highway`, `route`, `maxspeed`,
    /// `oneway`, `junction`, access keys, `duration`, `name`, `ref`, and the
    /// non-OSM `speed_kph`). `quirks` collects what was carried on with.
    /// `speed_kph` must already be validated by the caller (finite, > 0).
    pub fn classify<'t>(
        &self,
        tag: impl Fn(&str) -> Option<&'t str>,
        speed_kph: Option<f64>,
        quirks: &mut Vec<Quirk>,
    ) -> std::result::Result<WayAttrs, Exclusion> {
        let class = way_class(&tag, speed_kph);
        let Some(class) = class.filter(|&c| self.usable(c)) else {
            return Err(Exclusion::NotCarClass);
        };
        if class != RoadClass::Ferry && tag("area").is_some_and(|a| a.trim() == "yes") {
            return Err(Exclusion::Area);
        }
        if class == RoadClass::Ferry {
            if let Some(e) = ferry_exclusion(&tag) {
                return Err(e);
            }
        } else if access_forbids(&tag) {
            return Err(Exclusion::Access);
        }
        let direction = way_direction(&tag, class, quirks)?;
        if class == RoadClass::Ferry {
            return Ok(self.ferry_attrs(&tag, direction, quirks));
        }
        Ok(WayAttrs {
            class,
            direction,
            speed_kph: self.way_speed_kph(&tag, class, speed_kph, quirks),
            fixed_seconds: None,
            name: way_name(&tag),
        })
    }

    /// A ferry's attributes: its `duration` plus its wait as a fixed time,
    /// else `ferry_speed_kph` (the wait is added when the network is
    /// finished). The walking profile times ferries the same way.
    pub(crate) fn ferry_attrs<'t>(
        &self,
        tag: &impl Fn(&str) -> Option<&'t str>,
        direction: Direction,
        quirks: &mut Vec<Quirk>,
    ) -> WayAttrs {
        let fixed = tag("duration").and_then(parse_duration_s);
        let raw_interval = tag("interval").map(str::trim).filter(|v| !v.is_empty());
        let interval = raw_interval.and_then(parse_duration_s);
        if raw_interval.is_some() && interval.is_none() {
            quirks.push(Quirk::FerryIntervalUnparsed);
        }
        if fixed.is_none() {
            quirks.push(Quirk::FerryWithoutDuration);
        } else if interval.is_some() {
            quirks.push(Quirk::FerryWaitFromInterval);
        }
        WayAttrs {
            class: RoadClass::Ferry,
            direction,
            speed_kph: self.ferry_speed_kph,
            fixed_seconds: fixed.map(|s| s + self.ferry_wait_s(interval)),
            name: way_name(tag),
        }
    }

    /// A road's speed: its `speed_kph`, else its `maxspeed` limit, else its
    /// class's default, times the class factor.
    fn way_speed_kph<'t>(
        &self,
        tag: &impl Fn(&str) -> Option<&'t str>,
        class: RoadClass,
        speed_kph: Option<f64>,
        quirks: &mut Vec<Quirk>,
    ) -> f64 {
        let f = self.factor(class);
        let speed_kph = speed_kph.filter(|&v| {
            let ok = plausible_kph(v);
            if !ok {
                quirks.push(Quirk::SpeedKphImplausible);
            }
            ok
        });
        if let Some(v) = speed_kph {
            quirks.push(Quirk::SpeedFromSpeedKph);
            v * f
        } else {
            let limit = match tag("maxspeed").map(str::trim).filter(|s| !s.is_empty()) {
                Some(raw) => match parse_maxspeed(raw) {
                    Some(MaxSpeed::Kph(v)) if !plausible_kph(v) => {
                        quirks.push(Quirk::MaxspeedImplausible);
                        None
                    }
                    Some(m) => self.limit_kph(m, class),
                    None => {
                        quirks.push(Quirk::MaxspeedUnparsed);
                        None
                    }
                },
                None => None,
            };
            match limit {
                Some(l) => {
                    quirks.push(Quirk::SpeedFromMaxspeed);
                    l * self.maxspeed_factor * f
                }
                None => {
                    quirks.push(Quirk::SpeedFromClassDefault);
                    self.class_speed_kph(class) * f
                }
            }
        }
    }

    /// Read a profile override file (TOML, or JSON when the name ends in
    /// `.json`) over the defaults. Unknown keys are errors naming the file.
    pub fn from_file(path: &Path) -> Result<CarProfile> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read the car profile", path.display()))?;
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let file: ProfileFile = if is_json {
            serde_json::from_str(&text).map_err(|e| {
                anyhow!(
                    "{}: line {}, column {}: {e}",
                    path.display(),
                    e.line(),
                    e.column()
                )
            })?
        } else {
            toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?
        };
        let mut p = CarProfile::default();
        file.apply(&mut p)
            .with_context(|| format!("{}: car profile", path.display()))?;
        Ok(p)
    }

    /// Parse overrides from TOML text (for tests and embedding).
    pub fn from_toml_str(text: &str) -> Result<CarProfile> {
        let file: ProfileFile = toml::from_str(text).map_err(|e| anyhow!("{e}"))?;
        let mut p = CarProfile::default();
        file.apply(&mut p)?;
        Ok(p)
    }
}

/// A TOML error as one line, `FILE:LINE:COL: message` (the parser's own
/// text spans several lines with a drawing of the spot).
pub fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> anyhow::Error {
    let msg = e.message().trim().replace('\n', "; ");
    match e.span() {
        Some(span) => {
            let before = &text.as_bytes()[..span.start.min(text.len())];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let col = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
            anyhow!("{}:{line}:{col}: {msg}", path.display())
        }
        None => anyhow!("{}: {msg}", path.display()),
    }
}

/// A way's `name`, else its `ref`, else empty.
pub(crate) fn way_name<'t>(tag: &impl Fn(&str) -> Option<&'t str>) -> String {
    tag("name")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .or_else(|| tag("ref").map(str::trim).filter(|s| !s.is_empty()))
        .unwrap_or("")
        .to_string()
}

/// A way's road class from `highway` (or `route=ferry`); a way with only
/// `speed_kph` is a road of unknown class.
fn way_class<'t>(
    tag: &impl Fn(&str) -> Option<&'t str>,
    speed_kph: Option<f64>,
) -> Option<RoadClass> {
    let highway = tag("highway").map(str::trim).filter(|s| !s.is_empty());
    let is_ferry = tag("route").is_some_and(|r| r.trim() == "ferry");
    match highway.and_then(RoadClass::parse) {
        Some(c) if c != RoadClass::Ferry && c != RoadClass::Other => Some(c),
        _ if is_ferry => Some(RoadClass::Ferry),
        _ if highway.is_none() && speed_kph.is_some() => Some(RoadClass::Other),
        _ => None,
    }
}

/// A way's direction from `oneway`, else as implied by its class and
/// `junction=roundabout`; reversible ways are excluded.
fn way_direction<'t>(
    tag: &impl Fn(&str) -> Option<&'t str>,
    class: RoadClass,
    quirks: &mut Vec<Quirk>,
) -> std::result::Result<Direction, Exclusion> {
    let roundabout = tag("junction")
        .is_some_and(|j| matches!(j.trim(), "roundabout" | "circular" | "mini_roundabout"));
    Ok(
        match tag("oneway").map(str::trim).filter(|s| !s.is_empty()) {
            Some(v) => match parse_oneway(v) {
                Some(Oneway::Direction(d)) => d,
                Some(Oneway::Reversible) => return Err(Exclusion::Reversible),
                None => {
                    quirks.push(Quirk::OnewayUnparsed);
                    implied_direction(class, roundabout)
                }
            },
            None => implied_direction(class, roundabout),
        },
    )
}

fn implied_direction(class: RoadClass, roundabout: bool) -> Direction {
    if roundabout || class == RoadClass::Motorway {
        Direction::Forward
    } else {
        Direction::Both
    }
}

/// The override file: every key optional, unknown keys rejected.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    #[serde(default)]
    speeds: BTreeMap<String, f64>,
    #[serde(default)]
    classes: BTreeMap<String, bool>,
    #[serde(default)]
    class_factors: BTreeMap<String, f64>,
    maxspeed_factor: Option<f64>,
    speed_factor: Option<f64>,
    nsl_single_kph: Option<f64>,
    nsl_dual_kph: Option<f64>,
    motorway_limit_kph: Option<f64>,
    nsl_restricted_kph: Option<f64>,
    walk_kph: Option<f64>,
    ferry_speed_kph: Option<f64>,
    ferry_wait_min: Option<f64>,
    #[serde(alias = "off_road_kph")]
    off_road_speed_kph: Option<f64>,
    max_snap_m: Option<f64>,
}

fn class_key(table: &str, key: &str) -> Result<RoadClass> {
    RoadClass::parse(key).ok_or_else(|| {
        anyhow!(
            "[{table}]: unknown road class `{key}`; expected one of {}",
            RoadClass::ALL.map(RoadClass::as_str).join(", ")
        )
    })
}

/// A profile value inside its range (`lo` excluded when `open`).
fn within(what: &str, v: f64, (lo, open, hi): (f64, bool, f64)) -> Result<f64> {
    let above = if open { v > lo } else { v >= lo };
    if v.is_finite() && above && v <= hi {
        Ok(v)
    } else {
        let l = if open { '(' } else { '[' };
        bail!("{what} = {}: must be in {l}{lo}, {hi}]", number(v))
    }
}

/// The range of a speed, km/h.
const SPEED: (f64, bool, f64) = (SPEED_MIN_KPH, false, SPEED_MAX_KPH);
/// The range of a factor.
const FACTOR: (f64, bool, f64) = (0.0, true, FACTOR_MAX);

impl ProfileFile {
    fn apply(self, p: &mut CarProfile) -> Result<()> {
        let ferry_in_speeds = self.speeds.get("ferry").copied();
        for (k, v) in self.speeds {
            let c = class_key("speeds", &k)?;
            p.speeds_kph
                .insert(c, within(&format!("speeds.{k}"), v, SPEED)?);
        }
        for (k, v) in self.classes {
            p.classes.insert(class_key("classes", &k)?, v);
        }
        for (k, v) in self.class_factors {
            let c = class_key("class_factors", &k)?;
            p.class_factors
                .insert(c, within(&format!("class_factors.{k}"), v, FACTOR)?);
        }
        let scalars = [
            (
                "maxspeed_factor",
                self.maxspeed_factor,
                &mut p.maxspeed_factor,
                FACTOR,
            ),
            (
                "speed_factor",
                self.speed_factor,
                &mut p.speed_factor,
                FACTOR,
            ),
            (
                "nsl_single_kph",
                self.nsl_single_kph,
                &mut p.nsl_single_kph,
                SPEED,
            ),
            (
                "nsl_dual_kph",
                self.nsl_dual_kph,
                &mut p.nsl_dual_kph,
                SPEED,
            ),
            (
                "motorway_limit_kph",
                self.motorway_limit_kph,
                &mut p.motorway_limit_kph,
                SPEED,
            ),
            (
                "nsl_restricted_kph",
                self.nsl_restricted_kph,
                &mut p.nsl_restricted_kph,
                SPEED,
            ),
            ("walk_kph", self.walk_kph, &mut p.walk_kph, SPEED),
            (
                "ferry_speed_kph",
                self.ferry_speed_kph,
                &mut p.ferry_speed_kph,
                SPEED,
            ),
            (
                "ferry_wait_min",
                self.ferry_wait_min,
                &mut p.ferry_wait_min,
                (0.0, false, FERRY_WAIT_MAX_MIN),
            ),
            (
                "off_road_speed_kph",
                self.off_road_speed_kph,
                &mut p.off_road_kph,
                SPEED,
            ),
            (
                "max_snap_m",
                self.max_snap_m,
                &mut p.max_snap_m,
                (0.0, true, SNAP_MAX_M),
            ),
        ];
        for (name, v, slot, range) in scalars {
            if let Some(v) = v {
                *slot = within(name, v, range)?;
            }
        }
        // `[speeds] ferry` and `ferry_speed_kph` are one setting; the latter wins.
        if self.ferry_speed_kph.is_none()
            && let Some(v) = ferry_in_speeds
        {
            p.ferry_speed_kph = v;
        }
        p.speeds_kph.insert(RoadClass::Ferry, p.ferry_speed_kph);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kph(s: &str) -> f64 {
        match parse_maxspeed(s) {
            Some(MaxSpeed::Kph(v)) => v,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn maxspeed_real_world_values() {
        assert_eq!(kph("50"), 50.0);
        assert_eq!(kph(" 50 km/h"), 50.0);
        assert_eq!(kph("50kmh"), 50.0);
        assert!((kph("30 mph") - 48.28032).abs() < 1e-9);
        assert!((kph("30mph") - 48.28032).abs() < 1e-9);
        assert!((kph("20 MPH") - 32.18688).abs() < 1e-9);
        assert!((kph("10 knots") - 18.52).abs() < 1e-9);
        // Lists: the lower.
        assert_eq!(kph("30;40"), 30.0);
        assert!((kph("40 mph; 30 mph") - 48.28032).abs() < 1e-9);
        assert_eq!(parse_maxspeed("national"), Some(MaxSpeed::National));
        assert_eq!(parse_maxspeed("GB:nsl_single"), Some(MaxSpeed::NslSingle));
        assert_eq!(parse_maxspeed("gb:nsl_dual"), Some(MaxSpeed::NslDual));
        assert_eq!(parse_maxspeed("UK:nsl_single"), Some(MaxSpeed::NslSingle));
        assert_eq!(parse_maxspeed("GB:motorway"), Some(MaxSpeed::Motorway));
        assert_eq!(
            parse_maxspeed("GB:nsl_restricted"),
            Some(MaxSpeed::NslRestricted)
        );
        assert_eq!(parse_maxspeed("walk"), Some(MaxSpeed::Walk));
        assert_eq!(parse_maxspeed("none"), Some(MaxSpeed::NoLimit));
        for bad in [
            "signals",
            "variable",
            "",
            "0",
            "-30",
            "30 mhp",
            "fast",
            "30;signals",
            "1e999",
        ] {
            assert_eq!(parse_maxspeed(bad), None, "{bad}");
        }
    }

    #[test]
    fn oneway_values() {
        use Direction::*;
        let d = |s| parse_oneway(s);
        for (s, want) in [
            ("yes", Forward),
            ("true", Forward),
            ("1", Forward),
            ("-1", Backward),
            ("reverse", Backward),
            ("no", Both),
            ("false", Both),
            ("F", Forward),
            ("T", Backward),
            ("B", Both),
            ("YES", Forward),
        ] {
            assert_eq!(d(s), Some(Oneway::Direction(want)), "{s}");
        }
        assert_eq!(d("reversible"), Some(Oneway::Reversible));
        assert_eq!(d("f"), None);
        assert_eq!(d("yes;no"), None);
    }

    #[test]
    fn durations() {
        for (s, want) in [
            ("01:05", 3900.0),
            ("1:05", 3900.0),
            ("00:45:30", 2730.0),
            ("45", 2700.0),
            ("PT1H5M", 3900.0),
            ("PT45M", 2700.0),
            ("PT30S", 30.0),
            ("PT1H", 3600.0),
            ("P1DT2H", 93_600.0),
            ("PT0.5H", 1800.0),
        ] {
            assert_eq!(parse_duration_s(s), Some(want), "{s}");
        }
        for bad in [
            "", "1:75", "abc", "PT", "P1H", "PT1X", "0", "00:00", "1h", "1::2", "-5",
        ] {
            assert_eq!(parse_duration_s(bad), None, "{bad}");
        }
    }

    fn tags<'a>(kv: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<&'a str> {
        move |k| kv.iter().find(|(kk, _)| *kk == k).map(|(_, v)| *v)
    }

    fn classify(kv: &[(&str, &str)]) -> std::result::Result<WayAttrs, Exclusion> {
        CarProfile::default().classify(tags(kv), None, &mut Vec::new())
    }

    #[test]
    fn access_most_specific_wins() {
        let r = |kv: &[(&str, &str)]| classify(kv).map(|_| ());
        assert_eq!(
            r(&[("highway", "residential"), ("access", "private")]),
            Err(Exclusion::Access)
        );
        assert_eq!(
            r(&[
                ("highway", "residential"),
                ("access", "no"),
                ("motorcar", "yes")
            ]),
            Ok(())
        );
        assert_eq!(
            r(&[
                ("highway", "residential"),
                ("access", "yes"),
                ("motor_vehicle", "agricultural;forestry")
            ]),
            Err(Exclusion::Access)
        );
        assert_eq!(
            r(&[("highway", "residential"), ("vehicle", "destination")]),
            Ok(())
        );
        assert_eq!(r(&[("highway", "footway")]), Err(Exclusion::NotCarClass));
        assert_eq!(
            r(&[("highway", "service"), ("area", "yes")]),
            Err(Exclusion::Area)
        );
        assert_eq!(r(&[("highway", "service"), ("area", "no")]), Ok(()));
        assert_eq!(r(&[("highway", "track")]), Err(Exclusion::NotCarClass));
        assert_eq!(
            r(&[("route", "ferry"), ("motorcar", "no")]),
            Err(Exclusion::FerryMotorcarNo)
        );
        assert_eq!(
            r(&[("highway", "service"), ("oneway", "reversible")]),
            Err(Exclusion::Reversible)
        );
    }

    /// Each passenger-ferry rule on its own, and the Isle of Wight ferries
    /// as tagged in isle-of-wight-2015-01.osm.pbf (ways 368066, 614415,
    /// 1881513, 1886910 carry cars; 614416, 7963408, 24977316, 134124129 do not).
    #[test]
    fn passenger_ferries_are_excluded_by_reason() {
        use Exclusion::*;
        let r = |kv: &[(&str, &str)]| classify(kv).map(|a| a.class);
        let ferry = |extra: &[(&'static str, &'static str)]| {
            let mut kv = vec![("route", "ferry"), ("duration", "0:20")];
            kv.extend_from_slice(extra);
            r(&kv)
        };
        assert_eq!(ferry(&[]), Ok(RoadClass::Ferry));
        assert_eq!(ferry(&[("transport", "hovercraft")]), Err(FerryHovercraft));
        assert_eq!(ferry(&[("hovercraft", "yes")]), Err(FerryHovercraft));
        assert_eq!(ferry(&[("motorcar", "no")]), Err(FerryMotorcarNo));
        assert_eq!(ferry(&[("motorcar", "private")]), Err(FerryMotorcarNo));
        assert_eq!(ferry(&[("motor_vehicle", "no")]), Err(FerryMotorVehicleNo));
        assert_eq!(ferry(&[("vehicle", "no")]), Err(FerryNoCars));
        assert_eq!(ferry(&[("access", "private")]), Err(FerryNoCars));
        assert_eq!(ferry(&[("foot", "yes")]), Err(FerryFootOnly));
        assert_eq!(ferry(&[("foot", "designated")]), Err(FerryFootOnly));
        assert_eq!(
            ferry(&[("foot", "yes"), ("bicycle", "yes"), ("hgv", "yes")]),
            Err(FerryFootOnly)
        );
        // A car allowed by the most specific key wins over a wider `no`.
        assert_eq!(
            ferry(&[("motor_vehicle", "no"), ("motorcar", "yes")]),
            Ok(RoadClass::Ferry)
        );
        for car in ["motorcar", "motor_vehicle", "vehicle"] {
            for v in ["yes", "designated"] {
                assert_eq!(ferry(&[("foot", "yes"), (car, v)]), Ok(RoadClass::Ferry));
            }
        }
        assert_eq!(
            ferry(&[("foot", "yes"), ("motorcar", "destination")]),
            Err(FerryFootOnly)
        );
        // foot=no is not a passenger ferry.
        assert_eq!(ferry(&[("foot", "no")]), Ok(RoadClass::Ferry));
        // The rules are for ferries: a road with foot=yes is a road.
        assert_eq!(
            r(&[("highway", "residential"), ("foot", "yes")]),
            Ok(RoadClass::Residential)
        );
        type Case<'a> = (
            &'a [(&'a str, &'a str)],
            std::result::Result<RoadClass, Exclusion>,
        );
        let iow: [Case; 8] = [
            (
                &[("foot", "yes"), ("motorcar", "yes"), ("hgv", "yes")],
                Ok(RoadClass::Ferry),
            ),
            (
                &[("foot", "yes"), ("motorcar", "yes"), ("toll", "yes")],
                Ok(RoadClass::Ferry),
            ),
            (
                &[("foot", "yes"), ("motorcar", "yes"), ("hgv", "no")],
                Ok(RoadClass::Ferry),
            ),
            (
                &[("foot", "yes"), ("motor_vehicle", "yes")],
                Ok(RoadClass::Ferry),
            ),
            (&[("foot", "yes"), ("motorcar", "no")], Err(FerryMotorcarNo)),
            (&[("foot", "yes")], Err(FerryFootOnly)),
            (
                &[("foot", "yes"), ("motor_vehicle", "no")],
                Err(FerryMotorVehicleNo),
            ),
            (
                &[("foot", "yes"), ("transport", "hovercraft")],
                Err(FerryHovercraft),
            ),
        ];
        for (kv, want) in iow {
            assert_eq!(ferry(kv), want, "{kv:?}");
        }
    }

    #[test]
    fn ferry_wait_flat_or_half_the_interval() {
        let timed = |kv: &[(&str, &str)]| classify(kv).unwrap().fixed_seconds;
        // 20 min sailing + 10 min flat wait.
        assert_eq!(
            timed(&[("route", "ferry"), ("duration", "0:20")]),
            Some(1800.0)
        );
        // The fixed time and the quirks counted, with the default profile.
        let with_quirks = |kv: &[(&str, &str)]| {
            let mut q = Vec::new();
            let a = CarProfile::default()
                .classify(tags(kv), None, &mut q)
                .unwrap();
            (a.fixed_seconds, q)
        };
        // Half a 30-minute headway.
        let (t, q) = with_quirks(&[
            ("route", "ferry"),
            ("duration", "0:20"),
            ("interval", "00:30"),
        ]);
        assert_eq!(t, Some(2100.0));
        assert_eq!(q, vec![Quirk::FerryWaitFromInterval]);
        // An unparsable interval: the flat wait, counted.
        assert_eq!(
            timed(&[
                ("route", "ferry"),
                ("duration", "0:20"),
                ("interval", "hourly")
            ]),
            Some(1800.0)
        );
        let (t, q) = with_quirks(&[
            ("route", "ferry"),
            ("duration", "0:20"),
            ("interval", "hourly"),
        ]);
        assert_eq!(t, Some(1800.0));
        assert_eq!(q, vec![Quirk::FerryIntervalUnparsed]);
        // No duration: no fixed time yet (the network's finishing step adds it).
        assert_eq!(timed(&[("route", "ferry")]), None);
        let p = CarProfile::from_toml_str("ferry_wait_min = 0").unwrap();
        let a = p
            .classify(
                tags(&[("route", "ferry"), ("duration", "0:20")]),
                None,
                &mut Vec::new(),
            )
            .unwrap();
        assert_eq!(a.fixed_seconds, Some(1200.0));
        let p = CarProfile::from_toml_str("ferry_wait_min = 25").unwrap();
        assert_eq!(p.ferry_wait_s(None), 1500.0);
        assert_eq!(p.ferry_wait_s(Some(3600.0)), 1800.0);
        for bad in [
            "ferry_wait_min = -1",
            "ferry_wait_min = 1441",
            "ferry_wait_min = nan",
        ] {
            let e = CarProfile::from_toml_str(bad).unwrap_err();
            assert!(format!("{e:#}").contains("ferry_wait_min"), "{e:#}");
        }
    }

    #[test]
    fn speeds_and_directions() {
        let p = CarProfile::default();
        // 30 mph × 0.85.
        let a = classify(&[("highway", "residential"), ("maxspeed", "30 mph")]).unwrap();
        assert!((a.speed_kph - 48.28032 * 0.85).abs() < 1e-9);
        let a = classify(&[("highway", "primary"), ("maxspeed", "national")]).unwrap();
        assert!((a.speed_kph - p.nsl_single_kph * 0.85).abs() < 1e-9);
        let a = classify(&[("highway", "motorway"), ("maxspeed", "national")]).unwrap();
        assert!((a.speed_kph - p.motorway_limit_kph * 0.85).abs() < 1e-9);
        assert_eq!(a.direction, Direction::Forward);
        let a = classify(&[("highway", "motorway"), ("oneway", "no")]).unwrap();
        assert_eq!(a.direction, Direction::Both);
        assert_eq!(a.speed_kph, 105.0);
        let a = classify(&[("highway", "tertiary"), ("junction", "roundabout")]).unwrap();
        assert_eq!(a.direction, Direction::Forward);
        let mut q = Vec::new();
        let a = p
            .classify(
                tags(&[("highway", "secondary"), ("maxspeed", "signals")]),
                None,
                &mut q,
            )
            .unwrap();
        assert_eq!(a.speed_kph, 55.0);
        assert!(q.contains(&Quirk::MaxspeedUnparsed));
        let a = p
            .classify(tags(&[("name", "x")]), Some(22.0), &mut Vec::new())
            .unwrap();
        assert_eq!((a.class, a.speed_kph), (RoadClass::Other, 22.0));
        let a = classify(&[("route", "ferry"), ("duration", "PT1H5M")]).unwrap();
        assert_eq!(
            (a.class, a.fixed_seconds),
            (RoadClass::Ferry, Some(3900.0 + 600.0))
        );
        let a = classify(&[("highway", "residential"), ("ref", "B1234")]).unwrap();
        assert_eq!(a.name, "B1234");
    }

    #[test]
    fn override_file() {
        let p = CarProfile::from_toml_str(
            "speed_factor = 0.9\noff_road_speed_kph = 10\n[speeds]\nresidential = 20\n[classes]\ntrack = true\n[class_factors]\nunclassified = 0.8\n",
        )
        .unwrap();
        assert_eq!(p.speed_factor, 0.9);
        assert_eq!(p.off_road_kph, 10.0);
        assert!(p.usable(RoadClass::Track));
        let a = p
            .classify(tags(&[("highway", "residential")]), None, &mut Vec::new())
            .unwrap();
        assert!((a.speed_kph - 18.0).abs() < 1e-12);
        let a = p
            .classify(tags(&[("highway", "unclassified")]), None, &mut Vec::new())
            .unwrap();
        assert!((a.speed_kph - 40.0 * 0.9 * 0.8).abs() < 1e-12);
        let e = CarProfile::from_toml_str("sped_factor = 1").unwrap_err();
        assert!(format!("{e:#}").contains("sped_factor"), "{e:#}");
        let e = CarProfile::from_toml_str("[speeds]\nlane = 3").unwrap_err();
        assert!(format!("{e:#}").contains("lane"), "{e:#}");
        let e = CarProfile::from_toml_str("speed_factor = -1").unwrap_err();
        assert!(format!("{e:#}").contains("speed_factor"), "{e:#}");
    }
}
