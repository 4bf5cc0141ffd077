//! `import --from DIR` finds each national file by what it holds, not by its
//! name (issue 14 item 4): hand-made folders whose files have names that say
//! nothing, and the real `current/` and `england/` folders seen through
//! symlinks under other names.

mod common;

use common::{folder, pcn_atlas, shared_data};
use pcn_atlas::import::ImportSources;
use pcn_atlas::import::discover::{Recognised, Role, discover_in, recognise, scan};
use shapefile::dbase::{FieldName, FieldValue, Record, TableWriterBuilder};
use shapefile::{Point, Polygon, PolygonRing};
use std::path::{Path, PathBuf};

const MAP: &str = "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME\r\nGP_PRAC_PAT_LIST,01Aug2026,A81001,THE SURGERY,TS18 1HU,U89141,STOCKTON PCN\r\n";
const LIST: &str = "PUBLICATION,EXTRACT_DATE,TYPE,SUB_ICB_LOCATION_CODE,ONS_SUB_ICB_LOCATION_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\nGP_PRAC_PAT_LIST,2026-04-01,GP,16C,E38000247,A81001,TS18 1HU,ALL,ALL,3747\n";
const EPRACCUR: &str = "\"A81001\",\"THE SURGERY\",\"Y63\",\"QHM\",\"THE HEALTH CENTRE\",\"LAWSON STREET\",\"STOCKTON ON TEES\",\"CLEVELAND\",\"\",\"TS18 1HU\",\"19740401\",\"\",\"A\",\"B\",\"16C\",\"20200401\",\"\",\"01642 672351\",\"\",\"\",\"\",\"0\",\"\",\"16C\",\"\",\"4\",\"\"\n";
const EBRANCHS: &str = "\"A81004001\",\"DR LEIGH\",\"Y54\",\"Q74\",\"283 ACKLAM ROAD\",\"\",\"\",\"MIDDLESBROUGH\",\"CLEVELAND\",\"TS5 7BP\",\"20040401\",\"\",\"\",\"\",\"A81004\",\"20040401\",\"\",\"01642 818952\",\"\",\"\",\"\",\"0\",\"\",\"A\",\"\",\"\",\"\"\n";
const CODEPOINT: &str = "\"TS181HU\",10,444000,518000,\"E92000001\",\"E19000001\",\"E18000001\",\"\",\"E06000004\",\"E05001525\"\n";
const LSOA7: &str = "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,NUMBER_OF_PATIENTS\nGP_PRAC_PAT_LIST,01Oct2025,A81001,THE SURGERY,E01012000,ALL,5\n";
const SING_AGE: &str = "PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,SEX,AGE,NUMBER_OF_PATIENTS\nGP_PRAC_PAT_LIST,2026-08-01,PCN,U89141,,ALL,ALL,3747\n";
const LOOKUP: &str = "\u{feff}LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,CHGIND,LAD22CD\r\nE01000001,A,E01000001,A,U,E09000001\r\n";
const AREA_ORG: &str = "lsoa21_name,lsoa21_code,sicbl24_name,sicbl24_code,sicbl24_code_nhs,icb24_name,icb24_code,icb24_code_nhs\nHalton 001A,E01012392,x,E38000068,01F,y,E54000008,QYG\n";
const RUC: &str = "LSOA21CD,RUC21CD,RUC21NM,Urban_rural_flag\nE01000001,UN1,Urban,Urban\n";
const RESIDENTS: &str = "LSOA21CD,census2021_usual_residents\nE01000001,1474\n";
const CENTROIDS: &str =
    "\u{feff}X,Y,objectid,lsoa11cd,lsoa11nm\n-1.49,54.97,1001,E01008657,South Tyneside 009F\n";
/// Properties after a long geometry: recognised all the same.
const BOUNDARIES: &str = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]},"properties":{"FID":1,"LSOA21CD":"E01000001","LSOA21NM":"City of London 001A"}},{"type":"Feature","geometry":null,"properties":{"LSOA21CD":"E01000002"}}]}"#;
const POINTS: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"LSOA21CD":"E01000001"},"geometry":{"type":"Point","coordinates":[0,0]}}]}"#;

