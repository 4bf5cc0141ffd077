//! `pcn-atlas.toml`: thresholds, drive-time settings and the car profile
//! from a file, so a team can keep its settings beside its data. Flags
//! override the file; the file overrides the built-in defaults.
//!
//! Where the file is found, first match wins: `--config FILE`, the
//! `PCN_ATLAS_CONFIG` environment variable, `./pcn-atlas.toml`.

use anyhow::{Context, Result, anyhow, bail};
use pcn_atlas::roads::profile::{CarProfile, toml_error};
use pcn_atlas::settings::{FileValues, Settings};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The whole file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Worker threads (default: all cores).
    pub threads: Option<usize>,
    /// `[check]`: the thresholds of `check` (keys in
    /// `pcn_atlas::settings::SETTINGS`).
    #[serde(default)]
    pub check: toml::Table,
    /// `[drive]`: the drive-time settings of `analyse` and `what-if`.
    #[serde(default)]
    pub drive: toml::Table,
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
    /// The `[check]` and `[drive]` settings, read against the library's
    /// table of settings.
    pub values: FileValues,
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
        let file: ConfigFile = toml::from_str(&text).map_err(|e| toml_error(&path, &text, &e))?;
        Config::new(file, Some(path))
    }

    /// A configuration from a parsed file: its settings checked against the
    /// library's table (unknown keys and values of the wrong kind are errors
    /// naming the file and key).
    pub fn new(file: ConfigFile, path: Option<PathBuf>) -> Result<Config> {
        let mut values = FileValues::default();
        let named = path.clone().unwrap_or_else(|| PathBuf::from(LOCAL));
        if let Some(n) = file.threads {
            pcn_atlas::settings::threads(n, &format!("{}: threads", named.display()))?;
        }
        values.read_section(&named, "check", &file.check)?;
        values.read_section(&named, "drive", &file.drive)?;
        Ok(Config { file, path, values })
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
}

/// Set the worker threads: `--threads`, else the config's `threads`, else
/// all cores (or `RAYON_NUM_THREADS`, checked by [`check_thread_env`]).
/// Each is at most [`pcn_atlas::settings::MAX_THREADS`].
pub fn threads(flag: Option<usize>, cfg: &Config) -> Result<()> {
    let n = match (flag, cfg.file.threads) {
        (Some(n), _) => pcn_atlas::settings::threads(n, "--threads")?,
        (None, Some(n)) => n,
        (None, None) => return Ok(()),
    };
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
        .map_err(|e| anyhow!("--threads {n}: {e}"))?;
    Ok(())
}

/// The environment variable rayon reads for its thread count.
pub const THREAD_ENV: &str = "RAYON_NUM_THREADS";

/// `RAYON_NUM_THREADS`, when set, must be a whole number of at most
/// [`pcn_atlas::settings::MAX_THREADS`] (0 and empty mean all cores, as in
/// rayon).
pub fn check_thread_env() -> Result<()> {
    let Some(raw) = std::env::var_os(THREAD_ENV) else {
        return Ok(());
    };
    let text = raw.to_string_lossy();
    let n: usize = match text.trim() {
        "" => return Ok(()),
        t => t.parse().map_err(|_| {
            anyhow!(
                "{THREAD_ENV} = {}: not a whole number of threads",
                pcn_atlas::settings::shorten(&text)
            )
        })?,
    };
    if n > 0 {
        pcn_atlas::settings::threads(n, THREAD_ENV)?;
    }
    Ok(())
}

/// The prepared-roads cache folder: the `--cache` flag, else the config
/// file's `[drive] cache` (relative to the config file's folder), else none.
pub fn cache_dir(flag: &Option<PathBuf>, cfg: &Config) -> Result<Option<PathBuf>> {
    if let Some(d) = flag {
        return Ok(Some(d.clone()));
    }
    Ok(Settings::resolve(&[], &cfg.values)?.cache())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| anyhow!("{e}"))?;
        Config::new(file, None)
    }

    #[test]
    fn sections_and_unknown_keys() {
        let c =
            parse("threads = 2\n[check]\nband_min = 25000\n[drive]\nhub_max_min = 20.0\n").unwrap();
        assert_eq!(c.file.threads, Some(2));
        let s = Settings::resolve(&[], &c.values).unwrap();
        assert_eq!(s.check_options().unwrap().band_min, 25_000);
        assert_eq!(s.drive_options().hub_max_min, 20.0);
        let e = parse("[check]\nband_minimum = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("band_minimum"), "{e}");
        let e = parse("[checks]\nband_min = 1\n").unwrap_err().to_string();
        assert!(e.contains("checks"), "{e}");
    }

    #[test]
    fn profile_table_applies_overrides() {
        let cfg = parse("[profile]\nspeed_factor = 0.5\n").unwrap();
        let p = cfg.profile(None).unwrap();
        assert_eq!(p.speed_factor, 0.5);
        let bad = parse("[profile]\nspeed_fator = 0.5\n").unwrap();
        let e = format!("{:#}", bad.profile(None).unwrap_err());
        assert!(e.contains("[profile]") && e.contains("speed_fator"), "{e}");
    }
}
