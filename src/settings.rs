//! Every setting of `check` and `analyse`, declared once: its section and
//! key in `pcn-atlas.toml`, its flag, its help, its default and the rule
//! its value must keep. The CLI builds its flags from [`SETTINGS`], reads
//! the config file's `[check]` and `[drive]` sections against it, and
//! `pcn-atlas config` prints it; [`Settings`] resolves each value (flag over
//! file over default), remembers where it came from, and validates it here
//! in the library, so an error names the flag, the file and key, or the
//! default that gave the bad value.

use crate::analyse::network::{DriveOptions, HubRule, PatientSite, SiteRequest, TourSites};
use crate::analyse::transit::PtOptions;
use crate::check::adjacency::{AdjacencyOptions, Contiguity};
use crate::check::run::CheckOptions;
pub use crate::roads::profile::{SNAP_MAX_M, SPEED_MAX_KPH, SPEED_MIN_KPH, number};
use crate::transit::walk::WalkOptions;
use anyhow::{Result, anyhow, bail};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The default speed factor of the slower scenario.
pub const SLOW_FACTOR: f64 = 0.8;

/// The config file's sections that hold settings.
pub const SECTIONS: [&str; 3] = ["check", "drive", "transit"];

/// The kind of a setting's value.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Int,
    Float,
    /// One of these words; the first spelling of each is canonical, the
    /// others (after `|`) are accepted aliases.
    Choice(&'static [&'static str]),
    /// A folder; in the config file, relative to the file's folder.
    Dir,
    /// A time of day, `HH:MM` (00:00–30:00: service days run past midnight).
    Clock,
}

/// The rule a value must keep: a finite number in a stated range (the
/// ranges are listed in docs/input.md and in each flag's help).
#[derive(Clone, Copy, Debug)]
pub enum Rule {
    Any,
    /// At least the first, at most the second.
    Range(f64, f64),
    /// Above the first, at most the second.
    Above(f64, f64),
}

impl Rule {
    /// Does `v` keep the rule?
    pub fn keeps(self, v: f64) -> bool {
        match self {
            Rule::Any => true,
            Rule::Range(lo, hi) => v.is_finite() && v >= lo && v <= hi,
            Rule::Above(lo, hi) => v.is_finite() && v > lo && v <= hi,
        }
    }

    /// The range as text, `[0, 1]` or `(0, 1440]`; empty for [`Rule::Any`].
    pub fn range(self) -> String {
        match self {
            Rule::Any => String::new(),
            Rule::Range(lo, hi) => format!("[{lo}, {hi}]"),
            Rule::Above(lo, hi) => format!("({lo}, {hi}]"),
        }
    }
}

/// The largest population band limit: above every plausible sum of list
/// sizes (10,000 practices at the largest plausible list size).
pub const BAND_MAX: f64 = 1e10;
/// The longest time threshold, minutes: a day.
pub const MINUTES_MAX: f64 = 1440.0;
/// The largest adjacency tolerance, metres.
pub const TOLERANCE_MAX_M: f64 = 1000.0;
/// The most worker threads `--threads`, `threads` or `RAYON_NUM_THREADS`
/// may ask for.
pub const MAX_THREADS: usize = 256;

/// A thread count checked against [`MAX_THREADS`]; `from` names where it
/// came from (`--threads`, `FILE: threads`, `RAYON_NUM_THREADS`).
pub fn threads(n: usize, from: &str) -> Result<usize> {
    if (1..=MAX_THREADS).contains(&n) {
        Ok(n)
    } else {
        bail!("{from} = {n}: must be in [1, {MAX_THREADS}]")
    }
}

/// One setting.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub section: &'static str,
    /// The key in the config file; the flag is `--` + the key with `-`.
    pub key: &'static str,
    pub kind: Kind,
    pub rule: Rule,
    /// Shown in the flag's help.
    pub value_name: &'static str,
    pub help: &'static str,
    /// The default, from the library's own `Default`s; `None`: none (the
    /// car profile's, or no cache).
    pub default: fn() -> Option<Value>,
    /// What having no value means, for `pcn-atlas config`.
    pub unset: &'static str,
}

/// A setting's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Int(u64),
    Float(f64),
    /// A [`Kind::Choice`] word, canonical spelling.
    Word(&'static str),
    Dir(PathBuf),
    /// A [`Kind::Clock`] time: minutes after midnight.
    Clock(u32),
}