/// A folder of every role under names that say nothing of what they are,
/// with a README, documentation and a branch-surgery file beside them.
fn anonymous_folder() -> tempfile::TempDir {
    folder(&[
        ("one.csv", MAP),
        ("two.csv", LIST),
        ("three.csv", EPRACCUR),
        ("postcodes-from-os/Data/CSV/ts.csv", CODEPOINT),
        (
            "postcodes-from-os/Doc/Code-Point_Open_Column_Headers.csv",
            "PC,PQ,EA,NO\n",
        ),
        ("four.geojson", BOUNDARIES),
        ("ts001.csv", RESIDENTS),
        ("six.csv", RUC),
        ("seven.csv", CENTROIDS),
        ("eight.csv", LSOA7),
        ("nine.csv", SING_AGE),
        ("ten.csv", LOOKUP),
        ("eleven.csv", AREA_ORG),
        ("README.md", "# what these are\n"),
        ("notes.txt", "downloaded on Monday\n"),
        ("branches.csv", EBRANCHS),
        ("points.geojson", POINTS),
    ])
}

#[test]
fn every_role_is_found_by_content_under_any_name() {
    let d = anonymous_folder();
    let p = |n: &str| d.path().join(n);
    let s = ImportSources::discover(d.path()).unwrap();
    let want = ImportSources {
        map: p("one.csv"),
        list_sizes: Some(p("two.csv")),
        epraccur: Some(p("three.csv")),
        postcodes: p("postcodes-from-os"),
        boundaries: p("four.geojson"),
        population: Some(p("ts001.csv")),
        ruc: Some(p("six.csv")),
        centroids: Some(p("seven.csv")),
        registrations: Some(p("eight.csv")),
        sing_age: Some(p("nine.csv")),
        lsoa_lookup: Some(p("ten.csv")),
        area_org_lookup: Some(p("eleven.csv")),
    };
    assert_eq!(s, want);
    // The rest is listed as not used, with why; nothing silently dropped.
    let found = scan(d.path()).unwrap();
    let ignored: Vec<String> = found
        .ignored
        .iter()
        .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        ignored,
        ["README.md", "branches.csv", "notes.txt", "points.geojson"]
    );
    let why = |n: &str| {
        found
            .ignored
            .iter()
            .find(|(p, _)| p.ends_with(n))
            .map(|(_, w)| w.clone())
            .unwrap()
    };
    assert!(
        why("README.md").contains("not a CSV"),
        "{}",
        why("README.md")
    );
    assert!(
        why("points.geojson").contains("Point"),
        "{}",
        why("points.geojson")
    );
    assert!(
        why("branches.csv").contains("A81004001"),
        "{}",
        why("branches.csv")
    );
}

#[test]
fn codepo_gb_is_os_own_folder_name() {
    let d = folder(&[("codepo_gb/Doc/licence.txt", "OGL\n")]);
    assert_eq!(
        recognise(&d.path().join("codepo_gb")),
        Recognised::Role(Role::Postcodes, d.path().join("codepo_gb"))
    );
    // The Data/CSV folder itself, as the loader accepts it.
    let d = folder(&[("csv/ts.csv", CODEPOINT)]);
    assert_eq!(
        recognise(&d.path().join("csv")),
        Recognised::Role(Role::Postcodes, d.path().join("csv"))
    );
    // A folder of other CSVs is not Code-Point Open.
    let d = folder(&[("other/a.csv", RUC)]);
    assert!(matches!(
        recognise(&d.path().join("other")),
        Recognised::Ignored(_)
    ));
}

fn point_shapefile(shp: &Path, field: &str) {
    let table =
        TableWriterBuilder::new().add_character_field(FieldName::try_from(field).unwrap(), 12);
    let mut w = shapefile::Writer::from_path(shp, table).unwrap();
    let mut rec = Record::default();
    rec.insert(
        field.into(),
        FieldValue::Character(Some("E01000001".into())),
    );
    w.write_shape_and_record(&Point::new(530000.0, 180000.0), &rec)
        .unwrap();
}

