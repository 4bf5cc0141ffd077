//! `pcn-atlas roads` and `pcn-atlas route`: the road network on its own.

use super::config::Config;
use super::progress::Progress;
use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use pcn_atlas::coords::{check_bng, check_wgs84, wgs84_to_bng};
use pcn_atlas::load::dataset::{DatasetPaths, load_dataset};
use pcn_atlas::output::roads::RouteResult;
use pcn_atlas::routing::{GraphOptions, RoadGraph, SnapIndex, SnapOptions, Snapper};
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
    /// Also write graph.geojson: the contracted routing graph, one LineString
    /// per edge (a two-way road once) with seconds and metres. Needs --out.
    #[arg(long, requires = "out")]
    pub graph: bool,
}

/// `pcn-atlas roads`: load, build the graph, summarise, optionally write.
pub fn run_roads(args: &RoadsArgs, cfg: &Config, quiet: bool) -> Result<ExitCode> {
    let profile = cfg.profile(args.profile.as_deref())?;
    let _claim = match &args.out {
        Some(out) => Some(super::input::claim_results(
            out,
            cfg,
            vec![Some(args.roads.clone()), args.profile.clone()],
        )?),
        None => None,
    };
    let progress = Progress::new(quiet);
    let (net, report) = progress.stage("load", || {
        pcn_atlas::roads::load_roads(&args.roads, &profile)
    })?;
    print!("{}", pcn_atlas::output::roads::roads_summary(&report));
    let (graph, graph_report) =
        progress.stage("graph", || RoadGraph::build(&net, &GraphOptions::default()));
    print!("{}", pcn_atlas::output::roads::graph_summary(&graph_report));
    if let Some(out) = &args.out {
        progress.stage("write", || {
            pcn_atlas::output::roads::write_roads(
                out,
                &net,
                &report,
                &graph_report,
                args.graph.then_some(&graph),
            )
        })?;
        println!("\nwrote {}", out.display());
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Clone, Debug)]
pub struct RouteArgs {
    /// Road file: .osm.pbf, .shp (Geofabrik gis_osm_roads_free_1) or .geojson.
    #[arg(long, value_name = "FILE")]
    pub roads: PathBuf,
    /// Car profile overrides (TOML or JSON); `off_road_kph` and `max_snap_m` set the snapping.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// Origin: `lon,lat` (WGS84), `e,n` with --bng, or a practice code with --dataset.
    #[arg(long, value_name = "POINT", allow_hyphen_values = true)]
    pub from: String,
    /// Destination, as --from.
    #[arg(long, value_name = "POINT", allow_hyphen_values = true)]
    pub to: String,
    /// Read coordinate pairs as British National Grid easting,northing (metres).
    #[arg(long)]
    pub bng: bool,
    /// Dataset folder whose practices.csv locates practice codes given as --from/--to.
    #[arg(long, value_name = "DIR")]
    pub dataset: Option<PathBuf>,
    /// Write the route as GeoJSON (WGS84): path, snap legs and points.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// With --gtfs: leave --from at this time, HH:MM, and print the public-transport journey's legs.
    #[arg(long, value_name = "HH:MM", requires = "gtfs")]
    pub depart: Option<String>,
    #[command(flatten)]
    pub transit: super::transit::TransitArgs,
}

/// Parse `--from`/`--to` into BNG metres. `lookup` finds a practice code.
pub fn parse_point(
    flag: &str,
    text: &str,
    bng: bool,
    lookup: &dyn Fn(&str) -> Result<[f64; 2]>,
) -> Result<[f64; 2]> {
    let t = text.trim();
    if let Some((a, b)) = t.split_once(',') {
        let num = |s: &str| {
            s.trim().parse::<f64>().map_err(|_| {
                let want = if bng { "easting,northing" } else { "lon,lat" };
                anyhow!(
                    "{flag} {text:?}: {:?} is not a number (expected {want})",
                    s.trim()
                )
            })
        };
        let (x, y) = (num(a)?, num(b)?);
        if bng {
            if let Some(msg) = check_bng(x, y) {
                bail!("{flag} {text:?}: {msg}");
            }
            return Ok([x, y]);
        }
        if let Some(msg) = check_wgs84(x, y) {
            bail!("{flag} {text:?}: {msg} (expected lon,lat; or e,n with --bng)");
        }
        let p = wgs84_to_bng(x, y);
        return Ok([p.x, p.y]);
    }
    lookup(t).with_context(|| format!("{flag} {text:?}"))
}