/// The latest [`Kind::Clock`] time, minutes (30:00: GTFS service days run
/// past midnight).
pub const CLOCK_MAX_MIN: u32 = 30 * 60;

/// Parse `HH:MM` (or `H:MM`) into minutes after midnight, up to 30:00.
pub fn parse_clock(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    let ok = |t: &str| !t.is_empty() && t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit());
    if !ok(h) || m.len() != 2 || !ok(m) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    let v = h * 60 + m;
    (m < 60 && v <= CLOCK_MAX_MIN).then_some(v)
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Int(v) => write!(f, "{v}"),
            Value::Float(v) => write!(f, "{v}"),
            Value::Word(w) => write!(f, "{w}"),
            Value::Dir(p) => write!(f, "{}", p.display()),
            Value::Clock(m) => write!(f, "{:02}:{:02}", m / 60, m % 60),
        }
    }
}

fn check_defaults() -> CheckOptions {
    CheckOptions::default()
}

fn drive_defaults() -> DriveOptions {
    DriveOptions::default()
}

fn pt_defaults() -> PtOptions {
    PtOptions::default()
}

fn walk_defaults() -> WalkOptions {
    WalkOptions::default()
}

/// Every setting, in the order `pcn-atlas config` prints them.
pub static SETTINGS: &[Spec] = &[
    Spec {
        section: "check",
        key: "contiguity",
        kind: Kind::Choice(&["queen", "rook"]),
        rule: Rule::Any,
        value_name: "RULE",
        help: "Adjacency rule: queen (share any point) or rook (share a boundary segment)",
        default: || Some(Value::Word("queen")),
        unset: "",
    },
    Spec {
        section: "check",
        key: "tolerance_m",
        kind: Kind::Float,
        rule: Rule::Range(0.0, TOLERANCE_MAX_M),
        value_name: "M",
        help: "Snap tolerance in metres: boundaries closer than this count as touching",
        default: || Some(Value::Float(check_defaults().adjacency.tolerance_m)),
        unset: "",
    },
    Spec {
        section: "check",
        key: "band_min",
        kind: Kind::Int,
        rule: Rule::Range(0.0, BAND_MAX),
        value_name: "N",
        help: "Lower limit of the registered-population band",
        default: || Some(Value::Int(check_defaults().band_min)),
        unset: "",
    },
    Spec {
        section: "check",
        key: "band_max",
        kind: Kind::Int,
        rule: Rule::Range(0.0, BAND_MAX),
        value_name: "N",
        help: "Upper limit of the registered-population band",
        default: || Some(Value::Int(check_defaults().band_max)),
        unset: "",
    },
    Spec {
        section: "check",
        key: "rural_threshold",
        kind: Kind::Float,
        rule: Rule::Range(0.0, 1.0),
        value_name: "SHARE",
        help: "Rural share (of registered patients, or residents) at which a PCN is RURAL",
        default: || Some(Value::Float(check_defaults().rural_threshold)),
        unset: "",
    },
    Spec {
        section: "check",
        key: "min_footprint_share",
        kind: Kind::Float,
        rule: Rule::Range(0.0, 1.0),
        value_name: "SHARE",
        help: "An area most of whose patients are at practices with no PCN goes to the PCN with most of the rest only when that PCN has at least this share of its patients",
        default: || Some(Value::Float(check_defaults().min_footprint_share)),
        unset: "",
    },
    Spec {
        section: "drive",
        key: "hub_rule",
        kind: Kind::Choice(&["median", "centre|center"]),
        rule: Rule::Any,
        value_name: "RULE",
        help: "Hub: 1-median (least list-weighted drive time to members) or 1-centre (least worst)",
        default: || Some(Value::Word("median")),
        unset: "",
    },
    Spec {
        section: "drive",
        key: "hub_max_min",
        kind: Kind::Float,
        rule: Rule::Above(0.0, MINUTES_MAX),
        value_name: "MIN",
        help: "HUB_IMPRACTICAL when a member is more than this many minutes from the hub",
        default: || Some(Value::Float(drive_defaults().hub_max_min)),
        unset: "",
    },
    Spec {
        section: "drive",
        key: "tour_max_min",
        kind: Kind::Float,
        rule: Rule::Above(0.0, MINUTES_MAX),
        value_name: "MIN",
        help: "SHARED_ROLE_IMPRACTICAL when the staff tour takes more than this many minutes",
        default: || Some(Value::Float(drive_defaults().tour_max_min)),
        unset: "",
    },
    Spec {
        section: "drive",
        key: "patient_max_min",
        kind: Kind::Float,
        rule: Rule::Above(0.0, MINUTES_MAX),
        value_name: "MIN",
        help: "PATIENT_ACCESS_BURDEN: patients more than this many minutes from the hub ...",
        default: || Some(Value::Float(drive_defaults().patient_max_min)),
        unset: "",
    },
    Spec {
        section: "drive",
        key: "patient_share_max",
        kind: Kind::Float,
        rule: Rule::Range(0.0, 1.0),
        value_name: "SHARE",
        help: "... make up more than this share of the patients",
        default: || Some(Value::Float(drive_defaults().patient_share_max)),
        unset: "",
    },
    Spec {
        section: "drive",
        key: "day_hours",
        kind: Kind::Float,
        rule: Rule::Above(0.0, 24.0),
        value_name: "H",
        help: "Length of a rotating role's working day, hours",
        default: || Some(Value::Float(drive_defaults().day_hours)),
        unset: "",
    },
    Spec {
        section: "drive",
        key: "on_site_min",
        kind: Kind::Float,
        rule: Rule::Range(0.0, MINUTES_MAX),
        value_name: "MIN",
        help: "Time on site per visit of a rotating role, minutes",
        default: || Some(Value::Float(drive_defaults().on_site_min)),
        unset: "",
    },
    Spec {
        section: "drive",
        key: "slow_factor",
        kind: Kind::Float,
        rule: Rule::Above(0.0, 1.0),
        value_name: "F",
        help: "Speed factor of the slower scenario reported beside free flow (1 turns it off)",
        default: || Some(Value::Float(SLOW_FACTOR)),
        unset: "",
    },
    Spec {
        section: "drive",
        key: "max_snap_m",
        kind: Kind::Float,
        rule: Rule::Above(0.0, SNAP_MAX_M),
        value_name: "M",
        help: "Points further than this from a usable road are unroutable [default: the profile's, 1000 m]",
        default: || None,
        unset: "",
    },
    Spec {
        section: "drive",
        key: "off_road_kph",
        kind: Kind::Float,
        rule: Rule::Range(SPEED_MIN_KPH, SPEED_MAX_KPH),
        value_name: "KPH",
        help: "Speed of the leg between a point and its road [default: the profile's, 15 km/h]",
        default: || None,
        unset: "",
    },
    Spec {
        section: "drive",
        key: "patient_site",
        kind: Kind::Choice(&["main", "nearest"]),
        rule: Rule::Any,
        value_name: "SITE",
        help: "With sites.csv (branch surgeries): patients go to their practice's main site, or to its site nearest by drive time",
        default: || None,
        unset: "nearest when the dataset has sites, else main",
    },
    Spec {
        section: "drive",
        key: "tour_sites",
        kind: Kind::Choice(&["main", "all"]),
        rule: Rule::Any,
        value_name: "SITES",
        help: "With sites.csv: the staff tour and hub run over main sites only, or every site (branches within --site-merge-min of another stop of their practice count as one)",
        default: || None,
        unset: "all when the dataset has sites, else main",
    },
    Spec {
        section: "drive",
        key: "site_merge_min",
        kind: Kind::Float,
        rule: Rule::Range(0.0, 60.0),
        value_name: "MIN",
        help: "A practice's sites within this many minutes' drive of each other (both ways) are one stop of the staff tour",
        default: || Some(Value::Float(drive_defaults().site_request.merge_min)),
        unset: "",
    },
    Spec {
        section: "drive",
        key: "cache",
        kind: Kind::Dir,
        rule: Rule::Any,
        value_name: "DIR",
        help: "Keep the prepared roads (graph and contraction hierarchy, free flow and slower) in this folder, keyed by the roads, profile and version: the next run on the same roads reads them instead of preparing them",
        default: || None,
        unset: "roads are prepared afresh",
    },
    Spec {
        section: "transit",
        key: "pt_from",
        kind: Kind::Clock,
        rule: Rule::Any,
        value_name: "HH:MM",
        help: "First departure of the public-transport window (journeys leave the area every --pt-step-min from --pt-from to --pt-to)",
        default: || Some(Value::Clock(pt_defaults().from_min)),
        unset: "",
    },
    Spec {
        section: "transit",
        key: "pt_to",
        kind: Kind::Clock,
        rule: Rule::Any,
        value_name: "HH:MM",
        help: "Last departure of the public-transport window",
        default: || Some(Value::Clock(pt_defaults().to_min)),
        unset: "",
    },
    Spec {
        section: "transit",
        key: "pt_step_min",
        kind: Kind::Int,
        rule: Rule::Range(1.0, 240.0),
        value_name: "MIN",
        help: "Minutes between the window's departures",
        default: || Some(Value::Int(pt_defaults().step_min as u64)),
        unset: "",
    },
    Spec {
        section: "transit",
        key: "pt_burden_min",
        kind: Kind::Float,
        rule: Rule::Above(0.0, MINUTES_MAX),
        value_name: "MIN",
        help: "PUBLIC_TRANSPORT_BURDEN: patients with no bus or walking journey to the hub within this many minutes ...",
        default: || Some(Value::Float(pt_defaults().burden_min)),
        unset: "",
    },
    Spec {
        section: "transit",
        key: "pt_burden_share",
        kind: Kind::Float,
        rule: Rule::Range(0.0, 1.0),
        value_name: "SHARE",
        help: "... make up more than this share of the patients",
        default: || Some(Value::Float(pt_defaults().burden_share)),
        unset: "",
    },
    Spec {
        section: "transit",
        key: "walk_speed_kph",
        kind: Kind::Float,
        rule: Rule::Range(1.0, 10.0),
        value_name: "KPH",
        help: "Walking speed, km/h (steps at half of it)",
        default: || Some(Value::Float(walk_defaults().speed_kph)),
        unset: "",
    },
    Spec {
        section: "transit",
        key: "walk_max_min",
        kind: Kind::Float,
        rule: Rule::Above(0.0, 120.0),
        value_name: "MIN",
        help: "Longest walk to the first stop or from the last stop, minutes",
        default: || Some(Value::Float(walk_defaults().max_walk_min)),
        unset: "",
    },
    Spec {
        section: "transit",
        key: "transfer_max_m",
        kind: Kind::Float,
        rule: Rule::Range(0.0, 5000.0),
        value_name: "M",
        help: "Longest walk between two stops to change buses, metres",
        default: || Some(Value::Float(walk_defaults().max_transfer_m)),
        unset: "",
    },
];

