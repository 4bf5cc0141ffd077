//! The GTFS loader on hand-made feeds (tests/fixtures/gtfs, see its README
//! for what each plants and the answers worked by hand) and on the real
//! Isle of Wight and Chester feeds.

mod common;

use pcn_atlas::transit::gtfs::{GtfsReport, load_feeds};
use pcn_atlas::transit::{Call, Timetable};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/gtfs")
        .join(name)
}

fn load(name: &str, date: Option<&str>) -> (Timetable, GtfsReport) {
    load_feeds(&[fixture(name)], date).unwrap()
}

fn hms(s: &str) -> u32 {
    let p: Vec<u32> = s.split(':').map(|x| x.parse().unwrap()).collect();
    p[0] * 3600 + p[1] * 60 + p[2]
}

/// Trip ids in timetable order.
fn ids(tt: &Timetable) -> Vec<&str> {
    tt.trips.iter().map(|t| t.id.as_str()).collect()
}

/// A trip's calls as (stop id, arrival, departure).
fn calls(tt: &Timetable, id: &str) -> Vec<(String, u32, u32)> {
    let trip = tt.trips.iter().find(|t| t.id == id).unwrap();
    let stop = |c: &Call| tt.stops[c.stop as usize].id.clone();
    trip.calls
        .iter()
        .map(|c| (stop(c), c.arrival, c.departure))
        .collect()
}

fn call(stop: &str, a: &str, d: &str) -> (String, u32, u32) {
    (stop.to_string(), hms(a), hms(d))
}

fn error(paths: &[PathBuf], date: Option<&str>) -> String {
    format!("{:#}", load_feeds(paths, date).unwrap_err())
}

#[test]
fn default_date_skips_the_bank_holiday_monday() {
    let (tt, r) = load("calendar", None);
    assert_eq!(
        (r.date.as_str(), r.weekday.as_str()),
        ("2024-05-07", "Tuesday")
    );
    assert_eq!(r.date_source, "first full weekday of the feed");
    assert_eq!(tt.date, "2024-05-07");
    assert_eq!(ids(&tt), ["T1", "T2"]);
    let f = &r.feeds[0];
    assert_eq!(
        (f.start_date.as_str(), f.end_date.as_str()),
        ("2024-05-06", "2024-05-31")
    );
    assert_eq!(
        (f.format.as_str(), f.input.role.as_str()),
        ("folder", "gtfs")
    );
    assert_eq!(f.rows["stop_times.txt"], 6);
    assert_eq!((r.stops, r.routes, r.trips, r.calls), (2, 1, 2, 4));
}

#[test]
fn calendar_dates_add_and_remove_a_day() {
    let (tt, r) = load("calendar", Some("2024-05-11"));
    assert_eq!(ids(&tt), ["T3"]);
    assert_eq!(
        (r.weekday.as_str(), r.date_source.as_str()),
        ("Saturday", "--pt-date")
    );
    let (tt, _) = load("calendar", Some("2024-05-13"));
    assert_eq!(ids(&tt), ["T1", "T2"]);
    let e = error(&[fixture("calendar")], Some("2024-05-06"));
    assert!(e.contains("no trip on 2024-05-06"), "{e}");
    assert!(e.contains("2024-05-06 to 2024-05-31"), "{e}");
    let e = error(&[fixture("calendar")], Some("2024-5-6"));
    assert!(
        e.contains("--pt-date 2024-5-6: not a date YYYY-MM-DD"),
        "{e}"
    );
}

#[test]
fn frequencies_expand_into_departures() {
    let (tt, r) = load("frequency", Some("2024-05-08"));
    assert_eq!(
        ids(&tt),
        [
            "FT@07:00:00",
            "P",
            "FT@07:20:00",
            "FT@07:40:00",
            "FT@16:00:00",
            "FT@16:15:00"
        ]
    );
    assert_eq!(
        calls(&tt, "FT@07:20:00"),
        [
            call("A", "07:20:00", "07:20:00"),
            call("B", "07:30:00", "07:31:00"),
            call("C", "07:45:00", "07:45:00")
        ]
    );
    assert_eq!(
        calls(&tt, "FT@16:15:00")[2],
        call("C", "16:40:00", "16:40:00")
    );
    assert_eq!(r.feeds[0].rows["frequencies.txt"], 2);
    assert!(r.notices.is_empty(), "{:?}", r.notices);
}

