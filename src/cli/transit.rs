//! Public transport on the command line: `analyse --gtfs` (the feeds and
//! the walking network loaded before the run) and `route --gtfs` (one
//! journey, its legs as text and GeoJSON).

use super::config::Config;
use super::progress::Progress;
use super::settings::TransitFlags;
use anyhow::{Result, anyhow, bail};
use clap::Args;
use pcn_atlas::analyse::transit::Transit;
use pcn_atlas::transit::gtfs::load_feeds;
use pcn_atlas::transit::walk::WalkNetwork;
use std::path::{Path, PathBuf};

/// Public-transport flags of `analyse` and `route`.
#[derive(Args, Clone, Debug, Default)]
pub struct TransitArgs {
    /// GTFS feed(s), zip or folder, comma-separated (several operators' feeds are merged):
    /// patients' bus and walking journeys to their practice and the hub (docs/public-transport.md).
    #[arg(long, value_name = "FEED[,FEED…]", value_delimiter = ',')]
    pub gtfs: Vec<PathBuf>,
    /// Service day of the timetable, YYYY-MM-DD [default: the feed's first full weekday].
    #[arg(long, value_name = "DATE", requires = "gtfs")]
    pub pt_date: Option<String>,
    #[command(flatten)]
    pub settings: TransitFlags,
}

impl TransitArgs {
    /// The input files, for the output folder's claim.
    pub fn inputs(&self) -> Vec<PathBuf> {
        self.gtfs.clone()
    }

    /// Load the feeds and the walking network of `roads`; `None` without `--gtfs`.
    pub fn load(&self, cfg: &Config, roads: &Path, progress: &Progress) -> Result<Option<Transit>> {
        let settings = self.settings.settings(cfg)?;
        if self.gtfs.is_empty() {
            return Ok(None);
        }
        let walk_options = settings.walk_options();
        let (timetable, gtfs) =
            progress.stage("gtfs", || load_feeds(&self.gtfs, self.pt_date.as_deref()))?;
        let (walk, walk_report) =
            progress.stage("walk", || WalkNetwork::from_roads(roads, &walk_options))?;
        Ok(Some(Transit {
            timetable,
            gtfs,
            walk,
            walk_report,
            walk_options,
            options: settings.pt_options(),
        }))
    }
}

/// `--depart HH:MM` as seconds of the service day.
pub fn depart_secs(text: &str) -> Result<u32> {
    pcn_atlas::settings::parse_clock(text)
        .map(|m| m * 60)
        .ok_or_else(|| anyhow!("--depart {text:?}: expected a time HH:MM up to 30:00"))
}

/// `route --gtfs`: the earliest journey from `from` to `to` leaving at
/// `--depart`, printed leg by leg and written as GeoJSON with `--out`.
pub fn run_pt_route(
    args: &super::roads::RouteArgs,
    cfg: &Config,
    from: [f64; 2],
    to: [f64; 2],
    progress: &Progress,
) -> Result<()> {
    let Some(depart) = args.depart.as_deref() else {
        bail!("route --gtfs needs --depart HH:MM");
    };
    let depart = depart_secs(depart)?;
    let Some(transit) = args.transit.load(cfg, &args.roads, progress)? else {
        bail!("route --gtfs needs a feed");
    };
    let stops: Vec<[f64; 2]> = transit.timetable.stops.iter().map(|s| s.bng).collect();
    let links = pcn_atlas::transit::walk::walk_links(
        &transit.walk,
        &stops,
        &[from],
        &[to],
        &transit.walk_options,
    );
    let raptor = pcn_atlas::transit::raptor::Raptor::new(&transit.timetable, &links.transfers);
    let mut ws = raptor.workspace();
    let direct = links.direct[0].first().map(|d| d.1);
    let journey = raptor.journey(
        &links.access[0],
        depart,
        &links.egress[0],
        direct,
        transit.options.max_rides,
        &mut ws,
    );
    let view = pcn_atlas::output::journey::JourneyView {
        timetable: &transit.timetable,
        from,
        to,
        from_label: &args.from,
        to_label: &args.to,
        depart,
        date: &transit.gtfs.date,
    };
    print!("{}", view.text(journey.as_ref()));
    if let Some(out) = &args.out {
        let Some(j) = &journey else {
            bail!("no journey to write to {}", out.display());
        };
        pcn_atlas::output::journey::write_journey(out, &view, j)?;
        println!("wrote {}", out.display());
    }
    Ok(())
}