impl Spec {
    /// The flag, `--band-min`.
    pub fn flag(&self) -> String {
        format!("--{}", self.key.replace('_', "-"))
    }

    /// The canonical spellings of a choice, and every accepted spelling.
    pub fn words(&self) -> Vec<(&'static str, Vec<&'static str>)> {
        match self.kind {
            Kind::Choice(c) => c
                .iter()
                .map(|w| {
                    let all: Vec<&str> = w.split('|').collect();
                    (all[0], all)
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// A choice word in its canonical spelling.
    pub fn word(&self, s: &str) -> Option<&'static str> {
        let s = s.to_ascii_lowercase();
        self.words()
            .into_iter()
            .find(|(_, all)| all.contains(&s.as_str()))
            .map(|(w, _)| w)
    }

    /// The flag's help, with the default.
    pub fn long_help(&self) -> String {
        let range = match self.rule {
            Rule::Any => String::new(),
            r => format!(" [range: {}]", r.range()),
        };
        match (self.default)() {
            Some(v) => format!("{} [default: {v}]{range}", self.help),
            None => format!("{}{range}", self.help),
        }
    }

    /// The setting of `key` in `section`.
    pub fn find(section: &str, key: &str) -> Option<&'static Spec> {
        SETTINGS
            .iter()
            .find(|s| s.section == section && s.key == key)
    }
}

/// Where a value came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    Flag,
    /// The config file at this path.
    File(PathBuf),
    Default,
}

impl Source {
    /// For `pcn-atlas config`'s comments.
    pub fn as_str(&self) -> &'static str {
        match self {
            Source::Flag => "flag",
            Source::File(_) => "config file",
            Source::Default => "default",
        }
    }

