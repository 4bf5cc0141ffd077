//! The command-line flags of the settings declared in
//! [`pcn_atlas::settings::SETTINGS`]: one flag per setting, built from the
//! table (so flag, config key, help and default cannot drift apart), and
//! resolved with the config file by the library.

use super::config::Config;
use anyhow::Result;
use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Arg, ArgMatches, Command};
use pcn_atlas::analyse::network::DriveOptions;
use pcn_atlas::check::run::CheckOptions;
use pcn_atlas::roads::profile::CarProfile;
use pcn_atlas::settings::{Kind, SETTINGS, Settings, Spec, Value};
use std::path::{Path, PathBuf};

/// Add one flag per setting of `section` to `cmd`.
fn add_flags(mut cmd: Command, section: &str) -> Command {
    for spec in SETTINGS.iter().filter(|s| s.section == section) {
        let long: &'static str = Box::leak(spec.flag()[2..].to_string().into_boxed_str());
        let arg = Arg::new(spec.key)
            .long(long)
            .value_name(spec.value_name)
            .help(spec.long_help());
        let arg = match spec.kind {
            Kind::Int => arg.value_parser(clap::value_parser!(u64)),
            Kind::Float => arg.value_parser(clap::value_parser!(f64)),
            Kind::Choice(_) => {
                let words = spec
                    .words()
                    .into_iter()
                    .map(|(w, all)| PossibleValue::new(w).aliases(all.into_iter().skip(1)));
                arg.value_parser(PossibleValuesParser::new(words))
                    .ignore_case(true)
            }
            Kind::Dir => arg.value_parser(clap::value_parser!(PathBuf)),
            Kind::Clock => arg.value_parser(|s: &str| {
                pcn_atlas::settings::parse_clock(s)
                    .ok_or_else(|| format!("expected a time HH:MM up to 30:00, got {s:?}"))
            }),
        };
        cmd = cmd.arg(arg);
    }
    cmd
}

/// The settings of `section` given on the command line.
fn read_flags(m: &ArgMatches, section: &str) -> Vec<(&'static Spec, Value)> {
    let mut out = Vec::new();
    for spec in SETTINGS.iter().filter(|s| s.section == section) {
        let v = match spec.kind {
            Kind::Int => m.get_one::<u64>(spec.key).map(|v| Value::Int(*v)),
            Kind::Float => m.get_one::<f64>(spec.key).map(|v| Value::Float(*v)),
            Kind::Choice(_) => m
                .get_one::<String>(spec.key)
                .and_then(|s| spec.word(s))
                .map(Value::Word),
            Kind::Dir => m
                .get_one::<PathBuf>(spec.key)
                .map(|p| Value::Dir(p.clone())),
            Kind::Clock => m.get_one::<u32>(spec.key).map(|v| Value::Clock(*v)),
        };
        if let Some(v) = v {
            out.push((spec, v));
        }
    }
    out
}

/// A clap argument group of the settings of one config section.
macro_rules! setting_flags {
    ($(#[$doc:meta])* $name:ident, $section:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default)]
        pub struct $name {
            /// The settings given as flags.
            pub given: Vec<(&'static Spec, Value)>,
        }

        impl clap::FromArgMatches for $name {
            fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
                Ok(Self {
                    given: read_flags(m, $section),
                })
            }
            fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
                self.given.extend(read_flags(m, $section));
                Ok(())
            }
        }

        impl clap::Args for $name {
            fn augment_args(cmd: Command) -> Command {
                add_flags(cmd, $section)
            }
            fn augment_args_for_update(cmd: Command) -> Command {
                add_flags(cmd, $section)
            }
        }

        impl $name {
            /// Every setting: these flags over the config file over the
            /// defaults, validated.
            pub fn settings(&self, cfg: &Config) -> Result<Settings> {
                Settings::resolve(&self.given, &cfg.values)
            }

            /// A copy with `key` set as if given as a flag (tests).
            #[cfg(test)]
            #[allow(dead_code)]
            pub fn with(mut self, key: &str, v: Value) -> Self {
                let spec = SETTINGS.iter().find(|s| s.key == key).unwrap();
                self.given.push((spec, v));
                self
            }
        }
    };
}

setting_flags!(
    /// Thresholds of `check` (defaults from the NHS PCN specification). Each
    /// flag overrides the `[check]` section of `pcn-atlas.toml`.
    CheckFlags,
    "check"
);

setting_flags!(
    /// Drive-time settings of `analyse` and `what-if`. Each flag overrides
    /// the `[drive]` section of `pcn-atlas.toml`.
    DriveFlags,
    "drive"
);

setting_flags!(
    /// Public-transport settings of `analyse --gtfs` and `route --gtfs`.
    /// Each flag overrides the `[transit]` section of `pcn-atlas.toml`.
    TransitFlags,
    "transit"
);

impl CheckFlags {
    /// The thresholds: flags, else the config file, else the defaults.
    pub fn options(&self, cfg: &Config) -> Result<CheckOptions> {
        self.settings(cfg)?.check_options()
    }
}

impl DriveFlags {
    /// The drive-time options: flags, else the config file, else the defaults.
    pub fn options(&self, cfg: &Config) -> Result<DriveOptions> {
        Ok(self.settings(cfg)?.drive_options())
    }

    /// The slower scenario's speed factor: flag, config file, default.
    pub fn slow_factor(&self, cfg: &Config) -> Result<f64> {
        Ok(self.settings(cfg)?.slow_factor())
    }

    /// The prepared-roads cache folder: flag, config file, none.
    pub fn cache_dir(&self, cfg: &Config) -> Result<Option<PathBuf>> {
        Ok(self.settings(cfg)?.cache())
    }

    /// The car profile with the snapping settings applied.
    pub fn profile(&self, cfg: &Config, file: Option<&Path>) -> Result<CarProfile> {
        let s = self.settings(cfg)?;
        let mut profile = cfg.profile(file)?;
        if let Some(m) = s.max_snap_m() {
            profile.max_snap_m = m;
        }
        if let Some(k) = s.off_road_kph() {
            profile.off_road_kph = k;
        }
        Ok(profile)
    }
}
