//! `pcn-atlas import` and `pcn-atlas demo`: writing dataset folders.

use anyhow::Result;
use clap::Args;
use pcn_atlas::import::discover::{self, Role, discover_in};
use pcn_atlas::import::{BranchSources, ImportFilter, ImportSources, run_import_with_branches};
use pcn_atlas::load::text::one_line;
use pcn_atlas::output::atomic::{self, Kind, Replace};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Args, Clone, Debug)]
pub struct ImportArgs {
    /// Folder holding the national files, each recognised by what it holds (CSV header, GeoJSON
    /// properties, shapefile fields), whatever its name; a flag below chooses or adds a file.
    #[arg(long, value_name = "DIR")]
    pub from: Option<PathBuf>,
    /// NHS Digital practice → PCN map (gp-reg-pat-prac-map-*.csv).
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    /// NHS Digital registered list sizes (gp-reg-pat-prac-all-*.csv), optional: without it each
    /// practice's list size is the sum of its rows in --registrations.
    #[arg(long, value_name = "FILE")]
    pub list_sizes: Option<PathBuf>,
    /// NHS ODS practice register (epraccur.csv), optional: practice status and a fallback postcode.
    #[arg(long, value_name = "FILE")]
    pub epraccur: Option<PathBuf>,
    /// OS Code-Point Open folder (Data/CSV/*.csv).
    #[arg(long, value_name = "DIR")]
    pub postcodes: Option<PathBuf>,
    /// ONS LSOA boundaries (GeoJSON or shapefile).
    #[arg(long, value_name = "FILE")]
    pub boundaries: Option<PathBuf>,
    /// ONS population by LSOA (CSV).
    #[arg(long, value_name = "FILE")]
    pub population: Option<PathBuf>,
    /// ONS Rural-Urban Classification by LSOA (CSV).
    #[arg(long, value_name = "FILE")]
    pub ruc: Option<PathBuf>,
    /// ONS population-weighted centroids by LSOA: CSV, or the point shapefile ONS publishes (.shp, BNG or WGS84 by its .prj).
    #[arg(long, value_name = "FILE")]
    pub centroids: Option<PathBuf>,
    /// NHS Digital patients registered at each practice by LSOA (gp-reg-pat-prac-lsoa-*.csv).
    #[arg(long, value_name = "FILE")]
    pub registrations: Option<PathBuf>,
    /// NHS England's registered patients by single year of age per region, ICB, sub-ICB and PCN
    /// (gp-reg-pat-prac-sing-age-regions-*.csv), optional: its PCN totals are compared with the list sizes.
    #[arg(long, value_name = "FILE")]
    pub sing_age: Option<PathBuf>,
    /// ONS LSOA 2011 → LSOA 2021 lookup, to translate registrations on the other vintage from the boundaries'.
    #[arg(long, value_name = "FILE")]
    pub lsoa_lookup: Option<PathBuf>,
    /// LSOA → sub-ICB location → ICB lookup, giving areas their sub-ICB and ICB.
    #[arg(long, value_name = "FILE")]
    pub area_lookup: Option<PathBuf>,
    /// NHS ODS branch surgeries (ebranchs.csv), optional: open branches whose parent practice is
    /// written go to sites.csv, with a main row per practice; never taken from --from unless given.
    #[arg(long, value_name = "FILE")]
    pub branches: Option<PathBuf>,
    /// OS Code-Point Open folder for the branches' postcodes, searched before --postcodes
    /// (e.g. a newer edition holding the branch postcodes); only with --branches.
    #[arg(long, value_name = "DIR", requires = "branches")]
    pub branch_postcodes: Option<PathBuf>,
    /// Keep only these local authority districts (codes, comma-separated or repeated).
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub lad: Vec<String>,
    /// Keep only these PCNs (codes) and the areas where they have the most registered patients.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub pcn: Vec<String>,
    /// Keep only these integrated care boards (codes, e.g. QNC): their PCNs, footprint areas and registrations.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub icb: Vec<String>,
    /// Keep only these sub-ICB locations (codes, e.g. 05D), as --icb does.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub sub_icb: Vec<String>,
    /// Keep only these NHS England commissioning regions (codes, e.g. Y60), as --icb does.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub region: Vec<String>,
    /// Keep areas whose centroid lies in this WGS84 box: MIN_LON,MIN_LAT,MAX_LON,MAX_LAT.
    /// Written `--bbox=-0.8,52.5,-0.4,52.8`, `--bbox -0.8,52.5,-0.4,52.8` or `--bbox -0.8 52.5 -0.4 52.8`.
    #[arg(
        long,
        value_name = "BOX",
        value_delimiter = ',',
        num_args = 1..=4,
        allow_negative_numbers = true
    )]
    pub bbox: Option<Vec<String>>,
    /// Output dataset folder.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
}

