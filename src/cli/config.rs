//! `pcn-atlas.toml`: thresholds, drive-time settings, the car profile and
//! the findings gate from a file, so a team can keep its settings beside
//! its data. Flags override the files; the files override the built-in
//! defaults.
//!
//! Where files are found, highest precedence first: `--config FILE`, the
//! `PCN_ATLAS_CONFIG` environment variable, `pcn-atlas.toml` in the
//! dataset folder (`--dataset DIR`), `./pcn-atlas.toml`. Every file found
//! is read and they merge key by key (as cargo's config files do): a key
//! set in a higher file replaces the same key of a lower one, and a key a
//! higher file does not set keeps the lower file's value. `[profile]`
//! tables merge the same way; a `profile = "file.toml"` replaces lower
//! files' profile as a whole.

use anyhow::{Context, Result, anyhow, bail};
use pcn_atlas::findings::{Code, Severity};
use pcn_atlas::roads::profile::{CarProfile, toml_error};
use pcn_atlas::settings::FileValues;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// `--fail-on-findings[=LEVEL]` and `fail_on_findings = "LEVEL"`: exit with
/// code 1 when a finding of this severity or worse was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// Only findings that break a rule (non-contiguous, unassigned, outside the band).
    Error,
    /// Errors and warnings (drive-time and access findings); not RURAL or waiver candidates.
    Warning,
    /// Any finding at all.
    Info,
    /// Never (turns off a config file's gate).
    Never,
}

impl FailOn {
    /// The severity at and above which the run fails, if any.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::Info => "info",
            FailOn::Never => "never",
        }
    }

    /// Whether any of `codes` is at least as severe as the threshold.
    pub fn fails(self, codes: impl IntoIterator<Item = Code>) -> bool {
        let Some(t) = self.threshold() else {
            return false;
        };
        codes.into_iter().any(|c| c.severity() <= t)
    }
}

/// The gate of a run: the flag, else the config files, else none. The exit
/// code: 1 when it fails, else 0.
pub fn gate(
    flag: Option<FailOn>,
    cfg: &Config,
    codes: impl IntoIterator<Item = Code>,
) -> std::process::ExitCode {
    match flag.or(cfg.file.fail_on_findings) {
        Some(f) if f.fails(codes) => std::process::ExitCode::from(1),
        _ => std::process::ExitCode::SUCCESS,
    }
}

/// The whole file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Worker threads (default: all cores).
    pub threads: Option<usize>,
    /// Exit with code 1 when a finding of this severity or worse is found
    /// (`check` and `analyse`; default: never).
    pub fail_on_findings: Option<FailOn>,
    /// `[check]`: the thresholds of `check` (keys in
    /// `pcn_atlas::settings::SETTINGS`).
    #[serde(default)]
    pub check: toml::Table,
    /// `[drive]`: the drive-time settings of `analyse` and `what-if`.
    #[serde(default)]
    pub drive: toml::Table,
    /// `[transit]`: the public-transport settings of `analyse --gtfs`.
    #[serde(default)]
    pub transit: toml::Table,
    /// Car profile overrides, the keys of a `--profile` file
    /// (docs/car-profile.md), or `profile = "file.toml"`.
    pub profile: Option<toml::Value>,
}

/// Where a config file was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Layer {
    /// `./pcn-atlas.toml`.
    WorkingFolder,
    /// `pcn-atlas.toml` in the `--dataset` folder.
    DatasetFolder,
    /// `$PCN_ATLAS_CONFIG`.
    Env,
    /// `--config FILE`.
    Flag,
}

impl Layer {
    pub fn label(self) -> &'static str {
        match self {
            Layer::WorkingFolder => "working folder",
            Layer::DatasetFolder => "dataset folder",
            Layer::Env => "$PCN_ATLAS_CONFIG",
            Layer::Flag => "--config",
        }
    }
}

/// The loaded configuration and where it came from.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The files merged key by key (`check` and `drive` are in `values`).
    pub file: ConfigFile,
    /// The files read, lowest precedence first; empty when none was found
    /// (built-in defaults only).
    pub used: Vec<(Layer, PathBuf)>,
    /// The `[check]` and `[drive]` settings, read against the library's
    /// table of settings.
    pub values: FileValues,
    /// The file that set `threads`, `fail_on_findings` and `profile`.
    pub threads_from: Option<PathBuf>,
    pub fail_on_from: Option<PathBuf>,
    pub profile_from: Option<PathBuf>,
}

/// The environment variable naming a config file.
pub const ENV: &str = "PCN_ATLAS_CONFIG";
/// The file looked for in the working folder and the dataset folder.
pub const LOCAL: &str = "pcn-atlas.toml";

/// The config files to read, lowest precedence first (see the module
/// docs). `--config` and `$PCN_ATLAS_CONFIG` must exist; the folders'
/// files are read when present. A file found twice (the dataset folder is
/// the working folder) is read once, at its higher place.
pub fn find(explicit: Option<&Path>, dataset: Option<&Path>) -> Vec<(Layer, PathBuf)> {
    let mut found = Vec::new();
    let local = PathBuf::from(LOCAL);
    if local.is_file() {
        found.push((Layer::WorkingFolder, local));
    }
    if let Some(d) = dataset {
        let p = d.join(LOCAL);
        if p.is_file() {
            found.push((Layer::DatasetFolder, p));
        }
    }
    if let Some(v) = std::env::var_os(ENV).filter(|v| !v.is_empty()) {
        found.push((Layer::Env, PathBuf::from(v)));
    }
    if let Some(p) = explicit {
        found.push((Layer::Flag, p.to_path_buf()));
    }
    let key = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let mut out: Vec<(Layer, PathBuf)> = Vec::new();
    for (layer, p) in found {
        let k = key(&p);
        out.retain(|(_, q)| key(q) != k);
        out.push((layer, p));
    }
    out
}