#[test]
fn trips_past_midnight_run_into_the_next_day() {
    let (tt, _) = load("midnight", Some("2024-05-07"));
    assert_eq!(ids(&tt), ["N1@-1d", "N1", "N2"]);
    assert_eq!(
        calls(&tt, "N1@-1d"),
        [
            call("C", "00:10:00", "00:10:00"),
            call("D", "00:30:00", "00:30:00")
        ]
    );
    assert_eq!(calls(&tt, "N1")[3], call("D", "24:30:00", "24:30:00"));
    let (tt, _) = load("midnight", Some("2024-05-06"));
    assert_eq!(ids(&tt), ["N1", "N2"]);
    let (tt, _) = load("midnight", Some("2024-05-11"));
    assert_eq!(ids(&tt), ["N1@-1d"]);
    let e = error(&[fixture("midnight")], Some("2024-05-12"));
    assert!(e.contains("no trip on 2024-05-12"), "{e}");
}

#[test]
fn merged_feeds_prefix_colliding_ids() {
    let (tt, r) = load_feeds(&[fixture("merge_a"), fixture("merge_b")], None).unwrap();
    let stops: Vec<(&str, u16)> = tt.stops.iter().map(|s| (s.id.as_str(), s.feed)).collect();
    assert_eq!(stops, [("0:S1", 0), ("S2", 0), ("1:S1", 1), ("S3", 1)]);
    let routes: Vec<(&str, &str, u16)> = (tt.routes.iter())
        .map(|r| (r.id.as_str(), r.agency.as_str(), r.feed))
        .collect();
    assert_eq!(
        routes,
        [("RA", "Alpha Buses", 0), ("RB", "Beta Coaches", 1)]
    );
    assert_eq!(ids(&tt), ["1:TA", "0:TA"]);
    assert_eq!(calls(&tt, "1:TA")[0], call("1:S1", "07:50:00", "07:50:00"));
    assert_eq!(tt.trips[0].route, 1);
    assert_eq!(r.ids_prefixed, 4);
    assert_eq!(r.feeds.len(), 2);
    assert_eq!(r.feeds[1].agencies, ["Beta Coaches"]);
    assert_eq!((r.feeds[0].trips_on_date, r.feeds[1].trips_on_date), (1, 1));
}

#[test]
fn bad_rows_are_notices() {
    let (tt, r) = load("bad", Some("2024-05-07"));
    let stops: Vec<&str> = tt.stops.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(stops, ["A", "B", "C", "D"]);
    assert_eq!(tt.stops[0].name, "Alpha, Road");
    let routes: Vec<(&str, &str)> = (tt.routes.iter())
        .map(|r| (r.id.as_str(), r.agency.as_str()))
        .collect();
    assert_eq!(routes, [("R1", "Agency Group"), ("R3", "ZZ")]);
    assert_eq!(ids(&tt), ["T1", "T7"]);
    assert_eq!(
        calls(&tt, "T1"),
        [
            call("A", "08:00:00", "08:00:00"),
            call("B", "08:10:00", "08:10:00"),
            call("C", "08:20:00", "08:20:00"),
            call("D", "08:30:00", "08:30:00")
        ]
    );
    assert!(!tt.trips[0].calls[3].drop_off && tt.trips[0].calls[3].pickup);
    assert_eq!(
        calls(&tt, "T7"),
        [
            call("A", "12:00:00", "12:00:00"),
            call("B", "12:05:00", "12:05:00"),
            call("C", "12:10:00", "12:10:00")
        ]
    );
    assert!(!tt.trips[1].calls[0].pickup);
    assert_eq!(r.feeds[0].stations_skipped, 1);
    let got: Vec<(String, u64, &str, &str)> = (r.notices.iter())
        .map(|n| {
            let file = n.file.rsplit(['/', '\\']).next().unwrap().to_string();
            (file, n.line, n.kind.as_str(), n.value.as_str())
        })
        .collect();
    let want = [
        ("stops.txt", 7, "duplicate_id", "A"),
        ("stops.txt", 8, "bad_coordinates", "north,-2.8"),
        ("stops.txt", 9, "stop_outside_gb", "48.8566,2.3522"),
        (
            "stops.txt",
            10,
            "stop_isolated",
            "49.766132,-7.555903: no other stop within 100 km",
        ),
        ("routes.txt", 3, "duplicate_id", "R1"),
        ("routes.txt", 4, "bad_route_type", "bus"),
        ("routes.txt", 5, "unknown_agency_id", "ZZ"),
        ("calendar.txt", 3, "bad_date", "20240506..2024-05-31"),
        ("calendar.txt", 4, "bad_weekday", "yes"),
        ("calendar_dates.txt", 2, "bad_exception_type", "3"),
        ("calendar_dates.txt", 3, "bad_date", "20240230"),
        ("trips.txt", 3, "unknown_route_id", "R2"),
        ("trips.txt", 4, "unknown_service_id", "BADW"),
        ("trips.txt", 5, "duplicate_id", "T1"),
        ("stop_times.txt", 9, "call_at_set_aside_stop", "P"),
        ("stop_times.txt", 17, "bad_time", "12:5:00"),
        ("stop_times.txt", 18, "bad_stop_sequence", "x"),
        ("stop_times.txt", 19, "unknown_stop_id", "Z"),
        ("stop_times.txt", 20, "unknown_trip_id", "T9"),
        (
            "stop_times.txt",
            3,
            "interpolated_time",
            "T1 stop_sequence 2: 08:10:00",
        ),
        (
            "stop_times.txt",
            7,
            "times_backwards",
            "T4 stop_sequence 2: 08:59:00 after 09:00:00",
        ),
        ("trips.txt", 7, "too_few_calls", "T5"),
        ("stop_times.txt", 10, "untimed_trip_end", "T6"),
        ("stop_times.txt", 16, "duplicate_stop_sequence", "T7 3"),
    ];
    let want: Vec<(String, u64, &str, &str)> = (want.iter())
        .map(|&(f, l, k, v)| (f.to_string(), l, k, v))
        .collect();
    assert_eq!(got, want);
    assert_eq!(r.notices_by_kind.values().sum::<u64>(), want.len() as u64);
    assert_eq!(r.notices_not_listed, 0);
}

