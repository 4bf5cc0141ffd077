//! Public transport from the command line: `route --gtfs` on a hand-made
//! street with one bus (answers worked out by hand below), and
//! `analyse --gtfs` on the Isle of Wight (its 3 PCNs, 12 practices, the
//! 2015 roads and the 2018 buses) end to end: the columns, the finding
//! against its own measure, the report, and the same bytes whatever the
//! thread count.

mod common;

use pcn_atlas::coords::{Bng, bng_to_wgs84};

/// One straight residential street in BNG metres from (480000, 300000) to
/// (484000, 300000): 4 km, walked at 4.8 km/h (4/3 m/s) in 3,000 s.
const STREET: &str = r#"{"type":"FeatureCollection",
"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},
"features":[
{"type":"Feature","properties":{"highway":"residential"},
 "geometry":{"type":"LineString","coordinates":[[480000,300000],[482000,300000],[484000,300000]]}}
]}"#;

/// A feed with two stops on the street, S1 200 m from its west end and S2
/// 200 m from its east end, and one bus a day, S1 08:10 → S2 08:20.
fn feed() -> Vec<(&'static str, String)> {
    let ll = |x: f64| bng_to_wgs84(Bng { x, y: 300_000.0 });
    let (a, b) = (ll(480_200.0), ll(483_800.0));
    vec![
        ("gtfs/agency.txt", "agency_id,agency_name,agency_url,agency_timezone\nA,Street Buses,http://example.org,Europe/London\n".into()),
        ("gtfs/routes.txt", "route_id,agency_id,route_short_name,route_long_name,route_type\nR,A,1,West - East,3\n".into()),
        ("gtfs/calendar.txt", "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWK,1,1,1,1,1,0,0,20240101,20241231\n".into()),
        ("gtfs/trips.txt", "route_id,service_id,trip_id\nR,WK,T1\n".into()),
        ("gtfs/stops.txt", format!("stop_id,stop_name,stop_lat,stop_lon\nS1,West End,{},{}\nS2,East End,{},{}\n", a.1, a.0, b.1, b.0)),
        ("gtfs/stop_times.txt", "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT1,08:10:00,08:10:00,S1,1\nT1,08:20:00,08:20:00,S2,2\n".into()),
    ]
}

fn route(dir: &std::path::Path, depart: &str, extra: &[&str]) -> common::Run {
    let date = if extra.contains(&"--pt-date") {
        &[][..]
    } else {
        &["--pt-date", "2024-03-06"][..]
    };
    let mut a = vec!["route", "--roads", "street.geojson", "--gtfs", "gtfs"];
    a.extend_from_slice(date);
    a.extend_from_slice(&[
        "--bng",
        "--from",
        "480000,300000",
        "--to",
        "484000,300000",
        "--depart",
        depart,
        "-q",
    ]);
    a.extend_from_slice(extra);
    common::pcn_atlas(dir, &a)
}

fn street_dir() -> tempfile::TempDir {
    let f = feed();
    let mut files: Vec<(&str, &str)> = f.iter().map(|(n, t)| (*n, t.as_str())).collect();
    files.push(("street.geojson", STREET));
    common::folder(&files)
}

