//! `pcn-atlas config`: print the effective settings — flags over the
//! config file over the defaults — as a `pcn-atlas.toml` that can be saved
//! and edited, each value commented with where it came from.

use super::config::{Config, ENV, LOCAL};
use super::settings::{CheckFlags, DriveFlags, TransitFlags};
use anyhow::Result;
use clap::Args;
use pcn_atlas::settings::{Settings, Value};
use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Clone, Debug, Default)]
pub struct ConfigArgs {
    #[command(flatten)]
    pub thresholds: CheckFlags,
    #[command(flatten)]
    pub drive: DriveFlags,
    #[command(flatten)]
    pub transit: TransitFlags,
    /// Car profile overrides (TOML or JSON), replacing the config's [profile].
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// Worker threads [default: all cores].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// The dataset folder whose pcn-atlas.toml a run on it would read.
    #[arg(long, value_name = "DIR")]
    pub dataset: Option<PathBuf>,
}

/// The effective settings as commented TOML.
pub fn render(args: &ConfigArgs, cfg: &Config) -> Result<String> {
    let mut given = args.thresholds.given.clone();
    given.extend(args.drive.given.iter().cloned());
    given.extend(args.transit.given.iter().cloned());
    let settings = Settings::resolve(&given, &cfg.values)?;
    settings.check_options()?;
    if let Some(n) = args.threads {
        pcn_atlas::settings::threads(n, "--threads")?;
    }
    let profile = args.drive.profile(cfg, args.profile.as_deref())?;
    let mut o = header(args, cfg);
    let _ = writeln!(o, "\n[check]");
    o.push_str(&settings.section_toml("check", &|_| None));
    let _ = writeln!(o, "\n[drive]");
    // Snapping shows the car profile's values when not set.
    o.push_str(&settings.section_toml("drive", &|key| match key {
        "max_snap_m" => Some(Value::Float(profile.max_snap_m)),
        "off_road_kph" => Some(Value::Float(profile.off_road_kph)),
        _ => None,
    }));
    let _ = writeln!(o, "\n[transit]");
    o.push_str(&settings.section_toml("transit", &|_| None));
    profile_section(&mut o, args, cfg, &profile)?;
    Ok(o)
}

/// The version, the config file, and the threads.
fn header(args: &ConfigArgs, cfg: &Config) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# pcn-atlas {} — effective settings",
        env!("CARGO_PKG_VERSION")
    );
    if cfg.used.is_empty() {
        let _ = writeln!(
            o,
            "# config file: none (looked for --config, ${ENV}, DATASET/{LOCAL}, ./{LOCAL}); defaults and flags only"
        );
    }
    // Highest precedence first; a key of an earlier file wins.
    for (layer, p) in cfg.used.iter().rev() {
        let _ = writeln!(o, "# config file: {} ({})", p.display(), layer.label());
    }
    let _ = writeln!(o, "# Save as {LOCAL} and edit; flags still override it.\n");
    match args.threads.or(cfg.file.threads) {
        Some(n) => {
            let src = match (&args.threads, &cfg.threads_from) {
                (Some(_), _) | (None, None) => "flag".to_string(),
                (None, Some(p)) => p.display().to_string(),
            };
            let kv = format!("threads = {n}");
            let _ = writeln!(o, "{kv:<32} # {src}");
        }
        None => {
            let _ = writeln!(
                o,
                "# threads = {:<22} # default: all cores",
                std::thread::available_parallelism().map_or(1, |n| n.get())
            );
        }
    }
    match &cfg.file.fail_on_findings {
        Some(f) => {
            let kv = format!("fail_on_findings = \"{}\"", f.as_str());
            let from = cfg
                .fail_on_from
                .as_ref()
                .map_or(String::new(), |p| p.display().to_string());
            let _ = writeln!(o, "{kv:<32} # {from}");
        }
        None => {
            let _ = writeln!(
                o,
                "# fail_on_findings = \"warning\"   # default: never (exit 0 whatever the findings)"
            );
        }
    }
    o
}

/// The car profile's `[profile]` section.
fn profile_section(
    o: &mut String,
    args: &ConfigArgs,
    cfg: &Config,
    profile: &pcn_atlas::roads::profile::CarProfile,
) -> Result<()> {
    let profile_src = if args.profile.is_some() {
        "from --profile"
    } else if cfg.file.profile.is_some() {
        "from the config file(s) over the defaults"
    } else {
        "defaults"
    };
    let _ = writeln!(
        o,
        "\n# The car profile ({profile_src}); keys as in docs/car-profile.md.\n# max_snap_m and off_road_kph are set in [drive] above.\n[profile]"
    );
    let mut v = toml::Value::try_from(profile)?;
    if let toml::Value::Table(t) = &mut v {
        t.remove("max_snap_m");
        t.remove("off_road_kph");
        if let Some(s) = t.remove("speeds_kph") {
            t.insert("speeds".into(), s);
        }
        // Tables after scalars, as TOML requires.
        let (tables, scalars): (Vec<_>, Vec<_>) = t
            .iter()
            .partition(|(_, v)| matches!(v, toml::Value::Table(_)));
        for (k, v) in scalars {
            let _ = writeln!(o, "{k} = {v}");
        }
        for (k, v) in tables {
            let _ = writeln!(o, "\n[profile.{k}]");
            if let toml::Value::Table(inner) = v {
                for (ik, iv) in inner {
                    let _ = writeln!(o, "{ik} = {iv}");
                }
            }
        }
    }
    Ok(())
}

/// `pcn-atlas config`.
pub fn run(args: &ConfigArgs, cfg: &Config) -> Result<ExitCode> {
    print!("{}", render(args, cfg)?);
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::config::ConfigFile;

    /// The printed settings are a config file that gives the same settings.
    #[test]
    fn printed_config_round_trips() {
        let file: ConfigFile = toml::from_str(
            "[check]\nband_min = 25000\ncontiguity = \"rook\"\n[drive]\nhub_rule = \"centre\"\n[profile]\nspeed_factor = 0.7\n",
        )
        .unwrap();
        let cfg = Config::new(file, None).unwrap();
        let args = ConfigArgs {
            drive: DriveFlags::default().with("hub_max_min", Value::Float(20.0)),
            ..Default::default()
        };
        let text = render(&args, &cfg).unwrap();
        assert!(text.contains("band_min = 25000"), "{text}");
        assert!(text.contains("# config file"), "{text}");
        assert!(
            text.contains("hub_max_min = 20.0") && text.contains("# flag"),
            "{text}"
        );
        let again = Config::new(toml::from_str(&text).unwrap(), None).unwrap();
        let plain = ConfigArgs::default();
        let a = (
            args.thresholds.options(&cfg).unwrap(),
            args.drive.options(&cfg).unwrap(),
            args.drive.profile(&cfg, None).unwrap(),
        );
        let b = (
            plain.thresholds.options(&again).unwrap(),
            plain.drive.options(&again).unwrap(),
            plain.drive.profile(&again, None).unwrap(),
        );
        assert_eq!(format!("{:?}", a.0), format!("{:?}", b.0));
        assert_eq!(format!("{:?}", a.1), format!("{:?}", b.1));
        assert_eq!(a.2, b.2);
    }
}