/// A zip of a fixture folder, written with the zip crate.
fn zip_of(name: &str, dir: &Path, nested: &str) -> PathBuf {
    use std::io::Write;
    let out = dir.join(format!("{name}.zip"));
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&out).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    let mut files: Vec<_> = std::fs::read_dir(fixture(name))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        let entry = format!("{nested}{}", f.file_name().unwrap().to_str().unwrap());
        zip.start_file(entry, opts).unwrap();
        zip.write_all(&std::fs::read(&f).unwrap()).unwrap();
    }
    zip.finish().unwrap();
    out
}

#[test]
fn a_zip_gives_the_same_timetable_as_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    for (name, nested) in [("bad", ""), ("frequency", "feed/")] {
        let (tf, rf) = load(name, Some("2024-05-07"));
        let z = zip_of(name, dir.path(), nested);
        let (tz, rz) = load_feeds(std::slice::from_ref(&z), Some("2024-05-07")).unwrap();
        assert_eq!(
            (&tz.stops, &tz.routes, &tz.trips),
            (&tf.stops, &tf.routes, &tf.trips)
        );
        assert_eq!(rz.notices_by_kind, rf.notices_by_kind);
        assert_eq!(rz.feeds[0].format, "zip");
        assert_eq!(rz.feeds[0].rows, rf.feeds[0].rows);
        let sha = pcn_atlas::load::text::sha256_hex(&std::fs::read(&z).unwrap());
        assert_eq!(rz.feeds[0].input.sha256, sha);
        if let Some(n) = rz.notices.first() {
            assert_eq!(n.file, format!("{}:stops.txt", z.display()));
        }
    }
}

#[test]
fn missing_files_columns_and_bad_zips_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let copy = |name: &str, skip: &str| {
        let d = dir.path().join(format!("{name}-{skip}"));
        std::fs::create_dir(&d).unwrap();
        for e in std::fs::read_dir(fixture(name)).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().unwrap() != skip {
                std::fs::copy(&p, d.join(p.file_name().unwrap())).unwrap();
            }
        }
        d
    };
    let d = copy("calendar", "stop_times.txt");
    let e = error(std::slice::from_ref(&d), None);
    assert!(
        e.contains(&d.display().to_string()) && e.contains("no stop_times.txt"),
        "{e}"
    );
    let d = copy("frequency", "calendar.txt");
    let e = error(&[d], None);
    assert!(
        e.contains("neither calendar.txt nor calendar_dates.txt"),
        "{e}"
    );
    let d = copy("calendar", "none");
    std::fs::write(
        d.join("stops.txt"),
        "stop_id,stop_name,stop_lat\nA,Alpha,53.19\n",
    )
    .unwrap();
    let e = error(std::slice::from_ref(&d), None);
    assert!(e.contains("stops.txt: no column stop_lon"), "{e}");
    let z = dir.path().join("broken.zip");
    std::fs::write(&z, b"PK\x03\x04 not really a zip").unwrap();
    let e = error(std::slice::from_ref(&z), None);
    assert!(
        e.contains(&format!(
            "{}: not a folder and not a readable zip",
            z.display()
        )),
        "{e}"
    );
    assert!(error(&[], None).contains("no GTFS feed given"));
}

