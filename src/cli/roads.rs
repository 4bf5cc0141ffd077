//! `pcn-atlas roads` and `pcn-atlas route`: the road network on its own.

use super::progress::Progress;
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Clone, Debug)]
pub struct RoadsArgs {
    /// Road file: .osm.pbf, .shp (Geofabrik gis_osm_roads_free_1) or .geojson.
    #[arg(long, value_name = "FILE")]
    pub roads: PathBuf,
    /// Car profile overrides (TOML, or JSON by extension); defaults in docs/car-profile.md.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// Output folder for roads.geojson and roads_report.json.
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `pcn-atlas roads`: load, summarise, optionally write.
pub fn run_roads(args: &RoadsArgs, quiet: bool) -> Result<ExitCode> {
    use pcn_atlas::roads::profile::CarProfile;
    let profile = match &args.profile {
        Some(p) => CarProfile::from_file(p)?,
        None => CarProfile::default(),
    };
    let progress = Progress::new(quiet);
    let (net, report) = progress.stage("load", || {
        pcn_atlas::roads::load_roads(&args.roads, &profile)
    })?;
    print!("{}", pcn_atlas::output::roads::roads_summary(&report));
    if let Some(out) = &args.out {
        progress.stage("write", || {
            pcn_atlas::output::roads::write_roads(out, &net, &report)
        })?;
        println!("\nwrote {}", out.display());
    }
    Ok(ExitCode::SUCCESS)
}