    /// For `pcn-atlas config`'s comments: "flag", "default" or the
    /// config file's path.
    pub fn describe(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            _ => self.as_str().to_string(),
        }
    }
}

/// The `[check]` and `[drive]` sections of one or more config files, read
/// against [`SETTINGS`]. Files are read lowest precedence first; a key set
/// by a later file replaces an earlier file's (key by key: a file that does
/// not set a key leaves the earlier file's value).
#[derive(Clone, Debug, Default)]
pub struct FileValues {
    /// The last file read.
    pub path: Option<PathBuf>,
    pub values: Vec<(&'static Spec, Value)>,
    /// The file each of `values` came from.
    pub from: Vec<PathBuf>,
}

impl FileValues {
    /// Read a section's table: unknown keys and values of the wrong kind
    /// are errors naming the file, the section and the key.
    pub fn read_section(&mut self, path: &Path, section: &str, table: &toml::Table) -> Result<()> {
        for (key, v) in table {
            let spec = Spec::find(section, key).ok_or_else(|| {
                let known: Vec<&str> = SETTINGS
                    .iter()
                    .filter(|s| s.section == section)
                    .map(|s| s.key)
                    .collect();
                anyhow!(
                    "{}: [{section}] {key}: unknown setting (known: {})",
                    path.display(),
                    known.join(", ")
                )
            })?;
            let bad = |what: &str| {
                anyhow!(
                    "{}: [{section}] {key} = {v}: expected {what}",
                    path.display()
                )
            };
            let value = match (spec.kind, v) {
                (Kind::Int, toml::Value::Integer(i)) => {
                    Value::Int(u64::try_from(*i).map_err(|_| bad("a whole number ≥ 0"))?)
                }
                (Kind::Int, _) => return Err(bad("a whole number ≥ 0")),
                (Kind::Float, toml::Value::Float(f)) => Value::Float(*f),
                (Kind::Float, toml::Value::Integer(i)) => Value::Float(*i as f64),
                (Kind::Float, _) => return Err(bad("a number")),
                (Kind::Choice(_), toml::Value::String(s)) => match spec.word(s) {
                    Some(w) => Value::Word(w),
                    None => return Err(bad(&choices(spec))),
                },
                (Kind::Choice(_), _) => return Err(bad(&choices(spec))),
                (Kind::Dir, toml::Value::String(s)) => {
                    let base = path.parent().unwrap_or(Path::new(""));
                    Value::Dir(base.join(s))
                }
                (Kind::Dir, _) => return Err(bad("a folder name")),
                (Kind::Clock, toml::Value::String(t)) => match parse_clock(t) {
                    Some(m) => Value::Clock(m),
                    None => return Err(bad("a time \"HH:MM\" up to \"30:00\"")),
                },
                (Kind::Clock, _) => return Err(bad("a time \"HH:MM\" up to \"30:00\"")),
            };
            self.values.push((spec, value));
            self.from.push(path.to_path_buf());
        }
        self.path = Some(path.to_path_buf());
        Ok(())
    }
}

fn choices(spec: &Spec) -> String {
    let w: Vec<String> = spec.words().iter().map(|(w, _)| format!("{w:?}")).collect();
    format!("one of {}", w.join(", "))
}

/// Every setting's value and where it came from.
#[derive(Clone, Debug)]
pub struct Settings {
    /// In [`SETTINGS`] order; `None` where there is no value (no default).
    values: Vec<(Option<Value>, Source)>,
}

impl Settings {
    /// Resolve every setting, flag over file over default, and check each
    /// value against its rule. Of several files, the last read wins.
    pub fn resolve(flags: &[(&'static Spec, Value)], file: &FileValues) -> Result<Settings> {
        let pick = |spec: &Spec, from: &[(&'static Spec, Value)]| {
            from.iter()
                .rposition(|(s, _)| s.section == spec.section && s.key == spec.key)
        };
        let mut values = Vec::with_capacity(SETTINGS.len());
        for spec in SETTINGS {
            let (value, source) = match (pick(spec, flags), pick(spec, &file.values)) {
                (Some(i), _) => (Some(flags[i].1.clone()), Source::Flag),
                (None, Some(i)) => (
                    Some(file.values[i].1.clone()),
                    Source::File(file.from.get(i).cloned().unwrap_or_default()),
                ),
                (None, None) => ((spec.default)(), Source::Default),
            };
            values.push((value, source));
        }
        let s = Settings { values };
        for section in SECTIONS {
            for (i, spec) in SETTINGS.iter().enumerate() {
                let v = match &s.values[i].0 {
                    Some(Value::Float(v)) => Some((*v, number(*v))),
                    Some(Value::Int(v)) => Some((*v as f64, v.to_string())),
                    _ => None,
                };
                if let (true, Some((v, text))) = (spec.section == section, v) {
                    s.keeps(spec, v, &text)?;
                }
            }
            s.together(section)?;
        }
        Ok(s)
    }

    /// The rules between settings of one section.
    fn together(&self, section: &str) -> Result<()> {
        if section == "transit"
            && let (Some(Value::Clock(a)), Some(Value::Clock(b))) =
                (self.value("pt_from"), self.value("pt_to"))
            && a > b
        {
            bail!(
                "{} = {} is after {} = {}",
                self.name("pt_from"),
                Value::Clock(*a),
                self.name("pt_to"),
                Value::Clock(*b)
            );
        }
        if section == "check" {
            let (lo, hi) = (self.int("band_min"), self.int("band_max"));
            if let (Some(lo), Some(hi)) = (lo, hi)
                && lo > hi
            {
                bail!(
                    "{} = {lo} is above {} = {hi}",
                    self.name("band_min"),
                    self.name("band_max")
                );
            }
        }
        Ok(())
    }

    fn keeps(&self, spec: &Spec, v: f64, text: &str) -> Result<()> {
        if spec.rule.keeps(v) {
            return Ok(());
        }
        bail!(
            "{} = {text}: must be in {}",
            self.name(spec.key),
            spec.rule.range()
        )
    }

    fn index(key: &str) -> Option<usize> {
        SETTINGS.iter().position(|s| s.key == key)
    }

    /// A setting's value, if it has one.
    pub fn value(&self, key: &str) -> Option<&Value> {
        self.values[Self::index(key)?].0.as_ref()
    }

    /// Where a setting's value came from.
    /// Where a setting's value came from (the default for a key that is
    /// not a setting).
    pub fn source(&self, key: &str) -> &Source {
        static NONE: Source = Source::Default;
        Self::index(key).map_or(&NONE, |i| &self.values[i].1)
    }

    /// How to name a setting in an error: the flag when it was given, the
    /// config file and key when the file set it, else the flag and
    /// "(default)".
    pub fn name(&self, key: &str) -> String {
        let Some(spec) = Self::index(key).map(|i| &SETTINGS[i]) else {
            return key.to_string();
        };
        match self.source(key) {
            Source::Flag => spec.flag(),
            Source::File(p) => format!("{}: [{}] {}", p.display(), spec.section, spec.key),
            Source::Default => format!("{} (default)", spec.flag()),
        }
    }

    fn float(&self, key: &str) -> Option<f64> {
        match self.value(key) {
            Some(Value::Float(v)) => Some(*v),
            _ => None,
        }
    }

    fn int(&self, key: &str) -> Option<u64> {
        match self.value(key) {
            Some(Value::Int(v)) => Some(*v),
            _ => None,
        }
    }

    fn word(&self, key: &str) -> Option<&'static str> {
        match self.value(key) {
            Some(Value::Word(w)) => Some(w),
            _ => None,
        }
    }

    /// The thresholds of `check`.
    pub fn check_options(&self) -> Result<CheckOptions> {
        let d = CheckOptions::default();
        let band_min = self.int("band_min").unwrap_or(d.band_min);
        let band_max = self.int("band_max").unwrap_or(d.band_max);
        Ok(CheckOptions {
            adjacency: AdjacencyOptions {
                rule: match self.word("contiguity") {
                    Some("rook") => Contiguity::Rook,
                    _ => Contiguity::Queen,
                },
                tolerance_m: self.float("tolerance_m").unwrap_or(d.adjacency.tolerance_m),
            },
            band_min,
            band_max,
            rural_threshold: self.float("rural_threshold").unwrap_or(d.rural_threshold),
            min_footprint_share: self
                .float("min_footprint_share")
                .unwrap_or(d.min_footprint_share),
        })
    }

    /// The drive-time options of `analyse` and `what-if`.
    pub fn drive_options(&self) -> DriveOptions {
        let d = DriveOptions::default();
        let f = |key: &str, default: f64| self.float(key).unwrap_or(default);
        DriveOptions {
            hub_rule: match self.word("hub_rule") {
                Some("centre") => HubRule::Centre,
                _ => HubRule::Median,
            },
            hub_max_min: f("hub_max_min", d.hub_max_min),
            tour_max_min: f("tour_max_min", d.tour_max_min),
            patient_max_min: f("patient_max_min", d.patient_max_min),
            patient_share_max: f("patient_share_max", d.patient_share_max),
            share_thresholds_min: d.share_thresholds_min,
            day_hours: f("day_hours", d.day_hours),
            on_site_min: f("on_site_min", d.on_site_min),
            sites: None,
            site_request: SiteRequest {
                patient_site: match self.word("patient_site") {
                    Some("main") => Some(PatientSite::Main),
                    Some("nearest") => Some(PatientSite::Nearest),
                    _ => None,
                },
                tour_sites: match self.word("tour_sites") {
                    Some("main") => Some(TourSites::Main),
                    Some("all") => Some(TourSites::All),
                    _ => None,
                },
                merge_min: f("site_merge_min", d.site_request.merge_min),
            },
        }
    }

    /// The public-transport window and finding of `analyse --gtfs`.
    pub fn pt_options(&self) -> PtOptions {
        let d = PtOptions::default();
        let clock = |key: &str, default: u32| match self.value(key) {
            Some(Value::Clock(m)) => *m,
            _ => default,
        };
        PtOptions {
            from_min: clock("pt_from", d.from_min),
            to_min: clock("pt_to", d.to_min),
            step_min: self.int("pt_step_min").map_or(d.step_min, |v| v as u32),
            burden_min: self.float("pt_burden_min").unwrap_or(d.burden_min),
            burden_share: self.float("pt_burden_share").unwrap_or(d.burden_share),
            max_rides: d.max_rides,
        }
    }

    /// The walking settings of `analyse --gtfs` and `route --gtfs`.
    pub fn walk_options(&self) -> WalkOptions {
        let d = WalkOptions::default();
        WalkOptions {
            speed_kph: self.float("walk_speed_kph").unwrap_or(d.speed_kph),
            max_walk_min: self.float("walk_max_min").unwrap_or(d.max_walk_min),
            max_transfer_m: self.float("transfer_max_m").unwrap_or(d.max_transfer_m),
            ..d
        }
    }

    /// The slower scenario's speed factor.
    pub fn slow_factor(&self) -> f64 {
        self.float("slow_factor").unwrap_or(SLOW_FACTOR)
    }

    /// The snapping settings that override the car profile's, when set.
    pub fn max_snap_m(&self) -> Option<f64> {
        self.float("max_snap_m")
    }

    /// See [`Self::max_snap_m`].
    pub fn off_road_kph(&self) -> Option<f64> {
        self.float("off_road_kph")
    }

    /// The prepared-roads cache folder, if any.
    pub fn cache(&self) -> Option<PathBuf> {
        match self.value("cache") {
            Some(Value::Dir(p)) => Some(p.clone()),
            _ => None,
        }
    }

    /// One section as commented TOML, each value with where it came from;
    /// `shown` gives the value to print for settings without one (the car
    /// profile's snapping), or `None` to print a commented placeholder.
    pub fn section_toml(&self, section: &str, shown: &dyn Fn(&str) -> Option<Value>) -> String {
        let mut o = String::new();
        for (spec, (value, source)) in SETTINGS.iter().zip(&self.values) {
            if spec.section != section {
                continue;
            }
            match value.clone().or_else(|| shown(spec.key)) {
                Some(v) => {
                    let kv = format!("{} = {}", spec.key, toml_value(&v));
                    let _ = writeln!(o, "{kv:<32} # {}", source.describe());
                }
                None => {
                    let kv = format!("# {} = \"{}\"", spec.key, spec.value_name);
                    let _ = writeln!(o, "{kv:<28} # none: {}", spec.unset);
                }
            }
        }
        o
    }
}

/// A value for a one-line message: control characters escaped, at most 60
/// characters kept.
pub fn shorten(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == 60 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A value as TOML: floats always with a decimal point.
fn toml_value(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.1}"),
        Value::Float(f) => format!("{f}"),
        Value::Word(w) => format!("{w:?}"),
        Value::Dir(p) => toml::Value::String(p.display().to_string()).to_string(),
        Value::Clock(_) => format!("\"{v}\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> Result<FileValues> {
        let t: toml::Table = toml::from_str(text)?;
        let mut f = FileValues::default();
        for (section, v) in &t {
            if let toml::Value::Table(tab) = v {
                f.read_section(Path::new("team.toml"), section, tab)?;
            }
        }
        Ok(f)
    }

    #[test]
    fn clock_settings_parse_check_their_order_and_reach_the_options() {
        assert_eq!(parse_clock("08:00"), Some(480));
        assert_eq!(parse_clock(" 8:05"), Some(485));
        assert_eq!(parse_clock("24:30"), Some(1470));
        for bad in [
            "8", "08:60", "30:01", "-1:00", "08:0", "aa:bb", "123:00", "",
        ] {
            assert_eq!(parse_clock(bad), None, "{bad:?}");
        }
        let f = file("[transit]\npt_from = \"10:00\"\npt_to = \"09:30\"\n").unwrap();
        let e = Settings::resolve(&[], &f).unwrap_err().to_string();
        assert_eq!(
            e,
            "team.toml: [transit] pt_from = 10:00 is after team.toml: [transit] pt_to = 09:30"
        );
        let e = file("[transit]\npt_from = 8\n").unwrap_err().to_string();
        assert!(e.contains("expected a time \"HH:MM\""), "{e}");
        let f = file("[transit]\npt_to = \"24:10\"\nwalk_speed_kph = 4\n").unwrap();
        let s = Settings::resolve(&[(spec("pt_step_min"), Value::Int(5))], &f).unwrap();
        let o = s.pt_options();
        assert_eq!((o.from_min, o.to_min, o.step_min), (480, 1450, 5));
        assert_eq!(s.walk_options().speed_kph, 4.0);
        assert_eq!(toml_value(&Value::Clock(1450)), "\"24:10\"");
        let e = Settings::resolve(&[(spec("walk_speed_kph"), Value::Float(50.0))], &f);
        assert!(
            e.unwrap_err()
                .to_string()
                .contains("--walk-speed-kph = 50: must be in [1, 10]")
        );
    }

    fn spec(key: &str) -> &'static Spec {
        SETTINGS.iter().find(|s| s.key == key).unwrap()
    }

    #[test]
    fn flag_beats_file_beats_default() {
        let f = file("[check]\nband_min = 25000\nband_max = 60000\n").unwrap();
        let s = Settings::resolve(&[(spec("band_max"), Value::Int(55_000))], &f).unwrap();
        let o = s.check_options().unwrap();
        assert_eq!((o.band_min, o.band_max), (25_000, 55_000));
        assert_eq!(s.source("band_min").as_str(), "config file");
        assert_eq!(s.source("band_max"), &Source::Flag);
        assert_eq!(s.source("rural_threshold"), &Source::Default);
        assert_eq!(o.rural_threshold, CheckOptions::default().rural_threshold);
    }

    #[test]
    fn errors_name_where_the_value_came_from() {
        let f = file("[check]\nband_min = 60000\n").unwrap();
        let e = Settings::resolve(&[], &f).unwrap_err().to_string();
        assert_eq!(
            e,
            "team.toml: [check] band_min = 60000 is above --band-max (default) = 50000"
        );
        let e = Settings::resolve(
            &[(spec("slow_factor"), Value::Float(1.5))],
            &FileValues::default(),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(e, "--slow-factor = 1.5: must be in (0, 1]");
        let e = file("[drive]\nhub_max_minutes = 20\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("team.toml: [drive] hub_max_minutes: unknown setting"),
            "{e}"
        );
        let e = file("[check]\ncontiguity = \"bishop\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("\"bishop\"") && e.contains("\"queen\", \"rook\""),
            "{e}"
        );
        let e = file("[check]\nband_min = -1\n").unwrap_err().to_string();
        assert!(e.contains("band_min = -1: expected a whole number"), "{e}");
    }

    #[test]
    fn aliases_and_defaults_of_the_library() {
        let f = file("[drive]\nhub_rule = \"Center\"\nhub_max_min = 20\n").unwrap();
        let s = Settings::resolve(&[], &f).unwrap();
        let d = s.drive_options();
        assert_eq!(d.hub_rule, HubRule::Centre);
        assert_eq!(d.hub_max_min, 20.0);
        let plain = Settings::resolve(&[], &FileValues::default()).unwrap();
        assert_eq!(
            format!("{:?}", plain.drive_options()),
            format!("{:?}", DriveOptions::default())
        );
        assert_eq!(
            format!("{:?}", plain.check_options().unwrap()),
            format!("{:?}", CheckOptions::default())
        );
        assert_eq!(plain.slow_factor(), SLOW_FACTOR);
        assert_eq!(plain.cache(), None);
    }
}