/// The real feeds, from `PCN_ATLAS_DATA`.
fn real(test: &str, rel: &str) -> Option<PathBuf> {
    common::shared_data(test).map(|d| d.join(rel))
}

#[test]
fn isle_of_wight_feed() {
    let Some(p) = real("isle_of_wight_feed", "iow/gtfs-southern-vectis-2018") else {
        return;
    };
    let (tt, r) = load_feeds(&[p], None).unwrap();
    // By hand (python over the CSVs): from Monday 2018-05-07, weekdays run
    // 10, 24, 22, 23, 25 trips, then 25, 24, 22, 23, 25 …: the first with 25
    // is Friday 2018-05-11, with 774 calls.
    assert_eq!(
        (r.date.as_str(), r.weekday.as_str()),
        ("2018-05-11", "Friday")
    );
    assert_eq!((r.stops, r.routes, r.trips, r.calls), (315, 8, 25, 774));
    assert_eq!(tt.stops.len(), 315);
    let f = &r.feeds[0];
    assert_eq!((f.rows["stop_times.txt"], f.rows["trips.txt"]), (2608, 97));
    assert_eq!(f.agencies.len(), 3);
    assert!(r.notices.is_empty(), "{:?}", r.notices);
    let (tt, r) = load_feeds(
        &[real("iow", "iow/gtfs-southern-vectis-2018").unwrap()],
        Some("2018-05-07"),
    )
    .unwrap();
    assert_eq!((tt.trips.len(), r.calls), (10, 390));
}

#[test]
fn chester_feed() {
    let Some(p) = real("chester_feed", "chester/chester-20230816-small_gtfs.zip") else {
        return;
    };
    let (tt, r) = load_feeds(&[p], None).unwrap();
    // From Monday 2023-07-31 weekdays run 795, 798, 804, 798, 804 trips:
    // Wednesday 2023-08-02 is the first with 804.
    assert_eq!(
        (r.date.as_str(), r.weekday.as_str()),
        ("2023-08-02", "Wednesday")
    );
    assert_eq!(r.date_source, "first full weekday of the feed");
    let f = &r.feeds[0];
    assert_eq!(
        (f.format.as_str(), f.rows["stop_times.txt"]),
        ("zip", 34249)
    );
    assert_eq!(
        (f.start_date.as_str(), f.end_date.as_str()),
        ("2023-07-31", "2024-04-26")
    );
    // Sealand School (stops.txt line 1294) is 370 km out to sea: set aside
    // with its 3 calls (3 trips of service 644, which runs that day).
    let n = &r.notices[0];
    assert!(
        n.file
            .ends_with("chester-20230816-small_gtfs.zip:stops.txt")
    );
    assert_eq!((n.line, n.kind.as_str()), (1294, "stop_isolated"));
    assert!(n.value.starts_with("49.766132,-7.555903"), "{}", n.value);
    // 1,320 rows less 27 stations (location_type 1) and Sealand School.
    assert_eq!((r.stops, f.stations_skipped), (1292, 27));
    let kinds: Vec<(&str, u64)> = r
        .notices_by_kind
        .iter()
        .map(|(k, n)| (k.as_str(), *n))
        .collect();
    assert_eq!(kinds, [("call_at_set_aside_stop", 3), ("stop_isolated", 1)]);
    // Two trips run past midnight (18 calls each after 24:00), kept as given.
    let late = tt
        .trips
        .iter()
        .flat_map(|t| &t.calls)
        .filter(|c| c.arrival >= 86_400)
        .count();
    assert_eq!(late, 36);
    let before = tt.trips.iter().filter(|t| t.id.ends_with("@-1d")).count();
    assert_eq!(before, 2);
    assert_eq!(r.trips, 806);
}