impl ImportArgs {
    /// The roles whose file a flag gives: `--from` neither searches for
    /// them nor requires them.
    fn given_roles(&self) -> Vec<Role> {
        let given = [
            (Role::Map, &self.map),
            (Role::ListSizes, &self.list_sizes),
            (Role::Epraccur, &self.epraccur),
            (Role::Postcodes, &self.postcodes),
            (Role::Boundaries, &self.boundaries),
            (Role::Population, &self.population),
            (Role::Ruc, &self.ruc),
            (Role::Centroids, &self.centroids),
            (Role::Registrations, &self.registrations),
            (Role::SingAge, &self.sing_age),
            (Role::LsoaLookup, &self.lsoa_lookup),
            (Role::AreaOrgLookup, &self.area_lookup),
        ];
        given
            .into_iter()
            .filter(|(_, v)| v.is_some())
            .map(|(r, _)| r)
            .collect()
    }

    /// The national files: found in `--from` (what was used and not used
    /// said on stderr unless `quiet`), then the flags.
    pub fn sources(&self, quiet: bool) -> Result<ImportSources> {
        let mut s = match &self.from {
            Some(d) => {
                let given = self.given_roles();
                let (s, found) = discover_in(d, &given)?;
                if !quiet {
                    for (role, p) in found.found.iter().filter(|(r, _)| !given.contains(r)) {
                        eprintln!("{}", one_line(&format!("{}: {}", role.flag(), p.display())));
                    }
                    for (p, why) in &found.ignored {
                        let note = format!("note: not used: {}: {why}", p.display());
                        eprintln!("{}", one_line(&note));
                    }
                }
                s
            }
            None => {
                let need = |v: &Option<PathBuf>, flag: &str| {
                    v.clone()
                        .ok_or_else(|| anyhow::anyhow!("give {flag} FILE, or --from DIR"))
                };
                ImportSources {
                    map: need(&self.map, "--map")?,
                    postcodes: need(&self.postcodes, "--postcodes")?,
                    boundaries: need(&self.boundaries, "--boundaries")?,
                    ..ImportSources::default()
                }
            }
        };
        let set = |slot: &mut PathBuf, v: &Option<PathBuf>| {
            if let Some(p) = v {
                *slot = p.clone();
            }
        };
        set(&mut s.map, &self.map);
        set(&mut s.postcodes, &self.postcodes);
        set(&mut s.boundaries, &self.boundaries);
        for (slot, v) in [
            (&mut s.list_sizes, &self.list_sizes),
            (&mut s.epraccur, &self.epraccur),
            (&mut s.population, &self.population),
            (&mut s.ruc, &self.ruc),
            (&mut s.centroids, &self.centroids),
            (&mut s.registrations, &self.registrations),
            (&mut s.sing_age, &self.sing_age),
            (&mut s.lsoa_lookup, &self.lsoa_lookup),
            (&mut s.area_org_lookup, &self.area_lookup),
        ] {
            if v.is_some() {
                *slot = v.clone();
            }
        }
        // A folder holding one shapefile (ONS's unzipped centroids) is that file.
        s.boundaries = discover::lone_shapefile(&s.boundaries);
        s.centroids = s.centroids.as_deref().map(discover::lone_shapefile);
        Ok(s)
    }

    /// The branch surgeries (`--branches`, `--branch-postcodes`).
    pub fn branch_sources(&self) -> Option<BranchSources> {
        self.branches.as_ref().map(|f| BranchSources {
            ebranchs: f.clone(),
            postcodes: self.branch_postcodes.clone(),
        })
    }

    pub fn filter(&self) -> Result<ImportFilter> {
        let bbox = match &self.bbox {
            None => None,
            Some(v) => {
                let [x0, y0, x1, y1] = bbox_numbers(v)?;
                if x0 >= x1 || y0 >= y1 {
                    anyhow::bail!(
                        "--bbox {x0},{y0},{x1},{y1}: the minimum must be below the maximum"
                    );
                }
                Some([x0, y0, x1, y1])
            }
        };
        Ok(ImportFilter {
            lads: self.lad.clone(),
            pcns: self.pcn.clone(),
            icbs: self.icb.clone(),
            sub_icbs: self.sub_icb.clone(),
            regions: self.region.clone(),
            bbox,
        })
    }
}