fn polygon_shapefile(shp: &Path) {
    let table =
        TableWriterBuilder::new().add_character_field(FieldName::try_from("LSOA11CD").unwrap(), 12);
    let mut w = shapefile::Writer::from_path(shp, table).unwrap();
    let mut rec = Record::default();
    rec.insert(
        "LSOA11CD".into(),
        FieldValue::Character(Some("E01000001".into())),
    );
    let ring = vec![
        Point::new(0.0, 0.0),
        Point::new(0.0, 1.0),
        Point::new(1.0, 1.0),
        Point::new(0.0, 0.0),
    ];
    w.write_shape_and_record(&Polygon::with_rings(vec![PolygonRing::Outer(ring)]), &rec)
        .unwrap();
}

#[test]
fn shapefiles_by_shape_type_and_fields() {
    let d = tempfile::tempdir().unwrap();
    // ONS ship the centroids as a folder holding one point shapefile.
    let cent = d.path().join("pwc");
    std::fs::create_dir(&cent).unwrap();
    point_shapefile(&cent.join("LSOA_PopCentroids_EW_2021_V3.shp"), "LSOA21CD");
    assert_eq!(
        recognise(&cent),
        Recognised::Role(
            Role::Centroids,
            cent.join("LSOA_PopCentroids_EW_2021_V3.shp")
        )
    );
    polygon_shapefile(&d.path().join("x.shp"));
    point_shapefile(&d.path().join("y.shp"), "NAME");
    let found = scan(d.path()).unwrap();
    assert_eq!(
        found.found,
        vec![
            (Role::Boundaries, d.path().join("x.shp")),
            (
                Role::Centroids,
                cent.join("LSOA_PopCentroids_EW_2021_V3.shp")
            ),
        ]
    );
    // The .dbf/.shx of x and y are parts of their shapefile, not listed;
    // y has no LSOA code field.
    assert_eq!(found.ignored.len(), 1, "{:?}", found.ignored);
    assert!(found.ignored[0].0.ends_with("y.shp"));
    assert!(found.ignored[0].1.contains("LSOA code"));
}

#[test]
fn two_candidates_name_both_and_the_flag() {
    let d = anonymous_folder();
    // A name with a newline cannot break the one-line error.
    std::fs::write(d.path().join("also\na-map.csv"), MAP).unwrap();
    let out = tempfile::tempdir().unwrap();
    let from = d.path().to_str().unwrap();
    let r = pcn_atlas(out.path(), &["import", "--from", from, "--out", "ds"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let err = r.stderr.trim();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("2 files for the practice → PCN map")
            && err.contains("also\\u{a}a-map.csv")
            && err.contains("one.csv")
            && err.contains("choose one with --map FILE"),
        "{err}"
    );
    // Choosing one with --map: the rest still resolves.
    let (s, _) = discover_in(d.path(), &[Role::Map]).unwrap();
    assert_eq!(s.map, PathBuf::new());
    assert_eq!(s.list_sizes, Some(d.path().join("two.csv")));
    assert_eq!(s.boundaries, d.path().join("four.geojson"));
}

#[test]
fn a_missing_required_role_names_the_product_to_download() {
    for (remove, what, page, flag) in [
        (
            "four.geojson",
            "LSOA boundaries",
            "https://geoportal.statistics.gov.uk",
            "--boundaries",
        ),
        (
            "one.csv",
            "practice → PCN map",
            "https://digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice",
            "--map",
        ),
        (
            "postcodes-from-os",
            "Code-Point Open",
            "https://osdatahub.os.uk/downloads/open/CodePointOpen",
            "--postcodes",
        ),
    ] {
        let d = anonymous_folder();
        let gone = d.path().join(remove);
        if gone.is_dir() {
            std::fs::remove_dir_all(&gone).unwrap();
        } else {
            std::fs::remove_file(&gone).unwrap();
        }
        let out = tempfile::tempdir().unwrap();
        let r = pcn_atlas(
            out.path(),
            &[
                "import",
                "--from",
                d.path().to_str().unwrap(),
                "--out",
                "ds",
            ],
        );
        assert_eq!(r.code, 2, "{}", r.stderr);
        let err = r.stderr.trim();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains(&format!("no {what}"))
                && err.contains(page)
                && err.contains(&format!("give it with {flag} FILE")),
            "{err}"
        );
        // Files seen but not recognised are named: a renamed file with a
        // broken header is the likely culprit.
        assert!(err.contains("branches.csv"), "{err}");
        assert!(!out.path().join("ds").exists());
    }
    // Optional roles may be absent.
    let d = anonymous_folder();
    for f in [
        "three.csv",
        "ts001.csv",
        "six.csv",
        "seven.csv",
        "eight.csv",
    ] {
        std::fs::remove_file(d.path().join(f)).unwrap();
    }
    let s = ImportSources::discover(d.path()).unwrap();
    assert_eq!(
        (
            s.epraccur,
            s.population,
            s.ruc,
            s.centroids,
            s.registrations
        ),
        (None, None, None, None, None)
    );
}