impl Config {
    /// Find, read and merge the config files (see the module docs).
    pub fn load(explicit: Option<&Path>, dataset: Option<&Path>) -> Result<Config> {
        let mut cfg = Config::default();
        for (layer, path) in find(explicit, dataset) {
            let text = std::fs::read_to_string(&path).with_context(|| {
                format!(
                    "{}: cannot read the config file (given by {})",
                    path.display(),
                    layer.label()
                )
            })?;
            let file: ConfigFile =
                toml::from_str(&text).map_err(|e| toml_error(&path, &text, &e))?;
            cfg.add(layer, path, file)?;
        }
        Ok(cfg)
    }

    /// A configuration from one parsed file: its settings checked against
    /// the library's table (unknown keys and values of the wrong kind are
    /// errors naming the file and key).
    #[cfg(test)]
    pub fn new(file: ConfigFile, path: Option<PathBuf>) -> Result<Config> {
        let mut cfg = Config::default();
        cfg.add(
            Layer::Flag,
            path.unwrap_or_else(|| PathBuf::from(LOCAL)),
            file,
        )?;
        Ok(cfg)
    }

    /// Merge one more file over those read so far, key by key.
    fn add(&mut self, layer: Layer, path: PathBuf, file: ConfigFile) -> Result<()> {
        if let Some(n) = file.threads {
            pcn_atlas::settings::threads(n, &format!("{}: threads", path.display()))?;
            self.file.threads = Some(n);
            self.threads_from = Some(path.clone());
        }
        if let Some(f) = file.fail_on_findings {
            self.file.fail_on_findings = Some(f);
            self.fail_on_from = Some(path.clone());
        }
        self.values.read_section(&path, "check", &file.check)?;
        self.values.read_section(&path, "drive", &file.drive)?;
        self.values.read_section(&path, "transit", &file.transit)?;
        if let Some(p) = file.profile {
            self.file.profile = Some(match (self.file.profile.take(), p) {
                (Some(toml::Value::Table(mut low)), toml::Value::Table(high)) => {
                    merge_tables(&mut low, high);
                    toml::Value::Table(low)
                }
                (_, high) => high,
            });
            self.profile_from = Some(path.clone());
        }
        self.used.push((layer, path));
        Ok(())
    }

    /// The files read, for the run's summary: `settings: none …` or each
    /// file with where it was found, highest precedence first.
    pub fn describe(&self) -> String {
        if self.used.is_empty() {
            return format!(
                "settings: built-in defaults and flags (no {LOCAL}, ${ENV} or --config)"
            );
        }
        let files: Vec<String> = self
            .used
            .iter()
            .rev()
            .map(|(l, p)| format!("{} ({})", p.display(), l.label()))
            .collect();
        let how = if files.len() > 1 {
            ", merged key by key, first named wins"
        } else {
            ""
        };
        format!("settings: flags over {}{how}", files.join(" over "))
    }

    /// The car profile: `--profile FILE` if given, else the config's
    /// `profile` (a table of overrides or a file path, relative to the
    /// config file that names it), else the defaults.
    pub fn profile(&self, flag: Option<&Path>) -> Result<CarProfile> {
        if let Some(p) = flag {
            return CarProfile::from_file(p);
        }
        let here = self.profile_from.as_deref().unwrap_or(Path::new(LOCAL));
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

/// `high`'s keys over `low`'s, tables merged recursively.
fn merge_tables(low: &mut toml::Table, high: toml::Table) {
    for (k, v) in high {
        match (low.get_mut(&k), v) {
            (Some(toml::Value::Table(l)), toml::Value::Table(h)) => merge_tables(l, h),
            (_, v) => {
                low.insert(k, v);
            }
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
        let s = pcn_atlas::settings::Settings::resolve(&[], &c.values).unwrap();
        assert_eq!(s.check_options().unwrap().band_min, 25_000);
        assert_eq!(s.drive_options().hub_max_min, 20.0);
        let e = parse("[check]\nband_minimum = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("band_minimum"), "{e}");
        let e = parse("[checks]\nband_min = 1\n").unwrap_err().to_string();
        assert!(e.contains("checks"), "{e}");
    }

    /// Each level fails on its severity and worse: worked out from
    /// `Code::severity` (HUB_IMPRACTICAL warning, NON_CONTIGUOUS error,
    /// RURAL info).
    #[test]
    fn fail_on_levels() {
        use FailOn::*;
        let warn = [Code::HubImpractical, Code::Rural];
        let err = [Code::NonContiguous];
        let info = [Code::Rural, Code::RuralWaiverCandidate];
        assert!(!Error.fails(warn) && Warning.fails(warn) && Info.fails(warn));
        assert!(Error.fails(err) && Warning.fails(err) && Info.fails(err));
        assert!(!Error.fails(info) && !Warning.fails(info) && Info.fails(info));
        assert!(!Never.fails(err) && !Info.fails([]));
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
