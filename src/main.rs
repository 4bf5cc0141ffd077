//! The `pcn-atlas` command line: parses arguments and runs the library's
//! stages in order. Exit codes: 0 ran, 1 a finding at or above
//! `--fail-on-findings`'s severity, 2 bad input or error.

mod cli;

use anyhow::Result;
use clap::{CommandFactory, Parser, Subcommand};
use cli::analyse::AnalyseArgs;
use cli::check::CheckArgs;
use cli::config_cmd::ConfigArgs;
use cli::import::{DemoArgs, ImportArgs};
use cli::input::InputArgs;
use cli::propose::ProposeArgs;
use cli::roads::{RoadsArgs, RouteArgs};
use cli::whatif::WhatIfArgs;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "pcn-atlas",
    version,
    about = "Check NHS England primary care network footprints and their drive-time burden"
)]
struct Cli {
    /// Print nothing on stderr but errors (no progress bars, no timings).
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Settings file, over $PCN_ATLAS_CONFIG, over the dataset folder's pcn-atlas.toml, over
    /// ./pcn-atlas.toml (every file found is read; they merge key by key). See `pcn-atlas config`.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load a dataset, validate it and summarise what it holds.
    #[command(after_help = "Example:\n  pcn-atlas validate --dataset data/demo")]
    Validate(InputArgs),
    /// Build a dataset folder from the national NHS Digital, NHS ODS, OS and ONS files.
    #[command(after_help = "Examples:\n  \
        # all of England, from a folder holding the files under their published names\n  \
        pcn-atlas import --from ../shared/data/england --out england\n  \
        # Rutland only (local authority E06000017)\n  \
        pcn-atlas import --from ../shared/data/england --lad E06000017 --out rutland\n  \
        # two PCNs, with the areas where they have the most registered patients\n  \
        pcn-atlas import --from ../shared/data/england --pcn U67590,U89141 --out two-pcns")]
    Import(ImportArgs),
    /// Check footprints: contiguity, coverage, practices inside their footprint, population bands, rural shares.
    #[command(after_help = "Examples:\n  \
        pcn-atlas check --dataset data/demo --out out/demo\n  \
        # a national dataset made by `pcn-atlas import`, rook contiguity; fail CI (exit 1) on an\n  \
        # error or warning finding, not on RURAL or RURAL_WAIVER_CANDIDATE (info)\n  \
        pcn-atlas check --dataset england --out out/england --contiguity rook --fail-on-findings\n  \
        # a proposal replacing the dataset's footprints (here the one `propose --out out/demo-propose` writes)\n  \
        pcn-atlas check --dataset data/demo --footprints out/demo-propose/footprints.csv --out out/proposal\n\n\
        Outputs (all WGS84, written atomically): map.html (open it in a browser, works offline),\n\
        map.svg, map.png, pcns.geojson, areas.geojson, practices.geojson, pcn_summary.csv,\n\
        findings.csv, report.json. Thresholds can come from pcn-atlas.toml (see `pcn-atlas config`).\n\
        Exit codes: 0 ran (findings or not); 1 a finding at or above --fail-on-findings' severity\n\
        (bare: warning; =error only rule breaches; =info any finding); 2 bad input or error.")]
    Check(CheckArgs),
    /// Write the synthetic demo county (Demoshire) as a dataset folder.
    #[command(after_help = "Example:\n  pcn-atlas demo --out data/demo\n\n\
        The same seed always writes the same bytes; data/demo/README.md lists the planted problems.")]
    Demo(DemoArgs),
    /// Load a road file (OSM .osm.pbf, Geofabrik roads .shp, GeoJSON) through the car profile and summarise it.
    #[command(after_help = "Examples:\n  \
        pcn-atlas roads --roads ../shared/data/rutland/rutland-2022-07.osm.pbf\n  \
        # the Geofabrik shapefile layer, with a profile override, written out for a map viewer\n  \
        pcn-atlas roads --roads ../shared/data/rutland/osm-roads-2022/gis_osm_roads_free_1.shp \\\n    \
        --profile docs/examples/slow.toml --out out/roads\n  \
        pcn-atlas roads --roads data/demo/roads.geojson --out out/demo-roads\n\n\
        Prints nodes, ways, km by class and ways excluded by reason, then the routing graph:\n\
        nodes and edges after contraction, strongly connected components, kept and discarded\n\
        nodes and km. With --out writes roads.geojson (WGS84, one LineString per way) and\n\
        roads_report.json (load and graph reports); --graph adds graph.geojson (one LineString\n\
        per contracted edge with seconds and metres).\n\
        The profile file (TOML or JSON) is documented in docs/car-profile.md.")]
    Roads(RoadsArgs),
    /// Check, then drive times on the roads: hubs, staff tours, patients' drive times, rural access findings.
    #[command(after_help = "Examples:\n  \
        pcn-atlas analyse --dataset data/demo --out out/demo-analyse\n  \
        # Rutland from the national files, with the Rutland OpenStreetMap extract\n  \
        pcn-atlas import --from ../shared/data/england --lad E06000017 --out rutland\n  \
        pcn-atlas analyse --dataset rutland --roads ../shared/data/rutland/rutland-2022-07.osm.pbf --out out/rutland\n  \
        # stricter thresholds, the 1-centre as hub, a community hospital as a candidate hub\n  \
        pcn-atlas analyse --dataset data/demo --hub-rule centre --hub-max-min 20 \\\n      \
        --candidates docs/examples/candidates.csv --out out/demo-strict\n\n\
        Writes everything `check` writes (map.html with hubs and routes, map.svg, map.png, GeoJSON,\n\
        CSV, report.json), with drive-time properties and columns, plus routes.geojson (hub-to-member\n\
        routes along the roads). Settings can come from pcn-atlas.toml (see `pcn-atlas config`). Free-flow times are reported beside a slower scenario\n\
        (--slow-factor, default 0.8 of every road speed).\n\
        Exit codes: 0 ran (findings or not); 1 a finding at or above --fail-on-findings' severity\n\
        (bare: warning; =error only rule breaches; =info any finding); 2 bad input or error.")]
    Analyse(AnalyseArgs),
    /// Route one origin–destination pair by car and write the path as GeoJSON (a debug command).
    #[command(after_help = "Examples:\n  \
        # Oakham to Uppingham, lon,lat (WGS84)\n  \
        pcn-atlas route --roads ../shared/data/rutland/rutland-2022-07.osm.pbf \\\n    \
        --from -0.7306,52.6708 --to -0.7229,52.5878 --out route.geojson\n  \
        # British National Grid easting,northing\n  \
        pcn-atlas route --roads ../shared/data/rutland/osm-roads-2022/gis_osm_roads_free_1.shp \\\n    \
        --bng --from 486000,308700 --to 486800,299500\n  \
        # two practices by code, located from a dataset's practices.csv\n  \
        pcn-atlas route --roads data/demo/roads.geojson --dataset data/demo --from D80001 --to D80010\n\n\
        Prints each snap distance, the drive time (minutes, off-road legs included), the road km\n\
        and the straight-line km. A point further than max_snap_m (profile, default 1000 m) from\n\
        every usable road is an error naming the distance (exit 2).")]
    Route(RouteArgs),
    /// Print the effective settings (flags over the pcn-atlas.toml files over defaults) as a config file.
    #[command(after_help = "Examples:\n  \
        # the defaults, as a file to start from\n  \
        pcn-atlas config > pcn-atlas.toml\n  \
        # what `analyse --dataset data/demo` would use, with a flag\n  \
        pcn-atlas config --dataset data/demo --hub-max-min 40\n\n\
        Every value is commented with where it came from: flag, the config file's path, or default.\n\
        Files, highest first: --config FILE, $PCN_ATLAS_CONFIG, DATASET/pcn-atlas.toml,\n\
        ./pcn-atlas.toml; all that exist are read and merge key by key (a higher file's key wins).\n\
        Top-level keys: threads, fail_on_findings (\"error\", \"warning\", \"info\" or \"never\").\n\
        Sections: [check] thresholds, [drive] drive-time settings, [profile] car profile\n\
        (the keys of a --profile file, docs/car-profile.md, or profile = \"file.toml\").")]
    Config(ConfigArgs),
    /// Print a shell completion script.
    #[command(after_help = "Examples:\n  \
        pcn-atlas completions bash > ~/.local/share/bash-completion/completions/pcn-atlas\n  \
        pcn-atlas completions zsh > ~/.zfunc/_pcn-atlas\n  \
        pcn-atlas completions fish > ~/.config/fish/completions/pcn-atlas.fish")]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Apply edits (move a practice or an area, add or close a practice, merge PCNs) and compare with today.
    #[command(after_help = "Examples:\n  \
        # make DEMCHESTER NORTH PCN whole: give its exclave (two areas and the practice in them) to\n  \
        # DEMCHESTER CENTRAL PCN, with drive times and accessibility on the dataset's own roads.\n  \
        # Moving the practice alone would leave the network split: a footprint is areas.\n  \
        pcn-atlas what-if --dataset data/demo --move-practice D80010=U00001 \\\n      \
        --move-area E01900132=U00001 --move-area E01900133=U00001 --out out/whatif\n  \
        # merge two networks under a new code, check metrics only (no roads)\n  \
        pcn-atlas what-if --dataset data/demo --no-roads \\\n      \
        --merge \"U00009,U00005=U00010:DALES AND MOOR PCN\" --out out/whatif-merge\n  \
        # several edits from a file (TOML; docs/what-if.md)\n  \
        pcn-atlas what-if --dataset data/demo --edits fixtures/whatif/readme-edits.toml --out out/whatif-file\n\n\
        Roads: --roads FILE, else the dataset's own road file (as analyse), --no-roads for none.\n\
        Writes diff.csv (one row per touched PCN or changed row: every pcn_summary.csv column before\n\
        and after, access_* included, findings added and removed), diff.geojson (their footprints\n\
        before and after, same properties), diff_findings.csv (every finding added, removed or\n\
        changed, old and new detail on one row), and the full outputs of both scenarios in before/\n\
        and after/ (the files check, or analyse with roads, writes). Only the PCNs an edit touches\n\
        are checked and analysed again; accessibility is recomputed in full. A bad edit (an unknown\n\
        code, a PCN that does not exist) is an error naming it and where it was given (exit 2).")]
    WhatIf(WhatIfArgs),
    /// Propose footprints that meet the rules with the least driving, or repair failing networks.
    #[command(after_help = "Examples:\n  \
        pcn-atlas propose --dataset data/demo --out out/demo-propose\n  \
        # grow networks from today's hubs, let rural networks below the band, another seed\n  \
        pcn-atlas propose --dataset data/demo --start scratch --rural-waiver --seed 7 --out out/p7\n  \
        # the fewest area moves that repair each failing network\n  \
        pcn-atlas propose --dataset data/demo --repair --out out/demo-repair\n  \
        # verify a proposal with check\n  \
        pcn-atlas check --dataset data/demo --practices out/demo-propose/practices.csv \\\n    \
        --footprints out/demo-propose/footprints.csv --out out/verify\n\n\
        Writes footprints.csv and practices.csv (the dataset layout), proposal.csv (each network\n\
        today and proposed), moves.csv, proposal.geojson, proposal.json, and with --repair\n\
        repairs.csv. Method and columns: docs/propose.md.")]
    Propose(ProposeArgs),
}

