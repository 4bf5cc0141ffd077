//! `pcn-atlas check` and `pcn-atlas validate`.

use super::config::Config;
use super::input::{CheckFlags, InputArgs};
use super::progress::Progress;
use anyhow::Result;
use clap::Args;
use pcn_atlas::load::dataset::load_dataset;
use pcn_atlas::output::check::write_check;
use pcn_atlas::pipeline::{self, Fresh, Plan};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Clone, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output folder (created if missing; files are replaced only when the whole run succeeds).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub thresholds: CheckFlags,
    /// A road file (.osm.pbf, .shp, .geojson): areas joined across water by its bridges and ferries
    /// count as adjacent (listed in report.json as road_links). No drive times: see `analyse`.
    #[arg(long, value_name = "FILE")]
    pub roads: Option<PathBuf>,
    /// Car profile overrides for --roads (which roads and ferries a car may use).
    #[arg(long, value_name = "FILE", requires = "roads")]
    pub profile: Option<PathBuf>,
    /// Exit with code 1 when there is a finding of this severity or worse:
    /// bare `--fail-on-findings` means `warning` (errors and warnings fail;
    /// RURAL and RURAL_WAIVER_CANDIDATE, which are info, do not).
    #[arg(long, value_name = "LEVEL", num_args = 0..=1, default_missing_value = "warning")]
    pub fail_on_findings: Option<super::config::FailOn>,
    #[command(flatten)]
    pub output: super::input::OutputFlags,
    /// Worker threads (default: all cores). Output is identical whatever the number.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// `pcn-atlas validate`: load, validate, summarise.
pub fn run_validate(args: &InputArgs, quiet: bool) -> Result<ExitCode> {
    let t = std::time::Instant::now();
    let ds = load_dataset(&args.paths())?;
    if !quiet {
        eprintln!("loaded in {:.2} s", t.elapsed().as_secs_f64());
    }
    println!(
        "{} practices in {} PCNs, {} areas, {} registrations rows, footprints: {}",
        ds.practices.len(),
        ds.pcns.len(),
        ds.areas.len(),
        ds.registrations().len(),
        ds.footprints
            .as_ref()
            .map_or("none".to_string(), |f| format!("{} rows", f.len()))
    );
    let mut counts = std::collections::BTreeMap::new();
    for n in &ds.notices {
        *counts.entry(n.code.as_str()).or_insert(0u64) += 1;
    }
    for (code, n) in counts {
        println!("  {code}: {n}");
    }
    // Then every notice itself, as the README promises: what each one is
    // about and why, control characters escaped for the terminal.
    if !ds.notices.is_empty() {
        println!("notices ({}):", ds.notices.len());
    }
    for n in &ds.notices {
        println!(
            "  {} {}: {}",
            n.code.as_str(),
            pcn_atlas::safe_text::escape_controls(&n.subject, 80),
            pcn_atlas::safe_text::escape_controls(&n.detail, 400)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `pcn-atlas check`.
pub fn run(args: &CheckArgs, cfg: &Config, quiet: bool) -> Result<ExitCode> {
    super::config::threads(args.threads, cfg)?;
    let opts = args.thresholds.options(cfg)?;
    let mut inputs: Vec<_> = args.input.given().into_iter().map(Some).collect();
    inputs.extend([
        args.roads.clone(),
        args.profile.clone(),
        args.output.places.clone(),
    ]);
    let _claim = super::input::claim_results(&args.out, cfg, inputs)?;
    let progress = Progress::new(quiet);
    let mut ds = progress.stage("load", || load_dataset(&args.input.paths()))?;
    let (net, road_places) = match &args.roads {
        None => (None, Vec::new()),
        Some(path) => {
            let profile = cfg.profile(args.profile.as_deref())?;
            let (net, report) =
                progress.stage("roads", || pcn_atlas::roads::load_roads(path, &profile))?;
            ds.inputs.push(report.input.clone());
            (Some(net), report.places)
        }
    };
    let places = args.output.places(road_places)?;
    let plan = Plan {
        links: net.as_ref(),
        ..Plan::check(&opts)
    };
    let mut run = pipeline::run(ds, &plan, &mut Fresh, &progress)?;
    run.places = places;
    let road_links = run.check.road_links.len();
    if road_links > 0 && !quiet {
        eprintln!(
            "{road_links} pairs of areas joined across water by the road network's bridges and ferries"
        );
    }
    if let Some(w) = run.dissolve_check.warning() {
        eprintln!("{w}");
    }
    progress.stage("write", || {
        write_check(&args.out, &run, &args.output.run_info())
    })?;
    print!(
        "{}",
        pcn_atlas::output::summary::check_summary(&run.ds, &run.check)
    );
    println!("\n{}", cfg.describe());
    println!("\nwrote {}", args.out.display());
    Ok(super::config::gate(
        args.fail_on_findings,
        cfg,
        run.check.findings.iter().map(|f| f.code),
    ))
}