/// A temporary folder of symlinks to `files` under new names.
fn linked(pairs: &[(&Path, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (target, name) in pairs {
        std::os::unix::fs::symlink(target, d.path().join(name)).unwrap();
    }
    d
}

#[test]
fn current_folder_two_maps_is_an_error_naming_both() {
    let Some(data) = shared_data("current_folder_two_maps_is_an_error_naming_both") else {
        return;
    };
    let cur = data.join("current");
    let out = tempfile::tempdir().unwrap();
    let r = pcn_atlas(
        out.path(),
        &["import", "--from", cur.to_str().unwrap(), "--out", "ds"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let err = r.stderr.trim();
    assert!(
        err.contains("gp-reg-pat-prac-map-2025-10.csv")
            && err.contains("gp-reg-pat-prac-map-2026-08.csv")
            && err.contains("--map FILE"),
        "{err}"
    );
}

#[test]
fn current_folder_resolves_every_role_when_the_map_is_chosen() {
    let Some(data) = shared_data("current_folder_resolves_every_role_when_the_map_is_chosen")
    else {
        return;
    };
    let cur = data.join("current");
    let c = |n: &str| cur.join(n);
    let (s, d) = discover_in(&cur, &[Role::Map]).unwrap();
    let want = ImportSources {
        map: PathBuf::new(),
        list_sizes: Some(c("gp-reg-pat-prac-all-2026-04-first211rows.csv")),
        epraccur: Some(c("epraccur-2025-09.csv")),
        postcodes: c("codepoint-open-2025-practices"),
        boundaries: c("lsoa21_boundaries_bgc.geojson"),
        population: Some(c("lsoa21_census2021_usual_residents.csv")),
        ruc: Some(c("lsoa21_rural_urban_2021.csv")),
        centroids: Some(c(
            "lsoa21_population_weighted_centroids_v3/LSOA_PopCentroids_EW_2021_V3.shp",
        )),
        registrations: Some(c("gp-reg-pat-prac-lsoa-all-2025-10-staffordshire-icb.csv")),
        sing_age: Some(c("gp-reg-pat-prac-sing-age-regions-2026-08.csv")),
        lsoa_lookup: Some(c("lsoa11_lsoa21_lad22_lookup.csv")),
        area_org_lookup: Some(c("lsoa21_sub_icb_icb_2024_lookup.csv")),
    };
    assert_eq!(s, want);
    assert!(d.ignored.is_empty(), "{:?}", d.ignored);

    // The same files under names that say nothing: OS's own `codepo_gb`,
    // Census table `ts001.csv`, downloads renamed by a browser.
    let renamed = [
        ("gp-reg-pat-prac-map-2025-10.csv", "download (1).csv"),
        (
            "gp-reg-pat-prac-all-2026-04-first211rows.csv",
            "download (2).csv",
        ),
        ("epraccur-2025-09.csv", "ods.csv"),
        ("codepoint-open-2025-practices", "codepo_gb"),
        ("lsoa21_boundaries_bgc.geojson", "areas.geojson"),
        ("lsoa21_census2021_usual_residents.csv", "ts001.csv"),
        ("lsoa21_rural_urban_2021.csv", "ruc.csv"),
        ("lsoa21_population_weighted_centroids_v3", "pwc"),
        (
            "gp-reg-pat-prac-lsoa-all-2025-10-staffordshire-icb.csv",
            "lsoa-all.csv",
        ),
        ("gp-reg-pat-prac-sing-age-regions-2026-08.csv", "ages.csv"),
        ("lsoa11_lsoa21_lad22_lookup.csv", "lookup.csv"),
        ("lsoa21_sub_icb_icb_2024_lookup.csv", "org.csv"),
    ];
    let targets: Vec<(PathBuf, &str)> = renamed.iter().map(|(f, n)| (c(f), *n)).collect();
    let pairs: Vec<(&Path, &str)> = targets.iter().map(|(p, n)| (p.as_path(), *n)).collect();
    let t = linked(&pairs);
    let r = |n: &str| t.path().join(n);
    let s = ImportSources::discover(t.path()).unwrap();
    let want = ImportSources {
        map: r("download (1).csv"),
        list_sizes: Some(r("download (2).csv")),
        epraccur: Some(r("ods.csv")),
        postcodes: r("codepo_gb"),
        boundaries: r("areas.geojson"),
        population: Some(r("ts001.csv")),
        ruc: Some(r("ruc.csv")),
        centroids: Some(r("pwc/LSOA_PopCentroids_EW_2021_V3.shp")),
        registrations: Some(r("lsoa-all.csv")),
        sing_age: Some(r("ages.csv")),
        lsoa_lookup: Some(r("lookup.csv")),
        area_org_lookup: Some(r("org.csv")),
    };
    assert_eq!(s, want);
}

#[test]
fn england_folder_resolves_what_the_published_names_did() {
    let Some(data) = shared_data("england_folder_resolves_what_the_published_names_did") else {
        return;
    };
    let eng = data.join("england");
    let e = |n: &str| eng.join(n);
    // What name-based discovery (before issue 14) resolved in england/.
    let names = ImportSources {
        map: e("gp-reg-pat-prac-map-2022-01.csv"),
        list_sizes: Some(e("gp-reg-pat-prac-all-2021-01.csv")),
        epraccur: Some(e("epraccur-2019-12.csv")),
        postcodes: e("codepoint-open-2018-practices"),
        boundaries: e("lsoa11_boundaries.geojson"),
        population: Some(e("lsoa11_population_mid2019.csv")),
        ruc: Some(e("lsoa11_rural_urban_2011.csv")),
        centroids: Some(e("lsoa11_population_weighted_centroids.csv")),
        registrations: Some(e("gp-reg-pat-prac-lsoa-2022.csv")),
        sing_age: None,
        lsoa_lookup: None,
        area_org_lookup: None,
    };
    let (s, d) = discover_in(&eng, &[]).unwrap();
    assert_eq!(s, names);
    // The branch surgeries (header-less like epraccur) are listed as not used.
    assert_eq!(d.ignored.len(), 1, "{:?}", d.ignored);
    assert!(d.ignored[0].0.ends_with("ebranchs-2017-05.csv"));

    // Shuffled names: the population file named like the centroids and the
    // reverse, which name matching would have swapped.
    let pairs = [
        (e("lsoa11_population_mid2019.csv"), "centroids.csv"),
        (
            e("lsoa11_population_weighted_centroids.csv"),
            "population.csv",
        ),
        (
            e("gp-reg-pat-prac-map-2022-01.csv"),
            "gp-reg-pat-prac-all.csv",
        ),
        (
            e("gp-reg-pat-prac-all-2021-01.csv"),
            "gp-reg-pat-prac-map.csv",
        ),
        (e("epraccur-2019-12.csv"), "a.csv"),
        (e("codepoint-open-2018-practices"), "os"),
        (e("lsoa11_boundaries.geojson"), "b.json"),
        (e("lsoa11_rural_urban_2011.csv"), "c.csv"),
        (e("gp-reg-pat-prac-lsoa-2022.csv"), "d.csv"),
    ];
    let pairs: Vec<(&Path, &str)> = pairs.iter().map(|(p, n)| (p.as_path(), *n)).collect();
    let t = linked(&pairs);
    let r = |n: &str| t.path().join(n);
    let s = ImportSources::discover(t.path()).unwrap();
    let want = ImportSources {
        map: r("gp-reg-pat-prac-all.csv"),
        list_sizes: Some(r("gp-reg-pat-prac-map.csv")),
        epraccur: Some(r("a.csv")),
        postcodes: r("os"),
        boundaries: r("b.json"),
        population: Some(r("centroids.csv")),
        ruc: Some(r("c.csv")),
        centroids: Some(r("population.csv")),
        registrations: Some(r("d.csv")),
        sing_age: None,
        lsoa_lookup: None,
        area_org_lookup: None,
    };
    assert_eq!(s, want);
}