fn main() -> ExitCode {
    // Like other Unix tools, stop quietly when the reader of stdout goes
    // away (`pcn-atlas config | head`) instead of panicking on the write.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to its default before any
    // other thread exists has no memory-safety conditions.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse_from(glue_negative_lists(std::env::args_os()));
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// `--bbox -0.8,52.5,-0.4,52.8`: clap takes a value that starts with `-`
/// for a flag unless the whole value is one number, so a comma list
/// starting with a negative number is glued to its flag
/// (`--bbox=-0.8,52.5,-0.4,52.8`) before parsing.
fn glue_negative_lists(args: impl Iterator<Item = std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut out: Vec<std::ffi::OsString> = Vec::new();
    for a in args {
        let glue = out.last().is_some_and(|f| f == "--bbox")
            && a.to_str().is_some_and(|v| {
                v.contains(',')
                    && v.strip_prefix('-')
                        .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit() || c == '.'))
            });
        if glue {
            let flag = out.pop().unwrap_or_default();
            let mut joined = flag;
            joined.push("=");
            joined.push(a);
            out.push(joined);
        } else {
            out.push(a);
        }
    }
    out
}

fn run(cli: &Cli) -> Result<ExitCode> {
    let quiet = cli.quiet;
    if let Command::Completions { shell } = &cli.command {
        let mut cmd = Cli::command();
        clap_complete::generate(*shell, &mut cmd, "pcn-atlas", &mut std::io::stdout());
        return Ok(ExitCode::SUCCESS);
    }
    cli::config::check_thread_env()?;
    let dataset = match &cli.command {
        Command::Validate(a) => a.dataset.as_deref(),
        Command::Check(a) => a.input.dataset.as_deref(),
        Command::Analyse(a) => a.input.dataset.as_deref(),
        Command::WhatIf(a) => a.input.dataset.as_deref(),
        Command::Propose(a) => a.input.dataset.as_deref(),
        Command::Route(a) => a.dataset.as_deref(),
        Command::Config(a) => a.dataset.as_deref(),
        _ => None,
    };
    let cfg = cli::config::Config::load(cli.config.as_deref(), dataset)?;
    match &cli.command {
        Command::Validate(args) => cli::check::run_validate(args, quiet),
        Command::Import(args) => cli::import::run(args, quiet),
        Command::Check(args) => cli::check::run(args, &cfg, quiet),
        Command::Demo(args) => cli::import::run_demo(args),
        Command::Roads(args) => cli::roads::run_roads(args, &cfg, quiet),
        Command::Analyse(args) => cli::analyse::run(args, &cfg, quiet),
        Command::Route(args) => cli::roads::run_route(args, &cfg, quiet),
        Command::Config(args) => cli::config_cmd::run(args, &cfg),
        Command::Completions { .. } => Ok(ExitCode::SUCCESS),
        Command::WhatIf(args) => cli::whatif::run(args, &cfg, quiet),
        Command::Propose(args) => cli::propose::run(args, &cfg, quiet),
    }
}