/// The four numbers of `--bbox`, each a finite longitude or latitude.
fn bbox_numbers(v: &[String]) -> Result<[f64; 4]> {
    let [a, b, c, d] = v else {
        anyhow::bail!(
            "--bbox {}: needs four numbers: MIN_LON,MIN_LAT,MAX_LON,MAX_LAT",
            pcn_atlas::settings::shorten(&v.join(","))
        );
    };
    let mut out = [0.0; 4];
    for (i, (s, slot)) in [a, b, c, d].into_iter().zip(&mut out).enumerate() {
        let limit = if i % 2 == 0 { 180.0 } else { 90.0 };
        let what = if i % 2 == 0 { "longitude" } else { "latitude" };
        *slot = s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && x.abs() <= limit)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "--bbox: `{}` is not a {what} (a number from -{limit} to {limit})",
                    pcn_atlas::settings::shorten(s)
                )
            })?;
    }
    Ok(out)
}

#[derive(Args, Clone, Debug)]
pub struct DemoArgs {
    /// Output folder.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Random seed (moves vertices, populations and names; the planted problems stay).
    #[arg(long, default_value_t = pcn_atlas::demo::DEFAULT_SEED)]
    pub seed: u64,
    /// Replace --out even when it holds something other than an earlier demo (it is replaced as a whole).
    #[arg(long)]
    pub force: bool,
}

/// `pcn-atlas import`.
pub fn run(args: &ImportArgs, quiet: bool) -> Result<ExitCode> {
    let t = Instant::now();
    let filter = args.filter()?;
    let src = args.sources(quiet)?;
    let inputs = [
        args.from.clone(),
        Some(src.map.clone()),
        src.list_sizes.clone(),
        Some(src.postcodes.clone()),
        Some(src.boundaries.clone()),
        src.epraccur.clone(),
        src.population.clone(),
        src.ruc.clone(),
        src.centroids.clone(),
        src.registrations.clone(),
        src.sing_age.clone(),
        src.lsoa_lookup.clone(),
        src.area_org_lookup.clone(),
        args.branches.clone(),
        args.branch_postcodes.clone(),
    ];
    let inputs: Vec<PathBuf> = inputs.into_iter().flatten().collect();
    let _claim = atomic::claim(&args.out, Replace::kind(Kind::Dataset), &inputs)?;
    let branches = args.branch_sources();
    let r = run_import_with_branches(&src, branches.as_ref(), &filter, &args.out)?;
    if !quiet {
        eprintln!("imported in {:.1} s", t.elapsed().as_secs_f64());
    }
    println!(
        "wrote {}: {} practices ({} located) in {} PCNs, {} areas, {} registration rows ({} patients)",
        args.out.display(),
        r.practices_written,
        r.practices_located,
        r.pcns_written,
        r.areas_written,
        r.registrations_written,
        r.registered_patients_written
    );
    if let Some(b) = &r.branches {
        println!(
            "  sites.csv: {} branches written of {} in the branch file ({} open)",
            b.branches_written, b.branches_in_file, b.branches_open
        );
    }
    for (code, n) in &r.counts {
        println!("  {code}: {n}");
    }
    println!("details: {}", args.out.join("import_report.csv").display());
    Ok(ExitCode::SUCCESS)
}

/// `pcn-atlas demo`.
pub fn run_demo(args: &DemoArgs) -> Result<ExitCode> {
    let how = Replace {
        kind: Kind::Demo,
        force: args.force,
    };
    let _claim = atomic::claim(&args.out, how, &[])?;
    let opts = pcn_atlas::demo::DemoOptions { seed: args.seed };
    let s = if args.force {
        pcn_atlas::demo::generate_replacing(&args.out, &opts)?
    } else {
        pcn_atlas::demo::generate(&args.out, &opts)?
    };
    println!(
        "wrote {}: {} areas, {} practices in {} PCNs, {} road lines",
        args.out.display(),
        s.areas,
        s.practices,
        s.pcns,
        s.road_segments
    );
    Ok(ExitCode::SUCCESS)
}