/// `pcn-atlas route`: one origin–destination pair with its path.
pub fn run_route(args: &RouteArgs, cfg: &Config, quiet: bool) -> Result<ExitCode> {
    let profile = cfg.profile(args.profile.as_deref())?;
    if let Some(out) = &args.out {
        let inputs = [
            Some(&args.roads),
            args.profile.as_ref(),
            args.dataset.as_ref(),
        ];
        let mut inputs: Vec<PathBuf> = inputs.into_iter().flatten().cloned().collect();
        inputs.extend(args.transit.inputs());
        inputs.extend(cfg.used.iter().map(|(_, p)| p.clone()));
        pcn_atlas::output::atomic::check_not_input(out, &inputs)?;
    }
    let progress = Progress::new(quiet);
    let needs_dataset = |s: &str| !s.contains(',');
    let dataset = match &args.dataset {
        Some(dir) if needs_dataset(&args.from) || needs_dataset(&args.to) => {
            Some(progress.stage("dataset", || load_dataset(&DatasetPaths::dir(dir.clone())))?)
        }
        _ => None,
    };
    let lookup = |code: &str| -> Result<[f64; 2]> {
        let Some(ds) = &dataset else {
            bail!("not a coordinate pair, and no --dataset given to look up a practice code")
        };
        let p = ds
            .practices
            .iter()
            .find(|p| p.code.eq_ignore_ascii_case(code))
            .ok_or_else(|| anyhow!("practice {code} is not in the dataset's practices"))?;
        let c = p.location.ok_or_else(|| {
            anyhow!("practice {code} has no location (its postcode did not geocode)")
        })?;
        Ok([c.x, c.y])
    };
    let from = parse_point("--from", &args.from, args.bng, &lookup)?;
    let to = parse_point("--to", &args.to, args.bng, &lookup)?;
    if !args.transit.gtfs.is_empty() {
        super::transit::run_pt_route(args, cfg, from, to, &progress)?;
        return Ok(ExitCode::SUCCESS);
    }
    let (net, _) = progress.stage("load", || {
        pcn_atlas::roads::load_roads(&args.roads, &profile)
    })?;
    let (graph, _) = progress.stage("graph", || RoadGraph::build(&net, &GraphOptions::default()));
    let index = progress.stage("snap-index", || SnapIndex::new(&graph));
    let snapper = Snapper::new(
        &graph,
        &index,
        SnapOptions {
            off_road_kph: profile.off_road_kph,
            max_snap_m: profile.max_snap_m,
        },
    );
    let snap = |flag: &str, text: &str, p: [f64; 2]| {
        let s = snapper
            .nearest(p)
            .ok_or_else(|| anyhow!("{}: no usable road in the graph", args.roads.display()))?;
        if s.snap_m > profile.max_snap_m {
            bail!(
                "{flag} {text:?} is unroutable: the nearest usable road is {:.0} m away, \
                 more than max_snap_m = {} m (set max_snap_m in --profile to allow it)",
                s.snap_m,
                profile.max_snap_m
            );
        }
        Ok(s)
    };
    let s = snap("--from", &args.from, from)?;
    let t = snap("--to", &args.to, to)?;
    let path = pcn_atlas::routing::ch::path(&graph, &s, &t).ok_or_else(|| {
        anyhow!(
            "no route from --from {:?} to --to {:?} on {}",
            args.from,
            args.to,
            args.roads.display()
        )
    })?;
    let result = RouteResult {
        from_label: args.from.clone(),
        to_label: args.to.clone(),
        from: s,
        to: t,
        path,
    };
    print!("{}", pcn_atlas::output::roads::route_summary(&result));
    if let Some(out) = &args.out {
        let f = pcn_atlas::output::roads::write_route(out, &result)?;
        println!("wrote {}", f.display());
    }
    Ok(ExitCode::SUCCESS)
}
