//! `pcn-atlas.toml`: thresholds, drive-time settings and the car profile
//! from a file, so a team can keep its settings beside its data. Flags
//! override the file; the file overrides the built-in defaults.
//!
//! Where the file is found, first match wins: `--config FILE`, the
//! `PCN_ATLAS_CONFIG` environment variable, `./pcn-atlas.toml`.

use anyhow::{Context, Result, anyhow, bail};
use pcn_atlas::roads::profile::CarProfile;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// `[check]`: the thresholds of `check` (every key optional).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSection {
    pub contiguity: Option<String>,
    pub tolerance_m: Option<f64>,
    pub band_min: Option<u64>,
    pub band_max: Option<u64>,
    pub rural_threshold: Option<f64>,
}

/// `[drive]`: the drive-time settings of `analyse`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriveSection {
    pub hub_rule: Option<String>,
    pub hub_max_min: Option<f64>,
    pub tour_max_min: Option<f64>,
    pub patient_max_min: Option<f64>,
    pub patient_share_max: Option<f64>,
    pub day_hours: Option<f64>,
    pub on_site_min: Option<f64>,
    pub slow_factor: Option<f64>,
    pub max_snap_m: Option<f64>,
    pub off_road_kph: Option<f64>,
    /// Folder for prepared roads, relative to the config file's folder.
    pub cache: Option<PathBuf>,
}

/// The whole file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Worker threads (default: all cores).
    pub threads: Option<usize>,
    #[serde(default)]
    pub check: CheckSection,
    #[serde(default)]
    pub drive: DriveSection,
    /// Car profile overrides, the keys of a `--profile` file
    /// (docs/car-profile.md), or `profile = "file.toml"`.
    pub profile: Option<toml::Value>,
}

/// The loaded configuration and where it came from.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub file: ConfigFile,
    /// `None` when no file was found: built-in defaults only.
    pub path: Option<PathBuf>,
}

/// The environment variable naming a config file.
pub const ENV: &str = "PCN_ATLAS_CONFIG";
/// The file looked for in the working folder.
pub const LOCAL: &str = "pcn-atlas.toml";

impl Config {
    /// Find and read the config file (see the module docs).
    pub fn load(explicit: Option<&Path>) -> Result<Config> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => match std::env::var_os(ENV) {
                Some(v) if !v.is_empty() => Some(PathBuf::from(v)),
                _ => Some(PathBuf::from(LOCAL)).filter(|p| p.is_file()),
            },
        };
        let Some(path) = path else {
            return Ok(Config::default());
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read the config file", path.display()))?;
        let file: ConfigFile =
            toml::from_str(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?;
        Ok(Config {
            file,
            path: Some(path),
        })
    }

    /// The car profile: `--profile FILE` if given, else the config's
    /// `profile` (a table of overrides or a file path, relative to the
    /// config file), else the defaults.
    pub fn profile(&self, flag: Option<&Path>) -> Result<CarProfile> {
        if let Some(p) = flag {
            return CarProfile::from_file(p);
        }
        let here = self.path.as_deref().unwrap_or(Path::new(LOCAL));
        match &self.file.profile {
            None => Ok(CarProfile::default()),
            Some(toml::Value::String(f)) => {
                let p = here.parent().unwrap_or(Path::new(".")).join(f);
                CarProfile::from_file(&p)
                    .with_context(|| format!("{}: profile = {f:?}", here.display()))
            }
            Some(toml::Value::Table(t)) => {
                let text = toml::to_string(t)?;
                CarProfile::from_toml_str(&text)
                    .with_context(|| format!("{}: [profile]", here.display()))
            }
            Some(other) => bail!(
                "{}: profile = {other}: expected a [profile] table or a file name",
                here.display()
            ),
        }
    }

    /// How to name a setting in an error: the flag when it was given, else
    /// the config file and key when the file set it, else the default.
    pub fn name(
        &self,
        flag: &str,
        section: &str,
        key: &str,
        from_flag: bool,
        in_file: bool,
    ) -> String {
        match (&self.path, from_flag, in_file) {
            (_, true, _) => flag.to_string(),
            (Some(p), false, true) => format!("{}: [{section}] {key}", p.display()),
            _ => format!("{flag} (default)"),
        }
    }

    /// Where a value came from, for `pcn-atlas config`.
    pub fn source(&self, flag: bool, file: bool) -> &'static str {
        if flag {
            "flag"
        } else if file {
            "config file"
        } else {
            "default"
        }
    }
}

/// Set the worker threads: `--threads`, else the config's `threads`, else
/// all cores.
pub fn threads(flag: Option<usize>, cfg: &Config) -> Result<()> {
    if let Some(n) = flag.or(cfg.file.threads) {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .map_err(|e| anyhow!("--threads {n}: {e}"))?;
    }
    Ok(())
}

/// The prepared-roads cache folder: the `--cache` flag, else the config
/// file's `[drive] cache` (relative to the config file's folder), else none.
pub fn cache_dir(flag: &Option<PathBuf>, cfg: &Config) -> Option<PathBuf> {
    if let Some(d) = flag {
        return Some(d.clone());
    }
    let d = cfg.file.drive.cache.as_ref()?;
    let base = cfg.path.as_deref().and_then(Path::parent);
    Some(base.map_or_else(|| d.clone(), |b| b.join(d)))
}

/// A flag's value, else the config file's, else the default.
pub fn pick<T: Clone>(flag: &Option<T>, file: &Option<T>, default: T) -> T {
    flag.clone().or_else(|| file.clone()).unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ConfigFile> {
        toml::from_str(text).map_err(|e| anyhow!("{e}"))
    }

    #[test]
    fn sections_and_unknown_keys() {
        let c =
            parse("threads = 2\n[check]\nband_min = 25000\n[drive]\nhub_max_min = 20.0\n").unwrap();
        assert_eq!(c.threads, Some(2));
        assert_eq!(c.check.band_min, Some(25_000));
        assert_eq!(c.drive.hub_max_min, Some(20.0));
        let e = parse("[check]\nband_minimum = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("band_minimum"), "{e}");
    }

    #[test]
    fn flag_beats_file_beats_default() {
        assert_eq!(pick(&Some(1), &Some(2), 3), 1);
        assert_eq!(pick(&None, &Some(2), 3), 2);
        assert_eq!(pick(&None::<i32>, &None, 3), 3);
    }

    #[test]
    fn profile_table_applies_overrides() {
        let cfg = Config {
            file: parse("[profile]\nspeed_factor = 0.5\n").unwrap(),
            path: None,
        };
        let p = cfg.profile(None).unwrap();
        assert_eq!(p.speed_factor, 0.5);
        let bad = Config {
            file: parse("[profile]\nspeed_fator = 0.5\n").unwrap(),
            path: None,
        };
        let e = format!("{:#}", bad.profile(None).unwrap_err());
        assert!(e.contains("[profile]") && e.contains("speed_fator"), "{e}");
    }
}
