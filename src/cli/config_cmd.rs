//! `pcn-atlas config`: print the effective settings — flags over the
//! config file over the defaults — as a `pcn-atlas.toml` that can be saved
//! and edited, each value commented with where it came from.

use super::analyse::DriveFlags;
use super::config::{Config, ENV, LOCAL};
use super::input::CheckFlags;
use anyhow::Result;
use clap::Args;
use pcn_atlas::analyse::network::{DriveOptions, HubRule};
use pcn_atlas::check::adjacency::Contiguity;
use pcn_atlas::check::run::CheckOptions;
use pcn_atlas::roads::profile::CarProfile;
use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Clone, Debug, Default)]
pub struct ConfigArgs {
    #[command(flatten)]
    pub thresholds: CheckFlags,
    #[command(flatten)]
    pub drive: DriveFlags,
    /// Car profile overrides (TOML or JSON), replacing the config's [profile].
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// Worker threads [default: all cores].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

fn line(out: &mut String, key: &str, value: String, source: &str) {
    let kv = format!("{key} = {value}");
    let _ = writeln!(out, "{kv:<32} # {source}");
}

/// The effective settings as commented TOML.
pub fn render(args: &ConfigArgs, cfg: &Config) -> Result<String> {
    let check = args.thresholds.options(cfg)?;
    let drive = args.drive.options(cfg)?;
    let profile = args.drive.profile(cfg, args.profile.as_deref())?;
    let mut o = String::new();
    header(&mut o, args, cfg);
    check_section(&mut o, args, cfg, &check);
    drive_section(&mut o, args, cfg, &drive, &profile);
    profile_section(&mut o, args, cfg, &profile)?;
    Ok(o)
}

/// Version, config file and `threads`.
fn header(o: &mut String, args: &ConfigArgs, cfg: &Config) {
    let src = |flag: bool, file: bool| cfg.source(flag, file);
    let _ = writeln!(
        o,
        "# pcn-atlas {} — effective settings",
        env!("CARGO_PKG_VERSION")
    );
    match &cfg.path {
        Some(p) => {
            let _ = writeln!(o, "# config file: {}", p.display());
        }
        None => {
            let _ = writeln!(
                o,
                "# config file: none (looked for --config, ${ENV}, ./{LOCAL}); defaults and flags only"
            );
        }
    }
    let _ = writeln!(o, "# Save as {LOCAL} and edit; flags still override it.\n");
    match args.threads.or(cfg.file.threads) {
        Some(n) => line(
            o,
            "threads",
            n.to_string(),
            src(args.threads.is_some(), cfg.file.threads.is_some()),
        ),
        None => {
            let _ = writeln!(
                o,
                "# threads = {:<22} # default: all cores",
                std::thread::available_parallelism().map_or(1, |n| n.get())
            );
        }
    }
}

/// `[check]`.
fn check_section(o: &mut String, args: &ConfigArgs, cfg: &Config, check: &CheckOptions) {
    let src = |flag: bool, file: bool| cfg.source(flag, file);
    let (c, t) = (&cfg.file.check, &args.thresholds);
    let _ = writeln!(o, "\n[check]");
    let rule = match check.adjacency.rule {
        Contiguity::Queen => "\"queen\"",
        Contiguity::Rook => "\"rook\"",
    };
    line(
        o,
        "contiguity",
        rule.into(),
        src(t.contiguity.is_some(), c.contiguity.is_some()),
    );
    line(
        o,
        "tolerance_m",
        float(check.adjacency.tolerance_m),
        src(t.tolerance_m.is_some(), c.tolerance_m.is_some()),
    );
    line(
        o,
        "band_min",
        check.band_min.to_string(),
        src(t.band_min.is_some(), c.band_min.is_some()),
    );
    line(
        o,
        "band_max",
        check.band_max.to_string(),
        src(t.band_max.is_some(), c.band_max.is_some()),
    );
    line(
        o,
        "rural_threshold",
        float(check.rural_threshold),
        src(t.rural_threshold.is_some(), c.rural_threshold.is_some()),
    );
}

/// `[drive]`.
fn drive_section(
    o: &mut String,
    args: &ConfigArgs,
    cfg: &Config,
    drive: &DriveOptions,
    profile: &CarProfile,
) {
    let src = |flag: bool, file: bool| cfg.source(flag, file);
    let (d, f) = (&cfg.file.drive, &args.drive);
    let slow = args.drive.slow_factor(cfg);
    let _ = writeln!(o, "\n[drive]");
    let hub = match drive.hub_rule {
        HubRule::Median => "\"median\"",
        HubRule::Centre => "\"centre\"",
    };
    line(
        o,
        "hub_rule",
        hub.into(),
        src(f.hub_rule.is_some(), d.hub_rule.is_some()),
    );
    let floats = [
        (
            "hub_max_min",
            drive.hub_max_min,
            f.hub_max_min,
            d.hub_max_min,
        ),
        (
            "tour_max_min",
            drive.tour_max_min,
            f.tour_max_min,
            d.tour_max_min,
        ),
        (
            "patient_max_min",
            drive.patient_max_min,
            f.patient_max_min,
            d.patient_max_min,
        ),
        (
            "patient_share_max",
            drive.patient_share_max,
            f.patient_share_max,
            d.patient_share_max,
        ),
        ("day_hours", drive.day_hours, f.day_hours, d.day_hours),
        (
            "on_site_min",
            drive.on_site_min,
            f.on_site_min,
            d.on_site_min,
        ),
        ("slow_factor", slow, f.slow_factor, d.slow_factor),
        ("max_snap_m", profile.max_snap_m, f.max_snap_m, d.max_snap_m),
        (
            "off_road_kph",
            profile.off_road_kph,
            f.off_road_kph,
            d.off_road_kph,
        ),
    ];
    for (k, v, flag, file) in floats {
        line(o, k, float(v), src(flag.is_some(), file.is_some()));
    }
    match args.drive.cache_dir(cfg) {
        Some(dir) => line(
            o,
            "cache",
            toml::Value::String(dir.display().to_string()).to_string(),
            src(f.cache.is_some(), d.cache.is_some()),
        ),
        None => {
            let _ = writeln!(
                o,
                "# cache = \"DIR\"              # none: roads are prepared afresh"
            );
        }
    }
}

/// `[profile]`: the car profile less the keys written in `[drive]`.
fn profile_section(
    o: &mut String,
    args: &ConfigArgs,
    cfg: &Config,
    profile: &CarProfile,
) -> Result<()> {
    let profile_src = if args.profile.is_some() {
        "from --profile"
    } else if cfg.file.profile.is_some() {
        "from the config file over the defaults"
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

fn float(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.1}")
    } else {
        format!("{v}")
    }
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
        let cfg = Config { file, path: None };
        let args = ConfigArgs {
            drive: DriveFlags {
                hub_max_min: Some(20.0),
                ..Default::default()
            },
            ..Default::default()
        };
        let text = render(&args, &cfg).unwrap();
        assert!(text.contains("band_min = 25000"), "{text}");
        assert!(text.contains("# config file"), "{text}");
        assert!(
            text.contains("hub_max_min = 20.0") && text.contains("# flag"),
            "{text}"
        );
        let again = Config {
            file: toml::from_str(&text).unwrap(),
            path: None,
        };
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