#[test]
fn route_rides_the_bus_when_it_is_faster_and_walks_when_it_has_gone() {
    let d = street_dir();
    // By hand, leaving at 08:00: walk 200 m (150 s) to S1, 08:02:30; wait
    // for the 08:10 bus; ride to S2, 08:20; walk 200 m, 08:22:30 — 22.5
    // min, against 50 min on foot.
    let r = route(d.path(), "08:00", &["--out", "out/journey.geojson"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let o = &r.stdout;
    assert!(o.contains("public transport on 2024-03-06"), "{o}");
    assert!(
        o.contains("08:00:00–08:02:30  walk 2.5 min from the origin"),
        "{o}"
    );
    assert!(o.contains("08:02:30–08:10:00  wait 7.5 min"), "{o}");
    assert!(o.contains("08:10:00–08:20:00  ride route 1 \"West - East\" (Street Buses) from stop West End (S1) to stop East End (S2) (10 min, trip T1)"), "{o}");
    assert!(
        o.contains(
            "arrive 08:22:30: 22.5 min after 08:00:00 (5 min walking, 7.5 min waiting, 1 ride)"
        ),
        "{o}"
    );
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.path().join("out/journey.geojson")).unwrap())
            .unwrap();
    let kinds: Vec<_> = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["kind"].clone())
        .collect();
    assert_eq!(kinds, ["walk", "ride", "walk", "from", "to"]);
    assert_eq!(v["features"][1]["properties"]["trip"], "T1");
    assert_eq!(v["features"][1]["properties"]["depart"], "08:10:00");
    // Leaving at 08:09 the bus has gone (S1 at 08:11:30): walk all 4 km, 50 min.
    let r = route(d.path(), "08:09", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("08:09:00–08:59:00  walk 50 min from the origin"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("0 rides"), "{}", r.stdout);
    // The 6th of March 2024 is a Wednesday; the 9th a Saturday: no bus.
    let r = route(d.path(), "08:00", &["--pt-date", "2024-03-09"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("2024-03-09"), "{}", r.stderr);
}

#[test]
fn route_and_analyse_name_bad_times_and_dates() {
    let d = street_dir();
    let r = route(d.path(), "8h00", &[]);
    common::assert_one_line_error(&r, &["--depart", "8h00", "HH:MM"]);
    let r = route(d.path(), "08:00", &["--pt-date", "2024-02-30"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("2024-02-30"), "{}", r.stderr);
}

/// Import the Isle of Wight and analyse it with its buses into `out`.
fn iow(dir: &std::path::Path, data: &std::path::Path, out: &str, extra: &[&str]) {
    if !dir.join("iow").is_dir() {
        common::import_lad(dir, data, "E06000046", "iow");
    }
    let pbf = data.join("iow/isle-of-wight-2015-01.osm.pbf");
    let gtfs = data.join("iow/gtfs-southern-vectis-2018");
    let mut a = vec![
        "analyse",
        "-d",
        "iow",
        "--roads",
        pbf.to_str().unwrap(),
        "--gtfs",
        gtfs.to_str().unwrap(),
        "-o",
        out,
        "-q",
    ];
    a.extend_from_slice(extra);
    let r = common::pcn_atlas(dir, &a);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

fn num(s: &str) -> Option<f64> {
    (!s.is_empty()).then(|| s.parse().unwrap())
}

#[test]
fn isle_of_wight_by_bus_end_to_end() {
    let Some(data) = common::shared_data("isle_of_wight_by_bus_end_to_end") else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    iow(d.path(), &data, "out", &["--threads", "2"]);
    iow(d.path(), &data, "out1", &["--threads", "1"]);
    for f in [
        "pcn_summary.csv",
        "areas.geojson",
        "pcns.geojson",
        "findings.csv",
    ] {
        let a = std::fs::read(d.path().join("out").join(f)).unwrap();
        let b = std::fs::read(d.path().join("out1").join(f)).unwrap();
        assert!(a == b, "{f} differs between --threads 1 and 2");
    }
    let rows = common::csv_rows(&d.path().join("out/pcn_summary.csv"));
    assert_eq!(rows.len(), 3);
    for r in &rows {
        let share = |k: &str| num(&r[k]).unwrap();
        for k in [
            "60_min_to_practice",
            "90_min_to_practice",
            "60_min_to_hub",
            "90_min_to_hub",
        ] {
            let s = share(&format!("pt_share_no_journey_{k}"));
            assert!((0.0..=1.0).contains(&s), "{k} {s}");
        }
        // No journey within 90 is within 60 too.
        assert!(
            share("pt_share_no_journey_60_min_to_hub")
                >= share("pt_share_no_journey_90_min_to_hub")
        );
        if let (Some(m), Some(p)) = (
            num(&r["pt_median_min_to_practice"]),
            num(&r["pt_p90_min_to_practice"]),
        ) {
            assert!(m <= p, "{r:?}");
        }
        // The finding is its own measure against the default 20 %.
        let flagged = r["flags"].contains("PUBLIC_TRANSPORT_BURDEN");
        assert_eq!(
            flagged,
            share("pt_share_no_journey_burden_to_hub") > 0.2,
            "{r:?}"
        );
        // A bus is never faster than the car here (the ratio of medians).
        assert!(num(&r["pt_car_ratio_to_practice"]).unwrap() > 1.0, "{r:?}");
        assert_eq!(r["pt_patients_unwalkable"], "0");
    }
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.path().join("out/areas.geojson")).unwrap())
            .unwrap();
    let mut with_hub = 0;
    for f in v["features"].as_array().unwrap() {
        let p = &f["properties"];
        assert_eq!(p["pt_departures"], 13, "{p}");
        if let (Some(m), Some(w)) = (
            p["pt_minutes_to_hub"].as_f64(),
            p["pt_worst_minutes_to_hub"].as_f64(),
        ) {
            assert!(m <= w, "{p}");
            assert_eq!(p["pt_departures_without_journey_to_hub"], 0, "{p}");
            with_hub += 1;
        }
        // The member with the shortest journey is no further by bus than the hub.
        if let (Some(n), Some(h)) = (
            p["pt_minutes_to_nearest_member"].as_f64(),
            p["pt_minutes_to_hub"].as_f64(),
        ) {
            assert!(n <= h + 1e-9, "{p}");
        }
    }
    assert!(with_hub > 0);
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.path().join("out/report.json")).unwrap()).unwrap();
    let t = &report["drive"]["transit"];
    assert_eq!(t["gtfs"]["date"], "2018-05-11");
    assert_eq!(t["gtfs"]["date_source"], "first full weekday of the feed");
    assert_eq!(t["counts"]["origins"], 89);
    assert_eq!(t["counts"]["departures"], 13);
    assert_eq!(t["departures"][0], "08:00");
    // The six mainland stops (Lymington, New Milton) are off the island's roads.
    assert_eq!(t["counts"]["stops_unwalkable"], 6);
    // The workbook's Summary sheet carries the same columns, titled.
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook(d.path().join("out/pcn-atlas.xlsx")).unwrap();
    use calamine::Reader;
    let sheet = wb.worksheet_range("Summary").unwrap();
    let titles: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    for t in [
        "Bus & walk to hub: median (min)",
        "No bus journey to hub within 90 min (%)",
        "Bus ÷ car to hub (medians)",
    ] {
        assert!(titles.iter().any(|x| x == t), "{t} not in {titles:?}");
    }
    assert_eq!(sheet.rows().count(), 4);
    // Another service day and window are taken and said.
    iow(
        d.path(),
        &data,
        "wed",
        &[
            "--pt-date",
            "2018-05-09",
            "--pt-from",
            "09:00",
            "--pt-to",
            "09:30",
        ],
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.path().join("wed/report.json")).unwrap()).unwrap();
    let t = &report["drive"]["transit"];
    assert_eq!(t["gtfs"]["date"], "2018-05-09");
    assert_eq!(t["gtfs"]["date_source"], "--pt-date");
    assert_eq!(
        t["departures"],
        serde_json::json!(["09:00", "09:10", "09:20", "09:30"])
    );
}
